/* SPDX-License-Identifier: MIT */
/* log: one line per event on stderr, with sd-daemon priority prefixes
 * ("<3>") so journald keeps the levels. Never pass a message body, a
 * password or a token to these functions. */
#pragma once

#include <glib.h>

typedef enum {
	SLT_LOG_ERR = 3,
	SLT_LOG_WARNING = 4,
	SLT_LOG_NOTICE = 5,
	SLT_LOG_INFO = 6,
	SLT_LOG_DEBUG = 7,
} SltLogLevel;

/* Set the lowest level that is printed (default SLT_LOG_INFO) and whether
 * lines carry the "<N>" prefix (on under systemd, off on a terminal). */
void slt_log_init(SltLogLevel max_level, gboolean sd_prefix);

/* Also route GLib's g_warning()/g_message()/g_debug() through slt_log. */
void slt_log_install_glib_handler(void);

void slt_log(SltLogLevel level, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

#define slt_log_err(...)     slt_log(SLT_LOG_ERR, __VA_ARGS__)
#define slt_log_warn(...)    slt_log(SLT_LOG_WARNING, __VA_ARGS__)
#define slt_log_notice(...)  slt_log(SLT_LOG_NOTICE, __VA_ARGS__)
#define slt_log_info(...)    slt_log(SLT_LOG_INFO, __VA_ARGS__)
#define slt_log_debug(...)   slt_log(SLT_LOG_DEBUG, __VA_ARGS__)

/* Make a string from the outside world safe for one log line: control
 * characters (CR, LF, ESC...) become '?', and it is cut at max bytes
 * (on a UTF-8 boundary). Returns a new string (owned by the caller). */
char *slt_log_sanitize(const char *s, gsize max);
