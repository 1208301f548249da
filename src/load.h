/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "request.h"

struct ledger;

/* Who a request is for, and where it is recorded. */
struct load_context {
	const char *container; /* escaped container id, for messages */
	const char *id;        /* container id as the runtime sent it, for the ledger */
	struct ledger *ledger; /* NULL when the state directory cannot be used */
};

/*
 * Make every module of a valid request present in the kernel, record what
 * was done in the ledger and report the outcome. Returns the hook's exit
 * status.
 */
int load_request(const struct load_context *ctx, const struct request *req);
