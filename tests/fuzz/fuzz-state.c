// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stddef.h>
#include <stdint.h>

#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oci_state state;
	char reason[256];

	if (state_parse((const char *)data, size, &state, reason, sizeof(reason)) == 0) {
		state_wants_load(&state);
		state_free(&state);
	}
	return 0;
}
