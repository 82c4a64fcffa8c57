/* SPDX-License-Identifier: MIT */
/* ingest: one pass over the mailbox, every message recorded exactly once.
 * RFCs: 3501 section 2.3.1.1 (UID, UIDVALIDITY), 6851 (MOVE).
 *
 * Exactly once: a message's row and the checkpoint past its UID are
 * written in one transaction. A kill before the commit loses both (the
 * message is fetched again); after it, neither. Several messages may
 * share a transaction (BATCH_MAX): the checkpoint moves with the last of
 * them, so the rule holds for the batch as a whole. A rescan after a
 * UIDVALIDITY change meets recorded messages again; the store's dedupe
 * (Message-ID + SHA-256 of the bytes) keeps them once. */
#include "ingest.h"

#include <string.h>

#include "log.h"
#include "mime.h"

/* Messages per transaction, and the longest a transaction stays open
 * while we wait for the server (sltctl writers wait on our lock). Each
 * commit costs a WAL write of its pages; batching halves the per-message
 * cost of small messages (see README "Benchmark"). */
#define BATCH_MAX      32
#define BATCH_MAX_US   (200 * 1000)
#define POISON_LIMIT   3

typedef struct {
	const SltIngestOptions *opt;
	const char *mailbox;
	guint32 uidvalidity;
	SltIngestStats *stats;
	gboolean first;          /* no message of this pass handled yet */
	guint in_txn;            /* messages in the open transaction */
	gint64 txn_started;
	gboolean want_imap;      /* keyword or MOVE configured */
} Pass;

SltImap *
slt_ingest_connect(const SltConfig *cfg, GError **error)
{
	SltImapOptions o = {
		.url = cfg->imap_base_url,
		.username = cfg->imap_username,
		.password = cfg->imap_password,
		.ca_file = cfg->imap_ca_file,
		.require_tls = !cfg->imap_allow_plaintext,
		.timeout_s = cfg->imap_timeout,
	};
	return slt_imap_connect(&o, error);
}

static gboolean
commit_batch(Pass *p, GError **error)
{
	if (!p->in_txn)
		return TRUE;
	p->in_txn = 0;
	return slt_store_commit(p->opt->store, error);
}

static gboolean
ensure_txn(Pass *p, GError **error)
{
	if (slt_store_in_transaction(p->opt->store))
		return TRUE;
	p->txn_started = g_get_monotonic_time();
	return slt_store_begin(p->opt->store, error);
}

/* Set a message aside: a dead letter and the checkpoint past it, in the
 * open transaction. */
static gboolean
dead_letter(Pass *p, const SltImapMessage *m, const char *why, GError **error)
{
	g_autofree char *safe = slt_log_sanitize(why, 300);
	slt_log_warn("ingest: '%s' UID %u set aside as a dead letter: %s",
		     p->mailbox, m->uid, safe);
	SltDeadLetter dl = {
		.mailbox = p->mailbox, .uidvalidity = p->uidvalidity, .uid = m->uid,
		.size = m->size, .raw = m->raw, .error = why,
	};
	if (!slt_store_dead_letter(p->opt->store, &dl, (gsize)p->opt->cfg->max_message_size,
				   NULL, error))
		return FALSE;
	p->stats->dead_letters++;
	return TRUE;
}

static gboolean
has_flag(const char *flags, const char *flag)
{
	if (!flags || !flag)
		return FALSE;
	g_auto(GStrv) v = g_strsplit(flags, " ", -1);
	for (char **f = v; *f; f++)
		if (g_ascii_strcasecmp(*f, flag) == 0)
			return TRUE;
	return FALSE;
}

/* Record one parsed message and its reaction inside a savepoint. Returns
 * FALSE with a fatal store error (stop the pass), or TRUE with *refused
 * set to the reason when the message must become a dead letter. */
static gboolean
record(Pass *p, const SltImapMessage *m, const SltMessage *msg,
       const SltClassification *labels, const guint8 *sha, char **refused,
       GError **error)
{
	SltStore *store = p->opt->store;
	const SltConfig *cfg = p->opt->cfg;
	SltIncoming in = {
		.mailbox = p->mailbox, .uidvalidity = p->uidvalidity, .uid = m->uid,
		.imap_flags = m->flags, .raw = m->raw, .sha256 = sha,
		.msg = msg, .labels = labels,
		.imap_pending = cfg->imap_move_to ||
			(cfg->imap_keyword && !has_flag(m->flags, cfg->imap_keyword)),
	};
	SltRecordResult r;
	g_autoptr(GError) err = NULL;
	if (!slt_store_savepoint(store, error))
		return FALSE;
	gboolean ok = slt_store_record_incoming(store, &in, &r, &err);
	if (ok && r.status != SLT_RECORD_DUPLICATE && p->opt->react) {
		SltIngested ing = {
			.message_row = r.message_row, .request_id = r.request_id,
			.status = r.status, .reopened = r.reopened, .msg = msg, .labels = labels,
		};
		ok = p->opt->react(store, &ing, p->opt->react_data, &err);
		if (!ok && !err)
			g_set_error_literal(&err, SLT_STORE_ERROR, SLT_STORE_ERROR_FAILED,
					    "the reaction failed without saying why");
	}
	if (!ok) {
		slt_store_rollback_to(store);
		if (slt_store_error_is_fatal(err)) {
			g_propagate_error(error, g_steal_pointer(&err));
			return FALSE;
		}
		*refused = g_strdup_printf("cannot record: %s", err->message);
		return TRUE;
	}
	if (!slt_store_release(store, error))
		return FALSE;
	switch (r.status) {
	case SLT_RECORD_DUPLICATE:
		p->stats->duplicates++;
		slt_log_debug("ingest: UID %u is message %" G_GINT64_FORMAT " seen before",
			      m->uid, r.message_row);
		break;
	case SLT_RECORD_NEW_REQUEST:
		p->stats->new_requests++;
		/* fall through */
	case SLT_RECORD_FOLLOW_UP:
		p->stats->recorded++;
		slt_log_debug("ingest: UID %u recorded as message %" G_GINT64_FORMAT " of SLT-%" G_GINT64_FORMAT,
			      m->uid, r.message_row, r.request_id);
		break;
	}
	return TRUE;
}

/* Everything one message needs inside the open transaction: record it
 * (or set it aside) and move the checkpoint past it. */
static gboolean
handle(Pass *p, const SltImapMessage *m, guint poisoned_attempts, GError **error)
{
	const SltIngestOptions *opt = p->opt;
	g_autofree char *refused = NULL;
	if (poisoned_attempts) {
		refused = g_strdup_printf("sltd stopped %u times while handling this message "
					  "(crash, kill or hang)", poisoned_attempts - 1);
	} else if (!m->raw) {
		refused = g_strdup_printf("message of %zu bytes is above the cap of %" G_GINT64_FORMAT
					  " bytes ([imap] max-message-size)", m->size,
					  opt->cfg->max_message_size);
	} else {
		gsize len = 0;
		const char *data = g_bytes_get_data(m->raw, &len);
		p->stats->bytes += len;
		guint8 sha[32];
		gsize sha_len = sizeof sha;
		g_autoptr(GChecksum) ck = g_checksum_new(G_CHECKSUM_SHA256);
		g_checksum_update(ck, (const guchar *)data, len);
		g_checksum_get_digest(ck, sha, &sha_len);

		g_autoptr(GError) perr = NULL;
		g_autoptr(SltMessage) msg = slt_mime_parse(data, len, &perr);
		if (!msg) {
			refused = g_strdup_printf("cannot parse: %s", perr ? perr->message : "unknown error");
		} else {
			g_autoptr(SltClassification) labels = slt_classify(opt->classifier, msg);
			if (!record(p, m, msg, labels, sha, &refused, error))
				return FALSE;
		}
	}
	if (refused && !dead_letter(p, m, refused, error))
		return FALSE;
	return slt_store_set_checkpoint(opt->store, p->mailbox, p->uidvalidity, m->uid, error);
}

static gboolean
on_message(const SltImapMessage *m, gpointer user_data, GError **error)
{
	Pass *p = user_data;
	SltStore *store = p->opt->store;
	guint poisoned = 0;

	/* Poison guard: a message that kills the process (a parser crash, a
	 * hang the watchdog ends) would be fetched first by every pass and
	 * block the mailbox for ever. Count the passes that started on it;
	 * only a pass that got its bytes and died before committing counts. */
	if (p->first) {
		p->first = FALSE;
		guint attempts = 0;
		if (!slt_store_note_attempt(store, p->mailbox, p->uidvalidity, m->uid,
					    &attempts, error))
			return FALSE;
		guint limit = p->opt->poison_limit ? p->opt->poison_limit : POISON_LIMIT;
		if (attempts > limit)
			poisoned = attempts;
	}
	if (!ensure_txn(p, error))
		return FALSE;
	/* A store failure half-way through must not leave half a message in
	 * the batch that is committed after the fetch stops. */
	if (!slt_store_savepoint(store, error))
		return FALSE;
	if (!handle(p, m, poisoned, error)) {
		slt_store_rollback_to(store);
		return FALSE;
	}
	if (!slt_store_release(store, error))
		return FALSE;
	p->in_txn++;
	if (p->in_txn >= BATCH_MAX || g_get_monotonic_time() - p->txn_started > BATCH_MAX_US)
		return commit_batch(p, error);
	return TRUE;
}

/* Keyword and MOVE for every recorded message still waiting for them
 * (this pass's, and those of a pass that died between its commit and
 * the IMAP command). Errors stop here; the rest waits for the next pass. */
static gboolean
imap_actions(Pass *p, SltImap *imap, GError **error)
{
	const SltConfig *cfg = p->opt->cfg;
	SltStore *store = p->opt->store;
	if (!cfg->imap_keyword && !cfg->imap_move_to)
		return TRUE;
	g_autoptr(GArray) uids = slt_store_imap_pending(store, p->mailbox, p->uidvalidity, error);
	if (!uids)
		return FALSE;
	if (uids->len == 0)
		return TRUE;
	/* A MOVE cannot be undone: the commits it relies on must survive a
	 * power cut first (synchronous=NORMAL defers the fsync). */
	if (!slt_store_sync(store, error))
		return FALSE;
	guint done = 0;
	gboolean ok = TRUE;
	for (; done < uids->len && ok; done++) {
		guint32 uid = g_array_index(uids, guint32, done);
		if (cfg->imap_keyword)
			ok = slt_imap_add_keyword(imap, uid, cfg->imap_keyword, error);
		if (ok && cfg->imap_move_to)
			ok = slt_imap_move(imap, uid, cfg->imap_move_to, error);
	}
	if (!ok)
		done--;
	g_autoptr(GError) err = NULL;
	if (done && !slt_store_imap_done(store, p->mailbox, p->uidvalidity,
					 (const guint32 *)(const void *)uids->data, done, &err)) {
		if (ok)
			g_propagate_error(error, g_steal_pointer(&err));
		ok = FALSE;
	}
	p->stats->imap_done += done;
	return ok;
}

gboolean
slt_ingest_run(const SltIngestOptions *opt, SltImap *imap, SltIngestStats *stats,
	       GError **error)
{
	g_return_val_if_fail(opt && opt->cfg && opt->store && opt->classifier, FALSE);
	SltIngestStats dummy;
	if (!stats)
		stats = &dummy;
	memset(stats, 0, sizeof *stats);
	const SltConfig *cfg = opt->cfg;
	SltStore *store = opt->store;
	const char *mailbox = cfg->imap_mailbox;

	SltMailboxInfo info;
	if (!slt_imap_select(imap, mailbox, &info, error))
		return FALSE;
	SltCheckpoint cp;
	if (!slt_store_get_checkpoint(store, mailbox, &cp, error))
		return FALSE;
	stats->uidvalidity = info.uidvalidity;
	if (cp.uidvalidity != info.uidvalidity) {
		if (cp.uidvalidity) {
			/* RFC 3501 2.3.1.1: every UID may now name another message.
			 * Start over; dedupe keeps what we have once. */
			slt_log_notice("ingest: UIDVALIDITY of '%s' changed from %u to %u: rescanning",
				       mailbox, cp.uidvalidity, info.uidvalidity);
			stats->uidvalidity_changed = TRUE;
		}
		if (!slt_store_begin(store, error))
			return FALSE;
		if (!slt_store_set_checkpoint(store, mailbox, info.uidvalidity, 0, error) ||
		    !slt_store_commit(store, error)) {
			slt_store_rollback(store);
			return FALSE;
		}
		cp.last_uid = 0;
	}

	g_autoptr(GArray) uids = slt_imap_search_after(imap, cp.last_uid, error);
	if (!uids)
		return FALSE;
	stats->found = uids->len;

	Pass p = {
		.opt = opt, .mailbox = mailbox, .uidvalidity = info.uidvalidity,
		.stats = stats, .first = TRUE,
	};
	gboolean ok = TRUE;
	g_autoptr(GError) err = NULL;
	if (uids->len)
		ok = slt_imap_fetch(imap, (const guint32 *)(const void *)uids->data, uids->len,
				    (gsize)cfg->max_message_size, on_message, &p, &err);
	/* Whatever is in the open transaction is complete, message and
	 * checkpoint both: keep it even when the fetch broke off. If the
	 * failure was the store's own, the commit fails too and nothing of
	 * the batch is kept. */
	if (p.in_txn) {
		g_autoptr(GError) cerr = NULL;
		if (!commit_batch(&p, &cerr) && ok) {
			ok = FALSE;
			g_propagate_error(&err, g_steal_pointer(&cerr));
		}
	}
	slt_store_rollback(store);
	if (ok)
		ok = imap_actions(&p, imap, &err);
	if (!ok) {
		g_propagate_error(error, g_steal_pointer(&err));
		return FALSE;
	}
	return TRUE;
}

gboolean
slt_ingest_pass(const SltIngestOptions *opt, SltIngestStats *stats, GError **error)
{
	SltImap *imap = slt_ingest_connect(opt->cfg, error);
	if (!imap)
		return FALSE;
	gboolean ok = slt_ingest_run(opt, imap, stats, error);
	slt_imap_close(imap);
	return ok;
}
