// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Time whole process runs, the way a runtime starts a hook: fork, exec,
 * stdin from a file, wait. Candidates alternate within each round, so
 * machine noise hits all of them alike.
 *
 * Usage: spawnbench ROUNDS CANDIDATE...
 * A candidate is "NAME|STDIN|PREPARE|COMMAND ARGS..." or
 * "NAME|JOBS|STDIN|PREPARE|COMMAND ARGS...". STDIN is a file or empty,
 * PREPARE a shell command run untimed before each run, or empty. COMMAND
 * and ARGS are split at spaces. JOBS is N to start N copies at once, or
 * in-turn:N to run N copies one after another. A run then lasts from the
 * first fork to the last exit, and "%d" in STDIN is the copy's number,
 * from 0. Prints one line per candidate:
 * NAME min median max (microseconds) maxrss (KiB) failures.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 32
#define MAX_JOBS 1024

struct candidate {
	char *name, *input, *prepare;
	char *argv[MAX_ARGS];
	int jobs;     /* copies per run */
	bool in_turn; /* one after another instead of at once */
	double *times_us;
	long max_rss_kib;
	int failures;
};

/* Split spec at '|' into at most max fields. Returns how many it found. */
static int split_fields(char *spec, char **fields, int max)
{
	int n = 0;

	fields[n++] = spec;
	for (char *p = strchr(spec, '|'); p && n < max; p = strchr(p, '|')) {
		*p++ = '\0';
		fields[n++] = p;
	}
	return n;
}

static int parse_jobs(const char *text, struct candidate *c)
{
	const char *count = text;
	char *end;
	long n;

	if (strncmp(text, "in-turn:", 8) == 0) {
		c->in_turn = true;
		count = text + 8;
	}
	n = strtol(count, &end, 10);
	if (*count == '\0' || *end != '\0' || n < 1 || n > MAX_JOBS)
		return -1;
	c->jobs = (int)n;
	return 0;
}

static int parse_candidate(char *spec, struct candidate *c, int rounds)
{
	char *fields[5];
	int n = split_fields(spec, fields, 5), first = 1;

	if (n != 4 && n != 5)
		return -1;
	c->name = fields[0];
	c->jobs = 1;
	if (n == 5 && parse_jobs(fields[first++], c) < 0)
		return -1;
	c->input = fields[first][0] ? fields[first] : NULL;
	c->prepare = fields[first + 1][0] ? fields[first + 1] : NULL;

	n = 0;
	for (char *tok = strtok(fields[first + 2], " "); tok && n < MAX_ARGS - 1;
	     tok = strtok(NULL, " "))
		c->argv[n++] = tok;
	c->argv[n] = NULL;
	c->times_us = calloc((size_t)rounds, sizeof(double));
	return n > 0 && c->times_us ? 0 : -1;
}

static double elapsed_us(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e6 + (double)(b->tv_nsec - a->tv_nsec) / 1e3;
}

/* The stdin file of copy i: the first "%d" in the pattern becomes i. */
static void input_path(const char *pattern, int i, char *buf, size_t buflen)
{
	const char *mark = strstr(pattern, "%d");

	if (!mark)
		snprintf(buf, buflen, "%s", pattern);
	else
		snprintf(buf, buflen, "%.*s%d%s", (int)(mark - pattern), pattern, i, mark + 2);
}

static pid_t start_copy(const struct candidate *c, int i)
{
	char path[4096];
	pid_t pid;

	input_path(c->input ? c->input : "/dev/null", i, path, sizeof(path));
	pid = fork();
	if (pid == 0) {
		int fd = open(path, O_RDONLY);
		int null = open("/dev/null", O_WRONLY);

		if (fd < 0 || null < 0 || dup2(fd, 0) < 0 || dup2(null, 1) < 0 ||
		    dup2(null, 2) < 0)
			_exit(127);
		execv(c->argv[0], c->argv);
		_exit(127);
	}
	return pid;
}

static void reap(struct candidate *c, pid_t pid)
{
	struct rusage ru;
	int status;

	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
		c->failures++;
		return;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		c->failures++;
	if (ru.ru_maxrss > c->max_rss_kib)
		c->max_rss_kib = ru.ru_maxrss;
}

static double run_once(struct candidate *c)
{
	pid_t pids[MAX_JOBS];
	struct timespec start, end;

	if (c->prepare && system(c->prepare) != 0)
		c->failures++;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (int i = 0; i < c->jobs; i++) {
		pids[i] = start_copy(c, i);
		if (c->in_turn)
			reap(c, pids[i]);
	}
	for (int i = 0; !c->in_turn && i < c->jobs; i++)
		reap(c, pids[i]);
	clock_gettime(CLOCK_MONOTONIC, &end);
	return elapsed_us(&start, &end);
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct candidate *cands;
	int rounds, n;

	if (argc < 3) {
		fprintf(stderr, "usage: spawnbench ROUNDS 'NAME|STDIN|PREPARE|COMMAND ARGS'...\n");
		return 2;
	}
	rounds = atoi(argv[1]);
	n = argc - 2;
	cands = calloc((size_t)n, sizeof(*cands));
	if (rounds <= 0 || !cands)
		return 2;

	for (int i = 0; i < n; i++) {
		if (parse_candidate(argv[i + 2], &cands[i], rounds) < 0) {
			fprintf(stderr, "spawnbench: invalid candidate '%s'\n", argv[i + 2]);
			return 2;
		}
	}

	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < n; i++)
			cands[i].times_us[r] = run_once(&cands[i]);

	for (int i = 0; i < n; i++) {
		struct candidate *c = &cands[i];

		qsort(c->times_us, (size_t)rounds, sizeof(double), compare_doubles);
		printf("%s %.0f %.0f %.0f %ld %d\n", c->name, c->times_us[0],
		       c->times_us[rounds / 2], c->times_us[rounds - 1], c->max_rss_kib,
		       c->failures);
	}
	return 0;
}
