/* SPDX-License-Identifier: MIT */
/* ingest: one pass over the mailbox, every message recorded exactly once.
 * RFCs: 3501 section 2.3.1.1 (UID, UIDVALIDITY), 6851 (MOVE).
 *
 * Exactly once: a message's rows and the checkpoint past its UID are
 * written in one transaction. A kill before the commit loses both (the
 * message is fetched again); after it, neither. Several messages share a
 * transaction (a batch): the checkpoint moves with the last of them, so
 * the rule holds for the batch as a whole. A rescan after a UIDVALIDITY
 * change meets recorded messages again; the store's dedupe (Message-ID +
 * SHA-256 of the bytes) keeps them once.
 *
 * The work: a reader thread reads the server's pipelined FETCH; worker
 * threads hash, parse and classify (pure work on one message each); the
 * calling thread owns the database and writes the results strictly in
 * UID order. Reading, preparing and writing overlap: when one thread
 * both read and wrote, the workers ran dry during every batch's commit
 * (make bench: 4.6 s against 3.x s for 10,000 messages). A batch
 * that meets a message-scoped failure (the store or the reply hook
 * refusing one message) is rolled back and written again one message
 * per transaction, the refused one as a dead letter: a per-message
 * savepoint would have done that too, but makes FTS5 write a segment per
 * message (store.c).
 *
 * Poison guard: a message that crashes the process (a parser bug, or a
 * hang that the watchdog ends with SIGABRT) would come first in every
 * pass and block the mailbox. crashguard.c records which UIDs were being
 * handled when a crash signal came. The next pass then works carefully,
 * one message at a time on this thread, so that a further crash names
 * exactly one UID; each such crash is counted on that UID (checkpoints
 * table), and after POISON_LIMIT in a row the message is set aside as a
 * dead letter. SIGKILL leaves no record, so kills from outside (t0206
 * kills a pass hundreds of times) never count against a message.
 *
 * Fault injection for tests: with SLTD_TEST_CRASH=<Message-ID> in the
 * environment, handling that message raises SIGSEGV. */
#include "ingest.h"

#include <string.h>
#include <gio/gio.h>

#include <signal.h>
#include <stdlib.h>
#include <openssl/evp.h>

#include "crashguard.h"
#include "log.h"
#include "mime.h"

#define POISON_LIMIT       3
#define BATCH_MAX          32
#define BATCH_MAX_BYTES    (8u << 20)
/* A write transaction ends after this long (write_chunk). */
#define TXN_MAX_US         (250 * 1000)
/* Fetched but not yet written, at most: bounds memory whatever the
 * workers' speed. With 32 the workers could run dry while the writer
 * wrote a batch (10,000 messages, medians of 4 or 5 runs alternated:
 * 4.56 s with 32 against 4.32 s with 128 on glibc malloc, 4.01 s against
 * 3.83 s on mimalloc; an earlier day's runs showed no gain beyond the
 * noise). */
#define INFLIGHT_MAX       128
#define INFLIGHT_MAX_BYTES (16u << 20)

/* One fetched message on its way to the store. */
typedef struct {
	guint32 uid;
	char *flags;
	gsize size;
	GBytes *raw;                 /* NULL: above the cap, not downloaded */
	/* Filled before done is set (by a worker, or at once). */
	guint8 sha[32];
	SltMessage *msg;
	SltClassification *labels;
	char *refused;               /* set aside as a dead letter, with this reason */
	gboolean done;               /* under Pass.lock */
} Item;

typedef struct {
	const SltIngestOptions *opt;
	const char *mailbox;
	guint32 uidvalidity;
	SltIngestStats *stats;
	gboolean careful;            /* a pass crashed: one message at a time, here */
	guint32 poison_uid;          /* crashed on this many times in a row ... */
	guint poison_crashes;
	const char *crash_on;        /* SLTD_TEST_CRASH */
	gboolean failed;             /* the store failed: write nothing more */
	GThreadPool *pool;
	GMutex lock;
	GCond cond;
	GQueue inflight;             /* Item*, UID order */
	gsize inflight_bytes;
	/* The fetch on its own thread (reader), under lock. */
	gboolean stop;               /* the writer wants no more messages */
	gboolean fetch_done;
	gboolean fetch_ok;
	GError *fetch_err;
	SltImap *imap;
	const guint32 *uids;
	guint n_uids;
	GPtrArray *batch;            /* Item*, done, UID order */
	gsize batch_bytes;
} Pass;

static void
item_free(Item *it)
{
	if (!it)
		return;
	g_free(it->flags);
	g_clear_pointer(&it->raw, g_bytes_unref);
	g_clear_pointer(&it->msg, slt_message_free);
	g_clear_pointer(&it->labels, slt_classification_free);
	g_free(it->refused);
	g_free(it);
}

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

/* Hash, parse, classify: no shared state but the (thread-safe)
 * classifier, so it runs on any thread. */
static void
prepare(Item *it, const SltIngestOptions *opt, const char *crash_on)
{
	if (it->refused || !it->raw)
		return;
	slt_crashguard_busy(it->uid);
	gsize len = 0;
	const char *data = g_bytes_get_data(it->raw, &len);
	/* OpenSSL, not GChecksum: it uses the CPU's SHA instructions, a
	 * tenth of the time (GChecksum was 8% of the workers' time in make
	 * bench); libcurl loads libcrypto anyway. */
	unsigned int sha_len = sizeof it->sha;
	if (!EVP_Digest(data, len, it->sha, &sha_len, EVP_sha256(), NULL))
		g_error("ingest: SHA-256 failed");
	g_autoptr(GError) err = NULL;
	it->msg = slt_mime_parse(data, len, &err);
	if (!it->msg) {
		it->refused = g_strdup_printf("cannot parse: %s", err ? err->message : "unknown error");
		slt_crashguard_busy(0);
		return;
	}
	if (crash_on && g_strcmp0(it->msg->message_id, crash_on) == 0)
		raise(SIGSEGV);
	it->labels = slt_classify(opt->classifier, it->msg);
	slt_crashguard_busy(0);
}

static void
worker(gpointer data, gpointer user_data)
{
	Item *it = data;
	Pass *p = user_data;
	prepare(it, p->opt, p->crash_on);
	g_mutex_lock(&p->lock);
	it->done = TRUE;
	g_cond_broadcast(&p->cond);
	g_mutex_unlock(&p->lock);
}

typedef enum { WROTE, REFUSED, FATAL } Outcome;

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

/* What one transaction did, made known only when it commits (a batch
 * that is rolled back and replayed must not count or log twice). */
typedef struct {
	SltIngestStats stats;
	GString *log;           /* dead-letter lines */
} Acc;

static void
acc_reset(Acc *acc)
{
	memset(&acc->stats, 0, sizeof acc->stats);
	g_string_truncate(acc->log, 0);
}

static gboolean
dead_letter(Pass *p, const Item *it, const char *why, Acc *acc, GError **error)
{
	SltDeadLetter dl = {
		.mailbox = p->mailbox, .uidvalidity = p->uidvalidity, .uid = it->uid,
		.size = it->size, .raw = it->raw, .error = why,
	};
	if (!slt_store_dead_letter(p->opt->store, &dl, (gsize)p->opt->cfg->max_message_size,
				   NULL, error))
		return FALSE;
	g_autofree char *safe = slt_log_sanitize(why, 300);
	g_string_append_printf(acc->log, "ingest: '%s' UID %u set aside as a dead letter: %s\n",
			       p->mailbox, it->uid, safe);
	acc->stats.dead_letters++;
	return TRUE;
}

/* Write one prepared message into the open transaction. REFUSED (with
 * *why) when the store or the hook refused this one message: the caller
 * rolls back. FATAL with error when the store itself failed. */
static Outcome
write_item(Pass *p, const Item *it, Acc *acc, char **why, GError **error)
{
	const SltIngestOptions *opt = p->opt;
	const SltConfig *cfg = opt->cfg;
	if (it->refused)
		return dead_letter(p, it, it->refused, acc, error) ? WROTE : FATAL;

	SltIncoming in = {
		.mailbox = p->mailbox, .uidvalidity = p->uidvalidity, .uid = it->uid,
		.imap_flags = it->flags, .raw = it->raw, .sha256 = it->sha,
		.msg = it->msg, .labels = it->labels,
		.imap_pending = cfg->imap_move_to ||
			(cfg->imap_keyword && !has_flag(it->flags, cfg->imap_keyword)),
	};
	SltRecordResult r;
	g_autoptr(GError) err = NULL;
	slt_crashguard_busy(it->uid);
	/* Here, not in the workers: what a message teaches must be known
	 * before the next one in UID order is recorded. */
	g_autofree char *learned = opt->learn_orgs ?
		slt_classifier_learn_org(opt->learn_orgs, it->msg, it->labels) : NULL;
	gboolean ok = slt_store_record_incoming(opt->store, &in, &r, &err);
	if (ok && learned && r.status != SLT_RECORD_DUPLICATE)
		ok = slt_store_org_domain_put(opt->store, learned, it->labels->org, r.message_row, &err);
	if (ok && r.status != SLT_RECORD_DUPLICATE && opt->react) {
		SltIngested ing = {
			.message_row = r.message_row, .request_id = r.request_id,
			.status = r.status, .reopened = r.reopened, .msg = it->msg, .labels = it->labels,
		};
		ok = opt->react(opt->store, &ing, opt->react_data, &err);
		if (!ok && !err)
			g_set_error_literal(&err, SLT_STORE_ERROR, SLT_STORE_ERROR_FAILED,
					    "the reaction failed without saying why");
	}
	slt_crashguard_busy(0);
	if (!ok) {
		if (slt_store_error_is_fatal(err)) {
			g_propagate_error(error, g_steal_pointer(&err));
			return FATAL;
		}
		*why = g_strdup_printf("cannot record: %s", err->message);
		return REFUSED;
	}
	switch (r.status) {
	case SLT_RECORD_DUPLICATE:
		acc->stats.duplicates++;
		break;
	case SLT_RECORD_NEW_REQUEST:
		acc->stats.new_requests++;
		/* fall through */
	case SLT_RECORD_FOLLOW_UP:
		acc->stats.recorded++;
		slt_log_debug("ingest: UID %u is message %" G_GINT64_FORMAT " of SLT-%" G_GINT64_FORMAT,
			      it->uid, r.message_row, r.request_id);
		break;
	}
	return WROTE;
}

/* The transaction committed: count and log what it did. */
static void
acc_commit(Pass *p, Acc *acc)
{
	SltIngestStats *to = p->stats;
	to->recorded += acc->stats.recorded;
	to->new_requests += acc->stats.new_requests;
	to->duplicates += acc->stats.duplicates;
	to->dead_letters += acc->stats.dead_letters;
	if (acc->log->len) {
		g_auto(GStrv) lines = g_strsplit(acc->log->str, "\n", -1);
		for (char **l = lines; *l; l++)
			if (**l)
				slt_log_warn("%s", *l);
	}
	acc_reset(acc);
}

/* Up to n of items in one transaction with the checkpoint past the last
 * written; *written says how many. The transaction holds the database's
 * write lock, and staff's sltctl waits for it no longer than its busy
 * timeout (5 s): so it also ends after TXN_MAX_US, whatever the batch
 * (32 messages take about 7 ms at native speed; under ASan on a loaded
 * machine a whole batch once took more than 5 s, t0702), and the store
 * leaves the lock free a while before the next one (slt_store_begin).
 * On a refusal: roll back, then one transaction per message up to the
 * refused one. */
static gboolean
write_chunk(Pass *p, Item **items, guint n, guint *written, GError **error)
{
	SltStore *store = p->opt->store;
	Acc acc = { .log = g_string_new(NULL) };
	g_autoptr(GString) log = acc.log;
	g_autofree char *why = NULL;
	if (!slt_store_begin(store, error))
		return FALSE;
	gint64 t0 = g_get_monotonic_time();
	Outcome o = WROTE;
	guint m = 0;
	while (m < n && o == WROTE && (m == 0 || g_get_monotonic_time() - t0 < TXN_MAX_US))
		o = write_item(p, items[m++], &acc, &why, error);
	if (o == WROTE) {
		if (!slt_store_set_checkpoint(store, p->mailbox, p->uidvalidity, items[m - 1]->uid, error) ||
		    !slt_store_commit(store, error)) {
			slt_store_rollback(store);
			return FALSE;
		}
		acc_commit(p, &acc);
		*written = m;
		return TRUE;
	}
	slt_store_rollback(store);
	if (o == FATAL)
		return FALSE;

	/* items[m - 1] was refused: the ones before it one by one (alone
	 * they may go through), then it as a dead letter. */
	for (guint i = 0; i < m; i++) {
		acc_reset(&acc);
		g_clear_pointer(&why, g_free);
		if (!slt_store_begin(store, error))
			return FALSE;
		o = write_item(p, items[i], &acc, &why, error);
		if (o == REFUSED) {
			slt_store_rollback(store);
			acc_reset(&acc);
			if (!slt_store_begin(store, error))
				return FALSE;
			o = dead_letter(p, items[i], why, &acc, error) ? WROTE : FATAL;
		}
		if (o == FATAL ||
		    !slt_store_set_checkpoint(store, p->mailbox, p->uidvalidity, items[i]->uid, error) ||
		    !slt_store_commit(store, error)) {
			slt_store_rollback(store);
			return FALSE;
		}
		acc_commit(p, &acc);
	}
	*written = m;
	return TRUE;
}

/* items[0..n), in as many transactions as write_chunk needs. */
static gboolean
write_items(Pass *p, Item **items, guint n, GError **error)
{
	for (guint done = 0; done < n;) {
		guint k = 0;
		if (!write_chunk(p, items + done, n - done, &k, error))
			return FALSE;
		done += k;
	}
	return TRUE;
}

/* Add a prepared item to the open batch; TRUE when the batch is full
 * and should be written now. */
static gboolean
batch_add(Pass *p, Item *it)
{
	g_ptr_array_add(p->batch, it);
	p->batch_bytes += it->size;
	return p->batch->len >= BATCH_MAX || p->batch_bytes >= BATCH_MAX_BYTES;
}

static gboolean
flush_batch(Pass *p, GError **error)
{
	gboolean ok = p->failed ||
		write_items(p, (Item **)p->batch->pdata, p->batch->len, error);
	g_ptr_array_set_size(p->batch, 0);
	p->batch_bytes = 0;
	if (!ok)
		p->failed = TRUE;
	return ok;
}

/* A fetched message as an Item: refused at once when it is above the
 * cap or has crashed sltd too often. */
static Item *
new_item(Pass *p, const SltImapMessage *m)
{
	const SltIngestOptions *opt = p->opt;
	Item *it = g_new0(Item, 1);
	it->uid = m->uid;
	it->flags = g_strdup(m->flags);
	it->size = m->raw ? g_bytes_get_size(m->raw) : m->size;
	it->raw = m->raw ? g_bytes_ref(m->raw) : NULL;
	if (m->raw)
		p->stats->bytes += it->size;

	guint limit = opt->poison_limit ? opt->poison_limit : POISON_LIMIT;
	if (it->uid == p->poison_uid && p->poison_crashes >= limit)
		it->refused = g_strdup_printf("sltd crashed %u times while handling this message",
					      p->poison_crashes);
	if (!it->raw && !it->refused)
		it->refused = g_strdup_printf("message of %zu bytes is above the cap of %" G_GINT64_FORMAT
					      " bytes ([imap] max-message-size)", m->size,
					      opt->cfg->max_message_size);
	return it;
}

/* The fetch's callback when everything happens on this thread (a
 * careful pass, one worker, or one message): prepare, batch, write. */
static gboolean
on_message(const SltImapMessage *m, gpointer user_data, GError **error)
{
	Pass *p = user_data;
	const SltIngestOptions *opt = p->opt;
	if (opt->progress && !opt->progress(opt->progress_data)) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "the pass was stopped");
		return FALSE;
	}
	if (p->failed) {
		g_set_error_literal(error, SLT_STORE_ERROR, SLT_STORE_ERROR_FAILED,
				    "the store failed earlier in this pass");
		return FALSE;
	}
	Item *it = new_item(p, m);
	prepare(it, opt, p->crash_on);
	if (batch_add(p, it))
		return flush_batch(p, error);
	return TRUE;
}

/* The fetch's callback on the reader thread: queue the message for the
 * workers, first waiting while too much is in flight (what bounds the
 * memory, whatever the workers' and the writer's speed). */
static gboolean
on_message_queued(const SltImapMessage *m, gpointer user_data, GError **error)
{
	Pass *p = user_data;
	Item *it = new_item(p, m);
	g_mutex_lock(&p->lock);
	while (!p->stop && p->inflight.length > 0 &&
	       (p->inflight.length >= INFLIGHT_MAX ||
		p->inflight_bytes + it->size > INFLIGHT_MAX_BYTES))
		g_cond_wait(&p->cond, &p->lock);
	if (p->stop) {
		g_mutex_unlock(&p->lock);
		item_free(it);
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "the pass was stopped");
		return FALSE;
	}
	g_queue_push_tail(&p->inflight, it);
	p->inflight_bytes += it->size;
	if (it->refused)
		it->done = TRUE;
	/* Once the lock is let go the writer may take (and free) a done
	 * item: decide before. */
	gboolean to_pool = !it->done;
	g_cond_broadcast(&p->cond);
	g_mutex_unlock(&p->lock);
	if (to_pool)
		g_thread_pool_push(p->pool, it, NULL);
	return TRUE;
}

static gpointer
reader_main(gpointer data)
{
	Pass *p = data;
	GError *err = NULL;
	gboolean ok = slt_imap_fetch(p->imap, p->uids, p->n_uids,
				     (gsize)p->opt->cfg->max_message_size, on_message_queued, p, &err);
	g_mutex_lock(&p->lock);
	p->fetch_ok = ok;
	p->fetch_err = err;
	p->fetch_done = TRUE;
	g_cond_broadcast(&p->cond);
	g_mutex_unlock(&p->lock);
	return NULL;
}

/* This thread's part while the reader fetches: take the prepared
 * messages in UID order and write them in batches, until the fetch has
 * ended and nothing is left in flight. After a store failure or a stop
 * (the progress hook) the reader is told to stop; what is already in
 * flight is still written (after a failure: waited for and dropped). */
static gboolean
write_queued(Pass *p, GError **error)
{
	const SltIngestOptions *opt = p->opt;
	gboolean ok = TRUE;
	g_mutex_lock(&p->lock);
	for (;;) {
		Item *head = g_queue_peek_head(&p->inflight);
		if (!head || !head->done) {
			if (!head && p->fetch_done)
				break;
			g_cond_wait(&p->cond, &p->lock);
			continue;
		}
		g_queue_pop_head(&p->inflight);
		p->inflight_bytes -= head->size;
		g_cond_broadcast(&p->cond);
		g_mutex_unlock(&p->lock);
		gboolean stop = FALSE;
		if (batch_add(p, head) && !flush_batch(p, ok ? error : NULL)) {
			ok = FALSE;
			stop = TRUE;
		}
		if (opt->progress && !opt->progress(opt->progress_data))
			stop = TRUE;
		g_mutex_lock(&p->lock);
		if (stop) {
			p->stop = TRUE;
			g_cond_broadcast(&p->cond);
		}
	}
	g_mutex_unlock(&p->lock);
	if (!flush_batch(p, ok ? error : NULL))
		ok = FALSE;
	return ok;
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
	while (done < uids->len) {
		guint32 uid = g_array_index(uids, guint32, done);
		if (cfg->imap_keyword)
			ok = slt_imap_add_keyword(imap, uid, cfg->imap_keyword, error);
		if (ok && cfg->imap_move_to)
			ok = slt_imap_move(imap, uid, cfg->imap_move_to, error);
		if (!ok)
			break;
		done++;
	}
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

static guint
worker_count(const SltIngestOptions *opt)
{
	if (opt->workers)
		return opt->workers;
	return CLAMP(g_get_num_processors(), 1, 8);
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
		.stats = stats, .crash_on = g_getenv("SLTD_TEST_CRASH"),
	};
	/* What a crashed pass left behind (see the top of this file). */
	g_autofree char *guard = g_strconcat(slt_store_path(store), "-crash", NULL);
	guint32 crash_validity = 0;
	g_autoptr(GArray) crashed = NULL;
	if (!slt_crashguard_take(guard, &crash_validity, &crashed, error))
		return FALSE;
	if (crashed->len && crash_validity == info.uidvalidity) {
		p.careful = TRUE;
		guint32 first = g_array_index(crashed, guint32, 0);
		if (crashed->len == 1) {
			guint n = 0;
			if (!slt_store_note_crash(store, mailbox, info.uidvalidity, first, &n, error))
				return FALSE;
			slt_log_notice("ingest: sltd crashed while handling UID %u (%u time(s) in a row): "
				       "one message at a time", first, n);
			if (!slt_store_get_checkpoint(store, mailbox, &cp, error))
				return FALSE;
		} else {
			slt_log_notice("ingest: sltd crashed while handling UIDs %u and %u others: "
				       "one message at a time", first, crashed->len - 1);
		}
	}
	if (cp.uidvalidity == info.uidvalidity) {
		p.poison_uid = cp.attempt_uid;
		p.poison_crashes = cp.attempts;
	}
	if (!slt_crashguard_arm(guard, info.uidvalidity, error))
		return FALSE;

	g_mutex_init(&p.lock);
	g_cond_init(&p.cond);
	g_queue_init(&p.inflight);
	p.batch = g_ptr_array_new_with_free_func((GDestroyNotify)item_free);
	guint workers = worker_count(opt);
	if (workers > 1 && uids->len > 1 && !p.careful)
		p.pool = g_thread_pool_new(worker, &p, (int)workers, FALSE, NULL);

	gboolean ok = TRUE;
	g_autoptr(GError) err = NULL;
	GThread *reader = NULL;
	if (p.pool && uids->len) {
		p.imap = imap;
		p.uids = (const guint32 *)(const void *)uids->data;
		p.n_uids = uids->len;
		reader = g_thread_try_new("sltd-fetch", reader_main, &p, NULL);
		if (!reader) {
			/* No thread: everything here, one message at a time. */
			g_thread_pool_free(p.pool, FALSE, TRUE);
			p.pool = NULL;
		}
	}
	if (reader) {
		g_autoptr(GError) werr = NULL;
		gboolean wok = write_queued(&p, &werr);
		g_thread_join(reader);
		ok = p.fetch_ok;
		err = p.fetch_err;
		/* A store failure is the cause; the fetch then only stopped. */
		if (!wok) {
			ok = FALSE;
			g_clear_error(&err);
			err = g_steal_pointer(&werr);
		}
	} else if (uids->len) {
		ok = slt_imap_fetch(imap, (const guint32 *)(const void *)uids->data, uids->len,
				    (gsize)cfg->max_message_size, on_message, &p, &err);
		/* What arrived before a broken fetch is complete: write it.
		 * After a store failure, flush_batch writes nothing. */
		g_autoptr(GError) ferr = NULL;
		if (!flush_batch(&p, &ferr) && ok) {
			ok = FALSE;
			g_propagate_error(&err, g_steal_pointer(&ferr));
		}
	}
	if (p.pool)
		g_thread_pool_free(p.pool, FALSE, TRUE);
	/* After a store failure the queue may still hold items. */
	Item *left;
	while ((left = g_queue_pop_head(&p.inflight)))
		item_free(left);
	g_ptr_array_unref(p.batch);
	g_mutex_clear(&p.lock);
	g_cond_clear(&p.cond);
	/* No crash: nothing for the next pass to suspect. */
	slt_crashguard_disarm();

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
	if (stats)
		memset(stats, 0, sizeof *stats);
	SltImap *imap = slt_ingest_connect(opt->cfg, error);
	if (!imap)
		return FALSE;
	gboolean ok = slt_ingest_run(opt, imap, stats, error);
	slt_imap_close(imap);
	return ok;
}
