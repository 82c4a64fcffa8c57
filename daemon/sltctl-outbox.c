/* SPDX-License-Identifier: MIT */
/* sltctl outbox: the replies sltd queued, sent, could not send (failed:
 * for staff to look at) or held back (suppressed, with the reason);
 * --retry ID puts a failed one back in the queue. */
#include "sltctl.h"

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "json.h"
#include "store-outbox.h"
#include "queue.h"
#include "sltctl-queue.h"

static char *
when(gint64 t)
{
	if (!t)
		return g_strdup("-");
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(t);
	return g_date_time_format(dt, "%Y-%m-%d %H:%M");
}

static char *
one_line(const char *s, glong max)
{
	g_autofree char *v = g_utf8_make_valid(s ? s : "", -1);
	for (char *p = v; *p; p++)
		if ((guchar)*p < 0x20)
			*p = ' ';
	if (g_utf8_strlen(v, -1) <= max)
		return g_steal_pointer(&v);
	return g_utf8_substring(v, 0, max);
}

int
cmd_outbox(SltCtl *ctl, int argc, char **argv)
{
	g_autofree char *state = NULL;
	gboolean all = FALSE;
	int limit = 50;
	gint64 retry = 0;
	GOptionEntry entries[] = {
		{ "state", 0, 0, G_OPTION_ARG_STRING, &state,
		  "only this state: queued, sent, failed, suppressed", "STATE" },
		{ "all", 'a', 0, G_OPTION_ARG_NONE, &all, "also the suppressed ones", NULL },
		{ "limit", 0, 0, G_OPTION_ARG_INT, &limit, "at most N (default 50, 0: all)", "N" },
		{ "retry", 0, 0, G_OPTION_ARG_INT64, &retry, "queue failed item ID again", "ID" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if (!sltctl_parse(ctl, "outbox", entries, &argc, &argv))
		return 2;
	if (argc > 1)
		return sltctl_fail("outbox: unexpected argument '%s'", argv[1]);
	static const char *const states[] = { "queued", "sent", "failed", "suppressed", NULL };
	if (state && !g_strv_contains(states, state))
		return sltctl_fail("outbox: unknown state '%s' (queued, sent, failed, suppressed)", state);
	g_autoptr(GError) error = NULL;
	g_autoptr(SltConfig) cfg = slt_config_load_for_staff(sltctl_config_path(ctl), &error);
	if (!cfg)
		return sltctl_fail("%s", error->message);
	g_autoptr(SltStore) store = slt_store_open(cfg->store_path,
						   retry ? 0 : SLT_STORE_OPEN_READONLY, &error);
	if (!store)
		return sltctl_fail("%s", error->message);
	if (retry) {
		if (!slt_queue_outbox_retry(store, retry, sltctl_who(), &error))
			return sltctl_fail("outbox: %s", error->message);
		printf("outbox %" G_GINT64_FORMAT ": queued again; sltd sends it\n", retry);
		return 0;
	}
	g_autoptr(GPtrArray) rows = slt_store_outbox_list(store, state, all, (guint)MAX(limit, 0), &error);
	if (!rows)
		return sltctl_fail("outbox: %s", error->message);
	if (ctl->json) {
		g_autoptr(SltJson) j = slt_json_new(TRUE);
		slt_json_begin_array(j);
		for (guint i = 0; i < rows->len; i++) {
			SltOutboxItem *it = g_ptr_array_index(rows, i);
			slt_json_begin_object(j);
			slt_json_kv_int(j, "id", it->id);
			g_autofree char *ref = it->request_id ? g_strdup_printf("SLT-%" G_GINT64_FORMAT, it->request_id) : NULL;
			slt_json_kv_string(j, "request", ref);
			slt_json_kv_string(j, "state", it->state);
			slt_json_kv_string(j, "kind", it->kind);
			slt_json_kv_string(j, "rcpt", it->rcpt);
			slt_json_kv_string(j, "subject", it->subject);
			slt_json_kv_string(j, "message_id", it->message_id);
			slt_json_kv_int(j, "attempts", it->attempts);
			slt_json_kv_int(j, "created_at", it->created_at);
			slt_json_kv_int(j, "next_attempt_at", it->next_attempt_at);
			slt_json_kv_int(j, "sent_at", it->sent_at);
			slt_json_kv_string(j, "last_error", it->last_error);
			slt_json_kv_string(j, "suppress_reason", it->suppress_reason);
			slt_json_end_object(j);
		}
		slt_json_end_array(j);
		puts(slt_json_get(j));
		return 0;
	}
	gint64 q = 0, s = 0, f = 0, x = 0;
	slt_store_outbox_counts(store, &q, &s, &f, &x, NULL);
	printf("%" G_GINT64_FORMAT " queued, %" G_GINT64_FORMAT " sent, %" G_GINT64_FORMAT
	       " failed, %" G_GINT64_FORMAT " suppressed\n", q, s, f, x);
	if (!rows->len)
		return 0;
	printf("%-6s %-9s %-10s %-12s %-16s %-32s %s\n", "ID", "VERZOEK", "STATUS", "SOORT", "DATUM",
	       "AAN", "ONDERWERP / REDEN");
	for (guint i = 0; i < rows->len; i++) {
		SltOutboxItem *it = g_ptr_array_index(rows, i);
		g_autofree char *ref = it->request_id ? g_strdup_printf("SLT-%" G_GINT64_FORMAT, it->request_id) : g_strdup("-");
		g_autofree char *t = when(strcmp(it->state, "sent") == 0 ? it->sent_at : it->created_at);
		g_autofree char *subj = one_line(it->subject, 60);
		g_autofree char *rcpt = one_line(it->rcpt, 32);
		printf("%-6" G_GINT64_FORMAT " %-9s %-10s %-12s %-16s %-32s %s\n", it->id, ref, it->state,
		       it->kind, t, rcpt, subj);
		if (it->suppress_reason) {
			g_autofree char *r = one_line(it->suppress_reason, 120);
			printf("%-6s reden: %s\n", "", r);
		}
		if (it->last_error && strcmp(it->state, "sent") != 0) {
			g_autofree char *e = one_line(it->last_error, 120);
			g_autofree char *next = when(it->next_attempt_at);
			printf("%-6s %d poging%s, fout: %s%s%s\n", "", it->attempts,
			       it->attempts == 1 ? "" : "en", e,
			       strcmp(it->state, "queued") == 0 ? "; opnieuw om " : "",
			       strcmp(it->state, "queued") == 0 ? next : "");
		}
	}
	return 0;
}
