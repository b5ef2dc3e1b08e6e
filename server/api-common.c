/* api-common.c - what several handlers share: taking an index handle, or
 * answering 503 when there is none yet; timing. */
#include <stdio.h>
#include <time.h>

#include "api.h"
#include "dbpool.h"

unsigned srv_api_checkout(const struct srv_app *app, struct srv_request *req, sitrep_db **db,
                          json_t **out)
{
    char why[256];
    sitrep_status st;

    *db = NULL;
    if (!app->pool)
        return srv_fail(req, out, 503, "index_unavailable", NULL, "no index is configured");
    st = srv_dbpool_checkout(app->pool, db, why, sizeof why);
    if (st == SITREP_OK)
        return 0;
    /* The detail (paths, Xapian's words) goes to the log, not to clients. */
    fprintf(stderr, "sitrepd: request %s: index unavailable: %s\n", req->id, why);
    if (st == SITREP_ERR_DB_NOT_FOUND)
        return srv_fail(req, out, 503, "index_unavailable", NULL,
                        "there is no index yet: run sitrep-index, then retry");
    return srv_fail(req, out, 503, "index_unavailable", NULL,
                    "the index cannot be opened (%s); see the server log for request %s",
                    sitrep_status_to_string(st), req->id);
}

long srv_api_elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (long)((t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000);
}
