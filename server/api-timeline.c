/* api-timeline.c - GET /v1/timeline: how many matches were published per
 * day, week or month, for the same filters as /v1/search.
 *
 * The counts come from one pass over all matches (the wrapper's day facet:
 * one value read per match), then are summed into buckets here.  Buckets
 * run without gaps from the first to the last, zero-filled: from `from` and
 * to `to` when those are given, else from the first to the last matched
 * day.  A bucket is named by its first day (weeks start on Monday, ISO
 * 8601), always as a full date, so clients parse one format.
 *
 * "articles" counts the matched articles, "unique" the stories: copy
 * groups of near-identical articles (store.h), each counted once, in the
 * bucket of its earliest match, so that the unique series adds up to the
 * number of stories as the articles series adds up to the articles.  Both
 * series are there whatever dedup says; dedup picks what "total" and
 * "undated" count (stories by default, articles with dedup=false). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "dates.h"
#include "search.h"

/* A chart has no use for more; more is a 400 that suggests a wider
 * interval or a narrower range. */
#define MAX_BUCKETS 1000
/* With no interval given: days up to this many days, else months. */
#define AUTO_DAY_SPAN 92

/* Day number of "YYYYMMDD"; false when it is not one. */
static bool ymd_days(const char *s, long *days)
{
    int y, m, d;
    if (strlen(s) != 8 || strspn(s, "0123456789") != 8)
        return false;
    if (sscanf(s, "%4d%2d%2d", &y, &m, &d) != 3 || !sitrep_date_valid(y, m, d))
        return false;
    *days = sitrep_date_to_days(y, m, d);
    return true;
}

/* The first day of the bucket that holds day. */
static long bucket_start(enum srv_interval iv, long day)
{
    int y, m, d;
    switch (iv) {
    case SRV_INTERVAL_WEEK:
        return day - sitrep_date_weekday(day);
    case SRV_INTERVAL_MONTH:
        sitrep_date_from_days(day, &y, &m, &d);
        return sitrep_date_to_days(y, m, 1);
    case SRV_INTERVAL_DAY:
    case SRV_INTERVAL_AUTO:
    default:
        return day;
    }
}

/* The bucket after the one starting on start. */
static long bucket_next(enum srv_interval iv, long start)
{
    int y, m, d;
    switch (iv) {
    case SRV_INTERVAL_WEEK:
        return start + 7;
    case SRV_INTERVAL_MONTH:
        sitrep_date_from_days(start, &y, &m, &d);
        return m == 12 ? sitrep_date_to_days(y + 1, 1, 1) : sitrep_date_to_days(y, m + 1, 1);
    case SRV_INTERVAL_DAY:
    case SRV_INTERVAL_AUTO:
    default:
        return start + 1;
    }
}

/* Index of day's bucket counted from the bucket that starts on first. */
static size_t bucket_index(enum srv_interval iv, long first, long day)
{
    int y0, m0, d0, y, m, d;
    switch (iv) {
    case SRV_INTERVAL_WEEK:
        return (size_t)((bucket_start(iv, day) - first) / 7);
    case SRV_INTERVAL_MONTH:
        sitrep_date_from_days(first, &y0, &m0, &d0);
        sitrep_date_from_days(day, &y, &m, &d);
        return (size_t)((y - y0) * 12 + (m - m0));
    case SRV_INTERVAL_DAY:
    case SRV_INTERVAL_AUTO:
    default:
        return (size_t)(day - first);
    }
}

static json_t *iso_day(long days)
{
    int y, m, d;
    char iso[16];
    sitrep_date_from_days(days, &y, &m, &d);
    snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
    return json_string(iso);
}

struct day_count {
    long day;
    uint64_t articles, unique;
};

/* Sums the day counts into zero-filled buckets over [lo, hi]; returns 0 or
 * an error status (400 for too many buckets). */
static unsigned fill_buckets(struct srv_request *req, const struct srv_search_params *sp,
                             enum srv_interval iv, long lo, long hi, const struct day_count *days,
                             size_t n_days, json_t *buckets, json_t **out)
{
    uint64_t *counts = NULL; /* articles, unique per bucket: 2 each */
    size_t n = 0;
    unsigned status = 0;
    long first = bucket_start(iv, lo);

    for (long b = first; b <= hi && n <= MAX_BUCKETS; b = bucket_next(iv, b))
        n++;
    if (n > MAX_BUCKETS) {
        const char *param = sp->interval != SRV_INTERVAL_AUTO ? "interval"
                            : sp->from[0]                     ? "from"
                            : sp->to[0]                       ? "to"
                                                              : "interval";
        json_t *a = iso_day(lo), *b = iso_day(hi);
        status = srv_fail(req, out, 400, "invalid_parameter", param,
                          "%s: %s to %s is more than %d %s buckets; use a wider interval or a "
                          "narrower from/to",
                          param, json_string_value(a), json_string_value(b), MAX_BUCKETS,
                          srv_interval_name(iv));
        json_decref(a);
        json_decref(b);
        goto out;
    }
    counts = calloc(2 * (n ? n : 1), sizeof *counts);
    if (!counts) {
        status = srv_fail_nomem(req, out);
        goto out;
    }
    for (size_t i = 0; i < n_days; i++)
        if (days[i].day >= lo && days[i].day <= hi) {
            size_t k = bucket_index(iv, first, days[i].day);
            counts[2 * k] += days[i].articles;
            counts[2 * k + 1] += days[i].unique;
        }
    long b = first;
    for (size_t i = 0; i < n; i++, b = bucket_next(iv, b)) {
        json_t *o = json_pack("{s:o, s:I, s:I}", "date", iso_day(b), "articles",
                              (json_int_t)counts[2 * i], "unique", (json_int_t)counts[2 * i + 1]);
        if (json_array_append_new(buckets, o)) {
            status = srv_fail_nomem(req, out);
            goto out;
        }
    }
out:
    free(counts);
    return status;
}

unsigned srv_api_timeline(const struct srv_app *app, struct srv_request *req, json_t **out)
{
    struct srv_search s;
    struct timespec t0;
    sitrep_results *res = NULL;
    struct day_count *days = NULL;
    size_t n_days = 0;
    uint64_t dated = 0;
    unsigned status;
    sitrep_status st;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    srv_search_init(&s);
    if ((status = srv_search_prepare(app, req, &req->params, SRV_EP_TIMELINE, &s, out)))
        goto out;
    if (s.sp.interval != SRV_INTERVAL_AUTO &&
        json_object_set_new(s.echo, "interval", json_string(srv_interval_name(s.sp.interval)))) {
        status = srv_fail_nomem(req, out);
        goto out;
    }
    if ((status = srv_search_open(app, req, &s, out)))
        goto out;
    sitrep_query_add_facet(s.q, SITREP_FACET_DAY);
    /* The unique series is there whatever dedup says. */
    sitrep_query_set_facet_groups(s.q, true);
    st = sitrep_query_run(s.q, 0, 0, 0, &res);
    if (st != SITREP_OK) {
        status = srv_search_fail_run(req, &s, st, out);
        goto out;
    }

    /* The matched days, and the range to cover. */
    size_t n = sitrep_results_facet_size(res, SITREP_FACET_DAY);
    days = calloc(n ? n : 1, sizeof *days);
    if (!days) {
        status = srv_fail_nomem(req, out);
        goto out;
    }
    long lo = 0, hi = -1, min_day = 0, max_day = -1;
    for (size_t i = 0; i < n; i++) {
        struct sitrep_facet_value v;
        long day;
        if (sitrep_results_facet(res, SITREP_FACET_DAY, i, &v) != SITREP_OK ||
            !ymd_days(v.value, &day))
            continue;
        days[n_days].day = day;
        days[n_days].articles = v.articles;
        days[n_days++].unique = v.unique;
        dated += v.count;
        if (max_day < min_day) {
            min_day = max_day = day;
        } else {
            min_day = day < min_day ? day : min_day;
            max_day = day > max_day ? day : max_day;
        }
    }
    bool have_lo = s.sp.from[0] ? ymd_days(s.sp.from, &lo) : (lo = min_day, n_days > 0);
    bool have_hi = s.sp.to[0] ? ymd_days(s.sp.to, &hi) : (hi = max_day, n_days > 0);
    if (!have_lo || !have_hi)
        hi = lo - 1; /* nothing matched and a bound is open: no buckets */

    enum srv_interval iv = s.sp.interval;
    if (iv == SRV_INTERVAL_AUTO)
        iv = hi - lo + 1 <= AUTO_DAY_SPAN ? SRV_INTERVAL_DAY : SRV_INTERVAL_MONTH;

    uint64_t estimate, lower, upper;
    sitrep_results_total(res, &estimate, &lower, &upper);
    json_t *buckets = json_array();
    json_t *body = json_object();
    *out = body;
    if (!buckets || !body || json_object_set(body, "query", s.echo) ||
        json_object_set_new(body, "index", srv_search_index_json(&s)) ||
        json_object_set_new(body, "took_ms", json_integer(0)) ||
        json_object_set_new(body, "interval", json_string(srv_interval_name(iv))) ||
        json_object_set_new(body, "total",
                            json_pack("{s:I, s:s}", "value", (json_int_t)lower, "relation",
                                      lower == upper ? "eq" : "gte")) ||
        json_object_set_new(body, "undated", json_integer((json_int_t)(lower - dated))) ||
        json_object_set_new(body, "buckets", buckets)) {
        if (!body)
            json_decref(buckets);
        status = srv_fail_nomem(req, out);
        goto out;
    }
    if (lo <= hi) {
        json_t *err = NULL;
        status = fill_buckets(req, &s.sp, iv, lo, hi, days, n_days, buckets, &err);
        if (status) {
            json_decref(*out);
            *out = err;
            goto out;
        }
    }
    json_object_set_new(body, "took_ms", json_integer(srv_api_elapsed_ms(&t0)));
    status = 200;
out:
    free(days);
    if (res)
        sitrep_results_destroy(res);
    srv_search_free(app, &s);
    return status;
}
