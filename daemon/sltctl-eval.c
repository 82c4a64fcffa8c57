/* SPDX-License-Identifier: MIT */
/* sltctl eval: classify a labelled set and compare: accuracy per field,
 * per-label precision/recall, confusion matrices, misclassified files.
 * --min FIELD=X and --max-dropped N turn it into a check (exit 1). */
#include "sltctl.h"

#include <stdio.h>
#include <string.h>

#include "classeval.h"
#include "classify.h"
#include "corpus.h"

int
cmd_eval(SltCtl *ctl, int argc, char **argv)
{
	g_autofree char *model_path = NULL, *lexicon_path = NULL;
	gboolean exclude_trained = FALSE, heldout_only = FALSE, quiet = FALSE;
	g_auto(GStrv) mins = NULL;
	int max_dropped = -1;
	GOptionEntry entries[] = {
		{ "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, "use this model", "FILE" },
		{ "lexicon", 0, 0, G_OPTION_ARG_FILENAME, &lexicon_path, "use this lexicon", "FILE" },
		{ "exclude-trained", 0, 0, G_OPTION_ARG_NONE, &exclude_trained,
		  "leave out messages the model was trained on", NULL },
		{ "heldout", 0, 0, G_OPTION_ARG_NONE, &heldout_only,
		  "only the files listed in each DIR/heldout.txt", NULL },
		{ "min", 0, 0, G_OPTION_ARG_STRING_ARRAY, &mins,
		  "fail (exit 1) when FIELD's accuracy is below X (intent, theme, packages, org, kenmerken)",
		  "FIELD=X" },
		{ "max-dropped", 0, 0, G_OPTION_ARG_INT, &max_dropped,
		  "fail when more requests than N are classified automatisch or overig", "N" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "no list of misclassified files", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if (!sltctl_parse(ctl, "eval", entries, &argc, &argv))
		return 2;
	if (argc < 2)
		return sltctl_fail("eval: no labelled set; usage: sltctl eval DIR...");
	g_autoptr(SltClassifier) c = sltctl_load_classifier("eval", model_path, lexicon_path);
	if (!c)
		return 1;
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func((GDestroyNotify)slt_corpus_item_free);
	for (int i = 1; i < argc; i++)
		if (!slt_corpus_load(argv[i], items, &error))
			return sltctl_fail("eval: %s", error->message);
	g_autoptr(SltEval) ev = slt_eval_new();
	guint trained = 0, skipped = 0, broken = 0;
	for (guint i = 0; i < items->len; i++) {
		SltCorpusItem *it = items->pdata[i];
		if (heldout_only && !it->heldout) {
			skipped++;
			continue;
		}
		gsize len;
		const char *raw = g_bytes_get_data(it->raw, &len);
		if (slt_classifier_trained_on(c, raw, len)) {
			trained++;
			if (exclude_trained)
				continue;
		}
		if (!it->msg) {
			broken++;
			continue;
		}
		g_autoptr(SltClassification) r = slt_classify(c, it->msg);
		slt_eval_add(ev, it, r);
	}
	g_autoptr(GString) out = g_string_new(NULL);
	if (trained)
		g_string_append_printf(out, "%s %u messages the model was trained on%s\n",
				       exclude_trained ? "left out" : "WARNING: the figures include",
				       trained, exclude_trained ? "" : " (use --exclude-trained)");
	if (broken)
		g_string_append_printf(out, "not parsable, left out: %u\n", broken);
	slt_eval_report(ev, out, !quiet);
	fputs(out->str, stdout);

	gboolean ok;
	g_autoptr(GString) fails = g_string_new(NULL);
	if (!slt_eval_check(ev, (const char *const *)mins, max_dropped, fails, &ok, &error))
		return sltctl_fail("eval: %s", error->message);
	fputs(fails->str, stdout);
	int status = ok ? 0 : 1;
	return status;
}
