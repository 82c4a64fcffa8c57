/* SPDX-License-Identifier: MIT */
/* sltctl: the staff tool. One cmd_<verb>() per subcommand, each in
 * daemon/sltctl-<verb>.c, behind the table in daemon/sltctl.c. */
#pragma once

#include <glib.h>

typedef struct {
	const char *config_path; /* -c FILE, or NULL for the default */
	gboolean json;           /* --json: machine-readable output */
	gboolean color;          /* stdout is a TTY and NO_COLOR is unset */
	gboolean tty;
} SltCtl;

/* A command gets argv with argv[0] = the verb; returns the exit status.
 * Errors: print one line "sltctl: ..." to stderr and return non-zero. */
typedef int (*SltCtlFunc)(SltCtl *ctl, int argc, char **argv);

typedef struct {
	const char *name;
	SltCtlFunc fn;
	const char *usage;   /* "classify FILE.eml..." */
	const char *summary; /* one line; NULL hides the command from help */
} SltCtlCommand;

int cmd_help(SltCtl *ctl, int argc, char **argv);
int cmd_classify(SltCtl *ctl, int argc, char **argv);
int cmd_eval(SltCtl *ctl, int argc, char **argv);
int cmd_train(SltCtl *ctl, int argc, char **argv);
int cmd_crossval(SltCtl *ctl, int argc, char **argv);
int cmd_list(SltCtl *ctl, int argc, char **argv);
/* The request queue (issue 7): daemon/sltctl-<verb>.c on src/queue.h. */
int cmd_assign(SltCtl *ctl, int argc, char **argv);
int cmd_corrections(SltCtl *ctl, int argc, char **argv);
int cmd_deadletters(SltCtl *ctl, int argc, char **argv);
int cmd_export(SltCtl *ctl, int argc, char **argv);
int cmd_export_person(SltCtl *ctl, int argc, char **argv);
int cmd_forget(SltCtl *ctl, int argc, char **argv);
int cmd_note(SltCtl *ctl, int argc, char **argv);
int cmd_orgs(SltCtl *ctl, int argc, char **argv);
int cmd_purge(SltCtl *ctl, int argc, char **argv);
int cmd_relabel(SltCtl *ctl, int argc, char **argv);
int cmd_reprocess(SltCtl *ctl, int argc, char **argv);
int cmd_search(SltCtl *ctl, int argc, char **argv);
int cmd_show(SltCtl *ctl, int argc, char **argv);
int cmd_stats(SltCtl *ctl, int argc, char **argv);
int cmd_status(SltCtl *ctl, int argc, char **argv);
int cmd_parse(SltCtl *ctl, int argc, char **argv);
int cmd_imap_probe(SltCtl *ctl, int argc, char **argv);
int cmd_smtp_probe(SltCtl *ctl, int argc, char **argv);
int cmd_outbox(SltCtl *ctl, int argc, char **argv);
int cmd_packages(SltCtl *ctl, int argc, char **argv);
int cmd_publish(SltCtl *ctl, int argc, char **argv);
int cmd_waitlist(SltCtl *ctl, int argc, char **argv);

/* org checked against the municipalities (slt_org_canonical) into
 * *out (a new string): 0; else "sltctl: CMD: ..." on stderr and the exit
 * status (2: an unknown or ambiguous municipality, 1: no directory). */
int sltctl_canonical_org(const char *cmd, const char *org, char **out);

/* Print "sltctl: <message>" to stderr; returns 1 for `return sltctl_fail(...)`. */
int sltctl_fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* The classifier from the built-in model and lexicon, or from the given
 * files (NULL: built-in); for classify and eval (sltctl-classify.c).
 * Returns a new classifier, or NULL after printing why. */
struct _SltClassifier *sltctl_load_classifier(const char *verb, const char *model_path,
					      const char *lexicon_path);

/* The default config path: $SLTD_CONFIG, else /etc/sltd/sltd.conf. */
const char *sltctl_config_path(SltCtl *ctl);

/* Parse a command's options with GOption; on --help prints the command's
 * help. Returns FALSE (after printing the error) on bad options. */
gboolean sltctl_parse(SltCtl *ctl, const char *verb, GOptionEntry *entries,
		      int *argc, char ***argv);
