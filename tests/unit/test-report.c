// SPDX-License-Identifier: LGPL-2.1-or-later
/* Tests for the syslog summary of a request (src/report.c). */
#include "unit.h"

#include "devlog.h"
#include "log.h"
#include "report.h"

#define N_RESULTS 64

/* Log the summary of results to a file under dir and return the logged line. */
static char *summary_line(const char *dir, const struct load_result *results, size_t n,
			  const char *note)
{
	char path[4096], *text = calloc(1, 65536);
	int fd, stderr_copy = dup(STDERR_FILENO), null_fd = open("/dev/null", O_WRONLY);

	assert_non_null(text);
	devlog_use_path(path_join(path, sizeof(path), dir, "no-syslog"));
	assert_int_equal(log_open(path_join(path, sizeof(path), dir, "log"), false), 0);

	dup2(null_fd, STDERR_FILENO);
	report_results("c1", results, n, note);
	dup2(stderr_copy, STDERR_FILENO);
	close(stderr_copy);
	close(null_fd);
	log_close();

	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_true(read(fd, text, 65535) > 0);
	close(fd);
	return text;
}

static void fill_results(struct load_result *results, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		results[i] = (struct load_result){ .outcome = LOAD_LOADED };
		snprintf(results[i].name, sizeof(results[i].name), "module_%02zu_%s", i,
			 "with_a_name_long_enough_to_fill_the_summary");
	}
}

static void test_short_summary_whole(void **state)
{
	struct load_result results[2];
	char *line;

	fill_results(results, 2);
	results[1].outcome = LOAD_FAILED;
	snprintf(results[1].cause, sizeof(results[1].cause), "not found");
	line = summary_line(*state, results, 2, NULL);
	assert_non_null(strstr(line, "container c1: module_00_with_a_name_long_enough_to_fill_the_"
				     "summary loaded, module_01_with_a_name_long_enough_to_fill_"
				     "the_summary failed: not found\n"));
	assert_null(strstr(line, "more names"));
	free(line);
}

/* Names that do not fit are counted, and the note still ends the line. */
static void test_long_summary_counts_left_out(void **state)
{
	static struct load_result results[N_RESULTS];
	char *line, *last, expected[64];
	size_t shown = 0;

	fill_results(results, N_RESULTS);
	line = summary_line(*state, results, N_RESULTS, "no policy file");
	/* The file line has a time stamp where syslog has "<PRI>", so count from the tag. */
	assert_true(strlen(strstr(line, "oci-kmod-hook[")) + 5 <= REPORT_MESSAGE_MAX);
	assert_non_null(strstr(line, "more names (failures are on stderr too); no policy file\n"));

	/* Each name shown is whole, and the count covers the rest. */
	last = strstr(line, ", and ");
	assert_non_null(last);
	assert_true(last[-1] == 'd'); /* "... loaded" */
	for (size_t i = 0; i < N_RESULTS; i++)
		if (strstr(line, results[i].name))
			shown++;
	assert_true(shown > 0);
	assert_true(shown < N_RESULTS);
	snprintf(expected, sizeof(expected), ", and %zu more names", N_RESULTS - shown);
	assert_non_null(strstr(line, expected));
	free(line);
}

int main(void)
{
	struct CMUnitTest tests[UNIT_MAX_TESTS];
	size_t n = 0;

	ADD_TEST_TMPDIR(tests, &n, test_short_summary_whole);
	ADD_TEST_TMPDIR(tests, &n, test_long_summary_counts_left_out);
	return RUN_TESTS("report", tests, n);
}
