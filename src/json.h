/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

#include <json-c/json.h>

static inline void json_object_putp(struct json_object **obj)
{
	if (*obj)
		json_object_put(*obj);
}

#define _cleanup_json_ __attribute__((cleanup(json_object_putp)))

/* Nesting limit for untrusted documents; OCI configs nest fewer than 10 levels. */
#define JSON_MAX_DEPTH 64

/*
 * Parse one complete JSON document from buf in strict mode. Trailing data
 * other than white space, a NUL byte or a nesting deeper than JSON_MAX_DEPTH
 * is an error. Returns 0, or -EINVAL with a reason, or -ENOMEM.
 */
int json_parse_document(const char *buf, size_t len, struct json_object **ret,
			char *reason, size_t reasonlen);
