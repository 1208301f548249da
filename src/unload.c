// SPDX-License-Identifier: LGPL-2.1-or-later
#include "unload.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>

#include "handover.h"
#include "inventory.h"
#include "kmod-dl.h"
#include "ledger.h"
#include "loader.h"
#include "log.h"
#include "util.h"

/* Temporary record files older than this come from a writer that died. */
#define STALE_TEMPORARY_AGE_S 60

/* Unload's decision for one inventory entry. */
struct decision {
	bool wanted;     /* named, or every hook-inserted module when no name is given */
	bool named;      /* named on the command line */
	bool removed;    /* removed, or would be with --dry-run */
	int err;         /* negative errno of a failed removal */
	int dependency_of; /* index of the module whose removal made this one unused, or -1 */
	/*
	 * With --dry-run: references left when its last holder would go. A
	 * holder may keep more than one (an IPVS scheduler keeps two of ip_vs),
	 * so the dry run assumes they go with it and prints that assumption.
	 */
	int unattributed_refs;
};

struct unload_run {
	const struct unload_options *opts;
	struct inventory inv;
	struct decision *decisions;
	size_t n_decisions;
	size_t *removal_order; /* entry indexes in the order they were removed */
	size_t n_removed;
	struct kmod_ctx *kmod;
	bool kept_named;
};

static bool is_removable(const struct inventory_entry *e)
{
	return e->inserted_for && e->n_running == 0 && e->refcnt == 0 && e->holders.n == 0;
}

static void escape_id(const struct ledger_record *rec, char *buf, size_t buflen)
{
	escape_untrusted(buf, buflen, rec->id, strlen(rec->id), ESCAPED_MAX);
}

static int remove_module(struct unload_run *run, const struct inventory_entry *e)
{
	struct kmod_module *mod = NULL;
	char owner[ESCAPED_BUFSZ];
	int r;

	escape_id(e->inserted_for, owner, sizeof(owner));
	log_line(LOG_DEBUG, "removing module '%s', inserted for container %s", e->name, owner);

	r = kmod_module_new_from_name(run->kmod, e->name, &mod);
	if (r < 0)
		return r;
	r = kmod_module_remove_module(mod, 0);
	kmod_module_unref(mod);
	return r;
}

/* Make a hook-inserted module that the removal freed a candidate too. */
static void want_dependency(struct unload_run *run, size_t i, size_t removed)
{
	struct decision *d = &run->decisions[i];

	if (!run->inv.entries[i].inserted_for || d->named || d->removed)
		return;
	d->wanted = true;
	d->dependency_of = (int)removed;
}

/*
 * In a dry run, assume that the references left on a hook-inserted module
 * without holders go with the removed module, and note how many.
 */
static void assume_released(struct unload_run *run, size_t i, size_t removed)
{
	struct inventory_entry *e = &run->inv.entries[i];

	if (e->holders.n == 0 && e->refcnt > 0 && e->inserted_for) {
		run->decisions[i].unattributed_refs = e->refcnt;
		e->refcnt = 0;
	}
	want_dependency(run, i, removed);
}

static int entry_index(const struct unload_run *run, const char *name)
{
	for (size_t i = 0; i < run->inv.n_entries; i++)
		if (strcmp(run->inv.entries[i].name, name) == 0)
			return (int)i;
	return -1;
}

/*
 * Softdeps of a module hold no place in holders/, though the module may keep
 * a reference on them, as libcrc32c does on crc32c_generic.
 */
static void simulate_softdep_release(struct unload_run *run, size_t removed)
{
	struct kmod_module *mod = NULL;
	struct kmod_list *pre = NULL, *post = NULL, *lists[2], *l;

	if (kmod_module_new_from_name(run->kmod, run->inv.entries[removed].name, &mod) < 0)
		return;
	if (kmod_module_get_softdeps(mod, &pre, &post) < 0)
		pre = post = NULL;
	kmod_module_unref(mod);

	lists[0] = pre;
	lists[1] = post;
	for (size_t k = 0; k < 2; k++) {
		kmod_list_foreach(l, lists[k]) {
			struct kmod_module *dep = kmod_module_get_module(l);
			int j = entry_index(run, kmod_module_get_name(dep));

			kmod_module_unref(dep);
			if (j < 0 || run->decisions[j].removed)
				continue;
			/*
			 * Assume the removed module held one reference, as libcrc32c's
			 * crypto handle does. Others, such as a crypto socket, stay.
			 */
			if (run->inv.entries[j].holders.n == 0 && run->inv.entries[j].refcnt > 0) {
				if (--run->inv.entries[j].refcnt == 0)
					run->decisions[j].unattributed_refs = 1;
				want_dependency(run, (size_t)j, removed);
			}
		}
	}
	kmod_module_unref_list(pre);
	kmod_module_unref_list(post);
}

/*
 * Account for a dry-run removal: drop the module from the holders of the
 * modules it used, and their reference count with it.
 */
static void simulate_release(struct unload_run *run, size_t removed)
{
	const char *name = run->inv.entries[removed].name;

	for (size_t i = 0; i < run->inv.n_entries; i++) {
		struct inventory_entry *e = &run->inv.entries[i];

		if (!name_list_contains(&e->holders, name))
			continue;
		name_list_remove(&e->holders, name);
		if (e->refcnt > 0)
			e->refcnt--;
		assume_released(run, i, removed);
	}
	simulate_softdep_release(run, removed);
}

/*
 * Read every module's state again after a removal. A module whose reference
 * count dropped was used by the removed one, as a dependency or a softdep
 * (softdeps do not appear in holders/).
 */
static void refresh_after_removal(struct unload_run *run, size_t removed)
{
	for (size_t i = 0; i < run->inv.n_entries; i++) {
		int before = run->inv.entries[i].refcnt;

		if (inventory_refresh(&run->inv, run->opts->paths, i) < 0)
			continue;
		if (run->inv.entries[i].refcnt >= 0 && run->inv.entries[i].refcnt < before)
			want_dependency(run, i, removed);
	}
}

/* One pass over the candidates. Returns whether anything was removed. */
static bool remove_pass(struct unload_run *run)
{
	bool progress = false;

	for (size_t i = 0; i < run->inv.n_entries; i++) {
		struct decision *d = &run->decisions[i];

		if (!d->wanted || d->removed || d->err || !is_removable(&run->inv.entries[i]))
			continue;

		if (!run->opts->dry_run)
			d->err = remove_module(run, &run->inv.entries[i]);
		if (d->err)
			continue;

		d->removed = true;
		run->removal_order[run->n_removed++] = i;
		if (run->opts->dry_run)
			simulate_release(run, i);
		else
			refresh_after_removal(run, i);
		progress = true;
	}
	return progress;
}

static void describe_kept(const struct unload_run *run, size_t i, char *buf, size_t buflen)
{
	const struct inventory_entry *e = &run->inv.entries[i];
	char id[ESCAPED_BUFSZ];

	if (e->state == MODULE_ABSENT)
		snprintf(buf, buflen, "not loaded");
	else if (e->state == MODULE_BUILTIN)
		snprintf(buf, buflen, "builtin, cannot be removed");
	else if (e->state == MODULE_COMING)
		snprintf(buf, buflen, "still initializing");
	else if (e->state == MODULE_GOING)
		snprintf(buf, buflen, "already being removed");
	else if (!e->inserted_for)
		snprintf(buf, buflen, "not inserted by this hook");
	else if (e->n_running > 0) {
		escape_id(e->running[0], id, sizeof(id));
		if (e->n_running == 1)
			snprintf(buf, buflen, "still requested by container %s", id);
		else
			snprintf(buf, buflen, "still requested by container %s and %zu more", id,
				 e->n_running - 1);
	} else if (e->holders.n > 0)
		snprintf(buf, buflen, "in use by %s%s", e->holders.names[0],
			 e->holders.n > 1 ? " and others" : "");
	else if (e->refcnt != 0)
		snprintf(buf, buflen, "in use (reference count %d)", e->refcnt);
	else if (run->decisions[i].err)
		snprintf(buf, buflen, "removal failed: %s", strerror(-run->decisions[i].err));
	else
		snprintf(buf, buflen, "not removed");
}

static void say(const struct unload_run *run, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The unload command prints its decisions; the poststop hook logs them. */
static void say(const struct unload_run *run, int priority, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);

	if (run->opts->stopping_container)
		log_line(priority, "container %s stopped: %s", run->opts->stopping_container,
			 line);
	else
		printf("%s\n", line);
}

static void report_removed(const struct unload_run *run, size_t i)
{
	const struct decision *d = &run->decisions[i];
	const char *verb = run->opts->dry_run ? "would remove" : "removed";

	if (d->dependency_of >= 0 && d->unattributed_refs > 0)
		say(run, LOG_INFO, "%s %s (unused after removing %s, if its %d remaining %s with "
		    "it)", verb, run->inv.entries[i].name, run->inv.entries[d->dependency_of].name,
		    d->unattributed_refs, d->unattributed_refs == 1 ? "reference goes" :
								      "references go");
	else if (d->dependency_of >= 0)
		say(run, LOG_INFO, "%s %s (unused after removing %s)", verb,
		    run->inv.entries[i].name, run->inv.entries[d->dependency_of].name);
	else
		say(run, LOG_INFO, "%s %s", verb, run->inv.entries[i].name);
}

static void report(struct unload_run *run)
{
	for (size_t k = 0; k < run->n_removed; k++)
		report_removed(run, run->removal_order[k]);

	if (run->n_removed == 0 && run->opts->n_names == 0)
		say(run, LOG_DEBUG, "nothing to %s: no module that this hook inserted is loaded "
		    "and unused", run->opts->dry_run ? "remove" : "unload");

	for (size_t i = 0; i < run->inv.n_entries; i++) {
		const struct decision *d = &run->decisions[i];
		char why[512];

		if (d->removed || !d->wanted)
			continue;

		describe_kept(run, i, why, sizeof(why));
		say(run, d->err ? LOG_ERR : LOG_DEBUG, "kept %s: %s", run->inv.entries[i].name,
		    why);
		if (d->named || d->err)
			run->kept_named = true;
	}
}

/* Give entries that the inventory gained a decision. */
static int grow_decisions(struct unload_run *run)
{
	struct decision *bigger;

	if (run->n_decisions >= run->inv.n_entries)
		return 0;

	bigger = realloc(run->decisions, run->inv.n_entries * sizeof(*bigger));
	if (!bigger)
		return -ENOMEM;
	for (size_t i = run->n_decisions; i < run->inv.n_entries; i++)
		bigger[i] = (struct decision){ .dependency_of = -1 };
	run->decisions = bigger;
	run->n_decisions = run->inv.n_entries;
	return 0;
}

static int select_candidates(struct unload_run *run)
{
	const struct unload_options *opts = run->opts;
	int r;

	r = grow_decisions(run);
	if (r < 0)
		return r;

	if (opts->n_names == 0) {
		for (size_t i = 0; i < run->inv.n_entries; i++)
			run->decisions[i].wanted = run->inv.entries[i].inserted_for != NULL;
		return 0;
	}

	for (size_t n = 0; n < opts->n_names; n++) {
		int i = inventory_index(&run->inv, opts->paths, opts->names[n]);

		if (i < 0)
			return i;
		r = grow_decisions(run);
		if (r < 0)
			return r;
		run->decisions[i].named = true;
		run->decisions[i].wanted = true;
	}
	return 0;
}

/* Give the running containers of entry i to each of its softdeps. Returns 1 if any changed. */
static int share_with_softdeps(struct unload_run *run, size_t i)
{
	struct kmod_module *mod = NULL;
	struct kmod_list *pre = NULL, *post = NULL, *lists[2], *l;
	int changed = 0, r;

	r = kmod_module_new_from_name(run->kmod, run->inv.entries[i].name, &mod);
	if (r < 0)
		return 0;
	r = kmod_module_get_softdeps(mod, &pre, &post);
	kmod_module_unref(mod);
	if (r < 0)
		return 0;

	lists[0] = pre;
	lists[1] = post;
	for (size_t k = 0; k < 2 && r >= 0; k++) {
		kmod_list_foreach(l, lists[k]) {
			struct kmod_module *dep = kmod_module_get_module(l);
			int j = inventory_index(&run->inv, run->opts->paths, kmod_module_get_name(dep));

			kmod_module_unref(dep);
			r = j;
			for (size_t c = 0; r >= 0 && c < run->inv.entries[i].n_running; c++) {
				r = inventory_add_running(&run->inv.entries[j],
							  run->inv.entries[i].running[c]);
				changed |= r > 0;
			}
			if (r < 0)
				break;
		}
	}
	kmod_module_unref_list(pre);
	kmod_module_unref_list(post);
	return r < 0 ? r : changed;
}

/*
 * A softdep holds no reference on the module that wants it, so a softdep of
 * a module that a running container requested counts as requested by that
 * container too, transitively.
 */
static int protect_softdeps(struct unload_run *run)
{
	bool changed = true;

	while (changed) {
		changed = false;
		for (size_t i = 0; i < run->inv.n_entries; i++) {
			int r;

			if (run->inv.entries[i].n_running == 0)
				continue;
			r = share_with_softdeps(run, i);
			if (r < 0)
				return r;
			changed |= r > 0;
		}
	}
	return 0;
}

static int prepare(struct unload_run *run, struct ledger *ledger)
{
	int r;

	r = inventory_load(ledger, run->opts->paths, &run->inv);
	if (r >= 0)
		r = protect_softdeps(run);
	if (r >= 0)
		r = select_candidates(run);
	if (r < 0)
		return r;

	run->removal_order = calloc(run->inv.n_entries + 1, sizeof(*run->removal_order));
	return run->removal_order ? 0 : -ENOMEM;
}

static int open_kmod(struct unload_run *run)
{
	char reason[256];
	int r;

	r = kmod_dl_open(reason, sizeof(reason));
	if (r < 0) {
		log_problem("cannot remove modules: %s", reason);
		return r;
	}
	run->kmod = kmod_new(NULL, NULL);
	if (!run->kmod)
		return -ENOMEM;
	kmod_set_log_fn(run->kmod, loader_log_from_kmod, NULL);
	kmod_set_log_priority(run->kmod, log_debug_enabled() ? LOG_DEBUG : LOG_ERR);
	return 0;
}

static int unload_locked(struct unload_run *run, struct ledger *ledger)
{
	int r;

	/* libkmod is needed for softdeps even in a dry run; it works without root. */
	r = open_kmod(run);
	if (r >= 0)
		r = prepare(run, ledger);
	if (r < 0)
		return r;

	/* Each pass removes the modules that the previous one left unused. */
	while (remove_pass(run))
		;

	report(run);
	return run->kept_named ? 1 : 0;
}

/* Returns a file descriptor that holds the lock, or a negative errno with a message. */
static int take_lock(const struct unload_options *opts, struct ledger *ledger,
		     const char *name)
{
	int fd = ledger_lock(ledger, name, LOCK_EX, LEDGER_LOCK_TIMEOUT_MS);

	if (fd == -ETIMEDOUT && opts->stopping_container)
		log_line(LOG_ERR, "container %s stopped: timed out waiting for %s/%s, which a hook "
			 "holds, to unload modules", opts->stopping_container, ledger_dir(ledger),
			 name);
	else if (fd == -ETIMEDOUT)
		log_problem("timed out waiting for %s/%s, which a hook holds (a run waits at most "
			    "%d s for all its locks)", ledger_dir(ledger), name,
			    LEDGER_LOCK_TIMEOUT_MS / 1000);
	else if (fd < 0 && opts->stopping_container)
		log_line(LOG_ERR, "container %s stopped: cannot lock %s/%s to unload modules: %s",
			 opts->stopping_container, ledger_dir(ledger), name, strerror(-fd));
	else if (fd == -EACCES || fd == -EPERM)
		log_problem("cannot lock %s/%s: %s; run unload as root", ledger_dir(ledger), name,
			    strerror(-fd));
	else if (fd < 0)
		log_problem("cannot lock %s/%s: %s", ledger_dir(ledger), name, strerror(-fd));
	return fd;
}

int unload_modules(struct ledger *ledger, const struct unload_options *opts)
{
	struct unload_run run = { .opts = opts };
	_cleanup_close_ int insert_fd = -1, records_fd = -1;
	int r;

	/* A dry run changes nothing, so it needs no lock, like status. */
	if (!opts->dry_run) {
		insert_fd = take_lock(opts, ledger, LEDGER_INSERT_LOCK);
		if (insert_fd < 0)
			return insert_fd;
		records_fd = take_lock(opts, ledger, LEDGER_RECORDS_LOCK);
		if (records_fd < 0)
			return records_fd;
		ledger_remove_stale(ledger, STALE_TEMPORARY_AGE_S);
	}

	handover_hold_lock(insert_fd);
	r = unload_locked(&run, ledger);
	handover_hold_lock(-1);
	if (r < 0 && opts->stopping_container)
		log_line(LOG_ERR, "container %s stopped: cannot read the ledger in %s: %s",
			 opts->stopping_container, ledger_dir(ledger), strerror(-r));
	else if (r < 0)
		log_problem("cannot read the ledger in %s: %s", ledger_dir(ledger), strerror(-r));

	if (run.kmod)
		kmod_unref(run.kmod);
	free(run.removal_order);
	free(run.decisions);
	inventory_free(&run.inv);
	return r;
}
