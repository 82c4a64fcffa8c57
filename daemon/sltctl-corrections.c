/* SPDX-License-Identifier: MIT */
/* sltctl corrections [--export DIR]: the label corrections staff made
 * with relabel; --export writes them as a labelled set in the corpus
 * format (DIR/messages/NAME.eml, DIR/labels.tsv) for
 * `sltctl train data/train DIR`. */
#include "sltctl-queue.h"

#include <stdio.h>

#include "table.h"

int
cmd_corrections(SltCtl *ctl, int argc, char **argv)
{
	char *dir = NULL;
	GOptionEntry entries[] = {
		{ "export", 'e', 0, G_OPTION_ARG_FILENAME, &dir, "write them as a labelled set into DIR", "DIR" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if (!sltctl_parse(ctl, "corrections", entries, &argc, &argv))
		return 2;
	g_autofree char *d = dir;
	if (argc > 1)
		return sltctl_fail("corrections: unexpected argument '%s'", argv[1]) + 1;
	g_autoptr(SltStore) store = sltctl_open_store(ctl, "corrections", FALSE, NULL);
	if (!store)
		return 1;
	GError *err = NULL;
	if (d) {
		guint n;
		if (!slt_queue_export_corrections(store, d, &n, &err))
			return sltctl_queue_fail("corrections", err);
		if (!ctl->json)
			printf("%u gecorrigeerde berichten in '%s' (sltctl train data/train %s)\n", n, d, d);
		return 0;
	}
	g_autoptr(GPtrArray) cs = slt_store_corrections(store, &err);
	if (!cs)
		return sltctl_queue_fail("corrections", err);
	if (ctl->json) {
		SltJson *j = slt_json_new(TRUE);
		slt_json_begin_array(j);
		for (guint i = 0; i < cs->len; i++) {
			const SltCorrection *c = g_ptr_array_index(cs, i);
			g_autofree char *ref = slt_store_ref_format(c->request_id);
			g_autofree char *at = slt_queue_iso_time(c->at);
			slt_json_begin_object(j);
			slt_json_kv_string(j, "ref", ref);
			slt_json_kv_int(j, "message", c->message_row);
			slt_json_kv_string(j, "at", at);
			slt_json_kv_string(j, "who", c->who);
			slt_json_kv_string(j, "old_intent", c->old_intent);
			slt_json_kv_string(j, "old_theme", c->old_theme);
			slt_json_kv_string(j, "intent", c->intent);
			slt_json_kv_string(j, "theme", c->theme);
			slt_json_key(j, "packages");
			slt_json_string_array(j, c->packages);
			slt_json_kv_bool(j, "erased", c->raw == NULL);
			slt_json_end_object(j);
		}
		slt_json_end_array(j);
		sltctl_print_json(j);
		return 0;
	}
	static const char *const head[] = { "VERZOEK", "BERICHT", "DATUM", "DOOR", "WAS", "WORDT", NULL };
	g_autoptr(SltTable) t = slt_table_new(head);
	for (guint i = 0; i < cs->len; i++) {
		const SltCorrection *c = g_ptr_array_index(cs, i);
		g_autofree char *ref = slt_store_ref_format(c->request_id);
		g_autofree char *m = g_strdup_printf("%" G_GINT64_FORMAT, c->message_row);
		g_autofree char *at = sltctl_local_time(c->at);
		g_autofree char *was = g_strdup_printf("%s/%s", c->old_intent ? c->old_intent : "-",
						       c->old_theme ? c->old_theme : "-");
		g_autofree char *now = g_strdup_printf("%s/%s", c->intent, c->theme);
		const char *cells[] = { ref, m, at, c->who, was, now };
		slt_table_add(t, cells);
	}
	if (!slt_table_rows(t)) {
		printf("geen correcties\n");
		return 0;
	}
	g_autofree char *s = slt_table_render(t, ctl->color);
	fputs(s, stdout);
	return 0;
}
