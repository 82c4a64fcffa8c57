/* SPDX-License-Identifier: MIT */
/* data: built-in data files through GResource, or a file that overrides them. */
#include "data.h"

#include <gio/gio.h>

GResource *slt_res_get_resource(void);
void slt_res_register_resource(void);

GBytes *
slt_data_get(const char *name, const char *path, GError **error)
{
	g_return_val_if_fail(name != NULL, NULL);

	if (path != NULL) {
		char *contents = NULL;
		gsize len = 0;
		if (!g_file_get_contents(path, &contents, &len, error))
			return NULL;
		return g_bytes_new_take(contents, len);
	}
	/* The resource is generated with --manual-register (so that the
	 * linker keeps it only when slt_data_get is used): initialise it once. */
	static gsize once;
	if (g_once_init_enter(&once)) {
		slt_res_register_resource();
		g_once_init_leave(&once, 1);
	}
	g_autofree char *rpath = g_strconcat("/nl/vng/sltd/", name, NULL);
	return g_resource_lookup_data(slt_res_get_resource(), rpath,
				      G_RESOURCE_LOOKUP_FLAGS_NONE, error);
}
