// SPDX-License-Identifier: GPL-2.0
/*
 * Test module that does nothing. Built out of tree and unsigned, so modinfo
 * shows no signer and no "intree: Y".
 */
#include <linux/module.h>

static int __init kmodhook_oot_init(void)
{
	return 0;
}

static void __exit kmodhook_oot_exit(void)
{
}

module_init(kmodhook_oot_init);
module_exit(kmodhook_oot_exit);

MODULE_DESCRIPTION("oci-kmod-hook test module built out of tree and unsigned");
MODULE_LICENSE("GPL");
