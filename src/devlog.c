// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * syslog(3) stamps each line with the local time, and glibc reads
 * /etc/localtime for that on the first line of every process. A hook runs
 * for every container start, so it writes the line itself, with no time
 * stamp in the header. journald (src/journal/journald-syslog.c in systemd)
 * and busybox syslogd, which the test VM runs, stamp such a line with the
 * time they receive it. journald then also stores the raw line in
 * SYSLOG_RAW.
 */
#include "devlog.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#define DEVLOG_LINE_MAX 8192

/*
 * A daemon that stops reading fills its socket's queue, and a send then
 * waits. glibc's syslog(3) waits without a limit, which would hold up
 * container starts. So a line that cannot be sent within this time is
 * dropped, and so are the process's later lines.
 */
#define DEVLOG_SEND_TIMEOUT_MS 1000

static struct sockaddr_un devlog_address = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
static int devlog_fd = -1;
static bool devlog_stream;
static bool stalled;

static int connect_socket(int type)
{
	const struct sockaddr_un *address = &devlog_address;
	struct timeval timeout = { .tv_sec = DEVLOG_SEND_TIMEOUT_MS / 1000,
				   .tv_usec = DEVLOG_SEND_TIMEOUT_MS % 1000 * 1000 };
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout)) < 0 ||
	    connect(fd, (const struct sockaddr *)address, sizeof(*address)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

/* Daemons listen on a datagram socket, and a few older ones on a stream socket. */
static int devlog_connect(void)
{
	int fd = connect_socket(SOCK_DGRAM);

	devlog_stream = false;
	if (fd == -EPROTOTYPE) {
		fd = connect_socket(SOCK_STREAM);
		devlog_stream = true;
	}
	if (fd < 0)
		return fd;
	devlog_fd = fd;
	return 0;
}

/*
 * Send message, whose NUL is at message[len]. On a stream socket the NUL
 * ends the message, as in syslog(3).
 */
static int send_message(const char *message, size_t len)
{
	int r;

	/* connect() also waits the send timeout while a stream daemon's backlog is full. */
	if (devlog_fd < 0 && (r = devlog_connect()) < 0)
		return r;
	if (devlog_stream)
		len++;
	return send(devlog_fd, message, len, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

void devlog_send(int priority, const char *ident, const char *line)
{
	char message[DEVLOG_LINE_MAX];
	int len, r;

	if (stalled)
		return;

	len = snprintf(message, sizeof(message), "<%d>%s[%d]: %s", priority, ident,
		       (int)getpid(), line);
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(message))
		len = sizeof(message) - 1;

	r = send_message(message, (size_t)len);

	/* A daemon that restarted has closed the old connection, so connect once more. */
	if (r < 0 && r != -EAGAIN && devlog_fd >= 0) {
		devlog_close();
		r = send_message(message, (size_t)len);
	}
	if (r == -EAGAIN)
		stalled = true;
}

bool devlog_stalled(void)
{
	return stalled;
}

void devlog_stall(void)
{
	stalled = true;
}

void devlog_close(void)
{
	if (devlog_fd >= 0)
		close(devlog_fd);
	devlog_fd = -1;
}

void devlog_use_path(const char *path)
{
	devlog_close();
	stalled = false;
	snprintf(devlog_address.sun_path, sizeof(devlog_address.sun_path), "%s", path);
}
