// SPDX-License-Identifier: LGPL-2.1-or-later
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t caps[] = { 1, 3, REQUEST_DEFAULT_MAX_NAMES };

	for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		struct request req;
		int r = request_parse((const char *)data, size, caps[c], &req);

		/* Every accepted name passes the name check, within the cap. */
		if (r == 0) {
			assert(req.n_names <= caps[c]);
			for (size_t i = 0; i < req.n_names; i++)
				assert(!module_name_check(req.names[i], strlen(req.names[i])));
		}
		request_free(&req);
	}
	return 0;
}
