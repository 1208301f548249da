// SPDX-License-Identifier: LGPL-2.1-or-later
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devlog.h"
#include "handover.h"
#include "utc.h"

/* Maximum length of a written line. Longer lines are cut, so output stays bounded. */
#define LOG_LINE_MAX 4096

/* Most lines remembered for a handover. The libkmod binary writes any further ones again. */
#define LOG_HANDED_MAX 16

static int log_fd = -1;
static bool log_debug;

/*
 * Hashes of the lines that this process wrote, and of those that the run
 * which handed over to it wrote and that it has not written again yet.
 */
static uint64_t written[LOG_HANDED_MAX], handed[LOG_HANDED_MAX];
static size_t n_written, n_handed;

/* FNV-1a over the destination ('e' for stderr, 's' for syslog and the file) and the line. */
static uint64_t line_hash(char destination, const char *line)
{
	uint64_t hash = 0xcbf29ce484222325ULL;

	hash = (hash ^ (unsigned char)destination) * 0x100000001b3ULL;
	for (; *line; line++)
		hash = (hash ^ (unsigned char)*line) * 0x100000001b3ULL;
	return hash;
}

/*
 * Tell whether the run that handed over already wrote this line, and
 * forget it then, so that a line written twice before is written again
 * once. Otherwise remember the line for a handover of this process.
 */
static bool written_before_handover(char destination, const char *line)
{
	uint64_t hash = line_hash(destination, line);

	for (size_t i = 0; i < n_handed; i++) {
		if (handed[i] == hash) {
			handed[i] = handed[--n_handed];
			return true;
		}
	}
	if (n_written < LOG_HANDED_MAX)
		written[n_written++] = hash;
	return false;
}

int log_pass_on(void)
{
	char value[LOG_HANDED_MAX * 17 + 1] = "";
	size_t used = 0;

	for (size_t i = 0; i < n_written; i++)
		used += (size_t)snprintf(value + used, sizeof(value) - used, "%s%016llx",
					 i ? "," : "", (unsigned long long)written[i]);
	if (setenv(HANDOVER_LOGGED_ENV, value, 1) < 0)
		return -errno;

	if (!devlog_stalled())
		return unsetenv(HANDOVER_SYSLOG_STALLED_ENV) < 0 ? -errno : 0;
	return setenv(HANDOVER_SYSLOG_STALLED_ENV, "1", 1) < 0 ? -errno : 0;
}

/* In the run that was handed over: take what the run before it logged. */
static void take_handed_over(void)
{
	const char *value = getenv(HANDOVER_LOGGED_ENV);
	bool handed_over = !handover_is_first_binary() && getenv(HANDOVER_DONE_ENV);

	if (handed_over && getenv(HANDOVER_SYSLOG_STALLED_ENV))
		devlog_stall();

	while (handed_over && value && *value && n_handed < LOG_HANDED_MAX) {
		char *end;

		handed[n_handed++] = strtoull(value, &end, 16);
		if (end == value || (*end != ',' && *end != '\0'))
			break;
		value = *end ? end + 1 : end;
	}

	/* The value points into the environment, so it is removed only now. */
	unsetenv(HANDOVER_LOGGED_ENV);
	unsetenv(HANDOVER_SYSLOG_STALLED_ENV);
}

/*
 * Open the log file without blocking, because a FIFO would hold up every
 * container start until something reads it. Only a regular file or a
 * character device such as /dev/null is kept.
 */
static int open_log_file(const char *file_path)
{
	struct stat st;
	int fd, r;

	/* A FIFO without a reader fails open() with ENXIO, so look first. */
	if (lstat(file_path, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		return -ESPIPE;

	fd = open(file_path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
		  0640);
	if (fd < 0)
		return -errno;

	/*
	 * O_NONBLOCK stays set. It changes nothing for a regular file, and a
	 * terminal whose output is stopped drops the line instead of blocking.
	 */
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
		r = -ESPIPE;
	else
		return fd;

	close(fd);
	return r;
}

int log_open(const char *file_path, bool debug)
{
	log_debug = debug;
	take_handed_over();

	if (file_path) {
		log_fd = open_log_file(file_path);
		if (log_fd < 0)
			return log_fd;
	}
	return 0;
}

void log_close(void)
{
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
	devlog_close();
}

bool log_debug_enabled(void)
{
	return log_debug;
}

static void write_file_line(const char *line)
{
	char stamp[UTC_STAMP_SIZE], out[LOG_LINE_MAX + 128];
	int n;

	utc_now(stamp);
	n = snprintf(out, sizeof(out), "%s %s[%d]: %s\n", stamp, PROGRAM_NAME, (int)getpid(),
		     line);
	if (n > (int)sizeof(out))
		n = (int)sizeof(out);
	/* O_APPEND makes each single write() land whole, even with concurrent hooks. */
	if (write(log_fd, out, (size_t)n) < 0)
		return;
}

static void vlog_line(int priority, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];

	if (priority >= LOG_DEBUG && !log_debug)
		return;

	vsnprintf(line, sizeof(line), fmt, ap);
	if (written_before_handover('s', line))
		return;

	devlog_send(LOG_DAEMON | priority, PROGRAM_NAME, line);

	if (log_fd >= 0)
		write_file_line(line);
}

void log_line(int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_line(priority, fmt, ap);
	va_end(ap);
}

void log_stderr(const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (written_before_handover('e', line))
		return;

	fprintf(stderr, "%s: %s\n", PROGRAM_NAME, line);
}

void log_problem(const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);

	log_stderr("%s", line);
	log_line(LOG_ERR, "%s", line);
}
