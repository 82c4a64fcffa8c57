/* SPDX-License-Identifier: MIT */
/* Unit tests of the IMAP response reader on hand-written dialogues, fed
 * whole, byte by byte and in odd-sized pieces: every split must give the
 * same responses. RFCs: 3501, 7888 (LITERAL+), 4731 (ESEARCH). */
#include <string.h>
#include <sys/resource.h>

#include <glib.h>

#include "imapresp.h"

/* The fuzz target's checks, to replay its seeds and every input that ever
 * crashed it (tests/fuzz/corpus-imapresp/regress-*). */
#include "../fuzz/fuzz-imapresp.c"

/* One event of a feed: a response, or an error code. */
typedef struct {
	SltImapResp *resp;
	int error; /* -1: none */
} Event;

static void
event_clear(gpointer p)
{
	Event *e = p;
	slt_imapresp_free(e->resp);
}

/* Feed data in pieces of chunk bytes (0: all at once); stop at a fatal
 * error. Returns the events in order. */
static GArray *
feed_events(const char *data, gsize len, gsize chunk, gsize max_line, gsize max_lit)
{
	g_autoptr(SltImapReader) r = slt_imapresp_reader_new(max_line, max_lit);
	GArray *ev = g_array_new(FALSE, TRUE, sizeof(Event));
	g_array_set_clear_func(ev, event_clear);
	gsize off = 0;
	while (off < len) {
		gsize n = chunk ? MIN(chunk, len - off) : len - off;
		gsize piece_off = 0;
		while (piece_off < n) {
			gsize used = 0;
			SltImapResp *resp = NULL;
			g_autoptr(GError) error = NULL;
			gboolean ok = slt_imapresp_feed(r, data + off + piece_off, n - piece_off,
							&used, &resp, &error);
			g_assert_cmpuint(used, <=, n - piece_off);
			piece_off += used;
			if (!ok) {
				Event e = { NULL, error->code };
				g_array_append_val(ev, e);
				if (error->code != SLT_IMAPRESP_ERROR_SYNTAX)
					return ev;
				continue;
			}
			if (resp) {
				Event e = { resp, -1 };
				g_array_append_val(ev, e);
			} else {
				g_assert_cmpuint(piece_off, ==, n);
			}
		}
		off += n;
	}
	return ev;
}

static void
assert_same_resp(const SltImapResp *a, const SltImapResp *b)
{
	g_assert_cmpint(a->kind, ==, b->kind);
	g_assert_cmpstr(a->tag, ==, b->tag);
	g_assert_cmpint(a->status, ==, b->status);
	g_assert_cmpstr(a->code, ==, b->code);
	g_assert_cmpstr(a->text, ==, b->text);
	g_assert_cmpstr(a->keyword, ==, b->keyword);
	g_assert_cmpint(a->has_number, ==, b->has_number);
	g_assert_cmpuint(a->number, ==, b->number);
	g_assert_cmpmem(a->line, a->line_len, b->line, b->line_len);
	g_assert_cmpuint(a->n_literals, ==, b->n_literals);
	for (guint i = 0; i < a->n_literals; i++) {
		GBytes *x = a->literals->pdata[i], *y = b->literals->pdata[i];
		g_assert_true((x == NULL) == (y == NULL));
		if (x)
			g_assert_true(g_bytes_equal(x, y));
		g_assert_cmpuint(a->lit_size[i], ==, b->lit_size[i]);
	}
}

/* Feed whole, then in pieces of 1, 2, 3, 5, 7, 64 bytes; all must agree.
 * Returns the events of the whole feed. */
static GArray *
feed_all_ways(const char *data, gsize max_line, gsize max_lit)
{
	gsize len = strlen(data);
	GArray *whole = feed_events(data, len, 0, max_line, max_lit);
	static const gsize chunks[] = { 1, 2, 3, 5, 7, 64 };
	for (gsize c = 0; c < G_N_ELEMENTS(chunks); c++) {
		g_autoptr(GArray) ev = feed_events(data, len, chunks[c], max_line, max_lit);
		g_assert_cmpuint(ev->len, ==, whole->len);
		for (guint i = 0; i < ev->len; i++) {
			Event *a = &g_array_index(whole, Event, i);
			Event *b = &g_array_index(ev, Event, i);
			g_assert_cmpint(a->error, ==, b->error);
			if (a->resp)
				assert_same_resp(a->resp, b->resp);
		}
	}
	return whole;
}

#define EV(ev, i) (&g_array_index((ev), Event, (i)))
#define RESP(ev, i) (EV(ev, i)->resp)

static void
test_status_lines(void)
{
	g_autoptr(GArray) ev = feed_all_ways(
		"* OK [CAPABILITY IMAP4rev1 SASL-IR LITERAL+ IDLE] Dovecot ready.\r\n"
		"S1 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).\r\n"
		"S2 NO [TRYCREATE] Mailbox doesn't exist: Nope\r\n"
		"S3 BAD Error in IMAP command: Unknown command.\r\n"
		"S4 OK\r\n"
		"* NO [ALERT] quota\r\n"
		"* PREAUTH hello\r\n"
		"* BYE Server shutting down.\r\n",
		4096, 1 << 20);
	g_assert_cmpuint(ev->len, ==, 8);
	SltImapResp *r = RESP(ev, 0);
	g_assert_cmpint(r->kind, ==, SLT_IMAPRESP_UNTAGGED);
	g_assert_cmpint(r->status, ==, SLT_IMAP_STATUS_OK);
	g_assert_cmpstr(r->keyword, ==, "OK");
	g_assert_cmpstr(r->code, ==, "CAPABILITY IMAP4rev1 SASL-IR LITERAL+ IDLE");
	g_assert_cmpstr(r->text, ==, "Dovecot ready.");
	g_auto(GStrv) caps = slt_imapresp_parse_capability(r);
	g_assert_nonnull(caps);
	g_assert_cmpuint(g_strv_length(caps), ==, 4);
	g_assert_true(g_strv_contains((const char *const *)caps, "IDLE"));
	g_assert_true(g_strv_contains((const char *const *)caps, "LITERAL+"));

	r = RESP(ev, 1);
	g_assert_cmpint(r->kind, ==, SLT_IMAPRESP_TAGGED);
	g_assert_cmpstr(r->tag, ==, "S1");
	g_assert_cmpint(r->status, ==, SLT_IMAP_STATUS_OK);
	g_assert_cmpstr(r->code, ==, "READ-WRITE");
	g_assert_cmpstr(r->text, ==, "Select completed (0.001 + 0.000 secs).");
	g_assert_null(r->keyword);
	g_assert_null(slt_imapresp_parse_capability(r));

	g_assert_cmpint(RESP(ev, 2)->status, ==, SLT_IMAP_STATUS_NO);
	g_assert_cmpstr(RESP(ev, 2)->code, ==, "TRYCREATE");
	g_assert_cmpint(RESP(ev, 3)->status, ==, SLT_IMAP_STATUS_BAD);
	g_assert_null(RESP(ev, 3)->code);
	g_assert_cmpstr(RESP(ev, 3)->text, ==, "Error in IMAP command: Unknown command.");
	g_assert_cmpint(RESP(ev, 4)->status, ==, SLT_IMAP_STATUS_OK);
	g_assert_cmpstr(RESP(ev, 4)->text, ==, "");
	g_assert_cmpint(RESP(ev, 5)->status, ==, SLT_IMAP_STATUS_NO);
	g_assert_cmpstr(RESP(ev, 5)->code, ==, "ALERT");
	g_assert_cmpint(RESP(ev, 6)->status, ==, SLT_IMAP_STATUS_PREAUTH);
	r = RESP(ev, 7);
	g_assert_cmpint(r->kind, ==, SLT_IMAPRESP_UNTAGGED);
	g_assert_cmpint(r->status, ==, SLT_IMAP_STATUS_BYE);
	g_assert_cmpstr(r->text, ==, "Server shutting down.");
}

static void
test_select(void)
{
	g_autoptr(GArray) ev = feed_all_ways(
		"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Processed)\r\n"
		"* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Processed \\*)] Flags permitted.\r\n"
		"* 160 EXISTS\r\n"
		"* 0 RECENT\r\n"
		"* OK [UNSEEN 3] First unseen.\r\n"
		"* OK [UIDVALIDITY 1795886781] UIDs valid\r\n"
		"* OK [UIDNEXT 161] Predicted next UID\r\n"
		"* STATUS INBOX (MESSAGES 160 UIDNEXT 161 UIDVALIDITY 1795886781)\r\n"
		"* OK [UIDVALIDITY 99999999999] too big\r\n"
		"* OK [UIDVALIDITYX 5] other code\r\n"
		"S2 OK [READ-WRITE] Select completed.\r\n",
		4096, 1 << 20);
	g_assert_cmpuint(ev->len, ==, 11);
	g_assert_cmpstr(RESP(ev, 0)->keyword, ==, "FLAGS");
	g_assert_cmpstr(RESP(ev, 1)->code, ==,
			"PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Processed \\*)");
	SltImapResp *r = RESP(ev, 2);
	g_assert_true(r->has_number);
	g_assert_cmpuint(r->number, ==, 160);
	g_assert_cmpstr(r->keyword, ==, "EXISTS");
	g_assert_cmpint(r->status, ==, SLT_IMAP_STATUS_NONE);
	g_assert_cmpstr(RESP(ev, 3)->keyword, ==, "RECENT");
	guint32 v = 0;
	g_assert_true(slt_imapresp_code_number(RESP(ev, 4), "UNSEEN", &v));
	g_assert_cmpuint(v, ==, 3);
	g_assert_false(slt_imapresp_code_number(RESP(ev, 4), "UIDVALIDITY", &v));
	g_assert_true(slt_imapresp_code_number(RESP(ev, 5), "UIDVALIDITY", &v));
	g_assert_cmpuint(v, ==, 1795886781u);
	g_assert_true(slt_imapresp_code_number(RESP(ev, 6), "UIDNEXT", &v));
	g_assert_cmpuint(v, ==, 161);
	g_assert_cmpstr(RESP(ev, 7)->keyword, ==, "STATUS");
	g_assert_cmpstr(RESP(ev, 7)->args, ==,
			"INBOX (MESSAGES 160 UIDNEXT 161 UIDVALIDITY 1795886781)");
	g_assert_false(slt_imapresp_code_number(RESP(ev, 8), "UIDVALIDITY", &v));
	g_assert_false(slt_imapresp_code_number(RESP(ev, 9), "UIDVALIDITY", &v));
}

/* The reason this module exists: message content that looks like server
 * responses (lab notes 4c: libcurl ended a command at a body line "A004 OK"). */
static const char spoof_body[] =
	"From: a@example.org\r\n"
	"Subject: spoof\r\n"
	"\r\n"
	"A001 OK fake tagged reply\r\n"
	"* 3 EXISTS\r\n"
	"* OK [UIDVALIDITY 1] fake\r\n"
	"+ go ahead\r\n"
	"S7 OK [READ-WRITE] fake\r\n"
	"{5}\r\n"
	"* BYE fake\r\n"
	"line with bare LF\n"
	"and bare CR\r"
	"end\r\n";

static void
test_fetch_spoof_literal(void)
{
	gsize blen = strlen(spoof_body);
	g_autofree char *dialogue = g_strdup_printf(
		"* 1 FETCH (UID 7 FLAGS (\\Seen $Processed) RFC822.SIZE %zu BODY[] {%zu}\r\n"
		"%s)\r\n"
		"* 2 FETCH (UID 9 FLAGS () RFC822.SIZE %zu BODY[] {%zu+}\r\n"
		"%s)\r\n"
		"S7 OK Fetch completed.\r\n",
		blen, blen, spoof_body, blen, blen, spoof_body);
	g_autoptr(GArray) ev = feed_all_ways(dialogue, 4096, 1 << 20);
	g_assert_cmpuint(ev->len, ==, 3);

	SltImapFetch f;
	g_autoptr(GError) error = NULL;
	g_assert_true(slt_imapresp_parse_fetch(RESP(ev, 0), &f, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(f.seq, ==, 1);
	g_assert_true(f.has_uid);
	g_assert_cmpuint(f.uid, ==, 7);
	g_assert_cmpstr(f.flags, ==, "\\Seen $Processed");
	g_assert_cmpuint(f.size, ==, blen);
	g_assert_true(f.has_body);
	g_assert_false(f.body_skipped);
	g_assert_cmpmem(g_bytes_get_data(f.body, NULL), g_bytes_get_size(f.body),
			spoof_body, blen);
	slt_imapresp_fetch_clear(&f);

	g_assert_true(slt_imapresp_parse_fetch(RESP(ev, 1), &f, &error));
	g_assert_cmpuint(f.uid, ==, 9);
	g_assert_true(f.has_flags);
	g_assert_cmpstr(f.flags, ==, "");
	g_assert_cmpmem(g_bytes_get_data(f.body, NULL), g_bytes_get_size(f.body),
			spoof_body, blen);
	slt_imapresp_fetch_clear(&f);

	SltImapResp *r = RESP(ev, 2);
	g_assert_cmpint(r->kind, ==, SLT_IMAPRESP_TAGGED);
	g_assert_cmpstr(r->tag, ==, "S7");
	g_assert_cmpstr(r->text, ==, "Fetch completed.");
}

static void
test_literal_edge_cases(void)
{
	/* {0} literals; two literals in one response; a literal that is
	 * itself only CRLF; items we do not use, with brackets and lists. */
	g_autoptr(GArray) ev = feed_all_ways(
		"* 4 FETCH (UID 12 BODY[] {0}\r\n)\r\n"
		"* 5 FETCH (BODY[HEADER.FIELDS (FROM TO)] {2}\r\n\r\n UID 13 BODY[] {4}\r\n\r\n\r\n"
		" INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 3 1)"
		" X-GM-LABELS (\"\\\\Inbox\" {3}\r\nabc))\r\n"
		"* 6 FETCH (UID 14 BODY[] \"quoted \\\"body\\\" \\\\\")\r\n"
		"* 7 FETCH (UID 15 BODY[] NIL)\r\n"
		"* 8 FETCH (FLAGS (\\Seen))\r\n",
		4096, 1 << 20);
	g_assert_cmpuint(ev->len, ==, 5);
	SltImapFetch f;
	g_autoptr(GError) error = NULL;

	g_assert_true(slt_imapresp_parse_fetch(RESP(ev, 0), &f, &error));
	g_assert_cmpuint(f.uid, ==, 12);
	g_assert_true(f.has_body);
	g_assert_nonnull(f.body);
	g_assert_cmpuint(g_bytes_get_size(f.body), ==, 0);
	g_assert_false(f.has_flags);
	slt_imapresp_fetch_clear(&f);

	g_assert_cmpuint(RESP(ev, 1)->n_literals, ==, 3);
	g_assert_true(slt_imapresp_parse_fetch(RESP(ev, 1), &f, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(f.uid, ==, 13);
	g_assert_cmpmem(g_bytes_get_data(f.body, NULL), g_bytes_get_size(f.body), "\r\n\r\n", 4);
	slt_imapresp_fetch_clear(&f);

	g_assert_true(slt_imapresp_parse_fetch(RESP(ev, 2), &f, &error));
	g_assert_cmpmem(g_bytes_get_data(f.body, NULL), g_bytes_get_size(f.body),
			"quoted \"body\" \\", 15);
	slt_imapresp_fetch_clear(&f);

	g_assert_true(slt_imapresp_parse_fetch(RESP(ev, 3), &f, &error));
	g_assert_true(f.has_body);
	g_assert_null(f.body);
	slt_imapresp_fetch_clear(&f);

	g_assert_true(slt_imapresp_parse_fetch(RESP(ev, 4), &f, &error));
	g_assert_false(f.has_uid);
	g_assert_false(f.has_body);
	g_assert_cmpstr(f.flags, ==, "\\Seen");
	slt_imapresp_fetch_clear(&f);
}

static void
test_continuation(void)
{
	g_autoptr(GArray) ev = feed_all_ways(
		"+ idling\r\n"
		"+\r\n"
		"+ {5}\r\n"           /* a continuation never has a literal */
		"* 161 EXISTS\r\n"
		"S9 OK Idle completed.\r\n",
		4096, 1 << 20);
	g_assert_cmpuint(ev->len, ==, 5);
	g_assert_cmpint(RESP(ev, 0)->kind, ==, SLT_IMAPRESP_CONTINUE);
	g_assert_cmpstr(RESP(ev, 0)->text, ==, "idling");
	g_assert_cmpint(RESP(ev, 1)->kind, ==, SLT_IMAPRESP_CONTINUE);
	g_assert_cmpstr(RESP(ev, 1)->text, ==, "");
	g_assert_cmpint(RESP(ev, 2)->kind, ==, SLT_IMAPRESP_CONTINUE);
	g_assert_cmpstr(RESP(ev, 2)->text, ==, "{5}");
	g_assert_cmpuint(RESP(ev, 3)->number, ==, 161);
	g_assert_cmpstr(RESP(ev, 4)->tag, ==, "S9");
}

static void
test_search(void)
{
	g_autoptr(GArray) ev = feed_all_ways(
		"* SEARCH 2 3 5 9 10000\r\n"
		"* SEARCH\r\n"
		"* SEARCH 4 7 (MODSEQ 917162500)\r\n"
		"* ESEARCH (TAG \"S3\") UID ALL 1:5,7,12:10\r\n"
		"* ESEARCH (TAG \"S2\") UID ALL 1:3\r\n"
		"* ESEARCH (TAG \"S3\") UID\r\n"
		"* ESEARCH (TAG \"S3\") UID MIN 4 MAX 9 COUNT 3 ALL 4,8:9\r\n"
		"* ESEARCH UID ALL 42\r\n"
		"* SEARCH 1 x\r\n"
		"* ESEARCH (TAG \"S3\") UID ALL 3:*\r\n"
		"* ESEARCH (TAG \"S3\") UID ALL 1:4294967295\r\n",
		4096, 1 << 20);
	g_assert_cmpuint(ev->len, ==, 11);
	g_autoptr(GError) error = NULL;
	g_autoptr(GArray) u = g_array_new(FALSE, FALSE, sizeof(guint32));

#define UIDS(...) do { \
	static const guint32 want[] = { __VA_ARGS__ }; \
	g_assert_cmpmem(u->data, u->len * sizeof(guint32), want, sizeof(want)); \
	g_array_set_size(u, 0); } while (0)

	g_assert_true(slt_imapresp_parse_search(RESP(ev, 0), "S3", 0, 1000, u, &error));
	UIDS(2, 3, 5, 9, 10000);
	g_assert_true(slt_imapresp_parse_search(RESP(ev, 0), "S3", 5, 1000, u, &error));
	UIDS(9, 10000);
	g_assert_true(slt_imapresp_parse_search(RESP(ev, 1), "S3", 0, 1000, u, &error));
	g_assert_cmpuint(u->len, ==, 0);
	g_assert_true(slt_imapresp_parse_search(RESP(ev, 2), "S3", 0, 1000, u, &error));
	UIDS(4, 7);
	g_assert_true(slt_imapresp_parse_search(RESP(ev, 3), "S3", 0, 1000, u, &error));
	UIDS(1, 2, 3, 4, 5, 7, 10, 11, 12);
	g_assert_true(slt_imapresp_parse_search(RESP(ev, 3), "S3", 4, 1000, u, &error));
	UIDS(5, 7, 10, 11, 12);
	/* another command's correlator: not ours */
	g_assert_true(slt_imapresp_parse_search(RESP(ev, 4), "S3", 0, 1000, u, &error));
	g_assert_cmpuint(u->len, ==, 0);
	g_assert_true(slt_imapresp_parse_search(RESP(ev, 5), "S3", 0, 1000, u, &error));
	g_assert_cmpuint(u->len, ==, 0);
	g_assert_true(slt_imapresp_parse_search(RESP(ev, 6), "S3", 0, 1000, u, &error));
	UIDS(4, 8, 9);
	g_assert_true(slt_imapresp_parse_search(RESP(ev, 7), "S3", 0, 1000, u, &error));
	UIDS(42);
	g_assert_no_error(error);
	g_assert_false(slt_imapresp_parse_search(RESP(ev, 8), "S3", 0, 1000, u, &error));
	g_assert_error(error, SLT_IMAPRESP_ERROR, SLT_IMAPRESP_ERROR_SYNTAX);
	g_clear_error(&error);
	g_array_set_size(u, 0);
	g_assert_false(slt_imapresp_parse_search(RESP(ev, 9), "S3", 0, 1000, u, &error));
	g_clear_error(&error);
	g_array_set_size(u, 0);
	/* a huge range is refused, unless the caller's floor cuts it */
	g_assert_false(slt_imapresp_parse_search(RESP(ev, 10), "S3", 0, 100000, u, &error));
	g_assert_error(error, SLT_IMAPRESP_ERROR, SLT_IMAPRESP_ERROR_SYNTAX);
	g_clear_error(&error);
	g_array_set_size(u, 0);
	g_assert_true(slt_imapresp_parse_search(RESP(ev, 10), "S3", 4294967290u, 100000, u, &error));
	UIDS(4294967291u, 4294967292u, 4294967293u, 4294967294u, 4294967295u);
	/* not a search response at all */
	g_assert_false(slt_imapresp_parse_fetch(RESP(ev, 0), &(SltImapFetch){ 0 }, &error));
	g_clear_error(&error);
#undef UIDS
}

static void
test_seqset(void)
{
	static const struct { const char *set; guint32 above; gboolean ok; guint n; } cases[] = {
		{ "1", 0, TRUE, 1 }, { "1:5,7", 0, TRUE, 6 }, { "5:1", 0, TRUE, 5 },
		{ "1:5,7", 5, TRUE, 1 }, { "1:5", 9, TRUE, 0 }, { "", 0, FALSE, 0 },
		{ ",", 0, FALSE, 0 }, { "1,", 0, FALSE, 0 }, { "0", 0, FALSE, 0 },
		{ "1:", 0, FALSE, 0 }, { ":1", 0, FALSE, 0 }, { "1::2", 0, FALSE, 0 },
		{ "4294967296", 0, FALSE, 0 }, { "4294967295", 0, TRUE, 1 },
		{ "1:*", 0, FALSE, 0 }, { "a", 0, FALSE, 0 }, { "1 2", 0, FALSE, 0 },
		{ "1:200", 0, FALSE, 0 }, /* above max_count 100 */
		{ "1:200", 150, TRUE, 50 },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GArray) u = g_array_new(FALSE, FALSE, sizeof(guint32));
		g_autoptr(GError) error = NULL;
		gboolean ok = slt_imapresp_parse_seqset(cases[i].set, strlen(cases[i].set),
							cases[i].above, 100, u, &error);
		if (ok != cases[i].ok)
			g_error("seqset '%s': expected %d", cases[i].set, cases[i].ok);
		if (ok)
			g_assert_cmpuint(u->len, ==, cases[i].n);
		else
			g_assert_error(error, SLT_IMAPRESP_ERROR, SLT_IMAPRESP_ERROR_SYNTAX);
	}
}

static void
test_line_too_long(void)
{
	GString *s = g_string_new("* OK fine\r\n* SEARCH");
	for (int i = 0; i < 2000; i++)
		g_string_append(s, " 1");
	g_string_append(s, "\r\nS1 OK never seen\r\n");
	g_autoptr(GArray) ev = feed_all_ways(s->str, 1000, 1 << 20);
	g_assert_cmpuint(ev->len, ==, 2);
	g_assert_nonnull(RESP(ev, 0));
	g_assert_cmpint(EV(ev, 1)->error, ==, SLT_IMAPRESP_ERROR_LINE_TOO_LONG);
	g_string_free(s, TRUE);

	/* A 20 KB line inside a literal is content, not a line: fine. */
	GString *body = g_string_new(NULL);
	for (int i = 0; i < 20000; i++)
		g_string_append_c(body, 'x');
	g_string_append(body, "\r\n");
	g_autofree char *d = g_strdup_printf("* 1 FETCH (UID 1 BODY[] {%zu}\r\n%s)\r\n",
					     body->len, body->str);
	g_autoptr(GArray) ev2 = feed_all_ways(d, 1000, 1 << 20);
	g_assert_cmpuint(ev2->len, ==, 1);
	g_assert_nonnull(RESP(ev2, 0));
	g_assert_true(g_bytes_get_size(RESP(ev2, 0)->literals->pdata[0]) == body->len);
	g_string_free(body, TRUE);

	/* The text of all lines of one response counts too. */
	GString *many = g_string_new("* 1 FETCH (");
	for (int i = 0; i < 100; i++)
		g_string_append(many, "X {1}\r\nx ");
	g_string_append(many, ")\r\n");
	g_autoptr(GArray) ev3 = feed_all_ways(many->str, 200, 1 << 20);
	g_assert_cmpuint(ev3->len, ==, 1);
	g_assert_cmpint(EV(ev3, 0)->error, ==, SLT_IMAPRESP_ERROR_LINE_TOO_LONG);
	g_string_free(many, TRUE);
}

static void
test_after_failure(void)
{
	g_autoptr(SltImapReader) r = slt_imapresp_reader_new(64, 1024);
	char big[200];
	memset(big, 'a', sizeof(big));
	gsize used;
	SltImapResp *resp;
	g_autoptr(GError) error = NULL;
	g_assert_false(slt_imapresp_feed(r, big, sizeof(big), &used, &resp, &error));
	g_assert_error(error, SLT_IMAPRESP_ERROR, SLT_IMAPRESP_ERROR_LINE_TOO_LONG);
	g_clear_error(&error);
	g_assert_false(slt_imapresp_feed(r, "S1 OK\r\n", 7, &used, &resp, &error));
	g_assert_error(error, SLT_IMAPRESP_ERROR, SLT_IMAPRESP_ERROR_FAILED);
	g_assert_null(resp);
}

static void
test_bad_literal(void)
{
	static const char *bad[] = {
		"* 1 FETCH (BODY[] {4294967296}\r\n",
		"* 1 FETCH (BODY[] {99999999999999999999999}\r\n",
	};
	for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GArray) ev = feed_all_ways(bad[i], 4096, 1 << 20);
		g_assert_cmpuint(ev->len, ==, 1);
		g_assert_cmpint(EV(ev, 0)->error, ==, SLT_IMAPRESP_ERROR_LITERAL);
	}
	/* Not literal markers at all: just text at the end of a line. */
	g_autoptr(GArray) ev = feed_all_ways(
		"* OK {}\r\n* OK {abc}\r\n* OK {-1}\r\n* OK x{5\r\n* OK 5}\r\n", 4096, 1 << 20);
	g_assert_cmpuint(ev->len, ==, 5);
	for (guint i = 0; i < ev->len; i++) {
		g_assert_nonnull(RESP(ev, i));
		g_assert_cmpuint(RESP(ev, i)->n_literals, ==, 0);
	}
	/* A literal marker where the FETCH grammar has none is a syntax error
	 * of that response only. */
	g_autoptr(GArray) ev2 = feed_all_ways("* 1 FETCH (UID {2}\r\n12)\r\nS1 OK\r\n", 4096, 1 << 20);
	g_assert_cmpuint(ev2->len, ==, 2);
	g_autoptr(GError) error = NULL;
	SltImapFetch f;
	g_assert_false(slt_imapresp_parse_fetch(RESP(ev2, 0), &f, &error));
	g_assert_error(error, SLT_IMAPRESP_ERROR, SLT_IMAPRESP_ERROR_SYNTAX);
	g_assert_null(f.body);
}

static void
test_skipped_literal(void)
{
	/* Above max_literal: consumed by count, not kept, sync kept. */
	g_autoptr(GArray) ev = feed_all_ways(
		"* 1 FETCH (UID 3 RFC822.SIZE 40 BODY[] {40}\r\n"
		"S5 OK fake inside a skipped literal!\r\n\r\n)\r\n"
		"* 2 FETCH (UID 4 BODY[] {10}\r\n0123456789)\r\n"
		"S5 OK Fetch completed.\r\n",
		4096, 16);
	g_assert_cmpuint(ev->len, ==, 3);
	SltImapFetch f;
	g_autoptr(GError) error = NULL;
	g_assert_true(slt_imapresp_parse_fetch(RESP(ev, 0), &f, &error));
	g_assert_true(f.has_body);
	g_assert_true(f.body_skipped);
	g_assert_null(f.body);
	g_assert_cmpuint(f.body_size, ==, 40);
	slt_imapresp_fetch_clear(&f);
	g_assert_true(slt_imapresp_parse_fetch(RESP(ev, 1), &f, &error));
	g_assert_false(f.body_skipped);
	g_assert_cmpuint(g_bytes_get_size(f.body), ==, 10);
	slt_imapresp_fetch_clear(&f);
	g_assert_cmpstr(RESP(ev, 2)->text, ==, "Fetch completed.");

	/* The cap is per response: a second literal that would pass it is
	 * skipped even though it is small on its own. */
	g_autoptr(GArray) ev2 = feed_all_ways("* 1 FETCH (A {10}\r\n0123456789 B {10}\r\n0123456789)\r\n",
					      4096, 16);
	g_assert_cmpuint(ev2->len, ==, 1);
	g_assert_nonnull(RESP(ev2, 0)->literals->pdata[0]);
	g_assert_null(RESP(ev2, 0)->literals->pdata[1]);
}

static void
test_syntax_errors_recover(void)
{
	static const char nul_line[] = "* OK a\0b\r\nS1 OK after\r\n";
	g_autoptr(GArray) ev0 = feed_events(nul_line, sizeof(nul_line) - 1, 1, 4096, 1024);
	g_assert_cmpuint(ev0->len, ==, 2);
	g_assert_cmpint(EV(ev0, 0)->error, ==, SLT_IMAPRESP_ERROR_SYNTAX);
	g_assert_cmpstr(RESP(ev0, 1)->tag, ==, "S1");

	g_autoptr(GArray) ev = feed_all_ways(
		"garbage\r\n"
		"\r\n"
		"*\r\n"
		"*x\r\n"
		"* \r\n"
		"* 99999999999 EXISTS\r\n"
		"S1 MAYBE so\r\n"
		"S1 BYE no\r\n"
		"(S1 OK x\r\n"
		"* 1 FETCH (BODY[] {3}\r\nabc) garbage {2}\r\nxy\r\n"
		"S2 OK [READ-WRITE\r\n"
		"S3 OK done\n",
		4096, 1024);
	g_assert_cmpuint(ev->len, ==, 12);
	for (guint i = 0; i < 9; i++)
		if (EV(ev, i)->error != SLT_IMAPRESP_ERROR_SYNTAX)
			g_error("dialogue line %u: expected a syntax error", i);
	/* framing held: the FETCH with two literals is one response */
	SltImapResp *r = RESP(ev, 9);
	g_assert_cmpuint(r->n_literals, ==, 2);
	g_autoptr(GError) error = NULL;
	SltImapFetch f;
	g_assert_false(slt_imapresp_parse_fetch(r, &f, &error));
	/* an unclosed code is text, not an error */
	g_assert_null(RESP(ev, 10)->code);
	g_assert_cmpstr(RESP(ev, 10)->text, ==, "[READ-WRITE");
	/* bare LF accepted */
	g_assert_cmpstr(RESP(ev, 11)->text, ==, "done");
}

static void
test_busy(void)
{
	g_autoptr(SltImapReader) r = slt_imapresp_reader_new(4096, 1024);
	gsize used;
	SltImapResp *resp;
	g_autoptr(GError) error = NULL;
	g_assert_false(slt_imapresp_reader_busy(r));
	g_assert_true(slt_imapresp_feed(r, "* 1 FETCH (BODY[] {3}\r\nab", 25, &used, &resp, &error));
	g_assert_cmpuint(used, ==, 25);
	g_assert_null(resp);
	g_assert_true(slt_imapresp_reader_busy(r));
	g_assert_true(slt_imapresp_feed(r, "c)\r\n* 2 EXISTS\r\n", 16, &used, &resp, &error));
	g_assert_cmpuint(used, ==, 4);
	g_assert_nonnull(resp);
	slt_imapresp_free(resp);
	g_assert_false(slt_imapresp_reader_busy(r));
	g_assert_true(slt_imapresp_feed(r, "* 2 EXISTS\r\n", 12, &used, &resp, &error));
	g_assert_cmpuint(resp->number, ==, 2);
	slt_imapresp_free(resp);
}

static void
test_fuzz_corpus(void)
{
	const char *dir = SLT_SRCDIR "/tests/fuzz/corpus-imapresp";
	g_autoptr(GError) error = NULL;
	g_autoptr(GDir) d = g_dir_open(dir, 0, &error);
	g_assert_no_error(error);
	guint n = 0, regress = 0;
	for (const char *name; (name = g_dir_read_name(d)); ) {
		g_autofree char *path = g_build_filename(dir, name, NULL);
		g_autofree char *data = NULL;
		gsize len;
		g_assert_true(g_file_get_contents(path, &data, &len, NULL));
		LLVMFuzzerTestOneInput((const uint8_t *)data, len);
		n++;
		regress += g_str_has_prefix(name, "regress-");
	}
	g_assert_cmpuint(n, >=, 30);
	g_assert_cmpuint(regress, >=, 1);
}

/* Found by fuzz-imapresp: "{4294967295}" with no cap on kept literals made
 * the reader allocate 4 GB before a byte of it arrived. Memory must grow
 * with the bytes that come. Checked in a subprocess under a 512 MB data
 * limit (not under ASan, whose shadow memory would not fit). */
static void
test_huge_literal_announced(void)
{
#if defined(__SANITIZE_ADDRESS__)
	g_test_skip("RLIMIT_DATA and ASan do not mix");
	return;
#endif
	if (g_test_subprocess()) {
		struct rlimit rl = { 512u << 20, 512u << 20 };
		g_assert_cmpint(setrlimit(RLIMIT_DATA, &rl), ==, 0);
		g_autoptr(SltImapReader) r = slt_imapresp_reader_new(4096, G_MAXSIZE);
		static const char d[] = "* 1 FETCH (UID 1 BODY[] {4294967295}\r\nonly a few bytes";
		gsize used;
		SltImapResp *resp;
		g_autoptr(GError) error = NULL;
		g_assert_true(slt_imapresp_feed(r, d, sizeof(d) - 1, &used, &resp, &error));
		g_assert_cmpuint(used, ==, sizeof(d) - 1);
		g_assert_null(resp);
		g_assert_true(slt_imapresp_reader_busy(r));
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_passed();
}

static void
test_esearch_repeated_all(void)
{
	/* The cap holds for the response, not for each ALL. */
	GString *s = g_string_new("* ESEARCH (TAG \"s3\") UID");
	for (int i = 0; i < 50; i++)
		g_string_append(s, " ALL 1:100");
	g_string_append(s, "\r\n");
	g_autoptr(GArray) ev = feed_all_ways(s->str, 4096, 1024);
	g_string_free(s, TRUE);
	g_autoptr(GArray) u = g_array_new(FALSE, FALSE, sizeof(guint32));
	g_autoptr(GError) error = NULL;
	g_assert_false(slt_imapresp_parse_search(RESP(ev, 0), "s3", 0, 1000, u, &error));
	g_assert_error(error, SLT_IMAPRESP_ERROR, SLT_IMAPRESP_ERROR_SYNTAX);
	g_assert_cmpuint(u->len, <=, 1000);
	g_clear_error(&error);
	g_array_set_size(u, 0);
	g_assert_true(slt_imapresp_parse_search(RESP(ev, 0), "s3", 0, 5000, u, &error));
	g_assert_cmpuint(u->len, ==, 5000);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/imapresp/status-lines", test_status_lines);
	g_test_add_func("/imapresp/select", test_select);
	g_test_add_func("/imapresp/fetch-spoof-literal", test_fetch_spoof_literal);
	g_test_add_func("/imapresp/literal-edge-cases", test_literal_edge_cases);
	g_test_add_func("/imapresp/continuation", test_continuation);
	g_test_add_func("/imapresp/search", test_search);
	g_test_add_func("/imapresp/seqset", test_seqset);
	g_test_add_func("/imapresp/line-too-long", test_line_too_long);
	g_test_add_func("/imapresp/after-failure", test_after_failure);
	g_test_add_func("/imapresp/bad-literal", test_bad_literal);
	g_test_add_func("/imapresp/skipped-literal", test_skipped_literal);
	g_test_add_func("/imapresp/syntax-errors-recover", test_syntax_errors_recover);
	g_test_add_func("/imapresp/busy", test_busy);
	g_test_add_func("/imapresp/esearch-repeated-all", test_esearch_repeated_all);
	g_test_add_func("/imapresp/huge-literal-announced", test_huge_literal_announced);
	g_test_add_func("/imapresp/fuzz-corpus", test_fuzz_corpus);
	return g_test_run();
}
