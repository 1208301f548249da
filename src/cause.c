// SPDX-License-Identifier: LGPL-2.1-or-later
#include "cause.h"

#include <errno.h>
#include <string.h>

#include "util.h"

static const struct {
	int err;
	const char *cause;
} causes[] = {
	/* init_module returns ENOENT for unresolved symbols and unknown parameters. */
	{ ENOENT, "unknown symbol in the module or a dependency, or an unknown parameter "
		  "(see the kernel log)" },
	{ ENOEXEC, "exec format error (the module was built for another kernel)" },
	{ EKEYREJECTED, "key rejected by service (the module signature is not trusted)" },
	{ ENOKEY, "required key not available (the module is unsigned and signatures are "
		  "enforced)" },
	{ EBADMSG, "bad message (the module signature or file is corrupt)" },
	{ EPERM, "operation not permitted" },
	{ ENODEV, "no such device (the module found no hardware it supports)" },
	{ ENOSYS, "the running kernel has no module support" },
	{ EBUSY, "device or resource busy (see the kernel log)" },
	{ ENOMEM, "out of memory" },
	{ ETIMEDOUT, "timed out waiting for the module to finish its initialization" },
	{ EINVAL, "invalid argument (see the kernel log)" },
};

const char *cause_for_errno(int err)
{
	for (size_t i = 0; i < ARRAY_SIZE(causes); i++)
		if (causes[i].err == -err)
			return causes[i].cause;
	return strerror(-err);
}
