/* SPDX-License-Identifier: MIT */
/* web-escape: the one HTML escaping function of the web view (sltweb).
 * Everything that came from a mail (subjects, names, addresses, bodies,
 * attachment names) and everything a user typed is hostile: every byte
 * of it reaches a page only through these functions. HTML 5 (WHATWG)
 * section 13.1.2.6 (attribute values) and 13.2.5 (character references).
 *
 * Leaf module: no I/O, thread-safe. */
#pragma once

#include <glib.h>

/* Append s (NULL: nothing) to out escaped for HTML text AND quoted
 * attribute values: & < > " ' become character references; invalid
 * UTF-8 becomes U+FFFD (one per bad byte); C0 controls other than TAB,
 * LF and CR, DEL and C1 controls become U+FFFD, so a page is always
 * valid UTF-8 and no byte can end an element, an attribute or a
 * comment. Never fails. */
void slt_web_escape_append(GString *out, const char *s);

/* Like slt_web_escape_append for len bytes (-1: up to the NUL); embedded
 * NUL bytes become U+FFFD. */
void slt_web_escape_append_len(GString *out, const char *s, gssize len);

/* The escaped form of s as a new string (owned by the caller); NULL gives "". */
char *slt_web_escape(const char *s);

/* Append s percent-encoded for one URL query value or path segment
 * (RFC 3986 section 2.3: only unreserved characters stay). The result is
 * also safe inside an attribute. */
void slt_web_urlencode_append(GString *out, const char *s);
