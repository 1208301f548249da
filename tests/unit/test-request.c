// SPDX-License-Identifier: LGPL-2.1-or-later
#include "unit.h"

#include "request.h"

#define A10 "aaaaaaaaaa"
#define NAME55 A10 A10 A10 A10 A10 "aaaaa"
#define NAME56 NAME55 "b"
#define NAME57 NAME55 "bc"

struct parse_case {
	const char *name;
	const char *value;
	size_t len; /* 0 means strlen(value) */
	int ret;
	const char *names; /* expected canonical names joined with ',' */
	size_t n_problems;
	const char *why; /* substring of problems[0].why, or NULL */
};

static const struct parse_case parse_cases[] = {
	{ "empty value", "", 0, 0, "", 0, NULL },
	{ "only separators", " ,\t, ,,\t", 0, 0, "", 0, NULL },
	{ "one name", "ip_vs", 0, 0, "ip_vs", 0, NULL },
	{ "trim spaces and tabs", " \tip_vs \t,\t nf_nat ", 0, 0, "ip_vs,nf_nat", 0, NULL },
	{ "skip empty elements", ",,ip_vs,", 0, 0, "ip_vs", 0, NULL },
	{ "dash equals underscore", "ip-vs,ip_vs", 0, 0, "ip_vs", 0, NULL },
	{ "underscore then dash", "nf_nat,nf-nat", 0, 0, "nf_nat", 0, NULL },
	{ "dedupe keeps order", "b,a,b,c,a", 0, 0, "b,a,c", 0, NULL },
	{ "digits and capitals", "8021q,XFRM_user", 0, 0, "8021q,XFRM_user", 0, NULL },
	{ "name of 55 valid", NAME55, 0, 0, NAME55, 0, NULL },
	{ "name of 56 invalid", NAME56, 0, -EINVAL, "", 1, "longer than 55" },
	{ "name of 57 invalid", NAME57, 0, -EINVAL, "", 1, "longer than 55" },
	{ "leading dash", "-ip_vs", 0, -EINVAL, "", 1, "starts with '-'" },
	{ "leading underscore", "_ip_vs", 0, -EINVAL, "", 1, "starts with '_'" },
	{ "lone dash", "-", 0, -EINVAL, "", 1, "starts with '-'" },
	{ "slash inside", "net/ip_vs", 0, -EINVAL, "", 1, "contains '/'" },
	{ "lone slash", "/", 0, -EINVAL, "", 1, "contains '/'" },
	/* The first bad byte is '.', so the reason names the character class, not '/'. */
	{ "dot slash", "./x", 0, -EINVAL, "", 1, "contains '/'" },
	{ "dot dot slash", "../x", 0, -EINVAL, "", 1, "contains '/'" },
	{ "absolute ko path", "/x.ko", 0, -EINVAL, "", 1, "contains '/'" },
	{ "single dot", ".", 0, -EINVAL, "", 1, "other than a letter" },
	{ "double dot", "..", 0, -EINVAL, "", 1, "other than a letter" },
	{ "ko suffix", "ip_vs.ko", 0, -EINVAL, "", 1, "other than a letter" },
	{ "inner tab", "ip\tvs", 0, -EINVAL, "", 1, "other than a letter" },
	{ "newline", "ip_vs\n", 0, -EINVAL, "", 1, "other than a letter" },
	{ "escape byte", "\x1b[31m", 0, -EINVAL, "", 1, "other than a letter" },
	{ "delete byte", "ip\x7fvs", 0, -EINVAL, "", 1, "other than a letter" },
	{ "inner NUL byte", "ip\0vs", 5, -EINVAL, "", 1, "other than a letter" },
	{ "trailing NUL byte", "ip_vs\0", 6, -EINVAL, "", 1, "other than a letter" },
	{ "NUL byte element", "ip_vs,\0,nf_nat", 14, -EINVAL, "ip_vs,nf_nat", 1, "other than" },
	{ "non-ASCII UTF-8", "ip_v\xc3\xa9", 0, -EINVAL, "", 1, "other than a letter" },
	{ "equals sign", "ip_vs=1", 0, -EINVAL, "", 1, "other than a letter" },
	{ "module with param", "ip_vs param=1", 0, -EINVAL, "", 1, "other than a letter" },
	{ "inner space", "ip vs", 0, -EINVAL, "", 1, "other than a letter" },
	{ "valid around invalid", "ip_vs,../x,nf_nat", 0, -EINVAL, "ip_vs,nf_nat", 1, "contains '/'" },
	{ "two invalid", "x/y,-y", 0, -EINVAL, "", 2, "contains '/'" },
	{ "length bounds value", "ip_vs,../x", 5, 0, "ip_vs", 0, NULL },
};

static void join_names(const struct request *req, char *buf, size_t buflen)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < req->n_names; i++) {
		int n = snprintf(buf + o, buflen - o, "%s%s", i ? "," : "", req->names[i]);

		assert_true(n >= 0 && (size_t)n < buflen - o);
		o += (size_t)n;
	}
}

static void parse_table(void **state)
{
	const struct parse_case *c = *state;
	size_t len = c->len ? c->len : strlen(c->value);
	struct request req;
	char joined[1024];
	int r;

	r = request_parse(c->value, len, REQUEST_DEFAULT_MAX_NAMES, &req);
	join_names(&req, joined, sizeof(joined));

	assert_int_equal(r, c->ret);
	assert_string_equal(joined, c->names);
	assert_int_equal(req.n_problems, c->n_problems);
	assert_false(req.too_many);
	if (c->why) {
		assert_non_null(req.problems[0].why);
		if (!strstr(req.problems[0].why, c->why))
			fail_msg("reason \"%s\" lacks \"%s\"", req.problems[0].why, c->why);
	}
	request_free(&req);
	assert_null(req.names);
}

/* The value has an explicit length, so it needs no NUL terminator. */
static void parse_unterminated(void **state)
{
	const char value[] = { 'i', 'p', '-', 'v', 's' };
	struct request req;

	(void)state;
	assert_int_equal(request_parse(value, sizeof(value), 4, &req), 0);
	assert_int_equal(req.n_names, 1);
	assert_string_equal(req.names[0], "ip_vs");
	request_free(&req);
}

struct cap_case {
	const char *name;
	const char *value;
	size_t max_names;
	int ret;
	bool too_many;
	size_t n_elements;
	size_t n_names;
	size_t n_problems;
};

static const struct cap_case cap_cases[] = {
	{ "cap reached exactly", "a,b,c", 3, 0, false, 3, 3, 0 },
	{ "cap exceeded", "a,b,c,d", 3, -EINVAL, true, 4, 3, 0 },
	{ "cap ignores empty", "a,,b, ,c,", 3, 0, false, 3, 3, 0 },
	/* Repeats are elements too, so they count against the cap. */
	{ "cap counts repeats", "a,a,a,a", 3, -EINVAL, true, 4, 1, 0 },
	/* Parsing stops at the first element over the cap, so ../x is never checked. */
	{ "cap stops parsing", "a,b,c,d,../x", 3, -EINVAL, true, 4, 3, 0 },
	{ "cap counts invalid", "../a,../b,c", 2, -EINVAL, true, 3, 0, 2 },
	{ "cap zero empty", "", 0, 0, false, 0, 0, 0 },
	{ "cap zero one name", "a", 0, -EINVAL, true, 1, 0, 0 },
};

static void cap_table(void **state)
{
	const struct cap_case *c = *state;
	struct request req;
	int r;

	r = request_parse(c->value, strlen(c->value), c->max_names, &req);

	assert_int_equal(r, c->ret);
	assert_int_equal(req.too_many, c->too_many);
	assert_int_equal(req.n_elements, c->n_elements);
	assert_int_equal(req.n_names, c->n_names);
	assert_int_equal(req.n_problems, c->n_problems);
	assert_int_equal(req.max_names, c->max_names);
	request_free(&req);
}

/* All twenty invalid elements are counted, and only the first REQUEST_MAX_REPORTED are kept. */
static void problems_capped(void **state)
{
	char value[512], expect[32];
	size_t o = 0;
	struct request req;

	(void)state;
	for (int i = 0; i < 20; i++)
		o += (size_t)snprintf(value + o, sizeof(value) - o, "%s./m%d", i ? "," : "", i);

	assert_int_equal(request_parse(value, o, REQUEST_DEFAULT_MAX_NAMES, &req), -EINVAL);
	assert_int_equal(req.n_problems, 20);
	assert_int_equal(req.n_elements, 20);
	assert_int_equal(req.n_names, 0);
	for (int i = 0; i < REQUEST_MAX_REPORTED; i++) {
		snprintf(expect, sizeof(expect), "./m%d", i);
		assert_string_equal(req.problems[i].name, expect);
		assert_non_null(req.problems[i].why);
	}
	request_free(&req);
}

static void assert_printable(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		assert_true(c >= 0x20);
		assert_true(c < 0x7f);
		assert_true(c != '"');
		assert_true(c != '\'');
	}
}

static void problem_escaped(void **state)
{
	const char value[] = "a\"b'c\\d\x01\x1b[31m\xc3\xa9\n";
	struct request req;

	(void)state;
	assert_int_equal(request_parse(value, sizeof(value) - 1, 4, &req), -EINVAL);
	assert_int_equal(req.n_problems, 1);
	assert_printable(req.problems[0].name);
	assert_string_equal(req.problems[0].name,
			    "a\\x22b\\x27c\\x5cd\\x01\\x1b[31m\\xc3\\xa9\\x0a");
	request_free(&req);
}

/* A long printable element is cut at ESCAPED_MAX bytes and marked with "...". */
static void problem_long_plain(void **state)
{
	char value[300];
	struct request req;
	size_t len;

	(void)state;
	memset(value, '.', sizeof(value));
	assert_int_equal(request_parse(value, sizeof(value), 4, &req), -EINVAL);
	len = strlen(req.problems[0].name);
	assert_int_equal(len, ESCAPED_MAX + 3);
	assert_memory_equal(req.problems[0].name + ESCAPED_MAX, "...", 3);
	request_free(&req);
}

/*
 * A long element of control bytes escapes to four characters a byte. The
 * ESCAPED_MAX bytes kept take ESCAPED_MAX * 4 characters, and ESCAPED_BUFSZ
 * leaves room for "..." and the NUL after them, so the cut must be marked.
 */
static void problem_long_control(void **state)
{
	char value[300], escaped[ESCAPED_BUFSZ];
	struct request req;
	size_t len;
	int r;

	(void)state;
	memset(value, '\x01', sizeof(value));
	r = request_parse(value, sizeof(value), 4, &req);
	memcpy(escaped, req.problems[0].name, sizeof(escaped));
	request_free(&req);

	assert_int_equal(r, -EINVAL);
	len = strlen(escaped);
	assert_printable(escaped);
	assert_true(len < ESCAPED_BUFSZ);
	assert_int_equal(len, ESCAPED_MAX * 4 + 3);
	assert_memory_equal(escaped + len - 3, "...", 3);
}

static void check_names(void **state)
{
	(void)state;
	assert_null(module_name_check("ip_vs", 5));
	assert_null(module_name_check(NAME55, 55));
	assert_non_null(module_name_check(NAME56, 56));
	/* Only len bytes are read, so a longer buffer is checked by its prefix. */
	assert_null(module_name_check("ip_vs/x", 5));
}

int main(void)
{
	struct CMUnitTest tests[UNIT_MAX_TESTS];
	size_t n = 0;

	ADD_TABLE(tests, &n, parse_table, parse_cases);
	ADD_TEST(tests, &n, parse_unterminated);
	ADD_TABLE(tests, &n, cap_table, cap_cases);
	ADD_TEST(tests, &n, problems_capped);
	ADD_TEST(tests, &n, problem_escaped);
	ADD_TEST(tests, &n, problem_long_plain);
	ADD_TEST(tests, &n, problem_long_control);
	ADD_TEST(tests, &n, check_names);
	return RUN_TESTS("request", tests, n);
}
