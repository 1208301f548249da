// SPDX-License-Identifier: LGPL-2.1-or-later
#include "hook.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "config.h"
#include "handover.h"
#include "ledger.h"
#include "loader.h"
#include "log.h"
#include "policy.h"
#include "load.h"
#include "report.h"
#include "request.h"
#include "state.h"
#include "stop.h"
#include "util.h"

static bool stage_is(const char *stage, const char *name)
{
	return stage && strcmp(stage, name) == 0;
}

/* Reads stdin to its end, so the runtime never writes into a closed pipe. */
static int read_stdin(char **buf, size_t *len)
{
	int r;

	r = read_all(STDIN_FILENO, STATE_MAX_SIZE, HOOK_STDIN_TIMEOUT_MS, buf, len);
	if (r == -EFBIG)
		log_problem("invalid OCI state on stdin: larger than %d KiB",
			    STATE_MAX_SIZE / 1024);
	else if (r == -ETIMEDOUT)
		log_problem("invalid OCI state on stdin: not closed within %d s",
			    HOOK_STDIN_TIMEOUT_MS / 1000);
	else if (r < 0)
		log_problem("cannot read the OCI state on stdin: %s", strerror(-r));
	return r;
}

static int parse_state(const char *buf, size_t len, struct oci_state *state)
{
	char reason[256];
	int r;

	r = state_parse(buf, len, state, reason, sizeof(reason));
	if (r < 0)
		log_problem("invalid OCI state on stdin: %s", reason);
	return r;
}

/* Returns 1 with the KERNEL_MODULES value, 0 when unset, or a negative errno. */
static int read_request_value(const struct oci_state *state, const char *container,
			      char **value, size_t *len)
{
	_cleanup_free_ char *config = NULL;
	char reason[256];
	size_t config_len;
	int r;

	r = config_read(state->bundle, &config, &config_len, reason, sizeof(reason));
	if (r < 0) {
		log_problem("container %s: %s", container, reason);
		return r;
	}

	r = config_find_kernel_modules(config, config_len, value, len, reason, sizeof(reason));
	if (r < 0) {
		char bundle[ESCAPED_BUFSZ];

		escape_untrusted(bundle, sizeof(bundle), state->bundle, strlen(state->bundle),
				 ESCAPED_MAX);
		log_problem("container %s: invalid %s/config.json: %s", container, bundle, reason);
	}
	return r;
}

static int handle_request(const struct hook_options *opts, const struct oci_state *state,
			  const char *container, const char *value, size_t len)
{
	struct load_options load_opts = { .fast_path = !opts->no_fast_path };
	_cleanup_(ledger_closep) struct ledger *ledger = NULL;
	_cleanup_(request_free) struct request req = { 0 };
	_cleanup_(policy_free) struct policy policy;
	int r;

	policy_init(&policy);
	policy_load(&policy, opts->policy_path);

	r = request_parse(value, len, policy_max_modules(&policy), &req);
	if (r == -EINVAL) {
		report_invalid_request(container, &req);
		return HOOK_EXIT_FAILED;
	}
	if (r < 0) {
		log_problem("container %s: cannot parse %s: %s", container, KERNEL_MODULES_KEY,
			    strerror(-r));
		return HOOK_EXIT_FAILED;
	}

	if (req.n_names == 0) {
		log_line(LOG_DEBUG, "container %s: %s names no module", container,
			 KERNEL_MODULES_KEY);
		return HOOK_EXIT_OK;
	}

	if (policy.invalid) {
		log_problem("container %s: %s; every request is rejected until the policy is "
			    "fixed", container, policy.error);
		return HOOK_EXIT_FAILED;
	}

	r = ledger_open(opts->state_dir, true, &ledger);
	if (r < 0)
		log_problem("container %s: cannot use the state directory %s: %s; loading "
			    "without a ledger record", container, opts->state_dir, strerror(-r));

	return load_request(&(struct load_context){ .container = container,
						     .id = state->id,
						     .bundle = state->bundle,
						     .pid = state->pid,
						     .ledger = ledger },
			    &policy, &req, &load_opts);
}

int hook_run(const struct hook_options *opts)
{
	_cleanup_(state_free) struct oci_state state = { 0 };
	_cleanup_free_ char *input = NULL, *value = NULL;
	char container[ESCAPED_BUFSZ];
	size_t input_len = 0, len = 0;
	int r;

	r = read_stdin(&input, &input_len);
	if (r >= 0)
		handover_save_input(input, input_len);
	if (stage_is(opts->stage, "poststart"))
		return HOOK_EXIT_OK;
	if (r < 0 || parse_state(input, input_len, &state) < 0)
		return stage_is(opts->stage, "poststop") ? HOOK_EXIT_OK : HOOK_EXIT_FAILED;

	if (stage_is(opts->stage, "poststop") ||
	    (state.status && strcmp(state.status, "stopped") == 0))
		return stop_container(opts, &state);

	escape_untrusted(container, sizeof(container), state.id, strlen(state.id), ESCAPED_MAX);

	r = state_wants_load(&state);
	if (r < 0) {
		char status[ESCAPED_BUFSZ];

		escape_untrusted(status, sizeof(status), state.status, strlen(state.status),
				 ESCAPED_MAX);
		log_problem("container %s: unknown status '%s' in the OCI state", container,
			    status);
		return HOOK_EXIT_FAILED;
	}
	if (r == 0) {
		log_line(LOG_DEBUG, "container %s: nothing to do in status '%s'", container,
			 state.status);
		return HOOK_EXIT_OK;
	}

	r = read_request_value(&state, container, &value, &len);
	if (r < 0)
		return HOOK_EXIT_FAILED;
	if (r == 0) {
		log_line(LOG_DEBUG, "container %s: %s is not set", container, KERNEL_MODULES_KEY);
		return HOOK_EXIT_OK;
	}

	return handle_request(opts, &state, container, value, len);
}
