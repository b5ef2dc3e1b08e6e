/* api.h - the endpoint handlers, one file each (api-*.c).
 *
 * A handler reads the request, stores a new JSON body in *out (a reference
 * the caller owns; NULL only for bodiless answers such as 204) and returns
 * the HTTP status.  Client mistakes are 4xx bodies built with srv_fail();
 * handlers never print except to log an internal error with the request id.
 */
#ifndef SRV_API_H
#define SRV_API_H

#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#include "app.h"
#include "request.h"
#include "store.h"

typedef unsigned (*srv_handler)(const struct srv_app *app, struct srv_request *req,
                                json_t **out);

unsigned srv_api_search(const struct srv_app *app, struct srv_request *req, json_t **out);
unsigned srv_api_search_post(const struct srv_app *app, struct srv_request *req, json_t **out);
unsigned srv_api_timeline(const struct srv_app *app, struct srv_request *req, json_t **out);
unsigned srv_api_geo(const struct srv_app *app, struct srv_request *req, json_t **out);
unsigned srv_api_entities(const struct srv_app *app, struct srv_request *req, json_t **out);
unsigned srv_api_entity(const struct srv_app *app, struct srv_request *req, json_t **out);
unsigned srv_api_article(const struct srv_app *app, struct srv_request *req, json_t **out);
unsigned srv_api_health(const struct srv_app *app, struct srv_request *req, json_t **out);
unsigned srv_api_stats(const struct srv_app *app, struct srv_request *req, json_t **out);
unsigned srv_api_ingest(const struct srv_app *app, struct srv_request *req, json_t **out);
unsigned srv_api_article_delete(const struct srv_app *app, struct srv_request *req,
                                json_t **out);
/* The web UI: "/" is index.html, "/ui/{id}" any other file of server/web/. */
unsigned srv_api_web(const struct srv_app *app, struct srv_request *req, json_t **out);
unsigned srv_api_openapi(const struct srv_app *app, struct srv_request *req, json_t **out);

/* Checks an index handle out of app's pool for this request.  Returns 0 with
 * *db set (give it back with srv_dbpool_checkin()), or stores a 503
 * index_unavailable body in *out and returns 503. */
unsigned srv_api_checkout(const struct srv_app *app, struct srv_request *req, sitrep_db **db,
                          json_t **out);

/* The write path (api-write.c, writelock.h).  srv_api_write_begin() takes
 * the server's write lock and opens the index for writing (creating it when
 * create is true); it returns 0 with *w set, or stores an error body and
 * returns its status: 503 index_busy (with Retry-After: 1) while another
 * process or, past the wait limit, other requests write; 503
 * index_unavailable when there is no index (and create is false) or it
 * cannot be opened.  srv_api_write_commit() commits w, sets the request's
 * X-Index-Revision and stores a new {"revision", "documents"} object in
 * *index; it returns 0, or 500 with the body in *out.  Either way finish
 * with srv_api_write_end(), which discards what was not committed and lets
 * go of the lock. */
unsigned srv_api_write_begin(const struct srv_app *app, struct srv_request *req, bool create,
                             sitrep_writer **w, json_t **out);
unsigned srv_api_write_commit(struct srv_request *req, sitrep_writer *w, json_t **index,
                              json_t **out);
void srv_api_write_end(const struct srv_app *app, sitrep_writer *w);

/* Milliseconds since t0 (CLOCK_MONOTONIC), for "took_ms". */
long srv_api_elapsed_ms(const struct timespec *t0);

#endif
