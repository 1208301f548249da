// SPDX-License-Identifier: LGPL-2.1-or-later
#include "process.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

/* Field of /proc/PID/stat with the start time, counting from 1 as proc(5) does. */
#define STAT_START_TIME_FIELD 22

/* Process state and start time of pid. The state is 'Z' for a zombie. */
static int read_stat(const struct kernel_paths *paths, int pid, char *state,
		     unsigned long long *start_time)
{
	char path[64], buf[1024], *p, *end;
	int r;

	snprintf(path, sizeof(path), "%s/%d/stat", paths->procfs, pid);
	r = read_small_file(path, buf, sizeof(buf));
	if (r < 0)
		return r;

	/* The command name in parentheses may contain spaces and ')', so skip to the last ')'. */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return -EINVAL;
	p += 2;
	*state = *p;

	/* p is at field 3. */
	for (int field = 3; field < STAT_START_TIME_FIELD; field++) {
		p = strchr(p, ' ');
		if (!p)
			return -EINVAL;
		p++;
	}

	errno = 0;
	*start_time = strtoull(p, &end, 10);
	if (errno || end == p || (*end != ' ' && *end != '\0'))
		return -EINVAL;
	return 0;
}

static int read_pid_ns(const struct kernel_paths *paths, unsigned long long *ino)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "%s/self/ns/pid", paths->procfs);
	if (stat(path, &st) < 0)
		return -errno;
	*ino = (unsigned long long)st.st_ino;
	return 0;
}

int process_in_other_mount_ns(const struct kernel_paths *paths, int pid)
{
	char path[64];
	struct stat self, other;

	snprintf(path, sizeof(path), "%s/self/ns/mnt", paths->procfs);
	if (stat(path, &self) < 0)
		return -errno;
	snprintf(path, sizeof(path), "%s/%d/ns/mnt", paths->procfs, pid);
	if (stat(path, &other) < 0)
		return -errno;
	return self.st_ino != other.st_ino || self.st_dev != other.st_dev;
}

int process_identify(const struct kernel_paths *paths, int pid, struct process_identity *id)
{
	char state;
	int r;

	*id = (struct process_identity){ 0 };
	if (pid <= 0)
		return -EINVAL;

	r = read_pid_ns(paths, &id->pid_ns);
	if (r >= 0)
		r = read_stat(paths, pid, &state, &id->start_time);
	if (r < 0) {
		*id = (struct process_identity){ 0 };
		return r;
	}

	id->pid = pid;
	return 0;
}

enum process_liveness process_liveness(const struct kernel_paths *paths,
				       const struct process_identity *id)
{
	unsigned long long pid_ns, start_time;
	char state;
	int r;

	if (id->pid <= 0 || read_pid_ns(paths, &pid_ns) < 0 || pid_ns != id->pid_ns)
		return PROCESS_UNKNOWN;

	r = read_stat(paths, id->pid, &state, &start_time);
	if (r == -ENOENT || r == -ESRCH)
		return PROCESS_EXITED;
	if (r < 0)
		return PROCESS_UNKNOWN;
	if (start_time != id->start_time || state == 'Z' || state == 'X')
		return PROCESS_EXITED;
	return PROCESS_ALIVE;
}
