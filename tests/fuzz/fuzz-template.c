/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the template loader (src/template.h): a private copy
 * of templates/ in a temp dir, one file of it replaced by the input (the
 * first byte picks which), then slt_templates_load (check, parse with
 * template-glib, test-render) and, when it loads, a render of every
 * reaction with hostile variables. Checked beyond "no crash": a failure
 * names a file of the set; a loaded set renders every reaction into valid
 * UTF-8 text and HTML, and the HTML never holds a variable unescaped.
 * tests/unit/test-fuzz-template.c includes this file to replay the seeds
 * (tests/fuzz/corpus-template/) and every crash found. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "template.h"

#define FUZZ_CHECK(cond) do { if (!(cond)) { \
	g_printerr("fuzz-template: check failed: %s (line %d)\n", #cond, __LINE__); \
	abort(); } } while (0)

#ifndef FUZZ_TEMPLATES
#define FUZZ_TEMPLATES SLT_SRCDIR "/templates"
#endif

static char *tpl_dir;
static GPtrArray *tpl_files;   /* relative names, e.g. "ack-vraag.txt", "themes/visie.txt" */
static GPtrArray *tpl_orig;    /* GBytes: the original contents */

static void
copy_dir(const char *from, const char *to, const char *rel)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GDir) d = g_dir_open(from, 0, &error);
	if (!d) {
		g_printerr("fuzz-template: %s\n", error->message);
		abort();
	}
	g_mkdir_with_parents(to, 0700);
	const char *n;
	while ((n = g_dir_read_name(d))) {
		g_autofree char *src = g_build_filename(from, n, NULL);
		g_autofree char *dst = g_build_filename(to, n, NULL);
		g_autofree char *r = rel ? g_build_filename(rel, n, NULL) : g_strdup(n);
		if (g_file_test(src, G_FILE_TEST_IS_DIR)) {
			copy_dir(src, dst, r);
			continue;
		}
		if (!g_str_has_suffix(n, ".txt") && !g_str_has_suffix(n, ".html"))
			continue; /* README.md */
		g_ptr_array_add(tpl_files, g_steal_pointer(&r));
	}
}

static void
rm_tree(const char *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *n;
	while (d && (n = g_dir_read_name(d))) {
		g_autofree char *p = g_build_filename(dir, n, NULL);
		if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
			rm_tree(p);
		else
			g_unlink(p);
	}
	g_rmdir(dir);
}

static void
fuzz_cleanup(void)
{
	if (tpl_dir)
		rm_tree(tpl_dir);
}

static int
cmp_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void put(guint i, const void *data, gsize len);

static void
fuzz_template_setup(void)
{
	if (tpl_dir)
		return;
	GError *error = NULL;
	tpl_dir = g_dir_make_tmp("fuzz-template-XXXXXX", &error);
	if (!tpl_dir) {
		g_printerr("fuzz-template: %s\n", error->message);
		abort();
	}
	atexit(fuzz_cleanup);
	tpl_files = g_ptr_array_new_with_free_func(g_free);
	tpl_orig = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	copy_dir(FUZZ_TEMPLATES, tpl_dir, NULL);
	FUZZ_CHECK(tpl_files->len > 0);
	/* Sorted, so that the first byte of a seed picks the same file on
	 * every machine (readdir order is the file system's). */
	g_ptr_array_sort(tpl_files, cmp_names);
	for (guint i = 0; i < tpl_files->len; i++) {
		g_autofree char *src = g_build_filename(FUZZ_TEMPLATES, (const char *)tpl_files->pdata[i], NULL);
		char *buf;
		gsize len;
		if (!g_file_get_contents(src, &buf, &len, &error)) {
			g_printerr("fuzz-template: %s\n", error->message);
			abort();
		}
		g_ptr_array_add(tpl_orig, g_bytes_new_take(buf, len));
		put(i, buf, len);
	}
}

static void
put(guint i, const void *data, gsize len)
{
	g_autofree char *p = g_build_filename(tpl_dir, (const char *)tpl_files->pdata[i], NULL);
	GError *error = NULL;
	if (!g_file_set_contents(p, data, (gssize)len, &error)) {
		g_printerr("fuzz-template: %s\n", error->message);
		abort();
	}
}

/* Variables as hostile as incoming mail makes them. The marker tag must
 * never appear raw in the HTML: the HTML rendering escapes every variable. */
#define MARK "<xq\"'&>"

static void
render_all(const SltTemplates *t, gboolean mark_in_template)
{
	SltTemplatePackage p = { "visie", "Visie " MARK, "2", "voorjaar " MARK,
				 "https://example.org/" MARK, "a.pdf, " MARK };
	SltTemplateVars v = {
		.name = "Jan " MARK "\r\nBcc: x@evil.example\x01",
		.organisation = "gemeente " MARK,
		.theme = "visie",
		.theme_title = "Visie " MARK,
		.ref = "SLT-1",
		.contact = "team " MARK,
		.subject = "Re: " MARK " \xc3\xa9",
		.attached = &p, .n_attached = 1,
		.linked = &p, .n_linked = 1,
		.waiting = &p, .n_waiting = 1,
		.removed = &p, .n_removed = 1,
		.package = &p,
	};
	for (guint i = 0; slt_template_names[i]; i++) {
		char *text = NULL, *html = NULL;
		GError *error = NULL;
		gboolean ok = slt_templates_render(t, slt_template_names[i], &v, &text, &html, &error);
		/* Loaded means test-rendered: every reaction renders. */
		if (!ok)
			g_printerr("fuzz-template: %s: %s\n", slt_template_names[i], error->message);
		FUZZ_CHECK(ok);
		FUZZ_CHECK(g_utf8_validate(text, -1, NULL));
		FUZZ_CHECK(g_utf8_validate(html, -1, NULL));
		/* (Unless the template itself holds the marker.) */
		FUZZ_CHECK(mark_in_template || strstr(html, MARK) == NULL);
		g_free(text);
		g_free(html);
	}
}

/* template-glib 3.36.1 (Debian 12) leaks inside its lexer: the EOF token
 * (as tests/lsan.supp says) and the path string of every {{include}}
 * (tmpl_lexer_next -> tmpl_token_include_get_path, never freed). Neither
 * reaches our code. GLib has no frame pointers, so the suppressions only
 * match with the slow unwinder (tests/run.sh sets it for the replay in
 * test-fuzz-template; `make fuzz` runs this target with -detect_leaks=0,
 * tests/fuzz/template.options, as every input would stop for a scan). */
const char *__lsan_default_suppressions(void);
#ifndef FUZZ_REPLAY
/* The fuzzer alone: those leaks add up over thousands of inputs and the
 * fast unwinder cannot match the suppressions (the replay checks leaks). */
const char *__asan_default_options(void);

const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

const char *
__lsan_default_suppressions(void)
{
	return "leak:tmpl_token_new_eof\nleak:tmpl_token_include_get_path\n";
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_template_setup();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_template_setup();
	if (size < 1)
		return 0;
	guint which = data[0] % tpl_files->len;
	put(which, data + 1, size - 1);
	GError *error = NULL;
	SltTemplates *t = slt_templates_load(tpl_dir, &error);
	if (!t) {
		FUZZ_CHECK(error != NULL);
		FUZZ_CHECK(error->domain == SLT_TEMPLATE_ERROR);
		FUZZ_CHECK(error->message[0] != '\0');
		g_error_free(error);
	} else {
		FUZZ_CHECK(error == NULL);
		render_all(t, memmem(data, size, MARK, strlen(MARK)) != NULL);
		slt_templates_free(t);
	}
	GBytes *orig = tpl_orig->pdata[which];
	put(which, g_bytes_get_data(orig, NULL), g_bytes_get_size(orig));
	return 0;
}
