/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "policy.h"

struct kmod_ctx;

/*
 * Read what the policy checks about module name through libkmod: whether
 * modprobe.d blacklists it and, with read_file, from its file the
 * signature, signer, and the intree and staging flags that modinfo shows.
 * Reading the file means parsing its ELF sections and signature, so it is
 * skipped when no trust rule and no dry run needs it. facts->known is false
 * when the file was not read. Returns 0 or a negative errno.
 */
int module_facts_read(struct kmod_ctx *ctx, const char *name, bool read_file,
		      struct module_facts *facts);
