/* SPDX-License-Identifier: MIT */
/* reply: one outgoing mail composed with GMime 3, serialised with CRLF.
 * RFCs: 5322, 2045-2047, 2231, 3834, 5321. */
#include "reply.h"

#include <string.h>
#include <gmime/gmime.h>

G_DEFINE_QUARK(slt-reply-error-quark, slt_reply_error)

/* GMime 3.2 declares no autoptr cleanups. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeObject, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeDataWrapper, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(InternetAddressList, g_object_unref)

/* Cap on References: the thread's first id and the newest ones, as
 * RFC 5322 3.6.4 allows ("trim" from the middle); a hostile References
 * with thousands of ids must not grow our header. */
#define MAX_REFERENCES 10
#define MAX_SUBJECT 200

char *
slt_reply_header_text(const char *s, gsize max)
{
	if (!s)
		return g_strdup("");
	g_autofree char *valid = g_utf8_make_valid(s, -1);
	GString *out = g_string_sized_new(strlen(valid));
	gboolean space = FALSE;
	for (const char *p = valid; *p; p++) {
		guchar c = (guchar)*p;
		if (c < 0x20 || c == 0x7f || c == ' ') {
			space = TRUE;
			continue;
		}
		if (space && out->len)
			g_string_append_c(out, ' ');
		space = FALSE;
		g_string_append_c(out, *p);
		/* A literal "=?" would let the recipient's client decode text
		 * we pass on as an encoded word, e.g. one that hides a CRLF
		 * (their subject, already decoded once by mime.c). */
		if (*p == '=' && p[1] == '?')
			g_string_append_c(out, ' ');
	}
	if (out->len > max) {
		const char *cut = g_utf8_find_prev_char(out->str, out->str + max + 1);
		g_string_truncate(out, cut ? (gsize)(cut - out->str) : 0);
		while (out->len && out->str[out->len - 1] == ' ')
			g_string_truncate(out, out->len - 1);
	}
	return g_string_free(out, FALSE);
}

gboolean
slt_reply_addr_ok(const char *addr)
{
	if (!addr)
		return FALSE;
	gsize len = strlen(addr);
	const char *at = strrchr(addr, '@');
	if (len == 0 || len > 254 || !at || at == addr || at - addr > 64 || !at[1])
		return FALSE;
	/* Local part: dot-atom of RFC 5322 atext. No quoted strings: they
	 * are legal but never needed by the people who write to the desk,
	 * and a quoted local part is the usual way to smuggle syntax. */
	static const char atext_extra[] = "!#$%&'*+-/=?^_`{|}~";
	for (const char *p = addr; p < at; p++) {
		if (g_ascii_isalnum(*p) || strchr(atext_extra, *p))
			continue;
		if (*p == '.' && p != addr && p + 1 != at && p[1] != '.')
			continue;
		return FALSE;
	}
	/* Domain: letters, digits, hyphens and dots, each label non-empty. */
	const char *label = at + 1;
	for (const char *p = at + 1;; p++) {
		if (*p == '.' || !*p) {
			if (p == label || *label == '-' || p[-1] == '-')
				return FALSE;
			if (!*p)
				break;
			label = p + 1;
		} else if (!g_ascii_isalnum(*p) && *p != '-') {
			return FALSE;
		}
	}
	return TRUE;
}

/* A message id from incoming mail, fit to repeat in our References: a
 * token of printable ASCII without brackets or spaces. */
static gboolean
msgid_ok(const char *id)
{
	if (!id || !*id || strlen(id) > 250)
		return FALSE;
	for (const char *p = id; *p; p++)
		if ((guchar)*p <= 0x20 || (guchar)*p >= 0x7f || *p == '<' || *p == '>' ||
		    *p == '(' || *p == ')' || *p == '\\' || *p == '"' || *p == ',')
			return FALSE;
	return TRUE;
}

/* "Re:", "RE :", "Antw:", "AW:", "Sv:", "Re[2]:", "Re(3):" at p:
 * returns the position after it, or NULL. */
static const char *
skip_reply_prefix(const char *p)
{
	static const char *const words[] = { "re", "antw", "aw", "sv", "ynt", NULL };
	for (const char *const *w = words; *w; w++) {
		gsize n = strlen(*w);
		if (g_ascii_strncasecmp(p, *w, n) != 0)
			continue;
		const char *q = p + n;
		if (*q == '[' || *q == '(') {
			char close = *q == '[' ? ']' : ')';
			q++;
			while (g_ascii_isdigit(*q))
				q++;
			if (*q != close)
				continue;
			q++;
		}
		while (*q == ' ')
			q++;
		if (*q == ':')
			return q + 1;
	}
	return NULL;
}

/* Remove "[SLT-n]" tags (any case) so that a reply to our reply does not
 * collect them. */
static void
remove_tags(GString *s)
{
	for (gsize i = 0; i < s->len; i++) {
		if (s->str[i] != '[' || g_ascii_strncasecmp(s->str + i + 1, "slt-", 4) != 0)
			continue;
		gsize j = i + 5;
		while (j < s->len && g_ascii_isdigit(s->str[j]))
			j++;
		if (j == i + 5 || j >= s->len || s->str[j] != ']')
			continue;
		g_string_erase(s, i, j + 1 - i);
		i--;
	}
}

char *
slt_reply_subject(const char *original, const char *ref)
{
	g_autofree char *clean = slt_reply_header_text(original, 4 * MAX_SUBJECT);
	g_autoptr(GString) s = g_string_new(clean);
	remove_tags(s);
	g_autofree char *folded = slt_reply_header_text(s->str, 4 * MAX_SUBJECT);
	const char *p = folded, *q;
	while ((q = skip_reply_prefix(p))) {
		p = q;
		while (*p == ' ')
			p++;
	}
	g_autofree char *body = slt_reply_header_text(*p ? p : "Uw bericht", MAX_SUBJECT);
	if (ref && *ref)
		return g_strdup_printf("Re: %s [%s]", body, ref);
	return g_strdup_printf("Re: %s", body);
}

char *
slt_reply_message_id(gint64 request_id, const char *domain)
{
	g_return_val_if_fail(domain != NULL, NULL);
	/* Time plus 64 random bits: unique without coordination between
	 * sltd and sltctl publish. */
	return g_strdup_printf("slt-%" G_GINT64_FORMAT "-%" G_GINT64_MODIFIER "x.%08x%08x@%s",
			       request_id, g_get_real_time() / G_USEC_PER_SEC,
			       g_random_int(), g_random_int(), domain);
}

static GMimeDataWrapper *
wrapper_for(const void *data, gsize len)
{
	g_autoptr(GMimeStream) ms = g_mime_stream_mem_new_with_buffer(data, len);
	return g_mime_data_wrapper_new_with_stream(ms, GMIME_CONTENT_ENCODING_DEFAULT);
}

/* A UTF-8 text part with the bytes as given. Not g_mime_text_part_set_text:
 * it re-encodes Dutch text to iso-8859-1 (measured, imap-smtp-lab.md 5). */
static GMimeObject *
text_part(const char *subtype, const char *text)
{
	GMimeTextPart *tp = g_mime_text_part_new_with_subtype(subtype);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(tp), "charset", "utf-8");
	g_autoptr(GMimeDataWrapper) dw = wrapper_for(text, strlen(text));
	g_mime_part_set_content(GMIME_PART(tp), dw);
	g_mime_part_set_content_encoding(GMIME_PART(tp), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	return GMIME_OBJECT(tp);
}

static void
param_utf8(GMimeParamList *list, const char *name)
{
	GMimeParam *p = list ? g_mime_param_list_get_parameter(list, name) : NULL;
	if (!p)
		return;
	g_mime_param_set_charset(p, "utf-8");
	g_mime_param_set_encoding_method(p, GMIME_PARAM_ENCODING_METHOD_RFC2231);
}

static GMimeObject *
attachment_part(const SltReplyAttachment *a, GError **error)
{
	const char *ct = a->content_type ? a->content_type : "application/pdf";
	g_autofree char *name = slt_reply_header_text(a->filename, 200);
	if (!*name || strchr(name, '/') || !a->data) {
		g_set_error(error, SLT_REPLY_ERROR, SLT_REPLY_ERROR_INVALID,
			    "attachment '%s' has no usable file name or no data", name);
		return NULL;
	}
	const char *slash = strchr(ct, '/');
	if (!slash) {
		g_set_error(error, SLT_REPLY_ERROR, SLT_REPLY_ERROR_INVALID,
			    "attachment '%s' has content type '%s'", name, ct);
		return NULL;
	}
	g_autofree char *type = g_strndup(ct, slash - ct);
	GMimePart *part = g_mime_part_new_with_type(type, slash + 1);
	g_mime_part_set_filename(part, name);
	/* RFC 2231 with UTF-8 (GMime's default charset would be latin-1). */
	param_utf8(g_mime_content_disposition_get_parameters(
			   g_mime_object_get_content_disposition(GMIME_OBJECT(part))), "filename");
	param_utf8(g_mime_content_type_get_parameters(
			   g_mime_object_get_content_type(GMIME_OBJECT(part))), "name");
	gsize len = 0;
	const void *bytes = g_bytes_get_data(a->data, &len);
	g_autoptr(GMimeDataWrapper) dw = wrapper_for(bytes ? bytes : "", len);
	g_mime_part_set_content(part, dw);
	g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
	return GMIME_OBJECT(part);
}

/* Their References plus their Message-ID, valid ids only, capped. */
static char *
references_value(const SltReply *r)
{
	g_autoptr(GPtrArray) ids = g_ptr_array_new();
	if (r->references)
		for (guint i = 0; i < r->references->len; i++)
			if (msgid_ok(g_ptr_array_index(r->references, i)))
				g_ptr_array_add(ids, g_ptr_array_index(r->references, i));
	if (msgid_ok(r->in_reply_to))
		g_ptr_array_add(ids, (gpointer)r->in_reply_to);
	if (!ids->len)
		return NULL;
	GString *v = g_string_new(NULL);
	for (guint i = 0; i < ids->len; i++) {
		if (ids->len > MAX_REFERENCES && i > 0 && i < ids->len - (MAX_REFERENCES - 1))
			continue;
		g_string_append_printf(v, "%s<%s>", v->len ? " " : "",
				       (const char *)g_ptr_array_index(ids, i));
	}
	return g_string_free(v, FALSE);
}

GBytes *
slt_reply_compose(const SltReply *r, GError **error)
{
	g_return_val_if_fail(r != NULL, NULL);
	if (!r->text || !r->message_id || !msgid_ok(r->message_id) || !strchr(r->message_id, '@')) {
		g_set_error(error, SLT_REPLY_ERROR, SLT_REPLY_ERROR_INVALID,
			    "a reply needs a text and a message id of our own");
		return NULL;
	}
	if (!slt_reply_addr_ok(r->to_addr)) {
		g_autofree char *shown = slt_reply_header_text(r->to_addr, 100);
		g_set_error(error, SLT_REPLY_ERROR, SLT_REPLY_ERROR_ADDRESS,
			    "cannot reply to '%s': not a usable address", shown);
		return NULL;
	}
	g_autoptr(InternetAddressList) from = r->from ? internet_address_list_parse(NULL, r->from) : NULL;
	InternetAddress *fa = from && internet_address_list_length(from) == 1 ?
			      internet_address_list_get_address(from, 0) : NULL;
	if (!fa || !INTERNET_ADDRESS_IS_MAILBOX(fa) ||
	    !slt_reply_addr_ok(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(fa)))) {
		g_set_error(error, SLT_REPLY_ERROR, SLT_REPLY_ERROR_ADDRESS,
			    "the From address '%s' is not one usable mailbox", r->from ? r->from : "");
		return NULL;
	}

	g_autoptr(GMimeMessage) msg = g_mime_message_new(TRUE);
	GMimeObject *mo = GMIME_OBJECT(msg);
	internet_address_list_add(g_mime_message_get_from(msg), fa);
	g_autofree char *name = slt_reply_header_text(r->to_name, 200);
	InternetAddress *to = internet_address_mailbox_new(*name ? name : NULL, r->to_addr);
	/* UTF-8 encoded words, not GMime's "best" charset (latin-1 for Dutch). */
	internet_address_set_charset(to, "utf-8");
	internet_address_list_add(g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_TO), to);
	g_object_unref(to);
	g_autofree char *subject = slt_reply_header_text(r->subject, 4 * MAX_SUBJECT);
	g_mime_message_set_subject(msg, subject, "utf-8");
	g_autoptr(GDateTime) date = r->date ? g_date_time_new_from_unix_utc(r->date)
					    : g_date_time_new_now_utc();
	g_mime_message_set_date(msg, date);
	g_mime_message_set_message_id(msg, r->message_id);
	if (msgid_ok(r->in_reply_to)) {
		g_autofree char *irt = g_strdup_printf("<%s>", r->in_reply_to);
		g_mime_object_set_header(mo, "In-Reply-To", irt, NULL);
	}
	g_autofree char *refs = references_value(r);
	if (refs)
		g_mime_object_set_header(mo, "References", refs, NULL);
	g_mime_object_set_header(mo, "Auto-Submitted",
				 r->auto_submitted ? r->auto_submitted : "auto-replied", NULL);
	/* Ask Exchange not to answer with an out-of-office (loop guard). */
	g_mime_object_set_header(mo, "X-Auto-Response-Suppress", "All", NULL);
	g_mime_object_set_header(mo, "Content-Language", "nl", NULL);

	g_autoptr(GMimeObject) body = NULL;
	if (r->html) {
		GMimeMultipart *alt = g_mime_multipart_new_with_subtype("alternative");
		g_autoptr(GMimeObject) tp = text_part("plain", r->text);
		g_autoptr(GMimeObject) hp = text_part("html", r->html);
		g_mime_multipart_add(alt, tp);
		g_mime_multipart_add(alt, hp);
		body = GMIME_OBJECT(alt);
	} else {
		body = text_part("plain", r->text);
	}
	if (r->n_attachments) {
		GMimeMultipart *mixed = g_mime_multipart_new_with_subtype("mixed");
		g_mime_multipart_add(mixed, body);
		for (guint i = 0; i < r->n_attachments; i++) {
			g_autoptr(GMimeObject) ap = attachment_part(&r->attachments[i], error);
			if (!ap) {
				g_object_unref(mixed);
				return NULL;
			}
			g_mime_multipart_add(mixed, ap);
		}
		g_clear_object(&body);
		body = GMIME_OBJECT(mixed);
	}
	g_mime_message_set_mime_part(msg, body);

	/* CRLF throughout: libcurl's dot-stuffing looks for "CRLF." only. */
	GMimeFormatOptions *fo = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	g_autoptr(GMimeStream) out = g_mime_stream_mem_new();
	gssize n = g_mime_object_write_to_stream(mo, fo, out);
	g_mime_format_options_free(fo);
	if (n < 0) {
		g_set_error(error, SLT_REPLY_ERROR, SLT_REPLY_ERROR_INVALID, "cannot serialise the reply");
		return NULL;
	}
	GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
	return g_bytes_new(ba->data, ba->len);
}
