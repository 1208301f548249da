/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "kernel.h"

struct ledger;

/*
 * Print each module in the ledger with its kernel state, whether this hook
 * inserted it, its reference count and holders, and the running containers
 * that requested it: a table, or a JSON document with json. Reads only, so
 * it needs no privilege beyond reading the state directory and /sys/module.
 * A NULL ledger, for a state directory that does not exist yet, prints an
 * empty result. Returns 0 or a negative errno.
 */
int status_print(struct ledger *ledger, const char *state_dir,
		 const struct kernel_paths *paths, bool json, FILE *out);
