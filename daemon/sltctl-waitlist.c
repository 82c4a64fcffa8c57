/* SPDX-License-Identifier: MIT */
/* sltctl waitlist: who waits for which work package. Reads only. */
#include "sltctl.h"

#include <stdio.h>

#include "catalogue.h"
#include "config.h"
#include "json.h"
#include "store-outbox.h"

int
cmd_waitlist(SltCtl *ctl, int argc, char **argv)
{
	if (!sltctl_parse(ctl, "waitlist", NULL, &argc, &argv))
		return 2;
	if (argc > 2)
		return sltctl_fail("waitlist: usage: sltctl waitlist [PACKAGE]");
	const char *package = argc == 2 ? argv[1] : NULL;
	if (package && !slt_catalogue_is_id(package))
		return sltctl_fail("waitlist: no package '%s' (known: visie, goed-bestuur, "
				   "netwerksamenwerking, kwaliteit, inkoop-bekostiging)", package);
	g_autoptr(GError) error = NULL;
	g_autoptr(SltConfig) cfg = slt_config_load_for_staff(sltctl_config_path(ctl), &error);
	if (!cfg)
		return sltctl_fail("%s", error->message);
	g_autoptr(SltStore) store = slt_store_open(cfg->store_path, SLT_STORE_OPEN_READONLY, &error);
	if (!store)
		return sltctl_fail("%s", error->message);
	g_autoptr(GPtrArray) rows = slt_store_waitlist_list(store, package, &error);
	if (!rows)
		return sltctl_fail("waitlist: %s", error->message);
	if (ctl->json) {
		g_autoptr(SltJson) j = slt_json_new(TRUE);
		slt_json_begin_array(j);
		for (guint i = 0; i < rows->len; i++) {
			SltWaitEntry *e = g_ptr_array_index(rows, i);
			slt_json_begin_object(j);
			slt_json_kv_string(j, "package", e->package);
			slt_json_kv_string(j, "addr", e->addr);
			slt_json_kv_string(j, "name", e->name);
			g_autofree char *ref = e->request_id ? g_strdup_printf("SLT-%" G_GINT64_FORMAT, e->request_id) : NULL;
			slt_json_kv_string(j, "request", ref);
			slt_json_kv_int(j, "added_at", e->added_at);
			slt_json_end_object(j);
		}
		slt_json_end_array(j);
		puts(slt_json_get(j));
		return 0;
	}
	if (!rows->len) {
		printf("niemand op de wachtlijst%s%s\n", package ? " voor " : "", package ? package : "");
		return 0;
	}
	printf("%-20s %-16s %-9s %-36s %s\n", "PAKKET", "SINDS", "VERZOEK", "ADRES", "NAAM");
	for (guint i = 0; i < rows->len; i++) {
		SltWaitEntry *e = g_ptr_array_index(rows, i);
		g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(e->added_at);
		g_autofree char *since = g_date_time_format(dt, "%Y-%m-%d %H:%M");
		g_autofree char *ref = e->request_id ? g_strdup_printf("SLT-%" G_GINT64_FORMAT, e->request_id) : g_strdup("-");
		g_autofree char *name = e->name ? g_strdup(e->name) : g_strdup("");
		g_strdelimit(name, "\r\n\t", ' ');
		printf("%-20s %-16s %-9s %-36s %s\n", e->package, since, ref, e->addr, name);
	}
	printf("%u %s\n", rows->len, rows->len == 1 ? "persoon-pakket" : "persoon-pakketten");
	return 0;
}
