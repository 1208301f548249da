// SPDX-License-Identifier: LGPL-2.1-or-later
/* Tests for telling whether a container's process still runs (src/process.c). */
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

#include "unit.h"

#include "process.h"

static const struct kernel_paths host = { .sysfs = "/sys", .procfs = "/proc" };

/* Fork a child that waits for SIGKILL. */
static pid_t start_child(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static void test_identify_running_child(void **state)
{
	struct process_identity id;
	pid_t child = start_child();
	(void)state;

	assert_int_equal(process_identify(&host, child, &id), 0);
	assert_int_equal(id.pid, child);
	assert_true(id.start_time > 0);
	assert_true(id.pid_ns > 0);
	assert_int_equal(process_liveness(&host, &id), PROCESS_ALIVE);

	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

static void test_reaped_child_exited(void **state)
{
	struct process_identity id;
	pid_t child = start_child();
	(void)state;

	assert_int_equal(process_identify(&host, child, &id), 0);
	kill(child, SIGKILL);
	assert_int_equal(waitpid(child, NULL, 0), child);
	assert_int_equal(process_liveness(&host, &id), PROCESS_EXITED);
}

/* A container's init that died but is not reaped yet is a zombie. */
static void test_zombie_child_exited(void **state)
{
	struct process_identity id;
	pid_t child = start_child();
	siginfo_t info;
	(void)state;

	assert_int_equal(process_identify(&host, child, &id), 0);
	kill(child, SIGKILL);
	assert_int_equal(waitid(P_PID, (id_t)child, &info, WEXITED | WNOWAIT), 0);
	assert_int_equal(process_liveness(&host, &id), PROCESS_EXITED);
	assert_int_equal(waitpid(child, NULL, 0), child);
}

/* A reused PID belongs to a process with another start time. */
static void test_reused_pid_exited(void **state)
{
	struct process_identity id;
	(void)state;

	assert_int_equal(process_identify(&host, getpid(), &id), 0);
	id.start_time++;
	assert_int_equal(process_liveness(&host, &id), PROCESS_EXITED);
}

static void test_other_pid_namespace_unknown(void **state)
{
	struct process_identity id;
	(void)state;

	assert_int_equal(process_identify(&host, getpid(), &id), 0);
	id.pid_ns++;
	assert_int_equal(process_liveness(&host, &id), PROCESS_UNKNOWN);
}

static void test_no_pid_unknown(void **state)
{
	struct process_identity id = { 0 };
	(void)state;

	assert_int_equal(process_liveness(&host, &id), PROCESS_UNKNOWN);
	assert_int_equal(process_identify(&host, 0, &id), -EINVAL);
	assert_int_equal(process_identify(&host, -4, &id), -EINVAL);
	assert_int_equal(id.pid, 0);
}

static void test_own_namespaces_not_other(void **state)
{
	(void)state;

	assert_int_equal(process_in_own_namespaces(&host, getpid()), 0);
	assert_int_equal(process_in_own_namespaces(&host, INT_MAX), -ENOENT);
}

/*
 * Fork a child that unshares the given namespaces and forks a grandchild,
 * which is the first process of a new PID namespace. Returns the
 * grandchild's pid, or 0 when unshare() failed, with the child's in *child.
 */
static pid_t start_in_namespaces(int flags, pid_t *child)
{
	int ready[2];
	pid_t grandchild = 0;

	assert_int_equal(pipe(ready), 0);
	*child = fork();
	assert_true(*child >= 0);
	if (*child == 0) {
		pid_t forked = -1;

		if (unshare(flags) == 0)
			forked = fork();
		if (forked == 0) {
			for (;;)
				pause();
		}
		grandchild = forked > 0 ? forked : 0;
		if (write(ready[1], &grandchild, sizeof(grandchild)) != sizeof(grandchild))
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &grandchild, sizeof(grandchild)), sizeof(grandchild));
	close(ready[0]);
	return grandchild;
}

static void stop_in_namespaces(pid_t grandchild, pid_t child)
{
	if (grandchild > 0)
		kill(grandchild, SIGKILL);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

/* A container's process has its own mount and PID namespaces. */
static void test_new_namespaces_own(void **state)
{
	pid_t child, grandchild = start_in_namespaces(CLONE_NEWNS | CLONE_NEWPID, &child);
	(void)state;

	if (grandchild > 0)
		assert_int_equal(process_in_own_namespaces(&host, grandchild), 1);
	stop_in_namespaces(grandchild, child);
	if (grandchild <= 0)
		skip(); /* unshare() of these namespaces needs CAP_SYS_ADMIN */
}

/* Without its own PID namespace, a container's other processes outlive its first one. */
static void test_mount_namespace_alone_not_own(void **state)
{
	pid_t child, grandchild = start_in_namespaces(CLONE_NEWNS, &child);
	(void)state;

	if (grandchild > 0)
		assert_int_equal(process_in_own_namespaces(&host, grandchild), 0);
	stop_in_namespaces(grandchild, child);
	if (grandchild <= 0)
		skip();
}

/*
 * Write a fake procfs in dir: self, a symlink to this process's PID with its
 * namespaces, PID 1, and <dir>/77/stat for a process named comm.
 */
static void make_fake_proc(const char *dir, const char *comm, const char *rest)
{
	char path[4096], target[32], stat[1024];
	int n;

	snprintf(target, sizeof(target), "%d", (int)getpid());
	make_dirs(path_join(path, sizeof(path), dir, "%s/ns", target));
	write_file(path_join(path, sizeof(path), dir, "%s/ns/pid", target), "", 0);
	write_file(path_join(path, sizeof(path), dir, "%s/ns/time", target), "", 0);
	unlink(path_join(path, sizeof(path), dir, "self"));
	assert_int_equal(symlink(target, path), 0);
	make_dirs(path_join(path, sizeof(path), dir, "1"));
	make_dirs(path_join(path, sizeof(path), dir, "77/task/77"));
	n = snprintf(stat, sizeof(stat), "77 (%s) %s\n", comm, rest);
	write_file(path_join(path, sizeof(path), dir, "77/stat"), stat, (size_t)n);
}

/* Fields 3 to 21 of a sleeping process, then start time 4242 and field 23. */
#define STAT_REST "S 1 77 77 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 4242 2252800"
#define ZOMBIE_STAT_REST "Z 1 77 77 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 4242 0"

/* The command name may contain spaces and parentheses. */
static void test_parse_odd_command_name(void **state)
{
	const struct kernel_paths fake = { .sysfs = "/nonexistent", .procfs = *state };
	struct process_identity id;

	make_fake_proc(*state, "a) b (c ) 1 2", STAT_REST);
	assert_int_equal(process_identify(&fake, 77, &id), 0);
	assert_int_equal(id.start_time, 4242);
	assert_int_equal(process_liveness(&fake, &id), PROCESS_ALIVE);
}

/* A zombie leader counts as exited only when no other thread of it runs. */
static void test_zombie_leader_with_threads_alive(void **state)
{
	const struct kernel_paths fake = { .sysfs = "/nonexistent", .procfs = *state };
	struct process_identity id;
	char path[4096];

	make_fake_proc(*state, "sleep", STAT_REST);
	assert_int_equal(process_identify(&fake, 77, &id), 0);
	make_fake_proc(*state, "sleep", ZOMBIE_STAT_REST);
	assert_int_equal(process_liveness(&fake, &id), PROCESS_EXITED);

	make_dirs(path_join(path, sizeof(path), *state, "77/task/80"));
	assert_int_equal(process_liveness(&fake, &id), PROCESS_ALIVE);
}

/* A procfs whose self is not this process shows another PID namespace. */
static void test_foreign_procfs_unknown(void **state)
{
	const struct kernel_paths fake = { .sysfs = "/nonexistent", .procfs = *state };
	struct process_identity id;
	char path[4096];

	make_fake_proc(*state, "sleep", STAT_REST);
	assert_int_equal(process_identify(&fake, 77, &id), 0);

	unlink(path_join(path, sizeof(path), *state, "self"));
	assert_int_equal(symlink("1", path), 0);
	assert_int_equal(process_liveness(&fake, &id), PROCESS_UNKNOWN);
	assert_int_equal(process_identify(&fake, 77, &id), -EXDEV);
	assert_int_equal(id.pid, 0);
}

/* With hidepid, a missing process may only be hidden, as PID 1 is. */
static void test_hidden_processes_unknown(void **state)
{
	const struct kernel_paths fake = { .sysfs = "/nonexistent", .procfs = *state };
	struct process_identity id;
	char path[4096];

	make_fake_proc(*state, "sleep", STAT_REST);
	assert_int_equal(process_identify(&fake, 77, &id), 0);
	unlink(path_join(path, sizeof(path), *state, "77/stat"));
	assert_int_equal(process_liveness(&fake, &id), PROCESS_EXITED);

	rmdir(path_join(path, sizeof(path), *state, "1"));
	assert_int_equal(process_liveness(&fake, &id), PROCESS_UNKNOWN);
}

/* Start times shift with the time namespace, so another one leaves the liveness unknown. */
static void test_other_time_namespace_unknown(void **state)
{
	struct process_identity id;
	(void)state;

	assert_int_equal(process_identify(&host, getpid(), &id), 0);
	id.time_ns++;
	assert_int_equal(process_liveness(&host, &id), PROCESS_UNKNOWN);
}

static void test_parse_short_stat_invalid(void **state)
{
	const struct kernel_paths fake = { .sysfs = "/nonexistent", .procfs = *state };
	struct process_identity id;

	make_fake_proc(*state, "sh", "S 1 77 77 0");
	assert_int_equal(process_identify(&fake, 77, &id), -EINVAL);
	assert_int_equal(id.pid, 0);

	make_fake_proc(*state, "sh", "S 1 77 77 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 x 5");
	assert_int_equal(process_identify(&fake, 77, &id), -EINVAL);
}

int main(void)
{
	struct CMUnitTest tests[UNIT_MAX_TESTS];
	size_t n = 0;

	ADD_TEST(tests, &n, test_identify_running_child);
	ADD_TEST(tests, &n, test_reaped_child_exited);
	ADD_TEST(tests, &n, test_zombie_child_exited);
	ADD_TEST(tests, &n, test_reused_pid_exited);
	ADD_TEST(tests, &n, test_other_pid_namespace_unknown);
	ADD_TEST(tests, &n, test_no_pid_unknown);
	ADD_TEST(tests, &n, test_own_namespaces_not_other);
	ADD_TEST(tests, &n, test_new_namespaces_own);
	ADD_TEST(tests, &n, test_mount_namespace_alone_not_own);
	ADD_TEST_TMPDIR(tests, &n, test_parse_odd_command_name);
	ADD_TEST_TMPDIR(tests, &n, test_parse_short_stat_invalid);
	ADD_TEST_TMPDIR(tests, &n, test_zombie_leader_with_threads_alive);
	ADD_TEST_TMPDIR(tests, &n, test_foreign_procfs_unknown);
	ADD_TEST_TMPDIR(tests, &n, test_hidden_processes_unknown);
	ADD_TEST(tests, &n, test_other_time_namespace_unknown);
	return RUN_TESTS("process", tests, n);
}
