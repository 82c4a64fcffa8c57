/* SPDX-License-Identifier: MIT */
/* sltctl list: the requests sltd recorded, newest first (issue 3's
 * minimal queue; issue 7 adds the filters). Reads only: safe beside a
 * running sltd (WAL readers never block it). */
#include "sltctl.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "json.h"
#include "store.h"

static char *
local_time(gint64 t)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(t);
	return dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M") : g_strdup("?");
}

static char *
iso_time(gint64 t)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(t);
	return dt ? g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S%:z") : NULL;
}

/* s cut to width characters (not bytes), with "…" when cut, and padded
 * with spaces to width when pad. Control characters (a hostile subject)
 * become '?', so one request is always one line. */
static char *
cell(const char *s, glong width, gboolean pad)
{
	GString *out = g_string_new(NULL);
	g_autofree char *valid = g_utf8_make_valid(s ? s : "", -1);
	glong n = g_utf8_strlen(valid, -1);
	glong i = 0;
	for (const char *p = valid; *p && i < width; p = g_utf8_next_char(p), i++) {
		gunichar c = g_utf8_get_char(p);
		if (i == width - 1 && n > width) {
			g_string_append(out, "…");
			break;
		}
		if (g_unichar_iscntrl(c))
			g_string_append_c(out, '?');
		else
			g_string_append_unichar(out, c);
	}
	if (pad)
		for (glong k = MIN(n, width); k < width; k++)
			g_string_append_c(out, ' ');
	return g_string_free(out, FALSE);
}

/* "gemeente:Utrecht" -> "Utrecht", "team:X" -> "X": the kind shows in
 * --json; the table needs the name. */
static const char *
org_name(const char *org)
{
	const char *colon = org ? strchr(org, ':') : NULL;
	return colon ? colon + 1 : org ? org : "";
}

static void
print_json(GPtrArray *rows)
{
	g_autoptr(SltJson) j = slt_json_new(TRUE);
	slt_json_begin_array(j);
	for (guint i = 0; i < rows->len; i++) {
		SltRequestRow *r = g_ptr_array_index(rows, i);
		g_autofree char *opened = iso_time(r->opened_at);
		g_autofree char *updated = iso_time(r->updated_at);
		slt_json_begin_object(j);
		slt_json_kv_string(j, "ref", r->ref);
		slt_json_kv_int(j, "id", r->id);
		slt_json_kv_string(j, "opened_at", opened);
		slt_json_kv_string(j, "updated_at", updated);
		slt_json_kv_string(j, "status", r->status);
		slt_json_kv_string(j, "assignee", r->assignee);
		slt_json_kv_string(j, "org", r->org);
		slt_json_kv_string(j, "requester_addr", r->requester_addr);
		slt_json_kv_string(j, "requester_name", r->requester_name);
		slt_json_kv_string(j, "intent", r->intent);
		slt_json_kv_string(j, "theme", r->theme);
		slt_json_key(j, "packages");
		slt_json_string_array(j, r->packages);
		slt_json_kv_bool(j, "review", r->review);
		slt_json_kv_string(j, "subject", r->subject);
		slt_json_kv_int(j, "messages", r->n_messages);
		slt_json_end_object(j);
	}
	slt_json_end_array(j);
	puts(slt_json_get(j));
}

static void
print_table(SltCtl *ctl, GPtrArray *rows)
{
	if (rows->len == 0) {
		printf("geen verzoeken\n");
		return;
	}
	const char *bold = ctl->color ? "\033[1m" : "";
	const char *off = ctl->color ? "\033[0m" : "";
	printf("%s%-9s %-16s %-22s %-10s %-19s %-14s %s%s\n", bold, "VERZOEK", "DATUM",
	       "ORGANISATIE", "INTENTIE", "THEMA", "STATUS", "ONDERWERP", off);
	for (guint i = 0; i < rows->len; i++) {
		SltRequestRow *r = g_ptr_array_index(rows, i);
		g_autofree char *date = local_time(r->opened_at);
		/* A review mark (!) beside the intent: the classifier was unsure. */
		g_autofree char *intent = g_strdup_printf("%s%s", r->intent ? r->intent : "-",
							 r->review ? "!" : "");
		g_autofree char *c_ref = cell(r->ref, 9, TRUE);
		g_autofree char *c_org = cell(org_name(r->org), 22, TRUE);
		g_autofree char *c_int = cell(intent, 10, TRUE);
		g_autofree char *c_theme = cell(r->theme ? r->theme : "-", 19, TRUE);
		g_autofree char *c_status = cell(r->status, 14, TRUE);
		g_autofree char *c_subj = cell(r->subject, ctl->tty ? 60 : 200, FALSE);
		printf("%s %-16s %s %s %s %s %s\n", c_ref, date, c_org, c_int, c_theme,
		       c_status, c_subj);
	}
}

int
cmd_list(SltCtl *ctl, int argc, char **argv)
{
	gboolean all = FALSE;
	g_autofree char *status = NULL;
	int limit = 0;
	GOptionEntry entries[] = {
		{ "all", 'a', 0, G_OPTION_ARG_NONE, &all, "also requests that are afgerond", NULL },
		{ "status", 0, 0, G_OPTION_ARG_STRING, &status,
		  "only this status: open, in-behandeling, wacht-op-klant, afgerond", "STATUS" },
		{ "limit", 0, 0, G_OPTION_ARG_INT, &limit, "at most N requests", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if (!sltctl_parse(ctl, "list", entries, &argc, &argv))
		return 2;
	if (argc > 1)
		return sltctl_fail("list: unexpected argument '%s'", argv[1]);
	static const char *const statuses[] = { "open", "in-behandeling", "wacht-op-klant", "afgerond" };
	if (status && !g_strv_contains(statuses, status))
		return sltctl_fail("list: unknown status '%s' (open, in-behandeling, wacht-op-klant, afgerond)",
				   status);
	if (limit < 0)
		return sltctl_fail("list: --limit must not be negative");

	g_autoptr(GError) error = NULL;
	g_autoptr(SltConfig) cfg = slt_config_load(sltctl_config_path(ctl), &error);
	if (!cfg)
		return sltctl_fail("%s", error->message);
	g_autoptr(SltStore) store = slt_store_open(cfg->store_path, SLT_STORE_OPEN_READONLY, &error);
	if (!store)
		return sltctl_fail("%s", error->message);
	SltRequestFilter f = { .all = all, .status = status, .limit = (guint)limit };
	g_autoptr(GPtrArray) rows = slt_store_list_requests(store, &f, &error);
	if (!rows)
		return sltctl_fail("list: %s", error->message);
	if (ctl->json)
		print_json(rows);
	else
		print_table(ctl, rows);
	return 0;
}
