/* SPDX-License-Identifier: MIT */
/* sltd: the mail desk daemon of Stevige lokale teams. Follows the mailbox
 * over IMAP and records every message (src/ingest.c); replies come from
 * the outbox (issue 5), the long-running service loop from issue 6.
 *
 * Exit status (sysexits.h, so systemd's RestartPreventExitStatus= can
 * tell "fix the config" from "try again later"):
 *   0 done; 64 usage; 78 configuration; 77 login refused or TLS not
 *   verified (an administrator must act); 69 the mailbox is unusable;
 *   75 temporary (network, timeout, server busy); 74 the database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <sysexits.h>

#include <glib.h>

#include "config.h"
#include "classify.h"
#include "ingest.h"
#include "log.h"
#include "mime.h"
#include "store.h"

#ifndef SLT_VERSION
#define SLT_VERSION "0.1"
#endif

/* What a running sltd holds; the service loop (issue 6) keeps one of
 * these and calls sltd_pass() whenever the mailbox may have changed. */
typedef struct {
	SltConfig *cfg;
	SltStore *store;
	SltClassifier *classifier;
} Sltd;

static void
sltd_clear(Sltd *d)
{
	g_clear_pointer(&d->classifier, slt_classifier_free);
	g_clear_pointer(&d->store, slt_store_close);
	g_clear_pointer(&d->cfg, slt_config_free);
}

/* The exit status for an error of a pass. */
static int
exit_code(const GError *err)
{
	if (err->domain == SLT_STORE_ERROR)
		return EX_IOERR;
	if (err->domain == SLT_IMAP_ERROR) {
		if (err->code == SLT_IMAP_ERROR_CONFIG)
			return EX_CONFIG;
		if (err->code == SLT_IMAP_ERROR_AUTH || err->code == SLT_IMAP_ERROR_TLS)
			return EX_NOPERM;
		if (slt_imap_error_scope(err) == SLT_SCOPE_MAILBOX)
			return EX_UNAVAILABLE;
	}
	return EX_TEMPFAIL;
}

static GBytes *
read_optional(const char *path, GError **error)
{
	if (!path)
		return NULL;
	char *data = NULL;
	gsize len = 0;
	if (!g_file_get_contents(path, &data, &len, error))
		return NULL;
	return g_bytes_new_take(data, len);
}

/* Load the config, open (and migrate) the store, build the classifier.
 * Returns 0 or an exit status after logging why. */
static int
sltd_setup(Sltd *d, const char *config_path)
{
	g_autoptr(GError) err = NULL;
	d->cfg = slt_config_load(config_path, &err);
	if (!d->cfg) {
		slt_log_err("%s", err->message);
		return EX_CONFIG;
	}
	d->store = slt_store_open(d->cfg->store_path, SLT_STORE_OPEN_CREATE, &err);
	if (!d->store) {
		slt_log_err("%s", err->message);
		return EX_IOERR;
	}
	g_autoptr(GBytes) model = read_optional(d->cfg->model_path, &err);
	g_autoptr(GBytes) lexicon = err ? NULL : read_optional(d->cfg->lexicon_path, &err);
	if (!err)
		d->classifier = slt_classifier_new(model, lexicon, NULL, &err);
	if (!d->classifier) {
		slt_log_err("cannot load the classifier: %s", err->message);
		return EX_CONFIG;
	}
	return 0;
}

/* One pass over the mailbox. Returns 0 or an exit status. */
static int
sltd_pass(Sltd *d)
{
	SltIngestOptions opt = {
		.cfg = d->cfg,
		.store = d->store,
		.classifier = d->classifier,
		/* .react: the replies (issue 5) hook in here. */
	};
	SltIngestStats st;
	g_autoptr(GError) err = NULL;
	gint64 t0 = g_get_monotonic_time();
	gboolean ok = slt_ingest_pass(&opt, &st, &err);
	double secs = (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
	g_autofree char *summary = g_strdup_printf(
		"%u found, %u recorded (%u new requests), %u duplicates, %u dead letters, "
		"%u keyword/move, %.2f s", st.found, st.recorded, st.new_requests,
		st.duplicates, st.dead_letters, st.imap_done, secs);
	if (!ok) {
		slt_log_err("%s", err->message);
		if (err->domain == SLT_IMAP_ERROR)
			slt_log_info("pass stopped: %s", summary);
		g_autofree char *e = slt_log_sanitize(err->message, 500);
		slt_store_set_status(d->store, "last-error", e, NULL);
		return exit_code(err);
	}
	slt_log_info("pass over '%s': %s", d->cfg->imap_mailbox, summary);
	slt_store_set_status(d->store, "last-pass", summary, NULL);
	return 0;
}

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	gboolean once = FALSE, check = FALSE, version = FALSE, verbose = FALSE;
	g_autofree char *config_path = NULL;
	GOptionEntry entries[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
		  "configuration file (default $SLTD_CONFIG, else /etc/sltd/sltd.conf)", "FILE" },
		{ "once", 0, 0, G_OPTION_ARG_NONE, &once, "one pass over the mailbox, then exit", NULL },
		{ "check", 'n', 0, G_OPTION_ARG_NONE, &check,
		  "check the configuration, report every problem, and exit", NULL },
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
		g_autoptr(SltConfig) cfg = slt_config_load(config_path, &err);
		if (!cfg) {
			/* Every problem, one per line, FILE:LINE first. */
			fprintf(stderr, "%s\n", err->message);
			return EX_CONFIG;
		}
		printf("%s: ok\n", config_path);
		return 0;
	}
	if (!once) {
		fprintf(stderr, "sltd: the service loop is not built yet; run 'sltd --once'\n");
		return EX_USAGE;
	}

	slt_mime_init();
	Sltd d = { 0 };
	int rc = sltd_setup(&d, config_path);
	if (rc == 0)
		rc = sltd_pass(&d);
	sltd_clear(&d);
	return rc;
}
