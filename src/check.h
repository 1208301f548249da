/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

struct check_options {
	const char *config_path; /* --config: a config.json to read KERNEL_MODULES from */
	const char *modules;     /* --modules: the KERNEL_MODULES value itself */
	const char *policy_path; /* --policy, or NULL for the default files */
	bool json;
};

/*
 * Show what the hook would do for a request, through the same resolve, plan
 * and policy steps, without loading anything and without root. Returns
 * HOOK_EXIT_OK when the request would be admitted, HOOK_EXIT_FAILED when a
 * name is refused, not found or invalid.
 */
int check_run(const struct check_options *opts);
