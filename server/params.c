/* params.c - one table of search parameters; each row says how its value is
 * read.  Everything a client can get wrong is reported here, with the
 * parameter's name, before the index is touched. */
#include "params.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

enum ptype {
    P_TEXT,        /* one string (q) */
    P_LIST,        /* "a|b" or repeated */
    P_DATE_FROM,   /* lower date bound */
    P_DATE_TO,     /* upper date bound */
    P_SORT,
    P_LIMIT,
    P_OFFSET,
    P_UNSUPPORTED, /* in API.md, not served yet: say so rather than "unknown" */
};

struct pdef {
    const char *name;
    enum ptype type;
    size_t offset; /* of the member in struct srv_search_params */
};

#define F(member) offsetof(struct srv_search_params, member)

static const struct pdef pdefs[] = {
    {"q", P_TEXT, F(q)},
    {"place", P_LIST, F(place)},
    {"exclude_place", P_LIST, F(exclude_place)},
    {"person", P_LIST, F(person)},
    {"exclude_person", P_LIST, F(exclude_person)},
    {"source", P_LIST, F(source)},
    {"lang", P_LIST, F(lang)},
    {"from", P_DATE_FROM, F(from)},
    {"to", P_DATE_TO, F(to)},
    {"event_from", P_DATE_FROM, F(event_from)},
    {"event_to", P_DATE_TO, F(event_to)},
    {"sort", P_SORT, F(sort)},
    {"limit", P_LIMIT, F(limit)},
    {"offset", P_OFFSET, F(offset)},
    {"timespan", P_UNSUPPORTED, 0},
    {"near", P_UNSUPPORTED, 0},
    {"dedup", P_UNSUPPORTED, 0},
    {"cursor", P_UNSUPPORTED, 0},
    {"facets", P_UNSUPPORTED, 0},
    {"facet_size", P_UNSUPPORTED, 0},
    {"highlight", P_UNSUPPORTED, 0},
    {"pre_tag", P_UNSUPPORTED, 0},
    {"post_tag", P_UNSUPPORTED, 0},
    {"fields", P_UNSUPPORTED, 0},
    {"format", P_UNSUPPORTED, 0},
};
#define N_PDEFS (sizeof pdefs / sizeof pdefs[0])

#undef F

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
        if (!*s)
            return true; /* a blank q means no q */
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
    case P_UNSUPPORTED:
    default:
        return fail(err, "invalid_parameter", name, "%s: not supported by this server yet",
                    name);
    }
}

static void params_clear(struct srv_search_params *p)
{
    free(p->q);
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

bool srv_search_params_parse(const struct srv_params *in, const struct srv_limits *lim,
                             struct srv_search_params *out, struct srv_param_error *err)
{
    bool seen[N_PDEFS] = {false};
    bool limit_given = false;
    char shown[48];

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
            fail(err, "invalid_parameter", p->key,
                 "unknown parameter '%s' (known: q, place, exclude_place, person, "
                 "exclude_person, source, lang, from, to, event_from, event_to, sort, "
                 "limit, offset)",
                 clip(p->key, shown, sizeof shown));
            goto fail;
        }
        size_t k = (size_t)(def - pdefs);
        if (seen[k] && def->type != P_LIST) {
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
        if (def->type == P_LIMIT)
            limit_given = true;
        if (!parse_one(def, p, lim, out, err))
            goto fail;
    }

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
