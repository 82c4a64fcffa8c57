/* SPDX-License-Identifier: MIT */
/* sltctl: the staff tool's entry point and command table (git-style). */
#include "sltctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <locale.h>

#include "log.h"
#include "mime.h"

/* Commands are added here as their files land; keep the table sorted as
 * `sltctl help` prints it. */
static const SltCtlCommand commands[] = {
	{ "assign", cmd_assign, "assign REF NAME", "give a request to a staff member ('-': nobody)" },
	{ "classify", cmd_classify, "classify [--model F] [--lexicon F] [--bench SECS] FILE.eml...",
	  "classify messages, one JSON object per line (no config needed)" },
	{ "corrections", cmd_corrections, "corrections [--export DIR]",
	  "label corrections made with relabel; --export writes a training set" },
	{ "crossval", cmd_crossval, "crossval [-k K] [--set KEY=VALUE] DIR...",
	  "k-fold cross-validation of the classifier on labelled sets" },
	{ "deadletters", cmd_deadletters, "deadletters [--all]", "messages sltd could not record, and why" },
	{ "eval", cmd_eval, "eval [--exclude-trained] [--heldout] [--min FIELD=X] DIR...",
	  "classify labelled sets and compare with their labels" },
	{ "export", cmd_export, "export --format csv|json [FILTERS]", "the queue for a spreadsheet or a script" },
	{ "export-person", cmd_export_person, "export-person ADDRESS", "everything held about one person (AVG), audited" },
	{ "forget", cmd_forget, "forget [--yes] ADDRESS", "erase one person's messages and data (AVG), audited" },
	{ "help", cmd_help, "help [COMMAND]", "show help for sltctl or one command" },
	{ "list", cmd_list, "list [--all] [FILTERS]",
	  "the queue, newest first (open requests unless --all or --status)" },
	{ "note", cmd_note, "note REF TEXT...", "add a note to a request's history" },
	{ "orgs", cmd_orgs, "orgs [set DOMAIN ORG | forget DOMAIN]",
	  "the organisation learned per sender domain; correct or forget one" },
	{ "outbox", cmd_outbox, "outbox [--state STATE] [--all] [--retry ID]",
	  "the replies: queued, sent, failed (for staff) and held back" },
	{ "packages", cmd_packages, "packages", "the work packages, their state and who waits" },
	{ "parse", cmd_parse, "parse [--compact] [--bench N] FILE.eml...", "show the parsed message (headers, text parts, org) as JSON" },
	{ "publish", cmd_publish, "publish PACKAGE FILE...",
	  "publish a new version of a package and mail everyone waiting for it" },
	{ "purge", cmd_purge, "purge [--yes] [--older-than DURATION]", "erase what is past the retention period (AVG), audited" },
	{ "relabel", cmd_relabel, "relabel REF [--intent I] [--theme T] [--packages A,B] [--org ORG] [--send-reply]",
	  "correct a request's labels (kept for training) or its organisation" },
	{ "reprocess", cmd_reprocess, "reprocess ID", "parse and record a dead letter again" },
	{ "search", cmd_search, "search TEXT...", "full-text search over subjects and texts" },
	{ "show", cmd_show, "show [--full] REF", "one request: thread, labels, replies, waiting list, history" },
	{ "stats", cmd_stats, "stats [--from D] [--to D] [--by theme|intent|org|month]",
	  "requests per group and median response time" },
	{ "status", cmd_status, "status [REF open|in-behandeling|wacht-op-klant|afgerond]",
	  "the desk (sltd, last pass, outbox, alarms), or set a request's status" },
	{ "train", cmd_train, "train [-o FILE] [--set KEY=VALUE] DIR...",
	  "build a classifier model from labelled sets (DIR/messages, DIR/labels.tsv)" },
	{ "waitlist", cmd_waitlist, "waitlist [PACKAGE]", "who waits for which work package" },
	/* Hidden (no summary): debugging and tests only. */
	{ "imap-probe", cmd_imap_probe, "imap-probe --url URL --user U --password-file F ACTION...", NULL },
	{ "smtp-probe", cmd_smtp_probe, "smtp-probe --url URL --rcpt ADDR FILE...", NULL },
};

static const SltCtlCommand *
find_command(const char *name)
{
	for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int
sltctl_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "sltctl: %s\n", msg);
	return 1;
}

const char *
sltctl_config_path(SltCtl *ctl)
{
	if (ctl->config_path)
		return ctl->config_path;
	const char *env = g_getenv("SLTD_CONFIG");
	return env && *env ? env : "/etc/sltd/sltd.conf";
}

gboolean
sltctl_parse(SltCtl *ctl, const char *verb, GOptionEntry *entries,
	     int *argc, char ***argv)
{
	const SltCtlCommand *c = find_command(verb);
	g_autofree char *param = g_strdup(c && strchr(c->usage, ' ') ?
					  strchr(c->usage, ' ') + 1 : "");
	g_autoptr(GOptionContext) oc = g_option_context_new(param);
	g_autofree char *prg = g_strdup_printf("sltctl %s", verb);
	g_set_prgname(prg);
	if (c)
		g_option_context_set_summary(oc, c->summary);
	GOptionEntry common[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &ctl->json, "machine-readable JSON output", NULL },
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &ctl->config_path, "configuration file", "FILE" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_option_context_add_main_entries(oc, common, NULL);
	if (entries)
		g_option_context_add_main_entries(oc, entries, NULL);
	g_autoptr(GError) error = NULL;
	if (!g_option_context_parse(oc, argc, argv, &error)) {
		sltctl_fail("%s: %s", verb, error->message);
		return FALSE;
	}
	return TRUE;
}

int
cmd_help(SltCtl *ctl, int argc, char **argv)
{
	(void)ctl;
	if (argc > 1) {
		const SltCtlCommand *c = find_command(argv[1]);
		if (!c)
			return sltctl_fail("no command '%s'; see 'sltctl help'", argv[1]);
		char *args[] = { (char *)c->name, (char *)"--help", NULL };
		return c->fn(ctl, 2, args);
	}
	printf("usage: sltctl [-c FILE] [--json] COMMAND [ARGS]\n\n"
	       "The staff tool of sltd, the mail desk of Stevige lokale teams.\n\n"
	       "Commands:\n");
	for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
		if (commands[i].summary && strlen(commands[i].usage) > 28)
			printf("  %s\n  %-28s %s\n", commands[i].usage, "", commands[i].summary);
		else if (commands[i].summary)
			printf("  %-28s %s\n", commands[i].usage, commands[i].summary);
	printf("\n'sltctl help COMMAND' shows the options of one command.\n");
	return 0;
}

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	SltCtl ctl = { 0 };
	ctl.tty = isatty(STDOUT_FILENO);
	ctl.color = ctl.tty && !g_getenv("NO_COLOR");
	slt_log_init(SLT_LOG_WARNING, FALSE);

	/* Global options before the verb: -c FILE, --json. */
	int i = 1;
	for (; i < argc; i++) {
		if ((strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0) && i + 1 < argc)
			ctl.config_path = argv[++i];
		else if (g_str_has_prefix(argv[i], "--config="))
			ctl.config_path = argv[i] + strlen("--config=");
		else if (strcmp(argv[i], "--json") == 0)
			ctl.json = TRUE;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return cmd_help(&ctl, 1, argv);
		else
			break;
	}
	if (i >= argc) {
		cmd_help(&ctl, 1, argv);
		return 2;
	}
	const SltCtlCommand *c = find_command(argv[i]);
	if (!c)
		return sltctl_fail("no command '%s'; see 'sltctl help'", argv[i]) ? 2 : 2;
	slt_mime_init();
	return c->fn(&ctl, argc - i, argv + i);
}
