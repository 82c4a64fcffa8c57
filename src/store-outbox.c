/* SPDX-License-Identifier: MIT */
/* store-outbox: packages, publications, waiting list and outbox (the
 * tables of migration 2 in store.c). SQLite: partial UNIQUE indexes with
 * INSERT OR IGNORE (https://sqlite.org/lang_conflict.html). */
#include "store-private.h"
#include "store-outbox.h"

#include <string.h>
#include "json.h"

/* Catalogue order for ORDER BY. */
#define PACKAGE_ORDER \
	" CASE id WHEN 'visie' THEN 1 WHEN 'goed-bestuur' THEN 2" \
	" WHEN 'netwerksamenwerking' THEN 3 WHEN 'kwaliteit' THEN 4" \
	" WHEN 'inkoop-bekostiging' THEN 5 ELSE 6 END"

/* Live replies: what counts as sent or about to be. */
#define LIVE "state IN ('queued', 'sending', 'sent')"

/* Run fn in its own transaction unless one is open. */
typedef gboolean (*TxnFunc)(SltStore *store, gpointer data, GError **error);

static gboolean
in_txn(SltStore *store, TxnFunc fn, gpointer data, GError **error)
{
	if (slt_store_in_transaction(store))
		return fn(store, data, error);
	if (!slt_store_begin(store, error))
		return FALSE;
	if (!fn(store, data, error)) {
		slt_store_rollback(store);
		return FALSE;
	}
	return slt_store_commit(store, error);
}

/* A "\n"-joined column (group_concat) into a NULL-terminated vector. */
static char **
split_lines(sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	if (!s || !*s)
		return g_new0(char *, 1);
	return g_strsplit(s, "\n", -1);
}

static GPtrArray *
split_ids(const char *csv, GPtrArray *into)
{
	if (!csv)
		return into;
	g_auto(GStrv) v = g_strsplit(csv, ",", -1);
	for (char **p = v; *p; p++)
		if (**p)
			g_ptr_array_add(into, g_strdup(*p));
	return into;
}

gint64
slt_store_clock(void)
{
	return slt_store_now();
}

/* ---- packages --------------------------------------------------------- */

void
slt_store_package_free(SltStorePackage *p)
{
	if (!p)
		return;
	g_free(p->id);
	g_free(p->title);
	g_free(p->expected);
	g_strfreev(p->files);
	g_free(p);
}

#define PACKAGE_COLUMNS \
	"id, title, expected, state = 'published', version, coalesce(published_at, 0)," \
	" (SELECT group_concat(value, char(10)) FROM json_each(files))"

static SltStorePackage *
package_from_row(sqlite3_stmt *st)
{
	SltStorePackage *p = g_new0(SltStorePackage, 1);
	p->id = slt_store_column_dup(st, 0);
	p->title = slt_store_column_dup(st, 1);
	p->expected = slt_store_column_dup(st, 2);
	p->published = sqlite3_column_int(st, 3);
	p->version = sqlite3_column_int(st, 4);
	p->published_at = sqlite3_column_int64(st, 5);
	p->files = split_lines(st, 6);
	return p;
}

static gboolean
sync_txn(SltStore *store, gpointer data, GError **error)
{
	const SltCatalogue *cat = ((gpointer *)data)[0];
	GPtrArray *differs = ((gpointer *)data)[1];
	gint64 now = slt_store_now();
	for (guint i = 0; i < cat->packages->len; i++) {
		const SltPackage *p = g_ptr_array_index(cat->packages, i);
		g_autoptr(GPtrArray) files = g_ptr_array_new();
		for (char **f = p->files; *f; f++)
			g_ptr_array_add(files, *f);
		g_autofree char *fjson = slt_json_array(files);
		/* New rows take everything from the file; known rows only the
		 * words (title, expected). */
		sqlite3_stmt *st = slt_store_stmt(store,
			"INSERT INTO packages (id, title, version, state, expected, published_at, files, updated_at)"
			" VALUES (?1, ?2, ?3, ?4, ?5, CASE WHEN ?4 = 'published' THEN ?7 END, ?6, ?7)"
			" ON CONFLICT (id) DO UPDATE SET title = excluded.title, expected = excluded.expected,"
			"  updated_at = excluded.updated_at"
			"  WHERE title IS NOT excluded.title OR expected IS NOT excluded.expected", error);
		if (!st)
			return FALSE;
		sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, p->title, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, p->version);
		sqlite3_bind_text(st, 4, p->published ? "published" : "development", -1, SQLITE_STATIC);
		slt_store_bind_text(st, 5, p->expected, TRUE);
		sqlite3_bind_text(st, 6, fjson, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 7, now);
		if (!slt_store_exec_stmt(store, st, "cannot write the package catalogue", error))
			return FALSE;
		if (differs) {
			st = slt_store_stmt(store,
				"SELECT 1 FROM packages WHERE id = ?1 AND"
				" (version < ?2 OR (state != 'published' AND ?3))", error);
			if (!st)
				return FALSE;
			sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 2, p->version);
			sqlite3_bind_int(st, 3, p->published);
			int rc = sqlite3_step(st);
			sqlite3_reset(st);
			if (rc == SQLITE_ROW)
				g_ptr_array_add(differs, g_strdup(p->id));
			else if (rc != SQLITE_DONE)
				return slt_store_fail(store, error, "cannot read the packages");
		}
	}
	return TRUE;
}

gboolean
slt_store_packages_sync(SltStore *store, const SltCatalogue *cat, GPtrArray **differs,
			GError **error)
{
	g_return_val_if_fail(store && cat, FALSE);
	g_autoptr(GPtrArray) d = g_ptr_array_new_with_free_func(g_free);
	gpointer data[2] = { (gpointer)cat, differs ? d : NULL };
	if (!in_txn(store, sync_txn, data, error))
		return FALSE;
	if (differs)
		*differs = g_steal_pointer(&d);
	return TRUE;
}

GPtrArray *
slt_store_packages_list(SltStore *store, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT " PACKAGE_COLUMNS " FROM packages ORDER BY" PACKAGE_ORDER, error);
	if (!st)
		return NULL;
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)slt_store_package_free);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_ptr_array_add(out, package_from_row(st));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		slt_store_fail(store, error, "cannot read the packages");
		return NULL;
	}
	return g_steal_pointer(&out);
}

SltStorePackage *
slt_store_package_get(SltStore *store, const char *id, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT " PACKAGE_COLUMNS " FROM packages WHERE id = ?", error);
	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	SltStorePackage *p = rc == SQLITE_ROW ? package_from_row(st) : NULL;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		g_set_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_NOT_FOUND,
			    "no package '%s' (known after sltd or sltctl read the catalogue)", id);
	else if (rc != SQLITE_ROW)
		slt_store_fail(store, error, "cannot read a package");
	return p;
}

/* ---- waiting list ----------------------------------------------------- */

void
slt_wait_entry_free(SltWaitEntry *e)
{
	if (!e)
		return;
	g_free(e->addr);
	g_free(e->name);
	g_free(e->package);
	g_free(e);
}

gboolean
slt_store_waitlist_add(SltStore *store, const char *addr, const char *name,
		       gint64 request_id, const char *package, gboolean *added,
		       GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"INSERT OR IGNORE INTO waitlist (addr, name, request_id, package, added_at)"
		" VALUES (lower(?1), ?2, ?3, ?4, ?5)", error);
	if (!st)
		return FALSE;
	sqlite3_bind_text(st, 1, addr, -1, SQLITE_STATIC);
	slt_store_bind_text(st, 2, name, TRUE);
	if (request_id)
		sqlite3_bind_int64(st, 3, request_id);
	sqlite3_bind_text(st, 4, package, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, slt_store_now());
	if (!slt_store_exec_stmt(store, st, "cannot write the waiting list", error))
		return FALSE;
	if (added)
		*added = sqlite3_changes(store->db) > 0;
	return TRUE;
}

gboolean
slt_store_waitlist_remove(SltStore *store, const char *addr, const char *reason,
			  GPtrArray **removed, GError **error)
{
	/* Row by row through the primary key, not one UPDATE ... WHERE addr
	 * RETURNING: a statement that may change several rows (RETURNING
	 * counts as a trigger) opens a statement savepoint, and a savepoint
	 * makes FTS5 flush the batch's pending index to a segment of its own
	 * (measured: a tenth of ingest's main thread in make bench, though
	 * most calls remove nothing). */
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT id, package FROM waitlist WHERE addr = lower(?1) AND removed_at IS NULL"
		" ORDER BY id", error);
	if (!st)
		return FALSE;
	sqlite3_bind_text(st, 1, addr, -1, SQLITE_STATIC);
	g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64(st, 0);
		g_array_append_val(ids, id);
		g_ptr_array_add(out, slt_store_column_dup(st, 1));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return slt_store_fail(store, error, "cannot read the waiting list");
	for (guint i = 0; i < ids->len; i++) {
		st = slt_store_stmt(store,
			"UPDATE waitlist SET removed_at = ?2, removed_reason = ?3 WHERE id = ?1", error);
		if (!st)
			return FALSE;
		sqlite3_bind_int64(st, 1, g_array_index(ids, gint64, i));
		sqlite3_bind_int64(st, 2, slt_store_now());
		sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
		if (!slt_store_exec_stmt(store, st, "cannot update the waiting list", error))
			return FALSE;
	}
	if (removed)
		*removed = g_steal_pointer(&out);
	return TRUE;
}

GPtrArray *
slt_store_waitlist_list(SltStore *store, const char *package, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT id, addr, name, coalesce(request_id, 0), package, added_at FROM waitlist"
		" WHERE removed_at IS NULL AND (?1 IS NULL OR package = ?1)"
		" ORDER BY package, added_at, id", error);
	if (!st)
		return NULL;
	slt_store_bind_text(st, 1, package, TRUE);
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)slt_wait_entry_free);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		SltWaitEntry *e = g_new0(SltWaitEntry, 1);
		e->id = sqlite3_column_int64(st, 0);
		e->addr = slt_store_column_dup(st, 1);
		e->name = slt_store_column_dup(st, 2);
		e->request_id = sqlite3_column_int64(st, 3);
		e->package = slt_store_column_dup(st, 4);
		e->added_at = sqlite3_column_int64(st, 5);
		g_ptr_array_add(out, e);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		slt_store_fail(store, error, "cannot read the waiting list");
		return NULL;
	}
	return g_steal_pointer(&out);
}

gboolean
slt_store_waitlist_notified(SltStore *store, gint64 id, int version, gboolean *done,
			    GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"UPDATE waitlist SET removed_at = ?2, removed_reason = 'published', notified_version = ?3"
		" WHERE id = ?1 AND removed_at IS NULL", error);
	if (!st)
		return FALSE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, slt_store_now());
	sqlite3_bind_int(st, 3, version);
	if (!slt_store_exec_stmt(store, st, "cannot update the waiting list", error))
		return FALSE;
	if (done)
		*done = sqlite3_changes(store->db) > 0;
	return TRUE;
}

/* ---- outbox ------------------------------------------------------------ */

void
slt_outbox_item_free(SltOutboxItem *it)
{
	if (!it)
		return;
	g_free(it->kind);
	g_free(it->rcpt);
	g_free(it->subject);
	g_free(it->message_id);
	g_free(it->state);
	g_free(it->last_error);
	g_free(it->suppress_reason);
	if (it->raw)
		g_bytes_unref(it->raw);
	g_free(it);
}

gboolean
slt_store_outbox_add(SltStore *store, const SltOutboxNew *o, gint64 *id, GError **error)
{
	g_return_val_if_fail(o && o->kind && o->rcpt, FALSE);
	g_return_val_if_fail(o->suppress_reason || o->raw, FALSE);
	/* OR IGNORE: only the publication index can refuse a row (one mail
	 * per person, package and version); everything else is unique by
	 * construction (our random Message-IDs). */
	sqlite3_stmt *st = slt_store_stmt(store,
		"INSERT OR IGNORE INTO outbox (request_id, cause_row, message_id, kind, rcpt, subject,"
		" package, package_version, state, next_attempt_at, suppress_reason, created_at, raw)"
		" VALUES (?1, ?2, ?3, ?4, lower(?5), ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)", error);
	if (!st)
		return FALSE;
	gint64 now = slt_store_now();
	if (o->request_id)
		sqlite3_bind_int64(st, 1, o->request_id);
	if (o->cause_row)
		sqlite3_bind_int64(st, 2, o->cause_row);
	slt_store_bind_text(st, 3, o->message_id, TRUE);
	sqlite3_bind_text(st, 4, o->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, o->rcpt, -1, SQLITE_STATIC);
	slt_store_bind_text(st, 6, o->subject, FALSE);
	slt_store_bind_text(st, 7, o->packages, TRUE);
	if (o->package_version)
		sqlite3_bind_int(st, 8, o->package_version);
	sqlite3_bind_text(st, 9, o->suppress_reason ? "suppressed" : "queued", -1, SQLITE_STATIC);
	if (!o->suppress_reason)
		sqlite3_bind_int64(st, 10, now);
	slt_store_bind_text(st, 11, o->suppress_reason, FALSE);
	sqlite3_bind_int64(st, 12, now);
	if (o->raw) {
		gsize len = 0;
		const void *d = g_bytes_get_data(o->raw, &len);
		sqlite3_bind_blob64(st, 13, d ? d : "", len, SQLITE_STATIC);
	}
	if (!slt_store_exec_stmt(store, st, "cannot write to the outbox", error))
		return FALSE;
	if (id)
		*id = sqlite3_changes(store->db) > 0 ? sqlite3_last_insert_rowid(store->db) : 0;
	return TRUE;
}

#define ITEM_COLUMNS \
	"id, coalesce(request_id, 0), kind, rcpt, subject, message_id, state, attempts," \
	" created_at, coalesce(next_attempt_at, 0), coalesce(sent_at, 0), last_error, suppress_reason"

static SltOutboxItem *
item_from_row(sqlite3_stmt *st)
{
	SltOutboxItem *it = g_new0(SltOutboxItem, 1);
	it->id = sqlite3_column_int64(st, 0);
	it->request_id = sqlite3_column_int64(st, 1);
	it->kind = slt_store_column_dup(st, 2);
	it->rcpt = slt_store_column_dup(st, 3);
	it->subject = slt_store_column_dup(st, 4);
	it->message_id = slt_store_column_dup(st, 5);
	it->state = slt_store_column_dup(st, 6);
	it->attempts = sqlite3_column_int(st, 7);
	it->created_at = sqlite3_column_int64(st, 8);
	it->next_attempt_at = sqlite3_column_int64(st, 9);
	it->sent_at = sqlite3_column_int64(st, 10);
	it->last_error = slt_store_column_dup(st, 11);
	it->suppress_reason = slt_store_column_dup(st, 12);
	return it;
}

GPtrArray *
slt_store_outbox_due(SltStore *store, gint64 now, guint limit, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT " ITEM_COLUMNS ", raw FROM outbox"
		" WHERE state IN ('queued', 'sending') AND next_attempt_at <= ?1"
		" ORDER BY next_attempt_at, id LIMIT ?2", error);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, limit ? limit : G_MAXINT);
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)slt_outbox_item_free);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		SltOutboxItem *it = item_from_row(st);
		const void *d = sqlite3_column_blob(st, 13);
		it->raw = g_bytes_new(d, sqlite3_column_bytes(st, 13));
		g_ptr_array_add(out, it);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		slt_store_fail(store, error, "cannot read the outbox");
		return NULL;
	}
	return g_steal_pointer(&out);
}

gboolean
slt_store_outbox_sent(SltStore *store, gint64 id, gint64 now, GError **error)
{
	g_return_val_if_fail(!slt_store_in_transaction(store), FALSE);
	sqlite3_stmt *st = slt_store_stmt(store,
		"UPDATE outbox SET state = 'sent', sent_at = ?2, attempts = attempts + 1,"
		" next_attempt_at = NULL, last_error = NULL WHERE id = ?1", error);
	if (!st)
		return FALSE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	return slt_store_exec_stmt(store, st, "cannot mark a reply sent", error);
}

gboolean
slt_store_outbox_retry(SltStore *store, gint64 id, gint64 next_at, const char *why,
		       GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3"
		" WHERE id = ?1 AND state IN ('queued', 'sending')", error);
	if (!st)
		return FALSE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, next_at);
	slt_store_bind_text(st, 3, why, FALSE);
	return slt_store_exec_stmt(store, st, "cannot reschedule a reply", error);
}

typedef struct {
	gint64 id;
	const char *why;
} FailArgs;

static gboolean
failed_txn(SltStore *store, gpointer data, GError **error)
{
	FailArgs *a = data;
	sqlite3_stmt *st = slt_store_stmt(store,
		"UPDATE outbox SET state = 'failed', attempts = attempts + 1, next_attempt_at = NULL,"
		" last_error = ?2 WHERE id = ?1 AND state IN ('queued', 'sending')"
		" RETURNING coalesce(request_id, 0), kind, rcpt", error);
	if (!st)
		return FALSE;
	sqlite3_bind_int64(st, 1, a->id);
	slt_store_bind_text(st, 2, a->why, FALSE);
	int rc = sqlite3_step(st);
	gint64 request_id = 0;
	g_autofree char *kind = NULL, *rcpt = NULL;
	if (rc == SQLITE_ROW) {
		request_id = sqlite3_column_int64(st, 0);
		kind = slt_store_column_dup(st, 1);
		rcpt = slt_store_column_dup(st, 2);
		rc = sqlite3_step(st);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return slt_store_fail(store, error, "cannot mark a reply failed");
	if (!request_id)
		return TRUE;
	g_autofree char *detail = g_strdup_printf("%s to %s failed: %s", kind, rcpt,
						  a->why ? a->why : "");
	return slt_store_history_add(store, request_id, "sltd", "reply", detail, error);
}

gboolean
slt_store_outbox_failed(SltStore *store, gint64 id, const char *why, GError **error)
{
	FailArgs a = { id, why };
	return in_txn(store, failed_txn, &a, error);
}

gboolean
slt_store_outbox_requeue(SltStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"UPDATE outbox SET state = 'queued', next_attempt_at = ?2, created_at = ?2"
		" WHERE id = ?1 AND state = 'failed' AND raw IS NOT NULL", error);
	if (!st)
		return FALSE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, slt_store_now());
	if (!slt_store_exec_stmt(store, st, "cannot requeue a reply", error))
		return FALSE;
	if (sqlite3_changes(store->db) == 0) {
		g_set_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_NOT_FOUND,
			    "no failed outbox item %" G_GINT64_FORMAT, id);
		return FALSE;
	}
	return TRUE;
}

GPtrArray *
slt_store_outbox_list(SltStore *store, const char *state, gboolean all, guint limit,
		      GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT " ITEM_COLUMNS " FROM outbox"
		" WHERE (?1 IS NULL AND (?2 OR state != 'suppressed')) OR state = ?1"
		" ORDER BY id DESC LIMIT ?3", error);
	if (!st)
		return NULL;
	slt_store_bind_text(st, 1, state, TRUE);
	sqlite3_bind_int(st, 2, all);
	sqlite3_bind_int64(st, 3, limit ? limit : G_MAXINT);
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)slt_outbox_item_free);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_ptr_array_add(out, item_from_row(st));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		slt_store_fail(store, error, "cannot read the outbox");
		return NULL;
	}
	return g_steal_pointer(&out);
}

gboolean
slt_store_outbox_counts(SltStore *store, gint64 *queued, gint64 *sent, gint64 *failed,
			gint64 *suppressed, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT count(*) FILTER (WHERE state IN ('queued', 'sending')),"
		" count(*) FILTER (WHERE state = 'sent'), count(*) FILTER (WHERE state = 'failed'),"
		" count(*) FILTER (WHERE state = 'suppressed') FROM outbox", error);
	if (!st)
		return FALSE;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (queued)
			*queued = sqlite3_column_int64(st, 0);
		if (sent)
			*sent = sqlite3_column_int64(st, 1);
		if (failed)
			*failed = sqlite3_column_int64(st, 2);
		if (suppressed)
			*suppressed = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return slt_store_fail(store, error, "cannot count the outbox");
	return TRUE;
}

/* ---- facts for the decision ---------------------------------------- */

void
slt_reply_history_clear(SltReplyHistory *h)
{
	g_clear_pointer(&h->kinds, g_ptr_array_unref);
	g_clear_pointer(&h->packages, g_ptr_array_unref);
}

gboolean
slt_store_reply_history(SltStore *store, const char *rcpt, gint64 day_since,
			SltReplyHistory *h, GError **error)
{
	memset(h, 0, sizeof *h);
	h->kinds = g_ptr_array_new_with_free_func(g_free);
	h->packages = g_ptr_array_new_with_free_func(g_free);
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT kind, package FROM outbox WHERE rcpt = lower(?1) AND created_at >= ?2"
		" AND " LIVE " AND kind != 'publication'", error);
	if (!st)
		return FALSE;
	sqlite3_bind_text(st, 1, rcpt ? rcpt : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, day_since);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		g_ptr_array_add(h->kinds, slt_store_column_dup(st, 0));
		split_ids((const char *)sqlite3_column_text(st, 1), h->packages);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return slt_store_fail(store, error, "cannot read the outbox");
	return TRUE;
}

gboolean
slt_store_replies_since(SltStore *store, gint64 since, guint cap, guint *n, GError **error)
{
	*n = 0;
	/* Newest first through outbox_live_created, stopping at the cap. */
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT count(*) FROM (SELECT 1 FROM outbox WHERE created_at >= ?1 AND " LIVE
		" AND kind != 'publication' ORDER BY created_at DESC LIMIT ?2)", error);
	if (!st)
		return FALSE;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, cap);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = (guint)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return slt_store_fail(store, error, "cannot count the outbox");
	return TRUE;
}

gboolean
slt_store_request_answered(SltStore *store, gint64 request_id, char **intent,
			   GPtrArray **packages, GError **error)
{
	*intent = NULL;
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT intent FROM requests WHERE id = ?1", error);
	if (!st)
		return FALSE;
	sqlite3_bind_int64(st, 1, request_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*intent = slt_store_column_dup(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return slt_store_fail(store, error, "cannot read a request");
	st = slt_store_stmt(store,
		"SELECT package FROM outbox WHERE request_id = ?1 AND package IS NOT NULL AND " LIVE
		" UNION ALL SELECT package FROM waitlist WHERE request_id = ?1", error);
	if (!st)
		return FALSE;
	sqlite3_bind_int64(st, 1, request_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		split_ids((const char *)sqlite3_column_text(st, 0), out);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		g_clear_pointer(intent, g_free);
		return slt_store_fail(store, error, "cannot read what a request got");
	}
	*packages = g_steal_pointer(&out);
	return TRUE;
}

gboolean
slt_store_request_origin(SltStore *store, gint64 request_id, char **message_id,
			 char **subject, char **name, char **org, GError **error)
{
	*message_id = *subject = *name = *org = NULL;
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT m.message_id, coalesce(m.subject, r.subject), coalesce(m.from_name, r.requester_name),"
		" r.org FROM requests r LEFT JOIN messages m ON m.request_id = r.id AND m.direction = 'in'"
		" WHERE r.id = ?1 ORDER BY m.date, m.id LIMIT 1", error);
	if (!st)
		return FALSE;
	sqlite3_bind_int64(st, 1, request_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*message_id = slt_store_column_dup(st, 0);
		*subject = slt_store_column_dup(st, 1);
		*name = slt_store_column_dup(st, 2);
		*org = slt_store_column_dup(st, 3);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return slt_store_fail(store, error, "cannot read a request");
	return TRUE;
}

/* ---- publication ------------------------------------------------------ */

gboolean
slt_store_publication_add(SltStore *store, const char *package, int version,
			  const GPtrArray *files, const char *who, GError **error)
{
	g_autofree char *fjson = slt_json_array(files);
	gint64 now = slt_store_now();
	sqlite3_stmt *st = slt_store_stmt(store,
		"INSERT OR IGNORE INTO publications (package, version, files, published_at, published_by)"
		" VALUES (?1, ?2, ?3, ?4, ?5)", error);
	if (!st)
		return FALSE;
	sqlite3_bind_text(st, 1, package, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, version);
	sqlite3_bind_text(st, 3, fjson, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_text(st, 5, who, -1, SQLITE_STATIC);
	if (!slt_store_exec_stmt(store, st, "cannot record the publication", error))
		return FALSE;
	if (sqlite3_changes(store->db) == 0) {
		g_set_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_CONFLICT,
			    "package '%s' version %d was published meanwhile", package, version);
		return FALSE;
	}
	st = slt_store_stmt(store,
		"UPDATE packages SET state = 'published', version = ?2, files = ?3, published_at = ?4,"
		" updated_at = ?4 WHERE id = ?1", error);
	if (!st)
		return FALSE;
	sqlite3_bind_text(st, 1, package, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, version);
	sqlite3_bind_text(st, 3, fjson, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	if (!slt_store_exec_stmt(store, st, "cannot update the package", error))
		return FALSE;
	if (sqlite3_changes(store->db) == 0) {
		g_set_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_NOT_FOUND,
			    "no package '%s'", package);
		return FALSE;
	}
	return TRUE;
}
