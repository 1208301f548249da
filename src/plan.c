// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The plan of a request: the modules that inserting it inserts, in the
 * order modprobe inserts them, which libkmod's dry run gives.
 *
 * The plan then drops the softdeps that only present modules ask for. A softdep
 * orders the loading of the module that names it, and that is over once the
 * module is live. modprobe walks the softdeps of live dependencies again on
 * every load, so a softdep that fails, such as crc32c_intel on a CPU without
 * SSE4.2, fails again on each one. This matches the fast path, which does not
 * walk the softdeps of a requested module that is live either.
 */
#include "loader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmod-dl.h"
#include "names.h"
#include "util.h"

bool loader_plan_contains(const struct load_result *res, const char *module)
{
	for (size_t i = 0; i < res->n_plan; i++)
		if (strcmp(res->plan[i].module, module) == 0)
			return true;
	return false;
}

/* libkmod's print_action callback has no user data, so the plan is passed here. */
static struct load_result *plan_target;
static int plan_error;

static void plan_add_step(struct kmod_module *mod, bool install, const char *options)
{
	struct load_result *res = plan_target;
	const char *name = kmod_module_get_name(mod);
	struct plan_step *steps;

	(void)options;
	if (loader_plan_contains(res, name))
		return;

	steps = realloc(res->plan, (res->n_plan + 1) * sizeof(*steps));
	if (!steps) {
		plan_error = -ENOMEM;
		return;
	}
	res->plan = steps;
	steps[res->n_plan] = (struct plan_step){ .install_command = install };
	snprintf(steps[res->n_plan].module, sizeof(steps->module), "%s", name);
	res->n_plan++;
}

static bool present(struct kmod_module *mod)
{
	int state = kmod_module_get_initstate(mod);

	return state == KMOD_MODULE_LIVE || state == KMOD_MODULE_BUILTIN ||
	       state == KMOD_MODULE_COMING;
}

static int add_tree(struct name_list *keep, struct kmod_module *mod);

static int add_trees(struct name_list *keep, struct kmod_list *list)
{
	struct kmod_list *l;
	int r = 0;

	kmod_list_foreach(l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		if (r >= 0)
			r = add_tree(keep, mod);
		kmod_module_unref(mod);
	}
	return r;
}

/* Add the softdeps of mod and what they pull in, unless mod is present. */
static int add_softdeps(struct name_list *keep, struct kmod_module *mod)
{
	struct kmod_list *pre = NULL, *post = NULL;
	int r;

	if (present(mod))
		return 0;

	r = kmod_module_get_softdeps(mod, &pre, &post);
	if (r >= 0)
		r = add_trees(keep, pre);
	if (r >= 0)
		r = add_trees(keep, post);

	kmod_module_unref_list(pre);
	kmod_module_unref_list(post);
	return r;
}

/*
 * Add the dependencies of mod, and with softdeps, the softdeps of each that
 * is absent. modules.dep lists every dependency, not only the direct ones.
 */
static int add_dependencies(struct name_list *list, struct kmod_module *mod, bool softdeps)
{
	struct kmod_list *deps = kmod_module_get_dependencies(mod), *l;
	int r = 0;

	kmod_list_foreach(l, deps) {
		struct kmod_module *dep = kmod_module_get_module(l);

		if (r >= 0)
			r = name_list_add(list, kmod_module_get_name(dep));
		if (r >= 0 && softdeps)
			r = add_softdeps(list, dep);
		kmod_module_unref(dep);
	}
	kmod_module_unref_list(deps);
	return r;
}

/* Add mod and its dependencies, and the softdeps of each that is absent. */
static int add_tree(struct name_list *keep, struct kmod_module *mod)
{
	int r;

	if (name_list_contains(keep, kmod_module_get_name(mod)))
		return 0;

	r = name_list_add(keep, kmod_module_get_name(mod));
	if (r >= 0)
		r = add_dependencies(keep, mod, true);
	return r < 0 ? r : add_softdeps(keep, mod);
}

/* Add the modules res resolved to and their dependencies. */
static int add_required(struct name_list *required, const struct load_result *res)
{
	struct kmod_list *l;
	int r = 0;

	kmod_list_foreach(l, res->resolved) {
		struct kmod_module *mod = kmod_module_get_module(l);

		if (r >= 0)
			r = name_list_add(required, kmod_module_get_name(mod));
		if (r >= 0)
			r = add_dependencies(required, mod, false);
		kmod_module_unref(mod);
	}
	return r;
}

/* Drop the softdeps that only present modules ask for, and mark the required steps. */
static int prune_plan(struct load_result *res)
{
	_cleanup_(name_list_free) struct name_list keep = { 0 };
	_cleanup_(name_list_free) struct name_list required = { 0 };
	size_t n = 0;
	int r;

	r = add_required(&required, res);
	if (r >= 0)
		r = add_trees(&keep, res->resolved);
	if (r < 0)
		return r;

	for (size_t i = 0; i < res->n_plan; i++) {
		struct plan_step step = res->plan[i];

		if (!name_list_contains(&keep, step.module))
			continue;
		step.required = name_list_contains(&required, step.module);
		res->plan[n++] = step;
	}
	res->n_plan = n;
	return 0;
}

static void plan_mark_requested(struct load_result *res, const char *name)
{
	for (size_t i = 0; i < res->n_plan; i++)
		if (strcmp(res->plan[i].module, name) == 0)
			res->plan[i].requested = true;
}

/* Note a resolved module that modprobe.d blacklists: the dry run returns a positive flag for it. */
static void note_blacklisted(struct load_result *res, struct kmod_module *mod, int r)
{
	if (r > 0 && !res->blacklisted[0])
		snprintf(res->blacklisted, sizeof(res->blacklisted), "%s",
			 kmod_module_get_name(mod));
}

int loader_plan(struct loader *loader, struct load_result *res)
{
	struct kmod_list *l;
	int r = 0;

	(void)loader;
	plan_target = res;
	plan_error = 0;

	kmod_list_foreach(l, res->resolved) {
		struct kmod_module *mod = kmod_module_get_module(l);

		r = kmod_module_probe_insert_module(mod,
						    KMOD_PROBE_DRY_RUN |
							    KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY,
						    NULL, NULL, NULL, plan_add_step);
		plan_mark_requested(res, kmod_module_get_name(mod));
		note_blacklisted(res, mod, r);
		kmod_module_unref(mod);
		if (r < 0 || plan_error < 0)
			break;
	}

	plan_target = NULL;
	if (plan_error < 0)
		return plan_error;
	if (r < 0)
		return r;
	return prune_plan(res);
}
