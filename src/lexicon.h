/* SPDX-License-Identifier: MIT */
/* lexicon: the staff-editable domain lexicon (data/lexicon.txt): terms and
 * phrases that count as evidence for a label, with a weight, matched on
 * stems so that inflections match too. The file documents its own syntax
 * at its top. Leaf module: bytes in, matches out. */
#pragma once

#include <glib.h>
#include "textprep.h"

typedef struct _SltLexicon SltLexicon;

typedef struct {
	char *label;    /* "intent:sparring", "theme:visie", "kenmerk:k3-sociale-basis",
			 * "machine", "machine-subject", "human" */
	double weight;
	char *term;     /* as written in the file (for the evidence) */
	guint line;
	guint n_elems;  /* pattern length in elements */
} SltLexEntry;

typedef struct {
	const SltLexEntry *entry;
	guint start, end;    /* token range [start, end) */
	SltZone zone;        /* of the first token */
	gboolean negated;    /* the first token stands in a negation's scope */
} SltLexHit;

/* Parse the lexicon. tp stems the terms (both languages). Returns a new
 * lexicon or NULL with error (G_IO_ERROR_INVALID_DATA, "lexicon line N:
 * ..."). */
SltLexicon *slt_lexicon_parse(GBytes *bytes, SltTextPrep *tp, GError **error);
void slt_lexicon_free(SltLexicon *lex);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltLexicon, slt_lexicon_free)

guint slt_lexicon_size(const SltLexicon *lex);

/* Every match of the lexicon in tokens (GArray of SltToken, one language),
 * appended to hits (GArray of SltLexHit). Within one label a token is
 * claimed by one match only, the longest phrase first, so that "geen
 * behoefte aan een gesprek" is not also counted as "gesprek". Thread-safe
 * (the lexicon is read only). */
void slt_lexicon_match(const SltLexicon *lex, const GArray *tokens, GArray *hits);
