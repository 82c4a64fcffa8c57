/* SPDX-License-Identifier: MIT */
/* Unit tests for catalogue: the shipped example loads, every kind of
 * mistake is reported with file:line, files are checked on disk. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "catalogue.h"

static const char *good =
	"[visie]\ntitle = Visie\nstate = in-ontwikkeling\nversion = 0\nexpected = voorjaar 2027\n"
	"[goed-bestuur]\ntitle = Goed bestuur in relatie tot stevige lokale teams\n"
	"state = gepubliceerd\nversion = 2\nfiles = gb-kennisoverzicht.pdf;gb-kenmerken.pdf\n"
	"[netwerksamenwerking]\ntitle = Netwerksamenwerking\nstate = in-ontwikkeling\n"
	"[kwaliteit]\ntitle = Kwaliteit, leren, volgen en verantwoorden\nstate = in-ontwikkeling\n"
	"[inkoop-bekostiging]\ntitle = Inkoop en bekostiging\nstate = in-ontwikkeling\nexpected =  \n";

static void
test_good(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(SltCatalogue) cat = slt_catalogue_parse(good, strlen(good), "p.conf", &error);
	g_assert_no_error(error);
	g_assert_cmpuint(cat->packages->len, ==, 5);
	for (guint i = 0; i < 5; i++)
		g_assert_cmpstr(((SltPackage *)g_ptr_array_index(cat->packages, i))->id, ==,
				slt_catalogue_ids[i]);
	const SltPackage *v = slt_catalogue_find(cat, "visie");
	g_assert_nonnull(v);
	g_assert_false(v->published);
	g_assert_cmpint(v->version, ==, 0);
	g_assert_cmpstr(v->expected, ==, "voorjaar 2027");
	g_assert_cmpuint(g_strv_length(v->files), ==, 0);
	const SltPackage *gb = slt_catalogue_find(cat, "goed-bestuur");
	g_assert_true(gb->published);
	g_assert_cmpint(gb->version, ==, 2);
	g_assert_cmpstr(gb->title, ==, "Goed bestuur in relatie tot stevige lokale teams");
	g_assert_cmpuint(g_strv_length(gb->files), ==, 2);
	g_assert_cmpstr(gb->files[1], ==, "gb-kenmerken.pdf");
	/* A blank expected is no expectation. */
	g_assert_null(slt_catalogue_find(cat, "inkoop-bekostiging")->expected);
	g_assert_null(slt_catalogue_find(cat, "alle"));
	g_assert_null(slt_catalogue_find(cat, NULL));
	g_assert_true(slt_catalogue_is_id("kwaliteit"));
	g_assert_false(slt_catalogue_is_id("alle"));
	g_assert_false(slt_catalogue_is_id(NULL));
}

static void
test_example(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(SltCatalogue) cat =
		slt_catalogue_load(SLT_SRCDIR "/config/packages.conf.example", &error);
	g_assert_no_error(error);
	g_assert_cmpuint(cat->packages->len, ==, SLT_CATALOGUE_N_PACKAGES);
}

/* Each bad text must fail with every expected fragment in the message. */
static void
expect_bad(const char *text, const char *const *fragments)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(SltCatalogue) cat = slt_catalogue_parse(text, strlen(text), "p.conf", &error);
	g_assert_null(cat);
	g_assert_error(error, SLT_CATALOGUE_ERROR, SLT_CATALOGUE_ERROR_INVALID);
	for (const char *const *f = fragments; *f; f++)
		if (!strstr(error->message, *f))
			g_error("'%s' not in:\n%s", *f, error->message);
}

static void
test_bad(void)
{
	const char *five_ok =
		"[goed-bestuur]\ntitle = G\nstate = in-ontwikkeling\n"
		"[netwerksamenwerking]\ntitle = N\nstate = in-ontwikkeling\n"
		"[kwaliteit]\ntitle = K\nstate = in-ontwikkeling\n"
		"[inkoop-bekostiging]\ntitle = I\nstate = in-ontwikkeling\n";
	struct { const char *visie; const char *frag[4]; } cases[] = {
		{ "[visie]\ntitle = V\nstate = klaar\n",
		  { "p.conf:3: [visie] state: 'klaar' is not in-ontwikkeling or gepubliceerd", NULL } },
		{ "[visie]\ntitle = V\nstate = gepubliceerd\nversion = 1\n",
		  { "p.conf:1: [visie]: a published package needs its files", NULL } },
		{ "[visie]\ntitle = V\nstate = gepubliceerd\nfiles = a.pdf\n",
		  { "p.conf:1: [visie]: a published package has a version of 1 or more", NULL } },
		{ "[visie]\ntitle = V\nstate = in-ontwikkeling\nversion = twee\n",
		  { "p.conf:4: [visie] version: 'twee' is not a whole number", NULL } },
		{ "[visie]\ntitle = V\nstate = in-ontwikkeling\nversion = -1\n",
		  { "p.conf:4: [visie] version:", NULL } },
		{ "[visie]\nstate = in-ontwikkeling\n",
		  { "p.conf:1: [visie]: a title is required", NULL } },
		{ "[visie]\ntitle = V\n",
		  { "p.conf:1: [visie]: a state is required", NULL } },
		{ "[visie]\ntitle = V\nstate = in-ontwikkeling\ntitel = x\n",
		  { "p.conf:4: [visie] titel: unknown key", NULL } },
		{ "[visie]\ntitle = V\nstate = gepubliceerd\nversion = 1\nfiles = ../etc/passwd.pdf;b.doc\n",
		  { "p.conf:5: [visie] files: '../etc/passwd.pdf' is not a PDF file name",
		    "'b.doc' is not a PDF", NULL } },
		{ "[visie]\ntitle = V\nstate = in-ontwikkeling\n[alle]\ntitle = x\n",
		  { "p.conf:4: [alle]: unknown package", NULL } },
		{ "", { "package [visie] is missing", NULL } },
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *text = g_strconcat(cases[i].visie, five_ok, NULL);
		expect_bad(text, cases[i].frag);
	}
	/* Every problem at once, not just the first. */
	const char *many = "[visie]\nstate = x\n[kwaliteit]\ntitle = K\nstate = y\n";
	const char *frag[] = { "[visie]: a title is required", "'x' is not", "'y' is not",
			       "package [goed-bestuur] is missing", NULL };
	expect_bad(many, frag);
	/* Not a key file at all. */
	g_autoptr(GError) error = NULL;
	const char *junk = "this is not\n[a key file";
	g_assert_null(slt_catalogue_parse(junk, strlen(junk), "p.conf", &error));
	g_assert_error(error, SLT_CATALOGUE_ERROR, SLT_CATALOGUE_ERROR_INVALID);
	g_assert_true(g_str_has_prefix(error->message, "p.conf: "));
}

static void
test_builtin(void)
{
	g_autoptr(SltCatalogue) cat = slt_catalogue_builtin();
	g_assert_cmpuint(cat->packages->len, ==, 5);
	g_assert_cmpstr(cat->path, ==, "(built-in)");
	const SltPackage *gb = slt_catalogue_find(cat, "goed-bestuur");
	g_assert_cmpstr(gb->title, ==, "Goed bestuur in relatie tot stevige lokale teams");
	for (guint i = 0; i < 5; i++)
		g_assert_false(((SltPackage *)g_ptr_array_index(cat->packages, i))->published);
}

static void
test_files(void)
{
	g_autofree char *dir = g_dir_make_tmp("slt-cat-XXXXXX", NULL);
	g_autoptr(GError) error = NULL;
	g_autofree char *conf = g_build_filename(dir, "packages.conf", NULL);
	g_assert_true(g_file_set_contents(conf, good, -1, NULL));
	g_autoptr(SltCatalogue) cat = slt_catalogue_load(conf, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(cat->path, ==, conf);

	g_assert_false(slt_catalogue_check_files(cat, dir, &error));
	g_assert_error(error, SLT_CATALOGUE_ERROR, SLT_CATALOGUE_ERROR_INVALID);
	g_assert_nonnull(strstr(error->message, "gb-kennisoverzicht.pdf"));
	g_assert_nonnull(strstr(error->message, "gb-kenmerken.pdf"));
	g_clear_error(&error);

	g_autofree char *a = g_build_filename(dir, "gb-kennisoverzicht.pdf", NULL);
	g_autofree char *b = g_build_filename(dir, "gb-kenmerken.pdf", NULL);
	g_assert_true(g_file_set_contents(a, "%PDF-1.4\n", -1, NULL));
	g_assert_cmpint(g_mkdir(b, 0755), ==, 0);  /* a directory is no file */
	g_assert_false(slt_catalogue_check_files(cat, dir, &error));
	g_assert_nonnull(strstr(error->message, "gb-kenmerken.pdf': not a regular file"));
	g_assert_null(strstr(error->message, "gb-kennisoverzicht"));
	g_clear_error(&error);
	g_assert_cmpint(g_rmdir(b), ==, 0);
	g_assert_true(g_file_set_contents(b, "%PDF-1.4\n", -1, NULL));
	g_assert_true(slt_catalogue_check_files(cat, dir, &error));
	g_assert_no_error(error);

	g_autofree char *missing = g_build_filename(dir, "nope.conf", NULL);
	g_assert_null(slt_catalogue_load(missing, &error));
	g_assert_error(error, SLT_CATALOGUE_ERROR, SLT_CATALOGUE_ERROR_READ);
	g_assert_nonnull(strstr(error->message, "cannot read package catalogue"));

	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
	g_assert_cmpint(system(cmd), ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/catalogue/good", test_good);
	g_test_add_func("/catalogue/example", test_example);
	g_test_add_func("/catalogue/bad", test_bad);
	g_test_add_func("/catalogue/builtin", test_builtin);
	g_test_add_func("/catalogue/files", test_files);
	return g_test_run();
}
