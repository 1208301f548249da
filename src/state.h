/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Largest OCI state accepted on stdin. Real states are well under 4 KiB. */
#define STATE_MAX_SIZE (1024 * 1024)

/*
 * Maximum length of a container id. Runtimes use ids of 64 hex digits or short
 * names; the cap keeps ledger records and log lines small.
 */
#define STATE_ID_MAX 1024

/* The parts of the OCI runtime state that the hook uses. */
struct oci_state {
	char *id;
	char *bundle;
	char *status; /* NULL when the runtime sent no status */
	int pid;      /* the container's process, or 0 when the runtime sent none */
};

/*
 * Parse the OCI state JSON in buf. The bundle comes from "bundle", or from
 * "bundlePath" as older runtimes send it, and must be an absolute path. A
 * "pid" that is not a positive integer is ignored.
 * Returns 0, or -EINVAL with a reason written to reason.
 */
int state_parse(const char *buf, size_t len, struct oci_state *state, char *reason,
		size_t reasonlen);

void state_free(struct oci_state *state);

/*
 * Decide from the status whether this run of the hook loads modules:
 * "creating", "created" or no status return 1, "running" and "stopped"
 * return 0, and any other value returns -EINVAL.
 */
int state_wants_load(const struct oci_state *state);
