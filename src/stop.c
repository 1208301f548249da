// SPDX-License-Identifier: LGPL-2.1-or-later
#include "stop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

#include "kernel.h"
#include "ledger.h"
#include "log.h"
#include "policy.h"
#include "unload.h"
#include "util.h"

/* An invalid policy file turns nothing on, and is logged. */
static bool unload_on_stop(const struct hook_options *opts, const char *container)
{
	_cleanup_(policy_free) struct policy policy;

	policy_init(&policy);
	if (opts->unload_on_stop)
		return true;

	policy_load(&policy, opts->policy_path);
	if (policy.invalid) {
		log_line(LOG_ERR, "container %s: %s; modules stay loaded", container, policy.error);
		return false;
	}
	return policy.unload_on_stop.value;
}

/* Remove what the stopped container was the last running one to request. */
static void unload_after_stop(struct ledger *ledger, const struct ledger_record *rec,
			      const char *container)
{
	_cleanup_free_ char **names = calloc(rec->n_modules + 1, sizeof(*names));
	size_t n = 0;

	if (!names)
		return;
	for (size_t i = 0; i < rec->n_modules; i++)
		if (rec->modules[i].requested)
			names[n++] = (char *)rec->modules[i].name;

	unload_modules(ledger, &(struct unload_options){ .paths = &kernel_paths_host,
							 .names = names,
							 .n_names = n,
							 .stopping_container = container });
}

static int mark_stopped(struct ledger *ledger, const struct oci_state *state,
			const char *container, struct ledger_record *rec)
{
	_cleanup_close_ int lock_fd = -1;
	int r;

	/* Most containers have no record, and their stop should not wait for a lock. */
	r = ledger_read(ledger, state->id, state->bundle, rec);
	ledger_record_free(rec);
	if (r == -ENOENT) {
		log_line(LOG_DEBUG, "container %s: no ledger record to mark stopped", container);
		return r;
	}

	lock_fd = ledger_lock(ledger, LEDGER_RECORDS_LOCK, LOCK_EX, LEDGER_LOCK_TIMEOUT_MS);
	if (lock_fd < 0) {
		log_line(LOG_ERR, "container %s: cannot lock %s/%s: %s; its record stays "
			 "running", container, ledger_dir(ledger), LEDGER_RECORDS_LOCK,
			 strerror(-lock_fd));
		return lock_fd;
	}

	r = ledger_read(ledger, state->id, state->bundle, rec);
	if (r == -ENOENT) {
		log_line(LOG_DEBUG, "container %s: no ledger record to mark stopped", container);
		return r;
	}
	if (r < 0) {
		log_line(LOG_ERR, "container %s: cannot read its ledger record: %s", container,
			 strerror(-r));
		return r;
	}

	if (rec->state == RECORD_RUNNING)
		rec->state = RECORD_STOPPED;
	ledger_stamp(rec->stopped, sizeof(rec->stopped));
	r = ledger_write(ledger, rec);
	if (r < 0)
		log_line(LOG_ERR, "container %s: cannot mark its ledger record stopped: %s",
			 container, strerror(-r));
	return r;
}

int stop_container(const struct hook_options *opts, const struct oci_state *state)
{
	_cleanup_(ledger_closep) struct ledger *ledger = NULL;
	_cleanup_(ledger_record_free) struct ledger_record rec = { 0 };
	char container[ESCAPED_BUFSZ];
	int r;

	escape_untrusted(container, sizeof(container), state->id, strlen(state->id), ESCAPED_MAX);

	r = ledger_open(opts->state_dir, false, &ledger);
	if (r < 0) {
		log_line(r == -ENOENT ? LOG_DEBUG : LOG_ERR,
			 "container %s: cannot use the state directory %s: %s", container,
			 opts->state_dir, strerror(-r));
		return HOOK_EXIT_OK;
	}

	r = mark_stopped(ledger, state, container, &rec);
	if (r >= 0) {
		log_line(LOG_INFO, "container %s: stopped", container);
		if (unload_on_stop(opts, container))
			unload_after_stop(ledger, &rec, container);
	}
	return HOOK_EXIT_OK;
}
