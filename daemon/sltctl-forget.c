/* SPDX-License-Identifier: MIT */
/* sltctl forget ADDRESS: erase a person (AVG article 17): their
 * messages (raw bytes, texts, the full-text index), personal fields,
 * waiting-list entries and replies; anonymous counts stay. Audited (the
 * trail names a hash of the address, not the address). Asks first on a
 * terminal; without one, only with --yes. */
#include "sltctl-queue.h"

#include <stdio.h>
#include <string.h>


int
sltctl_print_erased(SltCtl *ctl, const char *what, const SltEraseCounts *n)
{
	if (ctl->json) {
		SltJson *j = slt_json_new(TRUE);
		slt_json_begin_object(j);
		slt_json_kv_string(j, "erased", what);
		slt_json_kv_int(j, "requests", n->requests);
		slt_json_kv_int(j, "messages", n->messages);
		slt_json_kv_int(j, "attachments", n->attachments);
		slt_json_kv_int(j, "waitlist", n->waits);
		slt_json_kv_int(j, "replies", n->replies);
		slt_json_kv_int(j, "dead_letters", n->dead_letters);
		slt_json_kv_int(j, "notes", n->notes);
		slt_json_end_object(j);
		sltctl_print_json(j);
	} else {
		printf("gewist: %u verzoeken, %u berichten, %u bijlagenamen, %u wachtlijstregels,"
		       " %u antwoorden, %u onverwerkte berichten, %u notities\n", n->requests,
		       n->messages, n->attachments, n->waits, n->replies, n->dead_letters, n->notes);
	}
	return 0;
}

int
cmd_forget(SltCtl *ctl, int argc, char **argv)
{
	gboolean yes = FALSE;
	GOptionEntry entries[] = {
		{ "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, "do not ask for confirmation", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if (!sltctl_parse(ctl, "forget", entries, &argc, &argv))
		return 2;
	if (argc != 2)
		return sltctl_fail("forget: expected one mail address") + 1;
	const char *addr = argv[1];
	if (!g_utf8_validate(addr, -1, NULL) || !strchr(addr, '@'))
		return sltctl_fail("forget: not a mail address '%s'", addr) + 1;
	g_autoptr(SltStore) store = sltctl_open_store(ctl, "forget", TRUE, NULL);
	if (!store)
		return 1;
	GError *err = NULL;
	g_autofree char *low = g_ascii_strdown(addr, -1);
	g_autoptr(GArray) reqs = slt_store_person_requests(store, low, &err);
	if (!reqs)
		return sltctl_queue_fail("forget", err);
	g_autofree char *q = g_strdup_printf("Alles van '%s' wissen (%u verzoeken)? Dit kan niet ongedaan worden.",
					     addr, reqs->len);
	if (!sltctl_confirm("forget", q, yes))
		return 1;
	SltEraseCounts n;
	if (!slt_queue_forget(store, sltctl_who(), addr, &n, &err))
		return sltctl_queue_fail("forget", err);
	return sltctl_print_erased(ctl, addr, &n);
}
