/* SPDX-License-Identifier: MIT */
/* crashguard: which messages sltd was handling when it died of a crash
 * signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, or SIGABRT: an assertion, or
 * the systemd watchdog ending a hang). A signal handler writes their UIDs
 * to a small file; the next pass reads it. SIGKILL cannot be caught and
 * leaves no record: a kill from outside is not the message's fault, so
 * it never counts against one (ingest.c's poison guard).
 *
 * One guard per process; arm and disarm from one thread. */
#pragma once

#include <glib.h>

/* Read what a crashed process left in path, and remove the file. Returns
 * TRUE with *uidvalidity and *uids (a new GArray of guint32, ascending,
 * empty when there was no crash); FALSE with error only when the file
 * exists but cannot be read or removed. */
gboolean slt_crashguard_take(const char *path, guint32 *uidvalidity,
			     GArray **uids, GError **error);

/* Create path (empty) and install the crash handlers; from now on a crash
 * writes "UIDVALIDITY UID\n" for each thread's busy UID to it. */
gboolean slt_crashguard_arm(const char *path, guint32 uidvalidity, GError **error);

/* A clean end: restore the previous handlers and remove the file. */
void slt_crashguard_disarm(void);

/* The calling thread is now handling uid (0: nothing). Cheap; safe to
 * call when the guard is not armed. */
void slt_crashguard_busy(guint32 uid);
