/* SPDX-License-Identifier: MIT */
/* lexicon: parse data/lexicon.txt and match its phrases on token streams. */
#include "lexicon.h"

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_GAP 3

typedef enum { EL_STEM, EL_PREFIX, EL_EXACT, EL_GAP } ElemKind;

typedef struct {
	ElemKind kind;
	char *s[2];     /* per language: the stem (EL_STEM) or folded word */
} Elem;

typedef struct {
	SltLexEntry pub;
	Elem *elems;
	guint order;    /* position in the file, for a stable tie-break */
	int lang;       /* SltLang the entry is for, or -1: both */
} Entry;

struct _SltLexicon {
	GPtrArray *entries;     /* Entry* */
	/* First element -> entries, per language: stems and exact words in
	 * by_word, prefixes by their first 3 bytes in by_prefix. */
	GHashTable *by_word[2];
	GHashTable *by_prefix[2];
};

static const char *const labels_ok[] = {
	"intent:sparring", "intent:werkpakket", "intent:vraag", "intent:afmelden",
	"intent:automatisch", "intent:overig",
	"theme:visie", "theme:goed-bestuur", "theme:netwerksamenwerking",
	"theme:kwaliteit", "theme:inkoop-bekostiging", "theme:algemeen",
	"kenmerk:k1-omvang-expertise", "kenmerk:k2-zichtbaar-wijk",
	"kenmerk:k3-sociale-basis", "kenmerk:k4-aansluiten-wensen",
	"kenmerk:k5-zelf-hulp-bieden", "kenmerk:k6-breed-kijken",
	"kenmerk:k7-expertise-erbij",
	"machine", "machine-subject", "human",
	NULL,
};

static void
entry_free(gpointer p)
{
	Entry *e = p;
	for (guint i = 0; i < e->pub.n_elems; i++) {
		g_free(e->elems[i].s[0]);
		g_free(e->elems[i].s[1]);
	}
	g_free(e->elems);
	g_free(e->pub.label);
	g_free(e->pub.term);
	g_free(e);
}

void
slt_lexicon_free(SltLexicon *lex)
{
	if (!lex)
		return;
	for (int l = 0; l < 2; l++) {
		g_hash_table_destroy(lex->by_word[l]);
		g_hash_table_destroy(lex->by_prefix[l]);
	}
	g_ptr_array_free(lex->entries, TRUE);
	g_free(lex);
}

guint
slt_lexicon_size(const SltLexicon *lex)
{
	return lex->entries->len;
}

static void
index_add(GHashTable *h, const char *key, Entry *e)
{
	GPtrArray *a = g_hash_table_lookup(h, key);
	if (!a) {
		a = g_ptr_array_new();
		g_hash_table_insert(h, g_strdup(key), a);
	}
	g_ptr_array_add(a, e);
}

/* Split one written term into pattern elements. Returns FALSE with a
 * reason in *why. */
static gboolean
compile_term(Entry *e, const char *term, SltTextPrep *tp, const char **why)
{
	g_auto(GStrv) parts = g_strsplit_set(term, " \t", -1);
	GArray *elems = g_array_new(FALSE, TRUE, sizeof(Elem));
	g_autoptr(GArray) toks = g_array_new(FALSE, FALSE, sizeof(SltToken));
	g_autoptr(GString) f = g_string_new(NULL);
	for (guint i = 0; parts[i]; i++) {
		const char *p = parts[i];
		if (!*p)
			continue;
		Elem el = { 0 };
		if (strcmp(p, "~") == 0) {
			el.kind = EL_GAP;
			g_array_append_val(elems, el);
			continue;
		}
		gsize len = strlen(p);
		if (p[len - 1] == '*' || p[0] == '=') {
			el.kind = p[0] == '=' ? EL_EXACT : EL_PREFIX;
			const char *w = p[0] == '=' ? p + 1 : p;
			gsize wl = p[0] == '=' ? len - 1 : len - 1;
			if (p[0] == '=' && p[len - 1] == '*') {
				*why = "a word cannot be both =exact and prefix*";
				goto fail;
			}
			g_string_truncate(f, 0);
			slt_text_fold(w, wl, f);
			if (f->len < (el.kind == EL_PREFIX ? 3u : 1u)) {
				*why = "a prefix needs 3 or more letters";
				goto fail;
			}
			for (const char *c = f->str; *c; c++)
				if (g_ascii_isspace(*c) || *c == '*' || *c == '=' || *c == '~') {
					*why = "prefix or exact word with a space or marker inside";
					goto fail;
				}
			el.s[0] = g_strdup(f->str);
			el.s[1] = g_strdup(f->str);
			g_array_append_val(elems, el);
			continue;
		}
		/* A plain word may split in several ("skj-registratie"). A word
		 * whose stem is a function word ("meten" -> "met") is matched
		 * as written instead, or it would match every "met". */
		for (int l = 0; l < 2; l++) {
			g_array_set_size(toks, 0);
			guint32 sent = 0;
			slt_textprep_tokenize(tp, p, -1, SLT_ZONE_NEW, (SltLang)l, toks, &sent);
			guint first = l == 0 ? elems->len : elems->len - toks->len;
			for (guint k = 0; k < toks->len; k++) {
				const SltToken *t = &g_array_index(toks, SltToken, k);
				if (l == 0) {
					Elem w = { EL_STEM, { NULL, NULL } };
					g_array_append_val(elems, w);
				}
				Elem *w = &g_array_index(elems, Elem, first + k);
				gboolean clash = !(t->flags & SLT_TOK_STOP) &&
						 slt_textprep_is_stopword(t->stem, (SltLang)l);
				if (clash)
					w->kind = EL_EXACT;
				w->s[l] = g_strdup(w->kind == EL_EXACT ? t->word : t->stem);
				/* a clash in English only: Dutch must match exactly too */
				if (clash && l == 1) {
					g_free(w->s[0]);
					w->s[0] = g_strdup(t->word);
				}
			}
		}
	}
	if (elems->len == 0) {
		*why = "no words in the term";
		goto fail;
	}
	if (g_array_index(elems, Elem, 0).kind == EL_GAP ||
	    g_array_index(elems, Elem, elems->len - 1).kind == EL_GAP) {
		*why = "a phrase cannot start or end with ~";
		goto fail;
	}
	e->pub.n_elems = elems->len;
	e->elems = (Elem *)g_array_free(elems, FALSE);
	return TRUE;
fail:
	for (guint i = 0; i < elems->len; i++) {
		g_free(g_array_index(elems, Elem, i).s[0]);
		g_free(g_array_index(elems, Elem, i).s[1]);
	}
	g_array_free(elems, TRUE);
	return FALSE;
}

static void
free_ptr_array(gpointer p)
{
	g_ptr_array_free(p, TRUE);
}

SltLexicon *
slt_lexicon_parse(GBytes *bytes, SltTextPrep *tp, GError **error)
{
	gsize len;
	const char *data = g_bytes_get_data(bytes, &len);
	if (!g_utf8_validate(data, len, NULL)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			    "lexicon is not valid UTF-8");
		return NULL;
	}
	g_autoptr(SltLexicon) lex = g_new0(SltLexicon, 1);
	lex->entries = g_ptr_array_new_with_free_func(entry_free);
	for (int l = 0; l < 2; l++) {
		lex->by_word[l] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_ptr_array);
		lex->by_prefix[l] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_ptr_array);
	}
	g_autofree char *text = g_strndup(data, len);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (guint li = 0; lines[li]; li++) {
		char *line = g_strstrip(lines[li]);
		if (!*line || *line == '#')
			continue;
		/* LABEL WEIGHT TERM..., separated by blanks */
		char *p = line;
		char *label = p;
		while (*p && !g_ascii_isspace(*p))
			p++;
		if (*p)
			*p++ = 0;
		while (g_ascii_isspace(*p))
			p++;
		char *wstr = p;
		while (*p && !g_ascii_isspace(*p))
			p++;
		if (*p)
			*p++ = 0;
		while (g_ascii_isspace(*p))
			p++;
		char *term = p;
		/* "intent:sparring:en": English mail only. A short English word
		 * can stem like a common Dutch one ("meet" -> "met"). */
		int lang = -1;
		if (g_str_has_suffix(label, ":en") || g_str_has_suffix(label, ":nl")) {
			lang = g_str_has_suffix(label, ":en") ? SLT_LANG_EN : SLT_LANG_NL;
			label[strlen(label) - 3] = 0;
		}
		gboolean known = g_strv_contains(labels_ok, label);
		if (!known) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
				    "lexicon line %u: unknown label '%s'", li + 1, label);
			return NULL;
		}
		char *end;
		double w = g_ascii_strtod(wstr, &end);
		if (!*wstr || *end || w < -100 || w > 100) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
				    "lexicon line %u: weight '%s' is not a number from -100 to 100",
				    li + 1, wstr);
			return NULL;
		}
		if (!*term) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
				    "lexicon line %u: no term after the weight", li + 1);
			return NULL;
		}
		Entry *e = g_new0(Entry, 1);
		e->pub.label = g_strdup(label);
		e->pub.weight = w;
		e->pub.term = g_strdup(term);
		e->pub.line = li + 1;
		e->order = lex->entries->len;
		e->lang = lang;
		const char *why = NULL;
		if (!compile_term(e, term, tp, &why)) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
				    "lexicon line %u: '%s': %s", li + 1, term, why);
			entry_free(e);
			return NULL;
		}
		g_ptr_array_add(lex->entries, e);
		const Elem *first = &e->elems[0];
		for (int l = 0; l < 2; l++) {
			if (first->kind == EL_PREFIX) {
				char key[4] = { first->s[l][0], first->s[l][1], first->s[l][2], 0 };
				index_add(lex->by_prefix[l], key, e);
			} else {
				/* EL_EXACT is keyed by the word, EL_STEM by the stem; a
				 * token is looked up under both. */
				index_add(lex->by_word[l], first->s[l], e);
			}
		}
	}
	return g_steal_pointer(&lex);
}

static gboolean
elem_match(const Elem *el, const SltToken *t)
{
	switch (el->kind) {
	/* First bytes first: most tokens differ there (make bench). */
	case EL_STEM:
		return el->s[t->lang][0] == t->stem[0] && strcmp(el->s[t->lang], t->stem) == 0;
	case EL_EXACT:
		return el->s[t->lang][0] == t->word[0] && strcmp(el->s[t->lang], t->word) == 0;
	case EL_PREFIX:
		return g_str_has_prefix(t->word, el->s[t->lang]);
	case EL_GAP:
		break;
	}
	return FALSE;
}

/* Match elems[ei..] from token ti; returns the end token index or 0. */
static guint
match_from(const Entry *e, guint ei, const GArray *tokens, guint ti, guint32 sentence)
{
	if (ei == e->pub.n_elems)
		return ti;
	const Elem *el = &e->elems[ei];
	if (el->kind == EL_GAP) {
		for (guint g = 0; g <= MAX_GAP; g++) {
			guint end = match_from(e, ei + 1, tokens, ti + g, sentence);
			if (end)
				return end;
			if (ti + g >= tokens->len ||
			    g_array_index(tokens, SltToken, ti + g).sentence != sentence)
				break;
		}
		return 0;
	}
	if (ti >= tokens->len)
		return 0;
	const SltToken *t = &g_array_index(tokens, SltToken, ti);
	if (t->sentence != sentence || (t->flags & SLT_TOK_URL) || !elem_match(el, t))
		return 0;
	return match_from(e, ei + 1, tokens, ti + 1, sentence);
}

static int
cmp_hits(gconstpointer a, gconstpointer b)
{
	const SltLexHit *x = a, *y = b;
	guint lx = x->end - x->start, ly = y->end - y->start;
	if (lx != ly)
		return lx > ly ? -1 : 1;
	double wx = ABS(x->entry->weight), wy = ABS(y->entry->weight);
	if (wx != wy)
		return wx > wy ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return ((const Entry *)x->entry)->order < ((const Entry *)y->entry)->order ? -1 : 1;
}

static void
try_entries(GPtrArray *cands, const GArray *tokens, guint ti, GArray *found)
{
	if (!cands)
		return;
	const SltToken *t = &g_array_index(tokens, SltToken, ti);
	for (guint k = 0; k < cands->len; k++) {
		const Entry *e = cands->pdata[k];
		if (e->lang >= 0 && e->lang != t->lang)
			continue;
		guint end = match_from(e, 0, tokens, ti, t->sentence);
		if (!end)
			continue;
		SltLexHit h = { &e->pub, ti, end, (SltZone)t->zone,
				(t->flags & SLT_TOK_NEGATED) != 0 };
		g_array_append_val(found, h);
	}
}

void
slt_lexicon_match(const SltLexicon *lex, const GArray *tokens, GArray *hits)
{
	g_autoptr(GArray) found = g_array_new(FALSE, FALSE, sizeof(SltLexHit));
	for (guint ti = 0; ti < tokens->len; ti++) {
		const SltToken *t = &g_array_index(tokens, SltToken, ti);
		if (t->flags & SLT_TOK_URL)
			continue;
		int l = t->lang;
		try_entries(g_hash_table_lookup(lex->by_word[l], t->stem), tokens, ti, found);
		if (strcmp(t->stem, t->word) != 0)
			try_entries(g_hash_table_lookup(lex->by_word[l], t->word), tokens, ti, found);
		if (strlen(t->word) >= 3) {
			char key[4] = { t->word[0], t->word[1], t->word[2], 0 };
			try_entries(g_hash_table_lookup(lex->by_prefix[l], key), tokens, ti, found);
		}
	}
	if (found->len == 0)
		return;
	/* Longest first; within a label a token belongs to one match. */
	g_array_sort(found, cmp_hits);
	g_autoptr(GHashTable) claimed = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
							       (GDestroyNotify)g_hash_table_destroy);
	for (guint i = 0; i < found->len; i++) {
		const SltLexHit *h = &g_array_index(found, SltLexHit, i);
		GHashTable *c = g_hash_table_lookup(claimed, h->entry->label);
		if (!c) {
			c = g_hash_table_new(NULL, NULL);
			g_hash_table_insert(claimed, h->entry->label, c);
		}
		gboolean free_ = TRUE;
		for (guint k = h->start; k < h->end && free_; k++)
			if (g_hash_table_contains(c, GUINT_TO_POINTER(k + 1)))
				free_ = FALSE;
		if (!free_)
			continue;
		for (guint k = h->start; k < h->end; k++)
			g_hash_table_add(c, GUINT_TO_POINTER(k + 1));
		g_array_append_val(hits, *h);
	}
}
