/* SPDX-License-Identifier: MIT */
/* ingest: one pass over the followed mailbox: fetch what came after the
 * checkpoint, parse, classify, thread and record each message, exactly
 * once, with the checkpoint in the same transaction.
 * RFCs: 3501 (UIDVALIDITY, UID), 6851 (MOVE), 5322. */
#pragma once

#include <glib.h>
#include "config.h"
#include "imap.h"
#include "store.h"
#include "classify.h"

/* What the reaction hook gets: one message just recorded (not a
 * duplicate), valid only during the call. The hook runs on the thread
 * that called slt_ingest_run (the store's thread). */
typedef struct {
	gint64 message_row;          /* messages.id */
	gint64 request_id;           /* requests.id */
	SltRecordStatus status;      /* NEW_REQUEST or FOLLOW_UP */
	gboolean reopened;           /* the follow-up reopened the request */
	const SltMessage *msg;
	const SltClassification *labels;
} SltIngested;

/* The replies' hook (issue 5): decide the reaction to one recorded
 * message and queue it in the outbox. Called inside the transaction that
 * records the message and moves the checkpoint, so the reply is queued
 * exactly when the message is recorded. It must only write to the store
 * (no network, no mail sent here). Return FALSE with error to refuse:
 * an error of SLT_STORE_ERROR that slt_store_error_is_fatal() calls
 * fatal stops the pass (nothing of this message is kept; it is fetched
 * again next pass); any other error rolls the message back and records
 * it as a dead letter with that error, so one message can never block
 * the ones after it. */
typedef gboolean (*SltIngestReactFunc)(SltStore *store, const SltIngested *in,
				       gpointer user_data, GError **error);

typedef struct {
	const SltConfig *cfg;        /* [imap] and the size cap */
	SltStore *store;
	const SltClassifier *classifier;
	/* Set (the same classifier): organisations as a stream. Each message,
	 * in UID order as it is recorded, goes through
	 * slt_classifier_learn_org, and a newly learned (domain, org) is
	 * stored with it (slt_store_org_domain_put). NULL: not. */
	SltClassifier *learn_orgs;
	SltIngestReactFunc react;    /* NULL: record only, queue no reply */
	gpointer react_data;
	guint poison_limit;          /* passes that may die on one message before it
				      * is set aside as a dead letter; 0: 3 */
	guint workers;               /* threads that parse and classify; 0: one per CPU;
				      * 1: all on the calling thread */
	/* Called on the calling thread once per fetched message, as it is
	 * taken on or written (the service pings the watchdog from it and
	 * stops on SIGTERM).
	 * Return FALSE to stop: the messages already taken on are finished
	 * and recorded, the rest waits for the next pass, and the pass
	 * returns FALSE with G_IO_ERROR_CANCELLED. NULL: never stop. */
	gboolean (*progress)(gpointer progress_data);
	gpointer progress_data;
} SltIngestOptions;

typedef struct {
	guint32 uidvalidity;
	gboolean uidvalidity_changed; /* rescanned from UID 0 */
	guint found;                  /* UIDs after the checkpoint */
	guint recorded;               /* new messages recorded */
	guint new_requests;           /* of which opened a request */
	guint duplicates;             /* seen before (rescan) */
	guint dead_letters;
	guint imap_done;              /* keyword/MOVE commands done */
	guint64 bytes;                /* message bytes fetched */
} SltIngestStats;

/* Connect and log in as cfg says (TLS verified; imap:// needs STARTTLS
 * unless allow-plaintext). Returns a new connection or NULL with an
 * SLT_IMAP_ERROR. */
SltImap *slt_ingest_connect(const SltConfig *cfg, GError **error);

/* One pass on a connected imap: SELECT the mailbox, compare UIDVALIDITY
 * with the checkpoint (changed: rescan from UID 0; dedupe keeps each
 * message once), fetch every UID after the checkpoint (BODY.PEEK: seen
 * state untouched) and record each in one transaction with the
 * checkpoint; a message above the size cap, unparsable, refused by the
 * store or the hook, or that killed earlier passes becomes a dead letter
 * in that same transaction, and the pass goes on. Then set the keyword
 * and/or MOVE recorded messages (after making the commits durable).
 * Fills *stats (may be NULL). On an IMAP error (connection, auth, TLS)
 * or a fatal store error returns FALSE with it; every message committed
 * before stays committed, and the checkpoint never passes a message that
 * was not. */
gboolean slt_ingest_run(const SltIngestOptions *opt, SltImap *imap,
			SltIngestStats *stats, GError **error);

/* connect + run + close: one pass on its own connection. */
gboolean slt_ingest_pass(const SltIngestOptions *opt, SltIngestStats *stats,
			 GError **error);
