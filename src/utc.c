// SPDX-License-Identifier: LGPL-2.1-or-later
#include "utc.h"

struct civil_date {
	long long year;
	unsigned month; /* 1 to 12 */
	unsigned day;   /* 1 to 31 */
};

/*
 * Convert days since 1970-01-01 to a proleptic Gregorian date. The count is
 * shifted to start on 0000-03-01, so each 400-year era has the same 146097
 * days and February, with its leap day, ends the shifted year.
 */
static struct civil_date civil_from_days(long long days)
{
	long long shifted = days + 719468; /* days from 0000-03-01 to 1970-01-01 */
	long long era = (shifted >= 0 ? shifted : shifted - 146096) / 146097;
	unsigned day_of_era = (unsigned)(shifted - era * 146097);
	unsigned year_of_era =
		(day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
	unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	unsigned month_from_march = (5 * day_of_year + 2) / 153;
	struct civil_date date = {
		.day = day_of_year - (153 * month_from_march + 2) / 5 + 1,
		.month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9,
	};

	date.year = (long long)year_of_era + era * 400 + (date.month <= 2);
	return date;
}

/* Write value as width decimal digits, with leading zeros, and return the end. */
static char *put_digits(char *out, unsigned value, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		out[i] = (char)('0' + value % 10);
		value /= 10;
	}
	return out + width;
}

/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z, as RFC 3339 has four year digits. */
#define UTC_SECONDS_MIN (-62167219200LL)
#define UTC_SECONDS_MAX 253402300799LL

void utc_format(time_t seconds, char buf[static UTC_STAMP_SIZE])
{
	long long clamped = seconds < UTC_SECONDS_MIN ? UTC_SECONDS_MIN :
			    seconds > UTC_SECONDS_MAX ? UTC_SECONDS_MAX :
							(long long)seconds;
	long long days = clamped / 86400;
	long long second_of_day = clamped % 86400;
	struct civil_date date;
	char *out = buf;

	if (second_of_day < 0) {
		second_of_day += 86400;
		days--;
	}
	date = civil_from_days(days);

	out = put_digits(out, (unsigned)date.year, 4);
	*out++ = '-';
	out = put_digits(out, date.month, 2);
	*out++ = '-';
	out = put_digits(out, date.day, 2);
	*out++ = 'T';
	out = put_digits(out, (unsigned)(second_of_day / 3600), 2);
	*out++ = ':';
	out = put_digits(out, (unsigned)(second_of_day / 60 % 60), 2);
	*out++ = ':';
	out = put_digits(out, (unsigned)(second_of_day % 60), 2);
	*out++ = 'Z';
	*out = '\0';
}

void utc_now(char buf[static UTC_STAMP_SIZE])
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	utc_format(now.tv_sec, buf);
}
