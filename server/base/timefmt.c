/* timefmt.c - RFC 3339 and dates, without the C library's locale or time zone. */
#include "base/timefmt.h"

#include <stdio.h>
#include <string.h>

int64_t timefmt_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Howard Hinnant's days_from_civil */
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : dm[m - 1];
}

/* Parses "YYYY-MM-DD" at s; returns 0 with the day number. */
static int parse_ymd(const char *s, int64_t *days)
{
	int y, m, d;
	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &m) || s[7] != '-' ||
	    digits(s + 8, 2, &d))
		return -1;
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	*days = timefmt_days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

int timefmt_parse_date(const char *s, int64_t *us)
{
	int64_t days;
	if (strlen(s) != 10 || parse_ymd(s, &days) != 0)
		return -1;
	*us = days * INT64_C(86400000000);
	return 0;
}

int timefmt_parse_rfc3339(const char *s, int64_t *us)
{
	int64_t days;
	int hh, mi, ss, oh, om;
	int64_t frac = 0;
	if (strlen(s) < 20 || parse_ymd(s, &days) != 0 || (s[10] != 'T' && s[10] != 't') ||
	    digits(s + 11, 2, &hh) || s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
	    digits(s + 17, 2, &ss))
		return -1;
	/* 60 would be a leap second, which PostgreSQL does not store either */
	if (hh > 23 || mi > 59 || ss > 59)
		return -1;
	const char *p = s + 19;
	if (*p == '.') {
		int n = 0;
		p++;
		while (*p >= '0' && *p <= '9') {
			if (n < 6)
				frac = frac * 10 + (*p - '0');
			n++;
			p++;
		}
		if (n == 0 || n > 9)
			return -1;
		for (; n < 6; n++)
			frac *= 10;
	}
	int64_t offset_s = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 ||
		    om > 59)
			return -1;
		offset_s = (int64_t)(oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return -1;
	}
	if (*p != '\0')
		return -1;
	int64_t secs = days * 86400 + hh * 3600 + mi * 60 + ss - offset_s;
	*us = secs * INT64_C(1000000) + frac;
	return 0;
}

bool timefmt_in_range(int64_t us)
{
	return us >= TIMEFMT_MIN_US && us < TIMEFMT_END_US;
}

void timefmt_format(int64_t us, char *out)
{
	int64_t secs = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
	int64_t frac = us - secs * 1000000;
	int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	int64_t rem = secs - days * 86400;
	int64_t y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ", (int)y, m, d,
	                 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), (int)frac);
	if (n < 0 || n > 27)
		n = 0; /* outside years 0–9999: never within the accepted range */
	memcpy(out, buf, (size_t)n);
	out[n] = '\0';
}
