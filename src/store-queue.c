/* SPDX-License-Identifier: MIT */
/* store-queue: the SQL behind the staff's request queue (issue 7): the
 * filtered list, one request in full, staff edits (optimistic, on
 * requests.version), label corrections, audit, dead letters, statistics
 * rows and AVG erasure. SQLite FTS5 external content: erased rows leave
 * the index through the update trigger, then 'optimize'
 * (https://sqlite.org/fts5.html section 6.9). */
#include "store-private.h"
#include "store-queue.h"

#include <string.h>

/* A JSON array of strings read through json_each, as lines. */
#define JSON_LINES(col) "(SELECT group_concat(value, char(10)) FROM json_each(" col "))"

static GPtrArray *
lines_to_array(sqlite3_stmt *st, int i)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	const char *s = (const char *)sqlite3_column_text(st, i);
	if (s && *s) {
		g_auto(GStrv) v = g_strsplit(s, "\n", -1);
		for (char **p = v; *p; p++)
			g_ptr_array_add(a, g_strdup(*p));
	}
	return a;
}

static gboolean
step_done(SltStore *store, sqlite3_stmt *st, int rc, const char *what, GError **error)
{
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return slt_store_fail(store, error, what);
	return TRUE;
}

static gboolean
not_found(GError **error, gint64 id)
{
	g_set_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_NOT_FOUND,
		    "no request 'SLT-%" G_GINT64_FORMAT "'", id);
	return FALSE;
}

/* ---- listing ---------------------------------------------------------- */

void
slt_queue_filter_init(SltQueueFilter *f)
{
	memset(f, 0, sizeof *f);
	f->review = -1;
}

GPtrArray *
slt_store_queue_list(SltStore *store, const SltQueueFilter *f, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT r.id, r.ref, r.opened_at, r.updated_at, r.status, r.assignee, r.org,"
		" r.requester_addr, r.requester_name, r.intent, r.theme, " JSON_LINES("r.packages") ","
		" r.review, r.subject, (SELECT count(*) FROM messages m WHERE m.request_id = r.id)"
		" FROM requests r"
		" WHERE (?1 OR r.status != 'afgerond') AND (?2 IS NULL OR r.status = ?2)"
		" AND (?3 IS NULL OR r.theme = ?3) AND (?4 IS NULL OR r.intent = ?4)"
		" AND (?5 IS NULL OR instr(lower(coalesce(r.org, '')), lower(?5)) > 0)"
		" AND (?6 IS NULL OR (?6 = '-' AND r.assignee IS NULL) OR r.assignee = ?6)"
		" AND (?7 < 0 OR r.review = ?7)"
		" AND (?8 = 0 OR (CASE WHEN ?10 THEN max(r.updated_at, coalesce(r.last_message_at, 0))"
		"  ELSE r.opened_at END) >= ?8)"
		" AND (?9 = 0 OR (CASE WHEN ?10 THEN max(r.updated_at, coalesce(r.last_message_at, 0))"
		"  ELSE r.opened_at END) < ?9)"
		" ORDER BY r.opened_at DESC, r.id DESC LIMIT ?11", error);
	if (!st)
		return NULL;
	SltQueueFilter none;
	if (!f) {
		slt_queue_filter_init(&none);
		f = &none;
	}
	sqlite3_bind_int(st, 1, f->all || f->status);
	slt_store_bind_text(st, 2, f->status, TRUE);
	slt_store_bind_text(st, 3, f->theme, TRUE);
	slt_store_bind_text(st, 4, f->intent, TRUE);
	slt_store_bind_text(st, 5, f->org, TRUE);
	slt_store_bind_text(st, 6, f->assignee, TRUE);
	sqlite3_bind_int(st, 7, f->review);
	sqlite3_bind_int64(st, 8, f->since);
	sqlite3_bind_int64(st, 9, f->until);
	sqlite3_bind_int(st, 10, f->by_activity);
	sqlite3_bind_int64(st, 11, f->limit ? (gint64)f->limit : -1);
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)slt_request_row_free);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		SltRequestRow *r = g_new0(SltRequestRow, 1);
		r->id = sqlite3_column_int64(st, 0);
		r->ref = slt_store_column_dup(st, 1);
		r->opened_at = sqlite3_column_int64(st, 2);
		r->updated_at = sqlite3_column_int64(st, 3);
		r->status = slt_store_column_dup(st, 4);
		r->assignee = slt_store_column_dup(st, 5);
		r->org = slt_store_column_dup(st, 6);
		r->requester_addr = slt_store_column_dup(st, 7);
		r->requester_name = slt_store_column_dup(st, 8);
		r->intent = slt_store_column_dup(st, 9);
		r->theme = slt_store_column_dup(st, 10);
		r->packages = lines_to_array(st, 11);
		r->review = sqlite3_column_int(st, 12) != 0;
		r->subject = slt_store_column_dup(st, 13);
		r->n_messages = (guint)sqlite3_column_int(st, 14);
		g_ptr_array_add(rows, r);
	}
	if (!step_done(store, st, rc, "cannot list requests", error))
		return NULL;
	return g_steal_pointer(&rows);
}

/* ---- one request ------------------------------------------------------ */

void
slt_request_free(SltRequest *r)
{
	if (!r)
		return;
	g_free(r->ref);
	g_free(r->status);
	g_free(r->assignee);
	g_free(r->org);
	g_free(r->requester_addr);
	g_free(r->requester_name);
	g_free(r->subject);
	g_free(r->intent);
	g_free(r->theme);
	g_clear_pointer(&r->kenmerken, g_ptr_array_unref);
	g_clear_pointer(&r->packages, g_ptr_array_unref);
	g_free(r->labels_by);
	g_free(r);
}

SltRequest *
slt_store_request_get(SltStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT id, ref, version, opened_at, updated_at, coalesce(last_message_at, 0),"
		" coalesce(first_response_at, (SELECT min(sent_at) FROM outbox o"
		"   WHERE o.request_id = r.id AND o.state = 'sent'), 0),"
		" status, assignee, org, requester_addr, requester_name, subject, intent, theme,"
		" " JSON_LINES("kenmerken") ", " JSON_LINES("packages") ", coalesce(confidence, 0),"
		" review, labels_by, coalesce(erased_at, 0)"
		" FROM requests r WHERE id = ?", error);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		step_done(store, st, rc, "cannot read a request", error);
		if (rc == SQLITE_DONE)
			not_found(error, id);
		return NULL;
	}
	SltRequest *r = g_new0(SltRequest, 1);
	r->id = sqlite3_column_int64(st, 0);
	r->ref = slt_store_column_dup(st, 1);
	r->version = sqlite3_column_int64(st, 2);
	r->opened_at = sqlite3_column_int64(st, 3);
	r->updated_at = sqlite3_column_int64(st, 4);
	r->last_message_at = sqlite3_column_int64(st, 5);
	r->first_response_at = sqlite3_column_int64(st, 6);
	r->status = slt_store_column_dup(st, 7);
	r->assignee = slt_store_column_dup(st, 8);
	r->org = slt_store_column_dup(st, 9);
	r->requester_addr = slt_store_column_dup(st, 10);
	r->requester_name = slt_store_column_dup(st, 11);
	r->subject = slt_store_column_dup(st, 12);
	r->intent = slt_store_column_dup(st, 13);
	r->theme = slt_store_column_dup(st, 14);
	r->kenmerken = lines_to_array(st, 15);
	r->packages = lines_to_array(st, 16);
	r->confidence = sqlite3_column_double(st, 17);
	r->review = sqlite3_column_int(st, 18) != 0;
	r->labels_by = slt_store_column_dup(st, 19);
	r->erased_at = sqlite3_column_int64(st, 20);
	sqlite3_reset(st);
	return r;
}

void
slt_queue_message_free(SltQueueMessage *m)
{
	if (!m)
		return;
	g_free(m->message_id);
	g_free(m->from_name);
	g_free(m->from_addr);
	g_free(m->subject);
	g_free(m->new_text);
	g_free(m->quoted_text);
	g_free(m->forwarded_text);
	g_free(m->signature);
	g_free(m->intent);
	g_free(m->theme);
	g_free(m->org);
	g_clear_pointer(&m->kenmerken, g_ptr_array_unref);
	g_clear_pointer(&m->packages, g_ptr_array_unref);
	g_clear_pointer(&m->why, g_ptr_array_unref);
	g_clear_pointer(&m->machine_evidence, g_ptr_array_unref);
	g_clear_pointer(&m->attachments, g_ptr_array_unref);
	g_free(m);
}

#define MESSAGE_COLUMNS \
	"SELECT id, coalesce(request_id, 0), coalesce(date, 0), created_at, message_id," \
	" from_name, from_addr, subject, new_text, quoted_text, forwarded_text, signature," \
	" intent, theme, org, " JSON_LINES("kenmerken") ", " JSON_LINES("packages") "," \
	" " JSON_LINES("why") ", " JSON_LINES("machine_evidence") "," \
	" coalesce(confidence, 0), coalesce(theme_confidence, 0), review, machine," \
	" (SELECT group_concat(coalesce(filename, '(naamloos)') || ' (' || content_type || ', '" \
	"   || size || ' bytes)', char(10)) FROM (SELECT * FROM message_attachments a" \
	"   WHERE a.message_row = messages.id ORDER BY position))," \
	" coalesce(erased_at, 0) FROM messages"

static SltQueueMessage *
message_from_row(sqlite3_stmt *st)
{
	SltQueueMessage *m = g_new0(SltQueueMessage, 1);
	m->id = sqlite3_column_int64(st, 0);
	m->request_id = sqlite3_column_int64(st, 1);
	m->date = sqlite3_column_int64(st, 2);
	m->created_at = sqlite3_column_int64(st, 3);
	m->message_id = slt_store_column_dup(st, 4);
	m->from_name = slt_store_column_dup(st, 5);
	m->from_addr = slt_store_column_dup(st, 6);
	m->subject = slt_store_column_dup(st, 7);
	m->new_text = slt_store_column_dup(st, 8);
	m->quoted_text = slt_store_column_dup(st, 9);
	m->forwarded_text = slt_store_column_dup(st, 10);
	m->signature = slt_store_column_dup(st, 11);
	m->intent = slt_store_column_dup(st, 12);
	m->theme = slt_store_column_dup(st, 13);
	m->org = slt_store_column_dup(st, 14);
	m->kenmerken = lines_to_array(st, 15);
	m->packages = lines_to_array(st, 16);
	m->why = lines_to_array(st, 17);
	m->machine_evidence = lines_to_array(st, 18);
	m->confidence = sqlite3_column_double(st, 19);
	m->theme_confidence = sqlite3_column_double(st, 20);
	m->review = sqlite3_column_int(st, 21) != 0;
	m->machine = (guint)sqlite3_column_int64(st, 22);
	m->attachments = lines_to_array(st, 23);
	m->erased_at = sqlite3_column_int64(st, 24);
	return m;
}

GPtrArray *
slt_store_request_messages(SltStore *store, gint64 request_id, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		MESSAGE_COLUMNS " WHERE request_id = ? AND direction = 'in'"
		" ORDER BY coalesce(date, created_at), id", error);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, request_id);
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)slt_queue_message_free);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_ptr_array_add(out, message_from_row(st));
	if (!step_done(store, st, rc, "cannot read messages", error))
		return NULL;
	return g_steal_pointer(&out);
}

SltQueueMessage *
slt_store_message_get(SltStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store, MESSAGE_COLUMNS " WHERE id = ?", error);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		step_done(store, st, rc, "cannot read a message", error);
		if (rc == SQLITE_DONE)
			g_set_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_NOT_FOUND,
				    "no message %" G_GINT64_FORMAT, id);
		return NULL;
	}
	SltQueueMessage *m = message_from_row(st);
	sqlite3_reset(st);
	return m;
}

void
slt_queue_reply_free(SltQueueReply *r)
{
	if (!r)
		return;
	g_free(r->kind);
	g_free(r->rcpt);
	g_free(r->subject);
	g_free(r->state);
	g_free(r->suppress_reason);
	g_free(r->last_error);
	g_free(r);
}

GPtrArray *
slt_store_request_replies(SltStore *store, gint64 request_id, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT id, kind, rcpt, subject, state, suppress_reason, last_error, attempts,"
		" created_at, coalesce(sent_at, 0) FROM outbox WHERE request_id = ?"
		" ORDER BY created_at, id", error);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, request_id);
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)slt_queue_reply_free);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		SltQueueReply *r = g_new0(SltQueueReply, 1);
		r->id = sqlite3_column_int64(st, 0);
		r->kind = slt_store_column_dup(st, 1);
		r->rcpt = slt_store_column_dup(st, 2);
		r->subject = slt_store_column_dup(st, 3);
		r->state = slt_store_column_dup(st, 4);
		r->suppress_reason = slt_store_column_dup(st, 5);
		r->last_error = slt_store_column_dup(st, 6);
		r->attempts = sqlite3_column_int(st, 7);
		r->created_at = sqlite3_column_int64(st, 8);
		r->sent_at = sqlite3_column_int64(st, 9);
		g_ptr_array_add(out, r);
	}
	if (!step_done(store, st, rc, "cannot read replies", error))
		return NULL;
	return g_steal_pointer(&out);
}

void
slt_queue_wait_free(SltQueueWait *w)
{
	if (!w)
		return;
	g_free(w->addr);
	g_free(w->name);
	g_free(w->package);
	g_free(w->removed_reason);
	g_free(w);
}

GPtrArray *
slt_store_request_waits(SltStore *store, gint64 request_id, const char *addr, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT id, addr, name, package, coalesce(request_id, 0), added_at,"
		" coalesce(removed_at, 0), removed_reason FROM waitlist"
		" WHERE (?1 != 0 AND request_id = ?1) OR (?1 = 0 AND addr = ?2)"
		" ORDER BY added_at, id", error);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, request_id);
	slt_store_bind_text(st, 2, addr, FALSE);
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)slt_queue_wait_free);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		SltQueueWait *w = g_new0(SltQueueWait, 1);
		w->id = sqlite3_column_int64(st, 0);
		w->addr = slt_store_column_dup(st, 1);
		w->name = slt_store_column_dup(st, 2);
		w->package = slt_store_column_dup(st, 3);
		w->request_id = sqlite3_column_int64(st, 4);
		w->added_at = sqlite3_column_int64(st, 5);
		w->removed_at = sqlite3_column_int64(st, 6);
		w->removed_reason = slt_store_column_dup(st, 7);
		g_ptr_array_add(out, w);
	}
	if (!step_done(store, st, rc, "cannot read the waiting list", error))
		return NULL;
	return g_steal_pointer(&out);
}

void
slt_queue_event_free(SltQueueEvent *e)
{
	if (!e)
		return;
	g_free(e->who);
	g_free(e->action);
	g_free(e->detail);
	g_free(e);
}

GPtrArray *
slt_store_request_history(SltStore *store, gint64 request_id, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT at, who, action, detail FROM request_history WHERE request_id = ?"
		" ORDER BY at, id", error);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, request_id);
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)slt_queue_event_free);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		SltQueueEvent *e = g_new0(SltQueueEvent, 1);
		e->at = sqlite3_column_int64(st, 0);
		e->who = slt_store_column_dup(st, 1);
		e->action = slt_store_column_dup(st, 2);
		e->detail = slt_store_column_dup(st, 3);
		g_ptr_array_add(out, e);
	}
	if (!step_done(store, st, rc, "cannot read the history", error))
		return NULL;
	return g_steal_pointer(&out);
}

/* ---- staff edits ------------------------------------------------------ */

gboolean
slt_store_request_change(SltStore *store, gint64 id, gint64 version,
			 const SltRequestChange *ch, gint64 *new_version, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"UPDATE requests SET version = version + 1, updated_at = ?3,"
		" status = coalesce(?4, status),"
		" assignee = CASE WHEN ?5 THEN ?6 ELSE assignee END,"
		" intent = CASE WHEN ?7 THEN ?8 ELSE intent END,"
		" theme = CASE WHEN ?7 THEN ?9 ELSE theme END,"
		" kenmerken = CASE WHEN ?7 THEN coalesce(?10, kenmerken) ELSE kenmerken END,"
		" packages = CASE WHEN ?7 THEN coalesce(?11, packages) ELSE packages END,"
		" labels_by = CASE WHEN ?7 THEN ?12 ELSE labels_by END,"
		" review = CASE WHEN ?7 THEN 0 ELSE review END,"
		" org = CASE WHEN ?13 IS NULL THEN org ELSE nullif(?13, '') END"
		" WHERE id = ?1 AND (?2 = 0 OR version = ?2) RETURNING version", error);
	if (!st)
		return FALSE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, version);
	sqlite3_bind_int64(st, 3, slt_store_now());
	slt_store_bind_text(st, 4, ch->status, TRUE);
	sqlite3_bind_int(st, 5, ch->set_assignee);
	slt_store_bind_text(st, 6, ch->assignee, TRUE);
	sqlite3_bind_int(st, 7, ch->set_labels);
	slt_store_bind_text(st, 8, ch->intent, TRUE);
	slt_store_bind_text(st, 9, ch->theme, TRUE);
	slt_store_bind_text(st, 10, ch->kenmerken_json, TRUE);
	slt_store_bind_text(st, 11, ch->packages_json, TRUE);
	slt_store_bind_text(st, 12, ch->labels_by ? ch->labels_by : "sltd", FALSE);
	if (ch->org)
		sqlite3_bind_text(st, 13, ch->org, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 13);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (new_version)
			*new_version = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
		return step_done(store, st, rc, "cannot change a request", error);
	}
	if (!step_done(store, st, rc, "cannot change a request", error))
		return FALSE;
	/* No row: gone, or changed since the caller read it. */
	g_autoptr(GError) err = NULL;
	g_autoptr(SltRequest) now = slt_store_request_get(store, id, &err);
	if (!now) {
		g_propagate_error(error, g_steal_pointer(&err));
		return FALSE;
	}
	g_set_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_CONFLICT,
		    "request '%s' changed since it was read (version %" G_GINT64_FORMAT
		    ", now %" G_GINT64_FORMAT ")", now->ref, version, now->version);
	return FALSE;
}

gboolean
slt_store_correction_add(SltStore *store, gint64 request_id, gint64 message_row,
			 const char *who, const char *old_intent, const char *old_theme,
			 const char *intent, const char *theme, const char *kenmerken_json,
			 const char *packages_json, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"INSERT INTO label_corrections (request_id, message_row, at, who, old_intent,"
		" old_theme, intent, theme, kenmerken, packages)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, coalesce(?, '[]'), coalesce(?, '[]'))", error);
	if (!st)
		return FALSE;
	sqlite3_bind_int64(st, 1, request_id);
	if (message_row)
		sqlite3_bind_int64(st, 2, message_row);
	sqlite3_bind_int64(st, 3, slt_store_now());
	slt_store_bind_text(st, 4, who, FALSE);
	slt_store_bind_text(st, 5, old_intent, TRUE);
	slt_store_bind_text(st, 6, old_theme, TRUE);
	slt_store_bind_text(st, 7, intent, TRUE);
	slt_store_bind_text(st, 8, theme, TRUE);
	slt_store_bind_text(st, 9, kenmerken_json, TRUE);
	slt_store_bind_text(st, 10, packages_json, TRUE);
	return slt_store_exec_stmt(store, st, "cannot record the correction", error);
}

void
slt_correction_free(SltCorrection *c)
{
	if (!c)
		return;
	g_free(c->who);
	g_free(c->intent);
	g_free(c->theme);
	g_free(c->old_intent);
	g_free(c->old_theme);
	g_free(c->org);
	g_clear_pointer(&c->kenmerken, g_ptr_array_unref);
	g_clear_pointer(&c->packages, g_ptr_array_unref);
	g_clear_pointer(&c->raw, g_bytes_unref);
	g_free(c);
}

GPtrArray *
slt_store_corrections(SltStore *store, GError **error)
{
	/* The newest correction of each message wins: staff may relabel
	 * twice, and the trainer must see one label per message. */
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT c.id, coalesce(c.request_id, 0), c.message_row, c.at, c.who, c.intent,"
		" c.theme, c.old_intent, c.old_theme, m.org, " JSON_LINES("c.kenmerken") ","
		" " JSON_LINES("c.packages") ", m.raw"
		" FROM label_corrections c JOIN messages m ON m.id = c.message_row"
		" WHERE c.id = (SELECT max(id) FROM label_corrections d WHERE d.message_row = c.message_row)"
		" ORDER BY c.id", error);
	if (!st)
		return NULL;
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)slt_correction_free);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		SltCorrection *c = g_new0(SltCorrection, 1);
		c->id = sqlite3_column_int64(st, 0);
		c->request_id = sqlite3_column_int64(st, 1);
		c->message_row = sqlite3_column_int64(st, 2);
		c->at = sqlite3_column_int64(st, 3);
		c->who = slt_store_column_dup(st, 4);
		c->intent = slt_store_column_dup(st, 5);
		c->theme = slt_store_column_dup(st, 6);
		c->old_intent = slt_store_column_dup(st, 7);
		c->old_theme = slt_store_column_dup(st, 8);
		c->org = slt_store_column_dup(st, 9);
		c->kenmerken = lines_to_array(st, 10);
		c->packages = lines_to_array(st, 11);
		if (sqlite3_column_type(st, 12) == SQLITE_BLOB)
			c->raw = g_bytes_new(sqlite3_column_blob(st, 12), (gsize)sqlite3_column_bytes(st, 12));
		g_ptr_array_add(out, c);
	}
	if (!step_done(store, st, rc, "cannot read corrections", error))
		return NULL;
	return g_steal_pointer(&out);
}

gboolean
slt_store_corrections_used(SltStore *store, gint64 at, GError **error)
{
	gboolean own = !store->in_txn;
	if (own && !slt_store_begin(store, error))
		return FALSE;
	sqlite3_stmt *st = slt_store_stmt(store,
		"UPDATE label_corrections SET used_at = ? WHERE used_at IS NULL", error);
	gboolean ok = st != NULL;
	if (ok) {
		sqlite3_bind_int64(st, 1, at);
		ok = slt_store_exec_stmt(store, st, "cannot mark corrections used", error);
	}
	if (own) {
		if (ok)
			ok = slt_store_commit(store, error);
		else
			slt_store_rollback(store);
	}
	return ok;
}

gboolean
slt_store_audit_add(SltStore *store, const char *who, const char *action, const char *target,
		    const char *detail, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"INSERT INTO audit (at, who, action, target, detail) VALUES (?, ?, ?, ?, ?)", error);
	if (!st)
		return FALSE;
	sqlite3_bind_int64(st, 1, slt_store_now());
	slt_store_bind_text(st, 2, who, FALSE);
	slt_store_bind_text(st, 3, action, FALSE);
	slt_store_bind_text(st, 4, target, TRUE);
	slt_store_bind_text(st, 5, detail, TRUE);
	return slt_store_exec_stmt(store, st, "cannot write the audit trail", error);
}

/* ---- dead letters ----------------------------------------------------- */

void
slt_dead_letter_row_free(SltDeadLetterRow *d)
{
	if (!d)
		return;
	g_free(d->mailbox);
	g_free(d->error);
	g_free(d->reprocess_result);
	g_clear_pointer(&d->raw, g_bytes_unref);
	g_free(d);
}

static SltDeadLetterRow *
dead_letter_from_row(sqlite3_stmt *st)
{
	SltDeadLetterRow *d = g_new0(SltDeadLetterRow, 1);
	d->id = sqlite3_column_int64(st, 0);
	d->mailbox = slt_store_column_dup(st, 1);
	d->uidvalidity = (guint32)sqlite3_column_int64(st, 2);
	d->uid = (guint32)sqlite3_column_int64(st, 3);
	d->size = sqlite3_column_int64(st, 4);
	d->error = slt_store_column_dup(st, 5);
	d->created_at = sqlite3_column_int64(st, 6);
	d->reprocessed_at = sqlite3_column_int64(st, 7);
	d->reprocess_result = slt_store_column_dup(st, 8);
	d->message_row = sqlite3_column_int64(st, 9);
	d->has_raw = sqlite3_column_int(st, 10) != 0;
	return d;
}

GPtrArray *
slt_store_dead_letters(SltStore *store, gboolean all, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT id, mailbox, uidvalidity, uid, size, error, created_at,"
		" coalesce(reprocessed_at, 0), reprocess_result, coalesce(message_row, 0),"
		" raw IS NOT NULL FROM dead_letters WHERE ?1 OR message_row IS NULL"
		" ORDER BY created_at DESC, id DESC", error);
	if (!st)
		return NULL;
	sqlite3_bind_int(st, 1, all);
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)slt_dead_letter_row_free);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_ptr_array_add(out, dead_letter_from_row(st));
	if (!step_done(store, st, rc, "cannot read dead letters", error))
		return NULL;
	return g_steal_pointer(&out);
}

SltDeadLetterRow *
slt_store_dead_letter_get(SltStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT id, mailbox, uidvalidity, uid, size, error, created_at,"
		" coalesce(reprocessed_at, 0), reprocess_result, coalesce(message_row, 0),"
		" raw IS NOT NULL, raw FROM dead_letters WHERE id = ?", error);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		step_done(store, st, rc, "cannot read a dead letter", error);
		if (rc == SQLITE_DONE)
			g_set_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_NOT_FOUND,
				    "no dead letter %" G_GINT64_FORMAT, id);
		return NULL;
	}
	SltDeadLetterRow *d = dead_letter_from_row(st);
	if (d->has_raw)
		d->raw = g_bytes_new(sqlite3_column_blob(st, 11), (gsize)sqlite3_column_bytes(st, 11));
	sqlite3_reset(st);
	return d;
}

gboolean
slt_store_dead_letter_reprocessed(SltStore *store, gint64 id, const char *result,
				  gint64 message_row, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"UPDATE dead_letters SET reprocessed_at = ?2, reprocess_result = ?3,"
		" message_row = CASE WHEN ?4 = 0 THEN message_row ELSE ?4 END WHERE id = ?1", error);
	if (!st)
		return FALSE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, slt_store_now());
	slt_store_bind_text(st, 3, result, FALSE);
	sqlite3_bind_int64(st, 4, message_row);
	return slt_store_exec_stmt(store, st, "cannot record the reprocessing", error);
}

/* ---- statistics and status ------------------------------------------- */

void
slt_stats_row_free(SltStatsRow *r)
{
	if (!r)
		return;
	g_free(r->theme);
	g_free(r->intent);
	g_free(r->org);
	g_free(r);
}

GPtrArray *
slt_store_stats_rows(SltStore *store, gint64 from, gint64 to, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT id, opened_at, theme, intent, org,"
		" coalesce(first_response_at, (SELECT min(sent_at) FROM outbox o"
		"   WHERE o.request_id = r.id AND o.state = 'sent'), -1),"
		" coalesce((SELECT min(created_at) FROM messages m WHERE m.request_id = r.id), opened_at)"
		" FROM requests r WHERE (?1 = 0 OR opened_at >= ?1) AND (?2 = 0 OR opened_at < ?2)"
		" ORDER BY opened_at, id", error);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)slt_stats_row_free);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		SltStatsRow *r = g_new0(SltStatsRow, 1);
		r->id = sqlite3_column_int64(st, 0);
		r->opened_at = sqlite3_column_int64(st, 1);
		r->theme = slt_store_column_dup(st, 2);
		r->intent = slt_store_column_dup(st, 3);
		r->org = slt_store_column_dup(st, 4);
		/* Received: when sltd recorded the first message (its Date:
		 * header is the sender's clock, and may be days old). */
		gint64 first = sqlite3_column_int64(st, 5);
		gint64 received = sqlite3_column_int64(st, 6);
		r->response_secs = first < 0 ? -1 : MAX(first - received, 0);
		g_ptr_array_add(out, r);
	}
	if (!step_done(store, st, rc, "cannot read statistics", error))
		return NULL;
	return g_steal_pointer(&out);
}

gboolean
slt_store_queue_counts(SltStore *store, SltQueueCounts *c, GError **error)
{
	memset(c, 0, sizeof *c);
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT (SELECT count(*) FROM messages WHERE direction = 'in'),"
		" (SELECT count(*) FROM requests),"
		" (SELECT count(*) FROM requests WHERE status != 'afgerond'),"
		" (SELECT count(*) FROM requests WHERE review AND status != 'afgerond'),"
		" (SELECT count(*) FROM dead_letters WHERE message_row IS NULL),"
		" (SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending')),"
		" (SELECT count(*) FROM outbox WHERE state = 'failed'),"
		" (SELECT count(*) FROM outbox WHERE state = 'sent'),"
		" (SELECT count(*) FROM outbox WHERE state = 'suppressed'),"
		" (SELECT coalesce(max(created_at), 0) FROM messages WHERE direction = 'in'),"
		" (SELECT coalesce(min(created_at), 0) FROM outbox WHERE state IN ('queued', 'sending'))",
		error);
	if (!st)
		return FALSE;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		gint64 *f[] = { &c->messages, &c->requests, &c->open_requests, &c->review,
				&c->dead_letters, &c->outbox_queued, &c->outbox_failed,
				&c->outbox_sent, &c->outbox_suppressed, &c->last_mail_at,
				&c->oldest_queued_at };
		for (guint i = 0; i < G_N_ELEMENTS(f); i++)
			*f[i] = sqlite3_column_int64(st, (int)i);
		rc = sqlite3_step(st);
	}
	return step_done(store, st, rc, "cannot count", error);
}

GHashTable *
slt_store_status_all(SltStore *store, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store, "SELECT key, at, value FROM daemon_status", error);
	if (!st)
		return NULL;
	g_autoptr(GHashTable) out = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 2);
		g_hash_table_insert(out, slt_store_column_dup(st, 0),
				    g_strdup_printf("%" G_GINT64_FORMAT "\t%s",
						    (gint64)sqlite3_column_int64(st, 1), v ? v : ""));
	}
	if (!step_done(store, st, rc, "cannot read the daemon status", error))
		return NULL;
	return g_steal_pointer(&out);
}

/* ---- AVG ---------------------------------------------------------------- */

/* Run one literal statement with up to two bindings (?1 int64, ?2 text)
 * and add the changed rows to *count. */
static gboolean
erase_step(SltStore *store, const char *sql, gint64 i1, const char *t2, guint *count,
	   GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store, sql, error);
	if (!st)
		return FALSE;
	int n = sqlite3_bind_parameter_count(st);
	if (n >= 1)
		sqlite3_bind_int64(st, 1, i1);
	if (n >= 2)
		slt_store_bind_text(st, 2, t2, FALSE);
	if (!slt_store_exec_stmt(store, st, "cannot erase", error))
		return FALSE;
	if (count)
		*count += (guint)sqlite3_changes(store->db);
	return TRUE;
}

/* The erasure itself, on the rows marked in temp table erase_msgs (ids of
 * messages) and erase_reqs (ids of requests). ?1 is now. */
static gboolean
erase_marked(SltStore *store, SltEraseCounts *n, GError **error)
{
	gint64 now = slt_store_now();
	/* Texts and subject to NULL fire the FTS update trigger, which takes
	 * the old tokens out of the index. */
	return erase_step(store,
		"UPDATE messages SET raw = NULL, text = NULL, subject = NULL, new_text = NULL,"
		" quoted_text = NULL, forwarded_text = NULL, signature = NULL, from_name = NULL,"
		" from_addr = NULL, reply_to = NULL, sender = NULL, to_list = NULL, cc_list = NULL,"
		" return_path = NULL, imap_flags = NULL, why = '[]', machine_evidence = '[]',"
		" erased_at = coalesce(erased_at, ?1)"
		" WHERE id IN (SELECT id FROM temp.erase_msgs)", now, NULL, &n->messages, error) &&
	       erase_step(store,
		"UPDATE message_attachments SET filename = NULL"
		" WHERE message_row IN (SELECT id FROM temp.erase_msgs) AND filename IS NOT NULL",
		0, NULL, &n->attachments, error) &&
	       erase_step(store,
		"UPDATE requests SET requester_addr = NULL, requester_name = NULL, subject = NULL,"
		" erased_at = coalesce(erased_at, ?1), version = version + 1"
		" WHERE id IN (SELECT id FROM temp.erase_reqs)", now, NULL, &n->requests, error) &&
	       erase_step(store,
		"UPDATE request_history SET detail = NULL"
		" WHERE request_id IN (SELECT id FROM temp.erase_reqs) AND action = 'note'",
		0, NULL, &n->notes, error) &&
	       /* sltd's own lines name the address (waiting list, replies). */
	       erase_step(store,
		"UPDATE request_history SET detail = NULL"
		" WHERE request_id IN (SELECT id FROM temp.erase_reqs) AND instr(detail, '@') > 0",
		0, NULL, NULL, error) &&
	       erase_step(store,
		"UPDATE outbox SET rcpt = '', subject = NULL, raw = NULL, last_error = NULL"
		" WHERE (request_id IN (SELECT id FROM temp.erase_reqs)"
		"  OR cause_row IN (SELECT id FROM temp.erase_msgs))"
		" AND (rcpt != '' OR raw IS NOT NULL OR subject IS NOT NULL)",
		0, NULL, &n->replies, error) &&
	       erase_step(store,
		"DELETE FROM waitlist WHERE request_id IN (SELECT id FROM temp.erase_reqs)",
		0, NULL, &n->waits, error) &&
	       erase_step(store,
		"INSERT INTO request_history (request_id, at, who, action, detail)"
		" SELECT id, ?1, 'sltctl', 'erase', 'persoonsgegevens gewist' FROM temp.erase_reqs",
		now, NULL, NULL, error);
}

static gboolean
erase_tables(SltStore *store, GError **error)
{
	/* secure_delete ON (not FAST) for this connection from now on: freed
	 * pages and cells are zeroed, so the erased bytes do not linger in
	 * the file's free space. */
	return slt_store_exec(store,
		"PRAGMA secure_delete = ON;"
		"CREATE TEMP TABLE IF NOT EXISTS erase_msgs (id INTEGER PRIMARY KEY);"
		"CREATE TEMP TABLE IF NOT EXISTS erase_reqs (id INTEGER PRIMARY KEY);"
		"DELETE FROM temp.erase_msgs; DELETE FROM temp.erase_reqs;", error);
}

gboolean
slt_store_erase_person(SltStore *store, const char *addr, SltEraseCounts *n, GError **error)
{
	SltEraseCounts local;
	if (!n)
		n = &local;
	memset(n, 0, sizeof *n);
	if (!erase_tables(store, error))
		return FALSE;
	/* Their requests: opened by them, or holding a message from them.
	 * Every message of those requests goes (a thread quotes its earlier
	 * messages), and any other message they sent. */
	if (!erase_step(store,
		"INSERT OR IGNORE INTO temp.erase_reqs SELECT id FROM requests WHERE lower(requester_addr) = ?2"
		" UNION SELECT request_id FROM messages WHERE request_id IS NOT NULL AND"
		" (lower(from_addr) = ?2 OR lower(reply_to) = ?2 OR lower(sender) = ?2)",
		0, addr, NULL, error) ||
	    !erase_step(store,
		"INSERT OR IGNORE INTO temp.erase_msgs SELECT id FROM messages"
		" WHERE request_id IN (SELECT id FROM temp.erase_reqs)"
		" OR lower(from_addr) = ?2 OR lower(reply_to) = ?2 OR lower(sender) = ?2",
		0, addr, NULL, error) ||
	    !erase_marked(store, n, error))
		return FALSE;
	/* Entries on the waiting list under their address from any request,
	 * replies to them, and dead letters whose bytes name them. */
	return erase_step(store, "DELETE FROM waitlist WHERE lower(addr) = ?2", 0, addr,
			  &n->waits, error) &&
	       erase_step(store,
		"UPDATE outbox SET rcpt = '', subject = NULL, raw = NULL, last_error = NULL"
		" WHERE lower(rcpt) = ?2", 0, addr, &n->replies, error) &&
	       erase_step(store,
		"UPDATE dead_letters SET raw = NULL, error = 'gewist (AVG)'"
		" WHERE raw IS NOT NULL AND instr(lower(CAST(raw AS TEXT)), ?2) > 0",
		0, addr, &n->dead_letters, error);
}

gboolean
slt_store_erase_before(SltStore *store, gint64 before, SltEraseCounts *n, GError **error)
{
	SltEraseCounts local;
	if (!n)
		n = &local;
	memset(n, 0, sizeof *n);
	if (!erase_tables(store, error))
		return FALSE;
	/* A thread is kept whole: a request goes when nothing happened on it
	 * since before. */
	return erase_step(store,
		"INSERT INTO temp.erase_reqs SELECT id FROM requests"
		" WHERE erased_at IS NULL AND max(updated_at, coalesce(last_message_at, 0)) < ?1",
		before, NULL, NULL, error) &&
	       erase_step(store,
		"INSERT INTO temp.erase_msgs SELECT id FROM messages WHERE erased_at IS NULL AND"
		" (request_id IN (SELECT id FROM temp.erase_reqs)"
		"  OR (request_id IS NULL AND created_at < ?1))", before, NULL, NULL, error) &&
	       erase_marked(store, n, error) &&
	       erase_step(store,
		"UPDATE dead_letters SET raw = NULL WHERE raw IS NOT NULL AND created_at < ?1",
		before, NULL, &n->dead_letters, error);
}

gboolean
slt_store_fts_optimize(SltStore *store, GError **error)
{
	if (!slt_store_exec(store, "INSERT INTO messages_fts(messages_fts) VALUES ('optimize')", error))
		return FALSE;
	/* Copy the WAL into the database and empty it, so old page images
	 * holding erased text leave the WAL file too. Best effort: a reader
	 * (sltd) may hold the WAL; its next checkpoint does the rest. */
	sqlite3_exec(store->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	return TRUE;
}

GArray *
slt_store_person_requests(SltStore *store, const char *addr, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT id FROM requests WHERE lower(requester_addr) = ?1"
		" UNION SELECT request_id FROM messages WHERE request_id IS NOT NULL AND"
		" (lower(from_addr) = ?1 OR lower(reply_to) = ?1 OR lower(sender) = ?1)"
		" ORDER BY 1", error);
	if (!st)
		return NULL;
	slt_store_bind_text(st, 1, addr, FALSE);
	g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(gint64));
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64(st, 0);
		g_array_append_val(out, id);
	}
	if (!step_done(store, st, rc, "cannot look up a person", error))
		return NULL;
	return g_steal_pointer(&out);
}

GHashTable *
slt_store_package_states(SltStore *store, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store, "SELECT id, state = 'published' FROM packages", error);
	if (!st)
		return NULL;
	g_autoptr(GHashTable) out = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_hash_table_insert(out, slt_store_column_dup(st, 0),
				    GINT_TO_POINTER(sqlite3_column_int(st, 1) ? 2 : 1));
	if (!step_done(store, st, rc, "cannot read packages", error))
		return NULL;
	return g_steal_pointer(&out);
}

GBytes *
slt_store_message_raw(SltStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store, "SELECT raw FROM messages WHERE id = ? AND raw IS NOT NULL", error);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		step_done(store, st, rc, "cannot read a message", error);
		if (rc == SQLITE_DONE)
			g_set_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_NOT_FOUND,
				    "message %" G_GINT64_FORMAT " has no stored bytes", id);
		return NULL;
	}
	GBytes *b = g_bytes_new(sqlite3_column_blob(st, 0), (gsize)sqlite3_column_bytes(st, 0));
	sqlite3_reset(st);
	return b;
}
