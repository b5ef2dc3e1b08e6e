/* request.c - the transport-free request, its parameter multimap, request
 * ids and the JSON error objects of API.md. */
#include "request.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stream.h"
#include "text.h"

void srv_params_init(struct srv_params *p)
{
    p->items = NULL;
    p->n = p->cap = 0;
}

static char *dup_n(const char *s, size_t len)
{
    char *d = malloc(len + 1);
    if (d) {
        if (len)
            memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

bool srv_params_add(struct srv_params *p, const char *key, size_t key_len, const char *value,
                    size_t value_len)
{
    char *k = NULL, *v = NULL;
    bool ok = false;

    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 8;
        struct srv_param *items = realloc(p->items, cap * sizeof *items);
        if (!items)
            goto out;
        p->items = items;
        p->cap = cap;
    }
    k = dup_n(key, key_len);
    v = value ? dup_n(value, value_len) : dup_n("", 0);
    if (!k || !v)
        goto out;
    p->items[p->n].key = k;
    p->items[p->n].value = v;
    p->items[p->n].value_len = value ? value_len : 0;
    p->n++;
    k = v = NULL;
    ok = true;
out:
    free(k);
    free(v);
    return ok;
}

void srv_params_free(struct srv_params *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->items[i].key);
        free(p->items[i].value);
    }
    free(p->items);
    srv_params_init(p);
}

void srv_request_init(struct srv_request *req, const char *method, const char *path)
{
    memset(req, 0, sizeof *req);
    req->method = method;
    req->path = path;
    srv_params_init(&req->params);
}

void srv_request_clear(struct srv_request *req)
{
    srv_params_free(&req->params);
    srv_stream_destroy(req->stream);
    req->stream = NULL;
    free(req->text);
    req->text = NULL;
    free(req->cache_key);
    req->cache_key = NULL;
}

/* The prefix is drawn once, before any worker thread exists (http.c calls
 * srv_request_new_id() first from the main thread); after that only the
 * atomic counter changes. */
static atomic_uint_fast64_t id_counter;
static atomic_uint_fast32_t id_prefix;

void srv_request_new_id(char id[SRV_REQUEST_ID_LEN + 1])
{
    uint_fast32_t prefix = atomic_load(&id_prefix);
    if (prefix == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint_fast32_t seed = (uint_fast32_t)(ts.tv_nsec ^ (ts.tv_sec << 7) ^ (getpid() << 16));
        uint_fast32_t expected = 0;
        atomic_compare_exchange_strong(&id_prefix, &expected, seed ? seed : 1);
        prefix = atomic_load(&id_prefix);
    }
    uint64_t n = (uint64_t)atomic_fetch_add(&id_counter, 1) + 1;
    snprintf(id, SRV_REQUEST_ID_LEN + 1, "%08lx%08lx", (unsigned long)(prefix & 0xffffffffu),
             (unsigned long)(n & 0xffffffffu));
}

static int append_cb(const char *data, size_t len, void *out)
{
    return sitrep_buf_append(out, data, len) == SITREP_OK ? 0 : -1;
}

sitrep_status srv_json_append(struct sitrep_buf *out, const json_t *v)
{
    return json_dump_callback(v, append_cb, out, SRV_JSON_FLAGS | JSON_ENCODE_ANY) == 0
               ? SITREP_OK
               : SITREP_ERR_NOMEM;
}

json_t *srv_json_string_lossy(const char *s, size_t len)
{
    if (sitrep_utf8_valid(s, len, NULL))
        return json_stringn(s, len);

    /* Each bad byte becomes U+FFFD (3 bytes), so 3 * len bounds the copy. */
    char *fixed = malloc(3 * len + 1);
    if (!fixed)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = sitrep_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            memcpy(fixed + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        } else {
            memcpy(fixed + o, s + i, n);
            o += n;
            i += n;
        }
    }
    json_t *j = json_stringn(fixed, o);
    free(fixed);
    return j;
}

unsigned srv_fail(struct srv_request *req, json_t **out, unsigned status, const char *code,
                  const char *param, const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    size_t len = n < 0 ? 0 : (size_t)n >= sizeof message ? sizeof message - 1 : (size_t)n;

    json_t *err = json_object();
    json_t *body = json_object();
    if (!err || !body)
        goto fail;
    if (json_object_set_new(err, "status", json_integer(status)) ||
        json_object_set_new(err, "code", json_string(code)) ||
        json_object_set_new(err, "message", srv_json_string_lossy(message, len)))
        goto fail;
    if (param && json_object_set_new(err, "param", srv_json_string_lossy(param, strlen(param))))
        goto fail;
    if (json_object_set_new(err, "request_id", json_string(req->id)))
        goto fail;
    if (json_object_set_new(body, "error", err)) {
        err = NULL; /* set_new consumed it even on failure */
        goto fail;
    }
    *out = body;
    return status;
fail:
    json_decref(err);
    json_decref(body);
    *out = NULL;
    return 500;
}

unsigned srv_fail_nomem(struct srv_request *req, json_t **out)
{
    json_decref(*out);
    *out = NULL;
    srv_fail(req, out, 500, "internal_error", NULL, "out of memory");
    return 500;
}

json_t *srv_error_object(json_t *body)
{
    json_t *err = json_object_get(body, "error");
    return json_is_object(err) ? err : NULL;
}
