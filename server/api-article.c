/* api-article.c - GET /v1/articles/{id}: the stored record as indexed, with
 * its text and every extracted entity and date (article.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "article.h"
#include "dbpool.h"
#include "text.h"

unsigned srv_api_article(const struct srv_app *app, struct srv_request *req, json_t **out)
{
    const char *id = req->path_arg;
    sitrep_db *db = NULL;
    char *data = NULL;
    size_t len = 0;
    unsigned status;
    sitrep_status s;

    if (!id || !sitrep_utf8_valid(id, strlen(id), NULL))
        return srv_fail(req, out, 404, "not_found", NULL, "no article with that id");
    if ((status = srv_api_checkout(app, req, &db, out)))
        return status;

    struct sitrep_db_stats st;
    if (sitrep_db_get_stats(db, &st) == SITREP_OK) {
        req->has_revision = true;
        req->revision = st.revision;
    }
    s = sitrep_db_get_record(db, id, &data, &len);
    if (s == SITREP_ERR_NOT_FOUND) {
        status = srv_fail(req, out, 404, "not_found", NULL, "no article with id '%s'", id);
        goto out;
    }
    if (s != SITREP_OK) {
        fprintf(stderr, "sitrepd: request %s: get_record: %s\n", req->id,
                sitrep_db_last_error(db));
        status = srv_fail(req, out, 500, "internal_error", NULL,
                          "could not read the article (request %s)", req->id);
        goto out;
    }
    json_error_t jerr;
    *out = sitrep_record_load(data, len, &jerr);
    if (!*out) {
        fprintf(stderr, "sitrepd: request %s: stored record of '%s' is not a JSON object: %s\n",
                req->id, id, jerr.text);
        json_decref(*out);
        *out = NULL;
        status = srv_fail(req, out, 500, "internal_error", NULL,
                          "the stored record is damaged (request %s)", req->id);
        goto out;
    }
    status = 200;
out:
    free(data);
    srv_dbpool_checkin(app->pool, db, s != SITREP_OK && s != SITREP_ERR_NOT_FOUND);
    return status;
}
