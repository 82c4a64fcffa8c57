/* SPDX-License-Identifier: MIT */
/* json: JSON string escaping, string arrays and a small streaming writer
 * (RFC 8259; section 7 for strings). */
#include "json.h"

#include <math.h>
#include <string.h>

void
slt_json_append_string_len(GString *out, const char *s, gssize len)
{
	g_return_if_fail(s != NULL);
	if (len < 0)
		len = (gssize)strlen(s);
	const char *p = s, *end = s + len;
	g_string_append_c(out, '"');
	while (p < end) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x80) {
			switch (c) {
			case '"': g_string_append(out, "\\\""); break;
			case '\\': g_string_append(out, "\\\\"); break;
			case '\n': g_string_append(out, "\\n"); break;
			case '\r': g_string_append(out, "\\r"); break;
			case '\t': g_string_append(out, "\\t"); break;
			default:
				if (c < 0x20 || c == 0x7f)
					g_string_append_printf(out, "\\u%04x", c);
				else
					g_string_append_c(out, (char)c);
			}
			p++;
			continue;
		}
		/* Mail is hostile: never let a broken byte make the document
		 * invalid. One U+FFFD per bad byte, then resynchronise. */
		gunichar u = g_utf8_get_char_validated(p, end - p);
		if (u == (gunichar)-1 || u == (gunichar)-2) {
			g_string_append(out, "\xef\xbf\xbd");
			p++;
			continue;
		}
		const char *next = g_utf8_next_char(p);
		/* U+2028/2029 are valid JSON but end a line in JavaScript;
		 * escaping them costs nothing and helps whoever embeds us. */
		if (u == 0x2028 || u == 0x2029)
			g_string_append_printf(out, "\\u%04x", u);
		else
			g_string_append_len(out, p, next - p);
		p = next;
	}
	g_string_append_c(out, '"');
}

void
slt_json_append_string(GString *out, const char *s)
{
	if (!s) {
		g_string_append(out, "null");
		return;
	}
	slt_json_append_string_len(out, s, -1);
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

/* One open container: is it an object, has it members yet, is a key
 * waiting for its value. */
typedef struct {
	guint8 object;
	guint8 nonempty;
	guint8 want_value;
} Level;

struct _SltJson {
	GString *out;
	GArray *stack;  /* Level */
	gboolean pretty;
};

SltJson *
slt_json_new(gboolean pretty)
{
	SltJson *j = g_new0(SltJson, 1);
	j->out = g_string_sized_new(256);
	j->stack = g_array_new(FALSE, TRUE, sizeof(Level));
	j->pretty = pretty;
	return j;
}

void
slt_json_free(SltJson *j)
{
	if (!j)
		return;
	g_string_free(j->out, TRUE);
	g_array_unref(j->stack);
	g_free(j);
}

static Level *
top(SltJson *j)
{
	return j->stack->len ? &g_array_index(j->stack, Level, j->stack->len - 1) : NULL;
}

static void
newline(SltJson *j)
{
	if (!j->pretty)
		return;
	g_string_append_c(j->out, '\n');
	for (guint i = 0; i < j->stack->len; i++)
		g_string_append(j->out, "  ");
}

/* Before any value: the comma (in an array) and the indentation, or
 * consume the pending key (in an object). */
static gboolean
before_value(SltJson *j)
{
	Level *l = top(j);
	if (!l)
		return TRUE;
	if (l->object) {
		g_return_val_if_fail(l->want_value, FALSE);
		l->want_value = FALSE;
		return TRUE;
	}
	if (l->nonempty)
		g_string_append_c(j->out, ',');
	l->nonempty = TRUE;
	newline(j);
	return TRUE;
}

void
slt_json_key(SltJson *j, const char *key)
{
	g_return_if_fail(j != NULL && key != NULL);
	Level *l = top(j);
	g_return_if_fail(l != NULL && l->object && !l->want_value);
	if (l->nonempty)
		g_string_append_c(j->out, ',');
	l->nonempty = TRUE;
	l->want_value = TRUE;
	newline(j);
	slt_json_append_string_len(j->out, key, -1);
	g_string_append(j->out, j->pretty ? ": " : ":");
}

static void
begin(SltJson *j, gboolean object)
{
	g_return_if_fail(j != NULL);
	if (!before_value(j))
		return;
	g_string_append_c(j->out, object ? '{' : '[');
	Level l = { .object = object };
	g_array_append_val(j->stack, l);
}

static void
end(SltJson *j, gboolean object)
{
	g_return_if_fail(j != NULL);
	Level *l = top(j);
	g_return_if_fail(l != NULL && !!l->object == !!object && !l->want_value);
	gboolean nonempty = l->nonempty;
	g_array_set_size(j->stack, j->stack->len - 1);
	if (nonempty)
		newline(j);
	g_string_append_c(j->out, object ? '}' : ']');
}

void slt_json_begin_object(SltJson *j) { begin(j, TRUE); }
void slt_json_end_object(SltJson *j) { end(j, TRUE); }
void slt_json_begin_array(SltJson *j) { begin(j, FALSE); }
void slt_json_end_array(SltJson *j) { end(j, FALSE); }

void
slt_json_string(SltJson *j, const char *s)
{
	g_return_if_fail(j != NULL);
	if (before_value(j))
		slt_json_append_string(j->out, s);
}

void
slt_json_string_len(SltJson *j, const char *s, gssize len)
{
	g_return_if_fail(j != NULL && s != NULL);
	if (before_value(j))
		slt_json_append_string_len(j->out, s, len);
}

void
slt_json_int(SltJson *j, gint64 v)
{
	g_return_if_fail(j != NULL);
	if (before_value(j))
		g_string_append_printf(j->out, "%" G_GINT64_FORMAT, v);
}

void
slt_json_uint(SltJson *j, guint64 v)
{
	g_return_if_fail(j != NULL);
	if (before_value(j))
		g_string_append_printf(j->out, "%" G_GUINT64_FORMAT, v);
}

void
slt_json_double(SltJson *j, double v)
{
	g_return_if_fail(j != NULL);
	if (!before_value(j))
		return;
	if (!isfinite(v)) {
		/* JSON has no NaN or Infinity. */
		g_string_append(j->out, "null");
		return;
	}
	/* g_ascii_dtostr: '.' whatever the locale, shortest round trip. */
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	g_string_append(j->out, g_ascii_dtostr(buf, sizeof buf, v));
}

void
slt_json_bool(SltJson *j, gboolean v)
{
	g_return_if_fail(j != NULL);
	if (before_value(j))
		g_string_append(j->out, v ? "true" : "false");
}

void
slt_json_null(SltJson *j)
{
	g_return_if_fail(j != NULL);
	if (before_value(j))
		g_string_append(j->out, "null");
}

void
slt_json_string_array(SltJson *j, const GPtrArray *arr)
{
	slt_json_begin_array(j);
	for (guint i = 0; arr && i < arr->len; i++)
		slt_json_string(j, g_ptr_array_index(arr, i));
	slt_json_end_array(j);
}

void
slt_json_kv_string(SltJson *j, const char *key, const char *s)
{
	slt_json_key(j, key);
	slt_json_string(j, s);
}

void
slt_json_kv_int(SltJson *j, const char *key, gint64 v)
{
	slt_json_key(j, key);
	slt_json_int(j, v);
}

void
slt_json_kv_double(SltJson *j, const char *key, double v)
{
	slt_json_key(j, key);
	slt_json_double(j, v);
}

void
slt_json_kv_bool(SltJson *j, const char *key, gboolean v)
{
	slt_json_key(j, key);
	slt_json_bool(j, v);
}

const char *
slt_json_get(const SltJson *j)
{
	g_return_val_if_fail(j != NULL, NULL);
	return j->out->str;
}

char *
slt_json_free_to_string(SltJson *j)
{
	g_return_val_if_fail(j != NULL, NULL);
	char *s = g_string_free(j->out, FALSE);
	g_array_unref(j->stack);
	g_free(j);
	return s;
}
