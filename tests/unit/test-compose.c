/* SPDX-License-Identifier: MIT */
/* Unit tests for compose: greeting names, organisations, a package reply
 * with its PDFs attached byte for byte (or a link), a missing file. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <gmime/gmime.h>

#include "compose.h"
#include "reply.h"

static void
test_names(void)
{
	struct { const char *in, *out; } cases[] = {
		{ "Dijkstra, Mirjam", "Mirjam Dijkstra" },
		{ "Ruiter, Matthijs de", "Matthijs de Ruiter" },
		{ "\"Jansen, P.\"", "P. Jansen" },
		{ "Jan de Vries", "Jan de Vries" },
		{ "  Els  ", "Els" },
		{ "Team, Wijk, Noord", "Team, Wijk, Noord" },
		{ "Vries,", "Vries" },
		{ ", Jan", "Jan" },
		{ "jan@utrecht.nl", NULL },
		{ "", NULL },
		{ NULL, NULL },
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = slt_compose_greeting_name(cases[i].in);
		g_assert_cmpstr(got, ==, cases[i].out);
	}
	struct { const char *in, *out; } orgs[] = {
		{ "gemeente:Utrecht", "gemeente Utrecht" },
		{ "gemeente:'s-Gravenhage", "gemeente 's-Gravenhage" },
		{ "team:Stichting Wijkteams Vechtdal", "Stichting Wijkteams Vechtdal" },
		{ "overig:GGD", "GGD" },
		{ "overig:", NULL },
		{ "", NULL },
		{ NULL, NULL },
	};
	for (guint i = 0; i < G_N_ELEMENTS(orgs); i++) {
		g_autofree char *got = slt_compose_org_display(orgs[i].in);
		g_assert_cmpstr(got, ==, orgs[i].out);
	}
}

static SltStorePackage *
pkg(const char *id, const char *title, int version, const char *f1, const char *f2)
{
	SltStorePackage *p = g_new0(SltStorePackage, 1);
	p->id = g_strdup(id);
	p->title = g_strdup(title);
	p->published = version > 0;
	p->version = version;
	p->expected = g_strdup("najaar 2027");
	const char *fs[] = { f1, f2, NULL };
	p->files = g_strdupv((char **)(f1 ? fs : fs + 2));
	return p;
}

typedef struct {
	char *dir;
	SltTemplates *templates;
	GPtrArray *packages;
	SltComposer c;
	char *pdf1, *pdf2;
	gsize len1, len2;
} Fixture;

static void
setup(Fixture *f, gconstpointer data)
{
	(void)data;
	f->dir = g_dir_make_tmp("slt-compose-XXXXXX", NULL);
	g_autoptr(GError) error = NULL;
	f->templates = slt_templates_load(SLT_SRCDIR "/templates", &error);
	g_assert_no_error(error);
	g_autofree char *d = g_build_filename(f->dir, "visie", "v1", NULL);
	g_assert_cmpint(g_mkdir_with_parents(d, 0755), ==, 0);
	f->len1 = 5000;
	f->pdf1 = g_malloc(f->len1);
	for (gsize i = 0; i < f->len1; i++)
		f->pdf1[i] = (char)(i * 31 + 7);
	memcpy(f->pdf1, "%PDF-1.7\n", 9);
	f->pdf2 = g_strdup("%PDF-1.4\n.\nkenmerken\n");
	f->len2 = strlen(f->pdf2);
	g_autofree char *p1 = g_build_filename(d, "visie-kennisoverzicht.pdf", NULL);
	g_autofree char *p2 = g_build_filename(d, "visie-kenmerken.pdf", NULL);
	g_assert_true(g_file_set_contents(p1, f->pdf1, f->len1, NULL));
	g_assert_true(g_file_set_contents(p2, f->pdf2, f->len2, NULL));
	f->packages = g_ptr_array_new_with_free_func((GDestroyNotify)slt_store_package_free);
	g_ptr_array_add(f->packages, pkg("visie", "Visie", 1, "visie/v1/visie-kennisoverzicht.pdf",
					 "visie/v1/visie-kenmerken.pdf"));
	g_ptr_array_add(f->packages, pkg("kwaliteit", "Kwaliteit, leren, volgen en verantwoorden", 0, NULL, NULL));
	g_ptr_array_add(f->packages, pkg("goed-bestuur", "Goed bestuur", 1, "gb/v1/weg.pdf", NULL));
	f->c = (SltComposer){
		.templates = f->templates, .from = "Stevige lokale teams <slt@vng.test>",
		.domain = "vng.test", .packages_dir = f->dir, .download_url = "https://vng.test/p",
		.packages = f->packages,
	};
}

static void
teardown(Fixture *f, gconstpointer data)
{
	(void)data;
	slt_templates_free(f->templates);
	g_ptr_array_unref(f->packages);
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", f->dir);
	g_assert_cmpint(system(cmd), ==, 0);
	g_free(f->dir);
	g_free(f->pdf1);
	g_free(f->pdf2);
}

static char *
part_bytes(GMimePart *p, gsize *len)
{
	GMimeStream *out = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(p), out);
	GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
	char *d = g_memdup2(ba->data, ba->len);
	*len = ba->len;
	g_object_unref(out);
	return d;
}

static void
test_package_reply(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autoptr(GPtrArray) attach = g_ptr_array_new();
	g_ptr_array_add(attach, "visie");
	g_autoptr(GPtrArray) wait = g_ptr_array_new();
	g_ptr_array_add(wait, "kwaliteit");
	g_autoptr(GPtrArray) link = g_ptr_array_new();
	g_ptr_array_add(link, "goed-bestuur");
	SltComposeRequest r = {
		.kind = SLT_TEMPLATE_PACKAGE, .request_id = 12, .to_addr = "m.dijkstra@zwolle.nl",
		.to_name = "Dijkstra, Mirjam", .org = "gemeente:Zwolle", .theme = "visie",
		.subject = "Re: Werkpakket [SLT-12]", .in_reply_to = "abc@zwolle.nl",
		.attach = attach, .wait = wait, .link = link,
	};
	g_autofree char *mid = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) raw = slt_compose(&f->c, &r, &mid, &error);
	g_assert_no_error(error);
	g_assert_true(g_str_has_prefix(mid, "slt-12-"));
	g_assert_true(g_str_has_suffix(mid, "@vng.test"));

	gsize n;
	const char *d = g_bytes_get_data(raw, &n);
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(d, n);
	GMimeParser *ps = g_mime_parser_new_with_stream(s);
	GMimeMessage *m = g_mime_parser_construct_message(ps, NULL);
	g_assert_cmpstr(g_mime_message_get_message_id(m), ==, mid);
	GMimeObject *mixed = g_mime_message_get_mime_part(m);
	g_assert_cmpint(g_mime_multipart_get_count(GMIME_MULTIPART(mixed)), ==, 3);
	GMimeObject *alt = g_mime_multipart_get_part(GMIME_MULTIPART(mixed), 0);
	g_autofree char *text = g_mime_text_part_get_text(
		GMIME_TEXT_PART(g_mime_multipart_get_part(GMIME_MULTIPART(alt), 0)));
	g_assert_nonnull(strstr(text, "Beste Mirjam Dijkstra,"));
	g_assert_nonnull(strstr(text, "namens gemeente Zwolle"));
	g_assert_nonnull(strstr(text, "SLT-12"));
	g_assert_nonnull(strstr(text, "het werkpakket Visie (versie 1): visie-kennisoverzicht.pdf, visie-kenmerken.pdf"));
	g_assert_nonnull(strstr(text, "Goed bestuur (versie 1): https://vng.test/p/goed-bestuur"));
	g_assert_nonnull(strstr(text, "Kwaliteit, leren, volgen en verantwoorden (verwacht: najaar 2027)"));
	g_assert_nonnull(strstr(text, "het team Stevige lokale teams"));

	GMimePart *a1 = GMIME_PART(g_mime_multipart_get_part(GMIME_MULTIPART(mixed), 1));
	GMimePart *a2 = GMIME_PART(g_mime_multipart_get_part(GMIME_MULTIPART(mixed), 2));
	g_assert_cmpstr(g_mime_part_get_filename(a1), ==, "visie-kennisoverzicht.pdf");
	g_assert_cmpstr(g_mime_part_get_filename(a2), ==, "visie-kenmerken.pdf");
	gsize l1, l2;
	g_autofree char *b1 = part_bytes(a1, &l1);
	g_autofree char *b2 = part_bytes(a2, &l2);
	g_assert_cmpmem(b1, l1, f->pdf1, f->len1);
	g_assert_cmpmem(b2, l2, f->pdf2, f->len2);
	g_object_unref(m);
	g_object_unref(ps);
	g_object_unref(s);

	g_assert_cmpint(slt_compose_package_size(&f->c, slt_compose_package(&f->c, "visie")), ==,
			(gint64)(f->len1 + f->len2));
	g_assert_cmpint(slt_compose_package_size(&f->c, slt_compose_package(&f->c, "goed-bestuur")), ==, -1);
}

static void
test_missing_file(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autoptr(GPtrArray) attach = g_ptr_array_new();
	g_ptr_array_add(attach, "goed-bestuur");
	SltComposeRequest r = { .kind = SLT_TEMPLATE_PACKAGE, .request_id = 1, .to_addr = "a@b.nl",
				.subject = "Re: x", .attach = attach };
	g_autofree char *mid = NULL;
	g_autoptr(GError) error = NULL;
	g_assert_null(slt_compose(&f->c, &r, &mid, &error));
	g_assert_error(error, SLT_COMPOSE_ERROR, SLT_COMPOSE_ERROR_FILE);
	g_assert_nonnull(strstr(error->message, "weg.pdf"));
	g_assert_null(mid);
	g_clear_error(&error);
	/* A package without files at all. */
	g_ptr_array_index(attach, 0) = "kwaliteit";
	g_assert_null(slt_compose(&f->c, &r, &mid, &error));
	g_assert_error(error, SLT_COMPOSE_ERROR, SLT_COMPOSE_ERROR_FILE);
	g_clear_error(&error);
	/* A bad address is the reply module's refusal. */
	g_ptr_array_set_size(attach, 0);
	r.to_addr = "niet een adres";
	g_assert_null(slt_compose(&f->c, &r, &mid, &error));
	g_assert_error(error, SLT_REPLY_ERROR, SLT_REPLY_ERROR_ADDRESS);
}

int
main(int argc, char **argv)
{
	g_mime_init();
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/compose/names", test_names);
	g_test_add("/compose/package-reply", Fixture, NULL, setup, test_package_reply, teardown);
	g_test_add("/compose/missing-file", Fixture, NULL, setup, test_missing_file, teardown);
	int rc = g_test_run();
	g_mime_shutdown();
	return rc;
}
