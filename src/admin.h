/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* Whether arg names the status or unload command. */
bool is_admin_command(const char *arg);

/*
 * Run the status or unload command; argv[0] is the command name. Returns
 * the exit status.
 */
int run_admin_command(int argc, char **argv);
