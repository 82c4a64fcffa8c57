/* SPDX-License-Identifier: MIT */
/* org: the sender's organisation from the signature, the display name
 * and the domain (TAXONOMY.md "org"; data/gemeenten.tsv and its README
 * for the municipalities, their domains and aliases). */
#include "org.h"

#include <string.h>

G_DEFINE_QUARK(slt-org-error-quark, slt_org_error)

typedef struct {
	char *code;
	char *name;
	char *domain;
} Gemeente;

struct _SltOrgDirectory {
	GPtrArray *rows;        /* Gemeente* */
	GHashTable *by_name;    /* folded name or alias -> GArray of guint row */
	GHashTable *by_domain;  /* domain -> GUINT_TO_POINTER(row + 1) */
	GHashTable *learned;    /* domain -> "team:..." / "overig:..." */
	GHashTable *pinned;     /* domains staff set (sltctl orgs): never relearned */
	/* learned grows while other threads classify (slt_org_detect on a
	 * worker, slt_org_directory_learn on the thread that records). */
	GRWLock learned_lock;
};

/* Domains gemeenten.README.md names besides the main one (mail and web
 * domains that differ, and Hoeksche Waard's 2019 domain). */
static const struct {
	const char *code;
	const char *domain;
} extra_domains[] = {
	{ "GM0394", "haarlemmermeergemeente.nl" },
	{ "GM0531", "hendrik-ido-ambacht.nl" },
	{ "GM0935", "gemeentemaastricht.nl" },
	{ "GM1900", "gemeentesudwestfryslan.nl" },
	{ "GM1916", "lv.nl" },
	{ "GM1982", "gemeentelandvancuijk.nl" },
	{ "GM1963", "hoekschewaard.nl" },
};

/* ---- folding ------------------------------------------------------------- */

static gboolean
is_apostrophe(gunichar u)
{
	return u == '\'' || u == 0x2019 || u == 0x2018 || u == '`' || u == 0xB4 || u == 0x2032;
}

char *
slt_org_fold(const char *s)
{
	GString *out = g_string_sized_new(s ? strlen(s) : 0);
	gboolean space = FALSE;
	for (const char *p = s; p && *p; p = g_utf8_next_char(p)) {
		gunichar u = g_utf8_get_char_validated(p, -1);
		if (u == (gunichar)-1 || u == (gunichar)-2)
			break;
		if (is_apostrophe(u))
			continue;
		gunichar d[18];
		gsize n = g_unichar_fully_decompose(u, TRUE, d, G_N_ELEMENTS(d));
		for (gsize i = 0; i < n; i++) {
			if (g_unichar_ismark(d[i]))
				continue;
			gunichar l = g_unichar_tolower(d[i]);
			if (g_unichar_isalnum(l)) {
				if (space && out->len)
					g_string_append_c(out, ' ');
				space = FALSE;
				g_string_append_unichar(out, l);
			} else {
				space = TRUE;
			}
		}
	}
	return g_string_free(out, FALSE);
}

/* The fold without spaces: "B.V." -> "bv", "Jeugd-" -> "jeugd". */
static char *
fold_core(const char *s, gsize len)
{
	/* ASCII tokens (most of them): lowercase the alphanumerics. */
	gboolean ascii = TRUE;
	for (gsize i = 0; i < len && ascii; i++)
		ascii = (guchar)s[i] < 0x80;
	if (ascii) {
		char *f = g_malloc(len + 1), *w = f;
		for (gsize i = 0; i < len; i++)
			if (g_ascii_isalnum(s[i]))
				*w++ = g_ascii_tolower(s[i]);
		*w = '\0';
		return f;
	}
	g_autofree char *t = g_strndup(s, len);
	char *f = slt_org_fold(t);
	char *w = f;
	for (char *r = f; *r; r++)
		if (*r != ' ')
			*w++ = *r;
	*w = '\0';
	return f;
}

/* ---- the directory ------------------------------------------------------- */

static void
gemeente_free(gpointer p)
{
	Gemeente *g = p;
	g_free(g->code);
	g_free(g->name);
	g_free(g->domain);
	g_free(g);
}

static void
index_name(SltOrgDirectory *dir, const char *name, guint row)
{
	char *key = slt_org_fold(name);
	if (!*key) {
		g_free(key);
		return;
	}
	GArray *rows = g_hash_table_lookup(dir->by_name, key);
	if (!rows) {
		rows = g_array_new(FALSE, FALSE, sizeof(guint));
		g_hash_table_insert(dir->by_name, key, rows);
	} else {
		g_free(key);
	}
	for (guint i = 0; i < rows->len; i++)
		if (g_array_index(rows, guint, i) == row)
			return;
	g_array_append_val(rows, row);
}

static void
index_domain(SltOrgDirectory *dir, const char *domain, guint row)
{
	g_autofree char *d = g_ascii_strdown(domain, -1);
	g_strstrip(d);
	if (*d && !g_hash_table_contains(dir->by_domain, d))
		g_hash_table_insert(dir->by_domain, g_steal_pointer(&d), GUINT_TO_POINTER(row + 1));
}

SltOrgDirectory *
slt_org_directory_new(GBytes *tsv, GError **error)
{
	g_return_val_if_fail(tsv != NULL, NULL);
	gsize len;
	const char *data = g_bytes_get_data(tsv, &len);
	if (!data || !g_utf8_validate(data, len, NULL)) {
		g_set_error(error, SLT_ORG_ERROR, SLT_ORG_ERROR_PARSE,
			    "municipality list is not valid UTF-8");
		return NULL;
	}
	g_autofree char *text = g_strndup(data, len);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

	g_autoptr(SltOrgDirectory) dir = g_new0(SltOrgDirectory, 1);
	dir->rows = g_ptr_array_new_with_free_func(gemeente_free);
	dir->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					     (GDestroyNotify)g_array_unref);
	dir->by_domain = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	dir->learned = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	dir->pinned = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_rw_lock_init(&dir->learned_lock);

	for (guint ln = 0; lines[ln]; ln++) {
		char *line = lines[ln];
		gsize l = strlen(line);
		if (l && line[l - 1] == '\r')
			line[--l] = '\0';
		if (l == 0)
			continue;
		g_auto(GStrv) f = g_strsplit(line, "\t", -1);
		guint nf = g_strv_length(f);
		if (ln == 0) {
			if (nf < 4 || strcmp(f[0], "code") != 0 || strcmp(f[1], "name") != 0 ||
			    strcmp(f[3], "domain") != 0) {
				g_set_error(error, SLT_ORG_ERROR, SLT_ORG_ERROR_PARSE,
					    "line 1: expected header 'code name province domain aliases'");
				return NULL;
			}
			continue;
		}
		if (nf < 4 || !*f[0] || !*f[1]) {
			g_set_error(error, SLT_ORG_ERROR, SLT_ORG_ERROR_PARSE,
				    "line %u: expected code, name, province and domain", ln + 1);
			return NULL;
		}
		Gemeente *g = g_new0(Gemeente, 1);
		g->code = g_strdup(f[0]);
		g->name = g_strdup(f[1]);
		g->domain = g_ascii_strdown(f[3], -1);
		guint row = dir->rows->len;
		g_ptr_array_add(dir->rows, g);
		index_name(dir, g->name, row);
		/* CBS suffixes ("Bergen (NH.)"): the plain name too. */
		const char *paren = strstr(g->name, " (");
		if (paren) {
			g_autofree char *plain = g_strndup(g->name, paren - g->name);
			index_name(dir, plain, row);
		}
		if (*g->domain)
			index_domain(dir, g->domain, row);
		if (nf >= 5 && *f[4]) {
			g_auto(GStrv) aliases = g_strsplit(f[4], ",", -1);
			for (guint a = 0; aliases[a]; a++)
				index_name(dir, g_strstrip(aliases[a]), row);
		}
	}
	if (dir->rows->len == 0) {
		g_set_error(error, SLT_ORG_ERROR, SLT_ORG_ERROR_PARSE, "municipality list is empty");
		return NULL;
	}
	for (gsize i = 0; i < G_N_ELEMENTS(extra_domains); i++)
		for (guint r = 0; r < dir->rows->len; r++)
			if (strcmp(((Gemeente *)g_ptr_array_index(dir->rows, r))->code,
				   extra_domains[i].code) == 0)
				index_domain(dir, extra_domains[i].domain, r);
	return g_steal_pointer(&dir);
}

void
slt_org_directory_free(SltOrgDirectory *dir)
{
	if (!dir)
		return;
	if (dir->rows)
		g_ptr_array_unref(dir->rows);
	if (dir->by_name)
		g_hash_table_unref(dir->by_name);
	if (dir->by_domain)
		g_hash_table_unref(dir->by_domain);
	if (dir->pinned)
		g_hash_table_unref(dir->pinned);
	if (dir->learned)
		g_hash_table_unref(dir->learned);
	g_rw_lock_clear(&dir->learned_lock);
	g_free(dir);
}

guint
slt_org_directory_size(const SltOrgDirectory *dir)
{
	return dir->rows->len;
}

static const char *
domain_of(const char *addr)
{
	const char *at = addr ? strrchr(addr, '@') : NULL;
	return at && at[1] ? at + 1 : NULL;
}

/* The row whose domain is d or a parent of d (mail.zwolle.nl), or -1. */
static int
row_by_domain(const SltOrgDirectory *dir, const char *d)
{
	while (d && strchr(d, '.')) {
		gpointer v = g_hash_table_lookup(dir->by_domain, d);
		if (v)
			return (int)GPOINTER_TO_UINT(v) - 1;
		d = strchr(d, '.') + 1;
	}
	return -1;
}

char *
slt_org_municipality_by_domain(const SltOrgDirectory *dir, const char *addr)
{
	const char *d = domain_of(addr);
	if (!d)
		return NULL;
	g_autofree char *low = g_ascii_strdown(d, -1);
	int row = row_by_domain(dir, low);
	if (row < 0)
		return NULL;
	return g_strconcat("gemeente:", ((Gemeente *)g_ptr_array_index(dir->rows, row))->name, NULL);
}

char *
slt_org_canonical(const SltOrgDirectory *dir, const char *org, GError **error)
{
	if (!g_str_has_prefix(org, "gemeente:"))
		return g_strdup(org);
	const char *name = org + strlen("gemeente:");
	g_autofree char *key = slt_org_fold(name);
	GArray *rows = g_hash_table_lookup(dir->by_name, key);
	if (rows && rows->len == 1) {
		const Gemeente *g = g_ptr_array_index(dir->rows, g_array_index(rows, guint, 0));
		return g_strconcat("gemeente:", g->name, NULL);
	}
	g_autofree char *shown = g_strescape(name, NULL);
	if (!rows) {
		g_set_error(error, SLT_ORG_ERROR, SLT_ORG_ERROR_UNKNOWN,
			    "'%s' is none of the %u municipalities (gemeenten.tsv)", shown,
			    dir->rows->len);
		return NULL;
	}
	g_autoptr(GString) which = g_string_new(NULL);
	for (guint i = 0; i < rows->len; i++)
		g_string_append_printf(which, "%s'%s'", i ? ", " : "",
				       ((Gemeente *)g_ptr_array_index(dir->rows, g_array_index(rows, guint, i)))->name);
	g_set_error(error, SLT_ORG_ERROR, SLT_ORG_ERROR_UNKNOWN,
		    "'%s' names more than one municipality: %s", shown, which->str);
	return NULL;
}

/* Free-mail providers: their domains say nothing about an organisation.
 * Matched on the first label so that test domains (hotmail.example)
 * count too. */
static gboolean
is_freemail(const char *domain)
{
	static const char *const names[] = {
		"gmail", "googlemail", "hotmail", "outlook", "live", "msn", "yahoo", "icloud",
		"me", "mac", "aol", "gmx", "protonmail", "proton", "ziggo", "kpnmail", "kpnplanet",
		"planet", "xs4all", "home", "hetnet", "casema", "upcmail", "chello", "telfort",
		"online", "quicknet", "zeelandnet", "tele2", "solcon", "caiway", "kabelfoon",
		"onsbrabantnet", "mail", "email", "web", NULL,
	};
	gsize n = strcspn(domain, ".");
	for (const char *const *p = names; *p; p++)
		if (strlen(*p) == n && g_ascii_strncasecmp(domain, *p, n) == 0)
			return TRUE;
	return FALSE;
}

gboolean
slt_org_check_pair(const SltOrgDirectory *dir, const char *domain, const char *org,
		   GError **error)
{
	if (!org || !(g_str_has_prefix(org, "team:") || g_str_has_prefix(org, "overig:")) ||
	    !strchr(org, ':')[1] || !g_utf8_validate(org, -1, NULL)) {
		g_set_error(error, SLT_ORG_ERROR, SLT_ORG_ERROR_UNKNOWN,
			    "expected an organisation 'team:NAME' or 'overig:NAME', not '%s'",
			    org && g_utf8_validate(org, -1, NULL) ? org : "?");
		return FALSE;
	}
	/* A domain with no dot or with odd bytes is not a mail domain. */
	if (!domain || !strchr(domain, '.') || is_freemail(domain) ||
	    !g_str_is_ascii(domain) || strlen(domain) > 253 || strpbrk(domain, " \t\r\n@<>")) {
		g_set_error(error, SLT_ORG_ERROR, SLT_ORG_ERROR_UNKNOWN,
			    "'%s' is no domain sltd learns (free mail, or not a mail domain)",
			    domain && g_str_is_ascii(domain) ? domain : "?");
		return FALSE;
	}
	g_autofree char *low = g_ascii_strdown(domain, -1);
	int row = row_by_domain(dir, low);
	if (row >= 0) {
		g_set_error(error, SLT_ORG_ERROR, SLT_ORG_ERROR_UNKNOWN,
			    "'%s' is the domain of gemeente:%s already", low,
			    ((Gemeente *)g_ptr_array_index(dir->rows, row))->name);
		return FALSE;
	}
	return TRUE;
}

char *
slt_org_directory_learn_domain(SltOrgDirectory *dir, const char *domain, const char *org,
			       gboolean pin)
{
	g_return_val_if_fail(dir != NULL, NULL);
	if (!slt_org_check_pair(dir, domain, org, NULL))
		return NULL;
	g_autofree char *low = g_ascii_strdown(domain, -1);
	g_rw_lock_writer_lock(&dir->learned_lock);
	const char *had = g_hash_table_lookup(dir->learned, low);
	gboolean same = had && strcmp(had, org) == 0;
	gboolean held = !pin && g_hash_table_contains(dir->pinned, low);
	if (!same && !held)
		g_hash_table_replace(dir->learned, g_strdup(low), g_strdup(org));
	if (pin)
		g_hash_table_add(dir->pinned, g_strdup(low));
	g_rw_lock_writer_unlock(&dir->learned_lock);
	return same || held ? NULL : g_steal_pointer(&low);
}

void
slt_org_directory_forget_learned(SltOrgDirectory *dir)
{
	g_rw_lock_writer_lock(&dir->learned_lock);
	g_hash_table_remove_all(dir->learned);
	g_hash_table_remove_all(dir->pinned);
	g_rw_lock_writer_unlock(&dir->learned_lock);
}

char *
slt_org_directory_learn(SltOrgDirectory *dir, const SltMessage *msg, const char *org)
{
	g_return_val_if_fail(dir != NULL && msg != NULL, NULL);
	return slt_org_directory_learn_domain(dir, domain_of(msg->from_addr), org, FALSE);
}

char *
slt_org_directory_lookup_learned(const SltOrgDirectory *dir, const char *addr)
{
	g_return_val_if_fail(dir != NULL, NULL);
	const char *d = domain_of(addr);
	if (!d)
		return NULL;
	g_autofree char *low = g_ascii_strdown(d, -1);
	SltOrgDirectory *w = (SltOrgDirectory *)dir;
	g_rw_lock_reader_lock(&w->learned_lock);
	char *org = g_strdup(g_hash_table_lookup(dir->learned, low));
	g_rw_lock_reader_unlock(&w->learned_lock);
	return org;
}

/* ---- tokens -------------------------------------------------------------- */

typedef struct {
	const char *s;  /* the token as written */
	gsize len;
	char *core;     /* folded, alphanumerics only */
} Tok;

static void
tok_clear(gpointer p)
{
	g_free(((Tok *)p)->core);
}

static GArray *
tokenize(const char *line)
{
	GArray *toks = g_array_new(FALSE, FALSE, sizeof(Tok));
	g_array_set_clear_func(toks, tok_clear);
	const char *p = line;
	while (*p) {
		while (*p && ((guchar)*p <= 0x20))
			p++;
		if (!*p)
			break;
		/* U+00A0 separates too. */
		const char *q = p;
		while (*q && *q != ' ' && *q != '\t' && (guchar)*q >= 0x20 &&
		       !((guchar)q[0] == 0xc2 && (guchar)q[1] == 0xa0))
			q++;
		if (q > p) {
			Tok t = { p, (gsize)(q - p), fold_core(p, q - p) };
			g_array_append_val(toks, t);
		}
		p = q;
		if ((guchar)p[0] == 0xc2 && (guchar)p[1] == 0xa0)
			p += 2;
	}
	return toks;
}

static gboolean
word_eq(const char *a, const char *b)
{
	/* The first byte settles most: every token meets dozens of words. */
	return a[0] == b[0] && strcmp(a, b) == 0;
}

static gboolean
core_is(const Tok *t, const char *word)
{
	return word_eq(t->core, word);
}

static gboolean
in_list(const char *core, const char *const *list)
{
	for (; *list; list++)
		if (word_eq(core, *list))
			return TRUE;
	return FALSE;
}

static gboolean
is_connector(const Tok *t)
{
	static const char *const words[] = {
		"en", "in", "de", "het", "van", "voor", "der", "den", "op", "aan", "t",
		"ter", "te", "bij", "of", "the", "and", "for", "uit", NULL,
	};
	if (!*t->core)
		return t->len == 1 && (t->s[0] == '&' || t->s[0] == '+');
	/* Lowercase connectors only: "De Kempen" is a name word. */
	if (g_ascii_isupper(t->s[0]))
		return FALSE;
	return in_list(t->core, words);
}

static gboolean
is_separator(const Tok *t)
{
	if (*t->core)
		return FALSE;
	/* "|", "-", "–", "/", "•", ":" ... standing alone. */
	return !(t->len == 1 && (t->s[0] == '&' || t->s[0] == '+'));
}

/* A name word: starts (after an opening bracket or quote) with a capital
 * or a digit; "'s-Hertogenbosch" counts. */
static gboolean
is_name_word(const Tok *t)
{
	const char *p = t->s, *e = t->s + t->len;
	while (p < e && strchr("(\"[", *p))
		p++;
	if (p + 3 <= e && (p[0] == '\'' ) && p[1] == 's' && p[2] == '-')
		return TRUE;
	if (p + 5 <= e && memcmp(p, "\xe2\x80\x99s-", 5) == 0)
		return TRUE;
	if (p >= e)
		return FALSE;
	gunichar u = g_utf8_get_char_validated(p, e - p);
	if (u == (gunichar)-1 || u == (gunichar)-2)
		return FALSE;
	return g_unichar_isupper(u) || g_unichar_istitle(u) || g_unichar_isdigit(u);
}

/* A token that ends a name after it: "Zwolle,", "Nunspeet)", "X." */
static gboolean
ends_name(const Tok *t)
{
	char last = t->s[t->len - 1];
	if (strchr(",;:)]\"", last))
		return TRUE;
	/* A full stop ends a sentence, but not in "B.V." or "(O.)". */
	if (last == '.') {
		gsize dots = 0;
		for (gsize i = 0; i < t->len; i++)
			dots += t->s[i] == '.';
		return dots == 1 && t->len > 2;
	}
	return FALSE;
}

/* Take name words from toks[from]: name words and lowercase connectors,
 * up to a separator, a lowercase word or a closing mark. Returns the
 * end (exclusive) of the last name word, from when there is none. */
static guint
take_name(GArray *toks, guint from, guint max_words)
{
	guint k = from, last = from;
	while (k < toks->len && k - from < max_words) {
		const Tok *t = &g_array_index(toks, Tok, k);
		if (is_separator(t) || memchr(t->s, '@', t->len))
			break;
		if (is_connector(t)) {
			k++;
			continue;
		}
		if (!is_name_word(t))
			break;
		k++;
		last = k;
		if (ends_name(t))
			break;
	}
	return last;
}

/* The tokens [from, to) as written, joined by spaces, without opening
 * brackets before the first or closing punctuation after the last. */
static void
append_span(GString *out, GArray *toks, guint from, guint to)
{
	for (guint k = from; k < to; k++) {
		const Tok *t = &g_array_index(toks, Tok, k);
		const char *s = t->s, *e = t->s + t->len;
		if (k == from)
			while (s < e && strchr("(\"[", *s))
				s++;
		if (k + 1 == to) {
			while (e > s && strchr(",;:)]\"", e[-1]))
				e--;
			if (e > s && e[-1] == '.') {
				gsize dots = 0;
				for (const char *p = s; p < e; p++)
					dots += *p == '.';
				if (dots == 1)
					e--;
			}
		}
		if (out->len && out->str[out->len - 1] != ' ')
			g_string_append_c(out, ' ');
		g_string_append_len(out, s, e - s);
	}
}

/* ---- candidates ---------------------------------------------------------- */

typedef enum {
	C_TEAM_WEAK = 1,   /* "Wijkteam West": a sub-team, not the organisation */
	C_OVERIG,
	C_GEMEENTE,
	C_GEMEENTE_R1,     /* "in opdracht van gemeente X" */
	C_TEAM_BARE,       /* "Wijkteam Lombok", "sociaal team Nunspeet" */
	C_TEAM,            /* "Stichting ...", "Jeugd & Gezin Maasland", "Wijkteams X" */
} Rank;

typedef struct {
	Rank rank;
	char *label;
	char *line;
} Cand;

static void
cand_clear(gpointer p)
{
	Cand *c = p;
	g_free(c->label);
	g_free(c->line);
}

static void
add_cand(GArray *cands, Rank rank, char *label, const char *line)
{
	/* At most 120 bytes for the evidence, cut before a partial UTF-8
	 * character (the line is valid UTF-8; a byte cut is not). */
	gsize n = strnlen(line, 120);
	const char *end = line + n;
	g_utf8_validate_len(line, n, &end);
	Cand c = { rank, label, g_strndup(line, (gsize)(end - line)) };
	g_array_append_val(cands, c);
}

/* Words before "gemeente" that make the writer act for it. */
static gboolean
acts_for(GArray *toks, guint anchor)
{
	static const char *const phrases[][3] = {
		{ "in", "opdracht", "van" }, { NULL, NULL, "namens" }, { NULL, "gedetacheerd", "bij" },
		{ NULL, "werkzaam", "voor" }, { NULL, "ingehuurd", "door" }, { NULL, "ingehuurd", "bij" },
		{ "op", "verzoek", "van" }, { "on", "behalf", "of" }, { NULL, "opdracht", "van" },
	};
	guint end = anchor;
	if (end > 0 && core_is(&g_array_index(toks, Tok, end - 1), "de"))
		end--;
	for (gsize p = 0; p < G_N_ELEMENTS(phrases); p++) {
		guint k = end;
		gboolean ok = TRUE;
		for (int w = 2; w >= 0 && ok; w--) {
			if (!phrases[p][w])
				break;
			if (k == 0 || !core_is(&g_array_index(toks, Tok, k - 1), phrases[p][w]))
				ok = FALSE;
			else
				k--;
		}
		if (ok)
			return TRUE;
	}
	return FALSE;
}

/* The municipality named right after toks[from] (longest match first);
 * an ambiguous name is settled by the sender's domain. Returns the row
 * and sets *end, or -1. */
static int
match_municipality(const SltOrgDirectory *dir, GArray *toks, guint from, const char *domain,
		   guint *end)
{
	guint max = MIN(toks->len - from, 6u);
	for (guint n = max; n >= 1; n--) {
		GString *s = g_string_new(NULL);
		gboolean stop = FALSE;
		for (guint k = from; k < from + n; k++) {
			const Tok *t = &g_array_index(toks, Tok, k);
			if (k > from && (is_separator(t)))
				stop = TRUE;
			g_string_append_c(s, ' ');
			g_string_append_len(s, t->s, t->len);
		}
		if (stop) {
			g_string_free(s, TRUE);
			continue;
		}
		g_autofree char *key = slt_org_fold(s->str);
		g_string_free(s, TRUE);
		GArray *rows = g_hash_table_lookup(dir->by_name, key);
		if (!rows)
			continue;
		*end = from + n;
		if (rows->len == 1)
			return (int)g_array_index(rows, guint, 0);
		int by_domain = domain ? row_by_domain(dir, domain) : -1;
		for (guint r = 0; r < rows->len; r++)
			if ((int)g_array_index(rows, guint, r) == by_domain)
				return by_domain;
		return -1;  /* Bergen, and the domain does not say which */
	}
	return -1;
}

typedef struct {
	const char *words[3];   /* folded cores, in order */
	const char *canonical;  /* singular: how labels spell it; NULL: plural, "Stichting " + as written */
} TeamAnchor;

static const TeamAnchor team_anchors[] = {
	{ { "jeugd", "en", "gezinsteams" }, NULL },
	{ { "jeugd", "en", "gezinswerk" }, NULL },
	{ { "jeugd", "en", "gezinsteam" }, "Jeugd- en Gezinsteam" },
	{ { "jeugd", "en", "gezin" }, NULL },
	{ { "jeugd", "gezin", NULL }, NULL },          /* "Jeugd & Gezin" (& has no core) */
	{ { "sociale", "wijkteams", NULL }, NULL },
	{ { "sociale", "teams", NULL }, NULL },
	{ { "sociaal", "team", NULL }, "Sociaal Team" },
	{ { "wijkteams", NULL, NULL }, NULL },
	{ { "buurtteams", NULL, NULL }, NULL },
	{ { "jeugdteams", NULL, NULL }, NULL },
	{ { "gezinsteams", NULL, NULL }, NULL },
	{ { "kernteams", NULL, NULL }, NULL },
	{ { "wijkteam", NULL, NULL }, "Wijkteam" },
	{ { "buurtteam", NULL, NULL }, "Buurtteam" },
	{ { "jeugdteam", NULL, NULL }, "Jeugdteam" },
	{ { "gezinsteam", NULL, NULL }, "Gezinsteam" },
	{ { "kernteam", NULL, NULL }, "Kernteam" },
	{ { "jgt", NULL, NULL }, NULL },
};

/* Does a team anchor start at toks[i]? Returns the number of tokens it
 * spans (connector-only tokens like "&" included), 0 if none. */
static guint
match_team_anchor(GArray *toks, guint i, const TeamAnchor **which)
{
	for (gsize a = 0; a < G_N_ELEMENTS(team_anchors); a++) {
		guint k = i;
		gboolean ok = TRUE;
		for (int w = 0; w < 3 && team_anchors[a].words[w] && ok; w++) {
			while (k < toks->len && !*g_array_index(toks, Tok, k).core &&
			       !is_separator(&g_array_index(toks, Tok, k)) && w > 0)
				k++;
			if (k >= toks->len || !core_is(&g_array_index(toks, Tok, k), team_anchors[a].words[w]))
				ok = FALSE;
			else
				k++;
		}
		if (ok) {
			*which = &team_anchors[a];
			return k - i;
		}
	}
	return 0;
}

static gboolean
is_direction(const Tok *t)
{
	static const char *const words[] = {
		"noord", "oost", "zuid", "west", "centrum", "midden", "noordoost", "noordwest",
		"zuidoost", "zuidwest", "1", "2", "3", "4", "5", "a", "b", "c", NULL,
	};
	return in_list(t->core, words);
}

/* Organisation words that start a name ("Regio Twente", "GGD Hollands
 * Noorden", "Hogeschool Leiden"): overig:. */
static const char *const overig_prefix[] = {
	"regio", "ggd", "hogeschool", "universiteit", "kenniscentrum", "kennisplein",
	"kennisnetwerk", "rekenkamer", "rekenkamercommissie", "provincie", "ministerie",
	"samenwerkingsverband", "platform", "vereniging", "bureau", "adviesbureau",
	"congresbureau", "catering", "drukkerij", "vakblad", "academie", "flexpool",
	"nieuwsdienst", "nationaal", "omgevingsdienst", "veiligheidsregio", "zorgkantoor",
	"jeugdzorg", "opleidingscentrum", NULL,
};

/* Words that end an organisation's name ("Casusware B.V.", "Raad &
 * Ruimte Advies", "Sociaal Werk Nederland"). */
static const char *const overig_suffix[] = {
	"bv", "nv", "advies", "consultancy", "consult", "solutions", "events", "training",
	"trainingen", "opleidingen", "partners", "nederland", "plus", "digitaal", "group",
	"groep", "media", "software", NULL,
};

/* A foundation is a local team unless its name says otherwise. */
static gboolean
stichting_is_overig(const char *name)
{
	g_autofree char *f = slt_org_fold(name);
	static const char *const strong[] = { "vrienden", "fonds", "museum", "bibliotheek",
					      "kenniscentrum", "academie", "platform", "vereniging", NULL };
	static const char *const team[] = { "team", "wijk", "buurt", "jeugd", "gezin", "sociaal",
					    "sociale", "kracht", "samen", "kern", NULL };
	for (const char *const *w = strong; *w; w++)
		if (strstr(f, *w))
			return TRUE;
	for (const char *const *w = team; *w; w++)
		if (strstr(f, *w))
			return FALSE;
	return strstr(f, "welzijn") != NULL;
}

/* All organisation mentions in one line. */
static void
scan_line(const SltOrgDirectory *dir, const char *line, const char *domain, GArray *cands)
{
	if (strlen(line) > 200)
		return;
	g_autoptr(GArray) toks = tokenize(line);
	guint i = 0;
	while (i < toks->len) {
		const Tok *t = &g_array_index(toks, Tok, i);

		if (core_is(t, "gemeente") || core_is(t, "gemeenteraad") || core_is(t, "municipality")) {
			guint from = i + 1;
			if (core_is(t, "municipality") && from < toks->len &&
			    core_is(&g_array_index(toks, Tok, from), "of"))
				from++;
			guint end;
			int row = match_municipality(dir, toks, from, domain, &end);
			if (row >= 0) {
				const Gemeente *g = g_ptr_array_index(dir->rows, row);
				add_cand(cands, acts_for(toks, i) ? C_GEMEENTE_R1 : C_GEMEENTE,
					 g_strconcat("gemeente:", g->name, NULL), line);
				i = end;
				continue;
			}
			i++;
			continue;
		}

		if (core_is(t, "stichting")) {
			guint end = take_name(toks, i + 1, 9);
			if (end > i + 1) {
				GString *name = g_string_new("Stichting");
				append_span(name, toks, i + 1, end);
				Rank r = stichting_is_overig(name->str) ? C_OVERIG : C_TEAM;
				char *label = g_strconcat(r == C_TEAM ? "team:" : "overig:", name->str, NULL);
				g_string_free(name, TRUE);
				add_cand(cands, r, label, line);
				i = end;
				continue;
			}
			i++;
			continue;
		}

		const TeamAnchor *ta = NULL;
		guint span = match_team_anchor(toks, i, &ta);
		if (span) {
			guint end = take_name(toks, i + span, 6);
			if (end > i + span) {
				gboolean weak = TRUE;
				for (guint k = i + span; k < end; k++) {
					const Tok *p = &g_array_index(toks, Tok, k);
					if (!is_connector(p) && !is_direction(p))
						weak = FALSE;
				}
				GString *name = g_string_new(NULL);
				if (ta->canonical) {
					g_string_append(name, ta->canonical);
				} else {
					g_string_append(name, "Stichting ");
					GString *as = g_string_new(NULL);
					append_span(as, toks, i, i + span);
					/* "Jeugd & Gezin", capitalised as a name. */
					gunichar u = g_utf8_get_char(as->str);
					char buf[8];
					gint n = g_unichar_to_utf8(g_unichar_toupper(u), buf);
					g_string_append_len(name, buf, n);
					g_string_append(name, g_utf8_next_char(as->str));
					g_string_free(as, TRUE);
				}
				append_span(name, toks, i + span, end);
				add_cand(cands, weak ? C_TEAM_WEAK : ta->canonical ? C_TEAM_BARE : C_TEAM,
					 g_strconcat("team:", name->str, NULL), line);
				g_string_free(name, TRUE);
				i = end;
				continue;
			}
			i += span;
			continue;
		}

		if (is_name_word(t) && in_list(t->core, overig_prefix)) {
			/* "VNG Academie", "Toezicht Academie ...": a capitalised
			 * word or two before "Academie" belong to the name. */
			guint start = i;
			if (core_is(t, "academie"))
				while (start > 0 && i - start < 2 &&
				       is_name_word(&g_array_index(toks, Tok, start - 1)) &&
				       !ends_name(&g_array_index(toks, Tok, start - 1)))
					start--;
			guint end = ends_name(t) ? i + 1 : take_name(toks, i + 1, 8);
			if (end > i + 1 || start < i) {
				if (end <= i)
					end = i + 1;
				GString *name = g_string_new(NULL);
				append_span(name, toks, start, end);
				add_cand(cands, C_OVERIG, g_strconcat("overig:", name->str, NULL), line);
				g_string_free(name, TRUE);
				i = end;
				continue;
			}
		}

		if ((is_name_word(t) || core_is(t, "bv")) && in_list(t->core, overig_suffix)) {
			guint start = i;
			while (start > 0 && i - start < 5) {
				const Tok *p = &g_array_index(toks, Tok, start - 1);
				if (is_separator(p) || ends_name(p) || !(is_name_word(p) || is_connector(p)))
					break;
				start--;
			}
			while (start < i && is_connector(&g_array_index(toks, Tok, start)))
				start++;
			if (start < i) {
				guint end = i + 1;
				while (end < toks->len && !ends_name(&g_array_index(toks, Tok, end - 1)) &&
				       in_list(g_array_index(toks, Tok, end).core, overig_suffix))
					end++;
				GString *name = g_string_new(NULL);
				append_span(name, toks, start, end);
				add_cand(cands, C_OVERIG, g_strconcat("overig:", name->str, NULL), line);
				g_string_free(name, TRUE);
				i = end;
				continue;
			}
		}
		i++;
	}
}

static const Cand *
best(GArray *cands, Rank min)
{
	const Cand *b = NULL;
	for (guint i = 0; i < cands->len; i++) {
		const Cand *c = &g_array_index(cands, Cand, i);
		if (c->rank >= min && (!b || c->rank > b->rank))
			b = c;
	}
	return b;
}

/* Lines of s (LF separated) into scan_line, each at most max_len bytes;
 * tail > 0: only the last tail non-empty lines that look like a
 * signature (short, not a question or a sentence). */
static void
scan_text(const SltOrgDirectory *dir, const char *s, const char *domain, guint tail,
	  GArray *cands)
{
	if (!s || !*s)
		return;
	g_auto(GStrv) lines = g_strsplit(s, "\n", -1);
	guint n = g_strv_length(lines);
	guint first = 0;
	if (tail) {
		guint seen = 0;
		first = n;
		while (first > 0 && seen < tail) {
			first--;
			if (*g_strstrip(lines[first]))
				seen++;
		}
	}
	for (guint i = first; i < n; i++) {
		char *l = g_strstrip(lines[i]);
		if (!*l)
			continue;
		if (tail) {
			gsize len = strlen(l);
			if (len > 90 || l[len - 1] == '?' || (len > 40 && l[len - 1] == '.'))
				continue;
		}
		scan_line(dir, l, domain, cands);
	}
}

/* Self-descriptions in the new text: "werkzaam bij Stichting X",
 * "namens Sociaal Team Y". Only team candidates count here: the body
 * mentions many municipalities that are not the sender. */
static void
scan_self(const SltOrgDirectory *dir, const char *s, const char *domain, GArray *cands)
{
	if (!s || !*s)
		return;
	/* Most mail has none of the phrases: one cheap look first. */
	{
		g_autofree char *low = g_ascii_strdown(s, -1);
		if (!(strstr(low, "bij") || strstr(low, "namens") || strstr(low, "vanuit") ||
		      strstr(low, "voor")))
			return;
	}
	g_auto(GStrv) lines = g_strsplit(s, "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		/* Join the next line: flowed-less mail wraps these phrases. */
		g_autofree char *joined = lines[i + 1] ? g_strconcat(lines[i], " ", lines[i + 1], NULL)
						       : g_strdup(lines[i]);
		g_autofree char *f = slt_org_fold(joined);
		if (!(strstr(f, "werkzaam bij") || strstr(f, "werk bij") || strstr(f, "namens") ||
		      strstr(f, "vanuit") || strstr(f, "werkzaam voor") || strstr(f, "in dienst bij")))
			continue;
		/* Sentences: scan pieces short enough for scan_line. */
		g_auto(GStrv) parts = g_strsplit_set(joined, ".?!;", -1);
		g_autoptr(GArray) local = g_array_new(FALSE, FALSE, sizeof(Cand));
		g_array_set_clear_func(local, cand_clear);
		for (guint p = 0; parts[p]; p++)
			scan_line(dir, parts[p], domain, local);
		for (guint k = 0; k < local->len; k++) {
			Cand *c = &g_array_index(local, Cand, k);
			if (c->rank >= C_TEAM_BARE)
				add_cand(cands, c->rank, g_strdup(c->label), c->line);
		}
	}
}

/* Sentences of s that say the writer acts for a municipality ("In
 * opdracht van de gemeente Rucphen begeleid ik..."): their R1
 * candidates. */
static void
scan_acting(const SltOrgDirectory *dir, const char *s, const char *domain, GArray *cands)
{
	if (!s || !*s)
		return;
	g_autofree char *flat = g_strdup(s);
	for (char *p = flat; *p; p++)
		if (*p == '\n')
			*p = ' ';
	g_auto(GStrv) sentences = g_strsplit_set(flat, ".?!;", -1);
	for (guint i = 0; sentences[i]; i++) {
		/* "gemeente" has no letter that folds: test the raw bytes. */
		if (!strstr(sentences[i], "emeente"))
			continue;
		g_autoptr(GArray) local = g_array_new(FALSE, FALSE, sizeof(Cand));
		g_array_set_clear_func(local, cand_clear);
		/* scan_line ignores long lines; the phrase is near "gemeente". */
		const char *text = sentences[i];
		g_autofree char *piece = NULL;
		if (strlen(text) > 200) {
			const char *g = strstr(text, "emeente");
			const char *start = g && g - text > 60 ? g - 60 : text;
			piece = g_utf8_make_valid(start, MIN(strlen(start), 180));
			text = piece;
		}
		scan_line(dir, text, domain, local);
		for (guint k = 0; k < local->len; k++) {
			Cand *c = &g_array_index(local, Cand, k);
			if (c->rank == C_GEMEENTE_R1)
				add_cand(cands, c->rank, g_strdup(c->label), c->line);
		}
	}
}

/* Who sends a newsletter, from its footer: "wordt u aangeboden door
 * Vakblad X", "U ontvangt deze nieuwsbrief van het ministerie van VWS". */
static char *
newsletter_sender(const char *s)
{
	if (!s)
		return NULL;
	static const char *const phrases[] = {
		"aangeboden door ", "nieuwsbrief van het ", "nieuwsbrief van de ", "nieuwsbrief van ",
		"e-mail van het ", "e-mail van de ", "sent to you by ", "brought to you by ",
	};
	g_auto(GStrv) lines = g_strsplit(s, "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		g_autofree char *low = g_ascii_strdown(lines[i], -1);
		for (gsize k = 0; k < G_N_ELEMENTS(phrases); k++) {
			const char *hit = strstr(low, phrases[k]);
			if (!hit)
				continue;
			const char *rest = lines[i] + (hit - low) + strlen(phrases[k]);
			/* The first word may be lowercase ("het ministerie van VWS"). */
			g_autofree char *cap = g_strdup(rest);
			if (g_ascii_islower(cap[0]))
				cap[0] = g_ascii_toupper(cap[0]);
			g_autoptr(GArray) toks = tokenize(cap);
			guint end = take_name(toks, 0, 8);
			if (end == 0)
				continue;
			GString *name = g_string_new(NULL);
			append_span(name, toks, 0, end);
			return g_string_free(name, FALSE);
		}
	}
	return NULL;
}

static char *
answer_from(char **why, SltOrgSource *source, SltOrgSource src, const char *label, char *reason)
{
	if (why)
		*why = reason;
	else
		g_free(reason);
	if (source)
		*source = src;
	return g_strdup(label);
}

char *
slt_org_detect_why(const SltOrgDirectory *dir, const SltMessage *msg, char **why)
{
	return slt_org_detect_source(dir, msg, why, NULL);
}

char *
slt_org_detect_source(const SltOrgDirectory *dir, const SltMessage *msg, char **why,
		      SltOrgSource *source)
{
	g_return_val_if_fail(dir != NULL && msg != NULL, g_strdup(""));
	if (why)
		*why = NULL;
	if (source)
		*source = SLT_ORG_SOURCE_NONE;
	/* Bounces speak for a mail server, not for an organisation. */
	if (msg->machine & (SLT_MACHINE_DAEMON_SENDER | SLT_MACHINE_DSN))
		return g_strdup("");

	const char *d = domain_of(msg->from_addr);
	g_autofree char *domain = d ? g_ascii_strdown(d, -1) : NULL;
	gboolean bulk = (msg->machine & (SLT_MACHINE_LIST | SLT_MACHINE_BULK_MAILER)) != 0;

	g_autoptr(GArray) sig = g_array_new(FALSE, FALSE, sizeof(Cand));
	g_array_set_clear_func(sig, cand_clear);
	g_autoptr(GArray) disp = g_array_new(FALSE, FALSE, sizeof(Cand));
	g_array_set_clear_func(disp, cand_clear);

	if (msg->from_name)
		scan_line(dir, msg->from_name, domain, disp);
	const Cand *c;
	if (bulk) {
		/* A newsletter: its display name when that names an
		 * organisation, else the sender its footer names, else the
		 * display name as it is. The body's mentions of
		 * municipalities are news, not the sender. */
		if ((c = best(disp, C_OVERIG)))
			return answer_from(why, source, bulk ? SLT_ORG_SOURCE_BULK : SLT_ORG_SOURCE_DISPLAY, c->label,
					   g_strdup_printf("display name '%s'", c->line));
		g_autofree char *by = newsletter_sender(msg->new_text);
		if (by) {
			g_autofree char *label = g_strconcat("overig:", by, NULL);
			return answer_from(why, source, SLT_ORG_SOURCE_BULK, label,
					   g_strdup_printf("newsletter footer '%s'", by));
		}
		g_autofree char *name = g_strdup(msg->from_name ? msg->from_name : "");
		g_strstrip(name);
		if (*name) {
			g_autofree char *label = g_strconcat("overig:", name, NULL);
			return answer_from(why, source, SLT_ORG_SOURCE_BULK, label,
					   g_strdup_printf("bulk mail from '%s'", name));
		}
	}

	/* The closing lines of the new text, then the signature. */
	scan_text(dir, msg->new_text, domain, 6, sig);
	scan_text(dir, msg->signature, domain, 0, sig);
	/* "In opdracht van gemeente X" anywhere in the new text. */
	scan_acting(dir, msg->new_text, domain, sig);
	if ((c = best(sig, C_OVERIG)))
		return answer_from(why, source, SLT_ORG_SOURCE_SIGNATURE, c->label,
				   g_strdup_printf("signature line '%s'", c->line));
	if ((c = best(disp, C_OVERIG)))
		return answer_from(why, source, bulk ? SLT_ORG_SOURCE_BULK : SLT_ORG_SOURCE_DISPLAY, c->label,
					   g_strdup_printf("display name '%s'", c->line));

	g_autoptr(GArray) self = g_array_new(FALSE, FALSE, sizeof(Cand));
	g_array_set_clear_func(self, cand_clear);
	scan_self(dir, msg->new_text, domain, self);
	if ((c = best(self, C_TEAM_BARE)))
		return answer_from(why, source, SLT_ORG_SOURCE_TEXT, c->label,
				   g_strdup_printf("new text '%s'", c->line));

	if (domain) {
		g_autofree char *learned = slt_org_directory_lookup_learned(dir, msg->from_addr);
		if (learned)
			return answer_from(why, source, SLT_ORG_SOURCE_LEARNED, learned,
					   g_strdup_printf("earlier mail from %s", domain));
		int row = row_by_domain(dir, domain);
		if (row >= 0) {
			const Gemeente *g = g_ptr_array_index(dir->rows, row);
			g_autofree char *label = g_strconcat("gemeente:", g->name, NULL);
			return answer_from(why, source, SLT_ORG_SOURCE_DOMAIN, label,
					   g_strdup_printf("domain %s", domain));
		}
	}
	/* A sub-team ("Wijkteam West") is better than nothing. */
	if ((c = best(sig, C_TEAM_WEAK)))
		return answer_from(why, source, SLT_ORG_SOURCE_WEAK, c->label,
				   g_strdup_printf("signature line '%s'", c->line));
	return g_strdup("");
}

char *
slt_org_detect(const SltOrgDirectory *dir, const SltMessage *msg)
{
	return slt_org_detect_why(dir, msg, NULL);
}
