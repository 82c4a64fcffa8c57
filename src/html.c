/* SPDX-License-Identifier: MIT */
/* html: mail HTML into plain text (libxml2's forgiving HTML parser, then
 * an iterative walk of the tree so that deep nesting cannot exhaust the
 * stack). RFC 2854 (text/html in mail); layout rules follow what Outlook,
 * Gmail and Apple Mail produce (tests/corpus). */
#include "html.h"

#include <stdlib.h>
#include <string.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/parser.h>

/* libxml2 takes an int length; mail text beyond this is cut anyway
 * (mime.c caps text), so do not let a huge newsletter cost more. */
#define HTML_MAX_INPUT (8u * 1024 * 1024)

typedef enum {
	EL_INLINE = 0,
	EL_SKIP,        /* not shown: head, script, style... */
	EL_BLOCK,       /* own line(s) */
	EL_PARA,        /* own paragraph (empty line around) unless Word's MsoNormal */
	EL_HEADING,     /* own paragraph */
	EL_BR,
	EL_HR,
	EL_LI,
	EL_UL,
	EL_OL,
	EL_DT,
	EL_BLOCKQUOTE,
	EL_PRE,
	EL_TR,
	EL_CELL,
} ElKind;

typedef struct {
	const char *name;
	ElKind kind;
} ElDef;

/* Sorted by name for bsearch (strcmp order). */
static const ElDef elements[] = {
	{ "address", EL_BLOCK },
	{ "applet", EL_SKIP },
	{ "article", EL_BLOCK },
	{ "aside", EL_BLOCK },
	{ "audio", EL_SKIP },
	{ "blockquote", EL_BLOCKQUOTE },
	{ "body", EL_BLOCK },
	{ "br", EL_BR },
	{ "button", EL_SKIP },
	{ "canvas", EL_SKIP },
	{ "caption", EL_BLOCK },
	{ "center", EL_BLOCK },
	{ "dd", EL_BLOCK },
	{ "details", EL_BLOCK },
	{ "dialog", EL_BLOCK },
	{ "dir", EL_UL },
	{ "div", EL_BLOCK },
	{ "dl", EL_BLOCK },
	{ "dt", EL_DT },
	{ "embed", EL_SKIP },
	{ "fieldset", EL_BLOCK },
	{ "figcaption", EL_BLOCK },
	{ "figure", EL_BLOCK },
	{ "footer", EL_BLOCK },
	{ "form", EL_BLOCK },
	{ "frameset", EL_SKIP },
	{ "h1", EL_HEADING },
	{ "h2", EL_HEADING },
	{ "h3", EL_HEADING },
	{ "h4", EL_HEADING },
	{ "h5", EL_HEADING },
	{ "h6", EL_HEADING },
	{ "head", EL_SKIP },
	{ "header", EL_BLOCK },
	{ "hr", EL_HR },
	{ "iframe", EL_SKIP },
	{ "legend", EL_BLOCK },
	{ "li", EL_LI },
	{ "main", EL_BLOCK },
	{ "map", EL_SKIP },
	{ "menu", EL_UL },
	{ "meta", EL_SKIP },
	{ "nav", EL_BLOCK },
	{ "noscript", EL_SKIP },
	{ "object", EL_SKIP },
	{ "ol", EL_OL },
	{ "option", EL_SKIP },
	{ "p", EL_PARA },
	{ "pre", EL_PRE },
	{ "script", EL_SKIP },
	{ "section", EL_BLOCK },
	{ "select", EL_SKIP },
	{ "style", EL_SKIP },
	{ "summary", EL_BLOCK },
	{ "svg", EL_SKIP },
	{ "table", EL_BLOCK },
	{ "td", EL_CELL },
	{ "template", EL_SKIP },
	{ "textarea", EL_SKIP },
	{ "th", EL_CELL },
	{ "title", EL_SKIP },
	{ "tr", EL_TR },
	{ "ul", EL_UL },
	{ "video", EL_SKIP },
	{ "xml", EL_SKIP },  /* Word's <xml> islands outside conditional comments */
	{ "xmp", EL_PRE },
};

static int
eldef_cmp(const void *key, const void *el)
{
	return strcmp(key, ((const ElDef *)el)->name);
}

static ElKind
element_kind(const char *name)
{
	const ElDef *d = bsearch(name, elements, G_N_ELEMENTS(elements),
				 sizeof elements[0], eldef_cmp);
	return d ? d->kind : EL_INLINE;
}

typedef struct {
	GString *out;
	int quote;        /* <blockquote> depth */
	int col;          /* bytes on the current line; 0: at line start, no prefix yet */
	int empty_lines;  /* empty lines just written */
	int pre;          /* inside <pre> */
	gboolean space;   /* collapsed white space pending */
	GArray *lists;    /* int per open list: 0 for <ul>, else the next <ol> number */
} Render;

/* Quote marks for the current depth, at most QUOTE_MAX of them: 5000
 * nested <blockquote>s must not make every line 5000 bytes longer. */
#define QUOTE_MAX 16

static void
write_prefix(Render *r)
{
	for (int i = 0; i < r->quote && i < QUOTE_MAX; i++)
		g_string_append_c(r->out, '>');
}

/* End the current line, even an empty one (<br><br> makes an empty line). */
static void
line_end(Render *r)
{
	if (r->col == 0) {
		write_prefix(r);
		r->empty_lines++;
	} else {
		r->empty_lines = 0;
	}
	g_string_append_c(r->out, '\n');
	r->col = 0;
	r->space = FALSE;
}

static void
ensure_line_start(Render *r)
{
	if (r->col > 0)
		line_end(r);
	r->space = FALSE;
}

static void
blank_line(Render *r)
{
	ensure_line_start(r);
	if (r->out->len > 0 && r->empty_lines == 0)
		line_end(r);
}

static void
write_run(Render *r, const char *s, gsize n)
{
	if (n == 0)
		return;
	if (r->col == 0) {
		if (r->quote) {
			write_prefix(r);
			g_string_append_c(r->out, ' ');
		}
	} else if (r->space) {
		g_string_append_c(r->out, ' ');
	}
	r->space = FALSE;
	g_string_append_len(r->out, s, n);
	r->col += (int)MIN(n, 1000);
	r->empty_lines = 0;
}

static gboolean
is_html_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void
write_text(Render *r, const char *s)
{
	if (r->pre) {
		/* Pre-formatted: keep spaces, newlines end lines. */
		while (*s) {
			const char *nl = strchr(s, '\n');
			gsize n = nl ? (gsize)(nl - s) : strlen(s);
			if (n && s[n - 1] == '\r')
				n--;
			write_run(r, s, n);
			if (!nl)
				break;
			line_end(r);
			s = nl + 1;
		}
		return;
	}
	while (*s) {
		if (is_html_space(*s)) {
			r->space = TRUE;
			s++;
			continue;
		}
		const char *start = s;
		while (*s && !is_html_space(*s))
			s++;
		write_run(r, start, s - start);
	}
}

/* The value of attribute name without copying (NULL when absent). */
static const char *
attr_value(xmlNode *node, const char *name)
{
	xmlAttr *a = xmlHasProp(node, (const xmlChar *)name);
	if (!a || !a->children || !a->children->content)
		return NULL;
	return (const char *)a->children->content;
}

/* Whether a CSS declaration list says display:none or mso-hide:all
 * (preheaders, tracking text, Outlook's hidden bits), ignoring case and
 * spaces. */
static gboolean
style_hidden(const char *style)
{
	char buf[512];
	gsize n = 0;
	for (const char *p = style; *p && n < sizeof buf - 1; p++)
		if (!is_html_space(*p))
			buf[n++] = g_ascii_tolower(*p);
	buf[n] = '\0';
	return strstr(buf, "display:none") || strstr(buf, "mso-hide:all");
}

/* Word's paragraphs (class MsoNormal, MsoPlainText, MsoListParagraph...)
 * have zero margins: one line each, empty lines come as <o:p>&nbsp;. */
static gboolean
is_word_para(xmlNode *node)
{
	const char *cls = attr_value(node, "class");
	return cls && g_ascii_strncasecmp(cls, "Mso", 3) == 0;
}

/* libxml2's HTML parser drops the prefix of Word's <o:p>, so it arrives
 * as a <p> inside a <p> (impossible in real HTML, where <p> closes an open
 * <p>). Such a "paragraph" is inline. The walk up is bounded: Word nests
 * <o:p> in a span or two, not deeper. */
static gboolean
inside_para(xmlNode *node)
{
	int n = 0;
	for (xmlNode *p = node->parent; p && n < 16; p = p->parent, n++)
		if (p->type == XML_ELEMENT_NODE && p->name && strcmp((const char *)p->name, "p") == 0)
			return TRUE;
	return FALSE;
}

static ElKind
node_kind(xmlNode *node)
{
	ElKind kind = element_kind((const char *)node->name);
	if (kind == EL_PARA && inside_para(node))
		return EL_INLINE;
	return kind;
}

/* Called on the way down. Returns whether to walk into the children. */
static gboolean
enter(Render *r, xmlNode *node)
{
	if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
		if (node->content)
			write_text(r, (const char *)node->content);
		return FALSE;
	}
	if (node->type != XML_ELEMENT_NODE || !node->name)
		return FALSE;
	ElKind kind = node_kind(node);
	if (kind == EL_SKIP)
		return FALSE;
	if (node->properties) {
		const char *style = attr_value(node, "style");
		if ((style && style_hidden(style)) || xmlHasProp(node, (const xmlChar *)"hidden"))
			return FALSE;
	}
	switch (kind) {
	case EL_BR:
		line_end(r);
		return FALSE;
	case EL_HR:
		ensure_line_start(r);
		return FALSE;
	case EL_PARA:
		if (is_word_para(node))
			ensure_line_start(r);
		else
			blank_line(r);
		break;
	case EL_HEADING:
		blank_line(r);
		break;
	case EL_BLOCK:
	case EL_TR:
	case EL_DT:
		ensure_line_start(r);
		break;
	case EL_UL:
	case EL_OL: {
		ensure_line_start(r);
		int start = 0;
		if (kind == EL_OL) {
			const char *s = attr_value(node, "start");
			start = s ? CLAMP(atoi(s), 1, 100000) : 1;
		}
		g_array_append_val(r->lists, start);
		break;
	}
	case EL_LI: {
		ensure_line_start(r);
		GString *marker = g_string_new(NULL);
		guint depth = r->lists->len;
		for (guint i = 1; i < depth; i++)
			g_string_append(marker, "  ");
		int *n = depth ? &g_array_index(r->lists, int, depth - 1) : NULL;
		if (n && *n > 0)
			g_string_append_printf(marker, "%d.", (*n)++);
		else
			g_string_append_c(marker, '-');
		write_run(r, marker->str, marker->len);
		r->space = TRUE;
		g_string_free(marker, TRUE);
		break;
	}
	case EL_BLOCKQUOTE:
		ensure_line_start(r);
		r->quote++;
		/* No empty quoted line before the first paragraph inside. */
		r->empty_lines = 1;
		break;
	case EL_PRE:
		ensure_line_start(r);
		r->pre++;
		break;
	case EL_CELL:
		if (r->col > 0)
			r->space = TRUE;
		break;
	default:
		break;
	}
	return TRUE;
}

/* Called on the way up, for elements that enter() walked into. */
static void
leave(Render *r, xmlNode *node)
{
	if (node->type != XML_ELEMENT_NODE || !node->name)
		return;
	switch (node_kind(node)) {
	case EL_PARA:
		if (is_word_para(node))
			ensure_line_start(r);
		else
			blank_line(r);
		break;
	case EL_HEADING:
		blank_line(r);
		break;
	case EL_BLOCK:
	case EL_TR:
	case EL_DT:
	case EL_LI:
		ensure_line_start(r);
		break;
	case EL_UL:
	case EL_OL:
		ensure_line_start(r);
		if (r->lists->len)
			g_array_set_size(r->lists, r->lists->len - 1);
		break;
	case EL_BLOCKQUOTE:
		ensure_line_start(r);
		if (r->quote > 0)
			r->quote--;
		break;
	case EL_PRE:
		ensure_line_start(r);
		if (r->pre > 0)
			r->pre--;
		break;
	case EL_CELL:
		r->space = TRUE;
		break;
	default:
		break;
	}
}

static void
walk(Render *r, xmlNode *root)
{
	xmlNode *node = root;
	while (node) {
		gboolean down = enter(r, node);
		if (down && node->children) {
			node = node->children;
			continue;
		}
		if (down)
			leave(r, node);
		/* Climb until a sibling is found, leaving each parent. */
		while (node) {
			if (node == root) {
				node = NULL;
				break;
			}
			if (node->next) {
				node = node->next;
				break;
			}
			node = node->parent;
			if (node)
				leave(r, node);
		}
	}
}

/* Final layout: non-breaking spaces become spaces, invisible characters
 * go, lines lose trailing blanks, at most one empty line in a row, none
 * at either end. */
static char *
tidy(const char *s, gsize len)
{
	GString *out = g_string_sized_new(len + 1);
	gsize line_start = 0;
	int empty = 0;
	gboolean any = FALSE;
	const char *end = s + len;
	while (s < end) {
		const char *nl = memchr(s, '\n', end - s);
		const char *le = nl ? nl : end;
		gsize mark = out->len;
		for (const char *p = s; p < le;) {
			unsigned char c = (unsigned char)*p;
			if (c == 0xc2 && p + 1 < le && (unsigned char)p[1] == 0xa0) {
				g_string_append_c(out, ' ');  /* U+00A0 */
				p += 2;
			} else if (c == 0xc2 && p + 1 < le && (unsigned char)p[1] == 0xad) {
				p += 2;                        /* U+00AD soft hyphen */
			} else if (c == 0xe2 && p + 2 < le && (unsigned char)p[1] == 0x80 &&
				   (unsigned char)p[2] == 0x8b) {
				p += 3;                        /* U+200B zero width space */
			} else if (c == 0xef && p + 2 < le && (unsigned char)p[1] == 0xbb &&
				   (unsigned char)p[2] == 0xbf) {
				p += 3;                        /* U+FEFF */
			} else if (c < 0x20 && c != '\t') {
				p++;                           /* stray control character */
			} else {
				g_string_append_c(out, (char)c);
				p++;
			}
		}
		/* Trailing blanks go; a quoted empty line (">") stays. */
		while (out->len > mark && (out->str[out->len - 1] == ' ' || out->str[out->len - 1] == '\t'))
			g_string_truncate(out, out->len - 1);
		gboolean is_empty = out->len == mark;
		if (is_empty) {
			if (!any || empty >= 1) {
				g_string_truncate(out, mark);
			} else {
				g_string_append_c(out, '\n');
			}
			empty++;
		} else {
			g_string_append_c(out, '\n');
			empty = 0;
			any = TRUE;
			line_start = out->len;
		}
		s = nl ? nl + 1 : end;
	}
	/* Drop the trailing empty lines and the last newline. */
	g_string_truncate(out, line_start);
	while (out->len && out->str[out->len - 1] == '\n')
		g_string_truncate(out, out->len - 1);
	return g_string_free(out, FALSE);
}

static gsize
init_libxml(void)
{
	xmlInitParser();
	return 1;
}

char *
slt_html_to_text(const char *html, gssize len)
{
	static gsize inited;
	if (g_once_init_enter(&inited))
		g_once_init_leave(&inited, init_libxml());

	if (!html)
		return g_strdup("");
	gsize n = len < 0 ? strlen(html) : (gsize)len;
	if (n > HTML_MAX_INPUT)
		n = HTML_MAX_INPUT;
	/* libxml2 stops at a NUL byte in some paths; drop them. */
	g_autofree char *copy = NULL;
	if (memchr(html, '\0', n)) {
		copy = g_malloc(n + 1);
		gsize k = 0;
		for (gsize i = 0; i < n; i++)
			if (html[i])
				copy[k++] = html[i];
		copy[k] = '\0';
		html = copy;
		n = k;
	}
	if (n == 0)
		return g_strdup("");

	htmlDocPtr doc = htmlReadMemory(html, (int)n, NULL, "UTF-8",
					HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
					HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
					HTML_PARSE_COMPACT | XML_PARSE_HUGE);
	if (!doc)
		return g_strdup("");
	Render r = {
		.out = g_string_sized_new(n / 3 + 16),
		.lists = g_array_new(FALSE, FALSE, sizeof(int)),
	};
	xmlNode *root = xmlDocGetRootElement(doc);
	if (root)
		walk(&r, root);
	xmlFreeDoc(doc);
	g_array_unref(r.lists);

	char *text = tidy(r.out->str, r.out->len);
	g_string_free(r.out, TRUE);
	if (!g_utf8_validate(text, -1, NULL)) {
		char *valid = g_utf8_make_valid(text, -1);
		g_free(text);
		text = valid;
	}
	return text;
}
