// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "config.h"
#include "request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Extract KERNEL_MODULES from a config.json and parse it, as the hook does. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct request req;
	char reason[256];
	char *value = NULL;
	size_t len = 0;

	if (config_find_kernel_modules((const char *)data, size, &value, &len, reason,
				       sizeof(reason)) <= 0)
		return 0;

	request_parse(value, len, REQUEST_DEFAULT_MAX_NAMES, &req);
	request_free(&req);
	free(value);
	return 0;
}
