// SPDX-License-Identifier: GPL-2.0
/* Set before pmhs_mont_new() to make boot_cpu_has() deny BMI2 and ADX. */
int shim_cpu_no_adx;
