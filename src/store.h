/* SPDX-License-Identifier: MIT */
/* store: everything sltd records, in one SQLite database (WAL). The store
 * is the only code that includes sqlite3.h; other modules see this header.
 *
 * Files and the tables they own (the whole schema lives in store.c's
 * migrations, so one file shows every table; the SQL that reads and
 * writes a table lives in the file that owns it):
 *   store.c           connection, migrations, transactions; checkpoints,
 *                     daemon_status
 *   store-messages.c  messages, message_attachments, messages_fts,
 *                     requests and request_history as ingest fills them,
 *                     dead_letters
 *   store-outbox.c    outbox, packages, publications, waitlist
 *                     (store-outbox.h; the replies)
 *   store-queue.c     what staff read and change (store-queue.h; sltctl
 *                     and the web view): request edits (optimistic:
 *                     version), label_corrections, audit, erasure
 *   store-orgs.c      org_domains (the organisation learned per sender
 *                     domain)
 *
 * Conventions: times are Unix seconds (UTC) in INTEGER columns; label
 * lists (kenmerken, packages, why, machine evidence, defects) are JSON
 * arrays of strings in TEXT columns (read them with json_each()); a
 * request's reference "SLT-<id>" is requests.ref (generated). Every write
 * runs inside slt_store_begin()/slt_store_commit() unless the function
 * says it opens its own transaction.
 *
 * Durability: WAL with synchronous=NORMAL. A SIGKILL never loses a
 * commit; a power cut may lose the last commits, but a message and its
 * checkpoint always vanish together, so the message is simply fetched
 * again. Before an irreversible effect outside the database that relies
 * on earlier commits (MOVE, sending mail) call slt_store_sync(). */
#pragma once

#include <glib.h>
#include "mime.h"
#include "classify.h"

/* The schema version this program writes (PRAGMA user_version). */
#define SLT_STORE_SCHEMA_VERSION 5

#define SLT_STORE_ERROR (slt_store_error_quark())
GQuark slt_store_error_quark(void);
typedef enum {
	SLT_STORE_ERROR_OPEN,      /* cannot open or create the file */
	SLT_STORE_ERROR_SCHEMA,    /* schema newer than this program, or a migration failed */
	SLT_STORE_ERROR_BUSY,      /* locked by another writer beyond the busy timeout */
	SLT_STORE_ERROR_FULL,      /* disk full, I/O error: nothing was written */
	SLT_STORE_ERROR_CORRUPT,   /* the file is damaged (integrity check) */
	SLT_STORE_ERROR_CONSTRAINT,/* a constraint refused the row (caller's data) */
	SLT_STORE_ERROR_NOT_FOUND, /* no such request, message, ... */
	SLT_STORE_ERROR_CONFLICT,  /* the row changed since it was read (version) */
	SLT_STORE_ERROR_FAILED,    /* anything else SQLite reports */
} SltStoreError;

typedef struct _SltStore SltStore;

typedef enum {
	SLT_STORE_OPEN_CREATE   = 1 << 0, /* create the file when missing (sltd); else it must exist (sltctl) */
	SLT_STORE_OPEN_READONLY = 1 << 1, /* no writes, no migrations (schema must be current) */
} SltStoreOpenFlags;

/* Open (or create) the database at path: WAL, foreign keys on, a busy
 * timeout of 5 s, and every migration up to SLT_STORE_SCHEMA_VERSION,
 * each in its own transaction. Returns a new store (free with
 * slt_store_close) or NULL with SLT_STORE_ERROR_OPEN (e.g. "cannot open
 * database '/var/lib/sltd/sltd.db': unable to open database file") or
 * SLT_STORE_ERROR_SCHEMA ("database '...' has schema 7, newer than this
 * program's 2"). */
SltStore *slt_store_open(const char *path, SltStoreOpenFlags flags, GError **error);

/* Tests only: like slt_store_open, but migrate no further than
 * max_version (to build an old database that a later open upgrades). */
SltStore *slt_store_open_at(const char *path, SltStoreOpenFlags flags,
			    int max_version, GError **error);

/* Close and free; NULL is allowed. An open transaction is rolled back. */
void slt_store_close(SltStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltStore, slt_store_close)

/* The file the store was opened from (owned by the store). */
const char *slt_store_path(SltStore *store);

/* PRAGMA data_version: changes whenever ANOTHER connection (sltctl,
 * sltweb) committed since the last call, never for this connection's own
 * commits; for caching what only other processes change. -1 on error. */
gint64 slt_store_data_version(SltStore *store);

/* PRAGMA user_version of the open database. */
int slt_store_schema_version(SltStore *store);

/* How long a statement waits for another connection's lock before
 * SLT_STORE_ERROR_BUSY; open sets SLT_STORE_BUSY_TIMEOUT_MS. Waiting is
 * fair: a waiter looks every millisecond, and a connection that just
 * released the write lock leaves it free a while before taking it
 * again, so a busy sltd never starves staff's sltctl. */
#define SLT_STORE_BUSY_TIMEOUT_MS 5000
void slt_store_set_busy_timeout(SltStore *store, int ms);

/* Transactions. begin takes the write lock at once (BEGIN IMMEDIATE), so
 * a writer never fails half-way on a lock; it waits up to the busy
 * timeout, then SLT_STORE_ERROR_BUSY. They do not nest. rollback is safe
 * to call when no transaction is open. */
gboolean slt_store_begin(SltStore *store, GError **error);
gboolean slt_store_commit(SltStore *store, GError **error);
void slt_store_rollback(SltStore *store);
gboolean slt_store_in_transaction(SltStore *store);

/* A savepoint inside the open transaction. They nest: release and
 * rollback_to act on the innermost. release keeps its work; rollback_to
 * undoes it and ends the savepoint. Costly around message inserts: FTS5
 * writes a segment at every savepoint (ingest replays a failed batch
 * instead). */
gboolean slt_store_savepoint(SltStore *store, GError **error);
gboolean slt_store_release(SltStore *store, GError **error);
void slt_store_rollback_to(SltStore *store);

/* Make every commit so far durable (fsync the WAL once). Call it before
 * an effect outside the database that depends on those commits. Must not
 * be called inside a transaction. */
gboolean slt_store_sync(SltStore *store, GError **error);

/* PRAGMA integrity_check, foreign_key_check and the FTS index's own
 * check. FALSE with SLT_STORE_ERROR_CORRUPT and the first problems. */
gboolean slt_store_check(SltStore *store, GError **error);

/* TRUE when err came from the store and means the store itself is
 * unusable right now (busy, disk full, corrupt, failed), rather than one
 * bad input row. Ingest stops a pass on these instead of dead-lettering. */
gboolean slt_store_error_is_fatal(const GError *err);

/* ---- checkpoints (store.c) ------------------------------------------ */

typedef struct {
	guint32 uidvalidity;   /* 0: no checkpoint yet */
	guint32 last_uid;      /* the highest UID whose transaction committed */
	guint32 attempt_uid;   /* the UID sltd last crashed on ... */
	guint attempts;        /* ... and how many times in a row (poison guard) */
} SltCheckpoint;

/* Read the checkpoint of mailbox into *cp (all zero when none). */
gboolean slt_store_get_checkpoint(SltStore *store, const char *mailbox,
				  SltCheckpoint *cp, GError **error);

/* Set uidvalidity and last_uid (inside the caller's transaction, so it
 * moves with the message it follows). A new uidvalidity clears the
 * crash counter. */
gboolean slt_store_set_checkpoint(SltStore *store, const char *mailbox,
				  guint32 uidvalidity, guint32 last_uid,
				  GError **error);

/* Poison guard: note (in its own transaction, committed at once) that
 * sltd crashed while handling uid. Returns in *attempts how many crashes
 * in a row were noted on this uid: 1 for a new uid, one more for the same. */
gboolean slt_store_note_crash(SltStore *store, const char *mailbox,
			      guint32 uidvalidity, guint32 uid,
			      guint *attempts, GError **error);

/* ---- daemon status, for `sltctl status` (store.c) ------------------- */

/* Set key to value (NULL deletes) with the current time. Opens its own
 * transaction when none is open. Keys in use: "last-pass", "last-error",
 * "last-mail". */
gboolean slt_store_set_status(SltStore *store, const char *key,
			      const char *value, GError **error);
/* The value of key (new string, owned by the caller) or NULL; *at (may
 * be NULL) gets when it was set. */
char *slt_store_get_status(SltStore *store, const char *key, gint64 *at);

/* ---- messages, requests, dead letters (store-messages.c) ------------ */

/* "SLT-<id>" (new string). */
char *slt_store_ref_format(gint64 request_id);
/* Parse "SLT-123" / "slt-123" / "123" into *request_id. */
gboolean slt_store_ref_parse(const char *ref, gint64 *request_id);
/* The request id of the first "[SLT-n]" tag in subject, or 0. */
gint64 slt_store_ref_in_subject(const char *subject);

/* An incoming message as ingest hands it over. Nothing is taken over:
 * the store copies what it keeps. */
typedef struct {
	const char *mailbox;       /* where it was found */
	guint32 uidvalidity;
	guint32 uid;
	const char *imap_flags;    /* as fetched, for the record; may be NULL */
	GBytes *raw;               /* the exact bytes */
	const guint8 *sha256;      /* 32 bytes, of raw */
	const SltMessage *msg;
	const SltClassification *labels;
	gboolean imap_pending;     /* a keyword or MOVE is still to be done */
} SltIncoming;

typedef enum {
	SLT_RECORD_NEW_REQUEST,    /* recorded; opened a new request */
	SLT_RECORD_FOLLOW_UP,      /* recorded; joined an existing request */
	SLT_RECORD_DUPLICATE,      /* seen before (same Message-ID and bytes): nothing
				    * recorded, only its mailbox location updated */
} SltRecordStatus;

typedef struct {
	SltRecordStatus status;
	gint64 message_row;        /* messages.id (the earlier row for a duplicate) */
	gint64 request_id;         /* requests.id (0 only for an unthreaded duplicate) */
	gboolean reopened;         /* a follow-up moved the request back to 'open' */
} SltRecordResult;

/* Record one incoming message inside the caller's transaction: dedupe on
 * (Message-ID, SHA-256 of the bytes), a message without Message-ID on
 * the hash alone; thread it (In-Reply-To, then References newest first,
 * naming a message we hold or a reply we sent; else an "[SLT-n]" tag in
 * the subject naming an existing request); otherwise open a new request
 * with the message's labels. Stores the raw bytes, the parsed fields, the
 * labels, the attachments, and a history line. A follow-up from a person
 * (not an automatic message) reopens a request that was 'wacht-op-klant'
 * or 'afgerond'; labels a person (staff) set are never overwritten.
 * Fills *result. Errors: SLT_STORE_ERROR_*. */
gboolean slt_store_record_incoming(SltStore *store, const SltIncoming *in,
				   SltRecordResult *result, GError **error);

/* The request a message with these threading headers belongs to, or 0
 * (no error) when none. in_reply_to and references may be NULL. */
gboolean slt_store_find_thread(SltStore *store, const char *in_reply_to,
			       const GPtrArray *references, const char *subject,
			       gint64 *request_id, GError **error);

/* A message that could not be recorded. raw may be NULL (too big, or not
 * downloaded); it is kept only when raw_max is 0 or it is not larger. */
typedef struct {
	const char *mailbox;
	guint32 uidvalidity;
	guint32 uid;
	gsize size;
	GBytes *raw;
	const char *error;         /* plain words, for staff */
} SltDeadLetter;

/* Record a dead letter inside the caller's transaction. The same bytes
 * dead-lettered again (a rescan after a UIDVALIDITY change) update the
 * existing row's location instead of adding one. *id (may be NULL) gets
 * dead_letters.id. */
gboolean slt_store_dead_letter(SltStore *store, const SltDeadLetter *dl,
			       gsize raw_max, gint64 *id, GError **error);

/* Append a line to a request's history (inside the caller's transaction).
 * who: "sltd" or a staff name; action: open, message, assign, status,
 * note, relabel, reply, suppress, waitlist, publication, erase; detail
 * may be NULL. */
gboolean slt_store_history_add(SltStore *store, gint64 request_id,
			       const char *who, const char *action,
			       const char *detail, GError **error);

/* UIDs of messages recorded in mailbox/uidvalidity whose keyword/MOVE is
 * still to be done (a pass that died between commit and the IMAP
 * command), ascending, as guint32 in a new GArray. */
GArray *slt_store_imap_pending(SltStore *store, const char *mailbox,
			       guint32 uidvalidity, GError **error);
/* Mark those UIDs done (opens its own transaction when none is open). */
gboolean slt_store_imap_done(SltStore *store, const char *mailbox,
			     guint32 uidvalidity, const guint32 *uids, guint n,
			     GError **error);

/* Full-text search (FTS5 syntax; plain words work) over subject and
 * text. Returns messages.id values, best match first, at most limit, as
 * gint64 in a new GArray. A bad query: SLT_STORE_ERROR_FAILED with
 * SQLite's words. */
GArray *slt_store_search(SltStore *store, const char *query, guint limit,
			 GError **error);

/* ---- listing, for `sltctl list` (store-messages.c) ------------------ */

typedef struct {
	gint64 id;
	char *ref;              /* "SLT-12" */
	gint64 opened_at;
	gint64 updated_at;
	char *status;
	char *assignee;         /* NULL: nobody */
	char *org;              /* NULL: unknown */
	char *requester_addr;
	char *requester_name;
	char *intent;
	char *theme;
	GPtrArray *packages;    /* char* package ids; never NULL */
	gboolean review;
	char *subject;
	guint n_messages;
} SltRequestRow;

void slt_request_row_free(SltRequestRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltRequestRow, slt_request_row_free)

/* Counts for tests and `sltctl status`: rows in messages (incoming),
 * requests, dead_letters. */
gboolean slt_store_counts(SltStore *store, gint64 *messages, gint64 *requests,
			  gint64 *dead_letters, GError **error);

/* ---- store-orgs.c: organisations learned per sender domain ---- */

/* Remember (domain, org) as slt_classifier_learn_org returned it for the
 * message recorded as message_row (0: none); a later org for the domain
 * replaces the earlier one, but never one that staff set
 * (slt_store_org_domain_set). Inside the caller's transaction (the one
 * that records the message). */
gboolean slt_store_org_domain_put(SltStore *store, const char *domain, const char *org,
				  gint64 message_row, GError **error);

typedef struct {
	char *domain;
	char *org;
	char *set_by;       /* "sltd" (learned) or "staff" */
	gint64 at;          /* learned or set, Unix seconds */
	gint64 request_id;  /* the request whose message taught it, or 0 */
} SltOrgDomain;

void slt_org_domain_free(SltOrgDomain *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltOrgDomain, slt_org_domain_free)

/* Every remembered pair, by domain (SltOrgDomain*, owned by the array). */
GPtrArray *slt_store_org_domains_list(SltStore *store, GError **error);
/* Staff set domain's organisation (a correction of what sltd learned, or
 * a domain it has not seen yet); learning never replaces it, here or in
 * a classifier that loaded it (slt_classifier_add_learned_org). Its own
 * transaction, with an audit line naming who. A running sltd loads the
 * pairs again before its next pass. */
gboolean slt_store_org_domain_set(SltStore *store, const char *domain, const char *org,
				  const char *who, GError **error);
/* Staff drop domain's pair, learned or set; *found says whether there
 * was one. Its own transaction, audited. sltd may learn the domain again
 * from a later signature. */
gboolean slt_store_org_domain_forget(SltStore *store, const char *domain, const char *who,
				     gboolean *found, GError **error);

typedef void (*SltStoreOrgDomainFunc)(const char *domain, const char *org, gboolean by_staff,
				      gpointer user_data);
/* Every remembered pair, oldest first (so that a replaced one cannot come
 * back), for slt_classifier_add_learned_org at start. */
gboolean slt_store_org_domains_each(SltStore *store, SltStoreOrgDomainFunc fn,
				    gpointer user_data, GError **error);
