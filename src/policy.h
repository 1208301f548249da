/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "request.h"

#define POLICY_FILE "/etc/oci-kmod-hook/policy.conf"
#define POLICY_DROPIN_DIR "/etc/oci-kmod-hook/policy.d"

/* Largest policy file read. Real ones are a few KiB. */
#define POLICY_FILE_MAX_SIZE (1024 * 1024)

/* Upper bound for max-modules, which keeps a request's memory and output small. */
#define POLICY_MAX_MODULES_LIMIT 1024

/* Maximum pattern length. Signers are X.509 common names, at most 64 bytes (RFC 5280). */
#define POLICY_PATTERN_MAX 128

enum policy_action {
	POLICY_ALLOW,
	POLICY_DENY,
	POLICY_TRUSTED_SIGNER,
};

/* File and line of a directive, for messages. */
struct policy_origin {
	const char *file; /* owned by struct policy */
	unsigned line;
};

/* One pattern of an allow, deny or trusted-signer line. */
struct policy_rule {
	enum policy_action action;
	char *pattern; /* module names: canonical, with '-' outside brackets as '_' */
	struct policy_origin origin;
};

/* A setting that a later line may override, with the line that set it. */
struct policy_flag {
	bool value;
	struct policy_origin origin; /* file is NULL for the default */
};

struct policy {
	bool present; /* false when no policy file exists: every module may load */
	char **files; /* files read, in order */
	size_t n_files;

	struct policy_rule *rules;
	size_t n_rules;
	bool has_allow;
	bool has_trusted_signer;

	struct policy_flag honor_blacklist;
	struct policy_flag require_signature;
	struct policy_flag require_in_tree;
	/* At poststop, remove what the last container to request a module loaded. */
	struct policy_flag unload_on_stop;
	size_t max_modules;

	/* Set when a file is invalid; the hook then rejects every request. */
	bool invalid;
	char error[512];
};

/* Facts that libkmod reports about a module file, for the trust rules. */
struct module_facts {
	bool known;       /* false when the file could not be read */
	bool blacklisted; /* a blacklist line in modprobe.d names it */
	bool has_file;    /* false for a module that only an install command provides */
	bool signed_file;
	char signer[POLICY_PATTERN_MAX + 1];
	bool in_tree;
	bool staging;
};

/* The decision on one module, and the rule that made it. */
struct policy_verdict {
	bool admitted;
	const struct policy_rule *rule; /* NULL when no pattern rule decided */
	char reason[512];
};

void policy_init(struct policy *policy);

/* Whether a trust rule (signature, signer, in-tree) needs facts from module files. */
bool policy_needs_file_facts(const struct policy *policy);

void policy_free(struct policy *policy);

/*
 * Parse the text of one policy file named file and add its directives to the
 * policy. Returns 0, or -EINVAL with policy->invalid set and policy->error
 * naming file and line, or -ENOMEM.
 */
int policy_parse(struct policy *policy, const char *file, const char *text, size_t len);

/*
 * Read the policy: path alone when it is not NULL, else POLICY_FILE and then
 * every *.conf file in POLICY_DROPIN_DIR in byte order of their names.
 * Missing default files are not an error. Returns 0 or a negative errno,
 * with policy->error set. A policy that failed to load is marked invalid.
 */
int policy_load(struct policy *policy, const char *path);

/* As policy_load(), with the default file and drop-in directory given. */
int policy_load_from(struct policy *policy, const char *file, const char *dropin_dir);

/* The cap on names per request: max-modules, or its default. */
size_t policy_max_modules(const struct policy *policy);

/*
 * Decide on a module by name alone: deny rules, and for a requested module
 * the allow rules. This is all that applies to a module that is live or
 * builtin, because nothing is inserted for it.
 */
void policy_check_name(const struct policy *policy, const char *module, bool requested,
		       struct policy_verdict *verdict);

/*
 * Decide on a module that would be inserted: policy_check_name(), then the
 * host blacklist and the trust rules on its facts.
 */
void policy_check_module(const struct policy *policy, const char *module, bool requested,
			 const struct module_facts *facts, struct policy_verdict *verdict);

/* Format "deny dccp" for a rule. */
void policy_rule_text(const struct policy_rule *rule, char *buf, size_t buflen);
