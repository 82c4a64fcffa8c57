/* SPDX-License-Identifier: MIT */
/* packages: the work packages a sender asks for, by rules over tokens.
 * Every rule below cites the sample (tests/corpus/messages/NNNN.eml, "c")
 * or training message (data/train/messages/NNNN.eml, "t") that needed it. */
#include "packages.h"

#include <string.h>

const char *const slt_package_ids[5] = {
	"visie", "goed-bestuur", "netwerksamenwerking", "kwaliteit", "inkoop-bekostiging",
};

enum { P_ALLE = 5, P_OTHERS, P_GENERIC_PL, P_ANAPH };

/* A request and the words it names sit this close (tokens): further apart
 * they belong to different thoughts (c0154: a package named, then
 * "zou ik graag alvast ... sparren" 25 words on). */
#define NEAR 12
#define NEAR_WEAK 6

typedef struct {
	guint pos;
	int pkg;
	guint32 sentence;
} Mention;

typedef struct {
	const SltDoc *doc;
	const GArray *t;
	GArray *mentions;        /* Mention, in token order */
	guint8 *consumed;        /* per token: part of a mention */
	SltPackages *out;
	gboolean subject_usable; /* not a reply's old topic */
	guint8 have[5];
	guint8 excl[5];          /* left out by contrast: "Visie niet", "alles behalve Visie" */
	guint8 req[5];
	gboolean alle, others;
	gboolean short_subject;  /* two content words at most */
	gboolean pkg_context;    /* a package word somewhere: bare names may be packages */
	gboolean generic_alle;   /* "de werkpakketten" asked for, no names */
	gboolean fwd_requests;   /* second pass: the forwarded text's requests count */
	gboolean inquiry_seen;   /* the sender's own text asks about something */
	guint32 *cls;            /* word classes per token */
	guint16 *icls;           /* inquiry word classes per token (I_*) */
	gint8 *compound;         /* compound_pkg() per token */
	const char **fixed;      /* per token: the package name a typo stands for, or NULL */
} Ctx;

static const SltToken *
tok(const Ctx *c, guint i)
{
	return &g_array_index(c->t, SltToken, i);
}

static const char *
word(const Ctx *c, guint i)
{
	if (i >= c->t->len)
		return "";
	return c->fixed[i] ? c->fixed[i] : tok(c, i)->word;
}

/* w equals, or starts with, a literal: the first byte decides for
 * almost every token, so the rules' hundred-odd comparisons per token
 * seldom reach strcmp (it was the top symbol of make bench's profile). */
static inline gboolean
weq(const char *w, const char *lit)
{
	return w[0] == lit[0] && strcmp(w, lit) == 0;
}

static inline gboolean
wpre(const char *w, const char *lit)
{
	return w[0] == lit[0] && strncmp(w, lit, strlen(lit)) == 0;
}

/* w is one of the words of a NULL-terminated list. */
static gboolean
word_in(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (weq(w, *list))
			return TRUE;
	return FALSE;
}

static gboolean
same_sentence(const Ctx *c, guint a, guint b)
{
	return a < c->t->len && b < c->t->len && tok(c, a)->sentence == tok(c, b)->sentence;
}

/* Word classes, looked up once per token: a hash lookup instead of
 * string lists compared at every token (make bench). */
enum {
	W_CHAIN = 1u << 0, /* de het een en and of or over on about the in relatie tot ste */
	W_ASK = 1u << 1, /* sturen stuur stuurt toesturen toestuur toestuurt opsturen ze */
	W_ASK_WEAK = 1u << 2, /* graag svp aub pls please interesse geinteresseerd interested */
	W_ABOUT = 1u << 3, /* over about on */
	W_DEMONSTR = 1u << 4, /* dat die deze dit that this one */
	W_ALLE_GAP = 1u << 5, /* vijf 5 five work de the */
	W_POINTING = 1u << 6, /* dit dat deze die beide this that these those both bovenstaan */
	W_FIVE = 1u << 7, /* vijf 5 five */
	W_OTHER = 1u << 8, /* andere overige other others rest */
	W_THE = 1u << 9, /* de the die */
	W_REST_NEXT = 1u << 10, /* graag ook willen wil also please too sturen ontvangen */
	W_I_WE_HEREBY = 1u << 11, /* ik wij we hierbij */
	W_I_WE = 1u << 12, /* ik wij we */
	W_WISH = 1u << 13, /* graag wil willen zou zouden like mag */
	W_FOR_TO = 1u << 14, /* voor naar */
	W_MAY = 1u << 15, /* mag mogen may */
	W_I_WE_EN = 1u << 16, /* ik wij we i */
	W_WANT_END = 1u << 17, /* m hem het die ze ontvangen hebben krijgen it them have recei */
	W_WANT = 1u << 18, /* willen wil want */
	W_REST = 1u << 19, /* rest andere overige others */
	W_HAVE = 1u << 20, /* hebben heb hebt heeft had hadden have has */
	W_GOT = 1u << 21, /* ontvangen gekregen binnen received got bezit huis gedownload */
	W_MODAL = 1u << 22, /* graag wil willen zou zouden mag kan kunnen would could like  */
	W_THANK = 1u << 23, /* dank bedankt thanks thank dankjewel dankuwel */
	W_FOR = 1u << 24, /* voor for */
	W_PRONOUN = 1u << 25, /* het m hem dat die deze dit ze zij beide it them this these t */
	W_ONLY = 1u << 26, /* alleen only */
	W_CANCEL = 1u << 27, /* intrekken annuleren cancel afzeggen opzeggen stopzetten intr */
	W_AND_ALSO = 1u << 28, /* en and daarnaast ook plus alsook alsmede evenals also */
	W_AND = 1u << 29, /* en and */
	W_PKG = 1u << 30, /* is_pkg_word() (set per token, not from the table) */
	W_EXCL = 1u << 31, /* behalve uitgezonderd except excluding exclusief zonder without uitzondering but op */
};

static const struct { const char *word; guint32 cats; } word_classes[] = {
	{ "5", W_ALLE_GAP | W_FIVE },
	{ "aanmelden", W_ASK },
	{ "abonneren", W_ASK },
	{ "aanmelding", W_ASK },
	{ "aanvraag", W_ASK },
	{ "aanvragen", W_ASK },
	{ "about", W_CHAIN | W_ABOUT },
	{ "add", W_ASK },
	{ "afzeggen", W_CANCEL },
	{ "again", W_ASK_WEAK },
	{ "alleen", W_ONLY },
	{ "als", W_CHAIN },
	{ "alsmede", W_AND_ALSO },
	{ "also", W_REST_NEXT | W_AND_ALSO },
	{ "alsook", W_AND_ALSO },
	{ "and", W_CHAIN | W_AND_ALSO | W_AND },
	{ "andere", W_OTHER | W_REST },
	{ "annuleren", W_CANCEL },
	{ "as", W_CHAIN },
	{ "aub", W_ASK_WEAK },
	{ "bedankt", W_THANK },
	{ "beide", W_POINTING | W_PRONOUN },
	{ "benieuwd", W_ASK_WEAK },
	{ "bestellen", W_ASK },
	{ "bezit", W_GOT },
	{ "binnen", W_GOT },
	{ "both", W_POINTING | W_PRONOUN },
	{ "bovenstaande", W_POINTING },
	{ "cancel", W_CANCEL },
	{ "could", W_MODAL },
	{ "daarnaast", W_AND_ALSO },
	{ "dank", W_THANK },
	{ "dankjewel", W_THANK },
	{ "dankuwel", W_THANK },
	{ "dat", W_DEMONSTR | W_POINTING | W_PRONOUN },
	{ "de", W_CHAIN | W_ALLE_GAP | W_THE },
	{ "deze", W_DEMONSTR | W_POINTING | W_PRONOUN },
	{ "dezelfde", W_POINTING },
	{ "die", W_DEMONSTR | W_POINTING | W_THE | W_WANT_END | W_PRONOUN },
	{ "dit", W_DEMONSTR | W_POINTING | W_PRONOUN },
	{ "downloaded", W_GOT },
	{ "een", W_CHAIN },
	{ "en", W_CHAIN | W_AND_ALSO | W_AND },
	{ "evenals", W_AND_ALSO },
	{ "five", W_ALLE_GAP | W_FIVE },
	{ "for", W_CHAIN | W_FOR },
	{ "forward", W_ASK },
	{ "gedownload", W_GOT },
	{ "geinteresseerd", W_ASK_WEAK },
	{ "gekregen", W_GOT },
	{ "genoemde", W_POINTING },
	{ "get", W_ASK },
	{ "got", W_GOT },
	{ "graag", W_ASK_WEAK | W_REST_NEXT | W_WISH | W_MODAL },
	{ "had", W_HAVE },
	{ "hadden", W_HAVE },
	{ "has", W_HAVE },
	{ "have", W_WANT_END | W_HAVE },
	{ "heb", W_HAVE },
	{ "hebben", W_WANT_END | W_HAVE },
	{ "hebt", W_HAVE },
	{ "heeft", W_HAVE },
	{ "hem", W_WANT_END | W_PRONOUN },
	{ "het", W_CHAIN | W_WANT_END | W_PRONOUN },
	{ "hierbij", W_I_WE_HEREBY },
	{ "huis", W_GOT },
	{ "i", W_I_WE_EN },
	{ "ik", W_I_WE_HEREBY | W_I_WE | W_I_WE_EN },
	{ "in", W_CHAIN },
	{ "include", W_ASK },
	{ "inschrijven", W_ASK },
	{ "interesse", W_ASK_WEAK },
	{ "interested", W_ASK_WEAK },
	{ "intrekken", W_CANCEL },
	{ "intrekking", W_CANCEL },
	{ "it", W_WANT_END | W_PRONOUN },
	{ "kan", W_MODAL },
	{ "krijg", W_ASK },
	{ "krijgen", W_ASK | W_WANT_END },
	{ "kunnen", W_MODAL },
	{ "leren", W_CHAIN },
	{ "like", W_ASK_WEAK | W_WISH | W_MODAL },
	{ "lokale", W_CHAIN },
	{ "m", W_CHAIN | W_WANT_END | W_PRONOUN },
	{ "mag", W_WISH | W_MAY | W_MODAL },
	{ "mail", W_ASK },
	{ "mailen", W_ASK },
	{ "mailt", W_ASK },
	{ "may", W_MAY },
	{ "mogen", W_MAY },
	{ "naar", W_FOR_TO },
	{ "nog", W_CHAIN },
	{ "nogmaals", W_ASK_WEAK },
	{ "noteer", W_ASK },
	{ "noteert", W_ASK },
	{ "noteren", W_ASK },
	{ "of", W_CHAIN },
	{ "on", W_CHAIN | W_ABOUT },
	{ "onderstaande", W_POINTING },
	{ "one", W_DEMONSTR },
	{ "only", W_ONLY },
	{ "ontvangen", W_REST_NEXT | W_WANT_END | W_GOT },
	{ "ook", W_CHAIN | W_REST_NEXT | W_AND_ALSO },
	{ "opnieuw", W_ASK_WEAK },
	{ "opsturen", W_ASK },
	{ "opzeggen", W_CANCEL },
	{ "or", W_CHAIN },
	{ "other", W_OTHER },
	{ "others", W_OTHER | W_REST },
	{ "over", W_CHAIN | W_ABOUT },
	{ "overige", W_OTHER | W_REST },
	{ "please", W_ASK_WEAK | W_REST_NEXT | W_MODAL },
	{ "pls", W_ASK_WEAK },
	{ "plus", W_AND_ALSO },
	{ "receive", W_ASK | W_WANT_END },
	{ "received", W_GOT },
	{ "relatie", W_CHAIN },
	{ "request", W_ASK },
	{ "reserveren", W_ASK },
	{ "rest", W_OTHER | W_REST },
	{ "s", W_CHAIN },
	{ "send", W_ASK },
	{ "stevige", W_CHAIN },
	{ "stopzetten", W_CANCEL },
	{ "sturen", W_ASK | W_REST_NEXT },
	{ "stuur", W_ASK },
	{ "stuurt", W_ASK },
	{ "subscribe", W_ASK },
	{ "svp", W_ASK_WEAK },
	{ "t", W_CHAIN },
	{ "teams", W_CHAIN },
	{ "thank", W_THANK },
	{ "thanks", W_THANK },
	{ "that", W_DEMONSTR | W_POINTING },
	{ "the", W_CHAIN | W_ALLE_GAP | W_THE },
	{ "them", W_WANT_END | W_PRONOUN },
	{ "these", W_POINTING | W_PRONOUN },
	{ "this", W_DEMONSTR | W_POINTING | W_PRONOUN },
	{ "those", W_POINTING | W_PRONOUN },
	{ "toesturen", W_ASK },
	{ "toestuur", W_ASK },
	{ "toestuurt", W_ASK },
	{ "toevoegen", W_ASK },
	{ "toezenden", W_ASK },
	{ "toezending", W_ASK },
	{ "too", W_REST_NEXT },
	{ "tot", W_CHAIN },
	{ "van", W_CHAIN },
	{ "verantwoorden", W_CHAIN },
	{ "verzoek", W_ASK },
	{ "verzoeken", W_ASK },
	{ "vijf", W_ALLE_GAP | W_FIVE },
	{ "volgen", W_CHAIN },
	{ "voor", W_CHAIN | W_FOR_TO | W_FOR },
	{ "wanneer", W_MODAL },
	{ "want", W_WANT },
	{ "wants", W_WANT },
	{ "we", W_I_WE_HEREBY | W_I_WE | W_I_WE_EN },
	{ "well", W_CHAIN },
	{ "when", W_MODAL },
	{ "wij", W_I_WE_HEREBY | W_I_WE | W_I_WE_EN },
	{ "wil", W_REST_NEXT | W_WISH | W_WANT | W_MODAL },
	{ "willen", W_REST_NEXT | W_WISH | W_WANT | W_MODAL },
	{ "withdraw", W_CANCEL },
	{ "work", W_ALLE_GAP },
	{ "would", W_MODAL },
	{ "ze", W_WANT_END | W_PRONOUN },
	{ "zenden", W_ASK },
	{ "zij", W_PRONOUN },
	{ "zou", W_WISH | W_MODAL },
	{ "zouden", W_WISH | W_MODAL },
	/* find_exclusions: one bit to pass every other word by */
	{ "behalve", W_EXCL },
	{ "uitgezonderd", W_EXCL },
	{ "except", W_EXCL },
	{ "excluding", W_EXCL },
	{ "exclusief", W_EXCL },
	{ "zonder", W_EXCL },
	{ "without", W_EXCL },
	{ "uitzondering", W_EXCL },
	{ "but", W_EXCL },
	{ "op", W_EXCL },
};

/* Is token i (if there is one) in word class cls? */
static gboolean
has(const Ctx *c, guint i, guint32 cls)
{
	return i < c->t->len && (c->cls[i] & cls) != 0;
}

/* "werkpakket", "pakketten", typos like "werkpaketten" (c0108), English. */
static gboolean
is_pkg_word(const char *w)
{
	return wpre(w, "werkpak") || wpre(w, "pakket") ||
	       wpre(w, "paket") || wpre(w, "werkpaket") ||
	       weq(w, "package") || weq(w, "packages") ||
	       weq(w, "module") || weq(w, "modules") ||
	       wpre(w, "kennisoverzicht") ||
	       weq(w, "workpackage") || weq(w, "workpackages");
}

/* "netwerkpakket", "Bekostigingspakket", "kwaliteitspakketten" (t0211,
 * t0292): a package word with its name in front. Returns the package or -1. */
static int
compound_pkg(const char *w)
{
	static const struct { const char *prefix; int pkg; } map[] = {
		{ "visie", 0 }, { "goedbestuur", 1 }, { "bestuur", 1 }, { "governance", 1 },
		{ "netwerksamenwerking", 2 }, { "netwerk", 2 }, { "samenwerking", 2 },
		{ "kwaliteit", 3 }, { "inkoop", 4 }, { "bekostiging", 4 }, { "financiering", 4 },
	};
	const char *k = strstr(w, "pakket");
	if (!k || k == w)
		return -1;
	gsize pl = k - w;
	/* a linking -s- or -- */
	if (w[pl - 1] == 's' || w[pl - 1] == '-')
		pl--;
	for (guint i = 0; i < G_N_ELEMENTS(map); i++)
		if (strlen(map[i].prefix) == pl && strncmp(w, map[i].prefix, pl) == 0)
			return map[i].pkg;
	return -1;
}

static gboolean
is_plural_pkg(const char *w)
{
	return g_str_has_suffix(w, "ten") || g_str_has_suffix(w, "s");
}

/* ---- typos in package names ----
 * "kwalitiet", "netwerksamenwerkng", "bekostigng", "visei": one edit
 * (Damerau-Levenshtein: a letter added, dropped, changed, or two swapped)
 * from a package name is that name. Only against the names, and only the
 * long ones: near a short or common word lie other words ("inkoop" and
 * "inloop", "funding" and "finding", "bestuur" and "bestuurt", "netwerk"
 * and "netwerkt"); "visie" allows a swap only. "kwaliteiten" (two
 * letters more) is a word of its own and stays one. */
static const struct { const char *name; gsize len; gboolean swap_only; } typo_targets[] = {
	{ "kwaliteit", 9, FALSE }, { "netwerksamenwerking", 19, FALSE },
	{ "samenwerking", 12, FALSE }, { "bekostiging", 11, FALSE }, { "governance", 10, FALSE },
	{ "goedbestuur", 11, FALSE }, { "quality", 7, FALSE }, { "visie", 5, TRUE },
};

/* Are a (length la) and b (length lb) at most one edit apart, and not equal? */
static gboolean
one_edit(const char *a, gsize la, const char *b, gsize lb, gboolean swap_only)
{
	gsize i = 0;
	while (i < la && i < lb && a[i] == b[i])
		i++;
	if (la == lb) {
		if (i == la)
			return FALSE;  /* equal */
		/* a swap of two neighbours */
		if (i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] &&
		    strcmp(a + i + 2, b + i + 2) == 0)
			return TRUE;
		return !swap_only && strcmp(a + i + 1, b + i + 1) == 0;
	}
	if (swap_only)
		return FALSE;
	if (la == lb + 1)
		return strcmp(a + i + 1, b + i) == 0;
	if (lb == la + 1)
		return strcmp(a + i, b + i + 1) == 0;
	return FALSE;
}

/* The package name w is a typo of, or NULL (w is lower case, folded). */
static const char *
typo_of(const char *w)
{
	/* first letters first: most words are turned away without strlen */
	if (!strchr("kvnsbgqwieuoa", w[0]))
		return NULL;
	gsize lw = strlen(w);
	if (lw < 4 || lw > 20)
		return NULL;
	for (guint k = 0; k < G_N_ELEMENTS(typo_targets); k++) {
		const char *t = typo_targets[k].name;
		gsize lt = typo_targets[k].len;
		if (lw + 1 < lt || lw > lt + 1 || (w[0] != t[0] && w[1] != t[0]))
			continue;
		if (one_edit(w, lw, t, lt, typo_targets[k].swap_only))
			return t;
	}
	return NULL;
}

/* A package name at token i: returns the package (0-4) and sets *len,
 * or -1. Longest first: "inkoop en bekostiging" before "inkoop". */
static int
name_at(const Ctx *c, guint i, guint *len)
{
	const char *w = word(c, i), *w1 = word(c, i + 1), *w2 = word(c, i + 2);
	gboolean s1 = same_sentence(c, i, i + 1), s2 = same_sentence(c, i, i + 2);
	*len = 1;
	if (weq(w, "inkoop") || weq(w, "procurement")) {
		if (s2 && (weq(w1, "en") || weq(w1, "and")) &&
		    (wpre(w2, "bekostig") || weq(w2, "funding") ||
		     weq(w2, "financiering")))
			*len = 3;
		else if (s1 && (wpre(w1, "bekostig") || weq(w1, "funding")))
			*len = 2;  /* "inkoop/bekostiging", "inkoop & bekostiging" */
		return 4;
	}
	if (wpre(w, "bekostig") || weq(w, "funding"))
		return 4;
	if (weq(w, "goed") && s1 && weq(w1, "bestuur")) {
		*len = 2;
		return 1;
	}
	if (weq(w, "good") && s1 && weq(w1, "governance")) {
		*len = 2;
		return 1;
	}
	if (weq(w, "bestuur") || weq(w, "governance") ||
	    weq(w, "goedbestuur"))
		return 1;
	if (weq(w, "netwerksamenwerking"))
		return 2;
	if ((weq(w, "netwerk") || weq(w, "network")) && s1 &&
	    (weq(w1, "samenwerking") || weq(w1, "cooperation") ||
	     weq(w1, "collaboration"))) {
		*len = 2;
		return 2;
	}
	if (weq(w, "samenwerking") || weq(w, "netwerken") ||
	    weq(w, "networks") || weq(w, "network") ||
	    weq(w, "netwerk"))
		return 2;
	if (weq(w, "kwaliteit") || weq(w, "quality"))
		return 3;
	if (weq(w, "visie") || weq(w, "vision"))
		return 0;
	return -1;
}

/* Words that may stand between a package word and its names, or between
 * names in a list: "de werkpakketten Kwaliteit, leren, volgen en
 * verantwoorden en Inkoop en bekostiging" (c0045), "het pakket over
 * kwaliteit" (c0010), "Goed bestuur in relatie tot stevige lokale teams". */

/* More mentions than this are not a request but a pathological text;
 * the rules below are quadratic in them. */
#define MAX_MENTIONS 256

static void
add_mention(Ctx *c, guint pos, int pkg)
{
	if (c->mentions->len >= MAX_MENTIONS)
		return;
	Mention m = { pos, pkg, tok(c, pos)->sentence };
	g_array_append_val(c->mentions, m);
}

static int
cmp_mention(gconstpointer a, gconstpointer b)
{
	const Mention *x = a, *y = b;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* An article before a bare name: "niet alleen het pakket ..." is a
 * mention already, "niet alleen de Visie" is not. */
static const char *const fill_article[] = { "het", "de", "the", NULL };

/* "Visie hebben we (nog) niet", "Visie missen we", "Kwaliteit ontbreekt
 * nog", "we don't have Vision yet", "we haven't received Quality": a bare
 * name the sender says they lack is that package, a mention that a
 * request after it ("graag toesturen") points back to; without it the
 * request fell back on a subject "Werkpakketten" and became "alle". Only
 * at the clause's start or after the verb, never after an article or
 * possessive: "een gedeelde visie hebben we nog niet" is a sparring
 * question about their own vision. "Visie hebben we niet nodig" refuses
 * it (find_exclusions). */
static void
find_lacking(Ctx *c)
{
	static const char *const lack[] = {
		"missen", "mis", "mist", "missing", "ontbreekt", "ontbreken", "ontbreek",
		"lack", "lacking", "haven", "havent", "hasn", "hasnt", NULL,
	};
	static const char *const before[] = {
		"nog", "niet", "geen", "still", "yet", "not", "en", "and", "ook", "also",
		"missen", "mis", "mist", "missing", "lack", "ontvangen", "gekregen", "received",
		NULL,
	};
	static const char *const refuse[] = {
		"nodig", "needed", "need", "meer", "hoeven", "hoeft", "hoef", "anymore", NULL,
	};
	guint n = c->t->len, cs = 0;
	for (guint i = 0; i <= n; i++) {
		if (i < n && !(i == 0 || (tok(c, i)->flags & SLT_TOK_CLAUSE) ||
			       !same_sentence(c, i - 1, i)))
			continue;
		/* the clause [cs, i) */
		gboolean neg = FALSE, have = FALSE, lacking = FALSE, need = FALSE;
		for (guint k = cs; k < i; k++) {
			const char *w = word(c, k);
			if (tok(c, k)->flags & SLT_TOK_NEGATOR)
				neg = TRUE;
			if (has(c, k, W_HAVE | W_GOT))
				have = TRUE;
			if (word_in(w, lack))
				lacking = TRUE;
			/* not wanting it: "Visie hoeven we niet te hebben" */
			if (word_in(w, refuse) || has(c, k, W_WANT | W_WISH))
				need = TRUE;
		}
		if (!need && (lacking || (neg && have)))
			for (guint k = cs; k < i; k++) {
				guint len;
				int p;
				if (c->consumed[k] || (p = name_at(c, k, &len)) < 0)
					continue;
				if (!c->pkg_context && !(tok(c, k)->flags & SLT_TOK_CAPITAL))
					continue;
				if (k > cs && !word_in(word(c, k - 1), before) &&
				    !has(c, k - 1, W_HAVE | W_I_WE_EN))
					continue;
				add_mention(c, k, p);
				for (guint z = k; z < k + len && z < i; z++)
					c->consumed[z] = 1;
				k += len - 1;
			}
		cs = i;
	}
}

static void
find_mentions(Ctx *c)
{
	guint n = c->t->len;
	for (guint i = 0; i < n; i++)
		if (has(c, i, W_PKG) || c->compound[i] >= 0)
			c->pkg_context = TRUE;
	for (guint i = 0; i < n; i++) {
		if (c->consumed[i])
			continue;
		const SltToken *t = tok(c, i);
		const char *w = t->word;
		int cp = c->compound[i];
		if (cp >= 0) {
			add_mention(c, i, cp);
			c->consumed[i] = 1;
			c->pkg_context = TRUE;
			continue;
		}
		/* "en ook dat over kwaliteit" (t0038) */
		if (has(c, i, W_ABOUT) && i >= 1 &&
		    same_sentence(c, i, i + 1) && same_sentence(c, i - 1, i) &&
		    has(c, i - 1, W_DEMONSTR)) {
			guint len;
			int p = name_at(c, i + 1, &len);
			if (p >= 0) {
				add_mention(c, i + 1, p);
				for (guint z = i + 1; z < i + 1 + len; z++)
					c->consumed[z] = 1;
				continue;
			}
		}
		if (has(c, i, W_PKG)) {
			c->pkg_context = TRUE;
			c->consumed[i] = 1;
			gboolean named = FALSE;
			/* "alle (vijf) werkpakketten", "all five work packages" */
			for (guint b = 1; b <= 3 && b <= i && same_sentence(c, i, i - b); b++) {
				const char *pw = word(c, i - b);
				if (weq(pw, "alle") || weq(pw, "all")) {
					add_mention(c, i - b, P_ALLE);
					named = TRUE;
					break;
				}
				if (!has(c, i - 1, W_ALLE_GAP))
					break;
			}
			/* a name just before: "het visie-pakket", "quality package" */
			if (!named && i >= 1 && same_sentence(c, i, i - 1) && !c->consumed[i - 1]) {
				guint len;
				guint from = i >= 2 && same_sentence(c, i, i - 2) ? i - 2 : i - 1;
				for (guint k = from; k < i; k++) {
					int p = name_at(c, k, &len);
					if (p >= 0 && k + len == i) {
						add_mention(c, k, p);
						for (guint z = k; z < i; z++)
							c->consumed[z] = 1;
						named = TRUE;
						break;
					}
				}
			}
			/* names after, as a list */
			guint j = i + 1;
			while (j < n && j <= i + 14 && same_sentence(c, i, j)) {
				guint len;
				int p = name_at(c, j, &len);
				if (p >= 0) {
					add_mention(c, j, p);
					for (guint z = j; z < j + len; z++)
						c->consumed[z] = 1;
					named = TRUE;
					j += len;
					continue;
				}
				if (has(c, j, W_PKG)) {
					c->consumed[j] = 1;
					j++;
					continue;
				}
				if (has(c, j, W_CHAIN)) {
					j++;
					continue;
				}
				break;
			}
			if (!named) {
				gboolean pointing = i >= 1 && same_sentence(c, i, i - 1) &&
						    has(c, i - 1, W_POINTING);
				if (is_plural_pkg(w) && !pointing)
					add_mention(c, i, P_GENERIC_PL);
				else
					add_mention(c, i, P_ANAPH);
			}
			continue;
		}
		/* "ze alle vijf", "allemaal", "all five" (c0051, c0063) */
		if ((weq(w, "alle") || weq(w, "all")) &&
		    same_sentence(c, i, i + 1) &&
		    has(c, i + 1, W_FIVE)) {
			add_mention(c, i, P_ALLE);
			c->consumed[i] = c->consumed[i + 1] = 1;
			continue;
		}
		if (weq(w, "allemaal") && c->pkg_context) {
			add_mention(c, i, P_ALLE);
			continue;
		}
		/* "de andere vier", "the other four", "de andere zodra ze verschijnen" */
		if (has(c, i, W_OTHER) && i >= 1 && same_sentence(c, i, i - 1) &&
		    has(c, i - 1, W_THE)) {
			const char *nw = same_sentence(c, i, i + 1) ? word(c, i + 1) : "";
			if (!weq(w, "rest") || (*nw && has(c, i + 1, W_PKG)) || !*nw ||
			    has(c, i + 1, W_REST_NEXT)) {
				add_mention(c, i, P_OTHERS);
				continue;
			}
		}
		/* A subject that is a package name: "visie" (c0057), not a
		 * subject that uses the word ("Brede blik in de visie", t0332). */
		if (t->zone == SLT_ZONE_SUBJECT && c->short_subject) {
			guint len;
			int p = name_at(c, i, &len);
			if (p >= 0) {
				add_mention(c, i, p);
				c->pkg_context = TRUE;  /* "Re: visie" over "Nu graag kwaliteit" (t0422) */
				for (guint z = i; z < i + len; z++)
					c->consumed[z] = 1;
			}
		}
	}
	find_lacking(c);
	g_array_sort(c->mentions, cmp_mention);
}

typedef enum { CUE_NONE, CUE_WEAK, CUE_STRONG } CueKind;

/* Does the clause after token i end on what is wanted: a package, a
 * package name or a pronoun for one ("mogen wij het pakket Visie?", "wij
 * willen ze")? Not "mogen we ze apart subsidiëren" (t0217), "mogen we de
 * werkpakketten laten drukken" (t0226): a verb at the end is what they
 * want to do. */
static gboolean
ends_on_wanted(const Ctx *c, guint i)
{
	guint e = i;
	while (e + 1 < c->t->len && same_sentence(c, i, e + 1) &&
	       !(tok(c, e + 1)->flags & SLT_TOK_CLAUSE))
		e++;
	guint len;
	if (e >= c->t->len || e == i)
		return FALSE;
	return has(c, e, W_PKG) || c->compound[e] >= 0 || name_at(c, e, &len) >= 0 ||
	       (e >= 1 && name_at(c, e - 1, &len) >= 0 && e - 1 + len == e + 1) ||
	       has(c, e, W_WANT_END);
}

/* Is token i a request word? */
static CueKind
cue_at(const Ctx *c, guint i)
{
	const char *w = word(c, i);
	/* not "ontvangt": "Hierbij ontvangt u onze offerte" (t0362) */
	if (wpre(w, "ontvang") && !weq(w, "ontvangt"))
		return CUE_STRONG;
	if (has(c, i, W_ASK))
		return CUE_STRONG;
	/* "vraag ik ... aan", "vragen wij hierbij ... aan" (c0030, c0084) */
	if ((weq(w, "vraag") || weq(w, "vragen"))) {
		if (has(c, i + 1, W_I_WE_HEREBY) ||
		    has(c, i - 1, W_I_WE))
			for (guint j = i + 1; j < c->t->len && same_sentence(c, i, j); j++)
				if (weq(word(c, j), "aan"))
					return CUE_STRONG;
	}
	/* "op de (wacht)lijst zetten" (c0092, c0135) */
	if (g_str_has_suffix(w, "lijst")) {
		for (guint j = i >= 8 ? i - 8 : 0; j < c->t->len && j <= i + 4; j++)
			if (same_sentence(c, i, j) &&
			    (wpre(word(c, j), "zet") ||
			     wpre(word(c, j), "plaats") ||
			     wpre(word(c, j), "noteer") ||
			     weq(word(c, j), "noteren")))
				return CUE_STRONG;
		return CUE_NONE;
	}
	/* "dat wil ik ook graag hebben" (t0012) */
	if (weq(w, "hebben") || weq(w, "have")) {
		for (guint j = i >= 6 ? i - 6 : 0; j < i; j++)
			if (same_sentence(c, i, j) &&
			    has(c, j, W_WISH))
				return CUE_STRONG;
		return CUE_NONE;
	}
	/* "kunnen jullie ons in de loop houden" (c0118), "op de hoogte houden" */
	if ((weq(w, "loop") || weq(w, "hoogte")) &&
	    (weq(word(c, i + 1), "houden") || weq(word(c, i + 1), "blijven") ||
	     weq(word(c, i + 1), "stellen")))
		return CUE_STRONG;
	/* "ook voor ons", "voor ons ook" (t0017, t0158); not in a question:
	 * "zijn de werkpakketten ook voor ons bedoeld?" (c0160) */
	if (weq(w, "ons") && i >= 1 && !(tok(c, i)->flags & SLT_TOK_QUESTION) &&
	    has(c, i - 1, W_FOR_TO) &&
	    ((i >= 2 && weq(word(c, i - 2), "ook")) || weq(word(c, i + 1), "ook")))
		return CUE_STRONG;
	/* "mogen wij het pakket Visie?", "mag ik 'm ontvangen?" (t0085) */
	if (has(c, i, W_MAY) &&
	    has(c, i + 1, W_I_WE_EN))
		return ends_on_wanted(c, i + 1) ? CUE_STRONG : CUE_NONE;
	/* "wij willen de werkpakketten Visie en Kwaliteit", "we want the
	 * vision package": the verb alone asks when the clause ends on the
	 * package; not "we willen de werkpakketten gebruiken voor ..." */
	if (has(c, i, W_WANT) && ends_on_wanted(c, i)) {
		/* not "we willen met jullie om tafel over het werkpakket
		 * Kwaliteit" (t0281): talking about it, with someone */
		for (guint j = i + 1; j < c->t->len && same_sentence(c, i, j) &&
		     !(tok(c, j)->flags & SLT_TOK_CLAUSE); j++)
			/* not "the packages on vision": that names them */
			if ((has(c, j, W_ABOUT) && !has(c, j - 1, W_PKG)) ||
			    weq(word(c, j), "met") || weq(word(c, j), "with"))
				return CUE_NONE;
		return CUE_STRONG;
	}
	/* "can you email me the governance package", "mail ons het pakket" */
	if ((weq(w, "email") || weq(w, "e-mail")) &&
	    (weq(word(c, i + 1), "me") || weq(word(c, i + 1), "us")))
		return CUE_STRONG;
	if (has(c, i, W_ASK_WEAK))
		return CUE_WEAK;
	/* "de rest willen we ook" (t0279) */
	if (has(c, i, W_WANT))
		for (guint j = i >= 3 ? i - 3 : 0; j < i; j++)
			if (same_sentence(c, i, j) &&
			    has(c, j, W_REST))
				return CUE_WEAK;
	return CUE_NONE;
}

/* "hebben we al", "al ontvangen", "inmiddels binnen", "already have":
 * the packages in this clause are theirs already. Clause = between
 * commas, within the sentence of token i. */
static gboolean
have_in_clause(const Ctx *c, guint from, guint to)
{
	gboolean al = FALSE, have = FALSE, got = FALSE, modal = FALSE, already = FALSE;
	gboolean binnen = FALSE, is = FALSE, get = FALSE;
	for (guint i = from; i < to; i++) {
		const char *w = word(c, i);
		if (wpre(w, "krijg") || weq(w, "get"))
			get = TRUE;
		if (weq(w, "binnen"))
			binnen = TRUE;
		/* "het pakket Visie heb ik nog niet gekregen" (t0426) */
		if (tok(c, i)->flags & SLT_TOK_NEGATOR)
			return FALSE;
		if (weq(w, "is") || weq(w, "zijn"))
			is = TRUE;
		if (weq(w, "al") || weq(w, "inmiddels") || weq(w, "reeds"))
			al = TRUE;
		else if (weq(w, "already"))
			already = TRUE;
		else if (has(c, i, W_HAVE))
			have = TRUE;
		else if (has(c, i, W_GOT))
			got = TRUE;
		else if (has(c, i, W_MODAL))
			modal = TRUE;
	}
	if (already && (have || got))
		return TRUE;
	/* "Visie en Netwerksamenwerking zijn dus binnen" (t0279) */
	if (binnen && is && !modal)
		return TRUE;
	if (al && (have || got) && !modal)
		return TRUE;
	/* "we krijgen de pakketten al via het team" (t0262), "we already get
	 * them"; not "krijgen we ze al?" */
	if ((al || already) && get && !modal && from < to &&
	    !(tok(c, from)->flags & SLT_TOK_QUESTION))
		return TRUE;
	/* "wij hebben de werkpakketten inmiddels via de regio ontvangen" (c0129) */
	if (have && got && !modal)
		return TRUE;
	return FALSE;
}

/* What else one asks to receive: "Graag ontvangen wij een bevestiging"
 * after "haal haar van de wachtlijst voor de werkpakketten" (t0251), "Graag
 * bevestiging" (t0041) ask for no package. */
static gboolean
other_object(const char *w)
{
	static const char *const objects[] = {
		"bevestiging", "ontvangstbevestiging", "bevestigen", "reactie", "antwoord",
		"terugkoppeling", "confirmation", "confirm", "acknowledgement", "offerte",
		"factuur", "afmelding", "uitschrijving", NULL,
	};
	return word_in(w, objects);
}

/* "dank voor het toesturen", "thanks for the package" (c0053). */
static gboolean
thanks_for(const Ctx *c, guint s, guint e)
{
	for (guint i = s; i + 1 < e; i++) {
		if (has(c, i, W_THANK)) {
			for (guint j = i + 1; j < e && j <= i + 3; j++)
				if (has(c, j, W_FOR))
					return TRUE;
		}
	}
	return FALSE;
}

static gboolean
is_pronoun_at(const Ctx *c, guint i)
{
	if (!has(c, i, W_PRONOUN))
		return FALSE;
	/* An article, not a pronoun: "het pakket", "het werkpakket Visie". */
	for (guint j = i + 1; j <= i + 2 && j < c->t->len && same_sentence(c, i, j); j++) {
		guint len;
		if (has(c, j, W_PKG) || name_at(c, j, &len) >= 0 ||
		    weq(word(c, j), "eerste"))
			return FALSE;
	}
	/* "ze alle vijf": the mention itself says which */
	if (weq(word(c, i + 1), "alle") || weq(word(c, i + 1), "allemaal"))
		return FALSE;
	return TRUE;
}

static void
note_why(Ctx *c, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
note_why(Ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	for (guint i = 0; i < c->out->why->len; i++)
		if (strcmp(c->out->why->pdata[i], s) == 0) {
			g_free(s);
			return;
		}
	g_ptr_array_add(c->out->why, s);
}

/* ---- contrast and exclusion inside a request ----
 * "Visie niet, alleen Kwaliteit", "niet Visie maar Kwaliteit", "alles
 * behalve Visie", "alle pakketten op Visie na", "all except Quality",
 * "everything but Vision": the excluded packages are never asked for, even
 * where a request for "alle" or a nearby cue would take them in. A wrong
 * package mails the wrong PDF to a municipality; one left out only makes
 * staff add it. */

/* A package named at token i, with the article and package words before
 * it ("het pakket Visie", "the quality package", "Kwaliteitspakket"):
 * returns the package and sets *end past it, or -1. */
static int
named_at(const Ctx *c, guint i, guint *end)
{
	static const char *const fill[] = {
		"het", "de", "een", "the", "a", "for", "van", "one", "on", "about", "over", "die",
		"dat", NULL,
	};
	guint j = i;
	while (j < c->t->len && j <= i + 3 && same_sentence(c, i, j) &&
	       (word_in(word(c, j), fill) || (has(c, j, W_PKG) && c->compound[j] < 0)))
		j++;
	if (j >= c->t->len || !same_sentence(c, i, j))
		return -1;
	if (c->compound[j] >= 0) {
		*end = j + 1;
		return c->compound[j];
	}
	guint len;
	int p = name_at(c, j, &len);
	if (p < 0)
		return -1;
	*end = j + len;
	/* "the quality package", "Visie-pakket" */
	while (*end < c->t->len && same_sentence(c, i, *end) && has(c, *end, W_PKG) &&
	       c->compound[*end] < 0)
		(*end)++;
	return p;
}

static void
exclude(Ctx *c, int p, const char *how)
{
	if (p < 0 || p >= 5 || c->excl[p])
		return;
	c->excl[p] = 1;
	note_why(c, "uitgezonderd (%s): %s", how, slt_package_ids[p]);
}

/* A list of names from token i on ("Visie, Kwaliteit en Goed bestuur"):
 * marks them excluded and returns the token after the list. commas: a
 * comma may join names (after "behalve" it does; before "niet" it does
 * not: "graag Kwaliteit, Visie niet"). */
static guint
exclude_list(Ctx *c, guint i, gboolean commas, gboolean dry, const char *how)
{
	guint j = i, end;
	int p;
	gboolean any = FALSE;
	while ((p = named_at(c, j, &end)) >= 0) {
		if (!dry)
			exclude(c, p, how);
		any = TRUE;
		j = end;
		if (j < c->t->len && same_sentence(c, i, j) && has(c, j, W_AND) &&
		    (commas || !(tok(c, j)->flags & SLT_TOK_CLAUSE)) &&
		    named_at(c, j + 1, &end) >= 0) {
			j++;
			continue;
		}
		if (commas && j < c->t->len && same_sentence(c, i, j) &&
		    (tok(c, j)->flags & SLT_TOK_CLAUSE) && named_at(c, j, &end) >= 0)
			continue;
		break;
	}
	return any ? j : i;
}

/* Does token i end a clause's thought: the clause or sentence ends there,
 * or a contrast or a courtesy follows ("Visie niet meer", "Visie niet
 * nodig", "Visie niet, alleen ...", "Visie niet maar ...")? */
static gboolean
ends_refusal(const Ctx *c, guint neg, guint i)
{
	static const char *const after[] = {
		"meer", "nodig", "maar", "but", "alleen", "only", "wel", "needed", "necessary",
		"hoor", "thanks", "dank", "graag", "please", "enkel", "just", NULL,
	};
	return i >= c->t->len || !same_sentence(c, neg, i) ||
	       (tok(c, i)->flags & SLT_TOK_CLAUSE) || word_in(word(c, i), after);
}

static void
find_exclusions(Ctx *c)
{
	static const char *const except[] = {
		"behalve", "uitgezonderd", "except", "excluding", "exclusief", "zonder",
		"without", NULL,
	};
	static const char *const everything[] = {
		"alles", "allemaal", "everything", "all", "alle", NULL,
	};
	static const char *const contrast[] = {
		"maar", "but", "wel", "alleen", "only", "enkel", "slechts", "uitsluitend",
		"instead", "liever", "rather", NULL,
	};
	/* between a refused name and its "niet": "Visie hoeft (eigenlijk) niet" */
	static const char *const skip_post[] = {
		"hoeft", "hoeven", "hoef", "we", "wij", "ik", "eigenlijk", "dus", "liever",
		"echt", "toch", "nog", NULL,
	};
	/* only when "nodig"/"needed" follows: "Visie hebben we niet nodig" */
	static const char *const skip_need[] = { "hebben", "heb", "hebt", "is", "zijn", NULL };
	/* between "niet"/"geen" and the name: "geen behoefte aan het pakket Visie" */
	static const char *const skip_pre[] = {
		"behoefte", "aan", "interesse", "in", "need", "nodig", "meer", "nog", NULL,
	};
	guint n = c->t->len;
	for (guint i = 0; i < n; i++) {
		if (!has(c, i, W_EXCL) && !(tok(c, i)->flags & SLT_TOK_NEGATOR))
			continue;
		const char *w = word(c, i);
		guint j;
		/* "alles behalve Visie", "all except (for) Quality", "everything but
		 * Vision", "met uitzondering van Inkoop" */
		gboolean exc = word_in(w, except);
		if (weq(w, "but") && i >= 1 && same_sentence(c, i - 1, i) &&
		    word_in(word(c, i - 1), everything))
			exc = TRUE;
		if (weq(w, "uitzondering") && i >= 1 && weq(word(c, i - 1), "met"))
			exc = TRUE;
		if (exc) {
			j = i + 1;
			if (exclude_list(c, j, TRUE, FALSE, w) > j) {
				/* "alles behalve": everything else is asked for */
				for (guint b = 1; b <= 3 && b <= i && same_sentence(c, i, i - b); b++)
					if (weq(word(c, i - b), "alles") ||
					    weq(word(c, i - b), "allemaal") ||
					    weq(word(c, i - b), "everything") ||
					    /* "all except", "all of them except" */
					    (weq(word(c, i - b), "all") &&
					     (b == 1 || (b == 3 && weq(word(c, i - 2), "of"))))) {
						add_mention(c, i - b, P_ALLE);
						break;
					}
			}
			continue;
		}
		/* "alle pakketten op Visie na" */
		if (weq(w, "op")) {
			j = exclude_list(c, i + 1, TRUE, TRUE, w);
			if (j > i + 1 && j < n && same_sentence(c, i, j) && weq(word(c, j), "na"))
				exclude_list(c, i + 1, TRUE, FALSE, "op ... na");
			continue;
		}
		if (!(tok(c, i)->flags & SLT_TOK_NEGATOR))
			continue;
		/* "niet alleen Visie maar ook Kwaliteit" asks for both */
		if (has(c, i + 1, W_ONLY) && !(tok(c, i + 1)->flags & SLT_TOK_CLAUSE))
			continue;
		/* Before: "niet Visie maar Kwaliteit", "maar niet Visie", "not
		 * Vision, only Quality", "geen behoefte aan Visie, wel aan ...";
		 * not "wij hebben nog geen pakket Visie, graag ontvangen": a
		 * refusal needs its contrast or stands at its clause's start. */
		j = i + 1;
		while (j < n && j <= i + 4 && same_sentence(c, i, j) && word_in(word(c, j), skip_pre))
			j++;
		guint after = exclude_list(c, j, FALSE, TRUE, "");
		if (after > j) {
			guint cs = i;
			while (cs > 0 && !(tok(c, cs)->flags & SLT_TOK_CLAUSE))
				cs--;
			gboolean having = FALSE;
			for (guint k = cs; k < after; k++)
				if (has(c, k, W_HAVE | W_GOT))
					having = TRUE;
			gboolean contrasted = cs == i ||
				(i >= 1 && same_sentence(c, i - 1, i) && word_in(word(c, i - 1), contrast));
			for (guint k = after; k < n && same_sentence(c, i, k) && !contrasted; k++)
				if (word_in(word(c, k), contrast))
					contrasted = TRUE;
			if (contrasted && !having) {
				exclude_list(c, j, FALSE, FALSE, "niet ...");
				continue;
			}
		}
	}
	/* After: "Visie niet, alleen Kwaliteit", "Visie en Goed bestuur hoeven
	 * niet", "Visie hebben we niet nodig"; not "het pakket Visie heb ik
	 * nog niet ontvangen" (they want it). From each "niet" back to the
	 * names it follows. */
	for (guint neg = 1; neg < n; neg++) {
		if (!(tok(c, neg)->flags & SLT_TOK_NEGATOR) ||
		    (!weq(word(c, neg), "niet") && !weq(word(c, neg), "not")))
			continue;
		if (has(c, neg + 1, W_ONLY) && !(tok(c, neg + 1)->flags & SLT_TOK_CLAUSE))
			continue;
		/* back over "hoeft", "we", "eigenlijk", "hebben" ... */
		guint last = neg;
		gboolean need_nodig = FALSE;
		while (last > 0 && neg - last < 4 && same_sentence(c, last - 1, neg) &&
		       !(tok(c, last)->flags & SLT_TOK_CLAUSE)) {
			const char *w = word(c, last - 1);
			if (word_in(w, skip_need))
				need_nodig = TRUE;
			else if (!word_in(w, skip_post))
				break;
			last--;
		}
		/* "Visie hoeven we niet te hebben": the refusal ends after
		 * its infinitive */
		static const char *const te_verb[] = { "hebben", "ontvangen", "krijgen", NULL };
		guint tail = neg + 1;
		if (tail + 1 < n && same_sentence(c, neg, tail + 1) && weq(word(c, tail), "te") &&
		    word_in(word(c, tail + 1), te_verb))
			tail += 2;
		if (need_nodig ? !(weq(word(c, neg + 1), "nodig") ||
				   weq(word(c, neg + 1), "needed"))
			       : !ends_refusal(c, neg, tail))
			continue;
		/* the list of names that ends at last ("het pakket Visie en Goed
		 * bestuur"): the earliest start whose list ends there */
		guint first = G_MAXUINT;
		for (guint b = last >= 10 ? last - 10 : 0; b < last && first == G_MAXUINT; b++) {
			guint end;
			if (same_sentence(c, b, last) && named_at(c, b, &end) >= 0 &&
			    exclude_list(c, b, FALSE, TRUE, "") == last)
				first = b;
		}
		if (first == G_MAXUINT)
			continue;
		exclude_list(c, first, FALSE, FALSE, "... niet");
	}
}

/* Does a word of the note in [from, to) ask for a conversation? A
 * short "graag sparren we" under the subject "Werkpakketten" asks for a
 * session, not for the packages (the subject is context, not the
 * object). The subject's own words do not count: "Sparren en werkpakket
 * Visie" over an empty note still asks for Visie. */
static gboolean
session_in(const Ctx *c, guint from, guint to)
{
	static const char *const talk[] = {
		"sparren", "sparring", "sparringsessie", "gesprek", "afspraak", "overleg",
		"overleggen", "bellen", "belafspraak", "kennismaken", "kennismaking",
		"meeting", "call", "session", "talk", "meedenken", NULL,
	};
	for (guint i = from; i < to; i++)
		if (tok(c, i)->zone != SLT_ZONE_SUBJECT && word_in(word(c, i), talk))
			return TRUE;
	return FALSE;
}

/* May the sentence starting at token i ask for packages? */
static gboolean
sentence_usable(const Ctx *c, guint i, gboolean as_antecedent)
{
	{
		const SltToken *t = tok(c, i);
		switch (t->zone) {
		case SLT_ZONE_SUBJECT:
			return c->subject_usable;
		case SLT_ZONE_NEW:
		case SLT_ZONE_PS:
			return TRUE;
		case SLT_ZONE_FORWARDED:
			return as_antecedent || c->fwd_requests;
		default:
			return FALSE;
		}
	}
	return FALSE;
}

/* The packages an anaphor at token pos points back to: named mentions
 * earlier in its sentence, else in the nearest earlier sentence (two at
 * most) that names some, else in the subject, else in a forwarded text. */
/* Add package p to out (at most ANTE_MAX, no repeats): hostile text may
 * name a package a thousand times. */
#define ANTE_MAX 8
static void
ante_push(int *out, guint *n, int p)
{
	for (guint i = 0; i < *n; i++)
		if (out[i] == p)
			return;
	if (*n < ANTE_MAX)
		out[(*n)++] = p;
}

static guint
antecedents(const Ctx *c, guint pos, int *out)
{
	guint n = 0;
	guint32 sent = tok(c, pos)->sentence;
	/* same sentence, before pos */
	for (guint k = 0; k < c->mentions->len; k++) {
		const Mention *m = &g_array_index(c->mentions, Mention, k);
		if (m->sentence == sent && m->pos < pos && m->pkg < 5)
			ante_push(out, &n, m->pkg);
	}
	if (n)
		return n;
	/* earlier sentences of the same zone, nearest first */
	guint8 zone = tok(c, pos)->zone;
	for (int k = (int)c->mentions->len - 1; k >= 0; k--) {
		const Mention *m = &g_array_index(c->mentions, Mention, k);
		if (m->sentence >= sent || m->pkg >= 5)
			continue;
		if (tok(c, m->pos)->zone != zone)
			continue;
		if (sent - m->sentence > 3)
			break;
		guint32 s = m->sentence;
		for (int q = k; q >= 0; q--) {
			const Mention *mq = &g_array_index(c->mentions, Mention, q);
			if (mq->sentence != s)
				break;
			if (mq->pkg < 5)
				ante_push(out, &n, mq->pkg);
		}
		/* back to token order */
		for (guint a = 0, b = n ? n - 1 : 0; a < b; a++, b--) {
			int tmp = out[a];
			out[a] = out[b];
			out[b] = tmp;
		}
		return n;
	}
	/* the subject, a forwarded text */
	for (int zone_try = 0; zone_try < 2 && !n; zone_try++) {
		guint8 want = zone_try == 0 ? SLT_ZONE_SUBJECT : SLT_ZONE_FORWARDED;
		if (want == SLT_ZONE_SUBJECT && !c->subject_usable && !c->doc->forward)
			continue;
		for (guint k = 0; k < c->mentions->len; k++) {
			const Mention *m = &g_array_index(c->mentions, Mention, k);
			if (m->pkg < 5 && tok(c, m->pos)->zone == want)
				ante_push(out, &n, m->pkg);
		}
	}
	return n;
}

/* Is there an "alle"/"de werkpakketten" for an anaphor at pos to point
 * back to, when no package is named (t0158: "Fw: werkpakketten", "Zie
 * onderstaand, graag voor ons ook.")? */
static gboolean
generic_antecedent(const Ctx *c, guint pos)
{
	guint32 sent = tok(c, pos)->sentence;
	for (guint k = 0; k < c->mentions->len; k++) {
		const Mention *m = &g_array_index(c->mentions, Mention, k);
		if (m->pkg != P_ALLE && m->pkg != P_GENERIC_PL)
			continue;
		guint8 z = tok(c, m->pos)->zone;
		if (z == SLT_ZONE_FORWARDED ||
		    (z == SLT_ZONE_SUBJECT && (c->subject_usable || c->doc->forward)) ||
		    (m->sentence <= sent && sent - m->sentence <= 3))
			return TRUE;
	}
	return FALSE;
}

static void
want(Ctx *c, int pkg, gboolean from_ps)
{
	if (pkg < 0 || pkg >= 5 || c->req[pkg])
		return;
	c->req[pkg] = (guint8)(c->out->requested->len + 1);
	g_ptr_array_add(c->out->requested, (gpointer)slt_package_ids[pkg]);
	if (!from_ps)
		c->out->ps_only = FALSE;
}

/* Take the packages in mask (have[], excl[]) out of what was requested. */
static void
remove_requested(GPtrArray *requested, const guint8 *mask)
{
	for (guint i = requested->len; i > 0; i--)
		for (int p = 0; p < 5; p++)
			if (mask[p] && strcmp(requested->pdata[i - 1], slt_package_ids[p]) == 0) {
				g_ptr_array_remove_index(requested, i - 1);
				break;
			}
}

/* The packages in mask are never asked for: "alle" becomes the others,
 * and a named one in mask is dropped. */
static void
drop_packages(Ctx *c, const guint8 *mask)
{
	if (c->alle) {
		c->alle = FALSE;
		for (int p = 0; p < 5; p++)
			if (!mask[p])
				want(c, p, FALSE);
	}
	remove_requested(c->out->requested, mask);
}

static void
mark_have(Ctx *c, int pkg)
{
	if (pkg >= 0 && pkg < 5 && !c->have[pkg]) {
		c->have[pkg] = 1;
		g_ptr_array_add(c->out->have, (gpointer)slt_package_ids[pkg]);
	}
}

/* Asking *about* the packages is not asking for them (TAXONOMY.md:
 * "asking *when* it appears is not a request"): "ik wil graag weten of de
 * werkpakketten ook over jeugd gaan", "wanneer komen de werkpakketten
 * uit?", "gaan de werkpakketten ook over X?", "do the packages cover ...?".
 * A wrong request mails PDFs to a municipality; a question taken for one
 * is worse than a request left to staff as a vraag. Word classes for it,
 * looked up once per token like word_classes. */
enum {
	I_FRAME = 1u << 0,  /* weten, benieuwd, vertellen, know, wonder ...: + "of/wanneer/hoe" */
	I_SUB_YN = 1u << 1, /* of, whether, if: an indirect yes/no question */
	I_SUB_WH = 1u << 2, /* wanneer, wat, welke, when, what ...: asks about, never for */
	I_SUB_HOW = 1u << 3, /* hoe, waar, how, where: "hoe kan ik ze ontvangen?" does ask */
	I_VERB_Q = 1u << 4, /* gaan, zijn, komen, do, are, will ...: a question's first word */
	I_PERSON = 1u << 5, /* ik, wij, jullie, u, you ...: who would receive or send */
	I_OPEN = 1u << 6,   /* mogelijk, possible, manier: "is het mogelijk ze te sturen?" */
	I_COORD = 1u << 7,  /* en, maar, and, but: a new thought starts */
	I_PERMIT = 1u << 8, /* mogen, mag, may: "mogen de werkpakketten gedeeld worden?" */
	I_MUST = 1u << 9,   /* moet, hoeven, dienen, must, should, allowed: what is required */
};

static const struct { const char *word; guint16 cats; } inquiry_classes[] = {
	{ "af", I_FRAME },
	{ "allowed", I_MUST },  /* "ik vraag me af of" (needs vraag/vroeg before it) */
	{ "afvragen", I_FRAME },
	{ "and", I_COORD },
	{ "are", I_VERB_Q },
	{ "ask", I_FRAME },
	{ "asking", I_FRAME },
	{ "behandelen", I_VERB_Q },
	{ "behandelt", I_VERB_Q },
	{ "benieuwd", I_FRAME },
	{ "betreffen", I_VERB_Q },
	{ "betreft", I_VERB_Q },
	{ "bevat", I_VERB_Q },
	{ "bevatten", I_VERB_Q },
	{ "but", I_COORD },
	{ "cover", I_VERB_Q },
	{ "curious", I_FRAME },
	{ "dient", I_MUST },
	{ "dienen", I_MUST },
	{ "did", I_VERB_Q },
	{ "do", I_VERB_Q },
	{ "does", I_VERB_Q },
	{ "en", I_COORD },
	{ "gaan", I_VERB_Q },
	{ "gaat", I_VERB_Q },
	{ "geldt", I_VERB_Q },
	{ "gelden", I_VERB_Q },
	{ "hoe", I_SUB_HOW },
	{ "hoef", I_MUST },
	{ "hoeft", I_MUST },
	{ "hoeven", I_MUST },
	{ "hoelang", I_SUB_WH },
	{ "hoeveel", I_SUB_WH },
	{ "hoor", I_FRAME },
	{ "horen", I_FRAME },
	{ "how", I_SUB_HOW },
	{ "i", I_PERSON },
	{ "if", I_SUB_YN },
	{ "ik", I_PERSON },
	{ "informeren", I_FRAME },
	{ "is", I_VERB_Q },
	{ "je", I_PERSON },
	{ "jij", I_PERSON },
	{ "jullie", I_PERSON },
	{ "gelegenheid", I_OPEN },
	{ "kans", I_OPEN },
	{ "know", I_FRAME },
	{ "komen", I_VERB_Q },
	{ "komt", I_VERB_Q },
	{ "kosten", I_VERB_Q },
	{ "kost", I_VERB_Q },
	{ "maar", I_COORD },
	{ "manier", I_OPEN },
	{ "me", I_PERSON },
	{ "mij", I_PERSON },
	{ "mag", I_PERMIT },
	{ "may", I_PERMIT },
	{ "mogelijk", I_OPEN },
	{ "mogelijkheid", I_OPEN },
	{ "of", I_SUB_YN },
	{ "mogen", I_PERMIT },
	{ "moet", I_MUST },
	{ "moeten", I_MUST },
	{ "must", I_MUST },
	{ "ons", I_PERSON },
	{ "plek", I_OPEN },
	{ "permitted", I_MUST },
	{ "possible", I_OPEN },
	{ "room", I_OPEN },
	{ "ruimte", I_OPEN },
	{ "tijd", I_OPEN },
	{ "toegestaan", I_MUST },
	{ "time", I_OPEN },
	{ "should", I_MUST },
	{ "staan", I_VERB_Q },
	{ "staat", I_VERB_Q },
	{ "u", I_PERSON },
	{ "us", I_PERSON },
	{ "verplicht", I_MUST },
	{ "verneem", I_FRAME },
	{ "vernemen", I_FRAME },
	{ "verschijnen", I_VERB_Q },
	{ "verschijnt", I_VERB_Q },
	{ "vertellen", I_FRAME },
	{ "waar", I_SUB_HOW },
	{ "waarom", I_SUB_WH },
	{ "waarover", I_SUB_WH },
	{ "wanneer", I_SUB_WH },
	{ "wat", I_SUB_WH },
	{ "way", I_OPEN },
	{ "we", I_PERSON },
	{ "welk", I_SUB_WH },
	{ "welke", I_SUB_WH },
	{ "weet", I_FRAME },
	{ "weten", I_FRAME },
	{ "what", I_SUB_WH },
	{ "when", I_SUB_WH },
	{ "where", I_SUB_HOW },
	{ "whether", I_SUB_YN },
	{ "which", I_SUB_WH },
	{ "who", I_SUB_WH },
	{ "why", I_SUB_WH },
	{ "wie", I_SUB_WH },
	{ "wij", I_PERSON },
	{ "will", I_VERB_Q },
	{ "wonder", I_FRAME },
	{ "wondering", I_FRAME },
	{ "worden", I_VERB_Q },
	{ "wordt", I_VERB_Q },
	{ "you", I_PERSON },
	{ "zijn", I_VERB_Q },
	{ "zit", I_VERB_Q },
	{ "zitten", I_VERB_Q },
};

/* Both word classes of a word, looked up with one hash lookup per token
 * (make bench): word -> index + 1 into word_info. */
typedef struct {
	guint32 cls;
	guint16 icls;
} WordInfo;

static GHashTable *word_table;
static WordInfo *word_info;

static void
init_word_table(void)
{
	static gsize once;
	if (g_once_init_enter(&once)) {
		GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);
		WordInfo *info = g_new0(WordInfo, G_N_ELEMENTS(word_classes) +
					G_N_ELEMENTS(inquiry_classes));
		guint next = 0;
		for (guint i = 0; i < G_N_ELEMENTS(word_classes) + G_N_ELEMENTS(inquiry_classes); i++) {
			gboolean first = i < G_N_ELEMENTS(word_classes);
			const char *w = first ? word_classes[i].word :
				       inquiry_classes[i - G_N_ELEMENTS(word_classes)].word;
			guint idx = GPOINTER_TO_UINT(g_hash_table_lookup(h, w));
			if (!idx) {
				idx = ++next;
				g_hash_table_insert(h, (gpointer)w, GUINT_TO_POINTER(idx));
			}
			if (first)
				info[idx - 1].cls |= word_classes[i].cats;
			else
				info[idx - 1].icls |= inquiry_classes[i - G_N_ELEMENTS(word_classes)].cats;
		}
		word_info = info;
		word_table = h;
		g_once_init_leave(&once, 1);
	}
}

static gboolean
ihas(const Ctx *c, guint i, guint16 cls)
{
	return i < c->t->len && (c->icls[i] & cls) != 0;
}

/* The clause around token i: [*cs, *ce) within the sentence [s, e). */
static void
clause_of(const Ctx *c, guint s, guint e, guint i, guint *cs, guint *ce)
{
	guint a = i, b = i + 1;
	while (a > s && !(tok(c, a)->flags & SLT_TOK_CLAUSE))
		a--;
	while (b < e && !(tok(c, b)->flags & SLT_TOK_CLAUSE))
		b++;
	*cs = a;
	*ce = b;
}

/* Does [from, to) still ask to receive: a request word and a person who
 * would send or get it ("of jullie ons de pakketten kunnen sturen", "hoe
 * kan ik ze ontvangen")? */
static gboolean
asks_within(const Ctx *c, guint from, guint to)
{
	gboolean cue = FALSE, person = FALSE;
	for (guint k = from; k < to; k++) {
		if (cue_at(c, k) == CUE_STRONG)
			cue = TRUE;
		if (ihas(c, k, I_PERSON))
			person = TRUE;
	}
	return cue && person;
}

/* Mark in inq (one byte per token of the sentence [s, e)) the tokens that
 * ask about something rather than for it: their request words and
 * package names do not count. Sets c->inquiry_seen for the sender's own
 * text, also for a question without '?' ("wanneer komen ze uit"), which
 * keeps a subject's package name from standing in for a request. */
static void
inquiry_mask(Ctx *c, guint s, guint e, guint8 *inq)
{
	gboolean question = (tok(c, s)->flags & SLT_TOK_QUESTION) != 0;
	gboolean own = tok(c, s)->zone != SLT_ZONE_FORWARDED;
	/* Indirect questions: "(ik wil graag) weten of/wanneer ...", "ben
	 * benieuwd hoe ...", "vraag me af of ...", "let me know when ...". */
	for (guint f = s; f < e; f++) {
		if (!ihas(c, f, I_FRAME))
			continue;
		if (weq(word(c, f), "af")) {
			gboolean vr = FALSE;
			for (guint b = f >= s + 3 ? f - 3 : s; b < f; b++)
				if (wpre(word(c, b), "vr"))
					vr = TRUE;
			if (!vr)
				continue;
		}
		guint sub = G_MAXUINT;
		for (guint j = f + 1; j < e && j <= f + 3; j++)
			if (ihas(c, j, I_SUB_YN | I_SUB_WH | I_SUB_HOW) &&
			    /* English "of" is no "whether": "we would like to ask
			     * one of your advisors to ..." */
			    !(weq(word(c, j), "of") && tok(c, j)->lang == SLT_LANG_EN)) {
				sub = j;
				break;
			}
		if (sub == G_MAXUINT)
			continue;
		guint cs, ce;
		clause_of(c, s, e, sub, &cs, &ce);
		/* "of jullie ons de pakketten kunnen sturen", "hoe ik ze kan
		 * aanvragen": a polite request, not a question about them */
		if (!ihas(c, sub, I_SUB_WH) && asks_within(c, sub + 1, ce))
			continue;
		/* "benieuwd of jullie met ons willen sparren": a person and a
		 * modal after "of" ask politely for something other than a
		 * package (classify.c lets a session request there count) */
		gboolean person = FALSE, modal = FALSE;
		for (guint k = sub + 1; k < ce; k++) {
			if (ihas(c, k, I_PERSON))
				person = TRUE;
			if (has(c, k, W_MODAL) || ihas(c, k, I_OPEN))
				modal = TRUE;
		}
		guint8 kind = !ihas(c, sub, I_SUB_WH) && person && modal ? SLT_INQ_POLITE :
			      SLT_INQ_INDIRECT;
		/* back to the frame's own thought: not "graag ontvang ik ze en
		 * ik ben benieuwd wanneer de andere komen" */
		guint from = f;
		while (from > s && !(tok(c, from)->flags & SLT_TOK_CLAUSE) &&
		       !ihas(c, from - 1, I_COORD))
			from--;
		for (guint k = from; k < ce; k++)
			inq[k - s] = kind;
		if (own)
			c->inquiry_seen = TRUE;
	}
	/* Direct questions, clause by clause: "wanneer komen ze uit?", "gaan
	 * de werkpakketten ook over jeugd?", "do the packages cover ...?";
	 * not "kunnen jullie ze sturen?", "is het mogelijk ze te sturen?",
	 * "hoe kan ik ze ontvangen?". A clause that opens so without '?' is
	 * often a condition ("wanneer ze klaar zijn graag toesturen"): it
	 * only counts as seen. */
	guint8 prev_about = 0;
	for (guint cs = s; cs < e;) {
		guint ce = cs + 1;
		while (ce < e && !(tok(c, ce)->flags & SLT_TOK_CLAUSE))
			ce++;
		guint w0 = cs;
		/* "..., of krijgen we die automatisch?": the other half of a
		 * question about them asks about them too */
		gboolean alternative = weq(word(c, cs), "of") || weq(word(c, cs), "or");
		/* "..., en zit er ...?", "Of is daar toestemming voor nodig?" (t0226) */
		if ((ihas(c, w0, I_COORD) || weq(word(c, w0), "of") ||
		     weq(word(c, w0), "or")) && w0 + 1 < ce)
			w0++;
		guint8 about = 0;
		/* "wanneer kunnen we een gesprek plannen?": a person and a modal
		 * ask for something, if not for a package */
		gboolean person = FALSE, modal = FALSE;
		for (guint k = w0 + 1; k < ce; k++) {
			if (ihas(c, k, I_PERSON))
				person = TRUE;
			if (has(c, k, W_MODAL) || ihas(c, k, I_OPEN))
				modal = TRUE;
		}
		guint8 wh = person && modal ? SLT_INQ_POLITE : SLT_INQ_WH;
		if (ihas(c, w0, I_SUB_WH))
			about = wh;
		else if (ihas(c, w0, I_SUB_HOW))
			about = asks_within(c, w0 + 1, ce) ? 0 : wh;
		else if (ihas(c, w0, I_VERB_Q) && !ihas(c, w0 + 1, I_PERSON)) {
			about = SLT_INQ_YESNO;
			for (guint k = w0 + 1; k < ce; k++)
				if (ihas(c, k, I_OPEN))
					about = 0;
		} else if (ihas(c, w0, I_PERMIT) && !ihas(c, w0 + 1, I_PERSON) &&
			   !asks_within(c, w0 + 1, ce))
			/* "mogen de werkpakketten gedeeld worden met ...?": asks
			 * what is allowed; "mag ik ze ontvangen?" is cue_at's */
			about = SLT_INQ_YESNO;
		/* "of moet elke gemeente ze zelf aanvragen?", "moeten wij ze
		 * apart aanvragen?", "do we have to request them?", "are we
		 * allowed to share them?": a question about what is required
		 * or allowed asks how it works, not for the PDFs; staff answer
		 * it (a wrong request mails every PDF) */
		if (!about && question && alternative && prev_about != 0 &&
		    prev_about != SLT_INQ_POLITE) {
			/* not "..., of kunnen jullie ze ons sturen?": that asks */
			gboolean modal_you = FALSE, you = FALSE;
			for (guint k = w0; k < ce; k++) {
				const char *x = word(c, k);
				if (has(c, k, W_MODAL))
					modal_you = TRUE;
				if (weq(x, "jullie") || weq(x, "u") ||
				    weq(x, "you") || weq(x, "je"))
					you = TRUE;
			}
			if (!(modal_you && you))
				about = prev_about;
		}
		if (!about && question) {
			for (guint k = cs; k < ce && !about; k++)
				if (ihas(c, k, I_MUST) ||
				    ((weq(word(c, k), "have") || weq(word(c, k), "has") ||
				      weq(word(c, k), "need") || weq(word(c, k), "needs")) &&
				     weq(word(c, k + 1), "to")))
					about = SLT_INQ_YESNO;
		}
		if (about) {
			if (question)
				for (guint k = cs; k < ce; k++)
					if (!inq[k - s])
						inq[k - s] = about;
			if (own && tok(c, cs)->zone != SLT_ZONE_SUBJECT)
				c->inquiry_seen = TRUE;
		}
		prev_about = about;
		cs = ce;
	}
}

/* Does a name at token i stand in "niet alleen X (en Z) maar ook Y" or
 * "not only X but also Y", the sentence starting at s: right after "niet
 * alleen"/"not only", or after "maar (ook)"/"but (also)" with such a "niet
 * alleen" before it? */
static guint
clause_start(const Ctx *c, guint s, guint i)
{
	while (i > s && !(tok(c, i)->flags & SLT_TOK_CLAUSE))
		i--;
	return i;
}

static gboolean
not_only_at(const Ctx *c, guint s, guint i, guint *neg)
{
	static const char *const only[] = { "alleen", "only", "just", "enkel", NULL };
	static const char *const but[] = { "maar", "but", NULL };
	static const char *const also[] = { "ook", "also", "eveneens", NULL };
	guint j = i;
	/* back over a list: "niet alleen Visie en Goed bestuur" */
	for (int guard = 0; guard < 5 && j > s && has(c, j - 1, W_AND); guard++) {
		guint k = j >= s + 4 ? j - 4 : s, len;
		for (; k + 1 < j; k++)
			if (name_at(c, k, &len) >= 0 && k + len == j - 1)
				break;
		if (k + 1 >= j)
			break;
		j = k;
	}
	if (j > s && word_in(word(c, j - 1), fill_article))
		j--;
	if (j < s + 2)
		return FALSE;
	const char *w1 = word(c, j - 1), *w2 = word(c, j - 2);
	if (word_in(w1, only) && (tok(c, j - 2)->flags & SLT_TOK_NEGATOR)) {
		*neg = j - 2;
		return TRUE;
	}
	if (!word_in(w1, but) && !(word_in(w1, also) && word_in(w2, but)))
		return FALSE;
	/* within reach of the "maar": bounded, as hostile text is one long
	 * sentence of names */
	for (guint k = j > s + 2 * NEAR ? j - 2 * NEAR : s; k + 1 < j; k++)
		if ((tok(c, k)->flags & SLT_TOK_NEGATOR) && word_in(word(c, k + 1), only)) {
			*neg = k;
			return TRUE;
		}
	return FALSE;
}

/* Sentence [s, e): requests and "already have" statements in it. */
static void
do_sentence(Ctx *c, guint s, guint e)
{
	gboolean from_ps = tok(c, s)->zone == SLT_ZONE_PS;
	/* clauses by comma: have-statements are clause-bound */
	guint cl_start = s;
	guint8 *have_clause = g_new0(guint8, e - s);
	for (guint i = s; i <= e; i++) {
		if (i == e || (i > s && (tok(c, i)->flags & SLT_TOK_CLAUSE))) {
			if (have_in_clause(c, cl_start, i))
				for (guint k = cl_start; k < i; k++)
					have_clause[k - s] = 1;
			cl_start = i;
		}
	}
	/* Clauses with a negation ask for nothing: "de andere pakketten
	 * hoeven nog niet" (t0116); "niet alleen ... maar ook" does ask. */
	guint8 *neg_clause = g_new0(guint8, e - s);
	guint8 *cont_clause = g_new0(guint8, e - s);
	/* "Alle werkpakketten aanvragen - intrekken" (t0366): a withdrawal
	 * anywhere in the sentence */
	gboolean cancel = FALSE;
	for (guint k = s; k < e; k++)
		if (has(c, k, W_CANCEL))
			cancel = TRUE;
	cl_start = s;
	for (guint i = s; i <= e; i++) {
		if (i == e || (i > s && (tok(c, i)->flags & SLT_TOK_CLAUSE))) {
			/* "niet alleen ... maar ook" asks, but not "Visie niet,
			 * alleen Kwaliteit": the "alleen" opens the next clause.
			 * A contrast ends the refusal: "niet Visie maar Kwaliteit". */
			gboolean neg = cancel, negator = FALSE;
			guint contrast = i;
			for (guint k = cl_start; k < i; k++) {
				if ((tok(c, k)->flags & SLT_TOK_NEGATOR) &&
				    !(has(c, k + 1, W_ONLY) && k + 1 < i)) {
					neg = negator = TRUE;
					contrast = i;
				} else if (negator && contrast == i &&
					   (weq(word(c, k), "maar") ||
					    weq(word(c, k), "but")))
					contrast = k;
			}
			for (guint k = cl_start; k < i; k++)
				neg_clause[k - s] = neg && !(k >= contrast && !cancel);
			/* "..., en daarnaast het werkpakket X" continues a request
			 * made earlier in the sentence (t0361) */
			gboolean cont = cl_start > s &&
				has(c, cl_start, W_AND_ALSO);
			for (guint k = cl_start; k < i; k++)
				cont_clause[k - s] = cont;
			cl_start = i;
		}
	}
	gboolean thanks = thanks_for(c, s, e);
	guint8 *inq = g_new0(guint8, e - s);
	inquiry_mask(c, s, e, inq);
	if (!c->fwd_requests)
		memcpy(c->out->inquiry + s, inq, e - s);
	/* A clause that asks for something else and names no package asks
	 * for no package: its cues go, as in an inquiry. */
	cl_start = s;
	for (guint i = s; i <= e; i++) {
		if (i == e || (i > s && (tok(c, i)->flags & SLT_TOK_CLAUSE))) {
			gboolean other = FALSE, named = FALSE;
			for (guint k = cl_start; k < i; k++) {
				if (other_object(word(c, k)))
					other = TRUE;
				if (has(c, k, W_PKG) || c->compound[k] >= 0)
					named = TRUE;
			}
			if (other && !named)
				for (guint k = cl_start; k < i; k++)
					if (!inq[k - s])
						inq[k - s] = SLT_INQ_OTHER;
			cl_start = i;
		}
	}
	/* cues */
	guint cues[64], weak[64];
	guint ncue = 0, nweak = 0;
	for (guint i = s; i < e; i++) {
		if (have_clause[i - s] || inq[i - s])
			continue;
		CueKind k = cue_at(c, i);
		if (k == CUE_NONE || (tok(c, i)->flags & SLT_TOK_NEGATED))
			continue;
		if (k == CUE_STRONG && ncue < G_N_ELEMENTS(cues))
			cues[ncue++] = i;
		else if (k == CUE_WEAK && nweak < G_N_ELEMENTS(weak))
			weak[nweak++] = i;
	}
	/* Contrast after a refusal: "wij hoeven geen sparringsessie, alleen de
	 * werkpakketten", "geen gesprek, wel het pakket Visie", "no call, only
	 * the quality package": the clause that opens with it asks. */
	gboolean refused = FALSE;
	for (guint i = s; i < e; i++) {
		/* "geen gesprek maar wel het pakket": "maar" opens it too */
		gboolean opens = i > s && ((tok(c, i)->flags & SLT_TOK_CLAUSE) ||
					   (refused && (weq(word(c, i), "maar") ||
							weq(word(c, i), "but"))));
		if (opens && refused && !have_clause[i - s] && !neg_clause[i - s] && !inq[i - s] &&
		    nweak < G_N_ELEMENTS(weak)) {
			guint k = i;
			if (weq(word(c, k), "maar") || weq(word(c, k), "but"))
				k++;
			/* not "..., alleen het pakket Visie hebben we" */
			gboolean having = FALSE;
			for (guint j = i; j < e && (j == i || !(tok(c, j)->flags & SLT_TOK_CLAUSE)); j++)
				if (has(c, j, W_HAVE | W_GOT))
					having = TRUE;
			/* and a package right after it: not "geen sessie, maar wel
			 * een vraag: hoe verhouden de pakketten zich ..." */
			gboolean pkg_next = FALSE;
			for (guint j = k + 1; j < e && j <= k + 4 && !pkg_next; j++) {
				guint len;
				if (tok(c, j)->flags & SLT_TOK_CLAUSE)
					break;
				if (has(c, j, W_PKG) || c->compound[j] >= 0 || name_at(c, j, &len) >= 0)
					pkg_next = TRUE;
			}
			if (k < e && !having && pkg_next &&
			    (has(c, k, W_ONLY) || weq(word(c, k), "wel") ||
			     weq(word(c, k), "just")))
				weak[nweak++] = k;
		}
		if (tok(c, i)->flags & SLT_TOK_NEGATOR)
			refused = TRUE;
	}
	/* A one-line subject or note with a name and nothing else asks for it
	 * (c0002 t0002: subject "werkpakket visie graag", body "Groet, Jan"). */
	gboolean near_all = FALSE;
	if (tok(c, s)->zone == SLT_ZONE_SUBJECT && ncue + nweak > 0)
		near_all = TRUE;
	if (thanks)
		ncue = nweak = 0;

	/* "Visie hebben we al": in a have-clause a bare name is the package. */
	for (guint i = s; i < e; i++) {
		guint len;
		int p;
		if (have_clause[i - s] && !c->consumed[i] && (p = name_at(c, i, &len)) >= 0) {
			mark_have(c, p);
			c->pkg_context = TRUE;
			for (guint z = i; z < i + len && z < e; z++)
				c->consumed[z] = 1;
		}
	}
	for (guint k = 0; k < c->mentions->len; k++) {
		const Mention *m = &g_array_index(c->mentions, Mention, k);
		if (m->pos < s || m->pos >= e)
			continue;
		if (have_clause[m->pos - s] || thanks) {
			int ante[ANTE_MAX];
			guint na = 0;
			if (m->pkg < 5)
				mark_have(c, m->pkg);
			else if (m->pkg == P_ANAPH || m->pkg == P_GENERIC_PL)
				for (na = antecedents(c, m->pos, ante); na; na--)
					mark_have(c, ante[na - 1]);
			continue;
		}
	}
	if (ncue + nweak == 0) {
		g_free(have_clause);
		g_free(neg_clause);
		g_free(cont_clause);
		g_free(inq);
		return;
	}
	guint first_cue = G_MAXUINT;
	for (guint q = 0; q < ncue; q++)
		first_cue = MIN(first_cue, cues[q]);
	for (guint q = 0; q < nweak; q++)
		first_cue = MIN(first_cue, weak[q]);
	/* Which tokens of the sentence are close enough to a cue. */
	for (guint i = s; i < e; i++) {
		if (have_clause[i - s] || neg_clause[i - s] || inq[i - s])
			continue;
		gboolean close = near_all || (cont_clause[i - s] && first_cue < i);
		for (guint q = 0; q < ncue && !close; q++)
			if ((i > cues[q] ? i - cues[q] : cues[q] - i) <= NEAR)
				close = TRUE;
		for (guint q = 0; q < nweak && !close; q++)
			if ((i > weak[q] ? i - weak[q] : weak[q] - i) <= NEAR_WEAK)
				close = TRUE;
		if (!close)
			continue;
		/* a mention starting here */
		for (guint k = 0; k < c->mentions->len; k++) {
			const Mention *m = &g_array_index(c->mentions, Mention, k);
			if (m->pos != i)
				continue;
			if (m->pkg < 5) {
				want(c, m->pkg, from_ps);
				c->out->explicit_ = TRUE;
				note_why(c, "pakket gevraagd: %s", slt_package_ids[m->pkg]);
			} else if (m->pkg == P_ALLE) {
				c->alle = TRUE;
				c->out->explicit_ = TRUE;
				if (!from_ps)
					c->out->ps_only = FALSE;
				note_why(c, "pakketten gevraagd: alle");
			} else if (m->pkg == P_OTHERS) {
				c->others = TRUE;
				if (!from_ps)
					c->out->ps_only = FALSE;
			} else {
				int ante[ANTE_MAX];
				guint na = antecedents(c, i, ante);
				if (na == 0 && m->pkg == P_GENERIC_PL) {
					/* "verzoek om toezending van de werkpakketten" (c0067);
					 * decided at the end: a subject "Werkpakketten" over a
					 * body that names two is not all five (t0043). */
					c->generic_alle = TRUE;
					if (!from_ps)
						c->out->ps_only = FALSE;
				}
				for (guint a = 0; a < na; a++) {
					want(c, ante[a], from_ps);
					note_why(c, "'%s' verwijst naar %s", word(c, i),
						 slt_package_ids[ante[a]]);
				}
				if (na == 0 && m->pkg == P_ANAPH)
					c->out->unresolved = TRUE;
			}
		}
		/* a pronoun pointing back: "mag ik 'm ontvangen?" (c0057) */
		if (!c->consumed[i] && is_pronoun_at(c, i)) {
			/* a strong request close by, or "graag" right beside it in a
			 * short sentence: not "een aanpak die we graag delen" (t0280) */
			gboolean cue_near = FALSE;
			for (guint q = 0; q < ncue; q++)
				if ((i > cues[q] ? i - cues[q] : cues[q] - i) <= 6)
					cue_near = TRUE;
			for (guint q = 0; q < nweak; q++)
				if ((i > weak[q] ? i - weak[q] : weak[q] - i) <= 2 && e - s <= 8)
					cue_near = TRUE;
			if (!cue_near)
				continue;
			int ante[ANTE_MAX];
			guint na = antecedents(c, i, ante);
			for (guint a = 0; a < na; a++) {
				want(c, ante[a], from_ps);
				note_why(c, "'%s' verwijst naar %s", word(c, i), slt_package_ids[ante[a]]);
			}
			if (na == 0 && generic_antecedent(c, i))
				c->generic_alle = TRUE;
		}
	}
	/* A bare name right beside a request ("nu graag kwaliteit en inkoop",
	 * t0422; "nogmaals inkoop", t0316), or written as a name ("ook
	 * Kwaliteit en Netwerksamenwerking ontvangen", t0116). "Graag niet
	 * alleen Visie maar ook Kwaliteit": both halves of "niet alleen X maar
	 * ook Y" belong to the request that holds them, however far from it,
	 * and mark names even without a package word nearby when written as
	 * names. */
	for (guint i = s; i < e; i++) {
		guint len;
		int p;
		if (c->consumed[i] || have_clause[i - s] || neg_clause[i - s] || inq[i - s] ||
		    (p = name_at(c, i, &len)) < 0)
			continue;
		/* the request in the clause of either half: not "niet
		 * alleen visie maar ook kwaliteit is belangrijk, graag
		 * een gesprek" */
		guint negp = 0;
		gboolean both = not_only_at(c, s, i, &negp);
		if (!c->pkg_context && !(both && (tok(c, i)->flags & SLT_TOK_CAPITAL)))
			continue;
		gboolean near = FALSE;
		if (both) {
			/* from the clause of "niet alleen" to the end of the
			 * clause of its "maar ook" */
			guint from = clause_start(c, s, negp), to = negp + 1;
			while (to < e && to <= negp + NEAR &&
			       !weq(word(c, to), "maar") && !weq(word(c, to), "but"))
				to++;
			if (to >= e || to > negp + NEAR)
				to = negp + 1;
			guint stop = to + NEAR;
			for (to++; to < e && to < stop && !(tok(c, to)->flags & SLT_TOK_CLAUSE); to++)
				;
			for (guint q = 0; q < ncue + nweak && !near; q++) {
				guint cue = q < ncue ? cues[q] : weak[q - ncue];
				near = cue >= from && cue < to;
			}
		}
		for (guint q = 0; q < ncue + nweak && !near; q++) {
			guint cue = q < ncue ? cues[q] : weak[q - ncue];
			guint d = i > cue ? i - cue : cue - i;
			if (d <= 2)
				near = TRUE;
			else if (q < ncue && d <= NEAR && (tok(c, i)->flags & SLT_TOK_CAPITAL) &&
				 !(tok(c, i)->flags & SLT_TOK_SENT))
				near = TRUE;
		}
		/* "Kwaliteit en Netwerksamenwerking": a list keeps going */
		if (!near && i >= 2 && c->req[0] + c->req[1] + c->req[2] + c->req[3] + c->req[4] &&
		    has(c, i - 1, W_AND)) {
			guint l2;
			int p2 = name_at(c, i - 2, &l2);
			near = p2 >= 0 && c->req[p2] && i - 2 + l2 == i - 1;
		}
		if (!near)
			continue;
		want(c, p, from_ps);
		c->out->explicit_ = TRUE;
		note_why(c, "pakket gevraagd: %s", slt_package_ids[p]);
		for (guint z = i; z < i + len && z < e; z++)
			c->consumed[z] = 1;
		i += len - 1;
	}
	/* Short clauses around a request: "Kwaliteit graag." (t0185) names a
	 * package bare; "Graag ontvangen." (t0100), "Zo ja graag sturen"
	 * (t0211) point back without a word for it. */
	for (guint q = 0; q < ncue + nweak; q++) {
		guint cue = q < ncue ? cues[q] : weak[q - ncue];
		guint cs = cue, ce = cue + 1;
		while (cs > s && !(tok(c, cs)->flags & SLT_TOK_CLAUSE))
			cs--;
		while (ce < e && !(tok(c, ce)->flags & SLT_TOK_CLAUSE))
			ce++;
		if (ce - cs > 5 || session_in(c, cs, ce))
			continue;
		gboolean named = FALSE;
		for (guint k = 0; k < c->mentions->len; k++) {
			const Mention *m = &g_array_index(c->mentions, Mention, k);
			if (m->pos >= cs && m->pos < ce)
				named = TRUE;
		}
		for (guint i = cs; i < ce; i++) {
			guint len;
			int p;
			if (c->consumed[i] || have_clause[i - s] || inq[i - s])
				continue;
			if (is_pronoun_at(c, i))
				named = TRUE;  /* handled above */
			if (c->pkg_context && (p = name_at(c, i, &len)) >= 0) {
				want(c, p, from_ps);
				note_why(c, "pakket gevraagd: %s", slt_package_ids[p]);
				c->out->explicit_ = TRUE;
				named = TRUE;
				i += len - 1;
			}
		}
		if (named || neg_clause[cs - s] || have_clause[cs - s])
			continue;
		int ante[ANTE_MAX];
		guint na = antecedents(c, cs, ante);
		for (guint a = 0; a < na; a++) {
			want(c, ante[a], from_ps);
			note_why(c, "korte vraag verwijst naar %s", slt_package_ids[ante[a]]);
		}
		if (na == 0 && generic_antecedent(c, cs))
			c->generic_alle = TRUE;
	}
	g_free(have_clause);
	g_free(neg_clause);
	g_free(cont_clause);
	g_free(inq);
}

void
slt_packages_init(SltPackages *p)
{
	p->requested = g_ptr_array_new();
	p->have = g_ptr_array_new();
	p->why = g_ptr_array_new_with_free_func(g_free);
	p->mentioned = FALSE;
	p->ps_only = FALSE;
	p->explicit_ = FALSE;
	p->unresolved = FALSE;
	p->asked_about = FALSE;
	p->inquiry = NULL;
}

void
slt_packages_clear(SltPackages *p)
{
	if (p->requested)
		g_ptr_array_free(p->requested, TRUE);
	if (p->have)
		g_ptr_array_free(p->have, TRUE);
	if (p->why)
		g_ptr_array_free(p->why, TRUE);
	g_free(p->inquiry);
	memset(p, 0, sizeof(*p));
}

void
slt_packages_find(const SltDoc *doc, SltPackages *out)
{
	Ctx c = { 0 };
	c.doc = doc;
	c.t = doc->tokens;
	c.out = out;
	g_free(out->inquiry);
	out->inquiry = g_new0(guint8, doc->tokens->len + 1);
	c.mentions = g_array_new(FALSE, FALSE, sizeof(Mention));
	c.consumed = g_new0(guint8, doc->tokens->len + 1);
	init_word_table();
	c.cls = g_new(guint32, doc->tokens->len + 1);
	c.icls = g_new(guint16, doc->tokens->len + 1);
	c.compound = g_new(gint8, doc->tokens->len + 1);
	c.fixed = g_new0(const char *, doc->tokens->len + 1);
	for (guint i = 0; i < doc->tokens->len; i++) {
		const char *w = g_array_index(doc->tokens, SltToken, i).word;
		guint idx = GPOINTER_TO_UINT(g_hash_table_lookup(word_table, w));
		/* a word the tables know is no typo ("kwaliteit", "samen"); the
		 * typo targets are in no table */
		if (!idx && (c.fixed[i] = typo_of(w)))
			w = c.fixed[i];
		c.cls[i] = idx ? word_info[idx - 1].cls : 0;
		c.icls[i] = idx ? word_info[idx - 1].icls : 0;
		if (is_pkg_word(w))
			c.cls[i] |= W_PKG;
		c.compound[i] = (gint8)compound_pkg(w);
	}
	c.subject_usable = !doc->reply;
	guint subject_words = 0;
	for (guint i = 0; i < doc->tokens->len; i++) {
		const SltToken *t = &g_array_index(doc->tokens, SltToken, i);
		if (t->zone == SLT_ZONE_SUBJECT &&
		    !(t->flags & (SLT_TOK_STOP | SLT_TOK_NUMBER | SLT_TOK_URL)))
			subject_words++;
	}
	c.short_subject = subject_words <= 2;
	out->ps_only = TRUE;
	find_mentions(&c);
	find_exclusions(&c);
	g_array_sort(c.mentions, cmp_mention);
	out->mentioned = c.mentions->len > 0;

	/* sentence by sentence, in order */
	guint n = c.t->len;
	guint s = 0;
	gboolean any_new_words = doc->new_words > 3;
	while (s < n) {
		guint e = s;
		while (e < n && tok(&c, e)->sentence == tok(&c, s)->sentence)
			e++;
		if (sentence_usable(&c, s, FALSE))
			do_sentence(&c, s, e);
		s = e;
	}
	/* "zie onderstaand" over a forwarded request: the forwarder asks
	 * what the forwarded mail asks (TAXONOMY.md; t0108). */
	if (out->requested->len == 0 && !c.alle && !c.generic_alle && doc->used_forwarded) {
		c.fwd_requests = TRUE;
		for (s = 0; s < n;) {
			guint e = s;
			while (e < n && tok(&c, e)->sentence == tok(&c, s)->sentence)
				e++;
			if (tok(&c, s)->zone == SLT_ZONE_FORWARDED)
				do_sentence(&c, s, e);
			s = e;
		}
		if (out->requested->len || c.alle || c.generic_alle)
			note_why(&c, "het doorgestuurde verzoek telt");
	}
	/* Excluded names were never asked for: "de pakketten, op Visie na"
	 * is a request for the others, not for Visie. */
	remove_requested(out->requested, c.excl);
	if (c.generic_alle && !c.alle && out->requested->len == 0) {
		c.alle = TRUE;
		note_why(&c, "werkpakketten gevraagd zonder namen: alle");
	}
	/* A subject naming packages over an empty note asks for them
	 * ("Werkpakket Visie" and only a greeting below); not when the
	 * note asks for a conversation ("Graag sparren we erover"). */
	if (out->requested->len == 0 && !c.alle && c.subject_usable && !any_new_words &&
	    !c.inquiry_seen && !session_in(&c, 0, n)) {
		for (guint k = 0; k < c.mentions->len; k++) {
			const Mention *m = &g_array_index(c.mentions, Mention, k);
			if (tok(&c, m->pos)->zone != SLT_ZONE_SUBJECT)
				continue;
			if (m->pkg < 5)
				want(&c, m->pkg, FALSE);
			else if (m->pkg == P_ALLE || m->pkg == P_GENERIC_PL)
				c.alle = TRUE;
		}
		if (out->requested->len || c.alle) {
			out->ps_only = FALSE;
			note_why(&c, "onderwerp noemt het pakket, verder geen tekst");
		}
	}

	/* "de andere vier": the five minus what they have, or else minus what
	 * they named without asking for it. */
	if (c.others && !c.alle) {
		guint8 base[5] = { 0 };
		gboolean any_have = FALSE;
		for (int p = 0; p < 5; p++)
			if (c.have[p])
				any_have = TRUE;
		for (int p = 0; p < 5; p++)
			if (c.excl[p])
				any_have = TRUE;
		for (int p = 0; p < 5; p++)
			base[p] = any_have ? (c.have[p] | c.excl[p]) : 0;
		if (!any_have)
			for (guint k = 0; k < c.mentions->len; k++) {
				const Mention *m = &g_array_index(c.mentions, Mention, k);
				if (m->pkg < 5 && !c.req[m->pkg])
					base[m->pkg] = 1;
			}
		guint nb = 0;
		for (int p = 0; p < 5; p++)
			nb += base[p];
		if (nb > 0) {
			for (int p = 0; p < 5; p++)
				if (!base[p])
					want(&c, p, FALSE);
			note_why(&c, "'de andere' opgelost tegen wat ze al hebben");
		}
	}
	/* Packages they have never count as asked for. */
	if (out->have->len) {
		note_why(&c, "al in bezit: %s", (char *)out->have->pdata[0]);
		drop_packages(&c, c.have);
	}
	/* Packages excluded by contrast never count: "alles behalve Visie" is
	 * the other four (and "alle" taken apart above lost them here). */
	if (c.excl[0] + c.excl[1] + c.excl[2] + c.excl[3] + c.excl[4])
		drop_packages(&c, c.excl);
	if (c.alle || out->requested->len == 5) {
		g_ptr_array_set_size(out->requested, 0);
		g_ptr_array_add(out->requested, (gpointer)"alle");
	}
	if (out->requested->len == 0)
		out->ps_only = FALSE;
	if (out->requested->len == 0 && out->mentioned && c.inquiry_seen) {
		out->asked_about = TRUE;
		note_why(&c, "vraagt naar de pakketten, niet om de pakketten");
	}
	g_array_free(c.mentions, TRUE);
	g_free(c.consumed);
	g_free(c.cls);
	g_free(c.icls);
	g_free(c.compound);
	g_free(c.fixed);
}
