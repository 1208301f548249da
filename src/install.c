// SPDX-License-Identifier: LGPL-2.1-or-later
#include "install.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kmod-dl.h"

#include "log.h"
#include "util.h"

#define INSTALL_PATH "PATH=/usr/sbin:/usr/bin:/sbin:/bin"

static void child_exec(const char *module, const char *cmd)
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
		_exit(127);
	/* Runtimes wait for the hook's stdout and stderr to close. */
	if (close_range(3, ~0U, 0) < 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);

	if (chdir("/") < 0)
		_exit(127);
	execve(argv[0], argv, envp);
	_exit(127);
}

static int wait_child(pid_t pid, struct install_status *status)
{
	struct timespec tick = { .tv_nsec = 5 * 1000 * 1000 };
	long waited_ms = 0;
	int ws;

	for (;;) {
		pid_t r = waitpid(pid, &ws, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (waited_ms >= INSTALL_TIMEOUT_MS && !status->timed_out) {
			status->timed_out = true;
			kill(-pid, SIGKILL);
		}
		nanosleep(&tick, NULL);
		waited_ms += 5;
	}

	status->exit_status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
	status->signal = WIFSIGNALED(ws) ? WTERMSIG(ws) : 0;
	return 0;
}

int install_command_run(struct kmod_module *mod, const char *cmd, void *data)
{
	struct install_status *status = data;
	const char *container = status->container;
	const char *name = kmod_module_get_name(mod);
	pid_t pid;
	int r;

	*status = (struct install_status){ .container = container, .exit_status = -1 };
	log_line(LOG_DEBUG, "running install command for module '%s' for container %s: %s",
		 name, container, cmd);

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		child_exec(name, cmd);

	r = wait_child(pid, status);
	if (r < 0)
		return r;
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
	return install_command_run(mod, cmd, status);
}
