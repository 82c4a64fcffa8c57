/* SPDX-License-Identifier: MIT */
/* queue: the staff's request queue as one query/action layer, shared by
 * sltctl and the web view (issues 7 and 9): neither has logic the other
 * lacks. Nothing here prints; functions return structs (or fill a JSON
 * writer) and GErrors whose messages are one line for staff ("no request
 * 'SLT-123'", "unknown theme 'x' (visie, ...)").
 *
 * Every action is a short write transaction (the store's busy timeout
 * covers a running sltd), records who did it and when in the request's
 * history (or the audit trail for AVG actions), and is optimistic: it
 * names the request version the staff member saw, so a request sltd
 * changed meanwhile (a new message, a reopen) is not overwritten blindly
 * but refused with SLT_QUEUE_ERROR_CONFLICT. Version 0 means "whatever
 * is current" (scripts that read nothing first). */
#pragma once

#include <glib.h>
#include "store.h"
#include "store-queue.h"
#include "classify.h"
#include "config.h"
#include "json.h"

#define SLT_QUEUE_ERROR (slt_queue_error_quark())
GQuark slt_queue_error_quark(void);
typedef enum {
	SLT_QUEUE_ERROR_INVALID,    /* bad input: reference, date, label, status */
	SLT_QUEUE_ERROR_NOT_FOUND,  /* no such request, message, dead letter */
	SLT_QUEUE_ERROR_CONFLICT,   /* changed since it was read: look again */
	SLT_QUEUE_ERROR_UNAVAILABLE,/* a part that is not there (yet) */
	SLT_QUEUE_ERROR_STORE,      /* the store failed (busy, disk, ...) */
} SltQueueError;

/* ---- input checks (pure) -------------------------------------------- */

/* "SLT-12", "slt-12" or "12" into *id; else INVALID "not a request
 * reference 'x' (e.g. SLT-12)". */
gboolean slt_queue_parse_ref(const char *s, gint64 *id, GError **error);

/* The four statuses, in workflow order, NULL-terminated. */
extern const char *const slt_queue_statuses[5];
/* The Dutch label staff see for a status id ("In behandeling"); the id
 * itself when unknown. Static string. */
const char *slt_queue_status_label(const char *status);

/* TRUE when value is one of ids (NULL-terminated or n entries); else
 * INVALID "unknown WHAT 'value' (a, b, c)". */
gboolean slt_queue_check_status(const char *value, GError **error);
gboolean slt_queue_check_intent(const char *value, GError **error);
gboolean slt_queue_check_theme(const char *value, GError **error);
/* Each of a comma-separated list of package ids ("alle" too); fills
 * *out (new array of char*) when not NULL. "" gives an empty list. */
gboolean slt_queue_check_packages(const char *list, GPtrArray **out, GError **error);

/* A duration: a number and a unit, s m h d w (e.g. "730d", "12h");
 * a bare number is days. Into *secs; INVALID "bad duration 'x' (e.g.
 * 730d, 12h)". */
gboolean slt_queue_parse_duration(const char *s, gint64 *secs, GError **error);

/* A point in time in local time: "YYYY-MM-DD", "YYYY-MM-DD HH:MM",
 * "YYYY-MM-DDTHH:MM[:SS]", "YYYY-MM" (the first of the month), "today",
 * "yesterday", or a duration ago ("7d"). end: a date without a time
 * means the END of that day/month (for --to), else its start. now is the
 * reference time (Unix seconds). INVALID "bad date 'x' (e.g. 2026-03-01)". */
gboolean slt_queue_parse_date(const char *s, gboolean end, gint64 now, gint64 *t,
			      GError **error);

/* Office hours (Monday-Friday 08:00-18:00 local time, as sltd's quiet
 * alarm counts them, service.h) between two instants, in whole hours
 * (rounded down). */
guint slt_queue_office_hours(gint64 from, gint64 to);

/* Median of n values (sorts v in place); -1 when n is 0. The lower
 * middle for an even n (whole seconds, no half seconds). */
gint64 slt_queue_median(gint64 *v, guint n);

/* The audit target for a person: "sha256:<hex of the lowercase
 * address>", so the trail of an erasure does not keep the address it
 * erased yet still matches a later request about the same person. */
char *slt_queue_person_token(const char *addr);

/* ---- reading ---------------------------------------------------------- */

/* One request in full (new; free with slt_queue_item_free). */
typedef struct {
	SltRequest *req;
	GPtrArray *messages;   /* SltQueueMessage*, oldest first */
	GPtrArray *replies;    /* SltQueueReply*, oldest first */
	GPtrArray *waits;      /* SltQueueWait* */
	GPtrArray *history;    /* SltQueueEvent*, oldest first */
} SltQueueItem;

void slt_queue_item_free(SltQueueItem *it);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltQueueItem, slt_queue_item_free)

/* The request with this reference. NOT_FOUND "no request 'SLT-123'". */
SltQueueItem *slt_queue_get(SltStore *store, const char *ref, GError **error);
SltQueueItem *slt_queue_get_id(SltStore *store, gint64 id, GError **error);

/* The queue (SltRequestRow*, newest first) as f says. */
GPtrArray *slt_queue_list(SltStore *store, const SltQueueFilter *f, GError **error);

/* Requests with a message matching the FTS5 query (plain words work),
 * best first, each once: SltRequestRow* with subject = the matching
 * message's subject. A query without double quotes that FTS5 refuses
 * ("goed-bestuur") is retried with each word as a phrase. A bad query:
 * INVALID with SQLite's words. */
GPtrArray *slt_queue_search(SltStore *store, const char *query, guint limit, GError **error);

/* ---- actions (each its own short transaction) ----------------------- */

/* Assign to name (NULL or "": nobody). History: assign "name (was x)". */
gboolean slt_queue_assign(SltStore *store, gint64 id, gint64 version, const char *who,
			  const char *name, GError **error);

/* Set the status (one of slt_queue_statuses). History: status "x (was y)". */
gboolean slt_queue_set_status(SltStore *store, gint64 id, gint64 version, const char *who,
			      const char *status, GError **error);

/* Put a failed outbox item back in the queue, due now, and audit it with
 * who (sltctl outbox --retry, the web view's retry button). Errors: the
 * store's NOT_FOUND (mapped like the other actions) when id is not a
 * failed item. */
gboolean slt_queue_outbox_retry(SltStore *store, gint64 id, const char *who,
				GError **error);

/* A note in the history (text must not be empty). */
gboolean slt_queue_note(SltStore *store, gint64 id, const char *who, const char *text,
			GError **error);

typedef struct {
	const char *intent;        /* NULL: unchanged */
	const char *theme;         /* NULL: unchanged */
	const GPtrArray *packages; /* NULL: unchanged */
	const GPtrArray *kenmerken;/* NULL: unchanged */
	const char *org;           /* NULL: unchanged; "": none; else "gemeente:X",
				    * "team:X" or "overig:X" */
} SltRelabel;

/* What a relabel did and what it means for the sender. */
typedef struct {
	char *old_intent, *old_theme, *new_intent, *new_theme;
	char *old_org, *new_org;   /* NULL: none */
	GPtrArray *old_packages, *new_packages;
	char *reply_before;        /* the reply the old labels called for (template), or NULL */
	char *reply_after;         /* ... the new labels; NULL: none */
	char *reason_after;        /* why no reply under the new labels, or NULL */
	GPtrArray *attach_after, *wait_after;  /* packages the new labels imply */
	gboolean reply_changed;    /* the sender should get something else */
	gint64 version;            /* the request's version after the change */
} SltRelabelResult;

void slt_relabel_result_clear(SltRelabelResult *r);

/* Correct the labels of request id: the request takes them (labels_by =
 * who, so sltd leaves them alone from now on), each message of the
 * request that the classifier labelled differently gets a correction
 * row for retraining (label_corrections), and the history says old ->
 * new. Fills *res, including whether the sender should now get a
 * different reply (the pure decision in react.h under the old and the
 * new labels); nothing is sent. Unknown labels: INVALID. */
gboolean slt_queue_relabel(SltStore *store, gint64 id, gint64 version, const char *who,
			   const SltRelabel *l, SltRelabelResult *res, GError **error);

/* Queue the reply the request's current labels call for, as if its first
 * message had just arrived with these labels: the replies module
 * (respond.h) decides under its usual rules (limits, what the thread
 * already got), changes the waiting list and queues the reply or records
 * why there is none, all in one transaction with a history line naming
 * who asked. sltd's outbox sends it. cfg gives the catalogue and
 * templates. *queued (may be NULL) gets the outbox rows this made (new
 * array of SltQueueReply*; empty when the reply module decided nothing). */
gboolean slt_queue_reply(SltStore *store, const SltConfig *cfg, gint64 id,
			 const char *who, GPtrArray **queued, GError **error);

/* The first form of slt_queue_reply, without the config it needs: always
 * UNAVAILABLE ("... use slt_queue_reply"). Kept so callers written
 * against it build; switch to slt_queue_reply. */
gboolean slt_queue_send_reply(SltStore *store, gint64 id, const char *who, GError **error);

/* Parse the dead letter's stored bytes again, classify them with c and
 * record the message (a new request or a follow-up) in one transaction
 * with the outcome on the dead letter and an audit line. *res (may be
 * NULL) gets what was recorded. A message that still does not parse:
 * the outcome is recorded and INVALID returned with the parser's words. */
gboolean slt_queue_reprocess(SltStore *store, const SltClassifier *c, gint64 dead_letter,
			     const char *who, SltRecordResult *res, GError **error);

/* Write the latest correction of every message as a labelled set in the
 * corpus format (corpus.h: DIR/messages/NNNN.eml, DIR/labels.tsv), which
 * `sltctl train DATA... DIR` learns from. Erased messages are left out.
 * Returns how many in *n. */
gboolean slt_queue_export_corrections(SltStore *store, const char *dir, guint *n,
				      GError **error);

/* ---- AVG ------------------------------------------------------------ */

/* Erase a person (store-queue.h slt_store_erase_person) in one
 * transaction with an audit line (target slt_queue_person_token), then
 * optimize the FTS index. */
gboolean slt_queue_forget(SltStore *store, const char *who, const char *addr,
			  SltEraseCounts *n, GError **error);

/* Erase what had no activity since before, audited. */
gboolean slt_queue_purge(SltStore *store, const char *who, gint64 before,
			 SltEraseCounts *n, GError **error);

/* Everything held about addr as one JSON document into j: its requests
 * in full, waiting-list entries, and the export itself is audited (so
 * the store must be writable). */
gboolean slt_queue_export_person(SltStore *store, const char *who, const char *addr,
				 SltJson *j, GError **error);

/* ---- statistics and status ----------------------------------------- */

typedef enum {
	SLT_STATS_BY_THEME,
	SLT_STATS_BY_INTENT,
	SLT_STATS_BY_ORG,
	SLT_STATS_BY_MONTH,
} SltStatsBy;

/* "theme", "intent", "org", "month" into *by; else INVALID. */
gboolean slt_queue_parse_by(const char *s, SltStatsBy *by, GError **error);

typedef struct {
	char *key;                 /* the group ("2026-03" for months, "-" for none) */
	guint count;
	guint answered;            /* with a first reply sent */
	gint64 median_response;    /* seconds; -1: none answered */
} SltStatsGroup;

void slt_stats_group_free(SltStatsGroup *g);

/* Group rows (SltStatsRow*) by: a new array of SltStatsGroup*, by count
 * descending then key (months: by key ascending). *all (may be NULL)
 * gets the totals over every row. Pure. */
GPtrArray *slt_queue_stats_group(const GPtrArray *rows, SltStatsBy by, SltStatsGroup *all);

typedef struct {
	gboolean alive_known;      /* sltd wrote "daemon" or a heartbeat */
	gboolean alive;
	gint64 pid;                /* from "daemon"; 0: not known */
	gint64 heartbeat_at;       /* `at` of "status"; 0: never */
	gint64 last_pass_at;       /* 0: never */
	char *last_pass;
	gint64 last_error_at;
	char *last_error;
	SltQueueCounts counts;
	GPtrArray *alarms;         /* char*, Dutch sentences for staff; never NULL */
} SltQueueStatus;

void slt_queue_status_clear(SltQueueStatus *s);

/* The desk at now, from the status keys sltd writes (service.h): alive
 * when its heartbeat ("status") is no older than stale_secs, or, without
 * a heartbeat, when the pid in "daemon" runs on this host; "stopped"
 * means not alive. Alarms: every "alarm-*" key sltd raised (in Dutch),
 * sltd not running or silent, no successful pass for stale_secs, failed
 * replies, dead letters, and (unless sltd raised alarm-quiet itself) no
 * mail for quiet_office_hours office hours (0: off); without any alarm
 * key from sltd, also an error newer than the last good pass. */
gboolean slt_queue_status(SltStore *store, gint64 now, gint64 stale_secs,
			  guint quiet_office_hours, SltQueueStatus *s, GError **error);

/* ---- JSON (the web view and sltctl --json write the same) ---------- */

/* Local time as "YYYY-MM-DDTHH:MM:SS+01:00" (new string); NULL for 0. */
char *slt_queue_iso_time(gint64 t);

void slt_queue_json_row(SltJson *j, const SltRequestRow *r);
void slt_queue_json_item(SltJson *j, const SltQueueItem *it);
