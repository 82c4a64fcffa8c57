/* SPDX-License-Identifier: MIT */
/* store-queue: the store's side of the staff's request queue (issue 7):
 * filtered listing, one request with its thread, replies, waiting-list
 * entries and history, staff edits under optimistic concurrency
 * (requests.version), label corrections, the audit trail, dead letters,
 * the rows behind statistics, and AVG erasure. Part of the store module
 * (store-queue.c on store-private.h); conventions as in store.h.
 *
 * Callers are src/queue.c (shared by sltctl and the web view); nothing
 * here prints. Writes run inside the caller's slt_store_begin() unless a
 * function says otherwise. */
#pragma once

#include <glib.h>
#include "store.h"

/* ---- listing -------------------------------------------------------- */

typedef struct {
	gboolean all;              /* also 'afgerond' (implied by status) */
	const char *status;        /* NULL: any */
	const char *theme;         /* NULL: any */
	const char *intent;        /* NULL: any */
	const char *org;           /* case-insensitive substring of org; NULL: any */
	const char *assignee;      /* exact; "-": nobody; NULL: any */
	int review;                /* -1 any, 0 only sure, 1 only marked for review */
	gint64 since, until;       /* opened_at in [since, until); 0: open end */
	gboolean by_activity;      /* since/until on last activity, not opened_at */
	guint limit;               /* 0: no limit */
} SltQueueFilter;

/* Initialise f to "everything open" (review -1). */
void slt_queue_filter_init(SltQueueFilter *f);

/* Requests matching f, newest first: a new array of SltRequestRow*
 * (store.h; the array frees its rows), or NULL with error. */
GPtrArray *slt_store_queue_list(SltStore *store, const SltQueueFilter *f, GError **error);

/* ---- one request ---------------------------------------------------- */

typedef struct {
	gint64 id;
	char *ref;
	gint64 version;
	gint64 opened_at, updated_at, last_message_at;
	gint64 first_response_at;  /* first reply sent; 0: none */
	char *status;
	char *assignee;            /* NULL: nobody */
	char *org, *requester_addr, *requester_name, *subject;   /* may be NULL */
	char *intent, *theme;
	GPtrArray *kenmerken, *packages;   /* char*; never NULL */
	double confidence;
	gboolean review;
	char *labels_by;           /* "sltd" or the staff member who relabelled */
	gint64 erased_at;          /* 0: not erased */
} SltRequest;

void slt_request_free(SltRequest *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltRequest, slt_request_free)

/* The request id (new, owned by the caller), or NULL with
 * SLT_STORE_ERROR_NOT_FOUND "no request 'SLT-<id>'". */
SltRequest *slt_store_request_get(SltStore *store, gint64 id, GError **error);

typedef struct {
	gint64 id;                 /* messages.id */
	gint64 request_id;
	gint64 date, created_at;   /* Date: header (0: none), and when recorded */
	char *message_id;
	char *from_name, *from_addr, *subject;
	char *new_text, *quoted_text, *forwarded_text, *signature;  /* may be NULL */
	char *intent, *theme, *org;
	GPtrArray *kenmerken, *packages, *why, *machine_evidence;  /* never NULL */
	double confidence, theme_confidence;
	gboolean review;
	guint machine;
	GPtrArray *attachments;    /* char* "name (type, N bytes)"; never NULL */
	gint64 erased_at;
} SltQueueMessage;

void slt_queue_message_free(SltQueueMessage *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltQueueMessage, slt_queue_message_free)

/* The incoming messages of request_id, oldest first: a new array of
 * SltQueueMessage*. */
GPtrArray *slt_store_request_messages(SltStore *store, gint64 request_id, GError **error);

/* One message by messages.id (new) or NULL with NOT_FOUND. */
SltQueueMessage *slt_store_message_get(SltStore *store, gint64 id, GError **error);

typedef struct {
	gint64 id;
	char *kind, *rcpt, *subject, *state;
	char *suppress_reason, *last_error;   /* may be NULL */
	int attempts;
	gint64 created_at, sent_at;           /* sent_at 0: not sent */
} SltQueueReply;

void slt_queue_reply_free(SltQueueReply *r);

/* The outbox rows of request_id, oldest first: a new array of SltQueueReply*. */
GPtrArray *slt_store_request_replies(SltStore *store, gint64 request_id, GError **error);

typedef struct {
	gint64 id;
	char *addr, *name, *package;
	gint64 request_id, added_at, removed_at;  /* removed_at 0: active */
	char *removed_reason;
} SltQueueWait;

void slt_queue_wait_free(SltQueueWait *w);

/* Waiting-list entries (active and removed) of request_id, or of addr
 * when request_id is 0: a new array of SltQueueWait*. */
GPtrArray *slt_store_request_waits(SltStore *store, gint64 request_id, const char *addr,
				   GError **error);

typedef struct {
	gint64 at;
	char *who, *action, *detail;  /* detail may be NULL */
} SltQueueEvent;

void slt_queue_event_free(SltQueueEvent *e);

/* The history of request_id, oldest first: a new array of SltQueueEvent*. */
GPtrArray *slt_store_request_history(SltStore *store, gint64 request_id, GError **error);

/* ---- staff edits ---------------------------------------------------- */

typedef struct {
	const char *status;        /* NULL: unchanged */
	gboolean set_assignee;
	const char *assignee;      /* with set_assignee; NULL or "": nobody */
	gboolean set_labels;       /* intent, theme, kenmerken, packages, labels_by */
	const char *intent, *theme;
	const char *kenmerken_json, *packages_json;  /* JSON arrays */
	const char *labels_by;
	const char *org;           /* NULL: unchanged; "": none */
} SltRequestChange;

/* Apply ch to request id if its version is still `version` (0: any),
 * bumping version and updated_at. Errors: SLT_STORE_ERROR_NOT_FOUND, or
 * SLT_STORE_ERROR_CONFLICT ("request 'SLT-5' changed since it was read
 * (version 3, now 4)"). *new_version (may be NULL) gets the new version. */
gboolean slt_store_request_change(SltStore *store, gint64 id, gint64 version,
				  const SltRequestChange *ch, gint64 *new_version,
				  GError **error);

/* Record a label correction for retraining (label_corrections). */
gboolean slt_store_correction_add(SltStore *store, gint64 request_id, gint64 message_row,
				  const char *who, const char *old_intent, const char *old_theme,
				  const char *intent, const char *theme,
				  const char *kenmerken_json, const char *packages_json,
				  GError **error);

typedef struct {
	gint64 id, request_id, message_row, at;
	char *who, *intent, *theme, *old_intent, *old_theme, *org;
	GPtrArray *kenmerken, *packages;  /* never NULL */
	GBytes *raw;               /* the message's bytes; NULL when erased */
} SltCorrection;

void slt_correction_free(SltCorrection *c);

/* The latest correction per message (older ones are superseded), oldest
 * first, with the raw bytes: a new array of SltCorrection*. */
GPtrArray *slt_store_corrections(SltStore *store, GError **error);

/* Mark every correction used at `at` (its own transaction when none open). */
gboolean slt_store_corrections_used(SltStore *store, gint64 at, GError **error);

/* Append an audit line (AVG): who did action to target. */
gboolean slt_store_audit_add(SltStore *store, const char *who, const char *action,
			     const char *target, const char *detail, GError **error);

/* ---- dead letters --------------------------------------------------- */

typedef struct {
	gint64 id;
	char *mailbox;
	guint32 uidvalidity, uid;
	gint64 size, created_at, reprocessed_at, message_row;
	char *error, *reprocess_result;
	gboolean has_raw;
	GBytes *raw;               /* only from slt_store_dead_letter_get */
} SltDeadLetterRow;

void slt_dead_letter_row_free(SltDeadLetterRow *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltDeadLetterRow, slt_dead_letter_row_free)

/* Dead letters newest first (all: also those reprocessed into a message):
 * a new array of SltDeadLetterRow* without raw. */
GPtrArray *slt_store_dead_letters(SltStore *store, gboolean all, GError **error);

/* One dead letter with its raw bytes, or NULL with NOT_FOUND. */
SltDeadLetterRow *slt_store_dead_letter_get(SltStore *store, gint64 id, GError **error);

/* Record the outcome of reprocessing id (message_row 0: still failing). */
gboolean slt_store_dead_letter_reprocessed(SltStore *store, gint64 id, const char *result,
					   gint64 message_row, GError **error);

/* ---- statistics and status ----------------------------------------- */

typedef struct {
	gint64 id, opened_at;
	char *theme, *intent, *org;
	gint64 response_secs;      /* first reply sent minus first message recorded; -1: none yet */
} SltStatsRow;

void slt_stats_row_free(SltStatsRow *r);

/* One row per request opened in [from, to) (0: open end), for stats. */
GPtrArray *slt_store_stats_rows(SltStore *store, gint64 from, gint64 to, GError **error);

typedef struct {
	gint64 messages, requests, open_requests, review;
	gint64 dead_letters;       /* not reprocessed into a message */
	gint64 outbox_queued, outbox_failed, outbox_sent, outbox_suppressed;
	gint64 last_mail_at;       /* newest messages.created_at; 0: none */
	gint64 oldest_queued_at;   /* 0: none queued */
} SltQueueCounts;

gboolean slt_store_queue_counts(SltStore *store, SltQueueCounts *c, GError **error);

/* Every daemon_status row as key -> "at\tvalue" (new table, owned by
 * the caller). */
GHashTable *slt_store_status_all(SltStore *store, GError **error);

/* ---- AVG ------------------------------------------------------------ */

typedef struct {
	guint requests, messages, attachments, waits, replies, dead_letters, notes;
} SltEraseCounts;

/* Erase everything personal about addr (lowercase) inside the caller's
 * transaction: every message from it (From, Reply-To, Sender) and every
 * message of a request it opened lose their raw bytes, texts and personal
 * fields (Message-ID and SHA-256 stay, so a rescan does not bring them
 * back), leaving the FTS index without their tokens; its requests lose
 * requester, subject and notes; its waiting-list entries are deleted; its
 * replies lose recipient, subject and bytes; dead letters whose bytes name
 * it lose their bytes. Labels, org, dates and states stay (anonymous
 * counts). Fills *n (may be NULL). Run slt_store_fts_optimize after the
 * commit. */
gboolean slt_store_erase_person(SltStore *store, const char *addr, SltEraseCounts *n,
				GError **error);

/* Erase (as above) every request with no activity since before, all its
 * messages and replies, and the bytes of dead letters older than before. */
gboolean slt_store_erase_before(SltStore *store, gint64 before, SltEraseCounts *n,
				GError **error);

/* Rebuild the FTS index's segments so no erased token survives, then
 * checkpoint and truncate the WAL (best effort) so no old page image
 * does. Outside a transaction. */
gboolean slt_store_fts_optimize(SltStore *store, GError **error);

/* Request ids opened by addr or holding a message from it, ascending (new
 * GArray of gint64). */
GArray *slt_store_person_requests(SltStore *store, const char *addr, GError **error);

/* The packages table as id -> published (GINT_TO_POINTER 1 or 2 for
 * development/published; new table, owned by the caller). Empty when
 * sltd never loaded a catalogue. */
GHashTable *slt_store_package_states(SltStore *store, GError **error);

/* The raw bytes of message id (new reference), or NULL with NOT_FOUND
 * (no such message, or its bytes were erased). */
GBytes *slt_store_message_raw(SltStore *store, gint64 id, GError **error);
