/* SPDX-License-Identifier: MIT */
/* test-store: schema and migrations (also from an old database, and a
 * failed migration), dedupe, threading (references, our own replies,
 * [SLT-n] tags), reopening, dead letters, checkpoints, the poison guard,
 * full-text search kept in step on erasure, on temp SQLite files.
 * It is the store's own test, so it may look inside (store-private.h). */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "store-private.h"
#include "store-queue.h"

typedef struct {
	char *dir;
	char *path;
	SltStore *store;
} Fixture;

static void
fixture_set_up(Fixture *f, gconstpointer data)
{
	(void)data;
	f->dir = g_dir_make_tmp("test-store-XXXXXX", NULL);
	g_assert_nonnull(f->dir);
	f->path = g_build_filename(f->dir, "sltd.db", NULL);
	g_autoptr(GError) error = NULL;
	f->store = slt_store_open(f->path, SLT_STORE_OPEN_CREATE, &error);
	g_assert_no_error(error);
}

static void
fixture_tear_down(Fixture *f, gconstpointer data)
{
	(void)data;
	slt_store_close(f->store);
	const char *suffixes[] = { "", "-wal", "-shm" };
	for (gsize i = 0; i < G_N_ELEMENTS(suffixes); i++) {
		g_autofree char *p = g_strconcat(f->path, suffixes[i], NULL);
		g_unlink(p);
	}
	g_rmdir(f->dir);
	g_free(f->path);
	g_free(f->dir);
}

/* A parsed message as mime would hand it over, built by hand so the store
 * is tested on its own. */
typedef struct {
	SltMessage msg;
	SltClassification labels;
	GBytes *raw;
	guint8 sha[32];
} TestMail;

static TestMail *
mail_new(const char *message_id, const char *subject, const char *text)
{
	TestMail *t = g_new0(TestMail, 1);
	t->msg.message_id = g_strdup(message_id);
	t->msg.subject = g_strdup(subject);
	t->msg.text = g_strdup(text);
	t->msg.new_text = g_strdup(text);
	t->msg.from_addr = g_strdup("a.jansen@utrecht.nl");
	t->msg.from_name = g_strdup("Anna Jansen");
	t->msg.date = 1742290925;
	t->msg.references = g_ptr_array_new_with_free_func(g_free);
	t->msg.machine_evidence = g_ptr_array_new_with_free_func(g_free);
	t->msg.attachments = g_ptr_array_new();
	t->msg.embedded = g_ptr_array_new();
	t->msg.defects = g_ptr_array_new_with_free_func(g_free);
	t->labels.intent = g_strdup("vraag");
	t->labels.theme = g_strdup("visie");
	t->labels.org = g_strdup("gemeente:Utrecht");
	t->labels.kenmerken = g_ptr_array_new_with_free_func(g_free);
	t->labels.packages = g_ptr_array_new_with_free_func(g_free);
	t->labels.why = g_ptr_array_new_with_free_func(g_free);
	t->labels.confidence = 0.9;
	g_ptr_array_add(t->labels.why, g_strdup("\"vraag\" in the subject"));
	g_autofree char *raw = g_strdup_printf("Message-ID: <%s>\r\nSubject: %s\r\n\r\n%s\r\n",
					       message_id ? message_id : "", subject, text);
	t->raw = g_bytes_new(raw, strlen(raw));
	gsize len = sizeof t->sha;
	g_autoptr(GChecksum) ck = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(ck, (const guchar *)raw, strlen(raw));
	g_checksum_get_digest(ck, t->sha, &len);
	return t;
}

static void
mail_free(TestMail *t)
{
	g_free(t->msg.message_id);
	g_free(t->msg.subject);
	g_free(t->msg.text);
	g_free(t->msg.new_text);
	g_free(t->msg.from_addr);
	g_free(t->msg.from_name);
	g_free(t->msg.in_reply_to);
	g_ptr_array_unref(t->msg.references);
	g_ptr_array_unref(t->msg.machine_evidence);
	g_ptr_array_unref(t->msg.attachments);
	g_ptr_array_unref(t->msg.embedded);
	g_ptr_array_unref(t->msg.defects);
	g_free(t->labels.intent);
	g_free(t->labels.theme);
	g_free(t->labels.org);
	g_ptr_array_unref(t->labels.kenmerken);
	g_ptr_array_unref(t->labels.packages);
	g_ptr_array_unref(t->labels.why);
	g_bytes_unref(t->raw);
	g_free(t);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TestMail, mail_free)

/* Record t as UID uid of INBOX in its own transaction. */
static SltRecordResult
record(SltStore *store, TestMail *t, guint32 uidvalidity, guint32 uid)
{
	SltIncoming in = {
		.mailbox = "INBOX", .uidvalidity = uidvalidity, .uid = uid,
		.imap_flags = "", .raw = t->raw, .sha256 = t->sha,
		.msg = &t->msg, .labels = &t->labels,
	};
	SltRecordResult r;
	g_autoptr(GError) error = NULL;
	g_assert_true(slt_store_begin(store, &error));
	slt_store_record_incoming(store, &in, &r, &error);
	g_assert_no_error(error);
	g_assert_true(slt_store_set_checkpoint(store, "INBOX", uidvalidity, uid, &error));
	g_assert_true(slt_store_commit(store, &error));
	return r;
}

static gint64
query_int(SltStore *store, const char *sql)
{
	sqlite3_stmt *st = NULL;
	g_assert_cmpint(sqlite3_prepare_v2(store->db, sql, -1, &st, NULL), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
	gint64 v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static char *
query_text(SltStore *store, const char *sql)
{
	sqlite3_stmt *st = NULL;
	g_assert_cmpint(sqlite3_prepare_v2(store->db, sql, -1, &st, NULL), ==, SQLITE_OK);
	char *v = NULL;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = slt_store_column_dup(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
exec_ok(SltStore *store, const char *sql)
{
	g_autoptr(GError) error = NULL;
	g_assert_true(slt_store_exec(store, sql, &error));
	g_assert_no_error(error);
}

static void
test_schema(Fixture *f, gconstpointer data)
{
	(void)data;
	g_assert_cmpint(slt_store_schema_version(f->store), ==, SLT_STORE_SCHEMA_VERSION);
	g_autofree char *mode = query_text(f->store, "PRAGMA journal_mode");
	g_assert_cmpstr(mode, ==, "wal");
	g_assert_cmpint(query_int(f->store, "PRAGMA foreign_keys"), ==, 1);
	g_assert_cmpint(query_int(f->store, "PRAGMA synchronous"), ==, 1); /* NORMAL */
	g_assert_cmpint(f->store->busy_ms, ==, SLT_STORE_BUSY_TIMEOUT_MS);
	const char *tables[] = { "checkpoints", "daemon_status", "requests", "messages",
		"message_attachments", "messages_fts", "request_history", "label_corrections",
		"audit", "dead_letters", "packages", "publications", "waitlist", "outbox" };
	for (gsize i = 0; i < G_N_ELEMENTS(tables); i++) {
		g_autofree char *sql = g_strdup_printf(
			"SELECT count(*) FROM sqlite_schema WHERE name = '%s'", tables[i]);
		g_assert_cmpint(query_int(f->store, sql), ==, 1);
	}
	g_autoptr(GError) error = NULL;
	g_assert_true(slt_store_check(f->store, &error));
	g_assert_no_error(error);

	/* Opening again is a no-op; a second connection sees the same. */
	g_autoptr(SltStore) again = slt_store_open(f->path, 0, &error);
	g_assert_no_error(error);
	g_assert_cmpint(slt_store_schema_version(again), ==, SLT_STORE_SCHEMA_VERSION);
}

static void
test_open_errors(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp("test-store-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "none.db", NULL);
	/* Without CREATE the file must exist (sltctl never makes one). */
	SltStore *s = slt_store_open(path, 0, &error);
	g_assert_null(s);
	g_assert_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_OPEN);
	g_assert_nonnull(strstr(error->message, path));
	g_clear_error(&error);
	g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));

	/* A file that is not a database. */
	g_autofree char *junk = g_build_filename(dir, "junk.db", NULL);
	g_assert_true(g_file_set_contents(junk, "this is not sqlite, just text that is long enough "
					  "to fill a header of one hundred bytes or so, really", -1, NULL));
	s = slt_store_open(junk, SLT_STORE_OPEN_CREATE, &error);
	g_assert_null(s);
	g_assert_nonnull(error);
	g_clear_error(&error);
	g_unlink(junk);
	g_rmdir(dir);
}

static void
test_schema_newer(Fixture *f, gconstpointer data)
{
	(void)data;
	exec_ok(f->store, "PRAGMA user_version = 99");
	g_autoptr(GError) error = NULL;
	SltStore *s = slt_store_open(f->path, 0, &error);
	g_assert_null(s);
	g_assert_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_SCHEMA);
	g_assert_nonnull(strstr(error->message, "schema 99"));
}

/* A database left at schema 1 (before the replies), with data in it, is
 * brought up to date by a plain open, and the data survives. */
static void
test_migrate_old(void)
{
	g_autofree char *dir = g_dir_make_tmp("test-store-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "old.db", NULL);
	g_autoptr(GError) error = NULL;
	SltStore *old = slt_store_open_at(path, SLT_STORE_OPEN_CREATE, 1, &error);
	g_assert_no_error(error);
	g_assert_cmpint(slt_store_schema_version(old), ==, 1);
	g_assert_cmpint(query_int(old, "SELECT count(*) FROM sqlite_schema WHERE name = 'outbox'"), ==, 0);
	g_assert_true(slt_store_begin(old, &error));
	g_assert_true(slt_store_set_checkpoint(old, "INBOX", 77, 12, &error));
	exec_ok(old, "INSERT INTO requests (opened_at, updated_at, subject) VALUES (1, 1, 'oud verzoek')");
	g_assert_true(slt_store_commit(old, &error));
	slt_store_close(old);

	g_autoptr(SltStore) s = slt_store_open(path, 0, &error);
	g_assert_no_error(error);
	g_assert_cmpint(slt_store_schema_version(s), ==, SLT_STORE_SCHEMA_VERSION);
	g_assert_cmpint(query_int(s, "SELECT count(*) FROM sqlite_schema WHERE name = 'outbox'"), ==, 1);
	SltCheckpoint cp;
	g_assert_true(slt_store_get_checkpoint(s, "INBOX", &cp, &error));
	g_assert_cmpuint(cp.uidvalidity, ==, 77);
	g_assert_cmpuint(cp.last_uid, ==, 12);
	g_autofree char *subj = query_text(s, "SELECT subject FROM requests WHERE ref = 'SLT-1'");
	g_assert_cmpstr(subj, ==, "oud verzoek");
	g_assert_true(slt_store_check(s, &error));

	slt_store_close(g_steal_pointer(&s));
	const char *suffixes[] = { "", "-wal", "-shm" };
	for (gsize i = 0; i < G_N_ELEMENTS(suffixes); i++) {
		g_autofree char *p = g_strconcat(path, suffixes[i], NULL);
		g_unlink(p);
	}
	g_rmdir(dir);
}

/* A migration that fails half-way leaves nothing of itself behind: the
 * database stays at the old version with the old tables. */
static void
test_migrate_fails_atomically(void)
{
	g_autofree char *dir = g_dir_make_tmp("test-store-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "old.db", NULL);
	g_autoptr(GError) error = NULL;
	SltStore *old = slt_store_open_at(path, SLT_STORE_OPEN_CREATE, 1, &error);
	g_assert_no_error(error);
	/* Migration 2 creates packages first and outbox last: a table of that
	 * name already there makes it fail after packages was created. */
	exec_ok(old, "CREATE TABLE outbox (x)");
	slt_store_close(old);

	SltStore *s = slt_store_open(path, 0, &error);
	g_assert_null(s);
	g_assert_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_SCHEMA);
	g_assert_nonnull(strstr(error->message, "schema 2"));
	g_clear_error(&error);

	old = slt_store_open_at(path, 0, 1, &error);
	g_assert_no_error(error);
	g_assert_cmpint(slt_store_schema_version(old), ==, 1);
	g_assert_cmpint(query_int(old, "SELECT count(*) FROM sqlite_schema WHERE name = 'packages'"), ==, 0);
	g_assert_false(slt_store_in_transaction(old));
	slt_store_close(old);

	const char *suffixes[] = { "", "-wal", "-shm" };
	for (gsize i = 0; i < G_N_ELEMENTS(suffixes); i++) {
		g_autofree char *p = g_strconcat(path, suffixes[i], NULL);
		g_unlink(p);
	}
	g_rmdir(dir);
}

static void
test_dedupe(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autoptr(TestMail) a = mail_new("a@utrecht.nl", "Vraag over visie", "Hoe begin ik?");
	SltRecordResult r1 = record(f->store, a, 100, 1);
	g_assert_cmpint(r1.status, ==, SLT_RECORD_NEW_REQUEST);
	g_assert_cmpint(r1.request_id, ==, 1);

	/* The same bytes again under a new UIDVALIDITY: not recorded twice,
	 * but its location follows. */
	SltRecordResult r2 = record(f->store, a, 200, 7);
	g_assert_cmpint(r2.status, ==, SLT_RECORD_DUPLICATE);
	g_assert_cmpint(r2.message_row, ==, r1.message_row);
	g_assert_cmpint(r2.request_id, ==, r1.request_id);
	g_assert_cmpint(query_int(f->store, "SELECT count(*) FROM messages"), ==, 1);
	g_assert_cmpint(query_int(f->store, "SELECT uidvalidity * 1000 + uid FROM messages"), ==, 200007);

	/* Same Message-ID, other bytes: a different message. */
	g_autoptr(TestMail) a2 = mail_new("a@utrecht.nl", "Vraag over visie", "Hoe begin ik? (2)");
	SltRecordResult r3 = record(f->store, a2, 200, 8);
	g_assert_cmpint(r3.status, !=, SLT_RECORD_DUPLICATE);

	/* No Message-ID: dedupe on the bytes alone. */
	g_autoptr(TestMail) n = mail_new(NULL, "zonder id", "tekst");
	g_assert_cmpint(record(f->store, n, 200, 9).status, ==, SLT_RECORD_NEW_REQUEST);
	g_assert_cmpint(record(f->store, n, 200, 10).status, ==, SLT_RECORD_DUPLICATE);
	g_autoptr(TestMail) n2 = mail_new(NULL, "zonder id", "andere tekst");
	g_assert_cmpint(record(f->store, n2, 200, 11).status, ==, SLT_RECORD_NEW_REQUEST);
	/* ... and a message without one never threads onto another without. */
	g_assert_cmpint(query_int(f->store, "SELECT count(*) FROM messages WHERE message_id IS NULL"), ==, 2);
	g_assert_cmpint(query_int(f->store, "SELECT count(DISTINCT request_id) FROM messages WHERE message_id IS NULL"), ==, 2);

	/* The unique index holds even against a direct insert. */
	g_autoptr(GError) error = NULL;
	g_assert_false(slt_store_exec(f->store,
		"INSERT INTO messages (message_id, sha256, size, created_at)"
		" SELECT message_id, sha256, size, created_at FROM messages WHERE id = 1", &error));
	g_assert_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_CONSTRAINT);
	g_assert_true(slt_store_check(f->store, NULL));
}

static void
test_threading(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autoptr(TestMail) a = mail_new("a@x", "Sparren over inkoop", "Kunnen we sparren?");
	SltRecordResult ra = record(f->store, a, 1, 1);
	g_assert_cmpint(ra.status, ==, SLT_RECORD_NEW_REQUEST);

	/* In-Reply-To names a, with References too. */
	g_autoptr(TestMail) b = mail_new("b@x", "RE: Sparren over inkoop", "Aanvulling");
	b->msg.in_reply_to = g_strdup("a@x");
	g_ptr_array_add(b->msg.references, g_strdup("a@x"));
	SltRecordResult rb = record(f->store, b, 1, 2);
	g_assert_cmpint(rb.status, ==, SLT_RECORD_FOLLOW_UP);
	g_assert_cmpint(rb.request_id, ==, ra.request_id);

	/* Only References, newest last, the newest unknown to us. */
	g_autoptr(TestMail) c = mail_new("c@x", "Re: Re: iets", "nog iets");
	g_ptr_array_add(c->msg.references, g_strdup("a@x"));
	g_ptr_array_add(c->msg.references, g_strdup("unknown@elsewhere"));
	g_assert_cmpint(record(f->store, c, 1, 3).request_id, ==, ra.request_id);

	/* A tag in the subject, no headers. */
	g_autofree char *subj = g_strdup_printf("Antw: [SLT-%" G_GINT64_FORMAT "] Sparren", ra.request_id);
	g_autoptr(TestMail) d = mail_new("d@x", subj, "via de tag");
	SltRecordResult rd = record(f->store, d, 1, 4);
	g_assert_cmpint(rd.status, ==, SLT_RECORD_FOLLOW_UP);
	g_assert_cmpint(rd.request_id, ==, ra.request_id);

	/* A tag naming no request opens a new one. */
	g_autoptr(TestMail) e = mail_new("e@x", "[SLT-999] verzonnen", "tekst");
	SltRecordResult re = record(f->store, e, 1, 5);
	g_assert_cmpint(re.status, ==, SLT_RECORD_NEW_REQUEST);
	g_assert_cmpint(re.request_id, !=, ra.request_id);

	/* A reply to our reply (its Message-ID is only in the outbox). */
	g_autofree char *sql = g_strdup_printf(
		"INSERT INTO outbox (request_id, message_id, kind, rcpt, created_at, state)"
		" VALUES (%" G_GINT64_FORMAT ", 'reply-1@vng.nl', 'ack-sparring', 'a.jansen@utrecht.nl', 1, 'sent')",
		ra.request_id);
	exec_ok(f->store, sql);
	g_autoptr(TestMail) g = mail_new("g@x", "Re: Uw verzoek", "Dank voor uw antwoord");
	g->msg.in_reply_to = g_strdup("reply-1@vng.nl");
	g_assert_cmpint(record(f->store, g, 1, 6).request_id, ==, ra.request_id);

	g_assert_cmpint(query_int(f->store, "SELECT count(*) FROM requests"), ==, 2);
	g_autofree char *hist = g_strdup_printf(
		"SELECT count(*) FROM request_history WHERE request_id = %" G_GINT64_FORMAT
		" AND action = 'message'", ra.request_id);
	g_assert_cmpint(query_int(f->store, hist), ==, 4);

	/* The request is waiting on the customer; an automatic reply does not
	 * reopen it, the person writing back does. */
	exec_ok(f->store, "UPDATE requests SET status = 'wacht-op-klant' WHERE id = 1");
	g_autoptr(TestMail) ooo = mail_new("ooo@x", "Automatisch antwoord: Uw verzoek", "Ik ben afwezig");
	ooo->msg.in_reply_to = g_strdup("reply-1@vng.nl");
	g_free(ooo->labels.intent);
	ooo->labels.intent = g_strdup("automatisch");
	SltRecordResult rooo = record(f->store, ooo, 1, 7);
	g_assert_cmpint(rooo.request_id, ==, 1);
	g_assert_false(rooo.reopened);
	g_autofree char *st1 = query_text(f->store, "SELECT status FROM requests WHERE id = 1");
	g_assert_cmpstr(st1, ==, "wacht-op-klant");
	g_autoptr(TestMail) h = mail_new("h@x", "Re: Uw verzoek", "Hier is het antwoord");
	h->msg.in_reply_to = g_strdup("reply-1@vng.nl");
	gint64 v0 = query_int(f->store, "SELECT version FROM requests WHERE id = 1");
	SltRecordResult rh = record(f->store, h, 1, 8);
	g_assert_true(rh.reopened);
	g_autofree char *st2 = query_text(f->store, "SELECT status FROM requests WHERE id = 1");
	g_assert_cmpstr(st2, ==, "open");
	g_assert_cmpint(query_int(f->store, "SELECT version FROM requests WHERE id = 1"), ==, v0 + 1);
	g_assert_cmpint(query_int(f->store, "SELECT count(*) FROM request_history WHERE request_id = 1"
				  " AND action = 'status' AND who = 'sltd'"), ==, 1);
}

/* The classifier's weak first labels give way to a real intent in a
 * follow-up; labels staff set never do. */
static void
test_follow_up_labels(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autoptr(TestMail) a = mail_new("a@x", "Doorgestuurd", "zie onder");
	g_free(a->labels.intent);
	a->labels.intent = g_strdup("overig");
	g_assert_cmpint(record(f->store, a, 1, 1).request_id, ==, 1);
	g_autoptr(TestMail) b = mail_new("b@x", "Re: Doorgestuurd", "Wij willen sparren");
	b->msg.in_reply_to = g_strdup("a@x");
	g_free(b->labels.intent);
	b->labels.intent = g_strdup("sparring");
	record(f->store, b, 1, 2);
	g_autofree char *i1 = query_text(f->store, "SELECT intent FROM requests WHERE id = 1");
	g_assert_cmpstr(i1, ==, "sparring");

	exec_ok(f->store, "UPDATE requests SET intent = 'overig', labels_by = 'marieke' WHERE id = 1");
	g_autoptr(TestMail) c = mail_new("c@x", "Re: Doorgestuurd", "Nogmaals sparren");
	c->msg.in_reply_to = g_strdup("b@x");
	g_free(c->labels.intent);
	c->labels.intent = g_strdup("sparring");
	record(f->store, c, 1, 3);
	g_autofree char *i2 = query_text(f->store, "SELECT intent FROM requests WHERE id = 1");
	g_assert_cmpstr(i2, ==, "overig");
}

static void
test_fields(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autoptr(TestMail) a = mail_new("a@x", "Werkpakket visie", "Graag het pakket");
	g_ptr_array_add(a->labels.packages, g_strdup("visie"));
	g_ptr_array_add(a->labels.kenmerken, g_strdup("k1-integraal"));
	g_ptr_array_add(a->msg.machine_evidence, g_strdup("X-Auto-Response-Suppress: All"));
	a->msg.machine = SLT_MACHINE_SUPPRESS;
	SltAttachment att = { .filename = (char *)"offerte \"reünie\".pdf",
			      .content_type = (char *)"application/pdf", .size = 1234 };
	g_ptr_array_add(a->msg.attachments, &att);
	SltRecordResult r = record(f->store, a, 5, 42);
	g_ptr_array_set_size(a->msg.attachments, 0);

	g_autofree char *sql = g_strdup_printf("SELECT packages FROM messages WHERE id = %" G_GINT64_FORMAT,
					       r.message_row);
	g_autofree char *pk = query_text(f->store, sql);
	g_assert_cmpstr(pk, ==, "[\"visie\"]");
	g_autofree char *why = query_text(f->store, "SELECT value FROM messages, json_each(messages.why)");
	g_assert_cmpstr(why, ==, "\"vraag\" in the subject");
	g_autofree char *ev = query_text(f->store, "SELECT value FROM messages, json_each(messages.machine_evidence)");
	g_assert_cmpstr(ev, ==, "X-Auto-Response-Suppress: All");
	g_autofree char *fn = query_text(f->store, "SELECT filename FROM message_attachments");
	g_assert_cmpstr(fn, ==, "offerte \"reünie\".pdf");
	g_assert_cmpint(query_int(f->store, "SELECT size FROM message_attachments"), ==, 1234);
	g_assert_cmpint(query_int(f->store, "SELECT length(raw) = size AND size > 0 FROM messages"), ==, 1);
	g_assert_cmpint(query_int(f->store, "SELECT length(sha256) FROM messages"), ==, 32);
	g_autofree char *org = query_text(f->store, "SELECT org FROM requests WHERE id = 1");
	g_assert_cmpstr(org, ==, "gemeente:Utrecht");
	g_autofree char *ref = query_text(f->store, "SELECT ref FROM requests WHERE id = 1");
	g_assert_cmpstr(ref, ==, "SLT-1");
	g_autofree char *rpk = query_text(f->store, "SELECT packages FROM requests WHERE id = 1");
	g_assert_cmpstr(rpk, ==, "[\"visie\"]");
}

static void
test_rollback(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autoptr(TestMail) a = mail_new("a@x", "s", "t");
	SltIncoming in = { .mailbox = "INBOX", .uidvalidity = 1, .uid = 1, .raw = a->raw,
			   .sha256 = a->sha, .msg = &a->msg, .labels = &a->labels };
	SltRecordResult r;
	g_autoptr(GError) error = NULL;
	g_assert_true(slt_store_begin(f->store, &error));
	g_assert_true(slt_store_record_incoming(f->store, &in, &r, &error));
	g_assert_true(slt_store_set_checkpoint(f->store, "INBOX", 1, 1, &error));
	slt_store_rollback(f->store);
	gint64 m = -1, q = -1, d = -1;
	g_assert_true(slt_store_counts(f->store, &m, &q, &d, &error));
	g_assert_cmpint(m, ==, 0);
	g_assert_cmpint(q, ==, 0);
	SltCheckpoint cp;
	g_assert_true(slt_store_get_checkpoint(f->store, "INBOX", &cp, &error));
	g_assert_cmpuint(cp.last_uid, ==, 0);
	g_assert_cmpint(query_int(f->store, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 's'"), ==, 0);
}

static void
test_dead_letters(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autoptr(GError) error = NULL;
	static const char poison[] = "not a message at all";
	g_autoptr(GBytes) raw = g_bytes_new_static(poison, sizeof poison - 1);
	SltDeadLetter dl = { .mailbox = "INBOX", .uidvalidity = 3, .uid = 9, .size = sizeof poison - 1,
			     .raw = raw, .error = "no header block" };
	gint64 id1 = 0, id2 = 0, id3 = 0;
	g_assert_true(slt_store_begin(f->store, &error));
	g_assert_true(slt_store_dead_letter(f->store, &dl, 0, &id1, &error));
	g_assert_true(slt_store_set_checkpoint(f->store, "INBOX", 3, 9, &error));
	g_assert_true(slt_store_commit(f->store, &error));
	g_assert_cmpint(id1, >, 0);

	/* The same bytes after a UIDVALIDITY change: one row, new location. */
	dl.uidvalidity = 4;
	dl.uid = 2;
	g_assert_true(slt_store_begin(f->store, &error));
	g_assert_true(slt_store_dead_letter(f->store, &dl, 0, &id2, &error));
	g_assert_true(slt_store_commit(f->store, &error));
	g_assert_cmpint(id2, ==, id1);
	g_assert_cmpint(query_int(f->store, "SELECT count(*) FROM dead_letters"), ==, 1);
	g_assert_cmpint(query_int(f->store, "SELECT uidvalidity * 100 + uid FROM dead_letters"), ==, 402);
	g_autofree char *kept = query_text(f->store, "SELECT raw FROM dead_letters");
	g_assert_cmpstr(kept, ==, poison);

	/* Too big: no bytes, only the size; above raw_max the bytes go. */
	SltDeadLetter big = { .mailbox = "INBOX", .uidvalidity = 4, .uid = 3, .size = 30000000,
			      .raw = NULL, .error = "message of 30000000 bytes is above the cap" };
	SltDeadLetter capped = dl;
	static const char other[] = "other poison bytes";
	g_autoptr(GBytes) raw2 = g_bytes_new_static(other, sizeof other - 1);
	capped.raw = raw2;
	capped.uid = 4;
	g_assert_true(slt_store_begin(f->store, &error));
	g_assert_true(slt_store_dead_letter(f->store, &big, 0, &id3, &error));
	g_assert_true(slt_store_dead_letter(f->store, &capped, 5, NULL, &error));
	g_assert_true(slt_store_commit(f->store, &error));
	g_assert_cmpint(id3, >, id1);
	g_assert_cmpint(query_int(f->store, "SELECT size FROM dead_letters WHERE uid = 3"), ==, 30000000);
	g_assert_cmpint(query_int(f->store, "SELECT raw IS NULL AND sha256 IS NULL FROM dead_letters WHERE uid = 3"), ==, 1);
	g_assert_cmpint(query_int(f->store, "SELECT raw IS NULL AND sha256 IS NOT NULL FROM dead_letters WHERE uid = 4"), ==, 1);
	gint64 d = 0;
	g_assert_true(slt_store_counts(f->store, NULL, NULL, &d, &error));
	g_assert_cmpint(d, ==, 3);
}

static void
test_checkpoint(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autoptr(GError) error = NULL;
	SltCheckpoint cp;
	g_assert_true(slt_store_get_checkpoint(f->store, "INBOX", &cp, &error));
	g_assert_cmpuint(cp.uidvalidity, ==, 0);

	guint n = 0;
	g_assert_true(slt_store_note_crash(f->store, "INBOX", 5, 10, &n, &error));
	g_assert_cmpuint(n, ==, 1);
	g_assert_true(slt_store_note_crash(f->store, "INBOX", 5, 10, &n, &error));
	g_assert_cmpuint(n, ==, 2);
	g_assert_true(slt_store_note_crash(f->store, "INBOX", 5, 11, &n, &error));
	g_assert_cmpuint(n, ==, 1);
	g_assert_false(slt_store_in_transaction(f->store));

	g_assert_true(slt_store_begin(f->store, &error));
	g_assert_true(slt_store_set_checkpoint(f->store, "INBOX", 5, 11, &error));
	g_assert_true(slt_store_commit(f->store, &error));
	g_assert_true(slt_store_get_checkpoint(f->store, "INBOX", &cp, &error));
	g_assert_cmpuint(cp.uidvalidity, ==, 5);
	g_assert_cmpuint(cp.last_uid, ==, 11);
	g_assert_cmpuint(cp.attempt_uid, ==, 11);
	g_assert_cmpuint(cp.attempts, ==, 1);

	/* A new UIDVALIDITY starts over. */
	g_assert_true(slt_store_begin(f->store, &error));
	g_assert_true(slt_store_set_checkpoint(f->store, "INBOX", 6, 0, &error));
	g_assert_true(slt_store_commit(f->store, &error));
	g_assert_true(slt_store_get_checkpoint(f->store, "INBOX", &cp, &error));
	g_assert_cmpuint(cp.uidvalidity, ==, 6);
	g_assert_cmpuint(cp.last_uid, ==, 0);
	g_assert_cmpuint(cp.attempts, ==, 0);
	/* Other mailboxes are separate. */
	g_assert_true(slt_store_get_checkpoint(f->store, "Archief", &cp, &error));
	g_assert_cmpuint(cp.uidvalidity, ==, 0);
}

static void
test_imap_pending(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autoptr(GError) error = NULL;
	g_autoptr(TestMail) a = mail_new("a@x", "s", "t1");
	g_autoptr(TestMail) b = mail_new("b@x", "s", "t2");
	g_autoptr(TestMail) c = mail_new("c@x", "s", "t3");
	TestMail *ms[] = { a, b, c };
	for (guint i = 0; i < 3; i++) {
		SltIncoming in = { .mailbox = "INBOX", .uidvalidity = 9, .uid = 20 + i, .raw = ms[i]->raw,
				   .sha256 = ms[i]->sha, .msg = &ms[i]->msg, .labels = &ms[i]->labels,
				   .imap_pending = i != 1 };
		SltRecordResult r;
		g_assert_true(slt_store_begin(f->store, &error));
		g_assert_true(slt_store_record_incoming(f->store, &in, &r, &error));
		g_assert_true(slt_store_commit(f->store, &error));
	}
	g_autoptr(GArray) p = slt_store_imap_pending(f->store, "INBOX", 9, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(p->len, ==, 2);
	g_assert_cmpuint(g_array_index(p, guint32, 0), ==, 20);
	g_assert_cmpuint(g_array_index(p, guint32, 1), ==, 22);
	g_assert_true(slt_store_imap_done(f->store, "INBOX", 9, (guint32 *)(void *)p->data, 1, &error));
	g_autoptr(GArray) p2 = slt_store_imap_pending(f->store, "INBOX", 9, &error);
	g_assert_cmpuint(p2->len, ==, 1);
	g_assert_cmpuint(g_array_index(p2, guint32, 0), ==, 22);
	g_autoptr(GArray) p3 = slt_store_imap_pending(f->store, "INBOX", 8, &error);
	g_assert_cmpuint(p3->len, ==, 0);
}

static void
test_fts(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autoptr(GError) error = NULL;
	g_autoptr(TestMail) a = mail_new("a@x", "Vraag over inkoopbeleid", "Wij zoeken een regisseur voor de wijkteams");
	g_autoptr(TestMail) b = mail_new("b@x", "Sparren", "Onze gemeente wil samenwerking met de huisartsen");
	g_autoptr(TestMail) c = mail_new("c@x", "Re: regisseur", "Ook wij hebben een regisseur nodig, met een café-overleg");
	SltRecordResult ra = record(f->store, a, 1, 1);
	record(f->store, b, 1, 2);
	SltRecordResult rc = record(f->store, c, 1, 3);

	g_autoptr(GArray) hits = slt_store_search(f->store, "regisseur", 10, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(hits->len, ==, 2);
	g_autoptr(GArray) s = slt_store_search(f->store, "inkoopbeleid", 10, &error);
	g_assert_cmpuint(s->len, ==, 1);
	g_assert_cmpint(g_array_index(s, gint64, 0), ==, ra.message_row);
	/* Diacritics fold: "cafe" finds "café". */
	g_autoptr(GArray) cafe = slt_store_search(f->store, "cafe", 10, &error);
	g_assert_cmpuint(cafe->len, ==, 1);
	g_assert_cmpint(g_array_index(cafe, gint64, 0), ==, rc.message_row);

	/* Erasure (text and subject cleared) takes the message out of the
	 * index; so does deleting it. */
	g_autofree char *erase = g_strdup_printf(
		"UPDATE messages SET subject = NULL, text = NULL, new_text = NULL, raw = NULL,"
		" erased_at = 1 WHERE id = %" G_GINT64_FORMAT, ra.message_row);
	exec_ok(f->store, erase);
	exec_ok(f->store, "INSERT INTO messages_fts(messages_fts) VALUES ('optimize')");
	g_autoptr(GArray) s2 = slt_store_search(f->store, "inkoopbeleid", 10, &error);
	g_assert_cmpuint(s2->len, ==, 0);
	g_autoptr(GArray) s3 = slt_store_search(f->store, "regisseur", 10, &error);
	g_assert_cmpuint(s3->len, ==, 1);
	g_autofree char *del = g_strdup_printf("DELETE FROM messages WHERE id = %" G_GINT64_FORMAT, rc.message_row);
	exec_ok(f->store, del);
	g_autoptr(GArray) s4 = slt_store_search(f->store, "regisseur", 10, &error);
	g_assert_cmpuint(s4->len, ==, 0);
	g_assert_true(slt_store_check(f->store, &error));
	g_assert_no_error(error);

	/* A malformed query is an error, not a crash. */
	g_autoptr(GArray) bad = slt_store_search(f->store, "\"unbalanced", 10, &error);
	g_assert_null(bad);
	g_assert_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_FAILED);
}

static void
test_list(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autoptr(GError) error = NULL;
	g_autoptr(TestMail) a = mail_new("a@x", "Eerste", "een");
	g_autoptr(TestMail) b = mail_new("b@x", "Tweede", "twee");
	record(f->store, a, 1, 1);
	record(f->store, b, 1, 2);
	exec_ok(f->store, "UPDATE requests SET opened_at = opened_at - 100 WHERE id = 1");
	exec_ok(f->store, "UPDATE requests SET status = 'afgerond' WHERE id = 2");

	SltQueueFilter q;
	slt_queue_filter_init(&q);
	g_autoptr(GPtrArray) open = slt_store_queue_list(f->store, &q, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(open->len, ==, 1);
	SltRequestRow *r = g_ptr_array_index(open, 0);
	g_assert_cmpstr(r->ref, ==, "SLT-1");
	g_assert_cmpstr(r->subject, ==, "Eerste");
	g_assert_cmpstr(r->org, ==, "gemeente:Utrecht");
	g_assert_cmpstr(r->intent, ==, "vraag");
	g_assert_cmpuint(r->n_messages, ==, 1);

	q.all = TRUE;
	g_autoptr(GPtrArray) rows = slt_store_queue_list(f->store, &q, &error);
	g_assert_cmpuint(rows->len, ==, 2);
	g_assert_cmpstr(((SltRequestRow *)g_ptr_array_index(rows, 0))->ref, ==, "SLT-2");
	slt_queue_filter_init(&q);
	q.status = "afgerond";
	g_autoptr(GPtrArray) d = slt_store_queue_list(f->store, &q, &error);
	g_assert_cmpuint(d->len, ==, 1);
}

static void
test_refs(void)
{
	gint64 id = 0;
	g_assert_true(slt_store_ref_parse("SLT-12", &id));
	g_assert_cmpint(id, ==, 12);
	g_assert_true(slt_store_ref_parse("slt-7", &id));
	g_assert_cmpint(id, ==, 7);
	g_assert_true(slt_store_ref_parse("42", &id));
	g_assert_cmpint(id, ==, 42);
	g_assert_false(slt_store_ref_parse("SLT-", &id));
	g_assert_false(slt_store_ref_parse("SLT-0", &id));
	g_assert_false(slt_store_ref_parse("SLT-1x", &id));
	g_assert_false(slt_store_ref_parse("SLT-99999999999999999999999", &id));
	g_autofree char *ref = slt_store_ref_format(5);
	g_assert_cmpstr(ref, ==, "SLT-5");

	g_assert_cmpint(slt_store_ref_in_subject("Re: [SLT-12] Uw vraag"), ==, 12);
	g_assert_cmpint(slt_store_ref_in_subject("[slt-3]"), ==, 3);
	g_assert_cmpint(slt_store_ref_in_subject("[x] [SLT-4"), ==, 0);
	g_assert_cmpint(slt_store_ref_in_subject("[SLT-] [SLT-8]"), ==, 8);
	g_assert_cmpint(slt_store_ref_in_subject("SLT-9"), ==, 0);
	g_assert_cmpint(slt_store_ref_in_subject(NULL), ==, 0);
	g_assert_cmpint(slt_store_ref_in_subject("[SLT-99999999999999999999]"), ==, 0);
}

static void
test_status(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autoptr(GError) error = NULL;
	g_assert_true(slt_store_set_status(f->store, "last-pass", "ok", &error));
	gint64 at = 0;
	g_autofree char *v = slt_store_get_status(f->store, "last-pass", &at);
	g_assert_cmpstr(v, ==, "ok");
	g_assert_cmpint(at, >, 0);
	g_assert_true(slt_store_sync(f->store, &error));
	g_assert_no_error(error);
	g_assert_cmpint(query_int(f->store, "PRAGMA synchronous"), ==, 1);
	g_assert_true(slt_store_set_status(f->store, "last-pass", NULL, &error));
	g_autofree char *gone = slt_store_get_status(f->store, "last-pass", NULL);
	g_assert_null(gone);
}

/* Two connections, as sltd and sltctl: a reader is never blocked by an
 * open write transaction (WAL), and a second writer waits, then gets
 * BUSY rather than corrupting anything. */
static void
test_concurrent(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autoptr(GError) error = NULL;
	g_autoptr(TestMail) a = mail_new("a@x", "s", "t");
	record(f->store, a, 1, 1);
	g_autoptr(SltStore) other = slt_store_open(f->path, 0, &error);
	g_assert_no_error(error);
	slt_store_set_busy_timeout(other, 50);

	g_assert_true(slt_store_begin(f->store, &error));
	g_assert_true(slt_store_set_checkpoint(f->store, "INBOX", 1, 99, &error));
	gint64 m = 0;
	g_assert_true(slt_store_counts(other, &m, NULL, NULL, &error));
	g_assert_cmpint(m, ==, 1);
	g_assert_false(slt_store_begin(other, &error));
	g_assert_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_BUSY);
	g_assert_true(slt_store_error_is_fatal(error));
	g_clear_error(&error);
	g_assert_false(slt_store_in_transaction(other));
	g_assert_true(slt_store_commit(f->store, &error));
	SltCheckpoint cp;
	g_assert_true(slt_store_get_checkpoint(other, "INBOX", &cp, &error));
	g_assert_cmpuint(cp.last_uid, ==, 99);
}

/* A writer with a backlog (sltd ingesting) that takes the lock again
 * right after each commit must not starve a second writer (staff's
 * sltctl): the second gets its turn well within its busy timeout. With
 * SQLite's own busy handler it gave up after its timeout every time. */
typedef struct {
	const char *path;
	gint stop;
	guint txns;
	GError *error;
} Hog;

static gpointer
hog_run(gpointer data)
{
	Hog *h = data;
	SltStore *s = slt_store_open(h->path, 0, &h->error);
	if (!s)
		return NULL;
	gint64 end = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
	while (!g_atomic_int_get(&h->stop) && g_get_monotonic_time() < end) {
		if (!slt_store_begin(s, &h->error))
			break;
		g_usleep(40 * 1000);    /* a batch of messages */
		if (!slt_store_commit(s, &h->error))
			break;
		h->txns++;
	}
	slt_store_close(s);
	return NULL;
}

static void
test_no_starvation(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autoptr(GError) error = NULL;
	Hog h = { .path = f->path };
	GThread *t = g_thread_new("hog", hog_run, &h);
	while (g_atomic_int_get(&h.txns) < 3 && !h.error)    /* it is in its stride */
		g_usleep(1000);
	g_assert_no_error(h.error);
	slt_store_set_busy_timeout(f->store, 2000);
	for (int i = 0; i < 5; i++) {
		gint64 t0 = g_get_monotonic_time();
		gboolean ok = slt_store_begin(f->store, &error);
		g_test_message("second writer waited %.1f ms", (g_get_monotonic_time() - t0) / 1000.0);
		g_assert_no_error(error);
		g_assert_true(ok);
		g_assert_true(slt_store_set_checkpoint(f->store, "INBOX", 1, i + 1, &error));
		g_assert_true(slt_store_commit(f->store, &error));
		g_usleep(5000);    /* not back-to-back ourselves */
	}
	g_atomic_int_set(&h.stop, 1);
	g_thread_join(t);
	g_assert_no_error(h.error);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define FX(name, fn) g_test_add(name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
	FX("/store/schema", test_schema);
	g_test_add_func("/store/open-errors", test_open_errors);
	FX("/store/schema-newer", test_schema_newer);
	g_test_add_func("/store/migrate-old", test_migrate_old);
	g_test_add_func("/store/migrate-fails-atomically", test_migrate_fails_atomically);
	FX("/store/dedupe", test_dedupe);
	FX("/store/threading", test_threading);
	FX("/store/follow-up-labels", test_follow_up_labels);
	FX("/store/fields", test_fields);
	FX("/store/rollback", test_rollback);
	FX("/store/dead-letters", test_dead_letters);
	FX("/store/checkpoint", test_checkpoint);
	FX("/store/imap-pending", test_imap_pending);
	FX("/store/fts", test_fts);
	FX("/store/list", test_list);
	g_test_add_func("/store/refs", test_refs);
	FX("/store/status", test_status);
	FX("/store/concurrent", test_concurrent);
	FX("/store/no-starvation", test_no_starvation);
	return g_test_run();
}
