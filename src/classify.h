/* SPDX-License-Identifier: MIT */
/* classify: intent, theme, kenmerken, packages and organisation of one
 * parsed message, with a confidence and the evidence in plain words.
 * Pure functions, no I/O: the model and lexicon arrive as bytes.
 * Labels are the ids of TAXONOMY.md (data/TAXONOMY.md).
 * RFC 3834 (Auto-Submitted), 3464 (DSN), 8098 (MDN) for the machine signals.
 *
 * How a message is decided (classify.c): machine signals, weighed with
 * subject and body cues, decide `automatisch`; a trained linear model
 * (linmodel.h, data/model.tsv) plus the staff lexicon (lexicon.h,
 * data/lexicon.txt) score the other intents and the theme; rules find the
 * packages (packages.h); the lexicon gives the kenmerken. The decision
 * leans away from `automatisch` and `overig`: answering a machine is
 * caught by loop protection later, dropping a person is worse. */
#pragma once

#include <glib.h>
#include "mime.h"
#include "org.h"

typedef struct {
	char *intent;          /* sparring werkpakket vraag afmelden automatisch overig */
	char *theme;           /* visie goed-bestuur netwerksamenwerking kwaliteit inkoop-bekostiging algemeen */
	GPtrArray *kenmerken;  /* char* k1-... ids; never NULL */
	GPtrArray *packages;   /* char* package ids, or the single id "alle"; never NULL */
	char *org;             /* "gemeente:Utrecht", "team:...", "overig:...", or "" */
	SltOrgSource org_source;  /* where org came from (org.h) */
	double confidence;     /* 0.0 - 1.0, of the intent */
	double theme_confidence;
	gboolean review;       /* below the threshold: staff should look */
	GPtrArray *why;        /* char*, evidence in plain words; never NULL */
} SltClassification;

void slt_classification_free(SltClassification *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltClassification, slt_classification_free)

/* The label ids, in the order the model file lists its classes. */
extern const char *const slt_intent_ids[6];
extern const char *const slt_theme_ids[6];
extern const char *const slt_kenmerk_ids[7];

/* Below this intent confidence (or theme confidence below
 * SLT_CLASSIFY_THEME_REVIEW for a request) a message is marked for review. */
#define SLT_CLASSIFY_REVIEW 0.6
#define SLT_CLASSIFY_THEME_REVIEW 0.4

typedef struct _SltClassifier SltClassifier;
typedef struct _SltModel SltModel;

/* Build a classifier from the model, the lexicon and the municipality list
 * (each NULL: the built-in copy, see data.h). Returns a new classifier
 * (free with slt_classifier_free) or NULL with error (a broken model or
 * lexicon file is reported with its line). */
SltClassifier *slt_classifier_new(GBytes *model, GBytes *lexicon,
				  GBytes *gemeenten, GError **error);
/* As slt_classifier_new, with a model already in memory (sltctl
 * crossval trains one per fold). Takes ownership of model, also on error. */
SltClassifier *slt_classifier_new_from_model(SltModel *model, GBytes *lexicon,
					     GBytes *gemeenten, GError **error);
void slt_classifier_free(SltClassifier *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltClassifier, slt_classifier_free)

/* Classify one parsed message. Never fails; returns a new result (owned by
 * the caller). Thread-safe for concurrent calls on one classifier. */
SltClassification *slt_classify(const SltClassifier *c, const SltMessage *msg);

/* The organisation as a stream. sltd records mail in arrival order; call
 * this once per message, in that order, on the thread that records, after
 * slt_classify gave r (workers may classify later mail meanwhile):
 * - when r's org came from no more than a bare sub-team or nothing, and an
 *   earlier message from msg's From domain named its team or organisation
 *   in its signature, r->org becomes that (r->why says so);
 * - when r's org ("team:" or "overig:") came from msg's own signature or
 *   text, it is remembered for msg's domain (never labels, never free-mail
 *   or municipality domains: org.h).
 * Returns the domain newly remembered (a new string; the caller may
 * persist the pair (domain, r->org) and load it again at start with
 * slt_classifier_add_learned_org), or NULL when nothing changed. */
char *slt_classifier_learn_org(SltClassifier *c, const SltMessage *msg, SltClassification *r);
/* Load one remembered pair, e.g. from the store at start; pin: staff set
 * it, and learning never replaces it. FALSE when it is refused (see
 * slt_org_directory_learn_domain). */
gboolean slt_classifier_add_learned_org(SltClassifier *c, const char *domain, const char *org,
					gboolean pin);
/* Forget every loaded or learned pair (before loading them again). */
void slt_classifier_forget_learned_orgs(SltClassifier *c);

/* Whether the classifier's model was trained on this raw message (the
 * model records a hash of each training message): evaluations leave
 * those out. */
gboolean slt_classifier_trained_on(const SltClassifier *c, const char *raw, gsize len);

/* The classifier's model (owned by the classifier). */
const SltModel *slt_classifier_model(const SltClassifier *c);
