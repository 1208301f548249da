/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* Time allowed for the runtime to write the whole state and close stdin. */
#define HOOK_STDIN_TIMEOUT_MS 30000

/* Exit statuses of the hook. */
enum {
	HOOK_EXIT_OK = 0,
	HOOK_EXIT_FAILED = 1, /* a module is missing, or the input is invalid */
	HOOK_EXIT_USAGE = 2,
};

struct hook_options {
	const char *stage; /* --state, or NULL */
	const char *log_path;
	const char *policy_path; /* --policy, or NULL for the default files */
	const char *state_dir;   /* --state-dir, where the ledger lives */
	bool debug;
	bool no_fast_path;
	/*
	 * At poststop, remove the modules that the stopping container was the
	 * last running one to request, as unload would. The policy directive
	 * unload-on-stop turns it on as well.
	 */
	bool unload_on_stop;
};

/*
 * Run as an OCI hook: read the state on stdin, then load and record the
 * requested modules, or mark the container stopped at poststop.
 */
int hook_run(const struct hook_options *opts);
