/* SPDX-License-Identifier: MIT */
/* linmodel: the classifier's trained part: linear text models (multinomial
 * naive Bayes or softmax logistic regression) over weighted features, as a
 * plain reviewable text file (data/model.tsv), with their trainers.
 *
 * Both kinds score the same way, score[c] = bias[c] + sum_f x_f w[f][c],
 * so one reader and one scorer serve both; only the feature transform
 * (x_f from the raw weighted count) differs and is recorded in the file.
 * Leaf module: no I/O, bytes in and text out. */
#pragma once

#include <glib.h>

/* A bag of features: feature string -> weighted count. Build with
 * slt_bag_add; strings are copied into the bag. */
typedef struct {
	GHashTable *map;      /* const char* (in chunk) -> float* (in values) */
	GStringChunk *chunk;
	GArray *values;       /* float, indexed by the map's values */
	GPtrArray *keys;      /* insertion order, for deterministic iteration */
} SltBag;

void slt_bag_init(SltBag *bag);
void slt_bag_clear(SltBag *bag);
void slt_bag_add(SltBag *bag, const char *feature, float weight);
float slt_bag_get(const SltBag *bag, const char *feature);

typedef enum {
	SLT_MODEL_NB,  /* multinomial naive Bayes, Laplace smoothing */
	SLT_MODEL_LR,  /* softmax regression, L2, AdaGrad SGD */
} SltModelKind;

/* One classification task ("intent", "theme") of a model. */
typedef struct {
	char *name;
	SltModelKind kind;
	GPtrArray *classes;   /* char* */
	double *bias;         /* classes->len */
	GHashTable *weights;  /* char* feature -> float[classes->len] */
	/* Feature transform: x = log1p(count) when log_tf, then scaled to
	 * unit L2 norm over the features the task knows when l2. */
	gboolean log_tf, l2;
	/* NB scores are sums of log-probabilities; dividing by temperature
	 * before the softmax keeps their confidence honest. */
	double temperature;
} SltModelTask;

typedef struct _SltModel {
	GPtrArray *tasks;        /* SltModelTask* */
	GHashTable *options;     /* char* -> char*: feature extraction settings */
	GHashTable *docs;        /* char* hash of each training message (see
				  * slt_model_doc_hash) -> NULL */
} SltModel;

/* Parse a model file. Returns a new model (free with slt_model_free) or
 * NULL with error (G_IO_ERROR_INVALID_DATA naming the line). */
SltModel *slt_model_parse(GBytes *bytes, GError **error);
SltModel *slt_model_new(void);
void slt_model_free(SltModel *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltModel, slt_model_free)

/* The model as text (the file format parsed above), deterministic: the
 * same model always gives the same bytes. Returns a new string. */
char *slt_model_to_text(const SltModel *m, const char *header_comment);

/* The task called name, or NULL. Owned by the model. */
const SltModelTask *slt_model_task(const SltModel *m, const char *name);
const char *slt_model_option(const SltModel *m, const char *key);

/* Scores of bag for each class of task into scores (classes->len
 * doubles), and their softmax into probs (may be NULL). */
void slt_model_score(const SltModelTask *t, const SltBag *bag,
		     double *scores, double *probs);

/* The features of bag that pushed class a above class b most, as up to
 * max "feature" strings (pointers into the bag; valid while it lives). */
GPtrArray *slt_model_top_features(const SltModelTask *t, const SltBag *bag,
				  guint a, guint b, guint max);

/* The same two, with the weight lookups done once: weights gets, per
 * feature of bag in order, the task's weight row or NULL (an array of
 * bag->keys->len pointers, owned by the caller). */
void slt_model_lookup(const SltModelTask *t, const SltBag *bag, const float **weights);
void slt_model_score_w(const SltModelTask *t, const SltBag *bag, const float *const *weights,
		       double *scores, double *probs);
GPtrArray *slt_model_top_features_w(const SltModelTask *t, const SltBag *bag,
				    const float *const *weights, guint a, guint b, guint max);

typedef struct {
	SltModelKind kind;
	guint min_df;          /* drop features seen in fewer documents */
	double nb_alpha;       /* NB: Laplace smoothing */
	double lr_l2;          /* LR: L2 penalty per example */
	guint lr_epochs;
	double lr_rate;
	guint32 seed;          /* LR: example order */
	gboolean balance;      /* weight classes inversely to their size */
	double temperature;    /* recorded in the task (NB: soften its confidence) */
} SltTrainParams;

void slt_train_params_default(SltTrainParams *p, SltModelKind kind);

/* Train a task on n bags with labels (indexes into classes). Bags are
 * not changed. Returns a new task (free with slt_model_task_free). */
SltModelTask *slt_model_train_task(const char *name, const char *const *classes,
				   guint n_classes, SltBag *const *bags,
				   const int *labels, guint n,
				   const SltTrainParams *p);
void slt_model_task_free(SltModelTask *t);

/* A short stable hash of a raw message (the model records which messages
 * it was trained on, so that an evaluation can leave them out). Returns
 * a new string. */
char *slt_model_doc_hash(const char *data, gsize len);
