/* SPDX-License-Identifier: MIT */
/* service: the sltd main loop (contract, status keys and alarms in
 * service.h). RFCs: 2177 (IDLE), 3501; sd_notify(3), sd_watchdog_enabled(3).
 *
 * Shape. Everything runs on the main thread, one step at a time: a pass
 * (ingest.c, whose worker threads only parse and classify), a round of
 * the outbox (outbox.c), IDLE bookkeeping. Every blocking call below has
 * a timeout ([imap] timeout, [smtp] timeout, the store's busy timeout),
 * and the watchdog is pinged only from the loop: from its timer when the
 * loop turns, and from ingest's progress hook between messages of a long
 * pass. A call that hangs anyway (a server that stalls mid-response for
 * longer than WatchdogSec) stops the pings, and systemd restarts sltd:
 * that is the point of the watchdog, and why the work is not moved to a
 * thread that could hang unseen while the loop pings happily.
 *
 * Mail. When the server offers IDLE, a second connection sits in IDLE
 * with its socket watched by the loop (g_unix_fd_add); on EXISTS it says
 * DONE, a pass runs on the pass connection, and IDLE starts again (which
 * also reports mail that came during the pass). IDLE is renewed every 25
 * minutes (RFC 2177 section 3: servers may log out after 30), with a pass
 * each time as a safety net. Without IDLE, a pass every poll-interval.
 *
 * Failures. Any IMAP failure closes both connections; the next attempt
 * waits slt_service_backoff_ms(): 1 s doubling to 5 min, or for login and
 * TLS failures (which need a person) 1 min doubling to 1 h; a dropped
 * connection (RETRY_NOW) is retried once at once. After a failure a pass
 * always runs: mail may have come meanwhile. Nothing is lost because the
 * checkpoint only moves with committed messages (ingest.h). The outbox
 * keeps each reply's own retry time (outbox.c); a round that fails on the
 * server also pauses the next round (5 s doubling to 5 min), since the
 * other due replies would each cost a round against a server that is
 * down.
 *
 * Signals. Own sigaction handlers set a flag and write to a pipe the
 * loop watches, instead of g_unix_signal_add: GLib dispatches its signal
 * sources only when the loop turns, but SIGTERM must also stop a pass in
 * progress (ingest's progress hook reads the flag), after the messages in
 * hand. */
#include "service.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <systemd/sd-daemon.h>

#include "classify.h"
#include "config.h"
#include "imap.h"
#include "ingest.h"
#include "log.h"
#include "mime.h"
#include "outbox.h"
#include "respond.h"
#include "smtp.h"
#include "store.h"
#include "store-outbox.h"

#ifndef SLT_VERSION
#define SLT_VERSION "0.1"
#endif

G_DEFINE_QUARK(slt-service-error-quark, slt_service_error)

#define IDLE_RENEW_S       (25 * 60)
#define TICK_S             60          /* alarms and the status heartbeat */
#define OUTBOX_LOOK_S      30          /* sltctl publish queues from another process */
#define IMAP_DOWN_ALARM_S  (30 * 60)
#define BACKOFF_BASE_MS    1000
#define BACKOFF_CAP_MS     (300 * 1000)
#define NEVER_BASE_MS      (60 * 1000)
#define NEVER_CAP_MS       (3600 * 1000)

/* What a configuration builds; swapped as a whole on reload. */
typedef struct {
	SltConfig *cfg;
	SltStore *store;
	SltClassifier *classifier;
	SltResponder *responder;
	SltOutbox *outbox;
	gint64 orgs_version;     /* the store's data_version when the org pairs were loaded */
} Parts;

struct _SltService {
	char *config_path;
	Parts p;

	GMainLoop *loop;
	gboolean stopping;

	SltImap *imap;           /* pass connection, kept between passes */
	SltImap *idle;           /* the connection held in IDLE */
	gboolean idling;
	guint idle_watch;
	gint64 idle_started;     /* monotonic µs */
	gboolean no_idle;        /* IDLE off in the config or not offered */

	guint work_src;
	gint64 work_at;          /* monotonic µs */
	gboolean pass_due;
	gboolean outbox_due;
	gint64 next_poll;        /* monotonic µs; polling only */
	gint64 next_outbox;      /* monotonic µs */
	guint smtp_failures;     /* consecutive failed rounds of the outbox */
	gint64 smtp_retry_at;    /* monotonic µs: no round before this */

	guint failures;          /* consecutive IMAP failures */
	gint64 retry_at;         /* monotonic µs: no IMAP before this */
	gint64 down_since;       /* store clock: first failure of this streak; 0 none */
	char *last_imap_error;

	guint sig_watch, tick_src, watchdog_src;
	guint64 watchdog_usec;
	gint64 last_ping;        /* monotonic µs */

	const char *state;       /* "starting", "idle", "polling", "working", ... */
	char *status_line;
	gint64 status_written;   /* store clock */
	GHashTable *alarms;      /* key -> text as written */
	gint64 last_mail;        /* store clock; 0: none known */
	gint64 started;          /* store clock */
	gint64 queued;           /* outbox items queued, as last counted */
};

/* ---- pure helpers ----------------------------------------------------- */

gint64
slt_service_backoff_ms(guint n, gint64 base_ms, gint64 cap_ms, double jitter)
{
	gint64 d = base_ms;
	for (guint i = 1; i < n && d < cap_ms; i++)
		d *= 2;
	d = MIN(d, cap_ms);
	jitter = CLAMP(jitter, 0.0, 1.0);
	return d / 2 + (gint64)((double)(d - d / 2) * jitter);
}

gint64
slt_service_office_seconds(gint64 from, gint64 to, GTimeZone *tz)
{
	if (to <= from)
		return 0;
	g_autoptr(GTimeZone) local = tz ? g_time_zone_ref(tz) : g_time_zone_new_local();
	gint64 total = 0;
	g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(from);
	g_autoptr(GDateTime) cur = g_date_time_to_timezone(t, local);
	/* Day by day: each weekday contributes the overlap of [from, to)
	 * with its 08:00-18:00 (taken in local time, so DST days count
	 * their real office hours). */
	for (int guard = 0; guard < 100000; guard++) {
		int y = g_date_time_get_year(cur), m = g_date_time_get_month(cur),
		    d = g_date_time_get_day_of_month(cur);
		g_autoptr(GDateTime) open = g_date_time_new(local, y, m, d, 8, 0, 0);
		g_autoptr(GDateTime) close = g_date_time_new(local, y, m, d, 18, 0, 0);
		g_autoptr(GDateTime) next = g_date_time_new(local, y, m, d, 0, 0, 0);
		g_autoptr(GDateTime) next_day = g_date_time_add_days(next, 1);
		if (!open || !close || !next_day)
			break;
		if (g_date_time_get_day_of_week(cur) <= 5) {
			gint64 a = MAX(from, g_date_time_to_unix(open));
			gint64 b = MIN(to, g_date_time_to_unix(close));
			if (b > a)
				total += b - a;
		}
		if (g_date_time_to_unix(next_day) >= to)
			break;
		g_date_time_unref(cur);
		cur = g_steal_pointer(&next_day);
	}
	return total;
}

int
slt_service_exit_code(const GError *err)
{
	if (err->domain == SLT_SERVICE_ERROR)
		return err->code == SLT_SERVICE_ERROR_STORE ? EX_IOERR : EX_CONFIG;
	if (err->domain == SLT_CONFIG_ERROR || err->domain == SLT_RESPOND_ERROR)
		return EX_CONFIG;
	if (err->domain == SLT_STORE_ERROR)
		return EX_IOERR;
	if (err->domain == SLT_IMAP_ERROR) {
		if (err->code == SLT_IMAP_ERROR_CONFIG)
			return EX_CONFIG;
		if (err->code == SLT_IMAP_ERROR_AUTH || err->code == SLT_IMAP_ERROR_TLS)
			return EX_NOPERM;
		if (slt_imap_error_scope(err) == SLT_SCOPE_MAILBOX)
			return EX_UNAVAILABLE;
	}
	if (err->domain == SLT_SMTP_ERROR && err->code == SLT_SMTP_ERROR_CONFIG)
		return EX_CONFIG;
	return EX_TEMPFAIL;
}

/* ---- setup ------------------------------------------------------------ */

static void
parts_clear(Parts *p)
{
	/* The responder and the outbox borrow cfg: they go first. */
	g_clear_pointer(&p->outbox, slt_outbox_free);
	g_clear_pointer(&p->responder, slt_responder_free);
	g_clear_pointer(&p->classifier, slt_classifier_free);
	g_clear_pointer(&p->store, slt_store_close);
	g_clear_pointer(&p->cfg, slt_config_free);
}

static GBytes *
read_optional(const char *path, GError **error)
{
	if (!path)
		return NULL;
	char *data = NULL;
	gsize len = 0;
	if (!g_file_get_contents(path, &data, &len, error))
		return NULL;
	return g_bytes_new_take(data, len);
}

static void
add_learned_org(const char *domain, const char *org, gboolean by_staff, gpointer data)
{
	slt_classifier_add_learned_org(data, domain, org, by_staff);
}

/* Build everything config_path describes into *p. store: an open store
 * to use when the path is the same (reload), or NULL. On failure *p is
 * cleared (an adopted store is not closed) and error says why. */
static gboolean
parts_load(Parts *p, const char *config_path, SltStore *store, const char *store_path,
	   GError **error)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GBytes) model = NULL;
	g_autoptr(GBytes) lexicon = NULL;
	gboolean adopted = FALSE;
	memset(p, 0, sizeof *p);
	p->cfg = slt_config_load(config_path, &err);
	if (!p->cfg) {
		g_set_error(error, SLT_SERVICE_ERROR, SLT_SERVICE_ERROR_CONFIG, "%s", err->message);
		return FALSE;
	}
	adopted = store && store_path && strcmp(store_path, p->cfg->store_path) == 0;
	p->store = adopted ? store :
		slt_store_open(p->cfg->store_path, SLT_STORE_OPEN_CREATE, &err);
	if (!p->store) {
		g_set_error(error, SLT_SERVICE_ERROR, SLT_SERVICE_ERROR_STORE, "%s", err->message);
		goto fail;
	}
	model = read_optional(p->cfg->model_path, &err);
	if (!err)
		lexicon = read_optional(p->cfg->lexicon_path, &err);
	if (!err)
		p->classifier = slt_classifier_new(model, lexicon, NULL, &err);
	if (!p->classifier) {
		g_set_error(error, SLT_SERVICE_ERROR, SLT_SERVICE_ERROR_CONFIG,
			    "cannot load the classifier: %s", err->message);
		goto fail;
	}
	/* The organisations learned from earlier mail (ingest.h learn_orgs). */
	p->orgs_version = slt_store_data_version(p->store);
	if (!slt_store_org_domains_each(p->store, add_learned_org, p->classifier, &err)) {
		g_set_error(error, SLT_SERVICE_ERROR, SLT_SERVICE_ERROR_STORE, "%s", err->message);
		goto fail;
	}
	p->responder = slt_responder_new(p->cfg, p->store, &err);
	if (!p->responder) {
		/* It writes the catalogue to the store: a database locked by
		 * staff is no config error (78 stops systemd's restarts). */
		g_set_error(error, SLT_SERVICE_ERROR,
			    err->domain == SLT_STORE_ERROR ? SLT_SERVICE_ERROR_STORE :
			    SLT_SERVICE_ERROR_CONFIG, "%s", err->message);
		goto fail;
	}
	p->outbox = slt_outbox_new(p->cfg, &err);
	if (!p->outbox) {
		g_set_error(error, SLT_SERVICE_ERROR, SLT_SERVICE_ERROR_CONFIG, "%s", err->message);
		goto fail;
	}
	return TRUE;
fail:
	/* An adopted store belongs to the running service. */
	if (adopted)
		p->store = NULL;
	parts_clear(p);
	return FALSE;
}

SltService *
slt_service_new(const char *config_path, GError **error)
{
	SltService *svc = g_new0(SltService, 1);
	svc->config_path = g_strdup(config_path);
	if (!parts_load(&svc->p, config_path, NULL, NULL, error)) {
		slt_service_free(svc);
		return NULL;
	}
	svc->alarms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	svc->state = "starting";
	return svc;
}

/* Close the IDLE connection (slt_imap_close says DONE and LOGOUT with a
 * short timeout, or nothing on a broken connection). */
static void
idle_drop(SltService *svc)
{
	g_clear_handle_id(&svc->idle_watch, g_source_remove);
	g_clear_pointer(&svc->idle, slt_imap_close);
	svc->idling = FALSE;
}

void
slt_service_free(SltService *svc)
{
	if (!svc)
		return;
	idle_drop(svc);
	g_clear_pointer(&svc->imap, slt_imap_close);
	parts_clear(&svc->p);
	g_clear_pointer(&svc->alarms, g_hash_table_unref);
	g_clear_pointer(&svc->loop, g_main_loop_unref);
	g_free(svc->status_line);
	g_free(svc->last_imap_error);
	g_free(svc->config_path);
	g_free(svc);
}

/* ---- status, alarms, systemd ------------------------------------------ */

static void
set_status_key(SltService *svc, const char *key, const char *value)
{
	g_autoptr(GError) err = NULL;
	if (!slt_store_set_status(svc->p.store, key, value, &err))
		slt_log_warn("cannot write the status '%s': %s", key, err->message);
}

static void
alarm_raise(SltService *svc, const char *key, const char *text)
{
	const char *old = svc->alarms ? g_hash_table_lookup(svc->alarms, key) : NULL;
	if (old && strcmp(old, text) == 0)
		return;
	slt_log_err("ALARM %s: %s", key + strlen("alarm-"), text);
	g_hash_table_replace(svc->alarms, g_strdup(key), g_strdup(text));
	set_status_key(svc, key, text);
}

static void
alarm_clear(SltService *svc, const char *key)
{
	if (!g_hash_table_contains(svc->alarms, key))
		return;
	slt_log_notice("alarm %s is over", key + strlen("alarm-"));
	g_hash_table_remove(svc->alarms, key);
	set_status_key(svc, key, NULL);
}

/* Alarms of an earlier run that this run has not confirmed yet are
 * taken over, so they stay until their condition is seen to end. */
static void
alarms_adopt(SltService *svc)
{
	static const char *const keys[] = {
		"alarm-imap-auth", "alarm-imap-tls", "alarm-smtp-auth", "alarm-smtp-tls",
		"alarm-outbox", "alarm-quiet", "alarm-imap-down",
	};
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		char *v = slt_store_get_status(svc->p.store, keys[i], NULL);
		if (v)
			g_hash_table_replace(svc->alarms, g_strdup(keys[i]), v);
	}
}

static char *
clock_text(gint64 t)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(t);
	g_autoptr(GDateTime) now = g_date_time_new_from_unix_local(slt_store_clock());
	if (!dt || !now)
		return g_strdup("?");
	if (g_date_time_get_year(dt) == g_date_time_get_year(now) &&
	    g_date_time_get_day_of_year(dt) == g_date_time_get_day_of_year(now))
		return g_date_time_format(dt, "%H:%M");
	return g_date_time_format(dt, "%Y-%m-%d %H:%M");
}

static void
count_outbox(SltService *svc)
{
	gint64 q = 0;
	g_autoptr(GError) err = NULL;
	if (slt_store_outbox_counts(svc->p.store, &q, NULL, NULL, NULL, &err))
		svc->queued = q;
}

/* "idle, 2 in outbox, last mail 10:42[; ALARM: ...]": to systemd when it
 * changed, to the store when it changed or a minute passed. */
static void
status_update(SltService *svc)
{
	GString *s = g_string_new(svc->state);
	if (svc->state && strcmp(svc->state, "reconnecting") == 0) {
		gint64 left = (svc->retry_at - g_get_monotonic_time()) / G_USEC_PER_SEC;
		g_string_append_printf(s, " in %" G_GINT64_FORMAT " s", MAX(left, 0));
		if (svc->last_imap_error)
			g_string_append_printf(s, " (%s)", svc->last_imap_error);
	}
	g_string_append_printf(s, ", %" G_GINT64_FORMAT " in outbox", svc->queued);
	if (svc->last_mail) {
		g_autofree char *t = clock_text(svc->last_mail);
		g_string_append_printf(s, ", last mail %s", t);
	} else {
		g_string_append(s, ", no mail yet");
	}
	if (svc->alarms && g_hash_table_size(svc->alarms)) {
		g_autoptr(GList) keys = g_hash_table_get_keys(svc->alarms);
		keys = g_list_sort(keys, (GCompareFunc)strcmp);
		g_string_append(s, "; ALARM:");
		for (GList *l = keys; l; l = l->next)
			g_string_append_printf(s, "%s %s", l == keys ? "" : ",",
					       (const char *)l->data + strlen("alarm-"));
	}
	gint64 now = slt_store_clock();
	gboolean changed = !svc->status_line || strcmp(svc->status_line, s->str) != 0;
	if (changed)
		sd_notifyf(0, "STATUS=%s", s->str);
	/* The tick comes every TICK_S: a little slack, or every other
	 * tick would find the last write a hair too recent. */
	if (changed || now - svc->status_written >= TICK_S - 5) {
		set_status_key(svc, "status", s->str);
		svc->status_written = now;
	}
	g_free(svc->status_line);
	svc->status_line = g_string_free(s, FALSE);
}

static void
watchdog_ping(SltService *svc)
{
	if (!svc->watchdog_usec)
		return;
	gint64 now = g_get_monotonic_time();
	if (now - svc->last_ping < (gint64)svc->watchdog_usec / 4)
		return;
	sd_notify(0, "WATCHDOG=1");
	svc->last_ping = now;
}

/* ---- signals ---------------------------------------------------------- */

static int sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t sig_stop, sig_reload;

static void
on_signal(int signo)
{
	int saved = errno;
	if (signo == SIGHUP)
		sig_reload = 1;
	else
		sig_stop = 1;
	if (sig_pipe[1] >= 0)
		(void)!write(sig_pipe[1], "s", 1);
	errno = saved;
}

static gboolean
signals_install(GError **error)
{
	if (sig_pipe[0] < 0 && pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno),
			    "cannot make the signal pipe: %s", g_strerror(errno));
		return FALSE;
	}
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A server closing on us must be an error, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	return TRUE;
}

/* ---- the work ----------------------------------------------------------- */

static void work(SltService *svc);
static void check_outbox_age(SltService *svc);

static gboolean
on_work(gpointer data)
{
	SltService *svc = data;
	svc->work_src = 0;
	work(svc);
	return G_SOURCE_REMOVE;
}

/* Make sure work runs no later than at (monotonic µs). */
static void
work_at(SltService *svc, gint64 at)
{
	if (svc->stopping)
		return;
	if (svc->work_src && svc->work_at <= at)
		return;
	g_clear_handle_id(&svc->work_src, g_source_remove);
	gint64 now = g_get_monotonic_time();
	gint64 ms = at > now ? (at - now + 999) / 1000 : 0;
	svc->work_at = at;
	svc->work_src = g_timeout_add((guint)MIN(ms, G_MAXUINT), on_work, svc);
}

static gboolean
pass_progress(gpointer data)
{
	SltService *svc = data;
	/* A long pass makes progress message by message: the loop is
	 * healthy, only busy. */
	watchdog_ping(svc);
	return !sig_stop;
}

/* The reaction hook: the responder (respond.c) queues the reply and logs
 * the message's one line: request, intent, theme, and what was done. */
static gboolean
service_react(SltStore *store, const SltIngested *in, gpointer data, GError **error)
{
	SltService *svc = data;
	if (!svc->p.responder)
		return TRUE;
	return slt_responder_react(store, in, svc->p.responder, error);
}

static void
pass_options(SltService *svc, SltIngestOptions *opt, gboolean in_loop)
{
	*opt = (SltIngestOptions){
		.cfg = svc->p.cfg,
		.store = svc->p.store,
		.classifier = svc->p.classifier,
		.learn_orgs = svc->p.classifier,
		.react = service_react,
		.react_data = svc,
		.progress = in_loop ? pass_progress : NULL,
		.progress_data = svc,
	};
}

/* After a pass: log and record it. */
static void
pass_done(SltService *svc, const SltIngestStats *st, double secs, const GError *err)
{
	g_autofree char *summary = g_strdup_printf(
		"%u found, %u recorded (%u new requests), %u duplicates, %u dead letters, "
		"%u keyword/move, %.2f s", st->found, st->recorded, st->new_requests,
		st->duplicates, st->dead_letters, st->imap_done, secs);
	if (st->recorded) {
		svc->last_mail = slt_store_clock();
		g_autofree char *lm = g_strdup_printf("%u new in '%s'", st->recorded,
						      svc->p.cfg->imap_mailbox);
		set_status_key(svc, "last-mail", lm);
		alarm_clear(svc, "alarm-quiet");
		svc->outbox_due = TRUE;
	}
	if (err) {
		if (st->found)
			slt_log_info("pass stopped: %s", summary);
		return;
	}
	if (st->found || st->dead_letters)
		slt_log_info("pass over '%s': %s", svc->p.cfg->imap_mailbox, summary);
	else
		slt_log_debug("pass over '%s': nothing new (%.3f s)", svc->p.cfg->imap_mailbox, secs);
	set_status_key(svc, "last-pass", summary);
}

static gboolean
is_cancelled(const GError *err)
{
	return g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
imap_ok(SltService *svc)
{
	svc->failures = 0;
	svc->down_since = 0;
	g_clear_pointer(&svc->last_imap_error, g_free);
	alarm_clear(svc, "alarm-imap-auth");
	alarm_clear(svc, "alarm-imap-tls");
	alarm_clear(svc, "alarm-imap-down");
}

/* An IMAP (or store) failure: close, back off, and raise the alarms that
 * need a person. */
static void
imap_failed(SltService *svc, const GError *err)
{
	idle_drop(svc);
	g_clear_pointer(&svc->imap, slt_imap_close);
	svc->failures++;
	svc->pass_due = TRUE;
	SltRetry retry = slt_imap_error_retry(err);
	gint64 ms;
	if (retry == SLT_RETRY_NOW && svc->failures == 1)
		ms = 0;
	else if (retry == SLT_RETRY_NEVER)
		ms = slt_service_backoff_ms(svc->failures, NEVER_BASE_MS, NEVER_CAP_MS,
					    g_random_double());
	else
		ms = slt_service_backoff_ms(svc->failures, BACKOFF_BASE_MS, BACKOFF_CAP_MS,
					    g_random_double());
	svc->retry_at = g_get_monotonic_time() + ms * 1000;
	gint64 now = slt_store_clock();
	if (!svc->down_since)
		svc->down_since = now;

	g_autofree char *safe = slt_log_sanitize(err->message, 300);
	g_free(svc->last_imap_error);
	svc->last_imap_error = slt_log_sanitize(err->message, 120);
	g_autofree char *line = g_str_has_prefix(safe, "imap: ") ? g_strdup(safe) :
		g_strdup_printf("imap: %s", safe);
	set_status_key(svc, "last-error", line);
	gboolean auth = g_error_matches(err, SLT_IMAP_ERROR, SLT_IMAP_ERROR_AUTH);
	gboolean tls = g_error_matches(err, SLT_IMAP_ERROR, SLT_IMAP_ERROR_TLS);
	if (auth)
		alarm_raise(svc, "alarm-imap-auth", safe);
	if (tls)
		alarm_raise(svc, "alarm-imap-tls", safe);
	if (now - svc->down_since >= IMAP_DOWN_ALARM_S) {
		g_autofree char *t = clock_text(svc->down_since);
		g_autofree char *text = g_strdup_printf("no working IMAP connection since %s: %s",
							t, safe);
		alarm_raise(svc, "alarm-imap-down", text);
	}
	slt_log(auth || tls ? SLT_LOG_ERR : SLT_LOG_WARNING, "%s; next attempt in %.1f s",
		line, (double)ms / 1000);
}

/* Staff set or forget a domain's organisation from another process
 * (sltctl orgs, the web view): load the pairs again before the pass
 * classifies, so the change counts from the next message on. Any commit
 * of another process moves the store's data_version; the pairs are a few
 * hundred rows. No worker classifies between passes. */
static void
orgs_sync(SltService *svc)
{
	Parts *p = &svc->p;
	gint64 v = slt_store_data_version(p->store);
	if (v < 0 || v == p->orgs_version)
		return;
	slt_classifier_forget_learned_orgs(p->classifier);
	g_autoptr(GError) err = NULL;
	if (!slt_store_org_domains_each(p->store, add_learned_org, p->classifier, &err)) {
		/* the next pass tries again */
		slt_log_warn("cannot load the organisations per domain again: %s", err->message);
		p->orgs_version = -2;
		return;
	}
	p->orgs_version = v;
}

/* A pass on the kept pass connection (connecting when needed). */
static gboolean
run_pass(SltService *svc, GError **error)
{
	if (!svc->imap) {
		svc->imap = slt_ingest_connect(svc->p.cfg, error);
		if (!svc->imap)
			return FALSE;
	}
	orgs_sync(svc);
	SltIngestOptions opt;
	pass_options(svc, &opt, TRUE);
	SltIngestStats st = { 0 };
	gint64 t0 = g_get_monotonic_time();
	g_autoptr(GError) err = NULL;
	gboolean ok = slt_ingest_run(&opt, svc->imap, &st, &err);
	pass_done(svc, &st, (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC,
		  ok ? NULL : err);
	if (ok)
		return TRUE;
	/* A stopped pass leaves the connection usable; anything else may
	 * not have. */
	if (!is_cancelled(err))
		g_clear_pointer(&svc->imap, slt_imap_close);
	g_propagate_error(error, g_steal_pointer(&err));
	return FALSE;
}

/* SMTP trouble a person must fix, from the sender's words (smtp.c passes
 * on libcurl's and the server's): login or TLS. */
static const char *
smtp_alarm_key(const GError *err)
{
	if (!g_error_matches(err, SLT_SMTP_ERROR, SLT_SMTP_ERROR_SERVER))
		return NULL;
	g_autofree char *m = g_ascii_strdown(err->message, -1);
	if (strstr(m, "login denied") || strstr(m, "authentication") || strstr(m, " 535") ||
	    strstr(m, " 534") || strstr(m, "auth "))
		return "alarm-smtp-auth";
	if (strstr(m, "ssl") || strstr(m, "tls") || strstr(m, "certificate"))
		return "alarm-smtp-tls";
	return NULL;
}

/* When the next queued item falls due (monotonic µs), at most
 * OUTBOX_LOOK_S away: items queued by sltctl publish come from another
 * process and wake nobody. */
static gint64
outbox_next(SltService *svc)
{
	gint64 mono = g_get_monotonic_time();
	gint64 next = mono + (gint64)OUTBOX_LOOK_S * G_USEC_PER_SEC;
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) q = slt_store_outbox_list(svc->p.store, "queued", FALSE, 0, &err);
	if (!q)
		return next;
	gint64 now = slt_store_clock();
	for (guint i = 0; i < q->len; i++) {
		const SltOutboxItem *it = g_ptr_array_index(q, i);
		gint64 at = mono + MAX(it->next_attempt_at - now, 0) * G_USEC_PER_SEC;
		next = MIN(next, at);
	}
	return next;
}

static gboolean
drain_outbox(SltService *svc, GError **error)
{
	svc->outbox_due = FALSE;
	SltOutboxStats st = { 0 };
	g_autoptr(GError) err = NULL;
	gboolean ok = slt_outbox_drain(svc->p.outbox, svc->p.store, &st, &err);
	if (st.sent || st.retry || st.failed || st.gave_up)
		slt_log_info("outbox: %u sent, %u to retry, %u failed, %u given up%s", st.sent,
			     st.retry, st.failed, st.gave_up, ok ? "" : ", stopped");
	if (st.sent) {
		alarm_clear(svc, "alarm-smtp-auth");
		alarm_clear(svc, "alarm-smtp-tls");
	}
	count_outbox(svc);
	/* A failed round reschedules only the item it was on; the others
	 * are still due. Without a pause of our own every one of them would
	 * cost a round at once against a server that is down. */
	if (ok) {
		svc->smtp_failures = 0;
		svc->smtp_retry_at = 0;
	} else {
		svc->smtp_failures++;
		svc->smtp_retry_at = g_get_monotonic_time() + 1000 *
			slt_service_backoff_ms(svc->smtp_failures, BACKOFF_BASE_MS * 5,
					       BACKOFF_CAP_MS, g_random_double());
	}
	if (!ok) {
		g_autofree char *safe = slt_log_sanitize(err->message, 300);
		g_autofree char *line = g_strdup_printf("smtp: %s", safe);
		set_status_key(svc, "last-error", line);
		const char *key = smtp_alarm_key(err);
		if (key)
			alarm_raise(svc, key, safe);
		else
			slt_log_warn("%s; the replies wait for their next attempt", line);
		g_propagate_error(error, g_steal_pointer(&err));
	}
	return ok;
}

/* Start (or restart) IDLE on the IDLE connection, connecting when needed. */
static gboolean on_idle_readable(int fd, GIOCondition cond, gpointer data);

static gboolean
idle_arm(SltService *svc, GError **error)
{
	gboolean fresh = FALSE;
	if (!svc->idle) {
		fresh = TRUE;
		svc->idle = slt_ingest_connect(svc->p.cfg, error);
		if (!svc->idle)
			return FALSE;
		if (!slt_imap_has_capability(svc->idle, "IDLE")) {
			slt_log_notice("'%s' does not offer IDLE: looking every %d s",
				       svc->p.cfg->imap_base_url, svc->p.cfg->poll_interval);
			svc->no_idle = TRUE;
			g_clear_pointer(&svc->idle, slt_imap_close);
			return TRUE;
		}
		if (!slt_imap_select(svc->idle, svc->p.cfg->imap_mailbox, NULL, error))
			return FALSE;
	}
	if (!slt_imap_idle_start(svc->idle, error))
		return FALSE;
	svc->idling = TRUE;
	svc->idle_started = g_get_monotonic_time();
	svc->idle_watch = g_unix_fd_add(slt_imap_socket(svc->idle), G_IO_IN | G_IO_HUP | G_IO_ERR,
					on_idle_readable, svc);
	/* The server may have spoken already (mail during the pass). */
	gboolean new_mail = FALSE;
	if (!slt_imap_idle_check(svc->idle, &new_mail, error))
		return FALSE;
	/* A new connection's SELECT is its starting point: the server
	 * announces in IDLE only what arrives after it. Mail that came
	 * between the last pass's SEARCH and that SELECT (connecting takes
	 * seconds on a busy machine; seen in t0603 after a reload) would wait
	 * for the next event, so look once more. An already selected
	 * connection hears of such mail at IDLE (the check above). */
	if (new_mail || fresh)
		svc->pass_due = TRUE;
	return TRUE;
}

/* Leave IDLE before a pass (RFC 2177: DONE, then the tagged OK). A
 * failure only costs the IDLE connection: it is made again after. */
static void
idle_leave(SltService *svc)
{
	if (!svc->idling)
		return;
	g_clear_handle_id(&svc->idle_watch, g_source_remove);
	svc->idling = FALSE;
	g_autoptr(GError) err = NULL;
	if (!slt_imap_idle_done(svc->idle, &err)) {
		slt_log_info("imap: leaving IDLE failed (%s): connecting again", err->message);
		idle_drop(svc);
	}
}

static gboolean
on_idle_readable(int fd, GIOCondition cond, gpointer data)
{
	(void)fd;
	(void)cond;
	SltService *svc = data;
	gboolean new_mail = FALSE;
	g_autoptr(GError) err = NULL;
	if (!slt_imap_idle_check(svc->idle, &new_mail, &err)) {
		svc->idle_watch = 0;
		imap_failed(svc, err);
		work_at(svc, svc->retry_at);
		status_update(svc);
		return G_SOURCE_REMOVE;
	}
	if (new_mail) {
		slt_log_debug("imap: new mail announced in IDLE");
		svc->pass_due = TRUE;
		work_at(svc, g_get_monotonic_time());
	}
	return G_SOURCE_CONTINUE;
}

/* One step: a pass when one is due, the outbox when due, then IDLE or the
 * next poll; then plan the next step. Never loops on its own: every
 * repeat goes through a timer with a delay, or an event. */
static void
work(SltService *svc)
{
	if (svc->stopping || sig_stop)
		return;
	gint64 now = g_get_monotonic_time();
	gboolean imap_allowed = now >= svc->retry_at;
	gboolean polling = svc->no_idle || !svc->p.cfg->imap_idle;
	if (imap_allowed) {
		if (polling && now >= svc->next_poll)
			svc->pass_due = TRUE;
		if (svc->idling && now - svc->idle_started >= (gint64)IDLE_RENEW_S * G_USEC_PER_SEC)
			svc->pass_due = TRUE;   /* renew IDLE, and look once more */
	}
	g_autoptr(GError) err = NULL;
	if (imap_allowed && svc->pass_due) {
		svc->state = "working";
		status_update(svc);
		idle_leave(svc);
		if (!run_pass(svc, &err)) {
			if (is_cancelled(err))
				return;    /* SIGTERM: the signal watch stops the loop */
			imap_failed(svc, err);
			g_clear_error(&err);
			imap_allowed = FALSE;
		} else {
			svc->pass_due = FALSE;
			imap_ok(svc);
			if (polling)
				svc->next_poll = g_get_monotonic_time() +
					(gint64)svc->p.cfg->poll_interval * G_USEC_PER_SEC;
		}
	}
	if (sig_stop)
		return;
	now = g_get_monotonic_time();
	if ((svc->outbox_due || now >= svc->next_outbox) && now >= svc->smtp_retry_at) {
		if (svc->state == NULL || strcmp(svc->state, "working") != 0) {
			svc->state = "sending";
			status_update(svc);
		}
		if (!drain_outbox(svc, &err))
			g_clear_error(&err);
		svc->next_outbox = MAX(outbox_next(svc), svc->smtp_retry_at);
		check_outbox_age(svc);
	}
	polling = svc->no_idle || !svc->p.cfg->imap_idle;
	if (imap_allowed && !polling && !svc->idling && !sig_stop) {
		if (!idle_arm(svc, &err)) {
			imap_failed(svc, err);
			g_clear_error(&err);
			imap_allowed = FALSE;
		} else if (svc->pass_due) {
			/* Mail came while we were busy: go again, via the loop. */
			work_at(svc, g_get_monotonic_time());
		}
		polling = svc->no_idle;
	}

	/* Plan the next step. */
	gint64 next = MAX(svc->outbox_due ? now : svc->next_outbox, svc->smtp_retry_at);
	if (!imap_allowed) {
		svc->state = "reconnecting";
		next = MIN(next, svc->retry_at);
	} else if (polling) {
		svc->state = "polling";
		if (svc->next_poll <= now)
			svc->next_poll = now + (gint64)svc->p.cfg->poll_interval * G_USEC_PER_SEC;
		next = MIN(next, svc->next_poll);
	} else {
		svc->state = "idle";
		next = MIN(next, svc->idle_started + (gint64)IDLE_RENEW_S * G_USEC_PER_SEC);
	}
	work_at(svc, next);
	status_update(svc);
}

/* ---- alarms that watch the clock ------------------------------------------ */

static void
check_outbox_age(SltService *svc)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) q = slt_store_outbox_list(svc->p.store, "queued", FALSE, 0, &err);
	if (!q)
		return;
	gint64 now = slt_store_clock();
	gint64 limit = (gint64)svc->p.cfg->outbox_stale_hours * 3600;
	guint stale = 0;
	gint64 oldest = 0;
	const char *why = NULL;
	for (guint i = 0; i < q->len; i++) {
		const SltOutboxItem *it = g_ptr_array_index(q, i);
		if (now - it->created_at < limit)
			continue;
		stale++;
		if (!oldest || it->created_at < oldest) {
			oldest = it->created_at;
			why = it->last_error;
		}
	}
	if (!stale) {
		alarm_clear(svc, "alarm-outbox");
		return;
	}
	g_autofree char *t = clock_text(oldest);
	g_autofree char *w = why ? slt_log_sanitize(why, 200) : NULL;
	g_autofree char *text = g_strdup_printf("%u %s queued for more than %d h, the oldest since %s%s%s",
						stale, stale == 1 ? "reply" : "replies",
						svc->p.cfg->outbox_stale_hours, t,
						w ? "; last error: " : "", w ? w : "");
	alarm_raise(svc, "alarm-outbox", text);
}

static void
check_quiet(SltService *svc)
{
	int hours = svc->p.cfg->quiet_office_hours;
	if (hours <= 0) {
		alarm_clear(svc, "alarm-quiet");
		return;
	}
	gint64 since = svc->last_mail ? svc->last_mail : svc->started;
	gint64 office = slt_service_office_seconds(since, slt_store_clock(), NULL);
	if (office < (gint64)hours * 3600) {
		alarm_clear(svc, "alarm-quiet");
		return;
	}
	g_autofree char *t = clock_text(since);
	g_autofree char *text = g_strdup_printf("no mail for %" G_GINT64_FORMAT " office hours "
						"(since %s%s)", office / 3600, t,
						svc->last_mail ? "" : ", when sltd started");
	alarm_raise(svc, "alarm-quiet", text);
}

static gboolean
on_tick(gpointer data)
{
	SltService *svc = data;
	check_outbox_age(svc);
	check_quiet(svc);
	count_outbox(svc);
	status_update(svc);
	return G_SOURCE_CONTINUE;
}

static gboolean
on_watchdog(gpointer data)
{
	watchdog_ping(data);
	return G_SOURCE_CONTINUE;
}

/* ---- reload and stop ------------------------------------------------------- */

static void
reload(SltService *svc)
{
	sd_notify(0, "RELOADING=1\nSTATUS=reloading the configuration");
	slt_log_info("reloading '%s'", svc->config_path);
	Parts np;
	g_autoptr(GError) err = NULL;
	if (!parts_load(&np, svc->config_path, svc->p.store, svc->p.cfg->store_path, &err)) {
		slt_log_err("reload refused, the running configuration stays: %s", err->message);
		g_autofree char *safe = slt_log_sanitize(err->message, 500);
		g_autofree char *v = g_strdup_printf("refused: %s", safe);
		set_status_key(svc, "last-reload", v);
	} else {
		/* Connections follow the new [imap]; the store stays open when
		 * its path did not change (parts_load adopted it). */
		idle_drop(svc);
		g_clear_pointer(&svc->imap, slt_imap_close);
		if (np.store == svc->p.store)
			svc->p.store = NULL;
		parts_clear(&svc->p);
		svc->p = np;
		svc->no_idle = FALSE;
		svc->failures = 0;
		svc->retry_at = 0;
		svc->pass_due = TRUE;
		svc->outbox_due = TRUE;
		svc->next_poll = 0;
		set_status_key(svc, "last-reload", "ok");
		slt_log_info("reloaded '%s'", svc->config_path);
	}
	g_free(svc->status_line);
	svc->status_line = NULL;     /* send STATUS= again with READY=1 */
	sd_notify(0, "READY=1");
	work_at(svc, g_get_monotonic_time());
	status_update(svc);
}

static gboolean
on_signal_pipe(int fd, GIOCondition cond, gpointer data)
{
	(void)cond;
	SltService *svc = data;
	char buf[64];
	while (read(fd, buf, sizeof buf) > 0)
		;
	if (sig_stop && !svc->stopping) {
		svc->stopping = TRUE;
		svc->state = "stopping";
		sd_notify(0, "STOPPING=1\nSTATUS=stopping");
		slt_log_info("stopping (signal)");
		g_main_loop_quit(svc->loop);
		return G_SOURCE_CONTINUE;
	}
	if (sig_reload) {
		sig_reload = 0;
		reload(svc);
	}
	return G_SOURCE_CONTINUE;
}

/* ---- entry points ----------------------------------------------------------- */

int
slt_service_once(SltService *svc)
{
	SltIngestOptions opt;
	pass_options(svc, &opt, FALSE);
	SltIngestStats st = { 0 };
	g_autoptr(GError) err = NULL;
	gint64 t0 = g_get_monotonic_time();
	gboolean ok = slt_ingest_pass(&opt, &st, &err);
	pass_done(svc, &st, (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC,
		  ok ? NULL : err);
	if (!ok) {
		slt_log_err("%s", err->message);
		g_autofree char *e = slt_log_sanitize(err->message, 500);
		set_status_key(svc, "last-error", e);
		return slt_service_exit_code(err);
	}
	if (!drain_outbox(svc, &err)) {
		if (!smtp_alarm_key(err))
			slt_log_err("outbox: %s", err->message);
		return slt_service_exit_code(err);
	}
	return 0;
}

int
slt_service_run(SltService *svc)
{
	g_autoptr(GError) err = NULL;
	if (!signals_install(&err)) {
		slt_log_err("%s", err->message);
		return EX_OSERR;
	}
	svc->loop = g_main_loop_new(NULL, FALSE);
	svc->started = slt_store_clock();
	alarms_adopt(svc);
	g_autofree char *lm = NULL;
	gint64 lm_at = 0;
	lm = slt_store_get_status(svc->p.store, "last-mail", &lm_at);
	if (lm)
		svc->last_mail = lm_at;
	g_autofree char *who = g_strdup_printf("running (pid %d, version %s)", (int)getpid(),
					       SLT_VERSION);
	set_status_key(svc, "daemon", who);
	count_outbox(svc);

	svc->sig_watch = g_unix_fd_add(sig_pipe[0], G_IO_IN, on_signal_pipe, svc);
	svc->tick_src = g_timeout_add_seconds(TICK_S, on_tick, svc);
	guint64 usec = 0;
	if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
		svc->watchdog_usec = usec;
		/* Ping at a third of the interval, and only from the loop. */
		svc->watchdog_src = g_timeout_add(MAX(usec / 3000, 1), on_watchdog, svc);
		slt_log_info("watchdog: every %.1f s", (double)usec / G_USEC_PER_SEC);
	}
	svc->pass_due = TRUE;
	svc->outbox_due = TRUE;
	svc->no_idle = !svc->p.cfg->imap_idle;
	slt_log_info("sltd %s following '%s' on %s", SLT_VERSION, svc->p.cfg->imap_mailbox,
		     svc->p.cfg->imap_base_url);
	/* Ready before the first pass: a long first backlog must not count
	 * as a slow start (TimeoutStartSec). */
	status_update(svc);
	sd_notify(0, "READY=1");
	watchdog_ping(svc);
	check_outbox_age(svc);
	check_quiet(svc);
	work_at(svc, g_get_monotonic_time());

	if (!sig_stop)
		g_main_loop_run(svc->loop);
	if (!svc->stopping)
		sd_notify(0, "STOPPING=1\nSTATUS=stopping");

	g_clear_handle_id(&svc->work_src, g_source_remove);
	g_clear_handle_id(&svc->tick_src, g_source_remove);
	g_clear_handle_id(&svc->watchdog_src, g_source_remove);
	g_clear_handle_id(&svc->sig_watch, g_source_remove);
	idle_drop(svc);
	g_clear_pointer(&svc->imap, slt_imap_close);
	set_status_key(svc, "daemon", "stopped");
	set_status_key(svc, "status", "stopped");
	slt_log_info("stopped");
	return 0;
}
