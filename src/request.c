// SPDX-License-Identifier: LGPL-2.1-or-later
#include "request.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

const char *module_name_check(const char *name, size_t len)
{
	if (len > MODULE_NAME_MAX)
		return "longer than 55 characters";
	if (name[0] == '-')
		return "starts with '-'";
	if (name[0] == '_')
		return "starts with '_'";

	if (memchr(name, '/', len))
		return "contains '/' (a name, not a path, is expected)";

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!is_alnum(c) && c != '_' && c != '-')
			return "contains a character other than a letter, digit, '_' or '-'";
	}
	return NULL;
}

static void add_problem(struct request *req, const char *elem, size_t len, const char *why)
{
	if (req->n_problems < REQUEST_MAX_REPORTED) {
		struct request_problem *p = &req->problems[req->n_problems];

		escape_untrusted(p->name, sizeof(p->name), elem, len, ESCAPED_MAX);
		p->why = why;
	}
	req->n_problems++;
}

static bool request_contains(const struct request *req, const char *name)
{
	for (size_t i = 0; i < req->n_names; i++)
		if (strcmp(req->names[i], name) == 0)
			return true;
	return false;
}

static void add_name(struct request *req, const char *elem, size_t len)
{
	char *slot = req->names[req->n_names];

	memcpy(slot, elem, len);
	slot[len] = '\0';
	module_name_canonicalize(slot);

	if (!request_contains(req, slot))
		req->n_names++;
}

static void trim(const char **start, const char **end)
{
	while (*start < *end && (**start == ' ' || **start == '\t'))
		(*start)++;
	while (*end > *start && ((*end)[-1] == ' ' || (*end)[-1] == '\t'))
		(*end)--;
}

int request_parse(const char *value, size_t len, size_t max_names, struct request *req)
{
	const char *p = value, *limit = value + len;

	*req = (struct request){ .max_names = max_names };
	req->names = calloc(max_names ? max_names : 1, sizeof(*req->names));
	if (!req->names)
		return -ENOMEM;

	while (p <= limit) {
		const char *comma = memchr(p, ',', (size_t)(limit - p));
		const char *start = p, *end = comma ? comma : limit;
		const char *why;

		p = end + 1;
		trim(&start, &end);
		if (start == end)
			continue;

		if (++req->n_elements > max_names) {
			req->too_many = true;
			return -EINVAL;
		}

		why = module_name_check(start, (size_t)(end - start));
		if (why)
			add_problem(req, start, (size_t)(end - start), why);
		else
			add_name(req, start, (size_t)(end - start));
	}

	return req->n_problems > 0 ? -EINVAL : 0;
}

void request_free(struct request *req)
{
	free(req->names);
	req->names = NULL;
	req->n_names = 0;
}
