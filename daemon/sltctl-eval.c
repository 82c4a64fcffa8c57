/* SPDX-License-Identifier: MIT */
/* sltctl eval: classify a labelled set and compare: accuracy per field,
 * per-label precision/recall, confusion matrices, misclassified files.
 * --min FIELD=X and --max-dropped N turn it into a check (exit 1).
 * --learn-orgs reads the sets as sltd reads its mailbox: in file order
 * (the sets are numbered by date), each message's signature teaching the
 * org of its domain to later messages (slt_classifier_learn_org). */
#include "sltctl.h"

#include <stdio.h>
#include <string.h>

#include "classeval.h"
#include "classify.h"
#include "corpus.h"

int
cmd_eval(SltCtl *ctl, int argc, char **argv)
{
	g_autofree char *model_path = NULL, *lexicon_path = NULL, *learn_orgs = NULL;
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
		{ "learn-orgs", 0, 0, G_OPTION_ARG_STRING, &learn_orgs,
		  "learn each domain's org from earlier messages' signatures, in file order: "
		  "from every message read ('all', as sltd does with its mailbox) or only "
		  "from the ones scored ('scored'); default 'none'", "all|scored|none" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "no list of misclassified files", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if (!sltctl_parse(ctl, "eval", entries, &argc, &argv))
		return 2;
	if (argc < 2)
		return sltctl_fail("eval: no labelled set; usage: sltctl eval DIR...");
	enum { LEARN_NONE, LEARN_SCORED, LEARN_ALL } learn = LEARN_NONE;
	if (learn_orgs && strcmp(learn_orgs, "all") == 0)
		learn = LEARN_ALL;
	else if (learn_orgs && strcmp(learn_orgs, "scored") == 0)
		learn = LEARN_SCORED;
	else if (learn_orgs && strcmp(learn_orgs, "none") != 0)
		return sltctl_fail("eval: --learn-orgs is 'all', 'scored' or 'none', not '%s'",
				   learn_orgs);
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
		gboolean score = TRUE;
		if (heldout_only && !it->heldout) {
			skipped++;
			score = FALSE;
		}
		gsize len;
		const char *raw = g_bytes_get_data(it->raw, &len);
		if (score && slt_classifier_trained_on(c, raw, len)) {
			trained++;
			if (exclude_trained)
				score = FALSE;
		}
		if (!it->msg) {
			broken += score;
			continue;
		}
		if (!score && learn != LEARN_ALL)
			continue;
		/* Learning reads signatures, never labels: a message left out
		 * of the figures may still teach a domain, as the mailbox's
		 * earlier mail does in sltd. */
		g_autoptr(SltClassification) r = slt_classify(c, it->msg);
		if (learn != LEARN_NONE)
			g_free(slt_classifier_learn_org(c, it->msg, r));
		if (score)
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
