/* SPDX-License-Identifier: MIT */
/* Unit tests for react: every rule of react.h, in order, and the
 * limits, with the waiting-list effects that survive a suppression. */
#include <glib.h>
#include <string.h>

#include "react.h"
#include "mime.h"
#include "template.h"

static const SltReactPackage catalogue[] = {
	{ "visie", TRUE, 2 * 1024 * 1024 },
	{ "goed-bestuur", TRUE, 30 * 1024 * 1024 },    /* above attach_max */
	{ "netwerksamenwerking", FALSE, 0 },
	{ "kwaliteit", FALSE, 0 },
	{ "inkoop-bekostiging", TRUE, 100 },
};
static const char *const own[] = { "stevigelokaleteams@vng.nl", "bounces@vng.nl", NULL };

typedef struct {
	SltReactInput in;
	GPtrArray *pkgs;
} Case;

static void
case_init(Case *c, const char *intent, const char *packages)
{
	memset(c, 0, sizeof *c);
	c->pkgs = g_ptr_array_new_with_free_func(g_free);
	if (packages) {
		g_auto(GStrv) v = g_strsplit(packages, ",", -1);
		for (char **p = v; *p; p++)
			g_ptr_array_add(c->pkgs, g_strdup(*p));
	}
	c->in.intent = intent;
	c->in.packages = c->pkgs;
	c->in.from_addr = "jan@utrecht.nl";
	c->in.own_addrs = own;
	c->in.catalogue = catalogue;
	c->in.n_catalogue = G_N_ELEMENTS(catalogue);
	c->in.attach_max = 10 * 1024 * 1024;
	c->in.can_link = TRUE;
	c->in.per_sender_per_day = 1;
	c->in.global_per_hour = 200;
}

static void
case_clear(Case *c)
{
	g_ptr_array_unref(c->pkgs);
}

static char *
joined(GPtrArray *a)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < a->len; i++)
		g_string_append_printf(s, "%s%s", i ? "," : "", (const char *)g_ptr_array_index(a, i));
	return g_string_free(s, FALSE);
}

/* Decide and compare with the expectation; NULL kind/reason mean none. */
static void
expect(Case *c, gboolean reply, const char *kind, const char *reason,
       const char *attach, const char *link, const char *wait, gboolean unsub)
{
	g_autoptr(SltReaction) r = slt_react_decide(&c->in);
	g_assert_cmpint(r->reply, ==, reply);
	g_assert_cmpstr(r->kind, ==, kind);
	g_assert_cmpstr(r->reason, ==, reason);
	g_autofree char *a = joined(r->attach), *l = joined(r->link), *w = joined(r->wait);
	g_assert_cmpstr(a, ==, attach ? attach : "");
	g_assert_cmpstr(l, ==, link ? link : "");
	g_assert_cmpstr(w, ==, wait ? wait : "");
	g_assert_cmpint(r->unsubscribe, ==, unsub);
	if (reply)
		g_assert_nonnull(r->rcpt);
}

static void
test_not_a_person(void)
{
	Case c;
	case_init(&c, "automatisch", "visie");
	expect(&c, FALSE, NULL, SLT_REACT_AUTOMATISCH, NULL, NULL, NULL, FALSE);
	case_clear(&c);

	case_init(&c, "overig", NULL);
	expect(&c, FALSE, NULL, SLT_REACT_OVERIG, NULL, NULL, NULL, FALSE);
	case_clear(&c);

	case_init(&c, NULL, NULL);  /* no label at all: treated as overig */
	expect(&c, FALSE, NULL, SLT_REACT_OVERIG, NULL, NULL, NULL, FALSE);
	case_clear(&c);

	/* Every strong machine signal alone stops a "human" intent. */
	const guint strong[] = {
		SLT_MACHINE_AUTO_SUBMITTED, SLT_MACHINE_PRECEDENCE, SLT_MACHINE_LIST,
		SLT_MACHINE_X_AUTOREPLY, SLT_MACHINE_NULL_RETURN_PATH, SLT_MACHINE_DAEMON_SENDER,
		SLT_MACHINE_NOREPLY_SENDER, SLT_MACHINE_DSN, SLT_MACHINE_MDN, SLT_MACHINE_BULK_MAILER,
	};
	for (guint i = 0; i < G_N_ELEMENTS(strong); i++) {
		case_init(&c, "werkpakket", "visie");
		c.in.machine = strong[i];
		expect(&c, FALSE, NULL, SLT_REACT_MACHINE, NULL, NULL, NULL, FALSE);
		case_clear(&c);
	}
	/* An afmelden from a machine does not empty the waiting list. */
	case_init(&c, "afmelden", NULL);
	c.in.machine = SLT_MACHINE_AUTO_SUBMITTED;
	expect(&c, FALSE, NULL, SLT_REACT_MACHINE, NULL, NULL, NULL, FALSE);
	case_clear(&c);
	/* The weak signals alone do not. */
	case_init(&c, "vraag", NULL);
	c.in.machine = SLT_MACHINE_SUPPRESS | SLT_MACHINE_AUTOREPLY_SUBJECT;
	expect(&c, TRUE, SLT_TEMPLATE_ACK_VRAAG, NULL, NULL, NULL, NULL, FALSE);
	case_clear(&c);
}

static void
test_addresses(void)
{
	Case c;
	case_init(&c, "vraag", NULL);
	c.in.from_addr = NULL;
	expect(&c, FALSE, NULL, SLT_REACT_NO_ADDRESS, NULL, NULL, NULL, FALSE);
	c.in.from_addr = "not an address";
	expect(&c, FALSE, NULL, SLT_REACT_NO_ADDRESS, NULL, NULL, NULL, FALSE);
	c.in.from_addr = "jan@utrecht.nl\r\nbcc: x@y.nl";
	expect(&c, FALSE, NULL, SLT_REACT_NO_ADDRESS, NULL, NULL, NULL, FALSE);

	/* Our own address, as From or as Reply-To, in any case. */
	c.in.from_addr = "StevigeLokaleTeams@VNG.nl";
	expect(&c, FALSE, NULL, SLT_REACT_OWN_ADDRESS, NULL, NULL, NULL, FALSE);
	c.in.from_addr = "jan@utrecht.nl";
	c.in.reply_to_addr = "bounces@vng.nl";
	expect(&c, FALSE, NULL, SLT_REACT_OWN_ADDRESS, NULL, NULL, NULL, FALSE);
	c.in.reply_to_addr = NULL;
	c.in.from_addr = "stevigelokaleteams@vng.nl";
	c.in.reply_to_addr = "jan@utrecht.nl";  /* looped through a forwarder */
	expect(&c, FALSE, NULL, SLT_REACT_OWN_ADDRESS, NULL, NULL, NULL, FALSE);

	/* No-reply and daemon addresses, without the machine bits. */
	const char *noreply[] = {
		"noreply@x.nl", "no-reply@x.nl", "no_reply@x.nl", "No.Reply@x.nl",
		"donotreply@x.nl", "do-not-reply@x.nl", "MAILER-DAEMON@x.nl", "postmaster@x.nl",
		"bounce@x.nl", "bounces+abc=x.nl@y.nl", "owner-list@x.nl", "list-request@x.nl",
		"niet-beantwoorden@gemeente.nl", "info-noreply@gemeente.nl",
	};
	c.in.reply_to_addr = NULL;
	for (guint i = 0; i < G_N_ELEMENTS(noreply); i++) {
		c.in.from_addr = noreply[i];
		g_autoptr(SltReaction) r = slt_react_decide(&c.in);
		if (r->reply || g_strcmp0(r->reason, SLT_REACT_NOREPLY) != 0)
			g_error("'%s' not recognised as no-reply", noreply[i]);
	}
	const char *people[] = { "reply@x.nl", "noreen@x.nl", "postmasters-team@x.nl",
				 "j.bounce@x.nl", "norelpy@x.nl" };
	for (guint i = 0; i < G_N_ELEMENTS(people); i++)
		if (slt_react_is_noreply(people[i]))
			g_error("'%s' taken for no-reply", people[i]);
	g_assert_false(slt_react_is_noreply(NULL));

	/* Reply-To wins over From. */
	c.in.from_addr = "noreply@gemeente.nl";
	c.in.reply_to_addr = "jan@utrecht.nl";
	g_autoptr(SltReaction) r = slt_react_decide(&c.in);
	g_assert_true(r->reply);
	g_assert_cmpstr(r->rcpt, ==, "jan@utrecht.nl");
	c.in.from_addr = "jan@utrecht.nl";
	c.in.reply_to_addr = "noreply@gemeente.nl";
	expect(&c, FALSE, NULL, SLT_REACT_NOREPLY, NULL, NULL, NULL, FALSE);
	c.in.reply_to_addr = "";
	g_autoptr(SltReaction) r2 = slt_react_decide(&c.in);
	g_assert_cmpstr(r2->rcpt, ==, "jan@utrecht.nl");
	case_clear(&c);
}

static void
test_review(void)
{
	Case c;
	case_init(&c, "werkpakket", "visie,kwaliteit");
	c.in.review = TRUE;
	/* Neutral, nothing attached, nobody waitlisted. */
	expect(&c, TRUE, SLT_TEMPLATE_NEUTRAL, NULL, NULL, NULL, NULL, FALSE);
	c.in.follow_up = TRUE;
	expect(&c, FALSE, NULL, SLT_REACT_FOLLOW_UP, NULL, NULL, NULL, FALSE);
	case_clear(&c);
	/* An unsure afmelden empties nothing: staff decide. */
	case_init(&c, "afmelden", NULL);
	c.in.review = TRUE;
	expect(&c, TRUE, SLT_TEMPLATE_NEUTRAL, NULL, NULL, NULL, NULL, FALSE);
	case_clear(&c);
}

static void
test_afmelden(void)
{
	Case c;
	case_init(&c, "afmelden", "visie");
	expect(&c, TRUE, SLT_TEMPLATE_AFMELDEN, NULL, NULL, NULL, NULL, TRUE);
	/* Also as a follow-up in a thread. */
	c.in.follow_up = TRUE;
	c.in.thread_intent = "werkpakket";
	expect(&c, TRUE, SLT_TEMPLATE_AFMELDEN, NULL, NULL, NULL, NULL, TRUE);
	/* Second confirmation the same day: none, but they still leave. */
	const char *kinds[] = { SLT_TEMPLATE_AFMELDEN, NULL };
	c.in.sender_kinds_today = kinds;
	expect(&c, FALSE, SLT_TEMPLATE_AFMELDEN, SLT_REACT_SENDER_LIMIT, NULL, NULL, NULL, TRUE);
	case_clear(&c);
}

static void
test_packages(void)
{
	Case c;
	/* Published and small: attached; too big: link; unpublished: wait. */
	case_init(&c, "werkpakket", "visie,goed-bestuur,kwaliteit");
	expect(&c, TRUE, SLT_TEMPLATE_PACKAGE, NULL, "visie", "goed-bestuur", "kwaliteit", FALSE);
	/* Without a download URL a big package is attached anyway. */
	c.in.can_link = FALSE;
	expect(&c, TRUE, SLT_TEMPLATE_PACKAGE, NULL, "visie,goed-bestuur", NULL, "kwaliteit", FALSE);
	c.in.can_link = TRUE;
	c.in.attach_max = 0;  /* no limit configured */
	expect(&c, TRUE, SLT_TEMPLATE_PACKAGE, NULL, "visie,goed-bestuur", NULL, "kwaliteit", FALSE);
	case_clear(&c);

	/* Only unpublished: the waiting-list reply. */
	case_init(&c, "werkpakket", "kwaliteit,netwerksamenwerking");
	expect(&c, TRUE, SLT_TEMPLATE_WAITLIST, NULL, NULL, NULL, "kwaliteit,netwerksamenwerking", FALSE);
	case_clear(&c);

	/* "alle": the five in catalogue order; duplicates and unknown ids go. */
	case_init(&c, "werkpakket", "kwaliteit,alle,visie,onbekend");
	expect(&c, TRUE, SLT_TEMPLATE_PACKAGE, NULL, "visie,inkoop-bekostiging", "goed-bestuur",
	       "kwaliteit,netwerksamenwerking", FALSE);
	case_clear(&c);

	/* werkpakket without a (known) package: neutral. */
	case_init(&c, "werkpakket", NULL);
	expect(&c, TRUE, SLT_TEMPLATE_NEUTRAL, NULL, NULL, NULL, NULL, FALSE);
	case_clear(&c);
	case_init(&c, "werkpakket", "onbekend");
	expect(&c, TRUE, SLT_TEMPLATE_NEUTRAL, NULL, NULL, NULL, NULL, FALSE);
	case_clear(&c);

	/* sparring/vraag keep their acknowledgement and carry the packages. */
	case_init(&c, "sparring", "visie,kwaliteit");
	expect(&c, TRUE, SLT_TEMPLATE_ACK_SPARRING, NULL, "visie", NULL, "kwaliteit", FALSE);
	case_clear(&c);
	case_init(&c, "vraag", NULL);
	expect(&c, TRUE, SLT_TEMPLATE_ACK_VRAAG, NULL, NULL, NULL, NULL, FALSE);
	c.in.packages = NULL;
	expect(&c, TRUE, SLT_TEMPLATE_ACK_VRAAG, NULL, NULL, NULL, NULL, FALSE);
	case_clear(&c);

	/* A package missing from the catalogue input counts as unpublished. */
	case_init(&c, "werkpakket", "visie");
	c.in.n_catalogue = 0;
	expect(&c, TRUE, SLT_TEMPLATE_WAITLIST, NULL, NULL, NULL, "visie", FALSE);
	case_clear(&c);
}

static void
test_follow_up(void)
{
	Case c;
	const char *handled[] = { "visie", "kwaliteit", NULL };
	/* Nothing new: no second acknowledgement. */
	case_init(&c, "vraag", NULL);
	c.in.follow_up = TRUE;
	c.in.thread_intent = "vraag";
	expect(&c, FALSE, NULL, SLT_REACT_FOLLOW_UP, NULL, NULL, NULL, FALSE);
	case_clear(&c);
	case_init(&c, "werkpakket", "visie,kwaliteit");
	c.in.follow_up = TRUE;
	c.in.thread_intent = "werkpakket";
	c.in.thread_packages = handled;
	expect(&c, FALSE, NULL, SLT_REACT_FOLLOW_UP, NULL, NULL, NULL, FALSE);
	case_clear(&c);
	case_init(&c, "sparring", NULL);
	c.in.follow_up = TRUE;
	c.in.thread_intent = "sparring";
	expect(&c, FALSE, NULL, SLT_REACT_FOLLOW_UP, NULL, NULL, NULL, FALSE);
	case_clear(&c);

	/* Something new: only the new packages, in the package reply. */
	case_init(&c, "vraag", "visie,inkoop-bekostiging,netwerksamenwerking");
	c.in.follow_up = TRUE;
	c.in.thread_intent = "vraag";
	c.in.thread_packages = handled;
	expect(&c, TRUE, SLT_TEMPLATE_PACKAGE, NULL, "inkoop-bekostiging", NULL,
	       "netwerksamenwerking", FALSE);
	case_clear(&c);
	case_init(&c, "werkpakket", "kwaliteit,netwerksamenwerking");
	c.in.follow_up = TRUE;
	c.in.thread_packages = handled;
	expect(&c, TRUE, SLT_TEMPLATE_WAITLIST, NULL, NULL, NULL, "netwerksamenwerking", FALSE);
	case_clear(&c);

	/* A first request to spar in a question thread is new. */
	case_init(&c, "sparring", "visie");
	c.in.follow_up = TRUE;
	c.in.thread_intent = "vraag";
	c.in.thread_packages = handled;
	expect(&c, TRUE, SLT_TEMPLATE_ACK_SPARRING, NULL, NULL, NULL, NULL, FALSE);
	c.in.thread_intent = NULL;
	expect(&c, TRUE, SLT_TEMPLATE_ACK_SPARRING, NULL, NULL, NULL, NULL, FALSE);
	case_clear(&c);
}

static void
test_limits(void)
{
	Case c;
	/* One acknowledgement per sender and kind per day. */
	case_init(&c, "vraag", NULL);
	const char *one_vraag[] = { SLT_TEMPLATE_ACK_VRAAG, NULL };
	const char *other[] = { SLT_TEMPLATE_ACK_SPARRING, SLT_TEMPLATE_PACKAGE, NULL };
	c.in.sender_kinds_today = other;
	expect(&c, TRUE, SLT_TEMPLATE_ACK_VRAAG, NULL, NULL, NULL, NULL, FALSE);
	c.in.sender_kinds_today = one_vraag;
	expect(&c, FALSE, SLT_TEMPLATE_ACK_VRAAG, SLT_REACT_SENDER_LIMIT, NULL, NULL, NULL, FALSE);
	c.in.per_sender_per_day = 2;
	expect(&c, TRUE, SLT_TEMPLATE_ACK_VRAAG, NULL, NULL, NULL, NULL, FALSE);
	c.in.per_sender_per_day = 0;  /* no limit */
	expect(&c, TRUE, SLT_TEMPLATE_ACK_VRAAG, NULL, NULL, NULL, NULL, FALSE);
	case_clear(&c);

	/* Waiting-list news over the limit: no reply, but they are on the list. */
	case_init(&c, "werkpakket", "kwaliteit");
	const char *one_wait[] = { SLT_TEMPLATE_WAITLIST, NULL };
	c.in.sender_kinds_today = one_wait;
	expect(&c, FALSE, SLT_TEMPLATE_WAITLIST, SLT_REACT_SENDER_LIMIT, NULL, NULL, "kwaliteit", FALSE);
	case_clear(&c);

	/* Packages: per package and day, not per kind. */
	case_init(&c, "werkpakket", "visie,inkoop-bekostiging");
	const char *pkg_kind[] = { SLT_TEMPLATE_PACKAGE, NULL };
	const char *sent_visie[] = { "visie", NULL };
	const char *sent_both[] = { "visie", "inkoop-bekostiging", NULL };
	c.in.sender_kinds_today = pkg_kind;
	expect(&c, TRUE, SLT_TEMPLATE_PACKAGE, NULL, "visie,inkoop-bekostiging", NULL, NULL, FALSE);
	c.in.sender_packages_today = sent_visie;
	expect(&c, TRUE, SLT_TEMPLATE_PACKAGE, NULL, "inkoop-bekostiging", NULL, NULL, FALSE);
	c.in.sender_packages_today = sent_both;
	expect(&c, FALSE, SLT_TEMPLATE_PACKAGE, SLT_REACT_SENDER_LIMIT, NULL, NULL, NULL, FALSE);
	case_clear(&c);
	/* Sent today, and one to wait for: the waiting-list reply only. */
	case_init(&c, "werkpakket", "visie,kwaliteit");
	c.in.sender_packages_today = sent_visie;
	expect(&c, TRUE, SLT_TEMPLATE_WAITLIST, NULL, NULL, NULL, "kwaliteit", FALSE);
	case_clear(&c);
	/* A link counts like an attachment. */
	case_init(&c, "werkpakket", "goed-bestuur");
	const char *sent_gb[] = { "goed-bestuur", NULL };
	c.in.sender_packages_today = sent_gb;
	expect(&c, FALSE, SLT_TEMPLATE_PACKAGE, SLT_REACT_SENDER_LIMIT, NULL, NULL, NULL, FALSE);
	case_clear(&c);
	/* An acknowledgement drops what it already sent today but still goes. */
	case_init(&c, "sparring", "visie,kwaliteit");
	c.in.sender_packages_today = sent_visie;
	expect(&c, TRUE, SLT_TEMPLATE_ACK_SPARRING, NULL, NULL, NULL, "kwaliteit", FALSE);
	case_clear(&c);

	/* The hourly cap, for everyone; the waiting list still changes. */
	case_init(&c, "werkpakket", "kwaliteit");
	c.in.replies_last_hour = 199;
	expect(&c, TRUE, SLT_TEMPLATE_WAITLIST, NULL, NULL, NULL, "kwaliteit", FALSE);
	c.in.replies_last_hour = 200;
	expect(&c, FALSE, SLT_TEMPLATE_WAITLIST, SLT_REACT_HOURLY_CAP, NULL, NULL, "kwaliteit", FALSE);
	c.in.global_per_hour = 0;
	expect(&c, TRUE, SLT_TEMPLATE_WAITLIST, NULL, NULL, NULL, "kwaliteit", FALSE);
	case_clear(&c);
	case_init(&c, "afmelden", NULL);
	c.in.replies_last_hour = 1000;
	expect(&c, FALSE, SLT_TEMPLATE_AFMELDEN, SLT_REACT_HOURLY_CAP, NULL, NULL, NULL, TRUE);
	case_clear(&c);
	/* The neutral acknowledgement is limited too. */
	case_init(&c, "vraag", NULL);
	c.in.review = TRUE;
	const char *one_neutral[] = { SLT_TEMPLATE_NEUTRAL, NULL };
	c.in.sender_kinds_today = one_neutral;
	expect(&c, FALSE, SLT_TEMPLATE_NEUTRAL, SLT_REACT_SENDER_LIMIT, NULL, NULL, NULL, FALSE);
	case_clear(&c);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/react/not-a-person", test_not_a_person);
	g_test_add_func("/react/addresses", test_addresses);
	g_test_add_func("/react/review", test_review);
	g_test_add_func("/react/afmelden", test_afmelden);
	g_test_add_func("/react/packages", test_packages);
	g_test_add_func("/react/follow-up", test_follow_up);
	g_test_add_func("/react/limits", test_limits);
	return g_test_run();
}
