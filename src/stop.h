/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hook.h"
#include "state.h"

/*
 * Handle poststop: mark the container's ledger record stopped and, with
 * --unload-on-stop or the policy's "unload-on-stop yes", remove what it was
 * the last running container to request. Runtimes only warn when a
 * poststop hook fails, so every problem is logged and this returns
 * HOOK_EXIT_OK.
 */
int stop_container(const struct hook_options *opts, const struct oci_state *state);
