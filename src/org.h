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
 * Leaf module: no I/O. A directory is read-only after it is built except
 * for the learned domains, which a lock guards: slt_org_detect is
 * thread-safe, also against slt_org_directory_learn. */
#pragma once

#include <glib.h>
#include "mime.h"

typedef struct _SltOrgDirectory SltOrgDirectory;

#define SLT_ORG_ERROR (slt_org_error_quark())
GQuark slt_org_error_quark(void);
typedef enum {
	SLT_ORG_ERROR_PARSE,   /* the municipality list is malformed */
	SLT_ORG_ERROR_UNKNOWN, /* a municipality name that is not in it */
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

/* Where an answer of slt_org_detect_source came from, strongest first. */
typedef enum {
	SLT_ORG_SOURCE_NONE,       /* "" */
	SLT_ORG_SOURCE_SIGNATURE,  /* the signature or the closing lines */
	SLT_ORG_SOURCE_DISPLAY,    /* the From display name */
	SLT_ORG_SOURCE_TEXT,       /* "werkzaam bij Stichting X" in the new text */
	SLT_ORG_SOURCE_LEARNED,    /* the domain, learned from earlier mail */
	SLT_ORG_SOURCE_DOMAIN,     /* a municipality's domain */
	SLT_ORG_SOURCE_WEAK,       /* a bare sub-team in the signature ("Wijkteam West") */
	SLT_ORG_SOURCE_BULK,       /* a newsletter's display name or footer */
} SltOrgSource;

/* As slt_org_detect_why; *source (may be NULL) says where the answer came
 * from. Only SIGNATURE and TEXT answers are the sender's own word about
 * their organisation: those are the ones worth learning from. */
char *slt_org_detect_source(const SltOrgDirectory *dir, const SltMessage *msg, char **why,
			    SltOrgSource *source);

/* Remember that mail from domain comes from org (a "team:" or "overig:"
 * label that an earlier message's signature named), so that a later
 * message from that domain without such a signature (a short reply, an
 * out-of-office reply, a read receipt) gets it too. Ignored (NULL) for
 * free-mail domains (gmail, hotmail, ziggo, kpnmail...), municipality
 * domains, "gemeente:" and empty labels. A later org for the same domain
 * replaces the earlier one, unless the domain is pinned: pin (staff set
 * it, sltctl orgs set) makes this pair stay, whatever is learned later.
 * Returns the lowercased domain (new string) when the map changed, for
 * the caller to persist, else NULL. Thread-safe (a lock), also against
 * slt_org_detect. */
char *slt_org_directory_learn_domain(SltOrgDirectory *dir, const char *domain, const char *org,
				     gboolean pin);
/* The rules above as a check with a reason: FALSE with error
 * (SLT_ORG_ERROR_UNKNOWN) when learn_domain would ignore the pair. */
gboolean slt_org_check_pair(const SltOrgDirectory *dir, const char *domain, const char *org,
			    GError **error);
/* Drop every learned and pinned pair (to load them again from the
 * store, when staff changed them from another process). */
void slt_org_directory_forget_learned(SltOrgDirectory *dir);
/* The same for msg's From domain. */
char *slt_org_directory_learn(SltOrgDirectory *dir, const SltMessage *msg, const char *org);
/* The learned org for addr's domain (a new string), or NULL. */
char *slt_org_directory_lookup_learned(const SltOrgDirectory *dir, const char *addr);

/* The municipality ("gemeente:<name>") whose domain addr's domain is or
 * is under, or NULL. Returns a new string. */
char *slt_org_municipality_by_domain(const SltOrgDirectory *dir, const char *addr);

/* A staff-given organisation label checked against the directory: a
 * "gemeente:" name must be one of the municipalities (any spelling that
 * folds to its name or an alias: "gemeente:den bosch") and comes back
 * as the directory spells it ("gemeente:'s-Hertogenbosch"); "team:" and
 * "overig:" labels and "" come back unchanged. Returns a new string, or
 * NULL with error (SLT_ORG_ERROR_UNKNOWN) naming the unknown or
 * ambiguous name. */
char *slt_org_canonical(const SltOrgDirectory *dir, const char *org, GError **error);

/* Fold a name for matching: lowercase, diacritics and apostrophes
 * removed, every run of other non-alphanumeric characters one space,
 * trimmed ("'s-Hertogenbosch" -> "s hertogenbosch"). Returns a new
 * string. */
char *slt_org_fold(const char *s);
