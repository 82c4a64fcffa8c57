/* SPDX-License-Identifier: MIT */
/* sltctl purge [--older-than DURATION]: apply the retention period
 * (default [store] retention-days): requests without activity for that
 * long are erased as forget erases a person; dead letters lose their
 * bytes. Audited; asks first on a terminal, else only with --yes. */
#include "sltctl-queue.h"

#include <stdio.h>


static int
run(SltCtl *ctl, int argc, char **argv, const char *older, gboolean yes)
{
	if (argc > 1)
		return sltctl_fail("purge: unexpected argument '%s'", argv[1]) + 1;
	g_autoptr(SltConfig) cfg = NULL;
	GError *err = NULL;
	gint64 secs = 0;
	if (older && !slt_queue_parse_duration(older, &secs, &err))
		return sltctl_queue_fail("purge", err);
	g_autoptr(SltStore) store = sltctl_open_store(ctl, "purge", TRUE, &cfg);
	if (!store)
		return 1;
	if (!older) {
		if (cfg->retention_days <= 0)
			return sltctl_fail("purge: no retention period: give --older-than or set"
					   " [store] retention-days") + 1;
		secs = (gint64)cfg->retention_days * 86400;
	}
	if (secs < 86400)
		return sltctl_fail("purge: refusing a retention period under one day ('%s')",
				   older ? older : "retention-days") + 1;
	gint64 before = g_get_real_time() / G_USEC_PER_SEC - secs;
	g_autofree char *when = sltctl_local_time(before);
	g_autofree char *q = g_strdup_printf("Alles zonder activiteit sinds %s wissen? Dit kan niet ongedaan worden.",
					     when);
	if (!sltctl_confirm("purge", q, yes))
		return 1;
	SltEraseCounts n;
	if (!slt_queue_purge(store, sltctl_who(), before, &n, &err))
		return sltctl_queue_fail("purge", err);
	return sltctl_print_erased(ctl, when, &n);
}

int
cmd_purge(SltCtl *ctl, int argc, char **argv)
{
	char *older = NULL;
	gboolean yes = FALSE;
	GOptionEntry entries[] = {
		{ "older-than", 0, 0, G_OPTION_ARG_STRING, &older,
		  "erase what had no activity for DURATION (730d, 104w; default [store] retention-days)", "DURATION" },
		{ "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, "do not ask for confirmation", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	int rc = sltctl_parse(ctl, "purge", entries, &argc, &argv) ? run(ctl, argc, argv, older, yes) : 2;
	g_free(older);
	return rc;
}
