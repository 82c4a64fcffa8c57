/* SPDX-License-Identifier: MIT */
/* sltctl classify: classify .eml files, one JSON object per line; needs
 * no config and no database. --bench measures the classifier's speed.
 * --learn-orgs reads the files as a stream in the order given: a
 * signature teaches its domain's org to the later files. */
#include "sltctl.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "classify.h"
#include "data.h"
#include "json.h"
#include "mime.h"

SltClassifier *
sltctl_load_classifier(const char *verb, const char *model_path, const char *lexicon_path)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) model = NULL, lexicon = NULL;
	if (model_path && !(model = slt_data_get("model.tsv", model_path, &error))) {
		sltctl_fail("%s: %s", verb, error->message);
		return NULL;
	}
	if (lexicon_path && !(lexicon = slt_data_get("lexicon.txt", lexicon_path, &error))) {
		sltctl_fail("%s: %s", verb, error->message);
		return NULL;
	}
	SltClassifier *c = slt_classifier_new(model, lexicon, NULL, &error);
	if (!c)
		sltctl_fail("%s: cannot load the classifier: %s", verb, error->message);
	return c;
}

static void
print_json(const char *file, const SltClassification *r, const SltMessage *msg)
{
	g_autoptr(SltJson) j = slt_json_new(FALSE);
	slt_json_begin_object(j);
	slt_json_kv_string(j, "file", file);
	slt_json_kv_string(j, "intent", r->intent);
	slt_json_kv_string(j, "theme", r->theme);
	slt_json_key(j, "kenmerken");
	slt_json_string_array(j, r->kenmerken);
	slt_json_key(j, "packages");
	slt_json_string_array(j, r->packages);
	slt_json_kv_string(j, "org", r->org ? r->org : "");
	/* two decimals: the figure is a judgement, not a measurement */
	slt_json_kv_double(j, "confidence", (double)(gint64)(r->confidence * 100 + 0.5) / 100);
	slt_json_kv_bool(j, "review", r->review);
	slt_json_key(j, "why");
	slt_json_string_array(j, r->why);
	if (msg) {
		/* --text: the parts as the classifier read them */
		slt_json_kv_string(j, "subject", msg->subject);
		slt_json_kv_string(j, "new_text", msg->new_text);
		slt_json_kv_string(j, "forwarded_text", msg->forwarded_text);
		slt_json_kv_string(j, "signature", msg->signature);
		slt_json_kv_string(j, "quoted_text", msg->quoted_text);
	}
	slt_json_end_object(j);
	puts(slt_json_get(j));
}

/* CPU seconds of this thread: the rate per CPU second does not depend
 * on what else the machine runs (wall time is printed too). */
static double
cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
bench(const SltClassifier *c, GPtrArray *msgs, GPtrArray *raws, double seconds)
{
	/* One thread; the messages are parsed once, then classified in a
	 * loop until the time is up, so the figure is the classifier's. */
	guint64 n = 0;
	gint64 t0 = g_get_monotonic_time(), t;
	double c0 = cpu_now();
	do {
		for (guint i = 0; i < msgs->len; i++) {
			SltClassification *r = slt_classify(c, msgs->pdata[i]);
			slt_classification_free(r);
		}
		n += msgs->len;
		t = g_get_monotonic_time();
	} while (t - t0 < seconds * 1e6);
	double el = (t - t0) / 1e6, cpu = cpu_now() - c0;
	printf("classify: %" G_GUINT64_FORMAT " messages in %.2f s CPU: %.0f messages/s "
	       "(one thread; wall %.2f s, %.0f/s)\n", n, cpu, n / cpu, el, n / el);
	/* Parse and classify, for comparison with the daemon's path. */
	n = 0;
	t0 = g_get_monotonic_time();
	c0 = cpu_now();
	do {
		for (guint i = 0; i < raws->len; i++) {
			GBytes *b = raws->pdata[i];
			gsize len;
			const char *d = g_bytes_get_data(b, &len);
			SltMessage *m = slt_mime_parse(d, len, NULL);
			if (m) {
				slt_classification_free(slt_classify(c, m));
				slt_message_free(m);
			}
		}
		n += raws->len;
		t = g_get_monotonic_time();
	} while (t - t0 < seconds * 1e6);
	el = (t - t0) / 1e6;
	cpu = cpu_now() - c0;
	printf("parse+classify: %" G_GUINT64_FORMAT " messages in %.2f s CPU: %.0f messages/s "
	       "(one thread; wall %.2f s, %.0f/s)\n", n, cpu, n / cpu, el, n / el);
	return 0;
}

int
cmd_classify(SltCtl *ctl, int argc, char **argv)
{
	g_autofree char *model_path = NULL, *lexicon_path = NULL;
	double bench_s = 0;
	gboolean show_text = FALSE, learn_orgs = FALSE;
	GOptionEntry entries[] = {
		{ "text", 0, 0, G_OPTION_ARG_NONE, &show_text,
		  "also print the message's parts as the classifier read them", NULL },
		{ "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path,
		  "use this model instead of the built-in one", "FILE" },
		{ "lexicon", 0, 0, G_OPTION_ARG_FILENAME, &lexicon_path,
		  "use this lexicon instead of the built-in one", "FILE" },
		{ "learn-orgs", 0, 0, G_OPTION_ARG_NONE, &learn_orgs,
		  "learn each domain's org from the earlier files' signatures", NULL },
		{ "bench", 0, 0, G_OPTION_ARG_DOUBLE, &bench_s,
		  "measure: classify the files in a loop for SECS seconds", "SECS" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if (!sltctl_parse(ctl, "classify", entries, &argc, &argv))
		return 2;
	if (argc < 2)
		return sltctl_fail("classify: no files; usage: sltctl classify FILE.eml...");
	g_autoptr(SltClassifier) c = sltctl_load_classifier("classify", model_path, lexicon_path);
	if (!c)
		return 1;
	g_autoptr(GPtrArray) msgs = g_ptr_array_new_with_free_func((GDestroyNotify)slt_message_free);
	g_autoptr(GPtrArray) raws = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	int status = 0;
	for (int i = 1; i < argc; i++) {
		g_autoptr(GError) error = NULL;
		char *data = NULL;
		gsize len = 0;
		if (!g_file_get_contents(argv[i], &data, &len, &error)) {
			sltctl_fail("classify: cannot read '%s': %s", argv[i], error->message);
			status = 1;
			continue;
		}
		g_autoptr(GBytes) raw = g_bytes_new_take(data, len);
		SltMessage *msg = slt_mime_parse(data, len, &error);
		if (!msg) {
			sltctl_fail("classify: '%s' is not a message: %s", argv[i], error->message);
			status = 1;
			continue;
		}
		if (bench_s > 0) {
			g_ptr_array_add(msgs, msg);
			g_ptr_array_add(raws, g_bytes_ref(raw));
			continue;
		}
		g_autoptr(SltClassification) r = slt_classify(c, msg);
		if (learn_orgs)
			g_free(slt_classifier_learn_org(c, msg, r));
		print_json(argv[i], r, show_text ? msg : NULL);
		slt_message_free(msg);
	}
	if (bench_s > 0 && msgs->len)
		return bench(c, msgs, raws, bench_s);
	return status;
}
