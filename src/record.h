/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "kernel.h"
#include "ledger.h"
#include "load.h"

/*
 * States of every planned module of a job, taken right before inserting
 * under the insert lock, so record_attribute() can tell what this hook
 * inserted.
 */
struct plan_snapshot {
	enum module_state **before; /* one array per result, parallel to its plan */
	size_t n;
};

/* Take the snapshot. Returns 0 or -ENOMEM. */
int record_snapshot(const struct load_job *job, struct plan_snapshot *snap);

void plan_snapshot_free(struct plan_snapshot *snap);

/*
 * Add the planned modules to rec. A module absent before and live now was
 * inserted by this hook, because every hook inserts under the insert lock.
 */
int record_attribute(const struct load_job *job, const struct plan_snapshot *snap,
		     struct ledger_record *rec);

/*
 * Write the container's record. Modules already in rec keep their origin,
 * and every other resolved module counts as found present, so a module is
 * never claimed as inserted by this hook without proof. Problems are logged.
 */
void record_request(const struct load_context *ctx, const struct request *req,
		    const struct load_job *job, struct ledger_record *rec);
