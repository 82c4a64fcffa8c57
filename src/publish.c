/* SPDX-License-Identifier: MIT */
/* publish: copy the files, then one transaction for the publication, the
 * mails and the waiting list (the guarantees are in publish.h). */
#include "publish.h"

#include <errno.h>
#include <string.h>
#include "catalogue.h"
#include "compose.h"
#include "log.h"
#include "store-outbox.h"

G_DEFINE_QUARK(slt-publish-error-quark, slt_publish_error)

typedef struct {
	char *name;     /* basename */
	GBytes *data;
} PubFile;

static void
pub_file_free(PubFile *f)
{
	g_free(f->name);
	g_bytes_unref(f->data);
	g_free(f);
}

static GPtrArray *
read_files(const char *const *files, GError **error)
{
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)pub_file_free);
	for (const char *const *f = files; f && *f; f++) {
		char *data = NULL;
		gsize len = 0;
		g_autoptr(GError) e = NULL;
		if (!g_file_get_contents(*f, &data, &len, &e)) {
			g_set_error(error, SLT_PUBLISH_ERROR, SLT_PUBLISH_ERROR_INVALID,
				    "cannot read '%s': %s", *f, e->message);
			return NULL;
		}
		PubFile *pf = g_new0(PubFile, 1);
		pf->name = g_path_get_basename(*f);
		pf->data = g_bytes_new_take(data, len);
		g_ptr_array_add(out, pf);
		g_autofree char *lower = g_ascii_strdown(pf->name, -1);
		if (len < 5 || memcmp(g_bytes_get_data(pf->data, NULL), "%PDF-", 5) != 0 ||
		    !g_str_has_suffix(lower, ".pdf") || pf->name[0] == '.' ||
		    !g_utf8_validate(pf->name, -1, NULL)) {
			g_set_error(error, SLT_PUBLISH_ERROR, SLT_PUBLISH_ERROR_INVALID,
				    "'%s' is not a PDF file (name ending in .pdf, content starting with %%PDF-)", *f);
			return NULL;
		}
		for (guint i = 0; i + 1 < out->len; i++)
			if (strcmp(((PubFile *)g_ptr_array_index(out, i))->name, pf->name) == 0) {
				g_set_error(error, SLT_PUBLISH_ERROR, SLT_PUBLISH_ERROR_INVALID,
					    "two files are named '%s'", pf->name);
				return NULL;
			}
	}
	if (!out->len) {
		g_set_error(error, SLT_PUBLISH_ERROR, SLT_PUBLISH_ERROR_INVALID,
			    "no files to publish");
		return NULL;
	}
	return g_steal_pointer(&out);
}

/* Are these exactly the files (names and bytes) of the published version? */
static gboolean
same_as_published(const SltPublishRequest *req, const SltStorePackage *p, GPtrArray *files)
{
	if (!p->published || g_strv_length(p->files) != files->len)
		return FALSE;
	for (guint i = 0; i < files->len; i++) {
		PubFile *pf = g_ptr_array_index(files, i);
		g_autofree char *base = g_path_get_basename(p->files[i]);
		if (strcmp(base, pf->name) != 0)
			return FALSE;
		g_autofree char *path = g_build_filename(req->cfg->packages_dir, p->files[i], NULL);
		g_autofree char *data = NULL;
		gsize len = 0;
		if (!g_file_get_contents(path, &data, &len, NULL))
			return FALSE;
		gsize want = 0;
		const void *d = g_bytes_get_data(pf->data, &want);
		if (len != want || memcmp(data, d, len) != 0)
			return FALSE;
	}
	return TRUE;
}

/* Copy to DIR/PACKAGE/vN/NAME, each file written whole and synced
 * before the database names it. Returns the relative paths. */
static GPtrArray *
copy_files(const SltPublishRequest *req, int version, GPtrArray *files, GError **error)
{
	g_autofree char *rel_dir = g_strdup_printf("%s/v%d", req->package, version);
	g_autofree char *dir = g_build_filename(req->cfg->packages_dir, rel_dir, NULL);
	if (g_mkdir_with_parents(dir, 0755) != 0) {
		g_set_error(error, SLT_PUBLISH_ERROR, SLT_PUBLISH_ERROR_COPY,
			    "cannot create '%s': %s", dir, g_strerror(errno));
		return NULL;
	}
	g_autoptr(GPtrArray) rel = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < files->len; i++) {
		PubFile *pf = g_ptr_array_index(files, i);
		g_autofree char *path = g_build_filename(dir, pf->name, NULL);
		gsize len = 0;
		const char *d = g_bytes_get_data(pf->data, &len);
		g_autoptr(GError) e = NULL;
		if (!g_file_set_contents_full(path, d, len,
					      G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
					      0644, &e)) {
			g_set_error(error, SLT_PUBLISH_ERROR, SLT_PUBLISH_ERROR_COPY,
				    "cannot write '%s': %s", path, e->message);
			return NULL;
		}
		g_ptr_array_add(rel, g_strdup_printf("%s/%s", rel_dir, pf->name));
	}
	return g_steal_pointer(&rel);
}

/* Queue the mail for one waiting person. */
static gboolean
mail_one(const SltPublishRequest *req, const SltComposer *composer, const SltStorePackage *p,
	 const SltWaitEntry *w, SltPublishResult *res, GError **error)
{
	g_autofree char *orig_id = NULL, *orig_subject = NULL, *orig_name = NULL, *org = NULL;
	if (w->request_id && !slt_store_request_origin(req->store, w->request_id, &orig_id,
						       &orig_subject, &orig_name, &org, error))
		return FALSE;
	g_autoptr(GPtrArray) ids = g_ptr_array_new();
	g_ptr_array_add(ids, p->id);
	gint64 size = slt_compose_package_size(composer, p);
	gboolean link = req->cfg->download_base_url && *req->cfg->download_base_url &&
			req->cfg->attach_max > 0 && size > req->cfg->attach_max;
	g_autofree char *ref = w->request_id ? slt_store_ref_format(w->request_id) : NULL;
	g_autofree char *subject = ref ? g_strdup_printf("Werkpakket %s is verschenen [%s]", p->title, ref)
				       : g_strdup_printf("Werkpakket %s is verschenen", p->title);
	SltComposeRequest cr = {
		.kind = SLT_TEMPLATE_PUBLICATION,
		.request_id = w->request_id,
		.to_addr = w->addr,
		.to_name = w->name ? w->name : orig_name,
		.org = org,
		.theme = p->id,
		.subject = subject,
		.their_subject = orig_subject,
		.in_reply_to = orig_id,
		/* Not a reply to a message of theirs in the RFC 3834 sense. */
		.auto_submitted = "auto-generated",
		.attach = link ? NULL : ids,
		.link = link ? ids : NULL,
		.package = p->id,
	};
	g_autofree char *mid = NULL;
	g_autoptr(GBytes) raw = slt_compose(composer, &cr, &mid, error);
	if (!raw)
		return FALSE;
	SltOutboxNew o = {
		.request_id = w->request_id,
		.message_id = mid,
		.kind = "publication",
		.rcpt = w->addr,
		.subject = subject,
		.packages = p->id,
		.package_version = p->version,
		.raw = raw,
	};
	gint64 id = 0;
	if (!slt_store_outbox_add(req->store, &o, &id, error))
		return FALSE;
	gboolean done = FALSE;
	if (!slt_store_waitlist_notified(req->store, w->id, p->version, &done, error))
		return FALSE;
	if (!id) {
		res->already++;
		return TRUE;
	}
	res->queued++;
	if (!w->request_id)
		return TRUE;
	g_autofree char *detail = g_strdup_printf("%s version %d queued to %s (outbox %" G_GINT64_FORMAT ")",
						  p->id, p->version, w->addr, id);
	return slt_store_history_add(req->store, w->request_id, req->who, "publication", detail, error);
}

gboolean
slt_publish(const SltPublishRequest *req, SltPublishResult *res, GError **error)
{
	g_return_val_if_fail(req && req->cfg && req->store && req->templates && req->package, FALSE);
	SltPublishResult dummy;
	if (!res)
		res = &dummy;
	*res = (SltPublishResult){ 0 };
	if (!slt_catalogue_is_id(req->package)) {
		g_set_error(error, SLT_PUBLISH_ERROR, SLT_PUBLISH_ERROR_INVALID,
			    "no package '%s' (known: visie, goed-bestuur, netwerksamenwerking, "
			    "kwaliteit, inkoop-bekostiging)", req->package);
		return FALSE;
	}
	g_autoptr(GPtrArray) files = read_files(req->files, error);
	if (!files)
		return FALSE;
	g_autoptr(SltStorePackage) cur = slt_store_package_get(req->store, req->package, error);
	if (!cur)
		return FALSE;
	res->new_version = !same_as_published(req, cur, files);
	res->version = res->new_version ? cur->version + 1 : cur->version;
	g_autoptr(GPtrArray) rel = NULL;
	if (res->new_version && !(rel = copy_files(req, res->version, files, error)))
		return FALSE;

	if (!slt_store_begin(req->store, error))
		return FALSE;
	if (res->new_version &&
	    !slt_store_publication_add(req->store, req->package, res->version, rel, req->who, error))
		goto rollback;
	{
		g_autoptr(GPtrArray) pkgs = slt_store_packages_list(req->store, error);
		if (!pkgs)
			goto rollback;
		SltComposer composer = {
			.templates = req->templates,
			.from = req->cfg->smtp_from,
			.domain = req->cfg->smtp_domain,
			.contact = req->cfg->staff_contact,
			.packages_dir = req->cfg->packages_dir,
			.download_url = req->cfg->download_base_url,
			.packages = pkgs,
		};
		const SltStorePackage *p = slt_compose_package(&composer, req->package);
		g_autoptr(GPtrArray) waiting = slt_store_waitlist_list(req->store, req->package, error);
		if (!waiting)
			goto rollback;
		for (guint i = 0; i < waiting->len; i++)
			if (!mail_one(req, &composer, p, g_ptr_array_index(waiting, i), res, error))
				goto rollback;
	}
	return slt_store_commit(req->store, error);

	/* Nothing of this run stays in the database; copied files are
	 * harmless (a rerun writes the same version again). */
rollback:
	slt_store_rollback(req->store);
	return FALSE;
}
