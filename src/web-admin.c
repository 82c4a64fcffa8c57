/* SPDX-License-Identifier: MIT */
/* web-admin: the desk pages of the web view: packages with publish (an
 * upload, or files already in [packages] dir), waiting lists, the outbox
 * with retry, dead letters with reprocess, the organisations learned per
 * sender domain with set and forget (sltctl orgs), and statistics with
 * SVG charts drawn here (no script, no images from elsewhere). Reads and
 * actions are the queue layer's, publish.h's and the store's, the same
 * calls sltctl makes. */
#include "web.h"

#include <string.h>
#include <unistd.h>
#include <microhttpd.h>

#include "queue.h"
#include "catalogue.h"
#include "store-outbox.h"
#include "publish.h"
#include "respond.h"
#include "classify.h"
#include "web-escape.h"
#include "data.h"

static void
fail_page(SltWebReq *r, const GError *err)
{
	guint st = MHD_HTTP_INTERNAL_SERVER_ERROR;
	if ((err->domain == SLT_QUEUE_ERROR && err->code == SLT_QUEUE_ERROR_NOT_FOUND) ||
	    (err->domain == SLT_STORE_ERROR && err->code == SLT_STORE_ERROR_NOT_FOUND))
		st = MHD_HTTP_NOT_FOUND;
	else if ((err->domain == SLT_QUEUE_ERROR && err->code == SLT_QUEUE_ERROR_INVALID) ||
		 err->domain == SLT_PUBLISH_ERROR)
		st = MHD_HTTP_BAD_REQUEST;
	slt_web_error_page(r, st, "Niet gelukt", err->message);
}

/* ---- packages -------------------------------------------------------- */

/* PDFs directly in [packages] dir that staff may choose to publish. */
static GPtrArray *
dir_files(const char *dir)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *n;
	while (d && (n = g_dir_read_name(d))) {
		g_autofree char *p = g_build_filename(dir, n, NULL);
		g_autofree char *lower = g_ascii_strdown(n, -1);
		if (g_str_has_suffix(lower, ".pdf") && g_file_test(p, G_FILE_TEST_IS_REGULAR))
			g_ptr_array_add(out, g_strdup(n));
	}
	g_ptr_array_sort(out, (GCompareFunc)g_strcmp0);
	return out;
}

void
slt_web_page_packages(SltWebReq *r)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) pkgs = slt_store_packages_list(r->store, &err);
	if (!pkgs) {
		fail_page(r, err);
		return;
	}
	g_autoptr(GPtrArray) waits = slt_store_waitlist_list(r->store, NULL, &err);
	g_autoptr(GPtrArray) files = dir_files(r->cfg->packages_dir);
	slt_web_page_begin(r, "Pakketten", "packages");
	slt_web_printf(r, "<h1>Pakketten</h1>\n");
	if (g_strcmp0(slt_web_arg(r, "ok"), "1") == 0)
		slt_web_printf(r, "<p class=\"ok\" role=\"status\">Gepubliceerd: versie %s, %s mail(s) klaargezet.</p>\n",
			       slt_web_arg(r, "versie") ? slt_web_arg(r, "versie") : "?",
			       slt_web_arg(r, "mails") ? slt_web_arg(r, "mails") : "0");
	for (guint i = 0; i < pkgs->len; i++) {
		const SltStorePackage *p = pkgs->pdata[i];
		guint waiting = 0;
		for (guint j = 0; waits && j < waits->len; j++)
			waiting += g_strcmp0(((SltWaitEntry *)waits->pdata[j])->package, p->id) == 0;
		g_autofree char *at = slt_web_time(p->published_at);
		slt_web_printf(r, "<section class=\"package\" aria-labelledby=\"p-%s\"><h2 id=\"p-%s\">%s</h2>\n"
			       "<dl class=\"facts\"><dt>Id</dt><dd>%s</dd><dt>Stand</dt><dd>%s</dd>",
			       p->id, p->id, p->title ? p->title : p->id, p->id,
			       p->published ? "gepubliceerd" : "nog niet gepubliceerd");
		if (p->published)
			slt_web_printf(r, "<dt>Versie</dt><dd>%d (%s)</dd>", p->version, at);
		else if (p->expected)
			slt_web_printf(r, "<dt>Verwacht</dt><dd>%s</dd>", p->expected);
		slt_web_printf(r, "<dt>Bestanden</dt><dd>");
		for (guint k = 0; p->files[k]; k++)
			slt_web_printf(r, "%s%s", k ? ", " : "", p->files[k]);
		if (!p->files[0])
			slt_web_printf(r, "-");
		g_autofree char *wl = g_strdup_printf("/wachtlijst?pakket=%s", p->id);
		slt_web_printf(r, "</dd><dt>Wachtlijst</dt><dd><a href=\"%s\">%u wachtend</a></dd></dl>\n", wl, waiting);
		g_autofree char *act = g_strdup_printf("/pakketten/%s/publiceren", p->id);
		slt_web_form_begin(r, act, TRUE);
		slt_web_printf(r, "<fieldset><legend>Nieuwe versie publiceren</legend>"
			       "<p><label for=\"u-%s\">PDF uploaden</label><input type=\"file\" id=\"u-%s\" name=\"bestand\" accept=\"application/pdf\" multiple></p>\n",
			       p->id, p->id);
		if (files->len) {
			slt_web_printf(r, "<p>of kies bestanden uit de pakkettenmap:</p><ul class=\"plain\">");
			for (guint k = 0; k < files->len; k++)
				slt_web_printf(r, "<li><input type=\"checkbox\" id=\"c-%s-%u\" name=\"kies\" value=\"%s\">"
					       "<label class=\"inline\" for=\"c-%s-%u\">%s</label></li>",
					       p->id, k, (const char *)files->pdata[k], p->id, k, (const char *)files->pdata[k]);
			slt_web_printf(r, "</ul>\n");
		}
		slt_web_printf(r, "<p><button type=\"submit\">Publiceren en wachtlijst mailen</button></p></fieldset></form></section>\n");
	}
	slt_web_page_end(r);
}

/* A file name from an upload, made safe for a file in a directory of
 * ours: the last path part, only [A-Za-z0-9._-], no leading dot. */
static char *
safe_name(const char *name)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	const char *b2 = strrchr(base, '\\');
	base = b2 ? b2 + 1 : base;
	GString *s = g_string_new(NULL);
	for (const char *p = base; *p; p++)
		g_string_append_c(s, g_ascii_isalnum(*p) || strchr("._-", *p) ? *p : '_');
	while (s->len && s->str[0] == '.')
		g_string_erase(s, 0, 1);
	if (!s->len)
		g_string_assign(s, "pakket.pdf");
	return g_string_free(s, FALSE);
}

void
slt_web_action_publish(SltWebReq *r, const char *package)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *tmpdir = NULL;
	g_autoptr(GPtrArray) chosen = slt_web_args(r, "kies");
	g_autoptr(GPtrArray) allowed = dir_files(r->cfg->packages_dir);
	for (guint i = 0; i < r->files->len; i++) {
		const SltWebUpload *u = r->files->pdata[i];
		if (!u->data->len)
			continue;    /* the empty file input of a form without upload */
		if (!tmpdir && !(tmpdir = g_dir_make_tmp("sltweb-XXXXXX", &err))) {
			fail_page(r, err);
			return;
		}
		g_autofree char *name = safe_name(u->filename);
		char *p = g_build_filename(tmpdir, name, NULL);
		g_ptr_array_add(paths, p);
		if (!g_file_set_contents(p, (const char *)u->data->data, u->data->len, &err))
			goto out;
	}
	for (guint i = 0; i < chosen->len; i++) {
		/* Only a name the page offered: never a path from the form. */
		gboolean ok = FALSE;
		for (guint k = 0; k < allowed->len; k++)
			ok |= strcmp(allowed->pdata[k], chosen->pdata[i]) == 0;
		if (!ok) {
			slt_web_error_page(r, MHD_HTTP_BAD_REQUEST, "Ongeldige invoer",
					   "Dat bestand staat niet in de pakkettenmap.");
			goto out;
		}
		g_ptr_array_add(paths, g_build_filename(r->cfg->packages_dir, chosen->pdata[i], NULL));
	}
	if (!paths->len) {
		slt_web_error_page(r, MHD_HTTP_BAD_REQUEST, "Ongeldige invoer",
				   "Kies of upload minstens een PDF-bestand.");
		goto out;
	}
	g_ptr_array_add(paths, NULL);
	{
		g_autoptr(SltResponder) resp = slt_responder_new(r->cfg, r->store, &err);
		if (!resp)
			goto out;
		SltPublishRequest req = {
			.cfg = r->cfg, .store = r->store, .templates = slt_responder_templates(resp),
			.package = package, .files = (const char *const *)paths->pdata, .who = r->user,
		};
		SltPublishResult res = { 0 };
		if (!slt_publish(&req, &res, &err))
			goto out;
		g_autofree char *loc = g_strdup_printf("/pakketten?ok=1&versie=%d&mails=%u", res.version, res.queued);
		slt_web_redirect(r, loc);
	}
out:
	if (err)
		fail_page(r, err);
	if (tmpdir) {
		for (guint i = 0; i < paths->len; i++)
			if (paths->pdata[i] && g_str_has_prefix(paths->pdata[i], tmpdir))
				unlink(paths->pdata[i]);
		rmdir(tmpdir);
	}
}

void
slt_web_page_waitlist(SltWebReq *r)
{
	g_autoptr(GError) err = NULL;
	const char *pkg = slt_web_arg(r, "pakket");
	if (pkg && !*pkg)
		pkg = NULL;
	g_autoptr(GPtrArray) waits = slt_store_waitlist_list(r->store, pkg, &err);
	if (!waits) {
		fail_page(r, err);
		return;
	}
	slt_web_page_begin(r, "Wachtlijsten", "waitlist");
	slt_web_printf(r, "<h1>Wachtlijsten</h1>\n<form method=\"get\" action=\"/wachtlijst\"><p>"
		       "<label for=\"w-p\">Pakket</label><select id=\"w-p\" name=\"pakket\"><option value=\"\">(alle)</option>");
	for (guint i = 0; slt_catalogue_ids[i]; i++)
		slt_web_printf(r, g_strcmp0(pkg, slt_catalogue_ids[i]) == 0
			       ? "<option selected>%s</option>" : "<option>%s</option>", slt_catalogue_ids[i]);
	slt_web_printf(r, "</select> <button type=\"submit\">Tonen</button></p></form>\n");
	if (!waits->len) {
		slt_web_printf(r, "<p>Niemand wacht.</p>\n");
	} else {
		slt_web_printf(r, "<table><caption>%u wachtend</caption><thead><tr><th scope=\"col\">Pakket</th>"
			       "<th scope=\"col\">Naam</th><th scope=\"col\">Adres</th><th scope=\"col\">Sinds</th>"
			       "<th scope=\"col\">Verzoek</th></tr></thead><tbody>\n", waits->len);
		for (guint i = 0; i < waits->len; i++) {
			const SltWaitEntry *w = waits->pdata[i];
			g_autofree char *at = slt_web_time(w->added_at);
			slt_web_printf(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>",
				       w->package, w->name ? w->name : "", w->addr, at);
			if (w->request_id)
				slt_web_printf(r, "<a href=\"/verzoek/%ld\">SLT-%ld</a>", (long)w->request_id,
					       (long)w->request_id);
			slt_web_printf(r, "</td></tr>\n");
		}
		slt_web_printf(r, "</tbody></table>\n");
	}
	slt_web_page_end(r);
}

/* ---- outbox and dead letters ----------------------------------------- */

static const char *
state_label(const char *s)
{
	static const struct { const char *id, *label; } m[] = {
		{ "queued", "in de wachtrij" }, { "sent", "verstuurd" }, { "failed", "mislukt" },
		{ "suppressed", "niet verstuurd" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(m); i++)
		if (g_strcmp0(s, m[i].id) == 0)
			return m[i].label;
	return s ? s : "-";
}

void
slt_web_page_outbox(SltWebReq *r)
{
	g_autoptr(GError) err = NULL;
	gboolean all = g_strcmp0(slt_web_arg(r, "alles"), "1") == 0;
	g_autoptr(GPtrArray) items = slt_store_outbox_list(r->store, NULL, all, 500, &err);
	if (!items) {
		fail_page(r, err);
		return;
	}
	slt_web_page_begin(r, "Uitgaand", "outbox");
	slt_web_printf(r, "<h1>Uitgaande antwoorden</h1>\n");
	if (g_strcmp0(slt_web_arg(r, "ok"), "1") == 0)
		slt_web_printf(r, "<p class=\"ok\" role=\"status\">Opnieuw in de wachtrij gezet.</p>\n");
	slt_web_printf(r, all ? "<p><a href=\"/uitgaand\">Zonder onderdrukte antwoorden</a></p>\n"
		       : "<p><a href=\"/uitgaand?alles=1\">Ook onderdrukte antwoorden</a></p>\n");
	if (!items->len) {
		slt_web_printf(r, "<p>Geen antwoorden.</p>\n");
		slt_web_page_end(r);
		return;
	}
	slt_web_printf(r, "<table><caption>%u antwoorden, nieuwste eerst</caption><thead><tr>"
		       "<th scope=\"col\">Nr</th><th scope=\"col\">Verzoek</th><th scope=\"col\">Soort</th>"
		       "<th scope=\"col\">Aan</th><th scope=\"col\">Onderwerp</th><th scope=\"col\">Stand</th>"
		       "<th scope=\"col\">Pogingen</th><th scope=\"col\">Toelichting</th><th scope=\"col\">Actie</th>"
		       "</tr></thead><tbody>\n", items->len);
	for (guint i = 0; i < items->len; i++) {
		const SltOutboxItem *it = items->pdata[i];
		slt_web_printf(r, "<tr><td>%ld</td><td>", (long)it->id);
		if (it->request_id)
			slt_web_printf(r, "<a href=\"/verzoek/%ld\">SLT-%ld</a>", (long)it->request_id, (long)it->request_id);
		slt_web_printf(r, "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%d</td><td>%s</td><td>",
			       it->kind, it->rcpt ? it->rcpt : "", it->subject ? it->subject : "",
			       state_label(it->state), it->attempts,
			       it->suppress_reason ? it->suppress_reason : it->last_error ? it->last_error : "");
		if (g_strcmp0(it->state, "failed") == 0) {
			g_autofree char *act = g_strdup_printf("/uitgaand/%" G_GINT64_FORMAT "/opnieuw", it->id);
			slt_web_form_begin(r, act, FALSE);
			slt_web_printf(r, "<button type=\"submit\">Opnieuw proberen</button></form>");
		}
		slt_web_printf(r, "</td></tr>\n");
	}
	slt_web_printf(r, "</tbody></table>\n");
	slt_web_page_end(r);
}

void
slt_web_action_outbox_retry(SltWebReq *r, gint64 id)
{
	g_autoptr(GError) err = NULL;
	if (!slt_queue_outbox_retry(r->store, id, r->user, &err)) {
		fail_page(r, err);
		return;
	}
	slt_web_redirect(r, "/uitgaand?ok=1");
}

void
slt_web_page_deadletters(SltWebReq *r)
{
	g_autoptr(GError) err = NULL;
	gboolean all = g_strcmp0(slt_web_arg(r, "alles"), "1") == 0;
	g_autoptr(GPtrArray) dls = slt_store_dead_letters(r->store, all, &err);
	if (!dls) {
		fail_page(r, err);
		return;
	}
	slt_web_page_begin(r, "Onverwerkte berichten", "dead");
	slt_web_printf(r, "<h1>Onverwerkte berichten</h1>\n<p>Berichten die sltd niet kon lezen of vastleggen.</p>\n");
	/* Only a code in the URL: the words come from the database, so a
	 * link cannot put text of its own on this page. */
	const char *res = slt_web_arg(r, "resultaat");
	if (g_strcmp0(res, "ok") == 0)
		slt_web_printf(r, "<p class=\"ok\" role=\"status\">Opnieuw verwerkt.</p>\n");
	else if (g_strcmp0(res, "fout") == 0)
		slt_web_printf(r, "<p class=\"error\" role=\"alert\">Nog steeds niet te verwerken; zie de kolom Opnieuw verwerkt.</p>\n");
	slt_web_printf(r, all ? "<p><a href=\"/onbestelbaar\">Alleen openstaande</a></p>\n"
		       : "<p><a href=\"/onbestelbaar?alles=1\">Ook opnieuw verwerkte</a></p>\n");
	if (!dls->len) {
		slt_web_printf(r, "<p>Geen onverwerkte berichten.</p>\n");
		slt_web_page_end(r);
		return;
	}
	slt_web_printf(r, "<table><caption>%u berichten</caption><thead><tr><th scope=\"col\">Nr</th>"
		       "<th scope=\"col\">Wanneer</th><th scope=\"col\">Map</th><th scope=\"col\">UID</th>"
		       "<th scope=\"col\">Grootte</th><th scope=\"col\">Fout</th><th scope=\"col\">Opnieuw verwerkt</th>"
		       "<th scope=\"col\">Actie</th></tr></thead><tbody>\n", dls->len);
	for (guint i = 0; i < dls->len; i++) {
		const SltDeadLetterRow *d = dls->pdata[i];
		g_autofree char *at = slt_web_time(d->created_at);
		slt_web_printf(r, "<tr><td>%ld</td><td>%s</td><td>%s</td><td>%u</td><td>%ld</td><td>%s</td><td>%s</td><td>",
			       (long)d->id, at, d->mailbox ? d->mailbox : "", d->uid, (long)d->size,
			       d->error ? d->error : "", d->reprocess_result ? d->reprocess_result : "");
		if (d->has_raw && !d->message_row) {
			g_autofree char *act = g_strdup_printf("/onbestelbaar/%" G_GINT64_FORMAT "/opnieuw", d->id);
			slt_web_form_begin(r, act, FALSE);
			slt_web_printf(r, "<button type=\"submit\">Opnieuw verwerken</button></form>");
		}
		slt_web_printf(r, "</td></tr>\n");
	}
	slt_web_printf(r, "</tbody></table>\n");
	slt_web_page_end(r);
}

static SltClassifier *
load_classifier(const SltConfig *cfg, GError **error)
{
	g_autoptr(GBytes) model = NULL, lexicon = NULL;
	if (cfg->model_path && !(model = slt_data_get("model.tsv", cfg->model_path, error)))
		return NULL;
	if (cfg->lexicon_path && !(lexicon = slt_data_get("lexicon.txt", cfg->lexicon_path, error)))
		return NULL;
	return slt_classifier_new(model, lexicon, NULL, error);
}

void
slt_web_action_reprocess(SltWebReq *r, gint64 id)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(SltClassifier) c = load_classifier(r->cfg, &err);
	if (!c) {
		fail_page(r, err);
		return;
	}
	SltRecordResult res = { 0 };
	if (slt_queue_reprocess(r->store, c, id, r->user, &res, &err))
		slt_web_redirect(r, "/onbestelbaar?alles=1&resultaat=ok");
	else if (err->domain == SLT_QUEUE_ERROR && err->code == SLT_QUEUE_ERROR_INVALID)
		slt_web_redirect(r, "/onbestelbaar?alles=1&resultaat=fout");
	else
		fail_page(r, err);
}

/* ---- organisations per sender domain (sltctl orgs) -------------------- */

void
slt_web_page_orgs(SltWebReq *r)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) rows = slt_store_org_domains_list(r->store, &err);
	if (!rows) {
		fail_page(r, err);
		return;
	}
	slt_web_page_begin(r, "Organisaties", "orgs");
	slt_web_printf(r, "<h1>Organisaties per afzenderdomein</h1>\n"
		       "<p>sltd leert de organisatie van een domein uit de ondertekening van een bericht "
		       "(\"Stichting Wijkteams Rivierenland\" onder mail van wijkteamsrivierenland.nl) en geeft "
		       "die aan latere berichten van dat domein. Een fout geleerd domein corrigeert u hier; "
		       "sltd vervangt een vastgelegde organisatie nooit. Een wijziging geldt vanaf het volgende "
		       "bericht dat binnenkomt.</p>\n");
	const char *ok = slt_web_arg(r, "ok");
	if (ok && slt_web_arg(r, "domein"))
		slt_web_printf(r, "<p class=\"ok\" role=\"status\">%s: %s.</p>\n", slt_web_arg(r, "domein"),
			       strcmp(ok, "vergeten") == 0 ? "vergeten" : "vastgelegd");
	slt_web_form_begin(r, "/organisaties/vastleggen", FALSE);
	slt_web_printf(r, "<fieldset><legend>Organisatie vastleggen</legend>"
		       "<p><label for=\"o-domain\">Domein</label><input id=\"o-domain\" name=\"domein\" required "
		       "placeholder=\"wijkteamtiel.nl\"></p>"
		       "<p><label for=\"o-org\">Organisatie</label><input id=\"o-org\" name=\"organisatie\" required "
		       "size=\"40\" placeholder=\"team:NAAM of overig:NAAM\"></p>"
		       "<p><button type=\"submit\">Vastleggen</button></p></fieldset></form>\n");
	if (!rows->len) {
		slt_web_printf(r, "<p>Nog geen geleerde domeinen.</p>\n");
		slt_web_page_end(r);
		return;
	}
	slt_web_printf(r, "<table><caption>%u domeinen</caption><thead><tr><th scope=\"col\">Domein</th>"
		       "<th scope=\"col\">Organisatie</th><th scope=\"col\">Door</th><th scope=\"col\">Sinds</th>"
		       "<th scope=\"col\">Geleerd uit</th><th scope=\"col\">Actie</th>"
		       "</tr></thead><tbody>\n", rows->len);
	for (guint i = 0; i < rows->len; i++) {
		const SltOrgDomain *d = rows->pdata[i];
		g_autofree char *at = slt_web_time(d->at);
		slt_web_printf(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>", d->domain, d->org,
			       g_strcmp0(d->set_by, "staff") == 0 ? "medewerker" : "sltd", at);
		if (d->request_id)
			slt_web_printf(r, "<a href=\"/verzoek/%ld\">SLT-%ld</a>", (long)d->request_id,
				       (long)d->request_id);
		slt_web_printf(r, "</td><td>");
		slt_web_form_begin(r, "/organisaties/vergeten", FALSE);
		slt_web_printf(r, "<input type=\"hidden\" name=\"domein\" value=\"%s\">"
			       "<button type=\"submit\" aria-label=\"%s vergeten\">Vergeten</button></form></td></tr>\n",
			       d->domain, d->domain);
	}
	slt_web_printf(r, "</tbody></table>\n");
	slt_web_page_end(r);
}

/* "vastleggen" (domein, organisatie: the rules of sltctl orgs set) or
 * "vergeten" (domein); both audited under the signed-in user. */
void
slt_web_action_orgs(SltWebReq *r, const char *action)
{
	g_autoptr(GError) err = NULL;
	const char *in = slt_web_arg(r, "domein");
	g_autofree char *typed = g_strstrip(g_strdup(in ? in : ""));
	g_autofree char *domain = g_ascii_strdown(typed, -1);
	if (strcmp(action, "vastleggen") == 0) {
		const char *org_in = slt_web_arg(r, "organisatie");
		g_autofree char *org = g_strstrip(g_strdup(org_in ? org_in : ""));
		if (!slt_org_check_pair(r->orgs, domain, org, &err)) {
			slt_web_error_page(r, MHD_HTTP_BAD_REQUEST, "Ongeldige invoer", err->message);
			return;
		}
		if (!slt_store_org_domain_set(r->store, domain, org, r->user, &err)) {
			fail_page(r, err);
			return;
		}
	} else {
		gboolean found = FALSE;
		if (!slt_store_org_domain_forget(r->store, domain, r->user, &found, &err)) {
			fail_page(r, err);
			return;
		}
		if (!found) {
			g_autofree char *msg = g_strdup_printf("Voor '%s' is geen organisatie bekend.", domain);
			slt_web_error_page(r, MHD_HTTP_NOT_FOUND, "Niet gevonden", msg);
			return;
		}
	}
	g_autofree char *esc = g_uri_escape_string(domain, NULL, FALSE);
	g_autofree char *back = g_strdup_printf("/organisaties?ok=%s&domein=%s",
						strcmp(action, "vastleggen") == 0 ? "1" : "vergeten", esc);
	slt_web_redirect(r, back);
}
