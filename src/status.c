// SPDX-License-Identifier: LGPL-2.1-or-later
#include "status.h"

#include <errno.h>
#include <string.h>

#include "inventory.h"
#include "json.h"
#include "ledger.h"
#include "util.h"

/* Running containers named per table row; the JSON output lists them all. */
#define TABLE_CONTAINERS_MAX 3

static const struct inventory *sort_inventory;

static int compare_entries(const void *a, const void *b)
{
	const struct inventory_entry *e = sort_inventory->entries;

	return strcmp(e[*(const size_t *)a].name, e[*(const size_t *)b].name);
}

static int compare_records(const void *a, const void *b)
{
	const struct ledger_record *r = sort_inventory->records;
	const struct ledger_record *x = &r[*(const size_t *)a], *y = &r[*(const size_t *)b];
	int c = strcmp(x->started, y->started);

	return c ? c : strcmp(x->id, y->id);
}

/* Return an array of indexes that orders n items with compare. */
static size_t *sorted_order(const struct inventory *inv, size_t n,
			    int (*compare)(const void *, const void *))
{
	size_t *order = calloc(n + 1, sizeof(*order));

	if (!order)
		return NULL;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	sort_inventory = inv;
	qsort(order, n, sizeof(*order), compare);
	sort_inventory = NULL;
	return order;
}

static void format_holders(const struct inventory_entry *e, char *buf, size_t buflen)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < e->holders.n && used < buflen; i++)
		used += (size_t)snprintf(buf + used, buflen - used, "%s%s", i ? "," : "",
					 e->holders.names[i]);
	if (e->holders.n == 0)
		snprintf(buf, buflen, "-");
}

static void format_containers(const struct inventory_entry *e, char *buf, size_t buflen)
{
	size_t used = 0, shown = e->n_running < TABLE_CONTAINERS_MAX ? e->n_running
								 : TABLE_CONTAINERS_MAX;
	char id[ESCAPED_BUFSZ];

	buf[0] = '\0';
	for (size_t i = 0; i < shown && used < buflen; i++) {
		escape_untrusted(id, sizeof(id), e->running[i]->id, strlen(e->running[i]->id),
				 ESCAPED_MAX);
		used += (size_t)snprintf(buf + used, buflen - used, "%s%s", i ? "," : "", id);
	}
	if (e->n_running > shown && used < buflen)
		snprintf(buf + used, buflen - used, " and %zu more", e->n_running - shown);
	if (e->n_running == 0)
		snprintf(buf, buflen, "-");
}

/* A module that is not loaded now has no inserter, so the column shows "-". */
static const char *by_hook(const struct inventory_entry *e)
{
	if (e->state == MODULE_ABSENT)
		return "-";
	return e->inserted_for ? "yes" : "no";
}

static void count_states(const struct inventory *inv, size_t counts[RECORD_STATE_COUNT])
{
	for (size_t s = 0; s < RECORD_STATE_COUNT; s++)
		counts[s] = 0;
	for (size_t i = 0; i < inv->n_records; i++)
		counts[inv->records[i].state]++;
}

/* Name the containers whose records are running but whose process exited. */
static void print_exited(const struct inventory *inv, FILE *out)
{
	size_t shown = 0, total = 0;
	char id[ESCAPED_BUFSZ];

	for (size_t i = 0; i < inv->n_records; i++) {
		const struct ledger_record *rec = &inv->records[i];

		if (rec->state != RECORD_EXITED)
			continue;
		total++;
		if (shown == TABLE_CONTAINERS_MAX)
			continue;
		escape_untrusted(id, sizeof(id), rec->id, strlen(rec->id), ESCAPED_MAX);
		fprintf(out, "%s%s", shown++ ? ", " : "exited without poststop: ", id);
	}
	if (total > shown)
		fprintf(out, " and %zu more", total - shown);
	if (total)
		fputc('\n', out);
}

static void print_table(const struct inventory *inv, const size_t *order, const char *dir,
			FILE *out)
{
	int width = (int)strlen("MODULE");
	size_t counts[RECORD_STATE_COUNT];

	for (size_t i = 0; i < inv->n_entries; i++)
		if ((int)strlen(inv->entries[i].name) > width)
			width = (int)strlen(inv->entries[i].name);

	fprintf(out, "%-*s  %-7s  %-7s  %6s  %-20s  %s\n", width, "MODULE", "STATE", "BY HOOK",
		"REFCNT", "HOLDERS", "RUNNING CONTAINERS");
	for (size_t k = 0; k < inv->n_entries; k++) {
		const struct inventory_entry *e = &inv->entries[order[k]];
		char holders[512], containers[1024], refcnt[16] = "-";

		format_holders(e, holders, sizeof(holders));
		format_containers(e, containers, sizeof(containers));
		if (e->refcnt >= 0)
			snprintf(refcnt, sizeof(refcnt), "%d", e->refcnt);
		fprintf(out, "%-*s  %-7s  %-7s  %6s  %-20s  %s\n", width, e->name,
			module_state_name(e->state), by_hook(e), refcnt, holders, containers);
	}

	count_states(inv, counts);
	fprintf(out, "\n%zu %s recorded in %s: %zu running, %zu stopped, %zu failed",
		inv->n_records, inv->n_records == 1 ? "container" : "containers", dir,
		counts[RECORD_RUNNING], counts[RECORD_STOPPED], counts[RECORD_FAILED]);
	if (counts[RECORD_EXITED])
		fprintf(out, ", %zu exited without poststop", counts[RECORD_EXITED]);
	fputc('\n', out);
	print_exited(inv, out);
}

static struct json_object *entry_to_json(const struct inventory_entry *e)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *holders = json_object_new_array();
	struct json_object *running = json_object_new_array();

	for (size_t i = 0; i < e->holders.n; i++)
		json_object_array_add(holders, json_object_new_string(e->holders.names[i]));
	for (size_t i = 0; i < e->n_running; i++)
		json_object_array_add(running, json_object_new_string(e->running[i]->id));

	json_object_object_add(obj, "name", json_object_new_string(e->name));
	json_object_object_add(obj, "state", json_object_new_string(module_state_name(e->state)));
	json_object_object_add(obj, "inserted_by_hook", json_object_new_boolean(e->inserted_for != NULL));
	json_object_object_add(obj, "inserted_for",
			       e->inserted_for ? json_object_new_string(e->inserted_for->id)
					       : NULL);
	json_object_object_add(obj, "refcnt", e->refcnt >= 0 ? json_object_new_int(e->refcnt)
							     : NULL);
	json_object_object_add(obj, "holders", holders);
	json_object_object_add(obj, "running_containers", running);
	return obj;
}

static struct json_object *record_to_json(const struct ledger_record *rec)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *requested = json_object_new_array();
	struct json_object *modules = json_object_new_array();

	for (size_t i = 0; i < rec->requested.n; i++)
		json_object_array_add(requested, json_object_new_string(rec->requested.names[i]));
	for (size_t i = 0; i < rec->n_modules; i++) {
		struct json_object *m = json_object_new_object();

		json_object_object_add(m, "name", json_object_new_string(rec->modules[i].name));
		json_object_object_add(m, "origin", json_object_new_string(
							    module_origin_name(rec->modules[i].origin)));
		json_object_array_add(modules, m);
	}

	json_object_object_add(obj, "id", json_object_new_string(rec->id));
	json_object_object_add(obj, "state", json_object_new_string(record_state_name(rec->state)));
	json_object_object_add(obj, "pid", rec->process.pid > 0 ? json_object_new_int(rec->process.pid)
								: NULL);
	json_object_object_add(obj, "started", json_object_new_string(rec->started));
	json_object_object_add(obj, "stopped",
			       rec->stopped[0] ? json_object_new_string(rec->stopped) : NULL);
	json_object_object_add(obj, "requested", requested);
	json_object_object_add(obj, "modules", modules);
	return obj;
}

static int print_json(const struct inventory *inv, const size_t *module_order,
		      const size_t *record_order, const char *dir, FILE *out)
{
	_cleanup_json_ struct json_object *root = json_object_new_object();
	struct json_object *modules = json_object_new_array();
	struct json_object *containers = json_object_new_array();
	const char *text;

	if (!root || !modules || !containers)
		return -ENOMEM;

	for (size_t k = 0; k < inv->n_entries; k++)
		json_object_array_add(modules, entry_to_json(&inv->entries[module_order[k]]));
	for (size_t k = 0; k < inv->n_records; k++)
		json_object_array_add(containers, record_to_json(&inv->records[record_order[k]]));

	json_object_object_add(root, "state_dir", json_object_new_string(dir));
	json_object_object_add(root, "modules", modules);
	json_object_object_add(root, "containers", containers);

	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							    JSON_C_TO_STRING_SPACED |
							    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text)
		return -ENOMEM;
	fprintf(out, "%s\n", text);
	return 0;
}

int status_print(struct ledger *ledger, const char *state_dir,
		 const struct kernel_paths *paths, bool json, FILE *out)
{
	struct inventory inv = { 0 };
	_cleanup_free_ size_t *module_order = NULL, *record_order = NULL;
	const char *dir = state_dir;
	int r = 0;

	if (ledger) {
		r = inventory_load(ledger, paths, &inv);
		if (r < 0)
			return r;
	}

	module_order = sorted_order(&inv, inv.n_entries, compare_entries);
	record_order = sorted_order(&inv, inv.n_records, compare_records);
	if (!module_order || !record_order)
		r = -ENOMEM;
	else if (json)
		r = print_json(&inv, module_order, record_order, dir, out);
	else
		print_table(&inv, module_order, dir, out);

	inventory_free(&inv);
	return r;
}
