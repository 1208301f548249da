/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

struct kmod_module;

/* Time an install command from modprobe.d may run before it is killed. */
#define INSTALL_TIMEOUT_MS 60000

/* The result of the last install command, for the error message. */
struct install_status {
	const char *container; /* escaped container id, for log lines */
	int exit_status; /* -1 when the command did not exit normally */
	int signal;      /* killing signal, or 0 */
	int start_error; /* errno when the command could not be started, or 0 */
	bool timed_out;
};

/*
 * Run the modprobe.d install command cmd of mod with /bin/sh. The command
 * gets a fixed PATH, MODPROBE_MODULE and nothing else from the environment,
 * /dev/null as stdin, stdout and stderr, and no other open file. Its process
 * group is killed after timeout_ms, which is INSTALL_TIMEOUT_MS except in
 * the unit tests. status gets the result. Returns 0 when it exits with 0,
 * the negative errno when it could not be started, and -EINVAL otherwise.
 */
int install_command_run_within(struct kmod_module *mod, const char *cmd, int timeout_ms,
			       struct install_status *status);

/*
 * Run the install command of mod from modprobe.d, with $CMDLINE_OPTS
 * replaced by its options, as modprobe does, but without libkmod's walk of
 * its dependencies and softdeps, which the plan already inserted. status
 * gets the result. Returns 0 when the command exits with 0.
 */
int install_command_run_for(struct kmod_module *mod, struct install_status *status);
