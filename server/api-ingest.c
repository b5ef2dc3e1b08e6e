/* api-ingest.c - POST /v1/ingest: NDJSON (or JSON) articles in, upserted by
 * id, committed before the answer.
 *
 * Every record takes the CLI's path (ingest.c): the readers of reader.h
 * over the body, sitrep_article_prepare() with the server's gazetteer,
 * sitrep_article_to_doc(), sitrep_writer_put_batch().  The work is done in two
 * phases so that the write lock is held only for writing: first every
 * record is read, prepared and turned into a document (extraction is the
 * slow part), then the lock is taken and the documents are put and
 * committed at once.  So a request lands whole or not at all: an answer of
 * 200 with "indexed": N means those N are committed (durable, and visible
 * to the next search), and any other answer means none of them is (on an
 * index of several shards, unless the server died during the commit: then
 * some shards may hold their part; store-writer.cc).
 *
 * The answer:
 *   {"indexed": N, "rejected": M, "ids": [the N ids, in body order],
 *    "errors": [{"line": L, "message": "..."}, ... at most 100],
 *    "errors_truncated": bool, "index": {"revision", "documents"} or null,
 *    "took_ms"}
 * A body whose records are all bad is still a 200 (indexed 0); an empty
 * body is a 400, a body of another media type a 415.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "article.h"
#include "dbpool.h"
#include "reader.h"

/* Enough to fix a body by; the counts stay exact beyond it. */
#define MAX_REPORTED_ERRORS 100

/* Media types taken, and how the body is read. */
static const struct {
    const char *type;
    enum sitrep_format format;
} media_types[] = {
    {"application/x-ndjson", SITREP_FORMAT_JSONL},
    {"application/ndjson", SITREP_FORMAT_JSONL},
    {"application/jsonl", SITREP_FORMAT_JSONL},
    {"application/x-jsonlines", SITREP_FORMAT_JSONL},
    /* A JSON object, an array of them, or objects one after another. */
    {"application/json", SITREP_FORMAT_JSON},
};
#define N_MEDIA_TYPES (sizeof media_types / sizeof media_types[0])

struct batch {
    const struct srv_app *app;
    sitrep_doc **docs; /* owned, one per good record */
    size_t n_docs, cap_docs;
    json_t *ids;    /* the ids of docs, in the same order */
    json_t *errors; /* at most MAX_REPORTED_ERRORS {"line", "message"} */
    unsigned long rejected;
    bool nomem; /* the request cannot go on */
};

/* The reading format for a Content-Type ("type/subtype; params"), or
 * SITREP_FORMAT_NONE. */
static enum sitrep_format format_for(const char *content_type)
{
    const char *p = content_type, *end;
    size_t len;

    if (!p)
        return SITREP_FORMAT_NONE;
    while (*p == ' ' || *p == '\t')
        p++;
    end = p + strcspn(p, ";");
    while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    len = (size_t)(end - p);
    for (size_t i = 0; i < N_MEDIA_TYPES; i++)
        if (strlen(media_types[i].type) == len && strncasecmp(p, media_types[i].type, len) == 0)
            return media_types[i].format;
    return SITREP_FORMAT_NONE;
}

static bool is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

static void add_error(struct batch *b, long line, const char *reason)
{
    json_t *e;

    b->rejected++;
    if (json_array_size(b->errors) >= MAX_REPORTED_ERRORS)
        return;
    e = json_pack("{s:I, s:o}", "line", (json_int_t)line, "message",
                  srv_json_string_lossy(reason, strlen(reason)));
    if (!e || json_array_append_new(b->errors, e))
        b->nomem = true;
}

static void on_error(void *ctx, const char *file, long line, const char *reason)
{
    (void)file;
    add_error(ctx, line, reason);
}

static int on_article(void *ctx, struct sitrep_article *a, const char *file, long line)
{
    (void)file;
    struct batch *b = ctx;
    char reason[256];
    sitrep_doc *doc = NULL;
    sitrep_status st;

    st =
        sitrep_article_prepare(a, b->app->gz, b->app->cfg->max_record_bytes, reason, sizeof reason);
    if (st == SITREP_ERR_INVALID) {
        add_error(b, line, reason);
        goto out;
    }
    if (st == SITREP_OK)
        st = sitrep_article_to_doc(a, &doc);
    if (st != SITREP_OK) {
        b->nomem = true;
        goto out;
    }
    if (b->n_docs == b->cap_docs) {
        size_t cap = b->cap_docs ? 2 * b->cap_docs : 16;
        sitrep_doc **docs = realloc(b->docs, cap * sizeof *docs);
        if (!docs) {
            b->nomem = true;
            goto out;
        }
        b->docs = docs;
        b->cap_docs = cap;
    }
    if (json_array_append_new(b->ids, json_string(a->id))) {
        b->nomem = true;
        goto out;
    }
    b->docs[b->n_docs++] = doc;
    doc = NULL;
out:
    sitrep_doc_destroy(doc);
    return b->nomem ? 1 : 0;
}

static const struct sitrep_reader_callbacks callbacks = {on_article, on_error};

/* The index as it stands, for an answer that wrote nothing: from a reader,
 * or null when there is no index yet. */
static json_t *current_index(const struct srv_app *app, struct srv_request *req)
{
    struct sitrep_db_stats stats;
    sitrep_db *db = NULL;
    char why[256];
    json_t *index = NULL;

    if (!app->pool || srv_dbpool_checkout(app->pool, &db, why, sizeof why) != SITREP_OK)
        return json_null();
    if (sitrep_db_get_stats(db, &stats) == SITREP_OK) {
        req->has_revision = true;
        req->revision = stats.revision;
        index = json_pack("{s:I, s:I}", "revision", (json_int_t)stats.revision, "documents",
                          (json_int_t)stats.documents);
    } else {
        index = json_null();
    }
    srv_dbpool_checkin(app->pool, db, false);
    return index;
}

unsigned srv_api_ingest(const struct srv_app *app, struct srv_request *req, json_t **out)
{
    struct batch b = {.app = app};
    struct timespec t0;
    enum sitrep_format format;
    sitrep_writer *w = NULL;
    json_t *index = NULL;
    FILE *f = NULL;
    unsigned status;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (req->params.n > 0) {
        const char *key = req->params.items[0].key;
        status = srv_fail(req, out, 400, "invalid_parameter", key,
                          "%s: POST /v1/ingest takes no query parameters", key);
        goto out;
    }
    format = format_for(req->content_type);
    if (format == SITREP_FORMAT_NONE) {
        status = srv_fail(req, out, 415, "unsupported_media_type", NULL,
                          "Content-Type: '%s' is not taken here; send NDJSON as "
                          "application/x-ndjson (or application/jsonl), or JSON as "
                          "application/json",
                          req->content_type ? req->content_type : "(none)");
        goto out;
    }
    if (!req->body || is_blank(req->body, req->body_len)) {
        status = srv_fail(req, out, 400, "invalid_parameter", "body",
                          "body: empty; send one JSON article per line");
        goto out;
    }
    b.ids = json_array();
    b.errors = json_array();
    if (!b.ids || !b.errors) {
        status = srv_fail_nomem(req, out);
        goto out;
    }

    /* The readers take a stream; the body is one already in memory. */
    f = fmemopen((void *)req->body, req->body_len, "r");
    if (!f) {
        status = srv_fail_nomem(req, out);
        goto out;
    }
    sitrep_read_stream(f, "body", format, app->cfg->max_record_bytes, &callbacks, &b);
    if (b.nomem) {
        status = srv_fail_nomem(req, out);
        goto out;
    }

    if (b.n_docs == 0) {
        index = current_index(app, req);
    } else {
        if ((status = srv_api_write_begin(app, req, true, &w, out)))
            goto out;
        /* One batch: the shards of a sharded index write in parallel. */
        sitrep_status st = sitrep_writer_put_batch(w, (const sitrep_doc *const *)b.docs, b.n_docs);
        if (st != SITREP_OK) {
            fprintf(stderr, "sitrepd: request %s: put: %s\n", req->id,
                    st == SITREP_ERR_NOMEM ? "out of memory" : sitrep_writer_last_error(w));
            status = srv_fail(req, out, 500, "internal_error", NULL,
                              "the articles could not be written; nothing was indexed "
                              "(request %s)",
                              req->id);
            goto out;
        }
        if ((status = srv_api_write_commit(req, w, &index, out)))
            goto out;
        /* Committed: let the next writer in before building the answer. */
        srv_api_write_end(app, w);
        w = NULL;
    }
    fprintf(stderr, "sitrepd: request %s: ingest by key '%s': %zu indexed, %lu rejected\n", req->id,
            req->key_name ? req->key_name : "", b.n_docs, b.rejected);

    /* clang-format off */
    *out = json_pack("{s:I, s:I, s:O, s:O, s:b, s:o, s:I}",
                     "indexed", (json_int_t)b.n_docs,
                     "rejected", (json_int_t)b.rejected,
                     "ids", b.ids,
                     "errors", b.errors,
                     "errors_truncated", b.rejected > json_array_size(b.errors),
                     "index", index ? index : json_null(),
                     "took_ms", (json_int_t)srv_api_elapsed_ms(&t0));
    /* clang-format on */
    index = NULL; /* "o" took it, even on failure */
    status = *out ? 200 : srv_fail_nomem(req, out);
out:
    srv_api_write_end(app, w);
    if (f)
        fclose(f);
    for (size_t i = 0; i < b.n_docs; i++)
        sitrep_doc_destroy(b.docs[i]);
    free(b.docs);
    json_decref(b.ids);
    json_decref(b.errors);
    json_decref(index);
    return status;
}
