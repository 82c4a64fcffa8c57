/* SPDX-License-Identifier: MIT */
/* Unit tests for html: the layout of Outlook, Gmail and Apple Mail HTML
 * as text, quoting of blockquotes, skipped and hidden content, entities,
 * and hostile input (deep nesting, garbage, NUL, bad UTF-8). */
#include <glib.h>
#include <string.h>

#include "html.h"

static void
check(const char *html, const char *want)
{
	g_autofree char *t = slt_html_to_text(html, -1);
	g_assert_true(g_utf8_validate(t, -1, NULL));
	g_assert_cmpstr(t, ==, want);
}

static void
test_outlook(void)
{
	/* Word HTML: p.MsoNormal with zero margins, <o:p>&nbsp;</o:p> as the
	 * empty line, the signature in spans. */
	check("<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><head><style>p.MsoNormal{margin:0}</style></head>"
	      "<body><div class=\"WordSection1\">"
	      "<p class=\"MsoNormal\">Geachte heer/mevrouw,<o:p></o:p></p>"
	      "<p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p>"
	      "<p class=\"MsoNormal\">Graag het pakket.<o:p></o:p></p>"
	      "<p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p>"
	      "<p class=\"MsoNormal\">Met vriendelijke groet,<o:p></o:p></p>"
	      "<p class=\"MsoNormal\"><span style=\"color:#44546A\">Mirjam Dijkstra<o:p></o:p></span></p>"
	      "<p class=\"MsoNormal\"><span style=\"color:#44546A\">Gemeente Zwolle<o:p></o:p></span></p>"
	      "</div></body></html>",
	      "Geachte heer/mevrouw,\n\nGraag het pakket.\n\nMet vriendelijke groet,\nMirjam Dijkstra\nGemeente Zwolle");
	/* Outlook's reply header: bold names, <br> between lines. */
	check("<div><p class=MsoNormal><b>Van:</b> Stevige lokale teams &lt;x@vng.nl&gt;<br>"
	      "<b>Verzonden:</b> dinsdag 3 juni 2025<br><b>Onderwerp:</b> Re: vraag</p></div>",
	      "Van: Stevige lokale teams <x@vng.nl>\nVerzonden: dinsdag 3 juni 2025\nOnderwerp: Re: vraag");
}

static void
test_gmail(void)
{
	check("<div dir=\"ltr\">Hoi,<br><div><br></div>Kunnen jullie ons de pakketten sturen?<br>"
	      "<div><br></div>Thanks!<br>Mila<br></div><div><br></div>"
	      "<span class=\"gmail_signature_prefix\">-- </span><br><div class=\"gmail_signature\">"
	      "Mila de Graaf | teamcoach<br>Stichting Sterk in de Wijk</div>",
	      "Hoi,\n\nKunnen jullie ons de pakketten sturen?\n\nThanks!\nMila\n\n--\nMila de Graaf | teamcoach\n"
	      "Stichting Sterk in de Wijk");
	/* Gmail's quoted reply: the blockquote comes out "> "-quoted. */
	check("<div>Ja graag.</div><div class=\"gmail_quote\"><div class=\"gmail_attr\">Op di 20 jan 2026 om 10:00 "
	      "schreef X &lt;x@vng.nl&gt;:<br></div><blockquote class=\"gmail_quote\">Beste Mila,<br><br>"
	      "Het pakket is er.<blockquote>Ouder</blockquote></blockquote></div>",
	      "Ja graag.\nOp di 20 jan 2026 om 10:00 schreef X <x@vng.nl>:\n> Beste Mila,\n>\n> Het pakket is er.\n>> Ouder");
}

static void
test_blocks(void)
{
	check("<p>Een</p><p>Twee</p><h1>Kop</h1>tekst", "Een\n\nTwee\n\nKop\n\ntekst");
	check("<ul><li>een</li><li>twee<ul><li>diep</li></ul></li></ul><ol><li>a</li><li>b</li></ol>",
	      "- een\n- twee\n  - diep\n1. a\n2. b");
	check("<ol start=\"3\"><li>c</li></ol>", "3. c");
	check("<table><tr><td>Naam</td><td>Jan</td></tr><tr><th>Tel</th><td>06</td></tr></table>",
	      "Naam Jan\nTel 06");
	check("<pre>  a  b\n\n c</pre>na", "  a  b\n\n c\nna");
	check("a<br><br><br><br>b", "a\n\nb");
	check("   veel    witruimte\n\n  hier  ", "veel witruimte hier");
	check("<div>a</div><hr><div>b</div>", "a\nb");
}

static void
test_skipped(void)
{
	check("<html><head><title>T</title><style>p{}</style><script>x()</script></head>"
	      "<body><script>alert(1)</script><p>zichtbaar</p>"
	      "<div style=\"DISPLAY : none\">preheader</div><span style=\"mso-hide:all\">verborgen</span>"
	      "<p hidden>ook weg</p><noscript>nee</noscript><template>t</template>"
	      "<!-- commentaar --><!--[if gte mso 9]><xml><o:shapedefaults/></xml><![endif]-->"
	      "<p>einde</p></body></html>",
	      "zichtbaar\n\neinde");
}

static void
test_entities(void)
{
	check("&amp; &lt;tag&gt; caf&eacute; &#8364; &euro; &#x263A; &nbsp;x&nbsp;&nbsp;y &quot;q&quot; &onbekend;",
	      "& <tag> café € € ☺  x  y \"q\" &onbekend;");
	check("zacht&shy;koppel&#8203;teken", "zachtkoppelteken");
}

static void
test_hostile(void)
{
	/* 200,000 nested divs: no stack overflow, the text is found. */
	GString *h = g_string_new("<p>start</p>");
	for (int i = 0; i < 200000; i++)
		g_string_append(h, "<div>");
	g_string_append(h, "diep");
	for (int i = 0; i < 200000; i++)
		g_string_append(h, "</div>");
	g_string_append(h, "<p>eind</p>");
	g_autofree char *t = slt_html_to_text(h->str, h->len);
	g_assert_true(strstr(t, "diep") != NULL);
	g_assert_true(g_str_has_suffix(t, "eind"));
	g_string_free(h, TRUE);

	/* 5000 nested blockquotes with lines inside: the quote marks are
	 * capped, so the output stays small. */
	h = g_string_new(NULL);
	for (int i = 0; i < 5000; i++)
		g_string_append(h, "<blockquote>");
	for (int i = 0; i < 2000; i++)
		g_string_append(h, "regel<br>");
	g_autofree char *q = slt_html_to_text(h->str, h->len);
	g_assert_cmpuint(strlen(q), <, 2000 * 30);
	g_assert_true(g_str_has_prefix(q, ">>>>>>>>>>>>>>>> regel"));
	g_string_free(h, TRUE);

	/* NUL bytes, bad UTF-8, unclosed tags, garbage. */
	g_autofree char *n = slt_html_to_text("<p>a\0b</p><p>c\xff\xfe d", 19);
	g_assert_true(g_utf8_validate(n, -1, NULL));
	g_assert_nonnull(strstr(n, "ab"));
	g_autofree char *e = slt_html_to_text("", 0);
	g_assert_cmpstr(e, ==, "");
	g_autofree char *z = slt_html_to_text(NULL, 0);
	g_assert_cmpstr(z, ==, "");

	/* Random tag soup: always valid UTF-8, never a crash. */
	static const char *const bits[] = {
		"<p>", "</p>", "<div>", "</div>", "<br>", "<blockquote>", "</blockquote>", "<ul>", "<li>",
		"</ol>", "<table><tr><td>", "</td>", "<pre>", "</pre>", "<script>", "</script>", "<!--",
		"-->", "<![if !supportLists]>", "<![endif]>", "&", "&amp", "&#", "&#xD800;", "\xc3", "\xa9",
		"tekst ", "\n", " ", "<", ">", "\"", "'", "<o:p>", "<style>", "<x:y z=", "\xe2\x80\xa8",
	};
	GRand *r = g_rand_new_with_seed(7);
	for (int round = 0; round < 500; round++) {
		GString *s = g_string_new(NULL);
		int n_bits = g_rand_int_range(r, 0, 60);
		for (int i = 0; i < n_bits; i++)
			g_string_append(s, bits[g_rand_int_range(r, 0, G_N_ELEMENTS(bits))]);
		g_autofree char *out = slt_html_to_text(s->str, s->len);
		g_assert_true(g_utf8_validate(out, -1, NULL));
		for (const char *p = out; *p; p++)
			g_assert_true((unsigned char)*p >= 0x20 || *p == '\n' || *p == '\t');
		g_string_free(s, TRUE);
	}
	g_rand_free(r);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/html/outlook", test_outlook);
	g_test_add_func("/html/gmail", test_gmail);
	g_test_add_func("/html/blocks", test_blocks);
	g_test_add_func("/html/skipped", test_skipped);
	g_test_add_func("/html/entities", test_entities);
	g_test_add_func("/html/hostile", test_hostile);
	return g_test_run();
}
