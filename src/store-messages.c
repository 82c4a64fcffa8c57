/* SPDX-License-Identifier: MIT */
/* store-messages: incoming messages, their requests (threads), dead
 * letters, full-text search and the request listing.
 * RFCs: 5322 section 3.6.4 (Message-ID, In-Reply-To, References). */
#include "store-private.h"

#include <string.h>

#include "json.h"

/* A hostile message may name thousands of references; the newest few
 * decide the thread anyway. */
#define THREAD_MAX_REFS 100

char *
slt_store_ref_format(gint64 request_id)
{
	return g_strdup_printf("SLT-%" G_GINT64_FORMAT, request_id);
}

gboolean
slt_store_ref_parse(const char *ref, gint64 *request_id)
{
	if (!ref)
		return FALSE;
	if (g_ascii_strncasecmp(ref, "SLT-", 4) == 0)
		ref += 4;
	guint64 v;
	if (!g_ascii_string_to_unsigned(ref, 10, 1, G_MAXINT64, &v, NULL))
		return FALSE;
	*request_id = (gint64)v;
	return TRUE;
}

gint64
slt_store_ref_in_subject(const char *subject)
{
	for (const char *p = subject; p && (p = strchr(p, '[')); p++) {
		if (g_ascii_strncasecmp(p + 1, "SLT-", 4) != 0)
			continue;
		const char *d = p + 5, *e = d;
		while (g_ascii_isdigit(*e) && e - d < 18)
			e++;
		if (e > d && *e == ']') {
			g_autofree char *num = g_strndup(d, e - d);
			gint64 id;
			if (slt_store_ref_parse(num, &id))
				return id;
		}
	}
	return 0;
}

/* The request holding a message (ours or theirs) with this Message-ID. */
static gboolean
request_of_message_id(SltStore *store, const char *message_id, gint64 *request_id,
		      GError **error)
{
	*request_id = 0;
	/* An empty id would match every message without a Message-ID. */
	if (!message_id || !*message_id)
		return TRUE;
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT request_id FROM messages"
		" WHERE coalesce(message_id, '') = ?1 AND request_id IS NOT NULL"
		" UNION ALL"
		" SELECT request_id FROM outbox WHERE message_id = ?1 AND request_id IS NOT NULL"
		" LIMIT 1", error);
	if (!st)
		return FALSE;
	sqlite3_bind_text(st, 1, message_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*request_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return slt_store_fail(store, error, "cannot look up a thread");
	return TRUE;
}

static gboolean
request_exists(SltStore *store, gint64 id, gboolean *exists, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store, "SELECT 1 FROM requests WHERE id = ?", error);
	if (!st)
		return FALSE;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	*exists = rc == SQLITE_ROW;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return slt_store_fail(store, error, "cannot look up a request");
	return TRUE;
}

gboolean
slt_store_find_thread(SltStore *store, const char *in_reply_to,
		      const GPtrArray *references, const char *subject,
		      gint64 *request_id, GError **error)
{
	*request_id = 0;
	if (!request_of_message_id(store, in_reply_to, request_id, error))
		return FALSE;
	/* RFC 5322 3.6.4: References is oldest first; the newest names the
	 * message replied to, so look from the end. */
	guint n = references ? references->len : 0;
	for (guint i = 0; *request_id == 0 && i < n && i < THREAD_MAX_REFS; i++)
		if (!request_of_message_id(store, g_ptr_array_index(references, n - 1 - i),
					   request_id, error))
			return FALSE;
	if (*request_id)
		return TRUE;
	gint64 tagged = slt_store_ref_in_subject(subject);
	if (tagged) {
		gboolean exists;
		if (!request_exists(store, tagged, &exists, error))
			return FALSE;
		if (exists)
			*request_id = tagged;
	}
	return TRUE;
}

gboolean
slt_store_history_add(SltStore *store, gint64 request_id, const char *who,
		      const char *action, const char *detail, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"INSERT INTO request_history (request_id, at, who, action, detail) VALUES (?, ?, ?, ?, ?)",
		error);
	if (!st)
		return FALSE;
	sqlite3_bind_int64(st, 1, request_id);
	sqlite3_bind_int64(st, 2, slt_store_now());
	sqlite3_bind_text(st, 3, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
	slt_store_bind_text(st, 5, detail, TRUE);
	return slt_store_exec_stmt(store, st, "cannot write request history", error);
}

/* Labels in the form both tables keep them. */
typedef struct {
	char *kenmerken, *packages, *why;
	const char *intent, *theme, *org;
	double confidence, theme_confidence;
	gboolean review;
} Labels;

static void
labels_init(Labels *l, const SltClassification *c)
{
	memset(l, 0, sizeof *l);
	l->kenmerken = slt_json_array(c ? c->kenmerken : NULL);
	l->packages = slt_json_array(c ? c->packages : NULL);
	l->why = slt_json_array(c ? c->why : NULL);
	if (c) {
		l->intent = c->intent;
		l->theme = c->theme;
		l->org = c->org && *c->org ? c->org : NULL;
		l->confidence = c->confidence;
		l->theme_confidence = c->theme_confidence;
		l->review = c->review;
	}
}

static void
labels_clear(Labels *l)
{
	g_free(l->kenmerken);
	g_free(l->packages);
	g_free(l->why);
}

static gboolean
is_person(const Labels *l)
{
	return !l->intent || strcmp(l->intent, "automatisch") != 0;
}

static gboolean
weak_intent(const char *intent)
{
	return !intent || strcmp(intent, "automatisch") == 0 || strcmp(intent, "overig") == 0;
}

/* opened: when the person wrote; updated_at is now. */
static gboolean
request_create(SltStore *store, const SltMessage *m, const Labels *l, gint64 opened,
	       gint64 *id, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"INSERT INTO requests (opened_at, updated_at, last_message_at, org,"
		" requester_addr, requester_name, subject, intent, theme, kenmerken,"
		" packages, confidence, review)"
		" VALUES (?1, max(?1, ?12), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", error);
	if (!st)
		return FALSE;
	sqlite3_bind_int64(st, 1, opened);
	slt_store_bind_text(st, 2, l->org, TRUE);
	slt_store_bind_text(st, 3, m->from_addr, TRUE);
	slt_store_bind_text(st, 4, m->from_name, TRUE);
	slt_store_bind_text(st, 5, m->subject, FALSE);
	slt_store_bind_text(st, 6, l->intent, TRUE);
	slt_store_bind_text(st, 7, l->theme, TRUE);
	sqlite3_bind_text(st, 8, l->kenmerken, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, l->packages, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 10, l->confidence);
	sqlite3_bind_int(st, 11, l->review);
	sqlite3_bind_int64(st, 12, slt_store_now());
	if (!slt_store_exec_stmt(store, st, "cannot create a request", error))
		return FALSE;
	*id = sqlite3_last_insert_rowid(store->db);
	return TRUE;
}

/* A follow-up joins request id: bump its times and version; a person
 * writing again reopens a request that waited on them or was closed; the
 * classifier's weak labels (automatisch, overig) give way to a real
 * intent, unless staff set the labels. */
static gboolean
request_follow_up(SltStore *store, gint64 id, const Labels *l, gint64 now, gint64 written,
		  gint64 message_row, gboolean *reopened, GError **error)
{
	*reopened = FALSE;
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT status, labels_by, intent FROM requests WHERE id = ?", error);
	if (!st)
		return FALSE;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc == SQLITE_DONE) {
			g_set_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_NOT_FOUND,
				    "no request 'SLT-%" G_GINT64_FORMAT "'", id);
			return FALSE;
		}
		return slt_store_fail(store, error, "cannot read a request");
	}
	g_autofree char *status = slt_store_column_dup(st, 0);
	g_autofree char *labels_by = slt_store_column_dup(st, 1);
	g_autofree char *intent = slt_store_column_dup(st, 2);
	sqlite3_reset(st);

	gboolean reopen = is_person(l) && status &&
		(strcmp(status, "wacht-op-klant") == 0 || strcmp(status, "afgerond") == 0);
	gboolean relabel = g_strcmp0(labels_by, "sltd") == 0 && weak_intent(intent) &&
		!weak_intent(l->intent);

	st = slt_store_stmt(store,
		"UPDATE requests SET updated_at = ?2, last_message_at = max(coalesce(last_message_at, 0), ?12),"
		" version = version + 1,"
		" status = CASE WHEN ?3 THEN 'open' ELSE status END,"
		" org = coalesce(org, ?4),"
		" intent = CASE WHEN ?5 THEN ?6 ELSE intent END,"
		" theme = CASE WHEN ?5 THEN ?7 ELSE theme END,"
		" kenmerken = CASE WHEN ?5 THEN ?8 ELSE kenmerken END,"
		" packages = CASE WHEN ?5 THEN ?9 ELSE packages END,"
		" confidence = CASE WHEN ?5 THEN ?10 ELSE confidence END,"
		" review = CASE WHEN ?5 THEN ?11 ELSE review END"
		" WHERE id = ?1", error);
	if (!st)
		return FALSE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, reopen);
	slt_store_bind_text(st, 4, l->org, TRUE);
	sqlite3_bind_int(st, 5, relabel);
	slt_store_bind_text(st, 6, l->intent, TRUE);
	slt_store_bind_text(st, 7, l->theme, TRUE);
	sqlite3_bind_text(st, 8, l->kenmerken, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, l->packages, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 10, l->confidence);
	sqlite3_bind_int(st, 11, l->review);
	sqlite3_bind_int64(st, 12, written);
	if (!slt_store_exec_stmt(store, st, "cannot update a request", error))
		return FALSE;

	g_autofree char *detail = g_strdup_printf("message %" G_GINT64_FORMAT, message_row);
	if (!slt_store_history_add(store, id, "sltd", "message", detail, error))
		return FALSE;
	if (reopen) {
		g_autofree char *why = g_strdup_printf("open (was %s): new message %" G_GINT64_FORMAT,
						       status, message_row);
		if (!slt_store_history_add(store, id, "sltd", "status", why, error))
			return FALSE;
	}
	if (relabel) {
		g_autofree char *why = g_strdup_printf("%s/%s (was %s): from message %" G_GINT64_FORMAT,
						       l->intent, l->theme ? l->theme : "-",
						       intent ? intent : "-", message_row);
		if (!slt_store_history_add(store, id, "sltd", "relabel", why, error))
			return FALSE;
	}
	*reopened = reopen;
	return TRUE;
}

static gboolean
insert_message(SltStore *store, const SltIncoming *in, const Labels *l, gint64 request_id,
	       gint64 now, gint64 *row, GError **error)
{
	const SltMessage *m = in->msg;
	g_autofree char *refs = slt_json_array(m->references);
	g_autofree char *evidence = slt_json_array(m->machine_evidence);
	g_autofree char *defects = slt_json_array(m->defects);
	sqlite3_stmt *st = slt_store_stmt(store,
		"INSERT INTO messages (request_id, direction, mailbox, uidvalidity, uid,"
		" imap_flags, imap_pending, message_id, sha256, size, date, created_at,"
		" from_name, from_addr, reply_to, sender, to_list, cc_list, subject,"
		" in_reply_to, refs, return_path, text, new_text, quoted_text,"
		" forwarded_text, signature, is_forward, html_only, machine,"
		" machine_evidence, defects, intent, theme, kenmerken, packages, org,"
		" confidence, theme_confidence, review, why, raw)"
		" VALUES (?1, 'in', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
		" ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27,"
		" ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39, ?40, ?41)", error);
	if (!st)
		return FALSE;
	gsize raw_len = 0;
	const void *raw = g_bytes_get_data(in->raw, &raw_len);
	sqlite3_bind_int64(st, 1, request_id);
	sqlite3_bind_text(st, 2, in->mailbox, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, in->uidvalidity);
	sqlite3_bind_int64(st, 4, in->uid);
	slt_store_bind_text(st, 5, in->imap_flags, FALSE);
	sqlite3_bind_int(st, 6, in->imap_pending);
	slt_store_bind_text(st, 7, m->message_id, TRUE);
	sqlite3_bind_blob(st, 8, in->sha256, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, (gint64)raw_len);
	if (m->date)
		sqlite3_bind_int64(st, 10, m->date);
	sqlite3_bind_int64(st, 11, now);
	slt_store_bind_text(st, 12, m->from_name, TRUE);
	slt_store_bind_text(st, 13, m->from_addr, TRUE);
	slt_store_bind_text(st, 14, m->reply_to_addr, TRUE);
	slt_store_bind_text(st, 15, m->sender_addr, TRUE);
	slt_store_bind_text(st, 16, m->to, TRUE);
	slt_store_bind_text(st, 17, m->cc, TRUE);
	slt_store_bind_text(st, 18, m->subject, FALSE);
	slt_store_bind_text(st, 19, m->in_reply_to, TRUE);
	sqlite3_bind_text(st, 20, refs, -1, SQLITE_STATIC);
	slt_store_bind_text(st, 21, m->return_path, FALSE);
	slt_store_bind_text(st, 22, m->text, FALSE);
	slt_store_bind_text(st, 23, m->new_text, FALSE);
	slt_store_bind_text(st, 24, m->quoted_text, TRUE);
	slt_store_bind_text(st, 25, m->forwarded_text, TRUE);
	slt_store_bind_text(st, 26, m->signature, TRUE);
	sqlite3_bind_int(st, 27, m->is_forward);
	sqlite3_bind_int(st, 28, m->html_only);
	sqlite3_bind_int64(st, 29, m->machine);
	sqlite3_bind_text(st, 30, evidence, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 31, defects, -1, SQLITE_STATIC);
	slt_store_bind_text(st, 32, l->intent, TRUE);
	slt_store_bind_text(st, 33, l->theme, TRUE);
	sqlite3_bind_text(st, 34, l->kenmerken, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 35, l->packages, -1, SQLITE_STATIC);
	slt_store_bind_text(st, 36, l->org, TRUE);
	sqlite3_bind_double(st, 37, l->confidence);
	sqlite3_bind_double(st, 38, l->theme_confidence);
	sqlite3_bind_int(st, 39, l->review);
	sqlite3_bind_text(st, 40, l->why, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(st, 41, raw_len ? raw : "", raw_len, SQLITE_STATIC);
	if (!slt_store_exec_stmt(store, st, "cannot record a message", error))
		return FALSE;
	*row = sqlite3_last_insert_rowid(store->db);

	/* The FTS index (no insert trigger: see the schema). */
	st = slt_store_stmt(store, "INSERT INTO messages_fts (rowid, subject, text) VALUES (?, ?, ?)", error);
	if (!st)
		return FALSE;
	sqlite3_bind_int64(st, 1, *row);
	slt_store_bind_text(st, 2, m->subject, FALSE);
	slt_store_bind_text(st, 3, m->text, FALSE);
	if (!slt_store_exec_stmt(store, st, "cannot index a message", error))
		return FALSE;

	for (guint i = 0; i < m->attachments->len; i++) {
		const SltAttachment *a = g_ptr_array_index(m->attachments, i);
		st = slt_store_stmt(store,
			"INSERT INTO message_attachments (message_row, position, filename,"
			" content_type, size, is_tnef, is_inline) VALUES (?, ?, ?, ?, ?, ?, ?)", error);
		if (!st)
			return FALSE;
		sqlite3_bind_int64(st, 1, *row);
		sqlite3_bind_int(st, 2, (int)i);
		slt_store_bind_text(st, 3, a->filename, TRUE);
		sqlite3_bind_text(st, 4, a->content_type ? a->content_type : "application/octet-stream",
				  -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, (gint64)a->size);
		sqlite3_bind_int(st, 6, a->is_tnef);
		sqlite3_bind_int(st, 7, a->is_inline);
		if (!slt_store_exec_stmt(store, st, "cannot record an attachment", error))
			return FALSE;
	}
	return TRUE;
}

/* Dedupe: the row holding these bytes under this Message-ID. */
static gboolean
find_duplicate(SltStore *store, const char *message_id, const guint8 *sha256,
	       gint64 *row, gint64 *request_id, GError **error)
{
	*row = *request_id = 0;
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT id, request_id FROM messages WHERE coalesce(message_id, '') = ? AND sha256 = ?",
		error);
	if (!st)
		return FALSE;
	slt_store_bind_text(st, 1, message_id ? message_id : "", FALSE);
	sqlite3_bind_blob(st, 2, sha256, 32, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*row = sqlite3_column_int64(st, 0);
		*request_id = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return slt_store_fail(store, error, "cannot look for a duplicate");
	return TRUE;
}

gboolean
slt_store_record_incoming(SltStore *store, const SltIncoming *in,
			  SltRecordResult *result, GError **error)
{
	g_return_val_if_fail(store->in_txn, FALSE);
	g_return_val_if_fail(in->msg && in->raw && in->sha256, FALSE);
	memset(result, 0, sizeof *result);
	const SltMessage *m = in->msg;

	gint64 dup, dup_request;
	if (!find_duplicate(store, m->message_id, in->sha256, &dup, &dup_request, error))
		return FALSE;
	if (dup) {
		/* Seen before (a rescan after UIDVALIDITY changed): keep the one
		 * row, but note where the message is now, so a pending keyword
		 * or MOVE reaches it under its new UID. */
		sqlite3_stmt *st = slt_store_stmt(store,
			"UPDATE messages SET mailbox = ?, uidvalidity = ?, uid = ?, imap_pending = ?"
			" WHERE id = ?", error);
		if (!st)
			return FALSE;
		sqlite3_bind_text(st, 1, in->mailbox, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, in->uidvalidity);
		sqlite3_bind_int64(st, 3, in->uid);
		sqlite3_bind_int(st, 4, in->imap_pending);
		sqlite3_bind_int64(st, 5, dup);
		if (!slt_store_exec_stmt(store, st, "cannot update a message's location", error))
			return FALSE;
		result->status = SLT_RECORD_DUPLICATE;
		result->message_row = dup;
		result->request_id = dup_request;
		return TRUE;
	}

	gint64 request_id;
	if (!slt_store_find_thread(store, m->in_reply_to, m->references, m->subject,
				   &request_id, error))
		return FALSE;

	Labels l;
	labels_init(&l, in->labels);
	gint64 now = slt_store_now();
	/* A request opens when the person wrote (a backlog ingested later
	 * keeps its order), unless their clock says something absurd. */
	gint64 written = m->date > 0 && m->date <= now + 86400 ? m->date : now;
	gboolean ok;
	if (request_id == 0) {
		ok = request_create(store, m, &l, written, &request_id, error) &&
			insert_message(store, in, &l, request_id, now, &result->message_row, error);
		if (ok) {
			g_autofree char *detail = g_strdup_printf("message %" G_GINT64_FORMAT,
								  result->message_row);
			ok = slt_store_history_add(store, request_id, "sltd", "open", detail, error);
		}
		result->status = SLT_RECORD_NEW_REQUEST;
	} else {
		ok = insert_message(store, in, &l, request_id, now, &result->message_row, error) &&
			request_follow_up(store, request_id, &l, now, written, result->message_row,
					  &result->reopened, error);
		result->status = SLT_RECORD_FOLLOW_UP;
	}
	labels_clear(&l);
	result->request_id = request_id;
	return ok;
}

gboolean
slt_store_dead_letter(SltStore *store, const SltDeadLetter *dl, gsize raw_max,
		      gint64 *id, GError **error)
{
	g_return_val_if_fail(store->in_txn, FALSE);
	guint8 sha[32];
	gsize sha_len = sizeof sha;
	gsize raw_len = 0;
	const void *raw = dl->raw ? g_bytes_get_data(dl->raw, &raw_len) : NULL;
	if (dl->raw) {
		g_autoptr(GChecksum) ck = g_checksum_new(G_CHECKSUM_SHA256);
		g_checksum_update(ck, raw, raw_len);
		g_checksum_get_digest(ck, sha, &sha_len);
	}
	sqlite3_stmt *st = slt_store_stmt(store,
		"INSERT INTO dead_letters (mailbox, uidvalidity, uid, size, sha256, error, created_at, raw)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
		" ON CONFLICT (sha256) WHERE sha256 IS NOT NULL DO UPDATE SET"
		"  mailbox = ?1, uidvalidity = ?2, uid = ?3, error = ?6"
		" RETURNING id", error);
	if (!st)
		return FALSE;
	sqlite3_bind_text(st, 1, dl->mailbox, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, dl->uidvalidity);
	sqlite3_bind_int64(st, 3, dl->uid);
	sqlite3_bind_int64(st, 4, (gint64)(dl->raw ? raw_len : dl->size));
	if (dl->raw)
		sqlite3_bind_blob(st, 5, sha, 32, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, dl->error, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, slt_store_now());
	if (dl->raw && (raw_max == 0 || raw_len <= raw_max))
		sqlite3_bind_blob64(st, 8, raw_len ? raw : "", raw_len, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && id)
		*id = sqlite3_column_int64(st, 0);
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		slt_store_fail(store, error, "cannot record a dead letter");
		sqlite3_reset(st);
		return FALSE;
	}
	sqlite3_reset(st);
	return TRUE;
}

GArray *
slt_store_imap_pending(SltStore *store, const char *mailbox, guint32 uidvalidity,
		       GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT uid FROM messages WHERE mailbox = ? AND uidvalidity = ? AND imap_pending"
		" ORDER BY uid", error);
	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, mailbox, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, uidvalidity);
	g_autoptr(GArray) uids = g_array_new(FALSE, FALSE, sizeof(guint32));
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		guint32 uid = (guint32)sqlite3_column_int64(st, 0);
		g_array_append_val(uids, uid);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		slt_store_fail(store, error, "cannot read pending IMAP work");
		return NULL;
	}
	return g_steal_pointer(&uids);
}

gboolean
slt_store_imap_done(SltStore *store, const char *mailbox, guint32 uidvalidity,
		    const guint32 *uids, guint n, GError **error)
{
	gboolean own = !store->in_txn;
	if (own && !slt_store_begin(store, error))
		return FALSE;
	gboolean ok = TRUE;
	for (guint i = 0; ok && i < n; i++) {
		sqlite3_stmt *st = slt_store_stmt(store,
			"UPDATE messages SET imap_pending = 0"
			" WHERE mailbox = ? AND uidvalidity = ? AND uid = ? AND imap_pending", error);
		if (!st) {
			ok = FALSE;
			break;
		}
		sqlite3_bind_text(st, 1, mailbox, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, uidvalidity);
		sqlite3_bind_int64(st, 3, uids[i]);
		ok = slt_store_exec_stmt(store, st, "cannot mark IMAP work done", error);
	}
	if (own) {
		if (ok)
			ok = slt_store_commit(store, error);
		else
			slt_store_rollback(store);
	}
	return ok;
}

GArray *
slt_store_search(SltStore *store, const char *query, guint limit, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rank LIMIT ?",
		error);
	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, limit ? (gint64)limit : -1);
	g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof(gint64));
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64(st, 0);
		g_array_append_val(rows, id);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		slt_store_fail(store, error, "cannot search");
		return NULL;
	}
	return g_steal_pointer(&rows);
}

void
slt_request_row_free(SltRequestRow *row)
{
	if (!row)
		return;
	g_free(row->ref);
	g_free(row->status);
	g_free(row->assignee);
	g_free(row->org);
	g_free(row->requester_addr);
	g_free(row->requester_name);
	g_free(row->intent);
	g_free(row->theme);
	g_clear_pointer(&row->packages, g_ptr_array_unref);
	g_free(row->subject);
	g_free(row);
}

gboolean
slt_store_counts(SltStore *store, gint64 *messages, gint64 *requests,
		 gint64 *dead_letters, GError **error)
{
	sqlite3_stmt *st = slt_store_stmt(store,
		"SELECT (SELECT count(*) FROM messages WHERE direction = 'in'),"
		" (SELECT count(*) FROM requests), (SELECT count(*) FROM dead_letters)", error);
	if (!st)
		return FALSE;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (messages)
			*messages = sqlite3_column_int64(st, 0);
		if (requests)
			*requests = sqlite3_column_int64(st, 1);
		if (dead_letters)
			*dead_letters = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return slt_store_fail(store, error, "cannot count");
	return TRUE;
}
