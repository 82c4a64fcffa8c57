/* SPDX-License-Identifier: MIT */
/* store-private: what the store's own files (store*.c) share. Nothing
 * outside src/store*.c includes this header; it is where sqlite3.h comes
 * in. */
#pragma once

#include <sqlite3.h>
#include "store.h"

struct _SltStore {
	sqlite3 *db;
	char *path;
	GHashTable *stmts;      /* const char *sql (the literal's address) -> sqlite3_stmt* */
	gboolean in_txn;
	gboolean readonly;
	int busy_ms;            /* give up on a lock after this long */
	gint64 busy_since;      /* monotonic us: this wait's first BUSY */
	gint64 streak_start;    /* monotonic us: since then the lock was never free long */
	gint64 released_at;     /* monotonic us: the last commit or rollback */
	gint64 free_until;      /* monotonic us: begin leaves the lock free until then */
	GHashTable *profile;    /* SLT_STORE_PROFILE: sql -> ProfileEntry */
};

/* A prepared statement for sql, cached for the life of the store and
 * keyed by the string's ADDRESS: pass a string literal written once at
 * its call site (a static const char[] is fine too), never a built
 * string. The statement is reset and its bindings cleared, ready to
 * bind. Returns it (owned by the store) or NULL with error. */
sqlite3_stmt *slt_store_stmt(SltStore *store, const char *sql, GError **error);

/* Set error from the connection's last error: the code picks the
 * SltStoreError (busy, full, corrupt, constraint, failed), the message is
 * "what: sqlite's words". Always returns FALSE for `return
 * slt_store_fail(...)`. */
gboolean slt_store_fail(SltStore *store, GError **error, const char *what);

/* sqlite3_step once on a statement that returns no row (INSERT, UPDATE,
 * DELETE); resets it. FALSE with error (via slt_store_fail). */
gboolean slt_store_exec_stmt(SltStore *store, sqlite3_stmt *st,
			     const char *what, GError **error);

/* Run literal SQL (several statements, no parameters). */
gboolean slt_store_exec(SltStore *store, const char *sql, GError **error);

/* Bind helpers: NULL strings bind SQL NULL; empty strings too when
 * empty_is_null. */
void slt_store_bind_text(sqlite3_stmt *st, int i, const char *s, gboolean empty_is_null);

/* A copy of column i as text (NULL for SQL NULL). sqlite3_column_text's
 * pointer dies at the next step, so callers always copy. */
char *slt_store_column_dup(sqlite3_stmt *st, int i);

/* Current time in Unix seconds; SLT_STORE_NOW in the environment fixes
 * it (tests). */
gint64 slt_store_now(void);
