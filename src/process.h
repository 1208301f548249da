/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "kernel.h"

/*
 * Identity of a container's process, as the OCI state names it: enough to
 * tell later whether that process still runs, and not another one that got
 * its PID.
 */
struct process_identity {
	int pid; /* 0 when unknown */
	unsigned long long start_time; /* field 22 of /proc/PID/stat, in clock ticks after boot */
	unsigned long long pid_ns;     /* inode of the PID namespace in which pid was read */
	/* Inode of the time namespace, which shifts start times, or 0 before Linux 5.6. */
	unsigned long long time_ns;
};

enum process_liveness {
	/*
	 * No PID; or it was read in another PID or time namespace, through a
	 * procfs of another PID namespace, or where procfs hides processes.
	 */
	PROCESS_UNKNOWN,
	PROCESS_ALIVE,
	PROCESS_EXITED, /* gone, a zombie without threads, or its PID now names another process */
};

/*
 * Fill id for pid from <procfs>/PID/stat and the namespaces in <procfs>/self/ns.
 * Returns 0, or a negative errno with id->pid set to 0: -EXDEV when procfs
 * belongs to another PID namespace.
 */
int process_identify(const struct kernel_paths *paths, int pid, struct process_identity *id);

/*
 * Tell whether pid runs in mount and PID namespaces other than this
 * process's, as a container's process does by the time prestart and
 * createRuntime hooks run. Without its own PID namespace, the processes of
 * a container outlive its first one. Returns 1, 0, or a negative errno.
 */
int process_in_own_namespaces(const struct kernel_paths *paths, int pid);

/* Tell whether the process that id names still runs. */
enum process_liveness process_liveness(const struct kernel_paths *paths,
				       const struct process_identity *id);
