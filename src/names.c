// SPDX-License-Identifier: LGPL-2.1-or-later
#include "names.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int name_list_add(struct name_list *list, const char *name)
{
	char(*bigger)[MODULE_NAME_MAX + 1];

	if (name_list_contains(list, name))
		return 0;

	bigger = realloc(list->names, (list->n + 1) * sizeof(*bigger));
	if (!bigger)
		return -ENOMEM;
	list->names = bigger;
	snprintf(list->names[list->n], sizeof(list->names[0]), "%s", name);
	list->n++;
	return 0;
}

bool name_list_contains(const struct name_list *list, const char *name)
{
	for (size_t i = 0; i < list->n; i++)
		if (strcmp(list->names[i], name) == 0)
			return true;
	return false;
}

void name_list_remove(struct name_list *list, const char *name)
{
	for (size_t i = 0; i < list->n; i++) {
		if (strcmp(list->names[i], name) != 0)
			continue;
		memmove(&list->names[i], &list->names[i + 1],
			(list->n - i - 1) * sizeof(list->names[0]));
		list->n--;
		return;
	}
}

void name_list_free(struct name_list *list)
{
	free(list->names);
	*list = (struct name_list){ 0 };
}
