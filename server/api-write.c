/* api-write.c - what the writing endpoints share: the write lock with its
 * HTTP answers, and the commit that makes a write durable before the
 * response says it happened. */
#include <stdio.h>

#include "api.h"
#include "writelock.h"

unsigned srv_api_write_begin(const struct srv_app *app, struct srv_request *req, bool create,
                             sitrep_writer **w, json_t **out)
{
    char why[512];
    sitrep_status st;

    *w = NULL;
    if (!app->writelock)
        return srv_fail(req, out, 503, "index_unavailable", NULL, "no index is configured");
    st = srv_writelock_acquire(app->writelock, create, w, why, sizeof why);
    if (st == SITREP_OK)
        return 0;
    /* Paths and Xapian's words go to the log, not to clients. */
    fprintf(stderr, "sitrepd: request %s: cannot write the index: %s\n", req->id, why);
    if (st == SITREP_ERR_DB_LOCKED) {
        req->retry_after = 1;
        return srv_fail(req, out, 503, "index_busy", NULL,
                        "another writer (such as sitrep-index) holds the index; nothing was "
                        "written, retry shortly");
    }
    if (st == SITREP_ERR_DB_NOT_FOUND)
        return srv_fail(req, out, 503, "index_unavailable", NULL, "there is no index yet");
    return srv_fail(req, out, 503, "index_unavailable", NULL,
                    "the index cannot be opened for writing (%s); see the server log for "
                    "request %s",
                    sitrep_status_to_string(st), req->id);
}

unsigned srv_api_write_commit(struct srv_request *req, sitrep_writer *w, json_t **index,
                              json_t **out)
{
    struct sitrep_db_stats stats;
    sitrep_status st;

    *index = NULL;
    st = sitrep_writer_commit(w);
    if (st != SITREP_OK) {
        fprintf(stderr, "sitrepd: request %s: commit failed: %s\n", req->id,
                sitrep_writer_last_error(w));
        return srv_fail(req, out, 500, "internal_error", NULL,
                        "the change could not be committed; nothing was written (request %s)",
                        req->id);
    }
    /* Committed: from here on the answer must not say otherwise. */
    if (sitrep_writer_get_stats(w, &stats) != SITREP_OK) {
        fprintf(stderr, "sitrepd: request %s: stats after commit: %s\n", req->id,
                sitrep_writer_last_error(w));
        *index = json_null();
        return 0;
    }
    req->has_revision = true;
    req->revision = stats.revision;
    *index = json_pack("{s:I, s:I}", "revision", (json_int_t)stats.revision, "documents",
                       (json_int_t)stats.documents);
    return *index ? 0 : srv_fail_nomem(req, out);
}

void srv_api_write_end(const struct srv_app *app, sitrep_writer *w)
{
    if (w)
        srv_writelock_release(app->writelock, w);
}
