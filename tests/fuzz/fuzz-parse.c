/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the parse path of every incoming message: raw bytes
 * -> slt_mime_parse (GMime, charsets, HTML via libxml2, attachments,
 * embedded messages) -> slt_quote_split -> slt_classify with the built-in
 * model, lexicon and municipality list. Checked beyond "no crash": the
 * promises of mime.h (every string valid UTF-8 without NUL, header strings
 * without CR or LF, the five text fields never NULL, attachment names are
 * base names) and of classify.h (labels from the taxonomy, confidences in
 * 0..1). tests/unit/test-fuzz-parse.c includes this file to replay the seed
 * corpus (tests/fuzz/corpus-parse/) and every crash found.
 * RFCs: 5322, 2045-2047, 2231, 3834. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "classify.h"
#include "mime.h"
#include "quote.h"

#define FUZZ_CHECK(cond) do { if (!(cond)) { \
	g_printerr("fuzz-parse: check failed: %s (line %d)\n", #cond, __LINE__); \
	abort(); } } while (0)

static SltClassifier *fuzz_classifier;

static void
check_text(const char *s)
{
	FUZZ_CHECK(s != NULL);
	FUZZ_CHECK(g_utf8_validate(s, -1, NULL));
}

/* A header-derived string: NULL, or valid UTF-8 without CR or LF (strlen
 * stops at a NUL, so an embedded NUL would show as a short string only;
 * validating the whole allocation is not possible from here). */
static void
check_header(const char *s)
{
	if (!s)
		return;
	FUZZ_CHECK(g_utf8_validate(s, -1, NULL));
	FUZZ_CHECK(strpbrk(s, "\r\n") == NULL);
}

static gboolean
in_ids(const char *id, const char *const *ids, guint n)
{
	for (guint i = 0; i < n; i++)
		if (g_strcmp0(id, ids[i]) == 0)
			return TRUE;
	return FALSE;
}

static void
check_message(const SltMessage *m, int depth)
{
	FUZZ_CHECK(depth < 200);
	check_header(m->from_name);
	check_header(m->from_addr);
	check_header(m->reply_to_addr);
	check_header(m->sender_addr);
	check_header(m->to);
	check_header(m->cc);
	check_header(m->subject);
	check_header(m->message_id);
	check_header(m->in_reply_to);
	check_header(m->return_path);
	FUZZ_CHECK(m->references != NULL);
	for (guint i = 0; i < m->references->len; i++)
		check_header(m->references->pdata[i]);
	FUZZ_CHECK(m->machine_evidence != NULL);
	for (guint i = 0; i < m->machine_evidence->len; i++)
		check_header(m->machine_evidence->pdata[i]);
	check_text(m->text);
	check_text(m->new_text);
	check_text(m->quoted_text);
	check_text(m->forwarded_text);
	check_text(m->signature);
	FUZZ_CHECK(m->attachments != NULL);
	for (guint i = 0; i < m->attachments->len; i++) {
		const SltAttachment *a = m->attachments->pdata[i];
		check_header(a->filename);
		/* Never usable as a path: no directory part, not "." or "..". */
		if (a->filename) {
			FUZZ_CHECK(strchr(a->filename, '/') == NULL);
			FUZZ_CHECK(strchr(a->filename, '\\') == NULL);
			FUZZ_CHECK(strcmp(a->filename, "..") != 0 && strcmp(a->filename, ".") != 0);
		}
		FUZZ_CHECK(a->content_type != NULL);
		check_header(a->content_type);
	}
	FUZZ_CHECK(m->defects != NULL);
	for (guint i = 0; i < m->defects->len; i++)
		check_text(m->defects->pdata[i]);
	FUZZ_CHECK(m->embedded != NULL);
	for (guint i = 0; i < m->embedded->len; i++)
		check_message(m->embedded->pdata[i], depth + 1);
}

static void
check_split(const SltQuoteSplit *s)
{
	check_text(s->new_text);
	check_text(s->quoted_text);
	check_text(s->forwarded_text);
	check_text(s->signature);
}

static void
check_classification(const SltClassification *c)
{
	FUZZ_CHECK(c != NULL);
	FUZZ_CHECK(in_ids(c->intent, slt_intent_ids, G_N_ELEMENTS(slt_intent_ids)));
	FUZZ_CHECK(in_ids(c->theme, slt_theme_ids, G_N_ELEMENTS(slt_theme_ids)));
	FUZZ_CHECK(c->confidence >= 0.0 && c->confidence <= 1.0);
	FUZZ_CHECK(c->theme_confidence >= 0.0 && c->theme_confidence <= 1.0);
	FUZZ_CHECK(c->kenmerken && c->packages && c->why);
	for (guint i = 0; i < c->kenmerken->len; i++)
		FUZZ_CHECK(in_ids(c->kenmerken->pdata[i], slt_kenmerk_ids, G_N_ELEMENTS(slt_kenmerk_ids)));
	FUZZ_CHECK(c->org != NULL);
	check_text(c->org);
	for (guint i = 0; i < c->why->len; i++)
		check_text(c->why->pdata[i]);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	slt_mime_init();
	GError *error = NULL;
	fuzz_classifier = slt_classifier_new(NULL, NULL, NULL, &error);
	if (!fuzz_classifier) {
		g_printerr("fuzz-parse: no built-in classifier: %s\n", error->message);
		abort();
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GError *error = NULL;
	SltMessage *m = slt_mime_parse((const char *)data, size, &error);
	if (!m) {
		FUZZ_CHECK(error != NULL);
		FUZZ_CHECK(error->domain == SLT_MIME_ERROR);
		g_error_free(error);
		return 0;
	}
	FUZZ_CHECK(error == NULL);
	check_message(m, 0);

	/* The splitter once more, on the whole text and on each part (what a
	 * forward's inner text goes through), with and without a subject. */
	SltQuoteSplit s;
	slt_quote_split(m->text, m->subject, &s);
	check_split(&s);
	SltQuoteSplit inner;
	slt_quote_split(s.forwarded_text, NULL, &inner);
	check_split(&inner);
	slt_quote_split_clear(&inner);
	slt_quote_split_clear(&s);

	SltClassification *c = slt_classify(fuzz_classifier, m);
	check_classification(c);
	slt_classification_free(c);
	slt_message_free(m);
	return 0;
}
