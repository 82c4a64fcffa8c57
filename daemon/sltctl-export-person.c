/* SPDX-License-Identifier: MIT */
/* sltctl export-person ADDRESS: everything held about one person (AVG
 * article 15), as JSON: their requests in full and waiting-list
 * entries. Audited, so it needs write access. */
#include "sltctl-queue.h"

int
cmd_export_person(SltCtl *ctl, int argc, char **argv)
{
	if (!sltctl_parse(ctl, "export-person", NULL, &argc, &argv))
		return 2;
	if (argc != 2)
		return sltctl_fail("export-person: expected one mail address") + 1;
	g_autoptr(SltStore) store = sltctl_open_store(ctl, "export-person", TRUE, NULL);
	if (!store)
		return 1;
	GError *err = NULL;
	SltJson *j = slt_json_new(TRUE);
	if (!slt_queue_export_person(store, sltctl_who(), argv[1], j, &err)) {
		slt_json_free(j);
		return sltctl_queue_fail("export-person", err);
	}
	sltctl_print_json(j);
	return 0;
}
