/* SPDX-License-Identifier: MIT */
/* quote: split the text of a mail into what the sender wrote now, what
 * they quoted, what they forwarded, and their signature/disclaimer.
 * RFC 3676 section 4.3 ("-- " signature separator); the rest follows what
 * mail clients write: Outlook ("Van:/Verzonden:/Aan:/Onderwerp:",
 * "-----Oorspronkelijk bericht-----"), Gmail ("Op ... schreef ...:",
 * "---------- Doorgestuurd bericht ---------"), Apple Mail ("Begin
 * doorgestuurd bericht:"), "> " quoting, in Dutch and English.
 *
 * Leaf module: pure functions on strings, no I/O, thread-safe. */
#pragma once

#include <glib.h>

typedef struct {
	char *new_text;       /* the sender's own new text (may be "") */
	char *quoted_text;    /* quoted earlier mail, attribution lines included */
	char *forwarded_text; /* the forwarded message(s), marker line left out,
			       * one level of "> " removed when all of it had one */
	char *signature;      /* closing greeting, name block, disclaimer, "Sent from" */
	gboolean is_forward;  /* the mail forwards an earlier message */
} SltQuoteSplit;

/* Split text (UTF-8, LF or CRLF line ends; NULL is taken as "") into out,
 * which the caller provides and later clears with slt_quote_split_clear.
 * subject (may be NULL) only decides whether an Outlook header block
 * ("Van:/Verzonden:...") that has no forward marker of its own is a
 * forward ("FW:", "Fwd:", "Doorst:") or a quoted reply. Every string in
 * out is set, new and owned by out; each part has its leading and
 * trailing empty lines removed. Never fails; runs in time linear in the
 * length of text. */
void slt_quote_split(const char *text, const char *subject, SltQuoteSplit *out);

/* Free the strings in s and zero it (s itself is the caller's). */
void slt_quote_split_clear(SltQuoteSplit *s);

/* Whether subject starts with a forward prefix (FW:, Fwd:, Doorst:, WG:,
 * TR:), possibly after "[EXTERN]"-style tags. */
gboolean slt_quote_subject_is_forward(const char *subject);
