/* SPDX-License-Identifier: MIT */
/* html: mail HTML into readable plain text with libxml2's HTML parser.
 * What a mail client shows, not what a browser would lay out: block
 * elements and <br> end lines, list items get "- " or "1. ", table cells
 * are separated by spaces, <blockquote> comes out "> "-quoted (so that the
 * quote splitter sees Gmail's and Apple Mail's quoted replies), script,
 * style, head and hidden elements (display:none, mso-hide:all) are
 * skipped, entities are decoded. Outlook's Word HTML (p.MsoNormal with
 * zero margins, <o:p>&nbsp;</o:p> as empty lines) keeps its line layout.
 *
 * Leaf module: no I/O, thread-safe once libxml2 is initialised (done on
 * first use). */
#pragma once

#include <glib.h>

/* Convert len bytes of HTML (len -1: NUL terminated) that are already
 * UTF-8 (the caller converts from the declared charset first; a <meta>
 * charset is ignored) into plain text: valid UTF-8, LF line ends, no NUL,
 * no trailing spaces on lines, at most one empty line in a row, no
 * leading or trailing empty lines. Never fails: unparsable input gives
 * "" or whatever text could be recovered. Returns a new string (owned by
 * the caller). */
char *slt_html_to_text(const char *html, gssize len);
