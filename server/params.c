/* params.c - one table of search parameters; each row says how its value is
 * read and which endpoints take it.  Everything a client can get wrong is
 * reported here, with the parameter's name, before the index is touched. */
#include "params.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <math.h>

#include "dates.h"
#include "text.h"

enum ptype {
    P_TEXT,        /* one string (q, cursor) */
    P_LIST,        /* "a|b" or repeated */
    P_DATE_FROM,   /* lower date bound */
    P_DATE_TO,     /* upper date bound */
    P_SORT,
    P_LIMIT,
    P_OFFSET,
    P_FACETS,      /* "a,b", "a|b" or repeated: names of the schema's facets */
    P_FACET_SIZE,
    P_INTERVAL,
    P_TIMESPAN,
    P_NEAR,
    P_FORMAT,
    P_FIELDS,      /* "a|b", "a,b" or repeated: names of hit members */
    P_TOP,
    P_TYPES,       /* "place|person" or repeated */
    P_BOOL,        /* true or false */
};

struct pdef {
    const char *name;
    enum ptype type;
    size_t offset;      /* of the member in struct srv_search_params */
    unsigned endpoints; /* enum srv_endpoint bits */
};

#define F(member) offsetof(struct srv_search_params, member)
/* The filters: every endpoint that selects articles takes them all. */
#define ALL (SRV_EP_SEARCH | SRV_EP_TIMELINE | SRV_EP_GEO)
#define SEARCH SRV_EP_SEARCH
#define TIMELINE SRV_EP_TIMELINE
#define GEO SRV_EP_GEO
#define ENTITIES SRV_EP_ENTITIES

static const struct pdef pdefs[] = {
    {"q", P_TEXT, F(q), ALL},
    {"place", P_LIST, F(place), ALL},
    {"exclude_place", P_LIST, F(exclude_place), ALL},
    {"person", P_LIST, F(person), ALL},
    {"exclude_person", P_LIST, F(exclude_person), ALL},
    {"source", P_LIST, F(source), ALL},
    {"lang", P_LIST, F(lang), ALL},
    {"from", P_DATE_FROM, F(from), ALL},
    {"to", P_DATE_TO, F(to), ALL},
    {"timespan", P_TIMESPAN, F(timespan), ALL},
    {"event_from", P_DATE_FROM, F(event_from), ALL},
    {"event_to", P_DATE_TO, F(event_to), ALL},
    {"near", P_NEAR, F(near), ALL},
    {"sort", P_SORT, F(sort), SEARCH},
    {"limit", P_LIMIT, F(limit), SEARCH | GEO | ENTITIES},
    {"offset", P_OFFSET, F(offset), SEARCH},
    {"cursor", P_TEXT, F(cursor), SEARCH},
    {"facets", P_FACETS, F(facets), SEARCH},
    {"facet_size", P_FACET_SIZE, F(facet_size), SEARCH},
    {"fields", P_FIELDS, F(fields), SEARCH},
    {"format", P_FORMAT, F(format), SEARCH},
    {"interval", P_INTERVAL, F(interval), TIMELINE},
    {"top", P_TOP, F(top), GEO},
    {"type", P_TYPES, F(entity_types), ENTITIES},
    {"prefix", P_TEXT, F(prefix), ENTITIES},
    {"dedup", P_BOOL, F(dedup), ALL},
    {"highlight", P_BOOL, F(highlight), SEARCH},
    {"pre_tag", P_TEXT, F(pre_tag), SEARCH},
    {"post_tag", P_TEXT, F(post_tag), SEARCH},
};
#define N_PDEFS (sizeof pdefs / sizeof pdefs[0])

#undef F
#undef ALL
#undef SEARCH
#undef TIMELINE
#undef GEO
#undef ENTITIES

static const struct {
    unsigned endpoint;
    const char *path;
    const char *takes; /* said when a parameter of another endpoint is given */
} endpoints[] = {
    {SRV_EP_SEARCH, "/v1/search", ""},
    {SRV_EP_TIMELINE, "/v1/timeline", " (it takes the filters of /v1/search and interval)"},
    {SRV_EP_GEO, "/v1/geo", " (it takes the filters of /v1/search, limit and top)"},
    {SRV_EP_ENTITIES, "/v1/entities", " (it takes type, prefix and limit)"},
};

static const char *endpoint_path(unsigned endpoint)
{
    for (size_t i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++)
        if (endpoints[i].endpoint == endpoint)
            return endpoints[i].path;
    return "/v1/search";
}

static const char *endpoint_takes(unsigned endpoint)
{
    for (size_t i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++)
        if (endpoints[i].endpoint == endpoint)
            return endpoints[i].takes;
    return "";
}

/* The keyword values of parameters (format=, interval=, sort=, type=):
 * one table each, read by keyword_find() and keyword_name().  A value's
 * first row is its canonical name; later rows are accepted aliases. */
struct keyword {
    const char *name;
    int value;
};

#define KEYWORDS(t) (t), sizeof(t) / sizeof(t)[0]

/* The value of the keyword text[0..len) (ASCII case-insensitive); false
 * when the table has none. */
static bool keyword_find(const struct keyword *t, size_t n, const char *text, size_t len,
                         int *value)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(t[i].name) == len && strncasecmp(t[i].name, text, len) == 0) {
            *value = t[i].value;
            return true;
        }
    return false;
}

/* The canonical name of value, or dflt when the table has none. */
static const char *keyword_name(const struct keyword *t, size_t n, int value, const char *dflt)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].value == value)
            return t[i].name;
    return dflt;
}

static const struct keyword formats[] = {
    {"json", SRV_FORMAT_JSON},
    {"ndjson", SRV_FORMAT_NDJSON},
    {"csv", SRV_FORMAT_CSV},
    {"geojson", SRV_FORMAT_GEOJSON},
};

const char *srv_format_name(enum srv_format format)
{
    return keyword_name(KEYWORDS(formats), (int)format, "json");
}

/* Indexed by enum srv_hit_field. */
static const char *const hit_fields[SRV_FIELD_LAST] = {
    "id",    "title",   "url",    "source",  "lang",        "published",
    "score", "snippet", "places", "persons", "event_dates", "copies", "distance_km",
};

const char *srv_hit_field_name(enum srv_hit_field field)
{
    return (unsigned)field < SRV_FIELD_LAST ? hit_fields[field] : "";
}

static const struct keyword entity_types[] = {
    {"place", SRV_ENTITY_PLACE},
    {"person", SRV_ENTITY_PERSON},
};

static const struct keyword intervals[] = {
    {"day", SRV_INTERVAL_DAY},
    {"week", SRV_INTERVAL_WEEK},
    {"month", SRV_INTERVAL_MONTH},
};

const char *srv_interval_name(enum srv_interval interval)
{
    return keyword_name(KEYWORDS(intervals), (int)interval, "auto");
}

static const struct keyword sorts[] = {
    {"relevance", SITREP_SORT_RELEVANCE}, {"date_desc", SITREP_SORT_DATE_DESC},
    {"date_asc", SITREP_SORT_DATE_ASC},   {"distance", SITREP_SORT_PLACE_RANK},
    /* GDELT's spellings, accepted and echoed in the canonical form. */
    {"DateDesc", SITREP_SORT_DATE_DESC},   {"DateAsc", SITREP_SORT_DATE_ASC},
    {"HybridRel", SITREP_SORT_RELEVANCE},
};

const char *srv_sort_name(enum sitrep_sort sort)
{
    return keyword_name(KEYWORDS(sorts), (int)sort, "relevance");
}

static bool fail(struct srv_param_error *err, const char *code, const char *param,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static bool fail(struct srv_param_error *err, const char *code, const char *param,
                 const char *fmt, ...)
{
    va_list ap;
    err->status = 400;
    err->code = code;
    snprintf(err->param, sizeof err->param, "%s", param);
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return false;
}

/* ---- dates ------------------------------------------------------------ */

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Reads exactly n digits at *s; advances *s. */
static bool digits(const char **s, int n, int *value)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*s)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *s += n;
    *value = v;
    return true;
}

/* The part of an ISO 8601 date-time after the date: "THH:MM[:SS[.fff]][Z|±HH[:MM]]".
 * Checked for form only; the index keeps days, so the time is not used. */
static bool iso_time_ok(const char *s)
{
    int h, mi, sec, oh, om;
    if (*s != 'T' && *s != 't')
        return false;
    s++;
    if (!digits(&s, 2, &h) || *s++ != ':' || !digits(&s, 2, &mi))
        return false;
    if (h > 23 || mi > 59)
        return false;
    if (*s == ':') {
        s++;
        if (!digits(&s, 2, &sec) || sec > 60)
            return false;
        if (*s == '.' || *s == ',') {
            s++;
            if (*s < '0' || *s > '9')
                return false;
            while (*s >= '0' && *s <= '9')
                s++;
        }
    }
    if (*s == 'Z' || *s == 'z')
        return s[1] == '\0';
    if (*s == '+' || *s == '-') {
        s++;
        if (!digits(&s, 2, &oh) || oh > 23)
            return false;
        if (*s == ':')
            s++;
        if (*s && (!digits(&s, 2, &om) || om > 59))
            return false;
        return *s == '\0';
    }
    return *s == '\0';
}

bool srv_parse_date_bound(const char *s, bool upper, char out[9])
{
    int y, m = 0, d = 0;
    if (!digits(&s, 4, &y) || y < 1800 || y > 2200)
        return false;
    if (*s == '\0') {
        m = upper ? 12 : 1;
        d = upper ? 31 : 1;
        goto done;
    }
    if (*s++ != '-' || !digits(&s, 2, &m) || m < 1 || m > 12)
        return false;
    if (*s == '\0') {
        d = upper ? days_in_month(y, m) : 1;
        goto done;
    }
    if (*s++ != '-' || !digits(&s, 2, &d) || d < 1 || d > days_in_month(y, m))
        return false;
    if (*s != '\0' && !iso_time_ok(s))
        return false;
done:
    snprintf(out, 9, "%04d%02d%02d", y, m, d);
    return true;
}

/* The UTC calendar day of t as "YYYYMMDD". */
static void utc_day(time_t t, char out[9])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, 9, "%04d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

bool srv_parse_timespan(const char *s, time_t now, char from[9], char to[9])
{
    unsigned long n = 0;
    size_t i = 0;
    struct tm tm;
    int y, m, d;

    while (s[i] >= '0' && s[i] <= '9' && i < 4)
        n = n * 10 + (unsigned long)(s[i++] - '0');
    if (i == 0 || n == 0 || s[i] == '\0' || s[i + 1] != '\0')
        return false;
    utc_day(now, to);
    switch (s[i]) {
    case 'h':
        utc_day(now - (time_t)n * 3600, from);
        break;
    case 'd':
        utc_day(now - (time_t)n * 86400, from);
        break;
    case 'w':
        utc_day(now - (time_t)n * 7 * 86400, from);
        break;
    case 'm':
        /* Calendar months: 3m on 31 May is from 28 (or 29) February. */
        gmtime_r(&now, &tm);
        y = tm.tm_year + 1900;
        m = tm.tm_mon + 1 - (int)(n % 12);
        y -= (int)(n / 12);
        if (m < 1) {
            m += 12;
            y--;
        }
        d = tm.tm_mday < days_in_month(y, m) ? tm.tm_mday : days_in_month(y, m);
        if (y < 0)
            return false;
        snprintf(from, 9, "%04d%02d%02d", y, m, d);
        break;
    default:
        return false;
    }
    return strcmp(from, "18000101") >= 0;
}

/* A decimal number as people write coordinates: optional sign, digits, an
 * optional fraction; no exponent, no "nan" or "inf" (which strtod takes).
 * Reads up to end and sets *out; false when s..end is not one. */
static bool plain_number(const char *s, const char *end, double *out)
{
    char buf[32];
    size_t len = (size_t)(end - s), digits_seen = 0, dots = 0;
    if (len == 0 || len >= sizeof buf)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9')
            digits_seen++;
        else if (c == '.')
            dots++;
        else if (!((c == '-' || c == '+') && i == 0))
            return false;
    }
    if (digits_seen == 0 || dots > 1)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    *out = strtod(buf, NULL);
    return true;
}

bool srv_parse_near(const char *s, struct srv_near *out, char *why, size_t why_len)
{
    const char *c1 = strchr(s, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
    const char *r, *unit;
    double lat, lon, radius;
    bool miles;

    memset(out, 0, sizeof *out);
    if (!c1 || !c2 || strchr(c2 + 1, ',')) {
        snprintf(why, why_len, "is not LAT,LON,RADIUS (such as 49.99,36.23,30km)");
        return false;
    }
    if (!plain_number(s, c1, &lat) || lat < -90 || lat > 90) {
        snprintf(why, why_len, "the latitude is not a number from -90 to 90");
        return false;
    }
    if (!plain_number(c1 + 1, c2, &lon) || lon < -180 || lon > 180) {
        snprintf(why, why_len, "the longitude is not a number from -180 to 180");
        return false;
    }
    r = c2 + 1;
    unit = r;
    while ((*unit >= '0' && *unit <= '9') || *unit == '.')
        unit++;
    miles = strcmp(unit, "mi") == 0;
    if (!miles && strcmp(unit, "km") != 0) {
        snprintf(why, why_len, "the radius needs a unit, km or mi (such as 30km)");
        return false;
    }
    if (!plain_number(r, unit, &radius) || radius <= 0 ||
        radius * (miles ? 1.609344 : 1.0) > SRV_NEAR_MAX_KM) {
        snprintf(why, why_len, "the radius is not a number above 0 and up to %.0f km",
                 SRV_NEAR_MAX_KM);
        return false;
    }
    out->given = true;
    out->lat = lat;
    out->lon = lon;
    out->radius_km = radius * (miles ? 1.609344 : 1.0);
    snprintf(out->text, sizeof out->text, "%.6g,%.6g,%.6g%s", lat, lon, radius,
             miles ? "mi" : "km");
    return true;
}

/* ---- values ----------------------------------------------------------- */

/* Whole numbers only: no sign, no exponent, no blanks; at most UINT_MAX. */
static bool parse_uint(const char *s, unsigned *out)
{
    unsigned long long v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (unsigned)(*s - '0');
        if (v > 0xffffffffull)
            return false;
    }
    *out = (unsigned)v;
    return true;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void list_free(struct srv_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

/* Splits value on '|' and appends the trimmed pieces to l. */
static bool list_add(struct srv_list *l, const char *name, const char *value,
                     struct srv_param_error *err)
{
    const char *p = value;
    for (;;) {
        const char *bar = strchr(p, '|');
        const char *end = bar ? bar : p + strlen(p);
        const char *a = p, *b = end;
        while (a < b && is_blank(*a))
            a++;
        while (b > a && is_blank(b[-1]))
            b--;
        if (a == b)
            return fail(err, "invalid_parameter", name, "%s: empty value", name);
        if (l->n >= SRV_MAX_LIST_VALUES)
            return fail(err, "invalid_parameter", name, "%s: more than %u values", name,
                        SRV_MAX_LIST_VALUES);
        char **v = realloc(l->v, (l->n + 1) * sizeof *v);
        if (!v)
            goto nomem;
        l->v = v;
        char *copy = malloc((size_t)(b - a) + 1);
        if (!copy)
            goto nomem;
        memcpy(copy, a, (size_t)(b - a));
        copy[b - a] = '\0';
        l->v[l->n++] = copy;
        if (!bar)
            return true;
        p = bar + 1;
    }
nomem:
    fail(err, "internal_error", name, "out of memory");
    err->status = 500;
    return false;
}

/* The API names of the facets, for messages: "place, person, ...". */
static void facet_names(char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int f = 0; f < SITREP_FACET_LAST && o < size; f++) {
        if (!sitrep_facets[f].name)
            continue;
        int n = snprintf(buf + o, size - o, "%s%s", o ? ", " : "", sitrep_facets[f].name);
        if (n < 0)
            break;
        o += (size_t)n;
    }
}

/* Splits value on ',' or '|' into facet names and adds each new one to out,
 * in order. */
static bool facets_add(struct srv_search_params *out, const char *name, const char *value,
                       struct srv_param_error *err)
{
    const char *p = value;
    for (;;) {
        size_t len = strcspn(p, ",|");
        const char *a = p, *b = p + len;
        char piece[32], shown[48], known[96];
        while (a < b && is_blank(*a))
            a++;
        while (b > a && is_blank(b[-1]))
            b--;
        if (a == b)
            return fail(err, "invalid_parameter", name, "%s: empty value", name);
        snprintf(piece, sizeof piece, "%.*s", (int)(b - a), a);
        enum sitrep_facet f = (size_t)(b - a) < sizeof piece ? sitrep_facet_by_name(piece)
                                                             : SITREP_FACET_LAST;
        if (f == SITREP_FACET_LAST) {
            facet_names(known, sizeof known);
            snprintf(shown, sizeof shown, "%.*s%s", (int)((size_t)(b - a) < 40 ? b - a : 40),
                     a, (size_t)(b - a) < 40 ? "" : "...");
            return fail(err, "invalid_parameter", name, "%s: '%s' is not one of %s", name,
                        shown, known);
        }
        bool seen = false;
        for (size_t i = 0; i < out->n_facets; i++)
            seen = seen || out->facets[i] == f;
        if (!seen)
            out->facets[out->n_facets++] = f;
        if (p[len] == '\0')
            return true;
        p += len + 1;
    }
}

/* Splits value on ',' or '|' and calls add for each trimmed piece; false
 * (with *err) on an empty piece or when add refuses one. */
static bool split_names(const char *name, const char *value, struct srv_param_error *err,
                        bool (*add)(void *ctx, const char *piece, size_t len), void *ctx,
                        const char *known)
{
    const char *p = value;
    for (;;) {
        size_t len = strcspn(p, ",|");
        const char *a = p, *b = p + len;
        while (a < b && is_blank(*a))
            a++;
        while (b > a && is_blank(b[-1]))
            b--;
        if (a == b)
            return fail(err, "invalid_parameter", name, "%s: empty value", name);
        if (!add(ctx, a, (size_t)(b - a))) {
            size_t n = (size_t)(b - a) < 40 ? (size_t)(b - a) : 40;
            return fail(err, "invalid_parameter", name, "%s: '%.*s%s' is not one of %s", name,
                        (int)n, a, n < (size_t)(b - a) ? "..." : "", known);
        }
        if (p[len] == '\0')
            return true;
        p += len + 1;
    }
}

static bool add_field(void *ctx, const char *piece, size_t len)
{
    bool *wanted = ctx;
    for (int f = 0; f < SRV_FIELD_LAST; f++) {
        if (strlen(hit_fields[f]) == len && memcmp(hit_fields[f], piece, len) == 0) {
            wanted[f] = true;
            return true;
        }
    }
    return false;
}

static bool add_entity_type(void *ctx, const char *piece, size_t len)
{
    unsigned *types = ctx;
    int type;
    if (!keyword_find(KEYWORDS(entity_types), piece, len, &type))
        return false;
    *types |= (unsigned)type;
    return true;
}

static const struct pdef *find_pdef(const char *name)
{
    for (size_t i = 0; i < N_PDEFS; i++)
        if (strcmp(pdefs[i].name, name) == 0)
            return &pdefs[i];
    return NULL;
}

/* Keeps echoed input short in messages. */
static const char *clip(const char *s, char *buf, size_t size)
{
    size_t len = strlen(s);
    if (len < size)
        return s;
    /* Back up to a UTF-8 boundary so the message stays valid. */
    size_t cut = size - 4;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    memcpy(buf, s, cut);
    memcpy(buf + cut, "...", 4);
    return buf;
}

/* What parse_one() leaves for the checks after every parameter is read. */
struct parse_state {
    bool fields[SRV_FIELD_LAST]; /* fields= as a set */
    const char *limit_text;      /* limit= as given, for its message */
};

static bool parse_one(const struct pdef *def, const struct srv_param *p,
                      const struct srv_limits *lim, struct srv_search_params *out,
                      struct parse_state *ps, struct srv_param_error *err)
{
    char *base = (char *)out;
    const char *name = def->name;
    char shown[48];
    const char *v = clip(p->value, shown, sizeof shown);

    switch (def->type) {
    case P_TEXT: {
        char **dst = (char **)(base + def->offset);
        const char *s = p->value;
        while (is_blank(*s))
            s++;
        if (!*s && (dst == &out->q || dst == &out->prefix))
            return true; /* a blank q (or prefix) means none */
        if (!*s)
            return fail(err, "invalid_parameter", name, "%s: empty value", name);
        if ((dst == &out->pre_tag || dst == &out->post_tag) &&
            strlen(p->value) > SRV_MAX_TAG_BYTES)
            return fail(err, "invalid_parameter", name, "%s: longer than %d bytes", name,
                        SRV_MAX_TAG_BYTES);
        *dst = strdup(p->value);
        if (!*dst) {
            fail(err, "internal_error", name, "out of memory");
            err->status = 500;
            return false;
        }
        return true;
    }
    case P_LIST:
        return list_add((struct srv_list *)(base + def->offset), name, p->value, err);
    case P_DATE_FROM:
    case P_DATE_TO:
        if (!srv_parse_date_bound(p->value, def->type == P_DATE_TO, base + def->offset))
            return fail(err, "invalid_parameter", name,
                        "%s: '%s' is not a date (use 2022, 2022-02, 2022-02-24 or ISO 8601; "
                        "years 1800-2200)",
                        name, v);
        return true;
    case P_SORT: {
        int sort;
        if (keyword_find(KEYWORDS(sorts), p->value, strlen(p->value), &sort)) {
            out->sort = (enum sitrep_sort)sort;
            out->sort_given = true;
            return true;
        }
        return fail(err, "invalid_parameter", name,
                    "%s: '%s' is not one of relevance, date_desc, date_asc "
                    "(or DateDesc, DateAsc, HybridRel)",
                    name, v);
    }
    case P_LIMIT:
        /* The bounds depend on the endpoint and on format=, which may come
         * later: checked after the loop. */
        ps->limit_text = p->value;
        if (!parse_uint(p->value, &out->limit))
            out->limit = 0;
        return true;
    case P_OFFSET:
        if (!parse_uint(p->value, &out->offset))
            return fail(err, "invalid_parameter", name,
                        "%s: '%s' is not a whole number from 0 to %u", name, v,
                        lim->max_window);
        return true;
    case P_FACETS:
        return facets_add(out, name, p->value, err);
    case P_FACET_SIZE:
        if (!parse_uint(p->value, &out->facet_size) || out->facet_size < 1 ||
            out->facet_size > SRV_MAX_FACET_SIZE)
            return fail(err, "invalid_parameter", name,
                        "%s: '%s' is not a whole number from 1 to %u", name, v,
                        SRV_MAX_FACET_SIZE);
        return true;
    case P_INTERVAL: {
        int interval;
        if (keyword_find(KEYWORDS(intervals), p->value, strlen(p->value), &interval)) {
            out->interval = (enum srv_interval)interval;
            return true;
        }
        return fail(err, "invalid_parameter", name, "%s: '%s' is not one of day, week, month",
                    name, v);
    }
    case P_TIMESPAN:
        if (strlen(p->value) >= sizeof out->timespan ||
            !srv_parse_timespan(p->value, lim->now ? lim->now : time(NULL), out->from, out->to))
            return fail(err, "invalid_parameter", name,
                        "%s: '%s' is not a span back from now such as 24h, 7d, 4w or 3m "
                        "(1 to 9999 hours, days, weeks or months)",
                        name, v);
        memcpy(out->timespan, p->value, strlen(p->value) + 1);
        return true;
    case P_NEAR: {
        char why[128];
        if (!srv_parse_near(p->value, &out->near, why, sizeof why))
            return fail(err, "invalid_parameter", name, "%s: '%s' %s", name, v, why);
        return true;
    }
    case P_FORMAT: {
        int format;
        if (keyword_find(KEYWORDS(formats), p->value, strlen(p->value), &format)) {
            out->format = (enum srv_format)format;
            return true;
        }
        return fail(err, "invalid_parameter", name,
                    "%s: '%s' is not one of json, ndjson, csv, geojson", name, v);
    }
    case P_FIELDS: {
        char known[160];
        size_t o = 0;
        for (int f = 0; f < SRV_FIELD_LAST && o < sizeof known; f++)
            o += (size_t)snprintf(known + o, sizeof known - o, "%s%s", f ? ", " : "",
                                  hit_fields[f]);
        return split_names(name, p->value, err, add_field, ps->fields, known);
    }
    case P_TOP:
        if (!parse_uint(p->value, &out->top) || out->top > SRV_GEO_MAX_TOP)
            return fail(err, "invalid_parameter", name,
                        "%s: '%s' is not a whole number from 0 to %u", name, v, SRV_GEO_MAX_TOP);
        return true;
    case P_TYPES:
        return split_names(name, p->value, err, add_entity_type, &out->entity_types,
                           "place, person");
    case P_BOOL: {
        bool *dst = (bool *)(base + def->offset);
        if (strcasecmp(p->value, "true") == 0 || strcasecmp(p->value, "false") == 0) {
            *dst = strcasecmp(p->value, "true") == 0;
            out->dedup_given = out->dedup_given || dst == &out->dedup;
            return true;
        }
        return fail(err, "invalid_parameter", name, "%s: '%s' is not true or false", name, v);
    }
    }
    /* Every type returns above; -Wswitch names a type added without a case. */
    return fail(err, "invalid_parameter", name, "%s: cannot be read", name);
}

static void params_clear(struct srv_search_params *p)
{
    free(p->q);
    free(p->cursor);
    free(p->prefix);
    free(p->pre_tag);
    free(p->post_tag);
    list_free(&p->place);
    list_free(&p->exclude_place);
    list_free(&p->person);
    list_free(&p->exclude_person);
    list_free(&p->source);
    list_free(&p->lang);
    memset(p, 0, sizeof *p);
}

void srv_search_params_free(struct srv_search_params *p)
{
    params_clear(p);
}

/* "unknown parameter" lists what the endpoint takes. */
static void unknown(struct srv_param_error *err, const char *key, unsigned endpoint)
{
    char known[400], shown[48];
    size_t o = 0;
    known[0] = '\0';
    for (size_t i = 0; i < N_PDEFS && o < sizeof known; i++) {
        if (!(pdefs[i].endpoints & endpoint))
            continue;
        int n = snprintf(known + o, sizeof known - o, "%s%s", o ? ", " : "", pdefs[i].name);
        if (n < 0)
            break;
        o += (size_t)n;
    }
    fail(err, "invalid_parameter", key, "unknown parameter '%s' (known: %s)",
         clip(key, shown, sizeof shown), known);
}

bool srv_search_params_parse(const struct srv_params *in, const struct srv_limits *lim,
                             unsigned endpoint, struct srv_search_params *out,
                             struct srv_param_error *err)
{
    bool seen[N_PDEFS] = {false};
    bool limit_given = false, offset_given = false, facet_size_given = false;
    bool top_given = false, dates_given = false;
    struct parse_state ps;

    memset(out, 0, sizeof *out);
    memset(err, 0, sizeof *err);
    memset(&ps, 0, sizeof ps);
    out->dedup = true;
    out->highlight = true;

    for (size_t i = 0; i < in->n; i++) {
        const struct srv_param *p = &in->items[i];
        size_t key_len = strlen(p->key);

        if (!sitrep_utf8_valid(p->key, key_len, NULL)) {
            fail(err, "invalid_parameter", "", "a parameter name is not valid UTF-8");
            goto fail;
        }
        const struct pdef *def = find_pdef(p->key);
        if (!def) {
            unknown(err, p->key, endpoint);
            goto fail;
        }
        if (!(def->endpoints & endpoint)) {
            fail(err, "invalid_parameter", def->name, "%s: not a parameter of %s%s", def->name,
                 endpoint_path(endpoint), endpoint_takes(endpoint));
            goto fail;
        }
        size_t k = (size_t)(def - pdefs);
        if (seen[k] && def->type != P_LIST && def->type != P_FACETS && def->type != P_FIELDS &&
            def->type != P_TYPES) {
            fail(err, "invalid_parameter", def->name, "%s: given more than once",
                 def->name);
            goto fail;
        }
        seen[k] = true;
        if (p->value_len > lim->max_value_bytes) {
            fail(err, "invalid_parameter", def->name,
                 "%s: %zu bytes, longer than the limit of %zu (limits.query_bytes)",
                 def->name, p->value_len, lim->max_value_bytes);
            goto fail;
        }
        if (!sitrep_utf8_valid(p->value, p->value_len, NULL)) {
            fail(err, "invalid_parameter", def->name, "%s: not valid UTF-8", def->name);
            goto fail;
        }
        limit_given = limit_given || def->type == P_LIMIT;
        offset_given = offset_given || def->type == P_OFFSET;
        facet_size_given = facet_size_given || def->type == P_FACET_SIZE;
        top_given = top_given || def->type == P_TOP;
        dates_given = dates_given || ((def->type == P_DATE_FROM || def->type == P_DATE_TO) &&
                                      strncmp(def->name, "event_", 6) != 0);
        /* timespan fills from and to: whichever comes second conflicts. */
        if ((def->type == P_TIMESPAN && dates_given) ||
            (dates_given && out->timespan[0] && def->type != P_TIMESPAN)) {
            fail(err, "conflicting_parameters", "timespan",
                 "timespan: cannot be combined with from or to (it sets both, counting back "
                 "from now)");
            goto fail;
        }
        if (!parse_one(def, p, lim, out, &ps, err))
            goto fail;
    }

    if (out->cursor && offset_given) {
        fail(err, "conflicting_parameters", "cursor",
             "cursor: cannot be combined with offset (the cursor says where the page starts)");
        goto fail;
    }
    if (facet_size_given && out->n_facets == 0) {
        fail(err, "invalid_parameter", "facet_size", "facet_size: given without facets");
        goto fail;
    }
    if (!facet_size_given)
        out->facet_size = SRV_DEFAULT_FACET_SIZE;

    /* limit: a page of hits, an export, places on a map or suggestions. */
    bool export = out->format != SRV_FORMAT_JSON;
    unsigned max_limit = endpoint == SRV_EP_GEO        ? SRV_GEO_MAX_LIMIT
                         : endpoint == SRV_EP_ENTITIES ? SRV_ENTITIES_MAX_LIMIT
                         : export                      ? SRV_EXPORT_MAX
                                                       : lim->max_page_size;
    unsigned default_limit = endpoint == SRV_EP_GEO        ? SRV_GEO_DEFAULT_LIMIT
                             : endpoint == SRV_EP_ENTITIES ? SRV_ENTITIES_DEFAULT_LIMIT
                             : export                      ? SRV_EXPORT_MAX
                                                           : SRV_DEFAULT_LIMIT;
    if (limit_given && (out->limit < 1 || out->limit > max_limit)) {
        char shown[48];
        fail(err, "invalid_parameter", "limit", "limit: '%s' is not a whole number from 1 to %u%s",
             clip(ps.limit_text, shown, sizeof shown), max_limit,
             export ? " for an export" : "");
        goto fail;
    }
    if (!limit_given)
        out->limit = default_limit < max_limit ? default_limit : max_limit;
    /* An export streams: only its start is bounded like a page's. */
    if (export ? out->offset > lim->max_window
               : (unsigned long long)out->offset + out->limit > lim->max_window) {
        fail(err, "invalid_parameter", "offset",
             export ? "offset: %llu exceeds %u; use cursor to page deeper"
                    : "offset: offset + limit (%llu) exceeds %u; use cursor to page deeper",
             export ? (unsigned long long)out->offset
                    : (unsigned long long)out->offset + out->limit,
             lim->max_window);
        goto fail;
    }
    if (export && out->n_facets) {
        fail(err, "invalid_parameter", "facets",
             "facets: not available with format=%s (an export holds hits only)",
             srv_format_name(out->format));
        goto fail;
    }
    if (out->sort_given && out->sort == SITREP_SORT_PLACE_RANK && !out->near.given) {
        fail(err, "invalid_parameter", "sort",
             "sort: distance needs near (the point to measure from)");
        goto fail;
    }
    if (ps.fields[SRV_FIELD_DISTANCE_KM] && !out->near.given) {
        fail(err, "invalid_parameter", "fields", "fields: distance_km needs near");
        goto fail;
    }
    for (int f = 0; f < SRV_FIELD_LAST; f++)
        if (ps.fields[f])
            out->fields[out->n_fields++] = (enum srv_hit_field)f;
    if (!top_given)
        out->top = SRV_GEO_DEFAULT_TOP;
    if (!out->entity_types)
        out->entity_types = SRV_ENTITY_PLACE | SRV_ENTITY_PERSON;
    if (out->from[0] && out->to[0] && strcmp(out->from, out->to) > 0) {
        fail(err, "conflicting_parameters", "to", "to: ends before from");
        goto fail;
    }
    if (out->event_from[0] && out->event_to[0] && strcmp(out->event_from, out->event_to) > 0) {
        fail(err, "conflicting_parameters", "event_to", "event_to: ends before event_from");
        goto fail;
    }
    if (!out->sort_given)
        out->sort = out->q ? SITREP_SORT_RELEVANCE : SITREP_SORT_DATE_DESC;
    return true;

fail:
    params_clear(out);
    return false;
}

/* ---- JSON bodies ------------------------------------------------------ */

/* Appends one JSON scalar as key's text; false (with *err) for other kinds. */
static bool add_json_scalar(struct srv_params *out, const char *key, size_t key_len,
                            json_t *v, bool in_array, struct srv_param_error *err)
{
    char num[32];
    const char *text;
    size_t len;
    char shown[48];

    switch (json_typeof(v)) {
    case JSON_STRING:
        text = json_string_value(v);
        len = json_string_length(v);
        break;
    case JSON_INTEGER:
        len = (size_t)snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        text = num;
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        text = json_is_true(v) ? "true" : "false";
        len = strlen(text);
        break;
    default:
        return fail(err, "invalid_parameter", key,
                    "%s: %s must be a string, a whole number or a boolean, not %s",
                    clip(key, shown, sizeof shown), in_array ? "each array item" : "the value",
                    json_is_real(v)    ? "a fraction"
                    : json_is_null(v)  ? "null"
                    : json_is_array(v) ? "an array"
                                       : "an object");
    }
    if (!srv_params_add(out, key, key_len, text, len)) {
        fail(err, "internal_error", key, "out of memory");
        err->status = 500;
        return false;
    }
    return true;
}

bool srv_params_from_json(const char *body, size_t len, struct srv_params *out,
                          struct srv_param_error *err)
{
    json_error_t jerr;
    json_t *root = NULL;
    const char *key;
    json_t *v;
    bool ok = false;

    memset(err, 0, sizeof *err);
    if (!body || len == 0) {
        fail(err, "invalid_parameter", "body", "body: empty; send a JSON object");
        goto out;
    }
    /* Duplicate keys are refused rather than letting the last one win
     * silently, as a repeated single-valued query parameter is. */
    root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!root) {
        fail(err, "invalid_parameter", "body", "body: not valid JSON: %s (line %d, column %d)",
             jerr.text, jerr.line, jerr.column);
        goto out;
    }
    if (!json_is_object(root)) {
        fail(err, "invalid_parameter", "body", "body: must be a JSON object of parameters");
        goto out;
    }
    json_object_foreach(root, key, v)
    {
        size_t key_len = strlen(key);
        if (json_is_array(v)) {
            size_t i;
            json_t *item;
            json_array_foreach(v, i, item)
            {
                if (!add_json_scalar(out, key, key_len, item, true, err))
                    goto out;
            }
        } else if (!add_json_scalar(out, key, key_len, v, false, err)) {
            goto out;
        }
    }
    ok = true;
out:
    json_decref(root);
    return ok;
}

/* ---- the table, for the documentation tests ---------------------------- */

bool srv_param_table_row(size_t i, const char **name, unsigned *takers)
{
    if (i >= N_PDEFS)
        return false;
    *name = pdefs[i].name;
    *takers = pdefs[i].endpoints;
    return true;
}

const char *srv_endpoint_path(unsigned endpoint)
{
    return endpoint_path(endpoint);
}
