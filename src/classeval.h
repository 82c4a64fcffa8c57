/* SPDX-License-Identifier: MIT */
/* classeval: classifier results against labels: accuracy per field,
 * per-label precision and recall, confusion matrices, the misclassified
 * files. Shared by `sltctl eval` and `sltctl crossval`. */
#pragma once

#include <glib.h>
#include "classify.h"
#include "corpus.h"

typedef struct _SltEval SltEval;

SltEval *slt_eval_new(void);
void slt_eval_free(SltEval *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltEval, slt_eval_free)

/* Record one result (gold and pred are only read). */
void slt_eval_add(SltEval *e, const SltCorpusItem *gold, const SltClassification *pred);

/* Fields: "intent" (all messages), "theme" (messages whose labelled intent
 * is sparring, werkpakket or vraag), "packages" (all; the same set of
 * packages), "org", "kenmerken" (the same set). Returns the accuracy,
 * or -1 when no message counts. */
double slt_eval_accuracy(const SltEval *e, const char *field);
guint slt_eval_count(const SltEval *e, const char *field);

/* Labelled person-written requests (sparring, werkpakket, vraag,
 * afmelden) classified automatisch or overig: the costly error. */
guint slt_eval_dropped(const SltEval *e);

/* Check floors: each "FIELD=X" in mins (NULL-terminated; may be NULL)
 * is a lowest accuracy, max_dropped (-1: none) the most requests that may
 * be classified automatisch or overig. Appends a "FAIL: ..." line to out
 * per broken floor. Returns FALSE when one is broken, or with error
 * (G_IO_ERROR_INVALID_ARGUMENT) for a malformed or unknown floor. */
gboolean slt_eval_check(const SltEval *e, const char *const *mins, int max_dropped,
			GString *out, gboolean *ok, GError **error);

/* The whole report as text. With list_errors, every misclassified file
 * with gold -> predicted per field. */
void slt_eval_report(const SltEval *e, GString *out, gboolean list_errors);
