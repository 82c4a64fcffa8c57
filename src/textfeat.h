/* SPDX-License-Identifier: MIT */
/* textfeat: one parsed message into what the classifier reads: the token
 * stream of the parts that count (subject, the sender's new text, a
 * forwarded message when the new text only points at it, "PS:" lines a
 * splitter left in the signature), and the weighted bag of model features
 * (stems and stem bigrams). Training and classification share this code,
 * so that the model sees at run time exactly what it was trained on. */
#pragma once

#include <glib.h>
#include "linmodel.h"
#include "mime.h"
#include "textprep.h"

/* How features are made; recorded in the model file (option lines) so a
 * model is always scored with the settings it was trained with. */
typedef struct {
	double subject_weight;        /* a fresh subject, against 1.0 for the body */
	double reply_subject_weight;  /* "Re:" subject: the old thread's topic */
	gboolean bigrams;
	gboolean negation;            /* "!stem" for words in a negation's scope */
} SltFeatureOptions;

void slt_feature_options_default(SltFeatureOptions *o);
/* Read/write the options from/to a model's option table. */
void slt_feature_options_from_model(SltFeatureOptions *o, const SltModel *m);
void slt_feature_options_to_model(const SltFeatureOptions *o, SltModel *m);

typedef struct {
	GArray *tokens;          /* SltToken: subject, new, forwarded, ps, in that order */
	SltLang lang;
	char *subject;           /* subject without "Re:"/"FW:"... prefixes; never NULL */
	gboolean reply;          /* the subject had a reply prefix */
	gboolean forward;        /* a forward prefix or msg->is_forward */
	gboolean used_forwarded; /* the forwarded text stands in for a one-line note */
	guint new_words;         /* content words in the new text */
	guint questions;         /* sentences in the new text that end in '?' */
	SltBag bag;              /* model features */
} SltDoc;

/* Build doc from msg. Tokens point into tp's cache: use the doc before
 * the next slt_textprep_reset(tp). Release with slt_doc_clear. */
void slt_doc_build(SltDoc *doc, SltTextPrep *tp, const SltMessage *msg,
		   const SltFeatureOptions *opt);
void slt_doc_clear(SltDoc *doc);

/* The subject without reply/forward prefixes and "[EXTERN]"-style tags.
 * *reply / *forward say which were seen (may be NULL). Returns a new
 * string. */
char *slt_subject_strip(const char *subject, gboolean *reply, gboolean *forward);

/* The text a classifier should read as the sender's own: msg->new_text,
 * or msg->text when the splitter left new_text NULL. Owned by msg. */
const char *slt_doc_new_text(const SltMessage *msg);
