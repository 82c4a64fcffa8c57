/* SPDX-License-Identifier: MIT */
/* Unit tests for json: escaping of hostile strings, the writer's commas,
 * nesting and pretty layout. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "json.h"

static char *
esc(const char *s, gssize len)
{
	GString *out = g_string_new(NULL);
	slt_json_append_string_len(out, s, len);
	return g_string_free(out, FALSE);
}

static void
test_escape(void)
{
	g_autofree char *a = esc("a\"b\\c\n\r\t\x01\x1f\x7f/", -1);
	g_assert_cmpstr(a, ==, "\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u001f\\u007f/\"");
	g_autofree char *b = esc("x\0y", 3);
	g_assert_cmpstr(b, ==, "\"x\\u0000y\"");
	/* Invalid UTF-8: one U+FFFD per bad byte, valid text kept. */
	g_autofree char *c = esc("caf\xe9 \xc3\xa9 \xe2\x82", -1);
	g_assert_cmpstr(c, ==, "\"caf\xef\xbf\xbd \xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd\"");
	g_autofree char *d = esc("\xe2\x80\xa8|\xf0\x9f\x98\x80", -1);
	g_assert_cmpstr(d, ==, "\"\\u2028|\xf0\x9f\x98\x80\"");
	/* Overlong and surrogate encodings are invalid too. */
	g_autofree char *e = esc("\xc0\xaf\xed\xa0\x80", -1);
	g_assert_true(g_utf8_validate(e, -1, NULL));
	g_assert_null(strchr(e, '\xc0'));

	GString *out = g_string_new(NULL);
	slt_json_append_string(out, NULL);
	g_assert_cmpstr(out->str, ==, "null");
	g_string_free(out, TRUE);
}

static void
test_array(void)
{
	g_autoptr(GPtrArray) arr = g_ptr_array_new();
	g_autofree char *empty = slt_json_array(arr);
	g_assert_cmpstr(empty, ==, "[]");
	g_autofree char *null = slt_json_array(NULL);
	g_assert_cmpstr(null, ==, "[]");
	g_ptr_array_add(arr, (char *)"a");
	g_ptr_array_add(arr, (char *)"b\"");
	g_autofree char *two = slt_json_array(arr);
	g_assert_cmpstr(two, ==, "[\"a\",\"b\\\"\"]");
}

static void
test_writer(void)
{
	g_autoptr(SltJson) j = slt_json_new(FALSE);
	slt_json_begin_object(j);
	slt_json_kv_string(j, "s", "x");
	slt_json_kv_string(j, "n", NULL);
	slt_json_kv_int(j, "i", -42);
	slt_json_kv_double(j, "d", 0.5);
	slt_json_kv_double(j, "nan", NAN);
	slt_json_kv_bool(j, "t", TRUE);
	slt_json_key(j, "u");
	slt_json_uint(j, G_MAXUINT64);
	slt_json_key(j, "a");
	slt_json_begin_array(j);
	slt_json_int(j, 1);
	slt_json_begin_object(j);
	slt_json_end_object(j);
	slt_json_begin_array(j);
	slt_json_end_array(j);
	slt_json_null(j);
	slt_json_string_len(j, "a\0b", 3);
	slt_json_end_array(j);
	slt_json_key(j, "sa");
	slt_json_string_array(j, NULL);
	slt_json_end_object(j);
	g_assert_cmpstr(slt_json_get(j), ==,
			"{\"s\":\"x\",\"n\":null,\"i\":-42,\"d\":0.5,\"nan\":null,"
			"\"t\":true,\"u\":18446744073709551615,"
			"\"a\":[1,{},[],null,\"a\\u0000b\"],\"sa\":[]}");
}

static void
test_pretty(void)
{
	SltJson *j = slt_json_new(TRUE);
	slt_json_begin_object(j);
	slt_json_kv_int(j, "a", 1);
	slt_json_key(j, "b");
	slt_json_begin_array(j);
	slt_json_string(j, "x");
	slt_json_string(j, "y");
	slt_json_end_array(j);
	slt_json_key(j, "c");
	slt_json_begin_object(j);
	slt_json_end_object(j);
	slt_json_end_object(j);
	g_autofree char *s = slt_json_free_to_string(j);
	g_assert_cmpstr(s, ==,
			"{\n  \"a\": 1,\n  \"b\": [\n    \"x\",\n    \"y\"\n  ],\n  \"c\": {}\n}");
}

/* Random bytes never yield invalid UTF-8 or a raw control character. */
static void
test_random(void)
{
	GRand *r = g_rand_new_with_seed(42);
	for (int round = 0; round < 2000; round++) {
		guint8 buf[64];
		gsize n = g_rand_int_range(r, 0, sizeof buf);
		for (gsize i = 0; i < n; i++)
			buf[i] = (guint8)g_rand_int_range(r, 0, 256);
		g_autofree char *s = esc((const char *)buf, (gssize)n);
		g_assert_true(g_utf8_validate(s, -1, NULL));
		for (const char *p = s; *p; p++)
			g_assert_cmpint((unsigned char)*p, >=, 0x20);
		gsize len = strlen(s);
		g_assert_cmpint(s[0], ==, '"');
		g_assert_cmpint(s[len - 1], ==, '"');
	}
	g_rand_free(r);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/json/escape", test_escape);
	g_test_add_func("/json/array", test_array);
	g_test_add_func("/json/writer", test_writer);
	g_test_add_func("/json/pretty", test_pretty);
	g_test_add_func("/json/random", test_random);
	return g_test_run();
}
