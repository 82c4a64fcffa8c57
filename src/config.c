/* SPDX-License-Identifier: MIT */
/* config: GKeyFile into a read-only SltConfig, every problem reported with
 * file:line. Secrets come from files or systemd credentials
 * (systemd.exec(5) LoadCredential=, $CREDENTIALS_DIRECTORY). */
#include "config.h"

#include <string.h>
#include <errno.h>
#include <gio/gio.h>

G_DEFINE_QUARK(slt-config-error-quark, slt_config_error)

typedef enum { T_STRING, T_PATH, T_INT, T_SIZE, T_BOOL, T_DOUBLE, T_SECRET } KeyType;

/* Where each key is stored. Every key the file may hold is listed here:
 * an unknown key is an error (a typo must not silently mean a default). */
typedef struct {
	const char *group;
	const char *key;
	KeyType type;
	gboolean required;
	gsize offset;
	gint64 min, max;        /* for T_INT/T_SIZE */
} KeySpec;

#define F(field) offsetof(SltConfig, field)

static const KeySpec specs[] = {
	{ "imap", "url", T_STRING, TRUE, F(imap_url), 0, 0 },
	{ "imap", "username", T_STRING, TRUE, F(imap_username), 0, 0 },
	{ "imap", "password-file", T_SECRET, FALSE, F(imap_password), 0, 0 },
	{ "imap", "ca-file", T_PATH, FALSE, F(imap_ca_file), 0, 0 },
	{ "imap", "allow-plaintext", T_BOOL, FALSE, F(imap_allow_plaintext), 0, 0 },
	{ "imap", "poll-interval", T_INT, FALSE, F(poll_interval), 5, 86400 },
	{ "imap", "idle", T_BOOL, FALSE, F(imap_idle), 0, 0 },
	{ "imap", "keyword", T_STRING, FALSE, F(imap_keyword), 0, 0 },
	{ "imap", "move-to", T_STRING, FALSE, F(imap_move_to), 0, 0 },
	{ "imap", "max-message-size", T_SIZE, FALSE, F(max_message_size), 1024, G_GINT64_CONSTANT(2) << 30 },
	{ "imap", "timeout", T_INT, FALSE, F(imap_timeout), 1, 3600 },

	{ "smtp", "url", T_STRING, TRUE, F(smtp_url), 0, 0 },
	{ "smtp", "username", T_STRING, FALSE, F(smtp_username), 0, 0 },
	{ "smtp", "password-file", T_SECRET, FALSE, F(smtp_password), 0, 0 },
	{ "smtp", "ca-file", T_PATH, FALSE, F(smtp_ca_file), 0, 0 },
	{ "smtp", "allow-plaintext", T_BOOL, FALSE, F(smtp_allow_plaintext), 0, 0 },
	{ "smtp", "from", T_STRING, TRUE, F(smtp_from), 0, 0 },
	{ "smtp", "envelope-from", T_STRING, FALSE, F(smtp_envelope_from), 0, 0 },
	{ "smtp", "message-id-domain", T_STRING, FALSE, F(smtp_domain), 0, 0 },
	{ "smtp", "timeout", T_INT, FALSE, F(smtp_timeout), 1, 3600 },

	{ "store", "path", T_PATH, TRUE, F(store_path), 0, 0 },
	{ "store", "retention-days", T_INT, FALSE, F(retention_days), 0, 36500 },

	{ "packages", "dir", T_PATH, TRUE, F(packages_dir), 0, 0 },
	{ "packages", "catalogue", T_PATH, FALSE, F(packages_catalogue), 0, 0 },
	{ "packages", "attach-max", T_SIZE, FALSE, F(attach_max), 0, G_GINT64_CONSTANT(1) << 30 },
	{ "packages", "download-url", T_STRING, FALSE, F(download_base_url), 0, 0 },

	{ "replies", "templates", T_PATH, FALSE, F(templates_dir), 0, 0 },
	{ "replies", "staff-contact", T_STRING, FALSE, F(staff_contact), 0, 0 },
	{ "replies", "per-sender-per-day", T_INT, FALSE, F(per_sender_per_day), 0, 1000 },
	{ "replies", "global-per-hour", T_INT, FALSE, F(global_per_hour), 0, 100000 },

	{ "classify", "model", T_PATH, FALSE, F(model_path), 0, 0 },
	{ "classify", "lexicon", T_PATH, FALSE, F(lexicon_path), 0, 0 },
	{ "classify", "review-threshold", T_DOUBLE, FALSE, F(review_threshold), 0, 0 },

	{ "alerts", "quiet-office-hours", T_INT, FALSE, F(quiet_office_hours), 0, 1000 },
	{ "alerts", "outbox-stale-hours", T_INT, FALSE, F(outbox_stale_hours), 1, 720 },

	{ "web", "listen", T_STRING, FALSE, F(web_listen), 0, 0 },
	{ "web", "port", T_INT, FALSE, F(web_port), 1, 65535 },
	{ "web", "users-file", T_PATH, FALSE, F(web_users_file), 0, 0 },
	{ "web", "proxy-header", T_STRING, FALSE, F(web_proxy_header), 0, 0 },
	{ "web", "proxy-address", T_STRING, FALSE, F(web_proxy_address), 0, 0 },
	{ "web", "secure-cookies", T_BOOL, FALSE, F(web_secure_cookies), 0, 0 },
	{ "web", "session-minutes", T_INT, FALSE, F(web_session_minutes), 1, 10080 },
};

/* Line numbers: GKeyFile does not keep them, so scan the text once. */
static GHashTable *
index_lines(const char *text)
{
	GHashTable *lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autofree char *group = g_strdup("");
	int lineno = 0;
	const char *p = text;
	while (*p) {
		const char *eol = strchr(p, '\n');
		gsize len = eol ? (gsize)(eol - p) : strlen(p);
		g_autofree char *line = g_strstrip(g_strndup(p, len));
		lineno++;
		if (line[0] == '[') {
			char *end = strchr(line, ']');
			if (end) {
				g_free(group);
				group = g_strndup(line + 1, end - line - 1);
				g_hash_table_insert(lines, g_strdup_printf("[%s]", group), GINT_TO_POINTER(lineno));
			}
		} else if (line[0] != '#' && line[0] != ';' && strchr(line, '=')) {
			g_autofree char *key = g_strstrip(g_strndup(line, strchr(line, '=') - line));
			g_hash_table_insert(lines, g_strdup_printf("%s/%s", group, key), GINT_TO_POINTER(lineno));
		}
		p = eol ? eol + 1 : p + len;
	}
	return lines;
}

typedef struct {
	const char *path;
	GHashTable *lines;
	GString *problems;
} Checker;

static void G_GNUC_PRINTF(4, 5)
problem(Checker *ck, const char *group, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_autofree char *k = key ? g_strdup_printf("%s/%s", group, key) : g_strdup_printf("[%s]", group);
	int line = GPOINTER_TO_INT(g_hash_table_lookup(ck->lines, k));
	if (line == 0) {
		/* A missing key: point at its group's header, if there is one. */
		g_autofree char *gk = g_strdup_printf("[%s]", group);
		line = GPOINTER_TO_INT(g_hash_table_lookup(ck->lines, gk));
	}
	if (ck->problems->len)
		g_string_append_c(ck->problems, '\n');
	g_autofree char *where = line > 0 ? g_strdup_printf("%s:%d", ck->path, line) :
					    g_strdup(ck->path);
	g_autofree char *text = key ?
		g_strdup_printf("%s: [%s] %s: %s", where, group, key, msg) :
		g_strdup_printf("%s: [%s]: %s", where, group, msg);
	/* GKeyFile takes key names (and the path may hold) any bytes: the
	 * message goes to a terminal or the journal as valid UTF-8. */
	g_autofree char *valid = g_utf8_make_valid(text, -1);
	g_string_append(ck->problems, valid);
}

/* "25M", "512k", "1G", or plain bytes. */
static gboolean
parse_size(const char *s, gint64 *out)
{
	char *end = NULL;
	errno = 0;
	gint64 v = g_ascii_strtoll(s, &end, 10);
	if (errno || end == s || v < 0)
		return FALSE;
	while (*end == ' ')
		end++;
	gint64 mul = 1;
	switch (g_ascii_tolower(*end)) {
	case '\0': break;
	case 'k': mul = 1024; end++; break;
	case 'm': mul = 1024 * 1024; end++; break;
	case 'g': mul = 1024 * 1024 * 1024; end++; break;
	default: return FALSE;
	}
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end != '\0' || v > G_MAXINT64 / mul)
		return FALSE;
	*out = v * mul;
	return TRUE;
}

static char *
resolve_path(const char *dir, const char *value)
{
	if (g_path_is_absolute(value))
		return g_strdup(value);
	return g_build_filename(dir, value, NULL);
}

/* A secret is read from the named file; when the key is absent, from
 * $CREDENTIALS_DIRECTORY/<group>-password (systemd LoadCredential=). One
 * trailing newline is dropped. The value never reaches an error message. */
static char *
read_secret(Checker *ck, const char *group, const char *key, const char *path)
{
	g_autofree char *contents = NULL;
	gsize len = 0;
	g_autoptr(GError) err = NULL;
	if (!g_file_get_contents(path, &contents, &len, &err)) {
		/* err->message names the path already. */
		problem(ck, group, key, "%s", err->message);
		return NULL;
	}
	if (len && contents[len - 1] == '\n')
		contents[--len] = '\0';
	if (len && contents[len - 1] == '\r')
		contents[--len] = '\0';
	if (len == 0 || strlen(contents) != len) {
		problem(ck, group, key, "'%s' is empty or holds a NUL byte", path);
		return NULL;
	}
	return g_steal_pointer(&contents);
}

static void
set_defaults(SltConfig *c)
{
	c->poll_interval = 60;
	c->imap_idle = TRUE;
	c->max_message_size = 25 * 1024 * 1024;
	c->imap_timeout = 60;
	c->smtp_timeout = 60;
	c->attach_max = 10 * 1024 * 1024;
	c->per_sender_per_day = 1;
	c->global_per_hour = 200;
	c->review_threshold = 0.6;
	c->quiet_office_hours = 0;
	c->outbox_stale_hours = 4;
	c->retention_days = 0;
	c->web_port = 8080;
	c->web_secure_cookies = TRUE;
	c->web_session_minutes = 480;
}

static gboolean
is_loopback_url(const char *url)
{
	g_autoptr(GUri) u = g_uri_parse(url, G_URI_FLAGS_NONE, NULL);
	const char *h = u ? g_uri_get_host(u) : NULL;
	return h && (g_str_has_prefix(h, "127.") || strcmp(h, "localhost") == 0 ||
		     strcmp(h, "::1") == 0 || strcmp(h, "[::1]") == 0);
}

static void
check_imap_url(Checker *ck, SltConfig *c)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GUri) u = g_uri_parse(c->imap_url, G_URI_FLAGS_ENCODED_PATH, &err);
	if (!u) {
		problem(ck, "imap", "url", "not a URL: %s", err->message);
		return;
	}
	const char *scheme = g_uri_get_scheme(u);
	if (strcmp(scheme, "imaps") != 0 && strcmp(scheme, "imap") != 0) {
		problem(ck, "imap", "url", "scheme must be imaps:// or imap:// (STARTTLS), not '%s'", scheme);
		return;
	}
	if (!g_uri_get_host(u) || !*g_uri_get_host(u)) {
		problem(ck, "imap", "url", "no host in '%s'", c->imap_url);
		return;
	}
	c->imap_starttls = strcmp(scheme, "imap") == 0;
	int port = g_uri_get_port(u);
	c->imap_base_url = port > 0 ?
		g_strdup_printf("%s://%s:%d/", scheme, g_uri_get_host(u), port) :
		g_strdup_printf("%s://%s/", scheme, g_uri_get_host(u));
	const char *path = g_uri_get_path(u);
	while (*path == '/')
		path++;
	g_autofree char *mbox = g_uri_unescape_string(path, NULL);
	if (mbox && strchr(mbox, '/') && g_str_has_suffix(mbox, "/"))
		mbox[strlen(mbox) - 1] = '\0';
	c->imap_mailbox = g_strdup(mbox && *mbox ? mbox : "INBOX");
	if (strpbrk(c->imap_mailbox, "\r\n\"\\") || strchr(c->imap_mailbox, ';'))
		problem(ck, "imap", "url", "mailbox name '%s' holds characters sltd does not accept", c->imap_mailbox);
	if (c->imap_allow_plaintext && !is_loopback_url(c->imap_url))
		problem(ck, "imap", "allow-plaintext", "only allowed for a loopback server (tests)");
}

static void
check_smtp_url(Checker *ck, SltConfig *c)
{
	g_autoptr(GUri) u = g_uri_parse(c->smtp_url, G_URI_FLAGS_NONE, NULL);
	if (!u || (strcmp(g_uri_get_scheme(u), "smtps") != 0 && strcmp(g_uri_get_scheme(u), "smtp") != 0)) {
		problem(ck, "smtp", "url", "must be smtps://host[:port] or smtp://host[:port] (STARTTLS)");
		return;
	}
	if (c->smtp_allow_plaintext && !is_loopback_url(c->smtp_url))
		problem(ck, "smtp", "allow-plaintext", "only allowed for a loopback server (tests)");
}

static void
check_from(Checker *ck, SltConfig *c)
{
	/* Only the address matters for loops and Message-IDs; GMime could parse
	 * it, but config must stay free of MIME: take what is in <...>. */
	const char *lt = strrchr(c->smtp_from, '<');
	const char *gt = lt ? strchr(lt, '>') : NULL;
	g_autofree char *addr = lt && gt ? g_strndup(lt + 1, gt - lt - 1) : g_strdup(c->smtp_from);
	g_strstrip(addr);
	const char *at = strchr(addr, '@');
	if (!at || at == addr || !at[1] || strpbrk(addr, " \r\n<>\"")) {
		problem(ck, "smtp", "from", "no valid address in '%s'", c->smtp_from);
		return;
	}
	if (strpbrk(c->smtp_from, "\r\n")) {
		problem(ck, "smtp", "from", "holds a line break");
		return;
	}
	c->smtp_from_addr = g_ascii_strdown(addr, -1);
	if (!c->smtp_domain)
		c->smtp_domain = g_strdup(strchr(c->smtp_from_addr, '@') + 1);
	if (!c->smtp_envelope_from)
		c->smtp_envelope_from = g_strdup("");
}

static SltConfig *load(const char *path, gboolean secrets, GError **error);

SltConfig *
slt_config_load(const char *path, GError **error)
{
	return load(path, TRUE, error);
}

SltConfig *
slt_config_load_for_staff(const char *path, GError **error)
{
	return load(path, FALSE, error);
}

static SltConfig *
load(const char *path, gboolean secrets, GError **error)
{
	g_return_val_if_fail(path != NULL, NULL);

	g_autofree char *text = NULL;
	g_autoptr(GError) err = NULL;
	if (!g_file_get_contents(path, &text, NULL, &err)) {
		g_set_error(error, SLT_CONFIG_ERROR, SLT_CONFIG_ERROR_READ,
			    "cannot read '%s': %s", path, err->message);
		return NULL;
	}
	g_autoptr(GKeyFile) kf = g_key_file_new();
	if (!g_key_file_load_from_data(kf, text, -1, G_KEY_FILE_NONE, &err)) {
		/* GKeyFile quotes the offending line, which may hold any bytes:
		 * the message goes to a terminal or the journal as valid UTF-8. */
		g_autofree char *msg = g_strdup_printf("%s: %s", path, err->message);
		g_autofree char *valid = g_utf8_make_valid(msg, -1);
		g_set_error_literal(error, SLT_CONFIG_ERROR, SLT_CONFIG_ERROR_INVALID, valid);
		return NULL;
	}

	g_autoptr(SltConfig) c = g_new0(SltConfig, 1);
	c->path = g_strdup(path);
	set_defaults(c);
	g_autofree char *dir = g_path_get_dirname(path);
	g_autoptr(GHashTable) lines = index_lines(text);
	Checker ck = { path, lines, g_string_new(NULL) };

	/* Unknown groups and keys first. */
	g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
	for (char **g = groups; *g; g++) {
		gboolean known_group = FALSE;
		for (gsize i = 0; i < G_N_ELEMENTS(specs); i++)
			known_group |= strcmp(specs[i].group, *g) == 0;
		if (!known_group) {
			problem(&ck, *g, NULL, "unknown group");
			continue;
		}
		g_auto(GStrv) keys = g_key_file_get_keys(kf, *g, NULL, NULL);
		for (char **k = keys; k && *k; k++) {
			gboolean known = FALSE;
			for (gsize i = 0; i < G_N_ELEMENTS(specs); i++)
				known |= strcmp(specs[i].group, *g) == 0 && strcmp(specs[i].key, *k) == 0;
			if (!known)
				problem(&ck, *g, *k, "unknown key");
		}
	}

	for (gsize i = 0; i < G_N_ELEMENTS(specs); i++) {
		const KeySpec *s = &specs[i];
		void *field = (char *)c + s->offset;
		g_autoptr(GError) kerr = NULL;
		g_autofree char *raw = g_key_file_get_string(kf, s->group, s->key, &kerr);
		if (kerr && kerr->code == G_KEY_FILE_ERROR_UNKNOWN_ENCODING) {
			/* Present, but not UTF-8: say so rather than "missing". */
			problem(&ck, s->group, s->key, "value is not valid UTF-8");
			continue;
		}
		if (raw)
			g_strstrip(raw);
		if (!raw || !*raw) {
			if (s->required)
				problem(&ck, s->group, s->key, "required but missing");
			continue;
		}
		switch (s->type) {
		case T_STRING:
			if (strpbrk(raw, "\r\n")) {
				problem(&ck, s->group, s->key, "holds a line break");
				break;
			}
			*(char **)field = g_steal_pointer(&raw);
			break;
		case T_PATH:
			*(char **)field = resolve_path(dir, raw);
			break;
		case T_SECRET: {
			if (!secrets)
				break;
			g_autofree char *p = resolve_path(dir, raw);
			*(char **)field = read_secret(&ck, s->group, s->key, p);
			break;
		}
		case T_INT: {
			char *end = NULL;
			gint64 v = g_ascii_strtoll(raw, &end, 10);
			if (!end || *end || v < s->min || v > s->max)
				problem(&ck, s->group, s->key, "'%s' is not a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
					raw, s->min, s->max);
			else
				*(int *)field = (int)v;
			break;
		}
		case T_SIZE: {
			gint64 v = 0;
			if (!parse_size(raw, &v) || v < s->min || v > s->max)
				problem(&ck, s->group, s->key, "'%s' is not a size (e.g. 25M) within the limits", raw);
			else
				*(gint64 *)field = v;
			break;
		}
		case T_BOOL: {
			g_autoptr(GError) e = NULL;
			gboolean b = g_key_file_get_boolean(kf, s->group, s->key, &e);
			if (e)
				problem(&ck, s->group, s->key, "'%s' is not true or false", raw);
			else
				*(gboolean *)field = b;
			break;
		}
		case T_DOUBLE: {
			char *end = NULL;
			double d = g_ascii_strtod(raw, &end);
			if (!end || *end || d < 0.0 || d > 1.0)
				problem(&ck, s->group, s->key, "'%s' is not a number from 0 to 1", raw);
			else
				*(double *)field = d;
			break;
		}
		}
	}

	/* Secrets from systemd credentials when the file key is absent. */
	const char *creds = secrets ? g_getenv("CREDENTIALS_DIRECTORY") : NULL;
	if (!c->imap_password && creds && !g_key_file_has_key(kf, "imap", "password-file", NULL)) {
		g_autofree char *p = g_build_filename(creds, "imap-password", NULL);
		if (g_file_test(p, G_FILE_TEST_EXISTS))
			c->imap_password = read_secret(&ck, "imap", "password-file", p);
	}
	if (!c->smtp_password && creds && !g_key_file_has_key(kf, "smtp", "password-file", NULL)) {
		g_autofree char *p = g_build_filename(creds, "smtp-password", NULL);
		if (g_file_test(p, G_FILE_TEST_EXISTS))
			c->smtp_password = read_secret(&ck, "smtp", "password-file", p);
	}
	if (secrets && !c->imap_password && !g_key_file_has_key(kf, "imap", "password-file", NULL))
		problem(&ck, "imap", "password-file",
			"no IMAP password: set password-file or provide the credential 'imap-password'");
	if (secrets && c->smtp_username && !c->smtp_password &&
	    !g_key_file_has_key(kf, "smtp", "password-file", NULL))
		problem(&ck, "smtp", "password-file",
			"smtp username set but no password: set password-file or the credential 'smtp-password'");

	if (c->imap_url)
		check_imap_url(&ck, c);
	if (c->smtp_url)
		check_smtp_url(&ck, c);
	if (c->smtp_from)
		check_from(&ck, c);
	if (c->imap_ca_file && !g_file_test(c->imap_ca_file, G_FILE_TEST_IS_REGULAR))
		problem(&ck, "imap", "ca-file", "no file '%s'", c->imap_ca_file);
	if (c->smtp_ca_file && !g_file_test(c->smtp_ca_file, G_FILE_TEST_IS_REGULAR))
		problem(&ck, "smtp", "ca-file", "no file '%s'", c->smtp_ca_file);
	if (c->imap_keyword && (strpbrk(c->imap_keyword, " ()[]{}%*\"\\\r\n") || c->imap_keyword[0] == '\\'))
		problem(&ck, "imap", "keyword", "'%s' is not a valid IMAP keyword", c->imap_keyword);
	if (c->imap_move_to && strpbrk(c->imap_move_to, "\r\n\"\\"))
		problem(&ck, "imap", "move-to", "mailbox name '%s' holds characters sltd does not accept", c->imap_move_to);
	if (!c->packages_catalogue && c->packages_dir)
		c->packages_catalogue = g_build_filename(dir, "packages.conf", NULL);
	if (!c->templates_dir)
		c->templates_dir = g_build_filename(SLT_DATADIR, "templates", NULL);
	if (!c->web_listen)
		c->web_listen = g_strdup("127.0.0.1");
	if (!c->web_users_file)
		c->web_users_file = g_build_filename(dir, "web-users", NULL);
	if (c->web_proxy_header && !c->web_proxy_address)
		problem(&ck, "web", "proxy-address", "required with proxy-header (the header is trusted only from it)");

	if (ck.problems->len) {
		g_set_error_literal(error, SLT_CONFIG_ERROR, SLT_CONFIG_ERROR_INVALID, ck.problems->str);
		g_string_free(ck.problems, TRUE);
		return NULL;
	}
	g_string_free(ck.problems, TRUE);
	return g_steal_pointer(&c);
}

void
slt_config_free(SltConfig *c)
{
	if (!c)
		return;
	char **strs[] = {
		&c->path, &c->imap_url, &c->imap_base_url, &c->imap_mailbox, &c->imap_username,
		&c->imap_ca_file, &c->imap_keyword, &c->imap_move_to,
		&c->smtp_url, &c->smtp_username, &c->smtp_ca_file, &c->smtp_from,
		&c->smtp_from_addr, &c->smtp_envelope_from, &c->smtp_domain, &c->store_path,
		&c->packages_dir, &c->packages_catalogue, &c->download_base_url,
		&c->templates_dir, &c->staff_contact, &c->model_path, &c->lexicon_path,
		&c->web_listen, &c->web_users_file, &c->web_proxy_header, &c->web_proxy_address,
	};
	for (gsize i = 0; i < G_N_ELEMENTS(strs); i++)
		g_free(*strs[i]);
	/* Secrets: wipe before freeing, so they do not linger in freed heap. */
	if (c->imap_password) {
		memset(c->imap_password, 0, strlen(c->imap_password));
		g_free(c->imap_password);
	}
	if (c->smtp_password) {
		memset(c->smtp_password, 0, strlen(c->smtp_password));
		g_free(c->smtp_password);
	}
	g_free(c);
}
