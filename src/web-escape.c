/* SPDX-License-Identifier: MIT */
/* web-escape: HTML escaping for the web view (HTML 5 13.1.2.6, 13.2.5)
 * and URL query encoding (RFC 3986 2.3). */
#include "web-escape.h"

#include <string.h>

#define REPLACEMENT "\xef\xbf\xbd"   /* U+FFFD */

void
slt_web_escape_append_len(GString *out, const char *s, gssize len)
{
	g_return_if_fail(out != NULL);
	if (!s)
		return;
	gsize n = len < 0 ? strlen(s) : (gsize)len;
	const char *p = s, *end = s + n;
	while (p < end) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x80) {
			switch (c) {
			case '&': g_string_append(out, "&amp;"); break;
			case '<': g_string_append(out, "&lt;"); break;
			case '>': g_string_append(out, "&gt;"); break;
			case '"': g_string_append(out, "&quot;"); break;
			case '\'': g_string_append(out, "&#39;"); break;
			case '\t': case '\n': case '\r':
				g_string_append_c(out, (char)c);
				break;
			default:
				/* NUL and other C0 controls, DEL: a browser may
				 * drop or misread them; never pass them on. */
				if (c < 0x20 || c == 0x7f)
					g_string_append(out, REPLACEMENT);
				else
					g_string_append_c(out, (char)c);
			}
			p++;
			continue;
		}
		/* g_utf8_get_char_validated on at most the bytes left. */
		gunichar u = g_utf8_get_char_validated(p, end - p);
		if (u == (gunichar)-1 || u == (gunichar)-2) {
			g_string_append(out, REPLACEMENT);
			p++;
			continue;
		}
		const char *next = g_utf8_next_char(p);
		if (u >= 0x80 && u <= 0x9f)          /* C1 controls */
			g_string_append(out, REPLACEMENT);
		else
			g_string_append_len(out, p, next - p);
		p = next;
	}
}

void
slt_web_escape_append(GString *out, const char *s)
{
	slt_web_escape_append_len(out, s, -1);
}

char *
slt_web_escape(const char *s)
{
	GString *out = g_string_new(NULL);
	slt_web_escape_append(out, s);
	return g_string_free(out, FALSE);
}

void
slt_web_urlencode_append(GString *out, const char *s)
{
	g_return_if_fail(out != NULL);
	if (!s)
		return;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (g_ascii_isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~')
			g_string_append_c(out, (char)*p);
		else
			g_string_append_printf(out, "%%%02X", *p);
	}
}
