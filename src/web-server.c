/* SPDX-License-Identifier: MIT */
/* web-server: sltweb's HTTP side on libmicrohttpd: routing, query, form
 * and upload parsing, the session cookie (RFC 6265, SameSite=Strict,
 * HttpOnly, Secure by config), sign-in with the login rate limit, the
 * reverse-proxy header (trusted only from the proxy's address), CSRF
 * tokens and the Origin check on every POST (RFC 6454), and the security
 * headers (CSP without any script) on every response. RFC 9110. */
#include "web.h"

#include <string.h>
#include <stdarg.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include <sodium.h>

#include "log.h"
#include "data.h"
#include "web-escape.h"

G_DEFINE_QUARK(slt-web-error-quark, slt_web_error)

#define BODY_MAX (64 * 1024 * 1024)   /* uploads: packages are PDFs */
#define LOGIN_FAILURES 5
#define LOGIN_WINDOW (15 * 60)
#define COOKIE "slt_session"
#define PRE_COOKIE "slt_pre"

struct _SltWeb {
	SltConfig *cfg;              /* borrowed */
	SltStore *store;
	SltOrgDirectory *orgs;
	SltWebUsers *users;
	SltWebSessions *sessions;
	SltWebRateLimit *rl;
	guint8 key[32];
	struct MHD_Daemon *daemon;
};

/* One HTTP request while its body arrives. */
typedef struct {
	SltWebReq r;
	struct MHD_PostProcessor *pp;
	gsize body_len;
	gboolean too_big;
	gboolean bad_body;
	SltWebUpload *cur;           /* the upload being received */
	char *cur_key;               /* the text field being received */
	GString *cur_val;
} Conn;

static void
upload_free(gpointer p)
{
	SltWebUpload *u = p;
	g_free(u->field);
	g_free(u->filename);
	g_byte_array_unref(u->data);
	g_free(u);
}

static void
conn_free(Conn *c)
{
	if (c->pp)
		MHD_destroy_post_processor(c->pp);
	g_hash_table_destroy(c->r.args);
	g_ptr_array_unref(c->r.multi);
	g_ptr_array_unref(c->r.files);
	if (c->r.body)
		g_string_free(c->r.body, TRUE);
	g_free(c->r.location);
	g_free(c->r.set_cookie);
	g_free((char *)c->r.path);
	g_free(c->cur_key);
	if (c->cur_val)
		g_string_free(c->cur_val, TRUE);
	g_free(c);
}

/* ---- helpers for the pages ------------------------------------------ */

const char *
slt_web_arg(SltWebReq *r, const char *name)
{
	return g_hash_table_lookup(r->args, name);
}

GPtrArray *
slt_web_args(SltWebReq *r, const char *name)
{
	GPtrArray *out = g_ptr_array_new();
	gsize n = strlen(name);
	for (guint i = 0; i < r->multi->len; i++) {
		const char *kv = r->multi->pdata[i];
		if (strncmp(kv, name, n) == 0 && kv[n] == '\t')
			g_ptr_array_add(out, (char *)kv + n + 1);
	}
	return out;
}

static void
add_arg(SltWebReq *r, const char *key, const char *value)
{
	/* Invalid UTF-8 in a form field is replaced, so nothing downstream
	 * (SQLite, JSON, history) ever sees it. */
	g_autofree char *v = g_utf8_make_valid(value ? value : "", -1);
	g_ptr_array_add(r->multi, g_strdup_printf("%s\t%s", key, v));
	g_hash_table_replace(r->args, g_strdup(key), g_steal_pointer(&v));
}

void
slt_web_printf(SltWebReq *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			g_string_append_c(r->body, *p);
			continue;
		}
		p++;
		switch (*p) {
		case 's': slt_web_escape_append(r->body, va_arg(ap, const char *)); break;
		case 'd': g_string_append_printf(r->body, "%d", va_arg(ap, int)); break;
		case 'u': g_string_append_printf(r->body, "%u", va_arg(ap, unsigned)); break;
		case 'l':
			p++;   /* %ld or %li */
			g_string_append_printf(r->body, "%ld", va_arg(ap, long));
			break;
		case '%': g_string_append_c(r->body, '%'); break;
		default:
			g_assert_not_reached();
		}
	}
	va_end(ap);
}

void
slt_web_text(SltWebReq *r, const char *s)
{
	slt_web_escape_append(r->body, s);
}

char *
slt_web_time(gint64 t)
{
	if (t <= 0)
		return g_strdup("-");
	g_autoptr(GDateTime) d = g_date_time_new_from_unix_local(t);
	return d ? g_date_time_format(d, "%Y-%m-%d %H:%M") : g_strdup("-");
}

void
slt_web_redirect(SltWebReq *r, const char *location)
{
	g_free(r->location);
	r->location = g_strdup(location);
	r->status = MHD_HTTP_SEE_OTHER;
}

void
slt_web_error_page(SltWebReq *r, guint status, const char *title, const char *msg)
{
	g_string_truncate(r->body, 0);
	r->status = status;
	slt_web_page_begin(r, title, NULL);
	slt_web_printf(r, "<h1>%s</h1>\n<p class=\"error\" role=\"alert\">%s</p>\n", title, msg);
	slt_web_page_end(r);
}

void
slt_web_form_begin(SltWebReq *r, const char *action, gboolean multipart)
{
	slt_web_printf(r, multipart
		       ? "<form method=\"post\" action=\"%s\" enctype=\"multipart/form-data\">"
		       : "<form method=\"post\" action=\"%s\">", action);
	slt_web_printf(r, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", r->csrf ? r->csrf : "");
}

/* ---- request parsing ------------------------------------------------- */

static enum MHD_Result
query_iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	add_arg(cls, key, value);
	return MHD_YES;
}

static enum MHD_Result
post_iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
	  const char *content_type, const char *transfer_encoding, const char *data,
	  uint64_t off, size_t size)
{
	(void)kind; (void)content_type; (void)transfer_encoding;
	Conn *c = cls;
	if (filename) {
		if (!c->cur || off == 0) {
			c->cur = g_new0(SltWebUpload, 1);
			c->cur->field = g_strdup(key);
			c->cur->filename = g_utf8_make_valid(filename, -1);
			c->cur->data = g_byte_array_new();
			g_ptr_array_add(c->r.files, c->cur);
		}
		g_byte_array_append(c->cur->data, (const guint8 *)data, size);
		return MHD_YES;
	}
	/* A text field may arrive in pieces (off > 0). */
	if (off == 0 || !c->cur_key || strcmp(c->cur_key, key) != 0) {
		if (c->cur_key)
			add_arg(&c->r, c->cur_key, c->cur_val->str);
		g_free(c->cur_key);
		c->cur_key = g_strdup(key);
		if (c->cur_val)
			g_string_truncate(c->cur_val, 0);
		else
			c->cur_val = g_string_new(NULL);
	}
	g_string_append_len(c->cur_val, data, size);
	return MHD_YES;
}

static char *
client_address(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char buf[INET6_ADDRSTRLEN] = "";
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, sizeof buf);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, sizeof buf);
	}
	return g_strdup(buf);
}

/* ---- security headers and the response ------------------------------- */

static enum MHD_Result
respond(struct MHD_Connection *conn, SltWeb *web, SltWebReq *r)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		r->body->len, r->body->str, MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(resp, "Content-Type",
				r->content_type ? r->content_type : "text/html; charset=utf-8");
	/* No script of any kind, no plugins, no framing, forms only to us. */
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; script-src 'none'; object-src 'none'; "
				"base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
				"img-src 'self' data:; style-src 'self'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "Cache-Control",
				g_strcmp0(r->path, "/style.css") == 0 ? "max-age=3600" : "no-store");
	if (r->location)
		MHD_add_response_header(resp, "Location", r->location);
	if (r->set_cookie)
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
	(void)web;
	enum MHD_Result ret = MHD_queue_response(conn, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static char *
cookie_value(SltWeb *web, const char *name, const char *value, gint64 max_age)
{
	return g_strdup_printf("%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
			       name, value, web->cfg->web_secure_cookies ? "; Secure" : "",
			       max_age == 0 ? "; Max-Age=0" : "");
}

/* A POST from another site: a browser names the page's origin in
 * Origin (RFC 6454 7) and says Sec-Fetch-Site; either one that does not
 * match us refuses the request before the token is even looked at. */
static gboolean
cross_site(struct MHD_Connection *conn)
{
	const char *site = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Sec-Fetch-Site");
	if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
		return TRUE;
	const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
	if (!origin)
		return FALSE;
	const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
	/* A proxy may rewrite Host; it should set X-Forwarded-Host then. */
	const char *fwd = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-Host");
	const char *p = strstr(origin, "://");
	if (!p)
		return TRUE;
	p += 3;
	return !((host && strcmp(p, host) == 0) || (fwd && strcmp(p, fwd) == 0));
}

/* ---- sign-in --------------------------------------------------------- */

static void login_page(SltWeb *web, SltWebReq *r, struct MHD_Connection *conn, const char *error);

static void
do_login(SltWeb *web, SltWebReq *r, struct MHD_Connection *conn, const char *ip)
{
	const char *pre = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, PRE_COOKIE);
	const char *name = slt_web_arg(r, "gebruiker");
	const char *pw = slt_web_arg(r, "wachtwoord");
	g_autofree char *pre_sid = g_strdup_printf("pre:%s", pre ? pre : "");
	if (!pre || !slt_web_csrf_check(web->key, pre_sid, slt_web_arg(r, "csrf"))) {
		slt_web_error_page(r, MHD_HTTP_FORBIDDEN, "Verboden",
				   "Het formulier is verlopen of komt niet van deze site. Laad de aanmeldpagina opnieuw.");
		return;
	}
	g_autofree char *ukey = g_strdup_printf("user:%s", name ? name : "");
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	if (!slt_web_ratelimit_allow(web->rl, ip, now) || !slt_web_ratelimit_allow(web->rl, ukey, now)) {
		slt_log_warn("web: login refused for rate limit from %s", ip);
		login_page(web, r, conn, "Te veel mislukte pogingen. Probeer het over een kwartier opnieuw.");
		r->status = MHD_HTTP_TOO_MANY_REQUESTS;
		return;
	}
	if (!slt_web_user_name_valid(name) || !slt_web_users_verify(web->users, name, pw)) {
		slt_web_ratelimit_fail(web->rl, ip, now);
		slt_web_ratelimit_fail(web->rl, ukey, now);
		g_autofree char *safe = slt_log_sanitize(name ? name : "", 64);
		slt_log_notice("web: failed login for '%s' from %s", safe, ip);
		login_page(web, r, conn, "Onjuiste gebruikersnaam of wachtwoord.");
		r->status = MHD_HTTP_UNAUTHORIZED;
		return;
	}
	slt_web_ratelimit_reset(web->rl, ukey);
	const SltWebSession *s = slt_web_session_create(web->sessions, name, now);
	r->set_cookie = cookie_value(web, COOKIE, s->id, -1);
	slt_log_info("web: '%s' signed in from %s", name, ip);
	slt_web_redirect(r, "/");
}

static gboolean
is_hex(const char *s, gsize n)
{
	if (!s || strlen(s) != n)
		return FALSE;
	for (gsize i = 0; i < n; i++)
		if (!g_ascii_isxdigit(s[i]))
			return FALSE;
	return TRUE;
}

static void
login_page(SltWeb *web, SltWebReq *r, struct MHD_Connection *conn, const char *error)
{
	/* The sign-in form's token is bound to a random pre-session cookie,
	 * so a foreign site cannot sign a browser in as someone else. A
	 * browser's cookie is kept: its favicon request, redirected here,
	 * must not replace the cookie the open form's token belongs to. */
	char pre[33];
	const char *have = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, PRE_COOKIE);
	if (is_hex(have, 32)) {
		g_strlcpy(pre, have, sizeof pre);
	} else {
		guint8 raw[16];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(pre, sizeof pre, raw, sizeof raw);
		r->set_cookie = cookie_value(web, PRE_COOKIE, pre, -1);
	}
	g_autofree char *pre_sid = g_strdup_printf("pre:%s", pre);
	g_autofree char *tok = slt_web_csrf_token(web->key, pre_sid);
	r->csrf = tok;
	slt_web_page_login(r, error);
	r->csrf = NULL;
}

/* ---- routing --------------------------------------------------------- */

static gboolean
parse_id(const char *s, gint64 *id)
{
	char *end = NULL;
	if (!s || !g_ascii_isdigit(*s))
		return FALSE;
	guint64 v = g_ascii_strtoull(s, &end, 10);
	if (v == 0 || v > G_MAXINT64)
		return FALSE;
	*id = (gint64)v;
	return end && (*end == '\0' || *end == '/');
}

static void
route(SltWeb *web, SltWebReq *r, struct MHD_Connection *conn, const char *ip)
{
	const char *path = r->path;
	gboolean post = strcmp(r->method, "POST") == 0;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;

	if (strcmp(path, "/style.css") == 0 && !post) {
		g_string_assign(r->body, slt_web_css);
		r->content_type = "text/css; charset=utf-8";
		return;
	}
	if (strcmp(path, "/favicon.ico") == 0) {
		r->status = MHD_HTTP_NOT_FOUND;
		return;
	}
	if (post && cross_site(conn)) {
		slt_log_warn("web: cross-site POST to %s refused (from %s)", path, ip);
		slt_web_error_page(r, MHD_HTTP_FORBIDDEN, "Verboden",
				   "Dit verzoek komt van een andere site en is geweigerd.");
		return;
	}
	if (strcmp(path, "/aanmelden") == 0) {
		if (post)
			do_login(web, r, conn, ip);
		else
			login_page(web, r, conn, NULL);
		return;
	}

	/* Who is this? The proxy's header (only from the proxy), else the
	 * session cookie. */
	const char *user = NULL;
	g_autofree char *proxy_sid = NULL;
	const SltWebSession *s = NULL;
	if (web->cfg->web_proxy_header && web->cfg->web_proxy_address &&
	    strcmp(ip, web->cfg->web_proxy_address) == 0) {
		const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							    web->cfg->web_proxy_header);
		if (h && slt_web_user_name_valid(h)) {
			user = h;
			proxy_sid = g_strdup_printf("proxy:%s", h);
		}
	}
	if (!user) {
		s = slt_web_session_lookup(web->sessions,
					   MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, COOKIE), now);
		if (s)
			user = s->user;
	}
	if (!user) {
		if (post) {
			slt_web_error_page(r, MHD_HTTP_FORBIDDEN, "Niet aangemeld",
					   "Meld u eerst aan.");
			return;
		}
		slt_web_redirect(r, "/aanmelden");
		return;
	}
	g_autofree char *csrf = proxy_sid ? slt_web_csrf_token(web->key, proxy_sid) : g_strdup(s->csrf);
	r->user = user;
	r->csrf = csrf;

	if (post && !slt_web_csrf_check(web->key, proxy_sid ? proxy_sid : s->id, slt_web_arg(r, "csrf"))) {
		g_autofree char *safe = slt_log_sanitize(path, 80);
		slt_log_warn("web: POST %s by '%s' without a valid CSRF token refused", safe, user);
		slt_web_error_page(r, MHD_HTTP_FORBIDDEN, "Verboden",
				   "Het formulier is verlopen of komt niet van deze site. Laad de pagina opnieuw.");
		goto out;
	}

	gint64 id = 0;
	if (strcmp(path, "/afmelden") == 0 && post) {
		if (s)
			slt_web_session_end(web->sessions, s->id);
		r->set_cookie = cookie_value(web, COOKIE, "", 0);
		slt_web_redirect(r, "/aanmelden");
	} else if (strcmp(path, "/") == 0 && !post) {
		slt_web_page_queue(r);
	} else if (strcmp(path, "/zoeken") == 0 && !post) {
		slt_web_page_search(r);
	} else if (g_str_has_prefix(path, "/verzoek/") && parse_id(path + 9, &id)) {
		const char *rest = strchr(path + 9, '/');
		if (!rest && !post)
			slt_web_page_request(r, id);
		else if (rest && post && !strchr(rest + 1, '/'))
			slt_web_action_request(r, id, rest + 1);
		else
			slt_web_error_page(r, MHD_HTTP_NOT_FOUND, "Niet gevonden", "Deze pagina bestaat niet.");
	} else if (strcmp(path, "/pakketten") == 0 && !post) {
		slt_web_page_packages(r);
	} else if (g_str_has_prefix(path, "/pakketten/") && g_str_has_suffix(path, "/publiceren") && post) {
		g_autofree char *pkg = g_strndup(path + 11, strlen(path) - 11 - strlen("/publiceren"));
		slt_web_action_publish(r, pkg);
	} else if (strcmp(path, "/wachtlijst") == 0 && !post) {
		slt_web_page_waitlist(r);
	} else if (strcmp(path, "/uitgaand") == 0 && !post) {
		slt_web_page_outbox(r);
	} else if (g_str_has_prefix(path, "/uitgaand/") && parse_id(path + 10, &id) &&
		   g_str_has_suffix(path, "/opnieuw") && post) {
		slt_web_action_outbox_retry(r, id);
	} else if (strcmp(path, "/onbestelbaar") == 0 && !post) {
		slt_web_page_deadletters(r);
	} else if (g_str_has_prefix(path, "/onbestelbaar/") && parse_id(path + 14, &id) &&
		   g_str_has_suffix(path, "/opnieuw") && post) {
		slt_web_action_reprocess(r, id);
	} else if (strcmp(path, "/statistiek") == 0 && !post) {
		slt_web_page_stats(r);
	} else if (strcmp(path, "/organisaties") == 0 && !post) {
		slt_web_page_orgs(r);
	} else if ((strcmp(path, "/organisaties/vastleggen") == 0 ||
		    strcmp(path, "/organisaties/vergeten") == 0) && post) {
		slt_web_action_orgs(r, path + strlen("/organisaties/"));
	} else {
		slt_web_error_page(r, MHD_HTTP_NOT_FOUND, "Niet gevonden", "Deze pagina bestaat niet.");
	}
out:
	r->csrf = NULL;
	r->user = NULL;
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	(void)version;
	SltWeb *web = cls;
	Conn *c = *con_cls;
	if (!c) {
		if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0 &&
		    strcmp(method, "HEAD") != 0)
			return MHD_NO;
		c = g_new0(Conn, 1);
		c->r.web = web;
		c->r.cfg = web->cfg;
		c->r.store = web->store;
		c->r.orgs = web->orgs;
		c->r.method = strcmp(method, "POST") == 0 ? "POST" : "GET";
		c->r.path = g_strdup(url);
		c->r.args = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		c->r.multi = g_ptr_array_new_with_free_func(g_free);
		c->r.files = g_ptr_array_new_with_free_func(upload_free);
		c->r.body = g_string_new(NULL);
		c->r.status = MHD_HTTP_OK;
		MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, query_iter, &c->r);
		if (strcmp(c->r.method, "POST") == 0) {
			c->pp = MHD_create_post_processor(conn, 64 * 1024, post_iter, c);
			if (!c->pp)
				c->bad_body = TRUE;
		}
		*con_cls = c;
		return MHD_YES;
	}
	if (*upload_data_size) {
		c->body_len += *upload_data_size;
		if (c->body_len > BODY_MAX)
			c->too_big = TRUE;
		else if (c->pp && MHD_post_process(c->pp, upload_data, *upload_data_size) != MHD_YES)
			c->bad_body = TRUE;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (c->cur_key) {
		add_arg(&c->r, c->cur_key, c->cur_val->str);
		g_clear_pointer(&c->cur_key, g_free);
	}
	g_autofree char *ip = client_address(conn);
	if (c->too_big)
		slt_web_error_page(&c->r, MHD_HTTP_CONTENT_TOO_LARGE, "Te groot",
				   "Het verzoek is groter dan 64 MB.");
	else if (c->bad_body)
		slt_web_error_page(&c->r, MHD_HTTP_BAD_REQUEST, "Ongeldig verzoek",
				   "Het formulier kon niet worden gelezen.");
	else
		route(web, &c->r, conn, ip);
	return respond(conn, web, &c->r);
}

static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	  enum MHD_RequestTerminationCode toe)
{
	(void)cls; (void)conn; (void)toe;
	if (*con_cls)
		conn_free(*con_cls);
	*con_cls = NULL;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);
	g_strchomp(msg);
	slt_log_warn("web: %s", msg);
}

SltWeb *
slt_web_start(const SltConfig *cfg, int port_override, GError **error)
{
	if (!slt_web_auth_init(error))
		return NULL;
	SltWeb *web = g_new0(SltWeb, 1);
	web->cfg = (SltConfig *)cfg;
	randombytes_buf(web->key, sizeof web->key);
	web->users = slt_web_users_load(cfg->web_users_file, error);
	if (!web->users)
		goto fail;
	web->store = slt_store_open(cfg->store_path, 0, error);
	if (!web->store)
		goto fail;
	GBytes *tsv = slt_data_get("gemeenten.tsv", NULL, error);
	web->orgs = tsv ? slt_org_directory_new(tsv, error) : NULL;
	g_clear_pointer(&tsv, g_bytes_unref);
	if (!web->orgs)
		goto fail;
	web->sessions = slt_web_sessions_new(web->key, (gint64)cfg->web_session_minutes * 60);
	web->rl = slt_web_ratelimit_new(LOGIN_FAILURES, LOGIN_WINDOW);

	struct sockaddr_in sa = { .sin_family = AF_INET };
	int port = port_override > 0 ? port_override : cfg->web_port;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, cfg->web_listen, &sa.sin_addr) != 1) {
		g_set_error(error, SLT_WEB_ERROR, SLT_WEB_ERROR_LISTEN,
			    "listen address '%s' is not an IPv4 address", cfg->web_listen);
		goto fail;
	}
	/* One thread serves every request: the store connection and the
	 * sessions are used from it alone. */
	web->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, (uint16_t)port, NULL, NULL,
		handler, web,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)64,
		MHD_OPTION_END);
	if (!web->daemon) {
		g_set_error(error, SLT_WEB_ERROR, SLT_WEB_ERROR_LISTEN,
			    "cannot listen on %s:%d", cfg->web_listen, port);
		goto fail;
	}
	slt_log_info("web: listening on http://%s:%d/ (%u users)", cfg->web_listen, port,
		     slt_web_users_count(web->users));
	return web;
fail:
	slt_web_stop(web);
	return NULL;
}

void
slt_web_stop(SltWeb *web)
{
	if (!web)
		return;
	if (web->daemon)
		MHD_stop_daemon(web->daemon);
	slt_store_close(web->store);
	slt_org_directory_free(web->orgs);
	slt_web_users_free(web->users);
	slt_web_sessions_free(web->sessions);
	slt_web_ratelimit_free(web->rl);
	sodium_memzero(web->key, sizeof web->key);
	g_free(web);
}
