/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the config loader (src/config.c): the bytes as an
 * sltd.conf, loaded with slt_config_load from a private temp dir that also
 * holds a password file ("pw") and a catalogue, so that relative paths
 * resolve to something. Checked beyond "no crash": a failure carries a
 * message of "FILE:LINE: ..." lines in valid UTF-8; neither the message nor
 * any string of a loaded config other than the password holds the
 * password; a loaded config has its required fields and sane numbers.
 * tests/unit/test-fuzz-config.c includes this file to replay the seeds
 * (tests/fuzz/corpus-config/) and every crash found. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "config.h"

#define FUZZ_CHECK(cond) do { if (!(cond)) { \
	g_printerr("fuzz-config: check failed: %s (line %d)\n", #cond, __LINE__); \
	abort(); } } while (0)

#define FUZZ_SECRET "Fz-s3cret-6d1c"

static char *fuzz_dir;
static char *fuzz_conf;

static void
fuzz_cleanup(void)
{
	if (!fuzz_dir)
		return;
	const char *names[] = { "sltd.conf", "pw", "packages.conf", NULL };
	for (guint i = 0; names[i]; i++) {
		g_autofree char *p = g_build_filename(fuzz_dir, names[i], NULL);
		g_unlink(p);
	}
	g_rmdir(fuzz_dir);
}

static void
fuzz_config_setup(void)
{
	if (fuzz_dir)
		return;
	GError *error = NULL;
	fuzz_dir = g_dir_make_tmp("fuzz-config-XXXXXX", &error);
	if (!fuzz_dir) {
		g_printerr("fuzz-config: %s\n", error->message);
		abort();
	}
	atexit(fuzz_cleanup);
	fuzz_conf = g_build_filename(fuzz_dir, "sltd.conf", NULL);
	g_autofree char *pw = g_build_filename(fuzz_dir, "pw", NULL);
	g_autofree char *cat = g_build_filename(fuzz_dir, "packages.conf", NULL);
	if (!g_file_set_contents(pw, FUZZ_SECRET "\n", -1, &error) ||
	    !g_file_set_contents(cat, "", 0, &error)) {
		g_printerr("fuzz-config: %s\n", error->message);
		abort();
	}
	/* No systemd credentials from the environment of whoever runs this. */
	g_unsetenv("CREDENTIALS_DIRECTORY");
}

/* Whether the input itself holds the secret (then the file echoes it,
 * not the loader): the fuzzer copies compared strings into its inputs. */
static gboolean secret_in_input;

static void
no_secret(const char *s)
{
	if (s && !secret_in_input)
		FUZZ_CHECK(strstr(s, FUZZ_SECRET) == NULL);
}

static void
check_loaded(const SltConfig *c)
{
	FUZZ_CHECK(c->path != NULL);
	FUZZ_CHECK(c->imap_url && c->imap_base_url && c->imap_mailbox && c->imap_username);
	FUZZ_CHECK(c->store_path != NULL);
	FUZZ_CHECK(c->poll_interval > 0 && c->imap_timeout > 0 && c->smtp_timeout > 0);
	FUZZ_CHECK(c->max_message_size > 0);
	FUZZ_CHECK(c->per_sender_per_day >= 0 && c->global_per_hour >= 0);
	const char *strs[] = {
		c->imap_url, c->imap_base_url, c->imap_mailbox, c->imap_username,
		c->imap_ca_file, c->imap_keyword, c->imap_move_to, c->smtp_url,
		c->smtp_username, c->smtp_ca_file, c->smtp_from, c->smtp_from_addr,
		c->smtp_envelope_from, c->smtp_domain, c->store_path, c->packages_dir,
		c->packages_catalogue, c->download_base_url, c->templates_dir,
		c->staff_contact, c->model_path, c->lexicon_path,
	};
	for (guint i = 0; i < G_N_ELEMENTS(strs); i++) {
		no_secret(strs[i]);
		if (strs[i])
			FUZZ_CHECK(g_utf8_validate(strs[i], -1, NULL));
	}
	/* The From of every reply and the envelope sender end up in SMTP
	 * commands and headers: no line breaks. */
	const char *wire[] = { c->smtp_from, c->smtp_from_addr, c->smtp_envelope_from,
			       c->smtp_domain, c->imap_username, c->smtp_username };
	for (guint i = 0; i < G_N_ELEMENTS(wire); i++)
		if (wire[i])
			FUZZ_CHECK(strpbrk(wire[i], "\r\n") == NULL);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_config_setup();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_config_setup();
	GError *error = NULL;
	if (!g_file_set_contents(fuzz_conf, (const char *)data, (gssize)size, &error)) {
		g_printerr("fuzz-config: %s\n", error->message);
		abort();
	}
	secret_in_input = memmem(data, size, FUZZ_SECRET, strlen(FUZZ_SECRET)) != NULL;
	SltConfig *c = slt_config_load(fuzz_conf, &error);
	if (!c) {
		FUZZ_CHECK(error != NULL);
		FUZZ_CHECK(error->domain == SLT_CONFIG_ERROR);
		FUZZ_CHECK(error->message[0] != '\0');
		FUZZ_CHECK(g_utf8_validate(error->message, -1, NULL));
		no_secret(error->message);
		g_error_free(error);
		return 0;
	}
	FUZZ_CHECK(error == NULL);
	check_loaded(c);
	slt_config_free(c);
	return 0;
}
