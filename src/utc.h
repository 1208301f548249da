/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>
#include <time.h>

/* Length of "YYYY-MM-DDTHH:MM:SSZ" with its NUL. */
#define UTC_STAMP_SIZE 21

/*
 * Format seconds since the epoch as an RFC 3339 UTC time into buf, which
 * must hold UTC_STAMP_SIZE bytes. It never reads the time zone database,
 * which glibc's gmtime_r() loads from /etc/localtime on its first call,
 * even though UTC needs none. Leap seconds are not counted, as
 * POSIX time does not count them. Times before year 0 or after year 9999
 * are clamped to the first or last second of that range.
 */
void utc_format(time_t seconds, char buf[static UTC_STAMP_SIZE]);

/* Format the current CLOCK_REALTIME time as utc_format() does. */
void utc_now(char buf[static UTC_STAMP_SIZE]);
