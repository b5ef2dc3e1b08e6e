/* test-routes.c - the route table and the dispatcher without sockets: 404
 * for unknown paths, 405 with Allow for known paths, OPTIONS, {id} capture,
 * that parameter errors come before the index (no pool here), and the API
 * keys each route's scope asks for. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "routes.h"
#include "test.h"

static const struct {
    const char *method, *path;
    enum srv_route_match want;
    const char *arg; /* expected {id}, or NULL */
} finds[] = {
    {"GET", "/v1/search", SRV_ROUTE_FOUND, NULL},
    {"HEAD", "/v1/search", SRV_ROUTE_FOUND, NULL},
    {"GET", "/v1/health", SRV_ROUTE_FOUND, NULL},
    {"GET", "/v1/stats", SRV_ROUTE_FOUND, NULL},
    {"GET", "/v1/articles/abc", SRV_ROUTE_FOUND, "abc"},
    {"GET", "/v1/articles/a/b", SRV_ROUTE_FOUND, "a/b"},
    {"GET", "/v1/articles/", SRV_ROUTE_NO_PATH, NULL},
    {"GET", "/v1/articles", SRV_ROUTE_NO_PATH, NULL},
    {"GET", "/v1/search/", SRV_ROUTE_NO_PATH, NULL},
    {"GET", "/v1/searchx", SRV_ROUTE_NO_PATH, NULL},
    {"GET", "/v1/Search", SRV_ROUTE_NO_PATH, NULL},
    {"GET", "/", SRV_ROUTE_FOUND, NULL},
    {"GET", "/ui/app.js", SRV_ROUTE_FOUND, "app.js"},
    {"POST", "/", SRV_ROUTE_NO_METHOD, NULL},
    {"GET", "", SRV_ROUTE_NO_PATH, NULL},
    {"GET", "/v2/search", SRV_ROUTE_NO_PATH, NULL},
    {"POST", "/v1/nope", SRV_ROUTE_NO_PATH, NULL},
    {"POST", "/v1/search", SRV_ROUTE_FOUND, NULL},
    {"PUT", "/v1/search", SRV_ROUTE_NO_METHOD, NULL},
    {"GET", "/v1/timeline", SRV_ROUTE_FOUND, NULL},
    {"HEAD", "/v1/timeline", SRV_ROUTE_FOUND, NULL},
    {"POST", "/v1/timeline", SRV_ROUTE_NO_METHOD, NULL},
    {"GET", "/v1/timeline/", SRV_ROUTE_NO_PATH, NULL},
    {"DELETE", "/v1/articles/abc", SRV_ROUTE_FOUND, "abc"},
    {"DELETE", "/v1/articles/a/b", SRV_ROUTE_FOUND, "a/b"},
    {"PUT", "/v1/articles/abc", SRV_ROUTE_NO_METHOD, "abc"},
    {"POST", "/v1/ingest", SRV_ROUTE_FOUND, NULL},
    {"GET", "/v1/ingest", SRV_ROUTE_NO_METHOD, NULL},
    {"OPTIONS", "/v1/ingest", SRV_ROUTE_NO_METHOD, NULL},
    {"POST", "/v1/ingest/", SRV_ROUTE_NO_PATH, NULL},
    {"PUT", "/v1/health", SRV_ROUTE_NO_METHOD, NULL},
    {"OPTIONS", "/v1/stats", SRV_ROUTE_NO_METHOD, NULL},
    {"GET", "/v1/geo", SRV_ROUTE_FOUND, NULL},
    {"POST", "/v1/geo", SRV_ROUTE_NO_METHOD, NULL},
    {"GET", "/v1/geo/", SRV_ROUTE_NO_PATH, NULL},
    {"GET", "/v1/entities", SRV_ROUTE_FOUND, NULL},
    {"HEAD", "/v1/entities", SRV_ROUTE_FOUND, NULL},
    {"GET", "/v1/entities/geonames:706483", SRV_ROUTE_FOUND, "geonames:706483"},
    {"GET", "/v1/entities/person:volodymyr-zelensky", SRV_ROUTE_FOUND,
     "person:volodymyr-zelensky"},
    {"GET", "/v1/entities/", SRV_ROUTE_NO_PATH, NULL},
    {"DELETE", "/v1/entities/x", SRV_ROUTE_NO_METHOD, "x"},
    {"PUT", "/v1/entities", SRV_ROUTE_NO_METHOD, NULL},
};

/* The scope column of the route table: writes always need "ingest", reads
 * "search" (when so configured), liveness nothing. */
static const struct {
    const char *method, *path;
    unsigned scope;
} scopes[] = {
    {"POST", "/v1/ingest", SITREP_SCOPE_INGEST},
    {"DELETE", "/v1/articles/x", SITREP_SCOPE_INGEST},
    {"GET", "/v1/articles/x", SITREP_SCOPE_SEARCH},
    {"HEAD", "/v1/articles/x", SITREP_SCOPE_SEARCH},
    {"GET", "/v1/search", SITREP_SCOPE_SEARCH},
    {"POST", "/v1/search", SITREP_SCOPE_SEARCH},
    {"GET", "/v1/timeline", SITREP_SCOPE_SEARCH},
    {"GET", "/v1/geo", SITREP_SCOPE_SEARCH},
    {"GET", "/v1/entities", SITREP_SCOPE_SEARCH},
    {"GET", "/v1/entities/x", SITREP_SCOPE_SEARCH},
    {"GET", "/v1/stats", SITREP_SCOPE_SEARCH},
    {"GET", "/v1/health", 0},
    {"GET", "/", 0},
    {"GET", "/ui/app.js", 0},
};

#define INGEST_KEY "ingest-0123456789abcdef"
#define SEARCH_KEY "search-0123456789abcdef"

/* Gives cfg two keys, one per scope, the way the loader would. */
static void add_keys(struct sitrep_config *cfg)
{
    static const struct {
        const char *name, *key;
        unsigned scopes;
    } keys[] = {
        {"writer", INGEST_KEY, SITREP_SCOPE_INGEST},
        {"reader", SEARCH_KEY, SITREP_SCOPE_SEARCH},
    };
    cfg->api_keys = calloc(2, sizeof *cfg->api_keys);
    REQUIRE(cfg->api_keys);
    for (size_t i = 0; i < 2; i++) {
        cfg->api_keys[i].name = strdup(keys[i].name);
        cfg->api_keys[i].key = strdup(keys[i].key);
        REQUIRE(cfg->api_keys[i].name && cfg->api_keys[i].key);
        cfg->api_keys[i].key_len = strlen(keys[i].key);
        cfg->api_keys[i].scopes = keys[i].scopes;
    }
    cfg->n_api_keys = 2;
}

/* One request with an Authorization header through the dispatcher. */
static unsigned run_auth(const struct srv_app *app, const char *method, const char *path,
                         const char *authorization, char *code, size_t code_len,
                         const char **challenge)
{
    struct srv_request req;
    json_t *body = NULL;
    srv_request_init(&req, method, path);
    srv_request_new_id(req.id);
    req.authorization = authorization;
    req.content_type = "application/x-ndjson";
    req.body = "{}";
    req.body_len = 2;
    unsigned status = srv_dispatch(app, &req, &body);
    json_t *err = srv_error_object(body);
    snprintf(code, code_len, "%s", err ? json_string_value(json_object_get(err, "code")) : "");
    /* A message may name a key, never hold one. */
    char *text = json_dumps(body, 0);
    CHECK(!text || (!strstr(text, INGEST_KEY) && !strstr(text, SEARCH_KEY)));
    free(text);
    if (challenge)
        *challenge = req.www_authenticate;
    json_decref(body);
    srv_request_clear(&req);
    return status;
}

static void test_auth(void)
{
    struct sitrep_config cfg;
    REQUIRE(sitrep_config_defaults(&cfg));
    add_keys(&cfg);
    struct srv_app app = {.cfg = &cfg, .gz = NULL, .pool = NULL};
    char code[64];
    const char *challenge;

    for (size_t i = 0; i < sizeof scopes / sizeof scopes[0]; i++) {
        const struct srv_route *route;
        const char *allow, *arg;
        REQUIRE(srv_route_find(scopes[i].method, scopes[i].path, &route, &allow, &arg) ==
                SRV_ROUTE_FOUND);
        if (route->scope != scopes[i].scope) {
            fprintf(stderr, "%s %s: scope %u, want %u\n", scopes[i].method, scopes[i].path,
                    route->scope, scopes[i].scope);
            test_failures++;
        }
    }

    /* Writes: the key is checked before the handler.  Once it passes, the
     * ingest handler reads the body "{}" (a record without text: 200 with
     * one rejected) and DELETE finds no write lock here (503). */
    CHECK(run_auth(&app, "POST", "/v1/ingest", NULL, code, sizeof code, &challenge) == 401);
    CHECK_STR(code, "missing_api_key");
    CHECK_STR(challenge, "Bearer realm=\"sitrep\"");
    CHECK(run_auth(&app, "POST", "/v1/ingest", "", code, sizeof code, NULL) == 401);
    CHECK_STR(code, "missing_api_key");
    CHECK(run_auth(&app, "POST", "/v1/ingest", "Bearer nope-nope-nope-nope", code, sizeof code,
                   &challenge) == 401);
    CHECK_STR(code, "invalid_api_key");
    CHECK(challenge && strstr(challenge, "invalid_token"));
    CHECK(run_auth(&app, "POST", "/v1/ingest", "Basic " INGEST_KEY, code, sizeof code, NULL) ==
          401);
    CHECK_STR(code, "invalid_api_key");
    CHECK(run_auth(&app, "POST", "/v1/ingest", "Bearer", code, sizeof code, NULL) == 401);
    CHECK(run_auth(&app, "POST", "/v1/ingest", "Bearer " INGEST_KEY "x", code, sizeof code,
                   NULL) == 401);
    CHECK(run_auth(&app, "POST", "/v1/ingest", "Bearer " SEARCH_KEY, code, sizeof code,
                   &challenge) == 403);
    CHECK_STR(code, "forbidden");
    CHECK(challenge && strstr(challenge, "insufficient_scope"));
    CHECK(run_auth(&app, "POST", "/v1/ingest", "Bearer " INGEST_KEY, code, sizeof code, NULL) ==
          200);
    CHECK(run_auth(&app, "POST", "/v1/ingest", "bearer   " INGEST_KEY, code, sizeof code,
                   NULL) == 200);
    CHECK(run_auth(&app, "DELETE", "/v1/articles/x", NULL, code, sizeof code, NULL) == 401);
    CHECK(run_auth(&app, "DELETE", "/v1/articles/x", "Bearer " INGEST_KEY, code, sizeof code,
                   NULL) == 503);
    /* The preflight and unknown paths need no key. */
    CHECK(run_auth(&app, "OPTIONS", "/v1/ingest", NULL, code, sizeof code, NULL) == 204);
    CHECK(run_auth(&app, "POST", "/v1/nope", NULL, code, sizeof code, NULL) == 404);

    /* Reads are open unless search_requires_key. */
    CHECK(run_auth(&app, "GET", "/v1/stats", NULL, code, sizeof code, NULL) == 503);
    cfg.search_requires_key = true;
    CHECK(run_auth(&app, "GET", "/v1/stats", NULL, code, sizeof code, NULL) == 401);
    CHECK_STR(code, "missing_api_key");
    CHECK(run_auth(&app, "GET", "/v1/stats", "Bearer " INGEST_KEY, code, sizeof code, NULL) ==
          403);
    CHECK(run_auth(&app, "GET", "/v1/stats", "Bearer " SEARCH_KEY, code, sizeof code, NULL) ==
          503);
    CHECK(run_auth(&app, "GET", "/v1/health", NULL, code, sizeof code, NULL) == 200);

    sitrep_config_free(&cfg);
}

/* Runs one request through the dispatcher; returns the status and the
 * error code ("" for none) in code. */
static unsigned run(const struct srv_app *app, const char *method, const char *path,
                    const char *key, const char *value, char *code, size_t code_len,
                    const char **allow, json_t **body_out)
{
    struct srv_request req;
    json_t *body = NULL;
    srv_request_init(&req, method, path);
    srv_request_new_id(req.id);
    if (key)
        REQUIRE(srv_params_add(&req.params, key, strlen(key), value, strlen(value)));
    unsigned status = srv_dispatch(app, &req, &body);
    json_t *err = srv_error_object(body);
    snprintf(code, code_len, "%s",
             err ? json_string_value(json_object_get(err, "code")) : "");
    if (err) {
        /* Every error names the request and repeats the status. */
        CHECK_STR(json_string_value(json_object_get(err, "request_id")), req.id);
        CHECK(json_integer_value(json_object_get(err, "status")) == (json_int_t)status);
        CHECK(json_is_string(json_object_get(err, "message")));
    }
    if (allow)
        *allow = req.allow;
    if (body_out)
        *body_out = body;
    else
        json_decref(body);
    srv_request_clear(&req);
    return status;
}

int main(void)
{
    for (size_t i = 0; i < sizeof finds / sizeof finds[0]; i++) {
        const struct srv_route *route;
        const char *allow, *arg;
        enum srv_route_match m = srv_route_find(finds[i].method, finds[i].path, &route, &allow,
                                                &arg);
        if (m != finds[i].want) {
            fprintf(stderr, "%s %s: match %d, want %d\n", finds[i].method, finds[i].path,
                    (int)m, (int)finds[i].want);
            test_failures++;
            continue;
        }
        CHECK((m == SRV_ROUTE_FOUND) == (route != NULL));
        CHECK((m == SRV_ROUTE_NO_PATH) == (allow == NULL));
        if (finds[i].arg)
            CHECK_STR(arg, finds[i].arg);
        else if (m != SRV_ROUTE_NO_PATH)
            CHECK(arg == NULL);
    }

    struct sitrep_config cfg;
    REQUIRE(sitrep_config_defaults(&cfg));
    struct srv_app app = {.cfg = &cfg, .gz = NULL, .pool = NULL};
    char code[64];
    const char *allow;
    json_t *body;

    CHECK(run(&app, "GET", "/v1/health", NULL, NULL, code, sizeof code, NULL, &body) == 200);
    CHECK_STR(json_string_value(json_object_get(body, "status")), "ok");
    json_decref(body);
    CHECK(run(&app, "HEAD", "/v1/health", NULL, NULL, code, sizeof code, NULL, NULL) == 200);

    CHECK(run(&app, "GET", "/v1/nope", NULL, NULL, code, sizeof code, &allow, NULL) == 404);
    CHECK_STR(code, "not_found");
    CHECK(allow == NULL);

    CHECK(run(&app, "PUT", "/v1/search", NULL, NULL, code, sizeof code, &allow, NULL) == 405);
    CHECK_STR(code, "method_not_allowed");
    CHECK(allow && strstr(allow, "GET") && strstr(allow, "POST"));
    CHECK(run(&app, "DELETE", "/v1/timeline", NULL, NULL, code, sizeof code, &allow, NULL) ==
          405);
    CHECK(allow && strstr(allow, "GET") && !strstr(allow, "POST"));

    /* POST /v1/search checks its body before the (missing) index. */
    CHECK(run(&app, "POST", "/v1/search", NULL, NULL, code, sizeof code, NULL, NULL) == 415);
    CHECK_STR(code, "unsupported_media_type");
    CHECK(run(&app, "GET", "/v1/timeline", "limit", "5", code, sizeof code, NULL, NULL) == 400);
    CHECK_STR(code, "invalid_parameter");
    CHECK(run(&app, "GET", "/v1/timeline", "interval", "week", code, sizeof code, NULL, NULL) ==
          503);
    CHECK(run(&app, "GET", "/v1/search", "cursor", "not-a-cursor", code, sizeof code, NULL,
              &body) == 400);
    CHECK_STR(json_string_value(json_object_get(srv_error_object(body), "param")), "cursor");
    json_decref(body);

    CHECK(run(&app, "DELETE", "/v1/health", NULL, NULL, code, sizeof code, &allow, NULL) ==
          405);
    CHECK(allow && strstr(allow, "GET"));

    CHECK(run(&app, "OPTIONS", "/v1/search", NULL, NULL, code, sizeof code, &allow, &body) ==
          204);
    CHECK(body == NULL);
    CHECK(allow && strstr(allow, "GET"));
    CHECK(run(&app, "OPTIONS", "/v1/nope", NULL, NULL, code, sizeof code, NULL, NULL) == 404);

    /* Parameter errors are found before the (missing) index is needed. */
    CHECK(run(&app, "GET", "/v1/search", "limit", "abc", code, sizeof code, NULL, &body) ==
          400);
    CHECK_STR(code, "invalid_parameter");
    CHECK_STR(json_string_value(json_object_get(srv_error_object(body), "param")), "limit");
    json_decref(body);
    CHECK(run(&app, "GET", "/v1/search", "bogus", "1", code, sizeof code, NULL, NULL) == 400);

    /* The new endpoints check their parameters before the index too. */
    CHECK(run(&app, "GET", "/v1/geo", "top", "51", code, sizeof code, NULL, NULL) == 400);
    CHECK(run(&app, "GET", "/v1/geo", "limit", "5", code, sizeof code, NULL, NULL) == 503);
    CHECK(run(&app, "GET", "/v1/entities", "type", "city", code, sizeof code, NULL, NULL) == 400);
    CHECK(run(&app, "GET", "/v1/entities", "prefix", "khar", code, sizeof code, NULL, NULL) ==
          503);
    CHECK(run(&app, "GET", "/v1/entities/geonames:1", NULL, NULL, code, sizeof code, NULL,
              NULL) == 503);
    CHECK(run(&app, "GET", "/v1/search", "near", "1,2,3km", code, sizeof code, NULL, &body) ==
          400); /* no gazetteer: no coordinates */
    CHECK_STR(json_string_value(json_object_get(srv_error_object(body), "param")), "near");
    json_decref(body);
    CHECK(run(&app, "GET", "/v1/search", "format", "csv", code, sizeof code, NULL, NULL) == 503);
    CHECK(run(&app, "GET", "/v1/search", "timespan", "7d", code, sizeof code, NULL, NULL) ==
          503);

    /* Without a gazetteer, unknown names are a 400; codes still resolve. */
    CHECK(run(&app, "GET", "/v1/search", "place", "Atlantis", code, sizeof code, NULL,
              NULL) == 400);
    CHECK_STR(code, "invalid_parameter");

    /* Valid parameters but no index: 503, never a crash. */
    CHECK(run(&app, "GET", "/v1/search", "q", "shelling", code, sizeof code, NULL, NULL) ==
          503);
    CHECK_STR(code, "index_unavailable");
    CHECK(run(&app, "GET", "/v1/search", "place", "UA", code, sizeof code, NULL, NULL) == 503);
    CHECK(run(&app, "GET", "/v1/stats", NULL, NULL, code, sizeof code, NULL, NULL) == 503);
    CHECK(run(&app, "GET", "/v1/articles/x", NULL, NULL, code, sizeof code, NULL, NULL) ==
          503);

    /* Error messages survive invalid UTF-8 in echoed input. */
    CHECK(run(&app, "GET", "/v1/\xff\xfe", NULL, NULL, code, sizeof code, NULL, &body) == 404);
    CHECK(json_is_string(json_object_get(srv_error_object(body), "message")));
    json_decref(body);

    sitrep_config_free(&cfg);
    test_auth();
    return TEST_DONE();
}
