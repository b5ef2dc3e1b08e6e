/* test-params.c - search parameter parsing, table-driven: each query string
 * either parses into the expected values or fails with the expected code and
 * parameter, for /v1/search or /v1/timeline; and JSON bodies into the same
 * parameters.  No sockets, no index. */
#include <stdlib.h>
#include <string.h>

#include "params.h"
#include "test.h"

/* Splits "k=v&k2=v2" (no %-decoding: the transport did that) into p. */
static void load_query(struct srv_params *p, const char *query)
{
    srv_params_init(p);
    const char *s = query;
    while (s && *s) {
        const char *amp = strchr(s, '&');
        size_t len = amp ? (size_t)(amp - s) : strlen(s);
        const char *eq = memchr(s, '=', len);
        if (eq)
            REQUIRE(srv_params_add(p, s, (size_t)(eq - s), eq + 1, len - (size_t)(eq - s) - 1));
        else
            REQUIRE(srv_params_add(p, s, len, NULL, 0));
        s = amp ? amp + 1 : NULL;
    }
}

struct row {
    const char *query;
    /* failure: */
    const char *code;
    const char *param;
    /* success (checked when code is NULL; NULL/0 fields are not checked
     * unless marked): */
    const char *q;
    const char *from, *to;
    const char *event_from, *event_to;
    const char *sort; /* canonical name, or NULL: don't check */
    unsigned limit, offset;
    size_t n_place;
    const char *place0, *place1;
    size_t n_person;
    const char *person0;
    unsigned ep; /* enum srv_endpoint; 0 means SRV_EP_SEARCH */
    const char *cursor;
    size_t n_facets;
    const char *facet0, *facet1; /* API names */
    unsigned facet_size;
    const char *interval;
    const char *format;   /* canonical name, or NULL: json */
    const char *fields;   /* "id,title" in hit order, or NULL: all */
    const char *near;     /* canonical echo, or NULL: not given */
    double radius_km;
    unsigned top;         /* checked when not 0 */
    unsigned types;       /* checked when not 0 */
    const char *prefix;
    const char *dedup;    /* "true" or "false": checked when not NULL */
};

#define OK(qs, ...) {.query = qs, __VA_ARGS__}
#define BAD(qs, c, p) {.query = qs, .code = c, .param = p}
#define TL_OK(qs, ...) {.query = qs, .ep = SRV_EP_TIMELINE, __VA_ARGS__}
#define TL_BAD(qs, c, p) {.query = qs, .code = c, .param = p, .ep = SRV_EP_TIMELINE}
#define GEO_OK(qs, ...) {.query = qs, .ep = SRV_EP_GEO, __VA_ARGS__}
#define GEO_BAD(qs, c, p) {.query = qs, .code = c, .param = p, .ep = SRV_EP_GEO}
#define ENT_OK(qs, ...) {.query = qs, .ep = SRV_EP_ENTITIES, __VA_ARGS__}
#define ENT_BAD(qs, c, p) {.query = qs, .code = c, .param = p, .ep = SRV_EP_ENTITIES}

static const struct row rows[] = {
    /* defaults */
    OK("", .limit = 20, .offset = 0, .sort = "date_desc"),
    OK("q=shelling", .q = "shelling", .sort = "relevance", .limit = 20),
    OK("q=   ", .sort = "date_desc"),
    /* multi-values: | and repeated, trimmed */
    OK("place=Kharkiv|Kyiv", .n_place = 2, .place0 = "Kharkiv", .place1 = "Kyiv"),
    OK("place=Kharkiv&place= Kyiv ", .n_place = 2, .place0 = "Kharkiv", .place1 = "Kyiv"),
    OK("place=geonames:706483", .n_place = 1, .place0 = "geonames:706483"),
    OK("person=Vladimir Putin", .n_person = 1, .person0 = "Vladimir Putin"),
    BAD("place=Kharkiv||Kyiv", "invalid_parameter", "place"),
    BAD("place=", "invalid_parameter", "place"),
    BAD("person=|", "invalid_parameter", "person"),
    /* dates */
    OK("from=2022", .from = "20220101"),
    OK("to=2022", .to = "20221231"),
    OK("from=2022-02&to=2022-03-01", .from = "20220201", .to = "20220301"),
    OK("to=2022-02", .to = "20220228"),
    OK("to=2024-02", .to = "20240229"),
    OK("from=2022-02-24", .from = "20220224"),
    OK("from=2022-02-24T10:15:00Z", .from = "20220224"),
    OK("from=2022-02-24T10:15:00.123+02:00", .from = "20220224"),
    OK("to=2022-02-24T23:59", .to = "20220224"),
    OK("event_from=2022-03&event_to=2022-03", .event_from = "20220301", .event_to = "20220331"),
    BAD("from=2022-13-45", "invalid_parameter", "from"),
    BAD("from=2022-02-30", "invalid_parameter", "from"),
    BAD("to=2023-02-29", "invalid_parameter", "to"),
    BAD("from=22-02-24", "invalid_parameter", "from"),
    BAD("from=2022-2-4", "invalid_parameter", "from"),
    BAD("from=yesterday", "invalid_parameter", "from"),
    BAD("from=2022-02-24T25:00", "invalid_parameter", "from"),
    BAD("from=2022-02-24Tjunk", "invalid_parameter", "from"),
    BAD("from=2022-02-24 ", "invalid_parameter", "from"),
    BAD("from=1500", "invalid_parameter", "from"),
    BAD("from=", "invalid_parameter", "from"),
    BAD("from=2022-03&to=2022-02", "conflicting_parameters", "to"),
    BAD("event_from=2022-03&event_to=2022-02", "conflicting_parameters", "event_to"),
    /* sort */
    OK("sort=relevance", .sort = "relevance"),
    OK("sort=date_desc&q=x", .sort = "date_desc"),
    OK("sort=date_asc", .sort = "date_asc"),
    OK("sort=DateDesc", .sort = "date_desc"),
    OK("sort=DateAsc", .sort = "date_asc"),
    OK("sort=HybridRel", .sort = "relevance"),
    BAD("sort=sideways", "invalid_parameter", "sort"),
    BAD("sort=", "invalid_parameter", "sort"),
    /* limit and offset */
    OK("limit=1", .limit = 1),
    OK("limit=250", .limit = 250),
    OK("limit=007", .limit = 7),
    OK("limit=10&offset=9990", .limit = 10, .offset = 9990),
    BAD("limit=0", "invalid_parameter", "limit"),
    BAD("limit=251", "invalid_parameter", "limit"),
    BAD("limit=-1", "invalid_parameter", "limit"),
    BAD("limit=abc", "invalid_parameter", "limit"),
    BAD("limit=1e3", "invalid_parameter", "limit"),
    BAD("limit=+5", "invalid_parameter", "limit"),
    BAD("limit= 5", "invalid_parameter", "limit"),
    BAD("limit=99999999999999999999", "invalid_parameter", "limit"),
    BAD("limit=4294967297", "invalid_parameter", "limit"),
    BAD("limit=", "invalid_parameter", "limit"),
    BAD("offset=-1", "invalid_parameter", "offset"),
    BAD("offset=abc", "invalid_parameter", "offset"),
    BAD("offset=9990&limit=11", "invalid_parameter", "offset"),
    BAD("offset=4294967295", "invalid_parameter", "offset"),
    BAD("limit=5&limit=6", "invalid_parameter", "limit"),
    BAD("q=a&q=b", "invalid_parameter", "q"),
    /* unknown, unsupported, malformed */
    BAD("qq=shelling", "invalid_parameter", "qq"),
    BAD("Q=shelling", "invalid_parameter", "Q"),
    BAD("limit", "invalid_parameter", "limit"),
    /* dedup: on unless false; true/false in any case, once */
    OK("", .dedup = "true"),
    OK("dedup=false", .dedup = "false"),
    OK("dedup=TRUE", .dedup = "true"),
    TL_OK("dedup=false", .dedup = "false"),
    GEO_OK("dedup=false", .dedup = "false"),
    BAD("dedup=maybe", "invalid_parameter", "dedup"),
    BAD("dedup=", "invalid_parameter", "dedup"),
    BAD("dedup=true&dedup=false", "invalid_parameter", "dedup"),
    ENT_BAD("dedup=false", "invalid_parameter", "dedup"),
    /* highlight tags: /v1/search only, at most SRV_MAX_TAG_BYTES */
    OK("highlight=false&pre_tag=%3Cb%3E&post_tag=%3C%2Fb%3E", .dedup = "true"),
    BAD("highlight=yes", "invalid_parameter", "highlight"),
    BAD("pre_tag=", "invalid_parameter", "pre_tag"),
    BAD("post_tag=" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "invalid_parameter", "post_tag"),
    TL_BAD("highlight=false", "invalid_parameter", "highlight"),
    BAD("q=\xff\xfe", "invalid_parameter", "q"),
    BAD("place=Khar\xc3", "invalid_parameter", "place"),
    /* the first error in arrival order is reported */
    BAD("sort=x&limit=abc", "invalid_parameter", "sort"),
    /* cursor: decoded later (cursor.c); here only its company */
    OK("cursor=AbC-_9", .cursor = "AbC-_9", .limit = 20),
    OK("cursor=x&limit=5", .cursor = "x", .limit = 5),
    BAD("cursor=", "invalid_parameter", "cursor"),
    BAD("cursor=x&cursor=y", "invalid_parameter", "cursor"),
    BAD("cursor=x&offset=0", "conflicting_parameters", "cursor"),
    BAD("offset=20&cursor=x", "conflicting_parameters", "cursor"),
    /* facets: ",", "|" or repeated; known names once each, in order */
    OK("facets=place,person", .n_facets = 2, .facet0 = "place", .facet1 = "person",
       .facet_size = 10),
    OK("facets=date|place&facets=place", .n_facets = 2, .facet0 = "date", .facet1 = "place"),
    OK("facets= country , source", .n_facets = 2, .facet0 = "country", .facet1 = "source"),
    OK("facets=place&facet_size=100", .n_facets = 1, .facet_size = 100),
    OK("facet_size=3&facets=person", .n_facets = 1, .facet_size = 3),
    BAD("facets=place,plaec", "invalid_parameter", "facets"),
    BAD("facets=day", "invalid_parameter", "facets"),
    BAD("facets=", "invalid_parameter", "facets"),
    BAD("facets=place,,person", "invalid_parameter", "facets"),
    BAD("facets=place&facet_size=0", "invalid_parameter", "facet_size"),
    BAD("facets=place&facet_size=101", "invalid_parameter", "facet_size"),
    BAD("facets=place&facet_size=x", "invalid_parameter", "facet_size"),
    BAD("facet_size=5", "invalid_parameter", "facet_size"),
    BAD("facets=place&facet_size=5&facet_size=6", "invalid_parameter", "facet_size"),
    /* interval belongs to the timeline */
    BAD("interval=day", "invalid_parameter", "interval"),
    /* /v1/timeline: every filter, no pages */
    TL_OK("", .interval = "auto"),
    TL_OK("interval=week", .interval = "week"),
    TL_OK("interval=Month", .interval = "month"),
    TL_OK("q=shelling&place=Kharkiv|Kyiv&from=2022-02&to=2022-03", .q = "shelling",
          .n_place = 2, .from = "20220201", .to = "20220331"),
    TL_BAD("interval=year", "invalid_parameter", "interval"),
    TL_BAD("interval=day&interval=week", "invalid_parameter", "interval"),
    TL_BAD("limit=5", "invalid_parameter", "limit"),
    TL_BAD("offset=5", "invalid_parameter", "offset"),
    TL_BAD("cursor=x", "invalid_parameter", "cursor"),
    TL_BAD("sort=date_asc", "invalid_parameter", "sort"),
    TL_BAD("facets=place", "invalid_parameter", "facets"),
    TL_BAD("intervall=day", "invalid_parameter", "intervall"),
    TL_BAD("from=2022-03&to=2022-02", "conflicting_parameters", "to"),
    /* timespan, counted back from 2024-03-31T12:00:00Z (main() fixes now) */
    OK("timespan=24h", .from = "20240330", .to = "20240331"),
    OK("timespan=7d", .from = "20240324", .to = "20240331"),
    OK("timespan=4w", .from = "20240303", .to = "20240331"),
    OK("timespan=3m", .from = "20231231", .to = "20240331"),
    OK("timespan=1m", .from = "20240229", .to = "20240331"),
    OK("timespan=13m", .from = "20230228", .to = "20240331"),
    TL_OK("timespan=36h", .from = "20240330", .to = "20240331"),
    GEO_OK("timespan=2d", .from = "20240329"),
    BAD("timespan=7", "invalid_parameter", "timespan"),
    BAD("timespan=d", "invalid_parameter", "timespan"),
    BAD("timespan=0d", "invalid_parameter", "timespan"),
    BAD("timespan=7y", "invalid_parameter", "timespan"),
    BAD("timespan=7dd", "invalid_parameter", "timespan"),
    BAD("timespan=-7d", "invalid_parameter", "timespan"),
    BAD("timespan=10000d", "invalid_parameter", "timespan"),
    BAD("timespan=9999m", "invalid_parameter", "timespan"), /* before 1800 */
    BAD("timespan=", "invalid_parameter", "timespan"),
    BAD("timespan=7d&timespan=7d", "invalid_parameter", "timespan"),
    BAD("timespan=7d&from=2022", "conflicting_parameters", "timespan"),
    BAD("to=2022&timespan=7d", "conflicting_parameters", "timespan"),
    TL_BAD("from=2022&timespan=7d", "conflicting_parameters", "timespan"),
    OK("timespan=7d&event_from=2022", .from = "20240324", .event_from = "20220101"),
    /* near */
    OK("near=49.99,36.23,30km", .near = "49.99,36.23,30km", .radius_km = 30),
    OK("near=-33.5,+151,10mi", .near = "-33.5,151,10mi", .radius_km = 16.09344),
    OK("near=0,0,0.5km", .near = "0,0,0.5km", .radius_km = 0.5),
    TL_OK("near=49.99,36.23,30km", .near = "49.99,36.23,30km", .radius_km = 30),
    GEO_OK("near=49.99,36.23,30km", .near = "49.99,36.23,30km", .radius_km = 30),
    BAD("near=49.99,36.23", "invalid_parameter", "near"),
    BAD("near=49.99,36.23,30", "invalid_parameter", "near"),
    BAD("near=49.99,36.23,30 km", "invalid_parameter", "near"),
    BAD("near=49.99,36.23,30miles", "invalid_parameter", "near"),
    BAD("near=91,36.23,30km", "invalid_parameter", "near"),
    BAD("near=49.99,-181,30km", "invalid_parameter", "near"),
    BAD("near=49.99,36.23,0km", "invalid_parameter", "near"),
    BAD("near=49.99,36.23,20001km", "invalid_parameter", "near"),
    BAD("near=nan,36.23,30km", "invalid_parameter", "near"),
    BAD("near=1e1,36.23,30km", "invalid_parameter", "near"),
    BAD("near=4.9.9,36.23,30km", "invalid_parameter", "near"),
    BAD("near=49.99,36.23,30km,1", "invalid_parameter", "near"),
    BAD("near=,,km", "invalid_parameter", "near"),
    BAD("near=1,2,3km&near=1,2,3km", "invalid_parameter", "near"),
    /* sort=distance needs near */
    OK("near=1,2,3km&sort=distance", .sort = "distance", .near = "1,2,3km", .radius_km = 3),
    OK("sort=distance&near=1,2,3km", .sort = "distance", .near = "1,2,3km", .radius_km = 3),
    BAD("sort=distance", "invalid_parameter", "sort"),
    GEO_BAD("sort=distance&near=1,2,3km", "invalid_parameter", "sort"),
    /* format and fields; exports may hold up to 10000 hits */
    OK("format=json", .limit = 20),
    OK("format=ndjson", .format = "ndjson", .limit = 10000),
    OK("format=CSV&limit=5000", .format = "csv", .limit = 5000),
    OK("limit=10000&format=geojson", .format = "geojson", .limit = 10000),
    OK("format=csv&offset=10000", .format = "csv", .offset = 10000, .limit = 10000),
    BAD("format=xml", "invalid_parameter", "format"),
    BAD("format=csv&format=csv", "invalid_parameter", "format"),
    BAD("format=csv&limit=10001", "invalid_parameter", "limit"),
    BAD("format=csv&offset=10001", "invalid_parameter", "offset"),
    BAD("format=json&limit=251", "invalid_parameter", "limit"),
    BAD("format=ndjson&facets=place", "invalid_parameter", "facets"),
    TL_BAD("format=csv", "invalid_parameter", "format"),
    OK("fields=title|id", .fields = "id,title"),
    OK("fields=places,score&fields=id", .fields = "id,score,places"),
    OK("fields=id,id", .fields = "id"),
    OK("near=1,2,3km&fields=distance_km", .fields = "distance_km", .near = "1,2,3km",
       .radius_km = 3),
    BAD("fields=id|titel", "invalid_parameter", "fields"),
    BAD("fields=", "invalid_parameter", "fields"),
    BAD("fields=id||title", "invalid_parameter", "fields"),
    BAD("fields=distance_km", "invalid_parameter", "fields"),
    TL_BAD("fields=id", "invalid_parameter", "fields"),
    /* /v1/geo: the filters, limit (places) and top (articles each) */
    GEO_OK("", .limit = 500, .top = 5),
    GEO_OK("top=0&limit=2000", .limit = 2000),
    GEO_OK("top=50&place=UA", .top = 50, .n_place = 1),
    GEO_BAD("top=51", "invalid_parameter", "top"),
    GEO_BAD("top=x", "invalid_parameter", "top"),
    GEO_BAD("limit=0", "invalid_parameter", "limit"),
    GEO_BAD("limit=2001", "invalid_parameter", "limit"),
    GEO_BAD("offset=5", "invalid_parameter", "offset"),
    GEO_BAD("facets=place", "invalid_parameter", "facets"),
    GEO_BAD("format=csv", "invalid_parameter", "format"),
    BAD("top=5", "invalid_parameter", "top"),
    /* /v1/entities: type, prefix, limit */
    ENT_OK("", .limit = 10, .types = SRV_ENTITY_PLACE | SRV_ENTITY_PERSON),
    ENT_OK("type=place&prefix=khar", .types = SRV_ENTITY_PLACE, .prefix = "khar"),
    ENT_OK("type=person|place&limit=100", .types = SRV_ENTITY_PLACE | SRV_ENTITY_PERSON,
           .limit = 100),
    ENT_OK("type=person&prefix=  ", .types = SRV_ENTITY_PERSON),
    ENT_BAD("type=city", "invalid_parameter", "type"),
    ENT_BAD("type=", "invalid_parameter", "type"),
    ENT_BAD("limit=101", "invalid_parameter", "limit"),
    ENT_BAD("limit=0", "invalid_parameter", "limit"),
    ENT_BAD("prefix=a&prefix=b", "invalid_parameter", "prefix"),
    ENT_BAD("q=kharkiv", "invalid_parameter", "q"),
    ENT_BAD("place=UA", "invalid_parameter", "place"),
    BAD("prefix=khar", "invalid_parameter", "prefix"),
    TL_BAD("type=place", "invalid_parameter", "type"),
};

static void check_row(const struct row *r, const struct srv_limits *lim)
{
    struct srv_params in;
    struct srv_search_params sp;
    struct srv_param_error err;

    load_query(&in, r->query);
    bool ok = srv_search_params_parse(&in, lim, r->ep ? r->ep : SRV_EP_SEARCH, &sp, &err);
    if (r->code) {
        if (ok) {
            fprintf(stderr, "query '%s': parsed, expected %s on %s\n", r->query, r->code,
                    r->param);
            test_failures++;
            srv_search_params_free(&sp);
        } else {
            CHECK_STR(err.code, r->code);
            CHECK_STR(err.param, r->param);
            CHECK(err.status == 400);
            CHECK(strncmp(err.message, r->param, strlen(r->param)) == 0 ||
                  strstr(err.message, r->param) != NULL);
        }
        srv_params_free(&in);
        return;
    }
    if (!ok) {
        fprintf(stderr, "query '%s': failed: %s %s: %s\n", r->query, err.code, err.param,
                err.message);
        test_failures++;
        srv_params_free(&in);
        return;
    }
    if (r->q)
        CHECK_STR(sp.q, r->q);
    else if (strncmp(r->query, "q=", 2) == 0)
        CHECK(sp.q == NULL);
    if (r->from)
        CHECK_STR(sp.from, r->from);
    if (r->to)
        CHECK_STR(sp.to, r->to);
    if (r->event_from)
        CHECK_STR(sp.event_from, r->event_from);
    if (r->event_to)
        CHECK_STR(sp.event_to, r->event_to);
    if (r->sort)
        CHECK_STR(srv_sort_name(sp.sort), r->sort);
    if (r->limit)
        CHECK(sp.limit == r->limit);
    CHECK(sp.offset == r->offset);
    if (r->dedup)
        CHECK(sp.dedup == (strcmp(r->dedup, "true") == 0));
    if (r->n_place) {
        CHECK(sp.place.n == r->n_place);
        if (sp.place.n > 0 && r->place0)
            CHECK_STR(sp.place.v[0], r->place0);
        if (sp.place.n > 1 && r->place1)
            CHECK_STR(sp.place.v[1], r->place1);
    }
    if (r->n_person) {
        CHECK(sp.person.n == r->n_person);
        if (sp.person.n > 0)
            CHECK_STR(sp.person.v[0], r->person0);
    }
    if (r->cursor)
        CHECK_STR(sp.cursor, r->cursor);
    else
        CHECK(sp.cursor == NULL);
    CHECK(sp.n_facets == r->n_facets);
    if (sp.n_facets > 0 && r->facet0)
        CHECK_STR(sitrep_facets[sp.facets[0]].name, r->facet0);
    if (sp.n_facets > 1 && r->facet1)
        CHECK_STR(sitrep_facets[sp.facets[1]].name, r->facet1);
    if (r->facet_size)
        CHECK(sp.facet_size == r->facet_size);
    else
        CHECK(sp.facet_size == SRV_DEFAULT_FACET_SIZE);
    if (r->interval)
        CHECK_STR(srv_interval_name(sp.interval), r->interval);
    CHECK_STR(srv_format_name(sp.format), r->format ? r->format : "json");
    char fields[128] = "";
    for (size_t i = 0; i < sp.n_fields; i++)
        snprintf(fields + strlen(fields), sizeof fields - strlen(fields), "%s%s", i ? "," : "",
                 srv_hit_field_name(sp.fields[i]));
    CHECK_STR(fields, r->fields ? r->fields : "");
    CHECK(sp.near.given == (r->near != NULL));
    if (r->near) {
        CHECK_STR(sp.near.text, r->near);
        CHECK(sp.near.radius_km > r->radius_km - 1e-9 && sp.near.radius_km < r->radius_km + 1e-9);
    }
    if (r->top)
        CHECK(sp.top == r->top);
    if (r->types)
        CHECK(sp.entity_types == r->types);
    if (r->prefix)
        CHECK_STR(sp.prefix, r->prefix);
    else
        CHECK(sp.prefix == NULL);
    srv_search_params_free(&sp);
    srv_params_free(&in);
}

static void test_length_cap(const struct srv_limits *lim)
{
    struct srv_params in;
    struct srv_search_params sp;
    struct srv_param_error err;
    char big[200];
    memset(big, 'a', sizeof big);

    srv_params_init(&in);
    REQUIRE(srv_params_add(&in, "q", 1, big, lim->max_value_bytes));
    CHECK(srv_search_params_parse(&in, lim, SRV_EP_SEARCH, &sp, &err));
    srv_search_params_free(&sp);
    srv_params_free(&in);

    REQUIRE(srv_params_add(&in, "q", 1, big, lim->max_value_bytes + 1));
    CHECK(!srv_search_params_parse(&in, lim, SRV_EP_SEARCH, &sp, &err));
    CHECK_STR(err.param, "q");
    CHECK_STR(err.code, "invalid_parameter");
    srv_params_free(&in);

    REQUIRE(srv_params_add(&in, "place", 5, big, lim->max_value_bytes + 1));
    CHECK(!srv_search_params_parse(&in, lim, SRV_EP_SEARCH, &sp, &err));
    CHECK_STR(err.param, "place");
    srv_params_free(&in);
}

static void test_page_size_below_default(void)
{
    struct srv_limits small = {100, 5, 10000, 0};
    struct srv_params in;
    struct srv_search_params sp;
    struct srv_param_error err;
    srv_params_init(&in);
    REQUIRE(srv_search_params_parse(&in, &small, SRV_EP_SEARCH, &sp, &err));
    CHECK(sp.limit == 5);
    srv_search_params_free(&sp);
}

static void test_date_bounds(void)
{
    static const struct {
        const char *in;
        bool upper;
        const char *want; /* NULL: rejected */
    } dates[] = {
        {"2022", false, "20220101"},     {"2022", true, "20221231"},
        {"2022-02", false, "20220201"},  {"2022-02", true, "20220228"},
        {"2000-02", true, "20000229"},   {"1900-02", true, "19000228"},
        {"2022-12-31", true, "20221231"}, {"2022-02-24T00:00:00-05:00", true, "20220224"},
        {"2022-02-24t10:00z", false, "20220224"},
        {"2022-13", false, NULL},        {"2022-00-10", false, NULL},
        {"2022-04-31", false, NULL},     {"20220224", false, NULL},
        {"2022-02-24T10", false, NULL},  {"2022-02-24T10:15:61", false, NULL},
        {"2201", false, NULL},           {"", false, NULL},
    };
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        char out[9] = "";
        bool ok = srv_parse_date_bound(dates[i].in, dates[i].upper, out);
        if (dates[i].want) {
            if (!ok) {
                fprintf(stderr, "date '%s': rejected\n", dates[i].in);
                test_failures++;
            } else {
                CHECK_STR(out, dates[i].want);
            }
        } else if (ok) {
            fprintf(stderr, "date '%s': accepted as %s\n", dates[i].in, out);
            test_failures++;
        }
    }
}

/* JSON bodies: the parameters they become ("k=v&k=v", in order), or the
 * parameter an error names. */
static void test_json_bodies(void)
{
    static const struct {
        const char *body;
        const char *want;  /* NULL: rejected */
        const char *param; /* when rejected */
    } cases[] = {
        {"{}", "", NULL},
        {"{\"q\":\"shelling\",\"limit\":5}", "q=shelling&limit=5", NULL},
        {"{\"place\":[\"Kharkiv\",\"Kyiv\"],\"offset\":0}", "place=Kharkiv&place=Kyiv&offset=0",
         NULL},
        {"{\"facets\":[\"place\"],\"facet_size\":3,\"x\":true}",
         "facets=place&facet_size=3&x=true", NULL},
        {"{\"place\":[]}", "", NULL},
        {"{\"limit\":-1}", "limit=-1", NULL}, /* the parameter table rejects it */
        /* "Харків" escaped in JSON, raw UTF-8 in the parameter */
        {" {\"q\" : \"\u0425\u0430\u0440\u043a\u0456\u0432\"} ",
         "q=\xd0\xa5\xd0\xb0\xd1\x80\xd0\xba\xd1\x96\xd0\xb2", NULL},
        {"", NULL, "body"},
        {"{", NULL, "body"},
        {"{\"q\":\"a\"} x", NULL, "body"},
        {"[\"q\"]", NULL, "body"},
        {"\"q=x\"", NULL, "body"},
        {"{\"q\":\"a\",\"q\":\"b\"}", NULL, "body"},
        {"{\"q\":\"a\\u0000b\"}", NULL, "body"},
        {"{\"q\":\"\xff\"}", NULL, "body"},
        {"{\"limit\":5.5}", NULL, "limit"},
        {"{\"q\":null}", NULL, "q"},
        {"{\"place\":{\"id\":1}}", NULL, "place"},
        {"{\"place\":[\"Kyiv\",[\"x\"]]}", NULL, "place"},
        {"{\"place\":[\"Kyiv\",null]}", NULL, "place"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct srv_params p;
        struct srv_param_error err;
        char got[256] = "";
        srv_params_init(&p);
        bool ok = srv_params_from_json(cases[i].body, strlen(cases[i].body), &p, &err);
        if (ok != (cases[i].want != NULL)) {
            fprintf(stderr, "body '%s': %s, expected %s\n", cases[i].body,
                    ok ? "accepted" : err.message, cases[i].want ? "accepted" : "rejected");
            test_failures++;
        } else if (ok) {
            for (size_t j = 0; j < p.n; j++) {
                size_t o = strlen(got);
                snprintf(got + o, sizeof got - o, "%s%s=%s", j ? "&" : "", p.items[j].key,
                         p.items[j].value);
            }
            CHECK_STR(got, cases[i].want);
        } else {
            CHECK(err.status == 400);
            CHECK_STR(err.code, "invalid_parameter");
            CHECK_STR(err.param, cases[i].param);
            CHECK(strstr(err.message, cases[i].param) != NULL);
        }
        srv_params_free(&p);
    }
}

int main(void)
{
    /* 2024-03-31T12:00:00Z, for timespan. */
    struct srv_limits lim = {100, 250, 10000, 1711886400};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        check_row(&rows[i], &lim);
    test_length_cap(&lim);
    test_page_size_below_default();
    test_date_bounds();
    test_json_bodies();
    CHECK_STR(srv_sort_name(SITREP_SORT_DATE_ASC), "date_asc");
    return TEST_DONE();
}
