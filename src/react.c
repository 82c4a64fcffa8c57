/* SPDX-License-Identifier: MIT */
/* react: what one message gets (rules in react.h). Pure: no I/O.
 * RFC 3834 2 and 5 (which messages an automatic responder must not
 * answer). */
#include "react.h"

#include <string.h>
#include "catalogue.h"
#include "mime.h"
#include "reply.h"
#include "template.h"

/* RFC 3834 section 2: never answer these. X-Auto-Response-Suppress is
 * left out on purpose: Exchange-based case systems set it on mail that
 * people write (mime.h); the classifier weighs it instead. */
#define STRONG_MACHINE (SLT_MACHINE_AUTO_SUBMITTED | SLT_MACHINE_PRECEDENCE | \
			SLT_MACHINE_LIST | SLT_MACHINE_X_AUTOREPLY | \
			SLT_MACHINE_NULL_RETURN_PATH | SLT_MACHINE_DAEMON_SENDER | \
			SLT_MACHINE_NOREPLY_SENDER | SLT_MACHINE_DSN | SLT_MACHINE_MDN | \
			SLT_MACHINE_BULK_MAILER)

void
slt_reaction_free(SltReaction *r)
{
	if (!r)
		return;
	g_ptr_array_unref(r->attach);
	g_ptr_array_unref(r->link);
	g_ptr_array_unref(r->wait);
	g_free(r);
}

gboolean
slt_react_is_noreply(const char *addr)
{
	if (!addr)
		return FALSE;
	const char *at = strrchr(addr, '@');
	g_autofree char *local = g_ascii_strdown(addr, at ? at - addr : -1);
	/* Separators vary: no-reply, no_reply, no.reply, noreply. */
	GString *squeezed = g_string_new(NULL);
	for (const char *p = local; *p; p++)
		if (*p != '-' && *p != '_' && *p != '.')
			g_string_append_c(squeezed, *p);
	g_autofree char *sq = g_string_free(squeezed, FALSE);
	static const char *const contains[] = {
		"noreply", "donotreply", "dontreply", "nietbeantwoorden", "nietantwoorden",
		"geenantwoord", "mailerdaemon", NULL,
	};
	for (const char *const *c = contains; *c; c++)
		if (strstr(sq, *c))
			return TRUE;
	static const char *const exact[] = {
		"postmaster", "bounce", "bounces", "listserv", "majordomo", "mailman",
		"autoreply", "autoresponder", NULL,
	};
	if (g_strv_contains(exact, local))
		return TRUE;
	/* VERP bounce addresses and list robots (RFC 2369 owners, -request). */
	return g_str_has_prefix(local, "bounce+") || g_str_has_prefix(local, "bounce-") ||
	       g_str_has_prefix(local, "bounces+") || g_str_has_prefix(local, "bounces-") ||
	       g_str_has_prefix(local, "owner-") || g_str_has_suffix(local, "-request") ||
	       g_str_has_suffix(local, "-owner");
}

static gboolean
in_list(const char *const *list, const char *s)
{
	for (; list && *list; list++)
		if (g_ascii_strcasecmp(*list, s) == 0)
			return TRUE;
	return FALSE;
}

static guint
count_in(const char *const *list, const char *s)
{
	guint n = 0;
	for (; list && *list; list++)
		if (strcmp(*list, s) == 0)
			n++;
	return n;
}

static const SltReactPackage *
find_package(const SltReactInput *in, const char *id)
{
	for (guint i = 0; i < in->n_catalogue; i++)
		if (in->catalogue[i].id && strcmp(in->catalogue[i].id, id) == 0)
			return &in->catalogue[i];
	return NULL;
}

/* The package ids asked for, in catalogue order for "alle", else in the
 * sender's order; unknown ids and duplicates dropped. Static strings. */
static GPtrArray *
requested(const SltReactInput *in)
{
	GPtrArray *ids = g_ptr_array_new();
	if (!in->packages)
		return ids;
	for (guint i = 0; i < in->packages->len; i++) {
		const char *p = g_ptr_array_index(in->packages, i);
		if (p && strcmp(p, "alle") == 0) {
			for (const char *const *id = slt_catalogue_ids; *id; id++)
				if (!g_ptr_array_find_with_equal_func(ids, *id, g_str_equal, NULL))
					g_ptr_array_add(ids, (gpointer)*id);
			continue;
		}
		for (const char *const *id = slt_catalogue_ids; *id; id++)
			if (p && strcmp(p, *id) == 0 &&
			    !g_ptr_array_find_with_equal_func(ids, *id, g_str_equal, NULL))
				g_ptr_array_add(ids, (gpointer)*id);
	}
	return ids;
}

static SltReaction *
suppress(SltReaction *r, const char *reason)
{
	r->reply = FALSE;
	r->reason = reason;
	return r;
}

SltReaction *
slt_react_decide(const SltReactInput *in)
{
	g_return_val_if_fail(in != NULL, NULL);
	SltReaction *r = g_new0(SltReaction, 1);
	r->attach = g_ptr_array_new();
	r->link = g_ptr_array_new();
	r->wait = g_ptr_array_new();
	const char *intent = in->intent ? in->intent : "overig";
	g_autoptr(GPtrArray) ids = NULL;  /* before any goto: auto-cleanup */

	/* 1, 2: not a person, or not for us. */
	if (strcmp(intent, "automatisch") == 0)
		return suppress(r, SLT_REACT_AUTOMATISCH);
	if (strcmp(intent, "overig") == 0)
		return suppress(r, SLT_REACT_OVERIG);
	if (in->machine & STRONG_MACHINE)
		return suppress(r, SLT_REACT_MACHINE);

	/* 3: where would it go? Reply-To wins (RFC 5322 3.6.2). */
	const char *rcpt = in->reply_to_addr && *in->reply_to_addr ? in->reply_to_addr : in->from_addr;
	if (!slt_reply_addr_ok(rcpt))
		return suppress(r, SLT_REACT_NO_ADDRESS);
	if (in_list(in->own_addrs, rcpt) || (in->from_addr && in_list(in->own_addrs, in->from_addr)))
		return suppress(r, SLT_REACT_OWN_ADDRESS);
	if (slt_react_is_noreply(rcpt))
		return suppress(r, SLT_REACT_NOREPLY);
	r->rcpt = rcpt;

	/* 4: unsure what they want: say it arrived, promise nothing. */
	if (in->review) {
		if (in->follow_up)
			return suppress(r, SLT_REACT_FOLLOW_UP);
		r->kind = SLT_TEMPLATE_NEUTRAL;
		goto limits;
	}

	/* 5 */
	if (strcmp(intent, "afmelden") == 0) {
		r->unsubscribe = TRUE;
		r->kind = SLT_TEMPLATE_AFMELDEN;
		goto limits;
	}

	/* 6 */
	ids = requested(in);
	for (guint i = 0; i < ids->len; i++) {
		const char *id = g_ptr_array_index(ids, i);
		if (in->follow_up && in_list(in->thread_packages, id))
			continue;
		const SltReactPackage *p = find_package(in, id);
		if (!p || !p->published)
			g_ptr_array_add(r->wait, (gpointer)id);
		else if (in->can_link && in->attach_max > 0 && p->size > in->attach_max)
			g_ptr_array_add(r->link, (gpointer)id);
		else
			g_ptr_array_add(r->attach, (gpointer)id);
	}
	gboolean sends = r->attach->len || r->link->len;
	gboolean anything = sends || r->wait->len;

	/* 7 */
	if (in->follow_up) {
		gboolean first_sparring = strcmp(intent, "sparring") == 0 &&
			!(in->thread_intent && strcmp(in->thread_intent, "sparring") == 0);
		if (!anything && !first_sparring)
			return suppress(r, SLT_REACT_FOLLOW_UP);
		if (anything && !first_sparring) {
			r->kind = sends ? SLT_TEMPLATE_PACKAGE : SLT_TEMPLATE_WAITLIST;
			goto limits;
		}
	}

	/* 8 */
	if (strcmp(intent, "sparring") == 0)
		r->kind = SLT_TEMPLATE_ACK_SPARRING;
	else if (strcmp(intent, "vraag") == 0)
		r->kind = SLT_TEMPLATE_ACK_VRAAG;
	else if (strcmp(intent, "werkpakket") == 0 && anything)
		r->kind = sends ? SLT_TEMPLATE_PACKAGE : SLT_TEMPLATE_WAITLIST;
	else
		r->kind = SLT_TEMPLATE_NEUTRAL;

limits:
	/* 9: the reply may be suppressed; the waiting-list changes stand. */
	if (in->per_sender_per_day) {
		if (r->attach->len || r->link->len) {
			/* Packages: once per package and day; the rest still go. */
			GPtrArray *lists[] = { r->attach, r->link };
			for (guint l = 0; l < G_N_ELEMENTS(lists); l++)
				for (guint i = lists[l]->len; i-- > 0;)
					if (count_in(in->sender_packages_today,
						     g_ptr_array_index(lists[l], i)) >= in->per_sender_per_day)
						g_ptr_array_remove_index(lists[l], i);
			if (!r->attach->len && !r->link->len && strcmp(r->kind, SLT_TEMPLATE_PACKAGE) == 0) {
				/* Everything was sent today already: only the
				 * waiting list news would remain. */
				if (!r->wait->len)
					return suppress(r, SLT_REACT_SENDER_LIMIT);
				r->kind = SLT_TEMPLATE_WAITLIST;
			}
		}
		if (strcmp(r->kind, SLT_TEMPLATE_PACKAGE) != 0 &&
		    count_in(in->sender_kinds_today, r->kind) >= in->per_sender_per_day)
			return suppress(r, SLT_REACT_SENDER_LIMIT);
	}
	if (in->global_per_hour && in->replies_last_hour >= in->global_per_hour)
		return suppress(r, SLT_REACT_HOURLY_CAP);
	r->reply = TRUE;
	return r;
}
