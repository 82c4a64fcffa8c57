/* SPDX-License-Identifier: MIT */
/* publish: a new version of a work package, and one mail with it to every
 * person on its waiting list (`sltctl publish PACKAGE FILE...`).
 *
 * Exactly once per person and version, whatever happens: the files are
 * copied first (to DIR/PACKAGE/vN/, harmless if the rest never happens),
 * then ONE transaction records the publication, queues the mails (a
 * UNIQUE index on outbox (rcpt, package, version) for publications, with
 * INSERT OR IGNORE) and takes the people off the waiting list. A kill
 * before the commit leaves nothing; a second run with the same files
 * makes no new version and finds nobody left waiting; a second run with
 * other files makes a new version and, with nobody waiting, mails no one.
 * sltd sends the mails from the outbox. */
#pragma once

#include <glib.h>
#include "config.h"
#include "store.h"
#include "template.h"

typedef struct {
	const SltConfig *cfg;
	SltStore *store;             /* its packages in line with the catalogue */
	const SltTemplates *templates;
	const char *package;         /* package id */
	const char *const *files;    /* the PDF files to publish, NULL-terminated */
	const char *who;             /* who publishes (history, publications) */
} SltPublishRequest;

typedef struct {
	int version;                 /* the version now published */
	gboolean new_version;        /* FALSE: the same files were published already */
	guint queued;                /* mails queued now */
	guint already;               /* mails that were queued before (not again) */
	guint left;                  /* entries that left the list meanwhile */
} SltPublishResult;

#define SLT_PUBLISH_ERROR (slt_publish_error_quark())
GQuark slt_publish_error_quark(void);
typedef enum {
	SLT_PUBLISH_ERROR_INVALID,   /* unknown package, a file that is no readable PDF */
	SLT_PUBLISH_ERROR_COPY,      /* cannot copy into [packages] dir */
} SltPublishError;

/* Publish (see the file comment). Fills *res (may be NULL). FALSE with
 * SLT_PUBLISH_ERROR, a store error, or a compose error (then nothing was
 * recorded and nothing queued). */
gboolean slt_publish(const SltPublishRequest *req, SltPublishResult *res, GError **error);
