/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Handing a run over to the libkmod binary.
 *
 * oci-kmod-hook starts for every container, and most containers request no
 * module or find their modules live. So it is linked statically and without
 * libkmod (see "Two binaries" in the README). Without the dynamic loader it
 * starts in about a third of the time of /bin/true in the test VM
 * (docs/benchmarks.md).
 * When a module must be looked up with libkmod, kmod_dl_open() in that binary
 * calls handover_exec(), which replaces the process with oci-kmod-hook-kmod
 * from the same directory, on the same command line. That binary runs the
 * command again from the start, with the OCI state that this one read from
 * stdin. Nothing is changed on the host before that point.
 *
 * The insert lock, when this process holds it, stays held across the exec(),
 * so the hooks waiting for it do not all start the libkmod binary.
 */

/* Name of the libkmod binary, which lives next to oci-kmod-hook. */
#define HANDOVER_BINARY "oci-kmod-hook-kmod"

/* Environment variable through which the held insert lock is passed on. */
#define HANDOVER_LOCK_ENV "OCI_KMOD_HOOK_INSERT_LOCK_FD"

/* Environment variable through which the lock deadline (ledger.h) is passed on. */
#define HANDOVER_DEADLINE_ENV "OCI_KMOD_HOOK_LOCK_DEADLINE"

/* Environment variables through which log.c passes on what the run already logged. */
#define HANDOVER_LOGGED_ENV "OCI_KMOD_HOOK_LOGGED"
#define HANDOVER_SYSLOG_STALLED_ENV "OCI_KMOD_HOOK_SYSLOG_STALLED"

/* Environment variable set for the handed-over run, so it is never handed over again. */
#define HANDOVER_DONE_ENV "OCI_KMOD_HOOK_HANDED_OVER"

/*
 * Whether this binary hands runs over (oci-kmod-hook), rather than taking
 * them (oci-kmod-hook-kmod). Only the second takes what a handover passes in
 * the environment, so variables that a runtime sets for the hook change
 * nothing. Defined next to kmod_dl_open(), which differs between the two.
 */
bool handover_is_first_binary(void);

/* Remember the command line to run again. argv must stay valid. */
void handover_save_command(char **argv);

/* Remember the bytes read from stdin, to give them again. buf must stay valid. */
void handover_save_input(const char *buf, size_t len);

/* Note the file descriptor holding the insert lock, or -1 when none is held. */
void handover_hold_lock(int fd);

/* Note the lock deadline to pass on, a monotonic_ms() time. With 0, none is passed. */
void handover_save_lock_deadline(long long deadline);

/*
 * Replace this process with the libkmod binary. Returns only on failure,
 * with a negative errno and a one-line reason.
 */
int handover_exec(char *reason, size_t reasonlen);

/* In the libkmod binary: whether an insert lock was handed over and not yet taken. */
bool handover_has_lock(void);

/*
 * In the libkmod binary: the file descriptor of the insert lock passed on by
 * handover_exec(), or -1. Returns it once and removes it from the environment.
 * The caller must check that it is the lock file and holds the lock.
 */
int handover_take_lock(void);

/*
 * In the libkmod binary: the lock deadline passed on by handover_exec(), or
 * latest when none was passed or it is later than latest. Removes it from
 * the environment.
 */
long long handover_take_lock_deadline(long long latest);
