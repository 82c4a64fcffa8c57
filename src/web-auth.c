/* SPDX-License-Identifier: MIT */
/* web-auth: users file (argon2id via libsodium crypto_pwhash_str),
 * sessions, CSRF tokens (crypto_auth, HMAC-SHA-512-256), login rate
 * limit. RFC 6265 (cookies) is the server's business, not this file's. */
#include "web-auth.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sodium.h>

G_DEFINE_QUARK(slt-web-auth-error-quark, slt_web_auth_error)

#define SESSION_MAX_AGE (24 * 3600)

gboolean
slt_web_auth_init(GError **error)
{
	if (sodium_init() < 0) {
		g_set_error_literal(error, SLT_WEB_AUTH_ERROR, SLT_WEB_AUTH_ERROR_CRYPTO,
				    "cannot initialise libsodium");
		return FALSE;
	}
	return TRUE;
}

gboolean
slt_web_user_name_valid(const char *name)
{
	if (!name || !*name || strlen(name) > 64)
		return FALSE;
	for (const char *p = name; *p; p++)
		if (!g_ascii_isalnum(*p) && !strchr("._@-", *p))
			return FALSE;
	return TRUE;
}

/* ---- users file ------------------------------------------------------ */

struct _SltWebUsers {
	GHashTable *hashes;   /* name -> hash */
	char *dummy;          /* a hash verified for unknown names */
};

SltWebUsers *
slt_web_users_load(const char *path, GError **error)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *text = NULL;
	g_autoptr(GHashTable) h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	if (!g_file_get_contents(path, &text, NULL, &err)) {
		if (!g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
			g_set_error(error, SLT_WEB_AUTH_ERROR, SLT_WEB_AUTH_ERROR_READ,
				    "cannot read '%s': %s", path, err->message);
			return NULL;
		}
	} else {
		g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
		for (guint i = 0; lines[i]; i++) {
			char *l = g_strstrip(lines[i]);
			if (!*l || *l == '#')
				continue;
			char *colon = strchr(l, ':');
			if (colon)
				*colon = '\0';
			if (!colon || !slt_web_user_name_valid(l) ||
			    !g_str_has_prefix(colon + 1, crypto_pwhash_STRPREFIX)) {
				g_set_error(error, SLT_WEB_AUTH_ERROR, SLT_WEB_AUTH_ERROR_INVALID,
					    "%s:%u: not NAME:ARGON2ID-HASH", path, i + 1);
				return NULL;
			}
			g_hash_table_replace(h, g_strdup(l), g_strdup(colon + 1));
		}
	}
	SltWebUsers *u = g_new0(SltWebUsers, 1);
	u->hashes = g_steal_pointer(&h);
	return u;
}

void
slt_web_users_free(SltWebUsers *u)
{
	if (!u)
		return;
	g_hash_table_destroy(u->hashes);
	g_free(u->dummy);
	g_free(u);
}

guint
slt_web_users_count(const SltWebUsers *u)
{
	return u ? g_hash_table_size(u->hashes) : 0;
}

static char *
hash_password(const char *password)
{
	char out[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str_alg(out, password, strlen(password),
				  crypto_pwhash_OPSLIMIT_INTERACTIVE,
				  crypto_pwhash_MEMLIMIT_INTERACTIVE,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return NULL;
	return g_strdup(out);
}

gboolean
slt_web_users_verify(const SltWebUsers *u, const char *name, const char *password)
{
	g_return_val_if_fail(u != NULL, FALSE);
	if (!name || !password)
		return FALSE;
	const char *hash = g_hash_table_lookup(u->hashes, name);
	if (!hash) {
		/* Spend the same time on an unknown name. */
		SltWebUsers *mu = (SltWebUsers *)u;
		if (!mu->dummy)
			mu->dummy = hash_password("no such user, no such password");
		if (mu->dummy && crypto_pwhash_str_verify(mu->dummy, password, strlen(password)) == 0)
			g_assert_not_reached();
		return FALSE;
	}
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

gboolean
slt_web_users_set(const char *path, const char *name, const char *password, GError **error)
{
	if (!slt_web_user_name_valid(name)) {
		g_set_error(error, SLT_WEB_AUTH_ERROR, SLT_WEB_AUTH_ERROR_INVALID,
			    "'%s' is not a valid user name (letters, digits, . _ @ -)", name);
		return FALSE;
	}
	if (!password || strlen(password) < 10) {
		g_set_error_literal(error, SLT_WEB_AUTH_ERROR, SLT_WEB_AUTH_ERROR_INVALID,
				    "the password must be at least 10 characters");
		return FALSE;
	}
	g_autofree char *hash = hash_password(password);
	if (!hash) {
		g_set_error_literal(error, SLT_WEB_AUTH_ERROR, SLT_WEB_AUTH_ERROR_CRYPTO,
				    "cannot hash the password (out of memory)");
		return FALSE;
	}
	g_autofree char *old = NULL;
	g_autoptr(GError) err = NULL;
	GString *out = g_string_new(NULL);
	if (g_file_get_contents(path, &old, NULL, &err)) {
		g_auto(GStrv) lines = g_strsplit(old, "\n", -1);
		for (guint i = 0; lines[i]; i++) {
			if (!*lines[i])
				continue;
			g_autofree char *prefix = g_strdup_printf("%s:", name);
			if (g_str_has_prefix(lines[i], prefix))
				continue;
			g_string_append_printf(out, "%s\n", lines[i]);
		}
	} else if (!g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
		g_set_error(error, SLT_WEB_AUTH_ERROR, SLT_WEB_AUTH_ERROR_READ,
			    "cannot read '%s': %s", path, err->message);
		g_string_free(out, TRUE);
		return FALSE;
	}
	g_string_append_printf(out, "%s:%s\n", name, hash);

	/* Mode 0600 from the start: the hashes are not for other users. */
	g_autofree char *tmp = g_strdup_printf("%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	gboolean ok = fd >= 0;
	if (ok) {
		ok = write(fd, out->str, out->len) == (ssize_t)out->len && fsync(fd) == 0;
		ok = close(fd) == 0 && ok;
	}
	if (ok)
		ok = rename(tmp, path) == 0;
	g_string_free(out, TRUE);
	if (!ok) {
		int e = errno;
		unlink(tmp);
		g_set_error(error, SLT_WEB_AUTH_ERROR, SLT_WEB_AUTH_ERROR_READ,
			    "cannot write '%s': %s", path, g_strerror(e));
	}
	return ok;
}

/* ---- sessions -------------------------------------------------------- */

struct _SltWebSessions {
	guint8 key[32];
	gint64 idle;
	GHashTable *by_id;    /* id -> SltWebSession* */
};

static void
session_free(gpointer p)
{
	SltWebSession *s = p;
	g_free(s->id);
	g_free(s->user);
	g_free(s->csrf);
	g_free(s);
}

SltWebSessions *
slt_web_sessions_new(const guint8 key[32], gint64 idle_secs)
{
	SltWebSessions *ss = g_new0(SltWebSessions, 1);
	memcpy(ss->key, key, 32);
	ss->idle = idle_secs;
	ss->by_id = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, session_free);
	return ss;
}

void
slt_web_sessions_free(SltWebSessions *ss)
{
	if (!ss)
		return;
	g_hash_table_destroy(ss->by_id);
	sodium_memzero(ss->key, sizeof ss->key);
	g_free(ss);
}

static char *
random_hex(gsize n)
{
	guint8 buf[64];
	g_assert(n <= sizeof buf);
	randombytes_buf(buf, n);
	char *hex = g_malloc(2 * n + 1);
	sodium_bin2hex(hex, 2 * n + 1, buf, n);
	return hex;
}

static gboolean
expired(const SltWebSessions *ss, const SltWebSession *s, gint64 now)
{
	return now - s->last_seen > ss->idle || now - s->created > SESSION_MAX_AGE;
}

const SltWebSession *
slt_web_session_create(SltWebSessions *ss, const char *user, gint64 now)
{
	/* Drop expired sessions here, so the table cannot grow forever. */
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, ss->by_id);
	while (g_hash_table_iter_next(&it, NULL, &v))
		if (expired(ss, v, now))
			g_hash_table_iter_remove(&it);

	SltWebSession *s = g_new0(SltWebSession, 1);
	s->id = random_hex(32);
	s->user = g_strdup(user);
	s->csrf = slt_web_csrf_token(ss->key, s->id);
	s->created = s->last_seen = now;
	g_hash_table_replace(ss->by_id, s->id, s);
	return s;
}

const SltWebSession *
slt_web_session_lookup(SltWebSessions *ss, const char *id, gint64 now)
{
	if (!id || strlen(id) != 64)
		return NULL;
	SltWebSession *s = g_hash_table_lookup(ss->by_id, id);
	if (!s)
		return NULL;
	if (expired(ss, s, now)) {
		g_hash_table_remove(ss->by_id, id);
		return NULL;
	}
	s->last_seen = now;
	return s;
}

void
slt_web_session_end(SltWebSessions *ss, const char *id)
{
	if (id)
		g_hash_table_remove(ss->by_id, id);
}

/* ---- CSRF ------------------------------------------------------------ */

char *
slt_web_csrf_token(const guint8 key[32], const char *sid)
{
	G_STATIC_ASSERT(crypto_auth_KEYBYTES == 32);
	g_autofree char *msg = g_strdup_printf("csrf:%s", sid ? sid : "");
	guint8 mac[crypto_auth_BYTES];
	crypto_auth(mac, (const guint8 *)msg, strlen(msg), key);
	char *hex = g_malloc(2 * sizeof mac + 1);
	sodium_bin2hex(hex, 2 * sizeof mac + 1, mac, sizeof mac);
	return hex;
}

gboolean
slt_web_csrf_check(const guint8 key[32], const char *sid, const char *token)
{
	if (!sid || !*sid || !token || !*token)
		return FALSE;
	g_autofree char *want = slt_web_csrf_token(key, sid);
	if (strlen(token) != strlen(want))
		return FALSE;
	return sodium_memcmp(want, token, strlen(want)) == 0;
}

/* ---- login rate limit ------------------------------------------------ */

struct _SltWebRateLimit {
	guint max;
	gint64 window;
	GHashTable *fails;    /* key -> GArray of gint64 times */
};

SltWebRateLimit *
slt_web_ratelimit_new(guint max_failures, gint64 window_secs)
{
	SltWebRateLimit *rl = g_new0(SltWebRateLimit, 1);
	rl->max = max_failures;
	rl->window = window_secs;
	rl->fails = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					  (GDestroyNotify)g_array_unref);
	return rl;
}

void
slt_web_ratelimit_free(SltWebRateLimit *rl)
{
	if (!rl)
		return;
	g_hash_table_destroy(rl->fails);
	g_free(rl);
}

static GArray *
prune(SltWebRateLimit *rl, const char *key, gint64 now)
{
	GArray *a = g_hash_table_lookup(rl->fails, key);
	if (!a)
		return NULL;
	guint keep = 0;
	for (guint i = 0; i < a->len; i++)
		if (now - g_array_index(a, gint64, i) < rl->window)
			g_array_index(a, gint64, keep++) = g_array_index(a, gint64, i);
	g_array_set_size(a, keep);
	if (!keep) {
		g_hash_table_remove(rl->fails, key);
		return NULL;
	}
	return a;
}

gboolean
slt_web_ratelimit_allow(SltWebRateLimit *rl, const char *key, gint64 now)
{
	GArray *a = prune(rl, key ? key : "", now);
	return !a || a->len < rl->max;
}

void
slt_web_ratelimit_fail(SltWebRateLimit *rl, const char *key, gint64 now)
{
	key = key ? key : "";
	GArray *a = prune(rl, key, now);
	if (!a) {
		/* Bound memory under a flood of made-up names. */
		if (g_hash_table_size(rl->fails) > 100000)
			g_hash_table_remove_all(rl->fails);
		a = g_array_new(FALSE, FALSE, sizeof(gint64));
		g_hash_table_insert(rl->fails, g_strdup(key), a);
	}
	g_array_append_val(a, now);
}

void
slt_web_ratelimit_reset(SltWebRateLimit *rl, const char *key)
{
	g_hash_table_remove(rl->fails, key ? key : "");
}
