/* SPDX-License-Identifier: MIT */
/* mime: raw RFC 5322 bytes into a plain SltMessage with GMime 3.
 * RFCs: 5322 (message format), 2045-2047 (MIME, transfer encodings,
 * encoded words), 2231 (parameter values), 2046 (multipart/alternative:
 * the plain part is preferred here), 3676 (format=flowed), 1847
 * (multipart/signed), 3834 (Auto-Submitted), 3462/6522 (multipart/report),
 * 3464 (DSN), 8098 (MDN), 2369/2919 (List-* headers).
 *
 * Every string that leaves this file is valid UTF-8 without NUL: text
 * goes through charset conversion (windows-1252 for bytes that fit
 * nothing else), header values through clean_header(). The walk over the
 * MIME tree is bounded in depth and in parts; GMime itself stops at its
 * own nesting limit (GMIME_CRIT_NESTING_OVERFLOW), so hostile nesting can
 * exhaust neither stack nor time. */
#include "mime.h"
#include "html.h"
#include "quote.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <gmime/gmime.h>

#define TEXT_CAP        (1024u * 1024)   /* bytes of text kept per message */
#define RAW_TEXT_CAP    (4u * TEXT_CAP)  /* encoded bytes of one text part read */
#define WALK_MAX_DEPTH  48               /* MIME levels walked */
#define EMBED_MAX_DEPTH 8                /* message/rfc822 levels parsed */
#define MAX_PARTS       2000             /* MIME parts looked at per message */
#define MAX_DEFECTS     40
#define MAX_EVIDENCE    24
#define EVIDENCE_MAX    200              /* bytes of a header value in evidence */
#define HEADER_MAX      2000             /* bytes kept of a header value */
#define MAX_BOUNDARIES  64               /* multipart boundaries checked in the raw bytes */

G_DEFINE_QUARK(slt-mime-error-quark, slt_mime_error)

static gsize
init_gmime(void)
{
	g_mime_init();
	return 1;
}

void
slt_mime_init(void)
{
	static gsize done;
	if (g_once_init_enter(&done))
		g_once_init_leave(&done, init_gmime());
}

/* ---- messages ---------------------------------------------------------- */

static void
attachment_free(gpointer p)
{
	SltAttachment *a = p;
	g_free(a->filename);
	g_free(a->content_type);
	g_free(a);
}

static SltMessage *
message_new(void)
{
	SltMessage *m = g_new0(SltMessage, 1);
	m->references = g_ptr_array_new_with_free_func(g_free);
	m->machine_evidence = g_ptr_array_new_with_free_func(g_free);
	m->attachments = g_ptr_array_new_with_free_func(attachment_free);
	m->embedded = g_ptr_array_new_with_free_func((GDestroyNotify)slt_message_free);
	m->defects = g_ptr_array_new_with_free_func(g_free);
	return m;
}

void
slt_message_free(SltMessage *m)
{
	if (!m)
		return;
	g_free(m->from_name);
	g_free(m->from_addr);
	g_free(m->reply_to_addr);
	g_free(m->sender_addr);
	g_free(m->to);
	g_free(m->cc);
	g_free(m->subject);
	g_free(m->message_id);
	g_free(m->in_reply_to);
	g_free(m->return_path);
	g_free(m->text);
	g_free(m->new_text);
	g_free(m->quoted_text);
	g_free(m->forwarded_text);
	g_free(m->signature);
	g_ptr_array_unref(m->references);
	g_ptr_array_unref(m->machine_evidence);
	g_ptr_array_unref(m->attachments);
	g_ptr_array_unref(m->embedded);
	g_ptr_array_unref(m->defects);
	g_free(m);
}

/* ---- bytes into UTF-8 -------------------------------------------------- */

/* windows-1252 0x80-0x9F (the WHATWG table); the five holes map to U+FFFD. */
static const guint16 cp1252_high[32] = {
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

static void
cp1252_append(GString *out, guchar c)
{
	if (c < 0x80)
		g_string_append_c(out, (char)c);
	else if (c < 0xA0)
		g_string_append_unichar(out, cp1252_high[c - 0x80]);
	else
		g_string_append_unichar(out, c);
}

/* Valid UTF-8 sequences as they are, every other byte as windows-1252
 * (mail declared utf-8 with a latin-1 byte in it, undeclared 8-bit
 * mail). Returns the number of bytes that needed the fallback. */
static gsize
utf8_or_1252_append(GString *out, const char *s, gsize len)
{
	const char *p = s, *e = s + len;
	gsize bad = 0;
	while (p < e) {
		const char *q = p;
		while (q < e && (guchar)*q < 0x80)
			q++;
		if (q > p) {
			g_string_append_len(out, p, q - p);
			p = q;
			continue;
		}
		gunichar u = g_utf8_get_char_validated(p, e - p);
		if (u == (gunichar)-1 || u == (gunichar)-2) {
			cp1252_append(out, (guchar)*p++);
			bad++;
		} else {
			gsize n = g_utf8_skip[(guchar)*p];
			g_string_append_len(out, p, n);
			p += n;
		}
	}
	return bad;
}

static void
cp1252_str_append(GString *out, const char *s, gsize len)
{
	for (gsize i = 0; i < len; i++)
		cp1252_append(out, (guchar)s[i]);
}

static gboolean
charset_is(const char *cs, const char *const *names)
{
	for (; *names; names++)
		if (g_ascii_strcasecmp(cs, *names) == 0)
			return TRUE;
	return FALSE;
}

static const char *const utf8_names[] = { "utf-8", "utf8", "x-utf-8", NULL };
static const char *const ascii_names[] = { "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us", NULL };
/* Mail that says latin-1 is windows-1252 in practice (WHATWG does the same). */
static const char *const latin1_names[] = {
	"iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819",
	"windows-1252", "cp1252", "x-cp1252", "win-1252", "ibm819", NULL,
};

/* Convert with iconv, each byte iconv refuses taken as windows-1252.
 * FALSE when iconv does not know the charset. */
static gboolean
iconv_append(GString *out, const char *in, gsize len, const char *charset, gsize *bad)
{
	iconv_t cd = g_mime_iconv_open("UTF-8", g_mime_charset_iconv_name(charset));
	if (cd == (iconv_t)-1)
		return FALSE;
	char buf[4096];
	char *inbuf = (char *)in;
	size_t inleft = len;
	while (inleft > 0) {
		char *ob = buf;
		size_t oleft = sizeof buf;
		size_t r = iconv(cd, &inbuf, &inleft, &ob, &oleft);
		g_string_append_len(out, buf, ob - buf);
		if (r == (size_t)-1 && errno != E2BIG) {
			/* EILSEQ or EINVAL (truncated sequence at the end). */
			cp1252_append(out, (guchar)*inbuf);
			inbuf++;
			inleft--;
			(*bad)++;
			iconv(cd, NULL, NULL, NULL, NULL);
		}
	}
	char *ob = buf;
	size_t oleft = sizeof buf;
	iconv(cd, NULL, NULL, &ob, &oleft);
	g_string_append_len(out, buf, ob - buf);
	g_mime_iconv_close(cd);
	return TRUE;
}

/* ---- context ------------------------------------------------------------ */

typedef enum {
	WALK_COLLECT,   /* text and attachments */
	WALK_ATTACH,    /* attachments only (the alternatives not chosen) */
} WalkMode;

typedef struct {
	SltMessage *top;        /* the message slt_mime_parse returns */
	GPtrArray *boundaries;  /* char*, shared by a message and its embedded ones */
	const char *raw;
	gsize raw_len;
} Shared;

typedef struct {
	SltMessage *msg;
	GMimeParserOptions *opts;
	Shared *shared;
	GString *text;
	guint n_plain, n_html;
	guint parts;
	int embed_depth;
	gboolean depth_noted, parts_noted, text_capped;
} Ctx;

static void
defect(SltMessage *m, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
defect(SltMessage *m, const char *fmt, ...)
{
	if (m->defects->len > MAX_DEFECTS)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *s = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	for (guint i = 0; i < m->defects->len; i++) {
		if (strcmp(g_ptr_array_index(m->defects, i), s) == 0) {
			g_free(s);
			return;
		}
	}
	if (m->defects->len == MAX_DEFECTS) {
		g_free(s);
		s = g_strdup("more defects not listed");
	}
	g_ptr_array_add(m->defects, s);
}

/* ---- header values -------------------------------------------------------- */

/* A header value made safe: valid UTF-8 (stray bytes as windows-1252),
 * control characters (CR, LF, NUL-less C0, DEL, C1) as spaces, white space
 * folded to one space, trimmed, cut at max bytes on a character
 * boundary. NULL in, or nothing left: NULL. */
static char *
clean_header(const char *s, gsize max)
{
	if (!s)
		return NULL;
	gsize len = strlen(s);
	g_autoptr(GString) v = NULL;
	if (!g_utf8_validate(s, len, NULL)) {
		v = g_string_sized_new(len + 8);
		utf8_or_1252_append(v, s, len);
		s = v->str;
		len = v->len;
	}
	GString *out = g_string_sized_new(MIN(len, max) + 1);
	gboolean space = FALSE;
	for (const char *p = s, *e = s + len; p < e;) {
		guchar c = (guchar)*p;
		if (c < 0x80) {
			/* ASCII: the common case, no decoding. */
			if (c <= 0x20 || c == 0x7f) {
				space = out->len > 0;
			} else {
				if (space)
					g_string_append_c(out, ' ');
				space = FALSE;
				if (out->len + 1 > max)
					break;
				g_string_append_c(out, (char)c);
			}
			p++;
			continue;
		}
		gunichar u = g_utf8_get_char(p);
		const char *next = g_utf8_next_char(p);
		gboolean ws = (u >= 0x80 && u < 0xa0) || g_unichar_isspace(u) ||
			      u == 0x2028 || u == 0x2029;
		if (ws) {
			space = out->len > 0;
		} else {
			if (space)
				g_string_append_c(out, ' ');
			space = FALSE;
			if (out->len + (next - p) > max)
				break;
			g_string_append_len(out, p, next - p);
		}
		p = next;
	}
	while (out->len && out->str[out->len - 1] == ' ')
		g_string_truncate(out, out->len - 1);
	if (out->len == 0) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

/* An addr-spec: cleaned, without spaces or angle brackets, lowercase. */
static char *
clean_addr(const char *s)
{
	char *c = clean_header(s, 320);
	if (!c)
		return NULL;
	char *w = c;
	for (char *r = c; *r; r++)
		if (*r != ' ' && *r != '<' && *r != '>' && *r != '"')
			*w++ = g_ascii_tolower(*r);
	*w = '\0';
	if (!*c) {
		g_free(c);
		return NULL;
	}
	return c;
}

/* A msg-id without angle brackets and spaces. */
static char *
clean_msgid(const char *s)
{
	char *c = clean_header(s, 998);
	if (!c)
		return NULL;
	char *w = c;
	for (char *r = c; *r; r++)
		if (*r != ' ' && *r != '<' && *r != '>')
			*w++ = *r;
	*w = '\0';
	if (!*c) {
		g_free(c);
		return NULL;
	}
	return c;
}

static InternetAddressMailbox *
first_mailbox(InternetAddressList *list, int depth)
{
	if (!list || depth > 2)
		return NULL;
	int n = internet_address_list_length(list);
	for (int i = 0; i < n; i++) {
		InternetAddress *a = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(a))
			return INTERNET_ADDRESS_MAILBOX(a);
		if (INTERNET_ADDRESS_IS_GROUP(a)) {
			InternetAddressMailbox *mb = first_mailbox(
				internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)), depth + 1);
			if (mb)
				return mb;
		}
	}
	return NULL;
}

static char *
list_string(InternetAddressList *list)
{
	if (!list || internet_address_list_length(list) == 0)
		return NULL;
	g_autofree char *s = internet_address_list_to_string(list, NULL, FALSE);
	return clean_header(s, HEADER_MAX);
}

static void
evidence(SltMessage *m, const char *name, const char *value)
{
	if (m->machine_evidence->len >= MAX_EVIDENCE)
		return;
	/* The name too: GMime passes 8-bit bytes in a header's name through
	 * ("List-Unsubscribe\xc3:" is still a List- header; fuzz-parse). */
	g_autofree char *n = clean_header(name, EVIDENCE_MAX);
	g_autofree char *v = clean_header(value ? value : "", EVIDENCE_MAX);
	char *e = g_strdup_printf("%s: %s", n ? n : "", v ? v : "");
	for (guint i = 0; i < m->machine_evidence->len; i++) {
		if (strcmp(g_ptr_array_index(m->machine_evidence, i), e) == 0) {
			g_free(e);
			return;
		}
	}
	g_ptr_array_add(m->machine_evidence, e);
}

static void
add_signal(SltMessage *m, SltMachineSignal bit, const char *name, const char *value)
{
	m->machine |= bit;
	evidence(m, name, value);
}

static gboolean
ci_contains(const char *hay, const char *needle)
{
	g_autofree char *h = g_ascii_strdown(hay, -1);
	return strstr(h, needle) != NULL;
}

static gboolean
value_says_no(const char *v)
{
	while (*v == ' ' || *v == '\t')
		v++;
	return g_ascii_strncasecmp(v, "no", 2) == 0 || g_ascii_strncasecmp(v, "false", 5) == 0 ||
	       strcmp(v, "0") == 0;
}

/* Bulk mailers name themselves in X-Mailer. */
static const char *const bulk_mailers[] = {
	"mailchimp", "sendinblue", "brevo", "mailjet", "laposta", "mailplus",
	"campaign monitor", "createsend", "mailgun", "sendgrid", "nieuwsbrief",
	"newsletter", "phplist", "mailpoet", "spotler", "deployteq", "copernica",
	"ymlp", "acumbamail", "mass mail", "bulk", "e-mailing", "emailing", "hubspot",
	"salesforce marketing", "exacttarget", "klaviyo", "activecampaign", NULL,
};

/* Headers whose presence alone marks a bulk mailer. */
static gboolean
bulk_header(const char *name)
{
	static const char *const prefixes[] = {
		"x-campaign", "x-mailchimp", "x-mc-user", "x-mailgun", "x-sg-eid", "x-sg-id",
		"x-ses-outgoing", "x-newsletter", "x-report-abuse", "x-csa-complaints",
		"x-mailjet", "x-mj-", "x-sib-", "x-mailin-campaign", "x-laposta",
		"x-hs-", "x-sfmc-", "x-mailer-recptid", "x-rpcampaign", "x-bulk",
		"feedback-id", NULL,
	};
	for (const char *const *p = prefixes; *p; p++)
		if (g_ascii_strncasecmp(name, *p, strlen(*p)) == 0)
			return TRUE;
	return FALSE;
}

typedef enum {
	H_IGNORE = 0,
	H_AUTO_SUBMITTED,
	H_PRECEDENCE,
	H_LIST,
	H_X_AUTOREPLY,
	H_SUPPRESS,
	H_EXCHANGE_RULE,
	H_RETURN_PATH,
	H_MAILER,
	H_BULK,
} HeaderClass;

/* Which machine signal a header name may carry. Decided on the name
 * alone: decoding every value (DKIM, Received, Exchange's dozens of
 * X-MS-* lines) would cost more than the rest of the parse. */
static HeaderClass
header_class(const char *name)
{
	switch (g_ascii_tolower(name[0])) {
	case 'a':
		return g_ascii_strcasecmp(name, "Auto-Submitted") == 0 ? H_AUTO_SUBMITTED : H_IGNORE;
	case 'p':
		return g_ascii_strcasecmp(name, "Precedence") == 0 ? H_PRECEDENCE : H_IGNORE;
	case 'l':
		return g_ascii_strncasecmp(name, "List-", 5) == 0 ? H_LIST : H_IGNORE;
	case 'r':
		return g_ascii_strcasecmp(name, "Return-Path") == 0 ? H_RETURN_PATH : H_IGNORE;
	case 'u':
		return g_ascii_strcasecmp(name, "User-Agent") == 0 ? H_MAILER : H_IGNORE;
	case 'f':
		return bulk_header(name) ? H_BULK : H_IGNORE;
	case 'x':
		break;
	default:
		return H_IGNORE;
	}
	if (g_ascii_strncasecmp(name, "X-MS-Exchange-", 14) == 0) {
		const char *rest = name + 14;
		return g_ascii_strcasecmp(rest, "Generated-Message-Source") == 0 ||
		       g_ascii_strcasecmp(rest, "Inbox-Rules-Loop") == 0 ? H_EXCHANGE_RULE : H_IGNORE;
	}
	static const char *const autoreply[] = {
		"X-Autoreply", "X-Autorespond", "X-Autogenerated", "X-Auto-Reply", "X-AutoReply-From",
		"X-Mail-Autoreply", "X-Autoresponder", "X-Autorespond-From", NULL,
	};
	for (const char *const *a = autoreply; *a; a++)
		if (g_ascii_strcasecmp(name, *a) == 0)
			return H_X_AUTOREPLY;
	if (g_ascii_strcasecmp(name, "X-Auto-Response-Suppress") == 0)
		return H_SUPPRESS;
	if (g_ascii_strcasecmp(name, "X-Mailer") == 0)
		return H_MAILER;
	return bulk_header(name) ? H_BULK : H_IGNORE;
}

static void
header_signals(SltMessage *m, GMimeObject *obj)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	int n = g_mime_header_list_get_count(hl);
	gboolean seen_return_path = FALSE;
	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *name = g_mime_header_get_name(h);
		if (!name || !*name)
			continue;
		HeaderClass hc = header_class(name);
		if (hc == H_IGNORE || (hc == H_RETURN_PATH && seen_return_path))
			continue;
		const char *value = g_mime_header_get_value(h);
		g_autofree char *v = clean_header(value ? value : "", HEADER_MAX);
		const char *val = v ? v : "";
		switch (hc) {
		case H_AUTO_SUBMITTED:
			if (!value_says_no(val))
				add_signal(m, SLT_MACHINE_AUTO_SUBMITTED, name, val);
			break;
		case H_PRECEDENCE:
			if (ci_contains(val, "bulk") || ci_contains(val, "junk") ||
			    ci_contains(val, "list") || ci_contains(val, "auto"))
				add_signal(m, SLT_MACHINE_PRECEDENCE, name, val);
			break;
		case H_LIST:
			add_signal(m, SLT_MACHINE_LIST, name, val);
			break;
		case H_X_AUTOREPLY:
			if (!value_says_no(val))
				add_signal(m, SLT_MACHINE_X_AUTOREPLY, name, val);
			break;
		case H_SUPPRESS:
			add_signal(m, SLT_MACHINE_SUPPRESS, name, val);
			break;
		case H_EXCHANGE_RULE:
			add_signal(m, SLT_MACHINE_EXCHANGE_RULE, name, val);
			break;
		case H_RETURN_PATH: {
			seen_return_path = TRUE;
			g_autofree char *a = clean_addr(val);
			if (!a)
				add_signal(m, SLT_MACHINE_NULL_RETURN_PATH, name, "<>");
			break;
		}
		case H_MAILER:
			if (ci_contains(val, "autorespond") || ci_contains(val, "autoreply") ||
			    ci_contains(val, "auto-reply") || ci_contains(val, "vacation")) {
				add_signal(m, SLT_MACHINE_X_AUTOREPLY, name, val);
			} else {
				for (const char *const *b = bulk_mailers; *b; b++) {
					if (ci_contains(val, *b)) {
						add_signal(m, SLT_MACHINE_BULK_MAILER, name, val);
						break;
					}
				}
			}
			break;
		case H_BULK:
			add_signal(m, SLT_MACHINE_BULK_MAILER, name, val);
			break;
		default:
			break;
		}
	}
}

/* MAILER-DAEMON, postmaster, Exchange's system mailbox
 * (MicrosoftExchange329e71ec...@gemeente.nl); no-reply addresses. */
static void
sender_signals(SltMessage *m, const char *hdr, const char *addr, const char *name)
{
	if (addr) {
		const char *at = strchr(addr, '@');
		g_autofree char *local = g_strndup(addr, at ? (gsize)(at - addr) : strlen(addr));
		if (strcmp(local, "mailer-daemon") == 0 || strcmp(local, "postmaster") == 0 ||
		    strcmp(local, "mail-daemon") == 0 || strcmp(local, "maildaemon") == 0 ||
		    g_str_has_prefix(local, "microsoftexchange") ||
		    g_str_has_prefix(local, "mailer-daemon")) {
			add_signal(m, SLT_MACHINE_DAEMON_SENDER, hdr, addr);
			return;
		}
		/* no-reply, no_reply, do.not.reply, niet-beantwoorden... */
		GString *squash = g_string_new(NULL);
		for (const char *p = local; *p; p++)
			if (*p != '-' && *p != '_' && *p != '.')
				g_string_append_c(squash, *p);
		gboolean noreply = strstr(squash->str, "noreply") || strstr(squash->str, "donotreply") ||
				   strstr(squash->str, "nietbeantwoorden") || strstr(squash->str, "geenantwoord") ||
				   strstr(squash->str, "nietantwoorden");
		g_string_free(squash, TRUE);
		if (noreply)
			add_signal(m, SLT_MACHINE_NOREPLY_SENDER, hdr, addr);
	}
	if (name) {
		g_autofree char *n = g_ascii_strdown(name, -1);
		if (strstr(n, "mail delivery") || strstr(n, "mailer-daemon") ||
		    strcmp(n, "postmaster") == 0 || strstr(n, "mail delivery subsystem"))
			add_signal(m, SLT_MACHINE_DAEMON_SENDER, hdr, name);
	}
}

static void
read_headers(Ctx *c, GMimeMessage *gm)
{
	SltMessage *m = c->msg;
	GMimeObject *obj = GMIME_OBJECT(gm);

	InternetAddressMailbox *from = first_mailbox(g_mime_message_get_from(gm), 0);
	if (from) {
		m->from_name = clean_header(internet_address_get_name(INTERNET_ADDRESS(from)), 200);
		m->from_addr = clean_addr(internet_address_mailbox_get_addr(from));
	} else {
		defect(m, "no From address");
	}
	InternetAddressMailbox *rt = first_mailbox(g_mime_message_get_reply_to(gm), 0);
	if (rt)
		m->reply_to_addr = clean_addr(internet_address_mailbox_get_addr(rt));
	InternetAddressMailbox *snd = first_mailbox(g_mime_message_get_sender(gm), 0);
	if (snd)
		m->sender_addr = clean_addr(internet_address_mailbox_get_addr(snd));
	m->to = list_string(g_mime_message_get_to(gm));
	m->cc = list_string(g_mime_message_get_cc(gm));
	m->subject = clean_header(g_mime_message_get_subject(gm), HEADER_MAX);

	GDateTime *date = g_mime_message_get_date(gm);
	if (date)
		m->date = g_date_time_to_unix(date);
	else if (g_mime_object_get_header(obj, "Date"))
		defect(m, "unreadable Date header");
	else
		defect(m, "no Date header");

	m->message_id = clean_msgid(g_mime_message_get_message_id(gm));

	const char *irt = g_mime_object_get_header(obj, "In-Reply-To");
	if (irt) {
		GMimeReferences *refs = g_mime_references_parse(c->opts, irt);
		if (refs && g_mime_references_length(refs) > 0)
			m->in_reply_to = clean_msgid(g_mime_references_get_message_id(refs, 0));
		else
			m->in_reply_to = clean_msgid(irt);
		if (refs)
			g_mime_references_free(refs);
	}
	const char *refs_hdr = g_mime_object_get_header(obj, "References");
	if (refs_hdr) {
		GMimeReferences *refs = g_mime_references_parse(c->opts, refs_hdr);
		int n = refs ? g_mime_references_length(refs) : 0;
		for (int i = 0; i < n && i < 200; i++) {
			char *id = clean_msgid(g_mime_references_get_message_id(refs, i));
			if (id)
				g_ptr_array_add(m->references, id);
		}
		if (refs)
			g_mime_references_free(refs);
	}
	const char *rp = g_mime_object_get_header(obj, "Return-Path");
	if (rp) {
		m->return_path = clean_addr(rp);
		if (!m->return_path)
			m->return_path = g_strdup("");
	}

	header_signals(m, obj);
	sender_signals(m, "From", m->from_addr, m->from_name);
	if (m->sender_addr)
		sender_signals(m, "Sender", m->sender_addr, NULL);
}

/* ---- part content -------------------------------------------------------- */

/* The encoded bytes of a part, without copying when GMime kept them in
 * our memory stream (the usual case: the parser's substreams share its
 * buffer). *copy owns the bytes when a copy was needed. */
static const char *
part_raw(GMimeDataWrapper *w, gsize *len, GByteArray **copy)
{
	*len = 0;
	*copy = NULL;
	GMimeStream *s = w ? g_mime_data_wrapper_get_stream(w) : NULL;
	if (!s)
		return "";
	if (GMIME_IS_STREAM_MEM(s) && GMIME_STREAM_MEM(s)->buffer) {
		GByteArray *buf = GMIME_STREAM_MEM(s)->buffer;
		gint64 start = s->bound_start, end = s->bound_end;
		if (end < 0 || end > (gint64)buf->len)
			end = buf->len;
		if (start < 0 || start > end)
			start = end;
		*len = (gsize)(end - start);
		return (const char *)buf->data + start;
	}
	GByteArray *ba = g_byte_array_new();
	GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(ba);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_mime_stream_reset(s);
	g_mime_stream_write_to_stream(s, mem);
	g_object_unref(mem);
	*copy = ba;
	*len = ba->len;
	return (const char *)ba->data;
}

static const guint8 *
b64_class(void)
{
	/* 0 invalid, 1 alphabet, 2 padding, 3 white space */
	static guint8 t[256];
	static gsize done;
	if (g_once_init_enter(&done)) {
		for (int c = 'A'; c <= 'Z'; c++)
			t[c] = 1;
		for (int c = 'a'; c <= 'z'; c++)
			t[c] = 1;
		for (int c = '0'; c <= '9'; c++)
			t[c] = 1;
		t['+'] = t['/'] = 1;
		t['='] = 2;
		t[' '] = t['\t'] = t['\r'] = t['\n'] = t['\f'] = t['\v'] = 3;
		g_once_init_leave(&done, 1);
	}
	return t;
}

/* Scan base64: the decoded size (as GMime's decoder, which skips bad
 * bytes, will produce) and whether it was clean. */
static gsize
b64_scan(const char *s, gsize len, gboolean *bad)
{
	const guint8 *t = b64_class();
	gsize alpha = 0, invalid = 0;
	gboolean after_pad = FALSE;
	for (gsize i = 0; i < len; i++) {
		switch (t[(guchar)s[i]]) {
		case 1:
			alpha++;
			if (after_pad)
				invalid++;
			break;
		case 2: after_pad = TRUE; break;
		case 3: break;
		default: invalid++; break;
		}
	}
	*bad = invalid > 0 || alpha % 4 == 1;
	return alpha / 4 * 3 + (alpha % 4 ? alpha % 4 - 1 : 0);
}

/* Quoted-printable must have two hex digits or a line end after '='. */
static gboolean
qp_bad(const char *s, gsize len)
{
	const char *e = s + len;
	for (const char *p = memchr(s, '=', len); p; p = memchr(p + 1, '=', e - (p + 1))) {
		if (e - p >= 3 && g_ascii_isxdigit(p[1]) && g_ascii_isxdigit(p[2]))
			continue;
		/* Soft line break, possibly after trailing white space. */
		const char *q = p + 1;
		while (q < e && (*q == ' ' || *q == '\t'))
			q++;
		if (q == e || *q == '\r' || *q == '\n')
			continue;
		return TRUE;
	}
	return FALSE;
}

static gboolean
is_decoded_encoding(GMimeContentEncoding enc)
{
	return enc == GMIME_CONTENT_ENCODING_BASE64 ||
	       enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	       enc == GMIME_CONTENT_ENCODING_UUENCODE;
}

/* Decode len raw bytes; returns a new buffer of *out_len bytes. */
static char *
decode_bytes(GMimeContentEncoding enc, const char *raw, gsize len, gsize *out_len)
{
	if (!is_decoded_encoding(enc)) {
		*out_len = len;
		char *copy = g_malloc(len + 1);
		memcpy(copy, raw, len);
		copy[len] = '\0';
		return copy;
	}
	GMimeEncoding state;
	g_mime_encoding_init_decode(&state, enc);
	char *out = g_malloc(g_mime_encoding_outlen(&state, len) + 16);
	*out_len = g_mime_encoding_flush(&state, raw, len, out);
	return out;
}

/* The decoded size of a part without keeping the decoded bytes. */
static gsize
decoded_size(GMimeContentEncoding enc, const char *raw, gsize len, gboolean *bad)
{
	*bad = FALSE;
	if (enc == GMIME_CONTENT_ENCODING_BASE64)
		return b64_scan(raw, len, bad);
	if (enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE || enc == GMIME_CONTENT_ENCODING_UUENCODE) {
		if (enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE)
			*bad = qp_bad(raw, len);
		GMimeEncoding state;
		g_mime_encoding_init_decode(&state, enc);
		char buf[65536 + 64];
		gsize total = 0;
		const gsize chunk = 48 * 1024;  /* outlen(48K) stays below the buffer */
		for (gsize off = 0; off < len; off += chunk) {
			gsize n = MIN(chunk, len - off);
			total += g_mime_encoding_step(&state, raw + off, n, buf);
		}
		total += g_mime_encoding_flush(&state, "", 0, buf);
		return total;
	}
	return len;
}

/* Strip CR (CRLF and lone CR become LF), NUL and other control
 * characters (tab and LF stay), a leading BOM and C1 controls. The input
 * is valid UTF-8; so is the output. */
static void
clean_text_append(GString *out, const char *s, gsize len)
{
	const char *p = s, *e = s + len;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < e) {
		guchar c = (guchar)*p;
		if (c >= 0x20 && c != 0x7f && c != 0xc2) {
			const char *q = p + 1;
			while (q < e && (guchar)*q >= 0x20 && (guchar)*q != 0x7f && (guchar)*q != 0xc2)
				q++;
			g_string_append_len(out, p, q - p);
			p = q;
			continue;
		}
		if (c == '\r') {
			g_string_append_c(out, '\n');
			p += (p + 1 < e && p[1] == '\n') ? 2 : 1;
		} else if (c == '\n' || c == '\t') {
			g_string_append_c(out, (char)c);
			p++;
		} else if (c == 0xc2) {
			/* U+0080-U+009F are C1 controls; other U+00xx pass. */
			if (p + 1 < e && (guchar)p[1] >= 0x80 && (guchar)p[1] < 0xa0)
				p += 2;
			else {
				g_string_append_c(out, (char)c);
				p++;
			}
		} else {
			p++;  /* NUL, other C0, DEL */
		}
	}
}

/* RFC 3676: join soft-broken lines (trailing space), undo space
 * stuffing, keep quote depth; delsp=yes drops the soft-break space. */
static char *
unflow(const char *s, gboolean delsp)
{
	GString *out = g_string_sized_new(strlen(s) + 1);
	GString *para = g_string_new(NULL);
	int para_depth = -1;
	while (*s) {
		const char *nl = strchr(s, '\n');
		gsize len = nl ? (gsize)(nl - s) : strlen(s);
		const char *l = s;
		int depth = 0;
		while (depth < (int)len && l[depth] == '>')
			depth++;
		const char *content = l + depth;
		gsize clen = len - depth;
		if (clen && content[0] == ' ') {
			content++;
			clen--;
		}
		gboolean sig = clen == 3 && memcmp(content, "-- ", 3) == 0;
		gboolean flowed = !sig && clen && content[clen - 1] == ' ';
		if (para_depth >= 0 && depth != para_depth) {
			/* Depth changed inside a flowed paragraph: end it. */
			for (int i = 0; i < para_depth; i++)
				g_string_append_c(out, '>');
			if (para_depth)
				g_string_append_c(out, ' ');
			g_string_append_len(out, para->str, para->len);
			g_string_append_c(out, '\n');
			g_string_truncate(para, 0);
			para_depth = -1;
		}
		para_depth = depth;
		g_string_append_len(para, content, flowed && delsp ? clen - 1 : clen);
		if (!flowed) {
			for (int i = 0; i < depth; i++)
				g_string_append_c(out, '>');
			if (depth && para->len)
				g_string_append_c(out, ' ');
			g_string_append_len(out, para->str, para->len);
			g_string_append_c(out, '\n');
			g_string_truncate(para, 0);
			para_depth = -1;
		}
		s = nl ? nl + 1 : s + len;
	}
	if (para_depth >= 0) {
		for (int i = 0; i < para_depth; i++)
			g_string_append_c(out, '>');
		if (para_depth && para->len)
			g_string_append_c(out, ' ');
		g_string_append_len(out, para->str, para->len);
	}
	g_string_free(para, TRUE);
	return g_string_free(out, FALSE);
}

/* Bytes in a declared (or no) charset into clean UTF-8 text. what names
 * the part in defects. */
static char *
to_text(Ctx *c, const char *bytes, gsize len, const char *charset, const char *what)
{
	GString *u = g_string_sized_new(len + 16);
	gsize bad = 0;
	if (charset && !*charset)
		charset = NULL;
	if (!charset || charset_is(charset, ascii_names)) {
		if (g_utf8_validate(bytes, len, NULL)) {
			g_string_append_len(u, bytes, len);
		} else {
			bad = utf8_or_1252_append(u, bytes, len);
			defect(c->msg, "%s: undeclared 8-bit text read as windows-1252", what);
			bad = 0;
		}
	} else if (charset_is(charset, utf8_names)) {
		if (g_utf8_validate(bytes, len, NULL))
			g_string_append_len(u, bytes, len);
		else if ((bad = utf8_or_1252_append(u, bytes, len)))
			defect(c->msg, "%s: declared utf-8 but has invalid bytes; read them as windows-1252", what);
		bad = 0;
	} else if (charset_is(charset, latin1_names)) {
		cp1252_str_append(u, bytes, len);
	} else if (!iconv_append(u, bytes, len, charset, &bad)) {
		g_autofree char *cs = clean_header(charset, 60);
		defect(c->msg, "%s: unknown charset '%s'; read as utf-8 or windows-1252", what, cs ? cs : "");
		g_string_truncate(u, 0);
		utf8_or_1252_append(u, bytes, len);
	}
	if (bad) {
		g_autofree char *cs = clean_header(charset, 60);
		defect(c->msg, "%s: %" G_GSIZE_FORMAT " bytes invalid in charset '%s'; read as windows-1252",
		       what, bad, cs ? cs : "");
	}
	GString *out = g_string_sized_new(u->len + 1);
	clean_text_append(out, u->str, u->len);
	g_string_free(u, TRUE);
	if (!g_utf8_validate(out->str, out->len, NULL)) {
		/* Cannot happen (every path above yields UTF-8); belt and braces. */
		char *v = g_utf8_make_valid(out->str, out->len);
		g_string_free(out, TRUE);
		return v;
	}
	return g_string_free(out, FALSE);
}

static gboolean
is_blank_text(const char *s)
{
	for (; *s; s++)
		if (!g_ascii_isspace(*s))
			return FALSE;
	return TRUE;
}

static void
append_text(Ctx *c, const char *t, gboolean html)
{
	if (c->text_capped || is_blank_text(t))
		return;
	if (c->text->len)
		g_string_append(c->text, "\n\n");
	g_string_append(c->text, t);
	if (html)
		c->n_html++;
	else
		c->n_plain++;
	if (c->text->len > TEXT_CAP) {
		gsize cut = TEXT_CAP;
		while (cut > 0 && ((guchar)c->text->str[cut] & 0xc0) == 0x80)
			cut--;
		g_string_truncate(c->text, cut);
		c->text_capped = TRUE;
		defect(c->msg, "text longer than %u KB; cut", TEXT_CAP / 1024);
	}
}

static char *
mime_type_of(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	if (!ct)
		return g_strdup("application/octet-stream");
	g_autofree char *t = g_mime_content_type_get_mime_type(ct);
	char *clean = clean_header(t, 200);
	if (!clean)
		return g_strdup("application/octet-stream");
	char *low = g_ascii_strdown(clean, -1);
	g_free(clean);
	return low;
}

/* The text of a text/plain or text/html leaf, cleaned; "" when none. */
static char *
part_text(Ctx *c, GMimePart *part, gboolean html)
{
	GMimeObject *obj = GMIME_OBJECT(part);
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeContentEncoding enc = w ? g_mime_data_wrapper_get_encoding(w) : GMIME_CONTENT_ENCODING_DEFAULT;
	const char *what = html ? "text/html part" : "text/plain part";
	gsize raw_len;
	g_autoptr(GByteArray) copy = NULL;
	const char *raw = part_raw(w, &raw_len, &copy);
	if (raw_len > RAW_TEXT_CAP) {
		raw_len = RAW_TEXT_CAP;
		defect(c->msg, "%s larger than %u MB; cut", what, RAW_TEXT_CAP / (1024 * 1024));
	}
	if (enc == GMIME_CONTENT_ENCODING_BASE64) {
		gboolean bad;
		b64_scan(raw, raw_len, &bad);
		if (bad)
			defect(c->msg, "%s: invalid base64 (bad bytes skipped)", what);
	} else if (enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE && qp_bad(raw, raw_len)) {
		defect(c->msg, "%s: invalid quoted-printable (kept as written)", what);
	}
	gsize dec_len;
	g_autofree char *dec = decode_bytes(enc, raw, raw_len, &dec_len);
	const char *charset = g_mime_object_get_content_type_parameter(obj, "charset");
	char *text = to_text(c, dec, dec_len, charset, what);
	if (html) {
		char *t = slt_html_to_text(text, -1);
		g_free(text);
		return t;
	}
	const char *format = g_mime_object_get_content_type_parameter(obj, "format");
	if (format && g_ascii_strcasecmp(format, "flowed") == 0) {
		const char *delsp = g_mime_object_get_content_type_parameter(obj, "delsp");
		char *t = unflow(text, delsp && g_ascii_strcasecmp(delsp, "yes") == 0);
		g_free(text);
		return t;
	}
	return text;
}

/* A file name: decoded, cleaned, without directories. */
static char *
clean_filename(const char *name)
{
	g_autofree char *c = clean_header(name, 255);
	if (!c)
		return NULL;
	const char *base = c;
	for (const char *p = c; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	/* "." and ".." are directories too, whoever later takes it for a path. */
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return NULL;
	return g_strdup(base);
}

static gboolean
is_attachment_disposition(GMimeObject *obj)
{
	const char *d = g_mime_object_get_disposition(obj);
	return d && g_ascii_strcasecmp(d, "attachment") == 0;
}

static void
add_attachment(Ctx *c, GMimeObject *obj, const char *type, gsize size)
{
	SltAttachment *a = g_new0(SltAttachment, 1);
	if (GMIME_IS_PART(obj))
		a->filename = clean_filename(g_mime_part_get_filename(GMIME_PART(obj)));
	else
		a->filename = clean_filename(g_mime_object_get_content_disposition_parameter(obj, "filename"));
	a->content_type = g_strdup(type);
	a->size = size;
	a->is_tnef = strcmp(type, "application/ms-tnef") == 0 ||
		     strcmp(type, "application/vnd.ms-tnef") == 0 ||
		     (a->filename && g_ascii_strcasecmp(a->filename, "winmail.dat") == 0);
	const char *d = g_mime_object_get_disposition(obj);
	a->is_inline = d && g_ascii_strcasecmp(d, "inline") == 0;
	g_ptr_array_add(c->msg->attachments, a);
}

static void walk(Ctx *c, GMimeObject *obj, int depth, WalkMode mode);

/* Whether a leaf is body text rather than an attached text file. */
static gboolean
is_text_body(GMimeObject *obj, gboolean *html)
{
	if (!GMIME_IS_PART(obj))
		return FALSE;
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	if (!ct)
		return FALSE;
	gboolean plain = g_mime_content_type_is_type(ct, "text", "plain");
	gboolean is_html = g_mime_content_type_is_type(ct, "text", "html");
	if (!plain && !is_html)
		return FALSE;
	if (is_attachment_disposition(obj) || g_mime_part_get_filename(GMIME_PART(obj)))
		return FALSE;
	*html = is_html;
	return TRUE;
}

static void
leaf(Ctx *c, GMimeObject *obj, WalkMode mode)
{
	GMimePart *part = GMIME_PART(obj);
	gboolean html = FALSE;
	if (is_text_body(obj, &html)) {
		if (mode == WALK_COLLECT) {
			g_autofree char *t = part_text(c, part, html);
			append_text(c, t, html);
		}
		return;
	}
	g_autofree char *type = mime_type_of(obj);
	if (strcmp(type, "message/delivery-status") == 0 ||
	    strcmp(type, "message/global-delivery-status") == 0)
		add_signal(c->msg, SLT_MACHINE_DSN, "part", type);
	else if (strcmp(type, "message/disposition-notification") == 0 ||
		 strcmp(type, "message/global-disposition-notification") == 0)
		add_signal(c->msg, SLT_MACHINE_MDN, "part", type);
	else if (strcmp(type, "application/pkcs7-mime") == 0 ||
		 strcmp(type, "application/x-pkcs7-mime") == 0)
		defect(c->msg, "S/MIME encrypted or opaque-signed part cannot be read");

	GMimeDataWrapper *w = g_mime_part_get_content(part);
	gsize raw_len;
	g_autoptr(GByteArray) copy = NULL;
	const char *raw = part_raw(w, &raw_len, &copy);
	gboolean bad = FALSE;
	gsize size = decoded_size(w ? g_mime_data_wrapper_get_encoding(w) : GMIME_CONTENT_ENCODING_DEFAULT,
				  raw, raw_len, &bad);
	if (bad)
		defect(c->msg, "attachment of type %s has invalid transfer encoding", type);
	add_attachment(c, obj, type, size);
}

static SltMessage *build(GMimeMessage *gm, GMimeParserOptions *opts, Shared *shared,
			 int embed_depth, SltMessage *m);

static void
message_part(Ctx *c, GMimeMessagePart *mp)
{
	GMimeObject *obj = GMIME_OBJECT(mp);
	g_autofree char *type = mime_type_of(obj);
	GMimeMessage *gm = g_mime_message_part_get_message(mp);
	gsize size = 0;
	if (gm) {
		GMimeStream *null = g_mime_stream_null_new();
		ssize_t n = g_mime_object_write_to_stream(GMIME_OBJECT(gm), NULL, null);
		g_object_unref(null);
		size = n > 0 ? (gsize)n : 0;
	}
	add_attachment(c, obj, type, size);
	if (!gm) {
		defect(c->msg, "attached message (%s) is empty", type);
		return;
	}
	if (c->embed_depth + 1 > EMBED_MAX_DEPTH) {
		/* Said where staff look: on the message itself. */
		defect(c->shared->top, "attached messages nested deeper than %d levels; the deeper ones not read",
		       EMBED_MAX_DEPTH);
		return;
	}
	SltMessage *e = build(gm, c->opts, c->shared, c->embed_depth + 1, NULL);
	e->raw_size = size;
	g_ptr_array_add(c->msg->embedded, e);
}

static void
note_boundary(Ctx *c, GMimeMultipart *mp)
{
	const char *b = g_mime_multipart_get_boundary(mp);
	if (b && *b && c->shared->boundaries->len < MAX_BOUNDARIES)
		g_ptr_array_add(c->shared->boundaries, g_strdup(b));
}

/* multipart/alternative: the plain text when it has words, else a nested
 * multipart that yields text, else the HTML. The rest only for their
 * attachments (a calendar invitation, an inline logo). */
static void
alternative(Ctx *c, GMimeMultipart *mp, int depth)
{
	int n = g_mime_multipart_get_count(mp);
	g_autofree gboolean *done = g_new0(gboolean, n);
	gboolean found = FALSE;
	for (int i = 0; i < n && !found; i++) {
		GMimeObject *child = g_mime_multipart_get_part(mp, i);
		gboolean html;
		if (!is_text_body(child, &html) || html)
			continue;
		g_autofree char *t = part_text(c, GMIME_PART(child), FALSE);
		done[i] = TRUE;
		if (!is_blank_text(t)) {
			append_text(c, t, FALSE);
			found = TRUE;
		}
	}
	for (int i = 0; i < n && !found; i++) {
		GMimeObject *child = g_mime_multipart_get_part(mp, i);
		if (!GMIME_IS_MULTIPART(child))
			continue;
		guint before = c->n_plain + c->n_html;
		walk(c, child, depth + 1, WALK_COLLECT);
		done[i] = TRUE;
		found = c->n_plain + c->n_html > before;
	}
	for (int i = 0; i < n && !found; i++) {
		GMimeObject *child = g_mime_multipart_get_part(mp, i);
		gboolean html;
		if (!is_text_body(child, &html) || !html)
			continue;
		g_autofree char *t = part_text(c, GMIME_PART(child), TRUE);
		done[i] = TRUE;
		if (!is_blank_text(t)) {
			append_text(c, t, TRUE);
			found = TRUE;
		}
	}
	for (int i = 0; i < n; i++)
		if (!done[i])
			walk(c, g_mime_multipart_get_part(mp, i), depth + 1, WALK_ATTACH);
}

static void
walk(Ctx *c, GMimeObject *obj, int depth, WalkMode mode)
{
	if (!obj)
		return;
	if (depth > WALK_MAX_DEPTH) {
		if (!c->depth_noted)
			defect(c->msg, "MIME parts nested deeper than %d levels; the deeper ones not read",
			       WALK_MAX_DEPTH);
		c->depth_noted = TRUE;
		return;
	}
	if (++c->parts > MAX_PARTS) {
		if (!c->parts_noted)
			defect(c->msg, "more than %d MIME parts; the rest not read", MAX_PARTS);
		c->parts_noted = TRUE;
		return;
	}
	if (GMIME_IS_MULTIPART_SIGNED(obj)) {
		/* RFC 1847: the first part is the content, the second the
		 * signature (kept as an attachment). */
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		note_boundary(c, mp);
		int n = g_mime_multipart_get_count(mp);
		for (int i = 0; i < n; i++)
			walk(c, g_mime_multipart_get_part(mp, i), depth + 1, i == 0 ? mode : WALK_ATTACH);
		return;
	}
	if (GMIME_IS_MULTIPART_ENCRYPTED(obj)) {
		defect(c->msg, "encrypted part (multipart/encrypted) cannot be read");
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);
		for (int i = 0; i < n; i++)
			walk(c, g_mime_multipart_get_part(mp, i), depth + 1, WALK_ATTACH);
		return;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		note_boundary(c, mp);
		GMimeContentType *ct = g_mime_object_get_content_type(obj);
		const char *sub = ct ? g_mime_content_type_get_media_subtype(ct) : NULL;
		int n = g_mime_multipart_get_count(mp);
		if (n == 0) {
			/* The boundary never came: GMime left everything in the
			 * prologue. Read it as undeclared plain text. */
			const char *pro = g_mime_multipart_get_prologue(mp);
			if (pro && !is_blank_text(pro) && mode == WALK_COLLECT) {
				defect(c->msg, "multipart without parts; its text read as plain text");
				g_autofree char *t = to_text(c, pro, strlen(pro), NULL, "multipart prologue");
				append_text(c, t, FALSE);
			} else {
				defect(c->msg, "multipart without parts");
			}
			return;
		}
		if (sub && g_ascii_strcasecmp(sub, "report") == 0) {
			const char *rt = g_mime_object_get_content_type_parameter(obj, "report-type");
			if (rt && g_ascii_strcasecmp(rt, "delivery-status") == 0)
				add_signal(c->msg, SLT_MACHINE_DSN, "Content-Type", "multipart/report; report-type=delivery-status");
			else if (rt && g_ascii_strcasecmp(rt, "disposition-notification") == 0)
				add_signal(c->msg, SLT_MACHINE_MDN, "Content-Type",
				       "multipart/report; report-type=disposition-notification");
		}
		if (sub && g_ascii_strcasecmp(sub, "alternative") == 0 && mode == WALK_COLLECT) {
			alternative(c, mp, depth);
			return;
		}
		for (int i = 0; i < n; i++)
			walk(c, g_mime_multipart_get_part(mp, i), depth + 1, mode);
		return;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		message_part(c, GMIME_MESSAGE_PART(obj));
		return;
	}
	if (GMIME_IS_PART(obj)) {
		leaf(c, obj, mode);
		return;
	}
	/* message/partial and anything else GMime knows but we do not read. */
	g_autofree char *type = mime_type_of(obj);
	add_attachment(c, obj, type, 0);
}

/* Leading empty lines and trailing white space go. */
static char *
trim_text(const char *s)
{
	const char *p = s;
	for (const char *q = s; *q; q++) {
		if (*q == '\n')
			p = q + 1;
		else if (!g_ascii_isspace(*q))
			break;
	}
	const char *e = p + strlen(p);
	while (e > p && g_ascii_isspace(e[-1]))
		e--;
	return g_strndup(p, e - p);
}

/* Fill m (a new one when NULL) from a parsed GMime message. */
static SltMessage *
build(GMimeMessage *gm, GMimeParserOptions *opts, Shared *shared, int embed_depth, SltMessage *m)
{
	Ctx c = {
		.msg = m ? m : message_new(),
		.opts = opts,
		.shared = shared,
		.text = g_string_new(NULL),
		.embed_depth = embed_depth,
	};
	read_headers(&c, gm);
	GMimeObject *body = g_mime_message_get_mime_part(gm);
	if (body)
		walk(&c, body, 0, WALK_COLLECT);

	SltMessage *msg = c.msg;
	msg->text = trim_text(c.text->str);
	g_string_free(c.text, TRUE);
	msg->html_only = c.n_html > 0 && c.n_plain == 0;

	SltQuoteSplit q;
	slt_quote_split(msg->text, msg->subject, &q);
	msg->new_text = q.new_text;
	msg->quoted_text = q.quoted_text;
	msg->forwarded_text = q.forwarded_text;
	msg->signature = q.signature;
	msg->is_forward = q.is_forward;
	return msg;
}

/* ---- parsing -------------------------------------------------------------- */

static void
parser_warning(gint64 offset, GMimeParserWarning code, const gchar *item, gpointer user_data)
{
	(void)offset;
	SltMessage *m = user_data;
	g_autofree char *it = clean_header(item ? item : "", 80);
	const char *i = it ? it : "";
	switch (code) {
	case GMIME_WARN_DUPLICATED_HEADER:
		defect(m, "header '%s' appears more than once", i);
		break;
	case GMIME_WARN_DUPLICATED_PARAMETER:
		defect(m, "parameter '%s' repeated", i);
		break;
	case GMIME_WARN_UNENCODED_8BIT_HEADER:
		defect(m, "header '%s' has unencoded 8-bit characters", i);
		break;
	case GMIME_WARN_INVALID_CONTENT_TYPE:
		defect(m, "invalid Content-Type '%s'; read as application/octet-stream", i);
		break;
	case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE:
		defect(m, "invalid encoded word in header '%s'", i);
		break;
	case GMIME_WARN_MALFORMED_MULTIPART:
		defect(m, "malformed multipart (no parts found)");
		break;
	case GMIME_WARN_TRUNCATED_MESSAGE:
		defect(m, "message is truncated");
		break;
	case GMIME_WARN_MALFORMED_MESSAGE:
		defect(m, "message is malformed");
		break;
	case GMIME_WARN_INVALID_ADDRESS_LIST:
		defect(m, "invalid address list '%s'", i);
		break;
	case GMIME_CRIT_INVALID_HEADER_NAME:
		defect(m, "invalid header name '%s'", i);
		break;
	case GMIME_CRIT_CONFLICTING_HEADER:
		defect(m, "conflicting header '%s'", i);
		break;
	case GMIME_CRIT_CONFLICTING_PARAMETER:
		defect(m, "conflicting parameter '%s'", i);
		break;
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
		defect(m, "multipart without boundary parameter");
		break;
	case GMIME_WARN_INVALID_PARAMETER:
		defect(m, "invalid header parameter '%s'", i);
		break;
	case GMIME_CRIT_NESTING_OVERFLOW:
		defect(m, "MIME nesting too deep; the parser stopped at its limit");
		break;
	case GMIME_WARN_PART_WITHOUT_CONTENT:
		defect(m, "MIME part ends at a boundary without content");
		break;
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
		defect(m, "MIME part without headers or content");
		break;
	default:
		defect(m, "parser warning %d", (int)code);
		break;
	}
}

/* A header block starts the message: a field name and a colon on the
 * first line (after an mbox "From " line or blank lines). */
static gboolean
has_header_block(const char *data, gsize len)
{
	const char *p = data, *e = data + len;
	while (p < e && (*p == '\r' || *p == '\n'))
		p++;
	if (e - p > 5 && memcmp(p, "From ", 5) == 0) {
		const char *nl = memchr(p, '\n', e - p);
		if (!nl)
			return FALSE;
		p = nl + 1;
	}
	const char *q = p;
	while (q < e && (guchar)*q > 0x20 && (guchar)*q < 0x7f && *q != ':')
		q++;
	if (q == p)
		return FALSE;
	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	return q < e && *q == ':';
}

/* Whether the message header name[0..n) is one we read (see
 * read_headers and header_class). */
static gboolean
header_wanted(const char *name, gsize n)
{
	static const char *const keep[] = {
		"from", "sender", "reply-to", "to", "cc", "subject", "date", "message-id",
		"in-reply-to", "references", "mime-version", NULL,
	};
	char buf[80];
	if (n == 0 || n >= sizeof buf)
		return TRUE;  /* odd: let GMime see (and report) it */
	for (gsize i = 0; i < n; i++)
		buf[i] = g_ascii_tolower(name[i]);
	buf[n] = '\0';
	if (g_str_has_prefix(buf, "content-"))
		return TRUE;
	for (const char *const *k = keep; *k; k++)
		if (strcmp(buf, *k) == 0)
			return TRUE;
	return header_class(buf) != H_IGNORE;
}

/* A copy of the message for GMime without the top-level header fields
 * that nothing here reads (Received, DKIM-Signature, the dozens of
 * X-MS-Exchange-* lines of Outlook mail). GMime makes an object of every
 * header; skipping them halves the parse time of an Exchange message.
 * Continuation lines go with their field; at the first line that is
 * neither a field nor a continuation the rest is copied as it is. */
static GByteArray *
filtered_copy(const char *data, gsize len)
{
	GByteArray *out = g_byte_array_sized_new(len);
	const char *p = data, *e = data + len;
	gboolean keep = TRUE;
	while (p < e) {
		const char *nl = memchr(p, '\n', e - p);
		const char *next = nl ? nl + 1 : e;
		gsize n = next - p;
		if (*p == '\n' || (*p == '\r' && n <= 2)) {
			break;  /* end of the header block */
		} else if (*p == ' ' || *p == '\t') {
			/* continuation of the field before */
		} else if (p == data && n > 5 && memcmp(p, "From ", 5) == 0) {
			keep = TRUE;  /* mbox separator */
		} else {
			const char *colon = memchr(p, ':', n);
			const char *q = p;
			while (q < (colon ? colon : next) && (guchar)*q > 0x20 && (guchar)*q < 0x7f)
				q++;
			const char *name_end = q;
			while (q < next && (*q == ' ' || *q == '\t'))
				q++;
			if (!colon || q != colon)
				break;  /* not a field: leave the rest to GMime */
			keep = header_wanted(p, name_end - p);
		}
		if (keep)
			g_byte_array_append(out, (const guint8 *)p, n);
		p = next;
	}
	if (p < e)
		g_byte_array_append(out, (const guint8 *)p, e - p);
	return out;
}

static void
check_boundaries(SltMessage *m, Shared *sh)
{
	for (guint i = 0; i < sh->boundaries->len; i++) {
		const char *b = g_ptr_array_index(sh->boundaries, i);
		g_autofree char *open = g_strconcat("--", b, NULL);
		g_autofree char *close = g_strconcat("--", b, "--", NULL);
		g_autofree char *shown = clean_header(b, 70);
		if (!memmem(sh->raw, sh->raw_len, open, strlen(open)))
			defect(m, "multipart boundary '%s' never appears", shown ? shown : "");
		else if (!memmem(sh->raw, sh->raw_len, close, strlen(close)))
			defect(m, "multipart boundary '%s' is never closed", shown ? shown : "");
	}
}

SltMessage *
slt_mime_parse(const char *data, gsize len, GError **error)
{
	slt_mime_init();
	if (!data || len == 0) {
		g_set_error(error, SLT_MIME_ERROR, SLT_MIME_ERROR_EMPTY, "empty message");
		return NULL;
	}
	gsize i = 0;
	while (i < len && g_ascii_isspace(data[i]))
		i++;
	if (i == len) {
		g_set_error(error, SLT_MIME_ERROR, SLT_MIME_ERROR_EMPTY, "empty message (white space only)");
		return NULL;
	}
	if (!has_header_block(data, len)) {
		g_set_error(error, SLT_MIME_ERROR, SLT_MIME_ERROR_NOT_A_MESSAGE,
			    "no header block at the start");
		return NULL;
	}

	SltMessage *m = message_new();
	m->raw_size = len;
	GMimeParserOptions *opts = g_mime_parser_options_new();
	g_mime_parser_options_set_address_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_rfc2047_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
	/* Raw 8-bit header bytes: UTF-8 if they are, else windows-1252. */
	const char *fallback[] = { "utf-8", "windows-1252", NULL };
	g_mime_parser_options_set_fallback_charsets(opts, fallback);
	g_mime_parser_options_set_warning_callback(opts, parser_warning, m);

	GMimeStream *stream = g_mime_stream_mem_new_with_byte_array(filtered_copy(data, len));
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	GMimeMessage *gm = g_mime_parser_construct_message(parser, opts);
	g_object_unref(parser);
	if (!gm) {
		g_mime_parser_options_free(opts);
		slt_message_free(m);
		g_set_error(error, SLT_MIME_ERROR, SLT_MIME_ERROR_NOT_A_MESSAGE,
			    "no message found in %" G_GSIZE_FORMAT " bytes", len);
		return NULL;
	}
	Shared sh = {
		.top = m,
		.boundaries = g_ptr_array_new_with_free_func(g_free),
		.raw = data,
		.raw_len = len,
	};
	build(gm, opts, &sh, 0, m);
	check_boundaries(m, &sh);
	g_ptr_array_unref(sh.boundaries);
	g_object_unref(gm);
	/* Lazily decoded headers may still warn until the message is gone;
	 * free the options (and the callback's target) only after that. */
	g_mime_parser_options_free(opts);
	return m;
}
