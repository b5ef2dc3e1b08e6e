/* search.c - parameters to query, shared by /v1/search and /v1/timeline.
 *
 * Order of work: parse and validate every parameter, resolve places and
 * persons (both can fail with a 400 before the index is touched), then take
 * a database handle and build the query. */
#include "search.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "dbpool.h"
#include "resolve.h"
#include "schema.h"

void srv_search_init(struct srv_search *s)
{
    memset(s, 0, sizeof *s);
}

void srv_search_free(const struct srv_app *app, struct srv_search *s)
{
    for (size_t i = 0; i < s->n_filters; i++) {
        struct srv_filter *f = &s->filters[i];
        if (f->from_schema) {
            sitrep_schema_terms_free(f->terms, f->n);
        } else {
            for (size_t j = 0; j < f->n; j++)
                free(f->terms[j]);
            free(f->terms);
        }
    }
    for (size_t i = 0; i < s->n_near; i++)
        free(s->near[i].id);
    free(s->near);
    if (s->q)
        sitrep_query_destroy(s->q);
    if (s->db && s->own_db)
        sitrep_db_destroy(s->db);
    else if (s->db)
        srv_dbpool_checkin(app->pool, s->db, s->broken);
    json_decref(s->echo);
    srv_search_params_free(&s->sp);
    srv_search_init(s);
}

/* Starts the filter of one multi-valued parameter, with room for n terms,
 * and the array that echoes its values under param in the response's
 * "query" (borrowed into *echo).  NULL when out of memory. */
static struct srv_filter *new_filter(struct srv_search *s, const char *param, size_t n,
                                     bool exclude, json_t **echo)
{
    struct srv_filter *f = &s->filters[s->n_filters];
    f->terms = calloc(n ? n : 1, sizeof *f->terms);
    if (!f->terms)
        return NULL;
    f->n = 0;
    f->exclude = exclude;
    f->from_schema = false;
    s->n_filters++;
    *echo = json_array();
    if (!*echo || json_object_set_new(s->echo, param, *echo))
        return NULL;
    return f;
}

/* Takes a resolved term into f and echoes its canonical form, which it
 * frees; false when out of memory. */
static bool take_value(struct srv_filter *f, json_t *echo, char *term, char *canonical)
{
    f->terms[f->n++] = term;
    bool ok = json_array_append_new(echo, json_string(canonical)) == 0;
    free(canonical);
    return ok;
}

static json_t *place_json(const struct sitrep_place *p)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:I}", "id", p->id, "name", p->name, "country",
                     p->country ? p->country : "", "admin1", p->admin1 ? p->admin1 : "",
                     "population", (json_int_t)p->population);
}

/* Adds the filter of one place parameter; returns 0 or an error status. */
static unsigned add_place_filter(const struct srv_app *app, struct srv_request *req,
                                 struct srv_search *s, const char *param,
                                 const struct srv_list *values, bool exclude, json_t **out)
{
    if (values->n == 0)
        return 0;
    json_t *echo;
    struct srv_filter *f = new_filter(s, param, values->n, exclude, &echo);
    if (!f)
        return srv_fail_nomem(req, out);

    for (size_t i = 0; i < values->n; i++) {
        struct srv_place_choice c;
        const char *v = values->v[i];
        switch (srv_resolve_place(app->gz, v, &c)) {
        case SRV_RESOLVED:
            if (!take_value(f, echo, c.term, c.canonical))
                return srv_fail_nomem(req, out);
            break;
        case SRV_UNKNOWN:
            return srv_fail(req, out, 400, "invalid_parameter", param, "%s: unknown place '%s'%s",
                            param, v,
                            app->gz ? ""
                                    : " (the gazetteer is not loaded: use an id or a "
                                      "country code)");
        case SRV_AMBIGUOUS: {
            srv_fail(req, out, 400, "ambiguous_entity", param,
                     "%s: '%s' names %zu different places; pass one of the candidate ids", param, v,
                     c.n_candidates);
            json_t *err = srv_error_object(*out);
            json_t *list = json_array();
            if (!err || !list || json_object_set_new(err, "candidates", list)) {
                json_decref(list);
                return srv_fail_nomem(req, out);
            }
            for (size_t j = 0; j < c.n_candidates; j++)
                if (json_array_append_new(list, place_json(c.candidates[j])))
                    return srv_fail_nomem(req, out);
            return 400;
        }
        case SRV_NOMEM:
        default:
            return srv_fail_nomem(req, out);
        }
    }
    return 0;
}

static unsigned add_person_filter(const struct srv_app *app, struct srv_request *req,
                                  struct srv_search *s, const char *param,
                                  const struct srv_list *values, bool exclude, json_t **out)
{
    if (values->n == 0)
        return 0;
    json_t *echo;
    struct srv_filter *f = new_filter(s, param, values->n, exclude, &echo);
    if (!f)
        return srv_fail_nomem(req, out);

    for (size_t i = 0; i < values->n; i++) {
        char *term, *canonical;
        switch (srv_resolve_person(app->gz, values->v[i], &term, &canonical)) {
        case SRV_RESOLVED:
            if (!take_value(f, echo, term, canonical))
                return srv_fail_nomem(req, out);
            break;
        case SRV_UNKNOWN:
        case SRV_AMBIGUOUS:
            return srv_fail(req, out, 400, "invalid_parameter", param,
                            "%s: '%s' is not a name or a person id", param, values->v[i]);
        case SRV_NOMEM:
        default:
            return srv_fail_nomem(req, out);
        }
    }
    return 0;
}

/* source and lang: plain boolean terms, folded by the schema. */
static unsigned add_term_filter(struct srv_request *req, struct srv_search *s, const char *param,
                                enum sitrep_field field, const struct srv_list *values,
                                json_t **out)
{
    if (values->n == 0)
        return 0;
    json_t *echo;
    struct srv_filter *f = new_filter(s, param, values->n, false, &echo);
    if (!f)
        return srv_fail_nomem(req, out);
    for (size_t i = 0; i < values->n; i++) {
        char *term = sitrep_schema_term(field, values->v[i]);
        if (!term)
            return srv_fail_nomem(req, out);
        f->terms[f->n++] = term;
        /* The folded value is what matches; echo that. */
        if (json_array_append_new(echo, json_string(term + strlen(sitrep_schema[field].prefix))))
            return srv_fail_nomem(req, out);
    }
    return 0;
}

static json_t *iso_date(const char *ymd)
{
    char iso[11];
    snprintf(iso, sizeof iso, "%.4s-%.2s-%.2s", ymd, ymd + 4, ymd + 6);
    return json_string(iso);
}

static unsigned add_date_filter(struct srv_request *req, struct srv_search *s, bool event,
                                const char *from, const char *to, json_t **out)
{
    const char *from_name = event ? "event_from" : "from";
    const char *to_name = event ? "event_to" : "to";
    if (!from[0] && !to[0])
        return 0;
    struct srv_filter *f = &s->filters[s->n_filters];
    memset(f, 0, sizeof *f);
    sitrep_status st =
        sitrep_schema_date_terms(event, from[0] ? from : NULL, to[0] ? to : NULL, &f->terms, &f->n);
    if (st == SITREP_ERR_NOMEM)
        return srv_fail_nomem(req, out);
    if (st != SITREP_OK) /* params.c checked the bounds; this is belt and braces */
        return srv_fail(req, out, 400, "invalid_parameter", from[0] ? from_name : to_name,
                        "%s/%s: not a valid date range", from_name, to_name);
    f->from_schema = true;
    s->n_filters++;
    if ((from[0] && json_object_set_new(s->echo, from_name, iso_date(from))) ||
        (to[0] && json_object_set_new(s->echo, to_name, iso_date(to))))
        return srv_fail_nomem(req, out);
    return 0;
}

/* ---- place: and person: inside q -------------------------------------- */

/* The resolve callback of sitrep_query_set_text().  It cannot fail, so it is
 * lenient where the parameters are strict: an ambiguous place matches any of
 * its candidates, an unknown one matches nothing. */
static size_t resolve_in_text(void *ctx, enum sitrep_field field, const char *value, char **terms,
                              size_t max)
{
    const struct srv_app *app = ctx;
    size_t n = 0;

    if (max == 0)
        return 0;
    if (field == SITREP_FIELD_PLACE) {
        struct srv_place_choice c;
        switch (srv_resolve_place(app->gz, value, &c)) {
        case SRV_RESOLVED:
            terms[n++] = c.term;
            free(c.canonical);
            break;
        case SRV_AMBIGUOUS:
            for (size_t i = 0; i < c.n_candidates && n < max; i++) {
                const struct sitrep_place *p = c.candidates[i];
                char *t = p->kind == SITREP_PLACE_COUNTRY
                              ? sitrep_schema_term(SITREP_FIELD_COUNTRY, p->country)
                              : sitrep_schema_term(SITREP_FIELD_PLACE, p->id);
                if (t)
                    terms[n++] = t;
            }
            break;
        default:
            break;
        }
    } else if (field == SITREP_FIELD_PERSON) {
        char *term, *canonical;
        if (srv_resolve_person(app->gz, value, &term, &canonical) == SRV_RESOLVED) {
            terms[n++] = term;
            free(canonical);
        }
    } else {
        char *t = sitrep_schema_term(field, value);
        if (t)
            terms[n++] = t;
    }
    return n;
}

unsigned srv_search_prepare(const struct srv_app *app, struct srv_request *req,
                            const struct srv_params *params, unsigned endpoint,
                            struct srv_search *s, json_t **out)
{
    struct srv_param_error perr;
    struct srv_limits lim = {app->cfg->max_query_bytes, app->cfg->max_page_size,
                             app->cfg->max_window, time(NULL)};
    unsigned status;

    if (!srv_search_params_parse(params, &lim, endpoint, &s->sp, &perr))
        return srv_fail(req, out, perr.status, perr.code, perr.param, "%s", perr.message);

    /* The echo, and every filter, before touching the index. */
    s->echo = json_object();
    if (!s->echo || (s->sp.q && json_object_set_new(s->echo, "q", json_string(s->sp.q))))
        return srv_fail_nomem(req, out);
    if ((s->sp.timespan[0] &&
         json_object_set_new(s->echo, "timespan", json_string(s->sp.timespan))) ||
        (s->sp.near.given && json_object_set_new(s->echo, "near", json_string(s->sp.near.text))) ||
        (s->sp.dedup_given && json_object_set_new(s->echo, "dedup", json_boolean(s->sp.dedup))))
        return srv_fail_nomem(req, out);
    if (s->sp.near.given && !app->gz)
        return srv_fail(req, out, 400, "invalid_parameter", "near",
                        "near: needs the gazetteer's coordinates, and the gazetteer is not "
                        "loaded");
    if ((status = add_place_filter(app, req, s, "place", &s->sp.place, false, out)) ||
        (status =
             add_place_filter(app, req, s, "exclude_place", &s->sp.exclude_place, true, out)) ||
        (status = add_person_filter(app, req, s, "person", &s->sp.person, false, out)) ||
        (status =
             add_person_filter(app, req, s, "exclude_person", &s->sp.exclude_person, true, out)) ||
        (status = add_term_filter(req, s, "source", SITREP_FIELD_SOURCE, &s->sp.source, out)) ||
        (status = add_term_filter(req, s, "lang", SITREP_FIELD_LANG, &s->sp.lang, out)) ||
        (status = add_date_filter(req, s, false, s->sp.from, s->sp.to, out)) ||
        (status = add_date_filter(req, s, true, s->sp.event_from, s->sp.event_to, out)))
        return status;
    return 0;
}

/* ---- near= ------------------------------------------------------------ */

/* Mean Earth radius (IUGG), km: the haversine's error against the
 * ellipsoid (up to 0.5 %) is far below what a town's single point means. */
#define EARTH_KM 6371.0088

static double haversine_km(double lat1, double lon1, double lat2, double lon2)
{
    const double rad = 3.14159265358979323846 / 180;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * EARTH_KM * asin(sqrt(a < 1 ? a : 1));
}

static int by_km(const void *a, const void *b)
{
    const struct srv_near_place *x = a, *y = b;
    return x->km < y->km ? -1 : x->km > y->km ? 1 : strcmp(x->id, y->id);
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct srv_near_place *)a)->id, ((const struct srv_near_place *)b)->id);
}

/* The places of the index (one XP term each: populated places and the
 * named regions of the supplement) that lie within the radius.  The index's
 * own terms, not the whole gazetteer, so the filter has only terms that
 * can match. */
static sitrep_status collect_near(const struct srv_app *app, struct srv_search *s)
{
    static const char *const prefixes[] = {"geonames:", "sitrep:"};
    const char *field = sitrep_schema[SITREP_FIELD_PLACE].prefix;
    size_t plen = strlen(field), cap = 0;
    sitrep_status st = SITREP_OK;
    sitrep_terms *t = NULL;
    char prefix[32];

    for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++) {
        snprintf(prefix, sizeof prefix, "%s%s", field, prefixes[k]);
        if ((st = sitrep_db_terms(s->db, prefix, &t)) != SITREP_OK)
            goto out;
        for (; sitrep_terms_valid(t); sitrep_terms_next(t)) {
            const struct sitrep_place *p = sitrep_gazetteer_get(app->gz,
                                                                sitrep_terms_get(t, NULL) + plen);
            if (!p || p->kind == SITREP_PLACE_COUNTRY || p->kind == SITREP_PLACE_ADMIN1 ||
                isnan(p->lat) || isnan(p->lon))
                continue;
            double km = haversine_km(s->sp.near.lat, s->sp.near.lon, p->lat, p->lon);
            if (km > s->sp.near.radius_km)
                continue;
            if (s->n_near == cap) {
                size_t ncap = cap ? 2 * cap : 64;
                struct srv_near_place *n = realloc(s->near, ncap * sizeof *n);
                if (!n) {
                    st = SITREP_ERR_NOMEM;
                    goto out;
                }
                s->near = n;
                cap = ncap;
            }
            if (!(s->near[s->n_near].id = strdup(p->id))) {
                st = SITREP_ERR_NOMEM;
                goto out;
            }
            s->near[s->n_near++].km = km;
        }
        if ((st = sitrep_terms_status(t)) != SITREP_OK)
            goto out;
        sitrep_terms_destroy(t);
        t = NULL;
    }
    /* The nearest SRV_NEAR_MAX_PLACES, kept in id order for lookups. */
    if (s->n_near) {
        qsort(s->near, s->n_near, sizeof *s->near, by_km);
        while (s->n_near > SRV_NEAR_MAX_PLACES)
            free(s->near[--s->n_near].id);
        qsort(s->near, s->n_near, sizeof *s->near, by_id);
    }
out:
    if (t)
        sitrep_terms_destroy(t);
    return st;
}

/* Resolves near= against the index into an OR filter of place terms, and
 * the ranks of sort=distance.  Returns 0 or an error status. */
static unsigned add_near_filter(const struct srv_app *app, struct srv_request *req,
                                struct srv_search *s, json_t **out)
{
    char **terms = NULL;
    const char **ids = NULL;
    double *km = NULL;
    unsigned status = 0;
    sitrep_status st;

    if ((st = collect_near(app, s)) != SITREP_OK) {
        fprintf(stderr, "sitrepd: request %s: near: %s: %s\n", req->id,
                sitrep_status_to_string(st), sitrep_db_last_error(s->db));
        s->broken = st != SITREP_ERR_NOMEM;
        status = srv_fail(req, out, 500, "internal_error", NULL, "the search failed (request %s)",
                          req->id);
        goto out;
    }
    if (json_object_set_new(s->echo, "near_places", json_integer((json_int_t)s->n_near)))
        goto nomem;
    terms = calloc(s->n_near ? s->n_near : 1, sizeof *terms);
    ids = calloc(s->n_near ? s->n_near : 1, sizeof *ids);
    km = calloc(s->n_near ? s->n_near : 1, sizeof *km);
    if (!terms || !ids || !km)
        goto nomem;
    for (size_t i = 0; i < s->n_near; i++) {
        ids[i] = s->near[i].id;
        km[i] = s->near[i].km;
        if (!(terms[i] = sitrep_schema_term(SITREP_FIELD_PLACE, s->near[i].id)))
            goto nomem;
    }
    /* No place within the radius: the filter of no terms matches nothing. */
    st = sitrep_query_add_filter(s->q, (const char *const *)terms, s->n_near, false);
    if (st == SITREP_OK && s->sp.sort == SITREP_SORT_PLACE_RANK)
        st = sitrep_query_set_place_ranks(s->q, ids, km, s->n_near);
    if (st != SITREP_OK)
        status = srv_search_fail_run(req, s, st, out);
    goto out;
nomem:
    status = srv_fail_nomem(req, out);
out:
    for (size_t i = 0; terms && i < s->n_near; i++)
        free(terms[i]);
    free(terms);
    free(ids);
    free(km);
    return status;
}

bool srv_search_near_km(const struct srv_search *s, json_t *places, double *km)
{
    bool found = false;
    size_t i;
    json_t *p;

    json_array_foreach(places, i, p)
    {
        struct srv_near_place key = {(char *)json_string_value(json_object_get(p, "id")), 0};
        if (!key.id)
            continue;
        const struct srv_near_place *hit =
            s->n_near ? bsearch(&key, s->near, s->n_near, sizeof *s->near, by_id) : NULL;
        if (hit && (!found || hit->km < *km)) {
            *km = hit->km;
            found = true;
        }
    }
    return found;
}

json_t *srv_search_index_json(const struct srv_search *s)
{
    return json_pack("{s:I, s:I}", "revision", (json_int_t)s->stats.revision, "documents",
                     (json_int_t)s->stats.documents);
}

/* The part of opening a search after the handle: stats, revision, query. */
static unsigned build_query(const struct srv_app *app, struct srv_request *req,
                            struct srv_search *s, json_t **out)
{
    unsigned status;
    sitrep_status st;

    st = sitrep_db_get_stats(s->db, &s->stats);
    if (st != SITREP_OK) {
        fprintf(stderr, "sitrepd: request %s: %s: %s\n", req->id, sitrep_status_to_string(st),
                sitrep_db_last_error(s->db));
        s->broken = true;
        return srv_fail(req, out, 503, "index_unavailable", NULL,
                        "the index could not be read (request %s)", req->id);
    }
    req->has_revision = true;
    req->revision = s->stats.revision;

    st = sitrep_query_new(s->db, &s->q);
    if (st != SITREP_OK)
        return srv_search_fail_run(req, s, st, out);
    sitrep_query_set_dedup(s->q, s->sp.dedup);
    /* Query syntax: Xapian's parser closes an unbalanced bracket or quote
     * itself ("(shelling", "\"Kharkiv" parse leniently), and reports what it
     * cannot read, such as a dangling operator ("shelling AND"): that is a
     * 400 query_syntax_error with the parser's message, never a 5xx. */
    if (s->sp.q) {
        st = sitrep_query_set_text(s->q, s->sp.q, resolve_in_text, (void *)app);
        if (st == SITREP_ERR_QUERY_SYNTAX)
            return srv_fail(req, out, 400, "query_syntax_error", "q", "q: %s",
                            sitrep_query_last_error(s->q));
        if (st != SITREP_OK)
            return srv_search_fail_run(req, s, st, out);
    }
    for (size_t i = 0; i < s->n_filters; i++) {
        st = sitrep_query_add_filter(s->q, (const char *const *)s->filters[i].terms,
                                     s->filters[i].n, s->filters[i].exclude);
        if (st != SITREP_OK)
            return srv_search_fail_run(req, s, st, out);
    }
    if (s->sp.near.given && (status = add_near_filter(app, req, s, out)))
        return status;
    return 0;
}

unsigned srv_search_open(const struct srv_app *app, struct srv_request *req, struct srv_search *s,
                         json_t **out)
{
    unsigned status;

    if ((status = srv_api_checkout(app, req, &s->db, out)))
        return status;
    return build_query(app, req, s, out);
}

unsigned srv_search_open_own(const struct srv_app *app, struct srv_request *req,
                             struct srv_search *s, json_t **out)
{
    char *err = NULL;
    sitrep_status st;

    if (!app->pool)
        return srv_fail(req, out, 503, "index_unavailable", NULL, "no index is configured");
    st = sitrep_db_open(app->cfg->index_path, &s->db, &err);
    if (st != SITREP_OK) {
        fprintf(stderr, "sitrepd: request %s: index unavailable: %s\n", req->id,
                err ? err : sitrep_status_to_string(st));
        free(err);
        return srv_fail(req, out, 503, "index_unavailable", NULL,
                        st == SITREP_ERR_DB_NOT_FOUND
                            ? "there is no index yet: run sitrep-index, then retry"
                            : "the index cannot be opened; see the server log for request %s",
                        req->id);
    }
    s->own_db = true;
    return build_query(app, req, s, out);
}

unsigned srv_search_fail_run(struct srv_request *req, struct srv_search *s, sitrep_status st,
                             json_t **out)
{
    fprintf(stderr, "sitrepd: request %s: query: %s: %s\n", req->id, sitrep_status_to_string(st),
            s->q ? sitrep_query_last_error(s->q) : "");
    s->broken = s->broken ||
                (st != SITREP_ERR_NOMEM && st != SITREP_ERR_INVALID && st != SITREP_ERR_NOT_FOUND);
    return srv_fail(req, out, 500, "internal_error", NULL, "the search failed (request %s)",
                    req->id);
}
