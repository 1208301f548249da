/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/*
 * Send one line to the syslog daemon through /dev/log, with the facility
 * and priority of priority and the header "ident[pid]: ". The first line
 * connects, and the connection is kept for the next ones. A line is
 * dropped when no daemon listens, as syslog(3) drops it, and when the
 * daemon does not take it within a second, unlike syslog(3).
 */
void devlog_send(int priority, const char *ident, const char *line);

/* Whether a line timed out, so this process drops its later lines. */
bool devlog_stalled(void);

/* Drop every later line, as after a timeout (for a run handed over after one). */
void devlog_stall(void);

/* Close the connection, if any. */
void devlog_close(void);

/* Send later lines to the socket at path in place of /dev/log (for the unit tests). */
void devlog_use_path(const char *path);
