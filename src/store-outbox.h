/* SPDX-License-Identifier: MIT */
/* store-outbox: the store's tables for the replies (store.c migration 2):
 * packages, publications, waitlist and outbox. Part of the store module
 * (implemented in store-outbox.c on store-private.h); see store.h for
 * the conventions (Unix seconds, JSON arrays, transactions).
 *
 * Unless a function says it opens its own transaction, writes run inside
 * the caller's slt_store_begin()/slt_store_commit(). */
#pragma once

#include <glib.h>
#include "store.h"
#include "catalogue.h"

/* The store's clock (Unix seconds; SLT_STORE_NOW fixes it for tests), so
 * that limits and back-off agree with the times the store writes. */
gint64 slt_store_clock(void);

/* ---- packages --------------------------------------------------------- */

typedef struct {
	char *id;
	char *title;
	char *expected;        /* NULL: not known */
	gboolean published;
	int version;           /* 0: never published */
	gint64 published_at;   /* 0: never */
	char **files;          /* paths relative to [packages] dir; never NULL */
} SltStorePackage;

void slt_store_package_free(SltStorePackage *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltStorePackage, slt_store_package_free)

/* Bring the packages table in line with the catalogue file (its own
 * transaction when none is open). A package new to the database takes
 * everything from the file (state, version, files: how packages published
 * before sltd are declared). For a known package only title and expected
 * follow the file; state, version and files are the database's (changed
 * by slt_store_publication_add only). *differs (may be NULL) gets a new
 * array of ids where the file is ahead of the database (published, or a
 * higher version, there but not here: someone edited the file expecting
 * that to publish), for a warning. A file behind the database is normal
 * after `sltctl publish`. */
gboolean slt_store_packages_sync(SltStore *store, const SltCatalogue *cat,
				 GPtrArray **differs, GError **error);

/* Every package, in catalogue order (slt_catalogue_ids): a new array of
 * SltStorePackage* (frees its rows). */
GPtrArray *slt_store_packages_list(SltStore *store, GError **error);

/* One package (new, owned by the caller), or NULL with
 * SLT_STORE_ERROR_NOT_FOUND. */
SltStorePackage *slt_store_package_get(SltStore *store, const char *id, GError **error);

/* ---- waiting list ----------------------------------------------------- */

/* Put addr on the waiting list for package (INSERT OR IGNORE on the
 * active entry: at most one per person and package). *added (may be
 * NULL) says whether a new entry was made. */
gboolean slt_store_waitlist_add(SltStore *store, const char *addr, const char *name,
				gint64 request_id, const char *package,
				gboolean *added, GError **error);

/* End every active entry of addr (reason: "afmelden", "forget"). *removed
 * (may be NULL) gets a new array of the package ids it left. */
gboolean slt_store_waitlist_remove(SltStore *store, const char *addr, const char *reason,
				   GPtrArray **removed, GError **error);

typedef struct {
	gint64 id;
	char *addr;
	char *name;
	gint64 request_id;     /* 0: none */
	char *package;
	gint64 added_at;
} SltWaitEntry;

void slt_wait_entry_free(SltWaitEntry *e);

/* Active entries (of package, or all when NULL), by package and age: a
 * new array of SltWaitEntry*. */
GPtrArray *slt_store_waitlist_list(SltStore *store, const char *package, GError **error);

/* ---- outbox ------------------------------------------------------------ */

typedef struct {
	gint64 request_id;         /* 0: none */
	gint64 cause_row;          /* messages.id of the message answered; 0: none */
	const char *message_id;    /* ours, no brackets; NULL for a suppressed row */
	const char *kind;          /* template name, "publication", or "none" */
	const char *rcpt;          /* "" when there was no address */
	const char *subject;
	const char *packages;      /* package ids, comma-separated, or NULL */
	int package_version;       /* publication: the version mailed; else 0 */
	const char *suppress_reason; /* non-NULL: a reply that is not sent, and why */
	GBytes *raw;               /* the bytes to send (NULL when suppressed) */
} SltOutboxNew;

/* Queue a reply (state queued, due now) or record a suppressed one. A
 * publication (kind "publication") is unique per rcpt, package and
 * version: a second one is ignored and *id set to 0. *id (may be NULL)
 * gets outbox.id. */
gboolean slt_store_outbox_add(SltStore *store, const SltOutboxNew *o, gint64 *id,
			      GError **error);

typedef struct {
	gint64 id;
	gint64 request_id;
	char *kind;
	char *rcpt;
	char *subject;
	char *message_id;
	char *state;
	int attempts;
	gint64 created_at;
	gint64 next_attempt_at;
	gint64 sent_at;
	char *last_error;
	char *suppress_reason;
	GBytes *raw;               /* only from slt_store_outbox_due */
} SltOutboxItem;

void slt_outbox_item_free(SltOutboxItem *it);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltOutboxItem, slt_outbox_item_free)

/* Queued items due at now (next_attempt_at <= now), oldest due first, at
 * most limit, with their bytes: a new array of SltOutboxItem*. */
GPtrArray *slt_store_outbox_due(SltStore *store, gint64 now, guint limit, GError **error);

/* The server said 250: mark id sent. ONE autocommit statement, so the
 * window between the server's acceptance and our record of it is as
 * short as it can be (see outbox.c). Must not be called inside a
 * transaction. */
gboolean slt_store_outbox_sent(SltStore *store, gint64 id, gint64 now, GError **error);

/* A temporary failure: count the attempt, keep it queued until next_at,
 * remember why (own autocommit statement). */
gboolean slt_store_outbox_retry(SltStore *store, gint64 id, gint64 next_at,
				const char *why, GError **error);

/* A permanent failure (or given up): state failed, why kept for staff,
 * a history line on the request (own transaction). */
gboolean slt_store_outbox_failed(SltStore *store, gint64 id, const char *why,
				 GError **error);

/* Put a failed item back in the queue, due now (staff: sltctl outbox
 * --retry). SLT_STORE_ERROR_NOT_FOUND when id is not a failed item. */
gboolean slt_store_outbox_requeue(SltStore *store, gint64 id, GError **error);

/* Rows for staff, newest first: state NULL for every state but
 * 'suppressed' (unless all), else that state; limit 0: no limit. Items
 * without their bytes. */
GPtrArray *slt_store_outbox_list(SltStore *store, const char *state, gboolean all,
				 guint limit, GError **error);

/* Counts by state: queued, sent, failed, suppressed. */
gboolean slt_store_outbox_counts(SltStore *store, gint64 *queued, gint64 *sent,
				 gint64 *failed, gint64 *suppressed, GError **error);

/* ---- facts for the decision (react.h) ------------------------------- */

typedef struct {
	GPtrArray *kinds;          /* char*: kind of each reply to rcpt since day_since */
	GPtrArray *packages;       /* char*: package ids sent to rcpt since day_since */
} SltReplyHistory;

void slt_reply_history_clear(SltReplyHistory *h);

/* The replies to rcpt since day_since that count for the limits: not
 * suppressed, not failed, not publications. Fills *h (clear with
 * slt_reply_history_clear). The hourly count is a separate question
 * (slt_store_replies_since), asked only for a reply that would go out. */
gboolean slt_store_reply_history(SltStore *store, const char *rcpt, gint64 day_since,
				 SltReplyHistory *h, GError **error);

/* The replies that count (as above) to anyone since since, counted no
 * further than cap: *n <= cap. */
gboolean slt_store_replies_since(SltStore *store, gint64 since, guint cap, guint *n,
				 GError **error);

/* What a request already got: its intent (new string or NULL) and the
 * packages answered on it, sent or waited for (new array of char*). */
gboolean slt_store_request_answered(SltStore *store, gint64 request_id, char **intent,
				    GPtrArray **packages, GError **error);

/* The first message of a request: its Message-ID (no brackets), subject,
 * sender name, and the request's org; each a new string or NULL. For the
 * publication mail, which threads onto the request. */
gboolean slt_store_request_origin(SltStore *store, gint64 request_id, char **message_id,
				  char **subject, char **name, char **org, GError **error);

/* ---- publication ------------------------------------------------------ */

/* Record version `version` of package with its files (relative paths) by
 * `who`: a publications row, and the package published at that version.
 * SLT_STORE_ERROR_CONFLICT when that version exists already (a concurrent
 * publish). Inside the caller's transaction. */
gboolean slt_store_publication_add(SltStore *store, const char *package, int version,
				   const GPtrArray *files, const char *who, GError **error);

/* Mark the waiting-list entry id done for version (removed_reason
 * 'published'). *done (may be NULL) is FALSE when the entry was no longer
 * active (they unsubscribed meanwhile). */
gboolean slt_store_waitlist_notified(SltStore *store, gint64 id, int version,
				     gboolean *done, GError **error);
