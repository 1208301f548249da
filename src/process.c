// SPDX-License-Identifier: LGPL-2.1-or-later
#include "process.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Inode of this process's namespace of the given type, or 0 when the kernel has none. */
static int read_ns(const struct kernel_paths *paths, const char *type, unsigned long long *ino)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "%s/self/ns/%s", paths->procfs, type);
	if (stat(path, &st) < 0) {
		*ino = 0;
		return errno == ENOENT && strcmp(type, "time") == 0 ? 0 : -errno;
	}
	*ino = (unsigned long long)st.st_ino;
	return 0;
}

/*
 * Whether procfs shows this process's PID namespace: <procfs>/self names
 * getpid(). A process that unshared its PID namespace and kept the old
 * procfs would read PIDs of the other namespace there.
 */
static bool procfs_is_own(const struct kernel_paths *paths)
{
	char path[64], target[32];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/self", paths->procfs);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	return strtol(target, NULL, 10) == (long)getpid();
}

/* Read the namespaces and check procfs, which the numbers of an identity depend on. */
static int read_context(const struct kernel_paths *paths, unsigned long long *pid_ns,
			unsigned long long *time_ns)
{
	int r;

	if (!procfs_is_own(paths))
		return -EXDEV;
	r = read_ns(paths, "pid", pid_ns);
	if (r >= 0)
		r = read_ns(paths, "time", time_ns);
	return r;
}

/* Count the threads of pid that have not exited, from <procfs>/PID/task. */
static int count_threads(const struct kernel_paths *paths, int pid)
{
	char path[64];
	struct dirent *entry;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%d/task", paths->procfs, pid);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((entry = readdir(dir)))
		if (entry->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

/* Whether procfs shows other users' processes; with hidepid it hides them, PID 1 included. */
static bool procfs_shows_all(const struct kernel_paths *paths)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "%s/1", paths->procfs);
	return stat(path, &st) == 0;
}

int process_in_own_namespaces(const struct kernel_paths *paths, int pid)
{
	int r = kernel_shares_ns(paths, pid, "mnt");

	if (r == 0)
		r = kernel_shares_ns(paths, pid, "pid");
	return r < 0 ? r : !r;
}

int process_identify(const struct kernel_paths *paths, int pid, struct process_identity *id)
{
	char state;
	int r;

	*id = (struct process_identity){ 0 };
	if (pid <= 0)
		return -EINVAL;

	r = read_context(paths, &id->pid_ns, &id->time_ns);
	if (r >= 0)
		r = read_stat(paths, pid, &state, &id->start_time);
	if (r < 0) {
		*id = (struct process_identity){ 0 };
		return r;
	}

	id->pid = pid;
	return 0;
}

/* A zombie leader whose other threads still run is a process that still runs. */
static bool is_dead(const struct kernel_paths *paths, int pid, char state)
{
	if (state == 'X')
		return true;
	return state == 'Z' && count_threads(paths, pid) <= 1;
}

enum process_liveness process_liveness(const struct kernel_paths *paths,
				       const struct process_identity *id)
{
	unsigned long long pid_ns, time_ns, start_time;
	char state;
	int r;

	if (id->pid <= 0 || read_context(paths, &pid_ns, &time_ns) < 0 || pid_ns != id->pid_ns ||
	    time_ns != id->time_ns)
		return PROCESS_UNKNOWN;

	r = read_stat(paths, id->pid, &state, &start_time);
	if (r == -ENOENT || r == -ESRCH)
		return procfs_shows_all(paths) ? PROCESS_EXITED : PROCESS_UNKNOWN;
	if (r < 0)
		return PROCESS_UNKNOWN;
	if (start_time != id->start_time || is_dead(paths, id->pid, state))
		return PROCESS_EXITED;
	return PROCESS_ALIVE;
}
