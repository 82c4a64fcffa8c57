/* SPDX-License-Identifier: MIT */
/* sltctl imap-probe: a hidden debugging command that drives src/imap.c
 * directly against a server, one action after another on one connection.
 * The integration tests (tests/t0100-imap-*.sh) and the fetch benchmark
 * use it; staff never need it. RFCs: 3501, 2177, 6851. */
#include "sltctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <gio/gio.h>

#include "imap.h"

static const char *
retry_word(SltRetry r)
{
	switch (r) {
	case SLT_RETRY_NOW: return "now";
	case SLT_RETRY_BACKOFF: return "backoff";
	case SLT_RETRY_NEVER: return "never";
	}
	return "?";
}

static const char *
scope_word(SltScope s)
{
	switch (s) {
	case SLT_SCOPE_MESSAGE: return "message";
	case SLT_SCOPE_MAILBOX: return "mailbox";
	case SLT_SCOPE_SERVER: return "server";
	}
	return "?";
}

static int
probe_fail(const GError *error)
{
	return sltctl_fail("imap-probe: %s (retry %s, scope %s)", error->message,
			   retry_word(slt_imap_error_retry(error)),
			   scope_word(slt_imap_error_scope(error)));
}

static gboolean
parse_u32(const char *s, guint32 *v)
{
	guint64 n;
	if (!g_ascii_string_to_unsigned(s, 10, 0, G_MAXUINT32, &n, NULL))
		return FALSE;
	*v = (guint32)n;
	return TRUE;
}

typedef struct {
	SltImap *imap;
	gboolean reenter;    /* try a NOOP from the callback (must be refused) */
	const char *dir;     /* NULL: do not write */
	gboolean print;      /* a line per message */
	guint stop_after;    /* 0: never */
	guint count, too_big;
	guint64 bytes;
} FetchState;

static gboolean
on_message(const SltImapMessage *msg, gpointer user_data, GError **error)
{
	FetchState *st = user_data;
	if (st->stop_after && st->count == st->stop_after) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
			    "stopped after %u messages as asked", st->count);
		return FALSE;
	}
	st->count++;
	if (st->reenter) {
		g_autoptr(GError) e = NULL;
		if (slt_imap_noop(st->imap, NULL, &e) || e->domain != SLT_IMAP_ERROR ||
		    e->code != SLT_IMAP_ERROR_CONFIG) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
				    "NOOP from the callback was not refused");
			return FALSE;
		}
		if (st->count == 1)
			printf("reentry refused: %s\n", e->message);
	}
	if (!msg->raw) {
		st->too_big++;
		if (st->print)
			printf("too-big %u %zu (%s)\n", msg->uid, msg->size, msg->flags);
		return TRUE;
	}
	gsize len;
	const char *data = g_bytes_get_data(msg->raw, &len);
	st->bytes += len;
	if (st->print)
		printf("msg %u %zu (%s)\n", msg->uid, len, msg->flags);
	if (st->dir) {
		g_autofree char *name = g_strdup_printf("%s/%u.eml", st->dir, msg->uid);
		if (!g_file_set_contents(name, data, (gssize)len, error))
			return FALSE;
	}
	return TRUE;
}

static int
run_fetch(SltImap *imap, guint32 after, const char *dir, gsize max_size,
	  guint stop_after, gboolean reenter)
{
	g_autoptr(GError) error = NULL;
	gint64 t0 = g_get_monotonic_time();
	g_autoptr(GArray) uids = slt_imap_search_after(imap, after, &error);
	if (!uids)
		return probe_fail(error);
	gint64 t1 = g_get_monotonic_time();
	FetchState st = { 0 };
	st.imap = imap;
	st.reenter = reenter;
	st.stop_after = stop_after;
	if (strcmp(dir, "-") != 0) {
		if (g_mkdir_with_parents(dir, 0755) != 0)
			return sltctl_fail("imap-probe: cannot create '%s': %s", dir,
					   g_strerror(errno));
		st.dir = dir;
		st.print = TRUE;
	}
	gboolean ok = slt_imap_fetch(imap, (const guint32 *)uids->data, uids->len, max_size,
				     on_message, &st, &error);
	gint64 t2 = g_get_monotonic_time();
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("fetched %u messages, %" G_GUINT64_FORMAT " bytes, %u too big; "
	       "search %.3f s, fetch %.3f s, peak rss %ld KB\n", st.count, st.bytes,
	       st.too_big, (t1 - t0) / 1e6, (t2 - t1) / 1e6, ru.ru_maxrss);
	fflush(stdout);
	if (!ok) {
		if (error->domain == G_IO_ERROR && error->code == G_IO_ERROR_CANCELLED) {
			printf("stopped: %s\n", error->message);
			return 0;
		}
		return probe_fail(error);
	}
	return 0;
}

int
cmd_imap_probe(SltCtl *ctl, int argc, char **argv)
{
	/* GOption hands out new strings: ours to free. */
	g_autofree char *url = NULL, *user = NULL, *pass_file = NULL, *ca = NULL;
	g_autofree char *mailbox_opt = NULL;
	gboolean plaintext = FALSE;
	int timeout = 30;
	gint64 max_size = 0;
	GOptionEntry entries[] = {
		{ "url", 0, 0, G_OPTION_ARG_STRING, &url, "imaps://host:port/ or imap://...", "URL" },
		{ "user", 0, 0, G_OPTION_ARG_STRING, &user, "user name", "NAME" },
		{ "password-file", 0, 0, G_OPTION_ARG_FILENAME, &pass_file, "file with the password", "FILE" },
		{ "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca, "CA certificate to trust", "FILE" },
		{ "plaintext", 0, 0, G_OPTION_ARG_NONE, &plaintext, "imap:// without STARTTLS (loopback tests)", NULL },
		{ "mailbox", 0, 0, G_OPTION_ARG_STRING, &mailbox_opt, "mailbox for select (INBOX)", "NAME" },
		{ "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "seconds per server answer (30)", "S" },
		{ "max-size", 0, 0, G_OPTION_ARG_INT64, &max_size, "skip messages above this size (0: no cap)", "BYTES" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if (!sltctl_parse(ctl, "imap-probe", entries, &argc, &argv))
		return 2;
	const char *mailbox = mailbox_opt ? mailbox_opt : "INBOX";
	if (!url || !user || !pass_file)
		return sltctl_fail("imap-probe: --url, --user and --password-file are required");

	g_autofree char *password = NULL;
	g_autoptr(GError) error = NULL;
	if (!g_file_get_contents(pass_file, &password, NULL, &error))
		return sltctl_fail("imap-probe: %s", error->message);
	g_strchomp(password);

	SltImapOptions opt = { url, user, password, ca, !plaintext, timeout };
	SltImap *imap = slt_imap_connect(&opt, &error);
	if (!imap)
		return probe_fail(error);

	int rc = 0;
	for (int i = 1; i < argc && rc == 0; i++) {
		const char *a = argv[i];
		gboolean more1 = i + 1 < argc, more2 = i + 2 < argc;
		guint32 n;
		if (strcmp(a, "caps") == 0) {
			printf("caps");
			for (const char *c = "IMAP4REV1 IDLE MOVE ESEARCH LITERAL+ UIDPLUS"; c; ) {
				const char *sp = strchr(c, ' ');
				g_autofree char *one = sp ? g_strndup(c, sp - c) : g_strdup(c);
				if (slt_imap_has_capability(imap, one))
					printf(" %s", one);
				c = sp ? sp + 1 : NULL;
			}
			printf("\n");
		} else if (strcmp(a, "select") == 0) {
			SltMailboxInfo info;
			if (!slt_imap_select(imap, mailbox, &info, &error))
				rc = probe_fail(error);
			else
				printf("select uidvalidity=%u uidnext=%u exists=%u\n",
				       info.uidvalidity, info.uidnext, info.exists);
		} else if (strcmp(a, "search") == 0 && more1 && parse_u32(argv[i + 1], &n)) {
			i++;
			g_autoptr(GArray) uids = slt_imap_search_after(imap, n, &error);
			if (!uids) {
				rc = probe_fail(error);
				continue;
			}
			printf("search %u:", uids->len);
			for (guint k = 0; k < uids->len; k++)
				printf(" %u", g_array_index(uids, guint32, k));
			printf("\n");
		} else if (strcmp(a, "fetch") == 0 && more2 && parse_u32(argv[i + 1], &n)) {
			rc = run_fetch(imap, n, argv[i + 2], (gsize)MAX(max_size, 0), 0, FALSE);
			i += 2;
		} else if (strcmp(a, "fetch-reenter") == 0 && more1 && parse_u32(argv[i + 1], &n)) {
			rc = run_fetch(imap, n, "-", (gsize)MAX(max_size, 0), 0, TRUE);
			i++;
		} else if (strcmp(a, "fetch-stop") == 0 && more2 && parse_u32(argv[i + 1], &n)) {
			guint32 stop;
			if (!parse_u32(argv[i + 2], &stop)) {
				rc = sltctl_fail("imap-probe: bad count '%s'", argv[i + 2]);
				break;
			}
			rc = run_fetch(imap, n, "-", (gsize)MAX(max_size, 0), stop, FALSE);
			i += 2;
		} else if ((strcmp(a, "store") == 0 || strcmp(a, "move") == 0) && more2) {
			/* UID or UID,UID,...: one call for all of them. */
			g_autoptr(GArray) list = g_array_new(FALSE, FALSE, sizeof(guint32));
			g_auto(GStrv) parts = g_strsplit(argv[i + 1], ",", -1);
			for (char **p = parts; *p && rc == 0; p++) {
				if (!parse_u32(*p, &n))
					rc = sltctl_fail("imap-probe: bad UID '%s'", *p);
				g_array_append_val(list, n);
			}
			if (rc != 0)
				break;
			gboolean ok = a[0] == 's' ?
				slt_imap_add_keyword_uids(imap, (guint32 *)list->data, list->len,
							  argv[i + 2], &error) :
				slt_imap_move_uids(imap, (guint32 *)list->data, list->len,
						   argv[i + 2], &error);
			if (!ok)
				rc = probe_fail(error);
			else
				printf("%s %s %s ok\n", a, argv[i + 1], argv[i + 2]);
			i += 2;
		} else if (strcmp(a, "noop") == 0) {
			gboolean new_mail;
			if (!slt_imap_noop(imap, &new_mail, &error))
				rc = probe_fail(error);
			else
				printf("noop exists=%u new-mail=%s\n", slt_imap_exists(imap),
				       new_mail ? "yes" : "no");
		} else if (strcmp(a, "sleep") == 0 && more1 && parse_u32(argv[i + 1], &n)) {
			/* Lets a test change the mailbox between two actions. */
			i++;
			g_usleep((gulong)MIN(n, 600000u) * 1000);
		} else if (strcmp(a, "idle") == 0 && more1 && parse_u32(argv[i + 1], &n)) {
			/* "idle S": wait up to S seconds for new mail. A line on
			 * stdout says when IDLE is running, so a test can append
			 * then. */
			i++;
			gboolean new_mail = FALSE;
			if (!slt_imap_idle_start(imap, &error)) {
				rc = probe_fail(error);
				continue;
			}
			printf("idling\n");
			fflush(stdout);
			gint64 t0 = g_get_monotonic_time();
			if (!slt_imap_idle_wait(imap, (int)MIN(n, 86400u) * 1000, &new_mail, &error) ||
			    !slt_imap_idle_done(imap, &error)) {
				rc = probe_fail(error);
				continue;
			}
			gint64 ms = (g_get_monotonic_time() - t0) / 1000;
			if (new_mail)
				printf("idle new-mail exists=%u after %" G_GINT64_FORMAT " ms\n",
				       slt_imap_exists(imap), ms);
			else
				printf("idle timeout after %" G_GINT64_FORMAT " ms\n", ms);
		} else {
			rc = sltctl_fail("imap-probe: bad action '%s' (caps, select, search AFTER, "
					 "fetch AFTER DIR|-, fetch-stop AFTER N, fetch-reenter AFTER, "
					 "store UID[,UID...] KW, move UID[,UID...] MAILBOX, noop, "
					 "idle SECONDS, sleep MS)", a);
			rc = 2;
		}
		fflush(stdout);
	}
	slt_imap_close(imap);
	return rc;
}
