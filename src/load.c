// SPDX-License-Identifier: LGPL-2.1-or-later
#include "load.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>

#include "hook.h"
#include "ledger.h"
#include "loader.h"
#include "log.h"
#include "report.h"
#include "util.h"

static void fail_all_pending(struct load_result *results, size_t n, int err, const char *cause)
{
	for (size_t i = 0; i < n; i++) {
		if (results[i].outcome != LOAD_PENDING)
			continue;
		results[i].outcome = LOAD_FAILED;
		results[i].err = err;
		snprintf(results[i].cause, sizeof(results[i].cause), "%s", cause);
	}
}

/* Returns how many pending results /sys/module alone could not settle. */
static size_t settle_from_sysfs(struct load_result *results, size_t n)
{
	size_t pending = 0;

	for (size_t i = 0; i < n; i++)
		if (results[i].outcome == LOAD_PENDING &&
		    !load_result_from_sysfs(&kernel_paths_host, &results[i]))
			pending++;
	return pending;
}

/* Returns a file descriptor holding the lock, or a negative value when none is held. */
static int lock_ledger(const struct load_context *ctx, const char *name, int operation)
{
	int fd;

	if (!ctx->ledger)
		return -1;

	fd = ledger_lock(ctx->ledger, name, operation, LEDGER_LOCK_TIMEOUT_MS);
	if (fd == -ETIMEDOUT)
		log_problem("container %s: timed out after %d s waiting for %s/%s, which "
			    "another hook holds", ctx->container, LEDGER_LOCK_TIMEOUT_MS / 1000,
			    ledger_dir(ctx->ledger), name);
	else if (fd < 0)
		log_problem("container %s: cannot lock %s/%s: %s", ctx->container,
			    ledger_dir(ctx->ledger), name, strerror(-fd));
	return fd;
}

static enum module_origin origin_for_outcome(enum load_outcome outcome)
{
	return outcome == LOAD_BUILTIN ? ORIGIN_BUILTIN : ORIGIN_PRESENT;
}

/*
 * Write the container's record. Modules already added to rec keep their
 * origin, and every other resolved module counts as found present, so a
 * module is never claimed as inserted by this hook without proof.
 */
static void record_request(const struct load_context *ctx, const struct request *req,
			   const struct load_result *results, size_t n,
			   struct ledger_record *rec)
{
	bool ok = true;
	int r = 0;

	if (!ctx->ledger)
		return;

	for (size_t i = 0; r >= 0 && i < req->n_names; i++)
		r = name_list_add(&rec->requested, req->names[i]);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		ok = ok && load_outcome_is_present(results[i].outcome);
		if (results[i].module[0])
			r = ledger_record_add_module(rec, results[i].module,
						     origin_for_outcome(results[i].outcome),
						     true, 0);
	}

	rec->state = ok ? RECORD_RUNNING : RECORD_FAILED;
	ledger_stamp(rec->started, sizeof(rec->started));
	if (r >= 0)
		r = ledger_write(ctx->ledger, rec);
	if (r < 0)
		log_problem("container %s: cannot write its ledger record in %s: %s",
			    ctx->container, ledger_dir(ctx->ledger), strerror(-r));
}

static int snapshot_plan(const struct load_result *res, enum module_state **ret)
{
	enum module_state *before = calloc(res->n_plan + 1, sizeof(*before));

	if (!before)
		return -ENOMEM;
	for (size_t i = 0; i < res->n_plan; i++)
		before[i] = kernel_module_state(&kernel_paths_host, res->plan[i].module);
	*ret = before;
	return 0;
}

/*
 * Add the planned modules to rec. A module absent before and live now was
 * inserted by this hook, because every hook inserts under the insert lock.
 */
static int attribute_plan(const struct load_result *res, const enum module_state *before,
			  struct ledger_record *rec)
{
	int r = 0;

	for (size_t i = 0; r >= 0 && i < res->n_plan; i++) {
		const struct plan_step *step = &res->plan[i];
		enum module_state now = kernel_module_state(&kernel_paths_host, step->module);
		bool inserted = before[i] == MODULE_ABSENT && now == MODULE_LIVE;

		/* A softdep whose init failed (crc32c_intel without SSE4.2) is not loaded. */
		if (now == MODULE_ABSENT && !step->requested)
			continue;

		r = ledger_record_add_module(
			rec, step->module, inserted ? ORIGIN_INSERTED : ORIGIN_PRESENT,
			step->requested,
			inserted ? kernel_module_inode(&kernel_paths_host, step->module) : 0);
	}
	return r;
}

static void insert_planned(const struct load_context *ctx, struct loader *loader,
			   struct load_result *res, struct ledger_record *rec)
{
	_cleanup_free_ enum module_state *before = NULL;
	int r;

	r = loader_plan(loader, res);
	if (r >= 0)
		r = snapshot_plan(res, &before);
	if (r < 0)
		log_line(LOG_WARNING, "container %s: cannot list the modules that '%s' needs (%s); "
			 "they are recorded as found present", ctx->container, res->name,
			 strerror(-r));

	loader_insert(loader, res);

	if (before && attribute_plan(res, before, rec) < 0)
		log_line(LOG_WARNING, "container %s: out of memory recording '%s'", ctx->container,
			 res->name);
}

static void insert_locked(const struct load_context *ctx, struct loader *loader,
			  struct load_result *results, size_t n, struct ledger_record *rec)
{
	bool failed = false;

	for (size_t i = 0; i < n; i++)
		if (results[i].outcome == LOAD_PENDING && loader_resolve(loader, &results[i]) < 0)
			failed = true;

	/* Another hook may have inserted some of them while this one waited. */
	settle_from_sysfs(results, n);

	/* Every name must resolve before anything is inserted. */
	for (size_t i = 0; i < n; i++) {
		if (results[i].outcome != LOAD_PENDING)
			continue;
		if (failed)
			results[i].outcome = LOAD_SKIPPED;
		else
			insert_planned(ctx, loader, &results[i], rec);
	}
}

static void load_pending(const struct load_context *ctx, const struct request *req,
			 struct load_result *results, size_t n, struct ledger_record *rec)
{
	struct loader *loader = NULL;
	_cleanup_close_ int lock_fd = -1;
	char reason[256];
	int r;

	r = loader_new(&kernel_paths_host, ctx->container, &loader, reason, sizeof(reason));
	if (r < 0) {
		fail_all_pending(results, n, r, reason);
		record_request(ctx, req, results, n, rec);
		return;
	}

	lock_fd = lock_ledger(ctx, LEDGER_INSERT_LOCK, LOCK_EX);
	if (lock_fd == -ETIMEDOUT) {
		fail_all_pending(results, n, -ETIMEDOUT, "timed out waiting for another hook");
		loader_free(loader);
		return;
	}

	insert_locked(ctx, loader, results, n, rec);
	record_request(ctx, req, results, n, rec);

	for (size_t i = 0; i < n; i++)
		loader_release(&results[i]);
	loader_free(loader);
}

int load_request(const struct load_context *ctx, const struct request *req)
{
	_cleanup_free_ struct load_result *results = calloc(req->n_names, sizeof(*results));
	_cleanup_(ledger_record_free) struct ledger_record rec = { 0 };
	int lock_fd;
	bool ok = true;

	if (!results) {
		log_problem("container %s: out of memory", ctx->container);
		return HOOK_EXIT_FAILED;
	}
	for (size_t i = 0; i < req->n_names; i++)
		snprintf(results[i].name, sizeof(results[i].name), "%s", req->names[i]);
	rec.id = strdup(ctx->id);
	if (!rec.id) {
		log_problem("container %s: out of memory", ctx->container);
		return HOOK_EXIT_FAILED;
	}

	/*
	 * The shared lock excludes unload and record updates, so that nothing
	 * is removed between the check and the record. Inserting hooks do not
	 * take it, because the insert lock already excludes unload.
	 */
	lock_fd = lock_ledger(ctx, LEDGER_RECORDS_LOCK, LOCK_SH);
	if (settle_from_sysfs(results, req->n_names) == 0) {
		record_request(ctx, req, results, req->n_names, &rec);
		closep(&lock_fd);
	} else {
		closep(&lock_fd);
		load_pending(ctx, req, results, req->n_names, &rec);
	}

	report_results(ctx->container, results, req->n_names);
	for (size_t i = 0; i < req->n_names; i++)
		ok = ok && load_outcome_is_present(results[i].outcome);
	return ok ? HOOK_EXIT_OK : HOOK_EXIT_FAILED;
}
