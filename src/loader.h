/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "kernel.h"
#include "request.h"

/*
 * Deadline for the modules of a request in the kernel's "coming" state,
 * while another process runs their init functions, to become live.
 */
#define LOAD_COMING_TIMEOUT_MS 30000

enum load_outcome {
	LOAD_PENDING,
	LOAD_LOADED,
	LOAD_ALREADY_LOADED,
	LOAD_BUILTIN,
	LOAD_FAILED,
	LOAD_SKIPPED, /* not attempted because another name of the request failed */
};

struct kmod_list;

/* One module that inserting a request would insert, in insertion order. */
struct plan_step {
	char module[MODULE_NAME_MAX + 1];
	bool install_command; /* modprobe.d runs a command instead of inserting the file */
	bool requested;       /* a module the name resolved to, not a dependency */
	bool required;        /* a requested module or a dependency, whose failure fails the request */
};

/* Outcome of one requested name. */
struct load_result {
	char name[MODULE_NAME_MAX + 1];   /* canonical requested name */
	char module[MODULE_NAME_MAX + 1]; /* module it resolved to, or "" */
	size_t n_modules;                 /* modules it resolved to */
	enum load_outcome outcome;
	int err;
	char cause[768]; /* room for a policy reason with its file name and a prefix */
	struct kmod_list *resolved; /* owned by the loader until loader_release() */
	struct plan_step *plan;     /* filled by loader_plan(), freed by loader_release() */
	size_t n_plan;
	bool absent; /* a module it resolved to was absent when inserting began */
	char blacklisted[MODULE_NAME_MAX + 1]; /* a resolved module that modprobe.d blacklists */
};

const char *load_outcome_name(enum load_outcome outcome);

/* Whether the outcome leaves the module present in the kernel. */
static inline bool load_outcome_is_present(enum load_outcome outcome)
{
	return outcome == LOAD_LOADED || outcome == LOAD_ALREADY_LOADED ||
	       outcome == LOAD_BUILTIN;
}

/*
 * Fill the outcome from /sys/module alone when the module is live or builtin,
 * without libkmod. Returns true when that settled it.
 */
bool load_result_from_sysfs(const struct kernel_paths *paths, struct load_result *res);

struct loader;

/*
 * kmod_set_log_fn() callback that turns libkmod's messages into debug lines,
 * because they are detail behind the hook's own. data is the escaped
 * container id, or NULL.
 */
void loader_log_from_kmod(void *data, int priority, const char *file, int line,
			  const char *fn, const char *format, va_list args);

/*
 * Set up libkmod for the running kernel, reading modprobe.d as modprobe does.
 * container is the escaped container id used in log lines. Fails with a
 * reason when the kernel cannot load modules, this process may not, or
 * there is no module directory for the kernel.
 */
int loader_new(const struct kernel_paths *paths, const char *container,
	       struct loader **ret, char *reason, size_t reasonlen);

/*
 * As loader_new(), for a dry run: it skips the checks that only inserting
 * needs (module support, kernel.modules_disabled, CAP_SYS_MODULE and the
 * mount namespace), so it works without root.
 */
int loader_new_dry_run(const struct kernel_paths *paths, const char *container,
		       struct loader **ret, char *reason, size_t reasonlen);

void loader_free(struct loader *loader);

/* The libkmod context, for reading module facts and modprobe.d. */
struct kmod_ctx *loader_ctx(struct loader *loader);

/*
 * Resolve res->name, a module name or alias, to modules of the running
 * kernel as modprobe does. Returns 0, or a negative errno with the outcome
 * set to LOAD_FAILED.
 */
int loader_resolve(struct loader *loader, struct load_result *res);

/*
 * List the modules that loader_insert() would insert for res, dependencies
 * and softdeps included, in the order modprobe inserts them, without
 * inserting anything (src/plan.c). Modules that are live or builtin are left
 * out, and so are softdeps that only present modules ask for. Returns 0 or a
 * negative errno.
 */
int loader_plan(struct loader *loader, struct load_result *res);

/*
 * Insert the modules of the plan with their options and install commands
 * from modprobe.d, as modprobe does, and wait until the resolved modules are
 * live. A softdep that fails is skipped, as modprobe skips it. The outcome
 * goes to res.
 */
void loader_insert(struct loader *loader, struct load_result *res);

/* Note in res->absent whether a module the name resolved to is absent now. */
void loader_note_absent(struct load_result *res);

/* Whether inserting res inserts module, as a dependency or softdep. */
bool loader_plan_contains(const struct load_result *res, const char *module);

/*
 * Set the outcome to "already loaded" or "builtin" when every module res
 * resolved to is present, as the fast path would. Returns true if it did.
 */
bool loader_settle_present(struct load_result *res);

/* Drop what loader_resolve() kept in res. */
void loader_release(struct load_result *res);
