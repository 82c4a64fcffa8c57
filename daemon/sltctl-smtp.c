/* SPDX-License-Identifier: MIT */
/* sltctl smtp-probe: a hidden test command that sends files with
 * src/smtp.c over one connection and prints what became of each (the
 * retry class and the server's code). tests/t0500-reply-smtp.sh uses it;
 * an argument "sleep=SECS" pauses between files.
 * RFC 5321. */
#include "sltctl.h"

#include <stdio.h>
#include <string.h>

#include "smtp.h"

static const char *
class_word(const GError *e)
{
	if (!e)
		return "sent";
	switch ((SltSmtpError)e->code) {
	case SLT_SMTP_ERROR_TEMPORARY: return "temporary";
	case SLT_SMTP_ERROR_SERVER: return "server";
	case SLT_SMTP_ERROR_PERMANENT: return "permanent";
	case SLT_SMTP_ERROR_CONFIG: return "config";
	}
	return "?";
}

int
cmd_smtp_probe(SltCtl *ctl, int argc, char **argv)
{
	g_autofree char *url = NULL, *user = NULL, *pwfile = NULL, *ca = NULL;
	g_autofree char *from = NULL, *rcpt = NULL;
	gboolean plaintext = FALSE;
	int timeout = 10;
	GOptionEntry entries[] = {
		{ "url", 0, 0, G_OPTION_ARG_STRING, &url, "smtp:// or smtps:// URL", "URL" },
		{ "user", 0, 0, G_OPTION_ARG_STRING, &user, "AUTH user", "USER" },
		{ "password-file", 0, 0, G_OPTION_ARG_FILENAME, &pwfile, "file with the password", "FILE" },
		{ "ca", 0, 0, G_OPTION_ARG_FILENAME, &ca, "CA certificate to trust", "FILE" },
		{ "from", 0, 0, G_OPTION_ARG_STRING, &from, "envelope sender (default <>)", "ADDR" },
		{ "rcpt", 0, 0, G_OPTION_ARG_STRING, &rcpt, "recipient", "ADDR" },
		{ "plaintext", 0, 0, G_OPTION_ARG_NONE, &plaintext, "no TLS (loopback only)", NULL },
		{ "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "seconds", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if (!sltctl_parse(ctl, "smtp-probe", entries, &argc, &argv))
		return 2;
	if (!url || !rcpt || argc < 2)
		return sltctl_fail("smtp-probe: --url, --rcpt and at least one FILE are needed");
	g_autofree char *password = NULL;
	if (pwfile) {
		g_autoptr(GError) e = NULL;
		if (!g_file_get_contents(pwfile, &password, NULL, &e))
			return sltctl_fail("smtp-probe: cannot read '%s': %s", pwfile, e->message);
		g_strchomp(password);
	}
	SltSmtpOptions o = { .url = url, .username = user, .password = password, .ca_file = ca,
			     .allow_plaintext = plaintext, .envelope_from = from, .timeout = timeout };
	g_autoptr(GError) error = NULL;
	g_autoptr(SltSmtp) s = slt_smtp_new(&o, &error);
	if (!s)
		return sltctl_fail("smtp-probe: %s", error->message);
	for (int i = 1; i < argc; i++) {
		/* "sleep=SECS" between files: room for a test to restart the server. */
		if (g_str_has_prefix(argv[i], "sleep=")) {
			g_usleep((gulong)(g_ascii_strtod(argv[i] + 6, NULL) * G_USEC_PER_SEC));
			continue;
		}
		g_autofree char *data = NULL;
		gsize len = 0;
		if (!g_file_get_contents(argv[i], &data, &len, &error))
			return sltctl_fail("smtp-probe: %s", error->message);
		g_autoptr(GBytes) b = g_bytes_new_take(g_steal_pointer(&data), len);
		int code = 0;
		g_autoptr(GError) e = NULL;
		slt_smtp_send(s, rcpt, b, &code, &e);
		printf("%s %s %d%s%s\n", argv[i], class_word(e), code, e ? " " : "", e ? e->message : "");
		fflush(stdout);
	}
	printf("connections %u\n", slt_smtp_connections(s));
	return 0;
}
