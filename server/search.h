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

/* A place of the index within near='s radius, and how far it lies. */
struct srv_near_place {
    char *id;  /* gazetteer id, owned */
    double km; /* great-circle distance from the point */
};

/* At most this many places stand for near= (the nearest): each is one
 * term of an OR filter. */
#define SRV_NEAR_MAX_PLACES 1000

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
    bool own_db; /* db was opened for this search alone: destroyed, not
                    checked in */
    struct srv_near_place *near; /* near='s places, by id (strcmp) */
    size_t n_near;
};

void srv_search_init(struct srv_search *s);

/* Parses params for endpoint (enum srv_endpoint) into s->sp, resolves the
 * filters and starts s->echo.  Returns 0, or an error status with its body
 * in *out. */
unsigned srv_search_prepare(const struct srv_app *app, struct srv_request *req,
                            const struct srv_params *params, unsigned endpoint,
                            struct srv_search *s, json_t **out);

/* Checks out an index handle, reads its stats and builds s->q from what
 * srv_search_prepare() resolved.  near= becomes a filter here, because it
 * needs the index: the places the index holds (its XP terms) that the
 * gazetteer puts within the radius, at most SRV_NEAR_MAX_PLACES of them, the
 * nearest first; countries and admin-1 regions are not among them (their
 * terms stand for everything inside them, however far).  With
 * sort=distance the query is ranked by those distances.  Returns 0, or an
 * error status (503 without an index, 400 query_syntax_error for text the
 * parser cannot read) with its body in *out. */
unsigned srv_search_open(const struct srv_app *app, struct srv_request *req, struct srv_search *s,
                         json_t **out);

/* Like srv_search_open(), but with an index handle opened for this search
 * alone instead of one from the pool: for answers that outlive the handler
 * (streamed exports), so that a slow client never holds a handle that other
 * requests wait for. */
unsigned srv_search_open_own(const struct srv_app *app, struct srv_request *req,
                             struct srv_search *s, json_t **out);

/* The 500 for a sitrep_query_run() that failed with st: logs the detail
 * with the request id, marks the handle broken when a reopen cannot cure
 * it, and stores the body in *out. */
unsigned srv_search_fail_run(struct srv_request *req, struct srv_search *s, sitrep_status st,
                             json_t **out);

/* The distance in km from near='s point to the nearest of the places of a
 * stored record (its "places" array) that stand for near=; false when none
 * does (or near= was not given). */
bool srv_search_near_km(const struct srv_search *s, json_t *places, double *km);

/* The "index" member of responses: revision and document count. */
json_t *srv_search_index_json(const struct srv_search *s);

/* Checks the handle back in and frees everything s holds. */
void srv_search_free(const struct srv_app *app, struct srv_search *s);

#endif
