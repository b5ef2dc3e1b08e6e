/* gazetteer-yaml.c - reads the curated YAML supplement (config/gazetteer.yaml)
 * into a loaded gazetteer: places GeoNames lacks, more names for places it
 * has, and persons with the spellings conflict reporting uses for them.
 *
 * Like config/config.c, it uses libyaml's document API: the file is small,
 * and a node tree lets every error point at the node's mark (libyaml counts
 * lines and columns from 0; messages count from 1).  The schema is checked
 * by hand-written tables of keys per entry kind, so an unknown key (a typo
 * such as "alias:") is an error rather than silently ignored.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "gazetteer-private.h"
#include "gazetteer.h"

/* More aliases than this in one entry is a mistake, not a name list. */
#define MAX_ALIASES 256
#define MSG_MAX 512

struct ctx {
    sitrep_gazetteer *gz;
    const char *path;
    yaml_document_t *doc;
    char *msg; /* "path:line:col: reason", malloc'd, on the first error */
    sitrep_status status;
};

static void fail_v(struct ctx *c, sitrep_status status, const yaml_mark_t *mark, const char *fmt,
                   va_list ap)
{
    char reason[MSG_MAX];
    size_t size;

    if (c->msg) /* the first error wins */
        return;
    c->status = status;
    vsnprintf(reason, sizeof reason, fmt, ap);
    size = strlen(c->path) + strlen(reason) + 64;
    c->msg = malloc(size);
    if (!c->msg)
        return;
    if (mark)
        snprintf(c->msg, size, "%s:%zu:%zu: %s", c->path, mark->line + 1, mark->column + 1,
                 reason);
    else
        snprintf(c->msg, size, "%s: %s", c->path, reason);
}

__attribute__((format(printf, 3, 4))) static bool fail_at(struct ctx *c, const yaml_node_t *node,
                                                          const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_v(c, SITREP_ERR_INVALID, node ? &node->start_mark : NULL, fmt, ap);
    va_end(ap);
    return false;
}

__attribute__((format(printf, 3, 4))) static bool fail_file(struct ctx *c, sitrep_status status,
                                                            const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_v(c, status, NULL, fmt, ap);
    va_end(ap);
    return false;
}

static bool nomem(struct ctx *c)
{
    return fail_file(c, SITREP_ERR_NOMEM, "out of memory");
}

static yaml_node_t *node(struct ctx *c, int id)
{
    return yaml_document_get_node(c->doc, id);
}

/* An empty plain scalar ("key:" with nothing after it) or "~"/"null". */
static bool is_null(const yaml_node_t *n)
{
    const char *v;
    if (!n || n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    v = (const char *)n->data.scalar.value;
    return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
           !strcmp(v, "NULL");
}

/* The text of a non-empty scalar, or NULL after reporting what is wrong. */
static const char *need_text(struct ctx *c, const yaml_node_t *n, const char *what)
{
    const char *v;
    if (!n || n->type != YAML_SCALAR_NODE)
        return fail_at(c, n, "%s: expected text", what), NULL;
    v = (const char *)n->data.scalar.value;
    if (strlen(v) != n->data.scalar.length)
        return fail_at(c, n, "%s: contains a NUL character", what), NULL;
    if (!*v || is_null(n))
        return fail_at(c, n, "%s: must not be empty", what), NULL;
    return v;
}

static bool need_number(struct ctx *c, const yaml_node_t *n, const char *what, double lo,
                        double hi, double *out)
{
    const char *v = need_text(c, n, what);
    char *end;
    double d;

    if (!v)
        return false;
    errno = 0;
    d = strtod(v, &end);
    if (errno || end == v || *end || !(d >= lo && d <= hi))
        return fail_at(c, n, "%s: \"%.40s\" is not a number from %g to %g", what, v, lo, hi);
    *out = d;
    return true;
}

static bool need_population(struct ctx *c, const yaml_node_t *n, long *out)
{
    const char *v = need_text(c, n, "population");
    char *end;
    long p;

    if (!v)
        return false;
    errno = 0;
    p = strtol(v, &end, 10);
    if (errno || end == v || *end || *v < '0' || *v > '9')
        return fail_at(c, n, "population: \"%.40s\" is not a whole number", v);
    *out = p;
    return true;
}

/* aliases: a list of names (or empty).  *out is a new array of borrowed
 * strings the caller frees. */
static bool need_aliases(struct ctx *c, const yaml_node_t *n, const char ***out, size_t *count)
{
    const char **list = NULL;
    size_t k = 0, len;

    *out = NULL;
    *count = 0;
    if (is_null(n))
        return true;
    if (n->type != YAML_SEQUENCE_NODE)
        return fail_at(c, n, "aliases: expected a list of names, such as [Kyiv, Kiev]");
    len = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (len > MAX_ALIASES)
        return fail_at(c, n, "aliases: more than %d", MAX_ALIASES);
    if (len == 0)
        return true;
    list = calloc(len, sizeof *list);
    if (!list)
        return nomem(c);
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        const char *v = need_text(c, node(c, *it), "aliases");
        if (!v) {
            free(list);
            return false;
        }
        list[k++] = v;
    }
    *out = list;
    *count = k;
    return true;
}

/* The keys an entry may have; their nodes are collected in vals. */
struct field {
    const char *key;
    bool required;
};

/* Collects the values of mapping n by the field table; unknown and repeated
 * keys are errors.  vals[i] is NULL for an absent key. */
static bool collect(struct ctx *c, const yaml_node_t *n, const char *what,
                    const struct field *fields, size_t nfields, yaml_node_t **vals)
{
    for (size_t i = 0; i < nfields; i++)
        vals[i] = NULL;
    if (n->type != YAML_MAPPING_NODE)
        return fail_at(c, n, "%s: expected a map of keys such as \"name:\"", what);
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(c, p->key);
        const char *key = k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value
                                                           : NULL;
        size_t i;
        if (!key)
            return fail_at(c, k, "%s: keys must be plain words", what);
        for (i = 0; i < nfields && strcmp(fields[i].key, key) != 0; i++)
            ;
        if (i == nfields) {
            char known[256] = "";
            for (size_t j = 0; j < nfields; j++) {
                strncat(known, j ? ", " : "", sizeof known - strlen(known) - 1);
                strncat(known, fields[j].key, sizeof known - strlen(known) - 1);
            }
            return fail_at(c, k, "%s: unknown key \"%.40s\" (known: %s)", what, key, known);
        }
        if (vals[i])
            return fail_at(c, k, "%s: \"%s\" given twice", what, key);
        vals[i] = node(c, p->value);
    }
    for (size_t i = 0; i < nfields; i++)
        if (fields[i].required && !vals[i])
            return fail_at(c, n, "%s: \"%s\" is missing", what, fields[i].key);
    return true;
}

enum { P_ID, P_NAME, P_KIND, P_COUNTRY, P_ADMIN1, P_LAT, P_LON, P_POPULATION, P_ALIASES, P_N };

static const struct field place_fields[P_N] = {
    [P_ID] = {"id", false},
    [P_NAME] = {"name", true},
    [P_KIND] = {"kind", false}, /* required for new places, checked below */
    [P_COUNTRY] = {"country", false},
    [P_ADMIN1] = {"admin1", false},
    [P_LAT] = {"lat", false},
    [P_LON] = {"lon", false},
    [P_POPULATION] = {"population", false},
    [P_ALIASES] = {"aliases", false},
};

/* An entry whose id names a place we have adds names to it and nothing
 * else. */
static bool amend_place(struct ctx *c, const yaml_node_t *entry, yaml_node_t **v, const char *id,
                        const char *name, const char **aliases, size_t n_aliases)
{
    sitrep_status st;

    for (size_t i = 0; i < P_N; i++)
        if (v[i] && i != P_ID && i != P_NAME && i != P_ALIASES)
            return fail_at(c, v[i],
                           "place %.80s exists already: only name and aliases may be added to "
                           "it, not \"%s\"",
                           id, place_fields[i].key);
    st = gz_add_place_alias(c->gz, id, name);
    for (size_t k = 0; st == SITREP_OK && k < n_aliases; k++)
        st = gz_add_place_alias(c->gz, id, aliases[k]);
    if (st == SITREP_ERR_NOMEM)
        return nomem(c);
    if (st != SITREP_OK)
        return fail_at(c, entry, "place %.80s: a name is longer than 1024 bytes", id);
    return true;
}

static bool load_place(struct ctx *c, const yaml_node_t *entry)
{
    yaml_node_t *v[P_N];
    struct gz_place_spec s = {0};
    const char **aliases = NULL;
    char why[MSG_MAX];
    sitrep_status st;
    bool ok = false;

    if (!collect(c, entry, "place", place_fields, P_N, v))
        goto out;
    if (v[P_ID] && !(s.id = need_text(c, v[P_ID], "id")))
        goto out;
    if (!(s.name = need_text(c, v[P_NAME], "name")))
        goto out;
    if (v[P_ALIASES] && !need_aliases(c, v[P_ALIASES], &aliases, &s.n_aliases))
        goto out;
    s.aliases = aliases;
    if (s.id && sitrep_gazetteer_get(c->gz, s.id)) {
        ok = amend_place(c, entry, v, s.id, s.name, aliases, s.n_aliases);
        goto out;
    }
    if (!v[P_KIND]) {
        fail_at(c, entry, "place: \"kind\" is missing (region, city, admin1 or country)");
        goto out;
    }
    {
        const char *k = need_text(c, v[P_KIND], "kind");
        if (!k)
            goto out;
        if (!gz_parse_kind(k, &s.kind)) {
            fail_at(c, v[P_KIND], "kind: \"%.40s\" is not region, city, admin1 or country", k);
            goto out;
        }
    }
    s.country = "";
    if (v[P_COUNTRY]) {
        if (!(s.country = need_text(c, v[P_COUNTRY], "country")))
            goto out;
        if (!gz_valid_country(s.country)) {
            fail_at(c, v[P_COUNTRY], "country: \"%.40s\" is not a two-letter ISO code such as UA",
                    s.country);
            goto out;
        }
    } else if (s.kind != SITREP_PLACE_REGION) {
        fail_at(c, entry, "place %.80s: \"country\" is missing (only a region may span "
                          "countries)",
                s.name);
        goto out;
    }
    s.admin1 = "";
    if (v[P_ADMIN1]) {
        if (!(s.admin1 = need_text(c, v[P_ADMIN1], "admin1")))
            goto out;
        if (s.kind != SITREP_PLACE_CITY && s.kind != SITREP_PLACE_REGION) {
            fail_at(c, v[P_ADMIN1], "admin1: only a city or a region lies in an admin-1 region");
            goto out;
        }
        if (!*s.country) {
            fail_at(c, v[P_ADMIN1], "admin1: needs a country");
            goto out;
        }
    }
    if (!v[P_LAT] || !v[P_LON]) {
        fail_at(c, entry, "place %.80s: \"lat\" and \"lon\" are both needed", s.name);
        goto out;
    }
    if (!need_number(c, v[P_LAT], "lat", -90, 90, &s.lat) ||
        !need_number(c, v[P_LON], "lon", -180, 180, &s.lon))
        goto out;
    if (v[P_POPULATION] && !need_population(c, v[P_POPULATION], &s.population))
        goto out;
    st = gz_add_place(c->gz, &s, why, sizeof why);
    if (st == SITREP_ERR_NOMEM) {
        nomem(c);
        goto out;
    }
    if (st != SITREP_OK) {
        fail_at(c, entry, "place %.80s: %s", s.name, why);
        goto out;
    }
    ok = true;
out:
    free(aliases);
    return ok;
}

enum { R_NAME, R_SURNAME, R_ALIASES, R_N };

static const struct field person_fields[R_N] = {
    [R_NAME] = {"name", true},
    [R_SURNAME] = {"surname", false},
    [R_ALIASES] = {"aliases", false},
};

static bool load_person(struct ctx *c, const yaml_node_t *entry)
{
    yaml_node_t *v[R_N];
    const char *name, *surname = NULL, **aliases = NULL;
    size_t n_aliases = 0;
    char why[MSG_MAX];
    sitrep_status st;
    bool ok = false;

    if (!collect(c, entry, "person", person_fields, R_N, v))
        goto out;
    if (!(name = need_text(c, v[R_NAME], "name")))
        goto out;
    if (v[R_SURNAME] && !(surname = need_text(c, v[R_SURNAME], "surname")))
        goto out;
    if (v[R_ALIASES] && !need_aliases(c, v[R_ALIASES], &aliases, &n_aliases))
        goto out;
    st = gz_add_person(c->gz, name, surname, aliases, n_aliases, why, sizeof why);
    if (st == SITREP_ERR_NOMEM) {
        nomem(c);
        goto out;
    }
    if (st != SITREP_OK) {
        fail_at(c, entry, "person %.80s: %s", name, why);
        goto out;
    }
    ok = true;
out:
    free(aliases);
    return ok;
}

/* places: and persons: are lists of entries (or empty). */
static bool load_list(struct ctx *c, const yaml_node_t *n, const char *what,
                      bool (*load)(struct ctx *, const yaml_node_t *))
{
    if (is_null(n))
        return true;
    if (n->type != YAML_SEQUENCE_NODE)
        return fail_at(c, n, "%s: expected a list of entries, each starting with \"- \"", what);
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++)
        if (!load(c, node(c, *it)))
            return false;
    return true;
}

/* libyaml's own diagnosis; reader errors (bad UTF-8) carry an offset. */
static bool fail_parser(struct ctx *c, const yaml_parser_t *parser)
{
    const char *problem = parser->problem ? parser->problem : "cannot parse";

    if (parser->error == YAML_MEMORY_ERROR)
        return nomem(c);
    if (parser->error == YAML_READER_ERROR)
        return fail_file(c, SITREP_ERR_INVALID, "%s at byte offset %zu", problem,
                         parser->problem_offset);
    {
        yaml_node_t fake = {0};
        fake.start_mark = parser->problem_mark;
        if (parser->context)
            return fail_at(c, &fake, "%s (%s at %zu:%zu)", problem, parser->context,
                           parser->context_mark.line + 1, parser->context_mark.column + 1);
        return fail_at(c, &fake, "%s", problem);
    }
}

sitrep_status sitrep_gazetteer_load_supplement(sitrep_gazetteer *gz, const char *path,
                                               char **errmsg)
{
    struct ctx c = {gz, path ? path : "(null)", NULL, NULL, SITREP_OK};
    yaml_parser_t parser;
    yaml_document_t doc, extra;
    bool have_parser = false, have_doc = false, have_extra = false;
    yaml_node_t *root;
    FILE *f = NULL;

    if (errmsg)
        *errmsg = NULL;
    if (!gz || !path) {
        fail_file(&c, SITREP_ERR_INVALID, "invalid argument");
        goto out;
    }
    if (!(f = fopen(path, "rb"))) {
        fail_file(&c, SITREP_ERR_IO, "cannot open: %s", strerror(errno));
        goto out;
    }
    if (!yaml_parser_initialize(&parser)) {
        nomem(&c);
        goto out;
    }
    have_parser = true;
    yaml_parser_set_input_file(&parser, f);
    if (!yaml_parser_load(&parser, &doc)) {
        fail_parser(&c, &parser);
        goto out;
    }
    have_doc = true;
    if (!yaml_parser_load(&parser, &extra)) {
        fail_parser(&c, &parser);
        goto out;
    }
    have_extra = true;
    if ((root = yaml_document_get_root_node(&extra)) != NULL) {
        fail_at(&c, root, "only one YAML document is allowed");
        goto out;
    }
    c.doc = &doc;
    root = yaml_document_get_root_node(&doc);
    if (root && !is_null(root)) {
        static const struct field top[] = {{"places", false}, {"persons", false}};
        yaml_node_t *v[2];
        if (!collect(&c, root, "top level", top, 2, v))
            goto out;
        if (v[0] && !load_list(&c, v[0], "places", load_place))
            goto out;
        if (v[1] && !load_list(&c, v[1], "persons", load_person))
            goto out;
    }
out:
    if (have_extra)
        yaml_document_delete(&extra);
    if (have_doc)
        yaml_document_delete(&doc);
    if (have_parser)
        yaml_parser_delete(&parser);
    if (f)
        fclose(f);
    if (c.msg || c.status != SITREP_OK) {
        if (c.status == SITREP_OK)
            c.status = SITREP_ERR_NOMEM; /* the message itself could not be made */
        if (errmsg)
            *errmsg = c.msg;
        else
            free(c.msg);
    }
    return c.status;
}
