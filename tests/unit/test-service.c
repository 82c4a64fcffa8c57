/* SPDX-License-Identifier: MIT */
/* test-service: the service's pure helpers: office hours for the quiet
 * alarm, and the reconnect backoff with jitter. */
#include <glib.h>

#include "service.h"

static gint64
at(GTimeZone *tz, int y, int m, int d, int hh, int mm)
{
	g_autoptr(GDateTime) dt = g_date_time_new(tz, y, m, d, hh, mm, 0);
	g_assert_nonnull(dt);
	return g_date_time_to_unix(dt);
}

static void
test_office_hours(void)
{
	g_autoptr(GTimeZone) tz = g_time_zone_new_identifier("Europe/Amsterdam");
	if (!tz)
		tz = g_time_zone_new_utc();
	/* 2026-11-23 is a Monday. */
	g_assert_cmpint(slt_service_office_seconds(at(tz, 2026, 11, 23, 7, 0),
						   at(tz, 2026, 11, 23, 9, 0), tz), ==, 3600);
	g_assert_cmpint(slt_service_office_seconds(at(tz, 2026, 11, 23, 12, 0),
						   at(tz, 2026, 11, 23, 12, 30), tz), ==, 1800);
	/* Evening and night count nothing. */
	g_assert_cmpint(slt_service_office_seconds(at(tz, 2026, 11, 23, 18, 0),
						   at(tz, 2026, 11, 24, 8, 0), tz), ==, 0);
	/* Friday 17:00 to Monday 09:00: one hour each side of the weekend. */
	g_assert_cmpint(slt_service_office_seconds(at(tz, 2026, 11, 27, 17, 0),
						   at(tz, 2026, 11, 30, 9, 0), tz), ==, 7200);
	/* A weekend alone: nothing. */
	g_assert_cmpint(slt_service_office_seconds(at(tz, 2026, 11, 28, 0, 0),
						   at(tz, 2026, 11, 30, 0, 0), tz), ==, 0);
	/* A whole week: five days of ten hours. */
	g_assert_cmpint(slt_service_office_seconds(at(tz, 2026, 11, 23, 0, 0),
						   at(tz, 2026, 11, 30, 0, 0), tz), ==, 50 * 3600);
	/* Friday to Tuesday across a DST change (Sunday 2026-10-25): Friday
	 * and Monday, ten hours each. */
	g_assert_cmpint(slt_service_office_seconds(at(tz, 2026, 10, 23, 0, 0),
						   at(tz, 2026, 10, 27, 0, 0), tz), ==, 20 * 3600);
	/* Empty and reversed spans. */
	gint64 t = at(tz, 2026, 11, 23, 10, 0);
	g_assert_cmpint(slt_service_office_seconds(t, t, tz), ==, 0);
	g_assert_cmpint(slt_service_office_seconds(t + 60, t, tz), ==, 0);
	/* 16 office hours from Monday 10:00 end on Tuesday 16:00. */
	g_assert_cmpint(slt_service_office_seconds(t, at(tz, 2026, 11, 24, 16, 0), tz), ==,
			16 * 3600);
	/* NULL: local time; a week has 50 office hours wherever we are. */
	g_assert_cmpint(slt_service_office_seconds(t, t + 7 * 86400, NULL), ==, 50 * 3600);
}

static void
test_backoff(void)
{
	/* First failure: base, spread over [base/2, base]. */
	g_assert_cmpint(slt_service_backoff_ms(1, 1000, 300000, 0.0), ==, 500);
	g_assert_cmpint(slt_service_backoff_ms(1, 1000, 300000, 1.0), ==, 1000);
	/* Doubling. */
	g_assert_cmpint(slt_service_backoff_ms(4, 1000, 300000, 1.0), ==, 8000);
	g_assert_cmpint(slt_service_backoff_ms(4, 1000, 300000, 0.0), ==, 4000);
	/* Capped, also for absurd counts (no overflow). */
	g_assert_cmpint(slt_service_backoff_ms(20, 1000, 300000, 1.0), ==, 300000);
	g_assert_cmpint(slt_service_backoff_ms(G_MAXUINT, 1000, 300000, 0.0), ==, 150000);
	/* Jitter outside [0, 1] is clamped; every value stays in range. */
	g_assert_cmpint(slt_service_backoff_ms(2, 1000, 300000, 7.0), ==, 2000);
	for (int i = 0; i < 1000; i++) {
		gint64 d = slt_service_backoff_ms(3, 1000, 300000, g_random_double());
		g_assert_cmpint(d, >=, 2000);
		g_assert_cmpint(d, <=, 4000);
	}
	/* Never zero: the loop cannot spin on a failing server. */
	g_assert_cmpint(slt_service_backoff_ms(1, 1000, 300000, 0.0), >, 0);
}

static void
test_exit_codes(void)
{
	g_autoptr(GError) e = g_error_new(SLT_SERVICE_ERROR, SLT_SERVICE_ERROR_CONFIG, "x");
	g_assert_cmpint(slt_service_exit_code(e), ==, 78);
	g_autoptr(GError) s = g_error_new(SLT_SERVICE_ERROR, SLT_SERVICE_ERROR_STORE, "x");
	g_assert_cmpint(slt_service_exit_code(s), ==, 74);
	g_autoptr(GError) o = g_error_new(g_quark_from_static_string("other"), 1, "x");
	g_assert_cmpint(slt_service_exit_code(o), ==, 75);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/service/office-hours", test_office_hours);
	g_test_add_func("/service/backoff", test_backoff);
	g_test_add_func("/service/exit-codes", test_exit_codes);
	return g_test_run();
}
