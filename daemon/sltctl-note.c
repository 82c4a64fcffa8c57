/* SPDX-License-Identifier: MIT */
/* sltctl note REF TEXT...: a note in the request's history. */
#include "sltctl-queue.h"

#include <stdio.h>

int
cmd_note(SltCtl *ctl, int argc, char **argv)
{
	if (!sltctl_parse(ctl, "note", NULL, &argc, &argv))
		return 2;
	if (argc < 3)
		return sltctl_fail("note: expected a reference and a text") + 1;
	GError *err = NULL;
	gint64 id;
	if (!slt_queue_parse_ref(argv[1], &id, &err))
		return sltctl_queue_fail("note", err);
	g_autofree char *text = g_strjoinv(" ", argv + 2);
	g_autoptr(SltStore) store = sltctl_open_store(ctl, "note", TRUE, NULL);
	if (!store)
		return 1;
	if (!slt_queue_note(store, id, sltctl_who(), text, &err))
		return sltctl_queue_fail("note", err);
	g_autofree char *ref = slt_store_ref_format(id);
	if (!ctl->json)
		printf("%s: notitie toegevoegd\n", ref);
	return 0;
}
