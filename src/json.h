/* SPDX-License-Identifier: MIT */
/* json: the few JSON bits sltd writes itself (label arrays in the store,
 * `sltctl --json` output). Writing only: readers use SQLite's json_each()
 * or a real parser. RFC 8259. */
#pragma once

#include <glib.h>

/* Append s as a JSON string literal (with the quotes) to out. NULL is
 * written as null. Invalid UTF-8 is replaced by U+FFFD, so the output is
 * always valid JSON. */
void slt_json_append_string(GString *out, const char *s);

/* Like slt_json_append_string for len bytes of s (len -1: up to the NUL).
 * Embedded NUL bytes come out as \u0000. s must not be NULL. */
void slt_json_append_string_len(GString *out, const char *s, gssize len);

/* A JSON array of the strings in arr (NULL or empty: "[]"). Returns a
 * new string (owned by the caller). */
char *slt_json_array(const GPtrArray *arr);

/* A streaming writer for one JSON document. It inserts the commas, the
 * colons and (when pretty) newlines with two-space indentation itself, so
 * callers only say what comes next:
 *
 *     g_autoptr(SltJson) j = slt_json_new(FALSE);
 *     slt_json_begin_object(j);
 *     slt_json_kv_string(j, "subject", msg->subject);
 *     slt_json_key(j, "defects");
 *     slt_json_string_array(j, msg->defects);
 *     slt_json_end_object(j);
 *     puts(slt_json_get(j));
 *
 * Every string goes through slt_json_append_string_len, so hostile mail
 * text can never make the document invalid. Misuse (a value where a key
 * is due, unbalanced end) is a programmer error: g_return_if_fail. */
typedef struct _SltJson SltJson;

/* A new, empty writer; pretty: newlines and indentation. Free with
 * slt_json_free. */
SltJson *slt_json_new(gboolean pretty);
void slt_json_free(SltJson *j);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltJson, slt_json_free)

void slt_json_begin_object(SltJson *j);
void slt_json_end_object(SltJson *j);
void slt_json_begin_array(SltJson *j);
void slt_json_end_array(SltJson *j);
/* The member name for the next value (inside an object only). */
void slt_json_key(SltJson *j, const char *key);

void slt_json_string(SltJson *j, const char *s);   /* NULL: null */
void slt_json_string_len(SltJson *j, const char *s, gssize len);
void slt_json_int(SltJson *j, gint64 v);
void slt_json_uint(SltJson *j, guint64 v);
void slt_json_double(SltJson *j, double v);       /* NaN/inf: null */
void slt_json_bool(SltJson *j, gboolean v);
void slt_json_null(SltJson *j);
/* An array of the strings in arr (NULL: an empty array). */
void slt_json_string_array(SltJson *j, const GPtrArray *arr);

/* key + value in one call, for the common case. */
void slt_json_kv_string(SltJson *j, const char *key, const char *s);
void slt_json_kv_int(SltJson *j, const char *key, gint64 v);
void slt_json_kv_double(SltJson *j, const char *key, double v);
void slt_json_kv_bool(SltJson *j, const char *key, gboolean v);

/* The text so far (owned by the writer, valid until the next call). A
 * complete document once every begin has its end. */
const char *slt_json_get(const SltJson *j);
/* The text so far, handed over (owned by the caller); frees the writer. */
char *slt_json_free_to_string(SltJson *j);
