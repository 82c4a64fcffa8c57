/* SPDX-License-Identifier: MIT */
/* compose: a decided reply into the exact bytes for the outbox: the
 * template rendered with the person's and the packages' variables, the
 * package files attached (or linked), the mail built by reply.c.
 * Used for reactions to incoming mail (respond.c) and for publication
 * mailings (publish.c). */
#pragma once

#include <glib.h>
#include "store-outbox.h"
#include "template.h"

/* What does not change from one reply to the next (borrowed pointers). */
typedef struct {
	const SltTemplates *templates;
	const char *from;            /* [smtp] from */
	const char *domain;          /* Message-ID domain */
	const char *contact;         /* [replies] staff-contact, NULL: a default */
	const char *packages_dir;    /* [packages] dir */
	const char *download_url;    /* [packages] download-url, or NULL */
	const GPtrArray *packages;   /* SltStorePackage*, the current state */
} SltComposer;

typedef struct {
	const char *kind;            /* template name (SLT_TEMPLATE_*) */
	gint64 request_id;
	const char *to_addr;
	const char *to_name;         /* may be NULL */
	const char *org;             /* org label ("gemeente:Utrecht"), may be NULL */
	const char *theme;           /* theme id, may be NULL (algemeen) */
	const char *subject;         /* the whole subject line */
	const char *their_subject;   /* for the template (onderwerp), may be NULL */
	const char *in_reply_to;     /* may be NULL */
	const GPtrArray *references; /* may be NULL */
	const char *auto_submitted;  /* NULL: auto-replied */
	const GPtrArray *attach;     /* package ids: attached */
	const GPtrArray *link;       /* ... sent as a download link */
	const GPtrArray *wait;       /* ... on the waiting list */
	const GPtrArray *removed;    /* ... waiting list left (afmelden) */
	const char *package;         /* publication: the package id */
} SltComposeRequest;

#define SLT_COMPOSE_ERROR (slt_compose_error_quark())
GQuark slt_compose_error_quark(void);
typedef enum {
	SLT_COMPOSE_ERROR_FILE,      /* a package file cannot be read */
	SLT_COMPOSE_ERROR_FAILED,    /* rendering or building failed */
} SltComposeError;

/* Build the mail. *message_id gets our new Message-ID (no brackets, new
 * string). Returns the bytes (new reference) or NULL with an
 * SLT_COMPOSE_ERROR, SLT_TEMPLATE_ERROR or SLT_REPLY_ERROR. */
GBytes *slt_compose(const SltComposer *c, const SltComposeRequest *r,
		    char **message_id, GError **error);

/* The package of that id in c->packages, or NULL. */
const SltStorePackage *slt_compose_package(const SltComposer *c, const char *id);

/* Bytes of a package's files together, or -1 when one cannot be read. */
gint64 slt_compose_package_size(const SltComposer *c, const SltStorePackage *p);

/* A display name as a greeting uses it: "Dijkstra, Mirjam" -> "Mirjam
 * Dijkstra", "Ruiter, Matthijs de" -> "Matthijs de Ruiter" (Outlook's
 * "Last, First" form); quotes and surrounding blanks removed; a name that
 * is an address, or empty: NULL. New string. */
char *slt_compose_greeting_name(const char *name);

/* "gemeente:Utrecht" -> "gemeente Utrecht", "team:X" and "overig:X" ->
 * "X", "" or NULL -> NULL. New string. */
char *slt_compose_org_display(const char *org);
