// SPDX-License-Identifier: LGPL-2.1-or-later
#include "unit.h"

#include <time.h>

#include "utc.h"

struct utc_case {
	const char *name;
	long long seconds;
	const char *expected;
};

static const struct utc_case utc_cases[] = {
	{ "utc epoch", 0, "1970-01-01T00:00:00Z" },
	{ "utc before epoch", -1, "1969-12-31T23:59:59Z" },
	{ "utc leap day 2000", 951782400, "2000-02-29T00:00:00Z" },
	{ "utc after leap day 2000", 951868800, "2000-03-01T00:00:00Z" },
	{ "utc no leap day 2100", 4107542400, "2100-03-01T00:00:00Z" },
	{ "utc end of 2026", 1798761599, "2026-12-31T23:59:59Z" },
	{ "utc past 2038", 2147483648, "2038-01-19T03:14:08Z" },
	{ "utc year 1900", -2208988800, "1900-01-01T00:00:00Z" },
	{ "utc year 0", -62167219200, "0000-01-01T00:00:00Z" },
	{ "utc last of 9999", 253402300799, "9999-12-31T23:59:59Z" },
	{ "utc clamped after 9999", 253402300800, "9999-12-31T23:59:59Z" },
	{ "utc clamped before 0", -62167219201, "0000-01-01T00:00:00Z" },
};

static void utc_table(void **state)
{
	const struct utc_case *c = *state;
	char buf[UTC_STAMP_SIZE];

	utc_format((time_t)c->seconds, buf);
	assert_string_equal(buf, c->expected);
}

/* Every day from 1600 to 2500, at a time of day that moves, against glibc. */
static void utc_matches_gmtime(void **state)
{
	(void)state;

	for (long long t = -11676096000LL; t < 16725225600LL; t += 86400 + 3607) {
		char ours[UTC_STAMP_SIZE], theirs[64];
		time_t seconds = (time_t)t;
		struct tm tm;

		assert_non_null(gmtime_r(&seconds, &tm));
		strftime(theirs, sizeof(theirs), "%Y-%m-%dT%H:%M:%SZ", &tm);
		utc_format(seconds, ours);
		assert_string_equal(ours, theirs);
	}
}

static void format_realtime(char buf[static UTC_STAMP_SIZE])
{
	struct timespec ts;

	/* Not time(), which reads a coarser clock that can lag CLOCK_REALTIME. */
	clock_gettime(CLOCK_REALTIME, &ts);
	utc_format(ts.tv_sec, buf);
}

static void utc_now_is_current(void **state)
{
	char before[UTC_STAMP_SIZE], now[UTC_STAMP_SIZE], after[UTC_STAMP_SIZE];

	(void)state;
	format_realtime(before);
	utc_now(now);
	format_realtime(after);

	assert_true(strcmp(before, now) <= 0);
	assert_true(strcmp(now, after) <= 0);
}

int main(void)
{
	struct CMUnitTest tests[UNIT_MAX_TESTS];
	size_t n = 0;

	ADD_TABLE(tests, &n, utc_table, utc_cases);
	ADD_TEST(tests, &n, utc_matches_gmtime);
	ADD_TEST(tests, &n, utc_now_is_current);
	return RUN_TESTS("utc", tests, n);
}
