/* SPDX-License-Identifier: MIT */
/* json: JSON string escaping and string arrays (RFC 8259 section 7). */
#include "json.h"

void
slt_json_append_string(GString *out, const char *s)
{
	if (!s) {
		g_string_append(out, "null");
		return;
	}
	/* Mail is hostile: never let a broken byte make the document invalid. */
	g_autofree char *valid = g_utf8_make_valid(s, -1);
	g_string_append_c(out, '"');
	for (const unsigned char *p = (const unsigned char *)valid; *p; p++) {
		switch (*p) {
		case '"': g_string_append(out, "\\\""); break;
		case '\\': g_string_append(out, "\\\\"); break;
		case '\n': g_string_append(out, "\\n"); break;
		case '\r': g_string_append(out, "\\r"); break;
		case '\t': g_string_append(out, "\\t"); break;
		default:
			if (*p < 0x20)
				g_string_append_printf(out, "\\u%04x", *p);
			else
				g_string_append_c(out, (char)*p);
		}
	}
	g_string_append_c(out, '"');
}

char *
slt_json_array(const GPtrArray *arr)
{
	GString *out = g_string_new("[");
	for (guint i = 0; arr && i < arr->len; i++) {
		if (i)
			g_string_append_c(out, ',');
		slt_json_append_string(out, g_ptr_array_index(arr, i));
	}
	g_string_append_c(out, ']');
	return g_string_free(out, FALSE);
}
