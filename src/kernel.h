/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "names.h"

/*
 * Mount points of sysfs and procfs, where kernel state is read. Tests point
 * them at a fake tree, and the hook uses "/sys" and "/proc".
 */
struct kernel_paths {
	const char *sysfs;
	const char *procfs;
};

extern const struct kernel_paths kernel_paths_host;

enum module_state {
	MODULE_ABSENT,
	MODULE_LIVE,
	MODULE_COMING,
	MODULE_GOING,
	MODULE_BUILTIN,
};

/*
 * Read a module's state from <sysfs>/module/<name>/initstate. A directory
 * without initstate is a builtin module. name must be canonical.
 */
enum module_state kernel_module_state(const struct kernel_paths *paths, const char *name);

const char *module_state_name(enum module_state state);

/* Whether the kernel loads modules at all: <procfs>/modules exists. */
bool kernel_has_module_support(const struct kernel_paths *paths);

/* Whether kernel.modules_disabled is 1, so no module can be loaded until reboot. */
bool kernel_modules_disabled(const struct kernel_paths *paths);

/* Whether this process has CAP_SYS_MODULE in its effective set. */
bool have_cap_sys_module(void);

/*
 * Whether this process shares PID 1's mount namespace, comparing
 * <procfs>/self/ns/mnt with <procfs>/1/ns/mnt. Returns 1, 0, or a negative
 * errno when either cannot be read (reading PID 1's needs root).
 */
int kernel_in_init_mount_ns(const struct kernel_paths *paths);

/*
 * Tell whether pid shares this process's namespace of type ("mnt", "pid"),
 * comparing <procfs>/self/ns/TYPE with <procfs>/PID/ns/TYPE. Returns 1, 0,
 * or a negative errno when either cannot be read.
 */
int kernel_shares_ns(const struct kernel_paths *paths, int pid, const char *type);

/* Copy the running kernel's release (uname -r) into buf. */
int kernel_release(char *buf, size_t buflen);

/*
 * Read <sysfs>/module/<name>/refcnt, the kernel's reference count of a loaded
 * module. Returns the count, or a negative errno (-ENOENT for a builtin
 * module or one that is not loaded).
 */
int kernel_module_refcnt(const struct kernel_paths *paths, const char *name);

/* Add the modules listed in <sysfs>/module/<name>/holders/, which use name. */
int kernel_module_holders(const struct kernel_paths *paths, const char *name,
			  struct name_list *holders);

/*
 * Return the inode number of <sysfs>/module/<name>, or 0 when it is missing.
 * sysfs gives the directory a new inode number each time the module is
 * loaded, so the number identifies one load of the module.
 */
unsigned long long kernel_module_inode(const struct kernel_paths *paths, const char *name);
