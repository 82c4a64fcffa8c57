/* SPDX-License-Identifier: MIT */
/* sltctl deadletters: messages sltd could not record, with the reason
 * (newest first); --all also those reprocessed since. Reads only. */
#include "sltctl-queue.h"

#include <stdio.h>

#include "table.h"

int
cmd_deadletters(SltCtl *ctl, int argc, char **argv)
{
	gboolean all = FALSE;
	GOptionEntry entries[] = {
		{ "all", 'a', 0, G_OPTION_ARG_NONE, &all, "also those recorded since (reprocessed)", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if (!sltctl_parse(ctl, "deadletters", entries, &argc, &argv))
		return 2;
	if (argc > 1)
		return sltctl_fail("deadletters: unexpected argument '%s'", argv[1]) + 1;
	g_autoptr(SltStore) store = sltctl_open_store(ctl, "deadletters", FALSE, NULL);
	if (!store)
		return 1;
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) rows = slt_store_dead_letters(store, all, &err);
	if (!rows)
		return sltctl_fail("deadletters: %s", err->message);
	if (ctl->json) {
		SltJson *j = slt_json_new(TRUE);
		slt_json_begin_array(j);
		for (guint i = 0; i < rows->len; i++) {
			const SltDeadLetterRow *d = g_ptr_array_index(rows, i);
			g_autofree char *at = slt_queue_iso_time(d->created_at);
			g_autofree char *rp = slt_queue_iso_time(d->reprocessed_at);
			slt_json_begin_object(j);
			slt_json_kv_int(j, "id", d->id);
			slt_json_kv_string(j, "mailbox", d->mailbox);
			slt_json_kv_int(j, "uidvalidity", d->uidvalidity);
			slt_json_kv_int(j, "uid", d->uid);
			slt_json_kv_int(j, "size", d->size);
			slt_json_kv_string(j, "error", d->error);
			slt_json_kv_string(j, "created_at", at);
			slt_json_kv_bool(j, "has_raw", d->has_raw);
			slt_json_kv_string(j, "reprocessed_at", rp);
			slt_json_kv_string(j, "reprocess_result", d->reprocess_result);
			if (d->message_row)
				slt_json_kv_int(j, "message", d->message_row);
			else {
				slt_json_key(j, "message");
				slt_json_null(j);
			}
			slt_json_end_object(j);
		}
		slt_json_end_array(j);
		sltctl_print_json(j);
		return 0;
	}
	if (rows->len == 0) {
		printf("geen onverwerkte berichten\n");
		return 0;
	}
	static const char *const head[] = { "ID", "DATUM", "MAILBOX", "UID", "GROOTTE", "FOUT", "HERVERWERKT", NULL };
	g_autoptr(SltTable) t = slt_table_new(head);
	slt_table_set_right(t, 0);
	slt_table_set_right(t, 3);
	slt_table_set_right(t, 4);
	slt_table_set_max(t, 5, ctl->tty ? 60 : 300);
	for (guint i = 0; i < rows->len; i++) {
		const SltDeadLetterRow *d = g_ptr_array_index(rows, i);
		g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, d->id);
		g_autofree char *at = sltctl_local_time(d->created_at);
		g_autofree char *uid = g_strdup_printf("%u", d->uid);
		g_autofree char *size = g_strdup_printf("%" G_GINT64_FORMAT, d->size);
		const char *cells[] = { id, at, d->mailbox, uid, size, d->error,
					d->reprocess_result ? d->reprocess_result : "-" };
		slt_table_add(t, cells);
	}
	g_autofree char *s = slt_table_render(t, ctl->color);
	fputs(s, stdout);
	return 0;
}
