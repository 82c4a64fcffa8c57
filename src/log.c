/* SPDX-License-Identifier: MIT */
/* log: stderr logging with sd-daemon priority prefixes (sd-daemon(3)). */
#include "log.h"

#include <stdio.h>
#include <string.h>

static SltLogLevel max_level = SLT_LOG_INFO;
static gboolean use_prefix = FALSE;

void
slt_log_init(SltLogLevel level, gboolean sd_prefix)
{
	max_level = level;
	use_prefix = sd_prefix;
}

static const char *
level_word(SltLogLevel level)
{
	switch (level) {
	case SLT_LOG_ERR: return "error";
	case SLT_LOG_WARNING: return "warning";
	case SLT_LOG_NOTICE: return "notice";
	case SLT_LOG_INFO: return "info";
	case SLT_LOG_DEBUG: return "debug";
	}
	return "info";
}

void
slt_log(SltLogLevel level, const char *fmt, ...)
{
	if (level > max_level)
		return;
	va_list ap;
	va_start(ap, fmt);
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	/* One fprintf per line so concurrent writers do not interleave. */
	if (use_prefix)
		fprintf(stderr, "<%d>%s\n", (int)level, msg);
	else
		fprintf(stderr, "sltd: %s: %s\n", level_word(level), msg);
}

static void
glib_handler(const char *domain, GLogLevelFlags flags, const char *message,
	     gpointer user_data)
{
	(void)user_data;
	SltLogLevel level = SLT_LOG_INFO;
	if (flags & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
		level = SLT_LOG_ERR;
	else if (flags & G_LOG_LEVEL_WARNING)
		level = SLT_LOG_WARNING;
	else if (flags & G_LOG_LEVEL_DEBUG)
		level = SLT_LOG_DEBUG;
	slt_log(level, "%s%s%s", domain ? domain : "", domain ? ": " : "", message);
}

void
slt_log_install_glib_handler(void)
{
	g_log_set_default_handler(glib_handler, NULL);
}

char *
slt_log_sanitize(const char *s, gsize max)
{
	if (s == NULL)
		return g_strdup("");
	GString *out = g_string_sized_new(MIN(strlen(s), max) + 4);
	const char *p = s;
	while (*p && out->len < max) {
		gunichar c = g_utf8_get_char_validated(p, -1);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append_c(out, '?');
			p++;
			continue;
		}
		const char *next = g_utf8_next_char(p);
		if (g_unichar_iscntrl(c) || c == 0x2028 || c == 0x2029)
			g_string_append_c(out, '?');
		else if (out->len + (gsize)(next - p) <= max)
			g_string_append_len(out, p, next - p);
		else
			break;
		p = next;
	}
	if (*p)
		g_string_append(out, "...");
	return g_string_free(out, FALSE);
}
