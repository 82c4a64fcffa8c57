/* SPDX-License-Identifier: MIT */
/* quote: new text, quoted reply, forwarded mail and signature, told apart
 * line by line. RFC 3676 section 4.3 (signature separator "-- "); the
 * patterns are those of the mail clients in tests/corpus (Outlook, Gmail,
 * Apple Mail, Thunderbird, iPhone, Android) in Dutch and English. */
#include "quote.h"

#include <string.h>

typedef struct {
	const char *s;
	gsize len;      /* without the line end */
	const char *f;  /* folded (fold_line without stripping), NULL when too long */
	gssize flen;
} Line;

typedef enum {
	L_NEW = 0,
	L_QUOTE,
	L_SIG,
} LineKind;

/* Lines longer than this are prose, never a marker or header line. */
#define MARKER_MAX 320

static gboolean
is_blank(const Line *l)
{
	for (gsize i = 0; i < l->len; i++)
		if (!g_ascii_isspace(l->s[i]))
			return FALSE;
	return TRUE;
}

static gboolean
is_quoted(const Line *l)
{
	gsize i = 0;
	while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t') && i < 3)
		i++;
	return i < l->len && l->s[i] == '>';
}

/* The line trimmed and ASCII-lowercased into buf (at most MARKER_MAX
 * bytes), with leading '>' marks removed when strip_quotes, and leading
 * '*' (Gmail's rendering of Outlook's bold header names) removed when
 * strip_stars. Returns the length, or -1 when the line is too long. */
static gssize
fold_line(const Line *l, char *buf, gboolean strip_quotes, gboolean strip_stars)
{
	const char *s = l->s, *e = l->s + l->len;
	for (;;) {
		while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		if (strip_quotes && s < e && *s == '>') {
			s++;
			continue;
		}
		if (strip_stars && s < e && *s == '*') {
			s++;
			continue;
		}
		break;
	}
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	if (e - s > MARKER_MAX)
		return -1;
	gsize n = 0;
	for (const char *p = s; p < e; p++) {
		char c = g_ascii_tolower(*p);
		/* Gmail writes "*Van:* Naam": drop the closing star of a header name. */
		if (strip_stars && c == '*' && n > 0 && buf[n - 1] == ':')
			continue;
		buf[n++] = c;
	}
	buf[n] = '\0';
	return (gssize)n;
}

static gboolean
has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

typedef enum {
	MARK_NONE = 0,
	MARK_FORWARD,   /* certainly a forward */
	MARK_ORIGINAL,  /* "-----Original Message-----": reply or forward */
} Marker;

/* Forward and original-message separator lines. */
static Marker
marker(const char *t)
{
	/* Strip the dashes around "---------- Forwarded message ---------". */
	gsize n = strlen(t), dashes = 0;
	const char *s = t, *e = t + n;
	while (s < e && (*s == '-' || *s == ' ' || *s == '_' || *s == '=')) {
		if (*s == '-' || *s == '=')
			dashes++;
		s++;
	}
	while (e > s && (e[-1] == '-' || e[-1] == ' ' || e[-1] == '_' || e[-1] == '=')) {
		if (e[-1] == '-' || e[-1] == '=')
			dashes++;
		e--;
	}
	char core[MARKER_MAX + 1];
	gsize cn = (gsize)(e - s);
	memcpy(core, s, cn);
	core[cn] = '\0';
	/* Trailing colon is optional in "Begin forwarded message:". */
	if (cn && core[cn - 1] == ':')
		core[--cn] = '\0';

	static const char *const forward[] = {
		"forwarded message", "doorgestuurd bericht", "doorgestuurde e-mail",
		"begin forwarded message", "begin doorgestuurd bericht",
		"weitergeleitete nachricht", "message transféré", "forwarded e-mail",
		"doorgestuurd bericht van", "forwarded mail",
	};
	static const char *const original[] = {
		"original message", "oorspronkelijk bericht", "origineel bericht",
		"oorspronkelijke bericht", "oorspronkelijke e-mail", "ursprüngliche nachricht",
		"message d'origine", "original e-mail",
	};
	for (gsize i = 0; i < G_N_ELEMENTS(forward); i++)
		if (strcmp(core, forward[i]) == 0)
			/* "Begin ..." stands alone; bare words need their dashes. */
			return (dashes >= 2 || has_prefix(core, "begin ")) ? MARK_FORWARD : MARK_NONE;
	for (gsize i = 0; i < G_N_ELEMENTS(original); i++)
		if (strcmp(core, original[i]) == 0)
			return dashes >= 2 ? MARK_ORIGINAL : MARK_NONE;
	return MARK_NONE;
}

typedef enum {
	H_NONE = 0,
	H_FROM,
	H_DATE,
	H_TO,
	H_SUBJECT,
	H_OTHER,
} HeaderKey;

/* Which mail header a folded line starts with ("van:", "sent:"...). */
static HeaderKey
header_key(const char *t)
{
	static const struct {
		const char *name;
		HeaderKey key;
	} keys[] = {
		{ "van:", H_FROM }, { "from:", H_FROM }, { "von:", H_FROM }, { "de:", H_FROM },
		{ "verzonden:", H_DATE }, { "sent:", H_DATE }, { "datum:", H_DATE },
		{ "date:", H_DATE }, { "gesendet:", H_DATE }, { "verstuurd:", H_DATE },
		{ "aan:", H_TO }, { "to:", H_TO }, { "an:", H_TO },
		{ "onderwerp:", H_SUBJECT }, { "subject:", H_SUBJECT }, { "betreff:", H_SUBJECT },
		{ "cc:", H_OTHER }, { "bcc:", H_OTHER }, { "reply-to:", H_OTHER },
		{ "beantwoorden:", H_OTHER }, { "antwoord aan:", H_OTHER },
		{ "prioriteit:", H_OTHER }, { "urgentie:", H_OTHER }, { "importance:", H_OTHER },
		{ "bijlagen:", H_OTHER }, { "attachments:", H_OTHER },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(keys); i++)
		if (has_prefix(t, keys[i].name))
			return keys[i].key;
	return H_NONE;
}

/* An Outlook-style header block starts at line i: a From line, and in
 * the next few lines at least two of date, to and subject. */
static gboolean
header_block_at(const Line *lines, gsize n, gsize i, gboolean strip_quotes)
{
	char buf[MARKER_MAX + 1];
	/* Cheap test first: most lines are not a From line. */
	if (!strip_quotes && (!lines[i].f || (lines[i].f[0] != '*' && header_key(lines[i].f) != H_FROM)))
		return FALSE;
	if (fold_line(&lines[i], buf, strip_quotes, TRUE) < 0 || header_key(buf) != H_FROM)
		return FALSE;
	gboolean date = FALSE, to = FALSE, subject = FALSE;
	gsize seen = 0;
	for (gsize j = i + 1; j < n && seen < 8; j++) {
		if (is_blank(&lines[j]))
			break;
		seen++;
		gssize k = fold_line(&lines[j], buf, strip_quotes, TRUE);
		if (k < 0)
			continue;  /* a long To: list */
		switch (header_key(buf)) {
		case H_DATE: date = TRUE; break;
		case H_TO: to = TRUE; break;
		case H_SUBJECT: subject = TRUE; break;
		default: break;
		}
	}
	return date + to + subject >= 2;
}

static gboolean
contains(const char *s, const char *needle)
{
	return strstr(s, needle) != NULL;
}

/* "Op 3 mrt 2025 om 10:00 schreef Jan <jan@x.nl>:", "On ... wrote:",
 * "Jan schreef op 3-3-2025:", Outlook for Mac's "... het volgende
 * geschreven:". t is folded. */
static gboolean
attribution_text(const char *t)
{
	gsize n = strlen(t);
	if (n < 8 || t[n - 1] != ':')
		return FALSE;
	gboolean starts = has_prefix(t, "op ") || has_prefix(t, "on ") ||
			  has_prefix(t, "am ") || has_prefix(t, "le ") || has_prefix(t, "el ");
	gboolean verb = contains(t, " schreef") || contains(t, " wrote") ||
			contains(t, " schrieb") || contains(t, " a écrit") ||
			contains(t, " geschreven") || contains(t, " escribió");
	if (starts && verb)
		return TRUE;
	return contains(t, " schreef op ") || contains(t, " wrote on ") ||
	       contains(t, " schreef het volgende");
}

/* The number of lines (1 or 2) of an attribution at line i, else 0.
 * Gmail wraps long ones: "Op di 20 jan 2026 om 10:00 schreef Stevige
 * lokale teams <\nstevigelokaleteams@vng.nl>:". */
static gsize
attribution_at(const Line *lines, gsize n, gsize i)
{
	const char *a = lines[i].f, *b;
	gssize la = lines[i].flen;
	if (!a || la == 0)
		return 0;
	if (attribution_text(a))
		return 1;
	if (i + 1 >= n || a[la - 1] == ':')
		return 0;
	if (!(has_prefix(a, "op ") || has_prefix(a, "on ") || has_prefix(a, "am ") ||
	      contains(a, " schreef") || contains(a, " wrote")))
		return 0;
	b = lines[i + 1].f;
	gssize lb = lines[i + 1].flen;
	if (!b || lb <= 0 || la + lb + 1 > MARKER_MAX)
		return 0;
	char both[2 * MARKER_MAX + 2];
	memcpy(both, a, la);
	both[la] = ' ';
	memcpy(both + la + 1, b, lb + 1);
	return attribution_text(both) ? 2 : 0;
}

static gboolean
is_underscore_rule(const Line *l)
{
	gsize k = 0;
	for (gsize i = 0; i < l->len; i++) {
		if (l->s[i] == '_')
			k++;
		else if (!g_ascii_isspace(l->s[i]))
			return FALSE;
	}
	return k >= 8;
}

/* Closing greetings that may be followed by a name on the same line
 * ("Groet, Jorien"). */
static const char *const greetings[] = {
	"met vriendelijke groet", "met vriendelijke groeten", "vriendelijke groet",
	"vriendelijke groeten", "met hartelijke groet", "met hartelijke groeten",
	"hartelijke groet", "hartelijke groeten", "hartelijke groetjes",
	"met collegiale groet", "collegiale groet", "collegiale groeten",
	"met groet", "met groeten", "groet", "groeten", "groetjes", "gr", "grt",
	"mvg", "m.v.g", "vr gr", "vr. gr", "vrgr", "vriendelijke gr",
	"met dank en groet", "dank en groet", "met warme groet", "warme groet",
	"lieve groet", "liefs", "hoogachtend", "met een vriendelijke groet",
	"met vriendelijke groet en dank", "alvast bedankt en groet",
	"kind regards", "best regards", "warm regards", "kindest regards",
	"with kind regards", "with best regards", "regards", "best wishes",
	"all the best", "cheers", "sincerely", "yours sincerely",
	"met vriendelijke groet / kind regards", "met vriendelijke groet/kind regards",
};

/* Thanks lines end the text only as a whole line followed by a name. */
static const char *const thanks[] = {
	"thanks", "many thanks", "thank you", "thanks in advance", "bedankt",
	"alvast bedankt", "dank", "dank je", "dank u", "hartelijk dank",
	"alvast dank", "dankjewel", "dank je wel", "dank u wel",
};

/* How a folded line compares with the greetings: 2 = a greeting with
 * maybe a short name after it, 1 = a thanks line, 0 = neither. */
static int
greeting_kind(const char *t)
{
	char buf[MARKER_MAX + 1];
	gsize n = strlen(t);
	memcpy(buf, t, n + 1);
	while (n && strchr(",.!:;- ", buf[n - 1]))
		buf[--n] = '\0';
	if (n == 0)
		return 0;
	for (gsize i = 0; i < G_N_ELEMENTS(thanks); i++)
		if (strcmp(buf, thanks[i]) == 0)
			return 1;
	for (gsize i = 0; i < G_N_ELEMENTS(greetings); i++) {
		gsize gl = strlen(greetings[i]);
		if (strncmp(buf, greetings[i], gl) != 0)
			continue;
		if (buf[gl] == '\0')
			return 2;
		/* "Groet, Jorien" / "Groetjes, Daphne (sociaal team Nunspeet)" /
		 * "Groet, Bianca Visser - gedragswetenschapper ...": a name
		 * follows after a comma or a space. A sentence would carry
		 * on without a comma and end in a full stop or question mark. */
		if (buf[gl] == ',' || (buf[gl] == ' ' && n - gl <= 40)) {
			const char *rest = buf + gl + 1;
			if (!strchr(rest, '?') && n - gl <= 120)
				return 2;
		}
	}
	return 0;
}

/* "Verzonden vanaf mijn iPhone" and friends. */
static gboolean
sent_from_line(const char *t)
{
	static const char *const prefixes[] = {
		"verzonden vanaf mijn", "verstuurd vanaf mijn", "verzonden vanuit",
		"verstuurd vanuit", "verzonden met ", "verstuurd met ", "sent from my",
		"sent from outlook", "get outlook for", "download outlook voor",
		"outlook voor ios", "outlook voor android", "sent with ", "sent via ",
		"verzonden via ", "verstuurd via ",
	};
	if (strlen(t) > 90)
		return FALSE;
	for (gsize i = 0; i < G_N_ELEMENTS(prefixes); i++)
		if (has_prefix(t, prefixes[i]))
			return TRUE;
	return FALSE;
}

/* The first line of a disclaimer. */
static gboolean
disclaimer_line(const char *t)
{
	static const char *const prefixes[] = {
		"disclaimer", "dit bericht is uitsluitend", "dit e-mailbericht is uitsluitend",
		"dit e-mail bericht is uitsluitend", "dit emailbericht is uitsluitend",
		"deze e-mail is uitsluitend", "deze e-mail is alleen", "de informatie in dit",
		"de informatie verzonden", "de inhoud van dit bericht", "aan dit bericht kunnen",
		"aan deze e-mail kunnen", "dit bericht kan vertrouwelijk", "dit bericht kan persoonsgegevens",
		"vertrouwelijk -", "vertrouwelijk –", "vertrouwelijk:", "this e-mail and any",
		"this email and any", "this message is confidential", "this e-mail is confidential",
		"this email is confidential", "this message and any", "the information contained in",
		"the information in this", "this e-mail is intended", "this email is intended",
		"this message is intended", "confidentiality notice", "privacy:",
		"denk aan het milieu", "please consider the environment",
	};
	for (gsize i = 0; i < G_N_ELEMENTS(prefixes); i++)
		if (has_prefix(t, prefixes[i]))
			return TRUE;
	return contains(t, "uitsluitend bestemd voor de geadresseerde") ||
	       contains(t, "alleen bestemd voor de geadresseerde") ||
	       contains(t, "intended only for the") || contains(t, "intended solely for") ||
	       contains(t, "geen rechten worden ontleend");
}

static gboolean
is_sig_separator(const Line *l)
{
	gsize n = l->len;
	while (n && (l->s[n - 1] == '\r' || l->s[n - 1] == ' '))
		n--;
	return n == 2 && l->s[0] == '-' && l->s[1] == '-';
}

/* Where the signature starts among the new lines idx[0..m): the index
 * into idx, or m when there is none. */
static gsize
find_signature(const Line *lines, const gsize *idx, gsize m)
{
	for (gsize k = 0; k < m; k++) {
		const Line *l = &lines[idx[k]];
		if (is_sig_separator(l))
			return k;
		const char *t = l->f;
		if (!t || !*t)
			continue;
		if (disclaimer_line(t) || sent_from_line(t))
			return k;
		int g = greeting_kind(t);
		if (!g)
			continue;
		/* The next non-empty line must be short (a name, a title), or
		 * the greeting ends the text. */
		gsize j = k + 1;
		while (j < m && is_blank(&lines[idx[j]]))
			j++;
		if (j >= m)
			return k;
		const Line *next = &lines[idx[j]];
		glong chars = g_utf8_strlen(next->s, MIN(next->len, 400));
		if (chars <= 60 || (g == 2 && is_sig_separator(next)))
			return k;
	}
	return m;
}

static void
append_line(GString *out, const char *s, gsize len)
{
	if (len && s[len - 1] == '\r')
		len--;
	g_string_append_len(out, s, len);
	g_string_append_c(out, '\n');
}

/* Remove one level of "> " quoting. */
static void
append_unquoted(GString *out, const Line *l)
{
	const char *s = l->s;
	gsize len = l->len;
	gsize i = 0;
	while (i < len && i < 3 && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < len && s[i] == '>') {
		i++;
		if (i < len && s[i] == ' ')
			i++;
		append_line(out, s + i, len - i);
	} else {
		append_line(out, s, len);
	}
}

/* Drop leading and trailing blank lines; hand over the string. */
static char *
finish(GString *g)
{
	const char *s = g->str, *e = g->str + g->len;
	/* Leading blank lines: skip whole lines that are only white space. */
	const char *p = s;
	while (p < e) {
		const char *q = p;
		while (q < e && *q != '\n' && g_ascii_isspace(*q))
			q++;
		if (q < e && *q == '\n')
			p = q + 1;
		else
			break;
	}
	while (e > p && g_ascii_isspace(e[-1]))
		e--;
	char *r = g_strndup(p, e - p);
	g_string_free(g, TRUE);
	return r;
}

gboolean
slt_quote_subject_is_forward(const char *subject)
{
	if (!subject)
		return FALSE;
	const char *s = subject;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		/* Tags some gateways put in front: "[EXTERN]", "*EXTERNAL*". */
		if (*s == '[' || *s == '*') {
			const char *close = strchr(s + 1, *s == '[' ? ']' : '*');
			if (close && close - s < 24) {
				s = close + 1;
				continue;
			}
		}
		break;
	}
	static const char *const prefixes[] = { "fw", "fwd", "doorst", "wg", "tr", "forward" };
	for (gsize i = 0; i < G_N_ELEMENTS(prefixes); i++) {
		gsize n = strlen(prefixes[i]);
		if (g_ascii_strncasecmp(s, prefixes[i], n) != 0)
			continue;
		const char *p = s + n;
		while (*p == ' ')
			p++;
		if (*p == ':')
			return TRUE;
	}
	return FALSE;
}

void
slt_quote_split(const char *text, const char *subject, SltQuoteSplit *out)
{
	g_return_if_fail(out != NULL);
	memset(out, 0, sizeof *out);
	if (!text)
		text = "";

	g_autoptr(GArray) lines = g_array_new(FALSE, FALSE, sizeof(Line));
	/* Every line folded once; the fold is never longer than the line. */
	gsize text_len = strlen(text);
	g_autofree char *arena = g_malloc(text_len + 2);
	gsize used = 0;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		Line l = { p, nl ? (gsize)(nl - p) : strlen(p), NULL, -1 };
		if (l.len && p[l.len - 1] == '\r')
			l.len--;
		if (l.len <= MARKER_MAX + 8) {
			char buf[MARKER_MAX + 1];
			gssize fl = fold_line(&l, buf, FALSE, FALSE);
			if (fl >= 0 && used + (gsize)fl + 1 <= text_len + 2) {
				memcpy(arena + used, buf, fl + 1);
				l.f = arena + used;
				l.flen = fl;
				used += fl + 1;
			}
		}
		g_array_append_val(lines, l);
		if (!nl)
			break;
		p = nl + 1;
	}
	const Line *L = (const Line *)lines->data;
	gsize n = lines->len;
	g_autofree guint8 *kind = g_new0(guint8, n + 1);

	gsize cut = n;          /* first line of the quoted/forwarded tail */
	gsize tail_from = n;    /* first line that goes into that tail's text */
	gboolean forward = FALSE, unquote = FALSE, header_cut = FALSE;
	gboolean subject_fwd = slt_quote_subject_is_forward(subject);
	char t[MARKER_MAX + 1];

	for (gsize i = 0; i < n;) {
		const Line *l = &L[i];
		if (is_quoted(l) && i > 0 && is_quoted(&L[i - 1])) {
			kind[i++] = L_QUOTE;
			continue;
		}
		if (is_quoted(l)) {
			/* A "> " block that starts with a forward marker is a
			 * forward (Apple Mail puts forwards in a blockquote). */
			gsize j = i;
			while (j < n && is_quoted(&L[j]) && fold_line(&L[j], t, TRUE, FALSE) == 0)
				j++;
			if (j < n && is_quoted(&L[j]) && fold_line(&L[j], t, TRUE, FALSE) > 0 &&
			    marker(t) == MARK_FORWARD) {
				cut = i;
				tail_from = j + 1;
				forward = unquote = TRUE;
				break;
			}
			kind[i++] = L_QUOTE;
			continue;
		}
		if (l->f && l->flen > 0) {
			const char *t = l->f;
			Marker m = marker(t);
			if (m != MARK_NONE) {
				cut = i;
				tail_from = i + 1;
				forward = m == MARK_FORWARD || subject_fwd;
				header_cut = m == MARK_ORIGINAL;
				break;
			}
			if (header_block_at(L, n, i, FALSE)) {
				cut = i;
				tail_from = i;
				/* Outlook draws a rule of underscores above it. */
				gsize p = i;
				while (p > 0 && is_blank(&L[p - 1]))
					p--;
				if (p > 0 && is_underscore_rule(&L[p - 1]))
					cut = p - 1;
				forward = subject_fwd;
				header_cut = TRUE;
				break;
			}
			gsize span = attribution_at(L, n, i);
			if (span) {
				gsize k = i + span;
				while (k < n && is_blank(&L[k]))
					k++;
				if (k < n && is_quoted(&L[k])) {
					for (gsize q = i; q < k; q++)
						kind[q] = L_QUOTE;
					i = k;
					continue;
				}
				/* Attribution above an unquoted original. */
				cut = i;
				tail_from = i;
				break;
			}
		}
		kind[i++] = L_NEW;
	}

	/* The signature among the new lines before the cut. */
	g_autofree gsize *idx = g_new(gsize, cut + 1);
	gsize m = 0;
	for (gsize i = 0; i < cut; i++)
		if (kind[i] == L_NEW)
			idx[m++] = i;
	gsize sig = find_signature(L, idx, m);
	for (gsize k = sig; k < m; k++)
		kind[idx[k]] = L_SIG;

	/* A mail with no words of its own above an Outlook header block is
	 * a forward, whatever its subject says. */
	gboolean any_new = FALSE;
	for (gsize k = 0; k < sig && !any_new; k++)
		any_new = !is_blank(&L[idx[k]]);
	if (header_cut && !any_new)
		forward = TRUE;

	GString *gnew = g_string_sized_new(strlen(text) / 2 + 1);
	GString *gquote = g_string_new(NULL);
	GString *gfwd = g_string_new(NULL);
	GString *gsig = g_string_new(NULL);
	for (gsize i = 0; i < cut; i++) {
		GString *dst = kind[i] == L_QUOTE ? gquote : kind[i] == L_SIG ? gsig : gnew;
		append_line(dst, L[i].s, L[i].len);
	}
	if (cut < n) {
		if (forward) {
			/* Unquote only when every non-empty line of the forward is
			 * quoted (Apple Mail); otherwise keep it as written. */
			if (!unquote) {
				unquote = TRUE;
				gboolean any = FALSE;
				for (gsize i = tail_from; i < n && unquote; i++) {
					if (is_blank(&L[i]))
						continue;
					any = TRUE;
					unquote = is_quoted(&L[i]);
				}
				unquote = unquote && any;
			}
			for (gsize i = tail_from; i < n; i++) {
				if (unquote)
					append_unquoted(gfwd, &L[i]);
				else
					append_line(gfwd, L[i].s, L[i].len);
			}
		} else {
			for (gsize i = cut; i < n; i++)
				append_line(gquote, L[i].s, L[i].len);
		}
	}
	out->new_text = finish(gnew);
	out->quoted_text = finish(gquote);
	out->forwarded_text = finish(gfwd);
	out->signature = finish(gsig);
	out->is_forward = forward;
}

void
slt_quote_split_clear(SltQuoteSplit *s)
{
	if (!s)
		return;
	g_free(s->new_text);
	g_free(s->quoted_text);
	g_free(s->forwarded_text);
	g_free(s->signature);
	memset(s, 0, sizeof *s);
}
