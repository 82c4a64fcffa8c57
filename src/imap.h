/* SPDX-License-Identifier: MIT */
/* imap: follow one mailbox over IMAP on one authenticated libcurl
 * connection (CURLOPT_CONNECT_ONLY: libcurl does TLS, CAPABILITY and
 * AUTHENTICATE; we speak the rest ourselves through imapresp.h, because
 * Debian 12's libcurl cannot do a ranged BODY.PEEK fetch safely; see
 * README "IMAP design"). Raw RFC 5322 bytes in, nothing about MIME.
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
	SLT_IMAP_ERROR_CONNECT,   /* refused, DNS, timeout (BACKOFF, SERVER) */
	SLT_IMAP_ERROR_TLS,       /* certificate not verified (NEVER, SERVER) */
	SLT_IMAP_ERROR_AUTH,      /* login refused (NEVER, SERVER) */
	SLT_IMAP_ERROR_PROTOCOL,  /* the server said something we cannot follow (BACKOFF, SERVER) */
	SLT_IMAP_ERROR_NO,        /* tagged NO to a command (BACKOFF, MAILBOX) */
	SLT_IMAP_ERROR_BAD,       /* tagged BAD (NEVER, MAILBOX) */
	SLT_IMAP_ERROR_GONE,      /* connection closed / BYE (NOW, SERVER) */
	SLT_IMAP_ERROR_TIMEOUT,   /* no answer within the timeout (BACKOFF, SERVER) */
	SLT_IMAP_ERROR_TOO_BIG,   /* message above the size cap (NEVER, MESSAGE) */
} SltImapError;

SltRetry slt_imap_error_retry(const GError *error);
SltScope slt_imap_error_scope(const GError *error);

typedef struct {
	const char *url;         /* imaps://host[:port]/ or imap://host[:port]/ (mailbox part ignored here) */
	const char *username;
	const char *password;    /* not copied into any log line */
	const char *ca_file;     /* NULL: the system store. Verification is always on */
	gboolean require_tls;    /* imap:// then needs STARTTLS (CURLUSESSL_ALL) */
	long timeout_s;          /* connect and per-response timeout */
} SltImapOptions;

typedef struct {
	guint32 uidvalidity;
	guint32 uidnext;
	guint32 exists;
} SltMailboxInfo;

typedef struct _SltImap SltImap;

/* Connect, verify TLS, log in. Returns a new connection (free with
 * slt_imap_close), or NULL with error (SLT_IMAP_ERROR_*). */
SltImap *slt_imap_connect(const SltImapOptions *opt, GError **error);

/* Log out politely (best effort) and free. NULL is allowed. */
void slt_imap_close(SltImap *imap);

/* TRUE when the server offered the capability (e.g. "IDLE", "MOVE"). */
gboolean slt_imap_has_capability(SltImap *imap, const char *cap);

/* SELECT mailbox (read-write; we only set keywords and MOVE). */
gboolean slt_imap_select(SltImap *imap, const char *mailbox,
			 SltMailboxInfo *info, GError **error);

/* UIDs > after_uid in the selected mailbox, ascending, as guint32 in a
 * new GArray (owned by the caller). Filters the "n:*" quirk itself. */
GArray *slt_imap_search_after(SltImap *imap, guint32 after_uid, GError **error);

/* Called for each message fetched, in UID order. raw is owned by the
 * callee only for the duration of the call (g_bytes_ref to keep it).
 * flags is the FLAGS list as the server gave it, e.g. "\\Seen $Processed".
 * Return FALSE (with error) to stop the fetch. */
typedef gboolean (*SltImapMessageFunc)(guint32 uid, const char *flags,
				       GBytes *raw, gpointer user_data,
				       GError **error);

/* Fetch the given UIDs with BODY.PEEK[] (never sets \Seen), pipelined in
 * batches. A message above max_size is not downloaded: fn gets raw == NULL
 * and the size is in the error the caller builds (see slt_imap_last_size).
 * Returns FALSE on a connection-level error or when fn failed. */
gboolean slt_imap_fetch(SltImap *imap, const guint32 *uids, guint n_uids,
			gsize max_size, SltImapMessageFunc fn,
			gpointer user_data, GError **error);

/* UID STORE +FLAGS.SILENT (keyword) for one UID. */
gboolean slt_imap_add_keyword(SltImap *imap, guint32 uid, const char *keyword,
			      GError **error);

/* UID MOVE to mailbox (falls back to COPY + \Deleted is NOT done: without
 * MOVE the message stays; we never delete). */
gboolean slt_imap_move(SltImap *imap, guint32 uid, const char *mailbox,
		       GError **error);

/* IDLE (RFC 2177). idle_start sends IDLE and waits for the continuation;
 * then watch slt_imap_socket() for input and call idle_check, which reads
 * what is there and returns TRUE when new mail (EXISTS) was announced.
 * idle_done sends DONE and waits for the tagged OK. */
gboolean slt_imap_idle_start(SltImap *imap, GError **error);
int slt_imap_socket(SltImap *imap);
gboolean slt_imap_idle_check(SltImap *imap, gboolean *new_mail, GError **error);
gboolean slt_imap_idle_done(SltImap *imap, GError **error);

/* NOOP: keeps the connection alive, and notices new mail. */
gboolean slt_imap_noop(SltImap *imap, GError **error);
