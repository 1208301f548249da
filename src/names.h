/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "request.h"

/* A set of module names in insertion order. */
struct name_list {
	char (*names)[MODULE_NAME_MAX + 1];
	size_t n;
};

/* Add name unless it is already there. Returns 0 or -ENOMEM. */
int name_list_add(struct name_list *list, const char *name);

bool name_list_contains(const struct name_list *list, const char *name);

/* Remove name if it is there. */
void name_list_remove(struct name_list *list, const char *name);

void name_list_free(struct name_list *list);
