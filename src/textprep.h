/* SPDX-License-Identifier: MIT */
/* textprep: text into tokens for the classifier: Unicode compatibility
 * normalisation, case folding and accent folding, tokenisation with
 * sentence and clause boundaries, stopwords, and Snowball stemming
 * (Dutch, or English for English mail) through libstemmer.
 *
 * Leaf module: no I/O. A SltTextPrep holds libstemmer objects, which are
 * NOT thread-safe (sb_stemmer_stem writes into the stemmer), and a stem
 * cache; use one SltTextPrep per thread at a time (the classifier keeps a
 * pool, classify.c). */
#pragma once

#include <glib.h>

typedef enum {
	SLT_LANG_NL = 0,
	SLT_LANG_EN = 1,
} SltLang;

/* Where a token came from. The classifier weighs zones differently. */
typedef enum {
	SLT_ZONE_SUBJECT = 0,
	SLT_ZONE_NEW,        /* the sender's own new text */
	SLT_ZONE_FORWARDED,  /* forwarded mail, when the new text only points at it */
	SLT_ZONE_PS,         /* "PS:" lines that a splitter put in the signature */
	SLT_ZONE_QUOTED,
	SLT_ZONE_COUNT,
} SltZone;

typedef enum {
	SLT_TOK_STOP      = 1 << 0, /* a stopword (no model feature of its own) */
	SLT_TOK_SENT      = 1 << 1, /* first token of a sentence */
	SLT_TOK_CLAUSE    = 1 << 2, /* first token after a comma (or a sentence start) */
	SLT_TOK_NUMBER    = 1 << 3, /* all digits */
	SLT_TOK_URL       = 1 << 4, /* stands for a URL or mail address ("_url_") */
	SLT_TOK_QUESTION  = 1 << 5, /* its sentence ends with '?' */
	SLT_TOK_NEGATED   = 1 << 6, /* within the scope of "niet", "geen", "not", "no" */
	SLT_TOK_NEGATOR   = 1 << 7, /* is one of those words */
	SLT_TOK_CAPITAL   = 1 << 8, /* written with a capital ("Kwaliteit" mid-sentence: a name) */
} SltTokenFlags;

typedef struct {
	const char *word;  /* folded word (lowercase, no accents); interned */
	const char *stem;  /* its stem; interned */
	guint16 flags;     /* SltTokenFlags */
	guint8 zone;       /* SltZone */
	guint8 lang;       /* SltLang the stem was made with */
	guint32 sentence;  /* sentence number, counting from 0 over the whole doc */
} SltToken;

typedef struct _SltTextPrep SltTextPrep;

/* A new text preparer (two stemmers and an empty cache). Aborts only when
 * libstemmer lacks "dutch" or "english" (a broken installation). Free with
 * slt_textprep_free. */
SltTextPrep *slt_textprep_new(void);
void slt_textprep_free(SltTextPrep *tp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltTextPrep, slt_textprep_free)

/* Fold text for matching: compatibility decomposition (NFKD, so that
 * ligatures, full-width forms and the like become their plain letters),
 * combining marks dropped (accents folded: "cliëntervaring" ->
 * "clientervaring"), case folded to lowercase, typographic apostrophes and
 * dashes mapped to ASCII. Invalid UTF-8 bytes become spaces. len -1: NUL
 * terminated. Appends to out. */
void slt_text_fold(const char *text, gssize len, GString *out);

/* Guess the language of the given texts (NULLs allowed) by counting
 * common Dutch and English function words. Dutch unless English clearly
 * dominates: most of the mail is Dutch and a Dutch message with an
 * English phrase must stay Dutch. */
SltLang slt_textprep_guess_lang(SltTextPrep *tp, const char *const *texts, gsize n);

/* Tokenise text (len -1: NUL terminated) from the given zone, stemming
 * with lang, and append SltTokens to tokens (a GArray of SltToken).
 * *sentence is the running sentence counter (start at 0) so that tokens
 * of several zones never share a sentence. The strings in the tokens are
 * owned by tp and stay valid until slt_textprep_reset() or free. */
void slt_textprep_tokenize(SltTextPrep *tp, const char *text, gssize len,
			   SltZone zone, SltLang lang, GArray *tokens,
			   guint32 *sentence);

/* Stem one folded word with lang. The result is interned in tp (valid
 * until reset/free). */
const char *slt_textprep_stem(SltTextPrep *tp, const char *word, SltLang lang);

/* Whether the folded word is a stopword of lang. */
gboolean slt_textprep_is_stopword(const char *word, SltLang lang);

/* Drop the stem cache when it has grown past its bound; call between
 * messages (never while tokens from an earlier call are still in use). */
void slt_textprep_reset(SltTextPrep *tp);
