/* SPDX-License-Identifier: MIT */
/* imapresp: a pure, incremental, literal-aware reader of IMAP server
 * responses. Feed it bytes as they come off the socket; it hands back
 * complete responses. Literals ({n} and {n+}) are read by byte count, so a
 * message body can never be taken for a response line (the failure of
 * libcurl 7.88's custom requests, see imap.h). No I/O, no globals.
 * RFCs: 3501 section 7 and 9 (responses, grammar), 7888 (LITERAL+),
 * 4731 (ESEARCH), 4466 (extended return data). */
#pragma once

#include <glib.h>

#define SLT_IMAPRESP_ERROR (slt_imapresp_error_quark())
GQuark slt_imapresp_error_quark(void);
typedef enum {
	SLT_IMAPRESP_ERROR_LINE_TOO_LONG, /* a line (or a response's text) above max_line: fatal */
	SLT_IMAPRESP_ERROR_LITERAL,       /* a literal size that is not a 32-bit number: fatal */
	SLT_IMAPRESP_ERROR_SYNTAX,        /* a response we cannot read; the next one is fine */
	SLT_IMAPRESP_ERROR_FAILED,        /* the reader failed before and cannot go on */
} SltImapRespError;

typedef enum {
	SLT_IMAPRESP_TAGGED,     /* "A1 OK ..." */
	SLT_IMAPRESP_UNTAGGED,   /* "* ..." */
	SLT_IMAPRESP_CONTINUE,   /* "+ ..." */
} SltImapRespKind;

typedef enum {
	SLT_IMAP_STATUS_NONE,    /* untagged data ("* 3 EXISTS") or a continuation */
	SLT_IMAP_STATUS_OK,
	SLT_IMAP_STATUS_NO,
	SLT_IMAP_STATUS_BAD,
	SLT_IMAP_STATUS_PREAUTH,
	SLT_IMAP_STATUS_BYE,
} SltImapStatus;

/* One complete response. All strings are NUL-terminated and owned by the
 * response; free it with slt_imapresp_free. */
typedef struct {
	SltImapRespKind kind;
	char *tag;              /* tagged: the tag; otherwise NULL */
	SltImapStatus status;   /* tagged, and untagged OK/NO/BAD/PREAUTH/BYE */
	char *code;             /* response code without the brackets
				 * ("UIDVALIDITY 17"), or NULL */
	char *text;             /* status text after the code, continuation text, or NULL */
	gboolean has_number;    /* "* 3 EXISTS": number 3, keyword "EXISTS" */
	guint32 number;
	char *keyword;          /* untagged: "EXISTS", "FETCH", "OK", "CAPABILITY",
				 * ... (upper case); otherwise NULL */
	/* The response's lines joined without their CRLFs and without the
	 * literal bytes; each literal's "{n}" / "{n+}" marker stays in place.
	 * args points into line, after the keyword (untagged) or the status. */
	char *line;
	gsize line_len;
	const char *args;
	/* Literals in order: literals->pdata[i] is a GBytes, or NULL when it
	 * was larger than the reader's max_literal and therefore skipped (its
	 * bytes were consumed, not kept). lit_end[i] is the offset in line just
	 * after the marker of literal i; lit_size[i] its announced size. */
	guint n_literals;
	GPtrArray *literals;
	gsize *lit_end;
	guint64 *lit_size;
} SltImapResp;

void slt_imapresp_free(SltImapResp *resp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltImapResp, slt_imapresp_free)

typedef struct _SltImapReader SltImapReader;

/* A new reader. max_line caps each line and the joined text of one
 * response; max_literal caps the literal bytes kept for one response
 * (larger literals are skipped, see SltImapResp). Free with
 * slt_imapresp_reader_free. */
SltImapReader *slt_imapresp_reader_new(gsize max_line, gsize max_literal);
void slt_imapresp_reader_free(SltImapReader *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltImapReader, slt_imapresp_reader_free)

/* Change max_literal for the responses still to come (e.g. per FETCH). */
void slt_imapresp_reader_set_max_literal(SltImapReader *r, gsize max_literal);

/* Feed up to len bytes. Consumes bytes until one response is complete and
 * sets *consumed (always, also on error) to how many it took (<= len);
 * *out is then the response (owned by the caller), else NULL and all len
 * bytes were consumed. Call again with the rest. Returns FALSE with error
 * on a bad response: after SLT_IMAPRESP_ERROR_SYNTAX the reader has
 * skipped exactly that response and goes on; after any other error it
 * stays failed (drop the connection). */
gboolean slt_imapresp_feed(SltImapReader *r, const char *data, gsize len,
			   gsize *consumed, SltImapResp **out, GError **error);

/* TRUE when the reader holds part of a response (bytes fed, none complete). */
gboolean slt_imapresp_reader_busy(SltImapReader *r);

/* ---- Parsing the contents of a response -------------------------------- */

/* Parse an IMAP sequence set of UIDs ("1:5,7,9:8") from s (len bytes, not
 * NUL-terminated) and append every number > above to out (guint32).
 * "*" is refused (it never occurs in results). At most max_count numbers
 * are appended; more is an error (a "1:4294967295" must not eat memory). */
gboolean slt_imapresp_parse_seqset(const char *s, gsize len, guint32 above,
				   guint max_count, GArray *out, GError **error);

/* The results of "* SEARCH n n ..." or "* ESEARCH [(TAG "t")] [UID] ALL set"
 * appended to out (guint32, all > above, unsorted). For ESEARCH, when tag
 * is not NULL a correlator naming another tag makes the response be
 * ignored (returns TRUE, appends nothing). Other return data (MIN, MAX, COUNT,
 * MODSEQ) is ignored. At most max_count numbers are appended per call;
 * more is an error. */
gboolean slt_imapresp_parse_search(const SltImapResp *resp, const char *tag,
				   guint32 above, guint max_count, GArray *out,
				   GError **error);

/* The capabilities of "* CAPABILITY ..." or of an "[CAPABILITY ...]" code,
 * as a new NULL-terminated vector (upper case; free with g_strfreev), or
 * NULL when resp carries none. */
char **slt_imapresp_parse_capability(const SltImapResp *resp);

/* The data items of "* n FETCH (...)" that we use. */
typedef struct {
	guint32 seq;
	gboolean has_uid;
	guint32 uid;
	gboolean has_flags;
	char *flags;            /* inner text of the FLAGS list, owned */
	gboolean has_size;
	guint64 size;           /* RFC822.SIZE */
	gboolean has_body;      /* BODY[] was present (literal, string or NIL) */
	gboolean body_skipped;  /* BODY[] literal above the reader's max_literal */
	guint64 body_size;      /* announced size of the body literal */
	GBytes *body;           /* BODY[] contents (a ref, owned), NULL if NIL/skipped */
} SltImapFetch;

/* Parse a FETCH response into out (cleared first; release with
 * slt_imapresp_fetch_clear). Unknown data items are skipped. Returns FALSE
 * with SLT_IMAPRESP_ERROR_SYNTAX when resp is not a well-formed FETCH. */
gboolean slt_imapresp_parse_fetch(const SltImapResp *resp, SltImapFetch *out,
				  GError **error);
void slt_imapresp_fetch_clear(SltImapFetch *f);

/* The number after a response code's name: for code "UIDVALIDITY 17" and
 * name "UIDVALIDITY" sets *value = 17. FALSE when code is another one or
 * the number is missing or above 2^32-1. */
gboolean slt_imapresp_code_number(const SltImapResp *resp, const char *name,
				  guint32 *value);
