/* SPDX-License-Identifier: MIT */
/* classeval: evaluation figures for the classifier. */
#include "classeval.h"

#include <gio/gio.h>
#include <string.h>

enum { F_INTENT, F_THEME, F_PACKAGES, F_ORG, F_KENMERKEN, F_N };
static const char *const field_names[F_N] = {
	"intent", "theme", "packages", "org", "kenmerken",
};

struct _SltEval {
	guint right[F_N], total[F_N];
	guint conf_intent[6][6];
	guint conf_theme[6][6];   /* requests only */
	guint dropped;
	guint review, review_wrong, n;
	guint pk_order_right, pk_nonempty, pk_nonempty_right;
	guint km_tp, km_fp, km_fn;
	GString *errors;
};

SltEval *
slt_eval_new(void)
{
	SltEval *e = g_new0(SltEval, 1);
	e->errors = g_string_new(NULL);
	return e;
}

void
slt_eval_free(SltEval *e)
{
	if (!e)
		return;
	g_string_free(e->errors, TRUE);
	g_free(e);
}

static int
idx(const char *const *ids, guint n, const char *id)
{
	for (guint i = 0; i < n; i++)
		if (id && strcmp(ids[i], id) == 0)
			return (int)i;
	return -1;
}

static int
cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *
set_string(const GPtrArray *a)
{
	g_autoptr(GPtrArray) s = g_ptr_array_new();
	for (guint i = 0; a && i < a->len; i++)
		g_ptr_array_add(s, a->pdata[i]);
	g_ptr_array_sort(s, cmp_str);
	GString *out = g_string_new(NULL);
	for (guint i = 0; i < s->len; i++) {
		if (i)
			g_string_append_c(out, ',');
		g_string_append(out, s->pdata[i]);
	}
	return g_string_free(out, FALSE);
}

static gboolean
is_request(const char *intent)
{
	return idx(slt_intent_ids, 3, intent) >= 0;
}

void
slt_eval_add(SltEval *e, const SltCorpusItem *gold, const SltClassification *pred)
{
	GString *err = g_string_new(NULL);
	e->n++;
	int gi = idx(slt_intent_ids, 6, gold->intent), pi = idx(slt_intent_ids, 6, pred->intent);
	e->total[F_INTENT]++;
	if (gi == pi)
		e->right[F_INTENT]++;
	else
		g_string_append_printf(err, " intent %s->%s", gold->intent, pred->intent);
	if (gi >= 0 && pi >= 0)
		e->conf_intent[gi][pi]++;
	if (gi >= 0 && gi < 4 && (pi == 4 || pi == 5))
		e->dropped++;

	if (is_request(gold->intent)) {
		int gt = idx(slt_theme_ids, 6, gold->theme), pt = idx(slt_theme_ids, 6, pred->theme);
		e->total[F_THEME]++;
		if (gt == pt)
			e->right[F_THEME]++;
		else
			g_string_append_printf(err, " theme %s->%s", gold->theme, pred->theme);
		if (gt >= 0 && pt >= 0)
			e->conf_theme[gt][pt]++;
	}

	g_autofree char *gp = set_string(gold->packages), *pp = set_string(pred->packages);
	e->total[F_PACKAGES]++;
	if (strcmp(gp, pp) == 0) {
		e->right[F_PACKAGES]++;
		g_autofree char *go = slt_corpus_join(gold->packages), *po = slt_corpus_join(pred->packages);
		if (strcmp(go, po) == 0)
			e->pk_order_right++;
	} else {
		g_string_append_printf(err, " packages [%s]->[%s]", gp, pp);
	}
	if (gold->packages->len || pred->packages->len) {
		e->pk_nonempty++;
		if (strcmp(gp, pp) == 0)
			e->pk_nonempty_right++;
	}

	e->total[F_ORG]++;
	if (strcmp(gold->org ? gold->org : "", pred->org ? pred->org : "") == 0)
		e->right[F_ORG]++;
	else
		g_string_append_printf(err, " org '%s'->'%s'", gold->org, pred->org);

	g_autofree char *gk = set_string(gold->kenmerken), *pk = set_string(pred->kenmerken);
	e->total[F_KENMERKEN]++;
	if (strcmp(gk, pk) == 0)
		e->right[F_KENMERKEN]++;
	else
		g_string_append_printf(err, " kenmerken [%s]->[%s]", gk, pk);
	for (guint i = 0; i < pred->kenmerken->len; i++) {
		gboolean in = FALSE;
		for (guint j = 0; j < gold->kenmerken->len; j++)
			in |= strcmp(pred->kenmerken->pdata[i], gold->kenmerken->pdata[j]) == 0;
		if (in)
			e->km_tp++;
		else
			e->km_fp++;
	}
	for (guint j = 0; j < gold->kenmerken->len; j++) {
		gboolean in = FALSE;
		for (guint i = 0; i < pred->kenmerken->len; i++)
			in |= strcmp(pred->kenmerken->pdata[i], gold->kenmerken->pdata[j]) == 0;
		if (!in)
			e->km_fn++;
	}

	if (pred->review) {
		e->review++;
		if (gi != pi)
			e->review_wrong++;
	}
	if (err->len)
		g_string_append_printf(e->errors, "  %s/%s:%s%s\n", gold->dir, gold->file,
				       err->str, pred->review ? " (review)" : "");
	g_string_free(err, TRUE);
}

double
slt_eval_accuracy(const SltEval *e, const char *field)
{
	int f = idx(field_names, F_N, field);
	if (f < 0 || e->total[f] == 0)
		return -1;
	return (double)e->right[f] / e->total[f];
}

guint
slt_eval_count(const SltEval *e, const char *field)
{
	int f = idx(field_names, F_N, field);
	return f < 0 ? 0 : e->total[f];
}

guint
slt_eval_dropped(const SltEval *e)
{
	return e->dropped;
}

static void
matrix(GString *out, const char *title, guint m[6][6], const char *const *ids, guint n)
{
	g_string_append_printf(out, "\n%s (rows: labelled, columns: classified)\n%-20s", title, "");
	for (guint j = 0; j < n; j++)
		g_string_append_printf(out, " %6.6s", ids[j]);
	g_string_append_c(out, '\n');
	for (guint i = 0; i < n; i++) {
		guint row = 0;
		for (guint j = 0; j < n; j++)
			row += m[i][j];
		if (!row)
			continue;
		g_string_append_printf(out, "%-20s", ids[i]);
		for (guint j = 0; j < n; j++)
			g_string_append_printf(out, " %6u", m[i][j]);
		g_string_append_c(out, '\n');
	}
	g_string_append_printf(out, "%-20s %9s %9s %6s\n", "label", "precision", "recall", "n");
	for (guint i = 0; i < n; i++) {
		guint tp = m[i][i], row = 0, col = 0;
		for (guint j = 0; j < n; j++) {
			row += m[i][j];
			col += m[j][i];
		}
		if (!row && !col)
			continue;
		g_string_append_printf(out, "%-20s %9.3f %9.3f %6u\n", ids[i],
				       col ? (double)tp / col : 0.0, row ? (double)tp / row : 0.0, row);
	}
}

void
slt_eval_report(const SltEval *e, GString *out, gboolean list_errors)
{
	g_string_append_printf(out, "messages: %u\n", e->n);
	for (int f = 0; f < F_N; f++) {
		if (!e->total[f])
			continue;
		g_string_append_printf(out, "%-10s accuracy %.3f (%u/%u)%s\n", field_names[f],
				       (double)e->right[f] / e->total[f], e->right[f], e->total[f],
				       f == F_THEME ? " over sparring/werkpakket/vraag" : "");
	}
	if (e->pk_nonempty)
		g_string_append_printf(out, "packages   where labelled or found: %.3f (%u/%u); "
				       "in the sender's order: %u\n",
				       (double)e->pk_nonempty_right / e->pk_nonempty,
				       e->pk_nonempty_right, e->pk_nonempty, e->pk_order_right);
	if (e->km_tp + e->km_fp + e->km_fn)
		g_string_append_printf(out, "kenmerken  precision %.3f recall %.3f\n",
				       e->km_tp + e->km_fp ? (double)e->km_tp / (e->km_tp + e->km_fp) : 0.0,
				       e->km_tp + e->km_fn ? (double)e->km_tp / (e->km_tp + e->km_fn) : 0.0);
	g_string_append_printf(out, "requests classified automatisch or overig: %u\n", e->dropped);
	g_string_append_printf(out, "marked for review: %u (of which intent wrong: %u)\n",
			       e->review, e->review_wrong);
	matrix(out, "intent", (guint (*)[6])e->conf_intent, slt_intent_ids, 6);
	matrix(out, "theme, labelled sparring/werkpakket/vraag", (guint (*)[6])e->conf_theme,
	       slt_theme_ids, 6);
	if (list_errors && e->errors->len)
		g_string_append_printf(out, "\nmisclassified:\n%s", e->errors->str);
}

gboolean
slt_eval_check(const SltEval *e, const char *const *mins, int max_dropped,
	       GString *out, gboolean *ok, GError **error)
{
	*ok = TRUE;
	for (guint i = 0; mins && mins[i]; i++) {
		g_auto(GStrv) kv = g_strsplit(mins[i], "=", 2);
		char *end = NULL;
		double floor = kv[0] && kv[1] ? g_ascii_strtod(kv[1], &end) : 0;
		if (!kv[0] || !kv[1] || !*kv[1] || *end || idx(field_names, F_N, kv[0]) < 0) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
				    "floor '%s' is not FIELD=X with FIELD one of intent, theme, "
				    "packages, org, kenmerken", mins[i]);
			return FALSE;
		}
		double acc = slt_eval_accuracy(e, kv[0]);
		if (acc < floor) {
			g_string_append_printf(out, "FAIL: %s accuracy %.3f below the floor %.3f\n",
					       kv[0], acc, floor);
			*ok = FALSE;
		}
	}
	if (max_dropped >= 0 && e->dropped > (guint)max_dropped) {
		g_string_append_printf(out, "FAIL: %u requests classified automatisch or overig "
				       "(at most %d)\n", e->dropped, max_dropped);
		*ok = FALSE;
	}
	return TRUE;
}
