/* http.c - libmicrohttpd glue.
 *
 * MHD calls the access handler several times per request: once after the
 * headers, once per chunk of body, and once more with no data; only then is
 * a response queued.  Per-request state lives in *con_cls from the URI log
 * callback (the first thing MHD calls, with the raw URI) until the
 * completion callback, which also runs for aborted requests.
 *
 * Every client mistake gets a JSON body; MHD_NO (which drops the socket
 * without an answer) is returned only when MHD itself cannot go on.
 */
#include "http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "etag.h"
#include "request.h"
#include "auth.h"
#include "ratelimit.h"
#include "routes.h"
#include "stream.h"

/* MHD's own limit on URL + headers is this many times limits.header_bytes.
 * Up to limits.header_bytes we serve; between it and MHD's limit we answer a
 * JSON 414 ourselves; beyond it MHD answers 414 on its own (with its HTML
 * body), which 0.9.75 offers no hook to change.  The headroom costs little:
 * MHD touches pool pages only as a request fills them. */
#define MHD_MEMORY_HEADROOM 2

struct srv_http {
    struct MHD_Daemon *daemon;
    const struct srv_app *app;
    struct srv_ratelimit *limiter; /* NULL when limits.rate_per_second is 0 */
};

struct conn_state {
    struct srv_request req;
    struct timespec t0;
    size_t uri_len;       /* of the raw request target, query string included */
    bool path_nul;        /* the raw path holds "%00", which MHD decodes into a
                             string that C would cut short there */
    size_t n_args;        /* parameters in the raw query string, when over
                             MAX_QUERY_ARGS (and then not parsed); else 0 */
    struct sitrep_buf body;
    bool body_too_large;
    bool close_after;     /* answer with "Connection: close": the framing of
                             what follows this request cannot be trusted */
    bool started;         /* the access handler has seen this request */
    unsigned status;      /* what was answered, for the log; 0 = nothing */
    char method[16];
    char path[256];       /* for the log: cut short, control bytes replaced */
};

static const char fallback_500[] =
    "{\"error\":{\"status\":500,\"code\":\"internal_error\",\"message\":\"out of memory\"}}";

/* ---- state ------------------------------------------------------------ */

/* Most query parameters a request may have.  MHD 0.9.75 keeps a record of
 * each in the connection's memory pool; a few thousand of them fill it and
 * MHD then drops the connection without an answer (its own 431 needs pool
 * memory too).  A real query has a few dozen. */
#define MAX_QUERY_ARGS 1000

/* Whether the path part of a raw request target encodes a NUL byte. */
static bool path_has_nul(const char *uri)
{
    bool found = false;
    for (const char *p = uri; *p && *p != '?' && !found; p++)
        found = p[0] == '%' && p[1] == '0' && p[2] == '0';
    return found;
}

static void *on_uri(void *cls, const char *uri_, struct MHD_Connection *conn)
{
    (void)conn;
    struct srv_http *h = cls;
    struct conn_state *st = calloc(1, sizeof *st);
    char *uri = (char *)uri_; /* MHD's buffer; see the parameters below */
    if (!st)
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, &st->t0);
    st->uri_len = uri ? strlen(uri) : 0;
    st->path_nul = uri && path_has_nul(uri);
    /* MHD 0.9.75 calls this after finding the '?' and before parsing what
     * follows it, with its own writable copy of the request line: ending
     * the string just after the '?' leaves it nothing to parse, and the
     * access handler answers 414 instead of a dropped connection. */
    char *args = uri ? strchr(uri, '?') : NULL;
    if (args) {
        size_t n = 1;
        for (const char *p = args; *p; p++)
            n += *p == '&';
        if (n > MAX_QUERY_ARGS) {
            st->n_args = n;
            args[1] = '\0';
        }
    }
    sitrep_buf_init(&st->body, h->app->cfg->max_body_bytes);
    srv_request_init(&st->req, "", "");
    srv_request_new_id(st->req.id);
    return st;
}

static void log_copy(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i + 1 < size; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[i] = (c < 0x20 || c == 0x7f || c == '"') ? '?' : (char)c;
    }
    dst[i] = '\0';
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    struct conn_state *st = *con_cls;
    if (!st)
        return;
    if (st->started) {
        struct timespec t1;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long ms = (long)((t1.tv_sec - st->t0.tv_sec) * 1000 +
                         (t1.tv_nsec - st->t0.tv_nsec) / 1000000);
        if (st->status)
            fprintf(stderr, "sitrepd: %s %s %u %ldms %s\n", st->method, st->path, st->status,
                    ms, st->req.id);
        else
            fprintf(stderr, "sitrepd: %s %s aborted(%d) %ldms %s\n", st->method, st->path,
                    (int)toe, ms, st->req.id);
    }
    srv_request_clear(&st->req);
    sitrep_buf_free(&st->body);
    free(st);
    *con_cls = NULL;
}

/* ---- the one response path -------------------------------------------- */

static bool origin_allowed(const struct sitrep_config *cfg, const char *origin,
                           const char **echo)
{
    if (!origin)
        return false;
    for (size_t i = 0; i < cfg->n_cors_origins; i++) {
        if (strcmp(cfg->cors_origins[i], "*") == 0) {
            *echo = "*";
            return true;
        }
        if (strcmp(cfg->cors_origins[i], origin) == 0) {
            *echo = origin;
            return true;
        }
    }
    return false;
}

/* Streamed bodies are read in blocks of this size (MHD's buffer for them). */
#define STREAM_BLOCK (32 * 1024)

/* MHD's side of a streamed body (stream.h). */
static ssize_t read_stream(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    long n = srv_stream_read(cls, buf, max);
    return n > 0 ? (ssize_t)n : n == 0 ? MHD_CONTENT_READER_END_OF_STREAM
                                       : MHD_CONTENT_READER_END_WITH_ERROR;
}

static void free_stream(void *cls)
{
    srv_stream_destroy(cls);
}

/* If-None-Match may come as several header lines: one match is enough. */
struct none_match {
    const char *etag;
    bool match;
};

static enum MHD_Result check_none_match(void *cls, enum MHD_ValueKind kind, const char *key,
                                        const char *value)
{
    (void)kind;
    struct none_match *nm = cls;
    if (strcasecmp(key, "If-None-Match") == 0 && srv_etag_none_match(value, nm->etag))
        nm->match = true;
    return nm->match ? MHD_NO : MHD_YES;
}

/* Serialises body (taking the reference), or takes the request's stream
 * for a bodiless 200, adds the common headers and queues the response.  The
 * only place that creates responses.
 *
 * A 200 JSON answer to GET or HEAD gets an ETag (etag.h), and becomes a 304
 * without a body when If-None-Match matches it.  Streamed exports have none:
 * their bytes are not known before they are sent. */
/* A kept answer's tag is its ETag. */
_Static_assert(SRV_ETAG_SIZE == SRV_CACHE_TAG_SIZE, "cache tags hold ETags");

static enum MHD_Result respond(struct srv_http *h, struct MHD_Connection *conn,
                               struct conn_state *st, unsigned status, json_t *body)
{
    struct MHD_Response *resp;
    char *text = NULL;
    const char *content_type = "application/json; charset=utf-8";
    char etag[SRV_ETAG_SIZE] = "";
    enum MHD_Result ret;

    if (!body && status == 200 && st->req.stream) {
        /* The size is unknown until the end: chunked in HTTP/1.1. */
        struct srv_stream *stream = st->req.stream;
        st->req.stream = NULL;
        content_type = srv_stream_content_type(stream);
        resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK, read_stream,
                                                 stream, free_stream);
        if (!resp) {
            srv_stream_destroy(stream);
            return MHD_NO;
        }
        goto headers;
    }
    if (body) {
        text = json_dumps(body, SRV_JSON_FLAGS);
        json_decref(body);
        if (!text)
            status = 500;
    } else if (status == 200 && st->req.text) {
        /* Serialised by the handler, or kept (cache.h) with its tag. */
        text = st->req.text;
        st->req.text = NULL;
        memcpy(etag, st->req.text_tag, sizeof etag);
    } else if (status != 204 && status != 304) {
        status = 500;
    }
    size_t text_len = text ? strlen(text) : 0;
    bool tagged = text && status == 200 &&
                  (strcmp(st->req.method, "GET") == 0 || strcmp(st->req.method, "HEAD") == 0);
    if (tagged && !etag[0] && !srv_etag_of_text(text, text_len, etag))
        etag[0] = '\0';
    /* Only a search that missed the cache still holds its key. */
    if (text && status == 200 && st->req.cache_key)
        srv_cache_put(h->app->cache, st->req.cache_key, st->req.cache_key_len, text, text_len,
                      etag);
    if (!tagged)
        etag[0] = '\0';
    if (tagged && etag[0]) {
        struct none_match nm = {etag, false};
        MHD_get_connection_values(conn, MHD_HEADER_KIND, check_none_match, &nm);
        if (nm.match) {
            free(text);
            text = NULL;
            status = 304;
        }
    }
    if (text)
        resp = MHD_create_response_from_buffer(text_len, text, MHD_RESPMEM_MUST_FREE);
    else if (status == 204 || status == 304)
        /* MHD 0.9.75 adds "Content-Length: 0" to a 304 (RFC 9110 8.6 wants
         * none or the 200's); clients and caches ignore it there (RFC 9111
         * 4.3.4 does not update Content-Length from a 304). */
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    else
        resp = MHD_create_response_from_buffer(sizeof fallback_500 - 1, (void *)fallback_500,
                                               MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        free(text);
        return MHD_NO;
    }
headers:
    st->status = status;

    /* A 304 has no content, so no Content-Type (RFC 9110 15.4.5). */
    bool ok = (status == 304 || MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                                        content_type) == MHD_YES) &&
              MHD_add_response_header(resp, "X-Request-Id", st->req.id) == MHD_YES;
    if (ok && etag[0])
        ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag) == MHD_YES;
    if (ok && st->req.cache_status)
        ok = MHD_add_response_header(resp, "X-Cache", st->req.cache_status) == MHD_YES;
    if (ok && st->req.has_revision) {
        char rev[24];
        snprintf(rev, sizeof rev, "%llu", (unsigned long long)st->req.revision);
        ok = MHD_add_response_header(resp, "X-Index-Revision", rev) == MHD_YES;
    }
    if (ok && st->req.allow)
        ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, st->req.allow) == MHD_YES;
    if (ok && st->req.www_authenticate)
        ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                     st->req.www_authenticate) == MHD_YES;
    if (ok && st->req.retry_after) {
        char secs[16];
        snprintf(secs, sizeof secs, "%u", st->req.retry_after);
        ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, secs) == MHD_YES;
    }

    const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
    const char *echo = NULL;
    if (ok && origin_allowed(h->app->cfg, origin, &echo)) {
        ok = MHD_add_response_header(resp, "Access-Control-Allow-Origin", echo) == MHD_YES &&
             MHD_add_response_header(resp, "Vary", "Origin") == MHD_YES &&
             MHD_add_response_header(resp, "Access-Control-Expose-Headers",
                                     "X-Request-Id, X-Index-Revision, ETag, X-Cache") == MHD_YES;
        if (ok && status == 204 && st->req.allow)
            ok = MHD_add_response_header(resp, "Access-Control-Allow-Methods",
                                         st->req.allow) == MHD_YES &&
                 MHD_add_response_header(resp, "Access-Control-Allow-Headers",
                                         "Authorization, Content-Type, If-None-Match") ==
                     MHD_YES &&
                 MHD_add_response_header(resp, "Access-Control-Max-Age", "600") == MHD_YES;
    }
    if (ok && st->close_after)
        ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close") == MHD_YES;
    if (!ok)
        fprintf(stderr, "sitrepd: request %s: could not add response headers\n", st->req.id);
    ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result respond_error(struct srv_http *h, struct MHD_Connection *conn,
                                     struct conn_state *st, unsigned status, const char *code,
                                     const char *param, const char *message)
{
    json_t *body = NULL;
    status = srv_fail(&st->req, &body, status, code, param, "%s", message);
    return respond(h, conn, st, status, body);
}

/* ---- query string ----------------------------------------------------- */

struct args_ctx {
    struct srv_params *params;
    bool nul;      /* a key or value held an embedded NUL (%00) */
    bool nomem;
    char bad_key[64];
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    struct args_ctx *a = cls;
    if (strlen(key) != key_size || (value && strlen(value) != value_size)) {
        a->nul = true;
        snprintf(a->bad_key, sizeof a->bad_key, "%s", key);
        return MHD_NO;
    }
    if (!srv_params_add(a->params, key, key_size, value, value ? value_size : 0)) {
        a->nomem = true;
        return MHD_NO;
    }
    return MHD_YES;
}

/* ---- headers ------------------------------------------------------------ */

/* Adds up the bytes of every request header, for limits.header_bytes. */
static enum MHD_Result add_header_size(void *cls, enum MHD_ValueKind kind, const char *key,
                                       size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    (void)key;
    (void)value;
    size_t *total = cls;
    *total += key_size + value_size + 4; /* ": " and CRLF, as sent */
    return MHD_YES;
}

/* How the body is framed: Content-Length values and Transfer-Encoding. */
struct framing {
    const char *length; /* the first Content-Length */
    bool lengths_differ;
    bool transfer_encoding;
};

static enum MHD_Result check_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void)kind;
    struct framing *f = cls;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
        if (!f->length)
            f->length = value ? value : "";
        else if (strcmp(f->length, value ? value : "") != 0)
            f->lengths_differ = true;
    } else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
        f->transfer_encoding = true;
    }
    return MHD_YES;
}

/* ---- rate limit ------------------------------------------------------- */

/* Bucket slots: a few MB at most, for tens of thousands of clients at once. */
#define RATE_SLOTS 65536

/* Takes a token for the client of conn: the API key's name when the request
 * carries a valid key (so keyed clients behind one proxy do not share a
 * budget), else the peer address.  False with *retry_after when the
 * client is over limits.rate_per_second. */
static bool within_rate(const struct srv_http *h, struct MHD_Connection *conn,
                        const struct srv_request *req, unsigned *retry_after)
{
    char client[80];
    size_t len = 0;
    struct timespec now;
    const struct sitrep_api_key *key = srv_auth_key(h->app->cfg, req);

    if (key) {
        len = (size_t)snprintf(client, sizeof client, "k:%.*s", 70, key->name);
    } else {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        const struct sockaddr *sa = ci ? ci->client_addr : NULL;
        client[len++] = 'a';
        if (sa && sa->sa_family == AF_INET) {
            const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
            memcpy(client + len, &in->sin_addr, sizeof in->sin_addr);
            len += sizeof in->sin_addr;
        } else if (sa && sa->sa_family == AF_INET6) {
            const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
            memcpy(client + len, &in6->sin6_addr, sizeof in6->sin6_addr);
            len += sizeof in6->sin6_addr;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    return srv_ratelimit_take(h->limiter, client, len, (double)now.tv_sec + now.tv_nsec / 1e9,
                              retry_after);
}

/* ---- the access handler ----------------------------------------------- */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    struct srv_http *h = cls;
    struct conn_state *st = *con_cls;
    const struct sitrep_config *cfg = h->app->cfg;

    if (!st)
        return MHD_NO; /* on_uri could not allocate: nothing left to answer with */

    if (!st->started) {
        st->started = true;
        st->req.method = method;
        st->req.path = url;
        log_copy(st->method, sizeof st->method, method);
        log_copy(st->path, sizeof st->path, url);

        if (st->uri_len > cfg->connection_memory_bytes) {
            char msg[160];
            snprintf(msg, sizeof msg,
                     "the request URI is %zu bytes, over the limit of %zu (limits.header_bytes)",
                     st->uri_len, cfg->connection_memory_bytes);
            return respond_error(h, conn, st, 414, "uri_too_long", NULL, msg);
        }
        if (st->n_args) {
            char msg[192];
            snprintf(msg, sizeof msg,
                     "the query string has %zu parameters, over the limit of %d; send long "
                     "searches as POST /v1/search with a JSON body",
                     st->n_args, MAX_QUERY_ARGS);
            return respond_error(h, conn, st, 414, "uri_too_long", NULL, msg);
        }
        /* MHD's pool (MHD_MEMORY_HEADROOM times the limit) lets headers past
         * limits.header_bytes through; the limit is ours to keep. */
        size_t header_bytes = st->uri_len;
        MHD_get_connection_values_n(conn, MHD_HEADER_KIND, add_header_size, &header_bytes);
        if (header_bytes > cfg->connection_memory_bytes) {
            char msg[160];
            snprintf(msg, sizeof msg,
                     "the request line and headers are %zu bytes, over the limit of %zu "
                     "(limits.header_bytes)",
                     header_bytes, cfg->connection_memory_bytes);
            return respond_error(h, conn, st, 431, "headers_too_large", NULL, msg);
        }
        /* Request smuggling shapes (RFC 9112 6.1 and 6.3): a body framed
         * both by Transfer-Encoding and Content-Length, or by two different
         * Content-Lengths.  MHD 0.9.75 goes by the chunks or by the first
         * length and would read the rest as the next request on this
         * connection (a proxy in front may have framed it the other way):
         * refuse, and close the connection after the answer. */
        struct framing fr = {NULL, false, false};
        MHD_get_connection_values(conn, MHD_HEADER_KIND, check_framing, &fr);
        if (fr.transfer_encoding && fr.length) {
            st->close_after = true;
            return respond_error(h, conn, st, 400, "conflicting_parameters", "Content-Length",
                                 "Content-Length and Transfer-Encoding: both frame the body; "
                                 "send one of them");
        }
        if (fr.lengths_differ) {
            st->close_after = true;
            return respond_error(h, conn, st, 400, "invalid_parameter", "Content-Length",
                                 "Content-Length: given more than once with different values");
        }
        /* "/ui/app.js%00.html" must not be read as "/ui/app.js". */
        if (st->path_nul)
            return respond_error(h, conn, st, 404, "not_found", NULL,
                                 "no such endpoint: the path holds a NUL byte (%00)");
        /* Liveness stays answerable, so that a monitor never sees a 429. */
        st->req.authorization = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                            MHD_HTTP_HEADER_AUTHORIZATION);
        unsigned wait = 0;
        if (h->limiter && strcmp(url, "/v1/health") != 0 &&
            !within_rate(h, conn, &st->req, &wait)) {
            char msg[160];
            st->req.retry_after = wait;
            snprintf(msg, sizeof msg,
                     "too many requests: over %u per second (limits.rate_per_second); "
                     "retry in %u s",
                     cfg->rate_per_second, wait);
            return respond_error(h, conn, st, 429, "rate_limited", NULL, msg);
        }
        /* Refuse a declared oversize body before reading it. */
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > cfg->max_body_bytes) {
            char msg[128];
            snprintf(msg, sizeof msg, "the body is over the limit of %zu bytes (limits.body_bytes)",
                     cfg->max_body_bytes);
            return respond_error(h, conn, st, 413, "payload_too_large", NULL, msg);
        }
        return MHD_YES;
    }

    if (*upload_data_size != 0) {
        if (!st->body_too_large &&
            sitrep_buf_append(&st->body, upload_data, *upload_data_size) != SITREP_OK)
            st->body_too_large = true;
        *upload_data_size = 0;
        return MHD_YES;
    }

    if (st->status)
        return MHD_YES; /* already answered (cannot happen after queueing, but be safe) */

    if (st->body_too_large) {
        char msg[128];
        snprintf(msg, sizeof msg, "the body is over the limit of %zu bytes (limits.body_bytes)",
                 cfg->max_body_bytes);
        return respond_error(h, conn, st, 413, "payload_too_large", NULL, msg);
    }
    st->req.body = st->body.data;
    st->req.body_len = st->body.len;
    st->req.content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                       MHD_HTTP_HEADER_CONTENT_TYPE);
    st->req.authorization = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                        MHD_HTTP_HEADER_AUTHORIZATION);

    struct args_ctx a = {&st->req.params, false, false, ""};
    MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, collect_arg, &a);
    if (a.nomem)
        return respond_error(h, conn, st, 500, "internal_error", NULL, "out of memory");
    if (a.nul) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s: contains a NUL byte (%%00)", a.bad_key);
        return respond_error(h, conn, st, 400, "invalid_parameter", a.bad_key, msg);
    }

    json_t *body = NULL;
    unsigned status = srv_dispatch(h->app, &st->req, &body);
    if (status >= 500)
        fprintf(stderr, "sitrepd: request %s: answered %u\n", st->req.id, status);
    return respond(h, conn, st, status, body);
}

/* ---- daemon ----------------------------------------------------------- */

static bool resolve_host(const char *host, unsigned port, struct sockaddr_storage *ss,
                         char *err, size_t err_len)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    /* "" means every address: the wildcard of the first family offered. */
    int rc = getaddrinfo(*host ? host : NULL, "0", &hints, &res);
    if (rc != 0 || !res) {
        snprintf(err, err_len, "cannot resolve listen host '%s': %s", host, gai_strerror(rc));
        return false;
    }
    memset(ss, 0, sizeof *ss);
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    if (ss->ss_family == AF_INET)
        ((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
    freeaddrinfo(res);
    return true;
}

struct srv_http *srv_http_start(const struct srv_app *app, unsigned threads, char *err,
                                size_t err_len)
{
    const struct sitrep_config *cfg = app->cfg;
    struct sockaddr_storage ss;
    struct srv_http *h = calloc(1, sizeof *h);

    if (!h) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    h->app = app;
    if (!resolve_host(cfg->listen_host, cfg->listen_port, &ss, err, err_len)) {
        free(h);
        return NULL;
    }
    if (cfg->rate_per_second &&
        !(h->limiter = srv_ratelimit_new(cfg->rate_per_second, cfg->rate_burst, RATE_SLOTS))) {
        snprintf(err, err_len, "out of memory");
        free(h);
        return NULL;
    }
    /* The first id is drawn here, on the main thread, before any worker. */
    char warm[SRV_REQUEST_ID_LEN + 1];
    srv_request_new_id(warm);

    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
    if (ss.ss_family == AF_INET6)
        flags |= *cfg->listen_host ? MHD_USE_IPv6 : MHD_USE_DUAL_STACK;
    size_t memory = cfg->connection_memory_bytes * MHD_MEMORY_HEADROOM;
    h->daemon = MHD_start_daemon(
        flags, (uint16_t)cfg->listen_port, NULL, NULL, on_request, h,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_connections_per_ip,
        MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_seconds,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, h,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
        MHD_OPTION_END);
    if (!h->daemon) {
        snprintf(err, err_len, "cannot listen on %s:%u (address in use, or not allowed?)",
                 cfg->listen_host, cfg->listen_port);
        srv_ratelimit_free(h->limiter);
        free(h);
        return NULL;
    }
    return h;
}

unsigned srv_http_port(const struct srv_http *h)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

void srv_http_stop(struct srv_http *h)
{
    if (!h)
        return;
    /* Not MHD_quiesce_daemon() first: in 0.9.75 it races a pool thread
     * that takes the listening socket out of its epoll set at the
     * connection limit, and aborts ("Failed to remove listen FD from epoll
     * set", seen once in test_crash).  Stopping closes the socket itself. */
    MHD_stop_daemon(h->daemon);
    srv_ratelimit_free(h->limiter);
    free(h);
}
