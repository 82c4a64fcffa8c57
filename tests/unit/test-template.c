/* SPDX-License-Identifier: MIT */
/* Unit tests for template: the shipped templates load and say what they
 * must; a broken template is reported at load time with file and line;
 * HTML escaping; newline handling around block tags. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "template.h"

static char *
make_dir(void)
{
	char *dir = g_dir_make_tmp("slt-tmpl-XXXXXX", NULL);
	g_assert_nonnull(dir);
	return dir;
}

static void
rm_rf(const char *dir)
{
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
	g_assert_cmpint(system(cmd), ==, 0);
}

/* A copy of the shipped templates to break. */
static char *
copy_shipped(void)
{
	char *dir = make_dir();
	g_autofree char *cmd = g_strdup_printf("cp -R '%s'/templates/. '%s'/", SLT_SRCDIR, dir);
	g_assert_cmpint(system(cmd), ==, 0);
	return dir;
}

static void
put(const char *dir, const char *rel, const char *text)
{
	g_autofree char *path = g_build_filename(dir, rel, NULL);
	g_autofree char *parent = g_path_get_dirname(path);
	g_assert_cmpint(g_mkdir_with_parents(parent, 0755), ==, 0);
	g_assert_true(g_file_set_contents(path, text, -1, NULL));
}

/* The smallest valid set: every required file, each saying its name. */
static char *
minimal_set(void)
{
	char *dir = make_dir();
	for (const char *const *n = slt_template_names; *n; n++) {
		g_autofree char *t = g_strconcat(*n, ".txt", NULL);
		g_autofree char *h = g_strconcat(*n, ".html", NULL);
		put(dir, t, *n);
		put(dir, h, *n);
	}
	for (const char *const *th = slt_template_themes; *th; th++) {
		g_autofree char *t = g_strconcat("themes/", *th, ".txt", NULL);
		put(dir, t, *th);
	}
	return dir;
}

static const SltTemplatePackage attached[] = {
	{ "visie", "Visie", "1", NULL, NULL, "visie-kennisoverzicht.pdf, visie-kenmerken.pdf" },
};
static const SltTemplatePackage waiting[] = {
	{ "kwaliteit", "Kwaliteit, leren, volgen en verantwoorden", NULL, "najaar 2027", NULL, NULL },
	{ "inkoop-bekostiging", "Inkoop en bekostiging", NULL, NULL, NULL, NULL },
};
static const SltTemplatePackage linked[] = {
	{ "goed-bestuur", "Goed bestuur in relatie tot stevige lokale teams", "2", NULL,
	  "https://vng.example/p/goed-bestuur.zip?a=1&b=2", NULL },
};

static SltTemplateVars
full_vars(void)
{
	SltTemplateVars v = {
		.name = "Anna <b>de</b> Boer & Zn",
		.organisation = "gemeente 's-Hertogenbosch",
		.theme = "netwerksamenwerking",
		.theme_title = "Netwerksamenwerking",
		.ref = "SLT-42",
		.contact = "het team Stevige lokale teams",
		.subject = "Vraag",
		.attached = attached, .n_attached = G_N_ELEMENTS(attached),
		.linked = linked, .n_linked = G_N_ELEMENTS(linked),
		.waiting = waiting, .n_waiting = G_N_ELEMENTS(waiting),
		.removed = waiting, .n_removed = G_N_ELEMENTS(waiting),
		.package = &attached[0],
	};
	return v;
}

static void
test_shipped(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(SltTemplates) t = slt_templates_load(SLT_SRCDIR "/templates", &error);
	g_assert_no_error(error);
	SltTemplateVars v = full_vars();
	for (const char *const *n = slt_template_names; *n; n++) {
		g_autofree char *text = NULL, *html = NULL;
		g_assert_true(slt_templates_render(t, *n, &v, &text, &html, &error));
		g_assert_no_error(error);
		g_assert_true(g_utf8_validate(text, -1, NULL));
		g_assert_true(g_str_has_suffix(text, "\n"));
		g_assert_false(g_str_has_suffix(text, "\n\n"));
		g_assert_null(strstr(text, "\n\n\n"));
		g_assert_null(strstr(text, "{{"));
		g_assert_null(strstr(html, "{{"));
		g_assert_nonnull(strstr(text, "SLT-42"));
		g_assert_nonnull(strstr(html, "SLT-42"));
		g_assert_true(g_str_has_prefix(html, "<!DOCTYPE html>"));
		/* Formal Dutch: "u", never "je/jij/jouw". */
		g_autofree char *lower = g_utf8_strdown(text, -1);
		g_assert_null(strstr(lower, " je "));
		g_assert_null(strstr(lower, " jij "));
		g_assert_null(strstr(lower, " jouw "));
		/* The name: as written in text, escaped in HTML. */
		g_assert_nonnull(strstr(text, "Beste Anna <b>de</b> Boer & Zn,"));
		g_assert_nonnull(strstr(html, "Anna &lt;b&gt;de&lt;/b&gt; Boer &amp; Zn"));
		g_assert_null(strstr(html, "<b>de</b>"));
		/* The support is free: said in every reply but the unsubscribe. */
		if (strcmp(*n, SLT_TEMPLATE_AFMELDEN) != 0) {
			g_assert_nonnull(strstr(text, "Aan deze ondersteuning zijn geen kosten verbonden."));
			g_assert_nonnull(strstr(html, "Aan deze ondersteuning zijn geen kosten verbonden."));
		}
	}

	/* Specific content. */
	g_autofree char *text = NULL, *html = NULL;
	g_assert_true(slt_templates_render(t, SLT_TEMPLATE_ACK_SPARRING, &v, &text, &html, &error));
	g_assert_nonnull(strstr(text, "sparren over het thema Netwerksamenwerking ontvangen"));
	g_assert_nonnull(strstr(text, "Een stevig lokaal team staat er niet alleen voor"));
	g_assert_nonnull(strstr(html, "<p>Een stevig lokaal team staat er niet alleen voor"));
	g_assert_nonnull(strstr(text, "- Kwaliteit, leren, volgen en verantwoorden (verwacht: najaar 2027)\n"
				"- Inkoop en bekostiging\n"));
	g_assert_nonnull(strstr(html, "href=\"https://vng.example/p/goed-bestuur.zip?a=1&amp;b=2\""));
	g_assert_nonnull(strstr(text, "namens gemeente 's-Hertogenbosch."));
	g_assert_nonnull(strstr(html, "namens gemeente &#39;s-Hertogenbosch."));
	g_clear_pointer(&text, g_free);
	g_clear_pointer(&html, g_free);

	/* Nothing known about the person: a neutral greeting, no gaps. */
	SltTemplateVars e = { .theme = "algemeen", .ref = "SLT-1" };
	g_assert_true(slt_templates_render(t, SLT_TEMPLATE_ACK_VRAAG, &e, &text, &html, &error));
	g_assert_true(g_str_has_prefix(text, "Geachte heer, mevrouw,\n\nHartelijk dank voor uw vraag. "));
	g_assert_nonnull(strstr(text, "uw vraag over stevige lokale teams ontvangen"));
	g_assert_null(strstr(text, "namens"));
	g_assert_null(strstr(text, "In de bijlage"));
	g_clear_pointer(&text, g_free);
	g_clear_pointer(&html, g_free);

	/* Unknown theme: the general paragraph. */
	e.theme = "onbekend";
	g_assert_true(slt_templates_render(t, SLT_TEMPLATE_ACK_VRAAG, &e, &text, &html, &error));
	g_assert_nonnull(strstr(text, "Het programma Stevige lokale teams ondersteunt"));
	g_clear_pointer(&text, g_free);
	g_clear_pointer(&html, g_free);

	g_assert_true(slt_templates_render(t, SLT_TEMPLATE_AFMELDEN, &e, &text, &html, &error));
	g_assert_nonnull(strstr(text, "U stond bij ons niet (meer) op een wachtlijst"));
	g_clear_pointer(&text, g_free);
	g_clear_pointer(&html, g_free);

	g_assert_false(slt_templates_render(t, "nope", &e, &text, &html, &error));
	g_assert_error(error, SLT_TEMPLATE_ERROR, SLT_TEMPLATE_ERROR_RENDER);
	g_assert_cmpstr(slt_templates_dir(t), ==, SLT_SRCDIR "/templates");
}

/* Control characters from incoming mail never reach a reply line. */
static void
test_control_chars(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(SltTemplates) t = slt_templates_load(SLT_SRCDIR "/templates", &error);
	g_assert_no_error(error);
	SltTemplateVars v = { .name = "Jan\r\nBcc: x@y\x01", .organisation = "a\tb",
			      .theme = "visie", .ref = "SLT-1" };
	g_autofree char *text = NULL, *html = NULL;
	g_assert_true(slt_templates_render(t, SLT_TEMPLATE_NEUTRAL, &v, &text, &html, &error));
	g_assert_nonnull(strstr(text, "Beste Jan  Bcc: x@y ,\n"));
	g_assert_nonnull(strstr(text, "namens a b."));
	g_assert_null(strchr(text, '\r'));
	g_assert_null(strchr(text, '\x01'));
}

typedef struct {
	const char *file;
	const char *text;
	const char *expect;   /* a fragment of the load error */
} Broken;

static void
test_broken(void)
{
	const Broken cases[] = {
		{ "ack-vraag.txt", "Beste,\n\nUw vraag {{naam\nis binnen.\n",
		  "/ack-vraag.txt:3: '{{' is not closed with '}}'" },
		{ "ack-vraag.txt", "a\n{{if heeft_naam}}\nb\n", "/ack-vraag.txt:2: 'if' is not closed with '{{end}}'" },
		{ "ack-vraag.html", "a\nb\n{{end}}\n", "/ack-vraag.html:3: 'end' without 'if' or 'for'" },
		{ "neutral.txt", "x\n\n\n{{else}}\n", "/neutral.txt:4: 'else' without 'if'" },
		{ "package.txt", "Beste {{nam}},\n", "/package.txt:1: unknown variable 'nam'" },
		{ "package.txt", "{{for p in bijgevoegd}}\n- {{p.title}}\n{{end}}\n",
		  "/package.txt:2: package field 'p.title' does not exist" },
		{ "waitlist.txt", "\n{{pakket.naam}}\n", "/waitlist.txt:2: package field 'pakket.naam'" },
		{ "waitlist.txt", "{{naam +}}\n", "/waitlist.txt:1: cannot parse 'naam +'" },
		{ "waitlist.txt", "{{}}\n", "/waitlist.txt:1: empty expression" },
		{ "afmelden.txt", "a\n{{for in afgemeld}}{{end}}\n", "/afmelden.txt:2: 'for in afgemeld' is not 'for NAME in LIST'" },
		{ "afmelden.txt", "{{for p in afgemelt}}{{end}}\n", "/afmelden.txt:1: unknown variable 'afgemelt'" },
		{ "publication.txt", "x\n{{include \"_nope.txt\"}}\n", "/publication.txt:2: included file '_nope.txt' not found" },
		{ "publication.txt", "{{include _slot.txt}}\n", "/publication.txt:1: 'include _slot.txt' is not 'include \"FILE\"'" },
		{ "publication.txt", "{{include \"../etc/passwd\"}}\n", "/publication.txt:1: included file '../etc/passwd' not found" },
		{ "themes/visie.txt", "Visie {{if thema == }}\n", "/themes/visie.txt:1: cannot parse" },
		{ "_slot.txt", "Groet,\n{{contactpersoon}}\n", "/_slot.txt:2: unknown variable 'contactpersoon'" },
		{ "ack-sparring.txt", "\xff\xfe broken utf-8\n", "/ack-sparring.txt: not valid UTF-8" },
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *dir = copy_shipped();
		put(dir, cases[i].file, cases[i].text);
		g_autoptr(GError) error = NULL;
		g_autoptr(SltTemplates) t = slt_templates_load(dir, &error);
		g_assert_null(t);
		g_assert_error(error, SLT_TEMPLATE_ERROR, SLT_TEMPLATE_ERROR_LOAD);
		if (!strstr(error->message, cases[i].expect))
			g_error("case %u: '%s' not in:\n%s", i, cases[i].expect, error->message);
		rm_rf(dir);
	}

	/* Missing files, and every problem at once. */
	g_autofree char *dir = copy_shipped();
	g_autofree char *a = g_build_filename(dir, "neutral.html", NULL);
	g_autofree char *b = g_build_filename(dir, "themes", "kwaliteit.txt", NULL);
	g_assert_cmpint(g_unlink(a), ==, 0);
	g_assert_cmpint(g_unlink(b), ==, 0);
	put(dir, "ack-vraag.txt", "{{x}}\n{{y}}\n");
	g_autoptr(GError) error = NULL;
	g_assert_null(slt_templates_load(dir, &error));
	g_assert_nonnull(strstr(error->message, "/neutral.html: cannot read template"));
	g_assert_nonnull(strstr(error->message, "/themes/kwaliteit.txt: cannot read template"));
	g_assert_nonnull(strstr(error->message, "/ack-vraag.txt:1: unknown variable 'x'"));
	g_assert_nonnull(strstr(error->message, "/ack-vraag.txt:2: unknown variable 'y'"));
	g_clear_error(&error);
	rm_rf(dir);

	g_assert_null(slt_templates_load("/nonexistent/templates", &error));
	g_assert_error(error, SLT_TEMPLATE_ERROR, SLT_TEMPLATE_ERROR_LOAD);
}

/* A template that only fails when rendered (a built-in applied to the
 * wrong type) is still caught at load time by the test rendering. */
static void
test_render_error_at_load(void)
{
	g_autofree char *dir = minimal_set();
	put(dir, "neutral.txt", "{{if heeft_wachtlijst}}{{wachtlijst.titel}}{{end}}\n");
	g_autoptr(GError) error = NULL;
	g_assert_null(slt_templates_load(dir, &error));
	g_assert_error(error, SLT_TEMPLATE_ERROR, SLT_TEMPLATE_ERROR_LOAD);
	g_assert_nonnull(strstr(error->message, "cannot render template 'neutral.txt'"));
	rm_rf(dir);
}

/* Render neutral.txt written as text with full_vars. */
static char *
render_text(const char *tmpl)
{
	g_autofree char *dir = minimal_set();
	put(dir, "neutral.txt", tmpl);
	put(dir, "_part.txt", "deel{{if heeft_naam}} met naam{{end}}\n");
	g_autoptr(GError) error = NULL;
	g_autoptr(SltTemplates) t = slt_templates_load(dir, &error);
	g_assert_no_error(error);
	SltTemplateVars v = full_vars();
	g_autofree char *text = NULL, *html = NULL;
	g_assert_true(slt_templates_render(t, SLT_TEMPLATE_NEUTRAL, &v, &text, &html, &error));
	g_assert_no_error(error);
	rm_rf(dir);
	return g_steal_pointer(&text);
}

static void
test_newlines(void)
{
	struct { const char *in, *out; } cases[] = {
		/* template-glib alone would give "1T2" */
		{ "1{{if heeft_naam}}T{{end}}\n2\n", "1T\n2\n" },
		{ "a\n{{if heeft_naam}}\nb\n{{end}}\nc\n", "a\nb\nc\n" },
		{ "a\n  {{if heeft_naam}}  \nb\n  {{else}}\nx\n{{end}}\nc\n", "a\nb\nc\n" },
		{ "{{for p in wachtlijst}}\n- {{p.titel}}{{if p.verwacht}} ({{p.verwacht}}){{end}}\n{{end}}\nz\n",
		  "- Kwaliteit, leren, volgen en verantwoorden (najaar 2027)\n- Inkoop en bekostiging\nz\n" },
		{ "x {{include \"_part.txt\"}} y\n", "x deel met naam y\n" },
		{ "{{include \"_part.txt\"}}\n\nnext\n", "deel met naam\n\nnext\n" },
		{ "\n\n\na   \n\n\n\nb\n\n\n", "a\n\nb\n" },
		{ "{{thema_alinea}}\n", "netwerksamenwerking\n" },
		{ "\\{{naam}}\n", "{{naam}}\n" },
		{ "\\{{onbekend}}\n", "{{onbekend}}\n" },
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = render_text(cases[i].in);
		if (strcmp(got, cases[i].out) != 0) {
			g_autofree char *a = g_strescape(cases[i].out, NULL);
			g_autofree char *b = g_strescape(got, NULL);
			g_error("case %u: want \"%s\" got \"%s\"", i, a, b);
		}
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/template/shipped", test_shipped);
	g_test_add_func("/template/control-chars", test_control_chars);
	g_test_add_func("/template/broken", test_broken);
	g_test_add_func("/template/render-error-at-load", test_render_error_at_load);
	g_test_add_func("/template/newlines", test_newlines);
	return g_test_run();
}
