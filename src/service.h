/* SPDX-License-Identifier: MIT */
/* service: sltd as a long-running daemon. One GLib main loop follows the
 * mailbox (IMAP IDLE on its own connection when the server offers it,
 * polling otherwise), runs an ingest pass whenever mail may have come,
 * drains the outbox as soon as replies are queued and when retries fall
 * due, reconnects with exponential backoff and jitter, talks to systemd
 * (sd_notify: READY, STATUS, WATCHDOG, RELOADING, STOPPING) and raises
 * alarms for the failures nobody would otherwise see. `sltd --once` uses
 * the same setup and the same pass (slt_service_once).
 * RFCs: 2177 (IDLE, renewed before 29 minutes), 3501.
 *
 * ---- Status keys (daemon_status table, store.h slt_store_set_status) ----
 * Written by sltd for `sltctl status` (and anyone reading the database).
 * Every value is one line of plain words for a person; the row's `at` is
 * when it was written (Unix seconds).
 *
 *   daemon      "running (pid 123, version 0.1)" while the loop runs;
 *               "stopped" after a clean stop. A killed daemon leaves
 *               "running": compare the `at` of "status" (heartbeat).
 *   status      the same line as systemd's STATUS=, e.g. "idle, 2 in
 *               outbox, last mail 10:42"; rewritten when it changes and
 *               at least every 60 s, so its `at` is a heartbeat: older
 *               than a few minutes means sltd is not running (or hangs).
 *   last-pass   summary of the last successful pass ("3 found, 3 recorded
 *               (2 new requests), ...").
 *   last-error  the last error of a pass, a connection or the outbox
 *               (sanitized; never a password). Not cleared: read its `at`.
 *   last-mail   "UID n in 'INBOX'" of the newest message recorded; `at`
 *               is when it was recorded (the quiet-hours alarm counts
 *               from there).
 *   last-reload "ok" or "refused: <why>" after SIGHUP.
 *
 * Alarms: every key starting with "alarm-" is an active alarm; the key is
 * deleted when the condition ends. `at` is when it was raised (not
 * rewritten while it lasts). Each is also logged at error level and shown
 * in STATUS= ("ALARM: ...").
 *
 *   alarm-imap-auth   the IMAP server refused the login
 *   alarm-imap-tls    the IMAP server's certificate was not verified, or
 *                     STARTTLS was not offered
 *   alarm-smtp-auth   the SMTP server refused the login
 *   alarm-smtp-tls    the SMTP server's TLS failed (certificate, STARTTLS)
 *   alarm-outbox      replies queued for longer than [alerts]
 *                     outbox-stale-hours (default 4) are still not sent
 *   alarm-quiet       no mail at all for [alerts] quiet-office-hours
 *                     office hours (Mon-Fri 08:00-18:00 local time)
 *   alarm-imap-down   the IMAP server could not be reached for 30 minutes
 *                     or more (network, server down)
 */
#pragma once

#include <glib.h>

#define SLT_SERVICE_ERROR (slt_service_error_quark())
GQuark slt_service_error_quark(void);
typedef enum {
	SLT_SERVICE_ERROR_CONFIG,   /* config, classifier, templates or catalogue unusable */
	SLT_SERVICE_ERROR_STORE,    /* the database cannot be opened */
} SltServiceError;

typedef struct _SltService SltService;

/* Load the configuration at config_path, open (and migrate) the store,
 * build the classifier and the responder (catalogue, templates) and the
 * outbox sender. No network yet. Returns a new service (free with
 * slt_service_free) or NULL with SLT_SERVICE_ERROR_* whose message says
 * what is wrong (every config problem, one per line). */
SltService *slt_service_new(const char *config_path, GError **error);

/* Close every connection (DONE and LOGOUT, short timeouts) and free.
 * NULL is allowed. */
void slt_service_free(SltService *svc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltService, slt_service_free)

/* `sltd --once`: one pass over the mailbox, then one round of the
 * outbox. Returns 0 or a sysexits status (slt_service_exit_code) after
 * logging why. */
int slt_service_once(SltService *svc);

/* Run the main loop until SIGTERM or SIGINT (or a fatal store error).
 * Installs the signal handlers (TERM, INT: stop after the message in
 * hand; HUP: reload). Returns the exit status: 0 after a clean stop. */
int slt_service_run(SltService *svc);

/* The sysexits status for an error (sltd's exit status): 78 config, 77
 * login or TLS refused, 69 mailbox unusable, 75 temporary, 74 database. */
int slt_service_exit_code(const GError *error);

/* ---- pure helpers (unit-tested) -------------------------------------- */

/* Seconds of office hours (Mon-Fri 08:00-18:00 in tz; NULL: local time)
 * between from and to (Unix seconds); 0 when to <= from. */
gint64 slt_service_office_seconds(gint64 from, gint64 to, GTimeZone *tz);

/* Backoff after the nth consecutive failure (n >= 1): base_ms doubled
 * n-1 times, at most cap_ms, then spread by jitter (0.0 - 1.0, normally
 * g_random_double()) over [delay/2, delay]: many clients that failed
 * together do not come back together. */
gint64 slt_service_backoff_ms(guint n, gint64 base_ms, gint64 cap_ms, double jitter);
