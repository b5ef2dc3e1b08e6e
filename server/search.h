/* search.h - what GET/POST /v1/search and GET /v1/timeline share:
 * parameters in, a Xapian query over a checked-out index handle out.
 *
 * srv_search_prepare() parses the parameters for one endpoint and resolves
 * every place and person, so that all client mistakes are answered (400)
 * before the index is touched.  srv_search_open() then checks out a handle,
 * records the index revision on the request (X-Index-Revision) and builds
 * the query: the text through the Xapian parser, each filter parameter one
 * OR filter, ANDed together.  srv_search_free() gives everything back.
 *
 *     struct srv_search s;
 *     srv_search_init(&s);
 *     if ((status = srv_search_prepare(app, req, &req->params, SRV_EP_SEARCH, &s, out)) ||
 *         (status = srv_search_open(app, req, &s, out)))
 *         goto out;
 *     ... sitrep_query_run(s.q, ...) ...
 * out:
 *     srv_search_free(app, &s);
 *
 * Threads: a struct srv_search belongs to the request's thread.
 */
#ifndef SRV_SEARCH_H
#define SRV_SEARCH_H

#include <jansson.h>
#include <stdbool.h>

#include "app.h"
#include "params.h"
#include "request.h"
#include "store.h"

/* place, exclude_place, person, exclude_person, source, lang, from/to,
 * event_from/event_to */
#define SRV_MAX_FILTERS 8

struct srv_filter {
    char **terms;
    size_t n;
    bool exclude;
    bool from_schema; /* free with sitrep_schema_terms_free() */
};

struct srv_search {
    struct srv_search_params sp;
    struct srv_filter filters[SRV_MAX_FILTERS];
    size_t n_filters;
    json_t *echo; /* the response's "query": the parameters in canonical
                     form; owned, handlers add their own members */
    /* Set by srv_search_open(): */
    sitrep_db *db;
    sitrep_query *q;
    struct sitrep_db_stats stats;
    bool broken; /* check the handle in as broken */
};

void srv_search_init(struct srv_search *s);

/* Parses params for endpoint (enum srv_endpoint) into s->sp, resolves the
 * filters and starts s->echo.  Returns 0, or an error status with its body
 * in *out. */
unsigned srv_search_prepare(const struct srv_app *app, struct srv_request *req,
                            const struct srv_params *params, unsigned endpoint,
                            struct srv_search *s, json_t **out);

/* Checks out an index handle, reads its stats and builds s->q from what
 * srv_search_prepare() resolved.  Returns 0, or an error status (503 without
 * an index, 400 query_syntax_error for text the parser cannot read) with its
 * body in *out. */
unsigned srv_search_open(const struct srv_app *app, struct srv_request *req, struct srv_search *s,
                         json_t **out);

/* The 500 for a sitrep_query_run() that failed with st: logs the detail
 * with the request id, marks the handle broken when a reopen cannot cure
 * it, and stores the body in *out. */
unsigned srv_search_fail_run(struct srv_request *req, struct srv_search *s, sitrep_status st,
                             json_t **out);

/* The "index" member of responses: revision and document count. */
json_t *srv_search_index_json(const struct srv_search *s);

/* Checks the handle back in and frees everything s holds. */
void srv_search_free(const struct srv_app *app, struct srv_search *s);

#endif
