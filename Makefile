# SPDX-License-Identifier: GPL-2.0
#
#   make                 build kmod/pmhs.ko (for KVER) and userspace/pmhs-ctl
#   make KVER=<release>  build the module for an installed linux-headers-<release>
#   make check           build everything and run the selftests in QEMU on 6.1 and 6.12
#   make demo            show pmhs at work in the VM
#   make bench           pmhs against OpenSSL in the VM, as ratios (build/bench.json)
#   make bench-native    the module's arithmetic (mont.c, r255.c) against OpenSSL and
#                        libsodium natively, on this machine (build/bench-native.json)
#   make check-fuzz      libFuzzer on pmhs-ctl's parsers, 60 s per target
#   make check-debug     the selftests on a KASAN/kmemleak/lockdep kernel built from
#                        linux-source-6.1 (cached), 1,000,000 fuzzed netlink messages
#   make deps            install the Debian packages that building and installing
#                        pmhs needs (make deps-deb: and packaging it; make deps-dev:
#                        and everything make check, demo and bench need)
#   make style           checkpatch over kmod/ and include/
#   make sparse          sparse (C=2) over the module, for both kernels
#   make install         install pmhs.ko (for KVER), pmhs-ctl, its man page and completion
#   make dkms-install    put the module source in /usr/src/pmhs-VERSION, build and
#                        install it with DKMS for every installed kernel with headers
#   make dkms-remove     undo dkms-install
#   make deb             build/deb/pmhs-dkms_VERSION_all.deb, pmhs-ctl_VERSION_amd64.deb,
#                        libpmhs0_VERSION_amd64.deb, libpmhs-dev_VERSION_amd64.deb and
#                        python3-pmhs_VERSION_all.deb

VERSION := $(shell cat VERSION)
TOP := $(CURDIR)
PYTHON ?= /usr/bin/python3

# KDIR: the running kernel's build dir if it has one, else the newest
# installed Debian headers.
ifeq ($(origin KVER),undefined)
  KVER := $(shell r=$$(uname -r); if [ -d /lib/modules/$$r/build ]; then echo $$r; else \
	ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sed 's|/usr/src/linux-headers-||' | sort -V | tail -n 1; fi)
endif
KDIR ?= /lib/modules/$(KVER)/build

# The kernels `make check` tests on.
CHECK_KERNELS ?= 6.1 6.12

# Module sources (not kbuild's generated *.mod.c).
KMOD_SRCS = $(filter-out %.mod.c,$(wildcard kmod/*.c kmod/*.h kmod/*/*.c kmod/*/*.h))

KSRC_TAR ?= /usr/src/linux-source-6.1.tar.xz
KSRC_DIR := $(TOP)/build/linux-source-6.1

.PHONY: all module userspace selftests vm-modules check check-fuzz demo deps deps-deb deps-dev bench \
	bench-native style sparse gen gen-check kselftest-headers install clean \
	dkms-src dkms-install dkms-remove deb

all: module userspace

module:
	@[ -d "$(KDIR)" ] || { echo "no kernel build dir $(KDIR): install linux-headers-$(KVER) (make deps)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP) modules

userspace:
	$(MAKE) -C userspace VERSION=$(VERSION)

# One out-of-tree build per kernel, in build/<release>/, for the VM tests:
# a tree of symlinks keeps the objects of one kernel away from another's.
vm-modules:
	@set -e; for s in $(CHECK_KERNELS); do \
		k=$$(selftests/vm/kver $$s); \
		$(MAKE) --no-print-directory kmod-tree KVER=$$k; \
	done

kmod-tree:
	@set -e; d=$(TOP)/build/$(KVER); mkdir -p $$d/kmod; \
	ln -sfn $(TOP)/include $$d/include; ln -sfn $(TOP)/VERSION $$d/VERSION; \
	ln -sfn $(TOP)/Kbuild $$d/Kbuild; \
	for f in $(KMOD_SRCS) kmod/Kbuild; do mkdir -p $$d/$$(dirname $$f); ln -sfn $(TOP)/$$f $$d/$$f; done; \
	find $$d/kmod -xtype l -delete; rm -f $$d/kmod/*.mod.c; \
	$(MAKE) -C $(or $(KTREE),/lib/modules/$(KVER)/build) M=$$d W=1 modules 2>&1 | tee $$d/build.log; \
	[ $${PIPESTATUS[0]} -eq 0 ]; \
	if grep -E 'warning:|error:' $$d/build.log; then echo "module build for $(KVER) has warnings" >&2; exit 1; fi
.PHONY: kmod-tree
SHELL := /bin/bash

# kselftest headers and checkpatch come from Debian's linux-source-6.1 at
# build time; they are never committed.
kselftest-headers: $(KSRC_DIR)/.stamp
$(KSRC_DIR)/.stamp:
	@[ -r $(KSRC_TAR) ] || { echo "$(KSRC_TAR) missing: apt-get install linux-source-6.1 (make deps-dev)" >&2; exit 1; }
	mkdir -p $(TOP)/build
	tar -C $(TOP)/build -xJf $(KSRC_TAR) --wildcards \
		'linux-source-6.1/tools/testing/selftests/kselftest*.h' \
		'linux-source-6.1/scripts/checkpatch.pl' \
		'linux-source-6.1/scripts/spelling.txt' \
		'linux-source-6.1/scripts/const_structs.checkpatch'
	touch $@

# The kernel's ynl CLI and netlink schemas, to validate and drive our spec.
KSRC12_TAR ?= /usr/src/linux-source-6.12.tar.xz
KSRC12_DIR := $(TOP)/build/linux-source-6.12
ynl: $(KSRC12_DIR)/.stamp
$(KSRC12_DIR)/.stamp:
	@[ -r $(KSRC12_TAR) ] || { echo "$(KSRC12_TAR) missing: apt-get install linux-source-6.12 (make deps-dev)" >&2; exit 1; }
	mkdir -p $(TOP)/build
	tar -C $(TOP)/build -xJf $(KSRC12_TAR) --wildcards \
		'linux-source-6.12/tools/net/ynl/*' \
		'linux-source-6.12/Documentation/netlink/*.yaml'
	touch $@
.PHONY: ynl

selftests: kselftest-headers userspace ynl
	$(MAKE) -C selftests KSFT_DIR=$(KSRC_DIR)/tools/testing/selftests VERSION=$(VERSION)
	$(MAKE) -C bench

PY_CDEF = $(PYTHON) tools/gen-python-cdef.py include/uapi/linux/pmhs.h include/pmhs/pmhs.h
gen:
	$(PYTHON) tools/nlspec-gen.py docs/netlink/pmhs.yaml $(TOP)
	$(PY_CDEF) python/pmhs/_cdef.py

# The UAPI header and the kernel policies must match the YAML spec, and
# the Python binding's declarations the C headers.
gen-check: ynl
	@$(PYTHON) -c 'import sys, yaml, jsonschema; \
		spec = yaml.safe_load(open("docs/netlink/pmhs.yaml")); \
		schema = yaml.safe_load(open("$(KSRC12_DIR)/Documentation/netlink/" + spec["protocol"] + ".yaml")); \
		jsonschema.validate(spec, schema)' || { echo "docs/netlink/pmhs.yaml does not validate against the kernel's netlink schema" >&2; exit 1; }
	@rm -rf build/gen && mkdir -p build/gen
	@$(PYTHON) tools/nlspec-gen.py docs/netlink/pmhs.yaml build/gen
	@mkdir -p build/gen/python/pmhs && $(PY_CDEF) build/gen/python/pmhs/_cdef.py
	@for f in include/uapi/linux/pmhs.h kmod/netlink/nl_gen.h kmod/netlink/nl_gen.c python/pmhs/_cdef.py; do \
		diff -u $$f build/gen/$$f || { echo "$$f is stale: run 'make gen'" >&2; exit 1; }; \
	done

# compat.h is the one file allowed to test LINUX_VERSION_CODE.
CHECKPATCH = $(KSRC_DIR)/scripts/checkpatch.pl --no-tree --strict --terse --show-types \
	--ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES
style: kselftest-headers
	$(CHECKPATCH) -f $(filter-out kmod/compat.h,$(KMOD_SRCS)) include/uapi/linux/pmhs.h
	$(CHECKPATCH) --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f kmod/compat.h
	/usr/bin/python3 -m pyflakes python tools/*.py

sparse:
	@command -v sparse >/dev/null || { echo "sparse missing (make deps-dev)" >&2; exit 1; }
	@set -e; for s in $(CHECK_KERNELS); do \
		k=$$(selftests/vm/kver $$s); d=$(TOP)/build/sparse-$$k; \
		mkdir -p $$d/kmod; ln -sfn $(TOP)/include $$d/include; ln -sfn $(TOP)/VERSION $$d/VERSION; \
		ln -sfn $(TOP)/Kbuild $$d/Kbuild; \
		for f in $(KMOD_SRCS) kmod/Kbuild; do mkdir -p $$d/$$(dirname $$f); ln -sfn $(TOP)/$$f $$d/$$f; done; \
		find $$d/kmod -xtype l -delete; rm -f $$d/kmod/*.mod.c; \
		$(MAKE) -C /lib/modules/$$k/build M=$$d C=2 modules 2>&1 | tee $$d/sparse.log >/dev/null; \
		if grep -E '^/.*(warning|error):' $$d/sparse.log; then echo "sparse: $$k not clean" >&2; exit 1; fi; \
		echo "sparse: $$k clean"; \
	done

DEPS_DEV ?= tools/deps --dev
deps:
	@tools/deps
deps-deb:
	@tools/deps --deb
deps-dev:
	@$(DEPS_DEV)

# Which kernel `make` builds the module for, and whether its headers are there.
kdir:
	@[ -d "$(KDIR)" ] || { echo "no kernel build dir $(KDIR): install linux-headers-$(KVER) (make deps)" >&2; exit 1; }
	@echo "$(KVER) $(KDIR)"
.PHONY: kdir

# tools/check installs its packages itself (make deps-dev), so that its
# wall-clock total includes them.
check:
	@tools/check

# The debug-kernel lane (tools/check-debug): make check runs it too, with
# the usual fuzz count; on its own it fuzzes 1,000,000 messages.
check-debug: deps-dev
	@$(MAKE) --no-print-directory userspace selftests
	@tools/check-debug
.PHONY: check-debug

# libFuzzer on pmhs-ctl's parsers (PEM/DER, hex, TCP frames), 60 s each.
check-fuzz: deps-dev
	$(MAKE) -C userspace/fuzz run SECONDS=$(or $(SECONDS),60)

# A second make after the packages are in: KVER and KDIR are worked out
# when a Makefile is read, and on a fresh machine the headers they name
# only exist once deps-dev has installed them.
# (selftests/tool/make-fresh.sh checks this on a machine without headers.)
DEMO_BUILD ?= all vm-modules
DEMO ?= tools/demo
demo: deps-dev
	@$(MAKE) --no-print-directory $(DEMO_BUILD)
	@$(DEMO)

bench: deps-dev
	@$(MAKE) --no-print-directory all vm-modules selftests
	$(MAKE) -C bench
	@tools/bench

# No VM: the arithmetic files, unchanged, in userspace on this CPU.
bench-native: deps-dev
	@tools/bench-native

# The module goes to /lib/modules/$(KVER)/updates, the tool to /usr/sbin.
install: all
	$(MAKE) -C $(KDIR) M=$(TOP) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KVER)
	$(MAKE) -C userspace install DESTDIR=$(DESTDIR) PREFIX=$(or $(PREFIX),/usr)

# What DKMS builds from: the module sources, nothing else. debian/rules
# uses this too (DKMS_SRC=debian/pmhs-dkms/usr/src/pmhs-VERSION).
DKMS_SRC ?= /usr/src/pmhs-$(VERSION)
dkms-src:
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)/kmod $(DKMS_SRC)/include/uapi/linux
	install -m 0644 Kbuild VERSION dkms.conf $(DKMS_SRC)/
	for f in kmod/Kbuild $(KMOD_SRCS); do install -D -m 0644 $$f $(DKMS_SRC)/$$f; done
	install -m 0644 include/uapi/linux/pmhs.h $(DKMS_SRC)/include/uapi/linux/

# Reinstalls from this tree if pmhs/VERSION is already in DKMS. Kernels
# without headers, or older than 6.1 (BUILD_EXCLUSIVE_KERNEL), are skipped.
dkms-install:
	@[ "$$(id -u)" = 0 ] || { echo "dkms-install: run as root (sudo make dkms-install)" >&2; exit 1; }
	@command -v dkms >/dev/null || { echo "dkms missing (make deps)" >&2; exit 1; }
	@! dpkg-query -S /usr/src/pmhs-$(VERSION) >/dev/null 2>&1 || \
		{ echo "/usr/src/pmhs-$(VERSION) belongs to the pmhs-dkms package: use apt, not make" >&2; exit 1; }
	@grep -qx 'PACKAGE_VERSION="$(VERSION)"' dkms.conf || \
		{ echo "dkms.conf: PACKAGE_VERSION is not $(VERSION) (VERSION)" >&2; exit 1; }
	@if [ -n "$$(dkms status -m pmhs -v $(VERSION) 2>/dev/null)" ]; then dkms remove -m pmhs -v $(VERSION) --all; fi
	@$(MAKE) --no-print-directory dkms-src DKMS_SRC=/usr/src/pmhs-$(VERSION)
	dkms add -m pmhs -v $(VERSION)
	@set -e; n=0; for k in $$(ls -v /lib/modules); do \
		if [ ! -e /lib/modules/$$k/build/include ]; then echo "dkms-install: $$k: no headers, skipped"; continue; fi; \
		st=0; dkms build -m pmhs -v $(VERSION) -k $$k || st=$$?; \
		if [ $$st = 77 ]; then echo "dkms-install: $$k: older than 6.1, skipped"; continue; fi; \
		[ $$st = 0 ]; dkms install -m pmhs -v $(VERSION) -k $$k; n=$$((n + 1)); \
	done; \
	[ $$n -gt 0 ] || { echo "dkms-install: no kernel to build for (install linux-headers-...)" >&2; exit 1; }
	@dkms status -m pmhs -v $(VERSION)

dkms-remove:
	@[ "$$(id -u)" = 0 ] || { echo "dkms-remove: run as root" >&2; exit 1; }
	@! dpkg-query -S /usr/src/pmhs-$(VERSION) >/dev/null 2>&1 || \
		{ echo "/usr/src/pmhs-$(VERSION) belongs to the pmhs-dkms package: use apt, not make" >&2; exit 1; }
	if [ -n "$$(dkms status -m pmhs -v $(VERSION) 2>/dev/null)" ]; then dkms remove -m pmhs -v $(VERSION) --all; fi
	rm -rf /usr/src/pmhs-$(VERSION)

# The packages are built from a copy of the tracked (and new, not ignored)
# files, so that nothing built in this tree ends up in them (nor the
# __pycache__ a host run of the Python tests leaves).
deb:
	@command -v dpkg-buildpackage dh_dkms >/dev/null || { echo "debhelper/dh-dkms missing (make deps-deb)" >&2; exit 1; }
	rm -rf build/deb
	mkdir -p build/deb/pmhs-$(VERSION)
	git ls-files -co --exclude-standard -z | \
		while IFS= read -r -d '' f; do \
			case "$$f" in */__pycache__/*) continue ;; esac; \
			[ -e "$$f" ] && printf '%s\0' "$$f"; done | \
		xargs -0 cp -a --parents -t build/deb/pmhs-$(VERSION)
	cd build/deb/pmhs-$(VERSION) && dpkg-buildpackage -b -us -uc
	rm -rf build/deb/pmhs-$(VERSION)
	@ls build/deb/*.deb

clean:
	-[ -d "$(KDIR)" ] && $(MAKE) -C $(KDIR) M=$(TOP) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C selftests clean
	rm -rf build
