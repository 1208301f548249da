// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "json.h"
#include "util.h"

int config_read(const char *bundle, char **ret, size_t *ret_len, char *reason,
		size_t reasonlen)
{
	_cleanup_close_ int dirfd = -1, fd = -1;
	struct stat st;
	int r;

	dirfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		r = -errno;
		snprintf(reason, reasonlen, "cannot open the bundle directory: %s",
			 strerror(-r));
		return r;
	}

	/* O_NONBLOCK keeps a FIFO planted as config.json from blocking the open. */
	fd = openat(dirfd, "config.json",
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		r = -errno;
		snprintf(reason, reasonlen, "cannot open config.json: %s",
			 r == -ELOOP ? "it is a symbolic link" : strerror(-r));
		return r;
	}

	if (fstat(fd, &st) < 0) {
		r = -errno;
		snprintf(reason, reasonlen, "cannot stat config.json: %s", strerror(-r));
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(reason, reasonlen, "config.json is not a regular file");
		return -EINVAL;
	}
	if (st.st_size > CONFIG_MAX_SIZE) {
		snprintf(reason, reasonlen, "config.json is larger than %d MiB",
			 CONFIG_MAX_SIZE / (1024 * 1024));
		return -EFBIG;
	}

	r = read_all(fd, CONFIG_MAX_SIZE, -1, ret, ret_len);
	if (r < 0)
		snprintf(reason, reasonlen, "cannot read config.json: %s", strerror(-r));
	return r;
}

/* Returns the process.env array, NULL when it is absent, or -EINVAL. */
static int get_env_array(struct json_object *root, struct json_object **ret, char *reason,
			 size_t reasonlen)
{
	struct json_object *process = NULL, *env = NULL;

	*ret = NULL;
	if (!json_object_is_type(root, json_type_object)) {
		snprintf(reason, reasonlen, "config.json: the top level is not a JSON object");
		return -EINVAL;
	}

	if (!json_object_object_get_ex(root, "process", &process) || process == NULL)
		return 0;
	if (!json_object_is_type(process, json_type_object)) {
		snprintf(reason, reasonlen, "config.json: \"process\" is not an object");
		return -EINVAL;
	}

	if (!json_object_object_get_ex(process, "env", &env) || env == NULL)
		return 0;
	if (!json_object_is_type(env, json_type_array)) {
		snprintf(reason, reasonlen, "config.json: \"process.env\" is not an array");
		return -EINVAL;
	}

	*ret = env;
	return 0;
}

int config_find_kernel_modules(const char *buf, size_t len, char **ret, size_t *ret_len,
			       char *reason, size_t reasonlen)
{
	static const size_t keylen = sizeof(KERNEL_MODULES_KEY) - 1;
	_cleanup_json_ struct json_object *root = NULL;
	struct json_object *env;
	const char *found = NULL;
	size_t found_len = 0, n;
	int r;

	r = json_parse_document(buf, len, &root, reason, reasonlen);
	if (r < 0)
		return r;

	r = get_env_array(root, &env, reason, reasonlen);
	if (r < 0 || env == NULL)
		return r;

	n = json_object_array_length(env);
	for (size_t i = 0; i < n; i++) {
		struct json_object *entry = json_object_array_get_idx(env, i);
		const char *s;
		size_t slen;

		if (!json_object_is_type(entry, json_type_string)) {
			snprintf(reason, reasonlen,
				 "config.json: \"process.env\" element %zu is not a string", i);
			return -EINVAL;
		}

		s = json_object_get_string(entry);
		slen = (size_t)json_object_get_string_len(entry);
		if (slen <= keylen || s[keylen] != '=' || memcmp(s, KERNEL_MODULES_KEY, keylen) != 0)
			continue;

		s += keylen + 1;
		slen -= keylen + 1;
		if (found && (found_len != slen || memcmp(found, s, slen) != 0)) {
			snprintf(reason, reasonlen,
				 "%s is set more than once with different values", KERNEL_MODULES_KEY);
			return -EINVAL;
		}
		found = s;
		found_len = slen;
	}

	if (!found)
		return 0;

	*ret = malloc(found_len + 1);
	if (!*ret)
		return -ENOMEM;
	memcpy(*ret, found, found_len);
	(*ret)[found_len] = '\0';
	*ret_len = found_len;
	return 1;
}
