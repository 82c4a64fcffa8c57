/* SPDX-License-Identifier: MIT */
/* template: the reply templates (templates/, see templates/README.md),
 * rendered with template-glib into a text/plain body and an HTML
 * alternative.
 *
 * Every template is read, checked and test-rendered when the set is
 * loaded (at start-up and on SIGHUP), so a broken template is reported
 * then, with file and line, and never in the middle of a reply. The HTML
 * rendering sees every variable HTML-escaped (template-glib itself does
 * not escape).
 *
 * Leaf module: no config, no store. */
#pragma once

#include <glib.h>

/* The reactions, one template pair (NAME.txt, NAME.html) each. */
#define SLT_TEMPLATE_ACK_SPARRING "ack-sparring"
#define SLT_TEMPLATE_ACK_VRAAG    "ack-vraag"
#define SLT_TEMPLATE_PACKAGE      "package"     /* packages attached or linked */
#define SLT_TEMPLATE_WAITLIST     "waitlist"    /* nothing published yet: on the list */
#define SLT_TEMPLATE_AFMELDEN     "afmelden"
#define SLT_TEMPLATE_PUBLICATION  "publication" /* a package a person waited for */
#define SLT_TEMPLATE_NEUTRAL      "neutral"     /* low confidence: received, staff will look */
extern const char *const slt_template_names[];  /* NULL-terminated */

/* The themes with a paragraph each in themes/THEME.txt. */
extern const char *const slt_template_themes[];  /* NULL-terminated */

typedef struct _SltTemplates SltTemplates;

/* One package as the templates see it (variables p.id, p.titel, ...).
 * Any field may be NULL (rendered as ""). */
typedef struct {
	const char *id;
	const char *title;
	const char *version;   /* "2" */
	const char *expected;  /* "voorjaar 2027" */
	const char *url;       /* download link */
	const char *files;     /* "visie-kennisoverzicht.pdf, visie-kenmerken.pdf" */
} SltTemplatePackage;

/* The variables of one reply; NULL strings render as "". Strings from
 * incoming mail (name, subject) may be anything: control characters are
 * replaced by spaces before rendering. Nothing is taken over. */
typedef struct {
	const char *name;          /* naam: the person's display name */
	const char *organisation;  /* organisatie: "gemeente Utrecht" */
	const char *theme;         /* thema: theme id; selects themes/THEME.txt */
	const char *theme_title;   /* thema_titel */
	const char *ref;           /* referentie: "SLT-12" */
	const char *contact;       /* contact: staff contact */
	const char *subject;       /* onderwerp: the subject of their mail */
	const SltTemplatePackage *attached; guint n_attached; /* bijgevoegd */
	const SltTemplatePackage *linked;   guint n_linked;   /* links */
	const SltTemplatePackage *waiting;  guint n_waiting;  /* wachtlijst */
	const SltTemplatePackage *removed;  guint n_removed;  /* afgemeld */
	const SltTemplatePackage *package;                    /* pakket (publication) */
} SltTemplateVars;

#define SLT_TEMPLATE_ERROR (slt_template_error_quark())
GQuark slt_template_error_quark(void);
typedef enum {
	SLT_TEMPLATE_ERROR_LOAD,   /* missing or broken template(s); every problem listed */
	SLT_TEMPLATE_ERROR_RENDER, /* unknown template name, or rendering failed */
} SltTemplateError;

/* Load every template in dir: each reaction's NAME.txt and NAME.html,
 * themes/THEME.txt, and the partials they include (_NAME.txt/.html).
 * Each file is checked (tags closed, if/for matched by end, expressions
 * that parse, only known variables and package fields, included files
 * present), then parsed by template-glib and test-rendered with sample
 * variables. On failure error lists every problem, one per line, as
 * "FILE:LINE: what is wrong" (LINE is left out where template-glib gives
 * none). Returns a new set (free with slt_templates_free). */
SltTemplates *slt_templates_load(const char *dir, GError **error);

void slt_templates_free(SltTemplates *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltTemplates, slt_templates_free)

/* The directory the set was loaded from (owned by the set). */
const char *slt_templates_dir(const SltTemplates *t);

/* Render reaction name with vars into *text (UTF-8, LF line ends, blank
 * lines collapsed, one trailing newline) and *html (a complete HTML
 * document); both new strings owned by the caller. FALSE with
 * SLT_TEMPLATE_ERROR_RENDER for an unknown name (a loaded set renders
 * every known name: it was test-rendered at load). */
gboolean slt_templates_render(const SltTemplates *t, const char *name,
			      const SltTemplateVars *vars, char **text,
			      char **html, GError **error);
