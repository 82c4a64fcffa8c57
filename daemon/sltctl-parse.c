/* SPDX-License-Identifier: MIT */
/* sltctl parse: show what the MIME parser makes of .eml files, as JSON
 * (debugging the parser, the quote splitter and the organisation). */
#include "sltctl.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "data.h"
#include "json.h"
#include "mime.h"
#include "org.h"

static void
write_message(SltJson *j, const SltMessage *m, const SltOrgDirectory *dir)
{
	slt_json_begin_object(j);
	slt_json_kv_string(j, "from_name", m->from_name);
	slt_json_kv_string(j, "from_addr", m->from_addr);
	slt_json_kv_string(j, "reply_to_addr", m->reply_to_addr);
	slt_json_kv_string(j, "sender_addr", m->sender_addr);
	slt_json_kv_string(j, "to", m->to);
	slt_json_kv_string(j, "cc", m->cc);
	slt_json_kv_string(j, "subject", m->subject);
	slt_json_kv_int(j, "date", m->date);
	slt_json_kv_string(j, "message_id", m->message_id);
	slt_json_kv_string(j, "in_reply_to", m->in_reply_to);
	slt_json_key(j, "references");
	slt_json_string_array(j, m->references);
	slt_json_kv_string(j, "return_path", m->return_path);
	slt_json_kv_int(j, "machine", m->machine);
	slt_json_key(j, "machine_evidence");
	slt_json_string_array(j, m->machine_evidence);
	if (dir) {
		g_autofree char *org = slt_org_detect(dir, m);
		slt_json_kv_string(j, "org", org);
	}
	slt_json_kv_bool(j, "html_only", m->html_only);
	slt_json_kv_bool(j, "is_forward", m->is_forward);
	slt_json_kv_string(j, "new_text", m->new_text);
	slt_json_kv_string(j, "signature", m->signature);
	slt_json_kv_string(j, "quoted_text", m->quoted_text);
	slt_json_kv_string(j, "forwarded_text", m->forwarded_text);
	slt_json_kv_string(j, "text", m->text);
	slt_json_key(j, "attachments");
	slt_json_begin_array(j);
	for (guint i = 0; i < m->attachments->len; i++) {
		const SltAttachment *a = g_ptr_array_index(m->attachments, i);
		slt_json_begin_object(j);
		slt_json_kv_string(j, "filename", a->filename);
		slt_json_kv_string(j, "content_type", a->content_type);
		slt_json_kv_int(j, "size", (gint64)a->size);
		slt_json_kv_bool(j, "is_tnef", a->is_tnef);
		slt_json_kv_bool(j, "is_inline", a->is_inline);
		slt_json_end_object(j);
	}
	slt_json_end_array(j);
	slt_json_key(j, "embedded");
	slt_json_begin_array(j);
	for (guint i = 0; i < m->embedded->len; i++)
		write_message(j, g_ptr_array_index(m->embedded, i), NULL);
	slt_json_end_array(j);
	slt_json_key(j, "defects");
	slt_json_string_array(j, m->defects);
	slt_json_kv_int(j, "raw_size", (gint64)m->raw_size);
	slt_json_end_object(j);
}

static double
cpu_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* --bench ROUNDS: parse (and detect the org of) every file ROUNDS times
 * and print the time per message; the files are read first, so only
 * the parse is timed. */
static int
bench(const SltOrgDirectory *dir, int rounds, int argc, char **argv)
{
	g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	gsize total = 0;
	for (int i = 1; i < argc; i++) {
		g_autoptr(GError) error = NULL;
		char *data;
		gsize len;
		if (!g_file_get_contents(argv[i], &data, &len, &error))
			return sltctl_fail("parse: cannot read '%s': %s", argv[i], error->message);
		g_ptr_array_add(files, g_bytes_new_take(data, len));
		total += len;
	}
	double t_parse = 0, t_org = 0;
	guint n = 0;
	for (int r = 0; r < rounds; r++) {
		for (guint i = 0; i < files->len; i++) {
			gsize len;
			const char *data = g_bytes_get_data(g_ptr_array_index(files, i), &len);
			double t0 = cpu_us();
			SltMessage *m = slt_mime_parse(data, len, NULL);
			double t1 = cpu_us();
			char *org = m ? slt_org_detect(dir, m) : NULL;
			double t2 = cpu_us();
			g_free(org);
			slt_message_free(m);
			t_parse += t1 - t0;
			t_org += t2 - t1;
			n++;
		}
	}
	printf("%u messages (%u files, mean %.0f bytes): parse %.1f us, org %.1f us per message (CPU time)\n",
	       n, files->len, files->len ? (double)total / files->len : 0.0,
	       n ? t_parse / n : 0.0, n ? t_org / n : 0.0);
	return 0;
}

int
cmd_parse(SltCtl *ctl, int argc, char **argv)
{
	gboolean compact = FALSE;
	int rounds = 0;
	GOptionEntry entries[] = {
		{ "compact", 0, 0, G_OPTION_ARG_NONE, &compact, "one line of JSON per file", NULL },
		{ "bench", 0, 0, G_OPTION_ARG_INT, &rounds, "parse every file N times and print the time per message", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if (!sltctl_parse(ctl, "parse", entries, &argc, &argv))
		return 2;
	if (argc < 2)
		return sltctl_fail("parse: no file given (use - for standard input)");

	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) tsv = slt_data_get("gemeenten.tsv", NULL, &error);
	g_autoptr(SltOrgDirectory) dir = tsv ? slt_org_directory_new(tsv, &error) : NULL;
	if (!dir)
		return sltctl_fail("parse: cannot load the municipality list: %s", error->message);
	if (rounds > 0)
		return bench(dir, rounds, argc, argv);

	int status = 0;
	for (int i = 1; i < argc; i++) {
		g_autofree char *data = NULL;
		gsize len = 0;
		g_clear_error(&error);
		if (strcmp(argv[i], "-") == 0) {
			GString *in = g_string_new(NULL);
			char buf[65536];
			size_t n;
			while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
				g_string_append_len(in, buf, n);
			len = in->len;
			data = g_string_free(in, FALSE);
		} else if (!g_file_get_contents(argv[i], &data, &len, &error)) {
			sltctl_fail("parse: cannot read '%s': %s", argv[i], error->message);
			status = 1;
			continue;
		}
		g_autoptr(SltMessage) m = slt_mime_parse(data, len, &error);
		if (!m) {
			sltctl_fail("parse: '%s': %s", argv[i], error->message);
			status = 1;
			continue;
		}
		g_autoptr(SltJson) j = slt_json_new(!compact);
		write_message(j, m, dir);
		printf("%s\n", slt_json_get(j));
	}
	return status;
}
