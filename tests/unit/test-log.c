// SPDX-License-Identifier: LGPL-2.1-or-later
/* Tests for what log.c passes on to the libkmod binary at a handover. */
#include <termios.h>

#include "unit.h"

#include "devlog.h"
#include "handover.h"
#include "log.h"

/* Count the lines of the file at path that contain text. */
static int count_lines(const char *path, const char *text)
{
	char line[4096];
	FILE *f = fopen(path, "r");
	int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, text))
			n++;
	fclose(f);
	return n;
}

/* Run the logging of the second binary with stderr in a file under dir. */
static void log_after_handover(const char *dir)
{
	char path[4096];
	int saved = dup(STDERR_FILENO), fd;

	fd = open(path_join(path, sizeof(path), dir, "stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	dup2(fd, STDERR_FILENO);
	close(fd);

	assert_int_equal(log_open(path_join(path, sizeof(path), dir, "after.log"), false), 0);
	log_problem("container c1: alpha");
	log_problem("container c1: alpha");
	log_problem("container c1: gamma");
	log_close();

	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
}

/* A line written before the handover is not written again, but a second copy is. */
static void test_handover_skips_written_lines(void **state)
{
	char path[4096], before[4096];

	devlog_use_path(path_join(path, sizeof(path), *state, "no-syslog"));
	assert_int_equal(log_open(path_join(before, sizeof(before), *state, "before.log"), false),
			 0);
	log_line(LOG_ERR, "container c1: alpha");
	log_stderr("container c1: alpha");
	log_stderr("container c1: beta");
	assert_int_equal(log_pass_on(), 0);
	log_close();
	assert_non_null(getenv(HANDOVER_LOGGED_ENV));

	assert_int_equal(setenv(HANDOVER_DONE_ENV, "1", 1), 0);
	log_after_handover(*state);
	unsetenv(HANDOVER_DONE_ENV);

	assert_null(getenv(HANDOVER_LOGGED_ENV));
	path_join(path, sizeof(path), *state, "stderr");
	assert_int_equal(count_lines(path, "alpha"), 1);
	assert_int_equal(count_lines(path, "gamma"), 1);
	path_join(path, sizeof(path), *state, "after.log");
	assert_int_equal(count_lines(path, "alpha"), 1);
	assert_int_equal(count_lines(path, "gamma"), 1);
}

/* Without the handover, the variable is ignored and every line is written. */
static void test_no_handover_writes_every_line(void **state)
{
	char path[4096];

	devlog_use_path(path_join(path, sizeof(path), *state, "no-syslog"));
	log_stderr("container c1: alpha");
	assert_int_equal(log_pass_on(), 0);
	log_after_handover(*state);

	path_join(path, sizeof(path), *state, "stderr");
	assert_int_equal(count_lines(path, "alpha"), 2);
}

static void test_handover_keeps_stalled_syslog(void **state)
{
	char path[4096];

	devlog_use_path(path_join(path, sizeof(path), *state, "no-syslog"));
	devlog_stall();
	assert_int_equal(log_pass_on(), 0);
	assert_string_equal(getenv(HANDOVER_SYSLOG_STALLED_ENV), "1");

	devlog_use_path(path_join(path, sizeof(path), *state, "no-syslog"));
	assert_false(devlog_stalled());
	assert_int_equal(setenv(HANDOVER_DONE_ENV, "1", 1), 0);
	assert_int_equal(log_open(NULL, false), 0);
	unsetenv(HANDOVER_DONE_ENV);
	assert_true(devlog_stalled());
	assert_null(getenv(HANDOVER_SYSLOG_STALLED_ENV));
	log_close();
}

/* A terminal whose output is stopped drops lines; without O_NONBLOCK it blocked. */
static void test_stopped_terminal_does_not_block(void **state)
{
	char path[4096];
	int master, slave;

	devlog_use_path(path_join(path, sizeof(path), *state, "no-syslog"));
	master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	assert_true(slave >= 0);
	assert_int_equal(tcflow(slave, TCOOFF), 0);

	/* SIGALRM ends the test as failed if a line blocks. */
	alarm(20);
	assert_int_equal(log_open(ptsname(master), false), 0);
	for (int i = 0; i < 100; i++)
		log_line(LOG_ERR, "container c1: line %d", i);
	log_close();
	alarm(0);

	close(slave);
	close(master);
}

int main(void)
{
	struct CMUnitTest tests[UNIT_MAX_TESTS];
	size_t n = 0;

	ADD_TEST_TMPDIR(tests, &n, test_handover_skips_written_lines);
	ADD_TEST_TMPDIR(tests, &n, test_no_handover_writes_every_line);
	ADD_TEST_TMPDIR(tests, &n, test_handover_keeps_stalled_syslog);
	ADD_TEST_TMPDIR(tests, &n, test_stopped_terminal_does_not_block);
	return RUN_TESTS("log", tests, n);
}
