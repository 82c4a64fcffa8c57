/* SPDX-License-Identifier: MIT */
/* Unit tests for config: every bad key reported with file:line, secrets
 * from files and credentials, defaults. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "config.h"

typedef struct {
	char *dir;
} Fixture;

static void
setup(Fixture *f, gconstpointer data)
{
	(void)data;
	f->dir = g_dir_make_tmp("slt-config-XXXXXX", NULL);
	g_assert_nonnull(f->dir);
	g_autofree char *pw = g_build_filename(f->dir, "imap-pw", NULL);
	g_assert_true(g_file_set_contents(pw, "s3cret\n", -1, NULL));
}

static void
teardown(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", f->dir);
	g_assert_cmpint(system(cmd), ==, 0);
	g_free(f->dir);
}

static char *
write_conf(Fixture *f, const char *text)
{
	char *path = g_build_filename(f->dir, "sltd.conf", NULL);
	g_assert_true(g_file_set_contents(path, text, -1, NULL));
	return path;
}

static const char *good =
	"[imap]\n"
	"url = imaps://127.0.0.1:9993/INBOX\n"
	"username = test\n"
	"password-file = imap-pw\n"
	"[smtp]\n"
	"url = smtp://127.0.0.1:2525\n"
	"from = Stevige lokale teams <SteVige@vng.nl>\n"
	"[store]\n"
	"path = sltd.db\n"
	"[packages]\n"
	"dir = pkgs\n";

static void
test_good(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autofree char *path = write_conf(f, good);
	g_autoptr(GError) error = NULL;
	g_autoptr(SltConfig) c = slt_config_load(path, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(c->imap_password, ==, "s3cret");
	g_assert_cmpstr(c->imap_mailbox, ==, "INBOX");
	g_assert_cmpstr(c->imap_base_url, ==, "imaps://127.0.0.1:9993/");
	g_assert_false(c->imap_starttls);
	g_assert_cmpstr(c->smtp_from_addr, ==, "stevige@vng.nl");
	g_assert_cmpstr(c->smtp_domain, ==, "vng.nl");
	g_assert_cmpstr(c->smtp_envelope_from, ==, "");
	g_assert_cmpint(c->max_message_size, ==, 25 * 1024 * 1024);
	g_assert_cmpint(c->poll_interval, ==, 60);
	g_autofree char *db = g_build_filename(f->dir, "sltd.db", NULL);
	g_assert_cmpstr(c->store_path, ==, db);
}

static void
test_every_bad_key(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autofree char *path = write_conf(f,
		"[imap]\n"
		"url = http://example.org/\n"          /* line 2 */
		"username = test\n"
		"password-file = imap-pw\n"
		"poll-interval = often\n"              /* line 5 */
		"colour = blue\n"                      /* line 6 */
		"[smtp]\n"
		"url = smtp://127.0.0.1:2525\n"
		"from = nobody\n"                      /* line 9 */
		"[stor]\n"                             /* line 10 */
		"path = x\n"
		"[packages]\n"
		"dir = pkgs\n"
		"[imap]\n");
	g_autoptr(GError) error = NULL;
	g_autoptr(SltConfig) c = slt_config_load(path, &error);
	g_assert_null(c);
	g_assert_error(error, SLT_CONFIG_ERROR, SLT_CONFIG_ERROR_INVALID);
	const char *m = error->message;
	g_autofree char *l2 = g_strdup_printf("%s:2: [imap] url:", path);
	g_autofree char *l5 = g_strdup_printf("%s:5: [imap] poll-interval:", path);
	g_autofree char *l6 = g_strdup_printf("%s:6: [imap] colour: unknown key", path);
	g_autofree char *l9 = g_strdup_printf("%s:9: [smtp] from:", path);
	g_autofree char *l10 = g_strdup_printf("%s:10: [stor]: unknown group", path);
	g_assert_nonnull(strstr(m, l2));
	g_assert_nonnull(strstr(m, l5));
	g_assert_nonnull(strstr(m, l6));
	g_assert_nonnull(strstr(m, l9));
	g_assert_nonnull(strstr(m, l10));
	g_assert_nonnull(strstr(m, "[store] path: required but missing"));
}

static void
test_secret_never_in_errors(Fixture *f, gconstpointer data)
{
	(void)data;
	/* A password file with a NUL: the error names the file, not its bytes. */
	g_autofree char *pw = g_build_filename(f->dir, "imap-pw", NULL);
	g_assert_true(g_file_set_contents(pw, "top\0secret", 10, NULL));
	g_autofree char *path = write_conf(f, good);
	g_autoptr(GError) error = NULL;
	g_autoptr(SltConfig) c = slt_config_load(path, &error);
	g_assert_null(c);
	g_assert_nonnull(strstr(error->message, "password-file"));
	g_assert_null(strstr(error->message, "secret"));
}

static void
test_credentials_directory(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autofree char *creds = g_build_filename(f->dir, "creds", NULL);
	g_assert_cmpint(g_mkdir(creds, 0700), ==, 0);
	g_autofree char *p = g_build_filename(creds, "imap-password", NULL);
	g_assert_true(g_file_set_contents(p, "fromcreds", -1, NULL));
	g_autofree char *path = write_conf(f,
		"[imap]\nurl = imap://127.0.0.1:1143/Support%20desk\nusername = u\n"
		"[smtp]\nurl = smtps://127.0.0.1:4465\nfrom = a@b.nl\n"
		"[store]\npath = /tmp/x.db\n[packages]\ndir = /tmp\n"
		"[imap]\nmax-message-size = 1M\nkeyword = $SltDone\n");
	g_setenv("CREDENTIALS_DIRECTORY", creds, TRUE);
	g_autoptr(GError) error = NULL;
	g_autoptr(SltConfig) c = slt_config_load(path, &error);
	g_unsetenv("CREDENTIALS_DIRECTORY");
	g_assert_no_error(error);
	g_assert_cmpstr(c->imap_password, ==, "fromcreds");
	g_assert_true(c->imap_starttls);
	g_assert_cmpstr(c->imap_mailbox, ==, "Support desk");
	g_assert_cmpint(c->max_message_size, ==, 1024 * 1024);
	g_assert_cmpstr(c->imap_keyword, ==, "$SltDone");
}

static void
test_no_password(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autofree char *path = write_conf(f,
		"[imap]\nurl = imaps://h/INBOX\nusername = u\n"
		"[smtp]\nurl = smtps://h\nfrom = a@b.nl\n"
		"[store]\npath = /tmp/x.db\n[packages]\ndir = /tmp\n");
	g_unsetenv("CREDENTIALS_DIRECTORY");
	g_autoptr(GError) error = NULL;
	g_autoptr(SltConfig) c = slt_config_load(path, &error);
	g_assert_null(c);
	g_assert_nonnull(strstr(error->message, "no IMAP password"));
}

static void
test_staff_needs_no_secret(Fixture *f, gconstpointer data)
{
	(void)data;
	/* Under systemd only sltd can read the passwords; staff tools still
	 * load the same file, with every other key checked. */
	g_autofree char *path = write_conf(f,
		"[imap]\nurl = imaps://h/INBOX\nusername = u\npassword-file = /nonexistent/pw\n"
		"[smtp]\nurl = smtps://h\nfrom = a@b.nl\nusername = u\n"
		"[store]\npath = /tmp/x.db\n[packages]\ndir = /tmp\n");
	g_unsetenv("CREDENTIALS_DIRECTORY");
	g_autoptr(GError) error = NULL;
	g_autoptr(SltConfig) c = slt_config_load_for_staff(path, &error);
	g_assert_no_error(error);
	g_assert_null(c->imap_password);
	g_assert_cmpstr(c->store_path, ==, "/tmp/x.db");
	g_autoptr(SltConfig) d = slt_config_load(path, &error);
	g_assert_null(d);
	g_assert_nonnull(strstr(error->message, "/nonexistent/pw"));
	g_clear_error(&error);
	g_autofree char *bad = write_conf(f, "[imap]\nurl = ftp://h/\n");
	g_autoptr(SltConfig) e = slt_config_load_for_staff(bad, &error);
	g_assert_null(e);
	g_assert_nonnull(strstr(error->message, "[imap] url: scheme must be"));
}

static void
test_invalid_utf8_value(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autofree char *path = write_conf(f,
		"[imap]\nurl = imaps://h/INBOX\nusername = \xff\xfe\npassword-file = imap-pw\n"
		"[smtp]\nurl = smtps://h\nfrom = a@b.nl\n"
		"[store]\npath = /tmp/x.db\n[packages]\ndir = /tmp\n");
	g_autoptr(GError) error = NULL;
	g_autoptr(SltConfig) c = slt_config_load(path, &error);
	g_assert_null(c);
	g_assert_nonnull(strstr(error->message, ":3: [imap] username: value is not valid UTF-8"));
	g_assert_null(strstr(error->message, "required but missing"));
}

static void
test_plaintext_only_loopback(Fixture *f, gconstpointer data)
{
	(void)data;
	g_autofree char *path = write_conf(f,
		"[imap]\nurl = imap://mail.example.org/INBOX\nusername = u\npassword-file = imap-pw\n"
		"allow-plaintext = true\n"
		"[smtp]\nurl = smtp://mail.example.org\nfrom = a@b.nl\nallow-plaintext = yes\n"
		"[store]\npath = /tmp/x.db\n[packages]\ndir = /tmp\n");
	g_autoptr(GError) error = NULL;
	g_autoptr(SltConfig) c = slt_config_load(path, &error);
	g_assert_null(c);
	g_assert_nonnull(strstr(error->message, "[imap] allow-plaintext: only allowed for a loopback"));
	/* "yes" is not a GKeyFile boolean: reported, not taken as false. */
	g_assert_nonnull(strstr(error->message, "[smtp] allow-plaintext: 'yes' is not true or false"));
}

static void
test_example_is_valid(void)
{
	/* The shipped example must pass the checker once passwords exist. */
	g_autofree char *dir = g_dir_make_tmp("slt-config-XXXXXX", NULL);
	g_autofree char *src = g_build_filename(SLT_SRCDIR, "config", "sltd.conf.example", NULL);
	g_autofree char *text = NULL;
	g_assert_true(g_file_get_contents(src, &text, NULL, NULL));
	g_autofree char *creds = g_build_filename(dir, "imap-password", NULL);
	g_assert_true(g_file_set_contents(creds, "x", -1, NULL));
	g_autofree char *creds2 = g_build_filename(dir, "smtp-password", NULL);
	g_assert_true(g_file_set_contents(creds2, "y", -1, NULL));
	g_setenv("CREDENTIALS_DIRECTORY", dir, TRUE);
	g_autoptr(GError) error = NULL;
	g_autoptr(SltConfig) c = slt_config_load(src, &error);
	g_unsetenv("CREDENTIALS_DIRECTORY");
	g_assert_no_error(error);
	g_assert_cmpstr(c->smtp_password, ==, "y");
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
	g_assert_cmpint(system(cmd), ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add("/config/good", Fixture, NULL, setup, test_good, teardown);
	g_test_add("/config/every-bad-key", Fixture, NULL, setup, test_every_bad_key, teardown);
	g_test_add("/config/secret-never-in-errors", Fixture, NULL, setup, test_secret_never_in_errors, teardown);
	g_test_add("/config/credentials-directory", Fixture, NULL, setup, test_credentials_directory, teardown);
	g_test_add("/config/no-password", Fixture, NULL, setup, test_no_password, teardown);
	g_test_add("/config/staff-needs-no-secret", Fixture, NULL, setup, test_staff_needs_no_secret, teardown);
	g_test_add("/config/invalid-utf8-value", Fixture, NULL, setup, test_invalid_utf8_value, teardown);
	g_test_add("/config/plaintext-only-loopback", Fixture, NULL, setup, test_plaintext_only_loopback, teardown);
	g_test_add_func("/config/example-is-valid", test_example_is_valid);
	return g_test_run();
}
