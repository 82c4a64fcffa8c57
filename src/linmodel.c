/* SPDX-License-Identifier: MIT */
/* linmodel: linear text models (naive Bayes, logistic regression): the
 * file format, scoring and training. */
#include "linmodel.h"

#include <gio/gio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FORMAT_VERSION "1"

/* ---- bags ---- */

void
slt_bag_init(SltBag *bag)
{
	bag->map = g_hash_table_new(g_str_hash, g_str_equal);
	bag->chunk = g_string_chunk_new(4096);
	bag->values = g_array_sized_new(FALSE, FALSE, sizeof(float), 256);
	bag->keys = g_ptr_array_sized_new(256);
}

void
slt_bag_clear(SltBag *bag)
{
	if (!bag->map)
		return;
	g_hash_table_destroy(bag->map);
	g_string_chunk_free(bag->chunk);
	g_array_free(bag->values, TRUE);
	g_ptr_array_free(bag->keys, TRUE);
	memset(bag, 0, sizeof(*bag));
}

void
slt_bag_add(SltBag *bag, const char *feature, float weight)
{
	gpointer idx;
	if (g_hash_table_lookup_extended(bag->map, feature, NULL, &idx)) {
		g_array_index(bag->values, float, GPOINTER_TO_UINT(idx)) += weight;
		return;
	}
	const char *key = g_string_chunk_insert(bag->chunk, feature);
	g_array_append_val(bag->values, weight);
	g_hash_table_insert(bag->map, (gpointer)key, GUINT_TO_POINTER(bag->values->len - 1));
	g_ptr_array_add(bag->keys, (gpointer)key);
}

float
slt_bag_get(const SltBag *bag, const char *feature)
{
	gpointer idx;
	if (!g_hash_table_lookup_extended(bag->map, feature, NULL, &idx))
		return 0;
	return g_array_index(bag->values, float, GPOINTER_TO_UINT(idx));
}

/* ---- model objects ---- */

void
slt_model_task_free(SltModelTask *t)
{
	if (!t)
		return;
	g_free(t->name);
	g_ptr_array_free(t->classes, TRUE);
	g_free(t->bias);
	g_hash_table_destroy(t->weights);
	g_free(t);
}

static SltModelTask *
task_new(const char *name, SltModelKind kind, const char *const *classes, guint n)
{
	SltModelTask *t = g_new0(SltModelTask, 1);
	t->name = g_strdup(name);
	t->kind = kind;
	t->classes = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < n; i++)
		g_ptr_array_add(t->classes, g_strdup(classes[i]));
	t->bias = g_new0(double, n);
	t->weights = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	t->temperature = 1.0;
	return t;
}

SltModel *
slt_model_new(void)
{
	SltModel *m = g_new0(SltModel, 1);
	m->tasks = g_ptr_array_new_with_free_func((GDestroyNotify)slt_model_task_free);
	m->options = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	m->docs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return m;
}

void
slt_model_free(SltModel *m)
{
	if (!m)
		return;
	g_ptr_array_free(m->tasks, TRUE);
	g_hash_table_destroy(m->options);
	g_hash_table_destroy(m->docs);
	g_free(m);
}

const SltModelTask *
slt_model_task(const SltModel *m, const char *name)
{
	for (guint i = 0; i < m->tasks->len; i++) {
		const SltModelTask *t = g_ptr_array_index(m->tasks, i);
		if (strcmp(t->name, name) == 0)
			return t;
	}
	return NULL;
}

const char *
slt_model_option(const SltModel *m, const char *key)
{
	return g_hash_table_lookup(m->options, key);
}

/* ---- the file ---- */

static SltModelTask *
find_task(SltModel *m, const char *name)
{
	return (SltModelTask *)slt_model_task(m, name);
}

static gboolean
parse_doubles(char **f, guint n, double *out)
{
	for (guint i = 0; i < n; i++) {
		if (!f[i])
			return FALSE;
		char *end;
		out[i] = g_ascii_strtod(f[i], &end);
		if (end == f[i] || *end || !isfinite(out[i]))
			return FALSE;
	}
	return f[n] == NULL;
}

#define BAD(...) do { \
	g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, __VA_ARGS__); \
	return NULL; \
} while (0)

SltModel *
slt_model_parse(GBytes *bytes, GError **error)
{
	gsize len;
	const char *data = g_bytes_get_data(bytes, &len);
	g_autofree char *text = g_strndup(data, len);
	g_autoptr(SltModel) m = slt_model_new();
	gboolean version_seen = FALSE;
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (guint li = 0; lines[li]; li++) {
		guint lineno = li + 1;
		char *line = lines[li];
		g_strchomp(line);
		if (line[0] == '#' || line[0] == '\0')
			continue;
		g_auto(GStrv) f = g_strsplit(line, "\t", -1);
		guint nf = g_strv_length(f);
		if (strcmp(f[0], "sltd-model") == 0) {
			if (nf != 2 || strcmp(f[1], FORMAT_VERSION) != 0)
				BAD("model line %u: unsupported format version", lineno);
			version_seen = TRUE;
		} else if (!version_seen) {
			BAD("model line %u: not a sltd model file (no 'sltd-model' line first)", lineno);
		} else if (strcmp(f[0], "option") == 0) {
			if (nf != 3)
				BAD("model line %u: 'option' needs a key and a value", lineno);
			g_hash_table_replace(m->options, g_strdup(f[1]), g_strdup(f[2]));
		} else if (strcmp(f[0], "task") == 0) {
			if (nf < 5)
				BAD("model line %u: 'task' needs a name, a kind and two or more classes", lineno);
			SltModelKind kind;
			if (strcmp(f[2], "nb") == 0)
				kind = SLT_MODEL_NB;
			else if (strcmp(f[2], "lr") == 0)
				kind = SLT_MODEL_LR;
			else
				BAD("model line %u: unknown model kind '%s'", lineno, f[2]);
			if (find_task(m, f[1]))
				BAD("model line %u: task '%s' defined twice", lineno, f[1]);
			g_ptr_array_add(m->tasks, task_new(f[1], kind, (const char *const *)f + 3, nf - 3));
		} else if (strcmp(f[0], "param") == 0 || strcmp(f[0], "bias") == 0 ||
			   strcmp(f[0], "w") == 0) {
			SltModelTask *t = nf > 1 ? find_task(m, f[1]) : NULL;
			if (!t)
				BAD("model line %u: no task '%s' defined above", lineno, nf > 1 ? f[1] : "");
			guint nc = t->classes->len;
			if (strcmp(f[0], "param") == 0) {
				double v;
				if (nf != 4 || !parse_doubles(f + 3, 1, &v))
					BAD("model line %u: 'param' needs a name and a number", lineno);
				if (strcmp(f[2], "log_tf") == 0)
					t->log_tf = v != 0;
				else if (strcmp(f[2], "l2") == 0)
					t->l2 = v != 0;
				else if (strcmp(f[2], "temperature") == 0 && v > 0)
					t->temperature = v;
				else
					BAD("model line %u: unknown or bad param '%s'", lineno, f[2]);
			} else if (strcmp(f[0], "bias") == 0) {
				if (!parse_doubles(f + 2, nc, t->bias))
					BAD("model line %u: 'bias' needs %u numbers", lineno, nc);
			} else {
				if (nf != nc + 3 || !*f[2])
					BAD("model line %u: 'w' needs a feature and %u numbers", lineno, nc);
				double v[nc];
				if (!parse_doubles(f + 3, nc, v))
					BAD("model line %u: bad number", lineno);
				float *w = g_new(float, nc);
				for (guint i = 0; i < nc; i++)
					w[i] = (float)v[i];
				g_hash_table_replace(t->weights, g_strdup(f[2]), w);
			}
		} else if (strcmp(f[0], "doc") == 0) {
			if (nf != 2)
				BAD("model line %u: 'doc' needs one hash", lineno);
			g_hash_table_add(m->docs, g_strdup(f[1]));
		} else {
			BAD("model line %u: unknown record '%s'", lineno, f[0]);
		}
	}
	if (!version_seen)
		BAD("empty model file");
	if (m->tasks->len == 0)
		BAD("model has no tasks");
	return g_steal_pointer(&m);
}

static int
cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of h, sorted (file output must not depend on hash order).
 * The strings stay owned by h. */
static GPtrArray *
sorted_keys(GHashTable *h)
{
	GPtrArray *a = g_ptr_array_sized_new(g_hash_table_size(h));
	GHashTableIter it;
	gpointer k;
	g_hash_table_iter_init(&it, h);
	while (g_hash_table_iter_next(&it, &k, NULL))
		g_ptr_array_add(a, k);
	g_ptr_array_sort(a, cmp_str);
	return a;
}

/* Numbers with 5 significant digits: enough for scoring, small enough
 * for a file people can diff. */
static void
append_num(GString *out, double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	if (fabs(v) < 5e-6)
		v = 0;
	g_ascii_formatd(buf, sizeof(buf), "%.5g", v);
	g_string_append(out, buf);
}

char *
slt_model_to_text(const SltModel *m, const char *header_comment)
{
	GString *out = g_string_sized_new(1 << 20);
	if (header_comment)
		g_string_append(out, header_comment);
	g_string_append(out, "sltd-model\t" FORMAT_VERSION "\n");
	g_autoptr(GPtrArray) keys = sorted_keys(m->options);
	for (guint i = 0; i < keys->len; i++)
		g_string_append_printf(out, "option\t%s\t%s\n", (char *)keys->pdata[i],
				       (char *)g_hash_table_lookup(m->options, keys->pdata[i]));
	for (guint ti = 0; ti < m->tasks->len; ti++) {
		const SltModelTask *t = g_ptr_array_index(m->tasks, ti);
		guint nc = t->classes->len;
		g_string_append_printf(out, "task\t%s\t%s", t->name,
				       t->kind == SLT_MODEL_NB ? "nb" : "lr");
		for (guint c = 0; c < nc; c++)
			g_string_append_printf(out, "\t%s", (char *)t->classes->pdata[c]);
		g_string_append_printf(out, "\nparam\t%s\tlog_tf\t%d\n", t->name, t->log_tf);
		g_string_append_printf(out, "param\t%s\tl2\t%d\n", t->name, t->l2);
		g_string_append_printf(out, "param\t%s\ttemperature\t", t->name);
		append_num(out, t->temperature);
		g_string_append_printf(out, "\nbias\t%s", t->name);
		for (guint c = 0; c < nc; c++) {
			g_string_append_c(out, '\t');
			append_num(out, t->bias[c]);
		}
		g_string_append_c(out, '\n');
		g_autoptr(GPtrArray) feats = sorted_keys(t->weights);
		for (guint i = 0; i < feats->len; i++) {
			const float *w = g_hash_table_lookup(t->weights, feats->pdata[i]);
			g_string_append_printf(out, "w\t%s\t%s", t->name, (char *)feats->pdata[i]);
			for (guint c = 0; c < nc; c++) {
				g_string_append_c(out, '\t');
				append_num(out, w[c]);
			}
			g_string_append_c(out, '\n');
		}
	}
	g_autoptr(GPtrArray) docs = sorted_keys(m->docs);
	for (guint i = 0; i < docs->len; i++)
		g_string_append_printf(out, "doc\t%s\n", (char *)docs->pdata[i]);
	return g_string_free(out, FALSE);
}

/* ---- scoring ---- */

static inline double
transform(const SltModelTask *t, float v)
{
	return t->log_tf ? log1p(v) : v;
}

void
slt_model_lookup(const SltModelTask *t, const SltBag *bag, const float **weights)
{
	for (guint i = 0; i < bag->keys->len; i++)
		weights[i] = g_hash_table_lookup(t->weights, bag->keys->pdata[i]);
}

void
slt_model_score(const SltModelTask *t, const SltBag *bag, double *scores, double *probs)
{
	g_autofree const float **w = g_new(const float *, bag->keys->len + 1);
	slt_model_lookup(t, bag, w);
	slt_model_score_w(t, bag, w, scores, probs);
}

void
slt_model_score_w(const SltModelTask *t, const SltBag *bag, const float *const *weights,
		  double *scores, double *probs)
{
	guint nc = t->classes->len;
	double dot[nc];
	memset(dot, 0, sizeof(dot));
	double norm2 = 0;
	for (guint i = 0; i < bag->keys->len; i++) {
		const float *w = weights[i];
		if (!w)
			continue;
		double x = transform(t, g_array_index(bag->values, float, i));
		norm2 += x * x;
		for (guint c = 0; c < nc; c++)
			dot[c] += x * w[c];
	}
	double scale = t->l2 && norm2 > 0 ? 1.0 / sqrt(norm2) : 1.0;
	for (guint c = 0; c < nc; c++)
		scores[c] = t->bias[c] + dot[c] * scale;
	if (!probs)
		return;
	double max = scores[0];
	for (guint c = 1; c < nc; c++)
		max = MAX(max, scores[c]);
	double sum = 0;
	for (guint c = 0; c < nc; c++) {
		probs[c] = exp((scores[c] - max) / t->temperature);
		sum += probs[c];
	}
	for (guint c = 0; c < nc; c++)
		probs[c] /= sum;
}

typedef struct {
	const char *feature;
	double contrib;
} Contrib;

static int
cmp_contrib(gconstpointer a, gconstpointer b)
{
	const Contrib *x = a, *y = b;
	if (x->contrib != y->contrib)
		return x->contrib < y->contrib ? 1 : -1;
	return strcmp(x->feature, y->feature);
}

GPtrArray *
slt_model_top_features(const SltModelTask *t, const SltBag *bag, guint a, guint b, guint max)
{
	g_autofree const float **w = g_new(const float *, bag->keys->len + 1);
	slt_model_lookup(t, bag, w);
	return slt_model_top_features_w(t, bag, w, a, b, max);
}

GPtrArray *
slt_model_top_features_w(const SltModelTask *t, const SltBag *bag, const float *const *weights,
			 guint a, guint b, guint max)
{
	g_autoptr(GArray) cs = g_array_new(FALSE, FALSE, sizeof(Contrib));
	for (guint i = 0; i < bag->keys->len; i++) {
		const char *f = bag->keys->pdata[i];
		const float *w = weights[i];
		if (!w)
			continue;
		double x = transform(t, g_array_index(bag->values, float, i));
		Contrib c = { f, x * (w[a] - w[b]) };
		if (c.contrib > 0)
			g_array_append_val(cs, c);
	}
	g_array_sort(cs, cmp_contrib);
	GPtrArray *out = g_ptr_array_new();
	for (guint i = 0; i < cs->len && i < max; i++)
		g_ptr_array_add(out, (gpointer)g_array_index(cs, Contrib, i).feature);
	return out;
}

/* ---- training ---- */

void
slt_train_params_default(SltTrainParams *p, SltModelKind kind)
{
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->min_df = 2;
	p->nb_alpha = 0.1;
	p->lr_l2 = 1e-4;
	p->lr_epochs = 40;
	p->lr_rate = 0.5;
	p->seed = 4;
	p->balance = TRUE;
	p->temperature = 1.0;
}

typedef struct {
	guint *idx;
	double *x;
	guint n;
} Sparse;

SltModelTask *
slt_model_train_task(const char *name, const char *const *classes, guint nc,
		     SltBag *const *bags, const int *labels, guint n,
		     const SltTrainParams *p)
{
	SltModelTask *t = task_new(name, p->kind, classes, nc);
	t->log_tf = TRUE;
	t->l2 = p->kind == SLT_MODEL_LR;
	t->temperature = p->temperature > 0 ? p->temperature : 1.0;

	/* Vocabulary: features in at least min_df training documents, sorted
	 * so that the result does not depend on hash order. */
	g_autoptr(GHashTable) df = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint d = 0; d < n; d++) {
		if (labels[d] < 0)
			continue;
		for (guint i = 0; i < bags[d]->keys->len; i++) {
			const char *f = bags[d]->keys->pdata[i];
			guint c = GPOINTER_TO_UINT(g_hash_table_lookup(df, f));
			g_hash_table_insert(df, (gpointer)f, GUINT_TO_POINTER(c + 1));
		}
	}
	g_autoptr(GPtrArray) vocab = g_ptr_array_new();
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, df);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (GPOINTER_TO_UINT(v) >= MAX(p->min_df, 1))
			g_ptr_array_add(vocab, k);
	g_ptr_array_sort(vocab, cmp_str);
	g_autoptr(GHashTable) index = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; i < vocab->len; i++)
		g_hash_table_insert(index, vocab->pdata[i], GUINT_TO_POINTER(i + 1));
	guint V = vocab->len;

	/* Documents as sparse vectors over the vocabulary, transformed as the
	 * scorer will transform them. */
	Sparse *docs = g_new0(Sparse, n);
	guint count[nc];
	memset(count, 0, sizeof(count));
	guint used = 0;
	for (guint d = 0; d < n; d++) {
		if (labels[d] < 0)
			continue;
		used++;
		count[labels[d]]++;
		const SltBag *b = bags[d];
		docs[d].idx = g_new(guint, b->keys->len);
		docs[d].x = g_new(double, b->keys->len);
		double norm2 = 0;
		for (guint i = 0; i < b->keys->len; i++) {
			guint j = GPOINTER_TO_UINT(g_hash_table_lookup(index, b->keys->pdata[i]));
			if (!j)
				continue;
			docs[d].idx[docs[d].n] = j - 1;
			double x = transform(t, g_array_index(b->values, float, i));
			docs[d].x[docs[d].n++] = x;
			norm2 += x * x;
		}
		if (t->l2 && norm2 > 0)
			for (guint i = 0; i < docs[d].n; i++)
				docs[d].x[i] /= sqrt(norm2);
	}
	double cw[nc];  /* class weights */
	for (guint c = 0; c < nc; c++)
		cw[c] = p->balance && count[c] ? (double)used / (nc * count[c]) : 1.0;

	float *W = g_new0(float, (gsize)V * nc);
	if (p->kind == SLT_MODEL_NB) {
		double *cnt = g_new0(double, (gsize)V * nc);
		double total[nc];
		memset(total, 0, sizeof(total));
		for (guint d = 0; d < n; d++) {
			if (labels[d] < 0)
				continue;
			int c = labels[d];
			for (guint i = 0; i < docs[d].n; i++) {
				cnt[(gsize)docs[d].idx[i] * nc + c] += docs[d].x[i] * cw[c];
				total[c] += docs[d].x[i] * cw[c];
			}
		}
		for (guint c = 0; c < nc; c++)
			t->bias[c] = p->balance ? 0 :
				log((count[c] + 1.0) / (used + nc));
		for (guint j = 0; j < V; j++) {
			double mean = 0;
			for (guint c = 0; c < nc; c++) {
				double lp = log((cnt[(gsize)j * nc + c] + p->nb_alpha) /
						(total[c] + p->nb_alpha * V));
				W[(gsize)j * nc + c] = (float)lp;
				mean += lp;
			}
			/* Centred per feature: softmax is unchanged, and the file
			 * reads as "positive: evidence for this class". */
			mean /= nc;
			for (guint c = 0; c < nc; c++)
				W[(gsize)j * nc + c] -= (float)mean;
		}
		g_free(cnt);
	} else {
		double *G = g_new0(double, (gsize)V * nc);
		double Gb[nc];
		memset(Gb, 0, sizeof(Gb));
		guint *order = g_new(guint, n);
		guint no = 0;
		for (guint d = 0; d < n; d++)
			if (labels[d] >= 0)
				order[no++] = d;
		GRand *rand = g_rand_new_with_seed(p->seed);
		double s[nc], pr[nc];
		for (guint ep = 0; ep < p->lr_epochs; ep++) {
			for (guint i = no; i > 1; i--) {
				guint j = g_rand_int_range(rand, 0, i);
				guint tmp = order[i - 1];
				order[i - 1] = order[j];
				order[j] = tmp;
			}
			for (guint oi = 0; oi < no; oi++) {
				const Sparse *doc = &docs[order[oi]];
				int y = labels[order[oi]];
				double max = -INFINITY;
				for (guint c = 0; c < nc; c++) {
					s[c] = t->bias[c];
					for (guint i = 0; i < doc->n; i++)
						s[c] += doc->x[i] * W[(gsize)doc->idx[i] * nc + c];
					max = MAX(max, s[c]);
				}
				double sum = 0;
				for (guint c = 0; c < nc; c++)
					sum += (pr[c] = exp(s[c] - max));
				for (guint c = 0; c < nc; c++) {
					double g = (pr[c] / sum - (c == (guint)y)) * cw[y];
					for (guint i = 0; i < doc->n; i++) {
						gsize k2 = (gsize)doc->idx[i] * nc + c;
						double gw = g * doc->x[i] + p->lr_l2 * W[k2];
						G[k2] += gw * gw;
						W[k2] -= (float)(p->lr_rate * gw / (sqrt(G[k2]) + 1e-8));
					}
					Gb[c] += g * g;
					t->bias[c] -= p->lr_rate * g / (sqrt(Gb[c]) + 1e-8);
				}
			}
		}
		g_rand_free(rand);
		g_free(order);
		g_free(G);
	}
	for (guint j = 0; j < V; j++) {
		float *w = &W[(gsize)j * nc];
		gboolean keep = FALSE;
		for (guint c = 0; c < nc; c++)
			if (fabsf(w[c]) >= 1e-3f)
				keep = TRUE;
		if (keep)
			g_hash_table_insert(t->weights, g_strdup(vocab->pdata[j]),
					    g_memdup2(w, sizeof(float) * nc));
	}
	/* Weights go through the file with 5 digits: round them now, so a
	 * freshly trained model scores exactly like the same model read back. */
	g_hash_table_iter_init(&it, t->weights);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		float *w = v;
		for (guint c = 0; c < nc; c++) {
			char buf[G_ASCII_DTOSTR_BUF_SIZE];
			g_ascii_formatd(buf, sizeof(buf), "%.5g", fabsf(w[c]) < 5e-6f ? 0 : w[c]);
			w[c] = (float)g_ascii_strtod(buf, NULL);
		}
	}
	for (guint c = 0; c < nc; c++) {
		char buf[G_ASCII_DTOSTR_BUF_SIZE];
		g_ascii_formatd(buf, sizeof(buf), "%.5g", fabs(t->bias[c]) < 5e-6 ? 0 : t->bias[c]);
		t->bias[c] = g_ascii_strtod(buf, NULL);
	}
	for (guint d = 0; d < n; d++) {
		g_free(docs[d].idx);
		g_free(docs[d].x);
	}
	g_free(docs);
	g_free(W);
	return t;
}

char *
slt_model_doc_hash(const char *data, gsize len)
{
	g_autofree char *full = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
							    (const guchar *)data, len);
	return g_strndup(full, 20);
}
