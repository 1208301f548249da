/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "policy.h"

struct kmod_ctx;

/*
 * Read what the policy checks about module name through libkmod: whether
 * modprobe.d blacklists it, and from its file the signature, signer, and
 * the intree and staging flags that modinfo shows. facts->known is false
 * when the file could not be read. Returns 0 or a negative errno.
 */
int module_facts_read(struct kmod_ctx *ctx, const char *name, struct module_facts *facts);
