/* SPDX-License-Identifier: MIT */
/* sltctl train: build a model file from labelled message sets (the corpus
 * format; files listed in a set's heldout.txt are left out). */
#include "sltctl.h"

#include <stdio.h>
#include <string.h>

#include "corpus.h"
#include "linmodel.h"
#include "train.h"

static const char header[] =
	"# sltd classifier model, built by `sltctl train` (make model) from labelled\n"
	"# mail; plain text so that changes can be reviewed. Do not edit by hand:\n"
	"# correct the labels and train again.\n"
	"#   option  feature extraction settings (src/textfeat.h)\n"
	"#   task    NAME KIND CLASS...  (nb: naive Bayes, lr: logistic regression)\n"
	"#   bias    NAME score per class\n"
	"#   w       NAME FEATURE weight per class (stems; \"a b\" a bigram;\n"
	"#           \"!a\" a negated word; _short_ and the like: message shape)\n"
	"#   doc     hash of a training message (sltctl eval --exclude-trained)\n";

int
cmd_train(SltCtl *ctl, int argc, char **argv)
{
	g_autofree char *out_path = NULL;
	g_auto(GStrv) sets = NULL;
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &out_path,
		  "write the model here (default: standard output)", "FILE" },
		{ "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets,
		  "training setting KEY=VALUE (see src/train.h)", "KEY=VALUE" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if (!sltctl_parse(ctl, "train", entries, &argc, &argv))
		return 2;
	if (argc < 2)
		return sltctl_fail("train: no training sets; usage: sltctl train [-o FILE] DIR...");
	g_autoptr(GError) error = NULL;
	SltTrainConfig cfg;
	slt_train_config_default(&cfg);
	for (guint i = 0; sets && sets[i]; i++)
		if (!slt_train_config_set(&cfg, sets[i], &error))
			return sltctl_fail("train: %s", error->message);

	g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func((GDestroyNotify)slt_corpus_item_free);
	for (int i = 1; i < argc; i++)
		if (!slt_corpus_load(argv[i], items, &error))
			return sltctl_fail("train: %s", error->message);
	g_autoptr(GArray) ex = g_array_new(FALSE, FALSE, sizeof(SltTrainExample));
	guint held = 0, broken = 0;
	for (guint i = 0; i < items->len; i++) {
		SltCorpusItem *it = items->pdata[i];
		if (it->heldout) {
			held++;
			continue;
		}
		if (!it->msg) {
			broken++;
			continue;
		}
		SltTrainExample e = { it->msg, it->intent, it->theme, it->hash };
		g_array_append_val(ex, e);
	}
	g_autoptr(SltModel) m = slt_train_model((SltTrainExample *)ex->data, ex->len, &cfg, &error);
	if (!m)
		return sltctl_fail("train: %s", error->message);
	g_autofree char *text = slt_model_to_text(m, header);
	if (out_path) {
		if (!g_file_set_contents(out_path, text, -1, &error))
			return sltctl_fail("train: cannot write '%s': %s", out_path, error->message);
	} else {
		fputs(text, stdout);
	}
	fprintf(stderr, "train: %u messages (%u held out, %u not parsable)\n",
		ex->len, held, broken);
	return 0;
}
