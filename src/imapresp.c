/* SPDX-License-Identifier: MIT */
/* imapresp: incremental, literal-aware reader of IMAP server responses,
 * and parsers for the few response kinds sltd uses (FETCH, SEARCH,
 * ESEARCH, CAPABILITY, response codes).
 * RFCs: 3501 (sections 4.3 literals, 7 responses, 9 grammar), 7888
 * (LITERAL+ "{n+}"), 4731 (ESEARCH), 4466 (search-correlator). */
#include "imapresp.h"

#include <string.h>

G_DEFINE_QUARK(slt-imapresp-error-quark, slt_imapresp_error)

struct _SltImapReader {
	gsize max_line;
	gsize max_literal;
	gboolean failed;

	GString *line;          /* joined text of the response being read */
	gsize seg_start;        /* where the current line starts in line */
	gboolean bad;           /* framing went on, but the response is unusable */
	const char *bad_why;

	gboolean in_literal;
	guint64 lit_left;       /* literal bytes still to come */
	GByteArray *lit_buf;    /* NULL while skipping a literal we do not keep */
	gsize kept;             /* literal bytes kept for this response */
	GPtrArray *literals;
	GArray *lit_end;        /* gsize */
	GArray *lit_size;       /* guint64 */
};

/* Bigger buffers than this are not kept between responses: one long
 * SEARCH line must not pin a megabyte for the connection's life. */
#define KEEP_LINE_ALLOC 65536
/* Up to this much of a literal is allocated when its size is announced. */
#define LITERAL_PREALLOC (1u << 20)

SltImapReader *
slt_imapresp_reader_new(gsize max_line, gsize max_literal)
{
	g_return_val_if_fail(max_line >= 64, NULL);
	SltImapReader *r = g_new0(SltImapReader, 1);
	r->max_line = max_line;
	r->max_literal = max_literal;
	r->line = g_string_sized_new(1024);
	r->literals = g_ptr_array_new();
	r->lit_end = g_array_new(FALSE, FALSE, sizeof(gsize));
	r->lit_size = g_array_new(FALSE, FALSE, sizeof(guint64));
	return r;
}

static void
reader_reset(SltImapReader *r)
{
	if (r->line->allocated_len > KEEP_LINE_ALLOC) {
		g_string_free(r->line, TRUE);
		r->line = g_string_sized_new(1024);
	} else {
		g_string_truncate(r->line, 0);
	}
	r->seg_start = 0;
	r->bad = FALSE;
	r->bad_why = NULL;
	r->in_literal = FALSE;
	r->lit_left = 0;
	if (r->lit_buf)
		g_byte_array_unref(r->lit_buf);
	r->lit_buf = NULL;
	r->kept = 0;
	for (guint i = 0; i < r->literals->len; i++)
		if (r->literals->pdata[i])
			g_bytes_unref(r->literals->pdata[i]);
	g_ptr_array_set_size(r->literals, 0);
	g_array_set_size(r->lit_end, 0);
	g_array_set_size(r->lit_size, 0);
}

void
slt_imapresp_reader_free(SltImapReader *r)
{
	if (!r)
		return;
	reader_reset(r);
	g_string_free(r->line, TRUE);
	g_ptr_array_unref(r->literals);
	g_array_unref(r->lit_end);
	g_array_unref(r->lit_size);
	g_free(r);
}

void
slt_imapresp_reader_set_max_literal(SltImapReader *r, gsize max_literal)
{
	r->max_literal = max_literal;
}

gboolean
slt_imapresp_reader_busy(SltImapReader *r)
{
	return r->line->len > 0 || r->in_literal;
}

void
slt_imapresp_free(SltImapResp *resp)
{
	if (!resp)
		return;
	g_free(resp->tag);
	g_free(resp->code);
	g_free(resp->text);
	g_free(resp->keyword);
	g_free(resp->line);
	if (resp->literals) {
		for (guint i = 0; i < resp->literals->len; i++)
			if (resp->literals->pdata[i])
				g_bytes_unref(resp->literals->pdata[i]);
		g_ptr_array_unref(resp->literals);
	}
	g_free(resp->lit_end);
	g_free(resp->lit_size);
	g_free(resp);
}

/* Parse 1*DIGIT as a number of at most max. */
static gboolean
parse_uint(const char *s, gsize len, guint64 max, guint64 *value)
{
	if (len == 0)
		return FALSE;
	guint64 v = 0;
	for (gsize i = 0; i < len; i++) {
		if (!g_ascii_isdigit(s[i]))
			return FALSE;
		v = v * 10 + (guint64)(s[i] - '0');
		if (v > max)
			return FALSE;
	}
	*value = v;
	return TRUE;
}

/* Does the line seg[0..len) end in a literal marker "{n}" or "{n+}"?
 * Returns the marker's length (0: none). Only digits make a marker, so
 * text like "{abc}" or "{}" is just text. */
static gsize
literal_marker(const char *seg, gsize len, const char **digits, gsize *ndigits)
{
	if (len < 3 || seg[len - 1] != '}')
		return 0;
	gsize end = len - 1;
	if (seg[end - 1] == '+')
		end--;
	gsize start = end;
	while (start > 0 && g_ascii_isdigit(seg[start - 1]))
		start--;
	if (start == end || start == 0 || seg[start - 1] != '{')
		return 0;
	*digits = seg + start;
	*ndigits = end - start;
	return len - (start - 1);
}

/* ---- Turning the joined text into a response --------------------------- */

static gboolean
is_tag_char(char c)
{
	/* astring-char minus "+" (RFC 3501 tag); no specials, no CTL */
	if (c <= 0x20 || c >= 0x7f)
		return FALSE;
	return strchr("(){%*\"\\+]", c) == NULL;
}

static SltImapStatus
status_from(const char *s, gsize len)
{
	static const struct { const char *name; SltImapStatus st; } names[] = {
		{ "OK", SLT_IMAP_STATUS_OK }, { "NO", SLT_IMAP_STATUS_NO },
		{ "BAD", SLT_IMAP_STATUS_BAD }, { "PREAUTH", SLT_IMAP_STATUS_PREAUTH },
		{ "BYE", SLT_IMAP_STATUS_BYE },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(names); i++)
		if (strlen(names[i].name) == len &&
		    g_ascii_strncasecmp(names[i].name, s, len) == 0)
			return names[i].st;
	return SLT_IMAP_STATUS_NONE;
}

/* resp-text = ["[" resp-text-code "]" SP] text */
static void
parse_resp_text(SltImapResp *resp, const char *p)
{
	if (*p == '[') {
		const char *close = strchr(p, ']');
		if (close) {
			resp->code = g_strndup(p + 1, (gsize)(close - p - 1));
			p = close + 1;
			if (*p == ' ')
				p++;
		}
	}
	resp->text = g_strdup(p);
}

static gboolean
parse_head(SltImapResp *resp, const char **why)
{
	const char *l = resp->line;

	if (l[0] == '+') {
		resp->kind = SLT_IMAPRESP_CONTINUE;
		resp->args = l[1] == ' ' ? l + 2 : l + 1;
		resp->text = g_strdup(resp->args);
		return TRUE;
	}
	if (l[0] == '*') {
		resp->kind = SLT_IMAPRESP_UNTAGGED;
		if (l[1] != ' ') {
			*why = "no space after '*'";
			return FALSE;
		}
		const char *p = l + 2;
		if (g_ascii_isdigit(*p)) {
			const char *n = p;
			while (g_ascii_isdigit(*p))
				p++;
			guint64 v;
			if (!parse_uint(n, (gsize)(p - n), G_MAXUINT32, &v) || *p != ' ') {
				*why = "bad message number";
				return FALSE;
			}
			resp->has_number = TRUE;
			resp->number = (guint32)v;
			p++;
		}
		const char *k = p;
		while (*p && *p != ' ' && *p != '(' && *p != '[')
			p++;
		if (p == k) {
			*why = "no keyword";
			return FALSE;
		}
		gsize klen = (gsize)(p - k);
		resp->keyword = g_ascii_strup(k, (gssize)klen);
		if (*p == ' ')
			p++;
		resp->args = p;
		if (!resp->has_number) {
			resp->status = status_from(k, klen);
			if (resp->status != SLT_IMAP_STATUS_NONE)
				parse_resp_text(resp, p);
		}
		return TRUE;
	}

	resp->kind = SLT_IMAPRESP_TAGGED;
	const char *p = l;
	while (is_tag_char(*p))
		p++;
	if (p == l || *p != ' ') {
		*why = "bad tag";
		return FALSE;
	}
	resp->tag = g_strndup(l, (gsize)(p - l));
	const char *s = ++p;
	while (*p && *p != ' ')
		p++;
	resp->status = status_from(s, (gsize)(p - s));
	if (resp->status != SLT_IMAP_STATUS_OK && resp->status != SLT_IMAP_STATUS_NO &&
	    resp->status != SLT_IMAP_STATUS_BAD) {
		*why = "tagged response without OK, NO or BAD";
		return FALSE;
	}
	if (*p == ' ')
		p++;
	resp->args = p;
	parse_resp_text(resp, p);
	return TRUE;
}

/* The response is complete: hand its parts over to a new SltImapResp. */
static SltImapResp *
reader_finish(SltImapReader *r, GError **error)
{
	SltImapResp *resp = g_new0(SltImapResp, 1);
	resp->line_len = r->line->len;
	resp->line = g_malloc(r->line->len + 1);
	memcpy(resp->line, r->line->str, r->line->len + 1);
	resp->n_literals = r->literals->len;
	resp->literals = g_ptr_array_new();
	for (guint i = 0; i < r->literals->len; i++)
		g_ptr_array_add(resp->literals, g_steal_pointer(&r->literals->pdata[i]));
	resp->lit_end = g_memdup2(r->lit_end->data, sizeof(gsize) * r->lit_end->len);
	resp->lit_size = g_memdup2(r->lit_size->data, sizeof(guint64) * r->lit_size->len);

	const char *why = r->bad_why;
	gboolean ok = !r->bad && resp->line_len > 0 && parse_head(resp, &why);
	reader_reset(r);
	if (!ok) {
		g_autofree char *start = g_strndup(resp->line, MIN(resp->line_len, 40));
		for (char *c = start; *c; c++)
			if ((guchar)*c < 0x20 || (guchar)*c >= 0x7f)
				*c = '?';
		g_set_error(error, SLT_IMAPRESP_ERROR, SLT_IMAPRESP_ERROR_SYNTAX,
			    "unreadable response (%s): '%s'",
			    why ? why : "empty line", start);
		slt_imapresp_free(resp);
		return NULL;
	}
	return resp;
}

static void
reader_fail(SltImapReader *r, GError **error, SltImapRespError code,
	    const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static void
reader_fail(SltImapReader *r, GError **error, SltImapRespError code,
	    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	r->failed = TRUE;
	reader_reset(r);
	g_set_error_literal(error, SLT_IMAPRESP_ERROR, code, msg);
}

static void
literal_done(SltImapReader *r)
{
	GBytes *b = r->lit_buf ? g_byte_array_free_to_bytes(r->lit_buf) : NULL;
	r->lit_buf = NULL;
	g_ptr_array_add(r->literals, b);
	r->in_literal = FALSE;
}

gboolean
slt_imapresp_feed(SltImapReader *r, const char *data, gsize len,
		  gsize *consumed, SltImapResp **out, GError **error)
{
	*out = NULL;
	*consumed = 0;
	if (r->failed) {
		g_set_error_literal(error, SLT_IMAPRESP_ERROR, SLT_IMAPRESP_ERROR_FAILED,
				    "response reader failed before");
		return FALSE;
	}

	gsize i = 0;
	while (i < len) {
		if (r->in_literal) {
			gsize take = (gsize)MIN(r->lit_left, (guint64)(len - i));
			if (r->lit_buf)
				g_byte_array_append(r->lit_buf, (const guint8 *)data + i, take);
			r->lit_left -= take;
			i += take;
			if (r->lit_left == 0)
				literal_done(r);
			continue;
		}

		const char *nl = memchr(data + i, '\n', len - i);
		gsize chunk = nl ? (gsize)(nl - (data + i)) : len - i;
		/* +1: the CR before the LF is still in the buffer */
		if (r->line->len + chunk > r->max_line + 1) {
			*consumed = i;
			reader_fail(r, error, SLT_IMAPRESP_ERROR_LINE_TOO_LONG,
				    "response line longer than %" G_GSIZE_FORMAT " bytes",
				    r->max_line);
			return FALSE;
		}
		g_string_append_len(r->line, data + i, (gssize)chunk);
		i += chunk;
		if (!nl)
			break;
		i++; /* the LF */

		if (r->line->len > r->seg_start && r->line->str[r->line->len - 1] == '\r')
			g_string_truncate(r->line, r->line->len - 1);
		const char *seg = r->line->str + r->seg_start;
		gsize seglen = r->line->len - r->seg_start;
		if (memchr(seg, '\0', seglen)) {
			/* A NUL cannot be in a line (RFC 3501 section 9, CHAR8
			 * excludes it outside literals); keep framing, drop it. */
			r->bad = TRUE;
			r->bad_why = "NUL byte in a line";
		}

		const char *digits;
		gsize ndigits, mlen = 0;
		gboolean is_continue = r->seg_start == 0 && seglen > 0 && seg[0] == '+';
		if (!is_continue)
			mlen = literal_marker(seg, seglen, &digits, &ndigits);
		if (mlen == 0) {
			*consumed = i;
			*out = reader_finish(r, error);
			return *out != NULL;
		}

		guint64 n;
		if (!parse_uint(digits, ndigits, G_MAXUINT32, &n)) {
			*consumed = i;
			reader_fail(r, error, SLT_IMAPRESP_ERROR_LITERAL,
				    "bad literal size '%.*s'", (int)MIN(ndigits, 24), digits);
			return FALSE;
		}
		gsize end = r->line->len;
		g_array_append_val(r->lit_end, end);
		g_array_append_val(r->lit_size, n);
		r->seg_start = r->line->len;
		r->in_literal = TRUE;
		r->lit_left = n;
		/* Keep it only while the response's literals fit the cap;
		 * otherwise count the bytes past (the response stays in sync). */
		if (n <= r->max_literal && r->kept + n <= r->max_literal) {
			/* Grow with the bytes that really come: an announced
			 * "{4294967295}" must not allocate 4 GB up front (found
			 * by fuzz-imapresp). */
			r->lit_buf = g_byte_array_sized_new((guint)MIN(n, LITERAL_PREALLOC));
			r->kept += n;
		}
		if (n == 0)
			literal_done(r);
	}
	*consumed = i;
	return TRUE;
}

/* ---- A tokenizer over a complete response ------------------------------ */

typedef enum {
	TOK_END, TOK_ATOM, TOK_STRING, TOK_LITERAL, TOK_LPAREN, TOK_RPAREN,
	TOK_NIL, TOK_ERROR,
} Tok;

typedef struct {
	const SltImapResp *resp;
	gsize pos;
	guint lit;          /* next literal index */
	const char *start;  /* ATOM, STRING (raw, with escapes): the text */
	gsize len;
	guint index;        /* LITERAL: index into resp->literals */
} Cursor;

static void
cursor_init(Cursor *c, const SltImapResp *resp, const char *from)
{
	memset(c, 0, sizeof(*c));
	c->resp = resp;
	c->pos = (gsize)(from - resp->line);
	/* Literals that lie before from are not ours to read. */
	while (c->lit < resp->n_literals && resp->lit_end[c->lit] <= c->pos)
		c->lit++;
}

static Tok
next_token(Cursor *c)
{
	const char *l = c->resp->line;
	gsize n = c->resp->line_len;
	while (c->pos < n && l[c->pos] == ' ')
		c->pos++;
	if (c->pos >= n)
		return TOK_END;
	char ch = l[c->pos];
	if (ch == '(') {
		c->pos++;
		return TOK_LPAREN;
	}
	if (ch == ')') {
		c->pos++;
		return TOK_RPAREN;
	}
	if (ch == '"') {
		gsize p = c->pos + 1;
		while (p < n && l[p] != '"') {
			if (l[p] == '\\')
				p++;
			p++;
		}
		if (p >= n)
			return TOK_ERROR;
		c->start = l + c->pos + 1;
		c->len = p - c->pos - 1;
		c->pos = p + 1;
		return TOK_STRING;
	}
	if (ch == '{') {
		/* Must be exactly where the reader saw literal c->lit. */
		if (c->lit >= c->resp->n_literals)
			return TOK_ERROR;
		gsize end = c->resp->lit_end[c->lit];
		gsize p = c->pos + 1;
		while (p < n && g_ascii_isdigit(l[p]))
			p++;
		if (p < n && l[p] == '+')
			p++;
		if (p >= n || l[p] != '}' || p + 1 != end)
			return TOK_ERROR;
		c->pos = end;
		c->index = c->lit++;
		return TOK_LITERAL;
	}
	/* An atom; "BODY[HEADER.FIELDS (A B)]<0>" keeps its bracketed part. */
	gsize p = c->pos;
	int depth = 0;
	while (p < n) {
		char d = l[p];
		if (depth == 0 && (d == ' ' || d == '(' || d == ')' || d == '{' || d == '"'))
			break;
		if (d == '[')
			depth++;
		else if (d == ']' && depth > 0)
			depth--;
		p++;
	}
	if (p == c->pos)
		return TOK_ERROR;
	c->start = l + c->pos;
	c->len = p - c->pos;
	c->pos = p;
	if (c->len == 3 && g_ascii_strncasecmp(c->start, "NIL", 3) == 0)
		return TOK_NIL;
	return TOK_ATOM;
}

/* Skip one value whose first token was t (a parenthesised list nests). */
static gboolean
skip_value(Cursor *c, Tok t)
{
	if (t == TOK_ATOM || t == TOK_STRING || t == TOK_LITERAL || t == TOK_NIL)
		return TRUE;
	if (t != TOK_LPAREN)
		return FALSE;
	guint depth = 1;
	while (depth > 0) {
		t = next_token(c);
		if (t == TOK_END || t == TOK_ERROR)
			return FALSE;
		if (t == TOK_LPAREN)
			depth++;
		else if (t == TOK_RPAREN)
			depth--;
	}
	return TRUE;
}

static gboolean
atom_is(const Cursor *c, const char *name)
{
	return strlen(name) == c->len && g_ascii_strncasecmp(c->start, name, c->len) == 0;
}

static GBytes *
unquote(const char *s, gsize len)
{
	GByteArray *a = g_byte_array_sized_new((guint)len);
	for (gsize i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len)
			i++;
		g_byte_array_append(a, (const guint8 *)s + i, 1);
	}
	return g_byte_array_free_to_bytes(a);
}

static gboolean
syntax(GError **error, const SltImapResp *resp, const char *what)
{
	g_set_error(error, SLT_IMAPRESP_ERROR, SLT_IMAPRESP_ERROR_SYNTAX,
		    "bad %s response: %s", resp->keyword ? resp->keyword : "tagged", what);
	return FALSE;
}

/* ---- Sequence sets, SEARCH, ESEARCH ------------------------------------- */

gboolean
slt_imapresp_parse_seqset(const char *s, gsize len, guint32 above,
			  guint max_count, GArray *out, GError **error)
{
	guint64 count = 0;
	gsize i = 0;
	while (i <= len) {
		gsize j = i;
		while (j < len && s[j] != ',')
			j++;
		/* element s[i..j): n or n:m */
		const char *colon = memchr(s + i, ':', j - i);
		guint64 lo, hi;
		gboolean ok;
		if (colon) {
			gsize a = (gsize)(colon - (s + i));
			ok = parse_uint(s + i, a, G_MAXUINT32, &lo) &&
			     parse_uint(colon + 1, j - i - a - 1, G_MAXUINT32, &hi);
		} else {
			ok = parse_uint(s + i, j - i, G_MAXUINT32, &lo);
			hi = lo;
		}
		if (!ok || lo == 0 || hi == 0) {
			g_set_error(error, SLT_IMAPRESP_ERROR, SLT_IMAPRESP_ERROR_SYNTAX,
				    "bad sequence set '%.*s'", (int)MIN(len, 40), s);
			return FALSE;
		}
		if (lo > hi) {
			guint64 t = lo;
			lo = hi;
			hi = t;
		}
		if (lo <= above)
			lo = (guint64)above + 1;
		if (lo <= hi) {
			count += hi - lo + 1;
			if (count > max_count) {
				g_set_error(error, SLT_IMAPRESP_ERROR, SLT_IMAPRESP_ERROR_SYNTAX,
					    "sequence set names more than %u numbers", max_count);
				return FALSE;
			}
			for (guint64 v = lo; v <= hi; v++) {
				guint32 u = (guint32)v;
				g_array_append_val(out, u);
			}
		}
		i = j + 1;
	}
	return TRUE;
}

gboolean
slt_imapresp_parse_search(const SltImapResp *resp, const char *tag,
			  guint32 above, guint max_count, GArray *out,
			  GError **error)
{
	if (resp->kind != SLT_IMAPRESP_UNTAGGED || !resp->keyword || resp->has_number)
		return syntax(error, resp, "not a search result");
	Cursor c;
	cursor_init(&c, resp, resp->args);
	guint start_len = out->len;

	if (strcmp(resp->keyword, "SEARCH") == 0) {
		guint count = 0;
		for (;;) {
			Tok t = next_token(&c);
			if (t == TOK_END)
				return TRUE;
			if (t == TOK_LPAREN) { /* "(MODSEQ n)" of CONDSTORE */
				if (!skip_value(&c, t))
					return syntax(error, resp, "bad list");
				continue;
			}
			guint64 v;
			if (t != TOK_ATOM || !parse_uint(c.start, c.len, G_MAXUINT32, &v) || v == 0)
				return syntax(error, resp, "not a number");
			if (v > above) {
				if (++count > max_count)
					return syntax(error, resp, "too many results");
				guint32 u = (guint32)v;
				g_array_append_val(out, u);
			}
		}
	}
	if (strcmp(resp->keyword, "ESEARCH") != 0)
		return syntax(error, resp, "not a search result");

	Tok t = next_token(&c);
	if (t == TOK_LPAREN) {
		/* search-correlator = "(" "TAG" SP tag-string ")" */
		if (next_token(&c) != TOK_ATOM || !atom_is(&c, "TAG"))
			return syntax(error, resp, "bad correlator");
		t = next_token(&c);
		if (t != TOK_STRING && t != TOK_ATOM)
			return syntax(error, resp, "bad correlator");
		gboolean mine = !tag || (strlen(tag) == c.len && memcmp(tag, c.start, c.len) == 0);
		if (next_token(&c) != TOK_RPAREN)
			return syntax(error, resp, "bad correlator");
		if (!mine)
			return TRUE;
		t = next_token(&c);
	}
	if (t == TOK_ATOM && atom_is(&c, "UID"))
		t = next_token(&c);
	while (t != TOK_END) {
		if (t != TOK_ATOM)
			return syntax(error, resp, "bad return data");
		gboolean all = atom_is(&c, "ALL");
		t = next_token(&c);
		if (all) {
			if (t != TOK_ATOM)
				return syntax(error, resp, "bad ALL");
			/* The cap is for the whole response: "ALL" may repeat. */
			guint left = max_count - (out->len - start_len);
			if (!slt_imapresp_parse_seqset(c.start, c.len, above, left, out, error))
				return FALSE;
		} else if (!skip_value(&c, t)) {
			return syntax(error, resp, "bad return data");
		}
		t = next_token(&c);
	}
	return TRUE;
}

char **
slt_imapresp_parse_capability(const SltImapResp *resp)
{
	const char *list = NULL;
	if (resp->kind == SLT_IMAPRESP_UNTAGGED && resp->keyword &&
	    strcmp(resp->keyword, "CAPABILITY") == 0)
		list = resp->args;
	else if (resp->code && g_ascii_strncasecmp(resp->code, "CAPABILITY ", 11) == 0)
		list = resp->code + 11;
	if (!list)
		return NULL;
	g_auto(GStrv) parts = g_strsplit(list, " ", -1);
	GPtrArray *caps = g_ptr_array_new();
	for (char **p = parts; *p; p++)
		if (**p)
			g_ptr_array_add(caps, g_ascii_strup(*p, -1));
	g_ptr_array_add(caps, NULL);
	return (char **)g_ptr_array_free(caps, FALSE);
}

gboolean
slt_imapresp_code_number(const SltImapResp *resp, const char *name, guint32 *value)
{
	gsize n = strlen(name);
	const char *code = resp->code;
	if (!code || g_ascii_strncasecmp(code, name, n) != 0 || code[n] != ' ')
		return FALSE;
	const char *d = code + n + 1;
	gsize len = 0;
	while (g_ascii_isdigit(d[len]))
		len++;
	if (d[len] != '\0' && d[len] != ' ')
		return FALSE;
	guint64 v;
	if (!parse_uint(d, len, G_MAXUINT32, &v))
		return FALSE;
	*value = (guint32)v;
	return TRUE;
}

/* ---- FETCH --------------------------------------------------------------- */

void
slt_imapresp_fetch_clear(SltImapFetch *f)
{
	g_clear_pointer(&f->flags, g_free);
	g_clear_pointer(&f->body, g_bytes_unref);
	memset(f, 0, sizeof(*f));
}

gboolean
slt_imapresp_parse_fetch(const SltImapResp *resp, SltImapFetch *out, GError **error)
{
	memset(out, 0, sizeof(*out));
	if (resp->kind != SLT_IMAPRESP_UNTAGGED || !resp->has_number ||
	    !resp->keyword || strcmp(resp->keyword, "FETCH") != 0)
		return syntax(error, resp, "not a FETCH");
	out->seq = resp->number;

	Cursor c;
	cursor_init(&c, resp, resp->args);
	if (next_token(&c) != TOK_LPAREN)
		goto bad;
	for (;;) {
		Tok t = next_token(&c);
		if (t == TOK_RPAREN)
			break;
		if (t != TOK_ATOM)
			goto bad;
		guint64 v;
		if (atom_is(&c, "UID")) {
			if (next_token(&c) != TOK_ATOM ||
			    !parse_uint(c.start, c.len, G_MAXUINT32, &v) || v == 0)
				goto bad;
			out->has_uid = TRUE;
			out->uid = (guint32)v;
		} else if (atom_is(&c, "RFC822.SIZE")) {
			if (next_token(&c) != TOK_ATOM ||
			    !parse_uint(c.start, c.len, G_MAXUINT64 / 10, &v))
				goto bad;
			out->has_size = TRUE;
			out->size = v;
		} else if (atom_is(&c, "FLAGS")) {
			if (next_token(&c) != TOK_LPAREN)
				goto bad;
			gsize from = c.pos, to;
			for (;;) {
				to = c.pos;
				t = next_token(&c);
				if (t == TOK_RPAREN)
					break;
				if (t != TOK_ATOM)
					goto bad;
			}
			while (from < to && resp->line[from] == ' ')
				from++;
			g_free(out->flags);
			out->flags = g_strndup(resp->line + from, to - from);
			out->has_flags = TRUE;
		} else if (atom_is(&c, "BODY[]")) {
			t = next_token(&c);
			g_clear_pointer(&out->body, g_bytes_unref);
			out->has_body = TRUE;
			out->body_skipped = FALSE;
			if (t == TOK_LITERAL) {
				GBytes *b = resp->literals->pdata[c.index];
				out->body_size = resp->lit_size[c.index];
				if (b)
					out->body = g_bytes_ref(b);
				else
					out->body_skipped = TRUE;
			} else if (t == TOK_STRING) {
				out->body = unquote(c.start, c.len);
				out->body_size = g_bytes_get_size(out->body);
			} else if (t != TOK_NIL) {
				goto bad;
			}
		} else {
			if (!skip_value(&c, next_token(&c)))
				goto bad;
		}
	}
	if (next_token(&c) != TOK_END)
		goto bad;
	return TRUE;

	/* out may hold a body already; give it back before failing. */
bad:
	slt_imapresp_fetch_clear(out);
	return syntax(error, resp, "unreadable data items");
}
