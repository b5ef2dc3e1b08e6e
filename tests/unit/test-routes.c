/* test-routes.c - the route table and the dispatcher without sockets: 404
 * for unknown paths, 405 with Allow for known paths, OPTIONS, {id} capture,
 * and that parameter errors come before the index (no pool here). */
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
    {"GET", "/", SRV_ROUTE_NO_PATH, NULL},
    {"GET", "", SRV_ROUTE_NO_PATH, NULL},
    {"GET", "/v2/search", SRV_ROUTE_NO_PATH, NULL},
    {"POST", "/v1/nope", SRV_ROUTE_NO_PATH, NULL},
    {"POST", "/v1/search", SRV_ROUTE_FOUND, NULL},
    {"PUT", "/v1/search", SRV_ROUTE_NO_METHOD, NULL},
    {"GET", "/v1/timeline", SRV_ROUTE_FOUND, NULL},
    {"HEAD", "/v1/timeline", SRV_ROUTE_FOUND, NULL},
    {"POST", "/v1/timeline", SRV_ROUTE_NO_METHOD, NULL},
    {"GET", "/v1/timeline/", SRV_ROUTE_NO_PATH, NULL},
    {"DELETE", "/v1/articles/abc", SRV_ROUTE_NO_METHOD, "abc"},
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
    CHECK(run(&app, "POST", "/v1/search", NULL, NULL, code, sizeof code, NULL, NULL) == 400);
    CHECK_STR(code, "invalid_parameter");
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
    return TEST_DONE();
}
