// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Time whole process runs, the way a runtime starts a hook: fork, exec,
 * stdin from a file, wait. Candidates alternate within each round, so
 * machine noise hits all of them alike.
 *
 * Usage: spawnbench ROUNDS CANDIDATE...
 * A candidate is "NAME|STDIN|PREPARE|COMMAND ARGS...": STDIN is a file or
 * empty, PREPARE a shell command run untimed before each run, or empty.
 * COMMAND and ARGS are split at spaces. Prints one line per candidate:
 * NAME min median max (microseconds) maxrss (KiB) failures.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 32

struct candidate {
	char *name, *input, *prepare;
	char *argv[MAX_ARGS];
	double *times_us;
	long max_rss_kib;
	int failures;
};

static int parse_candidate(char *spec, struct candidate *c, int rounds)
{
	char *fields[4];
	int n = 0;

	for (char *p = spec; n < 4; n++) {
		fields[n] = p;
		p = n < 3 ? strchr(p, '|') : NULL;
		if (n < 3 && !p)
			return -1;
		if (p)
			*p++ = '\0';
	}
	c->name = fields[0];
	c->input = fields[1][0] ? fields[1] : NULL;
	c->prepare = fields[2][0] ? fields[2] : NULL;

	n = 0;
	for (char *tok = strtok(fields[3], " "); tok && n < MAX_ARGS - 1; tok = strtok(NULL, " "))
		c->argv[n++] = tok;
	c->argv[n] = NULL;
	c->times_us = calloc((size_t)rounds, sizeof(double));
	return n > 0 && c->times_us ? 0 : -1;
}

static double elapsed_us(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e6 + (double)(b->tv_nsec - a->tv_nsec) / 1e3;
}

static double run_once(struct candidate *c)
{
	struct timespec start, end;
	struct rusage ru;
	int status;
	pid_t pid;

	if (c->prepare && system(c->prepare) != 0)
		c->failures++;

	clock_gettime(CLOCK_MONOTONIC, &start);
	pid = fork();
	if (pid == 0) {
		int fd = open(c->input ? c->input : "/dev/null", O_RDONLY);
		int null = open("/dev/null", O_WRONLY);

		if (fd < 0 || null < 0 || dup2(fd, 0) < 0 || dup2(null, 1) < 0 ||
		    dup2(null, 2) < 0)
			_exit(127);
		execv(c->argv[0], c->argv);
		_exit(127);
	}
	wait4(pid, &status, 0, &ru);
	clock_gettime(CLOCK_MONOTONIC, &end);

	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		c->failures++;
	if (ru.ru_maxrss > c->max_rss_kib)
		c->max_rss_kib = ru.ru_maxrss;
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
