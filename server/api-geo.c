/* api-geo.c - GET /v1/geo: the places the matched articles are about, as a
 * GeoJSON FeatureCollection for a map.
 *
 * The counts come from the places facet (one pass over all matches, one
 * value read per match: store.h), so a map of 50,000 articles costs what a
 * faceted search costs, never a fetch of every record.  The features are
 * that facet's values: the places the articles mention and the admin-1
 * regions those lie in (an article about Izium counts for Kharkiv Oblast),
 * by count, then id; each count is exactly what place=<id> with the same
 * filters totals.  Countries are not features (a country's one point would
 * sit on the map as if it were a town; the country facet counts them), nor
 * are places the gazetteer has no coordinates for.
 *
 * "articles" lists each place's first `top` articles in the order
 * /v1/search gives (relevance with q, else newest first): the query runs
 * once more per feature under one more filter, the place's.  That is one
 * short query per feature shown, which is why `limit` bounds them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "article.h"
#include "search.h"

/* The ids of the first s->sp.top articles about place, appended to ids. */
static sitrep_status top_articles(struct srv_search *s, const char *place, json_t *ids)
{
    char *term = sitrep_schema_term(SITREP_FIELD_PLACE, place);
    sitrep_results *r = NULL;
    sitrep_status st = SITREP_ERR_NOMEM;
    bool pushed = false;

    if (!term)
        goto out;
    if ((st = sitrep_query_add_filter(s->q, (const char *const *)&term, 1, false)) != SITREP_OK)
        goto out;
    pushed = true;
    if ((st = sitrep_query_run(s->q, 0, s->sp.top, 0, &r)) != SITREP_OK)
        goto out;
    for (size_t i = 0; i < sitrep_results_count(r); i++) {
        struct sitrep_hit h;
        json_t *record;
        if ((st = sitrep_results_get(r, i, &h)) != SITREP_OK)
            goto out;
        record = sitrep_record_parse(h.data, h.data_len, NULL, NULL, NULL);
        json_t *id = json_object_get(record, "id");
        int failed = json_array_append(ids, json_is_string(id) ? id : json_null());
        json_decref(record);
        if (failed) {
            st = SITREP_ERR_NOMEM;
            goto out;
        }
    }
    st = SITREP_OK;
out:
    if (pushed && sitrep_query_pop_filter(s->q) != SITREP_OK && st == SITREP_OK)
        st = SITREP_ERR_INTERNAL;
    if (r)
        sitrep_results_destroy(r);
    free(term);
    return st;
}

static json_t *feature(const struct sitrep_place *p, uint64_t count, json_t *articles)
{
    return json_pack("{s:s, s:s, s:{s:s, s:[f, f]}, s:{s:s, s:s, s:s, s:s, s:I, s:o}}", "type",
                     "Feature", "id", p->id, "geometry", "type", "Point", "coordinates", p->lon,
                     p->lat, "properties", "id", p->id, "name", p->name, "country",
                     p->country ? p->country : "", "admin1", p->admin1 ? p->admin1 : "", "count",
                     (json_int_t)count, "articles", articles);
}

unsigned srv_api_geo(const struct srv_app *app, struct srv_request *req, json_t **out)
{
    struct srv_search s;
    struct timespec t0;
    sitrep_results *res = NULL;
    json_t *features = NULL;
    size_t n_places = 0;
    unsigned status;
    sitrep_status st;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    srv_search_init(&s);
    if ((status = srv_search_prepare(app, req, &req->params, SRV_EP_GEO, &s, out)))
        goto out;
    if (json_object_set_new(s.echo, "limit", json_integer(s.sp.limit)) ||
        json_object_set_new(s.echo, "top", json_integer(s.sp.top))) {
        status = srv_fail_nomem(req, out);
        goto out;
    }
    if ((status = srv_search_open(app, req, &s, out)))
        goto out;
    sitrep_query_set_sort(s.q, s.sp.sort);
    sitrep_query_add_facet(s.q, SITREP_FACET_PLACE);
    if ((st = sitrep_query_run(s.q, 0, 0, 0, &res)) != SITREP_OK) {
        status = srv_search_fail_run(req, &s, st, out);
        goto out;
    }
    if (!(features = json_array())) {
        status = srv_fail_nomem(req, out);
        goto out;
    }
    size_t n = sitrep_results_facet_size(res, SITREP_FACET_PLACE);
    for (size_t i = 0; i < n; i++) {
        struct sitrep_facet_value v;
        if (sitrep_results_facet(res, SITREP_FACET_PLACE, i, &v) != SITREP_OK)
            break;
        const struct sitrep_place *p = sitrep_gazetteer_get(app->gz, v.value);
        if (!p || p->kind == SITREP_PLACE_COUNTRY || isnan(p->lat) || isnan(p->lon))
            continue;
        if (n_places++ >= s.sp.limit)
            continue; /* counted for total_places, not shown */
        json_t *articles = json_array();
        if (!articles) {
            status = srv_fail_nomem(req, out);
            goto out;
        }
        if (s.sp.top && (st = top_articles(&s, p->id, articles)) != SITREP_OK) {
            json_decref(articles);
            status = srv_search_fail_run(req, &s, st, out);
            goto out;
        }
        if (json_array_append_new(features, feature(p, v.count, articles))) {
            status = srv_fail_nomem(req, out);
            goto out;
        }
    }

    uint64_t lower, upper;
    sitrep_results_total(res, NULL, &lower, &upper);
    json_t *body = json_object();
    *out = body;
    if (!body || json_object_set_new(body, "type", json_string("FeatureCollection")) ||
        json_object_set(body, "query", s.echo) ||
        json_object_set_new(body, "index", srv_search_index_json(&s)) ||
        json_object_set_new(body, "took_ms", json_integer(srv_api_elapsed_ms(&t0))) ||
        json_object_set_new(body, "total",
                            json_pack("{s:I, s:s}", "value", (json_int_t)lower, "relation",
                                      lower == upper ? "eq" : "gte")) ||
        json_object_set_new(body, "total_places", json_integer((json_int_t)n_places)) ||
        json_object_set(body, "features", features)) {
        status = srv_fail_nomem(req, out);
        goto out;
    }
    status = 200;
out:
    json_decref(features);
    if (res)
        sitrep_results_destroy(res);
    srv_search_free(app, &s);
    return status;
}
