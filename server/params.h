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
#include <time.h>

#include "request.h"
#include "store.h"

/* The limits that apply to parameters (from struct sitrep_config), and the
 * request's clock, which timespan= counts back from (so that parsing stays
 * a pure function). */
struct srv_limits {
    size_t max_value_bytes; /* limits.query_bytes: q and every other value */
    unsigned max_page_size; /* limits.page_size: largest limit */
    unsigned max_window;    /* limits.max_window: largest offset + limit */
    time_t now;             /* for timespan; 0: time(NULL) when needed */
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
/* Exports (format=ndjson|csv|geojson) stream their hits, so they may hold
 * many more than a page: limit up to this, and this when not given. */
#define SRV_EXPORT_MAX 10000u
/* /v1/geo: features (places) at most, and by default; top articles each. */
#define SRV_GEO_DEFAULT_LIMIT 500u
#define SRV_GEO_MAX_LIMIT 2000u
#define SRV_GEO_DEFAULT_TOP 5u
#define SRV_GEO_MAX_TOP 50u
/* /v1/entities: suggestions at most, and by default. */
#define SRV_ENTITIES_DEFAULT_LIMIT 10u
#define SRV_ENTITIES_MAX_LIMIT 100u
/* near=: the largest radius, in km (half the Earth's circumference). */
#define SRV_NEAR_MAX_KM 20000.0

/* The endpoints that share the table, as bits. */
enum srv_endpoint {
    SRV_EP_SEARCH = 1 << 0,
    SRV_EP_TIMELINE = 1 << 1,
    SRV_EP_GEO = 1 << 2,
    SRV_EP_ENTITIES = 1 << 3,
};

/* format= of /v1/search: json is the page as an object; the others are
 * exports, streamed. */
enum srv_format {
    SRV_FORMAT_JSON,
    SRV_FORMAT_NDJSON,
    SRV_FORMAT_CSV,
    SRV_FORMAT_GEOJSON,
};

/* The members of a search hit, in the order a hit shows them; fields=
 * picks some. */
enum srv_hit_field {
    SRV_FIELD_ID,
    SRV_FIELD_TITLE,
    SRV_FIELD_URL,
    SRV_FIELD_SOURCE,
    SRV_FIELD_LANG,
    SRV_FIELD_PUBLISHED,
    SRV_FIELD_SCORE,
    SRV_FIELD_SNIPPET,
    SRV_FIELD_PLACES,
    SRV_FIELD_PERSONS,
    SRV_FIELD_EVENT_DATES,
    SRV_FIELD_COPIES,      /* near-identical copies collapsed into the hit */
    SRV_FIELD_DISTANCE_KM, /* only with near */
    SRV_FIELD_LAST
};

/* /v1/entities type= values, as bits. */
enum srv_entity_type {
    SRV_ENTITY_PLACE = 1 << 0,
    SRV_ENTITY_PERSON = 1 << 1,
};

/* near=LAT,LON,RADIUS(km|mi) */
struct srv_near {
    bool given;
    double lat, lon;  /* degrees */
    double radius_km; /* miles are converted */
    char text[64];    /* canonical form for the echo: "49.99,36.23,30km" */
};

enum srv_interval {
    SRV_INTERVAL_AUTO, /* not given: the endpoint picks */
    SRV_INTERVAL_DAY,
    SRV_INTERVAL_WEEK,
    SRV_INTERVAL_MONTH,
};

/* A highlight tag is markup, not content: this is plenty. */
#define SRV_MAX_TAG_BYTES 64

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
    char timespan[16];             /* as given ("7d"), "" when absent; from and
                                      to then hold the days it covers, up to
                                      today (UTC) */
    struct srv_near near;
    bool dedup;                    /* collapse near-identical copies; default
                                      true */
    bool dedup_given;              /* echoed only when given */
    bool highlight;                /* /v1/search: tags around matches in
                                      snippets; default true */
    char *pre_tag, *post_tag;      /* /v1/search: those tags, at most
                                      SRV_MAX_TAG_BYTES; NULL: <mark>, </mark> */
    enum srv_format format;        /* /v1/search */
    enum srv_hit_field fields[SRV_FIELD_LAST]; /* fields=, in the hit's order,
                                                  once each; n_fields 0: all */
    size_t n_fields;
    unsigned top;                  /* /v1/geo: articles per place, 0 .. 50 */
    unsigned entity_types;         /* /v1/entities: enum srv_entity_type bits,
                                      both when type is absent */
    char *prefix;                  /* /v1/entities: NULL when absent or blank */
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

/* Canonical names: "relevance", "date_desc", "date_asc", "distance"
 * (SITREP_SORT_PLACE_RANK: the server ranks places by distance). */
const char *srv_sort_name(enum sitrep_sort sort);

/* "json", "ndjson", "csv", "geojson". */
const char *srv_format_name(enum srv_format format);

/* The API name of a hit member: "id", "title", ..., "distance_km". */
const char *srv_hit_field_name(enum srv_hit_field field);

/* Parses a timespan ("24h", "7d", "4w", "3m": a whole number from 1 to 9999
 * of hours, days, weeks or calendar months) back from now into the UTC days
 * it covers, "YYYYMMDD" each: from the day (now - span) falls on to the day
 * now falls on.  False for anything else, or a start before 1800. */
bool srv_parse_timespan(const char *s, time_t now, char from[9], char to[9]);

/* Parses "LAT,LON,RADIUS" with RADIUS a positive number and "km" or "mi"
 * ("49.99,36.23,30km"); latitude -90..90, longitude -180..180, radius up to
 * SRV_NEAR_MAX_KM.  On failure returns false with a reason in why. */
bool srv_parse_near(const char *s, struct srv_near *out, char *why, size_t why_len);

/* "day", "week", "month"; "auto" for SRV_INTERVAL_AUTO. */
const char *srv_interval_name(enum srv_interval interval);

/* Row i of the parameter table: its name (static) and the endpoints that
 * take it (enum srv_endpoint bits); false when i is past the last row.  For
 * tests/unit/test-openapi.c, which checks that the OpenAPI document lists
 * every parameter on every endpoint that takes it. */
bool srv_param_table_row(size_t i, const char **name, unsigned *takers);

/* The path of one endpoint ("/v1/search" for SRV_EP_SEARCH). */
const char *srv_endpoint_path(unsigned endpoint);

#endif
