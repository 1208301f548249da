/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

#include "util.h"

/* The kernel stores a module name in 56 bytes, NUL included (MODULE_NAME_LEN). */
#define MODULE_NAME_MAX 55

/* Default cap on the names one container may request. */
#define REQUEST_DEFAULT_MAX_NAMES 64

/* Invalid names reported one by one; the rest are only counted. */
#define REQUEST_MAX_REPORTED 8

struct request_problem {
	char name[ESCAPED_BUFSZ]; /* escaped copy of the rejected element */
	const char *why;
};

/* A parsed KERNEL_MODULES value: distinct canonical names in request order. */
struct request {
	char (*names)[MODULE_NAME_MAX + 1];
	size_t n_names;

	struct request_problem problems[REQUEST_MAX_REPORTED];
	size_t n_problems; /* total, may exceed REQUEST_MAX_REPORTED */
	size_t n_elements; /* non-empty elements seen */
	size_t max_names;
	bool too_many; /* true when the request names more than max_names modules */
};

/*
 * Parse a comma-separated list of module names. Elements are trimmed of
 * spaces and tabs, empty ones are skipped, '-' becomes '_' and repeats are
 * dropped. A request with more than max_names elements is rejected before
 * the rest is read. Returns 0, -EINVAL when any element is invalid or the
 * request is too long (details in req), or -ENOMEM.
 */
int request_parse(const char *value, size_t len, size_t max_names, struct request *req);

void request_free(struct request *req);

/* Check one name. Returns NULL when valid, or why it is invalid. */
const char *module_name_check(const char *name, size_t len);
