// SPDX-License-Identifier: LGPL-2.1-or-later
#include "unit.h"

#include <limits.h>

#include "config.h"

struct find_case {
	const char *name;
	const char *json;
	int ret;
	const char *value; /* expected value when ret is 1 */
	size_t value_len;
	const char *reason; /* substring of the reason when ret < 0 */
};

#define ENV(entries) "{\"ociVersion\":\"1.0.2\",\"process\":{\"env\":[" entries "]}}"
#define FOUND(label, json, value) { label, json, 1, value, sizeof(value) - 1, NULL }
#define ABSENT(label, json) { label, json, 0, NULL, 0, NULL }
#define BAD(label, json, reason) { label, json, -EINVAL, NULL, 0, reason }

static const struct find_case find_cases[] = {
	FOUND("found", ENV("\"PATH=/bin\",\"KERNEL_MODULES=ip_vs,nf_nat\""), "ip_vs,nf_nat"),
	FOUND("found empty value", ENV("\"KERNEL_MODULES=\""), ""),
	FOUND("split at first equals", ENV("\"KERNEL_MODULES=a=b\""), "a=b"),
	FOUND("value keeps blanks", ENV("\"KERNEL_MODULES= a ,\\tb \""), " a ,\tb "),
	FOUND("escaped key", ENV("\"\\u004bERNEL_MODULES=ip_vs\""), "ip_vs"),
	FOUND("escaped value", ENV("\"KERNEL_MODULES=ip\\u005fvs\\/x\""), "ip_vs/x"),
	FOUND("NUL inside value", ENV("\"KERNEL_MODULES=ip\\u0000vs\""), "ip\0vs"),
	FOUND("NUL ends value", ENV("\"KERNEL_MODULES=ip_vs\\u0000\""), "ip_vs\0"),
	FOUND("repeat same value", ENV("\"KERNEL_MODULES=a\",\"X=1\",\"KERNEL_MODULES=a\""), "a"),
	FOUND("lookalikes skipped",
	      ENV("\"MY_KERNEL_MODULES=x\",\"kernel_modules=x\",\"KERNEL_MODULES_X=x\","
		  "\"KERNEL_MODULES\",\"=x\",\"KERNEL_MODULES=real\""),
	      "real"),

	ABSENT("not set", ENV("\"PATH=/bin\",\"HOME=/root\"")),
	ABSENT("empty env", ENV("")),
	ABSENT("prefixed key", ENV("\"MY_KERNEL_MODULES=ip_vs\"")),
	ABSENT("lowercase key", ENV("\"kernel_modules=ip_vs\"")),
	ABSENT("longer key", ENV("\"KERNEL_MODULES_X=ip_vs\"")),
	ABSENT("key without equals", ENV("\"KERNEL_MODULES\"")),
	ABSENT("empty key", ENV("\"=KERNEL_MODULES\"")),
	ABSENT("key with space", ENV("\"KERNEL_MODULES =ip_vs\"")),
	ABSENT("key after NUL", ENV("\"X\\u0000KERNEL_MODULES=ip_vs\"")),
	ABSENT("process missing", "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"}}"),
	ABSENT("process null", "{\"process\":null}"),
	ABSENT("env missing", "{\"process\":{\"args\":[\"sh\"]}}"),
	ABSENT("env null", "{\"process\":{\"env\":null}}"),
	ABSENT("env at top level", "{\"env\":[\"KERNEL_MODULES=ip_vs\"]}"),

	BAD("repeat different value", ENV("\"KERNEL_MODULES=a\",\"KERNEL_MODULES=b\""),
	    "more than once with different values"),
	BAD("repeat differs by NUL", ENV("\"KERNEL_MODULES=a\",\"KERNEL_MODULES=a\\u0000\""),
	    "more than once with different values"),
	BAD("repeat differs by prefix", ENV("\"KERNEL_MODULES=ab\",\"KERNEL_MODULES=a\""),
	    "more than once with different values"),
	BAD("process array", "{\"process\":[]}", "\"process\" is not an object"),
	BAD("process string", "{\"process\":\"x\"}", "\"process\" is not an object"),
	BAD("env object", "{\"process\":{\"env\":{}}}", "\"process.env\" is not an array"),
	BAD("env string", "{\"process\":{\"env\":\"KERNEL_MODULES=a\"}}",
	    "\"process.env\" is not an array"),
	BAD("element number", ENV("1"), "element 0 is not a string"),
	BAD("element null", ENV("\"A=1\",null"), "element 1 is not a string"),
	BAD("element after match", ENV("\"KERNEL_MODULES=a\",{}"), "element 1 is not a string"),
	BAD("top level array", "[]", "not a JSON object"),
	BAD("invalid JSON", "{\"process\":", "truncated"),
	BAD("empty document", "", "empty"),
};

static void find_table(void **state)
{
	const struct find_case *c = *state;
	char reason[256] = "";
	char *value = NULL;
	size_t value_len = SIZE_MAX;
	int r;

	r = config_find_kernel_modules(c->json, strlen(c->json), &value, &value_len, reason,
				       sizeof(reason));

	assert_int_equal(r, c->ret);
	if (r < 0 && !strstr(reason, c->reason))
		fail_msg("reason \"%s\" lacks \"%s\"", reason, c->reason);
	if (r != 1) {
		assert_null(value);
		return;
	}
	assert_int_equal(value_len, c->value_len);
	assert_memory_equal(value, c->value, c->value_len);
	assert_int_equal(value[value_len], '\0');
	free(value);
}

static const char config_text[] = "{\"ociVersion\":\"1.0.2\"}\n";

static void read_config(const char *bundle, int expected_ret, const char *reason_substring)
{
	char reason[256] = "";
	char *buf = NULL;
	size_t len = 0;
	int r;

	r = config_read(bundle, &buf, &len, reason, sizeof(reason));
	free(buf);
	assert_int_equal(r, expected_ret);
	if (reason_substring && !strstr(reason, reason_substring))
		fail_msg("reason \"%s\" lacks \"%s\"", reason, reason_substring);
}

static void read_regular(void **state)
{
	const char *dir = *state;
	char path[PATH_MAX], reason[256] = "";
	char *buf = NULL;
	size_t len = 0;

	write_file(path_join(path, sizeof(path), dir, "config.json"), config_text,
		   sizeof(config_text) - 1);
	assert_int_equal(config_read(dir, &buf, &len, reason, sizeof(reason)), 0);
	assert_int_equal(len, sizeof(config_text) - 1);
	assert_string_equal(buf, config_text);
	free(buf);
}

static void read_empty_file(void **state)
{
	const char *dir = *state;
	char path[PATH_MAX], reason[256] = "";
	char *buf = NULL;
	size_t len = 1;

	write_file(path_join(path, sizeof(path), dir, "config.json"), "", 0);
	assert_int_equal(config_read(dir, &buf, &len, reason, sizeof(reason)), 0);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	free(buf);
}

static void read_symlink(void **state)
{
	const char *dir = *state;
	char target[PATH_MAX], link[PATH_MAX];

	write_file(path_join(target, sizeof(target), dir, "real.json"), config_text,
		   sizeof(config_text) - 1);
	assert_int_equal(symlink(target, path_join(link, sizeof(link), dir, "config.json")), 0);
	read_config(dir, -ELOOP, "symbolic link");
}

static void read_dangling_symlink(void **state)
{
	const char *dir = *state;
	char link[PATH_MAX];

	assert_int_equal(symlink("/nonexistent", path_join(link, sizeof(link), dir, "config.json")),
			 0);
	read_config(dir, -ELOOP, "symbolic link");
}

/* A symlinked bundle directory is followed, because only config.json itself is checked. */
static void read_bundle_symlink(void **state)
{
	const char *dir = *state;
	char real[PATH_MAX], path[PATH_MAX], link[PATH_MAX];

	path_join(real, sizeof(real), dir, "real");
	make_dirs(real);
	write_file(path_join(path, sizeof(path), real, "config.json"), config_text,
		   sizeof(config_text) - 1);
	assert_int_equal(symlink(real, path_join(link, sizeof(link), dir, "bundle")), 0);
	read_config(link, 0, NULL);
}

static void read_directory(void **state)
{
	const char *dir = *state;
	char path[PATH_MAX];

	make_dirs(path_join(path, sizeof(path), dir, "config.json"));
	read_config(dir, -EINVAL, "not a regular file");
}

/* A FIFO must be rejected without blocking the open or the read. */
static void read_fifo(void **state)
{
	const char *dir = *state;
	char path[PATH_MAX];

	assert_int_equal(mkfifo(path_join(path, sizeof(path), dir, "config.json"), 0644), 0);
	alarm(10);
	read_config(dir, -EINVAL, "not a regular file");
	alarm(0);
}

static void read_missing_file(void **state)
{
	read_config(*state, -ENOENT, "cannot open config.json");
}

static void read_missing_bundle(void **state)
{
	char path[PATH_MAX];

	read_config(path_join(path, sizeof(path), *state, "gone"), -ENOENT,
		    "cannot open the bundle directory");
}

static void read_bundle_is_file(void **state)
{
	char path[PATH_MAX];

	write_file(path_join(path, sizeof(path), *state, "file"), "x", 1);
	read_config(path, -ENOTDIR, "cannot open the bundle directory");
}

static void make_sparse(const char *dir, off_t size)
{
	char path[PATH_MAX];
	int fd;

	path_join(path, sizeof(path), dir, "config.json");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, size), 0);
	assert_int_equal(close(fd), 0);
}

static void read_over_max(void **state)
{
	make_sparse(*state, (off_t)CONFIG_MAX_SIZE + 1);
	read_config(*state, -EFBIG, "larger than 32 MiB");
}

static void read_at_max(void **state)
{
	char reason[256] = "";
	char *buf = NULL;
	size_t len = 0;

	make_sparse(*state, CONFIG_MAX_SIZE);
	assert_int_equal(config_read(*state, &buf, &len, reason, sizeof(reason)), 0);
	assert_int_equal(len, CONFIG_MAX_SIZE);
	free(buf);
}

int main(void)
{
	struct CMUnitTest tests[UNIT_MAX_TESTS];
	size_t n = 0;

	ADD_TABLE(tests, &n, find_table, find_cases);
	ADD_TEST_TMPDIR(tests, &n, read_regular);
	ADD_TEST_TMPDIR(tests, &n, read_empty_file);
	ADD_TEST_TMPDIR(tests, &n, read_symlink);
	ADD_TEST_TMPDIR(tests, &n, read_dangling_symlink);
	ADD_TEST_TMPDIR(tests, &n, read_bundle_symlink);
	ADD_TEST_TMPDIR(tests, &n, read_directory);
	ADD_TEST_TMPDIR(tests, &n, read_fifo);
	ADD_TEST_TMPDIR(tests, &n, read_missing_file);
	ADD_TEST_TMPDIR(tests, &n, read_missing_bundle);
	ADD_TEST_TMPDIR(tests, &n, read_bundle_is_file);
	ADD_TEST_TMPDIR(tests, &n, read_over_max);
	ADD_TEST_TMPDIR(tests, &n, read_at_max);
	return RUN_TESTS("config", tests, n);
}
