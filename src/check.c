// SPDX-License-Identifier: LGPL-2.1-or-later
#include "check.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "hook.h"
#include "json.h"
#include "kernel.h"
#include "load.h"
#include "log.h"
#include "policy.h"
#include "request.h"
#include "util.h"

/* What decides whether modules could be inserted right now, shown beside the verdict. */
struct kernel_status {
	char release[128];
	bool module_support;
	bool modules_disabled;
	bool cap_sys_module;
	int same_mount_ns; /* 1, 0, or a negative errno when PID 1's is unreadable */
};

static void read_kernel_status(struct kernel_status *ks)
{
	const struct kernel_paths *paths = &kernel_paths_host;

	if (kernel_release(ks->release, sizeof(ks->release)) < 0)
		snprintf(ks->release, sizeof(ks->release), "unknown");
	ks->module_support = kernel_has_module_support(paths);
	ks->modules_disabled = kernel_modules_disabled(paths);
	ks->cap_sys_module = have_cap_sys_module();
	ks->same_mount_ns = kernel_in_init_mount_ns(paths);
}

static const char *mount_ns_text(int same)
{
	if (same > 0)
		return "same as PID 1";
	if (same == 0)
		return "differs from PID 1 (module files could come from a container)";
	return "unknown (PID 1's is unreadable; the hook would refuse to insert)";
}

static int read_value(const struct check_options *opts, char **value, size_t *len,
		      char *reason, size_t reasonlen)
{
	_cleanup_free_ char *config = NULL;
	size_t config_len;
	int r;

	if (opts->modules) {
		*value = strdup(opts->modules);
		*len = strlen(opts->modules);
		return *value ? 1 : -ENOMEM;
	}

	r = config_read_file(opts->config_path, &config, &config_len, reason, reasonlen);
	if (r >= 0)
		r = config_find_kernel_modules(config, config_len, value, len, reason, reasonlen);
	return r;
}

static bool job_admitted(const struct load_job *job)
{
	for (size_t i = 0; i < job->n; i++) {
		enum load_outcome outcome = job->results[i].outcome;

		if (outcome != LOAD_PENDING && !load_outcome_is_present(outcome))
			return false;
	}
	return true;
}

static const char *name_status(const struct load_result *res, const struct admission *adm)
{
	switch (res->outcome) {
	case LOAD_PENDING:
		return "admitted, would load";
	case LOAD_ALREADY_LOADED:
		return "admitted, already loaded";
	case LOAD_BUILTIN:
		return "admitted, builtin";
	case LOAD_SKIPPED:
		return "not loaded, because another name of the request failed";
	case LOAD_FAILED:
		return adm->admitted || adm->n_modules == 0 ? "failed" : "refused";
	case LOAD_LOADED:
		break;
	}
	return "loaded";
}

static void describe_trust(char *buf, size_t buflen, const struct module_check *check)
{
	char signer[ESCAPED_BUFSZ];

	if (check->state == CHECK_LIVE || check->state == CHECK_BUILTIN) {
		buf[0] = '\0';
		return;
	}
	if (!check->facts.known) {
		snprintf(buf, buflen, ", module information unreadable");
		return;
	}
	if (!check->facts.has_file) {
		snprintf(buf, buflen, ", no module file");
		return;
	}

	escape_untrusted(signer, sizeof(signer), check->facts.signer,
			 strlen(check->facts.signer), ESCAPED_MAX);
	snprintf(buf, buflen, ", %s%s%s%s, %s%s%s", check->facts.signed_file ? "signed" : "unsigned",
		 signer[0] ? " by '" : "", signer, signer[0] ? "'" : "",
		 check->facts.in_tree ? "in-tree" : "out-of-tree",
		 check->facts.staging ? ", staging" : "",
		 check->facts.blacklisted ? ", blacklisted in modprobe.d" : "");
}

static const char *module_role(const struct module_check *check)
{
	if (check->requested)
		return "requested";
	return check->softdep ? "softdep, whose failure would not fail the request" : "dependency";
}

static void print_text_name(const struct load_result *res, const struct admission *adm)
{
	printf("%s: %s", res->name, name_status(res, adm));
	if (res->outcome == LOAD_FAILED)
		printf(": %s", res->cause);
	printf("\n");

	for (size_t i = 0; i < adm->n_modules; i++) {
		const struct module_check *check = &adm->modules[i];
		char trust[512];

		describe_trust(trust, sizeof(trust), check);
		printf("  %s: %s, %s%s\n", check->module, module_role(check),
		       module_check_state_name(check->state), trust);
		printf("    %s\n", check->verdict.reason);
	}
}

static void print_text(const struct load_job *job, const struct policy *policy,
		       const struct kernel_status *ks, bool admitted)
{
	if (policy->invalid)
		printf("policy: invalid, so every request is rejected: %s\n", policy->error);
	else if (!policy->present)
		printf("policy: none (no %s), so every module may be loaded\n", POLICY_FILE);
	for (size_t i = 0; i < policy->n_files; i++)
		printf("policy: %s\n", policy->files[i]);
	printf("kernel %s: %s; CAP_SYS_MODULE %s; mount namespace %s\n", ks->release,
	       !ks->module_support	? "no module support"
	       : ks->modules_disabled ? "module loading disabled (kernel.modules_disabled=1)"
				      : "module loading enabled",
	       ks->cap_sys_module ? "present" : "missing", mount_ns_text(ks->same_mount_ns));

	for (size_t i = 0; job && i < job->n; i++)
		print_text_name(&job->results[i], &job->admissions[i]);
	printf("result: %s\n", admitted ? "admitted" : "refused");
}

static void json_add_string(struct json_object *obj, const char *key, const char *value)
{
	json_object_object_add(obj, key, json_object_new_string(value));
}

static void json_add_bool(struct json_object *obj, const char *key, bool value)
{
	json_object_object_add(obj, key, json_object_new_boolean(value));
}

static struct json_object *json_rule(const struct policy_rule *rule)
{
	struct json_object *obj = json_object_new_object();
	char text[POLICY_PATTERN_MAX + 32];

	policy_rule_text(rule, text, sizeof(text));
	json_add_string(obj, "text", text);
	json_add_string(obj, "file", rule->origin.file);
	json_object_object_add(obj, "line", json_object_new_int((int)rule->origin.line));
	return obj;
}

static struct json_object *json_module(const struct module_check *check)
{
	struct json_object *obj = json_object_new_object();
	const struct module_facts *facts = &check->facts;
	bool would_load = check->state == CHECK_WOULD_LOAD || check->state == CHECK_INSTALL_COMMAND;

	json_add_string(obj, "module", check->module);
	json_add_bool(obj, "requested", check->requested);
	json_add_bool(obj, "softdep", check->softdep);
	json_add_string(obj, "state", module_check_state_name(check->state));
	if (would_load && facts->known) {
		json_add_bool(obj, "has_file", facts->has_file);
		json_add_bool(obj, "signed", facts->signed_file);
		json_add_string(obj, "signer", facts->signer);
		json_add_bool(obj, "in_tree", facts->in_tree);
		json_add_bool(obj, "staging", facts->staging);
		json_add_bool(obj, "blacklisted", facts->blacklisted);
	}
	json_add_bool(obj, "admitted", check->verdict.admitted);
	json_add_string(obj, "reason", check->verdict.reason);
	json_object_object_add(obj, "rule",
			       check->verdict.rule ? json_rule(check->verdict.rule) : NULL);
	return obj;
}

static struct json_object *json_name(const struct load_result *res, const struct admission *adm)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *modules = json_object_new_array();

	json_add_string(obj, "name", res->name);
	json_add_string(obj, "status", name_status(res, adm));
	json_add_string(obj, "cause", res->outcome == LOAD_FAILED ? res->cause : "");
	for (size_t i = 0; i < adm->n_modules; i++)
		json_object_array_add(modules, json_module(&adm->modules[i]));
	json_object_object_add(obj, "modules", modules);
	return obj;
}

static struct json_object *json_kernel(const struct kernel_status *ks)
{
	struct json_object *obj = json_object_new_object();

	json_add_string(obj, "release", ks->release);
	json_add_bool(obj, "module_support", ks->module_support);
	json_add_bool(obj, "modules_disabled", ks->modules_disabled);
	json_add_bool(obj, "cap_sys_module", ks->cap_sys_module);
	json_add_string(obj, "mount_namespace", mount_ns_text(ks->same_mount_ns));
	return obj;
}

static struct json_object *json_policy(const struct policy *policy)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *files = json_object_new_array();

	for (size_t i = 0; i < policy->n_files; i++)
		json_object_array_add(files, json_object_new_string(policy->files[i]));
	json_object_object_add(obj, "files", files);
	json_add_bool(obj, "present", policy->present);
	json_object_object_add(obj, "error",
			       policy->invalid ? json_object_new_string(policy->error) : NULL);
	return obj;
}

static struct json_object *json_invalid_names(const struct request *req)
{
	struct json_object *invalid = json_object_new_array();
	size_t shown = req->n_problems < REQUEST_MAX_REPORTED ? req->n_problems
							      : REQUEST_MAX_REPORTED;

	for (size_t i = 0; i < shown; i++) {
		struct json_object *obj = json_object_new_object();

		json_add_string(obj, "name", req->problems[i].name);
		json_add_string(obj, "reason", req->problems[i].why);
		json_object_array_add(invalid, obj);
	}
	return invalid;
}

static void print_json(const struct load_job *job, const struct request *req,
		       const struct policy *policy, const struct kernel_status *ks, bool admitted,
		       const char *error)
{
	_cleanup_json_ struct json_object *root = json_object_new_object();
	struct json_object *names = json_object_new_array();

	json_add_bool(root, "admitted", admitted);
	json_object_object_add(root, "policy", json_policy(policy));
	if (ks)
		json_object_object_add(root, "kernel", json_kernel(ks));
	json_object_object_add(root, "error", error[0] ? json_object_new_string(error) : NULL);
	json_object_object_add(root, "invalid_names", json_invalid_names(req));
	json_object_object_add(root, "invalid_count", json_object_new_int64((int64_t)req->n_problems));
	for (size_t i = 0; job && i < job->n; i++)
		json_object_array_add(names, json_name(&job->results[i], &job->admissions[i]));
	json_object_object_add(root, "names", names);

	printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
								JSON_C_TO_STRING_NOSLASHESCAPE));
}

static void print_invalid_request(const struct request *req)
{
	size_t shown = req->n_problems < REQUEST_MAX_REPORTED ? req->n_problems
							      : REQUEST_MAX_REPORTED;

	if (req->too_many)
		return;
	for (size_t i = 0; i < shown; i++)
		log_stderr("invalid module name '%s': %s", req->problems[i].name,
			   req->problems[i].why);
	if (req->n_problems > shown)
		log_stderr("%zu more invalid module names", req->n_problems - shown);
}

/*
 * Parse the request with the policy's cap. Returns the exit status when it
 * ends the check, and HOOK_EXIT_OK when there are names to check. Invalid
 * names are printed and reported in *invalid, and the valid ones are still
 * checked, so that one typo does not hide the rest. A reason that ends the
 * check early goes to error.
 */
static int parse_request(const struct check_options *opts, const struct policy *policy,
			 struct request *req, bool *invalid, char *error, size_t errorlen)
{
	_cleanup_free_ char *value = NULL;
	size_t len = 0;
	int r;

	r = read_value(opts, &value, &len, error, errorlen);
	if (r < 0) {
		log_stderr("%s", error);
		return HOOK_EXIT_FAILED;
	}
	if (r == 0)
		log_stderr("%s is not set in %s", KERNEL_MODULES_KEY, opts->config_path);

	r = request_parse(value ? value : "", len, policy_max_modules(policy), req);
	*invalid = r == -EINVAL;
	if (req->too_many) {
		snprintf(error, errorlen, "%s names more than %zu modules (max-modules, %d "
			 "unless the policy sets it)", KERNEL_MODULES_KEY, req->max_names,
			 REQUEST_DEFAULT_MAX_NAMES);
		log_stderr("%s", error);
	} else if (*invalid) {
		print_invalid_request(req);
	}
	if (*invalid && !req->too_many && req->n_names > 0) {
		log_stderr("the hook rejects the whole request for the invalid names; the other "
			   "names are checked below");
		return HOOK_EXIT_OK;
	}
	return r < 0 ? HOOK_EXIT_FAILED : HOOK_EXIT_OK;
}

int check_run(const struct check_options *opts)
{
	_cleanup_(request_free) struct request req = { 0 };
	_cleanup_(load_job_free) struct load_job job = { 0 };
	_cleanup_(policy_free) struct policy policy;
	const struct load_options load_opts = { .fast_path = true, .dry_run = true };
	struct kernel_status ks = { 0 };
	bool admitted, invalid = false;
	char error[256] = "";
	int r;

	policy_init(&policy);
	policy_load(&policy, opts->policy_path);
	if (policy.invalid)
		log_stderr("%s; every request is rejected until the policy is fixed", policy.error);

	read_kernel_status(&ks);
	r = parse_request(opts, &policy, &req, &invalid, error, sizeof(error));
	if (r != HOOK_EXIT_OK) {
		if (opts->json)
			print_json(NULL, &req, &policy, &ks, false, error);
		else
			print_text(NULL, &policy, &ks, false);
		return r;
	}

	r = load_job_prepare(&job, "check", &policy, &req, &load_opts);
	if (r < 0) {
		log_stderr("%s", strerror(-r));
		return HOOK_EXIT_FAILED;
	}

	admitted = !invalid && job_admitted(&job);
	if (opts->json)
		print_json(&job, &req, &policy, &ks, admitted, error);
	else
		print_text(&job, &policy, &ks, admitted);
	return admitted ? HOOK_EXIT_OK : HOOK_EXIT_FAILED;
}
