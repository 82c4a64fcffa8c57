/* SPDX-License-Identifier: MIT */
/* web-svg: the statistics page, its charts drawn as inline SVG on the
 * server (SVG 1.1; presentation attributes only, as the CSP allows no
 * inline style or script), each with a table of the same numbers for
 * screen readers and for copying. Grouping is the queue layer's
 * (slt_queue_stats_group); this file only draws. */
#include "web.h"

#include <string.h>
#include <microhttpd.h>

#include "queue.h"
#include "classify.h"

/* Colour-blind-safe palette (Okabe-Ito), one per theme. */
static const char *const colours[] = {
	"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000",
};

#define W 720
#define H 260
#define LEFT 48
#define BOTTOM 40
#define TOP 16

static void
axis(SltWebReq *r, double max, const char *unit)
{
	for (int i = 0; i <= 4; i++) {
		double v = max * i / 4;
		double y = TOP + (H - TOP - BOTTOM) * (1.0 - (double)i / 4);
		g_autofree char *lbl = g_strdup_printf("%.0f%s", v, unit);
		g_autofree char *ys = g_strdup_printf("%.1f", y);
		slt_web_printf(r, "<line x1=\"%d\" x2=\"%d\" y1=\"%s\" y2=\"%s\" stroke=\"#ccc\"/>"
			       "<text x=\"%d\" y=\"%s\" text-anchor=\"end\" font-size=\"11\" fill=\"#222\">%s</text>\n",
			       LEFT, W - 8, ys, ys, LEFT - 4, ys, lbl);
	}
}

static double
nice_max(double v)
{
	if (v <= 4)
		return 4;
	double step = 1;
	while (v / step > 10)
		step *= v / step > 50 ? 10 : 2;
	return step * (int)((v + step * 4 - 1) / (step * 4)) * 4;
}

void
slt_web_page_stats(SltWebReq *r)
{
	g_autoptr(GError) err = NULL;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC, from = 0, to = 0;
	const char *sfrom = slt_web_arg(r, "van"), *sto = slt_web_arg(r, "tot");
	if ((sfrom && *sfrom && !slt_queue_parse_date(sfrom, FALSE, now, &from, &err)) ||
	    (sto && *sto && !slt_queue_parse_date(sto, TRUE, now, &to, &err))) {
		slt_web_error_page(r, MHD_HTTP_BAD_REQUEST, "Ongeldige invoer", err->message);
		return;
	}
	g_autoptr(GPtrArray) rows = slt_store_stats_rows(r->store, from, to, &err);
	if (!rows) {
		slt_web_error_page(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "Fout", err->message);
		return;
	}
	SltStatsGroup total = { 0 };
	g_autoptr(GPtrArray) months = slt_queue_stats_group(rows, SLT_STATS_BY_MONTH, &total);
	g_autoptr(GPtrArray) themes = slt_queue_stats_group(rows, SLT_STATS_BY_THEME, NULL);

	slt_web_page_begin(r, "Statistiek", "stats");
	slt_web_printf(r, "<h1>Statistiek</h1>\n<form method=\"get\" action=\"/statistiek\" class=\"filters\">"
		       "<p><label for=\"s-van\">Van</label><input id=\"s-van\" name=\"van\" value=\"%s\" placeholder=\"2026-01\"></p>"
		       "<p><label for=\"s-tot\">Tot en met</label><input id=\"s-tot\" name=\"tot\" value=\"%s\" placeholder=\"2026-12\"></p>"
		       "<p><button type=\"submit\">Tonen</button></p></form>\n",
		       sfrom ? sfrom : "", sto ? sto : "");
	g_autofree char *med = total.median_response >= 0
		? g_strdup_printf("%.1f uur", total.median_response / 3600.0) : g_strdup("-");
	slt_web_printf(r, "<p>%u verzoeken, %u beantwoord, mediane reactietijd %s.</p>\n",
		       total.count, total.answered, med);
	g_free(total.key);

	/* Requests per theme per month: grouped bars. */
	guint nm = months->len, nt = 0;
	const char *tids[8];
	/* slt_theme_ids is not NULL-terminated. */
	for (guint i = 0; i < G_N_ELEMENTS(slt_theme_ids) && nt < 7; i++)
		tids[nt++] = slt_theme_ids[i];
	tids[nt++] = "-";
	guint counts[64][8] = { { 0 } };
	guint maxc = 0;
	if (nm > 64)
		nm = 64;
	for (guint ti = 0; ti < nt; ti++) {
		g_autoptr(GPtrArray) sub = g_ptr_array_new();
		for (guint k = 0; k < rows->len; k++) {
			const SltStatsRow *sr = rows->pdata[k];
			const char *th = sr->theme && *sr->theme ? sr->theme : "-";
			if (strcmp(th, tids[ti]) == 0)
				g_ptr_array_add(sub, (gpointer)sr);
		}
		g_autoptr(GPtrArray) gm = slt_queue_stats_group(sub, SLT_STATS_BY_MONTH, NULL);
		for (guint g = 0; g < gm->len; g++) {
			const SltStatsGroup *sg = gm->pdata[g];
			for (guint m = 0; m < nm; m++)
				if (strcmp(((SltStatsGroup *)months->pdata[m])->key, sg->key) == 0) {
					counts[m][ti] = sg->count;
					maxc = MAX(maxc, sg->count);
				}
		}
	}
	slt_web_printf(r, "<section aria-labelledby=\"h-chart1\"><h2 id=\"h-chart1\">Verzoeken per thema per maand</h2>\n");
	if (!nm) {
		slt_web_printf(r, "<p>Geen verzoeken in deze periode.</p>\n");
	} else {
		double ymax = nice_max(maxc);
		slt_web_printf(r, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"c1t\">"
			       "<title id=\"c1t\">Verzoeken per thema per maand (staafdiagram)</title>\n", W, H + 28);
		axis(r, ymax, "");
		double slot = (double)(W - LEFT - 8) / nm, bw = slot * 0.8 / nt;
		for (guint m = 0; m < nm; m++) {
			const SltStatsGroup *mg = months->pdata[m];
			double x0 = LEFT + slot * m + slot * 0.1;
			for (guint ti = 0; ti < nt; ti++) {
				if (!counts[m][ti])
					continue;
				double h = (H - TOP - BOTTOM) * counts[m][ti] / ymax;
				g_autofree char *geo = g_strdup_printf("x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"",
								       x0 + bw * ti, H - BOTTOM - h, MAX(bw - 1, 1), h);
				slt_web_printf(r, "<rect ");
				g_string_append(r->body, geo);   /* numbers only */
				slt_web_printf(r, " fill=\"%s\"><title>%s %s: %u</title></rect>\n",
					       colours[ti % G_N_ELEMENTS(colours)], mg->key, tids[ti], counts[m][ti]);
			}
			g_autofree char *lx = g_strdup_printf("%.1f", LEFT + slot * m + slot / 2);
			slt_web_printf(r, "<text x=\"%s\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\" fill=\"#222\">%s</text>\n",
				       lx, H - BOTTOM + 16, mg->key);
		}
		for (guint ti = 0; ti < nt; ti++)
			slt_web_printf(r, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
				       "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#222\">%s</text>\n",
				       LEFT + (int)(ti % 4) * 165, H - 8 + (int)(ti / 4) * 16,
				       colours[ti % G_N_ELEMENTS(colours)],
				       LEFT + (int)(ti % 4) * 165 + 14, H + 1 + (int)(ti / 4) * 16, tids[ti]);
		slt_web_printf(r, "</svg>\n<details><summary>Als tabel</summary><table><thead><tr><th scope=\"col\">Maand</th>");
		for (guint ti = 0; ti < nt; ti++)
			slt_web_printf(r, "<th scope=\"col\">%s</th>", tids[ti]);
		slt_web_printf(r, "</tr></thead><tbody>\n");
		for (guint m = 0; m < nm; m++) {
			slt_web_printf(r, "<tr><th scope=\"row\">%s</th>", ((SltStatsGroup *)months->pdata[m])->key);
			for (guint ti = 0; ti < nt; ti++)
				slt_web_printf(r, "<td>%u</td>", counts[m][ti]);
			slt_web_printf(r, "</tr>\n");
		}
		slt_web_printf(r, "</tbody></table></details>\n");
	}
	slt_web_printf(r, "</section>\n");

	/* Median response time per month. */
	slt_web_printf(r, "<section aria-labelledby=\"h-chart2\"><h2 id=\"h-chart2\">Mediane reactietijd per maand</h2>\n");
	double maxh = 0;
	gboolean answered = FALSE;
	for (guint m = 0; m < nm; m++) {
		const SltStatsGroup *g = months->pdata[m];
		if (g->median_response >= 0) {
			answered = TRUE;
			maxh = MAX(maxh, g->median_response / 3600.0);
		}
	}
	if (!answered) {
		slt_web_printf(r, "<p>Nog geen beantwoorde verzoeken in deze periode.</p>\n");
	} else {
		double ymax = nice_max(maxh);
		slt_web_printf(r, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"c2t\">"
			       "<title id=\"c2t\">Mediane reactietijd in uren per maand (staafdiagram)</title>\n", W, H);
		axis(r, ymax, " u");
		double slot = (double)(W - LEFT - 8) / nm;
		for (guint m = 0; m < nm; m++) {
			const SltStatsGroup *g = months->pdata[m];
			if (g->median_response >= 0) {
				double hrs = g->median_response / 3600.0;
				double h = (H - TOP - BOTTOM) * hrs / ymax;
				g_autofree char *geo = g_strdup_printf("x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"",
								       LEFT + slot * m + slot * 0.2, H - BOTTOM - h, slot * 0.6, h);
				g_autofree char *v = g_strdup_printf("%.1f", hrs);
				slt_web_printf(r, "<rect ");
				g_string_append(r->body, geo);
				slt_web_printf(r, " fill=\"#0072B2\"><title>%s: %s uur (%u beantwoord)</title></rect>\n",
					       g->key, v, g->answered);
			}
			g_autofree char *lx = g_strdup_printf("%.1f", LEFT + slot * m + slot / 2);
			slt_web_printf(r, "<text x=\"%s\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\" fill=\"#222\">%s</text>\n",
				       lx, H - BOTTOM + 16, g->key);
		}
		slt_web_printf(r, "</svg>\n");
	}
	slt_web_printf(r, "</section>\n");

	/* Per theme, as a table. */
	slt_web_printf(r, "<section aria-labelledby=\"h-themes\"><h2 id=\"h-themes\">Per thema</h2><table><thead><tr>"
		       "<th scope=\"col\">Thema</th><th scope=\"col\">Verzoeken</th><th scope=\"col\">Beantwoord</th>"
		       "<th scope=\"col\">Mediane reactietijd</th></tr></thead><tbody>\n");
	for (guint i = 0; i < themes->len; i++) {
		const SltStatsGroup *g = themes->pdata[i];
		g_autofree char *m = g->median_response >= 0
			? g_strdup_printf("%.1f uur", g->median_response / 3600.0) : g_strdup("-");
		slt_web_printf(r, "<tr><th scope=\"row\">%s</th><td>%u</td><td>%u</td><td>%s</td></tr>\n",
			       g->key, g->count, g->answered, m);
	}
	slt_web_printf(r, "</tbody></table></section>\n");
	slt_web_page_end(r);
}
