// SPDX-License-Identifier: LGPL-2.1-or-later
#include "report.h"

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "log.h"

/* Room kept at the end of the summary for the count of names left out and the note. */
#define SUMMARY_CUT_ROOM 192

/* Room for the syslog header "<PRI>oci-kmod-hook[PID]: ", "container " and ": ". */
#define MESSAGE_FRAME 48

/* Minimum bytes of names in a summary, however long the container id. */
#define SUMMARY_NAMES_MIN 128

/* Append to a fixed buffer, cutting at its end. */
static void append(char *buf, size_t buflen, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#include <stdarg.h>

static void append(char *buf, size_t buflen, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= buflen)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, buflen - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n;
}

void report_invalid_request(const char *container, const struct request *req)
{
	size_t shown = req->n_problems < REQUEST_MAX_REPORTED ? req->n_problems
							      : REQUEST_MAX_REPORTED;

	if (req->too_many) {
		log_problem("container %s: %s names more than %zu modules (max-modules, %d unless "
			    "the policy sets it); nothing was loaded", container, KERNEL_MODULES_KEY,
			    req->max_names, REQUEST_DEFAULT_MAX_NAMES);
		return;
	}

	for (size_t i = 0; i < shown; i++)
		log_stderr("invalid module name '%s' for container %s: %s", req->problems[i].name,
			   container, req->problems[i].why);
	if (req->n_problems > shown)
		log_stderr("container %s: %zu more invalid module names", container,
			   req->n_problems - shown);

	log_line(LOG_ERR, "container %s: %s rejected, %zu invalid module %s; nothing was loaded",
		 container, KERNEL_MODULES_KEY, req->n_problems,
		 req->n_problems == 1 ? "name" : "names");
}

static void describe(char *buf, size_t buflen, size_t *used, const struct load_result *res)
{
	append(buf, buflen, used, "%s%s", *used ? ", " : "", res->name);
	if (res->module[0] && strcmp(res->module, res->name) != 0)
		append(buf, buflen, used, " (module %s)", res->module);
	if (res->outcome == LOAD_FAILED)
		append(buf, buflen, used, " failed: %s", res->cause);
	else
		append(buf, buflen, used, " %s", load_outcome_name(res->outcome));
}

/* Bytes of names that keep the summary's syslog message within REPORT_MESSAGE_MAX. */
static size_t names_limit(const char *container)
{
	size_t frame = MESSAGE_FRAME + strlen(container) + SUMMARY_CUT_ROOM;

	if (frame + SUMMARY_NAMES_MIN > REPORT_MESSAGE_MAX)
		return SUMMARY_NAMES_MIN;
	return REPORT_MESSAGE_MAX - frame;
}

void report_results(const char *container, const struct load_result *results, size_t n,
		    const char *note)
{
	char summary[REPORT_SUMMARY_MAX];
	size_t used = 0, failed = 0, cut = 0, limit = names_limit(container);

	summary[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const struct load_result *res = &results[i];
		size_t before = used;

		/* A name that does not fit whole is left out, and counted. */
		if (!cut) {
			describe(summary, limit, &used, res);
			if (used >= limit - 1) {
				used = before;
				summary[used] = '\0';
			}
		}
		if (used == before)
			cut++;
		if (load_outcome_is_present(res->outcome))
			continue;
		failed++;
		if (res->outcome != LOAD_FAILED)
			continue;
		log_stderr("failed to load module '%s' for container %s: %s", res->name, container,
			   res->cause);
	}

	if (cut)
		append(summary, sizeof(summary), &used, ", and %zu more names (failures are on "
		       "stderr too)", cut);
	if (note)
		append(summary, sizeof(summary), &used, "; %s", note);
	log_line(failed ? LOG_ERR : LOG_INFO, "container %s: %s", container, summary);
}
