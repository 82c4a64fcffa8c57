/* SPDX-License-Identifier: MIT */
/* Unit tests for mime: every corpus message and every hostile message
 * parses into valid UTF-8 without a crash; headers, machine signals,
 * text, charsets, attachments, embedded messages and defects come out
 * as they should. */
#include <glib.h>
#include <string.h>

#include "mime.h"

#define CORPUS SLT_SRCDIR "/tests/corpus"
#define HOSTILE SLT_SRCDIR "/tests/hostile"

/* ---- invariants ------------------------------------------------------------ */

static void
check_header_string(const char *s)
{
	if (!s)
		return;
	g_assert_true(g_utf8_validate(s, -1, NULL));
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		g_assert_true(*p >= 0x20 && *p != 0x7f);
}

static void
check_text(const char *s)
{
	g_assert_nonnull(s);
	g_assert_true(g_utf8_validate(s, -1, NULL));
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		g_assert_true(*p >= 0x20 || *p == '\n' || *p == '\t');
}

/* What every parsed message promises (mime.h), recursively. */
static void
check_message(const SltMessage *m, int depth)
{
	g_assert_cmpint(depth, <=, 9);
	check_header_string(m->from_name);
	check_header_string(m->from_addr);
	check_header_string(m->reply_to_addr);
	check_header_string(m->sender_addr);
	check_header_string(m->to);
	check_header_string(m->cc);
	check_header_string(m->subject);
	check_header_string(m->message_id);
	check_header_string(m->in_reply_to);
	check_header_string(m->return_path);
	if (m->message_id)
		g_assert_null(strpbrk(m->message_id, "<> "));
	if (m->in_reply_to)
		g_assert_null(strpbrk(m->in_reply_to, "<> "));
	if (m->from_addr)
		for (const char *p = m->from_addr; *p; p++)
			g_assert_false(g_ascii_isupper(*p));
	g_assert_nonnull(m->references);
	for (guint i = 0; i < m->references->len; i++)
		check_header_string(g_ptr_array_index(m->references, i));
	g_assert_nonnull(m->machine_evidence);
	for (guint i = 0; i < m->machine_evidence->len; i++)
		check_header_string(g_ptr_array_index(m->machine_evidence, i));
	g_assert_nonnull(m->defects);
	for (guint i = 0; i < m->defects->len; i++)
		check_header_string(g_ptr_array_index(m->defects, i));
	check_text(m->text);
	check_text(m->new_text);
	check_text(m->quoted_text);
	check_text(m->forwarded_text);
	check_text(m->signature);
	g_assert_cmpuint(strlen(m->text), <=, 1024 * 1024);
	g_assert_nonnull(m->attachments);
	for (guint i = 0; i < m->attachments->len; i++) {
		const SltAttachment *a = g_ptr_array_index(m->attachments, i);
		check_header_string(a->filename);
		if (a->filename)
			g_assert_null(strpbrk(a->filename, "/\\"));
		g_assert_nonnull(a->content_type);
		check_header_string(a->content_type);
		g_assert_nonnull(strchr(a->content_type, '/'));
	}
	g_assert_nonnull(m->embedded);
	for (guint i = 0; i < m->embedded->len; i++)
		check_message(g_ptr_array_index(m->embedded, i), depth + 1);
}

static SltMessage *
parse_file(const char *path)
{
	g_autofree char *raw = NULL;
	gsize len;
	g_assert_true(g_file_get_contents(path, &raw, &len, NULL));
	g_autoptr(GError) error = NULL;
	SltMessage *m = slt_mime_parse(raw, len, &error);
	g_assert_no_error(error);
	g_assert_nonnull(m);
	g_assert_cmpuint(m->raw_size, ==, len);
	check_message(m, 0);
	return m;
}

static SltMessage *
parse_string(const char *raw)
{
	g_autoptr(GError) error = NULL;
	SltMessage *m = slt_mime_parse(raw, strlen(raw), &error);
	g_assert_no_error(error);
	g_assert_nonnull(m);
	check_message(m, 0);
	return m;
}

static char *
corpus_path(const char *file)
{
	return g_build_filename(CORPUS, "messages", file, NULL);
}

static gboolean
has_defect(const SltMessage *m, const char *words)
{
	for (guint i = 0; i < m->defects->len; i++)
		if (strstr(g_ptr_array_index(m->defects, i), words))
			return TRUE;
	return FALSE;
}

static gboolean
has_evidence(const SltMessage *m, const char *line)
{
	for (guint i = 0; i < m->machine_evidence->len; i++)
		if (strcmp(g_ptr_array_index(m->machine_evidence, i), line) == 0)
			return TRUE;
	return FALSE;
}

static const SltAttachment *
attachment(const SltMessage *m, const char *filename)
{
	for (guint i = 0; i < m->attachments->len; i++) {
		const SltAttachment *a = g_ptr_array_index(m->attachments, i);
		if (a->filename && strcmp(a->filename, filename) == 0)
			return a;
	}
	return NULL;
}

/* ---- the corpus ------------------------------------------------------------ */

/* All 160: no crash, valid UTF-8, no defects (the corpus README says
 * every file is clean), no U+FFFD (every charset understood), the
 * decoded attachment sizes equal the size= parameters, flowed text
 * unwrapped. */
static void
test_corpus_all(void)
{
	g_autoptr(GRegex) size_re = g_regex_new("filename=\"([^\"]+)\"; size=([0-9]+)", 0, 0, NULL);
	guint n = 0, html_only = 0, sizes = 0, with_irt = 0;
	for (int i = 1; i <= 160; i++) {
		g_autofree char *name = g_strdup_printf("%04d.eml", i);
		g_autofree char *path = corpus_path(name);
		g_autofree char *raw = NULL;
		g_assert_true(g_file_get_contents(path, &raw, NULL, NULL));
		g_autoptr(SltMessage) m = parse_file(path);
		n++;
		if (m->defects->len)
			g_test_message("%s: %s", name, (char *)g_ptr_array_index(m->defects, 0));
		g_assert_cmpuint(m->defects->len, ==, 0);
		g_assert_null(strstr(m->text, "\xef\xbf\xbd"));
		g_assert_nonnull(m->from_addr);
		g_assert_nonnull(m->subject);
		g_assert_nonnull(m->message_id);
		g_assert_cmpint(m->date, >, 1735689600);  /* 2025-01-01 */
		g_assert_cmpint(m->date, <, 1798761600);  /* 2027-01-01 */
		html_only += m->html_only;
		/* Every message has words somewhere. */
		g_assert_cmpuint(strlen(m->text), >, 0);

		g_autoptr(GMatchInfo) mi = NULL;
		g_regex_match(size_re, raw, 0, &mi);
		while (g_match_info_matches(mi)) {
			g_autofree char *fn = g_match_info_fetch(mi, 1);
			g_autofree char *sz = g_match_info_fetch(mi, 2);
			const SltAttachment *a = attachment(m, fn);
			g_assert_nonnull(a);
			g_assert_cmpuint(a->size, ==, g_ascii_strtoull(sz, NULL, 10));
			sizes++;
			g_match_info_next(mi, NULL);
		}
		if (strstr(raw, "format=flowed")) {
			/* Soft line breaks are joined: no line of the new text
			 * ends in a space (the "-- " separator is in the
			 * signature). */
			g_auto(GStrv) lines = g_strsplit(m->new_text, "\n", -1);
			for (guint k = 0; lines[k]; k++)
				g_assert_false(g_str_has_suffix(lines[k], " "));
		}
		g_autofree char *header = g_strndup(raw, strstr(raw, "\r\n\r\n") - raw);
		if (strstr(header, "\nIn-Reply-To:")) {
			with_irt++;
			g_assert_nonnull(m->in_reply_to);
		}
	}
	g_assert_cmpuint(n, ==, 160);
	/* The corpus README counts 8 text/html-only messages. */
	g_test_message("html-only %u, attachment sizes checked %u, In-Reply-To %u", html_only, sizes, with_irt);
	g_assert_cmpuint(html_only, ==, 8);
	g_assert_cmpuint(sizes, >=, 15);
	g_assert_cmpuint(with_irt, >=, 10);
}

static void
test_corpus_headers(void)
{
	g_autofree char *p1 = corpus_path("0001.eml");
	g_autoptr(SltMessage) m = parse_file(p1);
	g_assert_cmpstr(m->from_name, ==, "Dijkstra, Mirjam");
	g_assert_cmpstr(m->from_addr, ==, "m.dijkstra@zwolle.nl");
	g_assert_cmpstr(m->subject, ==, "Verzoek sparringsessie opdrachtgeverschap wijkteams");
	g_assert_cmpstr(m->message_id, ==, "DU0PR09MB61193845D601ADD5CA9882B58E068E516EF7@DU0PR09MB6119.eurprd09.prod.outlook.com");
	g_assert_cmpstr(m->return_path, ==, "m.dijkstra@zwolle.nl");
	g_assert_cmpstr(m->to, ==, "Stevige lokale teams <stevigelokaleteams@vng.nl>");
	g_autoptr(GDateTime) d = g_date_time_new_utc(2025, 3, 18, 9, 42, 5);
	g_assert_cmpint(m->date, ==, g_date_time_to_unix(d));
	g_assert_cmpuint(m->machine, ==, 0);
	g_assert_false(m->html_only);
	g_assert_true(g_str_has_prefix(m->new_text, "Geachte heer/mevrouw,"));
	g_assert_true(g_str_has_suffix(m->new_text, "online is ook prima."));
	g_assert_true(g_str_has_prefix(m->signature, "Met vriendelijke groet,"));
	g_assert_nonnull(strstr(m->signature, "Gemeente Zwolle"));
	g_assert_nonnull(strstr(m->signature, "uitsluitend bestemd"));
	/* The Outlook logo: an inline image of multipart/related. */
	g_assert_cmpuint(m->attachments->len, ==, 1);
	const SltAttachment *a = g_ptr_array_index(m->attachments, 0);
	g_assert_cmpstr(a->content_type, ==, "image/png");
	g_assert_true(a->is_inline);
	g_assert_false(a->is_tnef);

	/* A reply: In-Reply-To and References without brackets. */
	g_autofree char *p10 = corpus_path("0010.eml");
	g_autoptr(SltMessage) r = parse_file(p10);
	g_assert_nonnull(r->in_reply_to);
	g_assert_cmpuint(r->references->len, >=, 1);
	g_assert_cmpstr(g_ptr_array_index(r->references, r->references->len - 1), ==, r->in_reply_to);
	g_assert_true(g_str_has_prefix(r->quoted_text, "-----Oorspronkelijk bericht-----"));
}

static void
test_corpus_structure(void)
{
	/* Outlook's winmail.dat. */
	static const char *const tnef[] = { "0112.eml", "0141.eml", "0142.eml" };
	for (gsize i = 0; i < G_N_ELEMENTS(tnef); i++) {
		g_autofree char *p = corpus_path(tnef[i]);
		g_autoptr(SltMessage) m = parse_file(p);
		const SltAttachment *a = attachment(m, "winmail.dat");
		g_assert_nonnull(a);
		g_assert_true(a->is_tnef);
		g_assert_cmpstr(a->content_type, ==, "application/ms-tnef");
		g_assert_false(a->is_inline);
	}
	/* An attached message is parsed as a message. */
	g_autofree char *p41 = corpus_path("0041.eml");
	g_autoptr(SltMessage) m41 = parse_file(p41);
	g_assert_cmpuint(m41->embedded->len, ==, 1);
	const SltMessage *e = g_ptr_array_index(m41->embedded, 0);
	g_assert_nonnull(e->subject);
	g_assert_nonnull(e->from_addr);
	g_assert_cmpuint(strlen(e->text), >, 20);
	g_assert_cmpuint(e->raw_size, >, 100);
	gboolean rfc822 = FALSE;
	for (guint i = 0; i < m41->attachments->len; i++)
		rfc822 |= strcmp(((SltAttachment *)g_ptr_array_index(m41->attachments, i))->content_type,
				 "message/rfc822") == 0;
	g_assert_true(rfc822);
	/* S/MIME signed: the text of the signed part, the signature kept
	 * as an attachment. */
	g_autofree char *p92 = corpus_path("0092.eml");
	g_autoptr(SltMessage) m92 = parse_file(p92);
	g_assert_cmpuint(strlen(m92->new_text), >, 50);
	const SltAttachment *sig = attachment(m92, "smime.p7s");
	g_assert_nonnull(sig);
	g_assert_cmpstr(sig->content_type, ==, "application/pkcs7-signature");
	/* DSN with the returned message attached. */
	g_autofree char *p143 = corpus_path("0143.eml");
	g_autoptr(SltMessage) m143 = parse_file(p143);
	g_assert_true(m143->machine & SLT_MACHINE_DSN);
	g_assert_cmpuint(m143->embedded->len, ==, 1);
	g_assert_true(has_evidence(m143, "part: message/delivery-status"));
	/* Calendar invitation and vCard as attachments. */
	g_autofree char *p157 = corpus_path("0157.eml");
	g_autoptr(SltMessage) m157 = parse_file(p157);
	g_assert_cmpuint(m157->attachments->len, ==, 1);
	g_assert_cmpstr(((SltAttachment *)g_ptr_array_index(m157->attachments, 0))->content_type, ==,
			"text/calendar");
	g_autofree char *p69 = corpus_path("0069.eml");
	g_autoptr(SltMessage) m69 = parse_file(p69);
	const SltAttachment *vcf = attachment(m69, "Pieter-Jan Roozendaal.vcf");
	g_assert_nonnull(vcf);
	g_assert_cmpstr(vcf->content_type, ==, "text/vcard");
	/* An Apple Mail forward: the forwarded text is kept. */
	g_autofree char *p148 = corpus_path("0148.eml");
	g_autoptr(SltMessage) m148 = parse_file(p148);
	g_assert_true(m148->is_forward);
	g_assert_nonnull(strstr(m148->forwarded_text, "aanbesteding"));
	g_assert_null(strstr(m148->new_text, "Geachte relatie"));
	/* HTML-only Outlook mail. */
	g_autofree char *p40 = corpus_path("0040.eml");
	g_autoptr(SltMessage) m40 = parse_file(p40);
	g_assert_true(m40->html_only);
	g_assert_true(g_str_has_prefix(m40->new_text, "Beste ondersteuningslijn,"));
	g_assert_null(strchr(m40->text, '<'));
}

/* Each machine signal of the automatisch samples, with its evidence. */
static void
test_corpus_machine(void)
{
	static const struct {
		const char *file;
		guint bits;
		const char *evidence;
	} cases[] = {
		{ "0014.eml", SLT_MACHINE_NULL_RETURN_PATH | SLT_MACHINE_AUTO_SUBMITTED | SLT_MACHINE_MDN,
		  "Auto-Submitted: auto-replied" },
		{ "0022.eml", SLT_MACHINE_NULL_RETURN_PATH | SLT_MACHINE_AUTO_SUBMITTED | SLT_MACHINE_DSN |
			      SLT_MACHINE_DAEMON_SENDER, "From: mailer-daemon@mx1.vng.nl" },
		{ "0046.eml", SLT_MACHINE_NULL_RETURN_PATH | SLT_MACHINE_MDN, "Return-Path: <>" },
		{ "0050.eml", SLT_MACHINE_NULL_RETURN_PATH | SLT_MACHINE_AUTO_SUBMITTED | SLT_MACHINE_MDN,
		  "part: message/disposition-notification" },
		{ "0052.eml", SLT_MACHINE_NULL_RETURN_PATH | SLT_MACHINE_AUTO_SUBMITTED | SLT_MACHINE_DSN |
			      SLT_MACHINE_DAEMON_SENDER, "From: postmaster@zeist.nl" },
		{ "0062.eml", SLT_MACHINE_X_AUTOREPLY | SLT_MACHINE_AUTO_SUBMITTED, "X-Autoreply: yes" },
		{ "0068.eml", SLT_MACHINE_AUTO_SUBMITTED | SLT_MACHINE_SUPPRESS | SLT_MACHINE_PRECEDENCE |
			      SLT_MACHINE_NOREPLY_SENDER, "X-Auto-Response-Suppress: All" },
		{ "0073.eml", SLT_MACHINE_AUTO_SUBMITTED | SLT_MACHINE_SUPPRESS, "Auto-Submitted: auto-replied" },
		{ "0074.eml", SLT_MACHINE_AUTO_SUBMITTED, "Auto-Submitted: auto-replied (vacation)" },
		{ "0085.eml", SLT_MACHINE_AUTO_SUBMITTED | SLT_MACHINE_SUPPRESS | SLT_MACHINE_EXCHANGE_RULE,
		  "X-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent" },
		{ "0098.eml", SLT_MACHINE_NULL_RETURN_PATH | SLT_MACHINE_AUTO_SUBMITTED | SLT_MACHINE_DAEMON_SENDER,
		  "From: mailer-daemon@mail.wijkwerk-ommen.nl" },
		{ "0110.eml", SLT_MACHINE_X_AUTOREPLY | SLT_MACHINE_PRECEDENCE, "X-Mailer: Plesk Mail Autoresponder" },
		{ "0111.eml", SLT_MACHINE_AUTO_SUBMITTED | SLT_MACHINE_PRECEDENCE, "Precedence: bulk" },
		{ "0143.eml", SLT_MACHINE_NULL_RETURN_PATH | SLT_MACHINE_AUTO_SUBMITTED | SLT_MACHINE_DSN |
			      SLT_MACHINE_DAEMON_SENDER, "Content-Type: multipart/report; report-type=delivery-status" },
		/* GroupWise sends its out-of-office without any header that
		 * says so: the classifier must read the text. */
		{ "0079.eml", 0, NULL },
		/* Newsletters. */
		{ "0016.eml", SLT_MACHINE_LIST | SLT_MACHINE_PRECEDENCE | SLT_MACHINE_BULK_MAILER,
		  "Feedback-ID: 42:1187:newsletter:kennisplein" },
		{ "0117.eml", SLT_MACHINE_LIST | SLT_MACHINE_PRECEDENCE | SLT_MACHINE_BULK_MAILER,
		  "X-Campaign-ID: LT26-EARLY-03" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *p = corpus_path(cases[i].file);
		g_autoptr(SltMessage) m = parse_file(p);
		if (m->machine != cases[i].bits)
			g_test_message("%s: machine 0x%x, want 0x%x", cases[i].file, m->machine, cases[i].bits);
		g_assert_cmphex(m->machine, ==, cases[i].bits);
		if (cases[i].evidence)
			g_assert_true(has_evidence(m, cases[i].evidence));
		if (m->machine & SLT_MACHINE_NULL_RETURN_PATH)
			g_assert_cmpstr(m->return_path, ==, "");
	}
	/* The human mail of the corpus carries no machine signal. */
	g_autofree char *labels = NULL;
	g_assert_true(g_file_get_contents(CORPUS "/labels.tsv", &labels, NULL, NULL));
	g_auto(GStrv) lines = g_strsplit(labels, "\n", -1);
	guint human = 0;
	for (guint i = 1; lines[i] && *lines[i]; i++) {
		g_auto(GStrv) f = g_strsplit(lines[i], "\t", -1);
		if (strcmp(f[1], "automatisch") == 0 || strcmp(f[1], "overig") == 0)
			continue;
		g_autofree char *p = corpus_path(f[0]);
		g_autoptr(SltMessage) m = parse_file(p);
		g_assert_cmphex(m->machine, ==, 0);
		human++;
	}
	g_assert_cmpuint(human, ==, 133);
}

/* ---- hostile messages ------------------------------------------------------ */

static SltMessage *
hostile(const char *file)
{
	g_autofree char *p = g_build_filename(HOSTILE, file, NULL);
	return parse_file(p);
}

static void
test_hostile_files(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *raw = NULL;
	gsize len;

	g_assert_true(g_file_get_contents(HOSTILE "/empty.eml", &raw, &len, NULL));
	g_assert_null(slt_mime_parse(raw, len, &error));
	g_assert_error(error, SLT_MIME_ERROR, SLT_MIME_ERROR_EMPTY);
	g_clear_error(&error);
	g_assert_null(slt_mime_parse("\r\n \r\n", 5, &error));
	g_assert_error(error, SLT_MIME_ERROR, SLT_MIME_ERROR_EMPTY);
	g_clear_error(&error);
	g_clear_pointer(&raw, g_free);
	g_assert_true(g_file_get_contents(HOSTILE "/no-header.eml", &raw, &len, NULL));
	g_assert_null(slt_mime_parse(raw, len, &error));
	g_assert_error(error, SLT_MIME_ERROR, SLT_MIME_ERROR_NOT_A_MESSAGE);
	g_clear_error(&error);

	g_autoptr(SltMessage) mb = hostile("missing-boundary-end.eml");
	g_assert_cmpstr(mb->new_text, ==, "Graag het werkpakket visie.");
	g_assert_cmpuint(mb->attachments->len, ==, 1);
	g_assert_true(has_defect(mb, "never closed"));

	g_autoptr(SltMessage) bn = hostile("boundary-never.eml");
	g_assert_cmpstr(bn->new_text, ==, "Dit is de tekst zonder enige boundary.");
	g_assert_true(has_defect(bn, "never appears"));

	g_autoptr(SltMessage) b64 = hostile("bad-base64.eml");
	g_assert_true(g_str_has_prefix(b64->text, "Graag het pakket"));
	g_assert_true(has_defect(b64, "invalid base64"));

	g_autoptr(SltMessage) qp = hostile("bad-qp.eml");
	g_assert_true(g_str_has_prefix(qp->text, "Caf\xc3\xa9 =ZZ"));
	g_assert_true(has_defect(qp, "quoted-printable"));

	/* IMAP-looking lines are just text. */
	g_autoptr(SltMessage) tags = hostile("imap-tags.eml");
	g_assert_true(g_str_has_prefix(tags->text, "A004 OK FETCH completed\n* 3 EXISTS\n"));
	g_assert_nonnull(strstr(tags->text, "+ go ahead\n)\n"));
	g_assert_true(g_str_has_suffix(tags->text, "Graag het pakket kwaliteit."));

	g_autoptr(SltMessage) ll = hostile("long-line.eml");
	g_assert_cmpuint(strlen(ll->text), >, 20000);
	g_assert_true(g_str_has_suffix(ll->text, "Einde."));

	g_autoptr(SltMessage) ul = hostile("utf8-with-latin1.eml");
	g_assert_nonnull(strstr(ul->text, "caf\xc3\xa9-gesprek over \xc3\xa9\xc3\xa9n ding"));
	g_assert_nonnull(strstr(ul->text, "co\xc3\xb6peratie"));
	g_assert_true(has_defect(ul, "declared utf-8"));

	g_autoptr(SltMessage) uc = hostile("unknown-charset.eml");
	g_assert_nonnull(strstr(uc->text, "\xc3\xa9\xc3\xa9n pakket"));
	g_assert_true(has_defect(uc, "unknown charset 'x-klingon-7'"));

	g_autoptr(SltMessage) h8 = hostile("header-8bit.eml");
	g_assert_cmpstr(h8->subject, ==, "Caf\xc3\xa9 \xc3\xa9\xc3\xa9n vraag");
	g_assert_cmpstr(h8->from_name, ==, "Jos\xc3\xa9 M\xc3\xbcller");
	g_assert_cmpstr(h8->text, ==, "Tekst zonder charset met \xc3\xa9 erin.");

	/* CR, LF and NUL never reach a header string (check_message). */
	g_autoptr(SltMessage) inj = hostile("header-injection.eml");
	g_assert_nonnull(inj->subject);
	g_assert_true(g_str_has_prefix(inj->subject, "Hallo X-Injected: yes"));
	g_assert_cmpstr(inj->message_id, ==, "injection@hostile.test");
	g_assert_cmpstr(inj->from_addr, ==, "evil@example.org");
	g_assert_cmpstr(inj->text, ==, "Body met een NUL-byte en  controles.");

	g_autoptr(SltMessage) nm = hostile("nested-multipart-200.eml");
	g_assert_true(has_defect(nm, "nested deeper"));

	g_autoptr(SltMessage) nr = hostile("nested-rfc822-50.eml");
	g_assert_true(has_defect(nr, "attached messages nested deeper than 8"));
	g_assert_cmpstr(nr->text, ==, "Tekst op laag 0.");
	int depth = 0;
	for (const SltMessage *e = nr; e->embedded->len; e = g_ptr_array_index(e->embedded, 0))
		depth++;
	g_assert_cmpint(depth, ==, 8);

	g_autoptr(SltMessage) hh = hostile("html-hostile.eml");
	g_assert_true(hh->html_only);
	g_assert_true(g_str_has_prefix(hh->new_text,
				       "Graag het pakket & een gesprek \xe2\x80\x94 caf\xc3\xa9.\n\n- een\n- twee"));
	g_assert_null(strstr(hh->text, "alert"));
	g_assert_null(strstr(hh->text, "preheader"));
	g_assert_null(strstr(hh->text, "titel"));
	g_assert_true(g_str_has_prefix(hh->quoted_text, "> Oude tekst\n>\n>> nog ouder"));
	g_assert_nonnull(strstr(hh->text, "diep"));
	g_assert_cmpstr(hh->signature, ==, "Met vriendelijke groet,\nJan");

	g_autoptr(SltMessage) nc = hostile("nul-and-cr.eml");
	g_assert_cmpstr(nc->text, ==, "Regel een\nregel twee\n\nregel vier met \xe2\x80\x99quotes\xe2\x80\x9c");
}

/* ---- generated messages ---------------------------------------------------- */

static const char *head =
	"From: Jan <jan@utrecht.nl>\r\nTo: stevigelokaleteams@vng.nl\r\nSubject: test\r\n"
	"Date: Tue, 18 Mar 2025 10:00:00 +0100\r\nMessage-ID: <gen@test>\r\nMIME-Version: 1.0\r\n";

static void
test_huge_attachment(void)
{
	const gsize size = 30u * 1024 * 1024;
	guint8 *bin = g_malloc(size);
	guint32 x = 12345;
	for (gsize i = 0; i < size; i++) {
		x = x * 1103515245u + 12345u;
		bin[i] = (guint8)(x >> 16);
	}
	g_autofree char *b64 = g_base64_encode(bin, size);
	g_free(bin);
	GString *raw = g_string_sized_new(strlen(b64) + strlen(b64) / 76 * 2 + 1024);
	g_string_append(raw, head);
	g_string_append(raw, "Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\n"
			     "Content-Type: text/plain; charset=utf-8\r\n\r\nZie bijlage.\r\n--B\r\n"
			     "Content-Type: application/octet-stream; name=\"groot.bin\"\r\n"
			     "Content-Disposition: attachment; filename=\"groot.bin\"\r\n"
			     "Content-Transfer-Encoding: base64\r\n\r\n");
	gsize n = strlen(b64);
	for (gsize off = 0; off < n; off += 76) {
		g_string_append_len(raw, b64 + off, MIN(76, n - off));
		g_string_append(raw, "\r\n");
	}
	g_string_append(raw, "--B--\r\n");
	gint64 t0 = g_get_monotonic_time();
	g_autoptr(GError) error = NULL;
	g_autoptr(SltMessage) m = slt_mime_parse(raw->str, raw->len, &error);
	gint64 t1 = g_get_monotonic_time();
	g_assert_no_error(error);
	check_message(m, 0);
	g_test_message("30 MB base64 attachment parsed in %.1f ms", (t1 - t0) / 1000.0);
	g_assert_cmpstr(m->text, ==, "Zie bijlage.");
	const SltAttachment *a = attachment(m, "groot.bin");
	g_assert_nonnull(a);
	g_assert_cmpuint(a->size, ==, size);
	g_assert_cmpuint(m->defects->len, ==, 0);
	g_string_free(raw, TRUE);
}

static void
test_deep_generated(void)
{
	/* Beyond GMime's own nesting limit (1024 levels). */
	GString *raw = g_string_new(head);
	g_string_append(raw, "Content-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n");
	for (int i = 0; i < 5000; i++)
		g_string_append_printf(raw, "--b%d\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n", i, i + 1);
	g_string_append(raw, "--b5000\r\nContent-Type: text/plain\r\n\r\ndiep\r\n");
	g_autoptr(SltMessage) m = parse_string(raw->str);
	g_assert_cmpuint(m->defects->len, >, 0);
	g_string_free(raw, TRUE);

	/* message/rfc822 inside message/rfc822, 2000 deep, no multiparts. */
	raw = g_string_new(head);
	for (int i = 0; i < 2000; i++)
		g_string_append(raw, "Content-Type: message/rfc822\r\n\r\nSubject: x\r\n");
	g_string_append(raw, "Content-Type: text/plain\r\n\r\nbinnenin\r\n");
	g_autoptr(SltMessage) r = parse_string(raw->str);
	g_string_free(raw, TRUE);
}

static void
test_filenames(void)
{
	g_autofree char *raw = g_strconcat(head,
		"Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n"
		"--B\r\nContent-Type: text/plain\r\n\r\nTekst.\r\n"
		"--B\r\nContent-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document\r\n"
		"Content-Disposition: attachment;\r\n filename*=utf-8''Notitie%20bekostiging%20%E2%82%AC.docx\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\nUEsDBA==\r\n"
		"--B\r\nContent-Type: application/pdf; name=\"=?utf-8?Q?Caf=C3=A9.pdf?=\"\r\n"
		"Content-Disposition: attachment\r\n\r\n%PDF\r\n"
		"--B\r\nContent-Type: application/octet-stream\r\n"
		"Content-Disposition: attachment; filename=\"../../etc/passwd\"\r\n\r\nx\r\n"
		"--B\r\nContent-Type: application/octet-stream\r\n"
		"Content-Disposition: attachment; filename=\"C:\\\\evil\\\\x.exe\"\r\n\r\nx\r\n"
		"--B\r\nContent-Type: application/vnd.ms-tnef\r\n"
		"Content-Disposition: attachment; filename=\"WINMAIL.DAT\"\r\n\r\nx\r\n"
		"--B\r\nContent-Type: image/png\r\nContent-Disposition: inline\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
		"--B\r\nContent-Type: text/plain; name=\"notes.txt\"\r\n"
		"Content-Disposition: attachment; filename=\"notes.txt\"\r\n\r\nniet de tekst\r\n"
		"--B--\r\n", NULL);
	g_autoptr(SltMessage) m = parse_string(raw);
	g_assert_cmpstr(m->text, ==, "Tekst.");
	g_assert_cmpuint(m->attachments->len, ==, 7);
	const SltAttachment *a = attachment(m, "Notitie bekostiging \xe2\x82\xac.docx");
	g_assert_nonnull(a);
	g_assert_cmpuint(a->size, ==, 4);
	g_assert_nonnull(attachment(m, "Caf\xc3\xa9.pdf"));
	g_assert_nonnull(attachment(m, "passwd"));
	g_assert_nonnull(attachment(m, "x.exe"));
	const SltAttachment *t = attachment(m, "WINMAIL.DAT");
	g_assert_nonnull(t);
	g_assert_true(t->is_tnef);
	const SltAttachment *img = g_ptr_array_index(m->attachments, 5);
	g_assert_null(img->filename);
	g_assert_true(img->is_inline);
	g_assert_cmpuint(img->size, ==, 8);
	g_assert_nonnull(attachment(m, "notes.txt"));
}

static void
test_charsets(void)
{
	static const struct {
		const char *charset;
		const char *encoding;
		const char *body;
		const char *want;
	} cases[] = {
		{ "iso-8859-1", "8bit", "\x80 caf\xe9 \x93x\x94", "\xe2\x82\xac caf\xc3\xa9 \xe2\x80\x9cx\xe2\x80\x9d" },
		{ "windows-1252", "quoted-printable", "=80 =E9=E9n", "\xe2\x82\xac \xc3\xa9\xc3\xa9n" },
		{ "iso-8859-15", "8bit", "\xa4 5", "\xe2\x82\xac 5" },
		{ "utf-16le", "base64", "SABhAGwAbABvAA==", "Hallo" },
		{ "us-ascii", "7bit", "plain ascii", "plain ascii" },
		{ "UTF-8", "8bit", "co\xc3\xb6peratie", "co\xc3\xb6peratie" },
		{ "shift_jis", "8bit", "\x93\xfa\x96\x7b", "\xe6\x97\xa5\xe6\x9c\xac" },
		/* iconv refuses a byte: that byte alone becomes windows-1252. */
		{ "shift_jis", "8bit", "ok \xff", "ok \xc3\xbf" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *raw = g_strdup_printf("%sContent-Type: text/plain; charset=%s\r\n"
						       "Content-Transfer-Encoding: %s\r\n\r\n%s",
						       head, cases[i].charset, cases[i].encoding, cases[i].body);
		g_autoptr(SltMessage) m = parse_string(raw);
		g_assert_cmpstr(m->text, ==, cases[i].want);
	}
	/* Encoded words in headers with several charsets. */
	const char *hdrs =
		"From: =?iso-8859-1?Q?Jos=E9?= <j@x.nl>\r\nTo: a@b.nl\r\n"
		"Subject: =?utf-8?B?Q2Fmw6k=?= en =?windows-1252?Q?=80?=\r\n\t  gevouwen\r\n"
		"Content-Type: text/plain\r\n\r\nx\r\n";
	g_autoptr(SltMessage) h = parse_string(hdrs);
	g_assert_cmpstr(h->from_name, ==, "Jos\xc3\xa9");
	g_assert_cmpstr(h->subject, ==, "Caf\xc3\xa9 en \xe2\x82\xac gevouwen");
	g_assert_cmpint(h->date, ==, 0);
	g_assert_true(has_defect(h, "no Date header"));
}

static void
test_text_parts(void)
{
	/* format=flowed with delsp=yes and quote depth. */
	g_autofree char *flowed = g_strconcat(head,
		"Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\r\n\r\n"
		"Een lange zin die door \r\nloopt en  \r\neindigt.\r\n> geciteerd  \r\n> verder\r\n \r\n-- \r\nJan\r\n", NULL);
	g_autoptr(SltMessage) f = parse_string(flowed);
	g_assert_cmpstr(f->text, ==, "Een lange zin die doorloopt en eindigt.\n> geciteerd verder\n\n-- \nJan");
	/* Without delsp the soft-break space stays; a space-stuffed line
	 * loses its stuffing. */
	g_autofree char *flowed2 = g_strconcat(head,
		"Content-Type: text/plain; format=flowed\r\n\r\nEen \r\ntwee\r\n From hier\r\n", NULL);
	g_autoptr(SltMessage) f2 = parse_string(flowed2);
	g_assert_cmpstr(f2->text, ==, "Een twee\nFrom hier");

	/* An empty plain alternative: the HTML is used. */
	g_autofree char *alt = g_strconcat(head,
		"Content-Type: multipart/alternative; boundary=\"A\"\r\n\r\n"
		"--A\r\nContent-Type: text/plain\r\n\r\n  \r\n"
		"--A\r\nContent-Type: text/html\r\n\r\n<p>Uit <b>HTML</b></p>\r\n--A--\r\n", NULL);
	g_autoptr(SltMessage) a = parse_string(alt);
	g_assert_cmpstr(a->text, ==, "Uit HTML");
	g_assert_true(a->html_only);

	/* Plain preferred over HTML; several inline plain parts joined. */
	g_autofree char *mixed = g_strconcat(head,
		"Content-Type: multipart/mixed; boundary=\"M\"\r\n\r\n"
		"--M\r\nContent-Type: multipart/alternative; boundary=\"A\"\r\n\r\n"
		"--A\r\nContent-Type: text/plain\r\n\r\nplat\r\n"
		"--A\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--A--\r\n"
		"--M\r\nContent-Type: text/plain\r\n\r\nvoettekst\r\n--M--\r\n", NULL);
	g_autoptr(SltMessage) mx = parse_string(mixed);
	g_assert_cmpstr(mx->text, ==, "plat\n\nvoettekst");
	g_assert_false(mx->html_only);

	/* 2 MB of text: cut at 1 MB, said in a defect. */
	GString *big = g_string_new(head);
	g_string_append(big, "Content-Type: text/plain; charset=utf-8\r\n\r\n");
	for (int i = 0; i < 2 * 1024 * 1024 / 64; i++)
		g_string_append(big, "\xc3\xa9\xc3\xa9n regel tekst die herhaald wordt tot er twee MB is...\r\n");
	g_autoptr(SltMessage) b = parse_string(big->str);
	g_assert_cmpuint(strlen(b->text), <=, 1024 * 1024);
	g_assert_cmpuint(strlen(b->text), >, 1000 * 1000);
	g_assert_true(has_defect(b, "cut"));
	g_string_free(big, TRUE);

	/* LF-only mail parses like CRLF mail. */
	g_autofree char *lf = g_strdup("From: a@b.nl\nSubject: lf\nContent-Type: text/plain\n\nregel 1\nregel 2\n");
	g_autoptr(SltMessage) l = parse_string(lf);
	g_assert_cmpstr(l->text, ==, "regel 1\nregel 2");

	/* Encrypted content cannot be read; that is a defect, not a crash. */
	g_autofree char *enc = g_strconcat(head,
		"Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"E\"\r\n\r\n"
		"--E\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n"
		"--E\r\nContent-Type: application/octet-stream\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n--E--\r\n", NULL);
	g_autoptr(SltMessage) e = parse_string(enc);
	g_assert_true(has_defect(e, "encrypted"));
	g_assert_cmpstr(e->text, ==, "");
	g_assert_cmpuint(e->attachments->len, ==, 2);

	/* A header block only. */
	g_autoptr(SltMessage) ho = parse_string("Subject: alleen kop\r\n");
	g_assert_cmpstr(ho->subject, ==, "alleen kop");
	g_assert_cmpstr(ho->text, ==, "");
	g_assert_true(has_defect(ho, "no From"));

	/* Return-Path <> and a mbox From line. */
	g_autoptr(SltMessage) rp = parse_string("From MAILER-DAEMON Tue Mar 18 10:00:00 2025\r\n"
						"Return-Path: <>\r\nFrom: MAILER-DAEMON@x.nl (Mail Delivery System)\r\n"
						"Content-Type: text/plain\r\n\r\nbounce\r\n");
	g_assert_cmpstr(rp->return_path, ==, "");
	g_assert_true(rp->machine & SLT_MACHINE_NULL_RETURN_PATH);
	g_assert_true(rp->machine & SLT_MACHINE_DAEMON_SENDER);
	g_assert_cmpstr(rp->from_name, ==, "Mail Delivery System");
}

/* Corpus messages mutated at random (seeded): flipped bytes, cuts,
 * duplicated and deleted runs, stray boundaries. None may crash or
 * yield anything but valid UTF-8. */
static void
test_mutations(void)
{
	GRand *r = g_rand_new_with_seed(20250318);
	guint parsed = 0, refused = 0;
	for (int f = 1; f <= 160; f += 4) {
		g_autofree char *name = g_strdup_printf("%04d.eml", f);
		g_autofree char *path = corpus_path(name);
		g_autofree char *orig = NULL;
		gsize olen;
		g_assert_true(g_file_get_contents(path, &orig, &olen, NULL));
		for (int round = 0; round < 12; round++) {
			GByteArray *b = g_byte_array_new();
			g_byte_array_append(b, (guint8 *)orig, olen);
			int edits = g_rand_int_range(r, 1, 12);
			for (int e = 0; e < edits && b->len > 1; e++) {
				guint pos = g_rand_int_range(r, 0, b->len);
				/* (MIN() evaluates its arguments twice: draw first.) */
				guint run = g_rand_int_range(r, 1, 400);
				switch (g_rand_int_range(r, 0, 6)) {
				case 0:
					b->data[pos] = (guint8)g_rand_int_range(r, 0, 256);
					break;
				case 1:
					g_byte_array_set_size(b, pos + 1);
					break;
				case 2: {
					guint n = MIN(run, b->len - pos);
					g_byte_array_remove_range(b, pos, n);
					break;
				}
				case 3: {
					/* Duplicate a run in place. */
					guint n = MIN(run, b->len - pos);
					GByteArray *nb = g_byte_array_new();
					g_byte_array_append(nb, b->data, pos + n);
					g_byte_array_append(nb, b->data + pos, b->len - pos);
					g_byte_array_unref(b);
					b = nb;
					break;
				}
				case 4: {
					static const char *const bits[] = { "\r\n--", "\r\n\r\n", "=?utf-8?B?", "\0", "=\r\n",
									    "\r\nContent-Type: multipart/mixed; boundary=x\r\n" };
					const char *s = bits[g_rand_int_range(r, 0, G_N_ELEMENTS(bits))];
					gsize sl = strlen(s) ? strlen(s) : 1;
					GByteArray *nb = g_byte_array_new();
					g_byte_array_append(nb, b->data, pos);
					g_byte_array_append(nb, (const guint8 *)s, sl);
					g_byte_array_append(nb, b->data + pos, b->len - pos);
					g_byte_array_unref(b);
					b = nb;
					break;
				}
				default:
					b->data[pos] ^= 0x80;
					break;
				}
			}
			g_autoptr(GError) error = NULL;
			g_autoptr(SltMessage) m = slt_mime_parse((const char *)b->data, b->len, &error);
			if (m) {
				check_message(m, 0);
				parsed++;
			} else {
				g_assert_nonnull(error);
				refused++;
			}
			g_byte_array_unref(b);
		}
	}
	g_rand_free(r);
	g_test_message("mutations: %u parsed, %u refused", parsed, refused);
	g_assert_cmpuint(parsed, >, 300);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	slt_mime_init();
	g_test_add_func("/mime/corpus/all", test_corpus_all);
	g_test_add_func("/mime/corpus/headers", test_corpus_headers);
	g_test_add_func("/mime/corpus/structure", test_corpus_structure);
	g_test_add_func("/mime/corpus/machine", test_corpus_machine);
	g_test_add_func("/mime/hostile/files", test_hostile_files);
	g_test_add_func("/mime/hostile/huge-attachment", test_huge_attachment);
	g_test_add_func("/mime/hostile/deep", test_deep_generated);
	g_test_add_func("/mime/filenames", test_filenames);
	g_test_add_func("/mime/charsets", test_charsets);
	g_test_add_func("/mime/text-parts", test_text_parts);
	g_test_add_func("/mime/mutations", test_mutations);
	return g_test_run();
}
