/* SPDX-License-Identifier: MIT */
/* sltctl crossval: k-fold cross-validation of the whole classifier (model,
 * lexicon and rules) over labelled sets: each fold is classified by a
 * model trained on the other folds only, so no figure comes from a
 * message the model has seen. Held-out files (heldout.txt) stay out. */
#include "sltctl.h"

#include <stdio.h>
#include <string.h>

#include "classeval.h"
#include "classify.h"
#include "corpus.h"
#include "data.h"
#include "linmodel.h"
#include "train.h"

static int
cmp_hash(gconstpointer a, gconstpointer b)
{
	const SltCorpusItem *x = *(SltCorpusItem *const *)a, *y = *(SltCorpusItem *const *)b;
	return strcmp(x->hash, y->hash);
}

int
cmd_crossval(SltCtl *ctl, int argc, char **argv)
{
	int k = 10;
	g_auto(GStrv) sets = NULL;
	g_autofree char *lexicon_path = NULL;
	gboolean quiet = FALSE, explain = FALSE;
	g_auto(GStrv) mins = NULL;
	int max_dropped = -1;
	GOptionEntry entries[] = {
		{ "min", 0, 0, G_OPTION_ARG_STRING_ARRAY, &mins,
		  "fail (exit 1) when FIELD's accuracy is below X", "FIELD=X" },
		{ "max-dropped", 0, 0, G_OPTION_ARG_INT, &max_dropped,
		  "fail when more requests than N are classified automatisch or overig", "N" },
		{ "folds", 'k', 0, G_OPTION_ARG_INT, &k, "number of folds (default 10)", "K" },
		{ "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets,
		  "training setting KEY=VALUE (see src/train.h)", "KEY=VALUE" },
		{ "lexicon", 0, 0, G_OPTION_ARG_FILENAME, &lexicon_path, "use this lexicon", "FILE" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "no list of misclassified files", NULL },
		{ "explain", 0, 0, G_OPTION_ARG_NONE, &explain,
		  "after the report, the evidence for each intent taken wrong", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if (!sltctl_parse(ctl, "crossval", entries, &argc, &argv))
		return 2;
	if (argc < 2)
		return sltctl_fail("crossval: no labelled sets; usage: sltctl crossval -k 10 DIR...");
	if (k < 2)
		return sltctl_fail("crossval: -k must be 2 or more");
	g_autoptr(GError) error = NULL;
	SltTrainConfig cfg;
	slt_train_config_default(&cfg);
	for (guint i = 0; sets && sets[i]; i++)
		if (!slt_train_config_set(&cfg, sets[i], &error))
			return sltctl_fail("crossval: %s", error->message);
	g_autoptr(GBytes) lexicon = slt_data_get("lexicon.txt", lexicon_path, &error);
	if (!lexicon)
		return sltctl_fail("crossval: %s", error->message);

	g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func((GDestroyNotify)slt_corpus_item_free);
	for (int i = 1; i < argc; i++)
		if (!slt_corpus_load(argv[i], all, &error))
			return sltctl_fail("crossval: %s", error->message);
	/* The pool: parsable, not held out; folds by hash, so they do not
	 * depend on file names or the order of the sets. */
	g_autoptr(GPtrArray) pool = g_ptr_array_new();
	for (guint i = 0; i < all->len; i++) {
		SltCorpusItem *it = all->pdata[i];
		if (!it->heldout && it->msg)
			g_ptr_array_add(pool, it);
	}
	g_ptr_array_sort(pool, cmp_hash);
	if (pool->len < (guint)k)
		return sltctl_fail("crossval: %u messages for %d folds", pool->len, k);

	g_autoptr(SltEval) ev = slt_eval_new();
	g_autoptr(GString) why = g_string_new(NULL);
	/* one evaluation per set as well: how the folds fare on each source */
	GPtrArray *per_set = g_ptr_array_new_with_free_func((GDestroyNotify)slt_eval_free);
	for (int s = 1; s < argc; s++)
		g_ptr_array_add(per_set, slt_eval_new());
	for (int f = 0; f < k; f++) {
		g_autoptr(GArray) ex = g_array_new(FALSE, FALSE, sizeof(SltTrainExample));
		for (guint i = 0; i < pool->len; i++) {
			SltCorpusItem *it = pool->pdata[i];
			if ((int)(i % k) == f)
				continue;
			SltTrainExample e = { it->msg, it->intent, it->theme, it->hash };
			g_array_append_val(ex, e);
		}
		SltModel *m = slt_train_model((SltTrainExample *)ex->data, ex->len, &cfg, &error);
		if (!m) {
			g_ptr_array_free(per_set, TRUE);
			return sltctl_fail("crossval: %s", error->message);
		}
		g_autoptr(SltClassifier) c = slt_classifier_new_from_model(m, lexicon, NULL, &error);
		if (!c) {
			g_ptr_array_free(per_set, TRUE);
			return sltctl_fail("crossval: %s", error->message);
		}
		for (guint i = f; i < pool->len; i += k) {
			SltCorpusItem *it = pool->pdata[i];
			g_autoptr(SltClassification) r = slt_classify(c, it->msg);
			slt_eval_add(ev, it, r);
			/* the fold's own evidence: what to study in a wrong intent
			 * without looking at held-out files */
			if (explain && strcmp(it->intent, r->intent) != 0) {
				g_string_append_printf(why, "%s/%s: %s->%s %.2f\n", it->dir, it->file,
						       it->intent, r->intent, r->confidence);
				for (guint w = 0; w < r->why->len; w++)
					g_string_append_printf(why, "    %s\n", (char *)r->why->pdata[w]);
			}
			for (int s = 1; s < argc; s++)
				if (strcmp(it->dir, argv[s]) == 0)
					slt_eval_add(per_set->pdata[s - 1], it, r);
		}
	}
	g_autoptr(GString) out = g_string_new(NULL);
	g_string_append_printf(out, "%d-fold cross-validation over %u messages "
			       "(held-out files left out)\n", k, pool->len);
	slt_eval_report(ev, out, !quiet);
	if (argc > 2)
		for (int s = 1; s < argc; s++) {
			SltEval *e = per_set->pdata[s - 1];
			g_string_append_printf(out, "\n%s:", argv[s]);
			static const char *const fields[] = { "intent", "theme", "packages", "org", "kenmerken" };
			for (guint fi = 0; fi < G_N_ELEMENTS(fields); fi++)
				g_string_append_printf(out, " %s %.3f", fields[fi],
						       slt_eval_accuracy(e, fields[fi]));
			g_string_append_printf(out, " (n %u, requests dropped %u)\n",
					       slt_eval_count(e, "intent"), slt_eval_dropped(e));
		}
	gboolean ok;
	if (!slt_eval_check(ev, (const char *const *)mins, max_dropped, out, &ok, &error)) {
		g_ptr_array_free(per_set, TRUE);
		return sltctl_fail("crossval: %s", error->message);
	}
	fputs(out->str, stdout);
	if (explain)
		printf("\nwrong intents, with the evidence:\n%s", why->str);
	g_ptr_array_free(per_set, TRUE);
	return ok ? 0 : 1;
}
