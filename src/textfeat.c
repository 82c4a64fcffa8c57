/* SPDX-License-Identifier: MIT */
/* textfeat: message parts -> tokens -> weighted model features. */
#include "textfeat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The most of each part the classifier reads. A request is never longer;
 * hostile mail may be 25 MB of text, and every later step is linear or
 * worse in the number of tokens. */
#define MAX_SUBJECT 1024
#define MAX_NEW (64 * 1024)
#define MAX_FORWARDED (32 * 1024)
#define MAX_PS 4096

static gssize
capped(const char *s, gsize max)
{
	return s ? (gssize)strnlen(s, max) : 0;
}

/* A new text with at most this many content words "only points at" the
 * forwarded mail ("zie onderstaand", "dit pakket graag"). */
#define ONE_LINE_WORDS 8

void
slt_feature_options_default(SltFeatureOptions *o)
{
	o->subject_weight = 2.0;
	o->reply_subject_weight = 0.5;
	o->bigrams = TRUE;
	o->negation = TRUE;
}

static double
opt_double(const SltModel *m, const char *key, double def)
{
	const char *v = slt_model_option(m, key);
	return v ? g_ascii_strtod(v, NULL) : def;
}

void
slt_feature_options_from_model(SltFeatureOptions *o, const SltModel *m)
{
	slt_feature_options_default(o);
	o->subject_weight = opt_double(m, "subject_weight", o->subject_weight);
	o->reply_subject_weight = opt_double(m, "reply_subject_weight", o->reply_subject_weight);
	o->bigrams = opt_double(m, "bigrams", o->bigrams) != 0;
	o->negation = opt_double(m, "negation", o->negation) != 0;
}

static void
set_opt(SltModel *m, const char *key, double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	g_ascii_formatd(buf, sizeof(buf), "%g", v);
	g_hash_table_replace(m->options, g_strdup(key), g_strdup(buf));
}

void
slt_feature_options_to_model(const SltFeatureOptions *o, SltModel *m)
{
	set_opt(m, "subject_weight", o->subject_weight);
	set_opt(m, "reply_subject_weight", o->reply_subject_weight);
	set_opt(m, "bigrams", o->bigrams);
	set_opt(m, "negation", o->negation);
}

/* Reply and forward prefixes in the languages our senders' clients use
 * (Outlook NL writes "Antw:" and "Doorst:", German "AW:"/"WG:", French
 * "TR:", Scandinavian "SV:"/"VS:"). */
static const char *const reply_prefixes[] = { "re", "aw", "antw", "antwoord", "sv", "rv", "ref", NULL };
static const char *const fwd_prefixes[] = { "fw", "fwd", "doorst", "wg", "tr", "vs", "forward", NULL };

char *
slt_subject_strip(const char *subject, gboolean *reply, gboolean *forward)
{
	gboolean r = FALSE, f = FALSE;
	const char *p = subject ? subject : "";
	for (;;) {
		while (g_ascii_isspace(*p))
			p++;
		/* "[EXTERN]" and similar gateway tags */
		if (*p == '[') {
			const char *c = strchr(p, ']');
			if (c && c - p <= 24) {
				p = c + 1;
				continue;
			}
		}
		const char *w = p;
		while (g_ascii_isalpha(*w))
			w++;
		gsize wl = w - p;
		const char *q = w;
		if (*q == '[') {  /* "Re[2]:" */
			while (g_ascii_isdigit(*++q))
				;
			if (*q != ']')
				break;
			q++;
		}
		while (*q == ' ')
			q++;
		if (wl == 0 || wl > 8 || *q != ':')
			break;
		g_autofree char *word = g_ascii_strdown(p, wl);
		if (g_strv_contains(reply_prefixes, word))
			r = TRUE;
		else if (g_strv_contains(fwd_prefixes, word))
			f = TRUE;
		else
			break;
		p = q + 1;
	}
	if (reply)
		*reply = r;
	if (forward)
		*forward = f;
	return g_strstrip(g_strdup(p));
}

const char *
slt_doc_new_text(const SltMessage *msg)
{
	if (msg->new_text)
		return msg->new_text;
	return msg->text ? msg->text : "";
}

/* "PS" lines that a signature splitter put after the signature (sample
 * 0099: "PS: het werkpakket Kwaliteit ontvang ik ook graag"). Returns a
 * new string or NULL. */
static char *
ps_lines(const char *signature)
{
	if (!signature)
		return NULL;
	GString *out = NULL;
	g_auto(GStrv) lines = g_strsplit(signature, "\n", -1);
	gboolean in_ps = FALSE;
	for (guint i = 0; lines[i]; i++) {
		const char *l = lines[i];
		while (*l == ' ' || *l == '\t')
			l++;
		if (!in_ps) {
			if ((g_ascii_strncasecmp(l, "ps", 2) == 0 && strchr(":. ", l[2])) ||
			    g_ascii_strncasecmp(l, "p.s.", 4) == 0 ||
			    g_ascii_strncasecmp(l, "pps", 3) == 0)
				in_ps = TRUE;
			else
				continue;
		} else if (!*l) {
			in_ps = FALSE;
			continue;
		}
		if (!out)
			out = g_string_new(NULL);
		g_string_append(out, l);
		g_string_append_c(out, '\n');
	}
	return out ? g_string_free(out, FALSE) : NULL;
}

static guint
content_words(const GArray *tokens, guint from, guint *questions)
{
	guint n = 0;
	guint32 last_q = G_MAXUINT32;
	for (guint i = from; i < tokens->len; i++) {
		const SltToken *t = &g_array_index(tokens, SltToken, i);
		if (!(t->flags & (SLT_TOK_STOP | SLT_TOK_NUMBER | SLT_TOK_URL)))
			n++;
		if (questions && (t->flags & SLT_TOK_QUESTION) && t->sentence != last_q) {
			(*questions)++;
			last_q = t->sentence;
		}
	}
	return n;
}

static void
add_bag(SltDoc *doc, const SltFeatureOptions *opt)
{
	char buf[256];
	const SltToken *prev = NULL;
	for (guint i = 0; i < doc->tokens->len; i++) {
		const SltToken *t = &g_array_index(doc->tokens, SltToken, i);
		double w = 1.0;
		if (t->zone == SLT_ZONE_SUBJECT)
			w = doc->reply ? opt->reply_subject_weight : opt->subject_weight;
		if (t->flags & SLT_TOK_URL) {
			slt_bag_add(&doc->bag, "_url_", (float)w);
			continue;
		}
		if (t->flags & (SLT_TOK_STOP | SLT_TOK_NUMBER))
			continue;
		/* keys built by hand: snprintf showed in the profile */
		gsize sl = strlen(t->stem);
		if (opt->negation && (t->flags & SLT_TOK_NEGATED) && sl + 2 <= sizeof(buf)) {
			buf[0] = '!';
			memcpy(buf + 1, t->stem, sl + 1);
			slt_bag_add(&doc->bag, buf, (float)w);
		} else {
			slt_bag_add(&doc->bag, t->stem, (float)w);
		}
		if (opt->bigrams && prev && prev->sentence == t->sentence &&
		    prev->zone == t->zone) {
			gsize pl = strlen(prev->stem);
			if (pl + 1 + sl + 1 <= sizeof(buf)) {
				memcpy(buf, prev->stem, pl);
				buf[pl] = ' ';
				memcpy(buf + pl + 1, t->stem, sl + 1);
				slt_bag_add(&doc->bag, buf, (float)w);
			}
		}
		prev = t;
	}
	/* Shape of the message, as features the model can weigh. */
	if (doc->new_words == 0)
		slt_bag_add(&doc->bag, "_nonew_", 1);
	else if (doc->new_words <= ONE_LINE_WORDS)
		slt_bag_add(&doc->bag, "_short_", 1);
	if (doc->questions)
		slt_bag_add(&doc->bag, "_question_", (float)MIN(doc->questions, 3));
	if (doc->reply)
		slt_bag_add(&doc->bag, "_reply_", 1);
	if (doc->forward)
		slt_bag_add(&doc->bag, "_forward_", 1);
}

void
slt_doc_build(SltDoc *doc, SltTextPrep *tp, const SltMessage *msg,
	      const SltFeatureOptions *opt)
{
	memset(doc, 0, sizeof(*doc));
	doc->tokens = g_array_sized_new(FALSE, FALSE, sizeof(SltToken), 512);
	slt_bag_init(&doc->bag);
	doc->subject = slt_subject_strip(msg->subject, &doc->reply, &doc->forward);
	if (msg->is_forward)
		doc->forward = TRUE;

	const char *new_text = slt_doc_new_text(msg);
	g_autofree char *sig = msg->signature ? g_strndup(msg->signature, 16 * 1024) : NULL;
	g_autofree char *ps = ps_lines(sig);
	const char *texts[] = { doc->subject, new_text, ps };
	doc->lang = slt_textprep_guess_lang(tp, texts, G_N_ELEMENTS(texts));

	guint32 sent = 0;
	slt_textprep_tokenize(tp, doc->subject, capped(doc->subject, MAX_SUBJECT),
			      SLT_ZONE_SUBJECT, doc->lang, doc->tokens, &sent);
	guint new_from = doc->tokens->len;
	slt_textprep_tokenize(tp, new_text, capped(new_text, MAX_NEW), SLT_ZONE_NEW,
			      doc->lang, doc->tokens, &sent);
	doc->new_words = content_words(doc->tokens, new_from, &doc->questions);
	if (doc->forward && msg->forwarded_text && *msg->forwarded_text &&
	    doc->new_words <= ONE_LINE_WORDS) {
		/* TAXONOMY.md: a forward's one-line "dit pakket" takes its
		 * meaning from the forwarded part. */
		doc->used_forwarded = TRUE;
		slt_textprep_tokenize(tp, msg->forwarded_text,
				      capped(msg->forwarded_text, MAX_FORWARDED),
				      SLT_ZONE_FORWARDED, doc->lang, doc->tokens, &sent);
	}
	if (ps)
		slt_textprep_tokenize(tp, ps, capped(ps, MAX_PS), SLT_ZONE_PS, doc->lang,
				      doc->tokens, &sent);
	add_bag(doc, opt);
}

void
slt_doc_clear(SltDoc *doc)
{
	if (doc->tokens)
		g_array_free(doc->tokens, TRUE);
	g_free(doc->subject);
	slt_bag_clear(&doc->bag);
	memset(doc, 0, sizeof(*doc));
}
