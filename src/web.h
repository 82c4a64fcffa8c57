/* SPDX-License-Identifier: MIT */
/* web: the staff's web view (sltweb, issue 9): a libmicrohttpd server on
 * loopback that renders the request queue as plain server-side HTML (no
 * JavaScript at all, CSP forbids it) and performs the staff actions of
 * the queue layer. Files:
 *   web-server.c   the server: routing, form and upload parsing, cookies,
 *                  sign-in, CSRF and Origin checks, security headers
 *   web-pages.c    the pages: queue, request, search, sign-in, layout
 *   web-admin.c    packages, waiting lists, outbox, dead letters, stats
 *   web-svg.c      the charts, drawn as SVG on the server
 *   web-escape.c   the one escaping function (web-escape.h)
 *   web-auth.c     users, sessions, CSRF tokens, rate limit (web-auth.h)
 * Every page's text from a mail goes through slt_web_escape_append. */
#pragma once

#include <glib.h>
#include "config.h"
#include "store.h"
#include "org.h"
#include "web-auth.h"

#define SLT_WEB_ERROR (slt_web_error_quark())
GQuark slt_web_error_quark(void);
typedef enum {
	SLT_WEB_ERROR_LISTEN,   /* cannot listen on the configured address */
} SltWebError;

typedef struct _SltWeb SltWeb;

/* Start serving cfg's [web] listen:port on a thread of its own, with the
 * database of cfg (opened here, read-write, never created), the users
 * of cfg's users-file. port_override > 0 replaces the configured port
 * (tests). Returns the server (stop with slt_web_stop) or NULL. */
SltWeb *slt_web_start(const SltConfig *cfg, int port_override, GError **error);

/* Stop serving, close the database, free everything; NULL allowed. */
void slt_web_stop(SltWeb *web);

/* ---- for the page files (not for other modules) ---------------------- */

typedef struct {
	SltWeb *web;
	const SltConfig *cfg;
	SltStore *store;
	const SltOrgDirectory *orgs; /* the municipalities: relabel checks names */
	const char *method;         /* "GET" or "POST" */
	const char *path;           /* without the query */
	GHashTable *args;           /* query and form fields: name -> value (last wins) */
	GPtrArray *multi;           /* char* "name\tvalue" for repeated fields, in order */
	GPtrArray *files;           /* SltWebUpload*: uploaded files */
	const char *user;           /* signed-in user, NULL on the sign-in page */
	const char *csrf;           /* this session's token, for forms */
	/* the response */
	guint status;
	GString *body;
	const char *content_type;   /* static string; default text/html; charset=utf-8 */
	char *location;             /* a redirect (303) when set */
	char *set_cookie;           /* a Set-Cookie value when set */
} SltWebReq;

typedef struct {
	char *field, *filename;
	GByteArray *data;
} SltWebUpload;

/* The value of field name (query or form), or NULL. */
const char *slt_web_arg(SltWebReq *r, const char *name);
/* Every value of a repeated field, in order (new array of borrowed strings). */
GPtrArray *slt_web_args(SltWebReq *r, const char *name);

/* Page layout: <!doctype>, head, header with navigation (current: the
 * nav item to mark), <main>; and its end. title is plain text (escaped). */
void slt_web_page_begin(SltWebReq *r, const char *title, const char *current);
void slt_web_page_end(SltWebReq *r);
/* A <form method=post action=ACTION> with the CSRF field; multipart for uploads. */
void slt_web_form_begin(SltWebReq *r, const char *action, gboolean multipart);
/* Append printf-formatted text to the page, every %s ESCAPED. Only use
 * %s, %d, %u, %ld (gint64 via G_GINT64_FORMAT), no %c. Markup goes in fmt. */
void slt_web_printf(SltWebReq *r, const char *fmt, ...);
/* Escaped text. */
void slt_web_text(SltWebReq *r, const char *s);
/* A local time "2026-11-29 14:05" for t (0: "-"). New string. */
char *slt_web_time(gint64 t);
/* An error page with status (title and one line, escaped). */
void slt_web_error_page(SltWebReq *r, guint status, const char *title, const char *msg);
/* Redirect (303 See Other) to a local path (+query), after a POST. */
void slt_web_redirect(SltWebReq *r, const char *location);

/* The pages; each fills r. Defined in web-pages.c and web-admin.c. */
void slt_web_page_login(SltWebReq *r, const char *error);
void slt_web_page_queue(SltWebReq *r);
void slt_web_page_request(SltWebReq *r, gint64 id);
void slt_web_page_search(SltWebReq *r);
void slt_web_action_request(SltWebReq *r, gint64 id, const char *action);
void slt_web_page_packages(SltWebReq *r);
void slt_web_action_publish(SltWebReq *r, const char *package);
void slt_web_page_waitlist(SltWebReq *r);
void slt_web_page_outbox(SltWebReq *r);
void slt_web_action_outbox_retry(SltWebReq *r, gint64 id);
void slt_web_page_deadletters(SltWebReq *r);
void slt_web_action_reprocess(SltWebReq *r, gint64 id);
void slt_web_page_stats(SltWebReq *r);
void slt_web_page_orgs(SltWebReq *r);
void slt_web_action_orgs(SltWebReq *r, const char *action);

/* The style sheet (static). */
extern const char slt_web_css[];
