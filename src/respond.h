/* SPDX-License-Identifier: MIT */
/* respond: the reaction to each recorded message, run inside the
 * transaction that records it (ingest.h, SltIngestReactFunc): gather the
 * facts (packages, recent replies, the thread), decide (react.c), change
 * the waiting list, compose the reply (compose.c) and queue it in the
 * outbox, or record why there is none. Nothing is sent here: the outbox
 * (outbox.c) does that after the commit.
 *
 * The responder also owns what the replies need from disk: the package
 * catalogue (seeded into the store) and the templates, both read at
 * start-up and again on reload (SIGHUP), so a broken file is reported
 * then and the previous set stays in use. */
#pragma once

#include <glib.h>
#include "config.h"
#include "ingest.h"
#include "store.h"

typedef struct _SltResponder SltResponder;

#define SLT_RESPOND_ERROR (slt_respond_error_quark())
GQuark slt_respond_error_quark(void);
typedef enum {
	SLT_RESPOND_ERROR_CONFIG,  /* catalogue or templates cannot be used */
} SltRespondError;

/* Read the catalogue ([packages] catalogue) and the templates ([replies]
 * templates), check them, and bring the store's packages table in line
 * with the catalogue (store-outbox.h, slt_store_packages_sync). cfg is
 * borrowed and must outlive the responder. Returns a new responder or
 * NULL with SLT_RESPOND_ERROR_CONFIG (every problem listed) or a store
 * error. */
SltResponder *slt_responder_new(const SltConfig *cfg, SltStore *store, GError **error);

/* Read catalogue and templates again; on any problem keep the old ones
 * and return FALSE with the problems. */
gboolean slt_responder_reload(SltResponder *r, SltStore *store, GError **error);

/* The templates in use (owned by the responder; replaced by reload). */
const struct _SltTemplates *slt_responder_templates(const SltResponder *r);

void slt_responder_free(SltResponder *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltResponder, slt_responder_free)

/* The ingest hook (SltIngestReactFunc; user_data is the responder).
 * Returns FALSE only for a store error; a reply that cannot be composed
 * (a package file gone) is recorded as suppressed with the reason, and
 * logged, so one bad file never stops the mailbox. */
gboolean slt_responder_react(SltStore *store, const SltIngested *in, gpointer user_data,
			     GError **error);

/* Check catalogue and templates without a store (sltd -n). FALSE with
 * every problem. */
gboolean slt_responder_check(const SltConfig *cfg, GError **error);
