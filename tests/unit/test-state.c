// SPDX-License-Identifier: LGPL-2.1-or-later
#include "unit.h"

#include "json.h"
#include "state.h"

struct state_case {
	const char *name;
	const char *json;
	size_t len; /* 0 means strlen(json) */
	int ret;
	const char *id;
	const char *bundle;
	const char *status; /* NULL when no status is expected */
	const char *reason; /* substring of the reason on failure */
};

#define OK(label, json, id, bundle, status) { label, json, 0, 0, id, bundle, status, NULL }
#define BAD(label, json, reason) { label, json, 0, -EINVAL, NULL, NULL, NULL, reason }

#define NUL_INSIDE "{\"id\":\"c\0\",\"bundle\":\"/b\"}"
#define NUL_AFTER "{\"id\":\"c\",\"bundle\":\"/b\"}\0"

static const struct state_case state_cases[] = {
	OK("bundle field",
	   "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":0,"
	   "\"bundle\":\"/run/c1\"}",
	   "c1", "/run/c1", "creating"),
	OK("legacy bundlePath",
	   "{\"ociVersion\":\"1.0.0-rc1\",\"id\":\"c1\",\"status\":\"created\","
	   "\"bundlePath\":\"/run/old\"}",
	   "c1", "/run/old", "created"),
	OK("bundle wins over bundlePath",
	   "{\"id\":\"c1\",\"bundle\":\"/new\",\"bundlePath\":\"/old\"}", "c1", "/new", NULL),
	OK("null bundle uses bundlePath",
	   "{\"id\":\"c1\",\"bundle\":null,\"bundlePath\":\"/old\"}", "c1", "/old", NULL),
	OK("crun style state",
	   "{\"ociVersion\":\"1.0\",\"id\":\"c2\",\"pid\":4242,\"root\":\"/run/crun\","
	   "\"bundle\":\"/b\",\"status\":\"created\",\"annotations\":{\"a\":\"b\"}}",
	   "c2", "/b", "created"),
	OK("odd fields ignored",
	   "{\"id\":\"c3\",\"bundle\":\"/b\",\"pid\":\"not a number\",\"annotations\":7,"
	   "\"x\":[1,{\"y\":null}],\"z\":true,\"w\":1.5e3}",
	   "c3", "/b", NULL),
	OK("white space around", " \n\t{\"id\":\"c\",\"bundle\":\"/b\"}\r\n ", "c", "/b", NULL),
	OK("escaped strings", "{\"id\":\"c\\u0031\",\"bundle\":\"\\/b\\u00e9\"}", "c1",
	   "/b\xc3\xa9", NULL),
	OK("status missing", "{\"id\":\"c\",\"bundle\":\"/b\"}", "c", "/b", NULL),
	OK("status null", "{\"id\":\"c\",\"bundle\":\"/b\",\"status\":null}", "c", "/b", NULL),

	BAD("bundle relative", "{\"id\":\"c\",\"bundle\":\"run/c\"}",
	    "\"bundle\" is not an absolute path"),
	BAD("bundlePath relative", "{\"id\":\"c\",\"bundlePath\":\"./c\"}",
	    "\"bundlePath\" is not an absolute path"),
	BAD("bundle empty", "{\"id\":\"c\",\"bundle\":\"\"}", "\"bundle\" is empty"),
	BAD("bundle number", "{\"id\":\"c\",\"bundle\":5}", "\"bundle\" is not a string"),
	BAD("bundle object", "{\"id\":\"c\",\"bundle\":{}}", "\"bundle\" is not a string"),
	BAD("bundlePath number", "{\"id\":\"c\",\"bundlePath\":[]}",
	    "\"bundlePath\" is not a string"),
	BAD("bundle missing", "{\"id\":\"c\",\"status\":\"creating\"}", "\"bundle\" is missing"),
	BAD("bundle NUL byte", "{\"id\":\"c\",\"bundle\":\"/b\\u0000x\"}", "NUL byte"),
	BAD("id missing", "{\"bundle\":\"/b\"}", "\"id\" is missing"),
	BAD("id null", "{\"id\":null,\"bundle\":\"/b\"}", "\"id\" is missing"),
	BAD("id number", "{\"id\":7,\"bundle\":\"/b\"}", "\"id\" is not a string"),
	BAD("id empty", "{\"id\":\"\",\"bundle\":\"/b\"}", "\"id\" is empty"),
	BAD("id NUL byte", "{\"id\":\"a\\u0000b\",\"bundle\":\"/b\"}", "NUL byte"),
	BAD("status number", "{\"id\":\"c\",\"bundle\":\"/b\",\"status\":1}",
	    "\"status\" is not a string"),
	BAD("status empty", "{\"id\":\"c\",\"bundle\":\"/b\",\"status\":\"\"}",
	    "\"status\" is empty"),

	BAD("empty input", "", "empty"),
	BAD("white space only", " \t\r\n", "empty"),
	BAD("truncated object", "{\"id\":\"c\",\"bundle\":\"/b\"", "truncated"),
	BAD("truncated string", "{\"id\":\"c", "truncated"),
	/* Strict json-c stops at the first byte after the document and names it. */
	BAD("trailing garbage", "{\"id\":\"c\",\"bundle\":\"/b\"} x", "invalid JSON at byte 25"),
	BAD("two documents", "{\"id\":\"c\",\"bundle\":\"/b\"}{}", "invalid JSON at byte 24"),
	BAD("single quotes", "{'id':'c','bundle':'/b'}", "invalid JSON"),
	BAD("trailing comma", "{\"id\":\"c\",\"bundle\":\"/b\",}", "invalid JSON"),
	BAD("top level array", "[{\"id\":\"c\",\"bundle\":\"/b\"}]", "not a JSON object"),
	BAD("top level string", "\"x\"", "not a JSON object"),
	BAD("top level null", "null", "not a JSON object"),
	BAD("top level true", "true", "not a JSON object"),
	/* A complete scalar is not truncated, whether or not white space follows it. */
	BAD("top level number", "12", "not a JSON object"),
	BAD("top level number spaced", "12 ", "not a JSON object"),
	BAD("top level null spaced", "null\n", "not a JSON object"),
	{ "NUL byte inside", NUL_INSIDE, sizeof(NUL_INSIDE) - 1, -EINVAL, NULL, NULL, NULL,
	  "NUL byte" },
	{ "NUL byte after", NUL_AFTER, sizeof(NUL_AFTER) - 1, -EINVAL, NULL, NULL, NULL,
	  "NUL byte" },
};

static void assert_reason(const char *reason, const char *expected)
{
	if (!strstr(reason, expected))
		fail_msg("reason \"%s\" lacks \"%s\"", reason, expected);
}

static void state_table(void **state)
{
	const struct state_case *c = *state;
	size_t len = c->len ? c->len : strlen(c->json);
	struct oci_state st;
	char reason[256] = "";
	int r;

	r = state_parse(c->json, len, &st, reason, sizeof(reason));

	assert_int_equal(r, c->ret);
	if (r < 0) {
		assert_null(st.id);
		assert_null(st.bundle);
		assert_null(st.status);
		assert_reason(reason, c->reason);
		return;
	}
	assert_string_equal(st.id, c->id);
	assert_string_equal(st.bundle, c->bundle);
	if (c->status)
		assert_string_equal(st.status, c->status);
	else
		assert_null(st.status);

	state_free(&st);
	assert_null(st.id);
	assert_null(st.bundle);
	assert_null(st.status);
}

struct wants_case {
	const char *name;
	const char *status;
	int ret;
};

static const struct wants_case wants_cases[] = {
	{ "wants creating", "creating", 1 },
	{ "wants created", "created", 1 },
	{ "wants no status", NULL, 1 },
	{ "wants running", "running", 0 },
	{ "wants stopped", "stopped", 0 },
	{ "wants paused", "paused", -EINVAL },
	{ "wants unknown", "unknown", -EINVAL },
	{ "wants capitalized", "Created", -EINVAL },
	{ "wants prefix", "create", -EINVAL },
};

/* The status goes through state_parse, so the test covers the path the hook takes. */
static void wants_table(void **state)
{
	const struct wants_case *c = *state;
	struct oci_state st;
	char json[256], reason[256] = "";

	if (c->status)
		snprintf(json, sizeof(json), "{\"id\":\"c\",\"bundle\":\"/b\",\"status\":\"%s\"}",
			 c->status);
	else
		snprintf(json, sizeof(json), "{\"id\":\"c\",\"bundle\":\"/b\"}");

	assert_int_equal(state_parse(json, strlen(json), &st, reason, sizeof(reason)), 0);
	assert_int_equal(state_wants_load(&st), c->ret);
	state_free(&st);
}

/* Build {"id":"c","bundle":"/b","x":[[...]]} with the given number of arrays. */
static char *nested_state(int arrays)
{
	const char *head = "{\"id\":\"c\",\"bundle\":\"/b\",\"x\":";
	size_t hlen = strlen(head);
	char *buf = malloc(hlen + 2 * (size_t)arrays + 2);
	size_t o = hlen;

	assert_non_null(buf);
	memcpy(buf, head, hlen);
	for (int i = 0; i < arrays; i++)
		buf[o++] = '[';
	for (int i = 0; i < arrays; i++)
		buf[o++] = ']';
	buf[o++] = '}';
	buf[o] = '\0';
	return buf;
}

/* The object is one level, so JSON_MAX_DEPTH - 1 arrays inside it reach the limit. */
static void depth_at_limit(void **state)
{
	char *json = nested_state(JSON_MAX_DEPTH - 1);
	struct oci_state st;
	char reason[256] = "";
	int r;

	(void)state;
	r = state_parse(json, strlen(json), &st, reason, sizeof(reason));
	free(json);
	if (r != 0)
		fail_msg("state_parse failed: %s", reason);
	state_free(&st);
}

static void depth_over_limit(void **state)
{
	char *json = nested_state(JSON_MAX_DEPTH);
	struct oci_state st;
	char reason[256] = "";
	int r;

	(void)state;
	r = state_parse(json, strlen(json), &st, reason, sizeof(reason));
	free(json);
	assert_int_equal(r, -EINVAL);
	assert_reason(reason, "invalid JSON");
	assert_reason(reason, "nesting");
}

static void depth_far_over_limit(void **state)
{
	char *json = nested_state(100000);
	struct oci_state st;
	char reason[256] = "";
	int r;

	(void)state;
	r = state_parse(json, strlen(json), &st, reason, sizeof(reason));
	free(json);
	assert_int_equal(r, -EINVAL);
	assert_reason(reason, "nesting");
}

/* A short reason buffer gets a cut, NUL-terminated reason and nothing past it. */
static void reason_short_buffer(void **state)
{
	const char json[] = "{\"bundle\":\"/b\"}";
	char reason[8];
	struct oci_state st;

	(void)state;
	memset(reason, 'X', sizeof(reason));
	assert_int_equal(state_parse(json, sizeof(json) - 1, &st, reason, 5), -EINVAL);
	assert_int_equal(strlen(reason), 4);
	assert_int_equal(reason[5], 'X');
}

int main(void)
{
	struct CMUnitTest tests[UNIT_MAX_TESTS];
	size_t n = 0;

	ADD_TABLE(tests, &n, state_table, state_cases);
	ADD_TABLE(tests, &n, wants_table, wants_cases);
	ADD_TEST(tests, &n, depth_at_limit);
	ADD_TEST(tests, &n, depth_over_limit);
	ADD_TEST(tests, &n, depth_far_over_limit);
	ADD_TEST(tests, &n, reason_short_buffer);
	return RUN_TESTS("state", tests, n);
}
