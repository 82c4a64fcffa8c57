/* SPDX-License-Identifier: MIT */
/* sltctl orgs [set DOMAIN ORG | forget DOMAIN]: the organisation sltd
 * learned per sender domain (from signatures: "Stichting Wijkteams
 * Rivierenland" under mail from wijkteamsrivierenland.nl teaches that
 * domain), and staff's corrections. A wrongly learned domain would label
 * every later message from it; `set` pins the right one (learning never
 * replaces it), `forget` drops the pair. A running sltd loads the pairs
 * again before its next pass (service.c orgs_sync). */
#include "sltctl-queue.h"

#include <stdio.h>
#include <string.h>

#include "data.h"
#include "org.h"

static int
list(SltCtl *ctl)
{
	g_autoptr(SltStore) store = sltctl_open_store(ctl, "orgs", FALSE, NULL);
	if (!store)
		return 1;
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) rows = slt_store_org_domains_list(store, &err);
	if (!rows)
		return sltctl_fail("orgs: %s", err->message);
	if (ctl->json) {
		SltJson *j = slt_json_new(TRUE);
		slt_json_begin_array(j);
		for (guint i = 0; i < rows->len; i++) {
			const SltOrgDomain *d = g_ptr_array_index(rows, i);
			g_autofree char *ref = d->request_id ? slt_store_ref_format(d->request_id) : NULL;
			slt_json_begin_object(j);
			slt_json_kv_string(j, "domain", d->domain);
			slt_json_kv_string(j, "org", d->org);
			slt_json_kv_string(j, "set_by", d->set_by);
			slt_json_kv_int(j, "at", d->at);
			slt_json_kv_string(j, "request", ref);
			slt_json_end_object(j);
		}
		slt_json_end_array(j);
		sltctl_print_json(j);
		return 0;
	}
	if (!rows->len) {
		printf("geen geleerde domeinen\n");
		return 0;
	}
	printf("%-32s %-6s %-16s %-9s %s\n", "DOMEIN", "DOOR", "SINDS", "VERZOEK", "ORGANISATIE");
	for (guint i = 0; i < rows->len; i++) {
		const SltOrgDomain *d = g_ptr_array_index(rows, i);
		g_autofree char *since = sltctl_local_time(d->at);
		g_autofree char *ref = d->request_id ? slt_store_ref_format(d->request_id) : g_strdup("-");
		printf("%-32s %-6s %-16s %-9s %s\n", d->domain, d->set_by, since, ref, d->org);
	}
	return 0;
}

/* The municipalities (gemeenten.tsv), or NULL after saying why. */
static SltOrgDirectory *
load_directory(const char *cmd)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GBytes) tsv = slt_data_get("gemeenten.tsv", NULL, &err);
	SltOrgDirectory *dir = tsv ? slt_org_directory_new(tsv, &err) : NULL;
	if (!dir)
		sltctl_fail("%s: cannot load the municipalities: %s", cmd, err->message);
	return dir;
}

int
sltctl_canonical_org(const char *cmd, const char *org, char **out)
{
	g_autoptr(SltOrgDirectory) dir = load_directory(cmd);
	if (!dir)
		return 1;
	g_autoptr(GError) err = NULL;
	*out = slt_org_canonical(dir, org, &err);
	if (!*out)
		return sltctl_fail("%s: unknown organisation: %s", cmd, err->message) + 1;
	return 0;
}

/* The classifier's own rules for a domain it may learn: a mail domain,
 * no free-mail provider, no municipality of the directory (those are
 * known by domain already), and an org "team:NAME" or "overig:NAME". */
static gboolean
check_pair(const char *domain, const char *org)
{
	g_autoptr(SltOrgDirectory) dir = load_directory("orgs");
	if (!dir)
		return FALSE;
	g_autoptr(GError) err = NULL;
	if (slt_org_check_pair(dir, domain, org, &err))
		return TRUE;
	sltctl_fail("orgs: %s", err->message);
	return FALSE;
}

int
cmd_orgs(SltCtl *ctl, int argc, char **argv)
{
	if (!sltctl_parse(ctl, "orgs", NULL, &argc, &argv))
		return 2;
	if (argc == 1)
		return list(ctl);
	g_autoptr(GError) err = NULL;
	if (strcmp(argv[1], "set") == 0 && argc == 4) {
		g_autofree char *domain = g_ascii_strdown(argv[2], -1);
		const char *org = argv[3];
		if (!check_pair(domain, org))
			return 1;
		g_autoptr(SltStore) store = sltctl_open_store(ctl, "orgs", TRUE, NULL);
		if (!store)
			return 1;
		if (!slt_store_org_domain_set(store, domain, org, sltctl_who(), &err))
			return sltctl_fail("orgs: %s", err->message);
		if (!ctl->json)
			printf("%s: %s (sltd gebruikt dit vanaf het volgende bericht)\n", domain, org);
		return 0;
	}
	if (strcmp(argv[1], "forget") == 0 && argc == 3) {
		g_autofree char *domain = g_ascii_strdown(argv[2], -1);
		g_autoptr(SltStore) store = sltctl_open_store(ctl, "orgs", TRUE, NULL);
		if (!store)
			return 1;
		gboolean found = FALSE;
		if (!slt_store_org_domain_forget(store, domain, sltctl_who(), &found, &err))
			return sltctl_fail("orgs: %s", err->message);
		if (!found)
			return sltctl_fail("orgs: no organisation known for '%s'", domain);
		if (!ctl->json)
			printf("%s: vergeten (sltd gebruikt dit vanaf het volgende bericht)\n", domain);
		return 0;
	}
	return sltctl_fail("orgs: usage: sltctl orgs [set DOMAIN ORG | forget DOMAIN]") + 1;
}
