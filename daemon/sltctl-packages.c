/* SPDX-License-Identifier: MIT */
/* sltctl packages: the work packages, their state and how many wait. */
#include "sltctl.h"

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "json.h"
#include "store-outbox.h"

int
cmd_packages(SltCtl *ctl, int argc, char **argv)
{
	if (!sltctl_parse(ctl, "packages", NULL, &argc, &argv))
		return 2;
	if (argc > 1)
		return sltctl_fail("packages: unexpected argument '%s'", argv[1]);
	g_autoptr(GError) error = NULL;
	g_autoptr(SltConfig) cfg = slt_config_load_for_staff(sltctl_config_path(ctl), &error);
	if (!cfg)
		return sltctl_fail("%s", error->message);
	g_autoptr(SltStore) store = slt_store_open(cfg->store_path, SLT_STORE_OPEN_READONLY, &error);
	if (!store)
		return sltctl_fail("%s", error->message);
	g_autoptr(GPtrArray) pkgs = slt_store_packages_list(store, &error);
	g_autoptr(GPtrArray) waiting = pkgs ? slt_store_waitlist_list(store, NULL, &error) : NULL;
	if (!waiting)
		return sltctl_fail("packages: %s", error->message);
	g_autoptr(SltJson) j = slt_json_new(TRUE);
	if (ctl->json)
		slt_json_begin_array(j);
	else if (pkgs->len)
		printf("%-20s %-16s %-6s %-10s %-8s %s\n", "PAKKET", "STATUS", "VERSIE", "SINDS",
		       "WACHTEND", "TITEL / VERWACHT / BESTANDEN");
	else
		printf("geen pakketten bekend (sltd of sltctl publish leest de catalogus)\n");
	for (guint i = 0; i < pkgs->len; i++) {
		SltStorePackage *p = g_ptr_array_index(pkgs, i);
		guint n = 0;
		for (guint k = 0; k < waiting->len; k++)
			n += strcmp(((SltWaitEntry *)g_ptr_array_index(waiting, k))->package, p->id) == 0;
		g_autofree char *files = g_strjoinv(", ", p->files);
		if (ctl->json) {
			slt_json_begin_object(j);
			slt_json_kv_string(j, "id", p->id);
			slt_json_kv_string(j, "title", p->title);
			slt_json_kv_string(j, "state", p->published ? "published" : "development");
			slt_json_kv_int(j, "version", p->version);
			slt_json_kv_int(j, "published_at", p->published_at);
			slt_json_kv_string(j, "expected", p->expected);
			slt_json_key(j, "files");
			slt_json_begin_array(j);
			for (char **f = p->files; *f; f++)
				slt_json_string(j, *f);
			slt_json_end_array(j);
			slt_json_kv_int(j, "waiting", n);
			slt_json_end_object(j);
			continue;
		}
		g_autofree char *since = NULL;
		if (p->published_at) {
			g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(p->published_at);
			since = g_date_time_format(dt, "%Y-%m-%d");
		}
		printf("%-20s %-16s %-6d %-10s %-8u %s\n", p->id,
		       p->published ? "gepubliceerd" : "in-ontwikkeling", p->version,
		       since ? since : "-", n, p->title);
		if (!p->published && p->expected)
			printf("%-65s verwacht: %s\n", "", p->expected);
		if (p->files[0])
			printf("%-65s %s\n", "", files);
	}
	if (ctl->json) {
		slt_json_end_array(j);
		puts(slt_json_get(j));
	}
	return 0;
}
