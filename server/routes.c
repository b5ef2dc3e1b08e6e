/* routes.c - the route table (after redis' commands.def: one row per
 * endpoint) and the dispatcher. */
#include "routes.h"

#include <string.h>

#include "auth.h"

/* The last column is the scope an API key must grant (auth.h): SEARCH
 * applies only when server.search_requires_key is true, INGEST always, 0
 * never.  Liveness stays open so that probes need no secret. */
#define SEARCH SITREP_SCOPE_SEARCH
#define INGEST SITREP_SCOPE_INGEST
static const struct srv_route routes[] = {
    {"GET", "/v1/search", srv_api_search, "GET, HEAD, POST, OPTIONS", SEARCH},
    {"POST", "/v1/search", srv_api_search_post, "GET, HEAD, POST, OPTIONS", SEARCH},
    {"GET", "/v1/timeline", srv_api_timeline, "GET, HEAD, OPTIONS", SEARCH},
    {"GET", "/v1/geo", srv_api_geo, "GET, HEAD, OPTIONS", SEARCH},
    {"GET", "/v1/entities", srv_api_entities, "GET, HEAD, OPTIONS", SEARCH},
    {"GET", "/v1/entities/{id}", srv_api_entity, "GET, HEAD, OPTIONS", SEARCH},
    {"GET", "/v1/articles/{id}", srv_api_article, "GET, HEAD, DELETE, OPTIONS", SEARCH},
    {"DELETE", "/v1/articles/{id}", srv_api_article_delete, "GET, HEAD, DELETE, OPTIONS", INGEST},
    {"POST", "/v1/ingest", srv_api_ingest, "POST, OPTIONS", INGEST},
    {"GET", "/v1/health", srv_api_health, "GET, HEAD, OPTIONS", 0},
    {"GET", "/v1/stats", srv_api_stats, "GET, HEAD, OPTIONS", SEARCH},
    {"GET", "/v1/openapi.json", srv_api_openapi, "GET, HEAD, OPTIONS", 0},
    {"GET", "/", srv_api_web, "GET, HEAD, OPTIONS", 0},
    {"GET", "/ui/{id}", srv_api_web, "GET, HEAD, OPTIONS", 0},
};
#undef SEARCH
#undef INGEST
#define N_ROUTES (sizeof routes / sizeof routes[0])

const struct srv_route *srv_route_table(size_t *n)
{
    *n = N_ROUTES;
    return routes;
}

/* True when path matches pattern.  A "{id}" segment must be the last one in
 * a pattern; it takes the rest of the path, slashes included, because MHD
 * has already decoded %2F and article ids derived from URLs may hold one. */
static bool path_matches(const char *pattern, const char *path, const char **arg)
{
    *arg = NULL;
    for (;;) {
        if (strcmp(pattern, "{id}") == 0) {
            if (*path == '\0')
                return false;
            *arg = path;
            return true;
        }
        if (*pattern == '\0' || *path == '\0')
            return *pattern == *path;
        if (*pattern != *path)
            return false;
        pattern++;
        path++;
    }
}

enum srv_route_match srv_route_find(const char *method, const char *path,
                                    const struct srv_route **route, const char **allow,
                                    const char **arg)
{
    enum srv_route_match result = SRV_ROUTE_NO_PATH;
    const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;

    *route = NULL;
    *allow = NULL;
    *arg = NULL;
    for (size_t i = 0; i < N_ROUTES; i++) {
        const char *a;
        if (!path_matches(routes[i].pattern, path, &a))
            continue;
        *allow = routes[i].allow;
        *arg = a;
        if (strcmp(routes[i].method, m) == 0) {
            *route = &routes[i];
            return SRV_ROUTE_FOUND;
        }
        result = SRV_ROUTE_NO_METHOD;
    }
    return result;
}

unsigned srv_dispatch(const struct srv_app *app, struct srv_request *req, json_t **out)
{
    const struct srv_route *route;
    const char *allow, *arg;

    *out = NULL;
    switch (srv_route_find(req->method, req->path, &route, &allow, &arg)) {
    case SRV_ROUTE_FOUND: {
        unsigned status = srv_auth_check(app->cfg, req, route->scope, out);
        if (status)
            return status;
        req->path_arg = arg;
        return route->handler(app, req, out);
    }
    case SRV_ROUTE_NO_METHOD:
        req->allow = allow;
        /* The CORS preflight: the transport adds the Access-Control-* headers. */
        if (strcmp(req->method, "OPTIONS") == 0)
            return 204;
        return srv_fail(req, out, 405, "method_not_allowed", NULL,
                        "%s is not allowed on %s (allowed: %s)", req->method, req->path,
                        allow);
    case SRV_ROUTE_NO_PATH:
    default:
        return srv_fail(req, out, 404, "not_found", NULL, "no such endpoint: %s", req->path);
    }
}
