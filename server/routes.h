/* routes.h - the table that maps method + path to a handler.
 *
 * Paths are matched segment by segment; a "{id}" segment matches any one
 * non-empty segment, which the handler reads as req->path_arg.  HEAD is
 * served as GET (the transport drops the body), OPTIONS is answered for
 * every known path (CORS preflight), an unknown path is 404 not_found and a
 * known path with another method is 405 method_not_allowed with "Allow".
 * A route that needs an API key is refused (401/403, auth.h) before its
 * handler runs; OPTIONS, 404 and 405 need no key.
 */
#ifndef SRV_ROUTES_H
#define SRV_ROUTES_H

#include <jansson.h>
#include <stddef.h>

#include "api.h"

enum srv_route_match {
    SRV_ROUTE_FOUND,
    SRV_ROUTE_NO_PATH,   /* 404 */
    SRV_ROUTE_NO_METHOD, /* 405 */
};

struct srv_route {
    const char *method;
    const char *pattern;
    srv_handler handler;
    const char *allow; /* the "Allow" value for every route with this pattern */
    unsigned scope;    /* the enum sitrep_scope an API key must grant, or 0
                          (auth.h: SEARCH only with server.search_requires_key) */
};

/* The whole table, *n rows, in match order (static storage), for the
 * tests that compare it with the OpenAPI document. */
const struct srv_route *srv_route_table(size_t *n);

/* Finds the route for method and path.  *route is set when FOUND; *allow
 * (a static string) whenever the path is known; *arg to the start of the
 * "{id}" segment in path, or NULL. */
enum srv_route_match srv_route_find(const char *method, const char *path,
                                    const struct srv_route **route, const char **allow,
                                    const char **arg);

/* Routes req, checks its API key against the route's scope and runs its
 * handler; returns the status and sets *out (see api.h).  404, 405,
 * OPTIONS, 401 and 403 are answered here. */
unsigned srv_dispatch(const struct srv_app *app, struct srv_request *req, json_t **out);

#endif
