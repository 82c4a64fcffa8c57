/* SPDX-License-Identifier: MIT */
/* smtp: libcurl SMTP (CURLOPT_UPLOAD + READFUNCTION of the stored bytes)
 * on one reused easy handle, with the result classified by retry class.
 * RFCs: 5321 4.2 (reply codes), 3207, 4954, 8314.
 * Measured facts this relies on: ../shared/notes/imap-smtp-lab.md 3, 5
 * (libcurl keeps the connection between performs; OpenSMTPD's 452 at the
 * 101st MAIL comes back as CURLE_SEND_ERROR and needs a new connection);
 * tests/lib/servers.sh (a refused end of DATA is CURLE_WEIRD_SERVER_REPLY,
 * a refused MAIL/RCPT CURLE_SEND_ERROR). */
#include "smtp.h"

#include <string.h>
#include <curl/curl.h>
#include "log.h"

G_DEFINE_QUARK(slt-smtp-error-quark, slt_smtp_error)

struct _SltSmtp {
	char *url;
	char *username;
	char *password;
	char *ca_file;
	gboolean plaintext;
	char *mail_from;     /* "<addr>" or "<>" */
	int timeout;
	CURL *curl;
	guint connections;
	char last_line[256]; /* the server's last 4xx/5xx line (no secrets: replies only) */
};

static void
curl_global_once(void)
{
	static gsize done = 0;
	if (g_once_init_enter(&done)) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		g_once_init_leave(&done, 1);
	}
}

static gboolean
is_loopback(const char *host)
{
	return host && (strcmp(host, "127.0.0.1") == 0 || strcmp(host, "localhost") == 0 ||
			strcmp(host, "[::1]") == 0 || strcmp(host, "::1") == 0 ||
			g_str_has_prefix(host, "127."));
}

SltSmtp *
slt_smtp_new(const SltSmtpOptions *opt, GError **error)
{
	g_return_val_if_fail(opt != NULL, NULL);
	curl_global_once();
	gboolean smtps = opt->url && g_str_has_prefix(opt->url, "smtps://");
	if (!opt->url || (!smtps && !g_str_has_prefix(opt->url, "smtp://"))) {
		g_set_error(error, SLT_SMTP_ERROR, SLT_SMTP_ERROR_CONFIG,
			    "smtp url '%s' is not smtps:// or smtp://", opt->url ? opt->url : "");
		return NULL;
	}
	CURLU *u = curl_url();
	char *host = NULL;
	if (curl_url_set(u, CURLUPART_URL, opt->url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		g_set_error(error, SLT_SMTP_ERROR, SLT_SMTP_ERROR_CONFIG,
			    "cannot parse smtp url '%s'", opt->url);
		return NULL;
	}
	gboolean loopback = is_loopback(host);
	curl_free(host);
	curl_url_cleanup(u);
	if (opt->allow_plaintext && !smtps && !loopback) {
		g_set_error(error, SLT_SMTP_ERROR, SLT_SMTP_ERROR_CONFIG,
			    "smtp without TLS is only allowed to a loopback address, not '%s'",
			    opt->url);
		return NULL;
	}
	SltSmtp *s = g_new0(SltSmtp, 1);
	s->url = g_strdup(opt->url);
	s->username = g_strdup(opt->username);
	s->password = g_strdup(opt->password);
	s->ca_file = g_strdup(opt->ca_file);
	s->plaintext = opt->allow_plaintext && !smtps;
	s->mail_from = opt->envelope_from && *opt->envelope_from ?
		       g_strdup_printf("<%s>", opt->envelope_from) : g_strdup("<>");
	s->timeout = opt->timeout > 0 ? opt->timeout : 60;
	return s;
}

void
slt_smtp_free(SltSmtp *s)
{
	if (!s)
		return;
	if (s->curl)
		curl_easy_cleanup(s->curl);  /* sends QUIT on the open connection */
	g_free(s->url);
	g_free(s->username);
	if (s->password) {
		memset(s->password, 0, strlen(s->password));
		g_free(s->password);
	}
	g_free(s->ca_file);
	g_free(s->mail_from);
	g_free(s);
}

guint
slt_smtp_connections(const SltSmtp *s)
{
	return s->connections;
}

typedef struct {
	const guint8 *data;
	gsize len;
	gsize off;
} Upload;

static size_t
read_cb(char *buf, size_t size, size_t n, void *user)
{
	Upload *up = user;
	gsize want = size * n, left = up->len - up->off;
	gsize k = MIN(want, left);
	memcpy(buf, up->data + up->off, k);
	up->off += k;
	return k;
}

/* libcurl hands every server reply line of SMTP to the header callback
 * (pingpong.c); keep the last refusal (4xx/5xx) for the error message.
 * Not simply the last line: after a failure libcurl QUITs ("221 Bye"). */
static size_t
header_cb(char *buf, size_t size, size_t n, void *user)
{
	SltSmtp *s = user;
	gsize len = size * n;
	if (len >= 3 && (buf[0] == '4' || buf[0] == '5') && g_ascii_isdigit(buf[1])) {
		g_autofree char *line = g_strndup(buf, len);
		g_strchomp(line);
		g_autofree char *safe = slt_log_sanitize(line, sizeof s->last_line - 1);
		g_strlcpy(s->last_line, safe, sizeof s->last_line);
	}
	return len;
}

static CURL *
handle(SltSmtp *s)
{
	if (s->curl)
		return s->curl;
	CURL *c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_URL, s->url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USE_SSL, s->plaintext ? (long)CURLUSESSL_NONE : (long)CURLUSESSL_ALL);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (s->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, s->ca_file);
	if (s->username) {
		curl_easy_setopt(c, CURLOPT_USERNAME, s->username);
		curl_easy_setopt(c, CURLOPT_PASSWORD, s->password ? s->password : "");
	}
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, s->mail_from);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, s);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)s->timeout);
	curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT, (long)s->timeout);
	/* A stalled upload (the server stopped reading) counts as a timeout. */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)s->timeout);
	s->curl = c;
	return c;
}

typedef enum { STAGE_OTHER, STAGE_MAIL, STAGE_RCPT, STAGE_DATA, STAGE_END } Stage;

/* Where it failed, from libcurl's error text ("MAIL failed: 452",
 * "RCPT failed: 550", ...) and code: the reply after the data is
 * CURLE_WEIRD_SERVER_REPLY with the server's code. */
static Stage
stage_of(CURLcode rc, long code, const char *errbuf)
{
	if (g_str_has_prefix(errbuf, "MAIL failed"))
		return STAGE_MAIL;
	if (g_str_has_prefix(errbuf, "RCPT failed"))
		return STAGE_RCPT;
	if (g_str_has_prefix(errbuf, "DATA failed"))
		return STAGE_DATA;
	if (rc == CURLE_WEIRD_SERVER_REPLY && code >= 400)
		return STAGE_END;
	return STAGE_OTHER;
}

static SltSmtpError
classify(Stage stage, long code)
{
	if (code >= 500 && code < 600) {
		switch (stage) {
		case STAGE_RCPT:
		case STAGE_DATA:
		case STAGE_END:
			return SLT_SMTP_ERROR_PERMANENT;
		case STAGE_MAIL:
			/* 552 at MAIL: our SIZE is too big for them. Any other
			 * refusal of MAIL is about our envelope sender, the
			 * same for every message: the server, not this mail. */
			return code == 552 ? SLT_SMTP_ERROR_PERMANENT : SLT_SMTP_ERROR_SERVER;
		default:
			return SLT_SMTP_ERROR_SERVER;  /* EHLO, STARTTLS, AUTH */
		}
	}
	if (code == 421)
		return SLT_SMTP_ERROR_SERVER;
	if (code >= 400 && code < 500 && stage != STAGE_OTHER)
		return SLT_SMTP_ERROR_TEMPORARY;
	return SLT_SMTP_ERROR_SERVER;  /* no reply: connect, TLS, timeout, reset */
}

static const char *
stage_words(Stage st)
{
	switch (st) {
	case STAGE_MAIL: return "sender (MAIL) refused";
	case STAGE_RCPT: return "recipient (RCPT) refused";
	case STAGE_DATA: return "DATA refused";
	case STAGE_END: return "message refused";
	default: return "cannot send";
	}
}

gboolean
slt_smtp_send(SltSmtp *s, const char *rcpt, GBytes *data, int *code, GError **error)
{
	g_return_val_if_fail(s && rcpt && data, FALSE);
	if (code)
		*code = 0;
	if (strpbrk(rcpt, "<>\r\n ") || !strchr(rcpt, '@')) {
		g_set_error(error, SLT_SMTP_ERROR, SLT_SMTP_ERROR_PERMANENT,
			    "recipient '%s' is not an address", rcpt);
		return FALSE;
	}
	g_autofree char *to = g_strdup_printf("<%s>", rcpt);
	struct curl_slist *rcpts = curl_slist_append(NULL, to);
	gsize len = 0;
	const guint8 *bytes = g_bytes_get_data(data, &len);
	CURL *c = handle(s);
	char errbuf[CURL_ERROR_SIZE];
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);

	CURLcode rc = CURLE_OK;
	long resp = 0;
	Stage stage = STAGE_OTHER;
	SltSmtpError cls = SLT_SMTP_ERROR_SERVER;
	for (int attempt = 0; attempt < 2; attempt++) {
		Upload up = { bytes, len, 0 };
		curl_easy_setopt(c, CURLOPT_READDATA, &up);
		curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, attempt ? 1L : 0L);
		errbuf[0] = '\0';
		s->last_line[0] = '\0';
		rc = curl_easy_perform(c);
		long nconn = 0;
		curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &nconn);
		s->connections += (guint)nconn;
		resp = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp);
		if (rc == CURLE_OK)
			break;
		stage = stage_of(rc, resp, errbuf);
		cls = classify(stage, resp);
		/* A reused connection may have died while idle (server timeout,
		 * restart), or hit a per-session limit (OpenSMTPD: 452 at the
		 * 101st MAIL): once more on a new one. Not after the data was
		 * answered: that message reached the server's verdict. */
		gboolean reused = nconn == 0;
		gboolean dead = resp == 0 || resp == 421 ||
				(stage == STAGE_MAIL && resp >= 400 && resp < 500);
		if (!(attempt == 0 && reused && dead && cls != SLT_SMTP_ERROR_PERMANENT))
			break;
		slt_log_debug("smtp: reused connection failed (%s), trying a new one",
			      errbuf[0] ? errbuf : curl_easy_strerror(rc));
	}
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, NULL);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_setopt(c, CURLOPT_READDATA, NULL);
	curl_slist_free_all(rcpts);
	if (code)
		*code = (int)resp;
	if (rc == CURLE_OK)
		return TRUE;
	if (s->last_line[0] && resp >= 400)
		g_set_error(error, SLT_SMTP_ERROR, cls, "%s: %s", stage_words(stage), s->last_line);
	else
		g_set_error(error, SLT_SMTP_ERROR, cls, "%s: %s", stage_words(stage),
			    errbuf[0] ? errbuf : curl_easy_strerror(rc));
	return FALSE;
}
