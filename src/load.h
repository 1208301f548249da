/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "request.h"

/*
 * Make every module of a valid request present in the kernel and report the
 * outcome. Returns the hook's exit status.
 */
int load_request(const char *container, const struct request *req);
