/* SPDX-License-Identifier: MIT */
/* sltctl assign REF NAME: give a request to a staff member ('-': to
 * nobody); recorded in its history with who and when. */
#include "sltctl-queue.h"

#include <stdio.h>

int
cmd_assign(SltCtl *ctl, int argc, char **argv)
{
	gint64 version = 0;
	GOptionEntry entries[] = {
		{ "if-version", 0, 0, G_OPTION_ARG_INT64, &version,
		  "only if the request is still at version N (as shown by show)", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if (!sltctl_parse(ctl, "assign", entries, &argc, &argv))
		return 2;
	if (argc != 3)
		return sltctl_fail("assign: expected a reference and a name (e.g. SLT-12 anna; '-' for nobody)") + 1;
	GError *err = NULL;
	gint64 id;
	if (!slt_queue_parse_ref(argv[1], &id, &err))
		return sltctl_queue_fail("assign", err);
	g_autoptr(SltStore) store = sltctl_open_store(ctl, "assign", TRUE, NULL);
	if (!store)
		return 1;
	const char *name = g_strcmp0(argv[2], "-") == 0 ? NULL : argv[2];
	if (!slt_queue_assign(store, id, version, sltctl_who(), name, &err))
		return sltctl_queue_fail("assign", err);
	g_autofree char *ref = slt_store_ref_format(id);
	if (!ctl->json)
		printf("%s: behandelaar %s\n", ref, name ? name : "niemand");
	return 0;
}
