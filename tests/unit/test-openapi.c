/* test-openapi.c - the built-in OpenAPI document against the tables the
 * server runs on, so that a route or parameter added without documenting
 * it fails here:
 *
 *   - every row of the route table (routes.c) is an operation under
 *     "paths" (HEAD is implied by GET, OPTIONS by CORS);
 *   - every parameter of the parameter table (params.c) is a query
 *     parameter of the GET operation of each endpoint that takes it, and a
 *     property of POST /v1/search's body when /v1/search takes it; and the
 *     other way round, the document lists no query parameter those
 *     endpoints would refuse as unknown;
 *   - GET /v1/openapi.json, through the dispatcher, answers the document.
 *
 * That the document is valid OpenAPI, and that it names every error code
 * the sources pass to srv_fail(), is tests/integration/test_openapi.py's
 * part (it needs node and the sources). */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "openapi.h"
#include "params.h"
#include "routes.h"
#include "test.h"

static const unsigned endpoints[] = {SRV_EP_SEARCH, SRV_EP_TIMELINE, SRV_EP_GEO,
                                     SRV_EP_ENTITIES};
#define N_ENDPOINTS (sizeof endpoints / sizeof endpoints[0])

/* Follows a local "$ref" ("#/components/parameters/q") to its target;
 * other objects are returned as they are.  NULL when it does not resolve. */
static json_t *deref(json_t *doc, json_t *obj)
{
    for (int hops = 0; hops < 8 && obj; hops++) {
        const char *ref = json_string_value(json_object_get(obj, "$ref"));
        if (!ref)
            return obj;
        if (strncmp(ref, "#/", 2) != 0)
            return NULL;
        json_t *at = doc;
        char seg[128];
        for (const char *p = ref + 2; at && *p;) {
            size_t n = strcspn(p, "/");
            if (n >= sizeof seg)
                return NULL;
            memcpy(seg, p, n);
            seg[n] = '\0';
            at = json_object_get(at, seg);
            p += n + (p[n] == '/');
        }
        obj = at;
    }
    return NULL;
}

static json_t *operation(json_t *doc, const char *path, const char *method)
{
    return json_object_get(json_object_get(json_object_get(doc, "paths"), path), method);
}

/* True when op lists a query parameter called name. */
static bool has_query_param(json_t *doc, json_t *op, const char *name)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(op, "parameters"), i, p)
    {
        json_t *def = deref(doc, p);
        const char *in = json_string_value(json_object_get(def, "in"));
        const char *pname = json_string_value(json_object_get(def, "name"));
        if (in && pname && strcmp(in, "query") == 0 && strcmp(pname, name) == 0)
            return true;
    }
    return false;
}

/* True when the table gives name to the endpoint. */
static bool table_takes(const char *name, unsigned endpoint)
{
    const char *n;
    unsigned takers;
    for (size_t i = 0; srv_param_table_row(i, &n, &takers); i++)
        if (strcmp(n, name) == 0)
            return (takers & endpoint) != 0;
    return false;
}

static void check_routes(json_t *doc)
{
    size_t n;
    const struct srv_route *routes = srv_route_table(&n);
    CHECK(n > 0);
    for (size_t i = 0; i < n; i++) {
        char method[16];
        size_t k = 0;
        for (; routes[i].method[k] && k + 1 < sizeof method; k++)
            method[k] = (char)(routes[i].method[k] | 0x20); /* ASCII lowercase */
        method[k] = '\0';
        if (!json_is_object(operation(doc, routes[i].pattern, method))) {
            fprintf(stderr, "openapi.json: no operation for the route %s %s\n",
                    routes[i].method, routes[i].pattern);
            test_failures++;
        }
    }
}

static void check_params(json_t *doc)
{
    const char *name;
    unsigned takers;
    json_t *body = deref(doc, json_object_get(
                                  json_object_get(json_object_get(json_object_get(
                                                                      operation(doc, "/v1/search", "post"),
                                                                      "requestBody"),
                                                                  "content"),
                                                  "application/json"),
                                  "schema"));
    json_t *props = json_object_get(body, "properties");
    REQUIRE(json_is_object(props));

    /* Server to document. */
    for (size_t i = 0; srv_param_table_row(i, &name, &takers); i++) {
        for (size_t e = 0; e < N_ENDPOINTS; e++) {
            if (!(takers & endpoints[e]))
                continue;
            const char *path = srv_endpoint_path(endpoints[e]);
            if (!has_query_param(doc, operation(doc, path, "get"), name)) {
                fprintf(stderr, "openapi.json: GET %s lacks the parameter '%s'\n", path, name);
                test_failures++;
            }
            if (endpoints[e] == SRV_EP_SEARCH && !json_object_get(props, name)) {
                fprintf(stderr, "openapi.json: POST /v1/search's body lacks '%s'\n", name);
                test_failures++;
            }
        }
    }
    /* Document to server: nothing those endpoints would refuse. */
    for (size_t e = 0; e < N_ENDPOINTS; e++) {
        const char *path = srv_endpoint_path(endpoints[e]);
        size_t i;
        json_t *p;
        json_array_foreach(json_object_get(operation(doc, path, "get"), "parameters"), i, p)
        {
            json_t *def = deref(doc, p);
            const char *in = json_string_value(json_object_get(def, "in"));
            const char *pname = json_string_value(json_object_get(def, "name"));
            CHECK(in && pname);
            if (in && pname && strcmp(in, "query") == 0 && !table_takes(pname, endpoints[e])) {
                fprintf(stderr, "openapi.json: GET %s lists '%s', which it does not take\n",
                        path, pname);
                test_failures++;
            }
        }
    }
    const char *key;
    json_t *v;
    json_object_foreach(props, key, v)
    {
        if (!table_takes(key, SRV_EP_SEARCH)) {
            fprintf(stderr, "openapi.json: POST /v1/search's body lists '%s', not a parameter\n",
                    key);
            test_failures++;
        }
    }
}

/* The route serves the document: the same JSON as the built-in text. */
static void check_served(json_t *doc)
{
    struct sitrep_config cfg;
    REQUIRE(sitrep_config_defaults(&cfg));
    struct srv_app app = {.cfg = &cfg, .gz = NULL, .pool = NULL};
    struct srv_request req;
    json_t *body = NULL;

    srv_request_init(&req, "GET", "/v1/openapi.json");
    srv_request_new_id(req.id);
    CHECK(srv_dispatch(&app, &req, &body) == 200);
    CHECK(json_equal(body, doc));
    json_decref(body);
    srv_request_clear(&req);

    /* Parameters are not parsed there, but a HEAD is served as GET. */
    srv_request_init(&req, "HEAD", "/v1/openapi.json");
    body = NULL;
    CHECK(srv_dispatch(&app, &req, &body) == 200);
    json_decref(body);
    srv_request_clear(&req);
    sitrep_config_free(&cfg);
}

int main(void)
{
    size_t len;
    const char *text = srv_openapi_text(&len);
    json_error_t jerr;

    REQUIRE(text && len > 0 && text[len] == '\0' && strlen(text) == len);
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        fprintf(stderr, "server/openapi.json:%d:%d: %s\n", jerr.line, jerr.column, jerr.text);
    REQUIRE(doc);
    const char *version = json_string_value(json_object_get(doc, "openapi"));
    CHECK(version && strncmp(version, "3.", 2) == 0);

    check_routes(doc);
    check_params(doc);
    check_served(doc);

    json_decref(doc);
    return TEST_DONE();
}
