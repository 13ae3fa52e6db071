/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Include after kselftest_harness.h. PMHS_TEST_HARNESS_MAIN replaces
 * TEST_HARNESS_MAIN: it first multiplies every test's timeout by
 * PMHS_TEST_TIMEOUT_SCALE (the debug-kernel lane sets it; KASAN and
 * lockdep under TCG are several times slower than Debian's kernel).
 */
#ifndef PMHS_HARNESS_H
#define PMHS_HARNESS_H

#include <stdlib.h>

#define PMHS_TEST_HARNESS_MAIN						\
static void pmhs_scale_timeouts(void)					\
{									\
	const char *s = getenv("PMHS_TEST_TIMEOUT_SCALE");		\
	int k = s ? atoi(s) : 1;					\
									\
	if (k <= 1 || k > 100)						\
		return;							\
	for (struct __fixture_metadata *f = __fixture_list; f; f = f->next) \
		for (struct __test_metadata *t = f->tests; t; t = t->next) \
			t->timeout *= k;				\
}									\
									\
int main(int argc, char **argv)						\
{									\
	pmhs_scale_timeouts();						\
	return test_harness_run(argc, argv);				\
}

#endif /* PMHS_HARNESS_H */
