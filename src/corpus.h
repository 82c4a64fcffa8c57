/* SPDX-License-Identifier: MIT */
/* corpus: a labelled message set on disk, in the format of the sample
 * corpus (tests/corpus/README.md): DIR/messages/NNNN.eml and DIR/labels.tsv
 * (file, intent, theme, kenmerken, packages, org), and optionally
 * DIR/heldout.txt naming files held back from training (one per line).
 * Used by `sltctl train`, `eval` and `crossval`. */
#pragma once

#include <glib.h>
#include "mime.h"

typedef struct {
	char *dir;           /* the set's directory, as given */
	char *file;          /* "0001.eml" */
	char *path;          /* DIR/messages/0001.eml */
	char *intent, *theme, *org;
	GPtrArray *kenmerken;  /* char*, never NULL */
	GPtrArray *packages;   /* char*, never NULL, in the labelled order */
	gboolean heldout;    /* named in DIR/heldout.txt */
	GBytes *raw;
	SltMessage *msg;     /* NULL when the bytes are no message */
	char *hash;          /* slt_model_doc_hash of raw */
} SltCorpusItem;

void slt_corpus_item_free(SltCorpusItem *it);

/* Load the set in dir, appending SltCorpusItem* to items (which should
 * free with slt_corpus_item_free), in labels.tsv order. Every labelled
 * message is read and parsed. Returns FALSE with error when labels.tsv is
 * missing or malformed (naming the line) or a labelled file is missing. */
gboolean slt_corpus_load(const char *dir, GPtrArray *items, GError **error);

/* "a,b" from a label list; "" when empty. Returns a new string. */
char *slt_corpus_join(const GPtrArray *list);
