/* SPDX-License-Identifier: MIT */
/* sltctl relabel REF --intent X --theme Y [--packages A,B] [--kenmerken K]
 * [--org ORG]: correct a request's labels or its organisation. The correction is kept for retraining
 * (sltctl corrections --export DIR; sltctl train ... DIR), and when it
 * changes what the sender should get this says so; the reply is only
 * queued on an explicit --send-reply, never silently. */
#include "sltctl-queue.h"

#include <stdio.h>

static char *
join(const GPtrArray *a)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; a && i < a->len; i++)
		g_string_append_printf(s, "%s%s", i ? "," : "", (const char *)g_ptr_array_index(a, i));
	if (!s->len)
		g_string_append_c(s, '-');
	return g_string_free(s, FALSE);
}

static void
print_json(gint64 id, const SltRelabelResult *r, gboolean queued, const GPtrArray *made)
{
	g_autofree char *ref = slt_store_ref_format(id);
	SltJson *j = slt_json_new(TRUE);
	slt_json_begin_object(j);
	slt_json_kv_string(j, "ref", ref);
	slt_json_kv_int(j, "version", r->version);
	slt_json_kv_string(j, "old_intent", r->old_intent);
	slt_json_kv_string(j, "old_theme", r->old_theme);
	slt_json_key(j, "old_packages");
	slt_json_string_array(j, r->old_packages);
	slt_json_kv_string(j, "old_org", r->old_org);
	slt_json_kv_string(j, "org", r->new_org);
	slt_json_kv_string(j, "intent", r->new_intent);
	slt_json_kv_string(j, "theme", r->new_theme);
	slt_json_key(j, "packages");
	slt_json_string_array(j, r->new_packages);
	slt_json_kv_bool(j, "reply_changed", r->reply_changed);
	slt_json_kv_string(j, "reply_before", r->reply_before);
	slt_json_kv_string(j, "reply_after", r->reply_after);
	slt_json_kv_string(j, "no_reply_reason", r->reason_after);
	slt_json_key(j, "attach");
	slt_json_string_array(j, r->attach_after);
	slt_json_key(j, "wait");
	slt_json_string_array(j, r->wait_after);
	slt_json_kv_bool(j, "reply_queued", queued);
	slt_json_key(j, "outbox");
	slt_json_begin_array(j);
	for (guint i = 0; made && i < made->len; i++) {
		const SltQueueReply *o = g_ptr_array_index(made, i);
		slt_json_begin_object(j);
		slt_json_kv_int(j, "id", o->id);
		slt_json_kv_string(j, "kind", o->kind);
		slt_json_kv_string(j, "state", o->state);
		slt_json_kv_string(j, "suppress_reason", o->suppress_reason);
		slt_json_end_object(j);
	}
	slt_json_end_array(j);
	slt_json_end_object(j);
	sltctl_print_json(j);
}

static int
run(SltCtl *ctl, int argc, char **argv, const char *intent, const char *theme,
    const char *packages, const char *kenmerken, const char *org, gint64 version, gboolean send)
{
	if (argc != 2)
		return sltctl_fail("relabel: expected one reference (e.g. SLT-12)") + 1;
	GError *err = NULL;
	gint64 id;
	g_autoptr(GPtrArray) pk = NULL;
	g_autoptr(GPtrArray) km = NULL;
	if (!slt_queue_parse_ref(argv[1], &id, &err) ||
	    (packages && !slt_queue_check_packages(packages, &pk, &err)))
		return sltctl_queue_fail("relabel", err);
	if (kenmerken) {
		km = g_ptr_array_new_with_free_func(g_free);
		g_auto(GStrv) v = g_strsplit(kenmerken, ",", -1);
		for (char **p = v; *p; p++)
			if (*g_strstrip(*p))
				g_ptr_array_add(km, g_strdup(*p));
	}
	g_autoptr(SltConfig) cfg = NULL;
	g_autoptr(SltStore) store = sltctl_open_store(ctl, "relabel", TRUE, &cfg);
	if (!store)
		return 1;
	g_autofree char *canon = NULL;
	int crc = org ? sltctl_canonical_org("relabel", org, &canon) : 0;
	if (crc)
		return crc;
	SltRelabel l = { intent, theme, pk, km, canon };
	SltRelabelResult r;
	if (!slt_queue_relabel(store, id, version, sltctl_who(), &l, &r, &err))
		return sltctl_queue_fail("relabel", err);
	g_autoptr(GPtrArray) made = NULL;
	int rc = 0;
	if (send) {
		if (!r.reply_after) {
			rc = sltctl_fail("relabel: the new labels call for no reply (%s); nothing sent",
					 r.reason_after ? r.reason_after : "-");
		} else if (!slt_queue_reply(store, cfg, id, sltctl_who(), &made, &err)) {
			rc = sltctl_queue_fail("relabel", err);
		}
	}
	/* What the replies module did: a queued reply, or why none. */
	gboolean queued = FALSE;
	for (guint i = 0; made && i < made->len; i++)
		queued |= g_strcmp0(((SltQueueReply *)g_ptr_array_index(made, i))->state, "queued") == 0;
	if (ctl->json) {
		print_json(id, &r, queued, made);
	} else {
		g_autofree char *ref = slt_store_ref_format(id);
		g_autofree char *op = join(r.old_packages), *np = join(r.new_packages);
		if (intent || theme || packages || kenmerken) {
			printf("%s: %s/%s [%s] -> %s/%s [%s]\n", ref, r.old_intent ? r.old_intent : "-",
			       r.old_theme ? r.old_theme : "-", op, r.new_intent ? r.new_intent : "-",
			       r.new_theme ? r.new_theme : "-", np);
			printf("correctie bewaard voor training\n");
		}
		if (org)
			printf("%s: organisatie %s -> %s\n", ref, r.old_org ? r.old_org : "-",
			       r.new_org ? r.new_org : "-");
		if (r.reply_changed) {
			g_autofree char *at = join(r.attach_after), *wt = join(r.wait_after);
			printf("Let op: met deze labels hoort de afzender een ander antwoord te krijgen:\n"
			       "  eerst: %s\n  nu:    %s%s%s (pakketten: %s; wachtlijst: %s)\n",
			       r.reply_before ? r.reply_before : "geen antwoord",
			       r.reply_after ? r.reply_after : "geen antwoord",
			       r.reason_after ? ", " : "", r.reason_after ? r.reason_after : "", at, wt);
			if (!send && r.reply_after)
				printf("Versturen: sltctl relabel %s --send-reply (met dezelfde labels)\n", ref);
		}
		for (guint i = 0; made && i < made->len; i++) {
			const SltQueueReply *o = g_ptr_array_index(made, i);
			if (o->suppress_reason)
				printf("geen antwoord (%s): %s\n", o->kind, o->suppress_reason);
			else
				printf("antwoord %s aan %s in de wachtrij (outbox %" G_GINT64_FORMAT ")\n",
				       o->kind, o->rcpt, o->id);
		}
		if (send && made && !made->len)
			printf("geen antwoord: de antwoordregels besloten niets\n");
	}
	slt_relabel_result_clear(&r);
	return rc;
}

int
cmd_relabel(SltCtl *ctl, int argc, char **argv)
{
	char *intent = NULL, *theme = NULL, *packages = NULL, *kenmerken = NULL, *org = NULL;
	gint64 version = 0;
	gboolean send = FALSE;
	GOptionEntry entries[] = {
		{ "intent", 'i', 0, G_OPTION_ARG_STRING, &intent, "the right intent", "INTENT" },
		{ "theme", 't', 0, G_OPTION_ARG_STRING, &theme, "the right theme", "THEME" },
		{ "packages", 'p', 0, G_OPTION_ARG_STRING, &packages,
		  "the packages asked for, comma-separated ('' for none)", "A,B" },
		{ "kenmerken", 'k', 0, G_OPTION_ARG_STRING, &kenmerken, "the kenmerken, comma-separated", "K,L" },
		{ "org", 'o', 0, G_OPTION_ARG_STRING, &org,
		  "the organisation: gemeente:NAME, team:NAME or overig:NAME ('' for none); "
		  "for all later mail from a domain: sltctl orgs set", "ORG" },
		{ "if-version", 0, 0, G_OPTION_ARG_INT64, &version,
		  "only if the request is still at version N (as shown by show)", "N" },
		{ "send-reply", 0, 0, G_OPTION_ARG_NONE, &send,
		  "also queue the reply the new labels call for", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	int rc = sltctl_parse(ctl, "relabel", entries, &argc, &argv) ?
		run(ctl, argc, argv, intent, theme, packages, kenmerken, org, version, send) : 2;
	g_free(intent);
	g_free(theme);
	g_free(packages);
	g_free(kenmerken);
	g_free(org);
	return rc;
}
