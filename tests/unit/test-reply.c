/* SPDX-License-Identifier: MIT */
/* Unit tests for reply: headers, threading, subjects, UTF-8 and RFC 2047,
 * RFC 2231 file names, CRLF, byte-identical attachments, and header
 * injection attempts through names, subjects and message ids. */
#include <glib.h>
#include <string.h>
#include <gmime/gmime.h>

#include "reply.h"

static GMimeMessage *
parse(GBytes *b)
{
	gsize n;
	const char *d = g_bytes_get_data(b, &n);
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(d, n);
	GMimeParser *p = g_mime_parser_new_with_stream(s);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	g_object_unref(s);
	g_assert_nonnull(m);
	return m;
}

/* Every line ends in CRLF; no bare CR or LF anywhere. */
static void
assert_crlf(GBytes *b)
{
	gsize n;
	const char *d = g_bytes_get_data(b, &n);
	g_assert_cmpuint(n, >, 2);
	for (gsize i = 0; i < n; i++) {
		if (d[i] == '\n')
			g_assert_true(i > 0 && d[i - 1] == '\r');
		if (d[i] == '\r')
			g_assert_true(i + 1 < n && d[i + 1] == '\n');
		g_assert_cmpint(d[i], !=, '\0');
	}
	g_assert_true(d[n - 2] == '\r' && d[n - 1] == '\n');
}

/* The names of the top-level header fields, in order, lowercase,
 * joined with ",". Continuation lines (folding) belong to their field. */
static char *
header_names(GBytes *b)
{
	gsize n;
	const char *d = g_bytes_get_data(b, &n);
	GString *names = g_string_new(NULL);
	const char *end = g_strstr_len(d, n, "\r\n\r\n");
	g_assert_nonnull(end);
	g_autofree char *head = g_strndup(d, end - d);
	g_auto(GStrv) lines = g_strsplit(head, "\r\n", -1);
	for (char **l = lines; *l; l++) {
		if (**l == ' ' || **l == '\t')
			continue;
		char *colon = strchr(*l, ':');
		g_assert_nonnull(colon);
		g_autofree char *name = g_ascii_strdown(*l, colon - *l);
		if (names->len)
			g_string_append_c(names, ',');
		g_string_append(names, name);
	}
	return g_string_free(names, FALSE);
}

static const char *EXPECTED_HEADERS =
	"date,from,subject,to,message-id,in-reply-to,references,auto-submitted,"
	"x-auto-response-suppress,content-language,mime-version,content-type";

static SltReply
base_reply(void)
{
	SltReply r = {
		.from = "Stevige lokale teams <stevigelokaleteams@vng.nl>",
		.to_addr = "jan.devries@utrecht.nl",
		.to_name = "Jan de Vries",
		.subject = "Re: Vraag [SLT-7]",
		.message_id = "slt-7-1.abc@vng.nl",
		.in_reply_to = "CAB123@mail.utrecht.nl",
		.date = 1767225600, /* 2026-01-01 00:00:00 UTC */
		.text = "Beste Jan,\n\nÉén vraag, één antwoord.\n.\n..\n.hidden\n",
		.html = "<p>Één</p>\n",
	};
	return r;
}

static void
test_headers(void)
{
	SltReply r = base_reply();
	g_autoptr(GPtrArray) refs = g_ptr_array_new();
	g_ptr_array_add(refs, "root@x.nl");
	g_ptr_array_add(refs, "mid@x.nl");
	r.references = refs;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) b = slt_reply_compose(&r, &error);
	g_assert_no_error(error);
	assert_crlf(b);
	g_autofree char *names = header_names(b);
	g_assert_cmpstr(names, ==, EXPECTED_HEADERS);

	GMimeMessage *m = parse(b);
	GMimeObject *o = GMIME_OBJECT(m);
	g_assert_cmpstr(g_mime_message_get_subject(m), ==, "Re: Vraag [SLT-7]");
	g_assert_cmpstr(g_mime_message_get_message_id(m), ==, "slt-7-1.abc@vng.nl");
	g_assert_cmpstr(g_mime_object_get_header(o, "In-Reply-To"), ==, "<CAB123@mail.utrecht.nl>");
	g_assert_cmpstr(g_mime_object_get_header(o, "References"), ==,
			"<root@x.nl> <mid@x.nl> <CAB123@mail.utrecht.nl>");
	g_assert_cmpstr(g_mime_object_get_header(o, "Auto-Submitted"), ==, "auto-replied");
	g_assert_cmpstr(g_mime_object_get_header(o, "X-Auto-Response-Suppress"), ==, "All");
	GDateTime *dt = g_mime_message_get_date(m);
	g_assert_cmpint(g_date_time_to_unix(dt), ==, 1767225600);
	InternetAddressList *to = g_mime_message_get_to(m);
	g_assert_cmpint(internet_address_list_length(to), ==, 1);
	InternetAddress *a = internet_address_list_get_address(to, 0);
	g_assert_cmpstr(internet_address_get_name(a), ==, "Jan de Vries");
	g_assert_cmpstr(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)), ==,
			"jan.devries@utrecht.nl");
	InternetAddressList *from = g_mime_message_get_from(m);
	g_assert_cmpstr(internet_address_mailbox_get_addr(
		INTERNET_ADDRESS_MAILBOX(internet_address_list_get_address(from, 0))), ==,
		"stevigelokaleteams@vng.nl");

	/* multipart/alternative: UTF-8 plain (exact text back) and HTML. */
	GMimeObject *body = g_mime_message_get_mime_part(m);
	g_assert_true(GMIME_IS_MULTIPART(body));
	g_assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(body),
						  "multipart", "alternative"));
	GMimeObject *plain = g_mime_multipart_get_part(GMIME_MULTIPART(body), 0);
	GMimeObject *html = g_mime_multipart_get_part(GMIME_MULTIPART(body), 1);
	g_assert_cmpstr(g_mime_object_get_content_type_parameter(plain, "charset"), ==, "utf-8");
	g_assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(html), "text", "html"));
	g_autofree char *text = g_mime_text_part_get_text(GMIME_TEXT_PART(plain));
	/* Parsed back, the lines end in CRLF; compare without CR. */
	g_autoptr(GString) lf = g_string_new(text);
	g_string_replace(lf, "\r\n", "\n", 0);
	g_assert_cmpstr(lf->str, ==, r.text);
	g_object_unref(m);

	/* No HTML: a single text/plain; no threading: no such headers. */
	r.html = NULL;
	r.in_reply_to = NULL;
	r.references = NULL;
	r.auto_submitted = "auto-generated";
	g_autoptr(GBytes) b2 = slt_reply_compose(&r, &error);
	g_assert_no_error(error);
	g_autofree char *names2 = header_names(b2);
	g_assert_cmpstr(names2, ==, "date,from,subject,to,message-id,auto-submitted,"
			"x-auto-response-suppress,content-language,mime-version,"
			"content-type,content-transfer-encoding");
	m = parse(b2);
	g_assert_true(GMIME_IS_TEXT_PART(g_mime_message_get_mime_part(m)));
	g_assert_cmpstr(g_mime_object_get_header(GMIME_OBJECT(m), "Auto-Submitted"), ==, "auto-generated");
	g_object_unref(m);
}

static void
test_encoding(void)
{
	SltReply r = base_reply();
	r.subject = "Re: Één vraag over “kwaliteit” [SLT-7]";
	r.to_name = "José Müller-Lüdenscheidt";
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) b = slt_reply_compose(&r, &error);
	g_assert_no_error(error);
	gsize n;
	const char *d = g_bytes_get_data(b, &n);
	const char *end = g_strstr_len(d, n, "\r\n\r\n");
	/* The header block is pure ASCII: RFC 2047 encoded words, UTF-8. */
	for (const char *p = d; p < end; p++)
		g_assert_cmpint((guchar)*p, <, 0x80);
	g_autofree char *head = g_strndup(d, end - d);
	g_assert_nonnull(strstr(head, "=?UTF-8?"));
	g_assert_null(strstr(head, "iso-8859-1"));
	GMimeMessage *m = parse(b);
	g_assert_cmpstr(g_mime_message_get_subject(m), ==, r.subject);
	InternetAddress *a = internet_address_list_get_address(g_mime_message_get_to(m), 0);
	g_assert_cmpstr(internet_address_get_name(a), ==, r.to_name);
	g_object_unref(m);
}

/* Hostile names, subjects and ids never produce another header line. */
static void
test_injection(void)
{
	const char *names[] = {
		"Jan\r\nBcc: victim@example.org",
		"Jan\nBcc: victim@example.org",
		"Jan\rBcc: victim@example.org",
		"\"Jan\" <evil@example.org>, Other\r\n\r\nbody",
		"=?utf-8?q?Jan=0D=0ABcc:_victim@example.org?=",
		"Jan\x0b\x0c\x1b[31m",
	};
	const char *subjects[] = {
		"Vraag\r\nBcc: victim@example.org",
		"Vraag\n\nX-Injected: 1",
		"Vraag\rSubject: other",
		"=?utf-8?q?Vraag=0D=0ABcc:_victim@example.org?=",
		"Vraag\t\tmet tabs",
	};
	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		for (guint j = 0; j < G_N_ELEMENTS(subjects); j++) {
			SltReply r = base_reply();
			r.to_name = names[i];
			g_autofree char *subject = slt_reply_subject(subjects[j], "SLT-7");
			r.subject = subject;
			g_autoptr(GPtrArray) refs = g_ptr_array_new();
			g_ptr_array_add(refs, "ok@x.nl");
			g_ptr_array_add(refs, "bad\r\nBcc: x@y");
			g_ptr_array_add(refs, "bad> <evil@x");
			r.references = refs;
			r.in_reply_to = "a@b\r\nX-Injected: 1";
			g_autoptr(GError) error = NULL;
			g_autoptr(GBytes) b = slt_reply_compose(&r, &error);
			g_assert_no_error(error);
			assert_crlf(b);
			g_autofree char *got = header_names(b);
			g_assert_cmpstr(got, ==, "date,from,subject,to,message-id,references,"
					"auto-submitted,x-auto-response-suppress,content-language,"
					"mime-version,content-type");
			GMimeMessage *m = parse(b);
			/* One recipient, the one we meant. */
			InternetAddressList *to = g_mime_message_get_to(m);
			g_assert_cmpint(internet_address_list_length(to), ==, 1);
			g_assert_cmpstr(internet_address_mailbox_get_addr(
				INTERNET_ADDRESS_MAILBOX(internet_address_list_get_address(to, 0))), ==,
				"jan.devries@utrecht.nl");
			g_assert_null(g_mime_message_get_bcc(m) &&
				      internet_address_list_length(g_mime_message_get_bcc(m)) ?
				      "bcc" : NULL);
			g_assert_cmpstr(g_mime_object_get_header(GMIME_OBJECT(m), "References"), ==,
					"<ok@x.nl>");
			const char *s = g_mime_message_get_subject(m);
			g_assert_null(strchr(s, '\r'));
			g_assert_null(strchr(s, '\n'));
			g_assert_true(g_str_has_suffix(s, " [SLT-7]"));
			g_object_unref(m);
		}
	}
}

static void
test_attachments(void)
{
	guint8 bin[70000];
	for (gsize i = 0; i < sizeof bin; i++)
		bin[i] = (guint8)(i * 7 + (i >> 8));
	memcpy(bin, "%PDF-1.4\r\n.\r\n", 13);
	g_autoptr(GBytes) pdf = g_bytes_new(bin, sizeof bin);
	g_autoptr(GBytes) empty = g_bytes_new(NULL, 0);
	SltReplyAttachment att[] = {
		{ "Kwaliteit – kennisoverzicht (versie 2).pdf", pdf, NULL },
		{ "leeg.txt", empty, "text/plain" },
	};
	SltReply r = base_reply();
	r.attachments = att;
	r.n_attachments = G_N_ELEMENTS(att);
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) b = slt_reply_compose(&r, &error);
	g_assert_no_error(error);
	assert_crlf(b);
	gsize n;
	const char *d = g_bytes_get_data(b, &n);
	g_autofree char *all = g_strndup(d, n);
	/* RFC 2231 in UTF-8 (possibly continued: filename*0*=). */
	g_assert_true(strstr(all, "filename*=UTF-8''Kwaliteit%20%E2%80%93") ||
		      strstr(all, "filename*0*=UTF-8''Kwaliteit%20%E2%80%93"));

	GMimeMessage *m = parse(b);
	GMimeObject *mixed = g_mime_message_get_mime_part(m);
	g_assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(mixed), "multipart", "mixed"));
	g_assert_cmpint(g_mime_multipart_get_count(GMIME_MULTIPART(mixed)), ==, 3);
	GMimeObject *alt = g_mime_multipart_get_part(GMIME_MULTIPART(mixed), 0);
	g_assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(alt), "multipart", "alternative"));
	GMimePart *p = GMIME_PART(g_mime_multipart_get_part(GMIME_MULTIPART(mixed), 1));
	g_assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(GMIME_OBJECT(p)),
						  "application", "pdf"));
	g_assert_cmpstr(g_mime_part_get_filename(p), ==, att[0].filename);
	g_assert_cmpint(g_mime_part_get_content_encoding(p), ==, GMIME_CONTENT_ENCODING_BASE64);
	/* Decode and compare byte for byte. */
	GMimeStream *out = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(p), out);
	GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
	g_assert_cmpmem(ba->data, ba->len, bin, sizeof bin);
	g_object_unref(out);
	GMimePart *p2 = GMIME_PART(g_mime_multipart_get_part(GMIME_MULTIPART(mixed), 2));
	g_assert_cmpstr(g_mime_part_get_filename(p2), ==, "leeg.txt");
	g_object_unref(m);

	/* A file name with a directory, or no data: refused. */
	SltReplyAttachment bad[] = { { "../etc/passwd", pdf, NULL } };
	r.attachments = bad;
	r.n_attachments = 1;
	g_assert_null(slt_reply_compose(&r, &error));
	g_assert_error(error, SLT_REPLY_ERROR, SLT_REPLY_ERROR_INVALID);
	g_clear_error(&error);
	SltReplyAttachment nodata[] = { { "a.pdf", NULL, NULL } };
	r.attachments = nodata;
	g_assert_null(slt_reply_compose(&r, &error));
	g_assert_error(error, SLT_REPLY_ERROR, SLT_REPLY_ERROR_INVALID);
}

static void
test_references_cap(void)
{
	g_autoptr(GPtrArray) refs = g_ptr_array_new_with_free_func(g_free);
	for (int i = 0; i < 30; i++)
		g_ptr_array_add(refs, g_strdup_printf("id%d@x.nl", i));
	SltReply r = base_reply();
	r.references = refs;
	r.in_reply_to = "last@x.nl";
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) b = slt_reply_compose(&r, &error);
	g_assert_no_error(error);
	GMimeMessage *m = parse(b);
	const char *v = g_mime_object_get_header(GMIME_OBJECT(m), "References");
	g_autofree char *flat = g_strdup(v);
	g_strdelimit(flat, "\r\n\t", ' ');
	g_auto(GStrv) ids = g_strsplit_set(flat, " ", -1);
	g_autoptr(GPtrArray) got = g_ptr_array_new();
	for (char **i = ids; *i; i++)
		if (**i)
			g_ptr_array_add(got, *i);
	g_assert_cmpuint(got->len, ==, 10);
	g_assert_cmpstr(g_ptr_array_index(got, 0), ==, "<id0@x.nl>");
	g_assert_cmpstr(g_ptr_array_index(got, 1), ==, "<id22@x.nl>");
	g_assert_cmpstr(g_ptr_array_index(got, 9), ==, "<last@x.nl>");
	g_object_unref(m);
}

static void
test_subject(void)
{
	struct { const char *in, *ref, *out; } cases[] = {
		{ "Vraag over kwaliteit", "SLT-1", "Re: Vraag over kwaliteit [SLT-1]" },
		{ "Re: Vraag", "SLT-1", "Re: Vraag [SLT-1]" },
		{ "Re: Re: RE: re:Vraag", "SLT-1", "Re: Vraag [SLT-1]" },
		{ "Antw: AW: Sv: Re[2]: Re(3): Vraag", "SLT-1", "Re: Vraag [SLT-1]" },
		{ "Re: Vraag [SLT-1]", "SLT-1", "Re: Vraag [SLT-1]" },
		{ "Re: [slt-12] Re: Vraag [SLT-12] [SLT-12]", "SLT-12", "Re: Vraag [SLT-12]" },
		{ "Fwd: Vraag", "SLT-2", "Re: Fwd: Vraag [SLT-2]" },
		{ "Reactie op de nota", "SLT-2", "Re: Reactie op de nota [SLT-2]" },
		{ "[SLT-abc] blijft", "SLT-2", "Re: [SLT-abc] blijft [SLT-2]" },
		{ "", "SLT-3", "Re: Uw bericht [SLT-3]" },
		{ NULL, "SLT-3", "Re: Uw bericht [SLT-3]" },
		{ "Re:", "SLT-3", "Re: Uw bericht [SLT-3]" },
		{ "  veel    ruimte\t\r\n  hier ", "SLT-4", "Re: veel ruimte hier [SLT-4]" },
		{ "Vraag", NULL, "Re: Vraag" },
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *s = slt_reply_subject(cases[i].in, cases[i].ref);
		g_assert_cmpstr(s, ==, cases[i].out);
	}
	/* Long subjects are cut on a character boundary. */
	g_autoptr(GString) lng = g_string_new(NULL);
	for (int i = 0; i < 300; i++)
		g_string_append(lng, "é");
	g_autofree char *s = slt_reply_subject(lng->str, "SLT-5");
	g_assert_true(g_utf8_validate(s, -1, NULL));
	g_assert_cmpuint(strlen(s), <=, 200 + strlen("Re:  [SLT-5]"));
	g_assert_true(g_str_has_suffix(s, "é [SLT-5]"));
}

static void
test_header_text(void)
{
	g_autofree char *a = slt_reply_header_text("a\r\nb\x01" "c\t d", 100);
	g_assert_cmpstr(a, ==, "a b c d");
	g_autofree char *b = slt_reply_header_text("\xff\xfe" "ab", 100);
	g_assert_true(g_utf8_validate(b, -1, NULL));
	g_autofree char *c = slt_reply_header_text("ééé", 3);
	g_assert_cmpstr(c, ==, "é");
	g_autofree char *d = slt_reply_header_text(NULL, 3);
	g_assert_cmpstr(d, ==, "");
	g_autofree char *e = slt_reply_header_text("x =?utf-8?q?a=0D=0A?= y", 100);
	g_assert_cmpstr(e, ==, "x = ?utf-8?q?a=0D=0A?= y");
}

static void
test_addr(void)
{
	const char *good[] = { "a@b.nl", "jan.de.vries@utrecht.nl", "x+tag@sub.example.org",
			       "o'brien@x.ie", "a@localhost", NULL };
	const char *bad[] = { "", "a", "@b.nl", "a@", "a b@c.nl", "a@b .nl", "a..b@c.nl",
			      ".a@c.nl", "a.@c.nl", "a@-b.nl", "a@b-.nl", "a@b..nl",
			      "a\r\n@b.nl", "a@b.nl\r\nBcc: x@y", "\"a b\"@c.nl", "<a@b.nl>",
			      "a@b.nl>", "jösé@x.nl", "a@xn--b.nl,c@d.nl", "a@[127.0.0.1]", NULL };
	for (const char **p = good; *p; p++)
		g_assert_true(slt_reply_addr_ok(*p));
	for (const char **p = bad; *p; p++)
		if (slt_reply_addr_ok(*p))
			g_error("'%s' accepted", *p);
	g_assert_false(slt_reply_addr_ok(NULL));
	g_autoptr(GString) lng = g_string_new(NULL);
	for (int i = 0; i < 65; i++)
		g_string_append_c(lng, 'a');
	g_string_append(lng, "@b.nl");
	g_assert_false(slt_reply_addr_ok(lng->str));
}

static void
test_message_id(void)
{
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (int i = 0; i < 2000; i++) {
		char *id = slt_reply_message_id(42, "vng.nl");
		g_assert_true(g_str_has_prefix(id, "slt-42-"));
		g_assert_true(g_str_has_suffix(id, "@vng.nl"));
		g_assert_false(g_hash_table_contains(seen, id));
		g_hash_table_add(seen, id);
	}
}

static void
test_errors(void)
{
	g_autoptr(GError) error = NULL;
	SltReply r = base_reply();
	r.to_addr = "not an address";
	g_assert_null(slt_reply_compose(&r, &error));
	g_assert_error(error, SLT_REPLY_ERROR, SLT_REPLY_ERROR_ADDRESS);
	g_clear_error(&error);
	r = base_reply();
	r.from = "a@b.nl, c@d.nl";
	g_assert_null(slt_reply_compose(&r, &error));
	g_assert_error(error, SLT_REPLY_ERROR, SLT_REPLY_ERROR_ADDRESS);
	g_clear_error(&error);
	r.from = NULL;
	g_assert_null(slt_reply_compose(&r, &error));
	g_assert_error(error, SLT_REPLY_ERROR, SLT_REPLY_ERROR_ADDRESS);
	g_clear_error(&error);
	r = base_reply();
	r.text = NULL;
	g_assert_null(slt_reply_compose(&r, &error));
	g_assert_error(error, SLT_REPLY_ERROR, SLT_REPLY_ERROR_INVALID);
	g_clear_error(&error);
	r = base_reply();
	r.message_id = "no-at-sign";
	g_assert_null(slt_reply_compose(&r, &error));
	g_assert_error(error, SLT_REPLY_ERROR, SLT_REPLY_ERROR_INVALID);
}

int
main(int argc, char **argv)
{
	g_mime_init();
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/reply/headers", test_headers);
	g_test_add_func("/reply/encoding", test_encoding);
	g_test_add_func("/reply/injection", test_injection);
	g_test_add_func("/reply/attachments", test_attachments);
	g_test_add_func("/reply/references-cap", test_references_cap);
	g_test_add_func("/reply/subject", test_subject);
	g_test_add_func("/reply/header-text", test_header_text);
	g_test_add_func("/reply/addr", test_addr);
	g_test_add_func("/reply/message-id", test_message_id);
	g_test_add_func("/reply/errors", test_errors);
	int rc = g_test_run();
	g_mime_shutdown();
	return rc;
}
