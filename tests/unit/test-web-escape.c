/* SPDX-License-Identifier: MIT */
/* Unit tests for web-escape: every character that can end text, an
 * attribute or a tag is escaped; bad UTF-8 and controls never pass;
 * random bytes always give valid UTF-8 without < > " ' or a bare &. */
#include <glib.h>
#include <string.h>

#include "web-escape.h"

static void
test_specials(void)
{
	g_autofree char *a = slt_web_escape("<script>alert(1)</script>");
	g_assert_cmpstr(a, ==, "&lt;script&gt;alert(1)&lt;/script&gt;");
	g_autofree char *b = slt_web_escape("a&b \"q\" 'x' =`");
	g_assert_cmpstr(b, ==, "a&amp;b &quot;q&quot; &#39;x&#39; =`");
	g_autofree char *c = slt_web_escape("&lt;");   /* already escaped: escaped again */
	g_assert_cmpstr(c, ==, "&amp;lt;");
	g_autofree char *d = slt_web_escape(NULL);
	g_assert_cmpstr(d, ==, "");
	g_autofree char *e = slt_web_escape("\" onmouseover=\"alert(1)");
	g_assert_null(strchr(e, '"'));
	g_autofree char *f = slt_web_escape("--><img src=x onerror=alert(1)>");
	g_assert_cmpstr(f, ==, "--&gt;&lt;img src=x onerror=alert(1)&gt;");
}

static void
test_text_kept(void)
{
	const char *s = "Gemeente 's-Hertogenbosch \xe2\x80\x93 caf\xc3\xa9 \xf0\x9f\x98\x80\tregel\r\nnieuw";
	g_autofree char *a = slt_web_escape(s);
	g_assert_cmpstr(a, ==, "Gemeente &#39;s-Hertogenbosch \xe2\x80\x93 caf\xc3\xa9 \xf0\x9f\x98\x80\tregel\r\nnieuw");
}

static void
test_bad_bytes(void)
{
	/* Invalid UTF-8: one U+FFFD per bad byte. */
	g_autofree char *a = slt_web_escape("caf\xe9<\xe2\x82");
	g_assert_cmpstr(a, ==, "caf\xef\xbf\xbd&lt;\xef\xbf\xbd\xef\xbf\xbd");
	/* A lead byte must not swallow the '<' after it. */
	g_autofree char *b = slt_web_escape("\xc3<b>");
	g_assert_cmpstr(b, ==, "\xef\xbf\xbd&lt;b&gt;");
	/* Controls (C0 but TAB/LF/CR, DEL, C1) and NUL. */
	g_autofree char *c = slt_web_escape("a\x01\x1b[1m\x7f\xc2\x85z");
	g_assert_cmpstr(c, ==, "a\xef\xbf\xbd\xef\xbf\xbd[1m\xef\xbf\xbd\xef\xbf\xbdz");
	GString *out = g_string_new(NULL);
	slt_web_escape_append_len(out, "x\0<", 3);
	g_assert_cmpstr(out->str, ==, "x\xef\xbf\xbd&lt;");
	g_string_free(out, TRUE);
	/* Overlong encoding of '<' (0xC0 0xBC) is not a '<' and not kept. */
	g_autofree char *d = slt_web_escape("\xc0\xbc");
	g_assert_cmpstr(d, ==, "\xef\xbf\xbd\xef\xbf\xbd");
}

static void
test_random(void)
{
	GRand *rnd = g_rand_new_with_seed(9);
	for (int n = 0; n < 20000; n++) {
		guint8 buf[64];
		gsize len = g_rand_int_range(rnd, 0, sizeof buf);
		for (gsize i = 0; i < len; i++)
			buf[i] = (guint8)g_rand_int_range(rnd, 0, 256);
		GString *out = g_string_new(NULL);
		slt_web_escape_append_len(out, (const char *)buf, len);
		g_assert_true(g_utf8_validate(out->str, out->len, NULL));
		g_assert_null(strpbrk(out->str, "<>\"'"));
		for (const char *p = strchr(out->str, '&'); p; p = strchr(p + 1, '&'))
			g_assert_true(g_str_has_prefix(p, "&amp;") || g_str_has_prefix(p, "&lt;") ||
				      g_str_has_prefix(p, "&gt;") || g_str_has_prefix(p, "&quot;") ||
				      g_str_has_prefix(p, "&#39;"));
		g_string_free(out, TRUE);
	}
	g_rand_free(rnd);
}

static void
test_urlencode(void)
{
	GString *out = g_string_new(NULL);
	slt_web_urlencode_append(out, "a b&c=d/\"<\xc3\xa9~_.-");
	g_assert_cmpstr(out->str, ==, "a%20b%26c%3Dd%2F%22%3C%C3%A9~_.-");
	g_string_free(out, TRUE);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/web-escape/specials", test_specials);
	g_test_add_func("/web-escape/text-kept", test_text_kept);
	g_test_add_func("/web-escape/bad-bytes", test_bad_bytes);
	g_test_add_func("/web-escape/random", test_random);
	g_test_add_func("/web-escape/urlencode", test_urlencode);
	return g_test_run();
}
