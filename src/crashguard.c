/* SPDX-License-Identifier: MIT */
/* crashguard: a crash signal's handler records the busy UIDs in a file.
 * POSIX.1-2017 2.4.3 (async-signal-safe functions: write, raise,
 * sigaction); sigaltstack(2), so a stack overflow (a deeply nested
 * message) can still be recorded. */
#include "crashguard.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <glib/gstdio.h>

#define SLOTS 32

static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };

/* Read by the handler: plain aligned words, written by one thread each. */
static volatile guint32 busy[SLOTS];
static volatile guint32 guard_uidvalidity;
static volatile int guard_fd = -1;
static struct sigaction saved[G_N_ELEMENTS(crash_signals)];
static char *guard_path;
static gint next_slot;
static __thread int my_slot = -1;

/* Decimal digits of v at the end of buf[0..n); returns the start. */
static char *
put_uint(char *end, guint32 v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

static void
on_crash(int sig)
{
	int saved_errno = errno;
	int fd = guard_fd;
	if (fd >= 0) {
		for (int i = 0; i < SLOTS; i++) {
			guint32 uid = busy[i];
			if (!uid)
				continue;
			char buf[32];
			char *end = buf + sizeof buf;
			*--end = '\n';
			char *p = put_uint(end, uid);
			*--p = ' ';
			p = put_uint(p, guard_uidvalidity);
			ssize_t r = write(fd, p, (size_t)(buf + sizeof buf - p));
			(void)r;
		}
	}
	/* Hand the signal on to whoever had it before (the default: die and
	 * dump core; under ASan: its report). */
	for (gsize i = 0; i < G_N_ELEMENTS(crash_signals); i++)
		if (crash_signals[i] == sig)
			sigaction(sig, &saved[i], NULL);
	errno = saved_errno;
	raise(sig);
}

#define ALTSTACK_SIZE (64 * 1024)

static void
altstack_free(gpointer p)
{
	stack_t ss = { .ss_flags = SS_DISABLE };
	sigaltstack(&ss, NULL);
	munmap(p, ALTSTACK_SIZE);
}

/* Freed (and switched off) when the thread ends. */
static GPrivate altstack = G_PRIVATE_INIT(altstack_free);

/* The handler needs a stack of its own when the thread's own is
 * exhausted. A thread that has one already (ASan gives each thread one)
 * keeps it: replacing it would make ASan unmap our memory at exit. */
static void
altstack_ensure(void)
{
	stack_t old;
	if (sigaltstack(NULL, &old) != 0 || !(old.ss_flags & SS_DISABLE))
		return;
	void *p = mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	stack_t ss = { .ss_sp = p, .ss_size = ALTSTACK_SIZE };
	if (sigaltstack(&ss, NULL) == 0)
		g_private_set(&altstack, p);
	else
		munmap(p, ALTSTACK_SIZE);
}

void
slt_crashguard_busy(guint32 uid)
{
	if (my_slot < 0) {
		int s = g_atomic_int_add(&next_slot, 1);
		if (s >= SLOTS)
			return;
		my_slot = s;
		altstack_ensure();
	}
	if (my_slot < SLOTS)
		busy[my_slot] = uid;
}

static gint
cmp_uid(gconstpointer a, gconstpointer b)
{
	guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;
	return x < y ? -1 : x > y;
}

gboolean
slt_crashguard_take(const char *path, guint32 *uidvalidity, GArray **uids, GError **error)
{
	*uidvalidity = 0;
	*uids = g_array_new(FALSE, FALSE, sizeof(guint32));
	g_autofree char *text = NULL;
	g_autoptr(GError) err = NULL;
	if (!g_file_get_contents(path, &text, NULL, &err)) {
		if (g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			return TRUE;
		g_propagate_prefixed_error(error, g_steal_pointer(&err), "cannot read '%s': ", path);
		g_clear_pointer(uids, g_array_unref);
		return FALSE;
	}
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		guint64 v, u;
		char *sp = strchr(*l, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		if (!g_ascii_string_to_unsigned(*l, 10, 1, G_MAXUINT32, &v, NULL) ||
		    !g_ascii_string_to_unsigned(sp + 1, 10, 1, G_MAXUINT32, &u, NULL))
			continue;
		*uidvalidity = (guint32)v;
		guint32 uid = (guint32)u;
		gboolean seen = FALSE;
		for (guint i = 0; i < (*uids)->len; i++)
			seen |= g_array_index(*uids, guint32, i) == uid;
		if (!seen)
			g_array_append_val(*uids, uid);
	}
	g_array_sort(*uids, cmp_uid);
	if (g_unlink(path) != 0 && errno != ENOENT) {
		int e = errno;
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
			    "cannot remove '%s': %s", path, g_strerror(e));
		g_clear_pointer(uids, g_array_unref);
		return FALSE;
	}
	return TRUE;
}

gboolean
slt_crashguard_arm(const char *path, guint32 uidvalidity, GError **error)
{
	g_return_val_if_fail(guard_fd < 0, FALSE);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno;
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
			    "cannot create '%s': %s", path, g_strerror(e));
		return FALSE;
	}
	g_free(guard_path);
	guard_path = g_strdup(path);
	guard_uidvalidity = uidvalidity;
	guard_fd = fd;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (gsize i = 0; i < G_N_ELEMENTS(crash_signals); i++)
		sigaction(crash_signals[i], &sa, &saved[i]);
	return TRUE;
}

void
slt_crashguard_disarm(void)
{
	if (guard_fd < 0)
		return;
	for (gsize i = 0; i < G_N_ELEMENTS(crash_signals); i++)
		sigaction(crash_signals[i], &saved[i], NULL);
	int fd = guard_fd;
	guard_fd = -1;
	close(fd);
	g_unlink(guard_path);
	g_clear_pointer(&guard_path, g_free);
}
