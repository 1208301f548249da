// SPDX-License-Identifier: LGPL-2.1-or-later
#include "unit.h"

#include <limits.h>

#include "kernel.h"

/* Create <root>/<relative_path> with its parent directories and write content into it. */
static void write_nested_file(const char *root, const char *relative_path, const char *content)
{
	char path[PATH_MAX];
	char *slash;

	path_join(path, sizeof(path), root, "%s", relative_path);
	slash = strrchr(path, '/');
	*slash = '\0';
	make_dirs(path);
	*slash = '/';
	write_file(path, content, strlen(content));
}

struct state_case {
	const char *name;
	const char *relative_path; /* file or directory created below sysfs, or NULL */
	const char *content; /* NULL creates a directory at relative_path */
	const char *module;
	enum module_state state;
};

static const struct state_case state_cases[] = {
	{ "state live", "module/ip_vs/initstate", "live\n", "ip_vs", MODULE_LIVE },
	{ "state coming", "module/ip_vs/initstate", "coming\n", "ip_vs", MODULE_COMING },
	{ "state going", "module/ip_vs/initstate", "going\n", "ip_vs", MODULE_GOING },
	{ "state no newline", "module/ip_vs/initstate", "live", "ip_vs", MODULE_LIVE },
	{ "state builtin", "module/ext4/parameters", NULL, "ext4", MODULE_BUILTIN },
	{ "state absent", "module/other/initstate", "live\n", "ip_vs", MODULE_ABSENT },
	{ "state no module dir", NULL, NULL, "ip_vs", MODULE_ABSENT },
	{ "state unknown text", "module/ip_vs/initstate", "unformed\n", "ip_vs", MODULE_ABSENT },
	{ "state empty file", "module/ip_vs/initstate", "", "ip_vs", MODULE_ABSENT },
	{ "state initstate dir", "module/ip_vs/initstate", NULL, "ip_vs", MODULE_ABSENT },
	{ "state prefix only", "module/ip_vs/initstate", "liveX\n", "ip_vs", MODULE_ABSENT },
};

static void state_table(void **state)
{
	const struct state_case *c = *state;
	char *root = NULL;
	char sysfs[PATH_MAX], path[PATH_MAX];
	struct kernel_paths paths = { .sysfs = sysfs, .procfs = "/nonexistent" };
	enum module_state actual;

	assert_int_equal(tmpdir_setup((void **)&root), 0);
	make_dirs(path_join(sysfs, sizeof(sysfs), root, "sys"));
	if (c->relative_path && c->content)
		write_nested_file(sysfs, c->relative_path, c->content);
	else if (c->relative_path)
		make_dirs(path_join(path, sizeof(path), sysfs, "%s", c->relative_path));

	actual = kernel_module_state(&paths, c->module);
	assert_int_equal(tmpdir_teardown((void **)&root), 0);

	assert_int_equal(actual, c->state);
}

static void state_names(void **state)
{
	(void)state;
	assert_string_equal(module_state_name(MODULE_LIVE), "live");
	assert_string_equal(module_state_name(MODULE_COMING), "coming");
	assert_string_equal(module_state_name(MODULE_GOING), "going");
	assert_string_equal(module_state_name(MODULE_BUILTIN), "builtin");
	assert_string_equal(module_state_name(MODULE_ABSENT), "absent");
}

static void support_present(void **state)
{
	struct kernel_paths paths = { .sysfs = "/nonexistent", .procfs = *state };

	write_nested_file(*state, "modules", "ip_vs 1 0 - Live 0x0\n");
	assert_true(kernel_has_module_support(&paths));
}

static void support_absent(void **state)
{
	struct kernel_paths paths = { .sysfs = "/nonexistent", .procfs = *state };

	assert_false(kernel_has_module_support(&paths));
}

struct disabled_case {
	const char *name;
	const char *content; /* NULL leaves the file missing */
	bool disabled;
};

static const struct disabled_case disabled_cases[] = {
	{ "disabled one", "1\n", true },
	{ "disabled one bare", "1", true },
	{ "disabled zero", "0\n", false },
	{ "disabled missing", NULL, false },
	{ "disabled empty", "", false },
	{ "disabled ten", "10\n", false },
};

static void disabled_table(void **state)
{
	const struct disabled_case *c = *state;
	char *root = NULL;
	struct kernel_paths paths = { .sysfs = "/nonexistent" };
	bool actual;

	assert_int_equal(tmpdir_setup((void **)&root), 0);
	paths.procfs = root;
	if (c->content)
		write_nested_file(root, "sys/kernel/modules_disabled", c->content);
	actual = kernel_modules_disabled(&paths);
	assert_int_equal(tmpdir_teardown((void **)&root), 0);

	assert_int_equal(actual, c->disabled);
}

int main(void)
{
	struct CMUnitTest tests[UNIT_MAX_TESTS];
	size_t n = 0;

	ADD_TABLE(tests, &n, state_table, state_cases);
	ADD_TEST(tests, &n, state_names);
	ADD_TEST_TMPDIR(tests, &n, support_present);
	ADD_TEST_TMPDIR(tests, &n, support_absent);
	ADD_TABLE(tests, &n, disabled_table, disabled_cases);
	return RUN_TESTS("kernel", tests, n);
}
