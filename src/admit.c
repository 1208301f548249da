// SPDX-License-Identifier: LGPL-2.1-or-later
#include "admit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kmod-dl.h"

#include "modinfo.h"

const char *module_check_state_name(enum module_check_state state)
{
	switch (state) {
	case CHECK_LIVE:
		return "loaded";
	case CHECK_BUILTIN:
		return "builtin";
	case CHECK_WOULD_LOAD:
		return "would load";
	case CHECK_INSTALL_COMMAND:
		break;
	}
	return "would run install command";
}

void admission_free(struct admission *adm)
{
	free(adm->modules);
	*adm = (struct admission){ 0 };
}

static struct module_check *add_check(struct admission *adm, const char *module,
				      bool requested, enum module_check_state state)
{
	struct module_check *checks;

	checks = realloc(adm->modules, (adm->n_modules + 1) * sizeof(*checks));
	if (!checks)
		return NULL;
	adm->modules = checks;

	checks += adm->n_modules++;
	*checks = (struct module_check){ .requested = requested, .state = state };
	snprintf(checks->module, sizeof(checks->module), "%s", module);
	return checks;
}

/* Put the first refusal into the result, naming the module when it is not the name itself. */
static void refuse(struct load_result *res, const struct module_check *check)
{
	const char *reason = check->verdict.reason;

	res->outcome = LOAD_FAILED;
	res->err = -EPERM;
	if (check->requested && strcmp(check->module, res->name) == 0)
		snprintf(res->cause, sizeof(res->cause), "%s", reason);
	else if (check->requested)
		snprintf(res->cause, sizeof(res->cause), "it resolves to module '%s', %s",
			 check->module, reason);
	else
		snprintf(res->cause, sizeof(res->cause), "dependency '%s': %s", check->module,
			 reason);
}

/* Report a refused requested module before a refused dependency, as it is the likelier cause. */
static const struct module_check *first_refusal(const struct admission *adm)
{
	const struct module_check *dependency = NULL;

	for (size_t i = 0; i < adm->n_modules; i++) {
		const struct module_check *check = &adm->modules[i];

		if (check->verdict.admitted)
			continue;
		if (check->requested)
			return check;
		if (!dependency)
			dependency = check;
	}
	return dependency;
}

static void conclude(struct load_result *res, struct admission *adm)
{
	const struct module_check *refusal = first_refusal(adm);

	adm->admitted = refusal == NULL;
	if (refusal)
		refuse(res, refusal);
}

int admit_settled(const struct policy *policy, struct load_result *res,
		  struct admission *adm)
{
	enum module_check_state state =
		res->outcome == LOAD_BUILTIN ? CHECK_BUILTIN : CHECK_LIVE;
	struct module_check *check = add_check(adm, res->module, true, state);

	if (!check)
		return -ENOMEM;
	policy_check_name(policy, check->module, true, &check->verdict);
	conclude(res, adm);
	return 0;
}

static bool plan_contains(const struct load_result *res, const char *module)
{
	for (size_t i = 0; i < res->n_plan; i++)
		if (strcmp(res->plan[i].module, module) == 0)
			return true;
	return false;
}

static void check_would_load(struct kmod_ctx *ctx, const struct policy *policy,
			     bool read_file_facts, struct module_check *check)
{
	/* A file that cannot be read leaves facts.known false, which the policy handles. */
	module_facts_read(ctx, check->module,
			  read_file_facts || policy_needs_file_facts(policy), &check->facts);
	policy_check_module(policy, check->module, check->requested, &check->facts,
			    &check->verdict);
}

static enum module_check_state state_from_initstate(int initstate)
{
	if (initstate == KMOD_MODULE_LIVE)
		return CHECK_LIVE;
	if (initstate == KMOD_MODULE_BUILTIN)
		return CHECK_BUILTIN;
	return CHECK_WOULD_LOAD;
}

/*
 * Resolved modules missing from the plan are live or builtin, or were left
 * out because modprobe.d blacklists the alias they were found through.
 */
static int admit_unplanned(struct kmod_ctx *ctx, const struct policy *policy,
			   const struct load_result *res, bool read_file_facts,
			   struct admission *adm)
{
	struct kmod_list *l;

	kmod_list_foreach(l, res->resolved) {
		struct kmod_module *mod = kmod_module_get_module(l);
		char name[MODULE_NAME_MAX + 1];
		enum module_check_state state = state_from_initstate(kmod_module_get_initstate(mod));
		struct module_check *check;

		snprintf(name, sizeof(name), "%s", kmod_module_get_name(mod));
		kmod_module_unref(mod);
		if (plan_contains(res, name))
			continue;

		check = add_check(adm, name, true, state);
		if (!check)
			return -ENOMEM;
		if (state == CHECK_WOULD_LOAD)
			check_would_load(ctx, policy, read_file_facts, check);
		else
			policy_check_name(policy, check->module, true, &check->verdict);
	}
	return 0;
}

int admit_planned(struct loader *loader, const struct policy *policy,
		  struct load_result *res, bool read_file_facts, struct admission *adm)
{
	struct kmod_ctx *ctx = loader_ctx(loader);
	int r;

	r = admit_unplanned(ctx, policy, res, read_file_facts, adm);
	if (r < 0)
		return r;

	for (size_t i = 0; i < res->n_plan; i++) {
		const struct plan_step *step = &res->plan[i];
		struct module_check *check = add_check(
			adm, step->module, step->requested,
			step->install_command ? CHECK_INSTALL_COMMAND : CHECK_WOULD_LOAD);

		if (!check)
			return -ENOMEM;
		check->softdep = !step->required;
		check_would_load(ctx, policy, read_file_facts, check);
	}

	conclude(res, adm);
	return 0;
}
