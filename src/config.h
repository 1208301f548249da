/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

/* Largest config.json accepted. Real ones with big seccomp profiles stay under 1 MiB. */
#define CONFIG_MAX_SIZE (32 * 1024 * 1024)

/* The env variable that carries the request. */
#define KERNEL_MODULES_KEY "KERNEL_MODULES"

/*
 * Read <bundle>/config.json without following a symlink at config.json and
 * only if it is a regular file. Returns 0 or a negative errno, with a reason.
 */
int config_read(const char *bundle, char **ret, size_t *ret_len, char *reason,
		size_t reasonlen);

/*
 * Read the config.json at path, given by an administrator on the command
 * line, with the same type and size checks as config_read().
 */
int config_read_file(const char *path, char **ret, size_t *ret_len, char *reason,
		     size_t reasonlen);

/*
 * Find KERNEL_MODULES in process.env of the config document. Each entry splits
 * at its first '='. Repeats with one value are accepted, and repeats with
 * different values are -EINVAL. Returns 1 with a copy of the value (which may
 * contain NUL bytes, so its length is in ret_len), 0 when the variable is not
 * set, or -EINVAL with a reason.
 */
int config_find_kernel_modules(const char *buf, size_t len, char **ret, size_t *ret_len,
			       char *reason, size_t reasonlen);
