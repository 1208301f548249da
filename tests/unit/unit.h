/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by the cmocka unit tests: table-driven runs and temporary trees. */
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util.h"

/* Upper bound on the tests one file registers, table rows included. */
#define UNIT_MAX_TESTS 512

/*
 * Append one test per row of a table to tests[]. Each test takes its row as
 * the cmocka state and is named after the row's name field, so a failure
 * names the row.
 */
#define ADD_TABLE(tests, n, func, table)                                           \
	do {                                                                       \
		for (size_t i_ = 0; i_ < ARRAY_SIZE(table); i_++) {               \
			assert_true(*(n) < UNIT_MAX_TESTS);                        \
			(tests)[(*(n))++] = (struct CMUnitTest){                   \
				.name = (table)[i_].name,                          \
				.test_func = (func),                               \
				.initial_state = (void *)&(table)[i_],             \
			};                                                         \
		}                                                                  \
	} while (0)

#define ADD_TEST(tests, n, func)                                                   \
	do {                                                                       \
		assert_true(*(n) < UNIT_MAX_TESTS);                                \
		(tests)[(*(n))++] = (struct CMUnitTest){ .name = #func,            \
							 .test_func = (func) };    \
	} while (0)

/* Register func with a setup and a teardown function, named after func. */
#define ADD_TEST_SETUP(tests, n, func, setup, teardown)                            \
	do {                                                                       \
		assert_true(*(n) < UNIT_MAX_TESTS);                                \
		(tests)[(*(n))++] = (struct CMUnitTest){                           \
			.name = #func,                                             \
			.test_func = (func),                                       \
			.setup_func = (setup),                                     \
			.teardown_func = (teardown),                               \
		};                                                                 \
	} while (0)

#define ADD_TEST_TMPDIR(tests, n, func) \
	ADD_TEST_SETUP(tests, n, func, tmpdir_setup, tmpdir_teardown)

/* Run the tests registered with the ADD_ macros as one cmocka group. */
#define RUN_TESTS(group, tests, n) _cmocka_run_group_tests((group), (tests), (n), NULL, NULL)

static inline int remove_entry(const char *path, const struct stat *st, int flag,
			       struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Create a directory under $TMPDIR (or /tmp) and store its malloc'd path in *state. */
static inline int tmpdir_setup(void **state)
{
	const char *base = getenv("TMPDIR");
	char *path;

	if (!base || !*base)
		base = "/tmp";
	if (asprintf(&path, "%s/okh-unit-XXXXXX", base) < 0)
		return -1;
	if (!mkdtemp(path)) {
		free(path);
		return -1;
	}
	*state = path;
	return 0;
}

/* Remove the directory from tmpdir_setup and everything in it, without following symlinks. */
static inline int tmpdir_teardown(void **state)
{
	char *path = *state;
	int r;

	if (!path)
		return 0;
	r = nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(path);
	*state = NULL;
	return r == 0 ? 0 : -1;
}

/* Format a path below dir into buf and return buf. The path must fit in buflen. */
static inline char *path_join(char *buf, size_t buflen, const char *dir, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(buf, buflen, "%s/", dir);

	assert_true(n > 0 && (size_t)n < buflen);
	va_start(ap, fmt);
	n += vsnprintf(buf + n, buflen - (size_t)n, fmt, ap);
	va_end(ap);
	assert_true((size_t)n < buflen);
	return buf;
}

/* Create or replace path with len bytes of data. */
static inline void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* Create path and its missing parent directories below an existing root. */
static inline void make_dirs(const char *path)
{
	char buf[4096];

	assert_true(strlen(path) < sizeof(buf));
	strcpy(buf, path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		assert_true(mkdir(buf, 0755) == 0 || errno == EEXIST);
		*p = '/';
	}
	assert_true(mkdir(buf, 0755) == 0 || errno == EEXIST);
}
