/* SPDX-License-Identifier: MIT */
/* Unit tests for store-outbox: the catalogue seeds packages once and then
 * only the words follow the file; waiting list (one active entry per
 * person and package, afmelden); outbox states (queued, sent in one
 * statement, retry, failed with history, requeue, suppressed); one
 * publication mail per person, package and version; the facts react.c
 * needs; the outbox back-off. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "catalogue.h"
#include "outbox.h"
#include "store-outbox.h"

typedef struct {
	char *dir;
	SltStore *store;
} Fixture;

static void
setup(Fixture *f, gconstpointer data)
{
	(void)data;
	f->dir = g_dir_make_tmp("slt-so-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(f->dir, "sltd.db", NULL);
	g_autoptr(GError) error = NULL;
	f->store = slt_store_open(path, SLT_STORE_OPEN_CREATE, &error);
	g_assert_no_error(error);
}

static void
teardown(Fixture *f, gconstpointer data)
{
	(void)data;
	slt_store_close(f->store);
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", f->dir);
	g_assert_cmpint(system(cmd), ==, 0);
	g_free(f->dir);
}

static SltCatalogue *
catalogue(const char *visie_state, int version, const char *expected)
{
	g_autofree char *text = g_strdup_printf(
		"[visie]\ntitle = Visie\nstate = %s\nversion = %d\n%s%s%s%s"
		"[goed-bestuur]\ntitle = Goed bestuur\nstate = in-ontwikkeling\n"
		"[netwerksamenwerking]\ntitle = Netwerk\nstate = in-ontwikkeling\n"
		"[kwaliteit]\ntitle = Kwaliteit\nstate = in-ontwikkeling\n"
		"[inkoop-bekostiging]\ntitle = Inkoop\nstate = in-ontwikkeling\n",
		visie_state, version,
		version ? "files = a.pdf;b.pdf\n" : "",
		expected ? "expected = " : "", expected ? expected : "", expected ? "\n" : "");
	g_autoptr(GError) error = NULL;
	SltCatalogue *c = slt_catalogue_parse(text, strlen(text), "t.conf", &error);
	g_assert_no_error(error);
	return c;
}

static void
test_packages(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autoptr(GError) error = NULL;
	g_autoptr(SltCatalogue) c1 = catalogue("gepubliceerd", 2, "nu");
	g_autoptr(GPtrArray) differs = NULL;
	g_assert_true(slt_store_packages_sync(f->store, c1, &differs, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(differs->len, ==, 0);
	g_autoptr(GPtrArray) list = slt_store_packages_list(f->store, &error);
	g_assert_cmpuint(list->len, ==, 5);
	SltStorePackage *v = g_ptr_array_index(list, 0);
	g_assert_cmpstr(v->id, ==, "visie");
	g_assert_true(v->published);
	g_assert_cmpint(v->version, ==, 2);
	g_assert_cmpuint(g_strv_length(v->files), ==, 2);
	g_assert_cmpstr(v->files[1], ==, "b.pdf");
	g_assert_cmpstr(((SltStorePackage *)g_ptr_array_index(list, 4))->id, ==, "inkoop-bekostiging");

	/* A later file that says "in development, version 0": the database
	 * keeps its publication; the words follow the file; no warning (the
	 * file is behind, as after sltctl publish). */
	g_autoptr(SltCatalogue) c2 = catalogue("in-ontwikkeling", 0, "voorjaar 2027");
	g_clear_pointer(&differs, g_ptr_array_unref);
	g_assert_true(slt_store_packages_sync(f->store, c2, &differs, &error));
	g_assert_cmpuint(differs->len, ==, 0);
	/* A file ahead of the database (version 5): a warning, no change. */
	g_autoptr(SltCatalogue) c5 = catalogue("gepubliceerd", 5, NULL);
	g_clear_pointer(&differs, g_ptr_array_unref);
	g_assert_true(slt_store_packages_sync(f->store, c5, &differs, &error));
	g_assert_cmpuint(differs->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(differs, 0), ==, "visie");
	g_assert_true(slt_store_packages_sync(f->store, c2, NULL, &error));
	g_autoptr(SltStorePackage) p = slt_store_package_get(f->store, "visie", &error);
	g_assert_true(p->published);
	g_assert_cmpint(p->version, ==, 2);
	g_assert_cmpstr(p->expected, ==, "voorjaar 2027");

	g_assert_null(slt_store_package_get(f->store, "alle", &error));
	g_assert_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_NOT_FOUND);
	g_clear_error(&error);

	/* Publishing: version 3 with new files; the same version again is a
	 * conflict, inside a rolled-back transaction. */
	g_autoptr(GPtrArray) files = g_ptr_array_new();
	g_ptr_array_add(files, "visie/v3/x.pdf");
	g_assert_true(slt_store_begin(f->store, &error));
	g_assert_true(slt_store_publication_add(f->store, "visie", 3, files, "tester", &error));
	g_assert_true(slt_store_commit(f->store, &error));
	g_autoptr(SltStorePackage) p3 = slt_store_package_get(f->store, "visie", &error);
	g_assert_cmpint(p3->version, ==, 3);
	g_assert_cmpstr(p3->files[0], ==, "visie/v3/x.pdf");
	g_assert_null(p3->files[1]);
	g_assert_true(slt_store_begin(f->store, &error));
	g_assert_false(slt_store_publication_add(f->store, "visie", 3, files, "tester", &error));
	g_assert_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_CONFLICT);
	slt_store_rollback(f->store);
}

static void
test_waitlist(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autoptr(GError) error = NULL;
	g_autoptr(SltCatalogue) c = catalogue("in-ontwikkeling", 0, NULL);
	g_assert_true(slt_store_packages_sync(f->store, c, NULL, &error));
	gboolean added = FALSE;
	g_assert_true(slt_store_begin(f->store, &error));
	g_assert_true(slt_store_waitlist_add(f->store, "Jan@Utrecht.nl", "Jan", 0, "visie", &added, &error));
	g_assert_true(added);
	g_assert_true(slt_store_waitlist_add(f->store, "jan@utrecht.nl", "Jan", 0, "visie", &added, &error));
	g_assert_false(added);  /* one active entry per person and package */
	g_assert_true(slt_store_waitlist_add(f->store, "jan@utrecht.nl", NULL, 0, "kwaliteit", &added, &error));
	g_assert_true(slt_store_waitlist_add(f->store, "els@ede.nl", "Els", 0, "visie", &added, &error));
	g_assert_true(slt_store_commit(f->store, &error));

	g_autoptr(GPtrArray) all = slt_store_waitlist_list(f->store, NULL, &error);
	g_assert_cmpuint(all->len, ==, 3);
	g_autoptr(GPtrArray) visie = slt_store_waitlist_list(f->store, "visie", &error);
	g_assert_cmpuint(visie->len, ==, 2);
	g_assert_cmpstr(((SltWaitEntry *)g_ptr_array_index(visie, 0))->addr, ==, "jan@utrecht.nl");

	/* afmelden: both of Jan's entries end, Els stays. */
	g_autoptr(GPtrArray) removed = NULL;
	g_assert_true(slt_store_begin(f->store, &error));
	g_assert_true(slt_store_waitlist_remove(f->store, "JAN@utrecht.nl", "afmelden", &removed, &error));
	g_assert_true(slt_store_commit(f->store, &error));
	g_assert_cmpuint(removed->len, ==, 2);
	g_autoptr(GPtrArray) after = slt_store_waitlist_list(f->store, NULL, &error);
	g_assert_cmpuint(after->len, ==, 1);
	g_assert_cmpstr(((SltWaitEntry *)g_ptr_array_index(after, 0))->addr, ==, "els@ede.nl");

	/* Notified once: a second notification finds no active entry. */
	SltWaitEntry *els = g_ptr_array_index(after, 0);
	gboolean done = FALSE;
	g_assert_true(slt_store_begin(f->store, &error));
	g_assert_true(slt_store_waitlist_notified(f->store, els->id, 1, &done, &error));
	g_assert_true(done);
	g_assert_true(slt_store_waitlist_notified(f->store, els->id, 1, &done, &error));
	g_assert_false(done);
	g_assert_true(slt_store_commit(f->store, &error));
	g_autoptr(GPtrArray) none = slt_store_waitlist_list(f->store, NULL, &error);
	g_assert_cmpuint(none->len, ==, 0);

	/* After leaving, joining again is possible. */
	g_assert_true(slt_store_begin(f->store, &error));
	g_assert_true(slt_store_waitlist_add(f->store, "jan@utrecht.nl", "Jan", 0, "visie", &added, &error));
	g_assert_true(added);
	g_assert_true(slt_store_commit(f->store, &error));
}

static gint64
queue(SltStore *store, const char *kind, const char *rcpt, const char *packages,
      const char *reason)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) raw = g_bytes_new_static("Subject: x\r\n\r\nbody\r\n", 21);
	g_autofree char *mid = reason ? NULL : g_strdup_printf("slt-0-%u@test", g_random_int());
	SltOutboxNew o = {
		.message_id = mid, .kind = kind, .rcpt = rcpt, .subject = "Re: x",
		.packages = packages, .suppress_reason = reason, .raw = reason ? NULL : raw,
	};
	gint64 id = -1;
	g_assert_true(slt_store_begin(store, &error));
	g_assert_true(slt_store_outbox_add(store, &o, &id, &error));
	g_assert_no_error(error);
	g_assert_true(slt_store_commit(store, &error));
	return id;
}

static void
test_outbox(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autoptr(GError) error = NULL;
	gint64 now = slt_store_clock();
	gint64 a = queue(f->store, "ack-vraag", "Jan@Utrecht.nl", NULL, NULL);
	gint64 b = queue(f->store, "package", "els@ede.nl", "visie,kwaliteit", NULL);
	gint64 s = queue(f->store, "none", "x@y.nl", NULL, "automatisch");
	g_assert_cmpint(a, >, 0);
	g_assert_cmpint(s, >, 0);

	g_autoptr(GPtrArray) due = slt_store_outbox_due(f->store, now, 0, &error);
	g_assert_cmpuint(due->len, ==, 2);  /* the suppressed row is never due */
	SltOutboxItem *it = g_ptr_array_index(due, 0);
	g_assert_cmpint(it->id, ==, a);
	g_assert_cmpstr(it->rcpt, ==, "jan@utrecht.nl");
	g_assert_cmpuint(g_bytes_get_size(it->raw), ==, 21);
	g_autoptr(GPtrArray) one = slt_store_outbox_due(f->store, now, 1, &error);
	g_assert_cmpuint(one->len, ==, 1);

	/* Facts for the limits: both live replies count. */
	SltReplyHistory h;
	g_assert_true(slt_store_reply_history(f->store, "ELS@ede.nl", now - 86400, &h, &error));
	g_assert_cmpuint(h.kinds->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(h.kinds, 0), ==, "package");
	g_assert_cmpuint(h.packages->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(h.packages, 1), ==, "kwaliteit");
	slt_reply_history_clear(&h);
	/* The replies to anyone in the last hour, counted no further than
	 * the cap: both live ones, never the suppressed one. */
	guint n = 99;
	g_assert_true(slt_store_replies_since(f->store, now - 3600, 100, &n, &error));
	g_assert_cmpuint(n, ==, 2);
	g_assert_true(slt_store_replies_since(f->store, now - 3600, 1, &n, &error));
	g_assert_cmpuint(n, ==, 1);
	g_assert_true(slt_store_replies_since(f->store, now + 1, 100, &n, &error));
	g_assert_cmpuint(n, ==, 0);

	/* Sent: one statement, outside a transaction. */
	g_assert_true(slt_store_outbox_sent(f->store, a, now, &error));
	/* Retry later: not due now, due then. */
	g_assert_true(slt_store_outbox_retry(f->store, b, now + 60, "451 try later", &error));
	g_autoptr(GPtrArray) due2 = slt_store_outbox_due(f->store, now, 0, &error);
	g_assert_cmpuint(due2->len, ==, 0);
	g_autoptr(GPtrArray) due3 = slt_store_outbox_due(f->store, now + 60, 0, &error);
	g_assert_cmpuint(due3->len, ==, 1);
	g_assert_cmpint(((SltOutboxItem *)g_ptr_array_index(due3, 0))->attempts, ==, 1);
	/* Failed: visible with its reason; requeue brings it back. */
	g_assert_true(slt_store_outbox_failed(f->store, b, "550 no such user", &error));
	g_autoptr(GPtrArray) failed = slt_store_outbox_list(f->store, "failed", FALSE, 0, &error);
	g_assert_cmpuint(failed->len, ==, 1);
	g_assert_cmpstr(((SltOutboxItem *)g_ptr_array_index(failed, 0))->last_error, ==, "550 no such user");
	gint64 q, snt, fl, sp;
	g_assert_true(slt_store_outbox_counts(f->store, &q, &snt, &fl, &sp, &error));
	g_assert_cmpint(q, ==, 0);
	g_assert_cmpint(snt, ==, 1);
	g_assert_cmpint(fl, ==, 1);
	g_assert_cmpint(sp, ==, 1);
	g_assert_true(slt_store_outbox_requeue(f->store, b, &error));
	g_assert_false(slt_store_outbox_requeue(f->store, b, &error));  /* not failed any more */
	g_assert_error(error, SLT_STORE_ERROR, SLT_STORE_ERROR_NOT_FOUND);
	g_clear_error(&error);
	g_assert_false(slt_store_outbox_requeue(f->store, s, &error));  /* suppressed: no bytes */
	g_clear_error(&error);
	g_autoptr(GPtrArray) due4 = slt_store_outbox_due(f->store, now, 0, &error);
	g_assert_cmpuint(due4->len, ==, 1);

	/* Listing: suppressed only with all (or asked for). */
	g_autoptr(GPtrArray) l1 = slt_store_outbox_list(f->store, NULL, FALSE, 0, &error);
	g_assert_cmpuint(l1->len, ==, 2);
	g_autoptr(GPtrArray) l2 = slt_store_outbox_list(f->store, NULL, TRUE, 0, &error);
	g_assert_cmpuint(l2->len, ==, 3);
	g_autoptr(GPtrArray) l3 = slt_store_outbox_list(f->store, "suppressed", FALSE, 0, &error);
	g_assert_cmpuint(l3->len, ==, 1);
	g_assert_cmpstr(((SltOutboxItem *)g_ptr_array_index(l3, 0))->suppress_reason, ==, "automatisch");
}

static void
test_publication_once(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) raw = g_bytes_new_static("x\r\n", 3);
	for (int round = 0; round < 2; round++) {
		for (int v = 1; v <= 2; v++) {
			g_autofree char *mid = g_strdup_printf("p-%d-%d@test", round, v);
			SltOutboxNew o = { .message_id = mid, .kind = "publication", .rcpt = "jan@utrecht.nl",
					   .packages = "visie", .package_version = v, .raw = raw };
			gint64 id = -1;
			g_assert_true(slt_store_begin(f->store, &error));
			g_assert_true(slt_store_outbox_add(f->store, &o, &id, &error));
			g_assert_true(slt_store_commit(f->store, &error));
			/* The first round queues, the second is ignored. */
			if (round == 0)
				g_assert_cmpint(id, >, 0);
			else
				g_assert_cmpint(id, ==, 0);
		}
	}
	g_autoptr(GPtrArray) due = slt_store_outbox_due(f->store, slt_store_clock(), 0, &error);
	g_assert_cmpuint(due->len, ==, 2);
	/* Publications do not count for the per-sender limits. */
	SltReplyHistory h;
	gint64 now = slt_store_clock();
	g_assert_true(slt_store_reply_history(f->store, "jan@utrecht.nl", now - 86400, &h, &error));
	g_assert_cmpuint(h.kinds->len, ==, 0);
	slt_reply_history_clear(&h);
	/* Nor for the hourly cap. */
	guint n = 99;
	g_assert_true(slt_store_replies_since(f->store, now - 3600, 100, &n, &error));
	g_assert_cmpuint(n, ==, 0);
}

static void
test_backoff(void)
{
	g_assert_cmpint(slt_outbox_backoff(1), ==, 60);
	g_assert_cmpint(slt_outbox_backoff(2), ==, 120);
	g_assert_cmpint(slt_outbox_backoff(3), ==, 240);
	g_assert_cmpint(slt_outbox_backoff(8), ==, 60 * 128);
	g_assert_cmpint(slt_outbox_backoff(9), ==, 4 * 3600);
	g_assert_cmpint(slt_outbox_backoff(1000), ==, 4 * 3600);
	/* Over five days that is some 35 attempts, none closer than a minute. */
	gint64 t = 0;
	int n = 0;
	while (t < SLT_OUTBOX_GIVE_UP_SECONDS)
		t += slt_outbox_backoff(++n);
	g_assert_cmpint(n, >, 20);
	g_assert_cmpint(n, <, 50);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add("/store-outbox/packages", Fixture, NULL, setup, test_packages, teardown);
	g_test_add("/store-outbox/waitlist", Fixture, NULL, setup, test_waitlist, teardown);
	g_test_add("/store-outbox/outbox", Fixture, NULL, setup, test_outbox, teardown);
	g_test_add("/store-outbox/publication-once", Fixture, NULL, setup, test_publication_once, teardown);
	g_test_add_func("/store-outbox/backoff", test_backoff);
	return g_test_run();
}
