// SPDX-License-Identifier: LGPL-2.1-or-later
#include "handover.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

static char **command;
static const char *input;
static size_t input_len;
static int held_lock_fd = -1;
static long long lock_deadline;

void handover_save_command(char **argv)
{
	command = argv;
}

void handover_save_input(const char *buf, size_t len)
{
	input = buf;
	input_len = len;
}

void handover_hold_lock(int fd)
{
	held_lock_fd = fd;
}

void handover_save_lock_deadline(long long deadline)
{
	lock_deadline = deadline;
}

/* The libkmod binary sits in the directory of the running executable. */
static int binary_path(char *buf, size_t buflen)
{
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -errno;
	self[n] = '\0';

	/* A program started from a memfd (fexecve) has no directory. */
	slash = strrchr(self, '/');
	if (!slash || strncmp(self, "/memfd:", 7) == 0)
		return -ENOENT;
	*slash = '\0';
	if ((size_t)snprintf(buf, buflen, "%s/%s", self, HANDOVER_BINARY) >= buflen)
		return -ENAMETOOLONG;
	return 0;
}

/* Put the saved OCI state on stdin again, in a memory file. */
static int replay_input(void)
{
	_cleanup_close_ int fd = -1;
	size_t done = 0;

	fd = memfd_create("oci-state", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;

	while (done < input_len) {
		ssize_t n = write(fd, input + done, input_len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}

	if (lseek(fd, 0, SEEK_SET) < 0 || dup2(fd, STDIN_FILENO) < 0)
		return -errno;
	return 0;
}

/* Keep the lock open across exec() and name its descriptor in the environment. */
static int pass_lock(void)
{
	char value[16];

	if (held_lock_fd < 0)
		return unsetenv(HANDOVER_LOCK_ENV) < 0 ? -errno : 0;

	if (fcntl(held_lock_fd, F_SETFD, 0) < 0)
		return -errno;
	snprintf(value, sizeof(value), "%d", held_lock_fd);
	return setenv(HANDOVER_LOCK_ENV, value, 1) < 0 ? -errno : 0;
}

/* Name the lock deadline in the environment, so the waits of both binaries share it. */
static int pass_lock_deadline(void)
{
	char value[24];

	if (lock_deadline <= 0)
		return unsetenv(HANDOVER_DEADLINE_ENV) < 0 ? -errno : 0;

	snprintf(value, sizeof(value), "%lld", lock_deadline);
	return setenv(HANDOVER_DEADLINE_ENV, value, 1) < 0 ? -errno : 0;
}

int handover_exec(char *reason, size_t reasonlen)
{
	char path[PATH_MAX];
	int r;

	/* The front end installed under the libkmod binary's name would loop. */
	if (getenv(HANDOVER_DONE_ENV)) {
		snprintf(reason, reasonlen, "%s handed the run over again, so it is not the "
			 "libkmod binary; reinstall it", HANDOVER_BINARY);
		return -ELOOP;
	}

	r = binary_path(path, sizeof(path));
	if (r < 0) {
		snprintf(reason, reasonlen, "cannot find %s next to the running hook: %s",
			 HANDOVER_BINARY, strerror(-r));
		return r;
	}

	r = input ? replay_input() : 0;
	if (r >= 0)
		r = pass_lock();
	if (r >= 0)
		r = pass_lock_deadline();
	if (r >= 0)
		r = log_pass_on();
	if (r >= 0 && setenv(HANDOVER_DONE_ENV, "1", 1) < 0)
		r = -errno;
	if (r < 0) {
		snprintf(reason, reasonlen, "cannot prepare to run %s: %s", path, strerror(-r));
		return r;
	}

	fflush(NULL);
	execv(path, command);
	r = -errno;
	snprintf(reason, reasonlen, "cannot run %s: %s", path, strerror(-r));
	return r;
}

bool handover_has_lock(void)
{
	return getenv(HANDOVER_LOCK_ENV) != NULL;
}

int handover_take_lock(void)
{
	const char *value = getenv(HANDOVER_LOCK_ENV);
	char *end;
	long fd;

	if (!value)
		return -1;

	errno = 0;
	fd = strtol(value, &end, 10);
	if (value[0] < '0' || value[0] > '9' || errno || *end || fd > INT_MAX)
		fd = -1;
	unsetenv(HANDOVER_LOCK_ENV);
	return (int)fd;
}

long long handover_take_lock_deadline(long long latest)
{
	const char *value = getenv(HANDOVER_DEADLINE_ENV);
	long long deadline;
	char *end;

	/* Only a run that was handed over takes it. */
	if (!value || handover_is_first_binary() || !getenv(HANDOVER_DONE_ENV))
		return latest;

	errno = 0;
	deadline = strtoll(value, &end, 10);
	unsetenv(HANDOVER_DEADLINE_ENV);
	if (value[0] < '0' || value[0] > '9' || errno || *end || deadline > latest)
		return latest;
	return deadline;
}
