/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <syslog.h>

#define PROGRAM_NAME "oci-kmod-hook"

/*
 * Set up logging: syslog always, and file_path (opened for appending, not
 * through a symlink) when it is not NULL. Debug lines are dropped unless
 * debug is true. Returns 0 or a negative errno from opening the file, and
 * -ESPIPE when it is not a regular file or a character device.
 */
int log_open(const char *file_path, bool debug);

void log_close(void);

/* Send a line to syslog and the log file. */
void log_line(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print a line on stderr, where runtimes show hook output to the user. */
void log_stderr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print a problem on stderr and send it to syslog and the log file as well. */
void log_problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

bool log_debug_enabled(void);

/*
 * Name the lines logged so far, and a syslog daemon that timed out, in the
 * environment for the libkmod binary, which runs the command again from the
 * start. log_open() in that binary takes them, so that it does not write
 * the same lines a second time. Returns 0 or a negative errno.
 */
int log_pass_on(void);
