/* SPDX-License-Identifier: MIT */
/* smtp: send stored message bytes with libcurl SMTP on one reused
 * connection, and say what became of each: sent, try again later (this
 * message, or the whole server), or never.
 * RFCs: 5321 (SMTP, reply codes), 3207 (STARTTLS), 4954 (AUTH),
 * 8314 (implicit TLS, smtps), 3461/3834 (the null sender <>).
 *
 * TLS is always verified (CURLOPT_CAINFO adds a CA such as a test CA).
 * smtp:// requires STARTTLS (CURLUSESSL_ALL) unless allow_plaintext,
 * which is only accepted for a loopback host (tests). The password is
 * handed to libcurl and never put in a message, a log line or an error. */
#pragma once

#include <glib.h>

typedef struct {
	const char *url;            /* smtps://host[:port] or smtp://host[:port] */
	const char *username;       /* NULL: no AUTH */
	const char *password;
	const char *ca_file;        /* extra CA (PEM), or NULL: the system store */
	gboolean allow_plaintext;   /* smtp:// without TLS; loopback only */
	const char *envelope_from;  /* MAIL FROM; NULL or "": the null sender <> */
	int timeout;                /* seconds to connect and per server reply; 0: 60 */
} SltSmtpOptions;

typedef struct _SltSmtp SltSmtp;

#define SLT_SMTP_ERROR (slt_smtp_error_quark())
GQuark slt_smtp_error_quark(void);
typedef enum {
	SLT_SMTP_ERROR_TEMPORARY, /* 4xx for this message: try it again later */
	SLT_SMTP_ERROR_SERVER,    /* connection, TLS, login, timeout, 421, a refused
				   * sender: try later, and stop this round */
	SLT_SMTP_ERROR_PERMANENT, /* 5xx for this recipient or message: give up */
	SLT_SMTP_ERROR_CONFIG,    /* the options cannot work (bad URL, plaintext) */
} SltSmtpError;

/* Check the options and make a sender (no connection yet). Copies what
 * it keeps. NULL with SLT_SMTP_ERROR_CONFIG for a URL that is not
 * smtp:// or smtps://, or plaintext to a host that is not loopback. */
SltSmtp *slt_smtp_new(const SltSmtpOptions *opt, GError **error);

/* Close the connection (QUIT) and free; NULL is allowed. */
void slt_smtp_free(SltSmtp *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltSmtp, slt_smtp_free)

/* Send data (a complete message, CRLF lines) to rcpt (an addr-spec).
 * The connection is kept for the next call; when a reused connection
 * turns out dead (the server dropped it, or answered 4xx to MAIL as
 * OpenSMTPD does after 100 messages), it is tried once more on a new
 * connection. *code (may be NULL) gets the server's last reply code (250
 * when sent, 0 when it never answered). Returns TRUE when the server
 * accepted the message (250 after the data), else FALSE with an
 * SLT_SMTP_ERROR saying which retry class, and the server's reply line
 * when there was one ("RCPT refused: 550 5.1.1 mailbox unavailable"). */
gboolean slt_smtp_send(SltSmtp *s, const char *rcpt, GBytes *data, int *code,
		       GError **error);

/* How many connections were opened so far (tests, statistics). */
guint slt_smtp_connections(const SltSmtp *s);
