// SPDX-License-Identifier: LGPL-2.1-or-later
#include "unit.h"

#include "cause.h"

struct cause_case {
	const char *name;
	int err;
	const char *substring; /* expected substring of the cause */
};

static const struct cause_case cause_cases[] = {
	{ "cause ENOENT", -ENOENT, "unknown symbol" },
	{ "cause ENOEXEC", -ENOEXEC, "built for another kernel" },
	{ "cause EKEYREJECTED", -EKEYREJECTED, "signature is not trusted" },
	{ "cause ENOKEY", -ENOKEY, "unsigned" },
	{ "cause ENOSYS", -ENOSYS, "no module support" },
};

static void cause_table(void **state)
{
	const struct cause_case *c = *state;
	const char *cause = cause_for_errno(c->err);

	assert_non_null(cause);
	if (!strstr(cause, c->substring))
		fail_msg("cause \"%s\" lacks \"%s\"", cause, c->substring);
}

/* An errno without its own entry falls back to strerror. */
static void cause_unknown(void **state)
{
	(void)state;
	assert_string_equal(cause_for_errno(-EXDEV), strerror(EXDEV));
	assert_string_equal(cause_for_errno(-ENOTTY), strerror(ENOTTY));
}

int main(void)
{
	struct CMUnitTest tests[UNIT_MAX_TESTS];
	size_t n = 0;

	ADD_TABLE(tests, &n, cause_table, cause_cases);
	ADD_TEST(tests, &n, cause_unknown);
	return RUN_TESTS("cause", tests, n);
}
