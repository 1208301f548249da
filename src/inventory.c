// SPDX-License-Identifier: LGPL-2.1-or-later
#include "inventory.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "process.h"

static int add_entry(struct inventory *inv, const struct kernel_paths *paths,
		     const char *name)
{
	struct inventory_entry *entries, *e;
	int r;

	entries = realloc(inv->entries, (inv->n_entries + 1) * sizeof(*entries));
	if (!entries)
		return -ENOMEM;
	inv->entries = entries;
	e = &entries[inv->n_entries];
	*e = (struct inventory_entry){ 0 };
	snprintf(e->name, sizeof(e->name), "%s", name);

	r = inventory_refresh(inv, paths, inv->n_entries);
	if (r < 0)
		return r;
	return (int)inv->n_entries++;
}

int inventory_refresh(struct inventory *inv, const struct kernel_paths *paths, size_t i)
{
	struct inventory_entry *e = &inv->entries[i];
	int r;

	name_list_free(&e->holders);
	e->state = kernel_module_state(paths, e->name);
	e->refcnt = kernel_module_refcnt(paths, e->name);
	r = kernel_module_holders(paths, e->name, &e->holders);
	if (r < 0)
		name_list_free(&e->holders);
	return r;
}

int inventory_index(struct inventory *inv, const struct kernel_paths *paths, const char *name)
{
	for (size_t i = 0; i < inv->n_entries; i++)
		if (strcmp(inv->entries[i].name, name) == 0)
			return (int)i;
	return add_entry(inv, paths, name);
}

int inventory_add_running(struct inventory_entry *e, const struct ledger_record *rec)
{
	const struct ledger_record **running;

	for (size_t i = 0; i < e->n_running; i++)
		if (e->running[i] == rec)
			return 0;

	running = realloc(e->running, (e->n_running + 1) * sizeof(*running));
	if (!running)
		return -ENOMEM;
	e->running = running;
	running[e->n_running++] = rec;
	return 1;
}

static int add_record(struct inventory *inv, const struct kernel_paths *paths,
		      const struct ledger_record *rec)
{
	for (size_t m = 0; m < rec->n_modules; m++) {
		const struct ledger_module *mod = &rec->modules[m];
		struct inventory_entry *e;
		int i = inventory_index(inv, paths, mod->name);

		if (i < 0)
			return i;
		e = &inv->entries[i];

		if (mod->origin == ORIGIN_INSERTED && e->state == MODULE_LIVE &&
		    mod->inode == kernel_module_inode(paths, mod->name))
			e->inserted_for = rec;
		if (rec->state == RECORD_RUNNING && inventory_add_running(e, rec) < 0)
			return -ENOMEM;
	}
	return 0;
}

int inventory_load(struct ledger *ledger, const struct kernel_paths *paths,
		   struct inventory *inv)
{
	int r;

	*inv = (struct inventory){ 0 };
	r = ledger_read_all(ledger, &inv->records, &inv->n_records);
	if (r < 0)
		return r;

	for (size_t i = 0; i < inv->n_records; i++) {
		struct ledger_record *rec = &inv->records[i];

		if (rec->state == RECORD_RUNNING &&
		    process_liveness(paths, &rec->process) == PROCESS_EXITED)
			rec->state = RECORD_EXITED;
		r = add_record(inv, paths, rec);
		if (r < 0) {
			inventory_free(inv);
			return r;
		}
	}
	return 0;
}

void inventory_free(struct inventory *inv)
{
	for (size_t i = 0; i < inv->n_entries; i++) {
		name_list_free(&inv->entries[i].holders);
		free(inv->entries[i].running);
	}
	free(inv->entries);
	ledger_records_free(inv->records, inv->n_records);
	*inv = (struct inventory){ 0 };
}
