/* SPDX-License-Identifier: MIT */
/* Unit tests for the pure parts of the queue layer (queue.h: references,
 * labels, durations, dates, office hours, medians, grouping) and of the
 * text output (table.h: cells, alignment, CSV, bars). */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "queue.h"
#include "table.h"

static void
test_ref(void)
{
	gint64 id = 0;
	g_assert_true(slt_queue_parse_ref("SLT-12", &id, NULL));
	g_assert_cmpint(id, ==, 12);
	g_assert_true(slt_queue_parse_ref("slt-7", &id, NULL));
	g_assert_cmpint(id, ==, 7);
	g_assert_true(slt_queue_parse_ref("99", &id, NULL));
	g_assert_cmpint(id, ==, 99);
	const char *bad[] = { "", "SLT-", "SLT-0", "SLT--1", "SLT-1x", "abc", "SLT-99999999999999999999", NULL };
	for (guint i = 0; bad[i]; i++) {
		g_autoptr(GError) err = NULL;
		g_assert_false(slt_queue_parse_ref(bad[i], &id, &err));
		g_assert_error(err, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_INVALID);
		g_assert_true(g_str_has_prefix(err->message, "not a request reference '"));
	}
}

static void
test_labels(void)
{
	g_autoptr(GError) err = NULL;
	g_assert_true(slt_queue_check_status("wacht-op-klant", NULL));
	g_assert_false(slt_queue_check_status("klaar", &err));
	g_assert_cmpstr(err->message, ==,
			"unknown status 'klaar' (open, in-behandeling, wacht-op-klant, afgerond)");
	g_clear_error(&err);
	g_assert_true(slt_queue_check_theme("inkoop-bekostiging", NULL));
	g_assert_false(slt_queue_check_theme("Visie", &err));  /* ids are exact */
	g_assert_true(g_str_has_prefix(err->message, "unknown theme 'Visie' (visie, "));
	g_clear_error(&err);
	g_assert_true(slt_queue_check_intent("afmelden", NULL));
	g_assert_false(slt_queue_check_intent(NULL, NULL));
	g_assert_cmpstr(slt_queue_status_label("in-behandeling"), ==, "In behandeling");
	g_assert_cmpstr(slt_queue_status_label("x"), ==, "x");

	g_autoptr(GPtrArray) pk = NULL;
	g_assert_true(slt_queue_check_packages(" visie, kwaliteit ,visie,", &pk, NULL));
	g_assert_cmpuint(pk->len, ==, 2);  /* trimmed, empty parts and doubles dropped */
	g_assert_cmpstr(g_ptr_array_index(pk, 0), ==, "visie");
	g_assert_cmpstr(g_ptr_array_index(pk, 1), ==, "kwaliteit");
	g_clear_pointer(&pk, g_ptr_array_unref);
	g_assert_true(slt_queue_check_packages("", &pk, NULL));
	g_assert_cmpuint(pk->len, ==, 0);
	g_assert_true(slt_queue_check_packages("alle", NULL, NULL));
	g_assert_false(slt_queue_check_packages("visie,bogus", NULL, &err));
	g_assert_true(g_str_has_prefix(err->message, "unknown package 'bogus'"));
}

static void
test_duration(void)
{
	struct { const char *s; gint64 secs; } good[] = {
		{ "730d", 730 * 86400 }, { "12h", 12 * 3600 }, { "2w", 14 * 86400 },
		{ "30m", 1800 }, { "45s", 45 }, { "90", 90 * 86400 }, { "0d", 0 },
	};
	for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
		gint64 v = -1;
		g_assert_true(slt_queue_parse_duration(good[i].s, &v, NULL));
		g_assert_cmpint(v, ==, good[i].secs);
	}
	const char *bad[] = { "", "d", "-5d", "5x", "5dd", "5 d", " 5d", "1.5d", "99999999999999999999d", NULL };
	for (guint i = 0; bad[i]; i++) {
		g_autoptr(GError) err = NULL;
		gint64 v;
		g_assert_false(slt_queue_parse_duration(bad[i], &v, &err));
		g_assert_error(err, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_INVALID);
	}
}

/* Unix time of a local date, the way the queue must read it. */
static gint64
local(int y, int mo, int d, int h, int mi, int s)
{
	g_autoptr(GTimeZone) tz = g_time_zone_new_local();
	g_autoptr(GDateTime) dt = g_date_time_new(tz, y, mo, d, h, mi, s);
	return g_date_time_to_unix(dt);
}

static void
test_date(void)
{
	/* Amsterdam: the winter/summer switch is inside the tested range. */
	g_setenv("TZ", "Europe/Amsterdam", TRUE);
	gint64 now = local(2026, 3, 29, 15, 30, 0), t = 0;
	g_assert_true(slt_queue_parse_date("2026-03-01", FALSE, now, &t, NULL));
	g_assert_cmpint(t, ==, local(2026, 3, 1, 0, 0, 0));
	g_assert_cmpint(t, ==, 1772319600);  /* 2026-02-28 23:00 UTC */
	g_assert_true(slt_queue_parse_date("2026-03-01", TRUE, now, &t, NULL));
	g_assert_cmpint(t, ==, local(2026, 3, 2, 0, 0, 0) - 1);
	g_assert_true(slt_queue_parse_date("2026-03-01 14:05", TRUE, now, &t, NULL));
	g_assert_cmpint(t, ==, local(2026, 3, 1, 14, 5, 0));
	g_assert_true(slt_queue_parse_date("2026-03-01T14:05:09", FALSE, now, &t, NULL));
	g_assert_cmpint(t, ==, local(2026, 3, 1, 14, 5, 9));
	g_assert_true(slt_queue_parse_date("2026-02", FALSE, now, &t, NULL));
	g_assert_cmpint(t, ==, local(2026, 2, 1, 0, 0, 0));
	g_assert_true(slt_queue_parse_date("2026-02", TRUE, now, &t, NULL));
	g_assert_cmpint(t, ==, local(2026, 3, 1, 0, 0, 0) - 1);
	/* Today on the day the clocks went forward: local midnight. */
	g_assert_true(slt_queue_parse_date("today", FALSE, now, &t, NULL));
	g_assert_cmpint(t, ==, local(2026, 3, 29, 0, 0, 0));
	g_assert_true(slt_queue_parse_date("vandaag", TRUE, now, &t, NULL));
	g_assert_cmpint(t, ==, local(2026, 3, 30, 0, 0, 0) - 1);
	g_assert_cmpint(local(2026, 3, 30, 0, 0, 0) - local(2026, 3, 29, 0, 0, 0), ==, 23 * 3600);
	g_assert_true(slt_queue_parse_date("yesterday", FALSE, now, &t, NULL));
	g_assert_cmpint(t, ==, local(2026, 3, 28, 0, 0, 0));
	g_assert_true(slt_queue_parse_date("7d", FALSE, now, &t, NULL));
	g_assert_cmpint(t, ==, now - 7 * 86400);
	const char *bad[] = { "", "2026-13-01", "2026-02-30", "2026-1-1", "2026-03-01 25:00",
			      "2026-03-01x", "01-03-2026", "morgen", "2026-00", "2026-03-01 14:5", "7", NULL };
	for (guint i = 0; bad[i]; i++) {
		g_autoptr(GError) err = NULL;
		g_assert_false(slt_queue_parse_date(bad[i], FALSE, now, &t, &err));
		g_assert_error(err, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_INVALID);
		g_assert_true(g_str_has_prefix(err->message, "bad date '"));
	}
	g_unsetenv("TZ");
}

static void
test_office_hours(void)
{
	g_setenv("TZ", "Europe/Amsterdam", TRUE);
	/* Friday 16:00 to Monday 10:00: two hours Friday, two Monday. */
	g_assert_cmpuint(slt_queue_office_hours(local(2026, 3, 6, 16, 0, 0), local(2026, 3, 9, 10, 0, 0)), ==, 4);
	/* A whole week: five days of 08:00-18:00. */
	g_assert_cmpuint(slt_queue_office_hours(local(2026, 3, 2, 0, 0, 0), local(2026, 3, 9, 0, 0, 0)), ==, 50);
	/* The night and the weekend count nothing. */
	g_assert_cmpuint(slt_queue_office_hours(local(2026, 3, 7, 8, 0, 0), local(2026, 3, 8, 20, 0, 0)), ==, 0);
	g_assert_cmpuint(slt_queue_office_hours(local(2026, 3, 2, 18, 0, 0), local(2026, 3, 3, 8, 0, 0)), ==, 0);
	g_assert_cmpuint(slt_queue_office_hours(local(2026, 3, 2, 17, 30, 0), local(2026, 3, 3, 8, 59, 0)), ==, 1);
	/* Across the clock change (Sunday 29 March): still 10 h on Monday. */
	g_assert_cmpuint(slt_queue_office_hours(local(2026, 3, 28, 0, 0, 0), local(2026, 3, 31, 0, 0, 0)), ==, 10);
	g_assert_cmpuint(slt_queue_office_hours(100, 50), ==, 0);
	g_unsetenv("TZ");
}

static void
test_median(void)
{
	gint64 a[] = { 30, 10, 20 };
	g_assert_cmpint(slt_queue_median(a, 3), ==, 20);
	gint64 b[] = { 4, 1, 3, 2 };
	g_assert_cmpint(slt_queue_median(b, 4), ==, 2);  /* the lower middle */
	g_assert_cmpint(slt_queue_median(NULL, 0), ==, -1);
	gint64 c[] = { G_MAXINT64, 0 };
	g_assert_cmpint(slt_queue_median(c, 2), ==, 0);
}

static SltStatsRow *
row(gint64 opened, const char *theme, const char *intent, const char *org, gint64 resp)
{
	SltStatsRow *r = g_new0(SltStatsRow, 1);
	r->opened_at = opened;
	r->theme = g_strdup(theme);
	r->intent = g_strdup(intent);
	r->org = g_strdup(org);
	r->response_secs = resp;
	return r;
}

static void
test_stats(void)
{
	g_setenv("TZ", "Europe/Amsterdam", TRUE);
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)slt_stats_row_free);
	g_ptr_array_add(rows, row(local(2026, 1, 31, 23, 30, 0), "visie", "vraag", "gemeente:Ede", 60));
	g_ptr_array_add(rows, row(local(2026, 2, 1, 0, 30, 0), "visie", "sparring", NULL, 600));
	g_ptr_array_add(rows, row(local(2026, 2, 2, 9, 0, 0), "kwaliteit", "vraag", "gemeente:Ede", -1));
	g_ptr_array_add(rows, row(local(2026, 2, 3, 9, 0, 0), NULL, "automatisch", "", -1));
	g_ptr_array_add(rows, row(local(2026, 2, 4, 9, 0, 0), "visie", "vraag", NULL, 120));
	SltStatsGroup all;
	g_autoptr(GPtrArray) g = slt_queue_stats_group(rows, SLT_STATS_BY_THEME, &all);
	g_assert_cmpuint(g->len, ==, 3);
	SltStatsGroup *g0 = g_ptr_array_index(g, 0);
	g_assert_cmpstr(g0->key, ==, "visie");  /* most first */
	g_assert_cmpuint(g0->count, ==, 3);
	g_assert_cmpuint(g0->answered, ==, 3);
	g_assert_cmpint(g0->median_response, ==, 120);
	g_assert_cmpstr(((SltStatsGroup *)g_ptr_array_index(g, 1))->key, ==, "-");  /* ties by key */
	g_assert_cmpint(((SltStatsGroup *)g_ptr_array_index(g, 2))->median_response, ==, -1);
	g_assert_cmpuint(all.count, ==, 5);
	g_assert_cmpuint(all.answered, ==, 3);
	g_assert_cmpint(all.median_response, ==, 120);

	/* Months in local time, in order: 23:30 on 31 January is January. */
	g_autoptr(GPtrArray) m = slt_queue_stats_group(rows, SLT_STATS_BY_MONTH, NULL);
	g_assert_cmpuint(m->len, ==, 2);
	g_assert_cmpstr(((SltStatsGroup *)g_ptr_array_index(m, 0))->key, ==, "2026-01");
	g_assert_cmpuint(((SltStatsGroup *)g_ptr_array_index(m, 0))->count, ==, 1);
	g_assert_cmpstr(((SltStatsGroup *)g_ptr_array_index(m, 1))->key, ==, "2026-02");
	g_autoptr(GPtrArray) o = slt_queue_stats_group(rows, SLT_STATS_BY_ORG, NULL);
	g_assert_cmpstr(((SltStatsGroup *)g_ptr_array_index(o, 0))->key, ==, "-");  /* NULL and "" */
	g_assert_cmpuint(((SltStatsGroup *)g_ptr_array_index(o, 0))->count, ==, 3);
	SltStatsBy by;
	g_assert_true(slt_queue_parse_by("month", &by, NULL));
	g_assert_cmpint(by, ==, SLT_STATS_BY_MONTH);
	g_assert_false(slt_queue_parse_by("week", &by, NULL));
	g_autoptr(GPtrArray) none = slt_queue_stats_group(NULL, SLT_STATS_BY_INTENT, &all);
	g_assert_cmpuint(none->len, ==, 0);
	g_assert_cmpint(all.median_response, ==, -1);
	g_unsetenv("TZ");
}

static void
test_person_token(void)
{
	g_autofree char *a = slt_queue_person_token("Piet@Example.org");
	g_autofree char *b = slt_queue_person_token("piet@example.org");
	g_assert_cmpstr(a, ==, b);
	/* sha256("piet@example.org") */
	g_autofree char *want = g_compute_checksum_for_string(G_CHECKSUM_SHA256, "piet@example.org", -1);
	g_autofree char *full = g_strconcat("sha256:", want, NULL);
	g_assert_cmpstr(a, ==, full);
	g_assert_null(strstr(a, "piet"));
}

static void
test_cell(void)
{
	g_autofree char *a = slt_table_cell("a\tb\nc\033[31m", 0);
	g_assert_cmpstr(a, ==, "a?b?c?[31m");
	g_autofree char *b = slt_table_cell("Sparringsessie visie", 10);
	g_assert_cmpstr(b, ==, "Sparrings…");
	g_assert_cmpuint(slt_table_width(b), ==, 10);
	g_autofree char *c = slt_table_cell("kort", 10);
	g_assert_cmpstr(c, ==, "kort");
	g_autofree char *d = slt_table_cell("\xff\xfe ok", 0);  /* invalid UTF-8 */
	g_assert_true(g_utf8_validate(d, -1, NULL));
	g_autofree char *e = slt_table_cell("日本語テキスト", 7);  /* wide: 2 columns each */
	g_assert_cmpuint(slt_table_width(e), <=, 7);
	g_assert_true(g_str_has_suffix(e, "…"));
	/* Bidi overrides could reorder the line on a terminal. */
	g_autofree char *f = slt_table_cell("x\u202Ey", 0);
	g_assert_cmpstr(f, ==, "x?y");
	g_autofree char *n = slt_table_cell(NULL, 0);
	g_assert_cmpstr(n, ==, "-");
}

static void
test_table(void)
{
	const char *head[] = { "VERZOEK", "AANTAL", "ONDERWERP", NULL };
	g_autoptr(SltTable) t = slt_table_new(head);
	slt_table_set_right(t, 1);
	slt_table_set_max(t, 2, 8);
	const char *r1[] = { "SLT-1", "5", "Één vraag over visie" };
	const char *r2[] = { "SLT-100", "12345", NULL };
	slt_table_add(t, r1);
	slt_table_add(t, r2);
	g_assert_cmpuint(slt_table_rows(t), ==, 2);
	g_autofree char *s = slt_table_render(t, FALSE);
	g_assert_cmpstr(s, ==,
			"VERZOEK  AANTAL  ONDERWERP\n"
			"SLT-1         5  Één vra…\n"
			"SLT-100   12345  -\n");
	g_autofree char *c = slt_table_render(t, TRUE);
	g_assert_true(g_str_has_prefix(c, "\033[1mVERZOEK"));
	g_assert_nonnull(strstr(c, "\033[0m\n"));
}

static char *
csv(const char *s)
{
	GString *out = g_string_new(NULL);
	slt_csv_field(out, s);
	return g_string_free(out, FALSE);
}

static void
test_csv(void)
{
	struct { const char *in, *out; } cases[] = {
		{ "plain", "plain" },
		{ "a,b", "\"a,b\"" },
		{ "zeg \"hoi\"", "\"zeg \"\"hoi\"\"\"" },
		{ "regel 1\nregel 2", "\"regel 1\nregel 2\"" },
		{ "cr\r", "\"cr\r\"" },
		{ " spatie", "\" spatie\"" },
		{ "a;b", "\"a;b\"" },     /* Dutch Excel splits on ';' */
		{ "=1+1", "\"'=1+1\"" },  /* never a formula */
		{ "+31 6", "\"'+31 6\"" },
		{ "-2", "\"'-2\"" },
		{ "@SUM(A1)", "\"'@SUM(A1)\"" },
		{ "", "" },
		{ NULL, "" },
		{ "Één", "Één" },
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = csv(cases[i].in);
		g_assert_cmpstr(got, ==, cases[i].out);
	}
}

static void
test_bar(void)
{
	g_autofree char *full = slt_bar(10, 10, 4);
	g_assert_cmpstr(full, ==, "████");
	g_autofree char *half = slt_bar(5, 10, 4);
	g_assert_cmpstr(half, ==, "██");
	g_autofree char *eighth = slt_bar(8, 32, 1);  /* 0.25 of one block: two eighths */
	g_assert_cmpstr(eighth, ==, "▎");
	g_autofree char *tiny = slt_bar(1, 1000000, 10);  /* never invisible */
	g_assert_cmpstr(tiny, ==, "▏");
	g_autofree char *zero = slt_bar(0, 10, 10);
	g_assert_cmpstr(zero, ==, "");
	g_autofree char *over = slt_bar(20, 10, 3);  /* capped */
	g_assert_cmpstr(over, ==, "███");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/queue/ref", test_ref);
	g_test_add_func("/queue/labels", test_labels);
	g_test_add_func("/queue/duration", test_duration);
	g_test_add_func("/queue/date", test_date);
	g_test_add_func("/queue/office-hours", test_office_hours);
	g_test_add_func("/queue/median", test_median);
	g_test_add_func("/queue/stats", test_stats);
	g_test_add_func("/queue/person-token", test_person_token);
	g_test_add_func("/table/cell", test_cell);
	g_test_add_func("/table/layout", test_table);
	g_test_add_func("/table/csv", test_csv);
	g_test_add_func("/table/bar", test_bar);
	return g_test_run();
}
