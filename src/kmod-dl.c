// SPDX-License-Identifier: LGPL-2.1-or-later
#define KMOD_DL_NO_REDIRECT
#include "kmod-dl.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>

#include "handover.h"

#define KMOD_DL_DEFINE(fn) __typeof__(fn) *dl_##fn;
KMOD_DL_FUNCTIONS(KMOD_DL_DEFINE)
#undef KMOD_DL_DEFINE

/* The soname of libkmod 30, the version Debian 12 ships. */
#define LIBKMOD_SONAME "libkmod.so.2"

static void *handle;

static int resolve(void *lib, const char *name, void **slot, char *reason, size_t reasonlen)
{
	*slot = dlsym(lib, name);
	if (*slot)
		return 0;
	snprintf(reason, reasonlen, "%s has no symbol %s", LIBKMOD_SONAME, name);
	return -ELIBACC;
}

int kmod_dl_open(char *reason, size_t reasonlen)
{
	void *lib;

	if (handle)
		return 0;

	lib = dlopen(LIBKMOD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		snprintf(reason, reasonlen, "cannot load %s: %s", LIBKMOD_SONAME, dlerror());
		return -ELIBACC;
	}

#define KMOD_DL_RESOLVE(fn)                                                       \
	if (resolve(lib, #fn, (void **)&dl_##fn, reason, reasonlen) < 0) {        \
		dlclose(lib);                                                     \
		return -ELIBACC;                                                  \
	}
	KMOD_DL_FUNCTIONS(KMOD_DL_RESOLVE)
#undef KMOD_DL_RESOLVE

	handle = lib;
	return 0;
}

bool handover_is_first_binary(void)
{
	return false;
}
