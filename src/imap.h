/* SPDX-License-Identifier: MIT */
/* imap: follow one mailbox over IMAP on one authenticated libcurl
 * connection (CURLOPT_CONNECT_ONLY: libcurl does TLS, CAPABILITY and
 * AUTHENTICATE; we speak the rest ourselves through imapresp.h, because
 * Debian 12's libcurl cannot do a ranged BODY.PEEK fetch safely: lab
 * notes 4c, and the FETCH comment in imap.c). Raw RFC 5322 bytes in,
 * nothing about MIME. One connection serves one caller at a time; the
 * functions block, each wait bounded by timeout_s.
 * RFCs: 3501 (IMAP4rev1), 2177 (IDLE), 6851 (MOVE), 4731 (ESEARCH),
 * 7888 (LITERAL+), 4978 (COMPRESS, not used). */
#pragma once

#include <glib.h>

typedef enum {
	SLT_RETRY_NOW,      /* try again at once (e.g. a dropped reused connection) */
	SLT_RETRY_BACKOFF,  /* try again later, with backoff (network, server busy) */
	SLT_RETRY_NEVER,    /* give up and tell staff (auth, TLS, config) */
} SltRetry;

typedef enum {
	SLT_SCOPE_MESSAGE,  /* one message is bad; go on with the next */
	SLT_SCOPE_MAILBOX,  /* the mailbox is unusable (missing, no rights) */
	SLT_SCOPE_SERVER,   /* the connection or account is unusable */
} SltScope;

#define SLT_IMAP_ERROR (slt_imap_error_quark())
GQuark slt_imap_error_quark(void);
typedef enum {
	SLT_IMAP_ERROR_CONNECT,     /* refused, DNS, dropped during login (BACKOFF, SERVER) */
	SLT_IMAP_ERROR_TLS,         /* certificate not verified, no STARTTLS (NEVER, SERVER) */
	SLT_IMAP_ERROR_AUTH,        /* login refused (NEVER, SERVER) */
	SLT_IMAP_ERROR_PROTOCOL,    /* the server said something we cannot follow (BACKOFF, SERVER) */
	SLT_IMAP_ERROR_NO,          /* tagged NO to a command (BACKOFF, MAILBOX) */
	SLT_IMAP_ERROR_BAD,         /* tagged BAD (NEVER, MAILBOX) */
	SLT_IMAP_ERROR_GONE,        /* connection closed / BYE (NOW, SERVER) */
	SLT_IMAP_ERROR_TIMEOUT,     /* no answer within the timeout (BACKOFF, SERVER) */
	SLT_IMAP_ERROR_TOO_BIG,     /* message above the size cap (NEVER, MESSAGE) */
	SLT_IMAP_ERROR_UNSUPPORTED, /* the server lacks a capability we need, e.g. MOVE (NEVER, MAILBOX) */
	SLT_IMAP_ERROR_CONFIG,      /* bad URL, keyword or mailbox name (NEVER, SERVER) */
} SltImapError;

/* The retry class and scope of an error from this module (errors of other
 * domains: BACKOFF and SERVER). */
SltRetry slt_imap_error_retry(const GError *error);
SltScope slt_imap_error_scope(const GError *error);

typedef struct {
	const char *url;         /* imaps://host[:port]/ or imap://host[:port]/ (mailbox part ignored here) */
	const char *username;
	const char *password;    /* not copied into any log line or error message */
	const char *ca_file;     /* NULL: the system store. Verification is always on */
	gboolean require_tls;    /* imap:// then needs STARTTLS (CURLUSESSL_ALL); FALSE only for loopback tests */
	long timeout_s;          /* connect and per-response timeout; 0: 60 s */
} SltImapOptions;

typedef struct {
	guint32 uidvalidity;
	guint32 uidnext;         /* 0 when the server did not say */
	guint32 exists;
} SltMailboxInfo;

typedef struct _SltImap SltImap;

/* Connect, verify TLS, log in, and re-read CAPABILITY (it changes after
 * login). Returns a new connection (free with slt_imap_close), or NULL
 * with error (SLT_IMAP_ERROR_*), whose message names the host and user,
 * never the password, e.g. "imap: login refused for 'test'". */
SltImap *slt_imap_connect(const SltImapOptions *opt, GError **error);

/* Log out politely (best effort, short timeout) and free. NULL is allowed. */
void slt_imap_close(SltImap *imap);

/* TRUE when the server offered the capability (e.g. "IDLE", "MOVE",
 * "ESEARCH"); case-insensitive. */
gboolean slt_imap_has_capability(SltImap *imap, const char *cap);

/* SELECT mailbox (read-write: we set keywords and MOVE; fetching uses
 * BODY.PEEK so \Seen is never touched). info (may be NULL) gets
 * UIDVALIDITY, UIDNEXT and EXISTS. */
gboolean slt_imap_select(SltImap *imap, const char *mailbox,
			 SltMailboxInfo *info, GError **error);

/* UIDs > after_uid in the selected mailbox, ascending and unique, as
 * guint32 in a new GArray (owned by the caller). Uses ESEARCH
 * (UID SEARCH RETURN (ALL)) when offered, plain SEARCH otherwise, and
 * filters the "n:*" quirk (it always matches the highest UID) itself. */
GArray *slt_imap_search_after(SltImap *imap, guint32 after_uid, GError **error);

/* One fetched message, valid only for the duration of the callback. */
typedef struct {
	guint32 uid;
	const char *flags;  /* the FLAGS list as the server gave it, e.g. "\\Seen $Processed" ("" if none) */
	gsize size;         /* RFC822.SIZE as the server announced it */
	GBytes *raw;        /* the exact message bytes (g_bytes_ref to keep them), or NULL
			     * when the message is above max_size and was not downloaded */
} SltImapMessage;

/* Called for each message fetched, in ascending UID order, one at a time:
 * the caller may commit per message. Return FALSE (with error) to stop.
 * It must not call other slt_imap_* functions on the same connection (they
 * fail with SLT_IMAP_ERROR_CONFIG): collect the UIDs and mark or move
 * them after slt_imap_fetch returns (slt_imap_add_keyword_uids). */
typedef gboolean (*SltImapMessageFunc)(const SltImapMessage *msg,
				       gpointer user_data, GError **error);

/* Fetch the given UIDs (ascending) with BODY.PEEK[] (never sets \Seen),
 * pipelined in batches: per batch first UID FLAGS RFC822.SIZE, then the
 * bodies of those not above max_size (0: no cap), while the next batch's
 * sizes are already asked. At most one message body is held at a time.
 * UIDs that no longer exist are left out. A message above max_size (or
 * whose body turns out larger than announced) gets fn with raw == NULL.
 * Returns FALSE on a connection-level error or when fn failed (then fn's
 * error is returned and the connection stays usable). */
gboolean slt_imap_fetch(SltImap *imap, const guint32 *uids, guint n_uids,
			gsize max_size, SltImapMessageFunc fn,
			gpointer user_data, GError **error);

/* UID STORE uid +FLAGS.SILENT (keyword). keyword must be an IMAP atom
 * (e.g. "$Processed"), else SLT_IMAP_ERROR_CONFIG. UIDs that no longer
 * exist are not an error. The _uids form does many UIDs in few commands
 * (1000 UIDs per command, any order). */
gboolean slt_imap_add_keyword(SltImap *imap, guint32 uid, const char *keyword,
			      GError **error);
gboolean slt_imap_add_keyword_uids(SltImap *imap, const guint32 *uids, guint n_uids,
				   const char *keyword, GError **error);

/* UID MOVE uid to mailbox (RFC 6851). Without the MOVE capability this
 * fails with SLT_IMAP_ERROR_UNSUPPORTED: there is no COPY + \Deleted +
 * EXPUNGE fallback, because we never delete. mailbox must be printable
 * ASCII (no modified UTF-7 writer), else SLT_IMAP_ERROR_CONFIG. A missing
 * target mailbox gives SLT_IMAP_ERROR_NO. */
gboolean slt_imap_move(SltImap *imap, guint32 uid, const char *mailbox,
		       GError **error);
gboolean slt_imap_move_uids(SltImap *imap, const guint32 *uids, guint n_uids,
			    const char *mailbox, GError **error);

/* IDLE (RFC 2177). idle_start sends IDLE and waits for the continuation.
 * Then call idle_check once at once (the server may already have said
 * something), and again whenever slt_imap_socket() is readable: it reads
 * everything available without blocking (also what TLS buffered) and sets
 * *new_mail when EXISTS grew. idle_done sends DONE and waits for the
 * tagged OK. Renew IDLE before 29 minutes (RFC 2177). */
gboolean slt_imap_idle_start(SltImap *imap, GError **error);
int slt_imap_socket(SltImap *imap);
gboolean slt_imap_idle_check(SltImap *imap, gboolean *new_mail, GError **error);
gboolean slt_imap_idle_done(SltImap *imap, GError **error);

/* Convenience for callers without a main loop: between idle_start and
 * idle_done, wait up to timeout_ms for new mail. */
gboolean slt_imap_idle_wait(SltImap *imap, int timeout_ms, gboolean *new_mail,
			    GError **error);

/* NOOP: keeps the connection alive, and notices new mail (*new_mail, may
 * be NULL, is set when EXISTS grew since the last look). */
gboolean slt_imap_noop(SltImap *imap, gboolean *new_mail, GError **error);

/* The message count of the selected mailbox as last announced. */
guint32 slt_imap_exists(SltImap *imap);
