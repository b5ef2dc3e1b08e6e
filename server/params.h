/* params.h - search parameters: parsing and validation, independent of the
 * transport.
 *
 * GET /v1/search and GET /v1/timeline hand their query string over as a
 * struct srv_params; POST /v1/search turns its JSON body into the same
 * multimap (srv_params_from_json(): arrays become repeated keys), so one
 * table of parameters serves all three.  Each row says which endpoints take
 * it: /v1/timeline takes every filter but nothing about pages.
 *
 * The parse is strict: an unknown parameter, a repeated single-valued one, a
 * malformed or out-of-range value, a parameter the endpoint does not take is
 * an error that names the parameter, so typos are caught rather than
 * silently ignored.
 *
 *     struct srv_search_params sp;
 *     struct srv_param_error err;
 *     if (!srv_search_params_parse(&req->params, &limits, SRV_EP_SEARCH, &sp, &err))
 *         return srv_fail(req, out, err.status, err.code, err.param, "%s", err.message);
 *     ... use sp ...
 *     srv_search_params_free(&sp);
 *
 * Pure functions; thread-safe.
 */
#ifndef SRV_PARAMS_H
#define SRV_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "request.h"
#include "store.h"

/* The limits that apply to parameters (from struct sitrep_config). */
struct srv_limits {
    size_t max_value_bytes; /* limits.query_bytes: q and every other value */
    unsigned max_page_size; /* limits.page_size: largest limit */
    unsigned max_window;    /* limits.max_window: largest offset + limit */
};

/* Values of a multi-valued parameter: "a|b" and repeated keys, in order;
 * each value trimmed of surrounding blanks and never empty. */
struct srv_list {
    char **v;
    size_t n;
};

#define SRV_DEFAULT_LIMIT 20u
#define SRV_MAX_LIST_VALUES 64u
#define SRV_DEFAULT_FACET_SIZE 10u
#define SRV_MAX_FACET_SIZE 100u

/* The endpoints that share the table, as bits. */
enum srv_endpoint {
    SRV_EP_SEARCH = 1 << 0,
    SRV_EP_TIMELINE = 1 << 1,
};

enum srv_interval {
    SRV_INTERVAL_AUTO, /* not given: the endpoint picks */
    SRV_INTERVAL_DAY,
    SRV_INTERVAL_WEEK,
    SRV_INTERVAL_MONTH,
};

struct srv_search_params {
    char *q;                       /* NULL when absent or blank */
    struct srv_list place, exclude_place;
    struct srv_list person, exclude_person;
    struct srv_list source, lang;
    char from[9], to[9];           /* "YYYYMMDD" inclusive, "" when open */
    char event_from[9], event_to[9];
    enum sitrep_sort sort;         /* default: relevance with q, else date_desc */
    bool sort_given;
    unsigned limit;                /* 1 .. max_page_size, default 20 */
    unsigned offset;               /* offset + limit <= max_window */
    char *cursor;                  /* as given (not yet decoded), or NULL;
                                      never together with offset */
    enum sitrep_facet facets[SITREP_FACET_LAST]; /* in the order asked, once each */
    size_t n_facets;
    unsigned facet_size;           /* 1 .. SRV_MAX_FACET_SIZE, default 10 */
    enum srv_interval interval;    /* /v1/timeline */
};

struct srv_param_error {
    unsigned status;    /* 400 */
    const char *code;   /* "invalid_parameter" or "conflicting_parameters" */
    char param[64];     /* the parameter at fault (truncated if longer) */
    char message[512];  /* one sentence, starting with the parameter name */
};

/* Parses and validates in, for the endpoint (one enum srv_endpoint), into
 * *out (which needs no initialisation; on success the caller frees it with
 * srv_search_params_free()).  On failure returns false, fills *err and
 * leaves *out empty. */
bool srv_search_params_parse(const struct srv_params *in, const struct srv_limits *lim,
                             unsigned endpoint, struct srv_search_params *out,
                             struct srv_param_error *err);
void srv_search_params_free(struct srv_search_params *p);

/* Turns a JSON body (body[0..len)) into parameters, appended to *out (which
 * the caller initialised and frees): it must be one object whose members
 * are strings, whole numbers, booleans, or arrays of strings and whole
 * numbers; an array becomes the key repeated, numbers and booleans their
 * decimal or "true"/"false" text.  On failure returns false and fills *err
 * (param "body" for the body as a whole, else the member's key). */
bool srv_params_from_json(const char *body, size_t len, struct srv_params *out,
                          struct srv_param_error *err);

/* Parses one date bound: "2022", "2022-02", "2022-02-24" or a full ISO 8601
 * date-time ("2022-02-24T10:15:00Z", offsets and fractions allowed; the time
 * is checked but only the calendar date is used).  A partial date expands to
 * its first day (upper == false) or its last day (upper == true).  Writes
 * "YYYYMMDD" and returns true; false for anything else, including dates that
 * do not exist (2022-13-45, 2023-02-29) and years outside 1800..2200. */
bool srv_parse_date_bound(const char *s, bool upper, char out[9]);

/* Canonical names: "relevance", "date_desc", "date_asc". */
const char *srv_sort_name(enum sitrep_sort sort);

/* "day", "week", "month"; "auto" for SRV_INTERVAL_AUTO. */
const char *srv_interval_name(enum srv_interval interval);

#endif
