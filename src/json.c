// SPDX-License-Identifier: LGPL-2.1-or-later
#include "json.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool only_white_space(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\r\n", p[i]))
			return false;
	return true;
}

int json_parse_document(const char *buf, size_t len, struct json_object **ret,
			char *reason, size_t reasonlen)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	size_t end;

	if (len == 0 || only_white_space(buf, len)) {
		snprintf(reason, reasonlen, "the document is empty");
		return -EINVAL;
	}
	if (len > INT_MAX || memchr(buf, '\0', len) != NULL) {
		snprintf(reason, reasonlen, "the document contains a NUL byte");
		return -EINVAL;
	}

	tok = json_tokener_new_ex(JSON_MAX_DEPTH);
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);

	obj = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue) {
		/* A number or literal at the very end is complete only once a NUL follows. */
		obj = json_tokener_parse_ex(tok, "", 1);
		if (json_tokener_get_error(tok) != json_tokener_success) {
			json_tokener_free(tok);
			json_object_put(obj);
			snprintf(reason, reasonlen, "the document is truncated");
			return -EINVAL;
		}
		jerr = json_tokener_success;
		end = len;
	}
	json_tokener_free(tok);

	if (jerr != json_tokener_success) {
		snprintf(reason, reasonlen, "invalid JSON at byte %zu: %s", end,
			 json_tokener_error_desc(jerr));
		return -EINVAL;
	}
	if (!only_white_space(buf + end, len - end)) {
		json_object_put(obj);
		snprintf(reason, reasonlen, "unexpected data after the JSON document at byte %zu",
			 end);
		return -EINVAL;
	}

	*ret = obj;
	return 0;
}
