// SPDX-License-Identifier: LGPL-2.1-or-later
#include "install.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kmod-dl.h"

#include "log.h"
#include "util.h"

#define INSTALL_PATH "PATH=/usr/sbin:/usr/bin:/sbin:/bin"

/* Report errno on the error pipe and exit, when the command cannot be started. */
_Noreturn static void child_fail(int error_fd)
{
	int err = errno;

	/* Nothing is left to report a failed write to. */
	(void)!write(error_fd, &err, sizeof(err));
	_exit(127);
}

/*
 * Set up the child and exec the command. error_fd is the write end of a
 * close-on-exec pipe. A successful exec closes it, and a step that fails
 * writes errno to it, such as an execve() with a command too long for one
 * argument (E2BIG).
 */
_Noreturn static void child_exec(const char *module, const char *cmd, int error_fd)
{
	char module_env[128];
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
	char *envp[] = { INSTALL_PATH, module_env, NULL };
	sigset_t none;
	int devnull;

	snprintf(module_env, sizeof(module_env), "MODPROBE_MODULE=%s", module);

	/* Its own process group, so a timeout kills whatever it started. */
	setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	devnull = open("/dev/null", O_RDWR | O_NOCTTY);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0)
		child_fail(error_fd);

	/* Runtimes wait for the hook's stdout and stderr to close, so only the error pipe stays. */
	if (dup2(error_fd, 3) < 0 || fcntl(3, F_SETFD, FD_CLOEXEC) < 0)
		child_fail(error_fd);
	error_fd = 3;
	if (close_range(4, ~0U, 0) < 0)
		for (int fd = 4; fd < 1024; fd++)
			close(fd);

	if (chdir("/") < 0)
		child_fail(error_fd);
	execve(argv[0], argv, envp);
	child_fail(error_fd);
}

/*
 * Sleep until the child exits or deadline passes. A pidfd becomes readable
 * when the child exits. Without one (kernels before 5.3), sleep in 5 ms steps.
 * NOTE: the tests run on kernels with pidfd_open(), so they never take that path.
 */
static void wait_exit_until(int pidfd, pid_t pid, long long deadline)
{
	struct timespec step = { .tv_nsec = 5 * 1000 * 1000 };
	long long left;

	while ((left = deadline - monotonic_ms()) > 0) {
		struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
		siginfo_t info = { 0 };
		int n;

		if (pidfd >= 0) {
			n = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
			if (n > 0 || (n < 0 && errno != EINTR))
				return;
			continue;
		}

		/* WNOWAIT leaves the child to be reaped by wait_child(). */
		if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    info.si_pid == pid)
			return;
		nanosleep(&step, NULL);
	}
}

/* Wait for the child, killing its process group after timeout_ms, and fill status. */
static int wait_child(pid_t pid, int timeout_ms, struct install_status *status)
{
	_cleanup_close_ int pidfd = (int)pidfd_open(pid, 0);
	pid_t reaped;
	int ws;

	wait_exit_until(pidfd, pid, monotonic_ms() + timeout_ms);
	reaped = waitpid(pid, &ws, WNOHANG);
	if (reaped == 0) {
		status->timed_out = true;
		kill(-pid, SIGKILL);
	}

	/* A child stuck in the kernel, such as in a module's init, dies only when that returns. */
	while (reaped != pid) {
		reaped = waitpid(pid, &ws, 0);
		if (reaped < 0 && errno != EINTR)
			return -errno;
	}

	status->exit_status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
	status->signal = WIFSIGNALED(ws) ? WTERMSIG(ws) : 0;
	return 0;
}

/*
 * Read the errno that the child sent before exiting, or 0 when its exec
 * succeeded. Called after the child was reaped, so the read does not block.
 */
static int read_start_error(int fd)
{
	int err = 0;
	ssize_t n;

	do
		n = read(fd, &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(err) ? err : 0;
}

int install_command_run_within(struct kmod_module *mod, const char *cmd, int timeout_ms,
			       struct install_status *status)
{
	const char *container = status->container;
	const char *name = kmod_module_get_name(mod);
	_cleanup_close_ int error_read = -1;
	int error_pipe[2], r;
	pid_t pid;

	*status = (struct install_status){ .container = container, .exit_status = -1 };
	log_line(LOG_DEBUG, "running install command for module '%s' for container %s: %s",
		 name, container, cmd);

	if (pipe2(error_pipe, O_CLOEXEC) < 0)
		return -errno;
	error_read = error_pipe[0];

	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(error_pipe[1]);
		return r;
	}
	if (pid == 0)
		child_exec(name, cmd, error_pipe[1]);
	close(error_pipe[1]);

	r = wait_child(pid, timeout_ms, status);
	if (r < 0)
		return r;

	/* The pipe closed at the exec, or carries errno when the command could not start. */
	status->start_error = read_start_error(error_read);
	if (status->start_error)
		return -status->start_error;
	return status->exit_status == 0 ? 0 : -EINVAL;
}

#define CMDLINE_OPTS "$CMDLINE_OPTS"

/* Return a copy of command with every $CMDLINE_OPTS replaced by options, or NULL. */
static char *expand_options(const char *command, const char *options)
{
	size_t mark = strlen(CMDLINE_OPTS), count = 0, len;
	const char *p;
	char *out, *o;

	for (p = strstr(command, CMDLINE_OPTS); p; p = strstr(p + mark, CMDLINE_OPTS))
		count++;

	len = strlen(command) - count * mark + count * strlen(options);
	out = malloc(len + 1);
	if (!out)
		return NULL;

	o = out;
	for (p = command; *p;) {
		if (strncmp(p, CMDLINE_OPTS, mark) == 0) {
			o = stpcpy(o, options);
			p += mark;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

int install_command_run_for(struct kmod_module *mod, struct install_status *status)
{
	const char *options = kmod_module_get_options(mod);
	_cleanup_free_ char *cmd = NULL;

	cmd = expand_options(kmod_module_get_install_commands(mod), options ? options : "");
	if (!cmd)
		return -ENOMEM;
	return install_command_run_within(mod, cmd, INSTALL_TIMEOUT_MS, status);
}
