// SPDX-License-Identifier: LGPL-2.1-or-later
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devlog.h"
#include "utc.h"

/* Maximum length of a written line. Longer lines are cut, so output stays bounded. */
#define LOG_LINE_MAX 4096

static int log_fd = -1;
static bool log_debug;

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

	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
		r = -ESPIPE;
	else if (fcntl(fd, F_SETFL, O_APPEND) < 0)
		r = -errno;
	else
		return fd;

	close(fd);
	return r;
}

int log_open(const char *file_path, bool debug)
{
	log_debug = debug;

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
