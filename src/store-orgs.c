/* SPDX-License-Identifier: MIT */
/* store-orgs: the organisation learned per sender domain (org_domains),
 * written as sltd records each message and read back at start, so that
 * the classifier's learned map (classify.h slt_classifier_learn_org)
 * survives a restart; and staff's corrections of it (sltctl orgs). */
#include "store-private.h"
#include "store-queue.h"

gboolean
slt_store_org_domain_put(SltStore *store, const char *domain, const char *org,
			 gint64 message_row, GError **error)
{
	g_return_val_if_fail(store != NULL && domain != NULL && org != NULL, FALSE);
	static const char sql[] =
		"INSERT INTO org_domains (domain, org, learned_at, message_row)"
		" VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT (domain) DO UPDATE SET org = excluded.org,"
		"  learned_at = excluded.learned_at, message_row = excluded.message_row"
		" WHERE org_domains.set_by = 'sltd'";
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
		"SELECT domain, org, set_by = 'staff' FROM org_domains ORDER BY learned_at, rowid";
	sqlite3_stmt *st = slt_store_stmt(store, sql, error);
	if (!st)
		return FALSE;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		g_autofree char *domain = slt_store_column_dup(st, 0);
		g_autofree char *org = slt_store_column_dup(st, 1);
		fn(domain, org, sqlite3_column_int(st, 2), user_data);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return slt_store_fail(store, error, "read the domains' organisations");
	return TRUE;
}

void
slt_org_domain_free(SltOrgDomain *d)
{
	if (!d)
		return;
	g_free(d->domain);
	g_free(d->org);
	g_free(d->set_by);
	g_free(d);
}

#define ORG_DOMAIN_COLUMNS \
	"SELECT d.domain, d.org, d.set_by, d.learned_at, coalesce(m.request_id, 0)" \
	" FROM org_domains d LEFT JOIN messages m ON m.id = d.message_row"

static SltOrgDomain *
row_to_org_domain(sqlite3_stmt *st)
{
	SltOrgDomain *d = g_new0(SltOrgDomain, 1);
	d->domain = slt_store_column_dup(st, 0);
	d->org = slt_store_column_dup(st, 1);
	d->set_by = slt_store_column_dup(st, 2);
	d->at = sqlite3_column_int64(st, 3);
	d->request_id = sqlite3_column_int64(st, 4);
	return d;
}

GPtrArray *
slt_store_org_domains_list(SltStore *store, GError **error)
{
	g_return_val_if_fail(store != NULL, NULL);
	sqlite3_stmt *st = slt_store_stmt(store, ORG_DOMAIN_COLUMNS " ORDER BY d.domain", error);
	if (!st)
		return NULL;
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)slt_org_domain_free);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_ptr_array_add(out, row_to_org_domain(st));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		slt_store_fail(store, error, "read the domains' organisations");
		return NULL;
	}
	return g_steal_pointer(&out);
}

gboolean
slt_store_org_domain_set(SltStore *store, const char *domain, const char *org,
			 const char *who, GError **error)
{
	g_return_val_if_fail(store != NULL && domain != NULL && org != NULL && who != NULL, FALSE);
	static const char sql[] =
		"INSERT INTO org_domains (domain, org, learned_at, message_row, set_by)"
		" VALUES (lower(?1), ?2, ?3, NULL, 'staff')"
		" ON CONFLICT (domain) DO UPDATE SET org = excluded.org,"
		"  learned_at = excluded.learned_at, message_row = NULL, set_by = 'staff'";
	if (!slt_store_begin(store, error))
		return FALSE;
	sqlite3_stmt *st = slt_store_stmt(store, sql, error);
	if (!st)
		goto fail;
	sqlite3_bind_text(st, 1, domain, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, org, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, slt_store_now());
	if (!slt_store_exec_stmt(store, st, "set a domain's organisation", error) ||
	    !slt_store_audit_add(store, who, "org-set", domain, org, error) ||
	    !slt_store_commit(store, error))
		goto fail;
	return TRUE;
fail:
	slt_store_rollback(store);
	return FALSE;
}

gboolean
slt_store_org_domain_forget(SltStore *store, const char *domain, const char *who,
			    gboolean *found, GError **error)
{
	g_return_val_if_fail(store != NULL && domain != NULL && who != NULL, FALSE);
	g_autofree char *was = NULL;
	if (found)
		*found = FALSE;
	if (!slt_store_begin(store, error))
		return FALSE;
	sqlite3_stmt *st = slt_store_stmt(store,
		"DELETE FROM org_domains WHERE domain = lower(?1) RETURNING org", error);
	if (!st)
		goto fail;
	sqlite3_bind_text(st, 1, domain, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		was = slt_store_column_dup(st, 0);
	while (rc == SQLITE_ROW)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		slt_store_fail(store, error, "forget a domain's organisation");
		goto fail;
	}
	if (was && !slt_store_audit_add(store, who, "org-forget", domain, was, error))
		goto fail;
	if (!slt_store_commit(store, error))
		goto fail;
	if (found)
		*found = was != NULL;
	return TRUE;
fail:
	slt_store_rollback(store);
	return FALSE;
}
