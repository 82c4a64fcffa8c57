/* SPDX-License-Identifier: MIT */
/* data: the data files built into the programs (data/sltd.gresource.xml):
 * the municipality list, the classifier model and lexicon. */
#pragma once

#include <glib.h>

/* The contents of data file `name` (e.g. "gemeenten.tsv"). When path is
 * not NULL, that file is read instead of the built-in copy (staff-edited
 * lexicon, a retrained model). Returns a new reference (owned by the
 * caller), or NULL with error. */
GBytes *slt_data_get(const char *name, const char *path, GError **error);
