/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

#include "kernel.h"
#include "ledger.h"
#include "names.h"

/* Ledger and /sys/module facts about one module. */
struct inventory_entry {
	char name[MODULE_NAME_MAX + 1];
	enum module_state state;
	int refcnt; /* negative errno when there is none, as for a builtin module */
	struct name_list holders;
	/*
	 * The record that shows this hook inserted the module as it is loaded
	 * now, or NULL. A record of an earlier load of the module does not count.
	 */
	const struct ledger_record *inserted_for;
	const struct ledger_record **running; /* running containers that requested it */
	size_t n_running;
};

/* Every module in the ledger, with the records it came from. */
struct inventory {
	struct ledger_record *records;
	size_t n_records;
	struct inventory_entry *entries;
	size_t n_entries;
};

/*
 * Read every record and the kernel state of each module they name. A
 * running record whose process has exited becomes RECORD_EXITED, so its
 * modules are no longer counted as requested by a running container.
 */
int inventory_load(struct ledger *ledger, const struct kernel_paths *paths,
		   struct inventory *inv);

/*
 * Return the index of name's entry, adding an entry with its kernel state
 * when the ledger has none. Returns a negative errno on failure.
 */
int inventory_index(struct inventory *inv, const struct kernel_paths *paths, const char *name);

/* Add rec to the running containers of e. Returns 1 if added, 0 if there already, or -ENOMEM. */
int inventory_add_running(struct inventory_entry *e, const struct ledger_record *rec);

/* Read the kernel state, reference count and holders of entry i again. */
int inventory_refresh(struct inventory *inv, const struct kernel_paths *paths, size_t i);

void inventory_free(struct inventory *inv);
