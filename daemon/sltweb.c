/* SPDX-License-Identifier: MIT */
/* sltweb: the staff's web view of the request queue (issue 9; doc/web.md).
 *   sltweb [-c CONFIG] [--port N]     serve until SIGTERM/SIGINT
 *   sltweb [-c CONFIG] --add-user NAME  set NAME's password (read from stdin)
 * Exit codes as sysexits(3): 64 usage, 78 config, 69 cannot listen. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <glib-unix.h>

#include "config.h"
#include "log.h"
#include "web.h"
#include "web-auth.h"
#include "mime.h"

#define DEFAULT_CONFIG "/etc/sltd/sltd.conf"

static gboolean
on_signal(gpointer loop)
{
	g_main_loop_quit(loop);
	return G_SOURCE_REMOVE;
}

static int
add_user(const SltConfig *cfg, const char *name)
{
	g_autoptr(GError) err = NULL;
	if (!slt_web_auth_init(&err)) {
		fprintf(stderr, "sltweb: %s\n", err->message);
		return 1;
	}
	if (isatty(0))
		fprintf(stderr, "Wachtwoord voor %s (invoer wordt getoond; gebruik een pipe om dat te vermijden): ", name);
	char buf[1024];
	if (!fgets(buf, sizeof buf, stdin)) {
		fprintf(stderr, "sltweb: no password on standard input\n");
		return 1;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	gboolean ok = slt_web_users_set(cfg->web_users_file, name, buf, &err);
	memset(buf, 0, sizeof buf);
	if (!ok) {
		fprintf(stderr, "sltweb: %s\n", err->message);
		return 1;
	}
	fprintf(stderr, "sltweb: user '%s' set in '%s'\n", name, cfg->web_users_file);
	return 0;
}

int
main(int argc, char **argv)
{
	g_autofree char *config = NULL, *add = NULL;
	int port = 0;
	gboolean version = FALSE;
	GOptionEntry entries[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "configuration file (default " DEFAULT_CONFIG ")", "FILE" },
		{ "port", 'p', 0, G_OPTION_ARG_INT, &port, "listen on this port instead of [web] port", "N" },
		{ "add-user", 0, 0, G_OPTION_ARG_STRING, &add, "set NAME's password, read from standard input", "NAME" },
		{ "version", 0, 0, G_OPTION_ARG_NONE, &version, "print the version", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- the staff's web view of the sltd queue");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_autoptr(GError) err = NULL;
	if (!g_option_context_parse(ctx, &argc, &argv, &err) || argc > 1) {
		fprintf(stderr, "sltweb: %s\n", err ? err->message : "unexpected argument");
		return 64;
	}
	if (version) {
		puts("sltweb 0.1");
		return 0;
	}
	slt_log_init(SLT_LOG_INFO, g_getenv("JOURNAL_STREAM") != NULL);
	slt_mime_init();   /* publish composes mail, reprocess parses it */
	g_autoptr(SltConfig) cfg = slt_config_load_for_staff(config ? config : DEFAULT_CONFIG, &err);
	if (!cfg) {
		fprintf(stderr, "sltweb: %s\n", err->message);
		return 78;
	}
	if (add)
		return add_user(cfg, add);

	SltWeb *web = slt_web_start(cfg, port, &err);
	if (!web) {
		slt_log_err("%s", err->message);
		return err->domain == SLT_WEB_ERROR ? 69 : 78;
	}
	g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGTERM, on_signal, loop);
	g_unix_signal_add(SIGINT, on_signal, loop);
	g_main_loop_run(loop);
	slt_log_info("web: stopping");
	slt_web_stop(web);
	return 0;
}
