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
unsigned srv_api_openapi(const struct srv_app *app, struct srv_request *req, json_t **out);

/* Checks an index handle out of app's pool for this request.  Returns 0 with
 * *db set (give it back with srv_dbpool_checkin()), or stores a 503
 * index_unavailable body in *out and returns 503. */
unsigned srv_api_checkout(const struct srv_app *app, struct srv_request *req, sitrep_db **db,
                          json_t **out);

/* Milliseconds since t0 (CLOCK_MONOTONIC), for "took_ms". */
long srv_api_elapsed_ms(const struct timespec *t0);

#endif
