/* api-article-delete.c - DELETE /v1/articles/{id}: removes one article and
 * commits before answering, so a 200 means it is gone for every later
 * request.  Answers {"deleted": "ID", "index": {"revision", "documents"}}
 * or 404 not_found.  A missing index is 503 index_unavailable, as for GET,
 * and is not created. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "text.h"

unsigned srv_api_article_delete(const struct srv_app *app, struct srv_request *req, json_t **out)
{
    const char *id = req->path_arg;
    sitrep_writer *w = NULL;
    json_t *index = NULL;
    sitrep_status st;
    unsigned status;

    if (!id || !sitrep_utf8_valid(id, strlen(id), NULL))
        return srv_fail(req, out, 404, "not_found", NULL, "no article with that id");
    if ((status = srv_api_write_begin(app, req, false, &w, out)))
        goto out;
    st = sitrep_writer_delete(w, id);
    if (st == SITREP_ERR_NOT_FOUND) {
        status = srv_fail(req, out, 404, "not_found", NULL, "no article with id '%s'", id);
        goto out;
    }
    if (st != SITREP_OK) {
        fprintf(stderr, "sitrepd: request %s: delete: %s\n", req->id, sitrep_writer_last_error(w));
        status = srv_fail(req, out, 500, "internal_error", NULL,
                          "the article could not be deleted (request %s)", req->id);
        goto out;
    }
    if ((status = srv_api_write_commit(req, w, &index, out)))
        goto out;
    srv_api_write_end(app, w);
    w = NULL;
    fprintf(stderr, "sitrepd: request %s: delete by key '%s'\n", req->id,
            req->key_name ? req->key_name : "");
    *out = json_pack("{s:s, s:o}", "deleted", id, "index", index);
    index = NULL; /* "o" took it, even on failure */
    status = *out ? 200 : srv_fail_nomem(req, out);
out:
    srv_api_write_end(app, w);
    json_decref(index);
    return status;
}
