/* SPDX-License-Identifier: MIT */
/* outbox: the drain loop (contract and the one unavoidable window in
 * outbox.h). RFC 5321 4.5.4.1. */
#include "outbox.h"

#include "log.h"
#include "smtp.h"
#include "store-outbox.h"

#define BATCH 20           /* items (with their bytes) in memory at once */

struct _SltOutbox {
	SltSmtp *smtp;
};

SltOutbox *
slt_outbox_new(const SltConfig *cfg, GError **error)
{
	SltSmtpOptions so = {
		.url = cfg->smtp_url,
		.username = cfg->smtp_username,
		.password = cfg->smtp_password,
		.ca_file = cfg->smtp_ca_file,
		.allow_plaintext = cfg->smtp_allow_plaintext,
		.envelope_from = cfg->smtp_envelope_from,
		.timeout = cfg->smtp_timeout,
	};
	SltSmtp *s = slt_smtp_new(&so, error);
	if (!s)
		return NULL;
	SltOutbox *o = g_new0(SltOutbox, 1);
	o->smtp = s;
	return o;
}

void
slt_outbox_free(SltOutbox *o)
{
	if (!o)
		return;
	slt_smtp_free(o->smtp);
	g_free(o);
}

gint64
slt_outbox_backoff(int attempts)
{
	gint64 d = 60;
	for (int i = 1; i < attempts && d < 4 * 3600; i++)
		d *= 2;
	return MIN(d, 4 * 3600);
}

/* Send one item and record the outcome. FALSE with error only for a
 * store error, or (*stop set) a server-level SMTP failure. */
static gboolean
send_one(SltOutbox *o, SltStore *store, const SltOutboxItem *it, SltOutboxStats *st,
	 gboolean *stop, GError **error)
{
	gint64 now = slt_store_clock();
	g_autofree char *rcpt = slt_log_sanitize(it->rcpt, 200);
	if (it->attempts > 0 && now - it->created_at > SLT_OUTBOX_GIVE_UP_SECONDS) {
		g_autofree char *why = g_strdup_printf("gave up after 5 days: %s",
						       it->last_error ? it->last_error : "not sent");
		slt_log_warn("outbox %" G_GINT64_FORMAT ": %s reply to %s failed: %s",
			     it->id, it->kind, rcpt, why);
		st->gave_up++;
		return slt_store_outbox_failed(store, it->id, why, error);
	}
	int code = 0;
	g_autoptr(GError) e = NULL;
	if (slt_smtp_send(o->smtp, it->rcpt, it->raw, &code, &e)) {
		/* The window: the server has it; record that at once. */
		if (!slt_store_outbox_sent(store, it->id, slt_store_clock(), error))
			return FALSE;
		st->sent++;
		slt_log_info("outbox %" G_GINT64_FORMAT ": %s reply to %s sent", it->id, it->kind, rcpt);
		return TRUE;
	}
	g_autofree char *why = slt_log_sanitize(e->message, 400);
	if (e->code == SLT_SMTP_ERROR_PERMANENT || e->code == SLT_SMTP_ERROR_CONFIG) {
		slt_log_warn("outbox %" G_GINT64_FORMAT ": %s reply to %s refused: %s",
			     it->id, it->kind, rcpt, why);
		st->failed++;
		return slt_store_outbox_failed(store, it->id, why, error);
	}
	gint64 next = now + slt_outbox_backoff(it->attempts + 1);
	if (!slt_store_outbox_retry(store, it->id, next, why, error))
		return FALSE;
	st->retry++;
	if (e->code == SLT_SMTP_ERROR_SERVER) {
		*stop = TRUE;
		g_propagate_error(error, g_steal_pointer(&e));
		return FALSE;
	}
	slt_log_info("outbox %" G_GINT64_FORMAT ": %s reply to %s deferred: %s",
		     it->id, it->kind, rcpt, why);
	return TRUE;
}

gboolean
slt_outbox_drain(SltOutbox *o, SltStore *store, SltOutboxStats *stats, GError **error)
{
	SltOutboxStats dummy;
	SltOutboxStats *st = stats ? stats : &dummy;
	*st = (SltOutboxStats){ 0 };
	/* The replies rely on the commits that queued them (store.h). */
	if (!slt_store_sync(store, error))
		return FALSE;
	gint64 now = slt_store_clock();
	for (;;) {
		g_autoptr(GPtrArray) due = slt_store_outbox_due(store, now, BATCH, error);
		if (!due)
			return FALSE;
		if (!due->len)
			return TRUE;
		for (guint i = 0; i < due->len; i++) {
			gboolean stop = FALSE;
			if (!send_one(o, store, g_ptr_array_index(due, i), st, &stop, error)) {
				if (stop) {
					gint64 q = 0;
					slt_store_outbox_counts(store, &q, NULL, NULL, NULL, NULL);
					st->left = (guint)q;
				}
				return FALSE;
			}
		}
	}
}
