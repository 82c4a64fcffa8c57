/* SPDX-License-Identifier: MIT */
/* Unit tests for quote: each reply, forward, signature and disclaimer
 * pattern from hand-written mail text, in Dutch and English. */
#include <glib.h>
#include <string.h>

#include "quote.h"

static void
split(SltQuoteSplit *q, const char *text, const char *subject)
{
	slt_quote_split(text, subject, q);
	g_assert_nonnull(q->new_text);
	g_assert_nonnull(q->quoted_text);
	g_assert_nonnull(q->forwarded_text);
	g_assert_nonnull(q->signature);
	g_assert_true(g_utf8_validate(q->new_text, -1, NULL));
	g_assert_true(g_utf8_validate(q->quoted_text, -1, NULL));
	g_assert_true(g_utf8_validate(q->forwarded_text, -1, NULL));
	g_assert_true(g_utf8_validate(q->signature, -1, NULL));
}

static void
test_outlook_nl(void)
{
	SltQuoteSplit q;
	split(&q,
	      "Hoi,\n\nGraag het pakket Visie.\n\nMet vriendelijke groet,\n\nJan de Vries\nGemeente Zwolle\n\n"
	      "Van: Stevige lokale teams <stevigelokaleteams@vng.nl>\n"
	      "Verzonden: dinsdag 22 april 2025 10:14\n"
	      "Aan: Jan de Vries <j.devries@zwolle.nl>\n"
	      "Onderwerp: Re: Werkpakket\n\nBeste Jan,\n\nHet pakket komt eraan.\n",
	      "RE: Werkpakket");
	g_assert_cmpstr(q.new_text, ==, "Hoi,\n\nGraag het pakket Visie.");
	g_assert_cmpstr(q.signature, ==, "Met vriendelijke groet,\n\nJan de Vries\nGemeente Zwolle");
	g_assert_true(g_str_has_prefix(q.quoted_text, "Van: Stevige lokale teams"));
	g_assert_nonnull(strstr(q.quoted_text, "Het pakket komt eraan."));
	g_assert_cmpstr(q.forwarded_text, ==, "");
	g_assert_false(q.is_forward);
	slt_quote_split_clear(&q);

	/* Outlook on the web: a rule of underscores above the block; the
	 * same block under "FW:" is a forward. */
	split(&q,
	      "Zie hieronder, weten jullie het antwoord?\n\n"
	      "________________________________\n"
	      "Van: Veldman, Petra <p.veldman@coevorden.nl>\n"
	      "Verzonden: vrijdag 6 februari 2026 11:30\n"
	      "Aan: Stoker, Martin <m.stoker@wijkteams-zod.nl>\n"
	      "CC: Team Sociaal Domein\n"
	      "Onderwerp: Budget 2027 wijkteams\n\nBeste Martin,\n\nHet budget daalt.\n",
	      "FW: Budget 2027 wijkteams");
	g_assert_cmpstr(q.new_text, ==, "Zie hieronder, weten jullie het antwoord?");
	g_assert_true(q.is_forward);
	g_assert_true(g_str_has_prefix(q.forwarded_text, "Van: Veldman, Petra"));
	g_assert_nonnull(strstr(q.forwarded_text, "Het budget daalt."));
	g_assert_null(strstr(q.forwarded_text, "____"));
	g_assert_cmpstr(q.quoted_text, ==, "");
	slt_quote_split_clear(&q);
}

static void
test_outlook_en(void)
{
	SltQuoteSplit q;
	/* Gmail's plain text of an Outlook header: "*From:* ...". */
	split(&q,
	      "Thanks, that helps.\n\nKind regards,\nOlga Petrenko\n\n"
	      "*From:* Stevige lokale teams <stevigelokaleteams@vng.nl>\n"
	      "*Sent:* Tuesday, 3 June 2025 14:30\n"
	      "*To:* Olga Petrenko <o.petrenko@example.nl>\n"
	      "*Subject:* RE: question\n\nDear Olga,\n",
	      "Re: question");
	g_assert_cmpstr(q.new_text, ==, "Thanks, that helps.");
	g_assert_cmpstr(q.signature, ==, "Kind regards,\nOlga Petrenko");
	g_assert_true(g_str_has_prefix(q.quoted_text, "*From:*"));
	g_assert_false(q.is_forward);
	slt_quote_split_clear(&q);

	/* A From line alone in prose is not a header block. */
	split(&q, "From: the team we heard about the packages.\nWe would like one.\n", NULL);
	g_assert_cmpstr(q.new_text, ==, "From: the team we heard about the packages.\nWe would like one.");
	g_assert_cmpstr(q.quoted_text, ==, "");
	slt_quote_split_clear(&q);
}

static void
test_original_message(void)
{
	SltQuoteSplit q;
	split(&q,
	      "Dank voor uw bericht.\n\nMet vriendelijke groet,\n\nDennis\n\n"
	      "-----Oorspronkelijk bericht-----\n"
	      "Van: Stevige lokale teams <stevigelokaleteams@vng.nl>\n"
	      "Verzonden: dinsdag 22 april 2025 10:14\n"
	      "Onderwerp: Re: Werkpakket\n\nOude tekst.\n",
	      "RE: Werkpakket");
	g_assert_cmpstr(q.new_text, ==, "Dank voor uw bericht.");
	g_assert_true(g_str_has_prefix(q.quoted_text, "-----Oorspronkelijk bericht-----"));
	g_assert_false(q.is_forward);
	slt_quote_split_clear(&q);

	split(&q,
	      "FYI\n\n-----Original Message-----\nFrom: A <a@b.nl>\nSent: Monday\nTo: B\nSubject: x\n\nThe old text.\n",
	      "FW: x");
	g_assert_cmpstr(q.new_text, ==, "FYI");
	g_assert_true(q.is_forward);
	g_assert_true(g_str_has_prefix(q.forwarded_text, "From: A <a@b.nl>"));
	g_assert_nonnull(strstr(q.forwarded_text, "The old text."));
	slt_quote_split_clear(&q);

	/* No words of one's own above an original: a forward. */
	split(&q, "-----Original Message-----\nFrom: A\nSent: Monday\nTo: B\n\nOld.\n", "x");
	g_assert_cmpstr(q.new_text, ==, "");
	g_assert_true(q.is_forward);
	g_assert_cmpstr(q.forwarded_text, ==, "From: A\nSent: Monday\nTo: B\n\nOld.");
	slt_quote_split_clear(&q);
}

static void
test_attribution(void)
{
	SltQuoteSplit q;
	split(&q,
	      "Afmelden graag.\n\nNiels\n\n"
	      "Op di 4 nov 2025 om 10:00 schreef Stevige lokale teams <stevigelokaleteams@vng.nl>:\n"
	      "> Beste Niels,\n>\n> Het werkpakket is verschenen.\n",
	      "Re: Werkpakket");
	g_assert_cmpstr(q.new_text, ==, "Afmelden graag.\n\nNiels");
	g_assert_true(g_str_has_prefix(q.quoted_text, "Op di 4 nov 2025"));
	g_assert_nonnull(strstr(q.quoted_text, "> Het werkpakket is verschenen."));
	slt_quote_split_clear(&q);

	/* Wrapped over two lines by Gmail. */
	split(&q,
	      "Ja graag.\n\n"
	      "Op di 20 jan 2026 om 10:00 schreef Stevige lokale teams <\n"
	      "stevigelokaleteams@vng.nl>:\n\n> Beste Mila,\n> Tekst.\n",
	      NULL);
	g_assert_cmpstr(q.new_text, ==, "Ja graag.");
	g_assert_true(g_str_has_prefix(q.quoted_text, "Op di 20 jan 2026"));
	g_assert_nonnull(strstr(q.quoted_text, "stevigelokaleteams@vng.nl>:"));
	slt_quote_split_clear(&q);

	split(&q,
	      "Sounds good.\n\nOn Tue, 3 Jun 2025 at 14:30, VNG <stevigelokaleteams@vng.nl> wrote:\n> Dear all,\n",
	      NULL);
	g_assert_cmpstr(q.new_text, ==, "Sounds good.");
	g_assert_true(g_str_has_prefix(q.quoted_text, "On Tue, 3 Jun 2025"));
	slt_quote_split_clear(&q);

	/* Apple Mail's Dutch form, with an unquoted original below. */
	split(&q,
	      "Prima.\n\nOp 23 jul 2025 om 08:30 heeft Stevige lokale teams <x@vng.nl> het volgende geschreven:\n\n"
	      "Beste Priscilla,\n",
	      NULL);
	g_assert_cmpstr(q.new_text, ==, "Prima.");
	g_assert_nonnull(strstr(q.quoted_text, "Beste Priscilla,"));
	slt_quote_split_clear(&q);

	/* Bottom-posting and interleaved answers: the quoted lines go, the
	 * answers stay in order. */
	split(&q,
	      "Jan schreef op 3-3-2025 10:00:\n> Welk pakket wil je?\n\nVisie.\n\n> En wanneer?\n\nZo snel mogelijk.\n",
	      NULL);
	g_assert_cmpstr(q.new_text, ==, "Visie.\n\n\nZo snel mogelijk.");
	g_assert_nonnull(strstr(q.quoted_text, "> Welk pakket wil je?"));
	g_assert_nonnull(strstr(q.quoted_text, "> En wanneer?"));
	slt_quote_split_clear(&q);
}

static void
test_forward_markers(void)
{
	SltQuoteSplit q;
	split(&q,
	      "Dit pakket graag.\n\n---------- Forwarded message ---------\n"
	      "From: Collega <c@utrecht.nl>\nDate: Mon, 1 Sep 2025\nSubject: pakket\nTo: Mij <m@utrecht.nl>\n\n"
	      "Kunnen we het werkpakket Kwaliteit aanvragen?\n",
	      "Fwd: pakket");
	g_assert_cmpstr(q.new_text, ==, "Dit pakket graag.");
	g_assert_true(q.is_forward);
	g_assert_true(g_str_has_prefix(q.forwarded_text, "From: Collega"));
	g_assert_nonnull(strstr(q.forwarded_text, "werkpakket Kwaliteit"));
	g_assert_cmpstr(q.quoted_text, ==, "");
	slt_quote_split_clear(&q);

	/* The subject need not say so: the marker does. */
	split(&q, "Weten jullie het antwoord?\n\n---------- Doorgestuurd bericht ---------\nVan: X\n\nVraag.\n", "vraag");
	g_assert_true(q.is_forward);
	g_assert_cmpstr(q.new_text, ==, "Weten jullie het antwoord?");
	g_assert_cmpstr(q.forwarded_text, ==, "Van: X\n\nVraag.");
	slt_quote_split_clear(&q);

	split(&q, "Zie onder.\n\nBegin forwarded message:\n\nFrom: A\nSubject: B\n\nText.\n", NULL);
	g_assert_true(q.is_forward);
	g_assert_cmpstr(q.forwarded_text, ==, "From: A\nSubject: B\n\nText.");
	slt_quote_split_clear(&q);

	/* Apple Mail in HTML puts the forward in a blockquote; one level of
	 * quoting is taken off. */
	split(&q,
	      "Graag sparren hierover.\n\nHartelijke groet,\n\nAnja\n\n"
	      "> Begin doorgestuurd bericht:\n>\n> Van: Inkoop <inkoop@krimpenerwaard.nl>\n"
	      "> Onderwerp: Aanbesteding\n>\n> Geachte relatie,\n",
	      "Fwd: Aanbesteding");
	g_assert_cmpstr(q.new_text, ==, "Graag sparren hierover.");
	g_assert_cmpstr(q.signature, ==, "Hartelijke groet,\n\nAnja");
	g_assert_true(q.is_forward);
	g_assert_cmpstr(q.forwarded_text, ==,
			"Van: Inkoop <inkoop@krimpenerwaard.nl>\nOnderwerp: Aanbesteding\n\nGeachte relatie,");
	slt_quote_split_clear(&q);

	/* "Forwarded message" in prose is not a marker. */
	split(&q, "The forwarded message did not arrive.\n", NULL);
	g_assert_false(q.is_forward);
	g_assert_cmpstr(q.new_text, ==, "The forwarded message did not arrive.");
	slt_quote_split_clear(&q);
}

static void
check_sig(const char *text, const char *new_text, const char *signature)
{
	SltQuoteSplit q;
	split(&q, text, NULL);
	g_assert_cmpstr(q.new_text, ==, new_text);
	g_assert_cmpstr(q.signature, ==, signature);
	slt_quote_split_clear(&q);
}

static void
test_signatures(void)
{
	check_sig("Graag het pakket.\n\n-- \nMila de Graaf | teamcoach\nStichting Sterk in de Wijk\n",
		  "Graag het pakket.", "-- \nMila de Graaf | teamcoach\nStichting Sterk in de Wijk");
	check_sig("Graag het pakket.\n\n--\nMila\n", "Graag het pakket.", "--\nMila");
	check_sig("Graag het pakket.\n\nMet vriendelijke groet,\n\nSaskia Vermeulen\nBeleidsadviseur Jeugd\nGemeente Almere\n",
		  "Graag het pakket.", "Met vriendelijke groet,\n\nSaskia Vermeulen\nBeleidsadviseur Jeugd\nGemeente Almere");
	check_sig("Vraag.\n\nMet vriendelijke groeten,\nPiet\n", "Vraag.", "Met vriendelijke groeten,\nPiet");
	check_sig("Vraag.\n\nVriendelijke groet,\nSandra Hendrix\n", "Vraag.", "Vriendelijke groet,\nSandra Hendrix");
	check_sig("Vraag.\n\nHartelijke groet,\nLotte\n", "Vraag.", "Hartelijke groet,\nLotte");
	check_sig("Vraag.\n\nGroet,\nRuud\n", "Vraag.", "Groet,\nRuud");
	check_sig("Vraag.\n\nGroet, Jorien\nwijkteam Berg en Dal\n", "Vraag.", "Groet, Jorien\nwijkteam Berg en Dal");
	check_sig("Vraag.\n\nGroetjes, Daphne (sociaal team Nunspeet)\n", "Vraag.",
		  "Groetjes, Daphne (sociaal team Nunspeet)");
	check_sig("Question.\n\nKind regards,\nOlga Petrenko\nTeam coordinator\n", "Question.",
		  "Kind regards,\nOlga Petrenko\nTeam coordinator");
	check_sig("Question.\n\nBest regards,\n-- \nPriya\n", "Question.", "Best regards,\n-- \nPriya");
	check_sig("Vraag.\n\nMet vriendelijke groet,\n", "Vraag.", "Met vriendelijke groet,");
	check_sig("Dank!\nLinda Reinders\n", "", "Dank!\nLinda Reinders");
	/* A greeting word that starts a sentence is prose. */
	check_sig("Groeten aan het hele team, en we horen graag van jullie of het werkpakket over visie al klaar is "
		  "en wanneer we het kunnen verwachten.\nEn nog iets anders.\n",
		  "Groeten aan het hele team, en we horen graag van jullie of het werkpakket over visie al klaar is "
		  "en wanneer we het kunnen verwachten.\nEn nog iets anders.", "");
	/* "Thanks" followed by prose is not a closing. */
	check_sig("Thanks\nvoor het snelle antwoord van vorige week over de pakketten, dat heeft ons echt heel erg geholpen.\n",
		  "Thanks\nvoor het snelle antwoord van vorige week over de pakketten, dat heeft ons echt heel erg geholpen.", "");
	/* Phone signatures. */
	check_sig("Graag visie.\n\nVerstuurd vanaf mijn iPhone\n", "Graag visie.", "Verstuurd vanaf mijn iPhone");
	check_sig("Graag visie.\n\nSent from my iPhone\n", "Graag visie.", "Sent from my iPhone");
	check_sig("Graag visie.\nHester\n\nVerzonden vanaf mijn Galaxy\n", "Graag visie.\nHester", "Verzonden vanaf mijn Galaxy");
}

static void
test_disclaimers(void)
{
	check_sig("Graag het pakket.\n\nDit bericht is uitsluitend bestemd voor de geadresseerde. Aan dit bericht kunnen geen rechten worden ontleend.\n",
		  "Graag het pakket.",
		  "Dit bericht is uitsluitend bestemd voor de geadresseerde. Aan dit bericht kunnen geen rechten worden ontleend.");
	check_sig("Graag het pakket.\n\nDisclaimer: dit bericht is alleen bedoeld voor de ontvanger.\n",
		  "Graag het pakket.", "Disclaimer: dit bericht is alleen bedoeld voor de ontvanger.");
	check_sig("Please send it.\n\nThis e-mail and any attachments are intended only for the addressee.\n",
		  "Please send it.", "This e-mail and any attachments are intended only for the addressee.");
	check_sig("Please send it.\nThe information in this message is intended solely for the addressee.\n",
		  "Please send it.", "The information in this message is intended solely for the addressee.");
	/* Greeting, name block, disclaimer: all signature. */
	check_sig("Vraag.\n\nMet vriendelijke groet,\nAhmed Benali\nTeamleider\n"
		  "VERTROUWELIJK – Dit bericht kan persoonsgegevens bevatten en is alleen bestemd voor de geadresseerde(n).\n",
		  "Vraag.",
		  "Met vriendelijke groet,\nAhmed Benali\nTeamleider\n"
		  "VERTROUWELIJK – Dit bericht kan persoonsgegevens bevatten en is alleen bestemd voor de geadresseerde(n).");
}

static void
test_edges(void)
{
	SltQuoteSplit q;
	split(&q, NULL, NULL);
	g_assert_cmpstr(q.new_text, ==, "");
	g_assert_false(q.is_forward);
	slt_quote_split_clear(&q);
	g_assert_null(q.new_text);

	split(&q, "", "");
	g_assert_cmpstr(q.new_text, ==, "");
	slt_quote_split_clear(&q);

	/* CRLF line ends. */
	split(&q, "Hoi,\r\n\r\nVraag.\r\n\r\nGroet,\r\nJan\r\n", NULL);
	g_assert_cmpstr(q.new_text, ==, "Hoi,\n\nVraag.");
	g_assert_cmpstr(q.signature, ==, "Groet,\nJan");
	slt_quote_split_clear(&q);

	/* Only quotes. */
	split(&q, "> a\n> b\n", NULL);
	g_assert_cmpstr(q.new_text, ==, "");
	g_assert_cmpstr(q.quoted_text, ==, "> a\n> b");
	slt_quote_split_clear(&q);

	/* Huge and degenerate inputs: lines of header words, lines of '>',
	 * one 1 MB line. Linear: these finish at once. */
	GString *big = g_string_new(NULL);
	for (int i = 0; i < 20000; i++)
		g_string_append(big, "Van: x\nVan: y\n");
	split(&q, big->str, NULL);
	slt_quote_split_clear(&q);
	g_string_truncate(big, 0);
	for (int i = 0; i < 50000; i++)
		g_string_append(big, ">>>>>>>>>>\n");
	split(&q, big->str, NULL);
	g_assert_cmpuint(strlen(q.quoted_text), >, 0);
	slt_quote_split_clear(&q);
	g_string_truncate(big, 0);
	for (int i = 0; i < 1024 * 1024; i++)
		g_string_append_c(big, 'a' + i % 26);
	split(&q, big->str, NULL);
	g_assert_cmpuint(strlen(q.new_text), ==, 1024 * 1024);
	slt_quote_split_clear(&q);
	g_string_free(big, TRUE);

	/* Invalid UTF-8 stays within the parts it was in (mime.c never
	 * passes any, but the function must not choke). */
	slt_quote_split("caf\xc3 ok\n", NULL, &q);
	g_assert_nonnull(q.new_text);
	slt_quote_split_clear(&q);
}

static void
test_subject_forward(void)
{
	g_assert_true(slt_quote_subject_is_forward("FW: x"));
	g_assert_true(slt_quote_subject_is_forward("Fwd: x"));
	g_assert_true(slt_quote_subject_is_forward("Doorst: x"));
	g_assert_true(slt_quote_subject_is_forward("WG: x"));
	g_assert_true(slt_quote_subject_is_forward("[EXTERN] FW : x"));
	g_assert_false(slt_quote_subject_is_forward("RE: FW: x"));
	g_assert_false(slt_quote_subject_is_forward("Fwiw"));
	g_assert_false(slt_quote_subject_is_forward(NULL));
	g_assert_false(slt_quote_subject_is_forward(""));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/quote/outlook-nl", test_outlook_nl);
	g_test_add_func("/quote/outlook-en", test_outlook_en);
	g_test_add_func("/quote/original-message", test_original_message);
	g_test_add_func("/quote/attribution", test_attribution);
	g_test_add_func("/quote/forward-markers", test_forward_markers);
	g_test_add_func("/quote/signatures", test_signatures);
	g_test_add_func("/quote/disclaimers", test_disclaimers);
	g_test_add_func("/quote/edges", test_edges);
	g_test_add_func("/quote/subject-forward", test_subject_forward);
	return g_test_run();
}
