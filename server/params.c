/* params.c - one table of search parameters; each row says how its value is
 * read and which endpoints take it.  Everything a client can get wrong is
 * reported here, with the parameter's name, before the index is touched. */
#include "params.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    P_UNSUPPORTED, /* in API.md, not served yet: say so rather than "unknown" */
};

struct pdef {
    const char *name;
    enum ptype type;
    size_t offset;      /* of the member in struct srv_search_params */
    unsigned endpoints; /* enum srv_endpoint bits */
};

#define F(member) offsetof(struct srv_search_params, member)
#define ALL (SRV_EP_SEARCH | SRV_EP_TIMELINE)
#define SEARCH SRV_EP_SEARCH
#define TIMELINE SRV_EP_TIMELINE

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
    {"event_from", P_DATE_FROM, F(event_from), ALL},
    {"event_to", P_DATE_TO, F(event_to), ALL},
    {"sort", P_SORT, F(sort), SEARCH},
    {"limit", P_LIMIT, F(limit), SEARCH},
    {"offset", P_OFFSET, F(offset), SEARCH},
    {"cursor", P_TEXT, F(cursor), SEARCH},
    {"facets", P_FACETS, F(facets), SEARCH},
    {"facet_size", P_FACET_SIZE, F(facet_size), SEARCH},
    {"interval", P_INTERVAL, F(interval), TIMELINE},
    {"timespan", P_UNSUPPORTED, 0, ALL},
    {"near", P_UNSUPPORTED, 0, ALL},
    {"dedup", P_UNSUPPORTED, 0, ALL},
    {"highlight", P_UNSUPPORTED, 0, SEARCH},
    {"pre_tag", P_UNSUPPORTED, 0, SEARCH},
    {"post_tag", P_UNSUPPORTED, 0, SEARCH},
    {"fields", P_UNSUPPORTED, 0, SEARCH},
    {"format", P_UNSUPPORTED, 0, SEARCH},
};
#define N_PDEFS (sizeof pdefs / sizeof pdefs[0])

#undef F
#undef ALL
#undef SEARCH
#undef TIMELINE

static const char *endpoint_path(unsigned endpoint)
{
    return endpoint == SRV_EP_TIMELINE ? "/v1/timeline" : "/v1/search";
}

static const struct {
    const char *name;
    enum srv_interval interval;
} intervals[] = {
    {"day", SRV_INTERVAL_DAY},
    {"week", SRV_INTERVAL_WEEK},
    {"month", SRV_INTERVAL_MONTH},
};

const char *srv_interval_name(enum srv_interval interval)
{
    for (size_t i = 0; i < sizeof intervals / sizeof intervals[0]; i++)
        if (intervals[i].interval == interval)
            return intervals[i].name;
    return "auto";
}

static const struct {
    const char *name;
    enum sitrep_sort sort;
} sorts[] = {
    {"relevance", SITREP_SORT_RELEVANCE}, {"date_desc", SITREP_SORT_DATE_DESC},
    {"date_asc", SITREP_SORT_DATE_ASC},
    /* GDELT's spellings, accepted and echoed in the canonical form. */
    {"DateDesc", SITREP_SORT_DATE_DESC},   {"DateAsc", SITREP_SORT_DATE_ASC},
    {"HybridRel", SITREP_SORT_RELEVANCE},
};

const char *srv_sort_name(enum sitrep_sort sort)
{
    switch (sort) {
    case SITREP_SORT_DATE_DESC:
        return "date_desc";
    case SITREP_SORT_DATE_ASC:
        return "date_asc";
    case SITREP_SORT_RELEVANCE:
    default:
        return "relevance";
    }
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

static bool parse_one(const struct pdef *def, const struct srv_param *p,
                      const struct srv_limits *lim, struct srv_search_params *out,
                      struct srv_param_error *err)
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
        if (!*s && dst == &out->q)
            return true; /* a blank q means no q */
        if (!*s)
            return fail(err, "invalid_parameter", name, "%s: empty value", name);
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
    case P_SORT:
        for (size_t i = 0; i < sizeof sorts / sizeof sorts[0]; i++) {
            if (strcasecmp(sorts[i].name, p->value) == 0) {
                out->sort = sorts[i].sort;
                out->sort_given = true;
                return true;
            }
        }
        return fail(err, "invalid_parameter", name,
                    "%s: '%s' is not one of relevance, date_desc, date_asc "
                    "(or DateDesc, DateAsc, HybridRel)",
                    name, v);
    case P_LIMIT:
        if (!parse_uint(p->value, &out->limit) || out->limit < 1 ||
            out->limit > lim->max_page_size)
            return fail(err, "invalid_parameter", name,
                        "%s: '%s' is not a whole number from 1 to %u", name, v,
                        lim->max_page_size);
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
    case P_INTERVAL:
        for (size_t i = 0; i < sizeof intervals / sizeof intervals[0]; i++) {
            if (strcasecmp(intervals[i].name, p->value) == 0) {
                out->interval = intervals[i].interval;
                return true;
            }
        }
        return fail(err, "invalid_parameter", name, "%s: '%s' is not one of day, week, month",
                    name, v);
    case P_UNSUPPORTED:
    default:
        return fail(err, "invalid_parameter", name, "%s: not supported by this server yet",
                    name);
    }
}

static void params_clear(struct srv_search_params *p)
{
    free(p->q);
    free(p->cursor);
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
    char known[320], shown[48];
    size_t o = 0;
    known[0] = '\0';
    for (size_t i = 0; i < N_PDEFS && o < sizeof known; i++) {
        if (!(pdefs[i].endpoints & endpoint) || pdefs[i].type == P_UNSUPPORTED)
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

    memset(out, 0, sizeof *out);
    memset(err, 0, sizeof *err);

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
                 endpoint_path(endpoint),
                 endpoint == SRV_EP_TIMELINE ? " (it takes the filters of /v1/search and interval)"
                                             : "");
            goto fail;
        }
        size_t k = (size_t)(def - pdefs);
        if (seen[k] && def->type != P_LIST && def->type != P_FACETS) {
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
        if (!parse_one(def, p, lim, out, err))
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

    if (!limit_given)
        out->limit = SRV_DEFAULT_LIMIT < lim->max_page_size ? SRV_DEFAULT_LIMIT
                                                            : lim->max_page_size;
    if ((unsigned long long)out->offset + out->limit > lim->max_window) {
        fail(err, "invalid_parameter", "offset",
             "offset: offset + limit (%llu) exceeds %u; use cursor to page deeper",
             (unsigned long long)out->offset + out->limit, lim->max_window);
        goto fail;
    }
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
