/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "names.h"
#include "process.h"
#include "request.h"

/* /run is a tmpfs on systemd hosts, so the ledger is gone after a reboot, as the modules are. */
#define LEDGER_DEFAULT_DIR "/run/oci-kmod-hook"

/*
 * Lock files in the state directory. Hooks that insert modules and unload
 * hold LEDGER_INSERT_LOCK exclusively, so that each insertion is attributed
 * to one hook and unload never races an insertion. LEDGER_RECORDS_LOCK is
 * shared by hooks that find their modules present, and exclusive for unload
 * and record updates, so unload never removes a module between a hook's
 * check and its record.
 */
#define LEDGER_INSERT_LOCK "insert.lock"
#define LEDGER_RECORDS_LOCK "records.lock"

/*
 * Time one run of the hook waits for locks, all waits together. A holder
 * may run one install command (INSTALL_TIMEOUT_MS, 60 s) and wait for one
 * module in the "coming" state (LOAD_COMING_TIMEOUT_MS, 30 s), and the
 * shipped hook timeout is 120 s.
 */
#define LEDGER_LOCK_TIMEOUT_MS 100000

/* Largest record read back. A record of REQUEST_DEFAULT_MAX_NAMES modules is under 64 KiB. */
#define LEDGER_RECORD_MAX_SIZE (1024 * 1024)

enum module_origin {
	ORIGIN_INSERTED, /* this hook inserted it for the container */
	ORIGIN_PRESENT,  /* already loaded, or loaded by another process */
	ORIGIN_BUILTIN,
};

enum record_state {
	RECORD_RUNNING,
	RECORD_STOPPED,
	RECORD_FAILED, /* the hook failed, so the container did not start */
	/*
	 * Running in the record, but its process has exited and no poststop
	 * hook ran. Set when records are read for status and unload, never
	 * written.
	 */
	RECORD_EXITED,
	RECORD_STATE_COUNT,
};

/* One module that a container's request resolved to or depended on. */
struct ledger_module {
	char name[MODULE_NAME_MAX + 1];
	enum module_origin origin;
	bool requested; /* a requested name resolved to it; false for a dependency */
	unsigned long long inode; /* kernel_module_inode() after insertion, or 0 */
};

/* Record of the modules that the hook handled for one container. */
struct ledger_record {
	char *id; /* the container id as the runtime sent it */
	/*
	 * The bundle directory, or NULL. Together with the id it names the
	 * container, because two runtimes (or two runc --root trees) can run
	 * containers with one id at the same time.
	 */
	char *bundle;
	enum record_state state;
	struct process_identity process; /* the container's process; pid 0 when unknown */
	char started[32]; /* UTC, RFC 3339 */
	char stopped[32]; /* "" while running */
	struct name_list requested;
	struct ledger_module *modules;
	size_t n_modules;
};

struct ledger;

/*
 * Open the state directory dir. With create, make it (mode 0755, so status
 * works without root) and its containers/ directory when missing.
 */
int ledger_open(const char *dir, bool create, struct ledger **ret);

void ledger_close(struct ledger *ledger);

static inline void ledger_closep(struct ledger **ledger)
{
	ledger_close(*ledger);
}

const char *ledger_dir(const struct ledger *ledger);

/*
 * ledger_open() sets the lock deadline LEDGER_LOCK_TIMEOUT_MS ahead, or
 * takes the one that a handover passed on, so the lock waits of one run
 * share that time. It is a monotonic_ms() time, and setting it also notes
 * it for the handover.
 */
long long ledger_lock_deadline(const struct ledger *ledger);
void ledger_set_lock_deadline(struct ledger *ledger, long long deadline);

/*
 * Take flock operation (LOCK_SH or LOCK_EX) on the lock file name in the
 * state directory, waiting at most timeout_ms and never past the lock
 * deadline. Returns the file descriptor
 * that holds the lock (closing it releases the lock), or -ETIMEDOUT or
 * another negative errno. The kernel drops the lock when its holder dies.
 */
int ledger_lock(struct ledger *ledger, const char *name, int operation, int timeout_ms);

/*
 * Take the lock as ledger_lock() does, and set *waited, unless it is NULL,
 * when another holder made it wait.
 */
int ledger_lock_waited(struct ledger *ledger, const char *name, int operation, int timeout_ms,
		       bool *waited);

/* Add a module, or upgrade an existing entry to ORIGIN_INSERTED. */
int ledger_record_add_module(struct ledger_record *rec, const char *name,
			     enum module_origin origin, bool requested,
			     unsigned long long inode);

/* Write the current time to buf, in UTC and RFC 3339. */
void ledger_stamp(char *buf, size_t buflen);

void ledger_record_free(struct ledger_record *rec);

/*
 * Write rec, replacing the container's earlier record. The new file is
 * complete before it takes the record's name, so a reader never sees a
 * partial record, whenever the writer dies.
 */
int ledger_write(struct ledger *ledger, const struct ledger_record *rec);

/* Read the record of container id. Returns 0, -ENOENT or another negative errno. */
int ledger_read(struct ledger *ledger, const char *id, const char *bundle,
		struct ledger_record *rec);

/*
 * Read every record. A file that cannot be parsed is logged and skipped.
 * Returns 0 with an array to free with ledger_records_free(), or a negative errno.
 */
int ledger_read_all(struct ledger *ledger, struct ledger_record **ret, size_t *ret_n);

void ledger_records_free(struct ledger_record *recs, size_t n);

/*
 * Remove temporary files older than min_age_s seconds, which hooks killed
 * while writing a record leave behind. Readers ignore them either way.
 */
void ledger_remove_stale(struct ledger *ledger, int min_age_s);

/*
 * Derive the record file name for a container id, without the ".json"
 * suffix: bytes other than [A-Za-z0-9_-] and a '.' after the first byte become
 * %XX, and a long id is cut and ends with '~' and a hash of the whole id.
 */
void ledger_file_stem(const char *id, char *buf, size_t buflen);

const char *module_origin_name(enum module_origin origin);
const char *record_state_name(enum record_state state);
