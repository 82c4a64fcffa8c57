/* SPDX-License-Identifier: MIT */
/* reply: compose one outgoing mail with GMime 3 and return the exact
 * bytes to store in the outbox and send.
 * RFCs: 5322 (format, Message-ID, In-Reply-To, References), 2045-2047
 * (MIME, encoded words), 2231 (parameter values: UTF-8 file names),
 * 3834 (Auto-Submitted), 5321 (CRLF lines).
 *
 * Leaf module: gets everything as arguments (no config, no store).
 * Strings taken from incoming mail (names, subjects, message ids) can
 * never add a header line: control characters are removed, values are
 * encoded by GMime, message ids that are not plain tokens are dropped. */
#pragma once

#include <glib.h>

typedef struct {
	const char *filename;      /* as the recipient sees it, UTF-8, no directory */
	GBytes *data;              /* the file's bytes */
	const char *content_type;  /* "type/subtype"; NULL: application/pdf */
} SltReplyAttachment;

typedef struct {
	const char *from;          /* configured From: "Name <addr>" or "addr" */
	const char *to_addr;       /* recipient addr-spec (Reply-To, else From of their mail) */
	const char *to_name;       /* their display name, or NULL */
	const char *subject;       /* the whole subject (see slt_reply_subject) */
	const char *message_id;    /* ours, without angle brackets (slt_reply_message_id) */
	const char *in_reply_to;   /* their Message-ID without brackets, or NULL */
	const GPtrArray *references; /* their References (char*, no brackets, oldest
				    * first), or NULL */
	gint64 date;               /* Unix time; 0: now */
	const char *auto_submitted;/* NULL: "auto-replied" (RFC 3834 5.2) */
	const char *text;          /* text/plain body, UTF-8, LF or CRLF */
	const char *html;          /* text/html alternative, or NULL */
	const SltReplyAttachment *attachments;
	guint n_attachments;
} SltReply;

#define SLT_REPLY_ERROR (slt_reply_error_quark())
GQuark slt_reply_error_quark(void);
typedef enum {
	SLT_REPLY_ERROR_ADDRESS,   /* From or To is not a usable address */
	SLT_REPLY_ERROR_INVALID,   /* missing text, message id, bad attachment */
} SltReplyError;

/* Compose the mail: From, To, Subject (RFC 2047 when not ASCII), Date,
 * Message-ID, In-Reply-To and References (theirs plus their Message-ID,
 * at most 10 ids: the first and the newest), Auto-Submitted,
 * X-Auto-Response-Suppress: All, MIME-Version; a multipart/alternative
 * of UTF-8 text/plain and text/html (quoted-printable), inside a
 * multipart/mixed with the attachments (base64, RFC 2231 UTF-8 file
 * names) when there are any. Lines end in CRLF. Returns the bytes (new
 * reference, owned by the caller) or NULL with SLT_REPLY_ERROR. */
GBytes *slt_reply_compose(const SltReply *r, GError **error);

/* The subject of a reply: "Re: " + their subject without its own reply
 * prefixes ("Re:", "RE:", "Antw:", "AW:", "Sv:", also repeated or with
 * a count like "Re[2]:") and without an earlier "[SLT-n]" tag, then
 * " [ref]". Control characters are removed, white space folded, the
 * result cut to a sane length. An empty subject becomes "Uw bericht".
 * ref may be NULL (no tag). Returns a new string. */
char *slt_reply_subject(const char *original, const char *ref);

/* A new Message-ID (without brackets) under domain:
 * "slt-<request_id>-<time>.<random>@domain" (request_id 0: "slt-0-...").
 * Returns a new string. */
char *slt_reply_message_id(gint64 request_id, const char *domain);

/* TRUE when addr is an addr-spec we can send to: ASCII local@domain,
 * no spaces, no control or special characters, domain with a dot-free
 * or dotted label form, at most 254 bytes. */
gboolean slt_reply_addr_ok(const char *addr);

/* s made safe for one header value: valid UTF-8, control characters
 * (CR, LF, NUL, TAB...) become spaces, runs of spaces fold to one,
 * "=?" becomes "= ?" (no encoded word can be smuggled through), trimmed,
 * cut to at most max bytes on a character boundary. Returns a
 * new string ("" for NULL). */
char *slt_reply_header_text(const char *s, gsize max);
