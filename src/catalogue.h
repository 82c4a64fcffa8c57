/* SPDX-License-Identifier: MIT */
/* catalogue: the work package catalogue (config/packages.conf.example), a
 * GKeyFile with one group per package: title, state, version, expected
 * date and file names.
 *
 * Source of truth. The file gives what staff write by hand: titles and
 * when a package is expected. Whether a package is published, its version
 * and its files live in the database: the file seeds them the first time
 * a package is seen (so packages published before sltd existed can be
 * declared there), after that only `sltctl publish` changes them (see
 * store.h, slt_store_packages_sync). Publishing therefore never needs a
 * file edit, and a stale file can never unpublish a package.
 *
 * Leaf module: no config, no store. */
#pragma once

#include <glib.h>

/* The five package ids, in the catalogue's (and the replies') order. */
#define SLT_CATALOGUE_N_PACKAGES 5
extern const char *const slt_catalogue_ids[SLT_CATALOGUE_N_PACKAGES + 1];

typedef struct {
	char *id;            /* one of slt_catalogue_ids */
	char *title;         /* "Goed bestuur in relatie tot stevige lokale teams" */
	gboolean published;  /* state = gepubliceerd */
	int version;         /* 0 while never published, else >= 1 */
	char *expected;      /* free text ("voorjaar 2027"), or NULL */
	char **files;        /* file names in [packages] dir; never NULL (may be empty) */
} SltPackage;

typedef struct {
	char *path;          /* where it was read from */
	GPtrArray *packages; /* SltPackage*, in slt_catalogue_ids order, all five */
} SltCatalogue;

#define SLT_CATALOGUE_ERROR (slt_catalogue_error_quark())
GQuark slt_catalogue_error_quark(void);
typedef enum {
	SLT_CATALOGUE_ERROR_READ,    /* the file cannot be read */
	SLT_CATALOGUE_ERROR_INVALID, /* syntax or a bad value; the message lists every problem */
} SltCatalogueError;

/* Read and check the catalogue at path. Every problem is reported, one
 * per line, as "FILE:LINE: [group] key: what is wrong" (an unknown group
 * or key, a missing package, a missing title, a state other than
 * in-ontwikkeling / gepubliceerd, a published package without version or
 * files, a file name with a directory part). Returns a new catalogue
 * (free with slt_catalogue_free) or NULL with error. */
SltCatalogue *slt_catalogue_load(const char *path, GError **error);

/* The same for text already in memory; name is used in messages. */
SltCatalogue *slt_catalogue_parse(const char *text, gsize len, const char *name,
				  GError **error);

/* The built-in catalogue: the five titles, all in development, nothing
 * expected (for a desk without a catalogue file). New catalogue whose
 * path is "(built-in)". */
SltCatalogue *slt_catalogue_builtin(void);

void slt_catalogue_free(SltCatalogue *cat);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SltCatalogue, slt_catalogue_free)

/* The package with this id, or NULL (owned by the catalogue). */
const SltPackage *slt_catalogue_find(const SltCatalogue *cat, const char *id);

/* TRUE for the five ids. */
gboolean slt_catalogue_is_id(const char *id);

/* Check that every file of every published package exists in dir as a
 * regular, readable file. FALSE with SLT_CATALOGUE_ERROR_INVALID listing
 * every missing file. */
gboolean slt_catalogue_check_files(const SltCatalogue *cat, const char *dir,
				   GError **error);
