/* SPDX-License-Identifier: MIT */
/* compose: template variables from the packages' state, package files as
 * attachments, and reply.c for the mail itself. RFC 5322, 2045-2047,
 * 2231 through reply.c. */
#include "compose.h"

#include <string.h>
#include <sys/stat.h>
#include "reply.h"

G_DEFINE_QUARK(slt-compose-error-quark, slt_compose_error)

#define DEFAULT_CONTACT "het team Stevige lokale teams"

const SltStorePackage *
slt_compose_package(const SltComposer *c, const char *id)
{
	for (guint i = 0; c->packages && id && i < c->packages->len; i++) {
		const SltStorePackage *p = g_ptr_array_index(c->packages, i);
		if (strcmp(p->id, id) == 0)
			return p;
	}
	return NULL;
}

gint64
slt_compose_package_size(const SltComposer *c, const SltStorePackage *p)
{
	gint64 total = 0;
	for (char **f = p->files; *f; f++) {
		g_autofree char *path = g_build_filename(c->packages_dir, *f, NULL);
		struct stat st;
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			return -1;
		total += st.st_size;
	}
	return total;
}

char *
slt_compose_greeting_name(const char *name)
{
	if (!name)
		return NULL;
	g_autofree char *n = g_strdup(name);
	g_strdelimit(n, "\"", ' ');
	g_strstrip(n);
	if (!*n || strchr(n, '@'))
		return NULL;
	char *comma = strchr(n, ',');
	if (!comma || strchr(comma + 1, ','))
		return g_steal_pointer(&n);
	*comma = '\0';
	g_autofree char *last = g_strstrip(g_strdup(n));
	g_autofree char *first = g_strstrip(g_strdup(comma + 1));
	if (!*first)
		return g_steal_pointer(&last);
	if (!*last)
		return g_steal_pointer(&first);
	return g_strdup_printf("%s %s", first, last);
}

char *
slt_compose_org_display(const char *org)
{
	if (!org || !*org)
		return NULL;
	const char *colon = strchr(org, ':');
	if (!colon)
		return g_strdup(org);
	if (g_str_has_prefix(org, "gemeente:"))
		return g_strdup_printf("gemeente %s", colon + 1);
	return colon[1] ? g_strdup(colon + 1) : NULL;
}

/* The download link of a package: the base URL and the package id. */
static char *
link_of(const SltComposer *c, const char *id)
{
	if (!c->download_url || !*c->download_url)
		return NULL;
	return g_strdup_printf("%s%s%s", c->download_url,
			       g_str_has_suffix(c->download_url, "/") ? "" : "/", id);
}

/* Template items for a list of package ids; strings kept in keep. */
static SltTemplatePackage *
items_for(const SltComposer *c, const GPtrArray *ids, guint *n, GPtrArray *keep)
{
	*n = ids ? ids->len : 0;
	SltTemplatePackage *items = g_new0(SltTemplatePackage, *n + 1);
	for (guint i = 0; i < *n; i++) {
		const char *id = g_ptr_array_index(ids, i);
		const SltStorePackage *p = slt_compose_package(c, id);
		SltTemplatePackage *it = &items[i];
		it->id = id;
		it->title = p && p->title ? p->title : id;
		it->expected = p ? p->expected : NULL;
		if (p && p->version) {
			char *v = g_strdup_printf("%d", p->version);
			g_ptr_array_add(keep, v);
			it->version = v;
		}
		char *url = link_of(c, id);
		if (url) {
			g_ptr_array_add(keep, url);
			it->url = url;
		}
		if (p && p->files[0]) {
			GString *names = g_string_new(NULL);
			for (char **f = p->files; *f; f++) {
				g_autofree char *base = g_path_get_basename(*f);
				g_string_append_printf(names, "%s%s", names->len ? ", " : "", base);
			}
			char *s = g_string_free(names, FALSE);
			g_ptr_array_add(keep, s);
			it->files = s;
		}
	}
	return items;
}

/* Read the files of the attached packages into atts; the bytes are kept
 * alive by bytes, the names by names. */
static gboolean
read_attachments(const SltComposer *c, const GPtrArray *ids, GArray *atts,
		 GPtrArray *bytes, GPtrArray *names, GError **error)
{
	for (guint i = 0; ids && i < ids->len; i++) {
		const SltStorePackage *p = slt_compose_package(c, g_ptr_array_index(ids, i));
		if (!p || !p->files[0]) {
			g_set_error(error, SLT_COMPOSE_ERROR, SLT_COMPOSE_ERROR_FILE,
				    "package '%s' has no files to attach",
				    (const char *)g_ptr_array_index(ids, i));
			return FALSE;
		}
		for (char **f = p->files; *f; f++) {
			g_autofree char *path = g_build_filename(c->packages_dir, *f, NULL);
			char *data = NULL;
			gsize len = 0;
			g_autoptr(GError) e = NULL;
			if (!g_file_get_contents(path, &data, &len, &e)) {
				g_set_error(error, SLT_COMPOSE_ERROR, SLT_COMPOSE_ERROR_FILE,
					    "cannot read package file '%s': %s", path, e->message);
				return FALSE;
			}
			GBytes *b = g_bytes_new_take(data, len);
			char *name = g_path_get_basename(*f);
			g_ptr_array_add(bytes, b);
			g_ptr_array_add(names, name);
			SltReplyAttachment a = { name, b, "application/pdf" };
			g_array_append_val(atts, a);
		}
	}
	return TRUE;
}

GBytes *
slt_compose(const SltComposer *c, const SltComposeRequest *r, char **message_id,
	    GError **error)
{
	g_return_val_if_fail(c && r && r->kind && message_id, NULL);
	g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) bytes = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);

	SltTemplateVars v = { 0 };
	g_autofree char *org = slt_compose_org_display(r->org);
	g_autofree char *ref = r->request_id ? g_strdup_printf("SLT-%" G_GINT64_FORMAT, r->request_id) : NULL;
	const SltStorePackage *theme_pkg = slt_compose_package(c, r->theme);
	g_autofree char *greeting = slt_compose_greeting_name(r->to_name);
	v.name = greeting;
	v.organisation = org;
	v.theme = r->theme && *r->theme ? r->theme : "algemeen";
	v.theme_title = theme_pkg ? theme_pkg->title : "Stevige lokale teams";
	v.ref = ref;
	v.contact = c->contact && *c->contact ? c->contact : DEFAULT_CONTACT;
	v.subject = r->their_subject;
	g_autofree SltTemplatePackage *att = items_for(c, r->attach, &v.n_attached, keep);
	g_autofree SltTemplatePackage *lnk = items_for(c, r->link, &v.n_linked, keep);
	g_autofree SltTemplatePackage *wt = items_for(c, r->wait, &v.n_waiting, keep);
	g_autofree SltTemplatePackage *rm = items_for(c, r->removed, &v.n_removed, keep);
	v.attached = att;
	v.linked = lnk;
	v.waiting = wt;
	v.removed = rm;
	g_autoptr(GPtrArray) one = g_ptr_array_new();
	g_autofree SltTemplatePackage *pkg = NULL;
	if (r->package) {
		g_ptr_array_add(one, (gpointer)r->package);
		guint n;
		pkg = items_for(c, one, &n, keep);
		v.package = pkg;
	}

	g_autofree char *text = NULL, *html = NULL;
	if (!slt_templates_render(c->templates, r->kind, &v, &text, &html, error))
		return NULL;

	g_autoptr(GArray) atts = g_array_new(FALSE, TRUE, sizeof(SltReplyAttachment));
	if (!read_attachments(c, r->attach, atts, bytes, keep, error))
		return NULL;

	g_autofree char *mid = slt_reply_message_id(r->request_id, c->domain);
	SltReply reply = {
		.from = c->from,
		.to_addr = r->to_addr,
		.to_name = r->to_name,
		.subject = r->subject,
		.message_id = mid,
		.in_reply_to = r->in_reply_to,
		.references = r->references,
		.auto_submitted = r->auto_submitted,
		.text = text,
		.html = html,
		.attachments = (const SltReplyAttachment *)atts->data,
		.n_attachments = atts->len,
	};
	GBytes *raw = slt_reply_compose(&reply, error);
	if (raw)
		*message_id = g_steal_pointer(&mid);
	return raw;
}
