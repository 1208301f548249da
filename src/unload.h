/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "kernel.h"

struct ledger;

struct unload_options {
	const struct kernel_paths *paths;
	char **names; /* canonical module names to take, or none for every eligible one */
	size_t n_names;
	bool dry_run;
	/*
	 * Escaped id of the container whose poststop runs this, or NULL for the
	 * unload command. The hook logs its decisions instead of printing them.
	 */
	const char *stopping_container;
};

/*
 * Remove modules that this hook inserted, that no running container
 * requested, and that have a reference count of 0 and no holders, then the
 * dependencies the hook inserted that this leaves unused, dependents first.
 * With names, only those and their dependencies are candidates, and each one
 * kept is explained. Returns 0 when every named module was removed (or would
 * be, with dry_run), 1 when one was kept or a removal failed, or a negative
 * errno when the ledger cannot be read.
 */
int unload_modules(struct ledger *ledger, const struct unload_options *opts);
