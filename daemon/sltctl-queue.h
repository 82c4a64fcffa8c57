/* SPDX-License-Identifier: MIT */
/* sltctl-queue: what the queue commands (list, show, assign, ...) share:
 * opening the store beside a running sltd, who is acting, local times,
 * the list filters, confirmation, printing JSON. */
#pragma once

#include "sltctl.h"
#include "config.h"
#include "json.h"
#include "queue.h"
#include "store.h"

/* Load the config and open the store: read-only for reading commands
 * (a WAL reader never blocks sltd), read-write for actions (short
 * transactions, the store's busy timeout). *cfg (may be NULL) gets the
 * config. NULL after printing "sltctl: VERB: why". */
SltStore *sltctl_open_store(SltCtl *ctl, const char *verb, gboolean write, SltConfig **cfg);

/* Who acts, for history and audit: $SLTCTL_USER, else $SUDO_USER, else
 * the login name. Static string. */
const char *sltctl_who(void);

/* "2026-03-01 14:05" in local time (new string); "-" for 0. */
char *sltctl_local_time(gint64 t);
/* "2 d 4 u", "3 u 20 min", "45 min" (new string); "-" for < 0. */
char *sltctl_duration(gint64 secs);

/* Print the document and free the writer. */
void sltctl_print_json(SltJson *j);

/* Print "sltctl: VERB: message" for err (freed); returns the exit status
 * (1; 2 for bad input, 3 for a conflict, 4 for not found). */
int sltctl_queue_fail(const char *verb, GError *err);

/* The filter options of list and export. */
typedef struct {
	gboolean all;
	char *status, *theme, *intent, *org, *since, *until, *assignee;
	gboolean review, sure;
	int limit;
	SltQueueFilter f;
} SltCtlFilter;

void sltctl_filter_clear(SltCtlFilter *o);
/* Entries pointing into o, for sltctl_parse (static storage: call once). */
GOptionEntry *sltctl_filter_entries(SltCtlFilter *o);
/* Check the options and fill o->f; FALSE after printing why. */
gboolean sltctl_filter_finish(SltCtlFilter *o, const char *verb);

/* Ask "QUESTION [j/N] " on the terminal unless yes. Without a terminal
 * on stdin and without --yes: refuse (FALSE after printing why). */
gboolean sltctl_confirm(const char *verb, const char *question, gboolean yes);

/* Colour codes when ctl->color, else "". */
const char *sltctl_c(SltCtl *ctl, const char *code);

/* The request rows as list prints them: a table, or a JSON array
 * (sltctl-list.c; search prints the same). */
void sltctl_print_requests(SltCtl *ctl, GPtrArray *rows);
void sltctl_print_requests_json(GPtrArray *rows);

/* What forget/purge erased, as a line or JSON (sltctl-forget.c). */
int sltctl_print_erased(SltCtl *ctl, const char *what, const SltEraseCounts *n);
