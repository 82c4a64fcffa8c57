/* SPDX-License-Identifier: MIT */
/* mime: placeholder until the parser lands (keeps the tree building). */
#include "mime.h"

#include <gmime/gmime.h>

void
slt_mime_init(void)
{
	static gboolean done;
	if (!done) {
		g_mime_init();
		done = TRUE;
	}
}
