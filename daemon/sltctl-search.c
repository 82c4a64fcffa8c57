/* SPDX-License-Identifier: MIT */
/* sltctl search TEXT...: requests whose messages match, best first
 * (SQLite FTS5 over subject and text; plain words, "a phrase", prefix*,
 * AND/OR/NOT work). Reads only. */
#include "sltctl-queue.h"

int
cmd_search(SltCtl *ctl, int argc, char **argv)
{
	int limit = 50;
	GOptionEntry entries[] = {
		{ "limit", 'n', 0, G_OPTION_ARG_INT, &limit, "at most N requests (default 50, 0: all)", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if (!sltctl_parse(ctl, "search", entries, &argc, &argv))
		return 2;
	if (argc < 2)
		return sltctl_fail("search: expected words to search for") + 1;
	if (limit < 0)
		return sltctl_fail("search: --limit must not be negative") + 1;
	g_autofree char *query = g_strjoinv(" ", argv + 1);
	g_autoptr(SltStore) store = sltctl_open_store(ctl, "search", FALSE, NULL);
	if (!store)
		return 1;
	GError *err = NULL;
	g_autoptr(GPtrArray) rows = slt_queue_search(store, query, (guint)limit, &err);
	if (!rows)
		return sltctl_queue_fail("search", err);
	if (ctl->json)
		sltctl_print_requests_json(rows);
	else
		sltctl_print_requests(ctl, rows);
	return 0;
}
