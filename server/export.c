/* export.c - the producer behind /v1/search's streamed exports. */
#include "export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hits.h"
#include "stream.h"

/* Hits per run of the query: a page of records in memory at a time. */
#define EXPORT_PAGE 200u

enum stage { STAGE_HEAD, STAGE_HITS, STAGE_TAIL };

struct exporter {
    const struct srv_app *app;
    struct srv_search s; /* owns the index handle and the query */
    struct srv_hit_fields fields;
    char req_id[SRV_REQUEST_ID_LEN + 1];
    sitrep_results *page;
    size_t next;      /* the page's next hit to render */
    bool last_page;   /* the page was short: nothing follows it */
    uint64_t start;   /* hits before the first exported */
    unsigned written; /* hits exported so far */
    enum stage stage;
    bool any_feature; /* geojson: a comma goes before the next */
};

static const char *content_type(enum srv_format format)
{
    switch (format) {
    case SRV_FORMAT_CSV:
        return "text/csv; charset=utf-8; header=present";
    case SRV_FORMAT_GEOJSON:
        return "application/geo+json; charset=utf-8";
    case SRV_FORMAT_NDJSON:
    case SRV_FORMAT_JSON:
    default:
        return "application/x-ndjson; charset=utf-8";
    }
}

static void export_free(void *ctx)
{
    struct exporter *e = ctx;
    if (e->page)
        sitrep_results_destroy(e->page);
    srv_search_free(e->app, &e->s);
    free(e);
}

/* Runs the next page: the first at the offset (or after the cursor the
 * query already holds), the others after the last hit exported. */
static sitrep_status next_page(struct exporter *e)
{
    unsigned left = e->s.sp.limit - e->written;
    unsigned want = left < EXPORT_PAGE ? left : EXPORT_PAGE;
    unsigned offset = 0;
    sitrep_status st;

    if (e->page) {
        struct sitrep_hit last;
        size_t n = sitrep_results_count(e->page);
        if ((st = sitrep_results_get(e->page, n - 1, &last)) != SITREP_OK ||
            (st = sitrep_query_set_after(e->s.q, e->start + e->written, last.docid, last.sort_key,
                                         last.sort_key_len)) != SITREP_OK)
            return st;
        sitrep_results_destroy(e->page);
        e->page = NULL;
    } else if (!e->s.sp.cursor) {
        offset = e->s.sp.offset;
    }
    e->next = 0;
    st = sitrep_query_run(e->s.q, offset, want, 0, &e->page);
    if (st == SITREP_OK)
        e->last_page = sitrep_results_count(e->page) < want;
    return st;
}

/* geojson: one Feature per place of hit that has coordinates. */
static bool write_features(struct exporter *e, json_t *hit, struct sitrep_buf *out)
{
    json_t *places = json_incref(json_object_get(hit, "places")), *p;
    bool ok = true;
    size_t i;

    /* The feature's own place stands for the list. */
    json_object_del(hit, "places");
    json_array_foreach(places, i, p)
    {
        json_t *lat = json_object_get(p, "lat"), *lon = json_object_get(p, "lon");
        if (!json_is_number(lat) || !json_is_number(lon))
            continue;
        json_t *props = json_deep_copy(hit);
        json_t *f = json_pack("{s:s, s:{s:s, s:[O, O]}, s:o}", "type", "Feature", "geometry",
                              "type", "Point", "coordinates", lon, lat, "properties",
                              props ? props : json_object());
        if (!f ||
            json_object_set_new(
                json_object_get(f, "properties"), "place",
                json_pack("{s:O?, s:O?, s:O?, s:O?}", "id", json_object_get(p, "id"), "name",
                          json_object_get(p, "name"), "country", json_object_get(p, "country"),
                          "admin1", json_object_get(p, "admin1")))) {
            json_decref(f);
            ok = false;
            break;
        }
        ok = (!e->any_feature || sitrep_buf_append_char(out, ',') == SITREP_OK) &&
             srv_json_append(out, f) == SITREP_OK;
        json_decref(f);
        if (!ok)
            break;
        e->any_feature = true;
    }
    json_decref(places);
    return ok;
}

static bool write_hit(struct exporter *e, const struct sitrep_hit *h, struct sitrep_buf *out)
{
    json_t *hit = NULL;
    bool ok = false;

    /* NDJSON lines are written as search answers are (hits.h); CSV and
     * GeoJSON pick from the hit's object. */
    if (e->s.sp.format != SRV_FORMAT_CSV && e->s.sp.format != SRV_FORMAT_GEOJSON) {
        ok = srv_hit_render_text(&e->s, e->page, h, &e->fields, e->req_id, out) == SITREP_OK &&
             sitrep_buf_append_char(out, '\n') == SITREP_OK;
        goto out;
    }
    if (!(hit = srv_hit_render(&e->s, e->page, h, &e->fields, e->req_id)))
        goto out;
    ok = e->s.sp.format == SRV_FORMAT_CSV ? srv_hit_csv_row(&e->fields, hit, out) == SITREP_OK
                                          : write_features(e, hit, out);
out:
    json_decref(hit);
    return ok;
}

static bool fill(void *ctx, struct sitrep_buf *out, bool *done)
{
    struct exporter *e = ctx;
    sitrep_status st;

    switch (e->stage) {
    case STAGE_HEAD:
        e->stage = STAGE_HITS;
        if (e->s.sp.format == SRV_FORMAT_CSV)
            return srv_hit_csv_header(&e->fields, out) == SITREP_OK;
        if (e->s.sp.format == SRV_FORMAT_GEOJSON)
            return sitrep_buf_append_str(out, "{\"type\":\"FeatureCollection\",\"features\":[") ==
                   SITREP_OK;
        return true;
    case STAGE_HITS:
        if (e->written < e->s.sp.limit && e->next == sitrep_results_count(e->page) &&
            !e->last_page && (st = next_page(e)) != SITREP_OK) {
            fprintf(stderr, "sitrepd: request %s: export broken off after %u hits: %s: %s\n",
                    e->req_id, e->written, sitrep_status_to_string(st),
                    sitrep_query_last_error(e->s.q));
            return false;
        }
        if (e->written == e->s.sp.limit || e->next == sitrep_results_count(e->page)) {
            e->stage = STAGE_TAIL;
            return true;
        }
        struct sitrep_hit h;
        bool ok = sitrep_results_get(e->page, e->next++, &h) == SITREP_OK && write_hit(e, &h, out);
        e->written++;
        if (!ok)
            fprintf(stderr,
                    "sitrepd: request %s: export broken off after %u hits: out of "
                    "memory\n",
                    e->req_id, e->written);
        return ok;
    case STAGE_TAIL:
    default:
        *done = true;
        if (e->s.sp.format == SRV_FORMAT_GEOJSON)
            return sitrep_buf_append_str(out, "]}") == SITREP_OK;
        return true;
    }
}

unsigned srv_export_start(const struct srv_app *app, struct srv_request *req, struct srv_search *s,
                          uint64_t start, json_t **out)
{
    struct exporter *e = calloc(1, sizeof *e);
    unsigned status = 0;
    sitrep_status st;

    if (!e)
        return srv_fail_nomem(req, out);
    e->app = app;
    e->s = *s;
    e->start = start;
    memcpy(e->req_id, req->id, sizeof e->req_id);
    if (e->s.sp.format == SRV_FORMAT_CSV)
        srv_hit_fields_csv_default(&e->fields, &e->s.sp);
    else
        srv_hit_fields_init(&e->fields, &e->s.sp);
    /* A feature needs its hit's places even when fields= leaves them out. */
    if (e->s.sp.format == SRV_FORMAT_GEOJSON)
        e->fields.want[SRV_FIELD_PLACES] = true;
    /* The first page now, while an error can still be answered. */
    st = next_page(e);
    if (st == SITREP_ERR_NOT_FOUND && e->s.sp.cursor) {
        status = srv_fail(req, out, 400, "invalid_parameter", "cursor", "cursor: %s",
                          sitrep_query_last_error(e->s.q));
        goto fail;
    }
    if (st != SITREP_OK) {
        status = srv_search_fail_run(req, &e->s, st, out);
        goto fail;
    }
    srv_search_init(s); /* e owns it all now */
    req->stream = srv_stream_new(content_type(e->s.sp.format), fill, export_free, e);
    return req->stream ? 200 : srv_fail_nomem(req, out);
fail:
    *s = e->s; /* back to the caller, who frees it */
    if (e->page)
        sitrep_results_destroy(e->page);
    free(e);
    return status;
}
