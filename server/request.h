/* request.h - the request as an endpoint handler sees it, and the one way
 * handlers report errors.
 *
 * Nothing here knows about libmicrohttpd: http.c fills a struct srv_request
 * from the connection, the router picks a handler, and the handler answers
 * with an HTTP status and a JSON body.  Unit tests build requests by hand.
 *
 *     static unsigned handle(const struct srv_app *app, struct srv_request *req, json_t **out)
 *     {
 *         if (bad)
 *             return srv_fail(req, out, 400, "invalid_parameter", "limit",
 *                             "limit: '%s' is not a whole number", value);
 *         *out = json_pack("{s:s}", "status", "ok");
 *         return *out ? 200 : srv_fail_nomem(req, out);
 *     }
 *
 * Threads: a request belongs to the one thread that handles it.
 */
#ifndef SRV_REQUEST_H
#define SRV_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "cache.h"

/* How JSON bodies are serialised; ETags hash the same text.  12 significant
 * digits keep coordinates and scores exact enough without binary noise
 * (49.98081, not 49.980809999999998). */
#define SRV_JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(12))

/* One key=value pair; both strings owned by the multimap, NUL-terminated,
 * and guaranteed free of embedded NULs. */
struct srv_param {
    char *key;
    char *value;
    size_t value_len;
};

/* Parameters in arrival order; a key may repeat (place=a&place=b). */
struct srv_params {
    struct srv_param *items;
    size_t n, cap;
};

void srv_params_init(struct srv_params *p);
/* Appends copies of key and value (value may be NULL for a bare "?key", and
 * is then stored as "").  Returns false when out of memory. */
bool srv_params_add(struct srv_params *p, const char *key, size_t key_len, const char *value,
                    size_t value_len);
void srv_params_free(struct srv_params *p);

#define SRV_REQUEST_ID_LEN 16

struct srv_request {
    /* Filled by the transport; borrowed, valid for the request. */
    const char *method;       /* "GET", "POST", ... */
    const char *path;         /* %-decoded path, without the query string */
    struct srv_params params; /* the query string (owned by the request) */
    const char *body;         /* request body, NUL-terminated, or NULL */
    size_t body_len;
    const char *content_type; /* the Content-Type header, or NULL */
    const char *authorization; /* the Authorization header, or NULL; a secret:
                                  never log it */
    char id[SRV_REQUEST_ID_LEN + 1]; /* X-Request-Id */

    /* Filled by the router: the {id} segment of the path, or NULL. */
    const char *path_arg;
    /* Filled by the router when the route needs a key (auth.h): the key's
     * name (never the key), borrowed from the configuration; else NULL. */
    const char *key_name;

    /* Filled by handlers, read by the transport for the response headers. */
    const char *allow;      /* "Allow" for 405 and OPTIONS; static string */
    const char *www_authenticate; /* "WWW-Authenticate" for 401/403; static */
    unsigned retry_after;   /* "Retry-After" in seconds when not 0 */
    bool has_revision;      /* X-Index-Revision is known */
    uint64_t revision;
    /* A streamed body (stream.h) instead of a JSON one, for a 200: owned by
     * the request until the transport takes it (and sets this to NULL);
     * srv_request_clear() destroys one left here. */
    struct srv_stream *stream;
    /* A 200 answer already serialised, instead of a JSON body: owned,
     * NUL-terminated; the transport takes it and sets it to NULL.  One
     * found in the search answer cache (cache.h) comes with its text_tag.
     * A search that missed the cache leaves the key in cache_key (owned),
     * and the transport stores the 200 under it; a hit leaves none, so
     * nothing is stored twice.  cache_status is "hit", "miss" or NULL
     * (X-Cache). */
    char *text;
    size_t text_len;
    char text_tag[SRV_CACHE_TAG_SIZE]; /* text's ETag, "" when it has none */
    char *cache_key;
    size_t cache_key_len;
    const char *cache_status;
};

/* Sets every member to empty; the method and path are borrowed. */
void srv_request_init(struct srv_request *req, const char *method, const char *path);
void srv_request_clear(struct srv_request *req);

/* Writes a fresh request id (16 lowercase hex digits) to id.  Thread-safe:
 * a per-process random prefix and an atomic counter, so ids never repeat
 * within one run and rarely across runs. */
void srv_request_new_id(char id[SRV_REQUEST_ID_LEN + 1]);

/* Builds the API.md error object
 *   {"error": {"status", "code", "message", "param"?, "request_id"}}
 * stores it in *out (replacing nothing: *out must be NULL or is overwritten)
 * and returns status, so handlers can `return srv_fail(...)`.  param may be
 * NULL.  The message is printf-formatted and cut at 1 KiB; invalid UTF-8 in
 * it (from echoed input) is replaced so the object never loses the field.
 * If even that allocation fails, *out is NULL and the transport sends a
 * constant 500 body. */
unsigned srv_fail(struct srv_request *req, json_t **out, unsigned status, const char *code,
                  const char *param, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* The 500 internal_error for an allocation failure. */
unsigned srv_fail_nomem(struct srv_request *req, json_t **out);

/* The "error" member of an error body built by srv_fail(), for handlers that
 * add fields (ambiguous_entity adds "candidates"); NULL if body is not one. */
json_t *srv_error_object(json_t *body);

/* Appends v (any JSON value) serialised as answers are (SRV_JSON_FLAGS). */
sitrep_status srv_json_append(struct sitrep_buf *out, const json_t *v);

/* A JSON string for s[0..len), with invalid UTF-8 sequences replaced by
 * U+FFFD; NULL only when out of memory. */
json_t *srv_json_string_lossy(const char *s, size_t len);

#endif
