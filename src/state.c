// SPDX-License-Identifier: LGPL-2.1-or-later
#include "state.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "util.h"

static int get_string(struct json_object *root, const char *key, bool required,
		      char **ret, char *reason, size_t reasonlen)
{
	struct json_object *value;
	const char *s;
	int len;

	if (!json_object_object_get_ex(root, key, &value) || value == NULL) {
		if (required)
			snprintf(reason, reasonlen, "\"%s\" is missing", key);
		return required ? -EINVAL : 0;
	}

	if (!json_object_is_type(value, json_type_string)) {
		snprintf(reason, reasonlen, "\"%s\" is not a string", key);
		return -EINVAL;
	}

	s = json_object_get_string(value);
	len = json_object_get_string_len(value);
	if (len == 0 || memchr(s, '\0', (size_t)len) != NULL) {
		snprintf(reason, reasonlen, "\"%s\" is empty or contains a NUL byte", key);
		return -EINVAL;
	}

	*ret = strdup(s);
	return *ret ? 1 : -ENOMEM;
}

static int get_bundle(struct json_object *root, struct oci_state *state, char *reason,
		      size_t reasonlen)
{
	const char *key = "bundle";
	int r;

	r = get_string(root, key, false, &state->bundle, reason, reasonlen);
	if (r == 0) {
		key = "bundlePath";
		r = get_string(root, key, false, &state->bundle, reason, reasonlen);
	}
	if (r < 0)
		return r;
	if (r == 0) {
		snprintf(reason, reasonlen, "\"bundle\" is missing");
		return -EINVAL;
	}

	if (state->bundle[0] != '/') {
		snprintf(reason, reasonlen, "\"%s\" is not an absolute path", key);
		return -EINVAL;
	}
	return 0;
}

static void get_pid(struct json_object *root, struct oci_state *state)
{
	struct json_object *value;
	int64_t pid;

	if (!json_object_object_get_ex(root, "pid", &value) ||
	    !json_object_is_type(value, json_type_int))
		return;

	pid = json_object_get_int64(value);
	if (pid > 0 && pid <= INT_MAX)
		state->pid = (int)pid;
}

int state_parse(const char *buf, size_t len, struct oci_state *state, char *reason,
		size_t reasonlen)
{
	_cleanup_json_ struct json_object *root = NULL;
	int r;

	*state = (struct oci_state){ 0 };

	r = json_parse_document(buf, len, &root, reason, reasonlen);
	if (r < 0)
		return r;

	if (!json_object_is_type(root, json_type_object)) {
		snprintf(reason, reasonlen, "the top level is not a JSON object");
		return -EINVAL;
	}

	r = get_string(root, "id", true, &state->id, reason, reasonlen);
	if (r >= 0 && strlen(state->id) > STATE_ID_MAX) {
		snprintf(reason, reasonlen, "\"id\" is longer than %d bytes", STATE_ID_MAX);
		r = -EINVAL;
	}
	if (r >= 0)
		r = get_string(root, "status", false, &state->status, reason, reasonlen);
	if (r >= 0)
		r = get_bundle(root, state, reason, reasonlen);
	if (r < 0) {
		state_free(state);
		return r;
	}

	get_pid(root, state);
	return 0;
}

void state_free(struct oci_state *state)
{
	free(state->id);
	free(state->bundle);
	free(state->status);
	*state = (struct oci_state){ 0 };
}

int state_wants_load(const struct oci_state *state)
{
	const char *s = state->status;

	if (s == NULL || strcmp(s, "creating") == 0 || strcmp(s, "created") == 0)
		return 1;
	if (strcmp(s, "running") == 0 || strcmp(s, "stopped") == 0)
		return 0;
	return -EINVAL;
}
