/* SPDX-License-Identifier: MIT */
/* sltctl publish: publish a new version of a work package and queue one
 * mail with it to every person on its waiting list (src/publish.c);
 * sltd sends them. Safe to run twice: nobody is mailed twice. */
#include "sltctl.h"

#include <stdio.h>

#include "config.h"
#include "json.h"
#include "publish.h"
#include "respond.h"
#include "store.h"

int
cmd_publish(SltCtl *ctl, int argc, char **argv)
{
	g_autofree char *who = NULL;
	GOptionEntry entries[] = {
		{ "by", 0, 0, G_OPTION_ARG_STRING, &who, "who publishes (default: the user name)", "NAME" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if (!sltctl_parse(ctl, "publish", entries, &argc, &argv))
		return 2;
	if (argc < 3)
		return sltctl_fail("publish: usage: sltctl publish PACKAGE FILE...");
	g_autoptr(GError) error = NULL;
	g_autoptr(SltConfig) cfg = slt_config_load_for_staff(sltctl_config_path(ctl), &error);
	if (!cfg)
		return sltctl_fail("%s", error->message);
	g_autoptr(SltStore) store = slt_store_open(cfg->store_path, 0, &error);
	if (!store)
		return sltctl_fail("%s", error->message);
	/* Catalogue and templates as sltd reads them; a broken template
	 * stops here, before anything is published. */
	g_autoptr(SltResponder) resp = slt_responder_new(cfg, store, &error);
	if (!resp)
		return sltctl_fail("publish: %s", error->message);
	const char *by = who ? who : g_getenv("SUDO_USER") ? g_getenv("SUDO_USER") : g_get_user_name();
	SltPublishRequest req = {
		.cfg = cfg, .store = store, .templates = slt_responder_templates(resp), .package = argv[1],
		.files = (const char *const *)argv + 2, .who = by,
	};
	SltPublishResult res;
	if (!slt_publish(&req, &res, &error))
		return sltctl_fail("publish: %s", error->message);
	if (ctl->json) {
		g_autoptr(SltJson) j = slt_json_new(TRUE);
		slt_json_begin_object(j);
		slt_json_kv_string(j, "package", argv[1]);
		slt_json_kv_int(j, "version", res.version);
		slt_json_kv_bool(j, "new_version", res.new_version);
		slt_json_kv_int(j, "queued", res.queued);
		slt_json_kv_int(j, "already_queued", res.already);
		slt_json_end_object(j);
		puts(slt_json_get(j));
		return 0;
	}
	if (res.new_version)
		printf("%s: version %d published (%d file%s)\n", argv[1], res.version, argc - 2,
		       argc == 3 ? "" : "s");
	else
		printf("%s: version %d has these files already; no new version\n", argv[1], res.version);
	printf("%s: %u mail%s queued for the waiting list%s\n", argv[1], res.queued,
	       res.queued == 1 ? "" : "s", res.queued ? "; sltd sends them" : "");
	if (res.already)
		printf("%s: %u already queued before, not again\n", argv[1], res.already);
	return 0;
}
