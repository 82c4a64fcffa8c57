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

/* A JSON array of the strings in arr (NULL or empty: "[]"). Returns a
 * new string (owned by the caller). */
char *slt_json_array(const GPtrArray *arr);
