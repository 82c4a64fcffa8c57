/* SPDX-License-Identifier: MIT */
/* sltctl show REF: one request in full: the thread (each message's new
 * text; the quoted part folded to a line count unless --full), labels
 * with their evidence, replies sent or suppressed and why, waiting-list
 * entries, and the history. Reads only. */
#include "sltctl-queue.h"

#include <stdio.h>
#include <string.h>

#include "table.h"

/* Text for the terminal: control characters (other than newline and
 * tab) become '?', so a hostile message cannot drive the terminal; each
 * line indented. */
static void
print_text(const char *indent, const char *text)
{
	g_autofree char *safe = g_utf8_make_valid(text ? text : "", -1);
	g_auto(GStrv) lines = g_strsplit(safe, "\n", -1);
	guint n = g_strv_length(lines);
	while (n > 0 && !*g_strstrip(lines[n - 1]))
		n--;
	for (guint i = 0; i < n; i++) {
		g_autofree char *cell = slt_table_cell(lines[i], 0);
		printf("%s%s\n", indent, cell);
	}
}

static guint
count_lines(const char *s)
{
	guint n = 0;
	for (const char *p = s; p && *p; p++)
		n += *p == '\n';
	return s && *s ? n + 1 : 0;
}

static void
print_list(const char *label, const GPtrArray *a)
{
	g_autoptr(GString) s = g_string_new(NULL);
	for (guint i = 0; a && i < a->len; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "", (const char *)g_ptr_array_index(a, i));
	g_autofree char *cell = slt_table_cell(s->len ? s->str : "-", 0);
	printf("%-16s %s\n", label, cell);
}

static void
field(const char *label, const char *value)
{
	g_autofree char *cell = slt_table_cell(value && *value ? value : "-", 0);
	printf("%-16s %s\n", label, cell);
}

static void
print_item(SltCtl *ctl, const SltQueueItem *it, gboolean full)
{
	const SltRequest *r = it->req;
	const char *b = sltctl_c(ctl, "\033[1m"), *o = sltctl_c(ctl, "\033[0m");
	const char *dim = sltctl_c(ctl, "\033[2m");
	g_autofree char *subj = slt_table_cell(r->subject, 0);
	printf("%s%s  %s%s\n", b, r->ref, subj, o);
	g_autofree char *opened = sltctl_local_time(r->opened_at);
	g_autofree char *updated = sltctl_local_time(r->updated_at);
	g_autofree char *first = sltctl_local_time(r->first_response_at);
	field("Status", slt_queue_status_label(r->status));
	field("Behandelaar", r->assignee);
	g_autofree char *who = r->requester_name ?
		g_strdup_printf("%s <%s>", r->requester_name, r->requester_addr ? r->requester_addr : "") :
		g_strdup(r->requester_addr);
	field("Afzender", who);
	field("Organisatie", r->org);
	field("Geopend", opened);
	field("Bijgewerkt", updated);
	field("Eerste antwoord", first);
	g_autofree char *conf = g_strdup_printf("%s / %s (zekerheid %.2f%s; door %s)",
		r->intent ? r->intent : "-", r->theme ? r->theme : "-", r->confidence,
		r->review ? ", nakijken" : "", r->labels_by ? r->labels_by : "sltd");
	field("Labels", conf);
	print_list("Kenmerken", r->kenmerken);
	print_list("Pakketten", r->packages);
	if (r->erased_at) {
		g_autofree char *e = sltctl_local_time(r->erased_at);
		field("Gewist", e);
	}
	printf("Versie           %" G_GINT64_FORMAT "\n", r->version);

	printf("\n%sBerichten (%u)%s\n", b, it->messages->len, o);
	for (guint i = 0; i < it->messages->len; i++) {
		const SltQueueMessage *m = g_ptr_array_index(it->messages, i);
		g_autofree char *when = sltctl_local_time(m->date ? m->date : m->created_at);
		g_autofree char *from = slt_table_cell(m->from_addr, 0);
		g_autofree char *ms = slt_table_cell(m->subject, 0);
		printf("\n  [%u] %s  %s  (bericht %" G_GINT64_FORMAT ")\n", i + 1, when, from, m->id);
		printf("      Onderwerp: %s\n", ms);
		printf("      Labels: %s / %s (%.2f / %.2f)%s\n", m->intent ? m->intent : "-",
		       m->theme ? m->theme : "-", m->confidence, m->theme_confidence,
		       m->review ? " nakijken" : "");
		for (guint k = 0; k < m->why->len; k++) {
			g_autofree char *w = slt_table_cell(g_ptr_array_index(m->why, k), 0);
			printf("      %s- %s%s\n", dim, w, o);
		}
		for (guint k = 0; k < m->machine_evidence->len; k++) {
			g_autofree char *w = slt_table_cell(g_ptr_array_index(m->machine_evidence, k), 0);
			printf("      %sautomatisch: %s%s\n", dim, w, o);
		}
		for (guint k = 0; k < m->attachments->len; k++) {
			g_autofree char *w = slt_table_cell(g_ptr_array_index(m->attachments, k), 0);
			printf("      bijlage: %s\n", w);
		}
		if (m->erased_at) {
			printf("      (gewist)\n");
			continue;
		}
		printf("\n");
		print_text("      ", m->new_text);
		guint q = count_lines(m->quoted_text), f = count_lines(m->forwarded_text);
		if (full) {
			if (q) {
				printf("      %s> --- geciteerd ---%s\n", dim, o);
				print_text("      > ", m->quoted_text);
			}
			if (f) {
				printf("      %s> --- doorgestuurd ---%s\n", dim, o);
				print_text("      > ", m->forwarded_text);
			}
		} else if (q || f) {
			printf("      %s[%u regels geciteerd, %u doorgestuurd: --full toont ze]%s\n", dim, q, f, o);
		}
	}

	printf("\n%sAntwoorden (%u)%s\n", b, it->replies->len, o);
	for (guint i = 0; i < it->replies->len; i++) {
		const SltQueueReply *rp = g_ptr_array_index(it->replies, i);
		g_autofree char *when = sltctl_local_time(rp->sent_at ? rp->sent_at : rp->created_at);
		g_autofree char *rc = slt_table_cell(rp->rcpt, 0);
		if (rp->suppress_reason)
			printf("  %s  %-12s niet verstuurd: %s\n", when, rp->kind, rp->suppress_reason);
		else
			printf("  %s  %-12s %s aan %s%s%s\n", when, rp->kind, rp->state, rc,
			       rp->last_error ? "; " : "", rp->last_error ? rp->last_error : "");
	}
	if (it->waits->len)
		printf("\n%sWachtlijst (%u)%s\n", b, it->waits->len, o);
	for (guint i = 0; i < it->waits->len; i++) {
		const SltQueueWait *w = g_ptr_array_index(it->waits, i);
		g_autofree char *added = sltctl_local_time(w->added_at);
		g_autofree char *removed = sltctl_local_time(w->removed_at);
		printf("  %-22s sinds %s%s%s%s\n", w->package, added,
		       w->removed_at ? ", eraf " : "", w->removed_at ? removed : "",
		       w->removed_reason ? w->removed_reason : "");
	}
	printf("\n%sGeschiedenis%s\n", b, o);
	for (guint i = 0; i < it->history->len; i++) {
		const SltQueueEvent *e = g_ptr_array_index(it->history, i);
		g_autofree char *at = sltctl_local_time(e->at);
		g_autofree char *d = slt_table_cell(e->detail, 0);
		g_autofree char *w = slt_table_cell(e->who, 0);
		printf("  %s  %-12s %-10s %s\n", at, w, e->action, e->detail ? d : "");
	}
}

int
cmd_show(SltCtl *ctl, int argc, char **argv)
{
	gboolean full = FALSE;
	GOptionEntry entries[] = {
		{ "full", 'f', 0, G_OPTION_ARG_NONE, &full, "also the quoted and forwarded text", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	if (!sltctl_parse(ctl, "show", entries, &argc, &argv))
		return 2;
	if (argc != 2)
		return sltctl_fail("show: expected one reference (e.g. SLT-12)") + 1;
	g_autoptr(SltStore) store = sltctl_open_store(ctl, "show", FALSE, NULL);
	if (!store)
		return 1;
	GError *err = NULL;
	g_autoptr(SltQueueItem) it = slt_queue_get(store, argv[1], &err);
	if (!it)
		return sltctl_queue_fail("show", err);
	if (ctl->json) {
		SltJson *j = slt_json_new(TRUE);
		slt_queue_json_item(j, it);
		sltctl_print_json(j);
	} else {
		print_item(ctl, it, full);
	}
	return 0;
}
