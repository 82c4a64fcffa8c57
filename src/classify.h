/* SPDX-License-Identifier: MIT */
/* classify: intent, theme, kenmerken, packages and organisation of one
 * parsed message, with a confidence and the evidence in plain words.
 * Pure functions, no I/O: the model and lexicon arrive as bytes.
 * Labels are the ids of TAXONOMY.md (data/TAXONOMY.md). */
#pragma once

#include <glib.h>
#include "mime.h"

typedef struct {
	char *intent;          /* sparring werkpakket vraag afmelden automatisch overig */
	char *theme;           /* visie goed-bestuur netwerksamenwerking kwaliteit inkoop-bekostiging algemeen */
	GPtrArray *kenmerken;  /* char* k1-... ids; never NULL */
	GPtrArray *packages;   /* char* package ids, or the single id "alle"; never NULL */
	char *org;             /* "gemeente:Utrecht", "team:...", "overig:...", or "" */
	double confidence;     /* 0.0 - 1.0, of the intent */
	double theme_confidence;
	gboolean review;       /* below the threshold: staff should look */
	GPtrArray *why;        /* char*, evidence in plain words; never NULL */
} SltClassification;

void slt_classification_free(SltClassification *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltClassification, slt_classification_free)

typedef struct _SltClassifier SltClassifier;

/* Build a classifier from the model, the lexicon and the municipality list
 * (each NULL: the built-in copy, see data.h). Returns a new classifier
 * (free with slt_classifier_free) or NULL with error (a broken model or
 * lexicon file is reported with its line). */
SltClassifier *slt_classifier_new(GBytes *model, GBytes *lexicon,
				  GBytes *gemeenten, GError **error);
void slt_classifier_free(SltClassifier *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltClassifier, slt_classifier_free)

/* Classify one parsed message. Never fails; returns a new result (owned by
 * the caller). Thread-safe for concurrent calls on one classifier. */
SltClassification *slt_classify(const SltClassifier *c, const SltMessage *msg);
