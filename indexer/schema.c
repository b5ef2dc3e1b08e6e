/* schema.c - the schema table and the term builders both sides use. */
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

const struct sitrep_field_info sitrep_schema[SITREP_FIELD_LAST] = {
    {SITREP_FIELD_ID, "id", "Q", SITREP_KIND_BOOLEAN, SITREP_FLAG_VERBATIM, NULL},
    {SITREP_FIELD_TITLE, "title", "S", SITREP_KIND_TEXT, SITREP_FLAG_NONE, "title"},
    {SITREP_FIELD_BODY, "body", "", SITREP_KIND_TEXT, SITREP_FLAG_NONE, NULL},
    {SITREP_FIELD_URL, "url", "U", SITREP_KIND_BOOLEAN, SITREP_FLAG_VERBATIM, NULL},
    {SITREP_FIELD_SOURCE, "source", "H", SITREP_KIND_BOOLEAN, SITREP_FLAG_NONE, "source"},
    {SITREP_FIELD_LANG, "lang", "L", SITREP_KIND_BOOLEAN, SITREP_FLAG_NONE, "lang"},
    {SITREP_FIELD_PLACE, "place", "XP", SITREP_KIND_BOOLEAN, SITREP_FLAG_ENTITY, "place"},
    {SITREP_FIELD_COUNTRY, "country", "N", SITREP_KIND_BOOLEAN, SITREP_FLAG_NONE, "country"},
    {SITREP_FIELD_PERSON, "person", "XPE", SITREP_KIND_BOOLEAN, SITREP_FLAG_ENTITY, "person"},
    {SITREP_FIELD_SURNAME, "surname", "XPS", SITREP_KIND_BOOLEAN, SITREP_FLAG_NONE, NULL},
    {SITREP_FIELD_YEAR, "year", "Y", SITREP_KIND_BOOLEAN, SITREP_FLAG_NONE, NULL},
    {SITREP_FIELD_MONTH, "month", "M", SITREP_KIND_BOOLEAN, SITREP_FLAG_NONE, NULL},
    {SITREP_FIELD_DAY, "day", "D", SITREP_KIND_BOOLEAN, SITREP_FLAG_NONE, NULL},
    {SITREP_FIELD_EVENT_YEAR, "event_year", "XEY", SITREP_KIND_BOOLEAN, SITREP_FLAG_NONE, NULL},
    {SITREP_FIELD_EVENT_MONTH, "event_month", "XEM", SITREP_KIND_BOOLEAN, SITREP_FLAG_NONE, NULL},
    {SITREP_FIELD_EVENT_DAY, "event_day", "XED", SITREP_KIND_BOOLEAN, SITREP_FLAG_NONE, NULL},
    {SITREP_FIELD_DEDUP_BAND, "dedup_band", "XB", SITREP_KIND_BOOLEAN, SITREP_FLAG_NONE, NULL},
    {SITREP_FIELD_GROUP, "group", "XG", SITREP_KIND_BOOLEAN, SITREP_FLAG_VERBATIM, NULL},
};

const struct sitrep_facet_info sitrep_facets[SITREP_FACET_LAST] = {
    {SITREP_FACET_PLACE, "place", SITREP_SLOT_PLACES, 0},
    {SITREP_FACET_PERSON, "person", SITREP_SLOT_PERSONS, 0},
    {SITREP_FACET_COUNTRY, "country", SITREP_SLOT_COUNTRIES, 0},
    {SITREP_FACET_SOURCE, "source", SITREP_SLOT_SOURCE, 0},
    /* The API's "date" facet counts months: days would rarely repeat
     * enough to be worth a facet, and /v1/timeline has them. */
    {SITREP_FACET_MONTH, "date", SITREP_SLOT_PUBLISHED, 6},
    {SITREP_FACET_DAY, NULL, SITREP_SLOT_PUBLISHED, 8},
};

enum sitrep_facet sitrep_facet_by_name(const char *name)
{
    for (int f = 0; f < SITREP_FACET_LAST; f++) {
        if (sitrep_facets[f].name && strcmp(sitrep_facets[f].name, name) == 0)
            return (enum sitrep_facet)f;
    }
    return SITREP_FACET_LAST;
}

enum sitrep_field sitrep_schema_by_query_name(const char *name)
{
    for (int f = 0; f < SITREP_FIELD_LAST; f++) {
        if (sitrep_schema[f].query_name && strcmp(sitrep_schema[f].query_name, name) == 0)
            return (enum sitrep_field)f;
    }
    return SITREP_FIELD_LAST;
}

char *sitrep_schema_term(enum sitrep_field field, const char *value)
{
    const struct sitrep_field_info *info;
    char *norm = NULL, *term = NULL;
    size_t plen, vlen;

    if ((unsigned)field >= SITREP_FIELD_LAST || !value || !*value)
        goto out;
    info = &sitrep_schema[field];
    if (info->kind != SITREP_KIND_BOOLEAN)
        goto out;
    if (info->flags & SITREP_FLAG_VERBATIM)
        norm = strdup(value);
    else
        norm = sitrep_text_fold(value, strlen(value));
    if (!norm)
        goto out;
    plen = strlen(info->prefix);
    vlen = strlen(norm);
    if (plen + vlen > SITREP_MAX_TERM_BYTES) {
        /* Too long for a Xapian term: keep a readable head and make it unique
         * with a hash of the whole value (Omega does the same for U). */
        char hex[33];
        size_t keep = SITREP_MAX_TERM_BYTES - plen - 33;
        /* Do not cut a UTF-8 sequence in half. */
        while (keep > 0 && ((unsigned char)norm[keep] & 0xC0) == 0x80)
            keep--;
        sitrep_text_hash_hex(norm, vlen, hex);
        term = malloc(plen + keep + 1 + 32 + 1);
        if (!term)
            goto out;
        sprintf(term, "%s%.*s#%s", info->prefix, (int)keep, norm, hex);
        goto out;
    }
    term = malloc(plen + vlen + 1);
    if (!term)
        goto out;
    memcpy(term, info->prefix, plen);
    memcpy(term + plen, norm, vlen + 1);
out:
    free(norm);
    return term;
}

/* A date as three ints, parsed from exactly eight digits. */
static int parse_ymd(const char *s, int *y, int *m, int *d)
{
    for (int i = 0; i < 8; i++)
        if (s[i] < '0' || s[i] > '9')
            return -1;
    if (s[8] != '\0')
        return -1;
    *y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    *m = (s[4] - '0') * 10 + (s[5] - '0');
    *d = (s[6] - '0') * 10 + (s[7] - '0');
    if (*m < 1 || *m > 12 || *d < 1 || *d > 31)
        return -1;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

struct term_list {
    char **terms;
    size_t n, cap;
};

static sitrep_status push_term(struct term_list *l, const char *prefix, int y, int m, int d)
{
    char value[16];
    char *t;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        char **p = realloc(l->terms, cap * sizeof *p);
        if (!p)
            return SITREP_ERR_NOMEM;
        l->terms = p;
        l->cap = cap;
    }
    /* Y: 2022, M: 202202, D: 20220228; m and d are 0 when unused. */
    if (m == 0)
        snprintf(value, sizeof value, "%04d", y);
    else if (d == 0)
        snprintf(value, sizeof value, "%04d%02d", y, m);
    else
        snprintf(value, sizeof value, "%04d%02d%02d", y, m, d);
    t = malloc(strlen(prefix) + strlen(value) + 1);
    if (!t)
        return SITREP_ERR_NOMEM;
    strcpy(t, prefix);
    strcat(t, value);
    l->terms[l->n++] = t;
    return SITREP_OK;
}

/* Day ordinal, for comparing dates. */
static long ordinal(int y, int m, int d)
{
    return (long)y * 10000 + m * 100 + d;
}

sitrep_status sitrep_schema_date_terms(bool event, const char *from, const char *to,
                                       char ***terms, size_t *n)
{
    const char *py = sitrep_schema[event ? SITREP_FIELD_EVENT_YEAR : SITREP_FIELD_YEAR].prefix;
    const char *pm = sitrep_schema[event ? SITREP_FIELD_EVENT_MONTH : SITREP_FIELD_MONTH].prefix;
    const char *pd = sitrep_schema[event ? SITREP_FIELD_EVENT_DAY : SITREP_FIELD_DAY].prefix;
    struct term_list l = {NULL, 0, 0};
    sitrep_status st = SITREP_OK;
    int y, m, d, ty, tm, td;

    *terms = NULL;
    *n = 0;
    if (from) {
        if (parse_ymd(from, &y, &m, &d) != 0 || d > days_in_month(y, m)) {
            st = SITREP_ERR_INVALID;
            goto out;
        }
    } else {
        y = 1800, m = 1, d = 1;
    }
    if (to) {
        if (parse_ymd(to, &ty, &tm, &td) != 0 || td > days_in_month(ty, tm)) {
            st = SITREP_ERR_INVALID;
            goto out;
        }
    } else {
        ty = 2200, tm = 12, td = 31;
    }
    if (ordinal(y, m, d) > ordinal(ty, tm, td)) {
        st = SITREP_ERR_INVALID;
        goto out;
    }
    /* Walk forward from the start, each step taking the largest unit (year,
     * month, day) that begins here and ends on or before the end. */
    while (st == SITREP_OK && ordinal(y, m, d) <= ordinal(ty, tm, td)) {
        if (m == 1 && d == 1 && ordinal(y, 12, 31) <= ordinal(ty, tm, td)) {
            st = push_term(&l, py, y, 0, 0);
            y++;
        } else if (d == 1 && ordinal(y, m, days_in_month(y, m)) <= ordinal(ty, tm, td)) {
            st = push_term(&l, pm, y, m, 0);
            if (++m > 12)
                m = 1, y++;
        } else {
            st = push_term(&l, pd, y, m, d);
            if (++d > days_in_month(y, m)) {
                d = 1;
                if (++m > 12)
                    m = 1, y++;
            }
        }
    }
out:
    if (st != SITREP_OK) {
        sitrep_schema_terms_free(l.terms, l.n);
    } else {
        *terms = l.terms;
        *n = l.n;
    }
    return st;
}

void sitrep_schema_terms_free(char **terms, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(terms[i]);
    free(terms);
}
