/* SPDX-License-Identifier: MIT */
/* template: reply templates on template-glib (TmplTemplate, TmplScope,
 * TmplTemplateLocator), checked at load time with file and line.
 *
 * template-glib reports a syntax error without a line, silently drops a
 * "{{" that is never closed, and finds an unknown variable only when the
 * branch that uses it is rendered. So each file is first scanned here:
 * every tag closed, if/for matched by end, every expression parsed on its
 * own (tmpl_expr_from_string) and its names checked against the known
 * variables, each with its line. Then template-glib parses the file and
 * every template is rendered with full and with empty sample variables,
 * in text and in HTML. */
#include "template.h"

#include <string.h>
#include <tmpl-glib.h>

G_DEFINE_QUARK(slt-template-error-quark, slt_template_error)

const char *const slt_template_names[] = {
	SLT_TEMPLATE_ACK_SPARRING, SLT_TEMPLATE_ACK_VRAAG, SLT_TEMPLATE_PACKAGE,
	SLT_TEMPLATE_WAITLIST, SLT_TEMPLATE_AFMELDEN, SLT_TEMPLATE_PUBLICATION,
	SLT_TEMPLATE_NEUTRAL, NULL,
};

const char *const slt_template_themes[] = {
	"visie", "goed-bestuur", "netwerksamenwerking", "kwaliteit",
	"inkoop-bekostiging", "algemeen", NULL,
};

/* The variables every template sees (templates/README.md documents them). */
static const char *const known_vars[] = {
	"naam", "organisatie", "thema", "thema_titel", "thema_alinea",
	"referentie", "contact", "onderwerp",
	"bijgevoegd", "links", "wachtlijst", "afgemeld", "pakket",
	"heeft_bijgevoegd", "heeft_links", "heeft_wachtlijst", "heeft_afgemeld",
	"heeft_naam", "heeft_organisatie",
	"true", "false", "null", NULL,
};

/* The fields of a package (p.titel ...), and the variables that hold one. */
static const char *const item_fields[] = {
	"id", "titel", "versie", "verwacht", "link", "bestanden", NULL,
};

struct _SltTemplates {
	char *dir;
	GHashTable *text;    /* name -> TmplTemplate* */
	GHashTable *html;    /* name -> TmplTemplate* */
	GHashTable *themes;  /* theme -> TmplTemplate* */
};

/* ---- the package item: a GObject, so templates can say {{p.titel}} -- */

#define SLT_TYPE_TMPL_ITEM (slt_tmpl_item_get_type())
G_DECLARE_FINAL_TYPE(SltTmplItem, slt_tmpl_item, SLT, TMPL_ITEM, GObject)

struct _SltTmplItem {
	GObject parent;
	char *fields[G_N_ELEMENTS(item_fields) - 1];
};

G_DEFINE_TYPE(SltTmplItem, slt_tmpl_item, G_TYPE_OBJECT)

static void
slt_tmpl_item_get_property(GObject *o, guint id, GValue *v, GParamSpec *ps)
{
	SltTmplItem *self = SLT_TMPL_ITEM(o);
	if (id >= 1 && id <= G_N_ELEMENTS(self->fields))
		g_value_set_string(v, self->fields[id - 1] ? self->fields[id - 1] : "");
	else
		G_OBJECT_WARN_INVALID_PROPERTY_ID(o, id, ps);
}

static void
slt_tmpl_item_finalize(GObject *o)
{
	SltTmplItem *self = SLT_TMPL_ITEM(o);
	for (guint i = 0; i < G_N_ELEMENTS(self->fields); i++)
		g_free(self->fields[i]);
	G_OBJECT_CLASS(slt_tmpl_item_parent_class)->finalize(o);
}

static void
slt_tmpl_item_class_init(SltTmplItemClass *klass)
{
	GObjectClass *oc = G_OBJECT_CLASS(klass);
	oc->get_property = slt_tmpl_item_get_property;
	oc->finalize = slt_tmpl_item_finalize;
	for (guint i = 0; item_fields[i]; i++)
		g_object_class_install_property(oc, i + 1,
			g_param_spec_string(item_fields[i], NULL, NULL, NULL,
					    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
slt_tmpl_item_init(SltTmplItem *self)
{
	(void)self;
}

/* HTML escaping for text and attribute values. Not g_markup_escape_text:
 * its &apos; is XML, unknown to HTML 4 mail clients. */
static char *
html_escape(const char *s)
{
	GString *out = g_string_sized_new(strlen(s) + 16);
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case '&': g_string_append(out, "&amp;"); break;
		case '<': g_string_append(out, "&lt;"); break;
		case '>': g_string_append(out, "&gt;"); break;
		case '"': g_string_append(out, "&quot;"); break;
		case '\'': g_string_append(out, "&#39;"); break;
		default: g_string_append_c(out, *p);
		}
	}
	return g_string_free(out, FALSE);
}

/* A string from the outside made fit for a template: valid UTF-8, no
 * control characters (a name with a newline must not break a line). In
 * the HTML rendering also escaped. */
static char *
clean(const char *s, gboolean html)
{
	if (!s)
		return g_strdup("");
	g_autofree char *valid = g_utf8_make_valid(s, -1);
	for (char *p = valid; *p; p++)
		if ((guchar)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return html ? html_escape(valid) : g_steal_pointer(&valid);
}

static SltTmplItem *
item_new(const SltTemplatePackage *p, gboolean html)
{
	SltTmplItem *it = g_object_new(SLT_TYPE_TMPL_ITEM, NULL);
	const char *v[] = { p->id, p->title, p->version, p->expected, p->url, p->files };
	G_STATIC_ASSERT(G_N_ELEMENTS(v) == G_N_ELEMENTS(it->fields));
	for (guint i = 0; i < G_N_ELEMENTS(v); i++)
		it->fields[i] = clean(v[i], html);
	return it;
}

static void
scope_set_list(TmplScope *scope, const char *name, const char *flag,
	       const SltTemplatePackage *items, guint n, gboolean html)
{
	g_autoptr(GListStore) store = g_list_store_new(SLT_TYPE_TMPL_ITEM);
	for (guint i = 0; i < n; i++) {
		g_autoptr(SltTmplItem) it = item_new(&items[i], html);
		g_list_store_append(store, it);
	}
	tmpl_scope_set_object(scope, name, store);
	/* An empty list model is still a true object to template-glib. */
	tmpl_scope_set_boolean(scope, flag, n > 0);
}

static void
scope_set_string(TmplScope *scope, const char *name, const char *value, gboolean html)
{
	g_autofree char *v = clean(value, html);
	tmpl_scope_set_string(scope, name, v);
}

static TmplScope *
make_scope(const SltTemplateVars *v, gboolean html)
{
	TmplScope *scope = tmpl_scope_new();
	scope_set_string(scope, "naam", v->name, html);
	scope_set_string(scope, "organisatie", v->organisation, html);
	scope_set_string(scope, "thema", v->theme, html);
	scope_set_string(scope, "thema_titel", v->theme_title, html);
	scope_set_string(scope, "referentie", v->ref, html);
	scope_set_string(scope, "contact", v->contact, html);
	scope_set_string(scope, "onderwerp", v->subject, html);
	scope_set_string(scope, "thema_alinea", "", html);
	tmpl_scope_set_boolean(scope, "heeft_naam", v->name && *v->name);
	tmpl_scope_set_boolean(scope, "heeft_organisatie", v->organisation && *v->organisation);
	scope_set_list(scope, "bijgevoegd", "heeft_bijgevoegd", v->attached, v->n_attached, html);
	scope_set_list(scope, "links", "heeft_links", v->linked, v->n_linked, html);
	scope_set_list(scope, "wachtlijst", "heeft_wachtlijst", v->waiting, v->n_waiting, html);
	scope_set_list(scope, "afgemeld", "heeft_afgemeld", v->removed, v->n_removed, html);
	static const SltTemplatePackage none = { 0 };
	g_autoptr(SltTmplItem) pkg = item_new(v->package ? v->package : &none, html);
	tmpl_scope_set_object(scope, "pakket", pkg);
	return scope;
}

/* ---- the checker ----------------------------------------------------- */

typedef struct {
	GString *problems;
} Problems;

static void G_GNUC_PRINTF(4, 5)
problem(Problems *pr, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (pr->problems->len)
		g_string_append_c(pr->problems, '\n');
	if (line > 0)
		g_string_append_printf(pr->problems, "%s:%d: %s", file, line, msg);
	else
		g_string_append_printf(pr->problems, "%s: %s", file, msg);
}

typedef struct {
	const char *kind;   /* "if" or "for" */
	int line;
	char *loop_var;     /* for: the item name */
} Block;

static gboolean
is_loop_var(GArray *stack, const char *name)
{
	for (guint i = 0; i < stack->len; i++) {
		Block *b = &g_array_index(stack, Block, i);
		if (b->loop_var && strcmp(b->loop_var, name) == 0)
			return TRUE;
	}
	return FALSE;
}

static gboolean
is_ident_start(char c)
{
	return g_ascii_isalpha(c) || c == '_';
}

static gboolean
is_ident_char(char c)
{
	return g_ascii_isalnum(c) || c == '_';
}

/* Check the names an expression uses: a variable must be known (or a
 * loop's item), a field of a package must exist. Calls (name followed by
 * "(") are template-glib's built-ins and left to the parser. */
static void
check_names(Problems *pr, const char *file, int line, const char *expr, GArray *stack)
{
	const char *p = expr;
	char prev_ident[64] = "";
	while (*p) {
		if (*p == '"' || *p == '\'') {
			char q = *p++;
			while (*p && *p != q) {
				if (*p == '\\' && p[1])
					p++;
				p++;
			}
			if (*p)
				p++;
			prev_ident[0] = '\0';
			continue;
		}
		if (g_ascii_isdigit(*p)) {
			while (is_ident_char(*p) || *p == '.')
				p++;
			continue;
		}
		if (!is_ident_start(*p)) {
			if (*p != '.' && *p != ' ')
				prev_ident[0] = '\0';
			p++;
			continue;
		}
		const char *start = p;
		while (is_ident_char(*p))
			p++;
		g_autofree char *name = g_strndup(start, p - start);
		const char *before = start;
		while (before > expr && before[-1] == ' ')
			before--;
		gboolean attr = before > expr && before[-1] == '.';
		const char *after = p;
		while (*after == ' ')
			after++;
		gboolean call = *after == '(';
		if (attr) {
			gboolean base_is_item = prev_ident[0] &&
				(strcmp(prev_ident, "pakket") == 0 || is_loop_var(stack, prev_ident));
			if (base_is_item && !call && !g_strv_contains(item_fields, name))
				problem(pr, file, line, "package field '%s.%s' does not exist "
					"(fields: id, titel, versie, verwacht, link, bestanden)",
					prev_ident, name);
			prev_ident[0] = '\0';
		} else if (!call && !g_strv_contains(known_vars, name) && !is_loop_var(stack, name)) {
			problem(pr, file, line, "unknown variable '%s' (see templates/README.md)", name);
			prev_ident[0] = '\0';
		} else {
			g_strlcpy(prev_ident, name, sizeof prev_ident);
		}
	}
}

static void
check_expr(Problems *pr, const char *file, int line, const char *expr, GArray *stack)
{
	if (!*expr) {
		problem(pr, file, line, "empty expression");
		return;
	}
	g_autoptr(GError) e = NULL;
	TmplExpr *x = tmpl_expr_from_string(expr, &e);
	if (!x) {
		problem(pr, file, line, "cannot parse '%s': %s", expr,
			e ? e->message : "syntax error");
		return;
	}
	tmpl_expr_unref(x);
	check_names(pr, file, line, expr, stack);
}

static int
line_at(const char *pos, int *line, const char **counted)
{
	for (const char *p = *counted; p < pos; p++)
		if (*p == '\n')
			(*line)++;
	*counted = pos;
	return *line;
}

static void
block_clear(gpointer p)
{
	g_free(((Block *)p)->loop_var);
}

/* Scan one template file's text (see the file comment). name is how
 * problems name the file; dir resolves includes. */
static void
scan_template(Problems *pr, const char *dir, const char *name, const char *text)
{
	g_autoptr(GArray) stack = g_array_new(FALSE, TRUE, sizeof(Block));
	g_array_set_clear_func(stack, block_clear);
	int line = 1;
	const char *counted = text;
	const char *p = text;
	for (;;) {
		const char *open = strstr(p, "{{");
		if (!open)
			break;
		if (open > text && open[-1] == '\\') {  /* "\{{" is text */
			p = open + 2;
			continue;
		}
		int ln = line_at(open, &line, &counted);
		const char *close = strstr(open + 2, "}}");
		const char *next = strstr(open + 2, "{{");
		if (!close || (next && next < close)) {
			/* The rest of the file cannot be read reliably. */
			problem(pr, name, ln, "'{{' is not closed with '}}'");
			return;
		}
		g_autofree char *tag = g_strstrip(g_strndup(open + 2, close - open - 2));
		if (g_str_has_prefix(tag, "if ") || g_str_has_prefix(tag, "if(")) {
			check_expr(pr, name, ln, g_strchug(tag + 2), stack);
			Block b = { "if", ln, NULL };
			g_array_append_val(stack, b);
		} else if (g_str_has_prefix(tag, "else if ")) {
			if (!stack->len || strcmp(g_array_index(stack, Block, stack->len - 1).kind, "if"))
				problem(pr, name, ln, "'else if' without 'if'");
			check_expr(pr, name, ln, g_strchug(tag + 7), stack);
		} else if (strcmp(tag, "else") == 0) {
			if (!stack->len || strcmp(g_array_index(stack, Block, stack->len - 1).kind, "if"))
				problem(pr, name, ln, "'else' without 'if'");
		} else if (strcmp(tag, "end") == 0) {
			if (!stack->len)
				problem(pr, name, ln, "'end' without 'if' or 'for'");
			else
				g_array_set_size(stack, stack->len - 1);
		} else if (g_str_has_prefix(tag, "for ")) {
			/* "for p in bijgevoegd" */
			g_autofree char *var = NULL, *rest = NULL;
			const char *in = strstr(tag + 4, " in ");
			if (in) {
				var = g_strstrip(g_strndup(tag + 4, in - (tag + 4)));
				rest = g_strstrip(g_strdup(in + 4));
			}
			gboolean ok = var && *var && is_ident_start(var[0]);
			for (const char *c = var; ok && *c; c++)
				ok = is_ident_char(*c);
			if (!ok) {
				problem(pr, name, ln, "'%s' is not 'for NAME in LIST'", tag);
				var = g_strdup("_");
			} else {
				check_expr(pr, name, ln, rest, stack);
			}
			Block b = { "for", ln, g_steal_pointer(&var) };
			g_array_append_val(stack, b);
		} else if (g_str_has_prefix(tag, "include ")) {
			g_autofree char *arg = g_strstrip(g_strdup(tag + 8));
			gsize n = strlen(arg);
			if (n < 2 || arg[0] != '"' || arg[n - 1] != '"') {
				problem(pr, name, ln, "'%s' is not 'include \"FILE\"'", tag);
			} else {
				arg[n - 1] = '\0';
				g_autofree char *path = g_build_filename(dir, arg + 1, NULL);
				if (strstr(arg + 1, "..") || !g_file_test(path, G_FILE_TEST_IS_REGULAR))
					problem(pr, name, ln, "included file '%s' not found in '%s'", arg + 1, dir);
			}
		} else {
			check_expr(pr, name, ln, tag, stack);
		}
		p = close + 2;
	}
	for (guint i = 0; i < stack->len; i++) {
		Block *b = &g_array_index(stack, Block, i);
		problem(pr, name, b->line, "'%s' is not closed with '{{end}}'", b->kind);
	}
}

/* ---- newlines --------------------------------------------------------- */

typedef enum { TAG_EXPR, TAG_BLOCK, TAG_INCLUDE } TagKind;

static TagKind
tag_kind(const char *open, const char *close)
{
	g_autofree char *tag = g_strstrip(g_strndup(open + 2, close - open - 2));
	if (g_str_has_prefix(tag, "include "))
		return TAG_INCLUDE;
	if (g_str_has_prefix(tag, "if ") || g_str_has_prefix(tag, "if(") ||
	    g_str_has_prefix(tag, "else") || g_str_has_prefix(tag, "for ") ||
	    strcmp(tag, "end") == 0)
		return TAG_BLOCK;
	return TAG_EXPR;
}

/* template-glib 3.36 drops the newline right after every block tag (if,
 * else, for, end) and include, wherever the tag stands (measured:
 * "1{{if a}}T{{end}}\n2" gives "1T2"). Staff write templates line by
 * line, so rewrite the text first to what they expect (Jinja's
 * trim_blocks/lstrip_blocks): a line holding only a block tag produces
 * no line at all; a newline after a tag inside a line is kept; an
 * include stands for the included text, whose last newline is dropped
 * (so "over {{include "_x.txt"}} ontvangen" stays one sentence). */
static char *
fix_newlines(const char *text)
{
	GString *out = g_string_new(NULL);
	gsize len = strlen(text);
	if (len && text[len - 1] == '\n')
		len--;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *open = g_strstr_len(p, end - p, "{{");
		const char *close = open ? g_strstr_len(open + 2, end - open - 2, "}}") : NULL;
		if (!open || !close) {
			g_string_append_len(out, p, end - p);
			break;
		}
		/* Escaped "\{{" is text to template-glib. */
		if (open > text && open[-1] == '\\') {
			g_string_append_len(out, p, open + 2 - p);
			p = open + 2;
			continue;
		}
		close += 2;
		TagKind kind = tag_kind(open, close - 2);
		const char *bol = open;
		while (bol > text && bol[-1] != '\n')
			bol--;
		const char *eol = close;
		while (eol < end && *eol != '\n')
			eol++;
		gboolean alone = TRUE;
		for (const char *c = bol; c < open && alone; c++)
			alone = *c == ' ' || *c == '\t';
		for (const char *c = close; c < eol && alone; c++)
			alone = *c == ' ' || *c == '\t';
		if (kind == TAG_BLOCK && alone && bol >= p) {
			/* The whole line goes; template-glib eats its newline. */
			g_string_append_len(out, p, bol - p);
			g_string_append_len(out, open, close - open);
			p = eol;
			continue;
		}
		g_string_append_len(out, p, close - p);
		p = close;
		if (kind != TAG_EXPR && p < end && *p == '\n')
			g_string_append_c(out, '\n');  /* one for template-glib to eat */
	}
	return g_string_free(out, FALSE);
}

/* A locator that hands template-glib the rewritten text of an included
 * file (see fix_newlines). Only files under the template directory. */
#define SLT_TYPE_LOCATOR (slt_locator_get_type())
G_DECLARE_FINAL_TYPE(SltLocator, slt_locator, SLT, LOCATOR, TmplTemplateLocator)

struct _SltLocator {
	TmplTemplateLocator parent;
	char *dir;
};

G_DEFINE_TYPE(SltLocator, slt_locator, TMPL_TYPE_TEMPLATE_LOCATOR)

static GInputStream *
slt_locator_locate(TmplTemplateLocator *loc, const char *path, GError **error)
{
	SltLocator *self = SLT_LOCATOR(loc);
	if (g_path_is_absolute(path) || strstr(path, "..")) {
		g_set_error(error, TMPL_ERROR, TMPL_ERROR_TEMPLATE_NOT_FOUND,
			    "included file '%s' must be a name in the template directory", path);
		return NULL;
	}
	g_autofree char *full = g_build_filename(self->dir, path, NULL);
	g_autofree char *text = NULL;
	if (!g_file_get_contents(full, &text, NULL, error))
		return NULL;
	char *fixed = fix_newlines(text);
	return g_memory_input_stream_new_from_data(fixed, strlen(fixed), g_free);
}

static void
slt_locator_finalize(GObject *o)
{
	g_free(SLT_LOCATOR(o)->dir);
	G_OBJECT_CLASS(slt_locator_parent_class)->finalize(o);
}

static void
slt_locator_class_init(SltLocatorClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = slt_locator_finalize;
	TMPL_TEMPLATE_LOCATOR_CLASS(klass)->locate = slt_locator_locate;
}

static void
slt_locator_init(SltLocator *self)
{
	(void)self;
}

/* ---- loading --------------------------------------------------------- */

static const SltTemplatePackage sample_pkgs[] = {
	{ "visie", "Visie", "1", "voorjaar 2027", "https://example.org/visie",
	  "visie-kennisoverzicht.pdf, visie-kenmerken.pdf" },
	{ "kwaliteit", "Kwaliteit, leren, volgen en verantwoorden", "2", "najaar 2026",
	  "https://example.org/kwaliteit", "kwaliteit-kennisoverzicht.pdf" },
};

/* Sample variables for the test renderings: everything filled, and
 * everything empty, so that both sides of the usual conditions run. */
static void
sample_vars(SltTemplateVars *v, gboolean full, const char *theme)
{
	memset(v, 0, sizeof *v);
	v->theme = theme;
	if (!full)
		return;
	v->name = "Jan de Vries";
	v->organisation = "gemeente Utrecht";
	v->theme_title = "Visie";
	v->ref = "SLT-1";
	v->contact = "het team Stevige lokale teams";
	v->subject = "Vraag over het werkpakket";
	v->attached = v->linked = v->waiting = v->removed = sample_pkgs;
	v->n_attached = v->n_linked = v->n_waiting = v->n_removed = G_N_ELEMENTS(sample_pkgs);
	v->package = &sample_pkgs[0];
}

/* template-glib 3.36's TmplTemplate keeps a reference to its locator
 * that its finalize never drops (tmpl-template.c: the parser is cleared,
 * the locator not); drop it here, or every template set leaks one. */
static void
template_unref(gpointer t)
{
	tmpl_template_set_locator(t, NULL);
	g_object_unref(t);
}

static TmplTemplate *
parse_one(Problems *pr, TmplTemplateLocator *loc, const char *dir, const char *rel)
{
	g_autofree char *path = g_build_filename(dir, rel, NULL);
	g_autofree char *text = NULL;
	g_autoptr(GError) e = NULL;
	if (!g_file_get_contents(path, &text, NULL, &e)) {
		problem(pr, path, 0, "cannot read template: %s", e->message);
		return NULL;
	}
	if (!g_utf8_validate(text, -1, NULL)) {
		problem(pr, path, 0, "not valid UTF-8");
		return NULL;
	}
	gsize before = pr->problems->len;
	scan_template(pr, dir, path, text);
	if (pr->problems->len != before)
		return NULL;
	TmplTemplate *t = tmpl_template_new(loc);
	g_autofree char *fixed = fix_newlines(text);
	if (!tmpl_template_parse_string(t, fixed, &e)) {
		problem(pr, path, 0, "template-glib cannot parse it: %s", e->message);
		template_unref(t);
		return NULL;
	}
	return t;
}

/* The partials (_NAME.txt/.html) are checked on their own too: an
 * include pulls them in whole, and the scan of the including file does
 * not see inside them. */
static void
scan_partials(Problems *pr, const char *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *ent;
	while (d && (ent = g_dir_read_name(d))) {
		if (ent[0] != '_' || !(g_str_has_suffix(ent, ".txt") || g_str_has_suffix(ent, ".html")))
			continue;
		g_autofree char *path = g_build_filename(dir, ent, NULL);
		g_autofree char *text = NULL;
		if (!g_file_get_contents(path, &text, NULL, NULL) || !g_utf8_validate(text, -1, NULL)) {
			problem(pr, path, 0, "cannot read partial (or not UTF-8)");
			continue;
		}
		scan_template(pr, dir, path, text);
	}
}

void
slt_templates_free(SltTemplates *t)
{
	if (!t)
		return;
	g_free(t->dir);
	g_hash_table_unref(t->text);
	g_hash_table_unref(t->html);
	g_hash_table_unref(t->themes);
	g_free(t);
}

const char *
slt_templates_dir(const SltTemplates *t)
{
	return t->dir;
}

SltTemplates *
slt_templates_load(const char *dir, GError **error)
{
	g_return_val_if_fail(dir != NULL, NULL);
	if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		g_set_error(error, SLT_TEMPLATE_ERROR, SLT_TEMPLATE_ERROR_LOAD,
			    "cannot open template directory '%s'", dir);
		return NULL;
	}
	g_autoptr(SltTemplates) t = g_new0(SltTemplates, 1);
	t->dir = g_strdup(dir);
	t->text = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, template_unref);
	t->html = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, template_unref);
	t->themes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, template_unref);

	g_autoptr(SltLocator) sloc = g_object_new(SLT_TYPE_LOCATOR, NULL);
	sloc->dir = g_strdup(dir);
	TmplTemplateLocator *loc = TMPL_TEMPLATE_LOCATOR(sloc);
	Problems pr = { g_string_new(NULL) };

	scan_partials(&pr, dir);
	for (const char *const *n = slt_template_names; *n; n++) {
		g_autofree char *txt = g_strconcat(*n, ".txt", NULL);
		g_autofree char *htm = g_strconcat(*n, ".html", NULL);
		TmplTemplate *a = parse_one(&pr, loc, dir, txt);
		TmplTemplate *b = parse_one(&pr, loc, dir, htm);
		if (a)
			g_hash_table_insert(t->text, g_strdup(*n), a);
		if (b)
			g_hash_table_insert(t->html, g_strdup(*n), b);
	}
	for (const char *const *th = slt_template_themes; *th; th++) {
		g_autofree char *rel = g_strconcat("themes/", *th, ".txt", NULL);
		TmplTemplate *a = parse_one(&pr, loc, dir, rel);
		if (a)
			g_hash_table_insert(t->themes, g_strdup(*th), a);
	}

	/* Test-render what parsed, so that no error waits for a reply. */
	if (!pr.problems->len) {
		for (const char *const *n = slt_template_names; *n; n++) {
			for (int full = 0; full < 2; full++) {
				for (const char *const *th = slt_template_themes; *th; th++) {
					SltTemplateVars v;
					sample_vars(&v, full, *th);
					g_autofree char *text = NULL, *html = NULL;
					g_autoptr(GError) e = NULL;
					if (!slt_templates_render(t, *n, &v, &text, &html, &e)) {
						problem(&pr, dir, 0, "%s", e->message);
						goto rendered;
					}
				}
			}
		}
	}
rendered:
	if (pr.problems->len) {
		g_set_error_literal(error, SLT_TEMPLATE_ERROR, SLT_TEMPLATE_ERROR_LOAD,
				    pr.problems->str);
		g_string_free(pr.problems, TRUE);
		return NULL;
	}
	g_string_free(pr.problems, TRUE);
	return g_steal_pointer(&t);
}

/* ---- rendering ------------------------------------------------------- */

/* Plain text as a mail wants it: no trailing blanks, at most one empty
 * line in a row (conditional blocks leave gaps), no leading empty lines,
 * exactly one newline at the end. */
static char *
tidy_text(const char *s)
{
	g_auto(GStrv) lines = g_strsplit(s, "\n", -1);
	GString *out = g_string_new(NULL);
	int blanks = 0;
	for (char **l = lines; *l; l++) {
		g_strchomp(*l);
		if (!**l) {
			blanks++;
			continue;
		}
		if (out->len)
			g_string_append(out, blanks ? "\n\n" : "\n");
		g_string_append(out, *l);
		blanks = 0;
	}
	g_string_append_c(out, '\n');
	return g_string_free(out, FALSE);
}

/* The theme paragraph (plain text) as HTML: escaped, one <p> per
 * paragraph, <br> within. */
static char *
text_to_html(const char *text)
{
	g_auto(GStrv) paras = g_strsplit(text, "\n\n", -1);
	GString *out = g_string_new(NULL);
	for (char **p = paras; *p; p++) {
		g_strstrip(*p);
		if (!**p)
			continue;
		g_autofree char *esc = html_escape(*p);
		g_auto(GStrv) lines = g_strsplit(esc, "\n", -1);
		g_autofree char *joined = g_strjoinv("<br>\n", lines);
		g_string_append_printf(out, "<p>%s</p>\n", joined);
	}
	return g_string_free(out, FALSE);
}

static char *
expand(TmplTemplate *tpl, TmplScope *scope, const char *what, GError **error)
{
	g_autoptr(GError) e = NULL;
	char *s = tmpl_template_expand_string(tpl, scope, &e);
	if (!s)
		g_set_error(error, SLT_TEMPLATE_ERROR, SLT_TEMPLATE_ERROR_RENDER,
			    "cannot render template '%s': %s", what, e->message);
	return s;
}

gboolean
slt_templates_render(const SltTemplates *t, const char *name,
		     const SltTemplateVars *vars, char **text, char **html,
		     GError **error)
{
	g_return_val_if_fail(t && name && vars && text && html, FALSE);
	TmplTemplate *tt = g_hash_table_lookup(t->text, name);
	TmplTemplate *th = g_hash_table_lookup(t->html, name);
	if (!tt || !th) {
		g_set_error(error, SLT_TEMPLATE_ERROR, SLT_TEMPLATE_ERROR_RENDER,
			    "no template '%s' in '%s'", name, t->dir);
		return FALSE;
	}
	g_autoptr(TmplScope) ts = make_scope(vars, FALSE);
	g_autoptr(TmplScope) hs = make_scope(vars, TRUE);

	/* The theme's paragraph, rendered with the plain variables. */
	TmplTemplate *para = g_hash_table_lookup(t->themes, vars->theme ? vars->theme : "algemeen");
	if (!para)
		para = g_hash_table_lookup(t->themes, "algemeen");
	g_autofree char *ptext = NULL;
	if (para) {
		g_autofree char *raw = NULL;
		g_autofree char *what = g_strconcat("themes/", vars->theme ? vars->theme : "algemeen",
						    ".txt", NULL);
		if (!(raw = expand(para, ts, what, error)))
			return FALSE;
		ptext = g_strstrip(g_steal_pointer(&raw));
	} else {
		ptext = g_strdup("");
	}
	tmpl_scope_set_string(ts, "thema_alinea", ptext);
	g_autofree char *phtml = text_to_html(ptext);
	tmpl_scope_set_string(hs, "thema_alinea", phtml);

	g_autofree char *what_t = g_strconcat(name, ".txt", NULL);
	g_autofree char *what_h = g_strconcat(name, ".html", NULL);
	g_autofree char *rt = expand(tt, ts, what_t, error);
	if (!rt)
		return FALSE;
	g_autofree char *rh = expand(th, hs, what_h, error);
	if (!rh)
		return FALSE;
	*text = tidy_text(rt);
	*html = g_steal_pointer(&rh);
	return TRUE;
}
