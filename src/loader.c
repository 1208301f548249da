// SPDX-License-Identifier: LGPL-2.1-or-later
#include "loader.h"

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "kmod-dl.h"

#include "cause.h"
#include "install.h"
#include "log.h"
#include "util.h"

#define MODULES_ROOT "/lib/modules"

/* A softdep that failed, with the error to report if a request requires it. */
struct failed_step {
	char module[MODULE_NAME_MAX + 1];
	int err;
	struct install_status install;
};

struct loader {
	struct kmod_ctx *ctx;
	const struct kernel_paths *paths;
	const char *container;
	char release[128];
	struct failed_step *failed; /* softdeps that failed in this run, not tried again */
	size_t n_failed;
	long long coming_deadline_ms; /* end of the waits for modules in the "coming" state, or 0 */
};

const char *load_outcome_name(enum load_outcome outcome)
{
	switch (outcome) {
	case LOAD_LOADED:
		return "loaded";
	case LOAD_ALREADY_LOADED:
		return "already loaded";
	case LOAD_BUILTIN:
		return "builtin";
	case LOAD_FAILED:
		return "failed";
	case LOAD_SKIPPED:
		return "not loaded";
	case LOAD_PENDING:
		break;
	}
	return "pending";
}

bool load_result_from_sysfs(const struct kernel_paths *paths, struct load_result *res)
{
	enum module_state state = kernel_module_state(paths, res->name);

	if (state != MODULE_LIVE && state != MODULE_BUILTIN)
		return false;

	snprintf(res->module, sizeof(res->module), "%s", res->name);
	res->n_modules = 1;
	res->outcome = state == MODULE_LIVE ? LOAD_ALREADY_LOADED : LOAD_BUILTIN;
	return true;
}

void loader_log_from_kmod(void *data, int priority, const char *file, int line,
			  const char *fn, const char *format, va_list args)
{
	const char *container = data;
	char text[1024];
	size_t n;

	(void)priority;
	(void)file;
	(void)line;
	(void)fn;

	vsnprintf(text, sizeof(text), format, args);
	n = strlen(text);
	if (n > 0 && text[n - 1] == '\n')
		text[n - 1] = '\0';
	if (container)
		log_line(LOG_DEBUG, "libkmod for container %s: %s", container, text);
	else
		log_line(LOG_DEBUG, "libkmod: %s", text);
}

/*
 * Module files and modprobe.d must come from the host. In another mount
 * namespace, such as a createContainer or startContainer hook's, they could
 * come from the container's file system.
 */
static int check_mount_namespace(const struct kernel_paths *paths, char *reason,
				 size_t reasonlen)
{
	int r = kernel_in_init_mount_ns(paths);

	if (r < 0) {
		snprintf(reason, reasonlen, "cannot compare the mount namespace with PID 1's: %s",
			 strerror(-r));
		return r;
	}
	if (r == 0) {
		snprintf(reason, reasonlen,
			 "the hook runs in a mount namespace other than PID 1's, where module "
			 "files could come from the container; run it as a prestart or "
			 "createRuntime hook, not createContainer or startContainer");
		return -EPERM;
	}
	return 0;
}

static int check_can_load(const struct kernel_paths *paths, char *reason, size_t reasonlen)
{
	if (!kernel_has_module_support(paths)) {
		snprintf(reason, reasonlen, "the running kernel has no module support");
		return -ENOSYS;
	}
	if (kernel_modules_disabled(paths)) {
		snprintf(reason, reasonlen,
			 "module loading is disabled on this host (kernel.modules_disabled=1)");
		return -EPERM;
	}
	if (!have_cap_sys_module()) {
		snprintf(reason, reasonlen,
			 "operation not permitted: the hook lacks CAP_SYS_MODULE "
			 "(rootless runtime or user namespace)");
		return -EPERM;
	}
	return check_mount_namespace(paths, reason, reasonlen);
}

static int loader_open(const struct kernel_paths *paths, const char *container,
		       bool dry_run, struct loader **ret, char *reason, size_t reasonlen)
{
	_cleanup_free_ struct loader *loader = calloc(1, sizeof(*loader));
	char dir[PATH_MAX];
	struct stat st;
	int r;

	if (!loader)
		return -ENOMEM;
	loader->paths = paths;
	loader->container = container;

	if (!dry_run) {
		r = check_can_load(paths, reason, reasonlen);
		if (r < 0)
			return r;
	}

	r = kmod_dl_open(reason, reasonlen);
	if (r < 0)
		return r;

	r = kernel_release(loader->release, sizeof(loader->release));
	if (r < 0)
		return r;
	snprintf(dir, sizeof(dir), MODULES_ROOT "/%s", loader->release);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(reason, reasonlen, "no module directory %s for the running kernel%s", dir,
			 kernel_has_module_support(paths) ? "" : ", which has no module support");
		return -ENOENT;
	}

	loader->ctx = kmod_new(dir, NULL);
	if (!loader->ctx)
		return -ENOMEM;
	kmod_set_log_fn(loader->ctx, loader_log_from_kmod, (void *)container);
	kmod_set_log_priority(loader->ctx, log_debug_enabled() ? LOG_DEBUG : LOG_ERR);

	/* Map the index files once, as modprobe does, instead of reading them per lookup. */
	if (kmod_load_resources(loader->ctx) < 0)
		log_line(LOG_DEBUG, "container %s: cannot map the module index files; "
			 "looking them up one by one", container);

	*ret = TAKE_PTR(loader);
	return 0;
}

int loader_new(const struct kernel_paths *paths, const char *container,
	       struct loader **ret, char *reason, size_t reasonlen)
{
	return loader_open(paths, container, false, ret, reason, reasonlen);
}

int loader_new_dry_run(const struct kernel_paths *paths, const char *container,
		       struct loader **ret, char *reason, size_t reasonlen)
{
	return loader_open(paths, container, true, ret, reason, reasonlen);
}

struct kmod_ctx *loader_ctx(struct loader *loader)
{
	return loader->ctx;
}

void loader_free(struct loader *loader)
{
	if (!loader)
		return;
	kmod_unref(loader->ctx);
	free(loader->failed);
	free(loader);
}

static void fail(struct load_result *res, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct load_result *res, int err, const char *fmt, ...)
{
	va_list ap;

	res->outcome = LOAD_FAILED;
	res->err = err;
	va_start(ap, fmt);
	vsnprintf(res->cause, sizeof(res->cause), fmt, ap);
	va_end(ap);
}

static bool state_is_present(int state)
{
	return state == KMOD_MODULE_LIVE || state == KMOD_MODULE_BUILTIN;
}

/*
 * Wait while another process runs the module's init function. The deadline
 * starts at the first wait of the run, so the waits of a request add up to
 * at most LOAD_COMING_TIMEOUT_MS.
 */
static int wait_until_live(struct loader *loader, struct kmod_module *mod)
{
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	int state = kmod_module_get_initstate(mod);

	while (state == KMOD_MODULE_COMING) {
		if (loader->coming_deadline_ms == 0)
			loader->coming_deadline_ms = monotonic_ms() + LOAD_COMING_TIMEOUT_MS;
		if (monotonic_ms() >= loader->coming_deadline_ms)
			return -ETIMEDOUT;
		nanosleep(&tick, NULL);
		state = kmod_module_get_initstate(mod);
	}
	return state_is_present(state) ? 0 : -ENOENT;
}

static void fail_still_initializing(struct load_result *res, const char *name)
{
	fail(res, -ETIMEDOUT, "'%s' still initializing after %d s", name,
	     LOAD_COMING_TIMEOUT_MS / 1000);
}

/*
 * Write what went wrong with the install command of module name into buf.
 * Returns false when no install command ran.
 */
static bool describe_install(char *buf, size_t buflen, const char *name,
			     const struct install_status *install)
{
	if (install->start_error)
		snprintf(buf, buflen, "install command for '%s' in modprobe.d could not be started: %s",
			 name, strerror(install->start_error));
	else if (install->timed_out)
		snprintf(buf, buflen, "install command for '%s' in modprobe.d timed out after %d s",
			 name, INSTALL_TIMEOUT_MS / 1000);
	else if (install->signal)
		snprintf(buf, buflen, "install command for '%s' in modprobe.d was killed by signal %d",
			 name, install->signal);
	else if (install->exit_status != -1)
		snprintf(buf, buflen, "install command for '%s' in modprobe.d exited with status %d",
			 name, install->exit_status);
	else
		return false;
	return true;
}

/*
 * Fail res for the step that failed. The cause names the failed module
 * unless it is the requested name itself.
 */
static void describe_step_error(struct load_result *res, const struct plan_step *step, int err,
				const struct install_status *install)
{
	const char *name = step->module;
	char which[MODULE_NAME_MAX + 32] = "", install_cause[MODULE_NAME_MAX + 128];

	if (!step->requested)
		snprintf(which, sizeof(which), "dependency '%s': ", name);
	else if (strcmp(name, res->name) != 0)
		snprintf(which, sizeof(which), "'%s': ", name);

	if (describe_install(install_cause, sizeof(install_cause), name, install)) {
		fail(res, err, "%s", install_cause);
		return;
	}

	if (err == -ETIMEDOUT)
		fail_still_initializing(res, name);
	else
		fail(res, err, "%s%s", which, cause_for_errno(err));
}

/*
 * Insert one module of the plan. A module in the "coming" state is waited
 * for with a deadline: init_module() for it would block in the kernel until
 * the other process's init returns. Returns 0 or a negative errno.
 */
static int insert_step(struct loader *loader, struct kmod_module *mod,
		       const struct plan_step *step, struct install_status *install)
{
	int state = kmod_module_get_initstate(mod);
	int r;

	if (state_is_present(state))
		return 0;

	if (state == KMOD_MODULE_COMING) {
		log_line(LOG_INFO, "waiting for module '%s', which another process is loading, "
			 "for container %s", step->module, loader->container);
		return wait_until_live(loader, mod);
	}

	log_line(LOG_DEBUG, "loading module '%s' for container %s", step->module,
		 loader->container);
	if (step->install_command)
		r = install_command_run_for(mod, install);
	else
		r = kmod_module_insert_module(mod, 0, kmod_module_get_options(mod));

	/* Another process, outside the hooks' lock, may have inserted it meanwhile. */
	if (r == -EEXIST)
		r = wait_until_live(loader, mod);
	return r;
}

static const struct failed_step *find_failed(const struct loader *loader, const char *module)
{
	for (size_t i = 0; i < loader->n_failed; i++)
		if (strcmp(loader->failed[i].module, module) == 0)
			return &loader->failed[i];
	return NULL;
}

static void note_failed_softdep(struct loader *loader, const struct load_result *res,
				const char *module, int err, const struct install_status *install)
{
	char install_cause[MODULE_NAME_MAX + 128];
	struct failed_step *failed;

	if (!describe_install(install_cause, sizeof(install_cause), module, install))
		snprintf(install_cause, sizeof(install_cause), "%s", strerror(-err));
	log_line(LOG_DEBUG, "softdep '%s' of '%s' not loaded for container %s: %s", module,
		 res->name, loader->container, install_cause);

	failed = realloc(loader->failed, (loader->n_failed + 1) * sizeof(*failed));
	if (!failed) {
		log_line(LOG_DEBUG, "container %s: out of memory noting failed softdep '%s'",
			 loader->container, module);
		return;
	}
	loader->failed = failed;
	failed[loader->n_failed] = (struct failed_step){ .err = err, .install = *install };
	snprintf(failed[loader->n_failed].module, sizeof(failed->module), "%s", module);
	loader->n_failed++;
}

/*
 * Insert the plan in order. Returns false with res failed when a required
 * module fails.
 * NOTE: the plan leaves out what was live when it was made, under the insert
 * lock. A module removed since, outside the hooks, is not inserted again.
 */
static bool insert_plan(struct loader *loader, struct load_result *res)
{
	for (size_t i = 0; i < res->n_plan; i++) {
		const struct plan_step *step = &res->plan[i];
		struct install_status install = { .container = loader->container,
						  .exit_status = -1 };
		const struct failed_step *failed = find_failed(loader, step->module);
		struct kmod_module *mod = NULL;
		int r;

		/* Trying again costs the same, up to an install command's timeout. */
		if (failed && step->required) {
			describe_step_error(res, step, failed->err, &failed->install);
			return false;
		}
		if (failed)
			continue;

		r = kmod_module_new_from_name(loader->ctx, step->module, &mod);
		if (r >= 0)
			r = insert_step(loader, mod, step, &install);
		kmod_module_unref(mod);

		if (r < 0 && step->required) {
			describe_step_error(res, step, r, &install);
			return false;
		}
		if (r < 0)
			note_failed_softdep(loader, res, step->module, r, &install);
	}
	return true;
}

int loader_resolve(struct loader *loader, struct load_result *res)
{
	struct kmod_list *l;
	int r;

	r = kmod_module_new_from_lookup(loader->ctx, res->name, &res->resolved);
	if (r < 0) {
		fail(res, r, "lookup failed: %s", strerror(-r));
		return r;
	}
	if (!res->resolved) {
		fail(res, -ENOENT, "not found for kernel %s under " MODULES_ROOT "/%s",
		     loader->release, loader->release);
		return -ENOENT;
	}

	kmod_list_foreach(l, res->resolved) {
		struct kmod_module *mod = kmod_module_get_module(l);

		if (res->n_modules++ == 0)
			snprintf(res->module, sizeof(res->module), "%s", kmod_module_get_name(mod));
		kmod_module_unref(mod);
	}
	return 0;
}

/*
 * Check whether every module res resolved to is present. all_builtin, unless
 * NULL, gets whether all of them are builtin.
 */
static bool resolved_present(const struct load_result *res, bool *all_builtin)
{
	bool builtin = true;
	struct kmod_list *l;

	if (!res->resolved)
		return false;

	kmod_list_foreach(l, res->resolved) {
		struct kmod_module *mod = kmod_module_get_module(l);
		int state = kmod_module_get_initstate(mod);

		kmod_module_unref(mod);
		if (!state_is_present(state))
			return false;
		if (state != KMOD_MODULE_BUILTIN)
			builtin = false;
	}

	if (all_builtin)
		*all_builtin = builtin;
	return true;
}

/*
 * Check that a resolved module is live after the plan ran. The plan contains
 * the resolved modules that were absent. Returns true if it was absent.
 */
static bool check_resolved(struct loader *loader, struct kmod_module *mod, struct load_result *res)
{
	const char *name = kmod_module_get_name(mod);
	int r;

	if (!loader_plan_contains(res, name) &&
	    state_is_present(kmod_module_get_initstate(mod)))
		return false;

	r = wait_until_live(loader, mod);
	if (r == -ETIMEDOUT)
		fail_still_initializing(res, name);
	else if (r < 0 && kmod_module_get_install_commands(mod))
		fail(res, r, "install command for '%s' in modprobe.d succeeded but did not load it",
		     name);
	else if (r < 0)
		fail(res, r, "'%s' is not live after loading", name);
	return true;
}

void loader_insert(struct loader *loader, struct load_result *res)
{
	bool inserted = false, all_builtin = true;
	struct kmod_list *l;

	/* Once its modules are present, another name's plan covered this one. */
	if (!resolved_present(res, NULL) && !insert_plan(loader, res))
		return;

	kmod_list_foreach(l, res->resolved) {
		struct kmod_module *mod = kmod_module_get_module(l);

		if (kmod_module_get_initstate(mod) != KMOD_MODULE_BUILTIN)
			all_builtin = false;
		if (check_resolved(loader, mod, res))
			inserted = true;
		kmod_module_unref(mod);
		if (res->outcome == LOAD_FAILED)
			return;
	}

	if (all_builtin)
		res->outcome = LOAD_BUILTIN;
	else
		res->outcome = inserted || res->absent ? LOAD_LOADED : LOAD_ALREADY_LOADED;
}

void loader_note_absent(struct load_result *res)
{
	struct kmod_list *l;

	res->absent = false;
	kmod_list_foreach(l, res->resolved) {
		struct kmod_module *mod = kmod_module_get_module(l);

		if (!state_is_present(kmod_module_get_initstate(mod)))
			res->absent = true;
		kmod_module_unref(mod);
	}
}

bool loader_settle_present(struct load_result *res)
{
	bool all_builtin;

	if (!resolved_present(res, &all_builtin))
		return false;

	res->outcome = all_builtin ? LOAD_BUILTIN : LOAD_ALREADY_LOADED;
	return true;
}

void loader_release(struct load_result *res)
{
	free(res->plan);
	res->plan = NULL;
	res->n_plan = 0;
	/* libkmod may never have been opened, for a request settled from sysfs. */
	if (res->resolved)
		kmod_module_unref_list(res->resolved);
	res->resolved = NULL;
}
