/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "request.h"

#include <stdbool.h>

struct load_options {
	/*
	 * Settle modules that /sys/module shows live or builtin without libkmod.
	 * Turned off only to check that both paths agree.
	 */
	bool fast_path;
};

/*
 * Make every module of a valid request present in the kernel and report the
 * outcome. Returns the hook's exit status.
 */
int load_request(const char *container, const struct request *req,
		 const struct load_options *opts);
