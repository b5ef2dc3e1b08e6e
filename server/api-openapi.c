/* api-openapi.c - GET /v1/openapi.json: the built-in OpenAPI document
 * (openapi.h).
 *
 * It is parsed per request rather than once at start-up: the handlers hand
 * the transport a json_t that it serialises and frees, and a shared one
 * would need reference counts touched from several threads.  Parsing 70 KB
 * costs well under a millisecond, and clients fetch it rarely (and get 304
 * for an unchanged ETag).  It needs no index. */
#include <stdio.h>

#include "api.h"
#include "assets.h"
#include "openapi.h"

const char *srv_openapi_text(size_t *len)
{
    const struct srv_asset *a = srv_asset_find("openapi.json");
    *len = a->len; /* server/meson.build always embeds it */
    return (const char *)a->data;
}

unsigned srv_api_openapi(const struct srv_app *app, struct srv_request *req, json_t **out)
{
    (void)app;
    json_error_t jerr;
    size_t len;
    const char *text = srv_openapi_text(&len);

    *out = json_loadb(text, len, 0, &jerr);
    if (!*out) {
        /* The build embeds server/openapi.json, which the tests parse: this
         * means a broken build or no memory. */
        fprintf(stderr, "sitrepd: request %s: the built-in OpenAPI document: %s (line %d)\n",
                req->id, jerr.text, jerr.line);
        return srv_fail(req, out, 500, "internal_error", NULL,
                        "the OpenAPI document could not be loaded (request %s)", req->id);
    }
    return 200;
}
