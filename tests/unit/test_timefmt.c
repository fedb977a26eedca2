/* test_timefmt.c - RFC 3339 and dates: offsets, fractions, calendar edges, the range. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/timefmt.h"

static int64_t t(const char *s)
{
	int64_t us = -1;
	assert_int_equal(timefmt_parse_rfc3339(s, &us), 0);
	return us;
}

static void epoch_and_offsets(void **state)
{
	(void)state;
	assert_int_equal(t("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(t("1970-01-01T01:00:00+01:00"), 0);
	assert_int_equal(t("1969-12-31T19:00:00-05:00"), 0);
	/* 2026-03-01T12:00:00+01:00 = 11:00Z: 20513 days after the epoch */
	assert_int_equal(t("2026-03-01T12:00:00+01:00"),
	                 (INT64_C(20513) * 86400 + 11 * 3600) * 1000000);
	assert_int_equal(t("2026-03-01t11:00:00z"), (INT64_C(20513) * 86400 + 11 * 3600) * 1000000);
}

static void fractions_are_truncated_to_microseconds(void **state)
{
	(void)state;
	assert_int_equal(t("1970-01-01T00:00:00.5Z"), 500000);
	assert_int_equal(t("1970-01-01T00:00:00.123456789Z"), 123456);
	int64_t us;
	assert_int_equal(timefmt_parse_rfc3339("1970-01-01T00:00:00.Z", &us), -1);
	assert_int_equal(timefmt_parse_rfc3339("1970-01-01T00:00:00.1234567890Z", &us), -1);
}

static void malformed_and_impossible_times_are_refused(void **state)
{
	int64_t us;
	(void)state;
	const char *bad[] = {"2026-02-29T00:00:00Z", /* not a leap year */
	                     "2026-13-01T00:00:00Z",
	                     "2026-04-31T00:00:00Z",
	                     "2026-01-01T24:00:00Z",
	                     "2026-01-01T00:60:00Z",
	                     "2026-01-01T00:00:60Z",
	                     "2026-01-01 00:00:00Z",
	                     "2026-01-01T00:00:00", /* no offset */
	                     "2026-01-01T00:00:00+0100",
	                     "2026-1-01T00:00:00Z",
	                     "2026-01-01",
	                     "2026-01-01T00:00:00Zjunk",
	                     "",
	                     NULL};
	for (int i = 0; bad[i]; i++)
		if (timefmt_parse_rfc3339(bad[i], &us) == 0)
			fail_msg("accepted %s", bad[i]);
	assert_int_equal(timefmt_parse_rfc3339("2024-02-29T00:00:00Z", &us), 0);
	assert_int_equal(timefmt_parse_rfc3339("2000-02-29T00:00:00Z", &us), 0);
	assert_int_equal(timefmt_parse_rfc3339("1900-02-29T00:00:00Z", &us), -1);
}

static void range_is_1970_to_2100(void **state)
{
	(void)state;
	assert_true(timefmt_in_range(t("1970-01-01T00:00:00Z")));
	assert_false(timefmt_in_range(t("1969-12-31T23:59:59.999999Z")));
	assert_true(timefmt_in_range(t("2100-12-31T23:59:59.999999Z")));
	assert_false(timefmt_in_range(t("2101-01-01T00:00:00Z")));
	assert_int_equal(t("2101-01-01T00:00:00Z"), TIMEFMT_END_US);
}

static void dates_and_formatting(void **state)
{
	int64_t us;
	char out[32];
	(void)state;
	assert_int_equal(timefmt_parse_date("2026-11-22", &us), 0);
	timefmt_format(us, out);
	assert_string_equal(out, "2026-11-22T00:00:00.000000Z");
	assert_int_equal(timefmt_parse_date("2026-11-31", &us), -1);
	assert_int_equal(timefmt_parse_date("2026-11-22T00:00:00Z", &us), -1);
	timefmt_format(t("2026-03-29T01:30:00.25+02:00"), out);
	assert_string_equal(out, "2026-03-28T23:30:00.250000Z");
	timefmt_format(0, out);
	assert_string_equal(out, "1970-01-01T00:00:00.000000Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(epoch_and_offsets),
	    cmocka_unit_test(fractions_are_truncated_to_microseconds),
	    cmocka_unit_test(malformed_and_impossible_times_are_refused),
	    cmocka_unit_test(range_is_1970_to_2100),
	    cmocka_unit_test(dates_and_formatting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
