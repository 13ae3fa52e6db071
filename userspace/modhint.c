// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "modhint.h"

#define SB_VAR "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-e36c8c3c3ff5"
#define MODDIR "/lib/modules"

/* Does @dir (a kernel's module tree) hold pmhs.ko somewhere DKMS or make put it? */
static bool has_pmhs(const char *kernel)
{
	static const char *const where[] = {
		"updates/dkms/pmhs.ko", "updates/dkms/pmhs.ko.xz", "updates/dkms/pmhs.ko.zst",
		"updates/pmhs.ko", "extra/pmhs.ko", "extra/pmhs.ko.xz",
	};
	char path[512];
	struct stat st;

	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		snprintf(path, sizeof(path), MODDIR "/%s/%s", kernel, where[i]);
		if (!stat(path, &st))
			return true;
	}
	return false;
}

static int secure_boot_state(void)
{
	unsigned char v[5];
	int fd = open(SB_VAR, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return access("/sys/firmware/efi", F_OK) ? 0 : -1;
	/* Four bytes of attributes, then the value. */
	n = read(fd, v, sizeof(v));
	close(fd);
	return n == 5 ? v[4] == 1 : -1;
}

void modhint_probe(struct modhint *h)
{
	struct utsname u;
	struct dirent *de;
	size_t n = 0;
	DIR *d;
	FILE *p;

	memset(h, 0, sizeof(*h));
	h->loaded = !access("/sys/module/pmhs", F_OK);
	if (!uname(&u))
		snprintf(h->kernel, sizeof(h->kernel), "%s", u.release);
	/* A dry run: prints the insmod it would do, or "not found". */
	h->modprobe_rc = -1;
	p = popen("PATH=/usr/sbin:/sbin:/usr/bin:/bin modprobe -n -v pmhs 2>&1", "r");
	if (p) {
		n = fread(h->modprobe_out, 1, sizeof(h->modprobe_out) - 1, p);
		h->modprobe_out[n] = '\0';
		h->modprobe_rc = pclose(p);
		if (h->modprobe_rc > 0)
			h->modprobe_rc = WEXITSTATUS(h->modprobe_rc);
		/* The shell's "not found" for modprobe itself. */
		if (h->modprobe_rc == 127)
			h->modprobe_rc = -1;
	}
	d = opendir(MODDIR);
	n = 0;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, h->kernel) || !has_pmhs(de->d_name))
			continue;
		n += (size_t)snprintf(h->other_kernels + n, sizeof(h->other_kernels) - n, "%s%s",
				      n ? " " : "", de->d_name);
		if (n >= sizeof(h->other_kernels))
			break;
	}
	if (d)
		closedir(d);
	h->secure_boot = secure_boot_state();
}

enum modhint_case modhint_classify(const struct modhint *h)
{
	if (h->loaded)
		return MODHINT_NO_FAMILY;
	/* modprobe -n exits 0 and names the file only if it can load it. */
	if (h->modprobe_rc == 0 && strstr(h->modprobe_out, "pmhs"))
		return h->secure_boot == 1 ? MODHINT_SECURE_BOOT : MODHINT_LOAD_FAILED;
	if (h->other_kernels[0])
		return MODHINT_OTHER_KERNEL;
	return MODHINT_NOT_INSTALLED;
}

/* Appends; once full, only counts (snprintf with size 0 writes nothing). */
#define add(...) \
	(n += (size_t)snprintf(buf + (n < len ? n : len), n < len ? len - n : 0, __VA_ARGS__))

enum modhint_case modhint_advice(const struct modhint *h, char *buf, size_t len)
{
	enum modhint_case c = modhint_classify(h);
	size_t n = 0;

	buf[0] = '\0';
	switch (c) {
	case MODHINT_NOT_INSTALLED:
		add("the pmhs kernel module is not installed on this machine (kernel %s).\n"
		    "  Install the packages, as root:  apt install ./pmhs-dkms_*.deb ./pmhs-ctl_*.deb\n"
		    "  (DKMS builds the module for the running kernel; it needs the package\n"
		    "  linux-headers-%s). Then: modprobe pmhs\n", h->kernel, h->kernel);
		break;
	case MODHINT_OTHER_KERNEL:
		add("the pmhs kernel module is installed, but only for kernel %s, not for the\n"
		    "  running kernel %s.\n"
		    "  Let DKMS build it for this kernel, as root:\n"
		    "    apt install linux-headers-%s && dkms autoinstall && modprobe pmhs\n"
		    "  or boot the kernel it was built for.\n",
		    h->other_kernels, h->kernel, h->kernel);
		break;
	case MODHINT_SECURE_BOOT:
		add("the pmhs kernel module is installed but did not load, and Secure Boot is on.\n"
		    "  The kernel only loads modules signed by a key it trusts; 'modprobe pmhs'\n"
		    "  then fails with \"Key was rejected by service\". Enrol the key DKMS signs\n"
		    "  with (once per machine), as root:\n"
		    "    mokutil --import /var/lib/dkms/mok.pub   (choose a one-time password)\n"
		    "  reboot, choose \"Enroll MOK\" in the blue MOK manager screen, enter the\n"
		    "  password, and after the boot: modprobe pmhs\n");
		break;
	case MODHINT_LOAD_FAILED:
		add("the pmhs kernel module is installed for this kernel but did not load.\n"
		    "  Load it as root to see why:  modprobe pmhs\n"
		    "  (\"Key was rejected by service\" means Secure Boot wants a signed module:\n"
		    "  see \"Secure Boot\" in the README; other reasons are in: dmesg | grep pmhs)\n");
		break;
	case MODHINT_NO_FAMILY:
		add("the pmhs module is loaded but does not answer on generic netlink: it is\n"
		    "  probably a version that does not match this pmhs-ctl. Reload it, as root:\n"
		    "    modprobe -r pmhs && modprobe pmhs\n"
		    "  and if that does not help, reinstall both packages of the same version.\n");
		break;
	}
	return c;
}
