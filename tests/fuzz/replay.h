/* SPDX-License-Identifier: MIT */
/* Replays a fuzz target's seed corpus as a GTest unit test: the unit tests
 * tests/unit/test-fuzz-NAME.c include tests/fuzz/fuzz-NAME.c (its checks
 * abort on a violation) and then this file, and call fuzz_replay_main.
 * The corpus is tests/fuzz/corpus-NAME/ plus the directories listed in
 * tests/fuzz/NAME.seeds (one per line, relative to the source tree; missing
 * ones are skipped). Every crash the fuzzer ever found is a file in the
 * corpus (regress-*), so it is checked by `make check` with gcc, also under
 * SANITIZE=1, and without clang's fuzzer runtime. */
#pragma once

#include <string.h>

#include <glib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);

static const char *replay_name;

static void
replay_dir(const char *dir, guint *n)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	if (!d)
		return;
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const char *e;
	while ((e = g_dir_read_name(d)))
		g_ptr_array_add(names, g_strdup(e));
	for (guint i = 0; i < names->len; i++) {
		g_autofree char *p = g_build_filename(dir, (const char *)names->pdata[i], NULL);
		if (!g_file_test(p, G_FILE_TEST_IS_REGULAR))
			continue;
		g_autofree char *data = NULL;
		gsize len = 0;
		g_autoptr(GError) error = NULL;
		g_assert_true(g_file_get_contents(p, &data, &len, &error));
		if (g_test_verbose())
			g_test_message("%s", p);
		/* The fuzzer passes a buffer of exactly len bytes: a copy of
		 * that size lets ASan see any read past the end. */
		guint8 *copy = g_memdup2(data, len ? len : 1);
		LLVMFuzzerTestOneInput(copy, len);
		g_free(copy);
		(*n)++;
	}
}

static void
test_replay(void)
{
	guint n = 0;
	g_autofree char *dir = g_strdup_printf("%s/tests/fuzz/corpus-%s", SLT_SRCDIR, replay_name);
	replay_dir(dir, &n);
	g_assert_cmpuint(n, >, 0);
	g_autofree char *seeds = g_strdup_printf("%s/tests/fuzz/%s.seeds", SLT_SRCDIR, replay_name);
	g_autofree char *list = NULL;
	if (g_file_get_contents(seeds, &list, NULL, NULL)) {
		g_auto(GStrv) lines = g_strsplit(list, "\n", -1);
		for (guint i = 0; lines[i]; i++) {
			g_strstrip(lines[i]);
			if (!*lines[i] || lines[i][0] == '#')
				continue;
			g_autofree char *d = g_build_filename(SLT_SRCDIR, lines[i], NULL);
			replay_dir(d, &n);
		}
	}
	g_test_message("%u inputs replayed", n);
}

static int
fuzz_replay_main(const char *name, int argc, char **argv)
{
	replay_name = name;
	g_test_init(&argc, &argv, NULL);
	LLVMFuzzerInitialize(&argc, &argv);
	g_autofree char *path = g_strdup_printf("/fuzz-%s/replay-corpus", name);
	g_test_add_func(path, test_replay);
	return g_test_run();
}
