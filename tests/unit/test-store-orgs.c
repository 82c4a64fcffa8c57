/* SPDX-License-Identifier: MIT */
/* test-store-orgs: the organisations learned per sender domain survive a
 * reopen, a later org replaces an earlier one, the schema refuses what
 * the classifier never learns, and the pairs load into a classifier;
 * staff's pair is never replaced by learning, and can be forgotten. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "classify.h"
#include "store.h"

static void
collect(const char *domain, const char *org, gboolean by_staff, gpointer user_data)
{
	g_ptr_array_add(user_data, g_strdup_printf("%s=%s%s", domain, org, by_staff ? " (staff)" : ""));
}

static void
test_roundtrip(void)
{
	g_autofree char *dir = g_dir_make_tmp("test-store-orgs-XXXXXX", NULL);
	g_assert_nonnull(dir);
	g_autofree char *path = g_build_filename(dir, "sltd.db", NULL);
	g_autoptr(GError) error = NULL;
	SltStore *s = slt_store_open(path, SLT_STORE_OPEN_CREATE, &error);
	g_assert_no_error(error);
	g_assert_true(slt_store_begin(s, &error));
	g_assert_true(slt_store_org_domain_put(s, "jgtrivierenland.nl",
					       "team:Stichting JGT Rivierenland", 0, &error));
	g_assert_true(slt_store_org_domain_put(s, "tenderwijs.example", "overig:Tenderwijs",
					       0, &error));
	g_assert_true(slt_store_org_domain_put(s, "tenderwijs.example", "overig:Tenderwijs B.V.",
					       0, &error));
	g_assert_no_error(error);
	/* never a municipality or an empty name */
	g_assert_false(slt_store_org_domain_put(s, "zwolle.example", "gemeente:Zwolle", 0, &error));
	g_assert_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_CONSTRAINT);
	g_clear_error(&error);
	g_assert_false(slt_store_org_domain_put(s, "x.example", "team:", 0, &error));
	g_clear_error(&error);
	g_assert_true(slt_store_commit(s, &error));
	slt_store_close(s);

	s = slt_store_open(path, SLT_STORE_OPEN_CREATE, &error);
	g_assert_no_error(error);
	g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func(g_free);
	g_assert_true(slt_store_org_domains_each(s, collect, got, &error));
	g_assert_cmpuint(got->len, ==, 2);
	g_assert_cmpstr(got->pdata[0], ==, "jgtrivierenland.nl=team:Stichting JGT Rivierenland");
	g_assert_cmpstr(got->pdata[1], ==, "tenderwijs.example=overig:Tenderwijs B.V.");

	/* staff correct one; learning then leaves it */
	g_assert_true(slt_store_org_domain_set(s, "JGTRivierenland.nl", "team:JGT Tiel", "els", &error));
	g_assert_no_error(error);
	g_assert_true(slt_store_begin(s, &error));
	g_assert_true(slt_store_org_domain_put(s, "jgtrivierenland.nl", "team:Iets anders", 0, &error));
	g_assert_true(slt_store_commit(s, &error));
	g_autoptr(GPtrArray) all = slt_store_org_domains_list(s, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(all->len, ==, 2);
	const SltOrgDomain *d = all->pdata[0];
	g_assert_cmpstr(d->domain, ==, "jgtrivierenland.nl");
	g_assert_cmpstr(d->org, ==, "team:JGT Tiel");
	g_assert_cmpstr(d->set_by, ==, "staff");
	g_assert_cmpint(d->request_id, ==, 0);
	g_assert_cmpstr(((SltOrgDomain *)all->pdata[1])->set_by, ==, "sltd");
	/* forget: gone, and a second time there is nothing */
	gboolean found = FALSE;
	g_assert_true(slt_store_org_domain_forget(s, "tenderwijs.example", "els", &found, &error));
	g_assert_true(found);
	g_assert_true(slt_store_org_domain_forget(s, "tenderwijs.example", "els", &found, &error));
	g_assert_false(found);
	g_ptr_array_set_size(got, 0);
	g_assert_true(slt_store_org_domains_each(s, collect, got, &error));
	g_assert_cmpuint(got->len, ==, 1);
	g_assert_cmpstr(got->pdata[0], ==, "jgtrivierenland.nl=team:JGT Tiel (staff)");
	slt_store_close(s);

	/* loaded into a classifier, a signature-less message gets the org */
	g_autoptr(SltClassifier) c = slt_classifier_new(NULL, NULL, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(slt_classifier_add_learned_org(c, "jgtrivierenland.nl",
						     "team:Stichting JGT Rivierenland", FALSE));
	g_assert_false(slt_classifier_add_learned_org(c, "gmail.com", "team:X", FALSE));
	const char *raw = "From: Ilse <i.verbeek@jgtrivierenland.nl>\nTo: slt@vng.example\n"
			  "Subject: pakket visie\n\nGraag het pakket Visie.\n\nIlse\n";
	g_autoptr(SltMessage) m = slt_mime_parse(raw, strlen(raw), &error);
	g_assert_no_error(error);
	g_autoptr(SltClassification) r = slt_classify(c, m);
	g_assert_cmpstr(r->org, ==, "team:Stichting JGT Rivierenland");
	g_assert_cmpint(r->org_source, ==, SLT_ORG_SOURCE_LEARNED);
	g_assert_null(slt_classifier_learn_org(c, m, r));

	const char *suffixes[] = { "", "-wal", "-shm" };
	for (gsize i = 0; i < G_N_ELEMENTS(suffixes); i++) {
		g_autofree char *p = g_strconcat(path, suffixes[i], NULL);
		g_unlink(p);
	}
	g_rmdir(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/store-orgs/roundtrip", test_roundtrip);
	return g_test_run();
}
