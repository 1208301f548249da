// SPDX-License-Identifier: LGPL-2.1-or-later
#include "unit.h"

#include <limits.h>
#include <sys/wait.h>
#include <time.h>

struct escape_case {
	const char *name;
	const char *src;
	size_t srclen; /* 0 means strlen(src) */
	size_t dstlen;
	size_t max_input;
	const char *expected;
};

static const struct escape_case escape_cases[] = {
	{ "escape plain", "ip_vs, nf-nat", 0, 64, 64, "ip_vs, nf-nat" },
	{ "escape empty", "", 0, 64, 64, "" },
	{ "escape controls", "\x01\n\t\x1f", 0, 64, 64, "\\x01\\x0a\\x09\\x1f" },
	{ "escape quotes", "'\"\\", 0, 64, 64, "\\x27\\x22\\x5c" },
	{ "escape delete", "\x7f", 0, 64, 64, "\\x7f" },
	{ "escape non-ASCII", "\xc3\xa9\xff", 0, 64, 64, "\\xc3\\xa9\\xff" },
	{ "escape NUL byte", "a\0b", 3, 64, 64, "a\\x00b" },
	{ "escape cut at max", "abcdef", 0, 64, 3, "abc..." },
	{ "escape exactly max", "abc", 0, 64, 3, "abc" },
	{ "escape zero max", "abc", 0, 64, 0, "..." },
	{ "escape cut escaped", "\x01\x02\x03", 0, 64, 2, "\\x01\\x02..." },
	{ "escape length bounds", "abcdef", 2, 64, 64, "ab" },
	/* Each escaped byte needs four characters and the NUL one more. */
	{ "escape tiny buffer", "\x01", 0, 5, 64, "" },
	{ "escape fits escaped", "\x01", 0, 6, 64, "\\x01" },
	{ "escape one byte buffer", "abc", 0, 1, 64, "" },
	/*
	 * A buffer of N * 4 + 4 bytes, as ESCAPED_BUFSZ is for ESCAPED_MAX, has room
	 * for N escaped bytes and "...".
	 */
	{ "escape full marker",
	  "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
	  "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01",
	  0, 16 * 4 + 4, 16,
	  "\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01"
	  "..." },
};

static void escape_table(void **state)
{
	const struct escape_case *c = *state;
	size_t srclen = c->srclen ? c->srclen : strlen(c->src);
	char dst[512];

	assert_true(c->dstlen < sizeof(dst));
	memset(dst, 'Z', sizeof(dst));
	assert_ptr_equal(escape_untrusted(dst, c->dstlen, c->src, srclen, c->max_input), dst);
	assert_string_equal(dst, c->expected);
	assert_int_equal(dst[c->dstlen], 'Z');
}

static void escape_zero_buffer(void **state)
{
	char dst[4] = "ZZZ";

	(void)state;
	assert_ptr_equal(escape_untrusted(dst, 0, "abc", 3, 64), dst);
	assert_string_equal(dst, "ZZZ");
}

/* For every buffer size, the output is NUL-terminated, printable and inside the buffer. */
static void escape_all_sizes(void **state)
{
	static const char src[] = "a\"\x01\xc3\xa9'b\\c\n";
	char dst[80];

	(void)state;
	for (size_t dstlen = 1; dstlen < 64; dstlen++) {
		memset(dst, 'Z', sizeof(dst));
		escape_untrusted(dst, dstlen, src, sizeof(src) - 1, 4);
		assert_true(strlen(dst) < dstlen);
		assert_int_equal(dst[dstlen], 'Z');
		for (const char *p = dst; *p; p++) {
			assert_true(*p >= 0x20 && *p < 0x7f);
			assert_true(*p != '"' && *p != '\'');
		}
	}
}

static int pipe_with(const char *data, size_t len, bool close_writer, int *writer)
{
	int fds[2];

	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	if (len > 0)
		assert_int_equal(write(fds[1], data, len), (ssize_t)len);
	if (close_writer) {
		assert_int_equal(close(fds[1]), 0);
		fds[1] = -1;
	}
	if (writer)
		*writer = fds[1];
	return fds[0];
}

static void read_pipe_eof(void **state)
{
	int fd = pipe_with("hello", 5, true, NULL);
	char *buf = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(read_all(fd, 100, 1000, &buf, &len), 0);
	close(fd);
	assert_int_equal(len, 5);
	assert_string_equal(buf, "hello");
	free(buf);
}

static void read_pipe_empty(void **state)
{
	int fd = pipe_with("", 0, true, NULL);
	char *buf = NULL;
	size_t len = 1;

	(void)state;
	assert_int_equal(read_all(fd, 100, -1, &buf, &len), 0);
	close(fd);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	free(buf);
}

static void read_pipe_at_max(void **state)
{
	int fd = pipe_with("0123456789", 10, true, NULL);
	char *buf = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(read_all(fd, 10, -1, &buf, &len), 0);
	close(fd);
	assert_int_equal(len, 10);
	free(buf);
}

static void read_pipe_over_max(void **state)
{
	int fd = pipe_with("0123456789X", 11, true, NULL);
	char *buf = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(read_all(fd, 10, -1, &buf, &len), -EFBIG);
	close(fd);
	assert_null(buf);
}

static long long elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000LL + (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* The writer stays open, so no end of file arrives and the 200 ms timeout fires. */
static void read_timeout_open_writer(void **state)
{
	int writer;
	int fd = pipe_with("partial", 7, false, &writer);
	struct timespec start;
	char *buf = NULL;
	size_t len = 0;
	long long ms;
	int r;

	(void)state;
	alarm(10);
	clock_gettime(CLOCK_MONOTONIC, &start);
	r = read_all(fd, 100, 200, &buf, &len);
	ms = elapsed_ms(&start);
	alarm(0);
	close(fd);
	close(writer);

	assert_int_equal(r, -ETIMEDOUT);
	assert_null(buf);
	assert_in_range(ms, 190, 5000);
}

static void read_timeout_no_data(void **state)
{
	int writer;
	int fd = pipe_with("", 0, false, &writer);
	char *buf = NULL;
	size_t len = 0;
	int r;

	(void)state;
	alarm(10);
	r = read_all(fd, 100, 200, &buf, &len);
	alarm(0);
	close(fd);
	close(writer);
	assert_int_equal(r, -ETIMEDOUT);
}

/* A non-blocking reader without a deadline waits for a writer that is late. */
static void read_nonblocking_late_writer(void **state)
{
	int writer, fd = pipe_with("", 0, false, &writer);
	char *buf = NULL;
	size_t len = 0;
	pid_t pid;

	(void)state;
	assert_int_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct timespec delay = { .tv_nsec = 50 * 1000 * 1000 };

		nanosleep(&delay, NULL);
		_exit(write(writer, "late", 4) == 4 ? 0 : 1);
	}
	close(writer);

	alarm(10);
	assert_int_equal(read_all(fd, 100, -1, &buf, &len), 0);
	alarm(0);
	assert_int_equal(len, 4);
	assert_string_equal(buf, "late");
	free(buf);
	close(fd);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
}

static void read_bad_fd(void **state)
{
	int fd = pipe_with("", 0, true, NULL);
	char *buf = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(close(fd), 0);
	alarm(10);
	assert_int_equal(read_all(fd, 100, 200, &buf, &len), -EBADF);
	alarm(0);
}

struct size_case {
	const char *name;
	size_t size;
	size_t max_size;
	int ret;
};

/* Sizes around the 4096-byte first buffer and its doublings. */
static const struct size_case size_cases[] = {
	{ "size 4095 at max", 4095, 4095, 0 },   { "size 4096 at max", 4096, 4096, 0 },
	{ "size 4097 at max", 4097, 4097, 0 },   { "size 8192 at max", 8192, 8192, 0 },
	{ "size 100000 at max", 100000, 100000, 0 },
	{ "size 100000 big max", 100000, 1 << 20, 0 },
	{ "size 4096 over max", 4096, 4095, -EFBIG },
	{ "size 4097 over max", 4097, 4096, -EFBIG },
	{ "size 100000 over max", 100000, 99999, -EFBIG },
	{ "size 10 max zero", 10, 0, -EFBIG },
	{ "size 0 max zero", 0, 0, 0 },
};

static void size_table(void **state)
{
	const struct size_case *c = *state;
	FILE *f = tmpfile();
	char *data = malloc(c->size + 1);
	char *buf = NULL;
	size_t len = 0;
	int r;

	assert_non_null(f);
	assert_non_null(data);
	for (size_t i = 0; i < c->size; i++)
		data[i] = (char)('a' + i % 26);
	assert_int_equal(fwrite(data, 1, c->size, f), c->size);
	assert_int_equal(fflush(f), 0);
	assert_int_equal(lseek(fileno(f), 0, SEEK_SET), 0);

	r = read_all(fileno(f), c->max_size, 1000, &buf, &len);
	fclose(f);

	assert_int_equal(r, c->ret);
	if (r == 0) {
		assert_int_equal(len, c->size);
		assert_memory_equal(buf, data, c->size);
		assert_int_equal(buf[len], '\0');
	}
	free(buf);
	free(data);
}

struct small_file_case {
	const char *name;
	const char *content;
	size_t buflen;
	const char *expected;
};

static const struct small_file_case small_file_cases[] = {
	{ "small live", "live\n", 32, "live" },
	{ "small no newline", "live", 32, "live" },
	{ "small trailing blanks", "1 \n\n", 32, "1" },
	{ "small empty", "", 32, "" },
	{ "small only newline", "\n", 32, "" },
	{ "small cut to buffer", "coming\n", 4, "com" },
	{ "small leading space kept", " 1\n", 32, " 1" },
};

static void small_file_table(void **state)
{
	const struct small_file_case *c = *state;
	char *dir = NULL;
	char path[PATH_MAX], buf[64];
	int r;

	assert_true(c->buflen <= sizeof(buf));
	assert_int_equal(tmpdir_setup((void **)&dir), 0);
	write_file(path_join(path, sizeof(path), dir, "f"), c->content, strlen(c->content));
	r = read_small_file(path, buf, c->buflen);
	assert_int_equal(tmpdir_teardown((void **)&dir), 0);

	assert_int_equal(r, 0);
	assert_string_equal(buf, c->expected);
}

static void small_missing(void **state)
{
	char path[PATH_MAX], buf[16];

	assert_int_equal(read_small_file(path_join(path, sizeof(path), *state, "none"), buf,
					 sizeof(buf)),
			 -ENOENT);
}

static void small_directory(void **state)
{
	char buf[16];

	assert_int_equal(read_small_file(*state, buf, sizeof(buf)), -EISDIR);
}

struct canonicalize_case {
	const char *name;
	const char *in;
	const char *out;
};

static const struct canonicalize_case canonicalize_cases[] = {
	{ "canon dash", "ip-vs", "ip_vs" },
	{ "canon many dashes", "a-b-c--", "a_b_c__" },
	{ "canon underscore kept", "nf_nat", "nf_nat" },
	{ "canon empty", "", "" },
	{ "canon other bytes kept", "A.b/c", "A.b/c" },
};

static void canonicalize_table(void **state)
{
	const struct canonicalize_case *c = *state;
	char buf[64];

	assert_true(strlen(c->in) < sizeof(buf));
	strcpy(buf, c->in);
	module_name_canonicalize(buf);
	assert_string_equal(buf, c->out);
}

int main(void)
{
	struct CMUnitTest tests[UNIT_MAX_TESTS];
	size_t n = 0;

	ADD_TABLE(tests, &n, escape_table, escape_cases);
	ADD_TEST(tests, &n, escape_zero_buffer);
	ADD_TEST(tests, &n, escape_all_sizes);
	ADD_TEST(tests, &n, read_pipe_eof);
	ADD_TEST(tests, &n, read_pipe_empty);
	ADD_TEST(tests, &n, read_pipe_at_max);
	ADD_TEST(tests, &n, read_pipe_over_max);
	ADD_TEST(tests, &n, read_timeout_open_writer);
	ADD_TEST(tests, &n, read_timeout_no_data);
	ADD_TEST(tests, &n, read_nonblocking_late_writer);
	ADD_TEST(tests, &n, read_bad_fd);
	ADD_TABLE(tests, &n, size_table, size_cases);
	ADD_TABLE(tests, &n, small_file_table, small_file_cases);
	ADD_TEST_TMPDIR(tests, &n, small_missing);
	ADD_TEST_TMPDIR(tests, &n, small_directory);
	ADD_TABLE(tests, &n, canonicalize_table, canonicalize_cases);
	return RUN_TESTS("util", tests, n);
}
