/* SPDX-License-Identifier: MIT */
/* sltctl status: the desk at a glance (is sltd alive, its last pass,
 * outbox and dead letters, alarms); sltctl status REF STATUS: move a
 * request through open, in-behandeling, wacht-op-klant, afgerond. */
#include "sltctl-queue.h"

#include <stdio.h>
#include <string.h>

static int
set_status(SltCtl *ctl, gint64 version, int argc, char **argv)
{
	GError *err = NULL;
	gint64 id;
	if (argc != 3)
		return sltctl_fail("status: expected a reference and a status"
				   " (open, in-behandeling, wacht-op-klant, afgerond)") + 1;
	if (!slt_queue_parse_ref(argv[1], &id, &err) || !slt_queue_check_status(argv[2], &err))
		return sltctl_queue_fail("status", err);
	g_autoptr(SltStore) store = sltctl_open_store(ctl, "status", TRUE, NULL);
	if (!store)
		return 1;
	if (!slt_queue_set_status(store, id, version, sltctl_who(), argv[2], &err))
		return sltctl_queue_fail("status", err);
	g_autofree char *ref = slt_store_ref_format(id);
	if (!ctl->json)
		printf("%s: %s\n", ref, slt_queue_status_label(argv[2]));
	return 0;
}

static void
count_line(const char *label, gint64 n)
{
	printf("  %-22s %" G_GINT64_FORMAT "\n", label, n);
}

static int
desk(SltCtl *ctl)
{
	g_autoptr(SltConfig) cfg = NULL;
	g_autoptr(SltStore) store = sltctl_open_store(ctl, "status", FALSE, &cfg);
	if (!store)
		return 1;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	/* A pass more than three poll intervals (at least 10 min) ago is
	 * stale: IDLE wakes sltd at least every poll interval. */
	gint64 stale = MAX(3 * (gint64)cfg->poll_interval, 600);
	SltQueueStatus s;
	GError *err = NULL;
	if (!slt_queue_status(store, now, stale, (guint)MAX(cfg->quiet_office_hours, 0), &s, &err))
		return sltctl_queue_fail("status", err);
	if (ctl->json) {
		SltJson *j = slt_json_new(TRUE);
		g_autofree char *hb = slt_queue_iso_time(s.heartbeat_at);
		g_autofree char *lp = slt_queue_iso_time(s.last_pass_at);
		g_autofree char *le = slt_queue_iso_time(s.last_error_at);
		g_autofree char *lm = slt_queue_iso_time(s.counts.last_mail_at);
		slt_json_begin_object(j);
		slt_json_key(j, "alive");
		if (s.alive_known)
			slt_json_bool(j, s.alive);
		else
			slt_json_null(j);
		slt_json_kv_int(j, "pid", s.pid);
		slt_json_kv_string(j, "heartbeat_at", hb);
		slt_json_kv_string(j, "last_pass_at", lp);
		slt_json_kv_string(j, "last_pass", s.last_pass);
		slt_json_kv_string(j, "last_error_at", le);
		slt_json_kv_string(j, "last_error", s.last_error);
		slt_json_kv_string(j, "last_mail_at", lm);
		slt_json_kv_int(j, "messages", s.counts.messages);
		slt_json_kv_int(j, "requests", s.counts.requests);
		slt_json_kv_int(j, "open_requests", s.counts.open_requests);
		slt_json_kv_int(j, "review", s.counts.review);
		slt_json_kv_int(j, "dead_letters", s.counts.dead_letters);
		slt_json_key(j, "outbox");
		slt_json_begin_object(j);
		slt_json_kv_int(j, "queued", s.counts.outbox_queued);
		slt_json_kv_int(j, "failed", s.counts.outbox_failed);
		slt_json_kv_int(j, "sent", s.counts.outbox_sent);
		slt_json_kv_int(j, "suppressed", s.counts.outbox_suppressed);
		slt_json_end_object(j);
		slt_json_key(j, "alarms");
		slt_json_string_array(j, s.alarms);
		slt_json_end_object(j);
		sltctl_print_json(j);
	} else {
		const char *red = sltctl_c(ctl, "\033[31m"), *green = sltctl_c(ctl, "\033[32m");
		const char *off = sltctl_c(ctl, "\033[0m");
		if (!s.alive_known)
			printf("sltd:        onbekend (sltd schreef nog geen status)\n");
		else if (s.alive && s.pid)
			printf("sltd:        %sdraait%s (pid %" G_GINT64_FORMAT ")\n", green, off, s.pid);
		else if (s.alive)
			printf("sltd:        %sdraait%s\n", green, off);
		else
			printf("sltd:        %sdraait niet%s\n", red, off);
		g_autofree char *lp = sltctl_local_time(s.last_pass_at);
		g_autofree char *lm = sltctl_local_time(s.counts.last_mail_at);
		printf("laatste ronde: %s%s%s\n", lp, s.last_pass ? "  " : "", s.last_pass ? s.last_pass : "");
		if (s.last_error_at) {
			g_autofree char *le = sltctl_local_time(s.last_error_at);
			printf("laatste fout:  %s  %s\n", le, s.last_error ? s.last_error : "");
		}
		printf("laatste mail:  %s\n\n", lm);
		count_line("berichten", s.counts.messages);
		count_line("verzoeken", s.counts.requests);
		count_line("  nog open", s.counts.open_requests);
		count_line("  nakijken", s.counts.review);
		count_line("onverwerkt (dead)", s.counts.dead_letters);
		count_line("outbox: wachtend", s.counts.outbox_queued);
		count_line("outbox: mislukt", s.counts.outbox_failed);
		count_line("outbox: verstuurd", s.counts.outbox_sent);
		count_line("outbox: niet verstuurd", s.counts.outbox_suppressed);
		if (s.alarms->len) {
			printf("\n%sAlarm%s\n", red, off);
			for (guint i = 0; i < s.alarms->len; i++)
				printf("  - %s\n", (const char *)g_ptr_array_index(s.alarms, i));
		} else {
			printf("\ngeen alarm\n");
		}
	}
	/* Exit 0 with alarms too: status reports, it does not fail. */
	slt_queue_status_clear(&s);
	return 0;
}

int
cmd_status(SltCtl *ctl, int argc, char **argv)
{
	gint64 version = 0;
	GOptionEntry entries[] = {
		{ "if-version", 0, 0, G_OPTION_ARG_INT64, &version,
		  "only if the request is still at version N (as shown by show)", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if (!sltctl_parse(ctl, "status", entries, &argc, &argv))
		return 2;
	if (argc == 1)
		return desk(ctl);
	return set_status(ctl, version, argc, argv);
}
