// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libkmod for the statically linked oci-kmod-hook, which has none: opening
 * it hands the run over to oci-kmod-hook-kmod (see handover.h). The function
 * pointers stay NULL, because kmod_dl_open() never returns 0 here.
 */
#define KMOD_DL_NO_REDIRECT
#include "kmod-dl.h"

#include "handover.h"

#define KMOD_DL_DEFINE(fn) __typeof__(fn) *dl_##fn;
KMOD_DL_FUNCTIONS(KMOD_DL_DEFINE)
#undef KMOD_DL_DEFINE

int kmod_dl_open(char *reason, size_t reasonlen)
{
	return handover_exec(reason, reasonlen);
}

bool handover_is_first_binary(void)
{
	return true;
}
