/* api-health.c - GET /v1/health (liveness: answers even without an index)
 * and GET /v1/stats (what the index holds). */
#include <stdio.h>
#include <time.h>

#include "api.h"
#include "cache.h"
#include "dbpool.h"

unsigned srv_api_health(const struct srv_app *app, struct srv_request *req, json_t **out)
{
    (void)app;
    *out = json_pack("{s:s}", "status", "ok");
    return *out ? 200 : srv_fail_nomem(req, out);
}

unsigned srv_api_stats(const struct srv_app *app, struct srv_request *req, json_t **out)
{
    struct sitrep_db_stats st;
    struct timespec now;
    sitrep_db *db = NULL;
    sitrep_status s;

    unsigned status = srv_api_checkout(app, req, &db, out);
    if (status)
        return status;
    s = sitrep_db_get_stats(db, &st);
    if (s != SITREP_OK) {
        fprintf(stderr, "sitrepd: request %s: stats: %s\n", req->id, sitrep_db_last_error(db));
        srv_dbpool_checkin(app->pool, db, true);
        return srv_fail(req, out, 503, "index_unavailable", NULL, "the index is not available: %s",
                        sitrep_status_to_string(s));
    }
    srv_dbpool_checkin(app->pool, db, false);
    req->has_revision = true;
    req->revision = st.revision;

    clock_gettime(CLOCK_MONOTONIC, &now);
    double uptime = (double)(now.tv_sec - app->started.tv_sec) +
                    (double)(now.tv_nsec - app->started.tv_nsec) / 1e9;
    struct srv_cache_stats cs = {0, 0, 0, 0};
    if (app->cache)
        srv_cache_get_stats(app->cache, &cs);
    *out = json_pack("{s:I, s:I, s:s?, s:i, s:{s:I}, s:I, s:{s:b, s:I, s:I, s:I, s:I}}",
                     "documents", (json_int_t)st.documents,
                     "revision", (json_int_t)st.revision,
                     "last_update", st.last_update[0] ? st.last_update : NULL,
                     "shards", (int)st.shards,
                     "gazetteer", "places",
                     (json_int_t)(app->gz ? sitrep_gazetteer_size(app->gz) : 0),
                     "uptime_s", (json_int_t)uptime,
                     "cache", "enabled", app->cache != NULL, "entries", (json_int_t)cs.entries,
                     "bytes", (json_int_t)cs.bytes, "hits", (json_int_t)cs.hits,
                     "misses", (json_int_t)cs.misses);
    return *out ? 200 : srv_fail_nomem(req, out);
}
