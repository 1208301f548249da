// SPDX-License-Identifier: LGPL-2.1-or-later
/* Reading policy files from disk; parsing and matching are in policy.c. */
#include "policy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

static int load_error(struct policy *policy, const char *path, int err)
{
	const char *why = strerror(-err);

	if (err == -EFBIG)
		why = "larger than 1 MiB";
	else if (err == -EINVAL)
		why = "not a regular file";
	snprintf(policy->error, sizeof(policy->error), "cannot read policy file %s: %s", path,
		 why);
	policy->invalid = true;
	return err;
}

/* Returns 0, or -ENOENT when the file is missing and may be, or a negative errno. */
static int load_file(struct policy *policy, const char *path, bool may_be_missing)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	struct stat st;
	size_t len;
	int r;

	/* O_NONBLOCK keeps a FIFO at the path from blocking the open. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT && may_be_missing)
		return -ENOENT;
	if (fd < 0)
		return load_error(policy, path, -errno);

	if (fstat(fd, &st) < 0)
		return load_error(policy, path, -errno);
	if (!S_ISREG(st.st_mode))
		return load_error(policy, path, -EINVAL);
	if (st.st_size > POLICY_FILE_MAX_SIZE)
		return load_error(policy, path, -EFBIG);

	r = read_all(fd, POLICY_FILE_MAX_SIZE, -1, &text, &len);
	if (r < 0)
		return load_error(policy, path, r);

	return policy_parse(policy, path, text, len);
}

static bool is_dropin_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 5 && strcmp(name + len - 5, ".conf") == 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* List the *.conf names in dir, sorted by byte value so the locale cannot change order. */
static int list_dropins(const char *dir, char ***ret, size_t *ret_n)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;

	*ret = NULL;
	*ret_n = 0;
	if (!d)
		return errno == ENOENT ? 0 : -errno;

	while ((de = readdir(d))) {
		char **bigger;

		if (!is_dropin_name(de->d_name))
			continue;
		bigger = realloc(names, (n + 1) * sizeof(*names));
		if (!bigger || !(bigger[n] = strdup(de->d_name))) {
			free_names(bigger ? bigger : names, n);
			closedir(d);
			return -ENOMEM;
		}
		names = bigger;
		n++;
	}
	closedir(d);

	if (n > 0)
		qsort(names, n, sizeof(*names), compare_names);
	*ret = names;
	*ret_n = n;
	return 0;
}

static int load_dropins(struct policy *policy, const char *dir)
{
	char **names;
	size_t n;
	int r;

	r = list_dropins(dir, &names, &n);
	if (r < 0)
		return load_error(policy, dir, r);

	for (size_t i = 0; i < n && r >= 0; i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		r = load_file(policy, path, false);
	}
	free_names(names, n);
	return r < 0 ? r : 0;
}

int policy_load_from(struct policy *policy, const char *file, const char *dropin_dir)
{
	int r;

	r = load_file(policy, file, true);
	if (r < 0 && r != -ENOENT)
		return r;
	return load_dropins(policy, dropin_dir);
}

int policy_load(struct policy *policy, const char *path)
{
	if (path)
		return load_file(policy, path, false);
	return policy_load_from(policy, POLICY_FILE, POLICY_DROPIN_DIR);
}
