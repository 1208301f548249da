/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "loader.h"
#include "policy.h"

enum module_check_state {
	CHECK_LIVE,
	CHECK_BUILTIN,
	CHECK_WOULD_LOAD,
	CHECK_INSTALL_COMMAND, /* modprobe.d runs a command in place of inserting it */
};

/* The policy's decision on one module that a requested name involves. */
struct module_check {
	char module[MODULE_NAME_MAX + 1];
	bool requested; /* the name resolved to it; false for a dependency */
	bool softdep;   /* a softdep, whose failure does not fail the request */
	enum module_check_state state;
	struct module_facts facts; /* read only for modules that would be inserted */
	struct policy_verdict verdict;
};

/* The decisions for one requested name. */
struct admission {
	struct module_check *modules;
	size_t n_modules;
	bool admitted;
};

const char *module_check_state_name(enum module_check_state state);

/*
 * Decide on a name that /sys/module settled as live or builtin: only the
 * allow and deny rules apply, on its canonical name. On refusal the result
 * becomes LOAD_FAILED with the reason. Returns 0 or -ENOMEM.
 */
int admit_settled(const struct policy *policy, struct load_result *res,
		  struct admission *adm);

/*
 * Decide on a resolved and planned name: allow and deny on the resolved
 * modules, deny on every dependency, and the blacklist and trust rules on
 * every module that would be inserted. On refusal the result becomes
 * LOAD_FAILED with the reason. read_file_facts reads signer and in-tree
 * facts even when no trust rule needs them, for check to show. Returns 0 or
 * -ENOMEM.
 */
int admit_planned(struct loader *loader, const struct policy *policy,
		  struct load_result *res, bool read_file_facts, struct admission *adm);

void admission_free(struct admission *adm);
