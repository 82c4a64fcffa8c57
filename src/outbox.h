/* SPDX-License-Identifier: MIT */
/* outbox: drain the queued replies over SMTP (smtp.c): send what is due,
 * mark it sent right after the server's 250, back temporary failures off
 * exponentially for up to 5 days, mark permanent ones failed for staff.
 * RFC 5321 4.5.4.1 (retry strategy: give up after 4-5 days).
 *
 * Nothing lost, nothing sent twice. A reply is queued in the transaction
 * that records its message; the drain first makes those commits durable
 * (slt_store_sync), then sends each item and records the 250 with ONE
 * autocommit statement (slt_store_outbox_sent). A kill before the 250
 * leaves the item queued: the server has not taken it (SMTP delivers
 * nothing without the final "." and its 250), so it is sent again. A kill
 * after the server has stored the message and before that statement
 * commits -- the server's 250 on its way, libcurl, and one UPDATE whose
 * WAL sync is the slow step -- sends it twice on the next run. Measured
 * in tests/t0810 (doc/RELIABILITY.md): 3 to 6 of 11 kills that landed
 * while replies were being sent. That window cannot be closed without the server's help
 * (there is no SMTP transaction we could commit together with ours), so it
 * is kept as small as one statement; see tests/t0503-reply-outbox.sh. */
#pragma once

#include <glib.h>
#include "config.h"
#include "store.h"

typedef struct _SltOutbox SltOutbox;

/* A sender for cfg's [smtp] (borrowed; must outlive the outbox). NULL
 * with an SLT_SMTP_ERROR_CONFIG when the options cannot work. */
SltOutbox *slt_outbox_new(const SltConfig *cfg, GError **error);
void slt_outbox_free(SltOutbox *o);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltOutbox, slt_outbox_free)

typedef struct {
	guint sent;        /* the server said 250 */
	guint retry;       /* temporary failure: queued again for later */
	guint failed;      /* permanent failure (5xx): failed, for staff */
	guint gave_up;     /* temporary for longer than 5 days: failed */
	guint left;        /* still due when the round stopped (server trouble) */
} SltOutboxStats;

/* One round: every item due now (slt_store_clock), oldest first, in
 * batches. A server-level failure (connection refused, TLS, login,
 * timeout) reschedules the item and ends the round: FALSE with that
 * SLT_SMTP_ERROR_SERVER; a store error: FALSE with it. Per-message
 * failures do not stop the round. Fills *stats (may be NULL). */
gboolean slt_outbox_drain(SltOutbox *o, SltStore *store, SltOutboxStats *stats,
			  GError **error);

/* Seconds to wait after the nth failed attempt (n >= 1): 1 min, doubling,
 * at most 4 hours. */
gint64 slt_outbox_backoff(int attempts);

/* How long temporary failures are retried before the item fails. */
#define SLT_OUTBOX_GIVE_UP_SECONDS (5 * 24 * 3600)
