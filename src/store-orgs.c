/* SPDX-License-Identifier: MIT */
/* store-orgs: the organisation learned per sender domain (org_domains),
 * written as sltd records each message and read back at start, so that
 * the classifier's learned map (classify.h slt_classifier_learn_org)
 * survives a restart. */
#include "store-private.h"

gboolean
slt_store_org_domain_put(SltStore *store, const char *domain, const char *org,
			 gint64 message_row, GError **error)
{
	g_return_val_if_fail(store != NULL && domain != NULL && org != NULL, FALSE);
	static const char sql[] =
		"INSERT INTO org_domains (domain, org, learned_at, message_row)"
		" VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT (domain) DO UPDATE SET org = excluded.org,"
		"  learned_at = excluded.learned_at, message_row = excluded.message_row";
	sqlite3_stmt *st = slt_store_stmt(store, sql, error);
	if (!st)
		return FALSE;
	sqlite3_bind_text(st, 1, domain, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, org, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, slt_store_now());
	if (message_row > 0)
		sqlite3_bind_int64(st, 4, message_row);
	else
		sqlite3_bind_null(st, 4);
	return slt_store_exec_stmt(store, st, "remember a domain's organisation", error);
}

gboolean
slt_store_org_domains_each(SltStore *store, SltStoreOrgDomainFunc fn, gpointer user_data,
			   GError **error)
{
	g_return_val_if_fail(store != NULL && fn != NULL, FALSE);
	static const char sql[] =
		"SELECT domain, org FROM org_domains ORDER BY learned_at, rowid";
	sqlite3_stmt *st = slt_store_stmt(store, sql, error);
	if (!st)
		return FALSE;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		g_autofree char *domain = slt_store_column_dup(st, 0);
		g_autofree char *org = slt_store_column_dup(st, 1);
		fn(domain, org, user_data);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return slt_store_fail(store, error, "read the domains' organisations");
	return TRUE;
}
