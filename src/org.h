/* SPDX-License-Identifier: MIT */
/* org: the sender's organisation, labelled as TAXONOMY.md says:
 * "gemeente:<name>" (the name column of data/gemeenten.tsv, CBS
 * spelling), "team:<name>" for a local team or executing foundation,
 * "overig:<name>" for any other organisation, "" when it cannot be told
 * (private persons, bounces, look-alike senders).
 *
 * Order of evidence: the signature (and the short closing lines of the
 * new text), then the From display name, then "werkzaam bij Stichting
 * X"-style phrases in the new text, then the sender's domain (a learned
 * team domain, else a municipality's domain or a subdomain of it).
 * Municipality names are matched with diacritics, case, apostrophes and
 * hyphens folded ("'s-Hertogenbosch" = "’s Hertogenbosch"), aliases
 * included ("Den Haag"); an ambiguous name (Bergen) is settled by the
 * domain. Quoted and forwarded mail is never read.
 *
 * Leaf module: no I/O. A directory is read-only after it is built, so
 * slt_org_detect is thread-safe, except against slt_org_directory_learn. */
#pragma once

#include <glib.h>
#include "mime.h"

typedef struct _SltOrgDirectory SltOrgDirectory;

#define SLT_ORG_ERROR (slt_org_error_quark())
GQuark slt_org_error_quark(void);
typedef enum {
	SLT_ORG_ERROR_PARSE,   /* the municipality list is malformed */
} SltOrgError;

/* Build a directory from the bytes of gemeenten.tsv (header line
 * "code name province domain aliases", tab-separated, UTF-8). Adds the
 * other domains that gemeenten.README.md names. Returns a new directory
 * (free with slt_org_directory_free), or NULL with error naming the bad
 * line. */
SltOrgDirectory *slt_org_directory_new(GBytes *tsv, GError **error);
void slt_org_directory_free(SltOrgDirectory *dir);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltOrgDirectory, slt_org_directory_free)

/* The number of municipalities in the directory. */
guint slt_org_directory_size(const SltOrgDirectory *dir);

/* The organisation of msg's sender. Returns a new string (owned by the
 * caller): "gemeente:...", "team:...", "overig:..." or "". When why is
 * not NULL it receives a new string saying where the answer came from
 * ("signature line 'Gemeente Zwolle'", "domain zwolle.nl"), or NULL for
 * "". */
char *slt_org_detect_why(const SltOrgDirectory *dir, const SltMessage *msg, char **why);
char *slt_org_detect(const SltOrgDirectory *dir, const SltMessage *msg);

/* Remember that mail from msg's From domain comes from org (a "team:" or
 * "overig:" label found in an earlier message's signature), so that a
 * later message from that domain without a signature (an out-of-office
 * reply, a read receipt) gets it too. Ignored for free-mail domains,
 * municipality domains and other labels. Not thread-safe. */
void slt_org_directory_learn(SltOrgDirectory *dir, const SltMessage *msg, const char *org);

/* The municipality ("gemeente:<name>") whose domain addr's domain is or
 * is under, or NULL. Returns a new string. */
char *slt_org_municipality_by_domain(const SltOrgDirectory *dir, const char *addr);

/* Fold a name for matching: lowercase, diacritics and apostrophes
 * removed, every run of other non-alphanumeric characters one space,
 * trimmed ("'s-Hertogenbosch" -> "s hertogenbosch"). Returns a new
 * string. */
char *slt_org_fold(const char *s);
