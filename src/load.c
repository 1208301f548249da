// SPDX-License-Identifier: LGPL-2.1-or-later
#include "load.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>

#include "handover.h"
#include "hook.h"
#include "ledger.h"
#include "record.h"
#include "log.h"
#include "report.h"
#include "util.h"

static void fail_all_pending(struct load_job *job, int err, const char *cause)
{
	for (size_t i = 0; i < job->n; i++) {
		struct load_result *res = &job->results[i];

		if (res->outcome != LOAD_PENDING)
			continue;
		res->outcome = LOAD_FAILED;
		res->err = err;
		snprintf(res->cause, sizeof(res->cause), "%s", cause);
	}
}

/* Modules already present stay reported as such, as the fast path reports them. */
static void skip_all_pending(struct load_job *job)
{
	for (size_t i = 0; i < job->n; i++) {
		struct load_result *res = &job->results[i];

		if (res->outcome == LOAD_PENDING && !loader_settle_present(res))
			res->outcome = LOAD_SKIPPED;
	}
}

static bool any_failed(const struct load_job *job)
{
	for (size_t i = 0; i < job->n; i++)
		if (job->results[i].outcome == LOAD_FAILED)
			return true;
	return false;
}

/* Settle live and builtin names without libkmod, and apply allow and deny to them. */
static int settle_from_sysfs(struct load_job *job)
{
	for (size_t i = 0; i < job->n; i++) {
		struct load_result *res = &job->results[i];

		if (res->outcome != LOAD_PENDING || !load_result_from_sysfs(&kernel_paths_host, res))
			continue;
		if (admit_settled(job->policy, res, &job->admissions[i]) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int open_loader(struct load_job *job)
{
	char reason[256];
	int r;

	if (job->options.dry_run)
		r = loader_new_dry_run(&kernel_paths_host, job->container, &job->loader, reason,
				       sizeof(reason));
	else
		r = loader_new(&kernel_paths_host, job->container, &job->loader, reason,
			       sizeof(reason));
	if (r < 0)
		fail_all_pending(job, r, reason);
	return r;
}

static int plan_and_admit(struct load_job *job, struct load_result *res,
			  struct admission *adm)
{
	int r;

	r = loader_plan(job->loader, res);
	if (r < 0) {
		res->outcome = LOAD_FAILED;
		res->err = r;
		snprintf(res->cause, sizeof(res->cause), "cannot list its dependencies: %s",
			 strerror(-r));
		return 0;
	}

	/* modprobe skips a blacklisted module of an alias, and the hook rejects the name. */
	if (res->blacklisted[0]) {
		res->outcome = LOAD_FAILED;
		res->err = -EPERM;
		snprintf(res->cause, sizeof(res->cause), "'%s' is blacklisted in modprobe.d",
			 res->blacklisted);
		return 0;
	}
	return admit_planned(job->loader, job->policy, res, job->options.dry_run, adm);
}

/* Resolve and plan every pending name, so each gets a verdict even when one fails. */
static int resolve_and_admit(struct load_job *job)
{
	for (size_t i = 0; i < job->n; i++)
		if (job->results[i].outcome == LOAD_PENDING)
			loader_resolve(job->loader, &job->results[i]);

	for (size_t i = 0; i < job->n; i++) {
		int r;

		if (job->results[i].outcome != LOAD_PENDING)
			continue;
		r = plan_and_admit(job, &job->results[i], &job->admissions[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static int allocate(struct load_job *job, const struct request *req)
{
	job->results = calloc(req->n_names, sizeof(*job->results));
	job->admissions = calloc(req->n_names, sizeof(*job->admissions));
	if (!job->results || !job->admissions)
		return -ENOMEM;

	job->n = req->n_names;
	for (size_t i = 0; i < job->n; i++)
		snprintf(job->results[i].name, sizeof(job->results[i].name), "%s",
			 req->names[i]);
	return 0;
}

int load_job_init(struct load_job *job, const char *container, const struct policy *policy,
		  const struct request *req, const struct load_options *opts)
{
	int r;

	*job = (struct load_job){ .container = container, .policy = policy, .options = *opts };
	r = allocate(job, req);
	if (r < 0)
		return r;

	/* A typo in the policy must never let a request through. */
	if (policy->invalid)
		fail_all_pending(job, -EINVAL, policy->error);
	return 0;
}

static size_t count_pending(const struct load_job *job)
{
	size_t pending = 0;

	for (size_t i = 0; i < job->n; i++)
		if (job->results[i].outcome == LOAD_PENDING)
			pending++;
	return pending;
}

int load_job_settle(struct load_job *job)
{
	int r;

	if (job->options.fast_path) {
		r = settle_from_sysfs(job);
		if (r < 0)
			return r;
	}
	if (any_failed(job))
		skip_all_pending(job);
	return (int)count_pending(job);
}

int load_job_resolve(struct load_job *job)
{
	int r;

	if (count_pending(job) > 0 && open_loader(job) == 0) {
		r = resolve_and_admit(job);
		if (r < 0)
			return r;
	}

	if (any_failed(job))
		skip_all_pending(job);
	return 0;
}

int load_job_prepare(struct load_job *job, const char *container, const struct policy *policy,
		     const struct request *req, const struct load_options *opts)
{
	int r;

	r = load_job_init(job, container, policy, req, opts);
	if (r >= 0)
		r = load_job_settle(job);
	if (r >= 0)
		r = load_job_resolve(job);
	return r < 0 ? r : 0;
}

/* Whether another pending name of the job inserts the module of result i. */
static bool inserted_by_another(const struct load_job *job, size_t i)
{
	for (size_t k = 0; k < job->n; k++)
		if (k != i && job->results[k].outcome == LOAD_PENDING &&
		    loader_plan_contains(&job->results[k], job->results[i].module))
			return true;
	return false;
}

/*
 * Insert first the names that no other pending name pulls in. Their
 * dependency walks insert the others, whose own walks are then skipped.
 * That matters because each walk tries again every softdep that is not
 * live, such as crc32c_intel on a CPU without SSE4.2.
 */
void load_job_insert(struct load_job *job)
{
	for (size_t i = 0; i < job->n; i++)
		if (job->results[i].outcome == LOAD_PENDING)
			loader_note_absent(&job->results[i]);

	for (size_t i = 0; i < job->n; i++)
		if (job->results[i].outcome == LOAD_PENDING && !inserted_by_another(job, i))
			loader_insert(job->loader, &job->results[i]);

	for (size_t i = 0; i < job->n; i++)
		if (job->results[i].outcome == LOAD_PENDING)
			loader_insert(job->loader, &job->results[i]);
}

void load_job_free(struct load_job *job)
{
	for (size_t i = 0; i < job->n; i++) {
		loader_release(&job->results[i]);
		admission_free(&job->admissions[i]);
	}
	free(job->results);
	free(job->admissions);
	loader_free(job->loader);
	*job = (struct load_job){ 0 };
}

/*
 * Returns a file descriptor holding the lock, or a negative errno when none
 * is held. Sets *waited, when not NULL, if another hook held the lock.
 */
static int lock_ledger_waited(const struct load_context *ctx, const char *name, int operation,
			      bool *waited)
{
	int fd;

	if (!ctx->ledger)
		return -ENOENT;

	fd = ledger_lock_waited(ctx->ledger, name, operation, LEDGER_LOCK_TIMEOUT_MS, waited);
	if (fd == -ETIMEDOUT)
		log_problem("container %s: timed out waiting for %s/%s, which another hook "
			    "holds (a hook waits at most %d s for all its locks)", ctx->container,
			    ledger_dir(ctx->ledger), name, LEDGER_LOCK_TIMEOUT_MS / 1000);
	else if (fd < 0)
		log_problem("container %s: cannot lock %s/%s: %s", ctx->container,
			    ledger_dir(ctx->ledger), name, strerror(-fd));
	return fd;
}

static int lock_ledger(const struct load_context *ctx, const char *name, int operation)
{
	return lock_ledger_waited(ctx, name, operation, NULL);
}

/*
 * Insert what is still pending under the insert lock. Names are settled
 * again first, because another hook may have inserted them while this one
 * waited, and planned under the lock, so the plan matches what is inserted.
 * Returns 1 when nothing was left to insert, so the caller records the
 * request under the shared lock and other waiting hooks go on at once.
 */
static int insert_locked(const struct load_context *ctx, const struct request *req,
			 struct load_job *job, struct ledger_record *rec)
{
	_cleanup_(plan_snapshot_free) struct plan_snapshot snap = { 0 };
	_cleanup_close_ int lock_fd = -1;
	int r;

	/* Without the lock, this hook's insertions could not be attributed to it. */
	lock_fd = lock_ledger(ctx, LEDGER_INSERT_LOCK, LOCK_EX);
	if (lock_fd == -ETIMEDOUT) {
		fail_all_pending(job, -ETIMEDOUT, "timed out waiting for another hook");
		return 0;
	}
	if (lock_fd < 0 && lock_fd != -ENOENT) {
		fail_all_pending(job, lock_fd, "cannot lock the ledger");
		return 0;
	}

	r = load_job_settle(job);
	if (r == 0)
		return 1;
	if (r > 0) {
		handover_hold_lock(lock_fd);
		r = load_job_resolve(job);
		handover_hold_lock(-1);
	}
	if (r < 0)
		return r;

	if (record_snapshot(job, &snap) < 0)
		log_line(LOG_WARNING, "container %s: out of memory listing planned modules; "
			 "they are recorded as found present", ctx->container);
	load_job_insert(job);
	if (snap.before && record_attribute(job, &snap, rec) < 0)
		log_line(LOG_WARNING, "container %s: out of memory recording inserted modules",
			 ctx->container);

	record_request(ctx, req, job, rec);
	return 0;
}

/*
 * Settle the request from /sys/module under the shared records lock, which
 * excludes unload, so nothing is removed between the check and the record.
 * Returns how many names stay pending, or -ENOMEM.
 */
static int settle_shared(const struct load_context *ctx, const struct request *req,
			 struct load_job *job, struct ledger_record *rec)
{
	int lock_fd = lock_ledger(ctx, LEDGER_RECORDS_LOCK, LOCK_SH);
	int pending = load_job_settle(job);

	if (pending == 0)
		record_request(ctx, req, job, rec);
	closep(&lock_fd);
	return pending;
}

/*
 * Wait for the hook that is inserting, if any: the insert lock is held
 * exclusively while modules go in. Returns 1 when this hook waited, 0 when
 * nothing was inserting, or a negative errno with the names failed.
 */
static int wait_for_inserter(const struct load_context *ctx, struct load_job *job)
{
	_cleanup_close_ int lock_fd = -1;
	bool waited = false;

	if (!ctx->ledger)
		return 0;

	lock_fd = lock_ledger_waited(ctx, LEDGER_INSERT_LOCK, LOCK_SH, &waited);
	if (lock_fd == -ETIMEDOUT)
		fail_all_pending(job, -ETIMEDOUT, "timed out waiting for another hook");
	else if (lock_fd < 0)
		fail_all_pending(job, lock_fd, "cannot lock the ledger");
	if (lock_fd < 0)
		return lock_fd;
	return waited ? 1 : 0;
}

/*
 * Settle from sysfs, and again after waiting for a hook that is inserting.
 * Hooks that wait for the same modules all find them live at once, rather
 * than taking the insert lock one after another.
 */
static int settle_waiting(const struct load_context *ctx, const struct request *req,
			  struct load_job *job, struct ledger_record *rec)
{
	int pending = settle_shared(ctx, req, job, rec);
	int waited;

	if (pending == 0)
		return 0;

	/* A failed wait has failed every pending name. */
	waited = wait_for_inserter(ctx, job);
	if (waited < 0)
		return 0;
	return waited > 0 ? settle_shared(ctx, req, job, rec) : pending;
}

int load_request(const struct load_context *ctx, const struct policy *policy,
		 const struct request *req, const struct load_options *opts)
{
	_cleanup_(load_job_free) struct load_job job = { 0 };
	_cleanup_(ledger_record_free) struct ledger_record rec = { 0 };
	bool ok = true;
	int r;

	rec.id = strdup(ctx->id);
	rec.bundle = ctx->bundle ? strdup(ctx->bundle) : NULL;
	r = rec.id && (rec.bundle || !ctx->bundle) ?
		    load_job_init(&job, ctx->container, policy, req, opts) :
		    -ENOMEM;
	/* After a handover with the insert lock held, go on with inserting at once. */
	if (r >= 0)
		r = handover_has_lock() ? 1 : settle_waiting(ctx, req, &job, &rec);
	if (r > 0)
		r = insert_locked(ctx, req, &job, &rec);
	if (r > 0)
		r = settle_shared(ctx, req, &job, &rec);
	if (r < 0) {
		log_problem("container %s: out of memory", ctx->container);
		return HOOK_EXIT_FAILED;
	}

	/* Without a policy file the original behaviour applies; the line notes it once. */
	report_results(ctx->container, job.results, job.n,
		       policy->present ? NULL
				       : "no policy file " POLICY_FILE ", so any module may be loaded");
	for (size_t i = 0; i < job.n; i++)
		ok = ok && load_outcome_is_present(job.results[i].outcome);
	return ok ? HOOK_EXIT_OK : HOOK_EXIT_FAILED;
}
