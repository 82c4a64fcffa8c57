/* SPDX-License-Identifier: MIT */
/* sltctl export --format csv|json [filters]: the queue (with the same
 * filters as list, afgerond included unless --status says otherwise) for
 * a spreadsheet or a script. CSV: RFC 4180, UTF-8, CRLF lines. */
#include "sltctl-queue.h"

#include <stdio.h>
#include <string.h>

#include "table.h"

static void
csv_line(GString *out, const char *const *cells, guint n)
{
	for (guint i = 0; i < n; i++) {
		if (i)
			g_string_append_c(out, ',');
		slt_csv_field(out, cells[i]);
	}
	g_string_append(out, "\r\n");
}

static int
run(SltCtl *ctl, SltCtlFilter *o, const char *format, int argc, char **argv)
{
	if (argc > 1)
		return sltctl_fail("export: unexpected argument '%s'", argv[1]) + 1;
	const char *fmt = format ? format : ctl->json ? "json" : NULL;
	if (!fmt)
		return sltctl_fail("export: --format csv or --format json is needed") + 1;
	if (strcmp(fmt, "csv") != 0 && strcmp(fmt, "json") != 0)
		return sltctl_fail("export: unknown format '%s' (csv, json)", fmt) + 1;
	/* An export is about everything, closed requests too. */
	o->all = TRUE;
	if (!sltctl_filter_finish(o, "export"))
		return 2;
	g_autoptr(SltStore) store = sltctl_open_store(ctl, "export", FALSE, NULL);
	if (!store)
		return 1;
	GError *err = NULL;
	g_autoptr(GPtrArray) rows = slt_queue_list(store, &o->f, &err);
	if (!rows)
		return sltctl_queue_fail("export", err);
	if (strcmp(fmt, "json") == 0) {
		sltctl_print_requests_json(rows);
		return 0;
	}
	g_autoptr(GString) out = g_string_new(NULL);
	static const char *const head[] = { "ref", "opened_at", "updated_at", "status", "assignee",
					    "org", "requester_addr", "requester_name", "intent", "theme",
					    "packages", "review", "messages", "subject" };
	csv_line(out, head, G_N_ELEMENTS(head));
	for (guint i = 0; i < rows->len; i++) {
		const SltRequestRow *r = g_ptr_array_index(rows, i);
		g_autofree char *opened = slt_queue_iso_time(r->opened_at);
		g_autofree char *updated = slt_queue_iso_time(r->updated_at);
		g_autoptr(GString) pk = g_string_new(NULL);
		for (guint k = 0; k < r->packages->len; k++)
			g_string_append_printf(pk, "%s%s", k ? "," : "", (const char *)g_ptr_array_index(r->packages, k));
		g_autofree char *n = g_strdup_printf("%u", r->n_messages);
		const char *cells[] = { r->ref, opened, updated, r->status, r->assignee, r->org,
					r->requester_addr, r->requester_name, r->intent, r->theme,
					pk->str, r->review ? "1" : "0", n, r->subject };
		csv_line(out, cells, G_N_ELEMENTS(cells));
	}
	fwrite(out->str, 1, out->len, stdout);
	return 0;
}

int
cmd_export(SltCtl *ctl, int argc, char **argv)
{
	SltCtlFilter o = { 0 };
	char *format = NULL;
	GOptionEntry *fe = sltctl_filter_entries(&o);
	GOptionEntry entries[16];
	guint n = 0;
	entries[n++] = (GOptionEntry){ "format", 'f', 0, G_OPTION_ARG_STRING, &format, "csv or json", "FORMAT" };
	for (guint i = 0; fe[i].long_name && n < G_N_ELEMENTS(entries) - 1; i++)
		if (strcmp(fe[i].long_name, "all") != 0)
			entries[n++] = fe[i];
	entries[n] = (GOptionEntry){ NULL, 0, 0, 0, NULL, NULL, NULL };
	int rc = sltctl_parse(ctl, "export", entries, &argc, &argv) ? run(ctl, &o, format, argc, argv) : 2;
	sltctl_filter_clear(&o);
	g_free(format);
	return rc;
}
