/* SPDX-License-Identifier: MIT */
/* sltd: the mail desk daemon of Stevige lokale teams. main() only: the
 * daemon is src/service.c (the loop, `--once`), the replies src/respond.c
 * and src/outbox.c.
 *
 * Exit status (sysexits.h, so systemd's RestartPreventExitStatus= can
 * tell "fix the config" from "try again later"):
 *   0 done; 64 usage; 78 configuration; 77 login refused or TLS not
 *   verified (an administrator must act); 69 the mailbox is unusable;
 *   75 temporary (network, timeout, server busy); 74 the database. */
#include <stdio.h>
#include <stdlib.h>
#include <locale.h>
#include <sysexits.h>

#include <glib.h>

#include "config.h"
#include "log.h"
#include "mime.h"
#include "respond.h"
#include "service.h"

#ifndef SLT_VERSION
#define SLT_VERSION "0.1"
#endif

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	gboolean once = FALSE, check = FALSE, version = FALSE, verbose = FALSE;
	g_autofree char *config_path = NULL;
	GOptionEntry entries[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
		  "configuration file (default $SLTD_CONFIG, else /etc/sltd/sltd.conf)", "FILE" },
		{ "once", 0, 0, G_OPTION_ARG_NONE, &once,
		  "one pass over the mailbox and one round of the outbox, then exit", NULL },
		{ "check", 'n', 0, G_OPTION_ARG_NONE, &check,
		  "check the configuration, catalogue and templates, report every problem, and exit", NULL },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "log debug lines too", NULL },
		{ "version", 0, 0, G_OPTION_ARG_NONE, &version, "print the version and exit", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(GOptionContext) oc = g_option_context_new(NULL);
	g_option_context_set_summary(oc, "The mail desk daemon of Stevige lokale teams (VNG).");
	g_option_context_set_description(oc,
		"Exit status: 0 done, 64 usage, 78 configuration, 77 login or TLS refused,\n"
		"69 mailbox unusable, 75 temporary failure (try again), 74 database.\n");
	g_option_context_add_main_entries(oc, entries, NULL);
	g_autoptr(GError) err = NULL;
	if (!g_option_context_parse(oc, &argc, &argv, &err) || argc > 1) {
		fprintf(stderr, "sltd: %s\n", err ? err->message : "unexpected arguments; see 'sltd --help'");
		return EX_USAGE;
	}
	if (version) {
		printf("sltd %s\n", SLT_VERSION);
		return 0;
	}
	slt_log_init(verbose ? SLT_LOG_DEBUG : SLT_LOG_INFO, g_getenv("JOURNAL_STREAM") != NULL);
	slt_log_install_glib_handler();
	if (!config_path) {
		const char *env = g_getenv("SLTD_CONFIG");
		config_path = g_strdup(env && *env ? env : "/etc/sltd/sltd.conf");
	}

	if (check) {
		/* Every problem, one per line, FILE:LINE first. */
		g_autoptr(SltConfig) cfg = slt_config_load(config_path, &err);
		if (!cfg || !slt_responder_check(cfg, &err)) {
			fprintf(stderr, "%s\n", err->message);
			return EX_CONFIG;
		}
		printf("%s: ok\n", config_path);
		return 0;
	}

	slt_mime_init();
	g_autoptr(SltService) svc = slt_service_new(config_path, &err);
	if (!svc) {
		slt_log_err("%s", err->message);
		return err->code == SLT_SERVICE_ERROR_STORE ? EX_IOERR : EX_CONFIG;
	}
	return once ? slt_service_once(svc) : slt_service_run(svc);
}
