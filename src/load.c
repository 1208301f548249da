// SPDX-License-Identifier: LGPL-2.1-or-later
#include "load.h"

#include <stdio.h>
#include <string.h>

#include "hook.h"
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

/* Returns how many results /sys/module alone could not settle. */
static size_t settle_from_sysfs(struct load_result *results, size_t n)
{
	size_t pending = 0;

	for (size_t i = 0; i < n; i++)
		if (!load_result_from_sysfs(&kernel_paths_host, &results[i]))
			pending++;
	return pending;
}

static void load_pending(const char *container, struct load_result *results, size_t n)
{
	struct loader *loader = NULL;
	char reason[256];
	bool failed = false;
	int r;

	r = loader_new(&kernel_paths_host, container, &loader, reason, sizeof(reason));
	if (r < 0) {
		fail_all_pending(results, n, r, reason);
		return;
	}

	for (size_t i = 0; i < n; i++)
		if (results[i].outcome == LOAD_PENDING && loader_resolve(loader, &results[i]) < 0)
			failed = true;

	/* Every name must resolve before anything is inserted. */
	for (size_t i = 0; i < n; i++) {
		if (results[i].outcome != LOAD_PENDING)
			continue;
		if (failed && !loader_settle_present(&results[i]))
			results[i].outcome = LOAD_SKIPPED;
		else if (!failed)
			loader_insert(loader, &results[i]);
	}

	for (size_t i = 0; i < n; i++)
		loader_release(&results[i]);
	loader_free(loader);
}

int load_request(const char *container, const struct request *req,
		 const struct load_options *opts)
{
	_cleanup_free_ struct load_result *results = calloc(req->n_names, sizeof(*results));
	bool ok = true;

	if (!results) {
		log_problem("container %s: out of memory", container);
		return HOOK_EXIT_FAILED;
	}
	for (size_t i = 0; i < req->n_names; i++)
		snprintf(results[i].name, sizeof(results[i].name), "%s", req->names[i]);

	if (!opts->fast_path || settle_from_sysfs(results, req->n_names) > 0)
		load_pending(container, results, req->n_names);

	report_results(container, results, req->n_names);
	for (size_t i = 0; i < req->n_names; i++)
		ok = ok && load_outcome_is_present(results[i].outcome);
	return ok ? HOOK_EXIT_OK : HOOK_EXIT_FAILED;
}
