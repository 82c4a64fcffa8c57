/* SPDX-License-Identifier: MIT */
/* sltctl list: the queue, newest first, with the filters staff work by
 * (status, theme, intent, organisation, dates, assignee, review). Reads
 * only: safe beside a running sltd (WAL readers never block it). */
#include "sltctl-queue.h"

#include <stdio.h>
#include <string.h>

#include "table.h"

/* "gemeente:Utrecht" -> "Utrecht": the kind shows in --json; the table
 * needs the name. */
static const char *
org_name(const char *org)
{
	const char *colon = org ? strchr(org, ':') : NULL;
	return colon ? colon + 1 : org;
}


void
sltctl_print_requests(SltCtl *ctl, GPtrArray *rows)
{
	if (rows->len == 0) {
		printf("geen verzoeken\n");
		return;
	}
	static const char *const head[] = { "VERZOEK", "DATUM", "ORGANISATIE", "INTENTIE", "THEMA",
					    "STATUS", "BEHANDELAAR", "!", "ONDERWERP", NULL };
	g_autoptr(SltTable) t = slt_table_new(head);
	slt_table_set_max(t, 2, 22);
	slt_table_set_max(t, 6, 14);
	slt_table_set_max(t, 8, ctl->tty ? 50 : 200);
	for (guint i = 0; i < rows->len; i++) {
		SltRequestRow *r = g_ptr_array_index(rows, i);
		g_autofree char *date = sltctl_local_time(r->opened_at);
		/* The review mark: the classifier was unsure, staff should look. */
		const char *cells[] = { r->ref, date, org_name(r->org), r->intent, r->theme,
					r->status, r->assignee, r->review ? "!" : " ", r->subject };
		slt_table_add(t, cells);
	}
	g_autofree char *s = slt_table_render(t, ctl->color);
	fputs(s, stdout);
}


void
sltctl_print_requests_json(GPtrArray *rows)
{
	SltJson *j = slt_json_new(TRUE);
	slt_json_begin_array(j);
	for (guint i = 0; i < rows->len; i++)
		slt_queue_json_row(j, g_ptr_array_index(rows, i));
	slt_json_end_array(j);
	sltctl_print_json(j);
}

static int
run_list(SltCtl *ctl, SltCtlFilter *o, int argc, char **argv)
{
	if (argc > 1)
		return sltctl_fail("list: unexpected argument '%s'", argv[1]) + 1;
	if (!sltctl_filter_finish(o, "list"))
		return 2;
	g_autoptr(SltStore) store = sltctl_open_store(ctl, "list", FALSE, NULL);
	if (!store)
		return 1;
	GError *err = NULL;
	g_autoptr(GPtrArray) rows = slt_queue_list(store, &o->f, &err);
	if (!rows)
		return sltctl_queue_fail("list", err);
	if (ctl->json)
		sltctl_print_requests_json(rows);
	else
		sltctl_print_requests(ctl, rows);
	return 0;
}

int
cmd_list(SltCtl *ctl, int argc, char **argv)
{
	SltCtlFilter o = { 0 };
	int rc = sltctl_parse(ctl, "list", sltctl_filter_entries(&o), &argc, &argv) ?
		run_list(ctl, &o, argc, argv) : 2;
	/* GOption's strings are ours to free on every path. */
	sltctl_filter_clear(&o);
	return rc;
}
