/* api-search.c - GET /v1/search and POST /v1/search (the same keys as a
 * JSON body, for queries too long for a URL).
 *
 * Both forms become one parameter multimap and take one path: search.c
 * parses, resolves and builds the query; here it is run and the page is
 * rendered from the stored records, with the facets and the next_cursor.
 *
 * Paging: a page is asked for with one hit more than it shows, so the
 * response knows whether another page exists without trusting an estimate;
 * next_cursor then names the last hit shown (cursor.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "buf.h"
#include "cache.h"
#include "cursor.h"
#include "etag.h"
#include "export.h"
#include "hits.h"
#include "search.h"
#include "text.h"

/* Matches counted exactly up to this many (Xapian's check_at_least); beyond,
 * total.relation is "gte" when Xapian cannot promise the count. */
#define EXACT_TOTAL_UP_TO 1000u
/* A POST body holds what a query string would: this many times
 * limits.query_bytes (the cap on one value) is plenty. */
#define BODY_VALUES 8u

/* ---- facets ----------------------------------------------------------- */

/* One facet value as the API shows it: months as "YYYY-MM", countries with
 * their gazetteer name, places and persons with the name the indexer
 * stored.  "count" is what the total counts (copy groups with dedup, else
 * articles: for places, persons, countries and sources what a filter on
 * the value totals), "articles" the matching articles either way. */
static json_t *facet_value_json(const struct srv_app *app, enum sitrep_facet f,
                                const struct sitrep_facet_value *v)
{
    char month[8];
    const char *value = v->value, *label = v->label;

    if (f == SITREP_FACET_MONTH && strlen(value) == 6) {
        snprintf(month, sizeof month, "%.4s-%.2s", value, value + 4);
        value = month;
    }
    if (f == SITREP_FACET_COUNTRY && app->gz) {
        const struct sitrep_place *c = sitrep_gazetteer_country(app->gz, value);
        if (c)
            label = c->name;
    }
    if (!*label)
        label = value;
    return json_pack("{s:o, s:o, s:I, s:I}", "value", srv_json_string_lossy(value, strlen(value)),
                     "label", srv_json_string_lossy(label, strlen(label)), "count",
                     (json_int_t)v->count, "articles", (json_int_t)v->articles);
}

/* The "facets" member: the facets asked for, in that order, each its
 * facet_size most frequent values. */
static json_t *facets_json(const struct srv_app *app, const struct srv_search_params *sp,
                           const sitrep_results *r)
{
    json_t *facets = json_object();
    for (size_t i = 0; facets && i < sp->n_facets; i++) {
        enum sitrep_facet f = sp->facets[i];
        json_t *list = json_array();
        if (!list || json_object_set_new(facets, sitrep_facets[f].name, list))
            goto fail;
        size_t n = sitrep_results_facet_size(r, f);
        for (size_t j = 0; j < n && j < sp->facet_size; j++) {
            struct sitrep_facet_value v;
            if (sitrep_results_facet(r, f, j, &v) != SITREP_OK ||
                json_array_append_new(list, facet_value_json(app, f, &v)))
                goto fail;
        }
    }
    return facets;
fail:
    json_decref(facets);
    return NULL;
}

/* ---- the search ------------------------------------------------------- */

/* What a cursor is valid for besides the revision: the query as the
 * wrapper built it (after place and person resolution, so "Kharkiv" and
 * its id are one query), the sort, near='s point, which ranks
 * sort=distance (two points can pick the same places), and dedup, which
 * changes the positions.  0 when out of memory. */
static uint64_t fingerprint(const struct srv_search *s)
{
    char *desc = sitrep_query_describe(s->q);
    if (!desc)
        return 0;
    const char *sort = srv_sort_name(s->sp.sort);
    uint64_t h = sitrep_fnv1a(SITREP_FNV_SEED, desc, strlen(desc));
    h = sitrep_fnv1a(h, "\n", 1);
    h = sitrep_fnv1a(h, sort, strlen(sort));
    if (s->sp.near.given) {
        h = sitrep_fnv1a(h, "\n", 1);
        h = sitrep_fnv1a(h, s->sp.near.text, strlen(s->sp.near.text));
    }
    if (!s->sp.dedup)
        h = sitrep_fnv1a(h, "\ndedup=false", 13);
    free(desc);
    return h ? h : 1;
}

/* The echo of the page parameters, after the filters'. */
static bool echo_page(struct srv_search *s)
{
    const struct srv_search_params *sp = &s->sp;
    if (json_object_set_new(s->echo, "sort", json_string(srv_sort_name(sp->sort))) ||
        json_object_set_new(s->echo, "limit", json_integer(sp->limit)))
        return false;
    if (sp->n_fields) {
        json_t *names = json_array();
        if (!names || json_object_set_new(s->echo, "fields", names))
            return false;
        for (size_t i = 0; i < sp->n_fields; i++)
            if (json_array_append_new(names, json_string(srv_hit_field_name(sp->fields[i]))))
                return false;
    }
    if (sp->cursor ? json_object_set_new(s->echo, "cursor", json_string(sp->cursor))
                   : json_object_set_new(s->echo, "offset", json_integer(sp->offset)))
        return false;
    if (sp->n_facets) {
        json_t *names = json_array();
        if (!names || json_object_set_new(s->echo, "facets", names) ||
            json_object_set_new(s->echo, "facet_size", json_integer(sp->facet_size)))
            return false;
        for (size_t i = 0; i < sp->n_facets; i++)
            if (json_array_append_new(names, json_string(sitrep_facets[sp->facets[i]].name)))
                return false;
    }
    return true;
}

/* Checks a decoded cursor against the index and the query, and continues
 * the query after its hit.  Returns 0 or a 400. */
static unsigned apply_cursor(struct srv_request *req, struct srv_search *s,
                             const struct srv_cursor *c, uint64_t fp, json_t **out)
{
    if (c->revision != s->stats.revision || c->documents != s->stats.documents)
        return srv_fail(req, out, 400, "invalid_parameter", "cursor",
                        "cursor: the index has changed since this cursor was made (revision "
                        "%llu, now %llu); repeat the search without cursor",
                        (unsigned long long)c->revision, (unsigned long long)s->stats.revision);
    if (c->fingerprint != fp)
        return srv_fail(req, out, 400, "invalid_parameter", "cursor",
                        "cursor: made for another query or sort; a cursor only pages the "
                        "search it came from");
    if (sitrep_query_set_after(s->q, c->position, c->docid, c->key, c->key_len) != SITREP_OK)
        return srv_fail(req, out, 400, "invalid_parameter", "cursor",
                        "cursor: does not name a hit (%s)", sitrep_query_last_error(s->q));
    return 0;
}

/* ---- the answer cache (cache.h) --------------------------------------- */

/* The key of a search's answer: the revision and document count it ran on,
 * the day (timespan= counts back from it), and every parameter in arrival
 * order, each length-prefixed so that no two lists share a key.  GET and
 * POST with the same parameters share it.  NULL when out of memory. */
static char *cache_key(const struct srv_search *s, const struct srv_params *params, size_t *len)
{
    struct sitrep_buf b;
    char head[96];
    time_t now = time(NULL);
    struct tm tm;
    bool ok;

    gmtime_r(&now, &tm);
    snprintf(head, sizeof head, "search %llu %llu %04d%02d%02d\n",
             (unsigned long long)s->stats.revision, (unsigned long long)s->stats.documents,
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    sitrep_buf_init(&b, (size_t)-1);
    ok = sitrep_buf_append_str(&b, head) == SITREP_OK;
    for (size_t i = 0; ok && i < params->n; i++) {
        const struct srv_param *p = &params->items[i];
        char n[48];
        snprintf(n, sizeof n, "%zu:%c%zu:", strlen(p->key), p->value ? '=' : '-',
                 p->value ? p->value_len : 0);
        ok = sitrep_buf_append_str(&b, n) == SITREP_OK &&
             sitrep_buf_append_str(&b, p->key) == SITREP_OK &&
             (!p->value || sitrep_buf_append(&b, p->value, p->value_len) == SITREP_OK);
    }
    *len = b.len;
    char *key = ok ? sitrep_buf_detach(&b) : NULL;
    sitrep_buf_free(&b);
    return key;
}

/* A kept answer took no time to find: its took_ms becomes 0 (which is
 * also how the ETag reads it, etag.h, so the tag stays the same). */
static void zero_took(char *text, size_t *len)
{
    size_t digits;
    char *p = (char *)srv_etag_took_ms(text, &digits);
    if (digits == 0)
        return;
    *p = '0';
    memmove(p + 1, p + digits, *len - (size_t)(p + digits - text) + 1);
    *len -= digits - 1;
}

/* Writes took_ms's digits at byte at of the answer being built. */
static sitrep_status insert_took(struct sitrep_buf *b, size_t at, long long ms)
{
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%lld", ms);
    sitrep_status st = sitrep_buf_append(b, digits, (size_t)n);
    if (st == SITREP_OK) {
        memmove(b->data + at + n, b->data + at, b->len - (size_t)n - at);
        memcpy(b->data + at, digits, (size_t)n);
    }
    return st;
}

/* The search itself, from parameters in either form. */
static unsigned search(const struct srv_app *app, struct srv_request *req,
                       const struct srv_params *params, json_t **out)
{
    struct srv_search s;
    struct srv_cursor cur;
    struct timespec t0;
    sitrep_results *res = NULL;
    char *next = NULL;
    char why[128];
    unsigned status;
    sitrep_status st;
    uint64_t fp = 0;
    struct sitrep_buf text;
    size_t took_at = 0;
    char num[96];

    clock_gettime(CLOCK_MONOTONIC, &t0);
    sitrep_buf_init(&text, SIZE_MAX);
    srv_search_init(&s);
    if ((status = srv_search_prepare(app, req, params, SRV_EP_SEARCH, &s, out)))
        goto out;
    if (s.sp.cursor && !srv_cursor_decode(s.sp.cursor, &cur, why, sizeof why)) {
        status = srv_fail(req, out, 400, "invalid_parameter", "cursor", "cursor: %s", why);
        goto out;
    }
    if (!echo_page(&s)) {
        status = srv_fail_nomem(req, out);
        goto out;
    }
    /* An export outlives this function: its index handle is its own. */
    if ((status = s.sp.format == SRV_FORMAT_JSON ? srv_search_open(app, req, &s, out)
                                                 : srv_search_open_own(app, req, &s, out)))
        goto out;
    sitrep_query_set_sort(s.q, s.sp.sort);
    if (!(fp = fingerprint(&s))) {
        status = srv_fail_nomem(req, out);
        goto out;
    }
    if (s.sp.cursor && (status = apply_cursor(req, &s, &cur, fp, out)))
        goto out;
    if (s.sp.format != SRV_FORMAT_JSON) {
        status = srv_export_start(app, req, &s, s.sp.cursor ? cur.position : s.sp.offset, out);
        goto out;
    }
    if (app->cache && (req->cache_key = cache_key(&s, params, &req->cache_key_len))) {
        req->text = srv_cache_get(app->cache, req->cache_key, req->cache_key_len, &req->text_len,
                                  req->text_tag);
        req->cache_status = req->text ? "hit" : "miss";
        if (req->text) {
            zero_took(req->text, &req->text_len);
            free(req->cache_key);
            req->cache_key = NULL;
            status = 200;
            goto out;
        }
    }
    for (size_t i = 0; i < s.sp.n_facets; i++)
        sitrep_query_add_facet(s.q, s.sp.facets[i]);

    unsigned check = s.sp.offset + s.sp.limit + 1;
    st = sitrep_query_run(s.q, s.sp.offset, s.sp.limit + 1,
                          check > EXACT_TOTAL_UP_TO ? check : EXACT_TOTAL_UP_TO, &res);
    if (st == SITREP_ERR_NOT_FOUND && s.sp.cursor) {
        status = srv_fail(req, out, 400, "invalid_parameter", "cursor", "cursor: %s",
                          sitrep_query_last_error(s.q));
        goto out;
    }
    if (st != SITREP_OK) {
        status = srv_search_fail_run(req, &s, st, out);
        goto out;
    }

    uint64_t estimate, lower, upper;
    sitrep_results_total(res, &estimate, &lower, &upper);
    size_t count = sitrep_results_count(res);
    size_t shown = count < s.sp.limit ? count : s.sp.limit;
    struct srv_hit_fields fields;
    srv_hit_fields_init(&fields, &s.sp);
    /* The answer is written as text: hits copy their stored members as
     * they lie (hits.h), the rest is jansson's.  Members in API.md's order. */
    json_t *index = srv_search_index_json(&s);
    st = index ? SITREP_OK : SITREP_ERR_NOMEM;
    if (st == SITREP_OK && (st = sitrep_buf_append_str(&text, "{\"query\":")) == SITREP_OK &&
        (st = srv_json_append(&text, s.echo)) == SITREP_OK &&
        (st = sitrep_buf_append_str(&text, ",\"index\":")) == SITREP_OK &&
        (st = srv_json_append(&text, index)) == SITREP_OK) {
        /* took_ms goes in last, when it is known. */
        took_at = text.len + sizeof ",\"took_ms\":" - 1;
        snprintf(num, sizeof num, ",\"took_ms\":,\"total\":{\"value\":%llu,\"relation\":\"%s\"}",
                 (unsigned long long)lower, lower == upper ? "eq" : "gte");
        st = sitrep_buf_append_str(&text, num);
    }
    json_decref(index);
    if (st == SITREP_OK)
        st = sitrep_buf_append_str(&text, ",\"hits\":[");
    for (size_t i = 0; i < shown && st == SITREP_OK; i++) {
        struct sitrep_hit h;
        if (sitrep_results_get(res, i, &h) != SITREP_OK)
            break;
        if ((!i || (st = sitrep_buf_append_char(&text, ',')) == SITREP_OK))
            st = srv_hit_render_text(&s, res, &h, &fields, req->id, &text);
    }
    if (st == SITREP_OK)
        st = sitrep_buf_append_char(&text, ']');
    if (st == SITREP_OK && s.sp.n_facets) {
        json_t *facets = facets_json(app, &s.sp, res);
        if (!facets || (st = sitrep_buf_append_str(&text, ",\"facets\":")) != SITREP_OK ||
            (st = srv_json_append(&text, facets)) != SITREP_OK)
            st = SITREP_ERR_NOMEM;
        json_decref(facets);
    }
    if (st == SITREP_OK && count > shown && shown > 0) {
        struct sitrep_hit last;
        struct srv_cursor c = {.revision = s.stats.revision,
                               .documents = s.stats.documents,
                               .fingerprint = fp,
                               .position = (s.sp.cursor ? cur.position : s.sp.offset) + shown};
        if (sitrep_results_get(res, shown - 1, &last) == SITREP_OK &&
            last.sort_key_len <= SRV_CURSOR_KEY_MAX) {
            c.docid = last.docid;
            memcpy(c.key, last.sort_key, last.sort_key_len);
            c.key[last.sort_key_len] = '\0';
            c.key_len = last.sort_key_len;
            /* The cursor is base64url: no escaping needed. */
            next = srv_cursor_encode(&c);
            if (!next || (st = sitrep_buf_append_str(&text, ",\"next_cursor\":\"")) != SITREP_OK ||
                (st = sitrep_buf_append_str(&text, next)) != SITREP_OK ||
                (st = sitrep_buf_append_char(&text, '"')) != SITREP_OK)
                st = SITREP_ERR_NOMEM;
        }
    }
    if (st == SITREP_OK)
        st = sitrep_buf_append_char(&text, '}');
    if (st == SITREP_OK)
        st = insert_took(&text, took_at, srv_api_elapsed_ms(&t0));
    req->text_len = text.len;
    if (st != SITREP_OK || !(req->text = sitrep_buf_detach(&text))) {
        status = srv_fail_nomem(req, out);
        goto out;
    }
    status = 200;
out:
    sitrep_buf_free(&text);
    free(next);
    if (res)
        sitrep_results_destroy(res);
    srv_search_free(app, &s);
    return status;
}

unsigned srv_api_search(const struct srv_app *app, struct srv_request *req, json_t **out)
{
    return search(app, req, &req->params, out);
}

/* "application/json", any case, alone or with parameters ("; charset=utf-8"). */
static bool is_json_type(const char *type)
{
    static const char json[] = "application/json";
    if (!type)
        return false;
    while (*type == ' ' || *type == '\t')
        type++;
    if (strncasecmp(type, json, sizeof json - 1) != 0)
        return false;
    type += sizeof json - 1;
    while (*type == ' ' || *type == '\t')
        type++;
    return *type == '\0' || *type == ';';
}

unsigned srv_api_search_post(const struct srv_app *app, struct srv_request *req, json_t **out)
{
    struct srv_params params;
    struct srv_param_error err;
    size_t cap = BODY_VALUES * app->cfg->max_query_bytes;
    unsigned status;

    srv_params_init(&params);
    if (req->params.n > 0) {
        /* One source of parameters, so none silently overrides another. */
        const char *key = req->params.items[0].key;
        status = srv_fail(req, out, 400, "invalid_parameter", key,
                          "%s: POST /v1/search takes its parameters from the JSON body only, "
                          "not from the query string",
                          key);
        goto out;
    }
    if (req->body_len > cap) {
        status = srv_fail(req, out, 413, "payload_too_large", NULL,
                          "the body is %zu bytes, over the limit of %zu for a search "
                          "(%u x limits.query_bytes)",
                          req->body_len, cap, BODY_VALUES);
        goto out;
    }
    if (!is_json_type(req->content_type)) {
        status = srv_fail(req, out, 415, "unsupported_media_type", NULL,
                          "Content-Type: '%s' is not application/json",
                          req->content_type ? req->content_type : "(none)");
        goto out;
    }
    if (!srv_params_from_json(req->body, req->body_len, &params, &err)) {
        status = srv_fail(req, out, err.status, err.code, err.param, "%s", err.message);
        goto out;
    }
    status = search(app, req, &params, out);
out:
    srv_params_free(&params);
    return status;
}
