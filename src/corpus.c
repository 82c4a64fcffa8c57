/* SPDX-License-Identifier: MIT */
/* corpus: read a labelled message set (labels.tsv + messages/). */
#include "corpus.h"

#include <gio/gio.h>
#include <string.h>

#include "linmodel.h"

void
slt_corpus_item_free(SltCorpusItem *it)
{
	if (!it)
		return;
	g_free(it->dir);
	g_free(it->file);
	g_free(it->path);
	g_free(it->intent);
	g_free(it->theme);
	g_free(it->org);
	g_ptr_array_unref(it->kenmerken);
	g_ptr_array_unref(it->packages);
	if (it->raw)
		g_bytes_unref(it->raw);
	slt_message_free(it->msg);
	g_free(it->hash);
	g_free(it);
}

static GPtrArray *
split_list(const char *s)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	g_auto(GStrv) parts = g_strsplit(s ? s : "", ",", -1);
	for (guint i = 0; parts[i]; i++) {
		char *p = g_strstrip(parts[i]);
		if (*p)
			g_ptr_array_add(a, g_strdup(p));
	}
	return a;
}

char *
slt_corpus_join(const GPtrArray *list)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; list && i < list->len; i++) {
		if (i)
			g_string_append_c(s, ',');
		g_string_append(s, list->pdata[i]);
	}
	return g_string_free(s, FALSE);
}

gboolean
slt_corpus_load(const char *dir, GPtrArray *items, GError **error)
{
	g_autofree char *labels_path = g_build_filename(dir, "labels.tsv", NULL);
	g_autofree char *labels = NULL;
	if (!g_file_get_contents(labels_path, &labels, NULL, error)) {
		g_prefix_error(error, "cannot read '%s': ", labels_path);
		return FALSE;
	}
	g_autoptr(GHashTable) held = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autofree char *held_path = g_build_filename(dir, "heldout.txt", NULL);
	g_autofree char *held_text = NULL;
	if (g_file_get_contents(held_path, &held_text, NULL, NULL)) {
		g_auto(GStrv) hl = g_strsplit(held_text, "\n", -1);
		for (guint i = 0; hl[i]; i++) {
			char *l = g_strstrip(hl[i]);
			if (*l && *l != '#')
				g_hash_table_add(held, g_strdup(l));
		}
	}
	g_auto(GStrv) lines = g_strsplit(labels, "\n", -1);
	for (guint li = 0; lines[li]; li++) {
		char *line = lines[li];
		/* not g_strchomp: trailing empty columns are tabs */
		gsize ll = strlen(line);
		if (ll && line[ll - 1] == '\r')
			line[ll - 1] = 0;
		if (!*line || *line == '#')
			continue;
		g_auto(GStrv) f = g_strsplit(line, "\t", -1);
		guint nf = g_strv_length(f);
		if (li == 0 && strcmp(f[0], "file") == 0)
			continue;
		if (nf < 6) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
				    "%s:%u: expected 6 tab-separated columns, found %u",
				    labels_path, li + 1, nf);
			return FALSE;
		}
		SltCorpusItem *it = g_new0(SltCorpusItem, 1);
		it->dir = g_strdup(dir);
		it->file = g_strdup(f[0]);
		it->path = g_build_filename(dir, "messages", f[0], NULL);
		it->intent = g_strdup(f[1]);
		it->theme = g_strdup(f[2]);
		it->kenmerken = split_list(f[3]);
		it->packages = split_list(f[4]);
		it->org = g_strdup(f[5]);
		it->heldout = g_hash_table_contains(held, f[0]);
		char *data = NULL;
		gsize len = 0;
		if (!g_file_get_contents(it->path, &data, &len, error)) {
			g_prefix_error(error, "%s:%u: ", labels_path, li + 1);
			slt_corpus_item_free(it);
			return FALSE;
		}
		it->raw = g_bytes_new_take(data, len);
		it->hash = slt_model_doc_hash(data, len);
		it->msg = slt_mime_parse(data, len, NULL);
		g_ptr_array_add(items, it);
	}
	return TRUE;
}
