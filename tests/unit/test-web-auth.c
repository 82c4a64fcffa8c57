/* SPDX-License-Identifier: MIT */
/* Unit tests for web-auth: CSRF tokens (bound to the session and the
 * key, constant length, refused when altered, missing or foreign), the
 * users file with argon2id hashes, sessions (expiry, logout) and the
 * login rate limit. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "web-auth.h"

static const guint8 key1[32] = { 1, 2, 3 };
static const guint8 key2[32] = { 9, 9, 9 };

static void
test_csrf(void)
{
	g_assert_true(slt_web_auth_init(NULL));
	g_autofree char *t = slt_web_csrf_token(key1, "sessie-a");
	g_assert_cmpuint(strlen(t), ==, 64);
	g_assert_true(slt_web_csrf_check(key1, "sessie-a", t));
	/* The same session and key always give the same token. */
	g_autofree char *t2 = slt_web_csrf_token(key1, "sessie-a");
	g_assert_cmpstr(t, ==, t2);
	/* Another session's token, another key's, altered, truncated, empty. */
	g_autofree char *tb = slt_web_csrf_token(key1, "sessie-b");
	g_assert_cmpstr(t, !=, tb);
	g_assert_false(slt_web_csrf_check(key1, "sessie-a", tb));
	g_assert_false(slt_web_csrf_check(key2, "sessie-a", t));
	g_autofree char *alt = g_strdup(t);
	alt[10] = alt[10] == 'a' ? 'b' : 'a';
	g_assert_false(slt_web_csrf_check(key1, "sessie-a", alt));
	alt[10] = t[10];
	alt[63] = '\0';
	g_assert_false(slt_web_csrf_check(key1, "sessie-a", alt));
	g_assert_false(slt_web_csrf_check(key1, "sessie-a", ""));
	g_assert_false(slt_web_csrf_check(key1, "sessie-a", NULL));
	g_assert_false(slt_web_csrf_check(key1, NULL, t));
	g_assert_false(slt_web_csrf_check(key1, "", t));
	g_autofree char *upper = g_ascii_strup(t, -1);
	if (strcmp(upper, t) != 0)
		g_assert_false(slt_web_csrf_check(key1, "sessie-a", upper));
}

static void
test_users(void)
{
	g_assert_true(slt_web_auth_init(NULL));
	g_autofree char *dir = g_dir_make_tmp("test-web-auth-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "web-users", NULL);
	g_autoptr(GError) err = NULL;

	/* A missing file: nobody. */
	g_autoptr(SltWebUsers) none = slt_web_users_load(path, &err);
	g_assert_no_error(err);
	g_assert_cmpuint(slt_web_users_count(none), ==, 0);
	g_assert_false(slt_web_users_verify(none, "anna", "geheim-wachtwoord"));

	g_assert_true(slt_web_users_set(path, "anna", "geheim-wachtwoord", &err));
	g_assert_true(slt_web_users_set(path, "bert.de-vries", "ander wachtwoord 2", &err));
	g_assert_false(slt_web_users_set(path, "x", "kort", &err));
	g_clear_error(&err);
	g_assert_false(slt_web_users_set(path, "a b", "lang genoeg wachtwoord", &err));
	g_clear_error(&err);
	g_assert_false(slt_web_users_set(path, "evil:x\n", "lang genoeg wachtwoord", &err));
	g_clear_error(&err);

	GStatBuf st;
	g_assert_cmpint(g_stat(path, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0600);
	g_autofree char *text = NULL;
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	g_assert_nonnull(strstr(text, "anna:$argon2id$"));
	g_assert_null(strstr(text, "geheim"));

	g_autoptr(SltWebUsers) u = slt_web_users_load(path, &err);
	g_assert_no_error(err);
	g_assert_cmpuint(slt_web_users_count(u), ==, 2);
	g_assert_true(slt_web_users_verify(u, "anna", "geheim-wachtwoord"));
	g_assert_false(slt_web_users_verify(u, "anna", "geheim-wachtwoorD"));
	g_assert_false(slt_web_users_verify(u, "anna", ""));
	g_assert_false(slt_web_users_verify(u, "bert.de-vries", "geheim-wachtwoord"));
	g_assert_true(slt_web_users_verify(u, "bert.de-vries", "ander wachtwoord 2"));
	g_assert_false(slt_web_users_verify(u, "carla", "geheim-wachtwoord"));

	/* Replacing a password keeps one line per user. */
	g_assert_true(slt_web_users_set(path, "anna", "nieuw-wachtwoord", &err));
	g_autoptr(SltWebUsers) u2 = slt_web_users_load(path, &err);
	g_assert_cmpuint(slt_web_users_count(u2), ==, 2);
	g_assert_false(slt_web_users_verify(u2, "anna", "geheim-wachtwoord"));
	g_assert_true(slt_web_users_verify(u2, "anna", "nieuw-wachtwoord"));

	/* A bad line is reported with file:line. */
	g_assert_true(g_file_set_contents(path, "# staff\n\nanna:plaintext\n", -1, NULL));
	g_autoptr(SltWebUsers) bad = slt_web_users_load(path, &err);
	g_assert_null(bad);
	g_assert_error(err, SLT_WEB_AUTH_ERROR, SLT_WEB_AUTH_ERROR_INVALID);
	g_assert_nonnull(strstr(err->message, "web-users:3:"));
	g_unlink(path);
	g_rmdir(dir);
}

static void
test_sessions(void)
{
	g_assert_true(slt_web_auth_init(NULL));
	SltWebSessions *ss = slt_web_sessions_new(key1, 600);
	const SltWebSession *s = slt_web_session_create(ss, "anna", 1000);
	g_assert_cmpuint(strlen(s->id), ==, 64);
	g_autofree char *id = g_strdup(s->id);
	g_autofree char *want = slt_web_csrf_token(key1, id);
	g_assert_cmpstr(s->csrf, ==, want);
	const SltWebSession *s2 = slt_web_session_create(ss, "anna", 1000);
	g_assert_cmpstr(s2->id, !=, id);
	g_autofree char *id2 = g_strdup(s2->id);

	g_assert_true(slt_web_session_lookup(ss, id, 1500) == s);
	g_assert_true(slt_web_session_lookup(ss, id, 2000) == s);      /* touched at 1500 */
	g_assert_null(slt_web_session_lookup(ss, id, 2601));           /* idle > 600 */
	g_assert_null(slt_web_session_lookup(ss, id, 2602));
	g_assert_null(slt_web_session_lookup(ss, NULL, 1000));
	g_assert_null(slt_web_session_lookup(ss, "abc", 1000));
	/* Logout ends it at once. */
	g_assert_nonnull(slt_web_session_lookup(ss, id2, 1100));
	slt_web_session_end(ss, id2);
	g_assert_null(slt_web_session_lookup(ss, id2, 1100));
	/* 24 hours at most, even when used all the time. */
	const SltWebSession *s3 = slt_web_session_create(ss, "bert", 10000);
	g_autofree char *id3 = g_strdup(s3->id);
	for (gint64 t = 10000; t < 10000 + 24 * 3600; t += 500)
		g_assert_nonnull(slt_web_session_lookup(ss, id3, t));
	g_assert_null(slt_web_session_lookup(ss, id3, 10000 + 24 * 3600 + 1));
	slt_web_sessions_free(ss);
}

static void
test_ratelimit(void)
{
	SltWebRateLimit *rl = slt_web_ratelimit_new(3, 900);
	for (int i = 0; i < 3; i++) {
		g_assert_true(slt_web_ratelimit_allow(rl, "127.0.0.1", 100 + i));
		slt_web_ratelimit_fail(rl, "127.0.0.1", 100 + i);
	}
	g_assert_false(slt_web_ratelimit_allow(rl, "127.0.0.1", 110));
	g_assert_true(slt_web_ratelimit_allow(rl, "10.0.0.1", 110));     /* per key */
	g_assert_false(slt_web_ratelimit_allow(rl, "127.0.0.1", 999));   /* 100 + 900 > 999 */
	g_assert_true(slt_web_ratelimit_allow(rl, "127.0.0.1", 1002));   /* all three aged out */
	slt_web_ratelimit_fail(rl, "user:anna", 5000);
	slt_web_ratelimit_reset(rl, "user:anna");
	g_assert_true(slt_web_ratelimit_allow(rl, "user:anna", 5000));
	slt_web_ratelimit_free(rl);
}

static void
test_names(void)
{
	g_assert_true(slt_web_user_name_valid("anna"));
	g_assert_true(slt_web_user_name_valid("a.b-c_d@vng.nl"));
	g_assert_false(slt_web_user_name_valid(""));
	g_assert_false(slt_web_user_name_valid(NULL));
	g_assert_false(slt_web_user_name_valid("<script>"));
	g_assert_false(slt_web_user_name_valid("anna\n"));
	g_assert_false(slt_web_user_name_valid("a:b"));
	char long_name[70];
	memset(long_name, 'a', 65);
	long_name[65] = '\0';
	g_assert_false(slt_web_user_name_valid(long_name));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/web-auth/csrf", test_csrf);
	g_test_add_func("/web-auth/users", test_users);
	g_test_add_func("/web-auth/sessions", test_sessions);
	g_test_add_func("/web-auth/ratelimit", test_ratelimit);
	g_test_add_func("/web-auth/names", test_names);
	return g_test_run();
}
