/* SPDX-License-Identifier: MIT */
/* train: build the classifier's model (linmodel.h) from labelled messages:
 * the intent task on every message, the theme task on the messages whose
 * theme is meaningful (the three request intents and overig, TAXONOMY.md).
 * Deterministic: the same examples in the same order give the same file.
 * Leaf module: messages in, model out. */
#pragma once

#include <glib.h>
#include "linmodel.h"
#include "mime.h"
#include "textfeat.h"

typedef struct {
	const SltMessage *msg;
	const char *intent;     /* an slt_intent_ids id */
	const char *theme;      /* an slt_theme_ids id */
	const char *hash;       /* slt_model_doc_hash of the raw message, or NULL */
} SltTrainExample;

typedef struct {
	SltFeatureOptions features;
	SltTrainParams intent;
	SltTrainParams theme;
} SltTrainConfig;

/* The settings data/model.tsv is built with (chosen by cross-validation,
 * see tests/t0400-classify-eval.sh). */
void slt_train_config_default(SltTrainConfig *cfg);

/* Change one setting, as "KEY=VALUE" (sltctl train/crossval --set):
 * kind=nb|lr (both tasks), intent.kind, theme.kind, l2, epochs, rate,
 * alpha, min_df, seed, temperature, balance=0|1 (both tasks, or "intent."/"theme."
 * before the key), subject_weight, reply_subject_weight, bigrams=0|1,
 * negation=0|1. Returns FALSE with error for an unknown key or value. */
gboolean slt_train_config_set(SltTrainConfig *cfg, const char *setting, GError **error);

/* Train on n examples. Returns a new model (free with slt_model_free),
 * or NULL with error when a label is unknown or there is nothing to
 * learn from. */
SltModel *slt_train_model(const SltTrainExample *ex, guint n,
			  const SltTrainConfig *cfg, GError **error);
