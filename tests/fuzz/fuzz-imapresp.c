/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the IMAP response reader (src/imapresp.c): the bytes
 * a hostile or broken server could send. The first three input bytes pick
 * the limits and how the rest is cut into reads; the rest is the dialogue.
 * Every response goes through every parser. Checked beyond "no crash":
 * the reader never claims more bytes than it got, kept literals have their
 * announced size, and a dialogue fed in pieces gives exactly the responses
 * of the same dialogue fed whole (the reader is incremental).
 * tests/unit/test-imapresp.c includes this file to replay the seed corpus
 * and every crash found (tests/fuzz/corpus-imapresp/). RFCs: 3501, 7888. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "imapresp.h"

#define FUZZ_CHECK(cond) do { if (!(cond)) { \
	g_printerr("fuzz-imapresp: check failed: %s (line %d)\n", #cond, __LINE__); \
	abort(); } } while (0)

/* Fold everything a response says into a checksum for the comparison. */
static guint
fold(guint h, const void *p, gsize n)
{
	const guchar *b = p;
	for (gsize i = 0; i < n; i++)
		h = h * 31 + b[i];
	return h;
}

static guint
fold_str(guint h, const char *s)
{
	return s ? fold(h, s, strlen(s) + 1) : h * 7 + 1;
}

static guint
exercise(const SltImapResp *r)
{
	guint h = (guint)r->kind * 5 + (guint)r->status;
	h = fold_str(h, r->tag);
	h = fold_str(h, r->code);
	h = fold_str(h, r->text);
	h = fold_str(h, r->keyword);
	h = fold(h, r->line, r->line_len);
	FUZZ_CHECK(r->line[r->line_len] == '\0');
	FUZZ_CHECK(r->args == NULL || (r->args >= r->line && r->args <= r->line + r->line_len));
	FUZZ_CHECK(r->literals->len == r->n_literals);
	for (guint i = 0; i < r->n_literals; i++) {
		GBytes *b = r->literals->pdata[i];
		FUZZ_CHECK(r->lit_end[i] <= r->line_len);
		if (b) {
			FUZZ_CHECK(g_bytes_get_size(b) == r->lit_size[i]);
			h = fold(h, g_bytes_get_data(b, NULL), g_bytes_get_size(b));
		} else {
			h = h * 3 + 2;
		}
	}

	SltImapFetch f;
	if (slt_imapresp_parse_fetch(r, &f, NULL)) {
		h = fold(h, &f.uid, sizeof(f.uid)) + (guint)f.has_body;
		if (f.body && !f.body_skipped)
			FUZZ_CHECK(g_bytes_get_size(f.body) == f.body_size);
		slt_imapresp_fetch_clear(&f);
	} else {
		FUZZ_CHECK(f.body == NULL && f.flags == NULL);
	}

	GArray *u = g_array_new(FALSE, FALSE, sizeof(guint32));
	if (slt_imapresp_parse_search(r, "s3", 2, 5000, u, NULL))
		for (guint i = 0; i < u->len; i++)
			FUZZ_CHECK(g_array_index(u, guint32, i) > 2);
	g_array_set_size(u, 0);
	slt_imapresp_parse_search(r, NULL, 0, 5000, u, NULL);
	FUZZ_CHECK(u->len <= 5000);
	g_array_set_size(u, 0);
	if (r->args)
		slt_imapresp_parse_seqset(r->args, strlen(r->args), 0, 1000, u, NULL);
	FUZZ_CHECK(u->len <= 1000);
	g_array_unref(u);

	char **caps = slt_imapresp_parse_capability(r);
	g_strfreev(caps);
	guint32 v;
	if (slt_imapresp_code_number(r, "UIDVALIDITY", &v))
		h += v;
	slt_imapresp_code_number(r, "UIDNEXT", &v);
	return h;
}

/* Feed data in reads whose sizes follow the pattern (0: all at once).
 * Returns a checksum of every response and error, in order. */
static guint
run(const uint8_t *data, size_t size, gsize max_line, gsize max_lit, guint pattern)
{
	SltImapReader *r = slt_imapresp_reader_new(max_line, max_lit);
	guint h = 17;
	size_t off = 0;
	guint step = 0;
	while (off < size) {
		size_t n = size - off;
		if (pattern) { /* reads of 1..16 bytes, varying */
			size_t want = ((pattern >> (step++ % 4 * 2)) & 15) + 1;
			n = MIN(n, want);
		}
		size_t piece = 0;
		gboolean fatal = FALSE;
		while (piece < n) {
			gsize used = 0;
			SltImapResp *resp = NULL;
			GError *error = NULL;
			gboolean ok = slt_imapresp_feed(r, (const char *)data + off + piece,
							n - piece, &used, &resp, &error);
			FUZZ_CHECK(used <= n - piece);
			piece += used;
			if (!ok) {
				FUZZ_CHECK(error != NULL && resp == NULL);
				h = h * 131 + (guint)error->code + 1000;
				fatal = error->code != SLT_IMAPRESP_ERROR_SYNTAX;
				g_error_free(error);
				if (fatal)
					break;
				continue;
			}
			FUZZ_CHECK(error == NULL);
			if (resp) {
				h = h * 131 + exercise(resp);
				slt_imapresp_free(resp);
			} else {
				FUZZ_CHECK(piece == n);
			}
		}
		if (fatal)
			break;
		off += n;
	}
	slt_imapresp_reader_free(r);
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	gsize max_line = 64 + (gsize)data[0] * 16;          /* 64 .. 4144 */
	gsize max_lit = data[1] == 255 ? G_MAXSIZE : (gsize)data[1] * 8;
	guint pattern = (guint)data[2] | 1;
	data += 3;
	size -= 3;
	guint whole = run(data, size, max_line, max_lit, 0);
	guint pieces = run(data, size, max_line, max_lit, pattern);
	FUZZ_CHECK(whole == pieces);
	return 0;
}
