// SPDX-License-Identifier: LGPL-2.1-or-later
#include "kernel.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util.h"

const struct kernel_paths kernel_paths_host = { .sysfs = "/sys", .procfs = "/proc" };

enum module_state kernel_module_state(const struct kernel_paths *paths, const char *name)
{
	char path[PATH_MAX], state[32];
	int r;

	snprintf(path, sizeof(path), "%s/module/%s/initstate", paths->sysfs, name);
	r = read_small_file(path, state, sizeof(state));
	if (r == -ENOENT) {
		snprintf(path, sizeof(path), "%s/module/%s", paths->sysfs, name);
		return access(path, F_OK) == 0 ? MODULE_BUILTIN : MODULE_ABSENT;
	}
	if (r < 0)
		return MODULE_ABSENT;

	if (strcmp(state, "live") == 0)
		return MODULE_LIVE;
	if (strcmp(state, "coming") == 0)
		return MODULE_COMING;
	if (strcmp(state, "going") == 0)
		return MODULE_GOING;
	return MODULE_ABSENT;
}

const char *module_state_name(enum module_state state)
{
	switch (state) {
	case MODULE_LIVE:
		return "live";
	case MODULE_COMING:
		return "coming";
	case MODULE_GOING:
		return "going";
	case MODULE_BUILTIN:
		return "builtin";
	case MODULE_ABSENT:
		break;
	}
	return "absent";
}

bool kernel_has_module_support(const struct kernel_paths *paths)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/modules", paths->procfs);
	return access(path, F_OK) == 0;
}

bool kernel_modules_disabled(const struct kernel_paths *paths)
{
	char path[PATH_MAX], value[16];

	snprintf(path, sizeof(path), "%s/sys/kernel/modules_disabled", paths->procfs);
	if (read_small_file(path, value, sizeof(value)) < 0)
		return false;
	return strcmp(value, "1") == 0;
}

bool have_cap_sys_module(void)
{
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { 0 };

	if (syscall(SYS_capget, &header, data) < 0)
		return false;
	return data[CAP_SYS_MODULE / 32].effective & (1U << (CAP_SYS_MODULE % 32));
}

int kernel_shares_ns(const struct kernel_paths *paths, int pid, const char *type)
{
	char self[PATH_MAX], other[PATH_MAX];
	struct stat a, b;

	snprintf(self, sizeof(self), "%s/self/ns/%s", paths->procfs, type);
	snprintf(other, sizeof(other), "%s/%d/ns/%s", paths->procfs, pid, type);
	if (stat(self, &a) < 0 || stat(other, &b) < 0)
		return -errno;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int kernel_in_init_mount_ns(const struct kernel_paths *paths)
{
	return kernel_shares_ns(paths, 1, "mnt");
}

int kernel_release(char *buf, size_t buflen)
{
	struct utsname u;

	if (uname(&u) < 0)
		return -errno;
	snprintf(buf, buflen, "%s", u.release);
	return 0;
}

int kernel_module_refcnt(const struct kernel_paths *paths, const char *name)
{
	char path[PATH_MAX], value[32], *end;
	long count;
	int r;

	snprintf(path, sizeof(path), "%s/module/%s/refcnt", paths->sysfs, name);
	r = read_small_file(path, value, sizeof(value));
	if (r < 0)
		return r;

	errno = 0;
	count = strtol(value, &end, 10);
	if (errno != 0 || end == value || *end != '\0' || count < 0 || count > INT_MAX)
		return -EINVAL;
	return (int)count;
}

int kernel_module_holders(const struct kernel_paths *paths, const char *name,
			  struct name_list *holders)
{
	char path[PATH_MAX];
	struct dirent *entry;
	DIR *dir;
	int r = 0;

	snprintf(path, sizeof(path), "%s/module/%s/holders", paths->sysfs, name);
	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;

	while (r == 0 && (entry = readdir(dir)) != NULL)
		if (entry->d_name[0] != '.')
			r = name_list_add(holders, entry->d_name);
	closedir(dir);
	return r;
}

unsigned long long kernel_module_inode(const struct kernel_paths *paths, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/module/%s", paths->sysfs, name);
	if (stat(path, &st) < 0)
		return 0;
	return (unsigned long long)st.st_ino;
}
