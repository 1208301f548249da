// SPDX-License-Identifier: LGPL-2.1-or-later
#include "unit.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>

#include "devlog.h"

struct receiver {
	char *dir;
	char path[108];
	int fd;
};

static int bind_receiver(struct receiver *rx, int type)
{
	struct sockaddr_un address = { .sun_family = AF_UNIX };

	snprintf(address.sun_path, sizeof(address.sun_path), "%s", rx->path);
	rx->fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (rx->fd < 0 || bind(rx->fd, (struct sockaddr *)&address, sizeof(address)) < 0)
		return -1;
	if (type == SOCK_STREAM && listen(rx->fd, 4) < 0)
		return -1;
	return 0;
}

static int receiver_setup(void **state)
{
	struct receiver *rx = calloc(1, sizeof(*rx));

	if (!rx || tmpdir_setup((void **)&rx->dir) < 0)
		return -1;
	snprintf(rx->path, sizeof(rx->path), "%s/log", rx->dir);
	rx->fd = -1;
	devlog_use_path(rx->path);
	*state = rx;
	return 0;
}

static int receiver_teardown(void **state)
{
	struct receiver *rx = *state;

	devlog_close();
	if (rx->fd >= 0)
		close(rx->fd);
	tmpdir_teardown((void **)&rx->dir);
	free(rx);
	return 0;
}

/* Receive one message, waiting at most a second. Returns its length, or -1. */
static ssize_t receive(int fd, char *buf, size_t buflen)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&pfd, 1, 1000) != 1)
		return -1;
	n = recv(fd, buf, buflen - 1, 0);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

static void expected_message(char *buf, size_t buflen, int priority, const char *line)
{
	snprintf(buf, buflen, "<%d>test-ident[%d]: %s", priority, (int)getpid(), line);
}

static void devlog_datagram_header(void **state)
{
	struct receiver *rx = *state;
	char got[256], want[256];

	assert_int_equal(bind_receiver(rx, SOCK_DGRAM), 0);
	devlog_send(LOG_DAEMON | LOG_INFO, "test-ident", "container c1: ip_vs loaded");

	expected_message(want, sizeof(want), 30, "container c1: ip_vs loaded");
	assert_int_equal(receive(rx->fd, got, sizeof(got)), (ssize_t)strlen(want));
	assert_string_equal(got, want);
}

static void devlog_keeps_connection(void **state)
{
	struct receiver *rx = *state;
	char got[256], want[256];

	assert_int_equal(bind_receiver(rx, SOCK_DGRAM), 0);
	devlog_send(LOG_DAEMON | LOG_ERR, "test-ident", "first");
	assert_true(receive(rx->fd, got, sizeof(got)) > 0);

	/* Once connected, lines still arrive after the path is gone. */
	assert_int_equal(unlink(rx->path), 0);
	devlog_send(LOG_DAEMON | LOG_ERR, "test-ident", "second");

	expected_message(want, sizeof(want), 27, "second");
	assert_true(receive(rx->fd, got, sizeof(got)) > 0);
	assert_string_equal(got, want);
}

static void devlog_reconnects(void **state)
{
	struct receiver *rx = *state;
	char got[256], want[256];

	assert_int_equal(bind_receiver(rx, SOCK_DGRAM), 0);
	devlog_send(LOG_DAEMON | LOG_INFO, "test-ident", "before restart");
	assert_true(receive(rx->fd, got, sizeof(got)) > 0);

	/* A daemon that restarts binds a new socket at the same path. */
	close(rx->fd);
	assert_int_equal(unlink(rx->path), 0);
	assert_int_equal(bind_receiver(rx, SOCK_DGRAM), 0);
	devlog_send(LOG_DAEMON | LOG_INFO, "test-ident", "after restart");

	expected_message(want, sizeof(want), 30, "after restart");
	assert_true(receive(rx->fd, got, sizeof(got)) > 0);
	assert_string_equal(got, want);
}

static void devlog_stream_fallback(void **state)
{
	struct receiver *rx = *state;
	char got[256], want[256];
	int conn;

	assert_int_equal(bind_receiver(rx, SOCK_STREAM), 0);
	devlog_send(LOG_DAEMON | LOG_WARNING, "test-ident", "over a stream");

	conn = accept(rx->fd, NULL, NULL);
	assert_true(conn >= 0);
	expected_message(want, sizeof(want), 28, "over a stream");

	/* The NUL that ends the message is sent too. */
	assert_int_equal(receive(conn, got, sizeof(got)), (ssize_t)strlen(want) + 1);
	assert_string_equal(got, want);
	close(conn);
}

static void devlog_no_daemon(void **state)
{
	struct receiver *rx = *state;

	/* Nothing listens at the path, so the line is dropped and nothing fails. */
	devlog_send(LOG_DAEMON | LOG_INFO, "test-ident", "dropped");
	assert_int_equal(access(rx->path, F_OK), -1);
}

static void devlog_long_line_cut(void **state)
{
	struct receiver *rx = *state;
	char *line = malloc(20000), *got = malloc(20000);
	ssize_t n;

	assert_non_null(line);
	assert_non_null(got);
	memset(line, 'x', 19999);
	line[19999] = '\0';

	assert_int_equal(bind_receiver(rx, SOCK_DGRAM), 0);
	devlog_send(LOG_DAEMON | LOG_INFO, "test-ident", line);
	n = receive(rx->fd, got, 20000);

	assert_true(n > 4000);
	assert_true(n < 19999);
	assert_int_equal(got[n - 1], 'x');
	free(line);
	free(got);
}

/* A daemon that stops reading costs one timeout, and the later lines are dropped at once. */
static void devlog_stalled_daemon(void **state)
{
	struct receiver *rx = *state;
	long long start, first_blocked = -1, after;
	char got[256];
	int received = 0;

	assert_int_equal(bind_receiver(rx, SOCK_DGRAM), 0);
	start = monotonic_ms();
	for (int i = 0; i < 2000 && first_blocked < 0; i++) {
		long long before = monotonic_ms();

		devlog_send(LOG_DAEMON | LOG_INFO, "test-ident", "filling the queue");
		if (monotonic_ms() - before >= 500)
			first_blocked = i;
	}
	assert_true(first_blocked > 0);

	after = monotonic_ms();
	for (int i = 0; i < 100; i++)
		devlog_send(LOG_DAEMON | LOG_INFO, "test-ident", "dropped");
	assert_true(monotonic_ms() - after < 500);
	assert_true(monotonic_ms() - start < 5000);

	while (receive(rx->fd, got, sizeof(got)) > 0 && received <= first_blocked)
		received++;
	assert_int_equal(received, first_blocked);
}

/* A stream daemon that stops accepting makes connect() wait, and costs one timeout too. */
static void devlog_stalled_stream_daemon(void **state)
{
	struct receiver *rx = *state;
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	long long start;
	int waiting[4];

	assert_int_equal(bind_receiver(rx, SOCK_STREAM), 0);
	assert_int_equal(listen(rx->fd, 0), 0);
	snprintf(address.sun_path, sizeof(address.sun_path), "%s", rx->path);

	/* Fill the backlog with connections that are never accepted. */
	for (size_t i = 0; i < ARRAY_SIZE(waiting); i++) {
		waiting[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		assert_true(waiting[i] >= 0);
		connect(waiting[i], (struct sockaddr *)&address, sizeof(address));
	}

	start = monotonic_ms();
	for (int i = 0; i < 5; i++)
		devlog_send(LOG_DAEMON | LOG_INFO, "test-ident", "not accepted");

	assert_true(monotonic_ms() - start >= 500);
	assert_true(monotonic_ms() - start < 2500);
	for (size_t i = 0; i < ARRAY_SIZE(waiting); i++)
		close(waiting[i]);
}

#define ADD_RECEIVER_TEST(tests, n, func) \
	ADD_TEST_SETUP(tests, n, func, receiver_setup, receiver_teardown)

int main(void)
{
	struct CMUnitTest tests[UNIT_MAX_TESTS];
	size_t n = 0;

	ADD_RECEIVER_TEST(tests, &n, devlog_datagram_header);
	ADD_RECEIVER_TEST(tests, &n, devlog_keeps_connection);
	ADD_RECEIVER_TEST(tests, &n, devlog_reconnects);
	ADD_RECEIVER_TEST(tests, &n, devlog_stream_fallback);
	ADD_RECEIVER_TEST(tests, &n, devlog_no_daemon);
	ADD_RECEIVER_TEST(tests, &n, devlog_long_line_cut);
	ADD_RECEIVER_TEST(tests, &n, devlog_stalled_daemon);
	ADD_RECEIVER_TEST(tests, &n, devlog_stalled_stream_daemon);
	return RUN_TESTS("devlog", tests, n);
}
