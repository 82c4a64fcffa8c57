/* SPDX-License-Identifier: MIT */
/* web-pages: the staff's pages of the web view: layout, sign-in, the
 * queue with the filters of `sltctl list`, search, one request (thread,
 * labels with evidence, replies, waiting list, history) and its actions
 * (assign, status, note, relabel with the reply it implies). All reads
 * and writes go through the queue layer (queue.h); this file only turns
 * them into HTML. Everything from a mail is printed through
 * slt_web_printf's %s or slt_web_text, which escape it. */
#include "web.h"

#include <string.h>
#include <microhttpd.h>

#include "queue.h"
#include "catalogue.h"
#include "web-escape.h"

/* ---- layout ---------------------------------------------------------- */

static const struct { const char *path, *id, *label; } nav[] = {
	{ "/", "queue", "Wachtrij" },
	{ "/zoeken", "search", "Zoeken" },
	{ "/pakketten", "packages", "Pakketten" },
	{ "/wachtlijst", "waitlist", "Wachtlijsten" },
	{ "/uitgaand", "outbox", "Uitgaand" },
	{ "/onbestelbaar", "dead", "Onverwerkt" },
	{ "/organisaties", "orgs", "Organisaties" },
	{ "/statistiek", "stats", "Statistiek" },
};

void
slt_web_page_begin(SltWebReq *r, const char *title, const char *current)
{
	slt_web_printf(r, "<!doctype html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		       "<title>%s - Stevige lokale teams</title>\n"
		       "<link rel=\"stylesheet\" href=\"/style.css\">\n</head>\n<body>\n"
		       "<a class=\"skip\" href=\"#inhoud\">Naar de inhoud</a>\n"
		       "<header><p class=\"brand\">Stevige lokale teams</p>\n", title);
	if (r->user) {
		slt_web_printf(r, "<nav aria-label=\"Hoofdmenu\"><ul>\n");
		for (gsize i = 0; i < G_N_ELEMENTS(nav); i++)
			slt_web_printf(r, g_strcmp0(current, nav[i].id) == 0
				       ? "<li><a href=\"%s\" aria-current=\"page\">%s</a></li>\n"
				       : "<li><a href=\"%s\">%s</a></li>\n", nav[i].path, nav[i].label);
		slt_web_printf(r, "</ul></nav>\n<div class=\"who\">Aangemeld als <strong>%s</strong> ",
			       r->user);
		slt_web_form_begin(r, "/afmelden", FALSE);
		slt_web_printf(r, "<button type=\"submit\">Afmelden</button></form></div>\n");
	}
	slt_web_printf(r, "</header>\n<main id=\"inhoud\">\n");
}

void
slt_web_page_end(SltWebReq *r)
{
	slt_web_printf(r, "</main>\n</body>\n</html>\n");
}

/* One line for a failure of the queue layer, with the right status. */
static void
queue_error(SltWebReq *r, const GError *err)
{
	guint st = MHD_HTTP_INTERNAL_SERVER_ERROR;
	const char *title = "Fout";
	if (err->domain == SLT_QUEUE_ERROR) {
		switch (err->code) {
		case SLT_QUEUE_ERROR_INVALID: st = MHD_HTTP_BAD_REQUEST; title = "Ongeldige invoer"; break;
		case SLT_QUEUE_ERROR_NOT_FOUND: st = MHD_HTTP_NOT_FOUND; title = "Niet gevonden"; break;
		case SLT_QUEUE_ERROR_CONFLICT: st = MHD_HTTP_CONFLICT; title = "Intussen gewijzigd"; break;
		case SLT_QUEUE_ERROR_UNAVAILABLE: st = MHD_HTTP_NOT_IMPLEMENTED; title = "Niet beschikbaar"; break;
		default: break;
		}
	} else if (err->domain == SLT_STORE_ERROR && err->code == SLT_STORE_ERROR_NOT_FOUND) {
		st = MHD_HTTP_NOT_FOUND;
		title = "Niet gevonden";
	} else if (err->domain == SLT_ORG_ERROR) {
		st = MHD_HTTP_BAD_REQUEST;
		title = "Ongeldige invoer";
	}
	slt_web_error_page(r, st, title, err->message);
}

/* ---- sign-in --------------------------------------------------------- */

void
slt_web_page_login(SltWebReq *r, const char *error)
{
	slt_web_page_begin(r, "Aanmelden", NULL);
	slt_web_printf(r, "<h1>Aanmelden</h1>\n");
	if (error)
		slt_web_printf(r, "<p class=\"error\" role=\"alert\">%s</p>\n", error);
	slt_web_form_begin(r, "/aanmelden", FALSE);
	slt_web_printf(r, "<p><label for=\"gebruiker\">Gebruikersnaam</label>"
		       "<input id=\"gebruiker\" name=\"gebruiker\" autocomplete=\"username\" required></p>\n"
		       "<p><label for=\"wachtwoord\">Wachtwoord</label>"
		       "<input id=\"wachtwoord\" name=\"wachtwoord\" type=\"password\" "
		       "autocomplete=\"current-password\" required></p>\n"
		       "<p><button type=\"submit\">Aanmelden</button></p></form>\n");
	slt_web_page_end(r);
}

/* ---- the queue ------------------------------------------------------- */

static void
select_field(SltWebReq *r, const char *name, const char *label, const char *const *ids, guint n,
	     const char *(*label_of)(const char *), const char *cur)
{
	slt_web_printf(r, "<p><label for=\"f-%s\">%s</label><select id=\"f-%s\" name=\"%s\">"
		       "<option value=\"\">(alle)</option>", name, label, name, name);
	for (guint i = 0; i < n && ids[i]; i++)
		slt_web_printf(r, "<option value=\"%s\"%s>%s</option>", ids[i],
			       g_strcmp0(cur, ids[i]) == 0 ? " selected" : "",
			       label_of ? label_of(ids[i]) : ids[i]);
	slt_web_printf(r, "</select></p>\n");
}

static void
text_field(SltWebReq *r, const char *name, const char *label, const char *cur, const char *hint)
{
	slt_web_printf(r, "<p><label for=\"f-%s\">%s</label><input id=\"f-%s\" name=\"%s\" value=\"%s\"",
		       name, label, name, name, cur ? cur : "");
	if (hint)
		slt_web_printf(r, " placeholder=\"%s\"", hint);
	slt_web_printf(r, "></p>\n");
}

static const char *
nonempty(SltWebReq *r, const char *name)
{
	const char *v = slt_web_arg(r, name);
	return v && *v ? v : NULL;
}

static void
request_table(SltWebReq *r, GPtrArray *rows, const char *caption)
{
	if (!rows->len) {
		slt_web_printf(r, "<p>Geen verzoeken gevonden.</p>\n");
		return;
	}
	slt_web_printf(r, "<table class=\"queue\">\n<caption>%s</caption>\n<thead><tr>"
		       "<th scope=\"col\">Verzoek</th><th scope=\"col\">Datum</th>"
		       "<th scope=\"col\">Organisatie</th><th scope=\"col\">Intentie</th>"
		       "<th scope=\"col\">Thema</th><th scope=\"col\">Status</th>"
		       "<th scope=\"col\">Behandelaar</th><th scope=\"col\">Onderwerp</th></tr></thead>\n<tbody>\n",
		       caption);
	for (guint i = 0; i < rows->len; i++) {
		const SltRequestRow *row = rows->pdata[i];
		g_autofree char *date = slt_web_time(row->opened_at);
		g_autofree char *link = g_strdup_printf("/verzoek/%" G_GINT64_FORMAT, row->id);
		slt_web_printf(r, "<tr><td><a href=\"%s\">%s</a>", link, row->ref);
		if (row->review)
			slt_web_printf(r, " <span class=\"review\" title=\"Twijfelachtige herkenning: controleer de labels\">controleren</span>");
		slt_web_printf(r, "</td><td>%s</td><td>%s</td><td>%s</td>"
			       "<td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
			       date, row->org ? row->org : "-", row->intent ? row->intent : "-",
			       row->theme ? row->theme : "-", slt_queue_status_label(row->status),
			       row->assignee ? row->assignee : "-",
			       row->subject && *row->subject ? row->subject : "(geen onderwerp)");
	}
	slt_web_printf(r, "</tbody></table>\n");
}

void
slt_web_page_queue(SltWebReq *r)
{
	g_autoptr(GError) err = NULL;
	SltQueueFilter f;
	slt_queue_filter_init(&f);
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	f.status = nonempty(r, "status");
	f.theme = nonempty(r, "theme");
	f.intent = nonempty(r, "intent");
	f.org = nonempty(r, "org");
	f.assignee = nonempty(r, "assignee");
	const char *review = nonempty(r, "review");
	const char *since = nonempty(r, "since");
	f.all = g_strcmp0(slt_web_arg(r, "all"), "1") == 0;
	if (review)
		f.review = strcmp(review, "1") == 0 ? 1 : strcmp(review, "0") == 0 ? 0 : -1;
	gboolean ok = (!f.status || slt_queue_check_status(f.status, &err)) &&
		      (!f.theme || slt_queue_check_theme(f.theme, &err)) &&
		      (!f.intent || slt_queue_check_intent(f.intent, &err)) &&
		      (!since || slt_queue_parse_date(since, FALSE, now, &f.since, &err));
	if (!ok) {
		queue_error(r, err);
		return;
	}
	g_autoptr(GPtrArray) rows = slt_queue_list(r->store, &f, &err);
	if (!rows) {
		queue_error(r, err);
		return;
	}
	slt_web_page_begin(r, "Wachtrij", "queue");
	slt_web_printf(r, "<h1>Wachtrij</h1>\n<form method=\"get\" action=\"/\" class=\"filters\">"
		       "<fieldset><legend>Filters</legend>\n");
	/* The label id arrays are not NULL-terminated: always pass the count. */
	select_field(r, "status", "Status", slt_queue_statuses, G_N_ELEMENTS(slt_queue_statuses),
		     slt_queue_status_label, f.status);
	select_field(r, "theme", "Thema", slt_theme_ids, G_N_ELEMENTS(slt_theme_ids), NULL, f.theme);
	select_field(r, "intent", "Intentie", slt_intent_ids, G_N_ELEMENTS(slt_intent_ids), NULL, f.intent);
	text_field(r, "org", "Organisatie", f.org, "bijv. Utrecht");
	text_field(r, "assignee", "Behandelaar", f.assignee, "naam, of - voor niemand");
	text_field(r, "since", "Sinds", since, "2026-03-01 of 7d");
	slt_web_printf(r, "<p><label for=\"f-review\">Controle</label><select id=\"f-review\" name=\"review\">"
		       "<option value=\"\">(alle)</option><option value=\"1\"%s>alleen te controleren</option>"
		       "<option value=\"0\"%s>alleen zeker</option></select></p>\n"
		       "<p><input type=\"checkbox\" id=\"f-all\" name=\"all\" value=\"1\"%s>"
		       "<label for=\"f-all\" class=\"inline\">ook afgeronde</label></p>\n"
		       "<p><button type=\"submit\">Filteren</button></p></fieldset></form>\n",
		       f.review == 1 ? " selected" : "", f.review == 0 ? " selected" : "",
		       f.all ? " checked" : "");
	g_autofree char *cap = g_strdup_printf("%u verzoeken, nieuwste eerst", rows->len);
	request_table(r, rows, cap);
	slt_web_page_end(r);
}

void
slt_web_page_search(SltWebReq *r)
{
	g_autoptr(GError) err = NULL;
	const char *q = nonempty(r, "q");
	g_autoptr(GPtrArray) rows = NULL;
	if (q) {
		rows = slt_queue_search(r->store, q, 200, &err);
		if (!rows) {
			queue_error(r, err);
			return;
		}
	}
	slt_web_page_begin(r, "Zoeken", "search");
	slt_web_printf(r, "<h1>Zoeken</h1>\n<form method=\"get\" action=\"/zoeken\" role=\"search\">"
		       "<p><label for=\"q\">Zoek in onderwerpen en teksten</label>"
		       "<input id=\"q\" name=\"q\" type=\"search\" value=\"%s\"></p>"
		       "<p><button type=\"submit\">Zoeken</button></p></form>\n", q ? q : "");
	if (rows) {
		g_autofree char *cap = g_strdup_printf("%u verzoeken met '%s'", rows->len, q);
		request_table(r, rows, cap);
	}
	slt_web_page_end(r);
}

/* ---- one request ------------------------------------------------------- */

static void
string_list(SltWebReq *r, const GPtrArray *a)
{
	if (!a || !a->len) {
		slt_web_printf(r, "-");
		return;
	}
	for (guint i = 0; i < a->len; i++)
		slt_web_printf(r, "%s%s", i ? ", " : "", (const char *)a->pdata[i]);
}

/* A block of mail text: always text in a <pre>, never markup. */
static void
text_block(SltWebReq *r, const char *cls, const char *s)
{
	slt_web_printf(r, "<pre class=\"%s\">%s</pre>\n", cls, s);
}

static void
checkboxes(SltWebReq *r, const char *name, const char *legend, const char *const *ids, guint n,
	   const GPtrArray *cur)
{
	slt_web_printf(r, "<fieldset><legend>%s</legend>", legend);
	for (guint i = 0; i < n && ids[i]; i++) {
		gboolean on = FALSE;
		for (guint j = 0; cur && j < cur->len; j++)
			on |= g_strcmp0(cur->pdata[j], ids[i]) == 0;
		slt_web_printf(r, "<span class=\"check\"><input type=\"checkbox\" id=\"%s-%s\" name=\"%s\" value=\"%s\"%s>"
			       "<label class=\"inline\" for=\"%s-%s\">%s</label></span> ",
			       name, ids[i], name, ids[i], on ? " checked" : "", name, ids[i], ids[i]);
	}
	slt_web_printf(r, "</fieldset>\n");
}

static void
label_select(SltWebReq *r, const char *name, const char *label, const char *const *ids, guint n,
	     const char *cur)
{
	slt_web_printf(r, "<p><label for=\"r-%s\">%s</label><select id=\"r-%s\" name=\"%s\">",
		       name, label, name, name);
	for (guint i = 0; i < n && ids[i]; i++)
		slt_web_printf(r, "<option value=\"%s\"%s>%s</option>", ids[i],
			       g_strcmp0(cur, ids[i]) == 0 ? " selected" : "", ids[i]);
	slt_web_printf(r, "</select></p>\n");
}

static void
request_page(SltWebReq *r, gint64 id, const SltRelabelResult *relabel)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(SltQueueItem) it = slt_queue_get_id(r->store, id, &err);
	if (!it) {
		queue_error(r, err);
		return;
	}
	const SltRequest *q = it->req;
	g_autofree char *base = g_strdup_printf("/verzoek/%" G_GINT64_FORMAT, q->id);
	g_autofree char *title = g_strdup_printf("%s %s", q->ref, q->subject ? q->subject : "");
	slt_web_page_begin(r, title, NULL);
	slt_web_printf(r, "<h1>%s <span class=\"subject\">%s</span></h1>\n", q->ref,
		       q->subject && *q->subject ? q->subject : "(geen onderwerp)");
	if (g_strcmp0(slt_web_arg(r, "ok"), "1") == 0)
		slt_web_printf(r, "<p class=\"ok\" role=\"status\">Opgeslagen.</p>\n");
	if (slt_web_arg(r, "antwoorden"))
		slt_web_printf(r, g_strcmp0(slt_web_arg(r, "antwoorden"), "0") == 0
			       ? "<p class=\"ok\" role=\"status\">Er is geen antwoord klaargezet: zie Antwoorden voor de reden.</p>\n"
			       : "<p class=\"ok\" role=\"status\">Het antwoord staat klaar; sltd verstuurt het.</p>\n");

	if (relabel) {
		slt_web_printf(r, "<section class=\"notice\" aria-labelledby=\"h-relabel\">"
			       "<h2 id=\"h-relabel\">Labels aangepast</h2>\n<p>Intentie %s &rarr; %s, thema %s &rarr; %s.</p>\n",
			       relabel->old_intent, relabel->new_intent, relabel->old_theme, relabel->new_theme);
		if (g_strcmp0(relabel->old_org, relabel->new_org) != 0)
			slt_web_printf(r, "<p>Organisatie %s &rarr; %s.</p>\n",
				       relabel->old_org ? relabel->old_org : "-",
				       relabel->new_org ? relabel->new_org : "-");
		if (relabel->reply_changed) {
			slt_web_printf(r, "<p><strong>De afzender zou nu een ander antwoord krijgen.</strong> "
				       "Eerder: %s. Nu: %s.</p>\n",
				       relabel->reply_before ? relabel->reply_before : "geen antwoord",
				       relabel->reply_after ? relabel->reply_after : "geen antwoord");
			if (relabel->reason_after)
				slt_web_printf(r, "<p>Reden: %s</p>\n", relabel->reason_after);
			if (relabel->attach_after && relabel->attach_after->len) {
				slt_web_printf(r, "<p>Pakketten als bijlage: ");
				string_list(r, relabel->attach_after);
				slt_web_printf(r, "</p>\n");
			}
			if (relabel->wait_after && relabel->wait_after->len) {
				slt_web_printf(r, "<p>Op de wachtlijst voor: ");
				string_list(r, relabel->wait_after);
				slt_web_printf(r, "</p>\n");
			}
			if (relabel->reply_after) {
				g_autofree char *act = g_strdup_printf("%s/antwoord", base);
				slt_web_form_begin(r, act, FALSE);
				slt_web_printf(r, "<button type=\"submit\">Dit antwoord (%s) versturen</button></form>\n",
					       relabel->reply_after);
			}
			slt_web_printf(r, "<p>Er is niets verstuurd.</p>\n");
		} else {
			slt_web_printf(r, "<p>Voor de afzender verandert er niets; er wordt niets verstuurd.</p>\n");
		}
		slt_web_printf(r, "</section>\n");
	}

	/* Summary */
	g_autofree char *opened = slt_web_time(q->opened_at);
	g_autofree char *updated = slt_web_time(q->updated_at);
	g_autofree char *conf = g_strdup_printf("%.0f%%", q->confidence * 100);
	slt_web_printf(r, "<section aria-labelledby=\"h-sum\"><h2 id=\"h-sum\">Overzicht</h2>\n<dl class=\"facts\">"
		       "<dt>Status</dt><dd>%s</dd><dt>Behandelaar</dt><dd>%s</dd>"
		       "<dt>Aanvrager</dt><dd>%s &lt;%s&gt;</dd><dt>Organisatie</dt><dd>%s</dd>"
		       "<dt>Geopend</dt><dd>%s</dd><dt>Laatst gewijzigd</dt><dd>%s</dd>"
		       "<dt>Intentie</dt><dd>%s</dd><dt>Thema</dt><dd>%s</dd><dt>Kenmerken</dt><dd>",
		       slt_queue_status_label(q->status), q->assignee ? q->assignee : "-",
		       q->requester_name ? q->requester_name : "", q->requester_addr ? q->requester_addr : "",
		       q->org ? q->org : "-", opened, updated,
		       q->intent ? q->intent : "-", q->theme ? q->theme : "-");
	string_list(r, q->kenmerken);
	slt_web_printf(r, "</dd><dt>Pakketten</dt><dd>");
	string_list(r, q->packages);
	slt_web_printf(r, "</dd><dt>Zekerheid</dt><dd>%s", conf);
	if (q->review)
		slt_web_printf(r, " <span class=\"review\">controleren</span>");
	slt_web_printf(r, " (labels door %s)</dd></dl></section>\n", q->labels_by ? q->labels_by : "sltd");

	/* Actions */
	g_autofree char *version = g_strdup_printf("%" G_GINT64_FORMAT, q->version);
	slt_web_printf(r, "<section aria-labelledby=\"h-act\" class=\"actions\"><h2 id=\"h-act\">Acties</h2>\n");
	g_autofree char *a_assign = g_strdup_printf("%s/toewijzen", base);
	slt_web_form_begin(r, a_assign, FALSE);
	slt_web_printf(r, "<input type=\"hidden\" name=\"version\" value=\"%s\">"
		       "<p><label for=\"a-name\">Toewijzen aan</label><input id=\"a-name\" name=\"naam\" value=\"%s\">"
		       " <button type=\"submit\">Toewijzen</button></p></form>\n",
		       version, q->assignee ? q->assignee : r->user);
	g_autofree char *a_status = g_strdup_printf("%s/status", base);
	slt_web_form_begin(r, a_status, FALSE);
	slt_web_printf(r, "<input type=\"hidden\" name=\"version\" value=\"%s\">"
		       "<p><label for=\"a-status\">Status</label><select id=\"a-status\" name=\"status\">", version);
	for (guint i = 0; slt_queue_statuses[i]; i++)
		slt_web_printf(r, "<option value=\"%s\"%s>%s</option>", slt_queue_statuses[i],
			       g_strcmp0(q->status, slt_queue_statuses[i]) == 0 ? " selected" : "",
			       slt_queue_status_label(slt_queue_statuses[i]));
	slt_web_printf(r, "</select> <button type=\"submit\">Status wijzigen</button></p></form>\n");
	g_autofree char *a_note = g_strdup_printf("%s/notitie", base);
	slt_web_form_begin(r, a_note, FALSE);
	slt_web_printf(r, "<p><label for=\"a-note\">Notitie</label><textarea id=\"a-note\" name=\"tekst\" rows=\"3\" required></textarea>"
		       " <button type=\"submit\">Notitie toevoegen</button></p></form>\n");
	g_autofree char *a_label = g_strdup_printf("%s/labels", base);
	slt_web_form_begin(r, a_label, FALSE);
	slt_web_printf(r, "<input type=\"hidden\" name=\"version\" value=\"%s\"><fieldset><legend>Labels corrigeren</legend>\n", version);
	label_select(r, "intent", "Intentie", slt_intent_ids, G_N_ELEMENTS(slt_intent_ids), q->intent);
	label_select(r, "theme", "Thema", slt_theme_ids, G_N_ELEMENTS(slt_theme_ids), q->theme);
	checkboxes(r, "pakket", "Pakketten", slt_catalogue_ids, SLT_CATALOGUE_N_PACKAGES, q->packages);
	checkboxes(r, "kenmerk", "Kenmerken", slt_kenmerk_ids, G_N_ELEMENTS(slt_kenmerk_ids), q->kenmerken);
	slt_web_printf(r, "<p><label for=\"r-org\">Organisatie</label><input id=\"r-org\" name=\"org\" value=\"%s\""
		       " size=\"40\" placeholder=\"gemeente:NAAM, team:NAAM of overig:NAAM\"> (leeg: geen)</p>"
		       "<input type=\"hidden\" name=\"org_was\" value=\"%s\">\n",
		       q->org ? q->org : "", q->org ? q->org : "");
	slt_web_printf(r, "<input type=\"hidden\" name=\"labels\" value=\"1\">"
		       "<p><button type=\"submit\">Labels opslaan</button> (u ziet daarna welk antwoord dit oplevert; er wordt niets verstuurd)</p>"
		       "</fieldset></form>\n</section>\n");

	/* Thread */
	slt_web_printf(r, "<section aria-labelledby=\"h-thread\"><h2 id=\"h-thread\">Berichten (%u)</h2>\n",
		       it->messages->len);
	for (guint i = 0; i < it->messages->len; i++) {
		const SltQueueMessage *m = it->messages->pdata[i];
		g_autofree char *when = slt_web_time(m->date ? m->date : m->created_at);
		slt_web_printf(r, "<article class=\"message\"><h3>%s</h3>\n<p class=\"meta\">Van %s &lt;%s&gt;, %s</p>\n",
			       m->subject && *m->subject ? m->subject : "(geen onderwerp)",
			       m->from_name ? m->from_name : "", m->from_addr ? m->from_addr : "", when);
		if (m->erased_at) {
			slt_web_printf(r, "<p><em>Gewist (AVG).</em></p></article>\n");
			continue;
		}
		text_block(r, "body", m->new_text ? m->new_text : "");
		if (m->quoted_text && *m->quoted_text) {
			slt_web_printf(r, "<details><summary>Geciteerde tekst</summary>");
			text_block(r, "quoted", m->quoted_text);
			slt_web_printf(r, "</details>\n");
		}
		if (m->forwarded_text && *m->forwarded_text) {
			slt_web_printf(r, "<details><summary>Doorgestuurd bericht</summary>");
			text_block(r, "quoted", m->forwarded_text);
			slt_web_printf(r, "</details>\n");
		}
		if (m->attachments->len) {
			slt_web_printf(r, "<p>Bijlagen: ");
			string_list(r, m->attachments);
			slt_web_printf(r, "</p>\n");
		}
		g_autofree char *mc = g_strdup_printf("%.0f%%", m->confidence * 100);
		slt_web_printf(r, "<details><summary>Labels en onderbouwing</summary><dl class=\"facts\">"
			       "<dt>Intentie</dt><dd>%s (%s)</dd><dt>Thema</dt><dd>%s</dd><dt>Kenmerken</dt><dd>",
			       m->intent ? m->intent : "-", mc, m->theme ? m->theme : "-");
		string_list(r, m->kenmerken);
		slt_web_printf(r, "</dd><dt>Pakketten</dt><dd>");
		string_list(r, m->packages);
		slt_web_printf(r, "</dd><dt>Organisatie</dt><dd>%s</dd></dl><ul>", m->org ? m->org : "-");
		for (guint j = 0; j < m->why->len; j++)
			slt_web_printf(r, "<li>%s</li>", (const char *)m->why->pdata[j]);
		for (guint j = 0; j < m->machine_evidence->len; j++)
			slt_web_printf(r, "<li>automatisch bericht: %s</li>", (const char *)m->machine_evidence->pdata[j]);
		slt_web_printf(r, "</ul></details></article>\n");
	}
	slt_web_printf(r, "</section>\n");

	/* Replies */
	slt_web_printf(r, "<section aria-labelledby=\"h-replies\"><h2 id=\"h-replies\">Antwoorden</h2>\n");
	if (!it->replies->len)
		slt_web_printf(r, "<p>Nog geen antwoorden.</p>\n");
	else {
		slt_web_printf(r, "<table><thead><tr><th scope=\"col\">Soort</th><th scope=\"col\">Aan</th>"
			       "<th scope=\"col\">Onderwerp</th><th scope=\"col\">Stand</th><th scope=\"col\">Wanneer</th>"
			       "<th scope=\"col\">Toelichting</th></tr></thead><tbody>\n");
		for (guint i = 0; i < it->replies->len; i++) {
			const SltQueueReply *p = it->replies->pdata[i];
			g_autofree char *when = slt_web_time(p->sent_at ? p->sent_at : p->created_at);
			slt_web_printf(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
				       p->kind, p->rcpt ? p->rcpt : "", p->subject ? p->subject : "", p->state, when,
				       p->suppress_reason ? p->suppress_reason : p->last_error ? p->last_error : "");
		}
		slt_web_printf(r, "</tbody></table>\n");
	}
	slt_web_printf(r, "</section>\n");

	/* Waiting list */
	if (it->waits->len) {
		slt_web_printf(r, "<section aria-labelledby=\"h-waits\"><h2 id=\"h-waits\">Wachtlijst</h2><ul>\n");
		for (guint i = 0; i < it->waits->len; i++) {
			const SltQueueWait *w = it->waits->pdata[i];
			g_autofree char *when = slt_web_time(w->added_at);
			slt_web_printf(r, "<li>%s: %s sinds %s%s%s</li>\n", w->package, w->addr, when,
				       w->removed_at ? ", afgesloten: " : "",
				       w->removed_at ? (w->removed_reason ? w->removed_reason : "") : "");
		}
		slt_web_printf(r, "</ul></section>\n");
	}

	/* History */
	slt_web_printf(r, "<section aria-labelledby=\"h-hist\"><h2 id=\"h-hist\">Geschiedenis</h2><ol class=\"history\">\n");
	for (guint i = 0; i < it->history->len; i++) {
		const SltQueueEvent *e = it->history->pdata[i];
		g_autofree char *when = slt_web_time(e->at);
		slt_web_printf(r, "<li><time>%s</time> <strong>%s</strong> %s%s%s</li>\n", when, e->who, e->action,
			       e->detail ? ": " : "", e->detail ? e->detail : "");
	}
	slt_web_printf(r, "</ol></section>\n");
	slt_web_page_end(r);
}

void
slt_web_page_request(SltWebReq *r, gint64 id)
{
	request_page(r, id, NULL);
}

static gint64
form_version(SltWebReq *r)
{
	const char *v = slt_web_arg(r, "version");
	return v ? g_ascii_strtoll(v, NULL, 10) : 0;
}

void
slt_web_action_request(SltWebReq *r, gint64 id, const char *action)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *back = g_strdup_printf("/verzoek/%" G_GINT64_FORMAT "?ok=1", id);
	gboolean ok;
	if (strcmp(action, "toewijzen") == 0) {
		ok = slt_queue_assign(r->store, id, form_version(r), r->user, slt_web_arg(r, "naam"), &err);
	} else if (strcmp(action, "status") == 0) {
		ok = slt_queue_set_status(r->store, id, form_version(r), r->user,
					  slt_web_arg(r, "status"), &err);
	} else if (strcmp(action, "notitie") == 0) {
		ok = slt_queue_note(r->store, id, r->user, slt_web_arg(r, "tekst"), &err);
	} else if (strcmp(action, "antwoord") == 0) {
		g_autoptr(GPtrArray) queued = NULL;
		ok = slt_queue_reply(r->store, r->cfg, id, r->user, &queued, &err);
		if (ok) {
			g_free(back);
			back = g_strdup_printf("/verzoek/%" G_GINT64_FORMAT "?ok=1&antwoorden=%u#h-replies",
					       id, queued ? queued->len : 0);
		}
	} else if (strcmp(action, "labels") == 0) {
		g_autoptr(GPtrArray) pk = slt_web_args(r, "pakket");
		g_autoptr(GPtrArray) km = slt_web_args(r, "kenmerk");
		SltRelabel l = {
			.intent = nonempty(r, "intent"),
			.theme = nonempty(r, "theme"),
			.packages = pk,
			.kenmerken = km,
		};
		/* The organisation only when staff changed the field (the form
		 * sends what it showed as org_was), checked against the
		 * municipalities and spelled as the directory spells it. */
		const char *org_in = slt_web_arg(r, "org");
		const char *was = slt_web_arg(r, "org_was");
		g_autofree char *org = g_strstrip(g_strdup(org_in ? org_in : ""));
		g_autofree char *canon = NULL;
		if (org_in && g_strcmp0(org, was ? was : "") != 0) {
			canon = slt_org_canonical(r->orgs, org, &err);
			if (!canon) {
				queue_error(r, err);
				return;
			}
			l.org = canon;
		}
		SltRelabelResult res = { 0 };
		if (!slt_queue_relabel(r->store, id, form_version(r), r->user, &l, &res, &err)) {
			queue_error(r, err);
			return;
		}
		/* Shown at once (not after a redirect): what the new labels
		 * mean for the sender, before anything is sent. */
		request_page(r, id, &res);
		slt_relabel_result_clear(&res);
		return;
	} else {
		slt_web_error_page(r, MHD_HTTP_NOT_FOUND, "Niet gevonden", "Deze actie bestaat niet.");
		return;
	}
	if (!ok) {
		queue_error(r, err);
		return;
	}
	slt_web_redirect(r, back);
}
