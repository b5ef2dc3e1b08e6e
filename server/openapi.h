/* openapi.h - the OpenAPI 3 document of the API (server/openapi.json, kept
 * by hand beside the code it describes), built into sitrepd (assets.h) and served as
 * GET /v1/openapi.json.
 *
 * tests/unit/test-openapi.c checks it against the route table and the
 * parameter table; tests/integration/test_openapi.py validates it and
 * checks that every error code the server can send is in it.
 */
#ifndef SRV_OPENAPI_H
#define SRV_OPENAPI_H

#include <stddef.h>

/* The document's bytes, *len of them (UTF-8 JSON), followed by a NUL.  Static
 * storage: valid for the life of the program, never freed.  Thread-safe. */
const char *srv_openapi_text(size_t *len);

#endif
