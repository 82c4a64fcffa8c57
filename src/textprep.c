/* SPDX-License-Identifier: MIT */
/* textprep: folding, tokenising and stemming for the classifier (Snowball
 * stemmers through libstemmer; Unicode data through GLib). */
#include "textprep.h"

#include <libstemmer.h>
#include <string.h>

/* Words longer than this are base64, hashes or glued URLs: never words. */
#define MAX_WORD 40
/* The stem cache is dropped past this many entries (a daemon runs for
 * months; the vocabulary of real mail keeps growing). */
#define CACHE_MAX 200000
/* How many content words after "niet"/"geen"/"not" count as negated. */
#define NEGATION_SCOPE 4

typedef struct {
	const char *word;
	const char *stem;
	guint8 stop;
	guint8 negator;
} CacheEntry;

struct _SltTextPrep {
	struct sb_stemmer *stemmer[2];
	GStringChunk *strings;
	GHashTable *cache[2];   /* folded word -> CacheEntry* (slice of entries) */
	GPtrArray *blocks;      /* CacheEntry blocks */
	CacheEntry *block;
	guint block_used;
	GString *fold;          /* scratch: folded text */
	GByteArray *caps;       /* scratch: capitals in it */
};

#define BLOCK_ENTRIES 1024

/* Function words that carry no topic. Negations, question words, modal
 * verbs ("kan", "wil", "mag", "zou") and "graag" are deliberately NOT
 * here: they separate a request from a question from a refusal. Folded
 * spellings (no accents). */
static const char *const stop_nl[] = {
	"de", "het", "een", "en", "of", "van", "in", "op", "te", "aan", "met",
	"voor", "door", "bij", "naar", "om", "over", "uit", "tot", "tussen",
	"onder", "tegen", "na", "dan", "dat", "die", "dit", "deze", "ik", "je",
	"jij", "u", "hij", "zij", "ze", "wij", "we", "jullie", "mij", "me",
	"mijn", "jouw", "uw", "zijn", "haar", "hun", "ons", "onze", "hem",
	"is", "ben", "bent", "was", "waren", "wezen", "word", "wordt",
	"worden", "werd", "werden", "heb", "hebt", "heeft", "hebben", "had",
	"hadden", "er", "daar", "hier", "als", "ook", "nog", "zo", "maar",
	"want", "dus", "toch", "wel", "al", "even", "eens", "nu", "dan", "men",
	"iets", "iemand", "zelf", "elk", "elke", "ieder", "iedere", "alle",
	"mits", "zodat", "omdat", "terwijl", "hoewel", "t", "s", "m",
	"n", "d", "k", "a", "b", "c", "e", "f", "g", "h", "i", "j", "l", "o",
	"p", "q", "r", "v", "w", "x", "y", "z",
	NULL,
};
static const char *const stop_en[] = {
	"the", "a", "an", "and", "or", "of", "to", "in", "on", "at", "for",
	"with", "by", "from", "about", "as", "into", "than", "then", "that",
	"this", "these", "those", "it", "its", "i", "me", "my", "we", "us",
	"our", "you", "your", "he", "she", "they", "them", "their", "his",
	"her", "is", "am", "are", "was", "were", "be", "been", "being", "have",
	"has", "had", "do", "does", "did", "so", "also", "there", "here",
	"who", "where", "if", "but",
	"because", "while", "s", "t", "d", "ll", "m", "re", "ve", "all",
	"some", "any", "each", "just", "very", NULL,
};

/* Words that negate what follows in their clause. English contractions
 * fold to "don" "t" and the like, so their stems are listed too. */
static const char *const neg_nl[] = {
	"niet", "geen", "nooit", "niets", "noch", "hoeven", "hoeft", "hoef", NULL,
};
static const char *const neg_en[] = {
	"not", "no", "never", "nothing", "don", "doesn", "didn", "isn",
	"aren", "won", "wouldn", "nor", "dont", NULL,
};

/* English negations that are no Dutch words: they negate in a mail taken
 * for Dutch too ("I don't want to unsubscribe" under a Dutch signature). */
static const char *const neg_any[] = {
	"not", "never", "don", "dont", "doesn", "didn", "isn", "aren", "wouldn", NULL,
};

/* Markers for the language guess: frequent, and not shared. */
static const char *const mark_nl[] = {
	"de", "het", "een", "en", "van", "ik", "wij", "jullie", "niet",
	"graag", "zijn", "voor", "met", "op", "dat", "die", "ons", "onze",
	"kunnen", "wordt", "ook", "naar", "bij", "groet", "vriendelijke", NULL,
};
static const char *const mark_en[] = {
	"the", "and", "of", "to", "you", "our", "for", "with", "please",
	"would", "could", "not", "this", "that", "are", "regards", "thank",
	"thanks", "dear", "kind", "your", "my", "have", NULL,
};

static GHashTable *stop_set[2], *neg_set[2], *mark_set[2], *neg_any_set;

static GHashTable *
make_set(const char *const *words)
{
	GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);
	for (gsize i = 0; words[i]; i++)
		g_hash_table_add(h, (gpointer)words[i]);
	return h;
}

static void
init_sets(void)
{
	static gsize once;
	if (g_once_init_enter(&once)) {
		stop_set[SLT_LANG_NL] = make_set(stop_nl);
		stop_set[SLT_LANG_EN] = make_set(stop_en);
		neg_set[SLT_LANG_NL] = make_set(neg_nl);
		neg_set[SLT_LANG_EN] = make_set(neg_en);
		neg_any_set = make_set(neg_any);
		mark_set[SLT_LANG_NL] = make_set(mark_nl);
		mark_set[SLT_LANG_EN] = make_set(mark_en);
		g_once_init_leave(&once, 1);
	}
}

gboolean
slt_textprep_is_stopword(const char *word, SltLang lang)
{
	init_sets();
	return g_hash_table_contains(stop_set[lang], word);
}

SltTextPrep *
slt_textprep_new(void)
{
	init_sets();
	SltTextPrep *tp = g_new0(SltTextPrep, 1);
	tp->stemmer[SLT_LANG_NL] = sb_stemmer_new("dutch", NULL);
	tp->stemmer[SLT_LANG_EN] = sb_stemmer_new("english", NULL);
	if (!tp->stemmer[SLT_LANG_NL] || !tp->stemmer[SLT_LANG_EN])
		g_error("libstemmer has no dutch or english stemmer");
	tp->strings = g_string_chunk_new(64 * 1024);
	tp->cache[0] = g_hash_table_new(g_str_hash, g_str_equal);
	tp->cache[1] = g_hash_table_new(g_str_hash, g_str_equal);
	tp->blocks = g_ptr_array_new_with_free_func(g_free);
	tp->fold = g_string_sized_new(4096);
	tp->caps = g_byte_array_sized_new(4096);
	return tp;
}

void
slt_textprep_free(SltTextPrep *tp)
{
	if (!tp)
		return;
	sb_stemmer_delete(tp->stemmer[0]);
	sb_stemmer_delete(tp->stemmer[1]);
	g_hash_table_destroy(tp->cache[0]);
	g_hash_table_destroy(tp->cache[1]);
	g_string_chunk_free(tp->strings);
	g_ptr_array_free(tp->blocks, TRUE);
	g_string_free(tp->fold, TRUE);
	g_byte_array_free(tp->caps, TRUE);
	g_free(tp);
}

void
slt_textprep_reset(SltTextPrep *tp)
{
	guint n = g_hash_table_size(tp->cache[0]) + g_hash_table_size(tp->cache[1]);
	if (n < CACHE_MAX)
		return;
	g_hash_table_remove_all(tp->cache[0]);
	g_hash_table_remove_all(tp->cache[1]);
	g_string_chunk_clear(tp->strings);
	g_ptr_array_set_size(tp->blocks, 0);
	tp->block = NULL;
	tp->block_used = 0;
}

static CacheEntry *
new_entry(SltTextPrep *tp)
{
	if (!tp->block || tp->block_used == BLOCK_ENTRIES) {
		tp->block = g_new(CacheEntry, BLOCK_ENTRIES);
		g_ptr_array_add(tp->blocks, tp->block);
		tp->block_used = 0;
	}
	return &tp->block[tp->block_used++];
}

/* The cache entry of a folded word (NUL terminated), made on first use. */
static const CacheEntry *
lookup(SltTextPrep *tp, const char *word, gsize len, SltLang lang)
{
	CacheEntry *e = g_hash_table_lookup(tp->cache[lang], word);
	if (e)
		return e;
	e = new_entry(tp);
	e->word = g_string_chunk_insert_len(tp->strings, word, len);
	const sb_symbol *s = sb_stemmer_stem(tp->stemmer[lang],
					     (const sb_symbol *)word, (int)len);
	if (s) {
		int slen = sb_stemmer_length(tp->stemmer[lang]);
		e->stem = g_string_chunk_insert_len(tp->strings, (const char *)s, slen);
	} else {
		e->stem = e->word;  /* out of memory inside libstemmer */
	}
	e->stop = g_hash_table_contains(stop_set[lang], e->word);
	e->negator = g_hash_table_contains(neg_set[lang], e->word) ||
		     g_hash_table_contains(neg_any_set, e->word);
	g_hash_table_insert(tp->cache[lang], (gpointer)e->word, e);
	return e;
}

const char *
slt_textprep_stem(SltTextPrep *tp, const char *word, SltLang lang)
{
	return lookup(tp, word, strlen(word), lang)->stem;
}

static void
fold_char(gunichar c, GString *out)
{
	/* (callers record capitals themselves: see fold_impl) */
	switch (c) {
	case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032:
	case 0x00B4: case 0x0060: case 0x02BC:
		g_string_append_c(out, '\'');
		return;
	case 0x201C: case 0x201D: case 0x201E: case 0x00AB: case 0x00BB:
		g_string_append_c(out, '"');
		return;
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
	case 0x2015: case 0x2212:
		g_string_append_c(out, '-');
		return;
	case 0x00A0: case 0x2007: case 0x202F: case 0x200B: case 0xFEFF:
		g_string_append_c(out, ' ');
		return;
	case 0x2022: case 0x25CF: case 0x25AA: case 0x2023:
		g_string_append_c(out, '*');
		return;
	case 0x00DF: g_string_append(out, "ss"); return;  /* ß */
	case 0x00E6: case 0x00C6: g_string_append(out, "ae"); return;
	case 0x0153: case 0x0152: g_string_append(out, "oe"); return;
	case 0x00F8: case 0x00D8: g_string_append_c(out, 'o'); return;
	case 0x0142: case 0x0141: g_string_append_c(out, 'l'); return;
	case 0x0111: case 0x0110: g_string_append_c(out, 'd'); return;
	case 0x0131: g_string_append_c(out, 'i'); return;
	default:
		break;
	}
	gunichar buf[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
	gsize n = g_unichar_fully_decompose(c, TRUE, buf, G_N_ELEMENTS(buf));
	for (gsize i = 0; i < n; i++) {
		GUnicodeType t = g_unichar_type(buf[i]);
		if (t == G_UNICODE_NON_SPACING_MARK || t == G_UNICODE_ENCLOSING_MARK ||
		    t == G_UNICODE_SPACING_MARK)
			continue;
		gunichar l = g_unichar_tolower(buf[i]);
		if (l < 0x80)
			g_string_append_c(out, (char)l);
		else
			g_string_append_unichar(out, l);
	}
}

/* Fold text into out; when caps is not NULL, it gets one byte per output
 * byte: 1 where the output came from an upper-case letter. */
static void
fold_impl(const char *text, gssize len, GString *out, GByteArray *caps)
{
	if (!text)
		return;
	if (len < 0)
		len = strlen(text);
	const char *p = text, *end = text + len;
	static const guint8 one = 1, zero = 0;
	while (p < end) {
		unsigned char b = (unsigned char)*p;
		if (b < 0x80) {
			/* The fast path: almost all of Dutch mail is ASCII. */
			gboolean up = b >= 'A' && b <= 'Z';
			g_string_append_c(out, up ? (char)(b + 32) : b == 0 ? ' ' : (char)b);
			if (caps)
				g_byte_array_append(caps, up ? &one : &zero, 1);
			p++;
			continue;
		}
		gunichar c = g_utf8_get_char_validated(p, end - p);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append_c(out, ' ');
			if (caps)
				g_byte_array_append(caps, &zero, 1);
			p++;
			continue;
		}
		gsize before = out->len;
		fold_char(c, out);
		if (caps) {
			gboolean up = g_unichar_isupper(c) || g_unichar_istitle(c);
			for (gsize k = before; k < out->len; k++)
				g_byte_array_append(caps, up ? &one : &zero, 1);
		}
		p = g_utf8_next_char(p);
	}
}

void
slt_text_fold(const char *text, gssize len, GString *out)
{
	fold_impl(text, len, out, NULL);
}

static gboolean
is_word_byte(const char *p, const char *end, gsize *clen)
{
	unsigned char b = (unsigned char)*p;
	if (b < 0x80) {
		*clen = 1;
		return g_ascii_isalnum(b);
	}
	gunichar c = g_utf8_get_char_validated(p, end - p);
	if (c == (gunichar)-1 || c == (gunichar)-2) {
		*clen = 1;
		return FALSE;
	}
	*clen = g_utf8_next_char(p) - p;
	return g_unichar_isalnum(c);
}

SltLang
slt_textprep_guess_lang(SltTextPrep *tp, const char *const *texts, gsize n)
{
	init_sets();
	guint count[2] = { 0, 0 };
	GString *f = tp->fold;
	for (gsize i = 0; i < n; i++) {
		if (!texts[i])
			continue;
		g_string_truncate(f, 0);
		/* The first kilobyte says enough, and keeps this cheap. */
		gsize len = strnlen(texts[i], 1024);
		slt_text_fold(texts[i], len, f);
		const char *p = f->str, *end = f->str + f->len;
		char word[MAX_WORD + 1];
		while (p < end) {
			gsize cl;
			if (!is_word_byte(p, end, &cl)) {
				p += cl;
				continue;
			}
			const char *s = p;
			while (p < end && is_word_byte(p, end, &cl))
				p += cl;
			gsize wl = p - s;
			if (wl > MAX_WORD)
				continue;
			memcpy(word, s, wl);
			word[wl] = 0;
			if (g_hash_table_contains(mark_set[SLT_LANG_NL], word))
				count[SLT_LANG_NL]++;
			if (g_hash_table_contains(mark_set[SLT_LANG_EN], word))
				count[SLT_LANG_EN]++;
		}
	}
	return count[SLT_LANG_EN] >= 3 && count[SLT_LANG_EN] > count[SLT_LANG_NL] * 3 / 2
		? SLT_LANG_EN : SLT_LANG_NL;
}

/* A chunk that is a URL or a mail address stands for one "_url_" token:
 * its parts are not words (a newsletter's tracking links would otherwise
 * dominate its vocabulary). */
static gboolean
chunk_is_url(const char *s, const char *e)
{
	while (s < e && strchr("<([\"'", *s))
		s++;
	gsize n = e - s;
	if ((n > 7 && strncmp(s, "http://", 7) == 0) ||
	    (n > 8 && strncmp(s, "https://", 8) == 0) ||
	    (n > 4 && strncmp(s, "www.", 4) == 0) ||
	    (n > 7 && strncmp(s, "mailto:", 7) == 0))
		return TRUE;
	const char *at = memchr(s, '@', n);
	return at && at > s && at + 1 < e && g_ascii_isalnum(at[1]);
}

static gboolean
chunk_is_bullet(const char *s, const char *e)
{
	gsize n = e - s;
	if (n == 1 && strchr("-*+>", *s))
		return TRUE;
	if (n >= 2 && n <= 3 && g_ascii_isdigit(s[0]) && strchr(".)", e[-1]))
		return TRUE;
	return FALSE;
}

typedef struct {
	GArray *tokens;
	guint sent_first;   /* index of the first token of the current sentence */
	guint32 *sentence;
	gboolean new_sentence;
	gboolean new_clause;
	int neg_left;       /* content words left in a negation's scope */
} TokState;

static void
end_sentence(TokState *st, gboolean question)
{
	if (question)
		for (guint i = st->sent_first; i < st->tokens->len; i++)
			g_array_index(st->tokens, SltToken, i).flags |= SLT_TOK_QUESTION;
	if (st->sent_first < st->tokens->len)
		(*st->sentence)++;
	st->sent_first = st->tokens->len;
	st->new_sentence = TRUE;
	st->new_clause = TRUE;
	st->neg_left = 0;
}

static void
push(TokState *st, const char *word, const char *stem, guint16 flags,
     SltZone zone, SltLang lang)
{
	SltToken t = { word, stem, flags, (guint8)zone, (guint8)lang, *st->sentence };
	if (st->new_sentence)
		t.flags |= SLT_TOK_SENT;
	if (st->new_clause)
		t.flags |= SLT_TOK_CLAUSE;
	st->new_sentence = st->new_clause = FALSE;
	g_array_append_val(st->tokens, t);
}

void
slt_textprep_tokenize(SltTextPrep *tp, const char *text, gssize len,
		      SltZone zone, SltLang lang, GArray *tokens,
		      guint32 *sentence)
{
	if (!text)
		return;
	GString *f = tp->fold;
	g_string_truncate(f, 0);
	g_byte_array_set_size(tp->caps, 0);
	fold_impl(text, len, f, tp->caps);
	const guint8 *caps = tp->caps->data;

	TokState st = { tokens, tokens->len, sentence, TRUE, TRUE, 0 };
	const char *p = f->str, *end = f->str + f->len;
	char word[MAX_WORD + 1];
	while (p < end) {
		/* Whitespace: a blank line ends a sentence. */
		guint newlines = 0;
		while (p < end && g_ascii_isspace(*p)) {
			if (*p == '\n')
				newlines++;
			p++;
		}
		if (newlines >= 2)
			end_sentence(&st, FALSE);
		if (p >= end)
			break;
		const char *cs = p;
		while (p < end && !g_ascii_isspace(*p))
			p++;
		const char *ce = p;
		if (newlines >= 1 && chunk_is_bullet(cs, ce)) {
			end_sentence(&st, FALSE);
			continue;
		}
		if (chunk_is_url(cs, ce)) {
			push(&st, "_url_", "_url_", SLT_TOK_URL | SLT_TOK_STOP, zone, lang);
			continue;
		}
		/* Words and punctuation inside one chunk. */
		const char *q = cs;
		while (q < ce) {
			gsize cl;
			if (!is_word_byte(q, ce, &cl)) {
				char c = *q;
				gboolean last = q + 1 >= ce;
				if ((c == '.' || c == '!' || c == '?') &&
				    (last || !g_ascii_isalnum(q[1]))) {
					/* "?" and "!" may repeat: "??", "?!" */
					end_sentence(&st, c == '?' || (q + 1 < ce && q[1] == '?'));
				} else if (c == ';') {
					end_sentence(&st, FALSE);
				} else if (c == ',' || c == ':' || c == '(' || c == ')' ||
					   (c == '-' && cs + 1 == ce)) {
					st.new_clause = TRUE;
					st.neg_left = 0;
				}
				q += cl;
				continue;
			}
			const char *ws = q;
			gboolean digits = TRUE;
			while (q < ce && is_word_byte(q, ce, &cl)) {
				if (cl != 1 || !g_ascii_isdigit(*q))
					digits = FALSE;
				q += cl;
			}
			gsize wl = q - ws;
			if (wl > MAX_WORD)
				continue;
			memcpy(word, ws, wl);
			word[wl] = 0;
			if (digits) {
				const char *w = g_string_chunk_insert_const(tp->strings, word);
				push(&st, w, w, SLT_TOK_NUMBER | SLT_TOK_STOP, zone, lang);
				continue;
			}
			const CacheEntry *e = lookup(tp, word, wl, lang);
			guint16 flags = 0;
			if (caps[ws - f->str])
				flags |= SLT_TOK_CAPITAL;
			if (e->stop)
				flags |= SLT_TOK_STOP;
			if (e->negator) {
				flags |= SLT_TOK_NEGATOR;
				st.neg_left = NEGATION_SCOPE;
			} else if (st.neg_left > 0 &&
				   (strcmp(e->word, "maar") == 0 || strcmp(e->word, "but") == 0 ||
				    (st.neg_left == NEGATION_SCOPE &&
				     (strcmp(e->word, "alleen") == 0 || strcmp(e->word, "only") == 0)))) {
				/* a contrast ends the negation: "niet Visie maar
				 * Kwaliteit graag", "not a call but the package";
				 * "niet alleen Visie" negates nothing */
				st.neg_left = 0;
			} else if (st.neg_left > 0 && !e->stop) {
				flags |= SLT_TOK_NEGATED;
				st.neg_left--;
			}
			push(&st, e->word, e->stem, flags, zone, lang);
		}
	}
	end_sentence(&st, FALSE);
}
