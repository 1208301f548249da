// SPDX-License-Identifier: GPL-2.0
/*
 * Test module whose init function sleeps before it returns, so that tests
 * can observe a module in the kernel's "coming" state.
 */
#include <linux/delay.h>
#include <linux/module.h>

static unsigned int init_ms = 2000;
module_param(init_ms, uint, 0444);
MODULE_PARM_DESC(init_ms, "Time the init function sleeps, in milliseconds (default 2000)");

static int __init kmodhook_sleep_init(void)
{
	msleep(init_ms);
	return 0;
}

static void __exit kmodhook_sleep_exit(void)
{
}

module_init(kmodhook_sleep_init);
module_exit(kmodhook_sleep_exit);

MODULE_DESCRIPTION("oci-kmod-hook test module that sleeps init_ms milliseconds in its init function");
MODULE_LICENSE("GPL");
