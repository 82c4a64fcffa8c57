/* SPDX-License-Identifier: MIT */
/* queue: the staff's request queue, shared by sltctl and the web view:
 * input checks, reading, actions under optimistic concurrency with
 * history, relabelling with its consequence for the reply, reprocessing
 * dead letters, AVG erasure and export, statistics and the desk's status.
 * RFC 5322 (the bytes reprocessed are parsed as a message). */
#include "queue.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>

#include "mime.h"
#include "packages.h"
#include "react.h"
#include "respond.h"
#include "store-outbox.h"

G_DEFINE_QUARK(slt-queue-error-quark, slt_queue_error)

const char *const slt_queue_statuses[5] = {
	"open", "in-behandeling", "wacht-op-klant", "afgerond", NULL,
};

/* Store errors keep their words; the code says what staff can do. */
static gboolean
from_store(GError **error, GError *err)
{
	int code = SLT_QUEUE_ERROR_STORE;
	if (err->domain == SLT_STORE_ERROR) {
		if (err->code == SLT_STORE_ERROR_NOT_FOUND)
			code = SLT_QUEUE_ERROR_NOT_FOUND;
		else if (err->code == SLT_STORE_ERROR_CONFLICT)
			code = SLT_QUEUE_ERROR_CONFLICT;
	}
	g_set_error_literal(error, SLT_QUEUE_ERROR, code, err->message);
	g_error_free(err);
	return FALSE;
}

/* ---- input checks ----------------------------------------------------- */

gboolean
slt_queue_parse_ref(const char *s, gint64 *id, GError **error)
{
	if (!slt_store_ref_parse(s, id)) {
		g_set_error(error, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_INVALID,
			    "not a request reference '%s' (e.g. SLT-12)", s ? s : "");
		return FALSE;
	}
	return TRUE;
}

const char *
slt_queue_status_label(const char *status)
{
	static const char *const labels[] = { "Open", "In behandeling", "Wacht op klant", "Afgerond" };
	for (guint i = 0; i < 4; i++)
		if (g_strcmp0(status, slt_queue_statuses[i]) == 0)
			return labels[i];
	return status ? status : "-";
}

static gboolean
check_one(const char *what, const char *value, const char *const *ids, guint n, GError **error)
{
	for (guint i = 0; i < n && ids[i]; i++)
		if (g_strcmp0(value, ids[i]) == 0)
			return TRUE;
	g_autoptr(GString) list = g_string_new(NULL);
	for (guint i = 0; i < n && ids[i]; i++)
		g_string_append_printf(list, "%s%s", i ? ", " : "", ids[i]);
	g_set_error(error, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_INVALID, "unknown %s '%s' (%s)",
		    what, value ? value : "", list->str);
	return FALSE;
}

gboolean
slt_queue_check_status(const char *value, GError **error)
{
	return check_one("status", value, slt_queue_statuses, 4, error);
}

gboolean
slt_queue_check_intent(const char *value, GError **error)
{
	return check_one("intent", value, slt_intent_ids, G_N_ELEMENTS(slt_intent_ids), error);
}

gboolean
slt_queue_check_theme(const char *value, GError **error)
{
	return check_one("theme", value, slt_theme_ids, G_N_ELEMENTS(slt_theme_ids), error);
}

gboolean
slt_queue_check_packages(const char *list, GPtrArray **out, GError **error)
{
	static const char *ids[G_N_ELEMENTS(slt_package_ids) + 2];
	for (guint i = 0; i < G_N_ELEMENTS(slt_package_ids); i++)
		ids[i] = slt_package_ids[i];
	ids[G_N_ELEMENTS(slt_package_ids)] = "alle";
	g_autoptr(GPtrArray) a = g_ptr_array_new_with_free_func(g_free);
	g_auto(GStrv) parts = g_strsplit(list ? list : "", ",", -1);
	for (char **p = parts; *p; p++) {
		char *s = g_strstrip(*p);
		if (!*s)
			continue;
		if (!check_one("package", s, ids, G_N_ELEMENTS(ids) - 1, error))
			return FALSE;
		if (!g_ptr_array_find_with_equal_func(a, s, g_str_equal, NULL))
			g_ptr_array_add(a, g_strdup(s));
	}
	if (out)
		*out = g_steal_pointer(&a);
	return TRUE;
}

gboolean
slt_queue_parse_duration(const char *s, gint64 *secs, GError **error)
{
	const char *p = s ? s : "";
	char *end = NULL;
	errno = 0;
	guint64 v = g_ascii_strtoull(p, &end, 10);
	gint64 unit = 0;
	if (end != p && errno == 0 && v < (guint64)1 << 40) {
		if (!*end)
			unit = 86400;
		else if (end[1] == 0)
			switch (*end) {
			case 's': unit = 1; break;
			case 'm': unit = 60; break;
			case 'h': unit = 3600; break;
			case 'd': unit = 86400; break;
			case 'w': unit = 7 * 86400; break;
			default: break;
			}
	}
	if (!unit || !g_ascii_isdigit(*p)) {
		g_set_error(error, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_INVALID,
			    "bad duration '%s' (e.g. 730d, 12h)", p);
		return FALSE;
	}
	*secs = (gint64)v * unit;
	return TRUE;
}

gboolean
slt_queue_parse_date(const char *s, gboolean end, gint64 now, gint64 *t, GError **error)
{
	const char *p = s ? s : "";
	g_autoptr(GTimeZone) tz = g_time_zone_new_local();
	g_autoptr(GDateTime) nowdt = g_date_time_new_from_unix_local(now);
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	g_autoptr(GDateTime) dt = NULL;
	gboolean day = FALSE, month = FALSE;
	if (strcmp(p, "today") == 0 || strcmp(p, "vandaag") == 0 ||
	    strcmp(p, "yesterday") == 0 || strcmp(p, "gisteren") == 0) {
		int back = p[0] == 'y' || p[0] == 'g';
		g_autoptr(GDateTime) today = g_date_time_new(tz, g_date_time_get_year(nowdt),
							    g_date_time_get_month(nowdt),
							    g_date_time_get_day_of_month(nowdt), 0, 0, 0);
		dt = g_date_time_add_days(today, -back);
		day = TRUE;
	} else if (g_ascii_isdigit(*p) && g_ascii_isalpha(p[strlen(p) - 1])) {
		gint64 secs;
		if (slt_queue_parse_duration(p, &secs, NULL)) {
			*t = now - secs;
			return TRUE;
		}
	} else if (sscanf(p, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10) {
		const char *rest = p + n;
		int m2 = 0;
		if (!*rest) {
			day = TRUE;
		} else if ((*rest == ' ' || *rest == 'T') &&
			   ((sscanf(rest + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &m2) == 3 && m2 == 8) ||
			    (sec = 0, sscanf(rest + 1, "%2d:%2d%n", &h, &mi, &m2) == 2 && m2 == 5)) &&
			   !rest[1 + m2]) {
			/* a time of day */
		} else {
			goto bad;
		}
		if (h > 23 || mi > 59 || sec > 59 || !g_date_valid_dmy(d, mo, y))
			goto bad;
		dt = g_date_time_new(tz, y, mo, d, h, mi, sec);
	} else if (sscanf(p, "%4d-%2d%n", &y, &mo, &n) == 2 && n == 7 && !p[n] && mo >= 1 && mo <= 12) {
		dt = g_date_time_new(tz, y, mo, 1, 0, 0, 0);
		month = TRUE;
	}
	if (!dt)
		goto bad;
	if (end && (day || month)) {
		g_autoptr(GDateTime) next = month ? g_date_time_add_months(dt, 1) : g_date_time_add_days(dt, 1);
		*t = g_date_time_to_unix(next) - 1;
	} else {
		*t = g_date_time_to_unix(dt);
	}
	return TRUE;
bad:
	g_set_error(error, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_INVALID,
		    "bad date '%s' (e.g. 2026-03-01, 2026-03-01 14:00, 2026-03, today, 7d)", p);
	return FALSE;
}

guint
slt_queue_office_hours(gint64 from, gint64 to)
{
	if (to <= from)
		return 0;
	/* Walk day by day: a request desk counts weeks, not years, so this
	 * stays cheap, and local midnights follow daylight saving time. */
	g_autoptr(GTimeZone) tz = g_time_zone_new_local();
	g_autoptr(GDateTime) f = g_date_time_new_from_unix_local(from);
	g_autoptr(GDateTime) day = g_date_time_new(tz, g_date_time_get_year(f), g_date_time_get_month(f),
						   g_date_time_get_day_of_month(f), 0, 0, 0);
	gint64 secs = 0;
	for (int i = 0; i < 3660; i++) {
		g_autoptr(GDateTime) open = g_date_time_add_hours(day, 8);
		g_autoptr(GDateTime) close = g_date_time_add_hours(day, 18);
		gint64 o = g_date_time_to_unix(open), c = g_date_time_to_unix(close);
		if (o >= to)
			break;
		if (g_date_time_get_day_of_week(day) <= 5) {
			gint64 a = MAX(o, from), b = MIN(c, to);
			if (b > a)
				secs += b - a;
		}
		GDateTime *next = g_date_time_add_days(day, 1);
		g_date_time_unref(day);
		day = next;
	}
	return (guint)(secs / 3600);
}

static int
cmp_gint64(gconstpointer a, gconstpointer b)
{
	gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
	return x < y ? -1 : x > y;
}

gint64
slt_queue_median(gint64 *v, guint n)
{
	if (n == 0)
		return -1;
	qsort(v, n, sizeof *v, cmp_gint64);
	return v[(n - 1) / 2];
}

char *
slt_queue_person_token(const char *addr)
{
	g_autofree char *low = g_ascii_strdown(addr ? addr : "", -1);
	g_autofree char *hex = g_compute_checksum_for_string(G_CHECKSUM_SHA256, low, -1);
	return g_strconcat("sha256:", hex, NULL);
}

/* ---- reading ---------------------------------------------------------- */

void
slt_queue_item_free(SltQueueItem *it)
{
	if (!it)
		return;
	slt_request_free(it->req);
	g_clear_pointer(&it->messages, g_ptr_array_unref);
	g_clear_pointer(&it->replies, g_ptr_array_unref);
	g_clear_pointer(&it->waits, g_ptr_array_unref);
	g_clear_pointer(&it->history, g_ptr_array_unref);
	g_free(it);
}

SltQueueItem *
slt_queue_get_id(SltStore *store, gint64 id, GError **error)
{
	GError *err = NULL;
	g_autoptr(SltQueueItem) it = g_new0(SltQueueItem, 1);
	if (!(it->req = slt_store_request_get(store, id, &err)) ||
	    !(it->messages = slt_store_request_messages(store, id, &err)) ||
	    !(it->replies = slt_store_request_replies(store, id, &err)) ||
	    !(it->waits = slt_store_request_waits(store, id, NULL, &err)) ||
	    !(it->history = slt_store_request_history(store, id, &err))) {
		from_store(error, err);
		return NULL;
	}
	return g_steal_pointer(&it);
}

SltQueueItem *
slt_queue_get(SltStore *store, const char *ref, GError **error)
{
	gint64 id;
	if (!slt_queue_parse_ref(ref, &id, error))
		return NULL;
	return slt_queue_get_id(store, id, error);
}

GPtrArray *
slt_queue_list(SltStore *store, const SltQueueFilter *f, GError **error)
{
	GError *err = NULL;
	if (f && f->status && !slt_queue_check_status(f->status, error))
		return NULL;
	if (f && f->theme && !slt_queue_check_theme(f->theme, error))
		return NULL;
	if (f && f->intent && !slt_queue_check_intent(f->intent, error))
		return NULL;
	GPtrArray *rows = slt_store_queue_list(store, f, &err);
	if (!rows)
		from_store(error, err);
	return rows;
}

GPtrArray *
slt_queue_search(SltStore *store, const char *query, guint limit, GError **error)
{
	GError *err = NULL;
	if (!query || !*query) {
		g_set_error(error, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_INVALID, "nothing to search for");
		return NULL;
	}
	/* A few hundred hits are plenty; several messages of one request
	 * collapse into one row. */
	g_autoptr(GArray) hits = slt_store_search(store, query, 500, &err);
	if (!hits && !strchr(query, '"')) {
		/* Staff type words, not FTS5 syntax: "goed-bestuur" or "2026/03"
		 * are syntax errors as barewords. Without quotes of their own,
		 * search each word as a phrase (all of them must occur). */
		g_autoptr(GString) q = g_string_new(NULL);
		g_auto(GStrv) words = g_strsplit_set(query, " \t", -1);
		for (char **w = words; *w; w++) {
			if (!**w)
				continue;
			g_string_append_printf(q, "%s\"%s\"", q->len ? " " : "", *w);
		}
		g_clear_error(&err);
		hits = slt_store_search(store, q->str, 500, &err);
	}
	if (!hits) {
		g_set_error(error, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_INVALID,
			    "bad search '%s': %s", query, err->message);
		g_error_free(err);
		return NULL;
	}
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)slt_request_row_free);
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	for (guint i = 0; i < hits->len && (!limit || rows->len < limit); i++) {
		g_autoptr(SltQueueMessage) m = slt_store_message_get(store, g_array_index(hits, gint64, i), &err);
		if (!m)
			return from_store(error, err), NULL;
		if (!m->request_id || g_hash_table_contains(seen, &m->request_id))
			continue;
		g_autoptr(SltRequest) r = slt_store_request_get(store, m->request_id, &err);
		if (!r)
			return from_store(error, err), NULL;
		SltRequestRow *row = g_new0(SltRequestRow, 1);
		row->id = r->id;
		row->ref = g_strdup(r->ref);
		row->opened_at = r->opened_at;
		row->updated_at = r->updated_at;
		row->status = g_strdup(r->status);
		row->assignee = g_strdup(r->assignee);
		row->org = g_strdup(r->org);
		row->requester_addr = g_strdup(r->requester_addr);
		row->requester_name = g_strdup(r->requester_name);
		row->intent = g_strdup(r->intent);
		row->theme = g_strdup(r->theme);
		row->packages = g_ptr_array_ref(r->packages);
		row->review = r->review;
		row->subject = g_strdup(m->subject);
		g_ptr_array_add(rows, row);
		gint64 *key = g_new(gint64, 1);
		*key = r->id;
		g_hash_table_add(seen, key);
	}
	return g_steal_pointer(&rows);
}

/* ---- actions ---------------------------------------------------------- */

/* Run fn inside one write transaction; roll back on failure. */
typedef gboolean (*TxnFunc)(SltStore *store, gpointer data, GError **error);

static gboolean
in_txn(SltStore *store, TxnFunc fn, gpointer data, GError **error)
{
	GError *err = NULL;
	if (!slt_store_begin(store, &err))
		return from_store(error, err);
	if (!fn(store, data, &err)) {
		slt_store_rollback(store);
		if (err->domain == SLT_QUEUE_ERROR) {
			g_propagate_error(error, err);
			return FALSE;
		}
		return from_store(error, err);
	}
	if (!slt_store_commit(store, &err))
		return from_store(error, err);
	return TRUE;
}

typedef struct {
	gint64 id, version;
	const char *who;
	SltRequestChange ch;
	const char *action;
	char *detail;
} Change;

static gboolean
change_txn(SltStore *store, gpointer data, GError **error)
{
	Change *c = data;
	return slt_store_request_change(store, c->id, c->version, &c->ch, NULL, error) &&
	       slt_store_history_add(store, c->id, c->who, c->action, c->detail, error);
}

gboolean
slt_queue_assign(SltStore *store, gint64 id, gint64 version, const char *who,
		 const char *name, GError **error)
{
	GError *err = NULL;
	g_autoptr(SltRequest) r = slt_store_request_get(store, id, &err);
	if (!r)
		return from_store(error, err);
	if (!version)
		version = r->version;
	Change c = { .id = id, .version = version, .who = who, .action = "assign" };
	c.ch.set_assignee = TRUE;
	c.ch.assignee = name && *name ? name : NULL;
	c.detail = g_strdup_printf("%s (was %s)", c.ch.assignee ? name : "-",
				   r->assignee ? r->assignee : "-");
	gboolean ok = in_txn(store, change_txn, &c, error);
	g_free(c.detail);
	return ok;
}

gboolean
slt_queue_set_status(SltStore *store, gint64 id, gint64 version, const char *who,
		     const char *status, GError **error)
{
	if (!slt_queue_check_status(status, error))
		return FALSE;
	GError *err = NULL;
	g_autoptr(SltRequest) r = slt_store_request_get(store, id, &err);
	if (!r)
		return from_store(error, err);
	if (!version)
		version = r->version;
	Change c = { .id = id, .version = version, .who = who, .action = "status" };
	c.ch.status = status;
	c.detail = g_strdup_printf("%s (was %s)", status, r->status);
	gboolean ok = in_txn(store, change_txn, &c, error);
	g_free(c.detail);
	return ok;
}

typedef struct {
	gint64 id;
	const char *who, *text;
} Note;

static gboolean
note_txn(SltStore *store, gpointer data, GError **error)
{
	Note *n = data;
	/* A note changes nothing sltd could change too: no version check,
	 * but the request must exist. */
	g_autoptr(SltRequest) r = slt_store_request_get(store, n->id, error);
	return r && slt_store_history_add(store, n->id, n->who, "note", n->text, error);
}

gboolean
slt_queue_note(SltStore *store, gint64 id, const char *who, const char *text, GError **error)
{
	g_autofree char *t = g_strstrip(g_strdup(text ? text : ""));
	if (!*t) {
		g_set_error(error, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_INVALID, "empty note");
		return FALSE;
	}
	Note n = { id, who, t };
	return in_txn(store, note_txn, &n, error);
}

typedef struct {
	gint64 id;
	const char *who;
} Retry;

static gboolean
retry_txn(SltStore *store, gpointer data, GError **error)
{
	Retry *r = data;
	g_autofree char *target = g_strdup_printf("outbox:%" G_GINT64_FORMAT, r->id);
	return slt_store_outbox_requeue(store, r->id, error) &&
	       slt_store_audit_add(store, r->who, "retry", target, NULL, error);
}

gboolean
slt_queue_outbox_retry(SltStore *store, gint64 id, const char *who, GError **error)
{
	Retry r = { id, who };
	return in_txn(store, retry_txn, &r, error);
}

void
slt_relabel_result_clear(SltRelabelResult *r)
{
	g_clear_pointer(&r->old_org, g_free);
	g_clear_pointer(&r->new_org, g_free);
	g_clear_pointer(&r->old_intent, g_free);
	g_clear_pointer(&r->old_theme, g_free);
	g_clear_pointer(&r->new_intent, g_free);
	g_clear_pointer(&r->new_theme, g_free);
	g_clear_pointer(&r->old_packages, g_ptr_array_unref);
	g_clear_pointer(&r->new_packages, g_ptr_array_unref);
	g_clear_pointer(&r->reply_before, g_free);
	g_clear_pointer(&r->reply_after, g_free);
	g_clear_pointer(&r->reason_after, g_free);
	g_clear_pointer(&r->attach_after, g_ptr_array_unref);
	g_clear_pointer(&r->wait_after, g_ptr_array_unref);
}

static GPtrArray *
copy_strings(const GPtrArray *a)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; a && i < a->len; i++)
		g_ptr_array_add(out, g_strdup(g_ptr_array_index(a, i)));
	return out;
}

/* "a,b,c" (new string). */
static char *
join_strings(const GPtrArray *a)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; a && i < a->len; i++)
		g_string_append_printf(s, "%s%s", i ? "," : "", (const char *)g_ptr_array_index(a, i));
	return g_string_free(s, FALSE);
}

static gboolean
same_strings(const GPtrArray *a, const GPtrArray *b)
{
	guint na = a ? a->len : 0, nb = b ? b->len : 0;
	if (na != nb)
		return FALSE;
	for (guint i = 0; i < na; i++)
		if (!g_ptr_array_find_with_equal_func((GPtrArray *)b, g_ptr_array_index(a, i),
						      g_str_equal, NULL))
			return FALSE;
	return TRUE;
}

/* What the pure decision (react.h) says a new request with these labels
 * gets, as far as the labels decide it: limits, earlier replies and own
 * addresses are left out, so the before/after comparison shows the
 * labels' effect alone. */
static SltReaction *
implied_reaction(const SltQueueItem *it, GHashTable *pkstate, const char *intent,
		 const GPtrArray *packages)
{
	SltReactPackage cat[G_N_ELEMENTS(slt_package_ids)];
	for (guint i = 0; i < G_N_ELEMENTS(slt_package_ids); i++) {
		cat[i].id = slt_package_ids[i];
		cat[i].published = GPOINTER_TO_INT(g_hash_table_lookup(pkstate, slt_package_ids[i])) == 2;
		cat[i].size = 0;
	}
	const SltQueueMessage *first = it->messages->len ? g_ptr_array_index(it->messages, 0) : NULL;
	g_autofree char *from = it->req->requester_addr ? g_ascii_strdown(it->req->requester_addr, -1) : NULL;
	SltReactInput in = {
		.intent = intent,
		.packages = packages,
		.machine = first ? first->machine : 0,
		.from_addr = from,
		.catalogue = cat,
		.n_catalogue = G_N_ELEMENTS(cat),
		.attach_max = G_MAXINT64,
	};
	return slt_react_decide(&in);
}

typedef struct {
	gint64 id, version;
	const char *who;
	const SltRelabel *l;
	const SltQueueItem *it;
	SltRelabelResult *res;
} Relabel;

static gboolean
relabel_txn(SltStore *store, gpointer data, GError **error)
{
	Relabel *rl = data;
	SltRelabelResult *res = rl->res;
	const SltRequest *r = rl->it->req;
	g_autofree char *pk_json = slt_json_array(res->new_packages);
	g_autofree char *km_json = rl->l->kenmerken ? slt_json_array(rl->l->kenmerken) : NULL;
	/* An organisation alone is no label correction: the model does not
	 * learn organisations, and sltd may go on labelling the request. */
	gboolean labels = rl->l->intent || rl->l->theme || rl->l->packages || rl->l->kenmerken;
	SltRequestChange ch = {
		.set_labels = labels,
		.intent = res->new_intent,
		.theme = res->new_theme,
		.packages_json = pk_json,
		.kenmerken_json = km_json,
		.labels_by = rl->who,
		.org = rl->l->org,
	};
	g_autofree char *km_req = slt_json_array(r->kenmerken);
	if (!slt_store_request_change(store, rl->id, rl->version, &ch, &res->version, error))
		return FALSE;
	/* One correction per message whose own labels differ: the trainer
	 * learns from messages, and a thread's follow-ups may have been
	 * labelled otherwise (the first message carries the request). */
	for (guint i = 0; labels && i < rl->it->messages->len; i++) {
		const SltQueueMessage *m = g_ptr_array_index(rl->it->messages, i);
		if (i > 0 && g_strcmp0(m->intent, res->new_intent) == 0 &&
		    g_strcmp0(m->theme, res->new_theme) == 0)
			continue;
		if (i > 0 && g_strcmp0(m->intent, "automatisch") == 0)
			continue;
		if (!slt_store_correction_add(store, rl->id, m->id, rl->who, m->intent, m->theme,
					      res->new_intent, res->new_theme,
					      km_json ? km_json : km_req, pk_json, error))
			return FALSE;
	}
	g_autofree char *old_pk = join_strings(res->old_packages);
	g_autofree char *new_pk = join_strings(res->new_packages);
	GString *detail = g_string_new(NULL);
	if (labels)
		g_string_append_printf(detail, "%s/%s [%s] (was %s/%s [%s])",
			res->new_intent ? res->new_intent : "-", res->new_theme ? res->new_theme : "-",
			new_pk, res->old_intent ? res->old_intent : "-",
			res->old_theme ? res->old_theme : "-", old_pk);
	if (rl->l->org)
		g_string_append_printf(detail, "%sorganisation %s (was %s)", labels ? "; " : "",
				       res->new_org ? res->new_org : "-",
				       res->old_org ? res->old_org : "-");
	gboolean ok = slt_store_history_add(store, rl->id, rl->who, "relabel", detail->str, error);
	g_string_free(detail, TRUE);
	return ok;
}

/* "gemeente:Utrecht", "team:Wijkteam Tiel", "overig:Tenderwijs": a kind
 * and a name of printable characters; "" for none. */
static gboolean
check_org(const char *org, GError **error)
{
	if (!*org)
		return TRUE;
	const char *colon = strchr(org, ':');
	gboolean kind = colon && (g_str_has_prefix(org, "gemeente:") ||
				  g_str_has_prefix(org, "team:") || g_str_has_prefix(org, "overig:"));
	gboolean name = kind && colon[1] && !g_ascii_isspace(colon[1]) &&
		g_utf8_validate(org, -1, NULL) && strlen(org) <= 200;
	for (const char *p = org; name && *p; p++)
		if ((guchar)*p < 0x20 || *p == 0x7f)
			name = FALSE;
	if (name)
		return TRUE;
	g_autofree char *shown = g_strescape(org, NULL);
	g_set_error(error, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_INVALID,
		    "unknown organisation '%s' (expected gemeente:NAME, team:NAME or overig:NAME)",
		    shown);
	return FALSE;
}

gboolean
slt_queue_relabel(SltStore *store, gint64 id, gint64 version, const char *who,
		  const SltRelabel *l, SltRelabelResult *res, GError **error)
{
	memset(res, 0, sizeof *res);
	if (l->intent && !slt_queue_check_intent(l->intent, error))
		return FALSE;
	if (l->theme && !slt_queue_check_theme(l->theme, error))
		return FALSE;
	for (guint i = 0; l->packages && i < l->packages->len; i++)
		if (!slt_queue_check_packages(g_ptr_array_index(l->packages, i), NULL, error))
			return FALSE;
	for (guint i = 0; l->kenmerken && i < l->kenmerken->len; i++)
		if (!check_one("kenmerk", g_ptr_array_index(l->kenmerken, i), slt_kenmerk_ids,
			       G_N_ELEMENTS(slt_kenmerk_ids), error))
			return FALSE;
	if (l->org && !check_org(l->org, error))
		return FALSE;
	if (!l->intent && !l->theme && !l->packages && !l->kenmerken && !l->org) {
		g_set_error(error, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_INVALID,
			    "nothing to relabel (give --intent, --theme, --packages, --kenmerken or --org)");
		return FALSE;
	}
	g_autoptr(SltQueueItem) it = slt_queue_get_id(store, id, error);
	if (!it)
		return FALSE;
	const SltRequest *r = it->req;
	if (!version)
		version = r->version;
	else if (version != r->version) {
		g_set_error(error, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_CONFLICT,
			    "request '%s' changed since it was read (version %" G_GINT64_FORMAT
			    ", now %" G_GINT64_FORMAT ")", r->ref, version, r->version);
		return FALSE;
	}
	res->old_org = g_strdup(r->org);
	res->new_org = l->org ? (*l->org ? g_strdup(l->org) : NULL) : g_strdup(r->org);
	res->old_intent = g_strdup(r->intent);
	res->old_theme = g_strdup(r->theme);
	res->old_packages = copy_strings(r->packages);
	res->new_intent = g_strdup(l->intent ? l->intent : r->intent);
	res->new_theme = g_strdup(l->theme ? l->theme : r->theme);
	res->new_packages = copy_strings(l->packages ? l->packages : r->packages);

	GError *err = NULL;
	g_autoptr(GHashTable) pk = slt_store_package_states(store, &err);
	if (!pk)
		return from_store(error, err);
	g_autoptr(SltReaction) before = implied_reaction(it, pk, res->old_intent, res->old_packages);
	g_autoptr(SltReaction) after = implied_reaction(it, pk, res->new_intent, res->new_packages);
	res->reply_before = g_strdup(before->reply ? before->kind : NULL);
	res->reply_after = g_strdup(after->reply ? after->kind : NULL);
	res->reason_after = g_strdup(after->reason);
	res->attach_after = copy_strings(after->attach);
	for (guint i = 0; i < after->link->len; i++)
		g_ptr_array_add(res->attach_after, g_strdup(g_ptr_array_index(after->link, i)));
	res->wait_after = copy_strings(after->wait);
	res->reply_changed = g_strcmp0(res->reply_before, res->reply_after) != 0 ||
		!same_strings(before->attach, after->attach) || !same_strings(before->link, after->link) ||
		!same_strings(before->wait, after->wait) || before->unsubscribe != after->unsubscribe;

	Relabel rl = { id, version, who, l, it, res };
	return in_txn(store, relabel_txn, &rl, error);
}

typedef struct {
	const SltIngested *in;
	SltResponder *responder;
	const char *who;
} SendReply;

static gboolean
send_reply_txn(SltStore *store, gpointer data, GError **error)
{
	SendReply *sr = data;
	g_autofree char *detail = g_strdup_printf("reply asked for by %s", sr->who);
	return slt_store_history_add(store, sr->in->request_id, sr->who, "reply", detail, error) &&
	       slt_responder_react(store, sr->in, sr->responder, error);
}

gboolean
slt_queue_send_reply(SltStore *store, gint64 id, const char *who, GError **error)
{
	(void)store;
	(void)who;
	g_set_error(error, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_UNAVAILABLE,
		    "cannot queue a reply for 'SLT-%" G_GINT64_FORMAT "' without the configuration"
		    " (use slt_queue_reply)", id);
	return FALSE;
}

gboolean
slt_queue_reply(SltStore *store, const SltConfig *cfg, gint64 id, const char *who,
		GPtrArray **queued, GError **error)
{
	GError *err = NULL;
	g_autoptr(SltQueueItem) it = slt_queue_get_id(store, id, error);
	if (!it)
		return FALSE;
	if (!it->messages->len) {
		g_set_error(error, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_INVALID,
			    "request '%s' has no message to answer", it->req->ref);
		return FALSE;
	}
	const SltQueueMessage *first = g_ptr_array_index(it->messages, 0);
	g_autoptr(GBytes) raw = slt_store_message_raw(store, first->id, &err);
	if (!raw)
		return from_store(error, err);
	gsize len;
	const char *data = g_bytes_get_data(raw, &len);
	g_autoptr(SltMessage) msg = slt_mime_parse(data ? data : "", len, &err);
	if (!msg) {
		g_set_error(error, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_INVALID,
			    "request '%s': its message does not parse: %s", it->req->ref, err->message);
		g_error_free(err);
		return FALSE;
	}
	g_autoptr(SltResponder) responder = slt_responder_new(cfg, store, &err);
	if (!responder) {
		g_set_error(error, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_UNAVAILABLE,
			    "cannot compose replies: %s", err->message);
		g_error_free(err);
		return FALSE;
	}
	/* The staff's labels, certain: the reply follows what staff decided. */
	SltClassification labels = {
		.intent = it->req->intent,
		.theme = it->req->theme,
		.kenmerken = it->req->kenmerken,
		.packages = it->req->packages,
		.org = it->req->org ? it->req->org : (char *)"",
		.confidence = 1.0,
		.theme_confidence = 1.0,
		.why = g_ptr_array_new(),
	};
	SltIngested in = {
		.message_row = first->id,
		.request_id = id,
		.status = SLT_RECORD_NEW_REQUEST,
		.msg = msg,
		.labels = &labels,
	};
	g_autoptr(GPtrArray) before = slt_store_request_replies(store, id, &err);
	if (!before) {
		g_ptr_array_unref(labels.why);
		return from_store(error, err);
	}
	SendReply sr = { &in, responder, who };
	gboolean ok = in_txn(store, send_reply_txn, &sr, error);
	g_ptr_array_unref(labels.why);
	if (!ok)
		return FALSE;
	if (queued) {
		g_autoptr(GPtrArray) after = slt_store_request_replies(store, id, &err);
		if (!after)
			return from_store(error, err);
		/* Rows are in id order within equal times: the new ones follow. */
		gint64 last = 0;
		for (guint i = 0; i < before->len; i++)
			last = MAX(last, ((SltQueueReply *)g_ptr_array_index(before, i))->id);
		*queued = g_ptr_array_new_with_free_func((GDestroyNotify)slt_queue_reply_free);
		for (guint i = 0; i < after->len; i++) {
			SltQueueReply *r = g_ptr_array_index(after, i);
			if (r->id > last)
				g_ptr_array_add(*queued, g_ptr_array_steal_index(after, i--));
		}
	}
	return TRUE;
}

typedef struct {
	const SltDeadLetterRow *dl;
	const SltIncoming *in;
	SltRecordResult *res;
	const char *who;
} Reprocess;

static gboolean
reprocess_txn(SltStore *store, gpointer data, GError **error)
{
	Reprocess *rp = data;
	if (!slt_store_record_incoming(store, rp->in, rp->res, error))
		return FALSE;
	g_autofree char *result = g_strdup_printf("%s SLT-%" G_GINT64_FORMAT " (message %" G_GINT64_FORMAT ")",
		rp->res->status == SLT_RECORD_DUPLICATE ? "duplicate of" :
		rp->res->status == SLT_RECORD_FOLLOW_UP ? "follow-up in" : "new request",
		rp->res->request_id, rp->res->message_row);
	g_autofree char *target = g_strdup_printf("dead-letter %" G_GINT64_FORMAT, rp->dl->id);
	return slt_store_dead_letter_reprocessed(store, rp->dl->id, result, rp->res->message_row, error) &&
	       slt_store_audit_add(store, rp->who, "reprocess", target, result, error);
}

typedef struct {
	gint64 id;
	const char *who, *why;
} ReprocessFailed;

static gboolean
reprocess_failed_txn(SltStore *store, gpointer data, GError **error)
{
	ReprocessFailed *f = data;
	g_autofree char *target = g_strdup_printf("dead-letter %" G_GINT64_FORMAT, f->id);
	g_autofree char *result = g_strdup_printf("failed again: %s", f->why);
	return slt_store_dead_letter_reprocessed(store, f->id, result, 0, error) &&
	       slt_store_audit_add(store, f->who, "reprocess", target, result, error);
}

gboolean
slt_queue_reprocess(SltStore *store, const SltClassifier *c, gint64 dead_letter,
		    const char *who, SltRecordResult *res, GError **error)
{
	GError *err = NULL;
	g_autoptr(SltDeadLetterRow) dl = slt_store_dead_letter_get(store, dead_letter, &err);
	if (!dl)
		return from_store(error, err);
	if (dl->message_row) {
		g_set_error(error, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_INVALID,
			    "dead letter %" G_GINT64_FORMAT " was recorded already (message %" G_GINT64_FORMAT ")",
			    dl->id, dl->message_row);
		return FALSE;
	}
	if (!dl->raw) {
		g_set_error(error, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_INVALID,
			    "dead letter %" G_GINT64_FORMAT " has no stored bytes to parse", dl->id);
		return FALSE;
	}
	gsize len;
	const char *data = g_bytes_get_data(dl->raw, &len);
	g_autoptr(SltMessage) msg = slt_mime_parse(data ? data : "", len, &err);
	if (!msg) {
		ReprocessFailed f = { dl->id, who, err->message };
		g_autoptr(GError) e2 = NULL;
		in_txn(store, reprocess_failed_txn, &f, &e2);
		g_set_error(error, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_INVALID,
			    "dead letter %" G_GINT64_FORMAT " still does not parse: %s", dl->id, err->message);
		g_error_free(err);
		return FALSE;
	}
	g_autoptr(SltClassification) labels = slt_classify(c, msg);
	guint8 sha[32];
	gsize shalen = sizeof sha;
	g_autoptr(GChecksum) ck = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(ck, (const guchar *)(data ? data : ""), len);
	g_checksum_get_digest(ck, sha, &shalen);
	SltIncoming in = {
		.mailbox = dl->mailbox,
		.uidvalidity = dl->uidvalidity,
		.uid = dl->uid,
		.raw = dl->raw,
		.sha256 = sha,
		.msg = msg,
		.labels = labels,
	};
	SltRecordResult local;
	Reprocess rp = { dl, &in, res ? res : &local, who };
	return in_txn(store, reprocess_txn, &rp, error);
}

gboolean
slt_queue_export_corrections(SltStore *store, const char *dir, guint *n, GError **error)
{
	GError *err = NULL;
	g_autoptr(GPtrArray) cs = slt_store_corrections(store, &err);
	if (!cs)
		return from_store(error, err);
	g_autofree char *msgdir = g_build_filename(dir, "messages", NULL);
	if (g_mkdir_with_parents(msgdir, 0755) != 0) {
		g_set_error(error, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_INVALID,
			    "cannot create '%s': %s", msgdir, g_strerror(errno));
		return FALSE;
	}
	g_autoptr(GString) tsv = g_string_new("file\tintent\ttheme\tkenmerken\tpackages\torg\n");
	guint count = 0;
	for (guint i = 0; i < cs->len; i++) {
		const SltCorrection *c = g_ptr_array_index(cs, i);
		if (!c->raw || !c->intent || !c->theme)
			continue;
		g_autofree char *file = g_strdup_printf("m%06" G_GINT64_FORMAT ".eml", c->message_row);
		g_autofree char *path = g_build_filename(msgdir, file, NULL);
		gsize len;
		const char *data = g_bytes_get_data(c->raw, &len);
		if (!g_file_set_contents(path, data ? data : "", (gssize)len, error))
			return FALSE;
		g_autofree char *km = join_strings(c->kenmerken);
		g_autofree char *pk = join_strings(c->packages);
		g_string_append_printf(tsv, "%s\t%s\t%s\t%s\t%s\t%s\n", file, c->intent, c->theme,
				       km, pk, c->org ? c->org : "");
		count++;
	}
	g_autofree char *labels = g_build_filename(dir, "labels.tsv", NULL);
	if (!g_file_set_contents(labels, tsv->str, (gssize)tsv->len, error))
		return FALSE;
	if (n)
		*n = count;
	return TRUE;
}

/* ---- AVG ---------------------------------------------------------------- */

typedef struct {
	const char *who, *addr;
	gint64 before;
	SltEraseCounts *n;
} Erase;

static char *
erase_detail(const SltEraseCounts *n)
{
	return g_strdup_printf("requests %u, messages %u, attachments %u, waiting list %u,"
			       " replies %u, dead letters %u, notes %u", n->requests, n->messages,
			       n->attachments, n->waits, n->replies, n->dead_letters, n->notes);
}

static gboolean
forget_txn(SltStore *store, gpointer data, GError **error)
{
	Erase *e = data;
	g_autofree char *token = slt_queue_person_token(e->addr);
	if (!slt_store_erase_person(store, e->addr, e->n, error))
		return FALSE;
	g_autofree char *detail = erase_detail(e->n);
	return slt_store_audit_add(store, e->who, "forget", token, detail, error);
}

static gboolean
purge_txn(SltStore *store, gpointer data, GError **error)
{
	Erase *e = data;
	if (!slt_store_erase_before(store, e->before, e->n, error))
		return FALSE;
	g_autofree char *target = slt_queue_iso_time(e->before);
	g_autofree char *detail = erase_detail(e->n);
	return slt_store_audit_add(store, e->who, "purge", target, detail, error);
}

static gboolean
optimize(SltStore *store, GError **error)
{
	GError *err = NULL;
	if (!slt_store_fts_optimize(store, &err))
		return from_store(error, err);
	return TRUE;
}

static gboolean
check_addr(const char *addr, GError **error)
{
	if (!addr || !strchr(addr, '@') || strchr(addr, ' ') || strlen(addr) > 320) {
		g_set_error(error, SLT_QUEUE_ERROR, SLT_QUEUE_ERROR_INVALID,
			    "not a mail address '%s'", addr ? addr : "");
		return FALSE;
	}
	return TRUE;
}

gboolean
slt_queue_forget(SltStore *store, const char *who, const char *addr, SltEraseCounts *n,
		 GError **error)
{
	if (!check_addr(addr, error))
		return FALSE;
	g_autofree char *low = g_ascii_strdown(addr, -1);
	SltEraseCounts local;
	Erase e = { who, low, 0, n ? n : &local };
	return in_txn(store, forget_txn, &e, error) && optimize(store, error);
}

gboolean
slt_queue_purge(SltStore *store, const char *who, gint64 before, SltEraseCounts *n,
		GError **error)
{
	SltEraseCounts local;
	Erase e = { who, NULL, before, n ? n : &local };
	return in_txn(store, purge_txn, &e, error) && optimize(store, error);
}

static gboolean
audit_txn(SltStore *store, gpointer data, GError **error)
{
	const char **a = data;
	return slt_store_audit_add(store, a[0], a[1], a[2], a[3], error);
}

static void json_wait(SltJson *j, const SltQueueWait *w);

gboolean
slt_queue_export_person(SltStore *store, const char *who, const char *addr, SltJson *j,
			GError **error)
{
	if (!check_addr(addr, error))
		return FALSE;
	g_autofree char *low = g_ascii_strdown(addr, -1);
	GError *err = NULL;
	g_autoptr(GArray) ids = slt_store_person_requests(store, low, &err);
	if (!ids)
		return from_store(error, err);
	g_autoptr(GPtrArray) waits = slt_store_request_waits(store, 0, low, &err);
	if (!waits)
		return from_store(error, err);
	/* Audit first: an export that cannot be recorded is not made. */
	g_autofree char *token = slt_queue_person_token(low);
	g_autofree char *detail = g_strdup_printf("requests %u, waiting list %u", ids->len, waits->len);
	const char *a[] = { who, "export-person", token, detail };
	if (!in_txn(store, audit_txn, a, error))
		return FALSE;
	slt_json_begin_object(j);
	slt_json_kv_string(j, "address", low);
	g_autofree char *now = slt_queue_iso_time(g_get_real_time() / G_USEC_PER_SEC);
	slt_json_kv_string(j, "exported_at", now);
	slt_json_key(j, "requests");
	slt_json_begin_array(j);
	for (guint i = 0; i < ids->len; i++) {
		g_autoptr(SltQueueItem) it = slt_queue_get_id(store, g_array_index(ids, gint64, i), error);
		if (!it)
			return FALSE;
		slt_queue_json_item(j, it);
	}
	slt_json_end_array(j);
	slt_json_key(j, "waitlist");
	slt_json_begin_array(j);
	for (guint i = 0; i < waits->len; i++)
		json_wait(j, g_ptr_array_index(waits, i));
	slt_json_end_array(j);
	slt_json_end_object(j);
	return TRUE;
}

/* ---- statistics and status -------------------------------------------- */

gboolean
slt_queue_parse_by(const char *s, SltStatsBy *by, GError **error)
{
	static const char *const names[] = { "theme", "intent", "org", "month", NULL };
	for (guint i = 0; names[i]; i++)
		if (g_strcmp0(s, names[i]) == 0) {
			*by = (SltStatsBy)i;
			return TRUE;
		}
	return check_one("grouping", s, names, 4, error);
}

void
slt_stats_group_free(SltStatsGroup *g)
{
	if (!g)
		return;
	g_free(g->key);
	g_free(g);
}

typedef struct {
	SltStatsGroup *g;
	GArray *secs;
} Acc;

static void
acc_free(gpointer p)
{
	Acc *a = p;
	g_array_unref(a->secs);
	g_free(a);
}

static int
cmp_count(gconstpointer a, gconstpointer b)
{
	const SltStatsGroup *x = *(SltStatsGroup *const *)a, *y = *(SltStatsGroup *const *)b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return g_strcmp0(x->key, y->key);
}

static int
cmp_key(gconstpointer a, gconstpointer b)
{
	const SltStatsGroup *x = *(SltStatsGroup *const *)a, *y = *(SltStatsGroup *const *)b;
	return g_strcmp0(x->key, y->key);
}

GPtrArray *
slt_queue_stats_group(const GPtrArray *rows, SltStatsBy by, SltStatsGroup *all)
{
	g_autoptr(GHashTable) groups = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, acc_free);
	g_autoptr(GArray) every = g_array_new(FALSE, FALSE, sizeof(gint64));
	guint total = 0;
	for (guint i = 0; rows && i < rows->len; i++) {
		const SltStatsRow *r = g_ptr_array_index(rows, i);
		g_autofree char *key = NULL;
		switch (by) {
		case SLT_STATS_BY_THEME: key = g_strdup(r->theme ? r->theme : "-"); break;
		case SLT_STATS_BY_INTENT: key = g_strdup(r->intent ? r->intent : "-"); break;
		case SLT_STATS_BY_ORG: key = g_strdup(r->org && *r->org ? r->org : "-"); break;
		case SLT_STATS_BY_MONTH: {
			g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(r->opened_at);
			key = dt ? g_date_time_format(dt, "%Y-%m") : g_strdup("-");
			break;
		}
		}
		Acc *a = g_hash_table_lookup(groups, key);
		if (!a) {
			a = g_new0(Acc, 1);
			a->g = g_new0(SltStatsGroup, 1);
			a->g->key = g_strdup(key);
			a->secs = g_array_new(FALSE, FALSE, sizeof(gint64));
			g_hash_table_insert(groups, g_strdup(key), a);
		}
		a->g->count++;
		total++;
		if (r->response_secs >= 0) {
			g_array_append_val(a->secs, r->response_secs);
			g_array_append_val(every, r->response_secs);
		}
	}
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)slt_stats_group_free);
	GHashTableIter iter;
	gpointer v;
	g_hash_table_iter_init(&iter, groups);
	while (g_hash_table_iter_next(&iter, NULL, &v)) {
		Acc *a = v;
		a->g->answered = a->secs->len;
		a->g->median_response = slt_queue_median((gint64 *)(void *)a->secs->data, a->secs->len);
		g_ptr_array_add(out, g_steal_pointer(&a->g));
	}
	g_ptr_array_sort(out, by == SLT_STATS_BY_MONTH ? cmp_key : cmp_count);
	if (all) {
		all->key = NULL;
		all->count = total;
		all->answered = every->len;
		all->median_response = slt_queue_median((gint64 *)(void *)every->data, every->len);
	}
	return out;
}

void
slt_queue_status_clear(SltQueueStatus *s)
{
	g_clear_pointer(&s->last_pass, g_free);
	g_clear_pointer(&s->last_error, g_free);
	g_clear_pointer(&s->alarms, g_ptr_array_unref);
}

/* "at\tvalue" from slt_store_status_all. */
static gint64
status_value(GHashTable *st, const char *key, char **value)
{
	const char *v = g_hash_table_lookup(st, key);
	if (value)
		*value = NULL;
	if (!v)
		return 0;
	const char *tab = strchr(v, '\t');
	if (value)
		*value = g_strdup(tab ? tab + 1 : "");
	return g_ascii_strtoll(v, NULL, 10);
}

static char *
ago(gint64 secs)
{
	if (secs < 120)
		return g_strdup_printf("%" G_GINT64_FORMAT " s", secs);
	if (secs < 7200)
		return g_strdup_printf("%" G_GINT64_FORMAT " min", secs / 60);
	if (secs < 2 * 86400)
		return g_strdup_printf("%" G_GINT64_FORMAT " uur", secs / 3600);
	return g_strdup_printf("%" G_GINT64_FORMAT " dagen", secs / 86400);
}

gboolean
slt_queue_status(SltStore *store, gint64 now, gint64 stale_secs, guint quiet_office_hours,
		 SltQueueStatus *s, GError **error)
{
	memset(s, 0, sizeof *s);
	s->alarms = g_ptr_array_new_with_free_func(g_free);
	GError *err = NULL;
	g_autoptr(GHashTable) st = slt_store_status_all(store, &err);
	if (!st || !slt_store_queue_counts(store, &s->counts, &err))
		return from_store(error, err);
	/* The keys sltd writes (service.h): "daemon" says running (pid N) or
	 * stopped; the `at` of "status" is a heartbeat (rewritten at least
	 * every minute); "alarm-*" are the alarms sltd raised itself. */
	g_autofree char *daemon = NULL;
	status_value(st, "daemon", &daemon);
	s->heartbeat_at = status_value(st, "status", NULL);
	s->last_pass_at = status_value(st, "last-pass", &s->last_pass);
	s->last_error_at = status_value(st, "last-error", &s->last_error);
	const char *pid = daemon ? strstr(daemon, "pid ") : NULL;
	if (pid)
		s->pid = g_ascii_strtoll(pid + 4, NULL, 10);
	gboolean fresh = s->heartbeat_at && now - s->heartbeat_at <= stale_secs;
	if (daemon && g_str_has_prefix(daemon, "stopped")) {
		s->alive_known = TRUE;
		s->alive = FALSE;
	} else if (daemon || s->heartbeat_at) {
		s->alive_known = TRUE;
		/* EPERM: it runs, as another user (sltd's own account). A pid
		 * on another host (sltctl elsewhere) cannot be checked: the
		 * heartbeat decides then. */
		gboolean running = s->pid > 0 && (kill((pid_t)s->pid, 0) == 0 || errno == EPERM);
		s->alive = fresh || (running && !s->heartbeat_at);
		if (running && s->heartbeat_at && !fresh) {
			g_autofree char *a = ago(now - s->heartbeat_at);
			g_ptr_array_add(s->alarms, g_strdup_printf("sltd draait maar meldt zich al %s niet", a));
		}
	}
	if (s->alive_known && !s->alive)
		g_ptr_array_add(s->alarms, g_strdup("sltd draait niet"));
	static const struct { const char *key, *label; } known[] = {
		{ "alarm-imap-auth", "inloggen op de mailbox geweigerd" },
		{ "alarm-imap-tls", "TLS van de mailserver niet in orde" },
		{ "alarm-smtp-auth", "inloggen op de SMTP-server geweigerd" },
		{ "alarm-smtp-tls", "TLS van de SMTP-server niet in orde" },
		{ "alarm-outbox", "antwoorden blijven hangen" },
		{ "alarm-quiet", "geen mail binnen" },
		{ "alarm-imap-down", "mailserver onbereikbaar" },
	};
	g_autoptr(GList) keys = g_hash_table_get_keys(st);
	keys = g_list_sort(keys, (GCompareFunc)g_strcmp0);
	gboolean daemon_alarms = FALSE;
	for (GList *l = keys; l; l = l->next) {
		const char *k = l->data;
		if (!g_str_has_prefix(k, "alarm-"))
			continue;
		daemon_alarms = TRUE;
		const char *label = k + strlen("alarm-");
		for (guint i = 0; i < G_N_ELEMENTS(known); i++)
			if (strcmp(k, known[i].key) == 0)
				label = known[i].label;
		g_autofree char *text = NULL;
		status_value(st, k, &text);
		g_ptr_array_add(s->alarms, g_strdup_printf("%s: %s", label, text ? text : ""));
	}
	/* Without sltd's own alarms (an older sltd, or one that never ran),
	 * judge from what it recorded. */
	if (!daemon_alarms && s->last_error_at && s->last_error_at >= s->last_pass_at && s->last_error) {
		g_autofree char *low = g_ascii_strdown(s->last_error, -1);
		gboolean auth = strstr(low, "auth") || strstr(low, "login") || strstr(low, "password");
		g_ptr_array_add(s->alarms, g_strdup_printf("%s: %s",
			auth ? "inloggen op de mailbox mislukt" : "laatste ronde mislukt", s->last_error));
	}
	if (s->alive && s->last_pass_at && now - s->last_pass_at > stale_secs) {
		g_autofree char *a = ago(now - s->last_pass_at);
		g_ptr_array_add(s->alarms, g_strdup_printf("geen geslaagde ronde sinds %s", a));
	}
	if (s->counts.outbox_failed)
		g_ptr_array_add(s->alarms, g_strdup_printf("%" G_GINT64_FORMAT " antwoord(en) mislukt",
							   s->counts.outbox_failed));
	if (s->counts.dead_letters)
		g_ptr_array_add(s->alarms, g_strdup_printf("%" G_GINT64_FORMAT " onverwerkte bericht(en)",
							   s->counts.dead_letters));
	if (quiet_office_hours && s->counts.last_mail_at && !g_hash_table_contains(st, "alarm-quiet")) {
		guint h = slt_queue_office_hours(s->counts.last_mail_at, now);
		if (h >= quiet_office_hours)
			g_ptr_array_add(s->alarms, g_strdup_printf("geen mail binnen in %u kantooruren", h));
	}
	return TRUE;
}

/* ---- JSON --------------------------------------------------------------- */

char *
slt_queue_iso_time(gint64 t)
{
	if (!t)
		return NULL;
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(t);
	return dt ? g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S%:z") : NULL;
}

static void
kv_time(SltJson *j, const char *key, gint64 t)
{
	g_autofree char *s = slt_queue_iso_time(t);
	slt_json_kv_string(j, key, s);
}

void
slt_queue_json_row(SltJson *j, const SltRequestRow *r)
{
	slt_json_begin_object(j);
	slt_json_kv_string(j, "ref", r->ref);
	slt_json_kv_int(j, "id", r->id);
	kv_time(j, "opened_at", r->opened_at);
	kv_time(j, "updated_at", r->updated_at);
	slt_json_kv_string(j, "status", r->status);
	slt_json_kv_string(j, "assignee", r->assignee);
	slt_json_kv_string(j, "org", r->org);
	slt_json_kv_string(j, "requester_addr", r->requester_addr);
	slt_json_kv_string(j, "requester_name", r->requester_name);
	slt_json_kv_string(j, "intent", r->intent);
	slt_json_kv_string(j, "theme", r->theme);
	slt_json_key(j, "packages");
	slt_json_string_array(j, r->packages);
	slt_json_kv_bool(j, "review", r->review);
	slt_json_kv_string(j, "subject", r->subject);
	slt_json_kv_int(j, "messages", r->n_messages);
	slt_json_end_object(j);
}

static void
json_wait(SltJson *j, const SltQueueWait *w)
{
	slt_json_begin_object(j);
	slt_json_kv_int(j, "id", w->id);
	slt_json_kv_string(j, "package", w->package);
	slt_json_kv_string(j, "addr", w->addr);
	slt_json_kv_string(j, "name", w->name);
	if (w->request_id) {
		g_autofree char *ref = slt_store_ref_format(w->request_id);
		slt_json_kv_string(j, "ref", ref);
	} else {
		slt_json_kv_string(j, "ref", NULL);
	}
	kv_time(j, "added_at", w->added_at);
	kv_time(j, "removed_at", w->removed_at);
	slt_json_kv_string(j, "removed_reason", w->removed_reason);
	slt_json_end_object(j);
}

void
slt_queue_json_item(SltJson *j, const SltQueueItem *it)
{
	const SltRequest *r = it->req;
	slt_json_begin_object(j);
	slt_json_kv_string(j, "ref", r->ref);
	slt_json_kv_int(j, "id", r->id);
	slt_json_kv_int(j, "version", r->version);
	kv_time(j, "opened_at", r->opened_at);
	kv_time(j, "updated_at", r->updated_at);
	kv_time(j, "first_response_at", r->first_response_at);
	slt_json_kv_string(j, "status", r->status);
	slt_json_kv_string(j, "status_label", slt_queue_status_label(r->status));
	slt_json_kv_string(j, "assignee", r->assignee);
	slt_json_kv_string(j, "org", r->org);
	slt_json_kv_string(j, "requester_addr", r->requester_addr);
	slt_json_kv_string(j, "requester_name", r->requester_name);
	slt_json_kv_string(j, "subject", r->subject);
	slt_json_kv_string(j, "intent", r->intent);
	slt_json_kv_string(j, "theme", r->theme);
	slt_json_key(j, "kenmerken");
	slt_json_string_array(j, r->kenmerken);
	slt_json_key(j, "packages");
	slt_json_string_array(j, r->packages);
	slt_json_kv_double(j, "confidence", r->confidence);
	slt_json_kv_bool(j, "review", r->review);
	slt_json_kv_string(j, "labels_by", r->labels_by);
	kv_time(j, "erased_at", r->erased_at);

	slt_json_key(j, "messages");
	slt_json_begin_array(j);
	for (guint i = 0; i < it->messages->len; i++) {
		const SltQueueMessage *m = g_ptr_array_index(it->messages, i);
		slt_json_begin_object(j);
		slt_json_kv_int(j, "id", m->id);
		slt_json_kv_string(j, "message_id", m->message_id);
		kv_time(j, "date", m->date);
		kv_time(j, "received_at", m->created_at);
		slt_json_kv_string(j, "from_name", m->from_name);
		slt_json_kv_string(j, "from_addr", m->from_addr);
		slt_json_kv_string(j, "subject", m->subject);
		slt_json_kv_string(j, "new_text", m->new_text);
		slt_json_kv_string(j, "quoted_text", m->quoted_text);
		slt_json_kv_string(j, "forwarded_text", m->forwarded_text);
		slt_json_kv_string(j, "signature", m->signature);
		slt_json_kv_string(j, "intent", m->intent);
		slt_json_kv_string(j, "theme", m->theme);
		slt_json_kv_string(j, "org", m->org);
		slt_json_key(j, "kenmerken");
		slt_json_string_array(j, m->kenmerken);
		slt_json_key(j, "packages");
		slt_json_string_array(j, m->packages);
		slt_json_kv_double(j, "confidence", m->confidence);
		slt_json_kv_double(j, "theme_confidence", m->theme_confidence);
		slt_json_kv_bool(j, "review", m->review);
		slt_json_key(j, "why");
		slt_json_string_array(j, m->why);
		slt_json_key(j, "machine_evidence");
		slt_json_string_array(j, m->machine_evidence);
		slt_json_key(j, "attachments");
		slt_json_string_array(j, m->attachments);
		kv_time(j, "erased_at", m->erased_at);
		slt_json_end_object(j);
	}
	slt_json_end_array(j);

	slt_json_key(j, "replies");
	slt_json_begin_array(j);
	for (guint i = 0; i < it->replies->len; i++) {
		const SltQueueReply *o = g_ptr_array_index(it->replies, i);
		slt_json_begin_object(j);
		slt_json_kv_int(j, "id", o->id);
		slt_json_kv_string(j, "kind", o->kind);
		slt_json_kv_string(j, "state", o->state);
		slt_json_kv_string(j, "rcpt", o->rcpt);
		slt_json_kv_string(j, "subject", o->subject);
		slt_json_kv_string(j, "suppress_reason", o->suppress_reason);
		slt_json_kv_string(j, "last_error", o->last_error);
		slt_json_kv_int(j, "attempts", o->attempts);
		kv_time(j, "created_at", o->created_at);
		kv_time(j, "sent_at", o->sent_at);
		slt_json_end_object(j);
	}
	slt_json_end_array(j);

	slt_json_key(j, "waitlist");
	slt_json_begin_array(j);
	for (guint i = 0; i < it->waits->len; i++)
		json_wait(j, g_ptr_array_index(it->waits, i));
	slt_json_end_array(j);

	slt_json_key(j, "history");
	slt_json_begin_array(j);
	for (guint i = 0; i < it->history->len; i++) {
		const SltQueueEvent *e = g_ptr_array_index(it->history, i);
		slt_json_begin_object(j);
		kv_time(j, "at", e->at);
		slt_json_kv_string(j, "who", e->who);
		slt_json_kv_string(j, "action", e->action);
		slt_json_kv_string(j, "detail", e->detail);
		slt_json_end_object(j);
	}
	slt_json_end_array(j);
	slt_json_end_object(j);
}
