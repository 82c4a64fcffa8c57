/* SPDX-License-Identifier: MIT */
/* web-auth: who may use the web view (sltweb) and how they stay signed
 * in: the users file with argon2id hashes (libsodium crypto_pwhash_str),
 * in-memory sessions with random ids, CSRF tokens bound to the session
 * (HMAC, libsodium crypto_auth), and the login rate limit.
 *
 * Not thread-safe: sltweb serves every request from one thread. Never
 * log a password, a session id or a token. */
#pragma once

#include <glib.h>

#define SLT_WEB_AUTH_ERROR (slt_web_auth_error_quark())
GQuark slt_web_auth_error_quark(void);
typedef enum {
	SLT_WEB_AUTH_ERROR_READ,    /* the users file cannot be read or written */
	SLT_WEB_AUTH_ERROR_INVALID, /* a bad line, name or password */
	SLT_WEB_AUTH_ERROR_CRYPTO,  /* libsodium failed (out of memory) */
} SltWebAuthError;

/* Initialise libsodium once; FALSE when it cannot be (no entropy). */
gboolean slt_web_auth_init(GError **error);

/* A user name staff can have: 1..64 of [A-Za-z0-9._@-]. It appears in
 * history lines, so nothing else is allowed. */
gboolean slt_web_user_name_valid(const char *name);

/* ---- users file ------------------------------------------------------ */

typedef struct _SltWebUsers SltWebUsers;

/* Load path: lines "NAME:HASH" (HASH from crypto_pwhash_str, argon2id),
 * '#' comments and empty lines ignored. A missing file is an empty set
 * (nobody can log in with a password). Errors name path:line. Returns a
 * new set (free with slt_web_users_free). */
SltWebUsers *slt_web_users_load(const char *path, GError **error);
void slt_web_users_free(SltWebUsers *u);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltWebUsers, slt_web_users_free)

guint slt_web_users_count(const SltWebUsers *u);

/* TRUE when name exists and password matches its hash. An unknown name
 * still costs one hash verification, so the time does not tell whether
 * a name exists. */
gboolean slt_web_users_verify(const SltWebUsers *u, const char *name, const char *password);

/* Add or replace name with an argon2id hash of password (at least 10
 * bytes) in the file at path, written to a temporary file (mode 0600)
 * and renamed over it. */
gboolean slt_web_users_set(const char *path, const char *name, const char *password,
			   GError **error);

/* ---- sessions -------------------------------------------------------- */

typedef struct {
	char *id;         /* 64 hex digits from the system's CSPRNG */
	char *user;
	char *csrf;       /* the form token of this session */
	gint64 created, last_seen;
} SltWebSession;

typedef struct _SltWebSessions SltWebSessions;

/* Sessions that end after idle_secs without use, and after 24 hours in
 * any case. key (32 bytes) signs the CSRF tokens; the caller draws it
 * at random at start-up (so a restart ends every session). */
SltWebSessions *slt_web_sessions_new(const guint8 key[32], gint64 idle_secs);
void slt_web_sessions_free(SltWebSessions *ss);

/* A new session for user at now (owned by ss). */
const SltWebSession *slt_web_session_create(SltWebSessions *ss, const char *user, gint64 now);

/* The live session with this id, touched at now, or NULL (unknown,
 * expired: expired ones are dropped). id may be NULL. */
const SltWebSession *slt_web_session_lookup(SltWebSessions *ss, const char *id, gint64 now);

/* End the session id (logout); unknown ids are ignored. */
void slt_web_session_end(SltWebSessions *ss, const char *id);

/* ---- CSRF ------------------------------------------------------------ */

/* The CSRF token of session id sid: hex HMAC (crypto_auth,
 * HMAC-SHA-512-256) of "csrf:" + sid under key. New string. */
char *slt_web_csrf_token(const guint8 key[32], const char *sid);

/* TRUE when token is the CSRF token of sid (constant-time compare).
 * NULL or empty token or sid: FALSE. */
gboolean slt_web_csrf_check(const guint8 key[32], const char *sid, const char *token);

/* ---- login rate limit ------------------------------------------------ */

typedef struct _SltWebRateLimit SltWebRateLimit;

/* At most max_failures failed logins per key (an address, a user name)
 * in window_secs; then the key is refused until the window has passed
 * since its oldest counted failure. */
SltWebRateLimit *slt_web_ratelimit_new(guint max_failures, gint64 window_secs);
void slt_web_ratelimit_free(SltWebRateLimit *rl);

/* TRUE when key may try to log in at now. */
gboolean slt_web_ratelimit_allow(SltWebRateLimit *rl, const char *key, gint64 now);
/* Count a failure of key at now. */
void slt_web_ratelimit_fail(SltWebRateLimit *rl, const char *key, gint64 now);
/* A successful login: forget key's failures. */
void slt_web_ratelimit_reset(SltWebRateLimit *rl, const char *key);
