// SPDX-License-Identifier: LGPL-2.1-or-later
#include "modinfo.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kmod-dl.h"

static bool is_blacklisted(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_config_iter *iter = kmod_config_get_blacklists(ctx);
	bool found = false;

	if (!iter)
		return false;
	while (!found && kmod_config_iter_next(iter))
		found = strcmp(kmod_config_iter_get_key(iter), name) == 0;
	kmod_config_iter_free_iter(iter);
	return found;
}

static void apply_info(struct module_facts *facts, const char *key, const char *value)
{
	/* libkmod reports sig_id for any signed file, and signer when it can parse it. */
	if (strcmp(key, "sig_id") == 0)
		facts->signed_file = true;
	else if (strcmp(key, "signer") == 0) {
		facts->signed_file = true;
		snprintf(facts->signer, sizeof(facts->signer), "%s", value);
	} else if (strcmp(key, "intree") == 0)
		facts->in_tree = strcmp(value, "Y") == 0;
	else if (strcmp(key, "staging") == 0)
		facts->staging = strcmp(value, "Y") == 0;
}

static int read_file_facts(struct kmod_module *mod, struct module_facts *facts)
{
	struct kmod_list *info = NULL, *l;
	int r;

	r = kmod_module_get_info(mod, &info);
	if (r < 0)
		return r;

	kmod_list_foreach(l, info)
		apply_info(facts, kmod_module_info_get_key(l), kmod_module_info_get_value(l));
	kmod_module_info_free_list(info);
	facts->known = true;
	return 0;
}

int module_facts_read(struct kmod_ctx *ctx, const char *name, bool read_file,
		      struct module_facts *facts)
{
	struct kmod_module *mod = NULL;
	int r;

	*facts = (struct module_facts){ .blacklisted = is_blacklisted(ctx, name) };
	if (!read_file)
		return 0;

	r = kmod_module_new_from_name(ctx, name, &mod);
	if (r < 0)
		return r;

	if (!kmod_module_get_path(mod)) {
		facts->known = true;
		kmod_module_unref(mod);
		return 0;
	}

	facts->has_file = true;
	r = read_file_facts(mod, facts);
	kmod_module_unref(mod);
	return r;
}
