/* SPDX-License-Identifier: MIT */
/* store: the SQLite connection, the whole schema and its migrations,
 * transactions, checkpoints and the daemon's status lines.
 * SQLite: WAL (https://sqlite.org/wal.html), FTS5 external content
 * tables (https://sqlite.org/fts5.html section 4.4.3). */
#include "store-private.h"

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

G_DEFINE_QUARK(slt-store-error-quark, slt_store_error)

/* Lock fairness between connections (busy_cb, lock_released). */
#define BUSY_POLL_US 1000
#define STREAK_US    (100 * 1000)
#define GAP_US       (2 * 1000)

/* The schema, one migration per version. Each runs in its own
 * transaction together with the PRAGMA user_version that records it, so
 * a database is always at exactly one version. Never edit a migration
 * that has shipped: add the next one.
 *
 * Version 1: what ingest records (issue 3) and the staff tool's tables.
 * Version 2: the replies (issue 5): outbox, package catalogue,
 * publications, waiting list. */
static const char *const migrations[] = {
	/* 1 */
	/* Where each followed mailbox stands: the highest UID whose message
	 * committed, under which UIDVALIDITY. attempt_uid/attempts count the
	 * crashes in a row on one message (the poison guard, see ingest.c). */
	"CREATE TABLE checkpoints ("
	"  mailbox TEXT PRIMARY KEY,"
	"  uidvalidity INTEGER NOT NULL,"
	"  last_uid INTEGER NOT NULL DEFAULT 0,"
	"  attempt_uid INTEGER NOT NULL DEFAULT 0,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  updated_at INTEGER NOT NULL"
	");"
	/* Small facts for `sltctl status`: last pass, last error, ... */
	"CREATE TABLE daemon_status ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT,"
	"  at INTEGER NOT NULL"
	");"
	/* A request groups the messages of one thread. Staff edit status,
	 * assignee and labels; every write bumps version, and a staff edit
	 * says `WHERE id = ? AND version = ?` so it never overwrites what sltd
	 * changed meanwhile. labels_by is 'sltd' until staff relabel; sltd
	 * then leaves the labels alone. */
	"CREATE TABLE requests ("
	"  id INTEGER PRIMARY KEY,"
	"  ref TEXT GENERATED ALWAYS AS ('SLT-' || id) VIRTUAL,"
	"  opened_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  last_message_at INTEGER,"
	"  first_response_at INTEGER,"
	"  status TEXT NOT NULL DEFAULT 'open'"
	"    CHECK (status IN ('open', 'in-behandeling', 'wacht-op-klant', 'afgerond')),"
	"  assignee TEXT,"
	"  org TEXT,"
	"  requester_addr TEXT,"
	"  requester_name TEXT,"
	"  subject TEXT,"
	"  intent TEXT,"
	"  theme TEXT,"
	"  kenmerken TEXT NOT NULL DEFAULT '[]',"
	"  packages TEXT NOT NULL DEFAULT '[]',"
	"  confidence REAL,"
	"  review INTEGER NOT NULL DEFAULT 0,"
	"  labels_by TEXT NOT NULL DEFAULT 'sltd',"
	"  erased_at INTEGER,"
	"  version INTEGER NOT NULL DEFAULT 1"
	");"
	"CREATE INDEX requests_opened ON requests(opened_at);"
	"CREATE INDEX requests_status ON requests(status, opened_at);"
	"CREATE INDEX requests_requester ON requests(requester_addr);"
	/* Every message, incoming (direction 'in', with its IMAP location)
	 * or, should a later version want them here, outgoing. raw is last:
	 * a long value spills into overflow pages that reading the other
	 * columns never touches. message_id is the RFC 5322 Message-ID
	 * without angle brackets; row references elsewhere are named
	 * message_row. Erasure (AVG) clears raw, the texts and the personal
	 * fields but keeps message_id and sha256, so a rescan of the mailbox
	 * does not bring the message back. */
	"CREATE TABLE messages ("
	"  id INTEGER PRIMARY KEY,"
	"  request_id INTEGER REFERENCES requests(id) ON DELETE SET NULL,"
	"  direction TEXT NOT NULL DEFAULT 'in' CHECK (direction IN ('in', 'out')),"
	"  mailbox TEXT,"
	"  uidvalidity INTEGER,"
	"  uid INTEGER,"
	"  imap_flags TEXT,"
	"  imap_pending INTEGER NOT NULL DEFAULT 0,"
	"  message_id TEXT,"
	"  sha256 BLOB NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  date INTEGER,"
	"  created_at INTEGER NOT NULL,"
	"  from_name TEXT,"
	"  from_addr TEXT,"
	"  reply_to TEXT,"
	"  sender TEXT,"
	"  to_list TEXT,"
	"  cc_list TEXT,"
	"  subject TEXT,"
	"  in_reply_to TEXT,"
	"  refs TEXT NOT NULL DEFAULT '[]',"
	"  return_path TEXT,"
	"  text TEXT,"
	"  new_text TEXT,"
	"  quoted_text TEXT,"
	"  forwarded_text TEXT,"
	"  signature TEXT,"
	"  is_forward INTEGER NOT NULL DEFAULT 0,"
	"  html_only INTEGER NOT NULL DEFAULT 0,"
	"  machine INTEGER NOT NULL DEFAULT 0,"
	"  machine_evidence TEXT NOT NULL DEFAULT '[]',"
	"  defects TEXT NOT NULL DEFAULT '[]',"
	"  intent TEXT,"
	"  theme TEXT,"
	"  kenmerken TEXT NOT NULL DEFAULT '[]',"
	"  packages TEXT NOT NULL DEFAULT '[]',"
	"  org TEXT,"
	"  confidence REAL,"
	"  theme_confidence REAL,"
	"  review INTEGER NOT NULL DEFAULT 0,"
	"  why TEXT NOT NULL DEFAULT '[]',"
	"  erased_at INTEGER,"
	"  raw BLOB"
	");"
	/* Dedupe: one row per (Message-ID, bytes); a message without a
	 * Message-ID dedupes on its bytes alone (coalesce, since NULLs are
	 * distinct in a UNIQUE index). Also the index for threading lookups
	 * by Message-ID (its first column). */
	"CREATE UNIQUE INDEX messages_dedupe ON messages(coalesce(message_id, ''), sha256);"
	"CREATE INDEX messages_request ON messages(request_id, date);"
	"CREATE INDEX messages_imap_pending ON messages(mailbox, uidvalidity, uid) WHERE imap_pending;"
	"CREATE TABLE message_attachments ("
	"  id INTEGER PRIMARY KEY,"
	"  message_row INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
	"  position INTEGER NOT NULL,"
	"  filename TEXT,"
	"  content_type TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  is_tnef INTEGER NOT NULL DEFAULT 0,"
	"  is_inline INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX message_attachments_message ON message_attachments(message_row);"
	/* Full-text search over subject and text (sltctl search). External
	 * content: the index holds only tokens. Triggers keep it in step with
	 * every update (erasure sets text NULL) and delete; after erasing,
	 * run INSERT INTO messages_fts(messages_fts) VALUES('optimize') so no
	 * old token survives in a segment. Inserts are indexed by the one
	 * function that inserts messages (store-messages.c insert_message),
	 * not by a trigger: a trigger gives the INSERT a statement journal,
	 * and FTS5 flushes its pending terms into a new segment at every
	 * statement savepoint, so each message cost a segment write and its
	 * merges (measured: 33 us against 12 us per message in a batch of 32,
	 * and 250 us per real message in sltd). slt_store_check() compares
	 * the index with the table. */
	"CREATE VIRTUAL TABLE messages_fts USING fts5(subject, text,"
	"  content='messages', content_rowid='id',"
	"  tokenize='unicode61 remove_diacritics 2');"
	"CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN"
	"  INSERT INTO messages_fts(messages_fts, rowid, subject, text)"
	"    VALUES ('delete', old.id, old.subject, old.text);"
	"END;"
	"CREATE TRIGGER messages_fts_update AFTER UPDATE OF subject, text ON messages BEGIN"
	"  INSERT INTO messages_fts(messages_fts, rowid, subject, text)"
	"    VALUES ('delete', old.id, old.subject, old.text);"
	"  INSERT INTO messages_fts(rowid, subject, text) VALUES (new.id, new.subject, new.text);"
	"END;"
	/* Who did what to a request, when (sltd or a staff name). */
	"CREATE TABLE request_history ("
	"  id INTEGER PRIMARY KEY,"
	"  request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,"
	"  at INTEGER NOT NULL,"
	"  who TEXT NOT NULL,"
	"  action TEXT NOT NULL CHECK (action IN ('open', 'message', 'assign', 'status',"
	"    'note', 'relabel', 'reply', 'suppress', 'waitlist', 'publication', 'erase')),"
	"  detail TEXT"
	");"
	"CREATE INDEX request_history_request ON request_history(request_id, at);"
	/* Staff corrections of labels, the training material of `sltctl train`. */
	"CREATE TABLE label_corrections ("
	"  id INTEGER PRIMARY KEY,"
	"  request_id INTEGER REFERENCES requests(id) ON DELETE CASCADE,"
	"  message_row INTEGER REFERENCES messages(id) ON DELETE CASCADE,"
	"  at INTEGER NOT NULL,"
	"  who TEXT NOT NULL,"
	"  old_intent TEXT,"
	"  old_theme TEXT,"
	"  intent TEXT,"
	"  theme TEXT,"
	"  kenmerken TEXT NOT NULL DEFAULT '[]',"
	"  packages TEXT NOT NULL DEFAULT '[]',"
	"  used_at INTEGER"
	");"
	/* AVG: every forget, export-person, purge and staff action on
	 * personal data. */
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  who TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  target TEXT,"
	"  detail TEXT"
	");"
	"CREATE INDEX audit_at ON audit(at);"
	/* Messages that could not be recorded, with the reason, for staff.
	 * The same bytes dead-lettered twice keep one row (sha256). */
	"CREATE TABLE dead_letters ("
	"  id INTEGER PRIMARY KEY,"
	"  mailbox TEXT NOT NULL,"
	"  uidvalidity INTEGER NOT NULL,"
	"  uid INTEGER NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  sha256 BLOB,"
	"  error TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  reprocessed_at INTEGER,"
	"  reprocess_result TEXT,"
	"  message_row INTEGER REFERENCES messages(id) ON DELETE SET NULL,"
	"  raw BLOB"
	");"
	"CREATE UNIQUE INDEX dead_letters_sha256 ON dead_letters(sha256) WHERE sha256 IS NOT NULL;"
	"CREATE INDEX dead_letters_created ON dead_letters(created_at);",

	/* 2 */
	/* The package catalogue as sltd last loaded it, plus what publish
	 * changed: version counts publications (0: never published). */
	"CREATE TABLE packages ("
	"  id TEXT PRIMARY KEY,"
	"  title TEXT NOT NULL,"
	"  version INTEGER NOT NULL DEFAULT 0,"
	"  state TEXT NOT NULL DEFAULT 'development' CHECK (state IN ('development', 'published')),"
	"  expected TEXT,"
	"  published_at INTEGER,"
	"  files TEXT NOT NULL DEFAULT '[]',"
	"  updated_at INTEGER NOT NULL"
	");"
	"CREATE TABLE publications ("
	"  id INTEGER PRIMARY KEY,"
	"  package TEXT NOT NULL REFERENCES packages(id),"
	"  version INTEGER NOT NULL,"
	"  files TEXT NOT NULL DEFAULT '[]',"
	"  published_at INTEGER NOT NULL,"
	"  published_by TEXT NOT NULL,"
	"  UNIQUE (package, version)"
	");"
	/* One active entry per person and package; removed entries stay for
	 * the record (removed_reason: afmelden, forget, published). */
	"CREATE TABLE waitlist ("
	"  id INTEGER PRIMARY KEY,"
	"  addr TEXT NOT NULL,"
	"  name TEXT,"
	"  request_id INTEGER REFERENCES requests(id) ON DELETE SET NULL,"
	"  package TEXT NOT NULL REFERENCES packages(id),"
	"  added_at INTEGER NOT NULL,"
	"  removed_at INTEGER,"
	"  removed_reason TEXT,"
	"  notified_version INTEGER"
	");"
	"CREATE UNIQUE INDEX waitlist_active ON waitlist(addr, package) WHERE removed_at IS NULL;"
	"CREATE INDEX waitlist_package ON waitlist(package, added_at);"
	/* Every reply, written in the transaction that records its cause;
	 * raw holds exactly the bytes that are (to be) sent. message_id (our
	 * own, without angle brackets) lets a reply to our reply thread back.
	 * kind: ack-sparring, ack-vraag, package, waitlist, afmelden,
	 * publication, neutral, ... A publication mailing is unique per
	 * person, package and version: publishing twice queues nothing new. */
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  request_id INTEGER REFERENCES requests(id) ON DELETE SET NULL,"
	"  cause_row INTEGER REFERENCES messages(id) ON DELETE SET NULL,"
	"  message_id TEXT,"
	"  kind TEXT NOT NULL,"
	"  rcpt TEXT NOT NULL,"
	"  subject TEXT,"
	"  package TEXT,"
	"  package_version INTEGER,"
	"  state TEXT NOT NULL DEFAULT 'queued'"
	"    CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'suppressed')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_at INTEGER,"
	"  last_error TEXT,"
	"  suppress_reason TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  sent_at INTEGER,"
	"  raw BLOB"
	");"
	"CREATE UNIQUE INDEX outbox_message_id ON outbox(message_id) WHERE message_id IS NOT NULL;"
	"CREATE UNIQUE INDEX outbox_publication ON outbox(rcpt, package, package_version)"
	"  WHERE kind = 'publication';"
	"CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state IN ('queued', 'sending');"
	"CREATE INDEX outbox_rcpt ON outbox(rcpt, kind, created_at);"
	/* The hourly cap counts live replies of the last hour for every
	 * message: without this index that is a scan of the whole outbox
	 * (measured: a third of ingest's time at 3,000 messages). */
	"CREATE INDEX outbox_live_created ON outbox(created_at) WHERE state IN ('queued', 'sending', 'sent');"
	"CREATE INDEX outbox_request ON outbox(request_id);",
	/* 3: the reply limits read the outbox for every message recorded
	 * (slt_store_reply_history). Both of its queries now find all they
	 * need in an index: without kind and package in the index, each
	 * counted reply was a table lookup, a quarter of the main thread's
	 * time in a 10,000-message backlog (make bench). */
	"DROP INDEX outbox_live_created;"
	"CREATE INDEX outbox_live_created ON outbox(created_at, kind, state)"
	"  WHERE state IN ('queued', 'sending', 'sent');"
	"CREATE INDEX outbox_rcpt_live ON outbox(rcpt, created_at, kind, package, state)"
	"  WHERE state IN ('queued', 'sending', 'sent');",
	/* 4: the organisation a sender domain's mail signed with (classify.h
	 * slt_classifier_learn_org), so that a restarted sltd still knows
	 * that jgtrivierenland.nl is "team:Stichting JGT Rivierenland" when
	 * the next message from there has no signature (store-orgs.c). An
	 * organisation's domain, no person's data: erasure leaves it. */
	"CREATE TABLE org_domains ("
	"  domain TEXT PRIMARY KEY,"
	"  org TEXT NOT NULL CHECK (org LIKE 'team:_%' OR org LIKE 'overig:_%'),"
	"  learned_at INTEGER NOT NULL,"
	"  message_row INTEGER REFERENCES messages(id) ON DELETE SET NULL"
	");",
	/* 5: who set a domain's organisation. Staff correct a wrongly
	 * learned one (sltctl orgs set); learning never replaces theirs. */
	"ALTER TABLE org_domains ADD COLUMN set_by TEXT NOT NULL DEFAULT 'sltd'"
	"  CHECK (set_by IN ('sltd', 'staff'));",
};

G_STATIC_ASSERT(G_N_ELEMENTS(migrations) == SLT_STORE_SCHEMA_VERSION);

gint64
slt_store_now(void)
{
	static gint64 fixed = -1;
	if (fixed < 0) {
		const char *env = g_getenv("SLT_STORE_NOW");
		fixed = env && *env ? g_ascii_strtoll(env, NULL, 10) : 0;
	}
	return fixed > 0 ? fixed : g_get_real_time() / G_USEC_PER_SEC;
}

static SltStoreError
code_to_error(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return SLT_STORE_ERROR_BUSY;
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_NOMEM:
		return SLT_STORE_ERROR_FULL;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return SLT_STORE_ERROR_CORRUPT;
	case SQLITE_CONSTRAINT:
	case SQLITE_TOOBIG:
	case SQLITE_MISMATCH:
	case SQLITE_RANGE:
		return SLT_STORE_ERROR_CONSTRAINT;
	default:
		return SLT_STORE_ERROR_FAILED;
	}
}

gboolean
slt_store_fail(SltStore *store, GError **error, const char *what)
{
	int rc = sqlite3_extended_errcode(store->db);
	g_set_error(error, SLT_STORE_ERROR, code_to_error(rc), "%s: %s", what,
		    sqlite3_errmsg(store->db));
	return FALSE;
}

gboolean
slt_store_error_is_fatal(const GError *err)
{
	if (!err || err->domain != SLT_STORE_ERROR)
		return FALSE;
	switch ((SltStoreError)err->code) {
	case SLT_STORE_ERROR_CONSTRAINT:
	case SLT_STORE_ERROR_NOT_FOUND:
	case SLT_STORE_ERROR_CONFLICT:
		return FALSE;
	default:
		return TRUE;
	}
}

sqlite3_stmt *
slt_store_stmt(SltStore *store, const char *sql, GError **error)
{
	sqlite3_stmt *st = g_hash_table_lookup(store->stmts, sql);
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	if (sqlite3_prepare_v3(store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		slt_store_fail(store, error, "cannot prepare statement");
		return NULL;
	}
	g_hash_table_insert(store->stmts, (gpointer)sql, st);
	return st;
}

gboolean
slt_store_exec_stmt(SltStore *store, sqlite3_stmt *st, const char *what, GError **error)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		slt_store_fail(store, error, what);
		sqlite3_reset(st);
		return FALSE;
	}
	sqlite3_reset(st);
	return TRUE;
}

gboolean
slt_store_exec(SltStore *store, const char *sql, GError **error)
{
	char *msg = NULL;
	int rc = sqlite3_exec(store->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		g_set_error(error, SLT_STORE_ERROR, code_to_error(sqlite3_extended_errcode(store->db)),
			    "%s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return FALSE;
	}
	return TRUE;
}

void
slt_store_bind_text(sqlite3_stmt *st, int i, const char *s, gboolean empty_is_null)
{
	if (!s || (empty_is_null && !*s))
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

char *
slt_store_column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? g_strdup((const char *)t) : NULL;
}

static gint64
pragma_int(SltStore *store, const char *pragma)
{
	sqlite3_stmt *st = NULL;
	gint64 v = -1;
	if (sqlite3_prepare_v2(store->db, pragma, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

const char *
slt_store_path(SltStore *store)
{
	return store->path;
}

gint64
slt_store_data_version(SltStore *store)
{
	sqlite3_stmt *st = slt_store_stmt(store, "PRAGMA data_version", NULL);
	if (!st)
		return -1;
	gint64 v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return v;
}

int
slt_store_schema_version(SltStore *store)
{
	return (int)pragma_int(store, "PRAGMA user_version");
}

/* Run migration v in its own transaction, unless another process did it
 * meanwhile (sltctl beside sltd): the write lock serialises us, and the
 * version is read again under it. */
static gboolean
migrate_one(SltStore *store, int v, GError **error)
{
	if (!slt_store_begin(store, error))
		return FALSE;
	if (slt_store_schema_version(store) >= v) {
		slt_store_rollback(store);
		return TRUE;
	}
	g_autofree char *bump = g_strdup_printf("PRAGMA user_version = %d", v);
	if (!slt_store_exec(store, migrations[v - 1], error) ||
	    !slt_store_exec(store, bump, error) ||
	    !slt_store_commit(store, error)) {
		slt_store_rollback(store);
		return FALSE;
	}
	return TRUE;
}

static gboolean
migrate(SltStore *store, int max_version, GError **error)
{
	int have = slt_store_schema_version(store);
	if (have < 0)
		return slt_store_fail(store, error, "cannot read the schema version");
	if (have > SLT_STORE_SCHEMA_VERSION) {
		g_set_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_SCHEMA,
			    "database '%s' has schema %d, newer than this program's %d",
			    store->path, have, SLT_STORE_SCHEMA_VERSION);
		return FALSE;
	}
	for (int v = have + 1; v <= max_version; v++) {
		g_autoptr(GError) err = NULL;
		if (!migrate_one(store, v, &err)) {
			g_set_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_SCHEMA,
				    "cannot migrate database '%s' to schema %d: %s",
				    store->path, v, err->message);
			return FALSE;
		}
	}
	return TRUE;
}

static void
finalize_stmt(gpointer st)
{
	sqlite3_finalize(st);
}

/* SLT_STORE_PROFILE=1 in the environment: time spent per statement,
 * summed, printed to stderr when the store closes (make bench and
 * performance work: the time of a statement is invisible to perf once
 * it is inside SQLite's VDBE). Keyed by the statement's SQL text. */
typedef struct {
	gint64 ns;
	guint64 runs;
} ProfileEntry;

static int
profile_cb(unsigned type, void *ctx, void *p, void *x)
{
	SltStore *store = ctx;
	if (type != SQLITE_TRACE_PROFILE)
		return 0;
	const char *sql = sqlite3_sql(p);
	if (!sql)
		return 0;
	ProfileEntry *e = g_hash_table_lookup(store->profile, sql);
	if (!e) {
		e = g_new0(ProfileEntry, 1);
		g_hash_table_insert(store->profile, g_strdup(sql), e);
	}
	e->ns += *(sqlite3_int64 *)x;
	e->runs++;
	return 0;
}

static gint
profile_cmp(gconstpointer a, gconstpointer b, gpointer user_data)
{
	GHashTable *t = user_data;
	const ProfileEntry *ea = g_hash_table_lookup(t, *(char *const *)a);
	const ProfileEntry *eb = g_hash_table_lookup(t, *(char *const *)b);
	return (ea->ns < eb->ns) - (ea->ns > eb->ns);
}

static void
profile_print(SltStore *store)
{
	g_autofree gpointer *keys = g_hash_table_get_keys_as_array(store->profile, NULL);
	guint n = g_hash_table_size(store->profile);
	g_qsort_with_data(keys, n, sizeof *keys, profile_cmp, store->profile);
	fprintf(stderr, "store profile ('%s'): ms, runs, us/run, statement\n", store->path);
	for (guint i = 0; i < n && i < 25; i++) {
		const ProfileEntry *e = g_hash_table_lookup(store->profile, keys[i]);
		fprintf(stderr, "%9.1f %8" G_GUINT64_FORMAT " %8.1f  %.110s\n", e->ns / 1e6, e->runs,
			e->ns / 1e3 / (double)MAX(e->runs, 1), (const char *)keys[i]);
	}
}

/* The busy handler. SQLite's own (sqlite3_busy_timeout) sleeps ever
 * longer, 100 ms a try after the first 300 ms; a writer with a backlog
 * (sltd's ingest) commits and takes the lock again within microseconds,
 * so a waiter that looks every 100 ms almost never finds it free and
 * gave up after 5 s (sltctl in t0702, CI). Here a waiter looks every
 * millisecond, and a writer leaves the lock free for a while after a
 * transaction (slt_store_begin): together no one starves. */
static int
busy_cb(void *user_data, int count)
{
	SltStore *store = user_data;
	gint64 now = g_get_monotonic_time();
	if (count == 0)
		store->busy_since = now;
	if (now - store->busy_since >= (gint64)store->busy_ms * 1000)
		return 0;
	g_usleep(BUSY_POLL_US);
	return 1;
}

void
slt_store_set_busy_timeout(SltStore *store, int ms)
{
	store->busy_ms = MAX(ms, 0);
	sqlite3_busy_handler(store->db, store->busy_ms ? busy_cb : NULL, store);
}

SltStore *
slt_store_open_at(const char *path, SltStoreOpenFlags flags, int max_version,
		  GError **error)
{
	g_return_val_if_fail(path != NULL, NULL);
	g_return_val_if_fail(max_version >= 0 && max_version <= SLT_STORE_SCHEMA_VERSION, NULL);

	g_autoptr(SltStore) store = g_new0(SltStore, 1);
	store->path = g_strdup(path);
	store->readonly = (flags & SLT_STORE_OPEN_READONLY) != 0;
	store->stmts = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
					     finalize_stmt);
	int oflags = store->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if ((flags & SLT_STORE_OPEN_CREATE) && !store->readonly)
		oflags |= SQLITE_OPEN_CREATE;
	/* One connection per thread that uses it: no shared-cache, no mutex. */
	oflags |= SQLITE_OPEN_NOMUTEX;
	int rc = sqlite3_open_v2(path, &store->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		g_set_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_OPEN,
			    "cannot open database '%s': %s", path,
			    store->db ? sqlite3_errmsg(store->db) : sqlite3_errstr(rc));
		return NULL;
	}
	sqlite3_extended_result_codes(store->db, 1);
	slt_store_set_busy_timeout(store, SLT_STORE_BUSY_TIMEOUT_MS);
	if (g_getenv("SLT_STORE_PROFILE")) {
		store->profile = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		sqlite3_trace_v2(store->db, SQLITE_TRACE_PROFILE, profile_cb, store);
	}

	g_autoptr(GError) err = NULL;
	/* trusted_schema stays ON: the FTS triggers write to a virtual
	 * table, which SQLite refuses from a trigger of an untrusted schema.
	 * secure_delete=FAST zeroes deleted content where that costs no
	 * extra I/O (AVG erasure). A checkpoint fsyncs the WAL and the
	 * database; every 32 MB of WAL instead of every 4 MB (the default
	 * 1000 pages) keeps those stalls out of most commits of a large
	 * backlog (each message is about 3 pages: raw bytes, row, index).
	 * journal_size_limit trims the WAL file back after a checkpoint. */
	const char *setup = store->readonly ?
		"PRAGMA foreign_keys = ON;" :
		"PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
		"PRAGMA foreign_keys = ON; PRAGMA secure_delete = FAST;"
		"PRAGMA wal_autocheckpoint = 8192; PRAGMA journal_size_limit = 67108864;";
	if (!slt_store_exec(store, setup, &err)) {
		g_set_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_OPEN,
			    "cannot open database '%s': %s", path, err->message);
		return NULL;
	}
	if (store->readonly) {
		int have = slt_store_schema_version(store);
		if (have != SLT_STORE_SCHEMA_VERSION) {
			g_set_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_SCHEMA,
				    "database '%s' has schema %d, this program needs %d",
				    path, have, SLT_STORE_SCHEMA_VERSION);
			return NULL;
		}
	} else if (!migrate(store, max_version, error)) {
		return NULL;
	}
	return g_steal_pointer(&store);
}

SltStore *
slt_store_open(const char *path, SltStoreOpenFlags flags, GError **error)
{
	return slt_store_open_at(path, flags, SLT_STORE_SCHEMA_VERSION, error);
}

void
slt_store_close(SltStore *store)
{
	if (!store)
		return;
	if (store->db) {
		if (store->in_txn)
			slt_store_rollback(store);
		if (store->stmts)
			g_hash_table_destroy(store->stmts);
		sqlite3_close_v2(store->db);
	} else if (store->stmts) {
		g_hash_table_destroy(store->stmts);
	}
	if (store->profile) {
		profile_print(store);
		g_hash_table_destroy(store->profile);
	}
	g_free(store->path);
	g_free(store);
}

gboolean
slt_store_begin(SltStore *store, GError **error)
{
	g_return_val_if_fail(!store->in_txn, FALSE);
	gint64 now = g_get_monotonic_time();
	if (now < store->free_until) {
		g_usleep(store->free_until - now);
		store->streak_start = g_get_monotonic_time();
	} else if (!store->streak_start || now - store->released_at >= GAP_US) {
		store->streak_start = now;  /* the lock was free long enough for others */
	}
	sqlite3_stmt *st = slt_store_stmt(store, "BEGIN IMMEDIATE", error);
	if (!st || !slt_store_exec_stmt(store, st, "cannot begin a transaction", error))
		return FALSE;
	store->in_txn = TRUE;
	return TRUE;
}

/* The lock was just released. A connection that has taken it back
 * within GAP_US every time for STREAK_US (sltd ingesting a backlog)
 * leaves it free for GAP_US before its next begin, so that a waiter,
 * which looks every BUSY_POLL_US, gets its turn within about STREAK_US
 * plus one transaction. That costs such a writer 2%; one without a
 * backlog never sleeps here. */
static void
lock_released(SltStore *store)
{
	gint64 now = g_get_monotonic_time();
	store->released_at = now;
	if (now - store->streak_start >= STREAK_US)
		store->free_until = now + GAP_US;
}

gboolean
slt_store_commit(SltStore *store, GError **error)
{
	g_return_val_if_fail(store->in_txn, FALSE);
	sqlite3_stmt *st = slt_store_stmt(store, "COMMIT", error);
	if (!st || !slt_store_exec_stmt(store, st, "cannot commit", error)) {
		/* A failed COMMIT (SQLITE_BUSY, SQLITE_FULL) may leave the
		 * transaction open: roll it back so the caller starts clean. */
		slt_store_rollback(store);
		return FALSE;
	}
	store->in_txn = FALSE;
	lock_released(store);
	return TRUE;
}

void
slt_store_rollback(SltStore *store)
{
	if (!sqlite3_get_autocommit(store->db))
		sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
	if (store->in_txn)
		lock_released(store);
	store->in_txn = FALSE;
}

gboolean
slt_store_in_transaction(SltStore *store)
{
	return store->in_txn;
}

gboolean
slt_store_savepoint(SltStore *store, GError **error)
{
	g_return_val_if_fail(store->in_txn, FALSE);
	sqlite3_stmt *st = slt_store_stmt(store, "SAVEPOINT slt_one", error);
	return st && slt_store_exec_stmt(store, st, "cannot set a savepoint", error);
}

gboolean
slt_store_release(SltStore *store, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store, "RELEASE slt_one", error);
	return st && slt_store_exec_stmt(store, st, "cannot release a savepoint", error);
}

void
slt_store_rollback_to(SltStore *store)
{
	/* ROLLBACK TO keeps the savepoint open; RELEASE ends it. */
	sqlite3_exec(store->db, "ROLLBACK TO slt_one; RELEASE slt_one", NULL, NULL, NULL);
}

gboolean
slt_store_sync(SltStore *store, GError **error)
{
	g_return_val_if_fail(!store->in_txn, FALSE);
	/* With synchronous=FULL, a WAL commit fsyncs the WAL file; that one
	 * fsync makes every frame written before it durable too. The commit
	 * needs a write to exist, hence the status line. */
	if (!slt_store_exec(store, "PRAGMA synchronous = FULL", error))
		return FALSE;
	g_autofree char *now = g_strdup_printf("%" G_GINT64_FORMAT, slt_store_now());
	gboolean ok = slt_store_set_status(store, "last-sync", now, error);
	ok = slt_store_exec(store, "PRAGMA synchronous = NORMAL", ok ? error : NULL) && ok;
	return ok;
}

/* Collect the rows of a check pragma; "ok" (or nothing) means clean. */
static gboolean
check_pragma(SltStore *store, const char *sql, const char *what, GString *problems)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(store->db, sql, -1, &st, NULL) != SQLITE_OK) {
		g_string_append_printf(problems, "%s: %s; ", what, sqlite3_errmsg(store->db));
		return FALSE;
	}
	int rows = 0, rc;
	gboolean ok = TRUE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		if (sqlite3_column_count(st) == 1 && v && strcmp(v, "ok") == 0)
			continue;
		ok = FALSE;
		if (rows++ < 5) {
			g_string_append_printf(problems, "%s:", what);
			for (int c = 0; c < sqlite3_column_count(st); c++)
				g_string_append_printf(problems, " %s",
						       (const char *)sqlite3_column_text(st, c) ?: "NULL");
			g_string_append(problems, "; ");
		}
	}
	if (rc != SQLITE_DONE) {
		ok = FALSE;
		g_string_append_printf(problems, "%s: %s; ", what, sqlite3_errmsg(store->db));
	}
	sqlite3_finalize(st);
	return ok;
}

gboolean
slt_store_check(SltStore *store, GError **error)
{
	g_autoptr(GString) problems = g_string_new(NULL);
	gboolean ok = check_pragma(store, "PRAGMA integrity_check", "integrity_check", problems);
	ok = check_pragma(store, "PRAGMA foreign_key_check", "foreign_key_check", problems) && ok;
	/* FTS5's own check compares the index with the content table. */
	ok = check_pragma(store, "INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)",
			  "fts integrity-check", problems) && ok;
	if (!ok) {
		g_string_truncate(problems, problems->len >= 2 ? problems->len - 2 : 0);
		g_set_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_CORRUPT,
			    "database '%s' failed its check: %s", store->path, problems->str);
	}
	return ok;
}

/* ---- checkpoints ------------------------------------------------------ */

gboolean
slt_store_get_checkpoint(SltStore *store, const char *mailbox, SltCheckpoint *cp,
			 GError **error)
{
	memset(cp, 0, sizeof *cp);
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT uidvalidity, last_uid, attempt_uid, attempts FROM checkpoints WHERE mailbox = ?", error);
	if (!st)
		return FALSE;
	sqlite3_bind_text(st, 1, mailbox, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		cp->uidvalidity = (guint32)sqlite3_column_int64(st, 0);
		cp->last_uid = (guint32)sqlite3_column_int64(st, 1);
		cp->attempt_uid = (guint32)sqlite3_column_int64(st, 2);
		cp->attempts = (guint)sqlite3_column_int(st, 3);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return slt_store_fail(store, error, "cannot read the checkpoint");
	return TRUE;
}

gboolean
slt_store_set_checkpoint(SltStore *store, const char *mailbox, guint32 uidvalidity,
			 guint32 last_uid, GError **error)
{
	/* A new UIDVALIDITY makes the attempt counter meaningless. */
	sqlite3_stmt *st = slt_store_stmt(store,
		"INSERT INTO checkpoints (mailbox, uidvalidity, last_uid, updated_at)"
		" VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT (mailbox) DO UPDATE SET last_uid = ?3, updated_at = ?4,"
		"  attempts = CASE WHEN uidvalidity = ?2 THEN attempts ELSE 0 END,"
		"  attempt_uid = CASE WHEN uidvalidity = ?2 THEN attempt_uid ELSE 0 END,"
		"  uidvalidity = ?2", error);
	if (!st)
		return FALSE;
	sqlite3_bind_text(st, 1, mailbox, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, uidvalidity);
	sqlite3_bind_int64(st, 3, last_uid);
	sqlite3_bind_int64(st, 4, slt_store_now());
	return slt_store_exec_stmt(store, st, "cannot write the checkpoint", error);
}

gboolean
slt_store_note_crash(SltStore *store, const char *mailbox, guint32 uidvalidity,
		     guint32 uid, guint *attempts, GError **error)
{
	g_return_val_if_fail(!store->in_txn, FALSE);
	if (!slt_store_begin(store, error))
		return FALSE;
	SltCheckpoint cp;
	if (!slt_store_get_checkpoint(store, mailbox, &cp, error))
		goto fail;
	guint n = cp.uidvalidity == uidvalidity && cp.attempt_uid == uid ? cp.attempts + 1 : 1;
	sqlite3_stmt *st = slt_store_stmt(store,
		"INSERT INTO checkpoints (mailbox, uidvalidity, last_uid, attempt_uid, attempts, updated_at)"
		" VALUES (?1, ?2, 0, ?3, ?4, ?5)"
		" ON CONFLICT (mailbox) DO UPDATE SET attempt_uid = ?3, attempts = ?4, updated_at = ?5", error);
	if (!st)
		goto fail;
	sqlite3_bind_text(st, 1, mailbox, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, uidvalidity);
	sqlite3_bind_int64(st, 3, uid);
	sqlite3_bind_int(st, 4, (int)n);
	sqlite3_bind_int64(st, 5, slt_store_now());
	if (!slt_store_exec_stmt(store, st, "cannot note the crash", error) ||
	    !slt_store_commit(store, error))
		goto fail;
	*attempts = n;
	return TRUE;
fail:
	/* The transaction must not stay open past an error. */
	slt_store_rollback(store);
	return FALSE;
}

/* ---- daemon status ---------------------------------------------------- */

gboolean
slt_store_set_status(SltStore *store, const char *key, const char *value, GError **error)
{
	gboolean own = !store->in_txn;
	if (own && !slt_store_begin(store, error))
		return FALSE;
	sqlite3_stmt *st = value ?
		slt_store_stmt(store, "INSERT INTO daemon_status (key, value, at) VALUES (?, ?, ?)"
				      " ON CONFLICT (key) DO UPDATE SET value = excluded.value, at = excluded.at", error) :
		slt_store_stmt(store, "DELETE FROM daemon_status WHERE key = ?", error);
	gboolean ok = st != NULL;
	if (ok) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if (value) {
			sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 3, slt_store_now());
		}
		ok = slt_store_exec_stmt(store, st, "cannot write the status", error);
	}
	if (own) {
		if (ok)
			ok = slt_store_commit(store, error);
		else
			slt_store_rollback(store);
	}
	return ok;
}

char *
slt_store_get_status(SltStore *store, const char *key, gint64 *at)
{
	sqlite3_stmt *st = slt_store_stmt(store, "SELECT value, at FROM daemon_status WHERE key = ?", NULL);
	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	char *v = NULL;
	if (sqlite3_step(st) == SQLITE_ROW) {
		v = slt_store_column_dup(st, 0);
		if (at)
			*at = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return v;
}
