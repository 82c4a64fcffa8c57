/* SPDX-License-Identifier: MIT */
/* imap: one authenticated IMAP connection. libcurl connects, verifies TLS
 * (implicit or STARTTLS) and logs in (CURLOPT_CONNECT_ONLY); after that we
 * speak IMAP ourselves over curl_easy_send/curl_easy_recv, reading with the
 * literal-aware imapresp reader, so a message body can never pass for a
 * server response and a ranged BODY.PEEK fetch can be pipelined (libcurl
 * 7.88's custom requests can do neither: lab notes section 4c).
 * RFCs: 3501 (IMAP4rev1), 2177 (IDLE), 6851 (MOVE), 4731 (ESEARCH),
 * 4315 (UIDPLUS codes we ignore), 7888 (LITERAL+ in responses). */
#include "imap.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "imapresp.h"
#include "log.h"

G_DEFINE_QUARK(slt-imap-error-quark, slt_imap_error)

/* The reader's limits. A plain SEARCH result line grows 6-11 bytes per UID,
 * so 4 MiB holds several hundred thousand (ESEARCH needs far less). A
 * literal above IMAP_MAX_LITERAL is skipped by count, never held. */
#define IMAP_MAX_LINE    (4u << 20)
#define IMAP_MAX_LITERAL (64u << 20)
#define IMAP_RBUF_SIZE   (256u << 10)
/* Messages per pipelined FETCH command. Only one message is held in memory
 * at a time, so this trades round trips against how much is fetched in
 * vain when the caller stops. */
#define FETCH_BATCH      250
/* UIDs per STORE or MOVE command: keeps the command line well under
 * Dovecot's 64 KB limit even for scattered UIDs. */
#define UIDS_PER_COMMAND 1000
/* A search for "n:*" cannot return more UIDs than this many. */
#define SEARCH_MAX       5000000u

struct _SltImap {
	CURL *curl;
	curl_socket_t sock;
	char *host;             /* for messages: "127.0.0.1" */
	char *user;
	int timeout_ms;         /* per wait for the server */
	guint tag_seq;
	char **caps;            /* upper case */
	SltImapReader *reader;
	char *rbuf;
	gsize rpos, rlen;
	guint32 exists;
	gboolean new_mail;      /* EXISTS grew since the caller last looked */
	char *idle_tag;         /* while in IDLE */
	gboolean in_fetch;      /* inside slt_imap_fetch (its callback may not send) */
	gboolean broken;        /* out of sync or closed: every call fails */
	char *bye;              /* text of an untagged BYE */
	char errbuf[CURL_ERROR_SIZE];
};

/* ---- Errors ---------------------------------------------------------------- */

SltRetry
slt_imap_error_retry(const GError *error)
{
	if (!error || error->domain != SLT_IMAP_ERROR)
		return SLT_RETRY_BACKOFF;
	switch ((SltImapError)error->code) {
	case SLT_IMAP_ERROR_GONE:
		return SLT_RETRY_NOW;
	case SLT_IMAP_ERROR_CONNECT:
	case SLT_IMAP_ERROR_PROTOCOL:
	case SLT_IMAP_ERROR_NO:
	case SLT_IMAP_ERROR_TIMEOUT:
		return SLT_RETRY_BACKOFF;
	case SLT_IMAP_ERROR_TLS:
	case SLT_IMAP_ERROR_AUTH:
	case SLT_IMAP_ERROR_BAD:
	case SLT_IMAP_ERROR_TOO_BIG:
	case SLT_IMAP_ERROR_UNSUPPORTED:
	case SLT_IMAP_ERROR_CONFIG:
		return SLT_RETRY_NEVER;
	}
	return SLT_RETRY_BACKOFF;
}

SltScope
slt_imap_error_scope(const GError *error)
{
	if (!error || error->domain != SLT_IMAP_ERROR)
		return SLT_SCOPE_SERVER;
	switch ((SltImapError)error->code) {
	case SLT_IMAP_ERROR_TOO_BIG:
		return SLT_SCOPE_MESSAGE;
	case SLT_IMAP_ERROR_NO:
	case SLT_IMAP_ERROR_BAD:
	case SLT_IMAP_ERROR_UNSUPPORTED:
		return SLT_SCOPE_MAILBOX;
	default:
		return SLT_SCOPE_SERVER;
	}
}

static gboolean imap_fail(GError **error, SltImapError code, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);

/* Set "imap: ..." and return FALSE. */
static gboolean
imap_fail(GError **error, SltImapError code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(error, SLT_IMAP_ERROR, code, "imap: %s", msg);
	return FALSE;
}

/* Server text goes into error messages and logs: make it one safe line. */
static char *
server_text(const char *s)
{
	return slt_log_sanitize(s ? s : "", 200);
}

/* The connection can no longer be trusted to be in sync. */
static gboolean
imap_break(SltImap *imap, GError **error, SltImapError code, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);

static gboolean
imap_break(SltImap *imap, GError **error, SltImapError code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	imap->broken = TRUE;
	g_set_error(error, SLT_IMAP_ERROR, code, "imap: %s", msg);
	return FALSE;
}

static gboolean
check_usable(SltImap *imap, GError **error)
{
	if (imap->broken)
		return imap_fail(error, SLT_IMAP_ERROR_GONE,
				 "connection to '%s' is no longer usable", imap->host);
	return TRUE;
}

/* May a new command start now? Not in IDLE, and not from within a fetch
 * callback: its responses would land in the middle of the fetch's. */
static gboolean
check_free(SltImap *imap, const char *what, GError **error)
{
	if (imap->in_fetch)
		return imap_fail(error, SLT_IMAP_ERROR_CONFIG,
				 "%s from within a fetch callback: do it after slt_imap_fetch returns",
				 what);
	if (imap->idle_tag)
		return imap_fail(error, SLT_IMAP_ERROR_PROTOCOL, "%s while in IDLE", what);
	return check_usable(imap, error);
}

/* ---- Socket I/O through libcurl --------------------------------------------- */

/* Wait until the socket is ready for events; FALSE with TIMEOUT/GONE. */
static gboolean
io_wait(SltImap *imap, short events, int timeout_ms, GError **error)
{
	struct pollfd p = { .fd = imap->sock, .events = events };
	for (;;) {
		int n = poll(&p, 1, timeout_ms);
		if (n > 0)
			return TRUE;
		if (n == 0)
			return imap_break(imap, error, SLT_IMAP_ERROR_TIMEOUT,
					  "no answer from '%s' within %d s", imap->host,
					  timeout_ms / 1000);
		if (errno != EINTR)
			return imap_break(imap, error, SLT_IMAP_ERROR_GONE,
					  "cannot wait for '%s': %s", imap->host,
					  g_strerror(errno));
	}
}

static gboolean
io_send(SltImap *imap, const char *data, gsize len, GError **error)
{
	while (len > 0) {
		size_t n = 0;
		CURLcode rc = curl_easy_send(imap->curl, data, len, &n);
		if (rc == CURLE_AGAIN) {
			if (!io_wait(imap, POLLOUT, imap->timeout_ms, error))
				return FALSE;
			continue;
		}
		if (rc != CURLE_OK)
			return imap_break(imap, error, SLT_IMAP_ERROR_GONE,
					  "cannot send to '%s': %s", imap->host,
					  curl_easy_strerror(rc));
		data += n;
		len -= n;
	}
	return TRUE;
}

typedef enum { IO_DATA, IO_AGAIN, IO_FAILED } IoResult;

/* One curl_easy_recv into the empty read buffer. Called until IO_AGAIN
 * before anyone polls: with TLS, OpenSSL may hold decrypted data that the
 * socket no longer signals (lab notes 4e). */
static IoResult
io_recv(SltImap *imap, GError **error)
{
	size_t n = 0;
	CURLcode rc = curl_easy_recv(imap->curl, imap->rbuf, IMAP_RBUF_SIZE, &n);
	if (rc == CURLE_AGAIN)
		return IO_AGAIN;
	if (rc == CURLE_OK && n > 0) {
		imap->rpos = 0;
		imap->rlen = n;
		return IO_DATA;
	}
	if (rc == CURLE_OK) {
		g_autofree char *bye = server_text(imap->bye);
		imap_break(imap, error, SLT_IMAP_ERROR_GONE, "'%s' closed the connection%s%s",
			   imap->host, imap->bye ? ": " : "", imap->bye ? bye : "");
	} else {
		imap_break(imap, error, SLT_IMAP_ERROR_GONE, "cannot read from '%s': %s",
			   imap->host, curl_easy_strerror(rc));
	}
	return IO_FAILED;
}

/* Take the next response from what was read, or NULL with *failed FALSE
 * when the buffer is used up. */
static SltImapResp *
take_buffered(SltImap *imap, gboolean *failed, GError **error)
{
	*failed = FALSE;
	while (imap->rpos < imap->rlen) {
		gsize used = 0;
		SltImapResp *resp = NULL;
		g_autoptr(GError) perr = NULL;
		gboolean ok = slt_imapresp_feed(imap->reader, imap->rbuf + imap->rpos,
						imap->rlen - imap->rpos, &used, &resp, &perr);
		imap->rpos += used;
		if (!ok) {
			/* Even an unreadable single response is fatal: it might
			 * have been the tagged reply we wait for. */
			*failed = TRUE;
			imap_break(imap, error, SLT_IMAP_ERROR_PROTOCOL,
				   "cannot follow '%s': %s", imap->host, perr->message);
			return NULL;
		}
		if (resp)
			return resp;
	}
	return NULL;
}

/* The next complete response; waits up to the timeout for each piece. */
static SltImapResp *
read_response(SltImap *imap, GError **error)
{
	for (;;) {
		gboolean failed;
		SltImapResp *resp = take_buffered(imap, &failed, error);
		if (resp || failed)
			return resp;
		IoResult r = io_recv(imap, error);
		if (r == IO_FAILED)
			return NULL;
		if (r == IO_AGAIN && !io_wait(imap, POLLIN, imap->timeout_ms, error))
			return NULL;
	}
}

/* ---- Commands ----------------------------------------------------------------- */

/* What every untagged response means for the connection's state. */
static void
note_untagged(SltImap *imap, const SltImapResp *resp)
{
	if (resp->status == SLT_IMAP_STATUS_BYE) {
		g_free(imap->bye);
		imap->bye = g_strdup(resp->text);
		return;
	}
	char **caps = slt_imapresp_parse_capability(resp);
	if (caps) {
		g_strfreev(imap->caps);
		imap->caps = caps;
		return;
	}
	if (!resp->has_number)
		return;
	if (strcmp(resp->keyword, "EXISTS") == 0) {
		if (resp->number > imap->exists)
			imap->new_mail = TRUE;
		imap->exists = resp->number;
	} else if (strcmp(resp->keyword, "EXPUNGE") == 0 && imap->exists > 0) {
		imap->exists--;
	}
}

/* Send "TAG command\r\n"; returns the tag (owned by the caller) or NULL. */
static char *cmd_send(SltImap *imap, GError **error, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);

static char *
cmd_send(SltImap *imap, GError **error, const char *fmt, ...)
{
	if (!check_usable(imap, error))
		return NULL;
	va_list ap;
	va_start(ap, fmt);
	g_autofree char *cmd = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	/* Our own prefix: never the "A001" style libcurl used for login. */
	char *tag = g_strdup_printf("s%u", ++imap->tag_seq);
	g_autofree char *line = g_strdup_printf("%s %s\r\n", tag, cmd);
	if (!io_send(imap, line, strlen(line), error)) {
		g_free(tag);
		return NULL;
	}
	return tag;
}

/* Handles an untagged response for one command; FALSE with error stops
 * calling it, but the command is still read to its end. */
typedef gboolean (*UntaggedFunc)(SltImap *imap, const SltImapResp *resp,
				 gpointer data, GError **error);

/* Read responses up to the tagged reply for tag. what names the command
 * in messages ("SELECT 'INBOX'"). */
static gboolean
cmd_wait(SltImap *imap, const char *tag, const char *what, UntaggedFunc fn,
	 gpointer data, GError **error)
{
	g_autoptr(GError) fn_error = NULL;
	for (;;) {
		g_autoptr(SltImapResp) resp = read_response(imap, error);
		if (!resp)
			return FALSE;
		if (resp->kind == SLT_IMAPRESP_UNTAGGED) {
			note_untagged(imap, resp);
			if (fn && !fn_error && !fn(imap, resp, data, &fn_error))
				g_assert(fn_error != NULL);
			continue;
		}
		if (resp->kind == SLT_IMAPRESP_CONTINUE)
			return imap_break(imap, error, SLT_IMAP_ERROR_PROTOCOL,
					  "unexpected continuation from '%s' during %s",
					  imap->host, what);
		if (strcmp(resp->tag, tag) != 0) {
			g_autofree char *t = server_text(resp->tag);
			return imap_break(imap, error, SLT_IMAP_ERROR_PROTOCOL,
					  "'%s' answered tag '%s' while %s waited for '%s'",
					  imap->host, t, what, tag);
		}
		if (resp->status != SLT_IMAP_STATUS_OK) {
			g_autofree char *t = server_text(resp->text);
			return imap_fail(error, resp->status == SLT_IMAP_STATUS_NO ?
					 SLT_IMAP_ERROR_NO : SLT_IMAP_ERROR_BAD,
					 "%s refused by '%s': %s", what, imap->host, t);
		}
		if (fn_error) {
			g_propagate_error(error, g_steal_pointer(&fn_error));
			return FALSE;
		}
		return TRUE;
	}
}

static gboolean
cmd_run(SltImap *imap, const char *what, UntaggedFunc fn, gpointer data,
	GError **error, const char *fmt, ...) G_GNUC_PRINTF(6, 7);

static gboolean
cmd_run(SltImap *imap, const char *what, UntaggedFunc fn, gpointer data,
	GError **error, const char *fmt, ...)
{
	if (!check_free(imap, what, error))
		return FALSE;
	va_list ap;
	va_start(ap, fmt);
	g_autofree char *cmd = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_autofree char *tag = cmd_send(imap, error, "%s", cmd);
	return tag && cmd_wait(imap, tag, what, fn, data, error);
}

/* A mailbox name as an IMAP quoted string. Non-ASCII names would need
 * modified UTF-7 (RFC 3501 5.1.3), which we do not write: refused. */
static char *
quote_mailbox(const char *name, GError **error)
{
	GString *q = g_string_new("\"");
	for (const char *p = name; *p; p++) {
		guchar c = (guchar)*p;
		if (c < 0x20 || c >= 0x7f) {
			g_string_free(q, TRUE);
			g_autofree char *n = slt_log_sanitize(name, 80);
			imap_fail(error, SLT_IMAP_ERROR_CONFIG,
				  "mailbox name '%s' is not printable ASCII", n);
			return NULL;
		}
		if (c == '"' || c == '\\')
			g_string_append_c(q, '\\');
		g_string_append_c(q, (char)c);
	}
	if (!*name) {
		g_string_free(q, TRUE);
		imap_fail(error, SLT_IMAP_ERROR_CONFIG, "empty mailbox name");
		return NULL;
	}
	g_string_append_c(q, '"');
	return g_string_free(q, FALSE);
}

/* ---- Connect ------------------------------------------------------------------ */

static void
curl_init_once(void)
{
	static gsize done = 0;
	if (g_once_init_enter(&done)) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		g_once_init_leave(&done, 1);
	}
}

/* After CURLE_SSL_CONNECT_ERROR: did the connection break (reset, EOF)
 * rather than the handshake fail? libcurl gives the socket's errno for a
 * reset; OpenSSL's SSL_ERROR_SYSCALL with no errno is an EOF. A refused
 * handshake (alert, wrong version, no shared cipher) is SSL_ERROR_SSL with
 * no errno, and stays a TLS error. */
static gboolean
tls_connection_dropped(SltImap *imap)
{
	long os_errno = 0;
	if (curl_easy_getinfo(imap->curl, CURLINFO_OS_ERRNO, &os_errno) == CURLE_OK &&
	    os_errno != 0)
		return TRUE;
	return strstr(imap->errbuf, "SSL_ERROR_SYSCALL") != NULL ||
	       strstr(imap->errbuf, "unexpected eof") != NULL;
}

/* Turn a failed curl_easy_perform (connect, TLS, login) into our error. */
static void
connect_error(SltImap *imap, CURLcode rc, const SltImapOptions *opt, const char *hostport,
	      GError **error)
{
	g_autofree char *detail = slt_log_sanitize(imap->errbuf[0] ? imap->errbuf :
						   curl_easy_strerror(rc), 300);
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		if (rc == CURLE_SSL_CACERT_BADFILE && opt->ca_file)
			imap_fail(error, SLT_IMAP_ERROR_TLS, "cannot use CA file '%s': %s",
				  opt->ca_file, detail);
		else
			imap_fail(error, SLT_IMAP_ERROR_TLS,
				  "certificate of '%s' not trusted: %s", imap->host, detail);
		break;
	case CURLE_USE_SSL_FAILED:
		imap_fail(error, SLT_IMAP_ERROR_TLS,
			  "'%s' does not offer STARTTLS, and plaintext is not allowed",
			  imap->host);
		break;
	case CURLE_SSL_CONNECT_ERROR:
		if (tls_connection_dropped(imap)) {
			/* A server restarting under us resets or closes the
			 * connection mid-handshake (t0602: Dovecot's login
			 * process outlives its master for a moment). That is
			 * the network, not a certificate: back off and try
			 * again, no TLS alarm and no two-minute wait. */
			imap_fail(error, SLT_IMAP_ERROR_CONNECT,
				  "connection to '%s' dropped during TLS: %s", hostport, detail);
			break;
		}
		/* a handshake the server refused */
		G_GNUC_FALLTHROUGH;
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CLIENTCERT:
		imap_fail(error, SLT_IMAP_ERROR_TLS, "TLS with '%s' failed: %s",
			  imap->host, detail);
		break;
	case CURLE_LOGIN_DENIED:
		/* Never the password; the user name helps the admin. */
		imap_fail(error, SLT_IMAP_ERROR_AUTH, "login refused for '%s' at '%s'",
			  imap->user, imap->host);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		imap_fail(error, SLT_IMAP_ERROR_TIMEOUT, "no answer from '%s' within %ld s: %s",
			  hostport, opt->timeout_s > 0 ? opt->timeout_s : 60, detail);
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		imap_fail(error, SLT_IMAP_ERROR_CONFIG, "cannot use the URL for '%s': %s",
			  hostport, detail);
		break;
	case CURLE_WEIRD_SERVER_REPLY:
		imap_fail(error, SLT_IMAP_ERROR_PROTOCOL, "'%s' is not a usable IMAP server: %s",
			  hostport, detail);
		break;
	default:
		/* 6, 7 (resolve, connect), 52, 55, 56 (dropped during login,
		 * e.g. "* BYE Internal error"): try again later. */
		imap_fail(error, SLT_IMAP_ERROR_CONNECT, "cannot connect to '%s': %s",
			  hostport, detail);
		break;
	}
}

static gboolean
cap_untagged(SltImap *imap, const SltImapResp *resp, gpointer data, GError **error)
{
	(void)imap; (void)resp; (void)data; (void)error;
	return TRUE; /* note_untagged keeps the list */
}

SltImap *
slt_imap_connect(const SltImapOptions *opt, GError **error)
{
	g_return_val_if_fail(opt && opt->url && opt->username && opt->password, NULL);
	curl_init_once();

	/* Only scheme://host:port/ goes to libcurl: the mailbox is ours to
	 * SELECT, and user info in the URL must not override the options. */
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *base = NULL;
	g_autofree char *hostport = NULL;
	gboolean tls_implicit = FALSE;
	SltImap *imap = NULL;
	if (curl_url_set(u, CURLUPART_URL, opt->url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
		/* The URL may carry a password: do not repeat it. */
		imap_fail(error, SLT_IMAP_ERROR_CONFIG, "cannot parse the IMAP URL");
		goto out;
	}
	tls_implicit = g_ascii_strcasecmp(scheme, "imaps") == 0;
	if (!tls_implicit && g_ascii_strcasecmp(scheme, "imap") != 0) {
		imap_fail(error, SLT_IMAP_ERROR_CONFIG,
			  "URL scheme '%s' is not imap or imaps", scheme);
		goto out;
	}
	curl_url_set(u, CURLUPART_USER, NULL, 0);
	curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
	curl_url_set(u, CURLUPART_OPTIONS, NULL, 0);
	curl_url_set(u, CURLUPART_QUERY, NULL, 0);
	curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
	curl_url_set(u, CURLUPART_PATH, "/", 0);
	if (curl_url_get(u, CURLUPART_URL, &base, 0) != CURLUE_OK) {
		imap_fail(error, SLT_IMAP_ERROR_CONFIG, "cannot parse the IMAP URL");
		goto out;
	}

	imap = g_new0(SltImap, 1);
	imap->host = g_strdup(host);
	imap->user = slt_log_sanitize(opt->username, 100);
	imap->timeout_ms = (int)(opt->timeout_s > 0 ? MIN(opt->timeout_s, 86400) : 60) * 1000;
	imap->sock = CURL_SOCKET_BAD;
	imap->curl = curl_easy_init();
	hostport = g_strdup_printf("%s:%s", host, port);

	CURL *c = imap->curl;
	curl_easy_setopt(c, CURLOPT_URL, base);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
	curl_easy_setopt(c, CURLOPT_USERNAME, opt->username);
	curl_easy_setopt(c, CURLOPT_PASSWORD, opt->password);
	curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, imap->errbuf);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)imap->timeout_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)imap->timeout_ms);
	curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT, (long)imap->timeout_ms / 1000);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	/* Verification is never switched off (issue 3: TLS always verified). */
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (opt->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, opt->ca_file);
	if (!tls_implicit)
		curl_easy_setopt(c, CURLOPT_USE_SSL,
				 (long)(opt->require_tls ? CURLUSESSL_ALL : CURLUSESSL_NONE));

	CURLcode rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		connect_error(imap, rc, opt, hostport, error);
		goto fail;
	}
	/* The perform's timeout must not linger on the connection. */
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 0L);
	if (curl_easy_getinfo(c, CURLINFO_ACTIVESOCKET, &imap->sock) != CURLE_OK ||
	    imap->sock == CURL_SOCKET_BAD) {
		imap_fail(error, SLT_IMAP_ERROR_CONNECT, "no socket for '%s'", hostport);
		goto fail;
	}
	imap->reader = slt_imapresp_reader_new(IMAP_MAX_LINE, IMAP_MAX_LITERAL);
	imap->rbuf = g_malloc(IMAP_RBUF_SIZE);

	/* Capabilities change after login (RFC 3501 7.2.1): ask again. */
	if (!cmd_run(imap, "CAPABILITY", cap_untagged, NULL, error, "CAPABILITY"))
		goto fail;
	if (!slt_imap_has_capability(imap, "IMAP4REV1") &&
	    !slt_imap_has_capability(imap, "IMAP4REV2")) {
		imap_fail(error, SLT_IMAP_ERROR_PROTOCOL, "'%s' is not an IMAP4rev1 server", hostport);
		goto fail;
	}
	{
		g_autofree char *caps = imap->caps ? g_strjoinv(" ", imap->caps) : g_strdup("");
		g_autofree char *safe = slt_log_sanitize(caps, 400);
		slt_log_debug("imap: logged in to '%s' as '%s' (%s)", hostport, imap->user, safe);
	}
	goto out;

	/* imap was made but is unusable: free it (no LOGOUT). */
fail:
	if (imap)
		imap->broken = TRUE;
	slt_imap_close(imap);
	imap = NULL;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(base);
	curl_url_cleanup(u);
	return imap;
}

void
slt_imap_close(SltImap *imap)
{
	if (!imap)
		return;
	if (!imap->broken && imap->reader) {
		/* Best effort, with a short timeout: a dead server must not
		 * hold up a shutdown. */
		imap->timeout_ms = MIN(imap->timeout_ms, 2000);
		g_autoptr(GError) error = NULL;
		if (imap->idle_tag) {
			g_autofree char *idle = g_steal_pointer(&imap->idle_tag);
			if (io_send(imap, "DONE\r\n", 6, &error))
				cmd_wait(imap, idle, "IDLE", NULL, NULL, &error);
		}
		if (!imap->broken)
			cmd_run(imap, "LOGOUT", NULL, NULL, &error, "LOGOUT");
	}
	if (imap->curl) {
		/* libcurl sends its own LOGOUT when it disconnects; on a closed
		 * connection that fails at once, but bound it anyway. */
		curl_easy_setopt(imap->curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, 2L);
		curl_easy_cleanup(imap->curl);
	}
	slt_imapresp_reader_free(imap->reader);
	g_free(imap->rbuf);
	g_strfreev(imap->caps);
	g_free(imap->host);
	g_free(imap->user);
	g_free(imap->idle_tag);
	g_free(imap->bye);
	g_free(imap);
}

gboolean
slt_imap_has_capability(SltImap *imap, const char *cap)
{
	if (!imap->caps)
		return FALSE;
	for (char **c = imap->caps; *c; c++)
		if (g_ascii_strcasecmp(*c, cap) == 0)
			return TRUE;
	return FALSE;
}

/* ---- SELECT, SEARCH ------------------------------------------------------------ */

static gboolean
select_untagged(SltImap *imap, const SltImapResp *resp, gpointer data, GError **error)
{
	(void)imap; (void)error;
	SltMailboxInfo *info = data;
	guint32 v;
	if (resp->status == SLT_IMAP_STATUS_OK) {
		if (slt_imapresp_code_number(resp, "UIDVALIDITY", &v))
			info->uidvalidity = v;
		else if (slt_imapresp_code_number(resp, "UIDNEXT", &v))
			info->uidnext = v;
	}
	return TRUE;
}

gboolean
slt_imap_select(SltImap *imap, const char *mailbox, SltMailboxInfo *info,
		GError **error)
{
	g_autofree char *q = quote_mailbox(mailbox, error);
	if (!q)
		return FALSE;
	SltMailboxInfo got = { 0 };
	imap->exists = 0;
	g_autofree char *what = g_strdup_printf("SELECT %s", q);
	if (!cmd_run(imap, what, select_untagged, &got, error, "SELECT %s", q))
		return FALSE;
	if (got.uidvalidity == 0)
		return imap_break(imap, error, SLT_IMAP_ERROR_PROTOCOL,
				  "'%s' gave no UIDVALIDITY for %s", imap->host, q);
	got.exists = imap->exists;
	imap->new_mail = FALSE;
	if (info)
		*info = got;
	return TRUE;
}

typedef struct {
	const char *tag;
	guint32 after;
	GArray *uids;
} SearchCtx;

static gboolean
search_untagged(SltImap *imap, const SltImapResp *resp, gpointer data, GError **error)
{
	SearchCtx *s = data;
	if (!resp->keyword || resp->has_number ||
	    (strcmp(resp->keyword, "SEARCH") != 0 && strcmp(resp->keyword, "ESEARCH") != 0))
		return TRUE;
	g_autoptr(GError) perr = NULL;
	/* SEARCH_MAX holds for all responses together: a server could send
	 * any number of them. */
	if (s->uids->len >= SEARCH_MAX ||
	    !slt_imapresp_parse_search(resp, s->tag, s->after, SEARCH_MAX - s->uids->len,
				       s->uids, &perr))
		return imap_fail(error, SLT_IMAP_ERROR_PROTOCOL, "search result from '%s': %s",
				 imap->host, perr ? perr->message : "too many UIDs");
	return TRUE;
}

static int
cmp_uid(gconstpointer a, gconstpointer b)
{
	guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;
	return x < y ? -1 : x > y;
}

/* Sort ascending and drop duplicates, in place. */
static void
sort_unique(GArray *a)
{
	g_array_sort(a, cmp_uid);
	guint w = 0;
	for (guint i = 0; i < a->len; i++)
		if (w == 0 || g_array_index(a, guint32, i) != g_array_index(a, guint32, w - 1))
			g_array_index(a, guint32, w++) = g_array_index(a, guint32, i);
	g_array_set_size(a, w);
}

GArray *
slt_imap_search_after(SltImap *imap, guint32 after_uid, GError **error)
{
	g_autoptr(GArray) uids = g_array_new(FALSE, FALSE, sizeof(guint32));
	if (after_uid == G_MAXUINT32)
		return g_steal_pointer(&uids);
	if (!check_free(imap, "UID SEARCH", error))
		return NULL;
	gboolean esearch = slt_imap_has_capability(imap, "ESEARCH");
	/* "n:*" always matches the highest UID, even below n (RFC 3501 6.4.8
	 * "*" semantics): the parser filters uid > after_uid. */
	g_autofree char *tag = esearch ?
		cmd_send(imap, error, "UID SEARCH RETURN (ALL) UID %u:*", after_uid + 1) :
		cmd_send(imap, error, "UID SEARCH UID %u:*", after_uid + 1);
	if (!tag)
		return NULL;
	SearchCtx s = { tag, after_uid, uids };
	if (!cmd_wait(imap, tag, "UID SEARCH", search_untagged, &s, error))
		return NULL;
	sort_unique(uids);
	return g_steal_pointer(&uids);
}

/* ---- FETCH -------------------------------------------------------------------- */

/* How a fetch runs. Per batch of UIDs: "UID FETCH set (UID FLAGS
 * RFC822.SIZE)" (when there is a size cap), then "UID FETCH set' (UID FLAGS
 * RFC822.SIZE BODY.PEEK[])" for those within the cap. The next batch's
 * sizes are asked while a body batch streams, but only ONE body command is
 * ever outstanding: Dovecot runs pipelined commands in parallel when its
 * output blocks (RFC 3501 5.5 allows it) and interleaves their responses,
 * and with one body command the bodies still come in UID order, so each
 * can be handed over at once and dropped (one message in memory, not a
 * batch). Every FETCH response is routed by its UID and content, every
 * tagged reply matched against all outstanding commands. */

typedef enum {
	ENTRY_WANTED,    /* size not known yet (or the message is gone) */
	ENTRY_BODY,      /* within the cap: body to be fetched */
	ENTRY_TOO_BIG,   /* above the cap: reported without a body */
	ENTRY_DONE,      /* reported to the caller */
} EntryState;

typedef struct {
	guint32 uid;
	EntryState state;
	guint64 size;
	char *flags;
} Entry;

typedef enum { PEND_SIZE, PEND_BODY } PendKind;

typedef struct {
	PendKind kind;
	guint batch;
	char *tag;
} Pending;

typedef struct {
	SltImap *imap;
	Entry *entries;            /* ascending UIDs */
	guint n_entries;
	guint n_batches;           /* batch b: entries [b*FETCH_BATCH, ...) */
	gboolean two_phase;        /* sizes first (max_size > 0) */
	gsize max_size;
	guint sizes_sent, sizes_done;  /* batches whose SIZE was sent / answered */
	gboolean *size_ok;         /* per batch: SIZE answered */
	guint next_body;           /* the next batch to fetch bodies for */
	gboolean body_busy;        /* a BODY command is outstanding */
	guint cur_batch;           /* the batch of that command */
	guint next_report;         /* first entry of cur_batch not yet handled */
	SltImapMessageFunc fn;
	gpointer user_data;
	GError *stop;              /* fn's error: read to the end, report nothing more */
	GError *failed;            /* a tagged NO/BAD: send nothing more, then fail */
	guint32 last_uid;          /* last one reported, for the order check */
	GPtrArray *pending;        /* of Pending*, outstanding commands */
} FetchCtx;

static guint
batch_start(guint b)
{
	return b * FETCH_BATCH;
}

static guint
batch_end(const FetchCtx *f, guint b)
{
	return MIN((b + 1) * FETCH_BATCH, f->n_entries);
}

static Entry *
find_entry(FetchCtx *f, guint32 uid)
{
	guint lo = 0, hi = f->n_entries;
	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;
		if (f->entries[mid].uid == uid)
			return &f->entries[mid];
		if (f->entries[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A compact UID set ("1:250" or "3,5:9") of batch b's entries (only those
 * in state ENTRY_BODY when only_body), or NULL when there are none. */
static char *
batch_set(FetchCtx *f, guint b, gboolean only_body)
{
	GString *s = g_string_new(NULL);
	guint i = batch_start(b), end = batch_end(f, b);
	while (i < end) {
		if (only_body && f->entries[i].state != ENTRY_BODY) {
			i++;
			continue;
		}
		guint j = i;
		while (j + 1 < end && f->entries[j + 1].uid == f->entries[j].uid + 1 &&
		       (!only_body || f->entries[j + 1].state == ENTRY_BODY))
			j++;
		if (s->len)
			g_string_append_c(s, ',');
		if (j == i)
			g_string_append_printf(s, "%u", f->entries[i].uid);
		else
			g_string_append_printf(s, "%u:%u", f->entries[i].uid, f->entries[j].uid);
		i = j + 1;
	}
	if (s->len == 0) {
		g_string_free(s, TRUE);
		return NULL;
	}
	return g_string_free(s, FALSE);
}

/* Send one FETCH; FALSE (with error) only when sending failed. *sent
 * tells whether there was anything to ask. */
static gboolean
fetch_send(FetchCtx *f, PendKind kind, guint b, gboolean *sent, GError **error)
{
	*sent = FALSE;
	g_autofree char *set = batch_set(f, b, kind == PEND_BODY);
	if (!set)
		return TRUE;
	char *tag = kind == PEND_SIZE ?
		cmd_send(f->imap, error, "UID FETCH %s (UID FLAGS RFC822.SIZE)", set) :
		cmd_send(f->imap, error, "UID FETCH %s (UID FLAGS RFC822.SIZE BODY.PEEK[])", set);
	if (!tag)
		return FALSE;
	Pending *p = g_new0(Pending, 1);
	p->kind = kind;
	p->batch = b;
	p->tag = tag;
	g_ptr_array_add(f->pending, p);
	*sent = TRUE;
	return TRUE;
}

/* Hand one message to the caller (unless it already failed). */
static gboolean
report(FetchCtx *f, Entry *e, GBytes *raw, const char *flags, guint64 size, GError **error)
{
	e->state = ENTRY_DONE;
	if (f->stop || f->failed)
		return TRUE;
	if (f->last_uid != 0 && e->uid <= f->last_uid)
		return imap_break(f->imap, error, SLT_IMAP_ERROR_PROTOCOL,
				  "'%s' returned UID %u after UID %u", f->imap->host,
				  e->uid, f->last_uid);
	f->last_uid = e->uid;
	SltImapMessage m = { e->uid, flags ? flags : "", (gsize)size, raw };
	if (!f->fn(&m, f->user_data, &f->stop))
		g_assert(f->stop != NULL);
	return TRUE;
}

/* Report the too-big messages of the current batch below uid (all:
 * G_MAXUINT32); messages that never got a size are gone: skipped. */
static gboolean
report_too_big_before(FetchCtx *f, guint32 uid, GError **error)
{
	guint end = batch_end(f, f->cur_batch);
	for (; f->next_report < end; f->next_report++) {
		Entry *e = &f->entries[f->next_report];
		if (e->uid >= uid)
			break;
		if (e->state == ENTRY_TOO_BIG && !report(f, e, NULL, e->flags, e->size, error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
fetch_untagged(FetchCtx *f, const SltImapResp *resp, GError **error)
{
	SltImap *imap = f->imap;
	if (!resp->has_number || strcmp(resp->keyword, "FETCH") != 0)
		return TRUE;
	g_autoptr(GError) perr = NULL;
	SltImapFetch ft;
	if (!slt_imapresp_parse_fetch(resp, &ft, &perr))
		return imap_break(imap, error, SLT_IMAP_ERROR_PROTOCOL, "FETCH from '%s': %s",
				  imap->host, perr->message);
	Entry *e = ft.has_uid ? find_entry(f, ft.uid) : NULL;
	gboolean ok = TRUE;
	if (!e) {
		/* someone else's flag change, or not one of ours */
	} else if (ft.has_body) {
		guint idx = (guint)(e - f->entries);
		if (!f->body_busy || idx < batch_start(f->cur_batch) ||
		    idx >= batch_end(f, f->cur_batch) || e->state != ENTRY_BODY) {
			ok = imap_break(imap, error, SLT_IMAP_ERROR_PROTOCOL,
					"'%s' sent the body of UID %u unasked", imap->host, ft.uid);
		} else {
			guint64 size = ft.has_size ? ft.size : ft.body_size;
			const char *flags = ft.has_flags ? ft.flags : e->flags;
			/* body == NULL: larger than announced (skipped by the
			 * reader) or NIL; either way not downloaded. */
			ok = report_too_big_before(f, e->uid, error) &&
			     report(f, e, ft.body, flags, size, error);
		}
	} else if (ft.has_size && e->state == ENTRY_WANTED) {
		e->size = ft.size;
		e->state = ft.size > f->max_size ? ENTRY_TOO_BIG : ENTRY_BODY;
		g_free(e->flags);
		e->flags = g_steal_pointer(&ft.flags);
	}
	slt_imapresp_fetch_clear(&ft);
	return ok;
}

/* Start the next body batch (and ask the sizes of the one after) when
 * nothing streams and its sizes are known. A batch without anything to
 * download is finished on the spot: the batches before it are done. */
static gboolean
fetch_schedule(FetchCtx *f, GError **error)
{
	while (!f->body_busy && !f->stop && !f->failed && f->next_body < f->n_batches &&
	       f->size_ok[f->next_body]) {
		guint b = f->next_body++;
		gboolean sent;
		if (f->two_phase && f->sizes_sent < f->n_batches && f->sizes_sent <= b + 1) {
			if (!fetch_send(f, PEND_SIZE, f->sizes_sent, &sent, error))
				return FALSE;
			f->sizes_sent++;
		}
		f->cur_batch = b;
		f->next_report = batch_start(b);
		if (!fetch_send(f, PEND_BODY, b, &sent, error))
			return FALSE;
		if (sent)
			f->body_busy = TRUE;
		else if (!report_too_big_before(f, G_MAXUINT32, error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
fetch_tagged(FetchCtx *f, const SltImapResp *resp, GError **error)
{
	Pending *p = NULL;
	guint i;
	for (i = 0; i < f->pending->len; i++) {
		p = f->pending->pdata[i];
		if (strcmp(p->tag, resp->tag) == 0)
			break;
	}
	if (i == f->pending->len) {
		g_autofree char *t = server_text(resp->tag);
		return imap_break(f->imap, error, SLT_IMAP_ERROR_PROTOCOL,
				  "'%s' answered tag '%s' that no FETCH had", f->imap->host, t);
	}
	if (resp->status != SLT_IMAP_STATUS_OK && !f->failed) {
		g_autofree char *t = server_text(resp->text);
		imap_fail(&f->failed, resp->status == SLT_IMAP_STATUS_NO ?
			  SLT_IMAP_ERROR_NO : SLT_IMAP_ERROR_BAD,
			  "UID FETCH refused by '%s': %s", f->imap->host, t);
	}
	gboolean ok = TRUE;
	if (p->kind == PEND_SIZE) {
		f->size_ok[p->batch] = TRUE;
	} else {
		ok = report_too_big_before(f, G_MAXUINT32, error);
		f->body_busy = FALSE;
	}
	g_ptr_array_remove_index(f->pending, i);
	return ok && fetch_schedule(f, error);
}

static gboolean
fetch_run(FetchCtx *f, GError **error)
{
	SltImap *imap = f->imap;
	if (f->two_phase) {
		gboolean sent;
		if (!fetch_send(f, PEND_SIZE, 0, &sent, error))
			return FALSE;
		f->sizes_sent = 1;
	} else if (!fetch_schedule(f, error)) {
		return FALSE;
	}
	while (f->pending->len > 0) {
		g_autoptr(SltImapResp) resp = read_response(imap, error);
		if (!resp)
			return FALSE;
		if (resp->kind == SLT_IMAPRESP_UNTAGGED) {
			note_untagged(imap, resp);
			if (!fetch_untagged(f, resp, error))
				return FALSE;
		} else if (resp->kind == SLT_IMAPRESP_CONTINUE) {
			return imap_break(imap, error, SLT_IMAP_ERROR_PROTOCOL,
					  "unexpected continuation from '%s' during FETCH", imap->host);
		} else if (!fetch_tagged(f, resp, error)) {
			return FALSE;
		}
	}
	return TRUE;
}

static void
pending_free(gpointer p)
{
	Pending *pd = p;
	g_free(pd->tag);
	g_free(pd);
}

gboolean
slt_imap_fetch(SltImap *imap, const guint32 *uids, guint n_uids, gsize max_size,
	       SltImapMessageFunc fn, gpointer user_data, GError **error)
{
	g_return_val_if_fail(fn != NULL, FALSE);
	if (!check_free(imap, "UID FETCH", error))
		return FALSE;
	if (n_uids == 0)
		return TRUE;

	g_autoptr(GArray) sorted = g_array_sized_new(FALSE, FALSE, sizeof(guint32), n_uids);
	for (guint i = 0; i < n_uids; i++)
		if (uids[i] != 0)
			g_array_append_val(sorted, uids[i]);
	sort_unique(sorted);

	FetchCtx f = { 0 };
	f.imap = imap;
	f.fn = fn;
	f.user_data = user_data;
	f.max_size = max_size;
	f.two_phase = max_size > 0;
	f.n_entries = sorted->len;
	f.entries = g_new0(Entry, f.n_entries);
	for (guint i = 0; i < f.n_entries; i++) {
		f.entries[i].uid = g_array_index(sorted, guint32, i);
		f.entries[i].state = f.two_phase ? ENTRY_WANTED : ENTRY_BODY;
	}
	f.n_batches = (f.n_entries + FETCH_BATCH - 1) / FETCH_BATCH;
	f.size_ok = g_new0(gboolean, f.n_batches);
	for (guint b = 0; b < f.n_batches && !f.two_phase; b++)
		f.size_ok[b] = TRUE;
	f.pending = g_ptr_array_new_with_free_func(pending_free);

	/* A body larger than announced is skipped by count, not held. */
	slt_imapresp_reader_set_max_literal(imap->reader,
					    max_size > 0 ? MIN(max_size, IMAP_MAX_LITERAL) : IMAP_MAX_LITERAL);
	imap->in_fetch = TRUE;
	gboolean ok = fetch_run(&f, error);
	imap->in_fetch = FALSE;
	slt_imapresp_reader_set_max_literal(imap->reader, IMAP_MAX_LITERAL);

	if (ok && f.failed) {
		g_propagate_error(error, g_steal_pointer(&f.failed));
		ok = FALSE;
	} else if (ok && f.stop) {
		g_propagate_error(error, g_steal_pointer(&f.stop));
		ok = FALSE;
	}
	g_clear_error(&f.stop);
	g_clear_error(&f.failed);
	g_ptr_array_unref(f.pending);
	for (guint i = 0; i < f.n_entries; i++)
		g_free(f.entries[i].flags);
	g_free(f.entries);
	g_free(f.size_ok);
	return ok;
}

/* ---- STORE, MOVE, NOOP -------------------------------------------------------- */

static gboolean
valid_flag(const char *kw)
{
	/* flag-keyword = atom; system flags start with "\" (RFC 3501 9) */
	const char *p = kw[0] == '\\' ? kw + 1 : kw;
	if (!*p)
		return FALSE;
	for (; *p; p++) {
		guchar c = (guchar)*p;
		if (c <= 0x20 || c >= 0x7f || strchr("(){%*\"\\]", c))
			return FALSE;
	}
	return TRUE;
}

/* The UIDs (any order, duplicates allowed) as UID sets of at most
 * UIDS_PER_COMMAND each ("1:5,7"), in a new array of strings. */
static GPtrArray *
uid_sets(const guint32 *uids, guint n)
{
	g_autoptr(GArray) a = g_array_sized_new(FALSE, FALSE, sizeof(guint32), n);
	for (guint i = 0; i < n; i++)
		if (uids[i] != 0)
			g_array_append_val(a, uids[i]);
	sort_unique(a);
	GPtrArray *sets = g_ptr_array_new_with_free_func(g_free);
	const guint32 *u = (const guint32 *)a->data;
	for (guint start = 0; start < a->len; start += UIDS_PER_COMMAND) {
		guint end = MIN(start + UIDS_PER_COMMAND, a->len);
		GString *s = g_string_new(NULL);
		for (guint i = start; i < end; ) {
			guint j = i;
			while (j + 1 < end && u[j + 1] == u[j] + 1)
				j++;
			if (s->len)
				g_string_append_c(s, ',');
			if (j == i)
				g_string_append_printf(s, "%u", u[i]);
			else
				g_string_append_printf(s, "%u:%u", u[i], u[j]);
			i = j + 1;
		}
		g_ptr_array_add(sets, g_string_free(s, FALSE));
	}
	return sets;
}

/* "UID MOVE 1:3,9 ..." for messages, with a long set shortened. */
static char *
describe(const char *verb, const char *set, const char *rest)
{
	if (strlen(set) <= 40)
		return g_strdup_printf("%s %s %s", verb, set, rest);
	return g_strdup_printf("%s %.40s... %s", verb, set, rest);
}

gboolean
slt_imap_add_keyword_uids(SltImap *imap, const guint32 *uids, guint n_uids,
			  const char *keyword, GError **error)
{
	if (!valid_flag(keyword)) {
		g_autofree char *k = slt_log_sanitize(keyword, 80);
		return imap_fail(error, SLT_IMAP_ERROR_CONFIG, "'%s' is not an IMAP keyword", k);
	}
	g_autoptr(GPtrArray) sets = uid_sets(uids, n_uids);
	g_autofree char *flags = g_strdup_printf("+FLAGS.SILENT (%s)", keyword);
	for (guint i = 0; i < sets->len; i++) {
		const char *set = sets->pdata[i];
		g_autofree char *what = describe("UID STORE", set, flags);
		if (!cmd_run(imap, what, NULL, NULL, error, "UID STORE %s %s", set, flags))
			return FALSE;
	}
	return TRUE;
}

gboolean
slt_imap_add_keyword(SltImap *imap, guint32 uid, const char *keyword, GError **error)
{
	return slt_imap_add_keyword_uids(imap, &uid, 1, keyword, error);
}

gboolean
slt_imap_move_uids(SltImap *imap, const guint32 *uids, guint n_uids,
		   const char *mailbox, GError **error)
{
	g_autofree char *q = quote_mailbox(mailbox, error);
	if (!q)
		return FALSE;
	if (!slt_imap_has_capability(imap, "MOVE"))
		return imap_fail(error, SLT_IMAP_ERROR_UNSUPPORTED,
				 "'%s' does not offer MOVE, and we never delete: "
				 "leave move-to unset", imap->host);
	g_autoptr(GPtrArray) sets = uid_sets(uids, n_uids);
	for (guint i = 0; i < sets->len; i++) {
		const char *set = sets->pdata[i];
		g_autofree char *what = describe("UID MOVE", set, q);
		if (!cmd_run(imap, what, NULL, NULL, error, "UID MOVE %s %s", set, q))
			return FALSE;
	}
	return TRUE;
}

gboolean
slt_imap_move(SltImap *imap, guint32 uid, const char *mailbox, GError **error)
{
	return slt_imap_move_uids(imap, &uid, 1, mailbox, error);
}

gboolean
slt_imap_noop(SltImap *imap, gboolean *new_mail, GError **error)
{
	if (!cmd_run(imap, "NOOP", NULL, NULL, error, "NOOP"))
		return FALSE;
	if (new_mail)
		*new_mail = imap->new_mail;
	imap->new_mail = FALSE;
	return TRUE;
}

guint32
slt_imap_exists(SltImap *imap)
{
	return imap->exists;
}

int
slt_imap_socket(SltImap *imap)
{
	return (int)imap->sock;
}

/* ---- IDLE ---------------------------------------------------------------------- */

gboolean
slt_imap_idle_start(SltImap *imap, GError **error)
{
	if (!slt_imap_has_capability(imap, "IDLE"))
		return imap_fail(error, SLT_IMAP_ERROR_UNSUPPORTED, "'%s' does not offer IDLE",
				 imap->host);
	if (!check_free(imap, "IDLE", error))
		return FALSE;
	g_autofree char *tag = cmd_send(imap, error, "IDLE");
	if (!tag)
		return FALSE;
	for (;;) {
		g_autoptr(SltImapResp) resp = read_response(imap, error);
		if (!resp)
			return FALSE;
		if (resp->kind == SLT_IMAPRESP_UNTAGGED) {
			note_untagged(imap, resp);
			continue;
		}
		if (resp->kind == SLT_IMAPRESP_CONTINUE)
			break;
		if (strcmp(resp->tag, tag) != 0)
			return imap_break(imap, error, SLT_IMAP_ERROR_PROTOCOL,
					  "'%s' answered another tag during IDLE", imap->host);
		g_autofree char *t = server_text(resp->text);
		return imap_fail(error, resp->status == SLT_IMAP_STATUS_NO ?
				 SLT_IMAP_ERROR_NO : resp->status == SLT_IMAP_STATUS_OK ?
				 SLT_IMAP_ERROR_PROTOCOL : SLT_IMAP_ERROR_BAD,
				 "IDLE refused by '%s': %s", imap->host, t);
	}
	imap->idle_tag = g_steal_pointer(&tag);
	return TRUE;
}

gboolean
slt_imap_idle_check(SltImap *imap, gboolean *new_mail, GError **error)
{
	*new_mail = FALSE;
	if (!check_usable(imap, error))
		return FALSE;
	for (;;) {
		gboolean failed;
		g_autoptr(SltImapResp) resp = take_buffered(imap, &failed, error);
		if (failed)
			return FALSE;
		if (resp) {
			if (resp->kind != SLT_IMAPRESP_UNTAGGED)
				return imap_break(imap, error, SLT_IMAP_ERROR_PROTOCOL,
						  "'%s' ended IDLE unasked", imap->host);
			note_untagged(imap, resp);
			continue;
		}
		IoResult r = io_recv(imap, error);
		if (r == IO_FAILED)
			return FALSE;
		if (r == IO_AGAIN)
			break;
	}
	*new_mail = imap->new_mail;
	imap->new_mail = FALSE;
	return TRUE;
}

gboolean
slt_imap_idle_wait(SltImap *imap, int timeout_ms, gboolean *new_mail, GError **error)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
	for (;;) {
		if (!slt_imap_idle_check(imap, new_mail, error))
			return FALSE;
		if (*new_mail)
			return TRUE;
		gint64 left = (deadline - g_get_monotonic_time()) / 1000;
		if (left <= 0)
			return TRUE;
		struct pollfd p = { .fd = imap->sock, .events = POLLIN };
		if (poll(&p, 1, (int)MIN(left, G_MAXINT)) < 0 && errno != EINTR)
			return imap_break(imap, error, SLT_IMAP_ERROR_GONE, "cannot wait for '%s': %s",
					  imap->host, g_strerror(errno));
	}
}

gboolean
slt_imap_idle_done(SltImap *imap, GError **error)
{
	if (!imap->idle_tag)
		return TRUE;
	g_autofree char *tag = g_steal_pointer(&imap->idle_tag);
	if (!check_usable(imap, error) || !io_send(imap, "DONE\r\n", 6, error))
		return FALSE;
	return cmd_wait(imap, tag, "IDLE", NULL, NULL, error);
}
