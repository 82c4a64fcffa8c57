/* SPDX-License-Identifier: MIT */
/* sltctl-queue: helpers shared by the queue commands (no command here). */
#include "sltctl-queue.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

SltStore *
sltctl_open_store(SltCtl *ctl, const char *verb, gboolean write, SltConfig **cfgp)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(SltConfig) cfg = slt_config_load_for_staff(sltctl_config_path(ctl), &error);
	if (!cfg) {
		sltctl_fail("%s: %s", verb, error->message);
		return NULL;
	}
	SltStore *store = slt_store_open(cfg->store_path, write ? 0 : SLT_STORE_OPEN_READONLY, &error);
	if (!store) {
		sltctl_fail("%s: %s", verb, error->message);
		return NULL;
	}
	if (cfgp)
		*cfgp = g_steal_pointer(&cfg);
	return store;
}

const char *
sltctl_who(void)
{
	const char *w = g_getenv("SLTCTL_USER");
	if (w && *w)
		return w;
	w = g_getenv("SUDO_USER");
	if (w && *w)
		return w;
	return g_get_user_name();
}

char *
sltctl_local_time(gint64 t)
{
	if (!t)
		return g_strdup("-");
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(t);
	return dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M") : g_strdup("?");
}

char *
sltctl_duration(gint64 s)
{
	if (s < 0)
		return g_strdup("-");
	if (s >= 86400)
		return g_strdup_printf("%" G_GINT64_FORMAT " d %" G_GINT64_FORMAT " u", s / 86400, s % 86400 / 3600);
	if (s >= 3600)
		return g_strdup_printf("%" G_GINT64_FORMAT " u %" G_GINT64_FORMAT " min", s / 3600, s % 3600 / 60);
	if (s >= 60)
		return g_strdup_printf("%" G_GINT64_FORMAT " min", s / 60);
	return g_strdup_printf("%" G_GINT64_FORMAT " s", s);
}

void
sltctl_print_json(SltJson *j)
{
	char *s = slt_json_free_to_string(j);
	puts(s);
	g_free(s);
}

int
sltctl_queue_fail(const char *verb, GError *err)
{
	int rc = 1;
	if (err->domain == SLT_QUEUE_ERROR) {
		switch ((SltQueueError)err->code) {
		case SLT_QUEUE_ERROR_INVALID: rc = 2; break;
		case SLT_QUEUE_ERROR_CONFLICT: rc = 3; break;
		case SLT_QUEUE_ERROR_NOT_FOUND: rc = 4; break;
		default: rc = 1; break;
		}
	}
	sltctl_fail("%s: %s", verb, err->message);
	g_error_free(err);
	return rc;
}

void
sltctl_filter_clear(SltCtlFilter *o)
{
	g_clear_pointer(&o->status, g_free);
	g_clear_pointer(&o->theme, g_free);
	g_clear_pointer(&o->intent, g_free);
	g_clear_pointer(&o->org, g_free);
	g_clear_pointer(&o->since, g_free);
	g_clear_pointer(&o->until, g_free);
	g_clear_pointer(&o->assignee, g_free);
}

GOptionEntry *
sltctl_filter_entries(SltCtlFilter *o)
{
	static GOptionEntry e[12];
	GOptionEntry v[] = {
		{ "all", 'a', 0, G_OPTION_ARG_NONE, &o->all, "also requests that are afgerond", NULL },
		{ "status", 's', 0, G_OPTION_ARG_STRING, &o->status,
		  "only this status: open, in-behandeling, wacht-op-klant, afgerond", "STATUS" },
		{ "theme", 't', 0, G_OPTION_ARG_STRING, &o->theme, "only this theme", "THEME" },
		{ "intent", 'i', 0, G_OPTION_ARG_STRING, &o->intent, "only this intent", "INTENT" },
		{ "org", 'o', 0, G_OPTION_ARG_STRING, &o->org, "organisation contains TEXT", "TEXT" },
		{ "since", 0, 0, G_OPTION_ARG_STRING, &o->since, "opened on or after DATE (2026-03-01, 7d, today)", "DATE" },
		{ "until", 0, 0, G_OPTION_ARG_STRING, &o->until, "opened on or before DATE", "DATE" },
		{ "assignee", 0, 0, G_OPTION_ARG_STRING, &o->assignee, "assigned to NAME ('-': nobody)", "NAME" },
		{ "review", 'r', 0, G_OPTION_ARG_NONE, &o->review, "only those marked for review", NULL },
		{ "sure", 0, 0, G_OPTION_ARG_NONE, &o->sure, "only those not marked for review", NULL },
		{ "limit", 'n', 0, G_OPTION_ARG_INT, &o->limit, "at most N requests", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	G_STATIC_ASSERT(sizeof e == sizeof v);
	memcpy(e, v, sizeof e);
	return e;
}

gboolean
sltctl_filter_finish(SltCtlFilter *o, const char *verb)
{
	g_autoptr(GError) err = NULL;
	SltQueueFilter *f = &o->f;
	slt_queue_filter_init(f);
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	if ((o->status && !slt_queue_check_status(o->status, &err)) ||
	    (o->theme && !slt_queue_check_theme(o->theme, &err)) ||
	    (o->intent && !slt_queue_check_intent(o->intent, &err)) ||
	    (o->since && !slt_queue_parse_date(o->since, FALSE, now, &f->since, &err)) ||
	    (o->until && !slt_queue_parse_date(o->until, TRUE, now, &f->until, &err))) {
		sltctl_fail("%s: %s", verb, err->message);
		return FALSE;
	}
	if (o->limit < 0) {
		sltctl_fail("%s: --limit must not be negative", verb);
		return FALSE;
	}
	if (o->review && o->sure) {
		sltctl_fail("%s: --review and --sure exclude each other", verb);
		return FALSE;
	}
	if (f->until)
		f->until += 1; /* the store's end is exclusive */
	f->all = o->all;
	f->status = o->status;
	f->theme = o->theme;
	f->intent = o->intent;
	f->org = o->org;
	f->assignee = o->assignee;
	f->review = o->review ? 1 : o->sure ? 0 : -1;
	f->limit = (guint)o->limit;
	return TRUE;
}

gboolean
sltctl_confirm(const char *verb, const char *question, gboolean yes)
{
	if (yes)
		return TRUE;
	if (!isatty(STDIN_FILENO)) {
		sltctl_fail("%s: not confirmed: stdin is not a terminal (use --yes)", verb);
		return FALSE;
	}
	fprintf(stderr, "%s [j/N] ", question);
	fflush(stderr);
	char line[64];
	if (!fgets(line, sizeof line, stdin))
		line[0] = 0;
	char c = g_ascii_tolower(line[0]);
	if (c == 'j' || c == 'y')
		return TRUE;
	sltctl_fail("%s: not confirmed; nothing changed", verb);
	return FALSE;
}

const char *
sltctl_c(SltCtl *ctl, const char *code)
{
	return ctl->color ? code : "";
}
