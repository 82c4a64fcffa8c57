/* SPDX-License-Identifier: MIT */
/* table: aligned text tables, CSV fields (RFC 4180) and bar charts for
 * sltctl's terminal output. */
#include "table.h"

#include <string.h>

struct _SltTable {
	guint ncols;
	char **headers;
	guint *max;
	gboolean *right;
	GPtrArray *rows;   /* char** of ncols cells each (already safe) */
};

SltTable *
slt_table_new(const char *const *headers)
{
	SltTable *t = g_new0(SltTable, 1);
	t->headers = g_strdupv((char **)headers);
	t->ncols = g_strv_length(t->headers);
	t->max = g_new0(guint, t->ncols);
	t->right = g_new0(gboolean, t->ncols);
	t->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	return t;
}

void
slt_table_free(SltTable *t)
{
	if (!t)
		return;
	g_strfreev(t->headers);
	g_free(t->max);
	g_free(t->right);
	g_ptr_array_unref(t->rows);
	g_free(t);
}

void
slt_table_set_max(SltTable *t, guint col, guint width)
{
	g_return_if_fail(col < t->ncols);
	t->max[col] = width;
}

void
slt_table_set_right(SltTable *t, guint col)
{
	g_return_if_fail(col < t->ncols);
	t->right[col] = TRUE;
}

guint
slt_table_width(const char *s)
{
	guint w = 0;
	for (const char *p = s; p && *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (g_unichar_iszerowidth(c))
			continue;
		w += g_unichar_iswide(c) ? 2 : 1;
	}
	return w;
}

char *
slt_table_cell(const char *s, guint width)
{
	g_autofree char *valid = g_utf8_make_valid(s ? s : "-", -1);
	GString *out = g_string_new(NULL);
	guint total = 0;
	/* Control characters (a tab, a newline or ESC in a subject) would
	 * break the line or talk to the terminal. */
	for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (g_unichar_iscntrl(c) || c == 0x2028 || c == 0x2029 || (c >= 0x202a && c <= 0x202e) ||
		    (c >= 0x2066 && c <= 0x2069))
			c = '?';
		guint cw = g_unichar_iszerowidth(c) ? 0 : g_unichar_iswide(c) ? 2 : 1;
		total += cw;
		g_string_append_unichar(out, c);
	}
	if (!width || total <= width)
		return g_string_free(out, FALSE);
	/* Cut to width - 1 columns and add the ellipsis. */
	GString *cut = g_string_new(NULL);
	guint w = 0;
	for (const char *p = out->str; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		guint cw = g_unichar_iszerowidth(c) ? 0 : g_unichar_iswide(c) ? 2 : 1;
		if (w + cw > width - 1)
			break;
		w += cw;
		g_string_append_unichar(cut, c);
	}
	g_string_append(cut, "…");
	g_string_free(out, TRUE);
	return g_string_free(cut, FALSE);
}

void
slt_table_add(SltTable *t, const char *const *cells)
{
	char **row = g_new0(char *, t->ncols + 1);
	for (guint i = 0; i < t->ncols; i++)
		row[i] = slt_table_cell(cells[i] && *cells[i] ? cells[i] : "-", t->max[i]);
	g_ptr_array_add(t->rows, row);
}

guint
slt_table_rows(const SltTable *t)
{
	return t->rows->len;
}

static void
pad(GString *out, guint n)
{
	for (guint i = 0; i < n; i++)
		g_string_append_c(out, ' ');
}

static void
render_line(const SltTable *t, GString *out, char **cells, const guint *w)
{
	for (guint c = 0; c < t->ncols; c++) {
		guint cw = slt_table_width(cells[c]);
		gboolean last = c + 1 == t->ncols;
		if (c)
			g_string_append(out, "  ");
		if (t->right[c])
			pad(out, w[c] - cw);
		g_string_append(out, cells[c]);
		if (!t->right[c] && !last)
			pad(out, w[c] - cw);
	}
	g_string_append_c(out, '\n');
}

char *
slt_table_render(const SltTable *t, gboolean color)
{
	g_autofree guint *w = g_new0(guint, t->ncols);
	g_auto(GStrv) head = g_new0(char *, t->ncols + 1);
	for (guint c = 0; c < t->ncols; c++) {
		head[c] = slt_table_cell(t->headers[c], 0);
		w[c] = slt_table_width(head[c]);
	}
	for (guint r = 0; r < t->rows->len; r++) {
		char **row = g_ptr_array_index(t->rows, r);
		for (guint c = 0; c < t->ncols; c++)
			w[c] = MAX(w[c], slt_table_width(row[c]));
	}
	GString *out = g_string_new(NULL);
	if (color)
		g_string_append(out, "\033[1m");
	render_line(t, out, head, w);
	if (color) {
		/* The bold ends before the newline. */
		g_string_truncate(out, out->len - 1);
		/* trailing spaces of the padded header are harmless */
		g_string_append(out, "\033[0m\n");
	}
	for (guint r = 0; r < t->rows->len; r++)
		render_line(t, out, g_ptr_array_index(t->rows, r), w);
	return g_string_free(out, FALSE);
}

void
slt_csv_field(GString *out, const char *s)
{
	if (!s)
		return;
	gboolean formula = strchr("=+-@\t\r", *s) && *s;
	gsize len = strlen(s);
	gboolean quote = formula || strpbrk(s, ",\"\r\n;") || (len && (s[0] == ' ' || s[len - 1] == ' '));
	if (quote)
		g_string_append_c(out, '"');
	if (formula)
		g_string_append_c(out, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			g_string_append_c(out, '"');
		g_string_append_c(out, *p);
	}
	if (quote)
		g_string_append_c(out, '"');
}

char *
slt_bar(double value, double max, guint width)
{
	static const char *const eighths[] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
	GString *out = g_string_new(NULL);
	if (value <= 0 || max <= 0 || width == 0)
		return g_string_free(out, FALSE);
	guint units = (guint)(value / max * width * 8 + 0.5);
	units = MIN(MAX(units, 1), width * 8);
	for (guint i = 0; i < units / 8; i++)
		g_string_append(out, "█");
	g_string_append(out, eighths[units % 8]);
	return g_string_free(out, FALSE);
}
