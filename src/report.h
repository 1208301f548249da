/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

#include "loader.h"
#include "request.h"

/*
 * Largest syslog message of a summary, header included: RFC 3164's limit,
 * at which busybox syslogd cuts messages. Names that do not fit are left
 * out whole and counted at the end of the summary.
 */
#define REPORT_MESSAGE_MAX 1024

/* Size of the summary buffer, with room for a note after the names. */
#define REPORT_SUMMARY_MAX 3072

/* Print each invalid name on stderr and log one line for the container. */
void report_invalid_request(const char *container, const struct request *req);

/*
 * Print one stderr line per failed module and log one line with every
 * module's outcome for the container, ending with note when it is not NULL.
 */
void report_results(const char *container, const struct load_result *results, size_t n,
		    const char *note);
