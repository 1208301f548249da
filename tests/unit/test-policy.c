// SPDX-License-Identifier: LGPL-2.1-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"

static int parse(struct policy *policy, const char *text)
{
	policy_init(policy);
	return policy_parse(policy, "test.conf", text, strlen(text));
}

static void test_parse_directives(void **state)
{
	struct policy p;

	(void)state;
	assert_int_equal(parse(&p, "# comment\n\n  allow ip_vs* nf-*\r\n"
				   "deny dccp\t# inline comment\n"
				   "blacklist ignore\nmax-modules 3\n"
				   "require-signature yes\nrequire-in-tree yes\n"
				   "trusted-signer \"Debian Secure Boot CA\" Build*\n"),
			 0);
	assert_false(p.invalid);
	assert_true(p.present);
	assert_true(p.has_allow);
	assert_true(p.has_trusted_signer);
	assert_false(p.honor_blacklist.value);
	assert_true(p.require_signature.value);
	assert_int_equal(p.require_signature.origin.line, 7);
	assert_true(p.require_in_tree.value);
	assert_int_equal(policy_max_modules(&p), 3);
	assert_int_equal(p.n_rules, 5);
	assert_string_equal(p.rules[1].pattern, "nf_*");
	assert_int_equal(p.rules[2].origin.line, 4);
	assert_string_equal(p.rules[3].pattern, "Debian Secure Boot CA");
	policy_free(&p);
}

static void test_parse_defaults(void **state)
{
	struct policy p;

	(void)state;
	assert_int_equal(parse(&p, ""), 0);
	assert_true(p.present);
	assert_true(p.honor_blacklist.value);
	assert_false(p.require_signature.value);
	assert_false(p.require_in_tree.value);
	assert_int_equal(policy_max_modules(&p), REQUEST_DEFAULT_MAX_NAMES);
	policy_free(&p);
}

static void test_parse_invalid_lines(void **state)
{
	static const struct {
		const char *text;
		const char *error;
	} cases[] = {
		{ "deny dccp\nalow x\n", "test.conf:2: unknown directive 'alow'" },
		{ "allow\n", "test.conf:1: 'allow' needs at least one pattern" },
		{ "deny ../x\n", "test.conf:1: invalid module pattern '../x'" },
		{ "deny a/b\n", "invalid module pattern 'a/b'" },
		{ "deny printk[\n", "invalid module pattern 'printk[': '[' without ']'" },
		{ "deny \"\"\n", "test.conf:1: empty module pattern" },
		{ "unload-on-stop maybe\n", "invalid value 'maybe' for 'unload-on-stop'" },
		{ "deny d\xc3\xbc\n", "invalid module pattern 'd\\xc3\\xbc'" },
		{ "blacklist maybe\n", "invalid value 'maybe' for 'blacklist': use honor or ignore" },
		{ "require-signature\n", "'require-signature' takes exactly one value" },
		{ "require-in-tree yes no\n", "'require-in-tree' takes exactly one value" },
		{ "require-signature 1\n", "invalid value '1' for 'require-signature'" },
		{ "max-modules 0\n", "invalid value '0' for 'max-modules'" },
		{ "max-modules 1025\n", "invalid value '1025' for 'max-modules'" },
		{ "max-modules 99999999999999999999999\n", "for 'max-modules'" },
		{ "max-modules -1\n", "invalid value '-1' for 'max-modules'" },
		{ "max-modules 2x\n", "invalid value '2x' for 'max-modules'" },
		{ "trusted-signer \"Debian\n", "missing closing '\"'" },
		{ "trusted-signer \"a\"b\n", "text right after a closing '\"'" },
		{ "deny a\x01\n", "contains the control character 0x01" },
		{ "\n\ndeny a\x7f\n", "test.conf:3: contains the control character 0x7f" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct policy p;

		assert_int_equal(parse(&p, cases[i].text), -EINVAL);
		assert_true(p.invalid);
		if (!strstr(p.error, cases[i].error))
			fail_msg("case %zu: '%s' not in '%s'", i, cases[i].error, p.error);
		policy_free(&p);
	}
}

static void test_parse_nul_and_long_lines(void **state)
{
	static const char nul[] = "deny a\0b\n";
	char *long_line = malloc(5000);
	char *long_pattern = malloc(200);
	struct policy p;

	(void)state;
	policy_init(&p);
	assert_int_equal(policy_parse(&p, "test.conf", nul, sizeof(nul) - 1), -EINVAL);
	assert_non_null(strstr(p.error, "test.conf:1: contains a NUL byte"));
	policy_free(&p);

	memset(long_line, 'a', 4999);
	long_line[4999] = '\0';
	assert_int_equal(parse(&p, long_line), -EINVAL);
	assert_non_null(strstr(p.error, "line longer than 4096 bytes"));
	policy_free(&p);

	memcpy(long_pattern, "deny ", 5);
	memset(long_pattern + 5, 'b', 194);
	long_pattern[199] = '\0';
	assert_int_equal(parse(&p, long_pattern), -EINVAL);
	assert_non_null(strstr(p.error, "pattern longer than 128 characters"));
	policy_free(&p);

	free(long_line);
	free(long_pattern);
}

static void assert_name(const struct policy *p, const char *module, bool requested,
			bool admitted, const char *reason)
{
	struct policy_verdict v;

	policy_check_name(p, module, requested, &v);
	if (v.admitted != admitted)
		fail_msg("%s: admitted %d, expected %d (%s)", module, v.admitted, admitted,
			 v.reason);
	if (!strstr(v.reason, reason))
		fail_msg("%s: '%s' not in '%s'", module, reason, v.reason);
}

static void test_deny_and_allow(void **state)
{
	struct policy p;

	(void)state;
	assert_int_equal(parse(&p, "allow ip_vs* overlay nf_[a-z]*\ndeny ip_vs_ftp n-hdlc\n"),
			 0);
	assert_name(&p, "ip_vs_rr", true, true, "allowed by policy rule 'allow ip_vs*' at "
		    "test.conf:1");
	assert_name(&p, "ip_vs_ftp", true, false, "denied by policy rule 'deny ip_vs_ftp' at "
		    "test.conf:2");
	assert_name(&p, "n_hdlc", true, false, "'deny n_hdlc'");
	assert_name(&p, "nf_conntrack", true, true, "'allow nf_[a-z]*'");
	assert_name(&p, "dummy", true, false, "not allowed: no allow rule");
	/* The allowlist covers requested modules; dependencies only face deny rules. */
	assert_name(&p, "libcrc32c", false, true, "no deny rule matches");
	assert_name(&p, "ip_vs_ftp", false, false, "'deny ip_vs_ftp'");
	policy_free(&p);
}

static void test_deny_without_allow(void **state)
{
	struct policy p;

	(void)state;
	assert_int_equal(parse(&p, "deny dccp* sctp\n"), 0);
	assert_name(&p, "dccp_ipv4", true, false, "'deny dccp*'");
	assert_name(&p, "dummy", true, true, "the policy has no allow rule");
	policy_free(&p);
}

static void test_no_policy_allows(void **state)
{
	struct policy p;
	struct module_facts facts = { .known = true, .has_file = true, .blacklisted = true };
	struct policy_verdict v;

	(void)state;
	policy_init(&p);
	assert_name(&p, "dccp", true, true, "there is no policy file");
	policy_check_module(&p, "dccp", true, &facts, &v);
	assert_true(v.admitted);
	policy_free(&p);
}

static void test_invalid_policy_refuses(void **state)
{
	struct policy p;

	(void)state;
	assert_int_equal(parse(&p, "allow *\nbogus\n"), -EINVAL);
	assert_name(&p, "dummy", true, false, "invalid policy at test.conf:2");
	policy_free(&p);
}

static void assert_module(const struct policy *p, const struct module_facts *facts,
			  bool admitted, const char *reason)
{
	struct policy_verdict v;

	policy_check_module(p, "mod", true, facts, &v);
	if (v.admitted != admitted)
		fail_msg("admitted %d, expected %d (%s)", v.admitted, admitted, v.reason);
	if (!strstr(v.reason, reason))
		fail_msg("'%s' not in '%s'", reason, v.reason);
}

static void test_trust_rules(void **state)
{
	const struct module_facts unsigned_oot = { .known = true, .has_file = true };
	const struct module_facts debian = { .known = true, .has_file = true,
					     .signed_file = true, .in_tree = true,
					     .signer = "Debian Secure Boot CA" };
	const struct module_facts staging = { .known = true, .has_file = true,
					      .signed_file = true, .in_tree = true,
					      .staging = true, .signer = "Debian Secure Boot CA" };
	const struct module_facts other_signer = { .known = true, .has_file = true,
						   .signed_file = true, .in_tree = true,
						   .signer = "Evil Corp" };
	const struct module_facts unreadable = { .known = false };
	const struct module_facts install_only = { .known = true, .has_file = false };
	struct policy p;

	(void)state;
	assert_int_equal(parse(&p, "require-signature yes\nrequire-in-tree yes\n"), 0);
	assert_module(&p, &unsigned_oot, false, "the module file has no signature (policy "
		      "rule 'require-signature yes' at test.conf:1)");
	assert_module(&p, &debian, true, "");
	assert_module(&p, &staging, false, "from the kernel's staging tree (policy rule "
		      "'require-in-tree yes' at test.conf:2)");
	assert_module(&p, &unreadable, false, "could not be read");
	assert_module(&p, &install_only, true, "");
	policy_free(&p);

	assert_int_equal(parse(&p, "require-in-tree yes\n"), 0);
	assert_module(&p, &unsigned_oot, false, "built outside the kernel tree");
	policy_free(&p);

	assert_int_equal(parse(&p, "trusted-signer \"Debian Secure Boot CA\"\n"), 0);
	assert_module(&p, &debian, true, "");
	assert_module(&p, &other_signer, false, "its signer 'Evil Corp' matches no "
		      "trusted-signer rule");
	assert_module(&p, &unsigned_oot, false, "has no signature");
	policy_free(&p);

	assert_int_equal(parse(&p, "deny x\n"), 0);
	assert_module(&p, &unsigned_oot, true, "");
	assert_module(&p, &unreadable, true, "");
	policy_free(&p);
}

static void test_blacklist(void **state)
{
	const struct module_facts blacklisted = { .known = true, .has_file = true,
						  .blacklisted = true };
	struct policy p;

	(void)state;
	assert_int_equal(parse(&p, "# default: blacklist honor\n"), 0);
	assert_module(&p, &blacklisted, false, "blacklisted in modprobe.d");
	policy_free(&p);

	assert_int_equal(parse(&p, "blacklist honor\nblacklist ignore\n"), 0);
	assert_module(&p, &blacklisted, true, "");
	policy_free(&p);
}

static void test_rule_text_quotes(void **state)
{
	struct policy p;
	char text[256];

	(void)state;
	assert_int_equal(parse(&p, "trusted-signer \"Debian Secure Boot CA\"\ndeny x\n"), 0);
	policy_rule_text(&p.rules[0], text, sizeof(text));
	assert_string_equal(text, "trusted-signer \"Debian Secure Boot CA\"");
	policy_rule_text(&p.rules[1], text, sizeof(text));
	assert_string_equal(text, "deny x");
	policy_free(&p);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_load_dropins_in_order(void **state)
{
	char dir[] = "/tmp/test-policy.XXXXXX", file[256], dropins[256], path[300];
	struct policy p;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/policy.conf", dir);
	snprintf(dropins, sizeof(dropins), "%s/policy.d", dir);
	assert_int_equal(mkdir(dropins, 0755), 0);

	write_file(file, "max-modules 10\n");
	snprintf(path, sizeof(path), "%s/20-b.conf", dropins);
	write_file(path, "max-modules 20\n");
	snprintf(path, sizeof(path), "%s/10-a.conf", dropins);
	write_file(path, "max-modules 15\ndeny dccp\n");
	snprintf(path, sizeof(path), "%s/30-c.conf.disabled", dropins);
	write_file(path, "bogus\n");
	snprintf(path, sizeof(path), "%s/.hidden.conf", dropins);
	write_file(path, "bogus\n");

	policy_init(&p);
	assert_int_equal(policy_load_from(&p, file, dropins), 0);
	assert_false(p.invalid);
	assert_int_equal(p.n_files, 3);
	assert_string_equal(p.files[0], file);
	assert_non_null(strstr(p.files[1], "/10-a.conf"));
	assert_non_null(strstr(p.files[2], "/20-b.conf"));
	assert_int_equal(policy_max_modules(&p), 20);
	assert_name(&p, "dccp", true, false, "/policy.d/10-a.conf:2");
	policy_free(&p);

	/* Drop-ins alone make a policy. */
	unlink(file);
	policy_init(&p);
	assert_int_equal(policy_load_from(&p, file, dropins), 0);
	assert_true(p.present);
	assert_int_equal(p.n_files, 2);
	policy_free(&p);

	/* A drop-in that is a directory is an error, not skipped. */
	snprintf(path, sizeof(path), "%s/40-dir.conf", dropins);
	assert_int_equal(mkdir(path, 0755), 0);
	policy_init(&p);
	assert_true(policy_load_from(&p, file, dropins) < 0);
	assert_true(p.invalid);
	assert_non_null(strstr(p.error, "40-dir.conf"));
	policy_free(&p);

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

static void test_load_missing(void **state)
{
	struct policy p;

	(void)state;
	policy_init(&p);
	assert_int_equal(policy_load_from(&p, "/nonexistent/policy.conf", "/nonexistent/d"), 0);
	assert_false(p.present);
	assert_false(p.invalid);
	policy_free(&p);

	/* A file named with --policy must exist. */
	policy_init(&p);
	assert_int_equal(policy_load(&p, "/nonexistent/policy.conf"), -ENOENT);
	assert_true(p.invalid);
	assert_non_null(strstr(p.error, "cannot read policy file /nonexistent/policy.conf"));
	policy_free(&p);
}

static void test_example_file_parses(void **state)
{
	struct policy p;

	(void)state;
	policy_init(&p);
	assert_int_equal(policy_load(&p, POLICY_EXAMPLE_PATH), 0);
	assert_false(p.invalid);
	assert_true(p.require_signature.value);
	assert_true(p.require_in_tree.value);
	assert_name(&p, "dccp", true, false, "deny dccp");
	assert_name(&p, "n_hdlc", true, false, "deny n_hdlc");
	assert_name(&p, "ip_vs_rr", true, true, "allow ip_vs_*");
	assert_name(&p, "overlay", true, true, "allow overlay");
	policy_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_directives),
		cmocka_unit_test(test_parse_defaults),
		cmocka_unit_test(test_parse_invalid_lines),
		cmocka_unit_test(test_parse_nul_and_long_lines),
		cmocka_unit_test(test_deny_and_allow),
		cmocka_unit_test(test_deny_without_allow),
		cmocka_unit_test(test_no_policy_allows),
		cmocka_unit_test(test_invalid_policy_refuses),
		cmocka_unit_test(test_trust_rules),
		cmocka_unit_test(test_blacklist),
		cmocka_unit_test(test_rule_text_quotes),
		cmocka_unit_test(test_load_dropins_in_order),
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_example_file_parses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
