/* SPDX-License-Identifier: MIT */
/* react: the pure decision of what one recorded message gets: which
 * reply (template), which packages attached, linked or waited for,
 * whether the sender leaves the waiting lists, or no reply at all and
 * why. No I/O: the caller gathers the facts (store, config) and carries
 * the decision out (template, reply, store).
 * RFC 3834 (when not to answer automatically).
 *
 * The order of the rules, first match wins:
 *  1. intent automatisch / overig: no reply (reason = the intent);
 *  2. machine signals (Auto-Submitted, List-*, Precedence, DSN, MDN,
 *     null Return-Path, MAILER-DAEMON, no-reply, bulk mailer): no reply
 *     ("machine"); the weak X-Auto-Response-Suppress alone does not count;
 *  3. no usable address ("no-address"), our own ("own-address"), a
 *     no-reply or daemon address ("no-reply-address"): no reply;
 *  -- from here on the sender is a person we may write to --
 *  4. low confidence (review): a follow-up gets nothing ("follow-up"),
 *     a new request the neutral acknowledgement, nothing about packages;
 *  5. afmelden: leave every waiting list, confirm;
 *  6. packages asked for ("alle" = the five; already handled on this
 *     request: left out): published ones attached, or linked above the
 *     size limit when a download URL exists; the others waited for;
 *  7. a follow-up without anything new (no new package, not a first ask
 *     to spar) gets no second acknowledgement ("follow-up");
 *  8. template: sparring -> ack-sparring, vraag -> ack-vraag, werkpakket
 *     (and any follow-up with new packages) -> package when something is
 *     sent, else waitlist; werkpakket without packages -> neutral;
 *  9. limits: per sender and kind per day, and for packages per sender
 *     and package per day ("sender-limit"); all replies per hour
 *     ("hourly-cap"). A limit suppresses the reply only: the waiting
 *     list changes of 5 and 6 still happen. */
#pragma once

#include <glib.h>

/* Reasons for no reply (static strings, stored in outbox.suppress_reason). */
#define SLT_REACT_AUTOMATISCH  "automatisch"
#define SLT_REACT_OVERIG       "overig"
#define SLT_REACT_MACHINE      "machine"
#define SLT_REACT_NO_ADDRESS   "no-address"
#define SLT_REACT_OWN_ADDRESS  "own-address"
#define SLT_REACT_NOREPLY      "no-reply-address"
#define SLT_REACT_FOLLOW_UP    "follow-up"
#define SLT_REACT_SENDER_LIMIT "sender-limit"
#define SLT_REACT_HOURLY_CAP   "hourly-cap"

typedef struct {
	const char *id;        /* package id */
	gboolean published;
	gint64 size;           /* bytes of its files together (when published) */
} SltReactPackage;

typedef struct {
	/* The message. */
	const char *intent;            /* classification (or staff's) */
	const GPtrArray *packages;     /* char* ids asked for, or "alle"; may be NULL */
	gboolean review;               /* low confidence: staff should look */
	guint machine;                 /* SltMachineSignal bits (mime.h) */
	const char *from_addr;         /* lowercase, may be NULL */
	const char *reply_to_addr;     /* lowercase, may be NULL */

	/* The thread. */
	gboolean follow_up;            /* joined an existing request */
	const char *thread_intent;     /* that request's intent (follow-ups), or NULL */
	const char *const *thread_packages; /* packages already answered on it
					* (sent or waited for); NULL-terminated or NULL */

	/* The desk. */
	const char *const *own_addrs;  /* our addresses (From, envelope, mailbox), lowercase;
					* NULL-terminated or NULL */
	const SltReactPackage *catalogue; /* the five packages' state */
	guint n_catalogue;
	gint64 attach_max;             /* above this a link is sent ... */
	gboolean can_link;             /* ... when a download URL is configured */

	/* Recent replies (not suppressed, not failed, not publications). */
	const char *const *sender_kinds_today; /* kind of each reply to this address in
					* the last 24 h; NULL-terminated or NULL */
	const char *const *sender_packages_today; /* package ids sent to this address in
					* the last 24 h; NULL-terminated or NULL */
	guint replies_last_hour;       /* to anyone */
	guint per_sender_per_day;      /* 0: no limit */
	guint global_per_hour;         /* 0: no limit */
} SltReactInput;

typedef struct {
	gboolean reply;          /* queue a reply (else: record the suppression) */
	const char *kind;        /* the template (SLT_TEMPLATE_*), also when a limit
				  * suppressed it; NULL when no reply was ever due */
	const char *reason;      /* why no reply (SLT_REACT_*), NULL when reply */
	const char *rcpt;        /* where a reply goes (points into the input), or NULL */
	GPtrArray *attach;       /* package ids (static) to attach; never NULL */
	GPtrArray *link;         /* package ids to send as a download link; never NULL */
	GPtrArray *wait;         /* package ids to put the sender on the waiting list for */
	gboolean unsubscribe;    /* remove the sender from every waiting list */
} SltReaction;

/* Decide. Never fails. Returns a new reaction (free with
 * slt_reaction_free). */
SltReaction *slt_react_decide(const SltReactInput *in);

void slt_reaction_free(SltReaction *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltReaction, slt_reaction_free)

/* TRUE for addresses that must never get an automatic reply: no-reply
 * local parts, MAILER-DAEMON, postmaster, bounce and list robots. */
gboolean slt_react_is_noreply(const char *addr);
