/* SPDX-License-Identifier: MIT */
/* sltctl stats [--from --to] [--by theme|intent|org|month]: requests per
 * group with the median response time (first reply sent minus the
 * request's first message), as a compact bar chart on a terminal. */
#include "sltctl-queue.h"

#include <stdio.h>

#include "table.h"

static int
run(SltCtl *ctl, int argc, char **argv, const char *from_s, const char *to_s, const char *by_s)
{
	if (argc > 1)
		return sltctl_fail("stats: unexpected argument '%s'", argv[1]) + 1;
	GError *err = NULL;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC, from = 0, to = 0;
	SltStatsBy by = SLT_STATS_BY_THEME;
	if ((from_s && !slt_queue_parse_date(from_s, FALSE, now, &from, &err)) ||
	    (to_s && !slt_queue_parse_date(to_s, TRUE, now, &to, &err)) ||
	    (by_s && !slt_queue_parse_by(by_s, &by, &err)))
		return sltctl_queue_fail("stats", err);
	if (to)
		to += 1;
	if (from && to && to <= from)
		return sltctl_fail("stats: --to is before --from") + 1;
	g_autoptr(SltStore) store = sltctl_open_store(ctl, "stats", FALSE, NULL);
	if (!store)
		return 1;
	g_autoptr(GPtrArray) rows = slt_store_stats_rows(store, from, to, &err);
	if (!rows)
		return sltctl_queue_fail("stats", err);
	SltStatsGroup all;
	g_autoptr(GPtrArray) groups = slt_queue_stats_group(rows, by, &all);
	static const char *const bynames[] = { "theme", "intent", "org", "month" };
	if (ctl->json) {
		SltJson *j = slt_json_new(TRUE);
		g_autofree char *f = slt_queue_iso_time(from);
		g_autofree char *t = slt_queue_iso_time(to ? to - 1 : 0);
		slt_json_begin_object(j);
		slt_json_kv_string(j, "by", bynames[by]);
		slt_json_kv_string(j, "from", f);
		slt_json_kv_string(j, "to", t);
		slt_json_kv_int(j, "requests", all.count);
		slt_json_kv_int(j, "answered", all.answered);
		slt_json_kv_int(j, "median_response_secs", all.median_response);
		slt_json_key(j, "groups");
		slt_json_begin_array(j);
		for (guint i = 0; i < groups->len; i++) {
			const SltStatsGroup *g = g_ptr_array_index(groups, i);
			slt_json_begin_object(j);
			slt_json_kv_string(j, "key", g->key);
			slt_json_kv_int(j, "requests", g->count);
			slt_json_kv_int(j, "answered", g->answered);
			slt_json_kv_int(j, "median_response_secs", g->median_response);
			slt_json_end_object(j);
		}
		slt_json_end_array(j);
		slt_json_end_object(j);
		sltctl_print_json(j);
		return 0;
	}
	static const char *const heads[] = { "THEMA", "INTENTIE", "ORGANISATIE", "MAAND" };
	/* Bars only for a person at a terminal; scripts get --json. */
	const char *head[] = { heads[by], "AANTAL", "MEDIAAN ANTWOORD", ctl->tty ? "" : NULL, NULL };
	g_autoptr(SltTable) t = slt_table_new(head);
	slt_table_set_right(t, 1);
	slt_table_set_right(t, 2);
	slt_table_set_max(t, 0, 30);
	guint max = 0;
	for (guint i = 0; i < groups->len; i++)
		max = MAX(max, ((SltStatsGroup *)g_ptr_array_index(groups, i))->count);
	for (guint i = 0; i < groups->len; i++) {
		const SltStatsGroup *g = g_ptr_array_index(groups, i);
		g_autofree char *n = g_strdup_printf("%u", g->count);
		g_autofree char *med = sltctl_duration(g->median_response);
		g_autofree char *bar = slt_bar(g->count, max, 30);
		const char *cells[] = { g->key, n, med, bar };
		slt_table_add(t, cells);
	}
	g_autofree char *s = slt_table_render(t, ctl->color);
	fputs(s, stdout);
	g_autofree char *med = sltctl_duration(all.median_response);
	printf("totaal %u verzoeken, %u beantwoord, mediaan antwoordtijd %s\n", all.count, all.answered, med);
	return 0;
}

int
cmd_stats(SltCtl *ctl, int argc, char **argv)
{
	char *from = NULL, *to = NULL, *by = NULL;
	GOptionEntry entries[] = {
		{ "from", 0, 0, G_OPTION_ARG_STRING, &from, "requests opened on or after DATE", "DATE" },
		{ "to", 0, 0, G_OPTION_ARG_STRING, &to, "requests opened on or before DATE", "DATE" },
		{ "by", 0, 0, G_OPTION_ARG_STRING, &by, "group by theme (default), intent, org or month", "GROUP" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	int rc = sltctl_parse(ctl, "stats", entries, &argc, &argv) ? run(ctl, argc, argv, from, to, by) : 2;
	g_free(from);
	g_free(to);
	g_free(by);
	return rc;
}
