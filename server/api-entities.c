/* api-entities.c - GET /v1/entities (autocompletion of places and persons,
 * with document counts) and GET /v1/entities/{id} (one entity).
 *
 * Which entities exist, and how many articles each has, is the index's to
 * say: a place's count is the document count of the term place=<id> filters
 * on (XP<id>; for a country its N term, which covers the places inside it),
 * a person's that of XPE<id>, so every count is exactly the total of the
 * matching filter, and entities no article mentions (count 0) are never
 * suggested.  What they are called is the gazetteer's to say:
 *
 *   - places are found through the gazetteer's prefix index (names.h), by
 *     any name or alternate name in any script ("Харк" finds Kharkiv), at
 *     the start of any word of it; each candidate then costs one term
 *     lookup for its count;
 *   - persons are the index's own (the XPE terms: the extractor finds
 *     persons the gazetteer never listed), matched by the words of their
 *     id (the slug of their name: "zel" finds person:volodymyr-zelensky),
 *     and the supplement's persons also by every name and alias
 *     ("Zelenskyy", "Зеленський").  A person's name is the supplement's, or
 *     the name the indexer stored with the first article about them.
 *
 * Without a prefix the most frequent entities come first, from the index's
 * terms alone.  Ranking: count descending, then name (folded), then id.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "dbpool.h"
#include "names.h"
#include "params.h"
#include "schema.h"
#include "text.h"

struct candidate {
    const struct sitrep_place *place;   /* a place, or NULL */
    const struct sitrep_person *person; /* the supplement's person, or NULL */
    char *id;                           /* a person's id (owned); NULL for places */
    char *name;                         /* a person's name (owned) once known; NULL for places */
    const char *matched;                /* the name that matched the prefix, borrowed */
    char *sort_key;                     /* owned: the folded name ranks equal counts */
    uint64_t count;
};

struct candidates {
    struct candidate *v;
    size_t n, cap;
};

static void candidates_free(struct candidates *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].id);
        free(c->v[i].name);
        free(c->v[i].sort_key);
    }
    free(c->v);
    memset(c, 0, sizeof *c);
}

/* A new zeroed candidate at the end of c, or NULL. */
static struct candidate *candidate_add(struct candidates *c)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 32;
        struct candidate *v = realloc(c->v, cap * sizeof *v);
        if (!v)
            return NULL;
        c->v = v;
        c->cap = cap;
    }
    memset(&c->v[c->n], 0, sizeof c->v[0]);
    return &c->v[c->n++];
}

static const char *kind_name(enum sitrep_place_kind kind)
{
    switch (kind) {
    case SITREP_PLACE_COUNTRY:
        return "country";
    case SITREP_PLACE_ADMIN1:
        return "admin1";
    case SITREP_PLACE_REGION:
        return "region";
    case SITREP_PLACE_CITY:
    default:
        return "city";
    }
}

/* The filter term of a place: its country's N term for a country. */
static char *place_term(const struct sitrep_place *p)
{
    if (p->kind == SITREP_PLACE_COUNTRY && p->country && *p->country)
        return sitrep_schema_term(SITREP_FIELD_COUNTRY, p->country);
    return sitrep_schema_term(SITREP_FIELD_PLACE, p->id);
}

static sitrep_status term_count(sitrep_db *db, char *term, uint64_t *count)
{
    sitrep_status st = term ? sitrep_db_term_freq(db, term, count) : SITREP_ERR_NOMEM;
    free(term);
    return st;
}

static int by_place(const void *a, const void *b)
{
    const struct candidate *x = a, *y = b;
    uintptr_t px = (uintptr_t)x->place, py = (uintptr_t)y->place;
    return px < py ? -1 : px > py;
}

/* ---- places ----------------------------------------------------------- */

/* Places with a name that starts with prefix, and their counts. */
static sitrep_status places_by_prefix(const struct srv_app *app, sitrep_db *db, const char *prefix,
                                      struct candidates *out)
{
    const sitrep_gazetteer_names *names = app->names ? srv_names_get(app->names) : NULL;
    struct candidates all = {0};
    sitrep_status st = SITREP_OK;
    size_t first, n;

    if (!names)
        return SITREP_OK;
    n = sitrep_gazetteer_names_prefix(names, prefix, &first);
    /* Every match, then one per place: its first name in key order (the
     * closest to the prefix), or its own name when that matched too. */
    for (size_t k = first; k < first + n; k++) {
        struct sitrep_entity_name e;
        sitrep_gazetteer_names_match(names, k, &e);
        if (!e.place)
            continue;
        struct candidate *c = candidate_add(&all);
        if (!c) {
            st = SITREP_ERR_NOMEM;
            goto out;
        }
        c->place = e.place;
        c->matched = e.name;
        c->count = k; /* for now: the match's rank */
    }
    if (all.n)
        qsort(all.v, all.n, sizeof *all.v, by_place);
    for (size_t i = 0; i < all.n;) {
        size_t j = i, best = i;
        for (; j < all.n && all.v[j].place == all.v[i].place; j++) {
            if (strcmp(all.v[j].matched, all.v[j].place->name) == 0)
                best = j, all.v[j].count = 0; /* the own name wins */
            if (all.v[j].count < all.v[best].count)
                best = j;
        }
        uint64_t count;
        if ((st = term_count(db, place_term(all.v[best].place), &count)) != SITREP_OK)
            goto out;
        if (count > 0) {
            struct candidate *c = candidate_add(out);
            if (!c) {
                st = SITREP_ERR_NOMEM;
                goto out;
            }
            c->place = all.v[best].place;
            c->matched = all.v[best].matched;
            c->count = count;
        }
        i = j;
    }
out:
    candidates_free(&all);
    return st;
}

/* Every place of the index with its count (no prefix). */
static sitrep_status places_of_index(const struct srv_app *app, sitrep_db *db,
                                     struct candidates *out)
{
    static const char *const prefixes[] = {"XPgeonames:", "XPsitrep:", "N"};
    sitrep_status st = SITREP_OK;
    sitrep_terms *t = NULL;

    if (!app->gz)
        return SITREP_OK;
    for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++) {
        bool country = prefixes[k][0] == 'N';
        if ((st = sitrep_db_terms(db, prefixes[k], &t)) != SITREP_OK)
            goto out;
        for (; sitrep_terms_valid(t); sitrep_terms_next(t)) {
            const char *term = sitrep_terms_get(t, NULL);
            const struct sitrep_place *p = country ? sitrep_gazetteer_country(app->gz, term + 1)
                                                   : sitrep_gazetteer_get(app->gz, term + 2);
            /* A country counts through its N term, not its XP one. */
            if (!p || (!country && p->kind == SITREP_PLACE_COUNTRY))
                continue;
            struct candidate *c = candidate_add(out);
            if (!c) {
                st = SITREP_ERR_NOMEM;
                goto out;
            }
            c->place = p;
            c->count = sitrep_terms_freq(t);
        }
        if ((st = sitrep_terms_status(t)) != SITREP_OK)
            goto out;
        sitrep_terms_destroy(t);
        t = NULL;
    }
out:
    if (t)
        sitrep_terms_destroy(t);
    return st;
}

/* ---- persons ---------------------------------------------------------- */

/* True when one of the '-'-separated words of slug starts with want (a
 * slug too: several words must start at a word). */
static bool slug_words_start(const char *slug, const char *want)
{
    size_t len = strlen(want);
    for (const char *w = slug; w; w = strchr(w, '-') ? strchr(w, '-') + 1 : NULL)
        if (strncmp(w, want, len) == 0)
            return true;
    return false;
}

/* The name by which the prefix (matches first .. first + n - 1) finds the
 * supplement's person: the person's own name when that matches, else the
 * first alias in key order; NULL when none matches. */
static const char *alias_match(const sitrep_gazetteer_names *names, size_t first, size_t n,
                               const struct sitrep_person *person)
{
    const char *found = NULL;
    for (size_t k = first; names && person && k < first + n; k++) {
        struct sitrep_entity_name e;
        sitrep_gazetteer_names_match(names, k, &e);
        if (e.person != person)
            continue;
        if (strcmp(e.name, person->name) == 0)
            return e.name;
        if (!found)
            found = e.name;
    }
    return found;
}

static sitrep_status persons(const struct srv_app *app, sitrep_db *db, const char *prefix,
                             struct candidates *out)
{
    const sitrep_gazetteer_names *names = app->names ? srv_names_get(app->names) : NULL;
    const char *field = sitrep_schema[SITREP_FIELD_PERSON].prefix;
    char *key = prefix ? sitrep_gazetteer_name_key(prefix, strlen(prefix)) : NULL;
    char *want = key ? sitrep_text_slug(key) : NULL;
    sitrep_terms *t = NULL;
    sitrep_status st = SITREP_OK;
    size_t first = 0, n = 0;
    char term_prefix[32];

    if (prefix && (!key || !want)) {
        /* Not text: matches nothing (or memory ran out). */
        st = key && !want ? SITREP_ERR_NOMEM : SITREP_OK;
        goto out;
    }
    if (prefix && names)
        n = sitrep_gazetteer_names_prefix(names, prefix, &first);
    snprintf(term_prefix, sizeof term_prefix, "%sperson:", field);
    if ((st = sitrep_db_terms(db, term_prefix, &t)) != SITREP_OK)
        goto out;
    for (; sitrep_terms_valid(t); sitrep_terms_next(t)) {
        const char *id = sitrep_terms_get(t, NULL) + strlen(field);
        const struct sitrep_person *p = names ? sitrep_gazetteer_names_person(names, id) : NULL;
        const char *matched = NULL;
        if (prefix) {
            matched = alias_match(names, first, n, p);
            if (!matched && !(*want && slug_words_start(id + 7, want)))
                continue;
        }
        struct candidate *c = candidate_add(out);
        if (!c || !(c->id = strdup(id))) {
            st = SITREP_ERR_NOMEM;
            goto out;
        }
        c->person = p;
        c->matched = matched;
        c->count = sitrep_terms_freq(t);
        if (p && !(c->name = strdup(p->name))) {
            st = SITREP_ERR_NOMEM;
            goto out;
        }
    }
    st = sitrep_terms_status(t);
out:
    if (t)
        sitrep_terms_destroy(t);
    free(key);
    free(want);
    return st;
}

/* ---- ranking and output ----------------------------------------------- */

static const char *candidate_id(const struct candidate *c)
{
    return c->place ? c->place->id : c->id;
}

static int by_rank(const void *a, const void *b)
{
    const struct candidate *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    int c = strcmp(x->sort_key, y->sort_key);
    return c ? c : strcmp(candidate_id(x), candidate_id(y));
}

/* The folded name that ranks a candidate among equal counts: a person
 * whose name is not known yet by their id's words. */
static sitrep_status set_sort_key(struct candidate *c)
{
    if (c->place || c->name) {
        const char *name = c->place ? c->place->name : c->name;
        c->sort_key = sitrep_gazetteer_name_key(name, strlen(name));
        if (!c->sort_key)
            c->sort_key = strdup(name);
    } else {
        c->sort_key = strdup(c->id + 7);
        for (char *s = c->sort_key; s && *s; s++)
            if (*s == '-')
                *s = ' ';
    }
    return c->sort_key ? SITREP_OK : SITREP_ERR_NOMEM;
}

/* A person's name: the supplement's, else the one indexed with the first
 * article about them, else the id's words. */
static sitrep_status person_name(sitrep_db *db, const char *id, char **name)
{
    char *term = sitrep_schema_term(SITREP_FIELD_PERSON, id);
    sitrep_status st =
        term ? sitrep_db_facet_label(db, term, SITREP_SLOT_PERSONS, id, name) : SITREP_ERR_NOMEM;
    free(term);
    if (st == SITREP_OK && !**name) {
        free(*name);
        *name = NULL;
        st = SITREP_ERR_NOT_FOUND;
    }
    if (st == SITREP_ERR_NOT_FOUND)
        st = (*name = strdup(id + 7)) ? SITREP_OK : SITREP_ERR_NOMEM;
    return st;
}

static json_t *number_or_null(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

static json_t *candidate_json(const struct candidate *c, bool with_matched)
{
    json_t *o;
    if (c->place) {
        const struct sitrep_place *p = c->place;
        o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:I}", "id", p->id, "type", "place",
                      "kind", kind_name(p->kind), "name", p->name, "country",
                      p->country ? p->country : "", "admin1", p->admin1 ? p->admin1 : "", "lat",
                      number_or_null(p->lat), "lon", number_or_null(p->lon), "count",
                      (json_int_t)c->count);
    } else {
        o = json_pack("{s:s, s:s, s:s, s:I}", "id", c->id, "type", "person", "name",
                      c->name ? c->name : "", "count", (json_int_t)c->count);
    }
    if (o && with_matched &&
        json_object_set_new(o, "matched", c->matched ? json_string(c->matched) : json_null())) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Checks out the index and records its revision; 0 or an error status. */
static unsigned open_index(const struct srv_app *app, struct srv_request *req, sitrep_db **db,
                           struct sitrep_db_stats *stats, json_t **out)
{
    unsigned status = srv_api_checkout(app, req, db, out);
    if (status)
        return status;
    if (sitrep_db_get_stats(*db, stats) == SITREP_OK) {
        req->has_revision = true;
        req->revision = stats->revision;
    }
    return 0;
}

static unsigned fail_index(struct srv_request *req, sitrep_db *db, sitrep_status st, bool *broken,
                           json_t **out)
{
    if (st == SITREP_ERR_NOMEM)
        return srv_fail_nomem(req, out);
    fprintf(stderr, "sitrepd: request %s: entities: %s: %s\n", req->id, sitrep_status_to_string(st),
            sitrep_db_last_error(db));
    *broken = true;
    return srv_fail(req, out, 500, "internal_error", NULL, "the lookup failed (request %s)",
                    req->id);
}

unsigned srv_api_entities(const struct srv_app *app, struct srv_request *req, json_t **out)
{
    struct srv_limits lim = {app->cfg->max_query_bytes, app->cfg->max_page_size,
                             app->cfg->max_window, 0};
    struct srv_search_params sp;
    struct srv_param_error perr;
    struct sitrep_db_stats stats;
    struct candidates found = {0};
    struct timespec t0;
    sitrep_db *db = NULL;
    bool broken = false;
    unsigned status;
    sitrep_status st = SITREP_OK;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (!srv_search_params_parse(&req->params, &lim, SRV_EP_ENTITIES, &sp, &perr))
        return srv_fail(req, out, perr.status, perr.code, perr.param, "%s", perr.message);
    if ((status = open_index(app, req, &db, &stats, out)))
        goto out;
    if (sp.entity_types & SRV_ENTITY_PLACE)
        st = sp.prefix ? places_by_prefix(app, db, sp.prefix, &found)
                       : places_of_index(app, db, &found);
    if (st == SITREP_OK && (sp.entity_types & SRV_ENTITY_PERSON))
        st = persons(app, db, sp.prefix, &found);
    for (size_t i = 0; st == SITREP_OK && i < found.n; i++)
        st = set_sort_key(&found.v[i]);
    if (st != SITREP_OK) {
        status = fail_index(req, db, st, &broken, out);
        goto out;
    }
    if (found.n)
        qsort(found.v, found.n, sizeof *found.v, by_rank);

    json_t *list = json_array(), *types = json_array();
    json_t *body = json_pack("{s:{s:o, s:o, s:I}, s:o, s:I, s:o}", "query", "type",
                             types ? types : json_null(), "prefix",
                             sp.prefix ? json_string(sp.prefix) : json_null(), "limit",
                             (json_int_t)sp.limit, "index",
                             json_pack("{s:I, s:I}", "revision", (json_int_t)stats.revision,
                                       "documents", (json_int_t)stats.documents),
                             "took_ms", (json_int_t)0, "entities", list ? list : json_null());
    *out = body;
    if (!body || !list || !types ||
        ((sp.entity_types & SRV_ENTITY_PLACE) &&
         json_array_append_new(types, json_string("place"))) ||
        ((sp.entity_types & SRV_ENTITY_PERSON) &&
         json_array_append_new(types, json_string("person")))) {
        status = srv_fail_nomem(req, out);
        goto out;
    }
    for (size_t i = 0; i < found.n && i < sp.limit; i++) {
        struct candidate *c = &found.v[i];
        if (!c->place && !c->name && (st = person_name(db, c->id, &c->name)) != SITREP_OK) {
            json_decref(*out);
            *out = NULL;
            status = fail_index(req, db, st, &broken, out);
            goto out;
        }
        if (json_array_append_new(list, candidate_json(c, sp.prefix != NULL))) {
            status = srv_fail_nomem(req, out);
            goto out;
        }
    }
    json_object_set_new(body, "took_ms", json_integer(srv_api_elapsed_ms(&t0)));
    status = 200;
out:
    candidates_free(&found);
    if (db)
        srv_dbpool_checkin(app->pool, db, broken);
    srv_search_params_free(&sp);
    return status;
}

/* ---- one entity ------------------------------------------------------- */

/* Every name of the entity but its own, once each. */
static json_t *aliases_json(const sitrep_gazetteer_names *names, const struct sitrep_place *place,
                            const struct sitrep_person *person, const char *own)
{
    json_t *list = json_array();
    if (!list || !names)
        return list;
    size_t n = sitrep_gazetteer_names_of(names, place, person, NULL, 0);
    struct sitrep_entity_name *all = calloc(n ? n : 1, sizeof *all);
    if (!all) {
        json_decref(list);
        return NULL;
    }
    sitrep_gazetteer_names_of(names, place, person, all, n);
    for (size_t i = 0; i < n; i++) {
        bool seen = strcmp(all[i].name, own) == 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(all[j].name, all[i].name) == 0;
        if (!seen && json_array_append_new(list, json_string(all[i].name))) {
            json_decref(list);
            list = NULL;
            break;
        }
    }
    free(all);
    return list;
}

static json_t *place_entity_json(const struct srv_app *app, const sitrep_gazetteer_names *names,
                                 const struct sitrep_place *p, uint64_t count)
{
    const struct sitrep_place *admin1 =
        p->admin1_id && *p->admin1_id ? sitrep_gazetteer_get(app->gz, p->admin1_id) : NULL;
    const struct sitrep_place *country =
        p->kind != SITREP_PLACE_COUNTRY && p->country && *p->country
            ? sitrep_gazetteer_country(app->gz, p->country)
            : NULL;
    json_t *hierarchy = json_pack(
        "{s:o, s:o}", "admin1",
        admin1 ? json_pack("{s:s, s:s}", "id", admin1->id, "name", admin1->name) : json_null(),
        "country",
        country ? json_pack("{s:s, s:s, s:s}", "id", country->id, "code", country->country, "name",
                            country->name)
                : json_null());
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:I, s:I}", "id", p->id,
                     "type", "place", "kind", kind_name(p->kind), "name", p->name, "aliases",
                     aliases_json(names, p, NULL, p->name), "country", p->country ? p->country : "",
                     "admin1", p->admin1 ? p->admin1 : "", "hierarchy", hierarchy, "lat",
                     number_or_null(p->lat), "lon", number_or_null(p->lon), "population",
                     (json_int_t)p->population, "count", (json_int_t)count);
}

unsigned srv_api_entity(const struct srv_app *app, struct srv_request *req, json_t **out)
{
    const char *id = req->path_arg;
    const sitrep_gazetteer_names *names = NULL;
    struct sitrep_db_stats stats;
    sitrep_db *db = NULL;
    char *name = NULL;
    bool broken = false;
    uint64_t count = 0;
    unsigned status;
    sitrep_status st;

    if (req->params.n > 0)
        return srv_fail(req, out, 400, "invalid_parameter", req->params.items[0].key,
                        "unknown parameter '%s' (/v1/entities/{id} takes none)",
                        req->params.items[0].key);
    if (!id || !sitrep_utf8_valid(id, strlen(id), NULL))
        return srv_fail(req, out, 404, "not_found", NULL, "no entity with that id");
    if ((status = open_index(app, req, &db, &stats, out)))
        goto out;
    names = app->names ? srv_names_get(app->names) : NULL;

    if (strncmp(id, "person:", 7) == 0) {
        const struct sitrep_person *p = names ? sitrep_gazetteer_names_person(names, id) : NULL;
        if ((st = term_count(db, sitrep_schema_term(SITREP_FIELD_PERSON, id), &count)) !=
            SITREP_OK) {
            status = fail_index(req, db, st, &broken, out);
            goto out;
        }
        if (!p && count == 0) {
            status = srv_fail(req, out, 404, "not_found", NULL, "no entity with id '%s'", id);
            goto out;
        }
        if (!p && (st = person_name(db, id, &name)) != SITREP_OK) {
            status = fail_index(req, db, st, &broken, out);
            goto out;
        }
        *out =
            json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:I}", "id", id, "type", "person", "kind",
                      "person", "name", p ? p->name : name, "surname",
                      p && p->surname ? json_string(p->surname) : json_null(), "aliases",
                      aliases_json(names, NULL, p, p ? p->name : name), "count", (json_int_t)count);
    } else {
        const struct sitrep_place *p = sitrep_gazetteer_get(app->gz, id);
        if (!p) {
            status = srv_fail(req, out, 404, "not_found", NULL, "no entity with id '%s'", id);
            goto out;
        }
        if ((st = term_count(db, place_term(p), &count)) != SITREP_OK) {
            status = fail_index(req, db, st, &broken, out);
            goto out;
        }
        *out = place_entity_json(app, names, p, count);
    }
    status = *out ? 200 : srv_fail_nomem(req, out);
out:
    free(name);
    if (db)
        srv_dbpool_checkin(app->pool, db, broken);
    return status;
}
