// SPDX-License-Identifier: LGPL-2.1-or-later
#include "record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "log.h"
#include "names.h"
#include "process.h"

int record_snapshot(const struct load_job *job, struct plan_snapshot *snap)
{
	snap->before = calloc(job->n, sizeof(*snap->before));
	if (!snap->before)
		return -ENOMEM;
	snap->n = job->n;

	for (size_t i = 0; i < job->n; i++) {
		const struct load_result *res = &job->results[i];

		snap->before[i] = calloc(res->n_plan + 1, sizeof(**snap->before));
		if (!snap->before[i])
			return -ENOMEM;
		for (size_t k = 0; k < res->n_plan; k++)
			snap->before[i][k] = kernel_module_state(&kernel_paths_host,
								 res->plan[k].module);
	}
	return 0;
}

void plan_snapshot_free(struct plan_snapshot *snap)
{
	for (size_t i = 0; snap->before && i < snap->n; i++)
		free(snap->before[i]);
	free(snap->before);
	*snap = (struct plan_snapshot){ 0 };
}

static int attribute_plan(const struct load_result *res, const enum module_state *before,
			  struct ledger_record *rec)
{
	int r = 0;

	for (size_t i = 0; r >= 0 && i < res->n_plan; i++) {
		const struct plan_step *step = &res->plan[i];
		enum module_state now = kernel_module_state(&kernel_paths_host, step->module);
		bool inserted = before[i] == MODULE_ABSENT && now == MODULE_LIVE;

		/* A module that failed, such as crc32c_intel without SSE4.2, is not loaded. */
		if (now == MODULE_ABSENT)
			continue;

		r = ledger_record_add_module(
			rec, step->module, inserted ? ORIGIN_INSERTED : ORIGIN_PRESENT,
			step->requested,
			inserted ? kernel_module_inode(&kernel_paths_host, step->module) : 0);
	}
	return r;
}

int record_attribute(const struct load_job *job, const struct plan_snapshot *snap,
		     struct ledger_record *rec)
{
	int r = 0;

	for (size_t i = 0; r >= 0 && i < job->n; i++)
		r = attribute_plan(&job->results[i], snap->before[i], rec);
	return r;
}

static enum module_origin origin_for_outcome(enum load_outcome outcome)
{
	return outcome == LOAD_BUILTIN ? ORIGIN_BUILTIN : ORIGIN_PRESENT;
}

/*
 * Keep the container's process in the record. Without it, status and unload
 * treat the record as running until poststop. A process in the hook's own
 * mount namespace is not a container's, and in the hook's PID namespace the
 * container's other processes outlive it. So neither is kept, because its
 * exit would not show that the container ended.
 */
static void identify_process(const struct load_context *ctx, struct ledger_record *rec)
{
	const struct kernel_paths *paths = &kernel_paths_host;
	int r;

	if (ctx->pid <= 0)
		return;

	r = process_in_own_namespaces(paths, ctx->pid);
	if (r == 0) {
		log_line(LOG_DEBUG, "container %s: process %d shares the hook's mount or PID "
			 "namespace, so its record stays running until poststop", ctx->container,
			 ctx->pid);
		return;
	}
	if (r > 0)
		r = process_identify(paths, ctx->pid, &rec->process);
	if (r == -EXDEV)
		log_line(LOG_DEBUG, "container %s: %s shows another PID namespace, so process %d "
			 "is not kept", ctx->container, paths->procfs, ctx->pid);
	else if (r < 0)
		log_line(LOG_DEBUG, "container %s: cannot read process %d in %s: %s",
			 ctx->container, ctx->pid, paths->procfs, strerror(-r));
}

void record_request(const struct load_context *ctx, const struct request *req,
		    const struct load_job *job, struct ledger_record *rec)
{
	bool ok = true;
	int r = 0;

	if (!ctx->ledger)
		return;

	for (size_t i = 0; r >= 0 && i < req->n_names; i++)
		r = name_list_add(&rec->requested, req->names[i]);
	for (size_t i = 0; r >= 0 && i < job->n; i++) {
		const struct load_result *res = &job->results[i];

		ok = ok && load_outcome_is_present(res->outcome);
		if (res->module[0] && load_outcome_is_present(res->outcome))
			r = ledger_record_add_module(rec, res->module,
						     origin_for_outcome(res->outcome), true, 0);
	}

	rec->state = ok ? RECORD_RUNNING : RECORD_FAILED;
	identify_process(ctx, rec);
	ledger_stamp(rec->started, sizeof(rec->started));
	if (r >= 0)
		r = ledger_write(ctx->ledger, rec);
	if (r < 0)
		log_problem("container %s: cannot write its ledger record in %s: %s",
			    ctx->container, ledger_dir(ctx->ledger), strerror(-r));
}
