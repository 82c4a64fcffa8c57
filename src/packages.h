/* SPDX-License-Identifier: MIT */
/* packages: which work packages a sender asks to receive, by rules over
 * the sender's own text (TAXONOMY.md, "Labelling conventions"):
 *
 *  - a package counts when a sentence names it (or points back at it:
 *    "mag ik 'm ontvangen?", "wilt u ons voor beide pakketten noteren?")
 *    near a request ("graag ontvangen", "toesturen", "op de wachtlijst
 *    zetten", "vraag ... aan", "please send");
 *  - mentioning a package, asking *when* it appears, thanking for it or
 *    saying "dat pakket hebben we al" is not a request; packages they say
 *    they have are left out;
 *  - "alle (vijf)", "allemaal", a request for "de werkpakketten" without
 *    names: `alle`; "de andere vier" is resolved against the ones they
 *    have; all five named: `alle`;
 *  - order: as the sender puts them (the first is the primary theme).
 *
 * Pure function over a SltDoc (textfeat.h). */
#pragma once

#include <glib.h>
#include "textfeat.h"

/* Why a token's request words do not count (SltPackages.inquiry). */
enum {
	SLT_INQ_NONE,
	SLT_INQ_INDIRECT, /* "ik wil graag weten of ...", "benieuwd wanneer ..." */
	SLT_INQ_YESNO,    /* "gaan de werkpakketten ook over jeugd?" */
	SLT_INQ_WH,       /* "wanneer komen ze uit?" */
	SLT_INQ_OTHER,    /* asks for something else: "graag een bevestiging" */
	SLT_INQ_POLITE,   /* "benieuwd of jullie met ons willen sparren": indirect,
			   * but asks for something (not a package) */
};

typedef struct {
	GPtrArray *requested;  /* char* (static) package ids in the sender's order,
				* or the single id "alle"; never NULL */
	GPtrArray *have;       /* char* (static) ids they say they already have */
	GPtrArray *why;        /* char* (owned) evidence in plain words */
	gboolean mentioned;    /* some package named at all (request or not) */
	gboolean ps_only;      /* every request came from a "PS" line */
	gboolean explicit_;    /* a request names packages (not just "het") */
	gboolean unresolved;   /* asked for "het werkpakket", but which is not said */
	gboolean asked_about;  /* asks about packages ("wanneer komen ze uit?", "gaan
				* ze ook over jeugd?") and for none */
	guint8 *inquiry;       /* per token of the doc: an SLT_INQ_* (owned) */
} SltPackages;

void slt_packages_init(SltPackages *p);
void slt_packages_clear(SltPackages *p);

/* Find the requested packages in doc into p (initialised). */
void slt_packages_find(const SltDoc *doc, SltPackages *p);

/* The five package ids, in the catalogue's order. */
extern const char *const slt_package_ids[5];
