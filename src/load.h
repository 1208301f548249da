/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

#include "admit.h"
#include "loader.h"
#include "policy.h"
#include "request.h"

struct ledger;

struct load_options {
	/*
	 * Settle modules that /sys/module shows live or builtin without libkmod.
	 * Turned off only to check that both paths agree.
	 */
	bool fast_path;
	/* Insert nothing and skip the checks that only inserting needs, for check. */
	bool dry_run;
};

/* The container a request is for, and the ledger that records it. */
struct load_context {
	const char *container; /* escaped container id, for messages */
	const char *id;        /* container id as the runtime sent it, for the ledger */
	const char *bundle;    /* bundle directory, which distinguishes containers sharing an id */
	int pid;               /* the container's process from the OCI state, or 0 */
	struct ledger *ledger; /* NULL when the state directory cannot be used */
};

/*
 * One request on its way into the kernel. The hook and the check command
 * share it, so a dry run decides exactly as the hook would.
 */
struct load_job {
	const char *container; /* escaped id for messages */
	const struct policy *policy;
	struct load_options options;
	struct load_result *results; /* one per requested name, in request order */
	struct admission *admissions;
	size_t n;
	struct loader *loader;
};

/* Set up a job for req. An invalid policy fails every name at once. Returns 0 or -ENOMEM. */
int load_job_init(struct load_job *job, const char *container, const struct policy *policy,
		  const struct request *req, const struct load_options *opts);

/*
 * Settle the pending names that /sys/module shows live or builtin, without
 * libkmod, and apply allow and deny to them. Does nothing without the fast
 * path. Returns how many names stay pending, or -ENOMEM.
 */
int load_job_settle(struct load_job *job);

/*
 * Resolve and plan the pending names through libkmod and apply the policy to
 * every module involved, inserting nothing. When any name fails or is
 * rejected, the names still pending become LOAD_SKIPPED, so a request is
 * inserted whole or not at all. Returns 0 or -ENOMEM.
 */
int load_job_resolve(struct load_job *job);

/* load_job_init(), load_job_settle() and load_job_resolve() in a row, for check. */
int load_job_prepare(struct load_job *job, const char *container, const struct policy *policy,
		     const struct request *req, const struct load_options *opts);

/* Insert the names that load_job_resolve() left pending. */
void load_job_insert(struct load_job *job);

void load_job_free(struct load_job *job);

/*
 * Make every module of a valid request present in the kernel, if the policy
 * admits all of them, record what was done in the ledger and report the
 * outcome. Returns the hook's exit status.
 */
int load_request(const struct load_context *ctx, const struct policy *policy,
		 const struct request *req, const struct load_options *opts);
