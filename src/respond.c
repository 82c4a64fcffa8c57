/* SPDX-License-Identifier: MIT */
/* respond: facts in, decision (react.c), effects out, all inside the
 * ingest transaction. RFC 3834 (through react.c), 5322 (threading). */
#include "respond.h"

#include <string.h>
#include "catalogue.h"
#include "compose.h"
#include "log.h"
#include "react.h"
#include "reply.h"
#include "store-outbox.h"
#include "template.h"

G_DEFINE_QUARK(slt-respond-error-quark, slt_respond_error)

struct _SltResponder {
	const SltConfig *cfg;
	SltCatalogue *catalogue;
	SltTemplates *templates;
	/* The packages table as last read: only sltctl and sltweb publish,
	 * so it is read again when the store's data_version says another
	 * process committed (reading it per message was 4% of a backlog). */
	GPtrArray *pkgs;
	gint64 pkgs_version;
};

/* The template directory: as configured; when that is the installed
 * default and sltd runs from its build tree (not installed), the tree's. */
static const char *
templates_dir(const SltConfig *cfg)
{
	if (g_file_test(cfg->templates_dir, G_FILE_TEST_IS_DIR))
		return cfg->templates_dir;
	if (strcmp(cfg->templates_dir, SLT_DATADIR "/templates") == 0 &&
	    g_file_test(SLT_SRCDIR "/templates", G_FILE_TEST_IS_DIR))
		return SLT_SRCDIR "/templates";
	return cfg->templates_dir;
}

static gboolean
load(const SltConfig *cfg, SltCatalogue **cat, SltTemplates **tmpl, GError **error)
{
	g_autoptr(GError) ce = NULL, te = NULL;
	g_autoptr(SltCatalogue) c = NULL;
	/* No catalogue file: the built-in titles (all in development) are a
	 * working desk; a file that exists must be right. */
	if (!cfg->packages_catalogue || !g_file_test(cfg->packages_catalogue, G_FILE_TEST_EXISTS)) {
		slt_log_debug("no package catalogue at '%s': the built-in titles",
			      cfg->packages_catalogue ? cfg->packages_catalogue : "");
		c = slt_catalogue_builtin();
	} else {
		c = slt_catalogue_load(cfg->packages_catalogue, &ce);
	}
	g_autoptr(SltTemplates) t = slt_templates_load(templates_dir(cfg), &te);
	if (!c || !t) {
		g_set_error(error, SLT_RESPOND_ERROR, SLT_RESPOND_ERROR_CONFIG, "%s%s%s",
			    ce ? ce->message : "", ce && te ? "\n" : "", te ? te->message : "");
		return FALSE;
	}
	if (cat)
		*cat = g_steal_pointer(&c);
	if (tmpl)
		*tmpl = g_steal_pointer(&t);
	return TRUE;
}

gboolean
slt_responder_check(const SltConfig *cfg, GError **error)
{
	return load(cfg, NULL, NULL, error);
}

static gboolean
sync_packages(SltResponder *r, SltStore *store, GError **error)
{
	g_clear_pointer(&r->pkgs, g_ptr_array_unref);
	g_autoptr(GPtrArray) differs = NULL;
	if (!slt_store_packages_sync(store, r->catalogue, &differs, error))
		return FALSE;
	for (guint i = 0; i < differs->len; i++)
		slt_log_warn("package '%s': '%s' says published or a newer version, the database"
			     " does not; the database counts (publish with 'sltctl publish')",
			     (const char *)g_ptr_array_index(differs, i), r->catalogue->path);
	return TRUE;
}

SltResponder *
slt_responder_new(const SltConfig *cfg, SltStore *store, GError **error)
{
	g_return_val_if_fail(cfg && store, NULL);
	g_autoptr(SltResponder) r = g_new0(SltResponder, 1);
	r->cfg = cfg;
	if (!load(cfg, &r->catalogue, &r->templates, error))
		return NULL;
	if (!sync_packages(r, store, error))
		return NULL;
	return g_steal_pointer(&r);
}

gboolean
slt_responder_reload(SltResponder *r, SltStore *store, GError **error)
{
	SltCatalogue *cat = NULL;
	SltTemplates *tmpl = NULL;
	if (!load(r->cfg, &cat, &tmpl, error))
		return FALSE;
	slt_catalogue_free(r->catalogue);
	slt_templates_free(r->templates);
	r->catalogue = cat;
	r->templates = tmpl;
	return sync_packages(r, store, error);
}

const SltTemplates *
slt_responder_templates(const SltResponder *r)
{
	return r->templates;
}

void
slt_responder_free(SltResponder *r)
{
	if (!r)
		return;
	slt_catalogue_free(r->catalogue);
	slt_templates_free(r->templates);
	if (r->pkgs)
		g_ptr_array_unref(r->pkgs);
	g_free(r);
}

static char *
joined_ids(const GPtrArray *a, const GPtrArray *b)
{
	GString *s = g_string_new(NULL);
	const GPtrArray *lists[] = { a, b };
	for (guint l = 0; l < 2; l++)
		for (guint i = 0; lists[l] && i < lists[l]->len; i++)
			g_string_append_printf(s, "%s%s", s->len ? "," : "",
					       (const char *)g_ptr_array_index(lists[l], i));
	if (!s->len) {
		g_string_free(s, TRUE);
		return NULL;
	}
	return g_string_free(s, FALSE);
}

static char *
ptr_array_join(const GPtrArray *a, const char *sep)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; a && i < a->len; i++)
		g_string_append_printf(s, "%s%s", i ? sep : "", (const char *)g_ptr_array_index(a, i));
	return g_string_free(s, FALSE);
}

/* Record a reply that is not sent, with why, on the request. */
static gboolean
record_suppressed(SltStore *store, const SltIngested *in, const char *kind,
		  const char *rcpt, const char *reason, GError **error)
{
	SltOutboxNew o = {
		.request_id = in->request_id,
		.cause_row = in->message_row,
		.kind = kind ? kind : "none",
		.rcpt = rcpt ? rcpt : (in->msg->from_addr ? in->msg->from_addr : ""),
		.subject = in->msg->subject,
		.suppress_reason = reason,
	};
	if (!slt_store_outbox_add(store, &o, NULL, error))
		return FALSE;
	g_autofree char *detail = g_strdup_printf("no %s reply: %s", kind ? kind : "automatic", reason);
	return slt_store_history_add(store, in->request_id, "sltd", "suppress", detail, error);
}

/* The message's part of its one log line (issue 6: request, intent,
 * theme, action), e.g. "new request, intent vraag, theme visie". */
static char *
log_what(const SltIngested *in)
{
	const SltClassification *l = in->labels;
	return g_strdup_printf("%s%s, intent %s, theme %s%s",
			       in->status == SLT_RECORD_NEW_REQUEST ? "new request" : "follow-up",
			       in->reopened ? " (reopened)" : "", l->intent, l->theme,
			       l->review ? ", for review" : "");
}

gboolean
slt_responder_react(SltStore *store, const SltIngested *in, gpointer user_data, GError **error)
{
	SltResponder *r = user_data;
	const SltConfig *cfg = r->cfg;
	const SltMessage *msg = in->msg;
	const SltClassification *labels = in->labels;
	gint64 now = slt_store_clock();

	/* The packages as they stand, with their sizes (the files' sizes
	 * are looked at every time: a file may be replaced in place). */
	gint64 version = slt_store_data_version(store);
	if (!r->pkgs || version < 0 || version != r->pkgs_version) {
		GPtrArray *fresh = slt_store_packages_list(store, error);
		if (!fresh)
			return FALSE;
		if (r->pkgs)
			g_ptr_array_unref(r->pkgs);
		r->pkgs = fresh;
		r->pkgs_version = version;
	}
	const GPtrArray *pkgs = r->pkgs;
	SltComposer composer = {
		.templates = r->templates,
		.from = cfg->smtp_from,
		.domain = cfg->smtp_domain,
		.contact = cfg->staff_contact,
		.packages_dir = cfg->packages_dir,
		.download_url = cfg->download_base_url,
		.packages = pkgs,
	};
	g_autofree SltReactPackage *cat = g_new0(SltReactPackage, pkgs->len + 1);
	for (guint i = 0; i < pkgs->len; i++) {
		const SltStorePackage *p = g_ptr_array_index(pkgs, i);
		cat[i].id = p->id;
		cat[i].published = p->published;
		cat[i].size = p->published ? slt_compose_package_size(&composer, p) : 0;
	}

	/* Recent replies to where the reply would go (react.c picks the same). */
	const char *rcpt_guess = msg->reply_to_addr && *msg->reply_to_addr ? msg->reply_to_addr
									   : msg->from_addr;
	/* The hourly cap comes last in the decision: the count (up to the
	 * cap) is asked only for a reply that would otherwise go out, see
	 * below. In a backlog most replies stop at the sender's limit. */
	SltReplyHistory hist = { 0 };
	if (!slt_store_reply_history(store, rcpt_guess, now - 24 * 3600, &hist, error)) {
		slt_reply_history_clear(&hist);
		return FALSE;
	}
	g_ptr_array_add(hist.kinds, NULL);
	g_ptr_array_add(hist.packages, NULL);

	g_autofree char *thread_intent = NULL;
	g_autoptr(GPtrArray) answered = NULL;
	gboolean follow_up = in->status == SLT_RECORD_FOLLOW_UP;
	if (follow_up) {
		if (!slt_store_request_answered(store, in->request_id, &thread_intent, &answered, error)) {
			slt_reply_history_clear(&hist);
			return FALSE;
		}
		g_ptr_array_add(answered, NULL);
	}

	const char *own[4] = { cfg->smtp_from_addr, NULL, NULL, NULL };
	guint n_own = 1;
	if (cfg->smtp_envelope_from && *cfg->smtp_envelope_from)
		own[n_own++] = cfg->smtp_envelope_from;
	if (cfg->imap_username && strchr(cfg->imap_username, '@'))
		own[n_own++] = cfg->imap_username;

	SltReactInput ri = {
		.intent = labels->intent,
		.packages = labels->packages,
		.review = labels->review,
		.machine = msg->machine,
		.from_addr = msg->from_addr,
		.reply_to_addr = msg->reply_to_addr,
		.follow_up = follow_up,
		.thread_intent = thread_intent,
		.thread_packages = answered ? (const char *const *)answered->pdata : NULL,
		.own_addrs = own,
		.catalogue = cat,
		.n_catalogue = pkgs->len,
		.attach_max = cfg->attach_max,
		.can_link = cfg->download_base_url && *cfg->download_base_url,
		.sender_kinds_today = (const char *const *)hist.kinds->pdata,
		.sender_packages_today = (const char *const *)hist.packages->pdata,
		.replies_last_hour = 0,  /* asked below, only when it matters */
		.per_sender_per_day = (guint)MAX(cfg->per_sender_per_day, 0),
		.global_per_hour = (guint)MAX(cfg->global_per_hour, 0),
	};
	g_autoptr(SltReaction) d = slt_react_decide(&ri);
	if (d->reply && ri.global_per_hour) {
		if (!slt_store_replies_since(store, now - 3600, ri.global_per_hour,
					     &ri.replies_last_hour, error)) {
			slt_reply_history_clear(&hist);
			return FALSE;
		}
		if (ri.replies_last_hour >= ri.global_per_hour) {
			g_clear_pointer(&d, slt_reaction_free);
			d = slt_react_decide(&ri);
		}
	}
	slt_reply_history_clear(&hist);
	g_autofree char *ref = slt_store_ref_format(in->request_id);

	/* The waiting list first: it changes even when a limit stops the reply. */
	for (guint i = 0; i < d->wait->len; i++) {
		const char *id = g_ptr_array_index(d->wait, i);
		gboolean added = FALSE;
		if (!slt_store_waitlist_add(store, d->rcpt, msg->from_name, in->request_id, id,
					    &added, error))
			return FALSE;
		g_autofree char *detail = g_strdup_printf("%s on the waiting list for %s%s",
							  d->rcpt, id, added ? "" : " (already)");
		if (!slt_store_history_add(store, in->request_id, "sltd", "waitlist", detail, error))
			return FALSE;
	}
	g_autoptr(GPtrArray) removed = NULL;
	if (d->unsubscribe) {
		if (!slt_store_waitlist_remove(store, d->rcpt, "afmelden", &removed, error))
			return FALSE;
		if (msg->from_addr && g_ascii_strcasecmp(msg->from_addr, d->rcpt) != 0) {
			g_autoptr(GPtrArray) more = NULL;
			if (!slt_store_waitlist_remove(store, msg->from_addr, "afmelden", &more, error))
				return FALSE;
			for (guint i = 0; i < more->len; i++)
				g_ptr_array_add(removed, g_strdup(g_ptr_array_index(more, i)));
		}
		g_autofree char *list = ptr_array_join(removed, ", ");
		g_autofree char *detail = g_strdup_printf("%s left the waiting list%s%s", d->rcpt,
							  *list ? " for " : " (was on none)", list);
		if (!slt_store_history_add(store, in->request_id, "sltd", "waitlist", detail, error))
			return FALSE;
	}

	if (!d->reply) {
		g_autofree char *who = slt_log_sanitize(d->rcpt ? d->rcpt : msg->from_addr, 200);
		g_autofree char *what = log_what(in);
		slt_log_info("%s: %s: no reply (%s) to %s", ref, what, d->reason, who ? who : "(none)");
		return record_suppressed(store, in, d->kind, d->rcpt, d->reason, error);
	}

	g_autofree char *subject = slt_reply_subject(msg->subject, ref);
	SltComposeRequest cr = {
		.kind = d->kind,
		.request_id = in->request_id,
		.to_addr = d->rcpt,
		.to_name = msg->from_name,
		.org = labels->org,
		.theme = labels->theme,
		.subject = subject,
		.their_subject = msg->subject,
		.in_reply_to = msg->message_id,
		.references = msg->references,
		.attach = d->attach,
		.link = d->link,
		.wait = d->wait,
		.removed = removed,
	};
	g_autofree char *mid = NULL;
	g_autoptr(GError) ce = NULL;
	g_autoptr(GBytes) raw = slt_compose(&composer, &cr, &mid, &ce);
	if (!raw) {
		/* Not the message's fault (a package file gone, say): record
		 * it, tell staff in the log, and keep the mailbox moving. */
		g_autofree char *what = log_what(in);
		slt_log_err("%s: %s: cannot compose the %s reply: %s", ref, what, d->kind, ce->message);
		g_autofree char *why = g_strdup_printf("error: %s", ce->message);
		return record_suppressed(store, in, d->kind, d->rcpt, why, error);
	}
	g_autofree char *sent_ids = joined_ids(d->attach, d->link);
	SltOutboxNew o = {
		.request_id = in->request_id,
		.cause_row = in->message_row,
		.message_id = mid,
		.kind = d->kind,
		.rcpt = d->rcpt,
		.subject = subject,
		.packages = sent_ids,
		.raw = raw,
	};
	gint64 id = 0;
	if (!slt_store_outbox_add(store, &o, &id, error))
		return FALSE;
	g_autofree char *detail = g_strdup_printf("%s queued to %s%s%s (outbox %" G_GINT64_FORMAT ")",
						  d->kind, d->rcpt, sent_ids ? " with " : "",
						  sent_ids ? sent_ids : "", id);
	if (!slt_store_history_add(store, in->request_id, "sltd", "reply", detail, error))
		return FALSE;
	g_autofree char *who = slt_log_sanitize(d->rcpt, 200);
	g_autofree char *what = log_what(in);
	slt_log_info("%s: %s: %s reply queued to %s", ref, what, d->kind, who);
	return TRUE;
}
