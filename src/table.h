/* SPDX-License-Identifier: MIT */
/* table: plain-text output for a terminal and for scripts: aligned
 * tables (display width, not bytes; hostile text cannot add a line or an
 * escape sequence), CSV fields (RFC 4180) and bar charts. Pure: strings
 * in, strings out; the caller prints. */
#pragma once

#include <glib.h>

typedef struct _SltTable SltTable;

/* A table with these column headers (NULL-terminated; copied). */
SltTable *slt_table_new(const char *const *headers);
void slt_table_free(SltTable *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltTable, slt_table_free)

/* The widest a column may grow (characters; 0: no limit). A longer cell
 * is cut and ends in "…". */
void slt_table_set_max(SltTable *t, guint col, guint width);
/* Right-align a column (numbers). */
void slt_table_set_right(SltTable *t, guint col);

/* Append a row of as many cells as there are headers (NULL: "-";
 * copied). */
void slt_table_add(SltTable *t, const char *const *cells);
guint slt_table_rows(const SltTable *t);

/* The table as text: the header line (bold when color), then one line
 * per row, columns separated by two spaces, the last not padded; every
 * line ends in "\n". Control characters become '?', invalid UTF-8 U+FFFD.
 * Returns a new string. */
char *slt_table_render(const SltTable *t, gboolean color);

/* s made safe for one table cell and cut to width characters with "…"
 * (width 0: not cut). Returns a new string. */
char *slt_table_cell(const char *s, guint width);

/* Display width of s in terminal columns (wide characters count 2). */
guint slt_table_width(const char *s);

/* Append s as one CSV field to out (RFC 4180): quoted when it holds a
 * comma, quote, CR or LF or starts/ends with a space; quotes doubled.
 * A field that a spreadsheet would run as a formula (starting with = + -
 * @ or a tab) gets a leading apostrophe: mail text is hostile (OWASP
 * "CSV injection"). NULL is an empty field. */
void slt_csv_field(GString *out, const char *s);

/* A bar of value/max of width columns, in eighths of a block (U+2588
 * family); at least one eighth when value > 0. Returns a new string. */
char *slt_bar(double value, double max, guint width);
