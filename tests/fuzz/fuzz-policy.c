// SPDX-License-Identifier: LGPL-2.1-or-later
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parse a policy file and run every check against a few modules. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const modules[] = { "dccp", "ip_vs_rr", "n_hdlc", "x" };
	const struct module_facts facts[] = {
		{ .known = true, .has_file = true },
		{ .known = true, .has_file = true, .signed_file = true, .in_tree = true,
		  .signer = "Debian Secure Boot CA" },
		{ .known = true, .has_file = true, .blacklisted = true, .staging = true },
		{ .known = false },
	};
	struct policy policy;
	int r;

	policy_init(&policy);
	r = policy_parse(&policy, "fuzz.conf", (const char *)data, size);
	assert(r == 0 || policy.invalid);
	assert(policy_max_modules(&policy) >= 1);
	assert(policy_max_modules(&policy) <= POLICY_MAX_MODULES_LIMIT);

	for (size_t m = 0; m < sizeof(modules) / sizeof(modules[0]); m++) {
		for (size_t f = 0; f < sizeof(facts) / sizeof(facts[0]); f++) {
			struct policy_verdict v;

			policy_check_module(&policy, modules[m], f % 2 == 0, &facts[f], &v);
			/* An invalid policy admits nothing. */
			if (policy.invalid)
				assert(!v.admitted);
			assert(memchr(v.reason, '\0', sizeof(v.reason)));
		}
	}
	policy_free(&policy);
	return 0;
}
