/* SPDX-License-Identifier: MIT */
/* catalogue: the work package catalogue file (GKeyFile), checked with
 * every problem reported as file:line. */
#include "catalogue.h"

#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/stat.h>

G_DEFINE_QUARK(slt-catalogue-error-quark, slt_catalogue_error)

const char *const slt_catalogue_ids[SLT_CATALOGUE_N_PACKAGES + 1] = {
	"visie", "goed-bestuur", "netwerksamenwerking", "kwaliteit",
	"inkoop-bekostiging", NULL,
};

static const char *const known_keys[] = {
	"title", "state", "version", "expected", "files", NULL,
};

gboolean
slt_catalogue_is_id(const char *id)
{
	return id && g_strv_contains(slt_catalogue_ids, id);
}

static void
package_free(SltPackage *p)
{
	if (!p)
		return;
	g_free(p->id);
	g_free(p->title);
	g_free(p->expected);
	g_strfreev(p->files);
	g_free(p);
}

void
slt_catalogue_free(SltCatalogue *cat)
{
	if (!cat)
		return;
	g_free(cat->path);
	g_ptr_array_unref(cat->packages);
	g_free(cat);
}

const SltPackage *
slt_catalogue_find(const SltCatalogue *cat, const char *id)
{
	g_return_val_if_fail(cat != NULL, NULL);
	if (!id)
		return NULL;
	for (guint i = 0; i < cat->packages->len; i++) {
		const SltPackage *p = g_ptr_array_index(cat->packages, i);
		if (strcmp(p->id, id) == 0)
			return p;
	}
	return NULL;
}

/* GKeyFile keeps no line numbers; index "[group]" and "group/key" lines
 * once so that every problem can name its line. */
static GHashTable *
index_lines(const char *text, gsize len)
{
	GHashTable *lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autofree char *group = g_strdup("");
	int lineno = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);
		gsize n = eol ? (gsize)(eol - p) : (gsize)(end - p);
		g_autofree char *line = g_strstrip(g_strndup(p, n));
		lineno++;
		if (line[0] == '[') {
			char *close = strchr(line, ']');
			if (close) {
				g_free(group);
				group = g_strndup(line + 1, close - line - 1);
				g_hash_table_insert(lines, g_strdup_printf("[%s]", group),
						    GINT_TO_POINTER(lineno));
			}
		} else if (line[0] != '#' && strchr(line, '=')) {
			g_autofree char *key = g_strstrip(g_strndup(line, strchr(line, '=') - line));
			g_hash_table_insert(lines, g_strdup_printf("%s/%s", group, key),
					    GINT_TO_POINTER(lineno));
		}
		p = eol ? eol + 1 : end;
	}
	return lines;
}

typedef struct {
	const char *name;
	GHashTable *lines;
	GString *problems;
} Checker;

static void G_GNUC_PRINTF(4, 5)
problem(Checker *ck, const char *group, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_autofree char *k = key ? g_strdup_printf("%s/%s", group, key)
				 : g_strdup_printf("[%s]", group);
	int line = GPOINTER_TO_INT(g_hash_table_lookup(ck->lines, k));
	if (ck->problems->len)
		g_string_append_c(ck->problems, '\n');
	if (key)
		g_string_append_printf(ck->problems, "%s:%d: [%s] %s: %s", ck->name, line, group, key, msg);
	else
		g_string_append_printf(ck->problems, "%s:%d: [%s]: %s", ck->name, line, group, msg);
}

static SltPackage *
read_package(Checker *ck, GKeyFile *kf, const char *id)
{
	SltPackage *p = g_new0(SltPackage, 1);
	p->id = g_strdup(id);

	g_auto(GStrv) keys = g_key_file_get_keys(kf, id, NULL, NULL);
	for (char **k = keys; k && *k; k++)
		if (!g_strv_contains(known_keys, *k))
			problem(ck, id, *k, "unknown key (known: title, state, version, expected, files)");

	p->title = g_key_file_get_string(kf, id, "title", NULL);
	if (p->title)
		g_strstrip(p->title);
	if (!p->title || !*p->title)
		problem(ck, id, p->title ? "title" : NULL, "a title is required");

	g_autofree char *state = g_key_file_get_string(kf, id, "state", NULL);
	if (state)
		g_strstrip(state);
	if (!state)
		problem(ck, id, NULL, "a state is required (in-ontwikkeling or gepubliceerd)");
	else if (strcmp(state, "gepubliceerd") == 0)
		p->published = TRUE;
	else if (strcmp(state, "in-ontwikkeling") != 0)
		problem(ck, id, "state", "'%s' is not in-ontwikkeling or gepubliceerd", state);

	if (g_key_file_has_key(kf, id, "version", NULL)) {
		g_autofree char *v = g_key_file_get_string(kf, id, "version", NULL);
		char *end = NULL;
		errno = 0;
		gint64 n = v ? g_ascii_strtoll(g_strstrip(v), &end, 10) : -1;
		if (!v || errno || end == v || *end || n < 0 || n > 100000)
			problem(ck, id, "version", "'%s' is not a whole number from 0", v ? v : "");
		else
			p->version = (int)n;
	}
	if (p->published && p->version < 1)
		problem(ck, id, g_key_file_has_key(kf, id, "version", NULL) ? "version" : NULL,
			"a published package has a version of 1 or more");

	p->expected = g_key_file_get_string(kf, id, "expected", NULL);
	if (p->expected && !*g_strstrip(p->expected))
		g_clear_pointer(&p->expected, g_free);

	p->files = g_key_file_get_string_list(kf, id, "files", NULL, NULL);
	if (!p->files)
		p->files = g_new0(char *, 1);
	for (char **f = p->files; *f; f++) {
		g_strstrip(*f);
		g_autofree char *lower = g_ascii_strdown(*f, -1);
		if (!(*f)[0] || (*f)[0] == '.' || strchr(*f, '/') || strchr(*f, '\\') ||
		    !g_utf8_validate(*f, -1, NULL) || !g_str_has_suffix(lower, ".pdf"))
			problem(ck, id, "files", "'%s' is not a PDF file name without a directory", *f);
	}
	if (p->published && !p->files[0])
		problem(ck, id, g_key_file_has_key(kf, id, "files", NULL) ? "files" : NULL,
			"a published package needs its files (kennisoverzicht;kenmerken)");
	return p;
}

SltCatalogue *
slt_catalogue_parse(const char *text, gsize len, const char *name, GError **error)
{
	g_return_val_if_fail(text != NULL && name != NULL, NULL);
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) e = NULL;
	if (!g_key_file_load_from_data(kf, text, len, G_KEY_FILE_NONE, &e)) {
		g_set_error(error, SLT_CATALOGUE_ERROR, SLT_CATALOGUE_ERROR_INVALID,
			    "%s: %s", name, e->message);
		return NULL;
	}
	Checker ck = { name, index_lines(text, len), g_string_new(NULL) };

	g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
	for (char **g = groups; *g; g++)
		if (!slt_catalogue_is_id(*g))
			problem(&ck, *g, NULL, "unknown package (known: visie, goed-bestuur, "
				"netwerksamenwerking, kwaliteit, inkoop-bekostiging)");

	g_autoptr(SltCatalogue) cat = g_new0(SltCatalogue, 1);
	cat->path = g_strdup(name);
	cat->packages = g_ptr_array_new_with_free_func((GDestroyNotify)package_free);
	for (const char *const *id = slt_catalogue_ids; *id; id++) {
		if (!g_key_file_has_group(kf, *id)) {
			if (ck.problems->len)
				g_string_append_c(ck.problems, '\n');
			g_string_append_printf(ck.problems, "%s: package [%s] is missing", name, *id);
			continue;
		}
		g_ptr_array_add(cat->packages, read_package(&ck, kf, *id));
	}

	g_hash_table_unref(ck.lines);
	if (ck.problems->len) {
		g_set_error_literal(error, SLT_CATALOGUE_ERROR, SLT_CATALOGUE_ERROR_INVALID,
				    ck.problems->str);
		g_string_free(ck.problems, TRUE);
		return NULL;
	}
	g_string_free(ck.problems, TRUE);
	return g_steal_pointer(&cat);
}

SltCatalogue *
slt_catalogue_builtin(void)
{
	static const char text[] =
		"[visie]\ntitle = Visie\nstate = in-ontwikkeling\n"
		"[goed-bestuur]\ntitle = Goed bestuur in relatie tot stevige lokale teams\n"
		"state = in-ontwikkeling\n"
		"[netwerksamenwerking]\ntitle = Netwerksamenwerking\nstate = in-ontwikkeling\n"
		"[kwaliteit]\ntitle = Kwaliteit, leren, volgen en verantwoorden\nstate = in-ontwikkeling\n"
		"[inkoop-bekostiging]\ntitle = Inkoop en bekostiging\nstate = in-ontwikkeling\n";
	SltCatalogue *cat = slt_catalogue_parse(text, sizeof text - 1, "(built-in)", NULL);
	g_assert(cat);
	return cat;
}

SltCatalogue *
slt_catalogue_load(const char *path, GError **error)
{
	g_return_val_if_fail(path != NULL, NULL);
	g_autofree char *text = NULL;
	gsize len = 0;
	g_autoptr(GError) e = NULL;
	if (!g_file_get_contents(path, &text, &len, &e)) {
		g_set_error(error, SLT_CATALOGUE_ERROR, SLT_CATALOGUE_ERROR_READ,
			    "cannot read package catalogue '%s': %s", path, e->message);
		return NULL;
	}
	return slt_catalogue_parse(text, len, path, error);
}

gboolean
slt_catalogue_check_files(const SltCatalogue *cat, const char *dir, GError **error)
{
	g_return_val_if_fail(cat != NULL && dir != NULL, FALSE);
	g_autoptr(GString) missing = g_string_new(NULL);
	for (guint i = 0; i < cat->packages->len; i++) {
		const SltPackage *p = g_ptr_array_index(cat->packages, i);
		if (!p->published)
			continue;
		for (char **f = p->files; *f; f++) {
			g_autofree char *path = g_build_filename(dir, *f, NULL);
			struct stat st;
			const char *why = NULL;
			if (stat(path, &st) != 0 || access(path, R_OK) != 0)
				why = g_strerror(errno);
			else if (!S_ISREG(st.st_mode))
				why = "not a regular file";
			else
				continue;
			if (missing->len)
				g_string_append_c(missing, '\n');
			g_string_append_printf(missing, "%s: [%s] files: cannot read '%s': %s",
					       cat->path, p->id, path, why);
		}
	}
	if (missing->len) {
		g_set_error_literal(error, SLT_CATALOGUE_ERROR, SLT_CATALOGUE_ERROR_INVALID,
				    missing->str);
		return FALSE;
	}
	return TRUE;
}
