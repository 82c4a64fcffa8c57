/* SPDX-License-Identifier: MIT */
/* config: the GKeyFile configuration (config/sltd.conf.example documents
 * every key) read into a read-only struct. Every bad key is reported with
 * file and line; secrets are read from files (or systemd credentials) and
 * never appear in the config itself or in a log line. */
#pragma once

#include <glib.h>

typedef struct {
	char *path;              /* the file it came from */

	/* [imap] */
	char *imap_url;          /* imaps://host[:port]/MAILBOX (or imap:// with STARTTLS) */
	char *imap_base_url;     /* scheme://host:port/ */
	char *imap_mailbox;      /* decoded mailbox name, default INBOX */
	char *imap_username;
	char *imap_password;     /* read from password-file or $CREDENTIALS_DIRECTORY/imap-password */
	char *imap_ca_file;      /* NULL: system store */
	gboolean imap_starttls;  /* imap:// requires STARTTLS unless allow-plaintext (tests) */
	gboolean imap_allow_plaintext; /* only for loopback tests; refused for other hosts */
	int poll_interval;       /* seconds, without IDLE */
	gboolean imap_idle;      /* use IDLE when offered (default true) */
	char *imap_keyword;      /* keyword set after a message is committed, or NULL */
	char *imap_move_to;      /* folder to MOVE committed messages to, or NULL */
	gint64 max_message_size; /* bytes, default 25 MB */
	int imap_timeout;        /* seconds */

	/* [smtp] */
	char *smtp_url;          /* smtps://host:465 or smtp://host:587 (STARTTLS required) */
	char *smtp_username;
	char *smtp_password;
	char *smtp_ca_file;
	gboolean smtp_allow_plaintext;
	char *smtp_from;         /* "Stevige lokale teams <stevigelokaleteams@vng.nl>" */
	char *smtp_from_addr;    /* the bare address of from */
	char *smtp_envelope_from;/* MAIL FROM; "" for the null sender <> */
	char *smtp_domain;       /* Message-ID domain, default the from address's domain */
	int smtp_timeout;

	/* [store] */
	char *store_path;
	int retention_days;      /* 0: keep for ever */

	/* [packages] */
	char *packages_dir;
	char *packages_catalogue;/* file with the catalogue (default in the config dir) */
	gint64 attach_max;       /* above this size a download link is sent instead */
	char *download_base_url; /* for links, or NULL */

	/* [replies] */
	char *templates_dir;
	char *staff_contact;     /* name/address quoted in replies */
	int per_sender_per_day;  /* acknowledgements per sender and intent per day */
	int global_per_hour;     /* all replies per hour */

	/* [classify] */
	char *model_path;        /* NULL: built-in */
	char *lexicon_path;      /* NULL: built-in */
	double review_threshold;

	/* [alerts] */
	int quiet_office_hours;  /* alarm when no mail for this many office hours; 0 off */
	int outbox_stale_hours;  /* alarm when a reply stays queued this long (default 4) */

	/* [web] (sltweb) */
	char *web_listen;        /* IPv4 address to bind, default 127.0.0.1 */
	int web_port;            /* default 8080 */
	char *web_users_file;    /* NAME:argon2id-hash lines; default web-users beside the config */
	char *web_proxy_header;  /* e.g. X-Remote-User: trusted only from web_proxy_address; NULL off */
	char *web_proxy_address; /* the reverse proxy's address (required with proxy-header) */
	gboolean web_secure_cookies; /* Secure cookie attribute (behind TLS); default true */
	int web_session_minutes; /* idle timeout, default 480 */
} SltConfig;

#define SLT_CONFIG_ERROR (slt_config_error_quark())
GQuark slt_config_error_quark(void);
typedef enum {
	SLT_CONFIG_ERROR_READ,
	SLT_CONFIG_ERROR_INVALID,
} SltConfigError;

/* Load and check path. On failure error's message lists every problem,
 * one per line, as "FILE:LINE: [group] key: what is wrong". Returns a new
 * config (free with slt_config_free). Relative paths in the file are
 * taken relative to the file's directory. */
SltConfig *slt_config_load(const char *path, GError **error);

/* The same for the staff tools (sltctl, sltweb): every key is checked, but
 * no secret is read and none is required (imap_password/smtp_password stay
 * NULL). Staff never need the mailbox passwords, which under systemd are
 * readable by sltd alone. */
SltConfig *slt_config_load_for_staff(const char *path, GError **error);

void slt_config_free(SltConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltConfig, slt_config_free)
