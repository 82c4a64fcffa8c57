/* SPDX-License-Identifier: MIT */
/* sltctl reprocess ID: parse a dead letter's stored bytes again (after a
 * parser fix, say), classify and record it; the outcome is kept on the
 * dead letter and audited. No reply is sent from here. */
#include "sltctl-queue.h"

#include <stdio.h>

#include "classify.h"

int
cmd_reprocess(SltCtl *ctl, int argc, char **argv)
{
	if (!sltctl_parse(ctl, "reprocess", NULL, &argc, &argv))
		return 2;
	if (argc != 2)
		return sltctl_fail("reprocess: expected one dead-letter id (see sltctl deadletters)") + 1;
	guint64 id;
	if (!g_ascii_string_to_unsigned(argv[1], 10, 1, G_MAXINT64, &id, NULL))
		return sltctl_fail("reprocess: not a dead-letter id '%s'", argv[1]) + 1;
	g_autoptr(SltConfig) cfg = NULL;
	g_autoptr(SltStore) store = sltctl_open_store(ctl, "reprocess", TRUE, &cfg);
	if (!store)
		return 1;
	g_autoptr(SltClassifier) c = sltctl_load_classifier("reprocess", cfg->model_path, cfg->lexicon_path);
	if (!c)
		return 1;
	SltRecordResult res;
	GError *err = NULL;
	if (!slt_queue_reprocess(store, c, (gint64)id, sltctl_who(), &res, &err))
		return sltctl_queue_fail("reprocess", err);
	g_autofree char *ref = slt_store_ref_format(res.request_id);
	if (ctl->json) {
		SltJson *j = slt_json_new(TRUE);
		slt_json_begin_object(j);
		slt_json_kv_int(j, "dead_letter", (gint64)id);
		slt_json_kv_int(j, "message", res.message_row);
		slt_json_kv_string(j, "ref", ref);
		slt_json_kv_string(j, "result", res.status == SLT_RECORD_DUPLICATE ? "duplicate" :
				   res.status == SLT_RECORD_FOLLOW_UP ? "follow-up" : "new-request");
		slt_json_end_object(j);
		sltctl_print_json(j);
	} else {
		printf("onverwerkt bericht %" G_GUINT64_FORMAT " vastgelegd als bericht %" G_GINT64_FORMAT
		       " in %s (%s)\n", id, res.message_row, ref,
		       res.status == SLT_RECORD_DUPLICATE ? "stond er al" :
		       res.status == SLT_RECORD_FOLLOW_UP ? "vervolg" : "nieuw verzoek");
	}
	return 0;
}
