// SPDX-License-Identifier: LGPL-2.1-or-later
#include "unit.h"

#include <signal.h>
#include <time.h>

#include "install.h"
#include "kmod-dl.h"

struct install_fixture {
	struct kmod_ctx *ctx;
	struct kmod_module *mod;
	struct install_status status;
};

static int install_setup(void **state)
{
	struct install_fixture *fx = calloc(1, sizeof(*fx));
	char reason[256];

	if (!fx || kmod_dl_open(reason, sizeof(reason)) < 0)
		return -1;
	fx->ctx = kmod_new(NULL, NULL);
	if (!fx->ctx || kmod_module_new_from_name(fx->ctx, "kmodhook_test", &fx->mod) < 0)
		return -1;
	fx->status = (struct install_status){ .container = "c1" };
	*state = fx;
	return 0;
}

static int install_teardown(void **state)
{
	struct install_fixture *fx = *state;

	kmod_module_unref(fx->mod);
	kmod_unref(fx->ctx);
	free(fx);
	return 0;
}

static long long elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000LL + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static void install_exit_zero(void **state)
{
	struct install_fixture *fx = *state;

	assert_int_equal(install_command_run_within(fx->mod, "true", 5000, &fx->status), 0);
	assert_int_equal(fx->status.exit_status, 0);
	assert_int_equal(fx->status.start_error, 0);
	assert_false(fx->status.timed_out);
}

static void install_exit_status(void **state)
{
	struct install_fixture *fx = *state;

	assert_int_equal(install_command_run_within(fx->mod, "exit 3", 5000, &fx->status),
			 -EINVAL);
	assert_int_equal(fx->status.exit_status, 3);
	assert_int_equal(fx->status.start_error, 0);
}

/* A shell that cannot find its command exits with 127, which is not a start error. */
static void install_command_not_found(void **state)
{
	struct install_fixture *fx = *state;

	assert_int_equal(install_command_run_within(fx->mod, "/nonexistent/cmd", 5000,
						    &fx->status),
			 -EINVAL);
	assert_int_equal(fx->status.exit_status, 127);
	assert_int_equal(fx->status.start_error, 0);
}

static void install_killed_by_signal(void **state)
{
	struct install_fixture *fx = *state;

	assert_int_equal(install_command_run_within(fx->mod, "kill -TERM $$", 5000, &fx->status),
			 -EINVAL);
	assert_int_equal(fx->status.signal, SIGTERM);
	assert_int_equal(fx->status.exit_status, -1);
}

/* One argument over the kernel's 128 KiB limit makes execve() fail with E2BIG. */
static void install_too_long_to_start(void **state)
{
	struct install_fixture *fx = *state;
	size_t len = 200 * 1024;
	char *cmd = malloc(len + 1);

	assert_non_null(cmd);
	memset(cmd, ':', len);
	cmd[len] = '\0';

	assert_int_equal(install_command_run_within(fx->mod, cmd, 5000, &fx->status), -E2BIG);
	assert_int_equal(fx->status.start_error, E2BIG);
	free(cmd);
}

/* The timeout kills the whole process group, and is measured on the clock. */
static void install_timeout_kills(void **state)
{
	struct install_fixture *fx = *state;
	struct timespec start;
	long long took;

	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(install_command_run_within(fx->mod, "sleep 30 & wait", 300, &fx->status),
			 -EINVAL);
	took = elapsed_ms(&start);

	assert_true(fx->status.timed_out);
	assert_int_equal(fx->status.signal, SIGKILL);
	assert_true(took >= 300);
	assert_true(took < 10000);
}

/* The command gets only PATH and MODPROBE_MODULE, and no descriptor above stderr. */
static void install_environment_and_fds(void **state)
{
	struct install_fixture *fx = *state;
	const char *cmd = "[ \"$MODPROBE_MODULE\" = kmodhook_test ] && [ -z \"$HOME\" ] && "
			  "[ ! -e /proc/self/fd/3 ] && [ ! -e /proc/self/fd/4 ]";
	int extra = open("/dev/null", O_RDONLY);

	assert_true(extra >= 0);
	assert_int_equal(install_command_run_within(fx->mod, cmd, 5000, &fx->status), 0);
	close(extra);
}

#define ADD_INSTALL_TEST(tests, n, func) \
	ADD_TEST_SETUP(tests, n, func, install_setup, install_teardown)

int main(void)
{
	struct CMUnitTest tests[UNIT_MAX_TESTS];
	size_t n = 0;

	ADD_INSTALL_TEST(tests, &n, install_exit_zero);
	ADD_INSTALL_TEST(tests, &n, install_exit_status);
	ADD_INSTALL_TEST(tests, &n, install_command_not_found);
	ADD_INSTALL_TEST(tests, &n, install_killed_by_signal);
	ADD_INSTALL_TEST(tests, &n, install_too_long_to_start);
	ADD_INSTALL_TEST(tests, &n, install_timeout_kills);
	ADD_INSTALL_TEST(tests, &n, install_environment_and_fds);
	return RUN_TESTS("install", tests, n);
}
