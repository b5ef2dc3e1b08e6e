/* resolve.c - entity values to filter terms.
 *
 * When a place name has several candidates, which one did the user mean?
 * The rules, in order (the first that decides wins):
 *   1. Candidates with the same id are one entity.
 *   2. A city inside an admin-1 region of the same name (Kharkiv in Kharkiv
 *      Oblast, Donetsk in Donetsk Oblast) is what "Kharkiv" means: the
 *      region is dropped.  Whoever wants the region types its full name.
 *   3. If one candidate remains, it is chosen.
 *   4. A country beats everything else when it is the only country
 *      ("Georgia" the country over the US state).
 *   5. An admin-1 region or other named area beats populated places when it
 *      is the only one left ("Donbas").
 *   6. The most populous candidate wins when it has at least 10 times the
 *      population of the next (Aleppo, Syria over a village of the name),
 *      or at least 3 times when it is the only candidate whose own name is
 *      what was typed ("Odesa" is the Ukrainian city; Odessa, Texas, only
 *      matches through an alternate spelling).
 *   7. Otherwise the name is ambiguous: the server answers 400
 *      ambiguous_entity listing the candidates, so the user picks an id.
 */
#include "resolve.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "text.h"

#define MAX_LOOKUP 32

/* True when a and b are the same name up to case. */
static bool same_name(const char *a, const char *b)
{
    char *fa = sitrep_text_fold(a, strlen(a)), *fb = sitrep_text_fold(b, strlen(b));
    bool same = fa && fb && strcmp(fa, fb) == 0;
    free(fa);
    free(fb);
    return same;
}

static bool is_area(const struct sitrep_place *p)
{
    return p->kind == SITREP_PLACE_ADMIN1 || p->kind == SITREP_PLACE_REGION;
}

static enum srv_resolve_result choose(const struct sitrep_place *p, struct srv_place_choice *c)
{
    if (p->kind == SITREP_PLACE_COUNTRY && p->country && *p->country)
        c->term = sitrep_schema_term(SITREP_FIELD_COUNTRY, p->country);
    else
        c->term = sitrep_schema_term(SITREP_FIELD_PLACE, p->id);
    c->canonical = strdup(p->id);
    if (!c->term || !c->canonical) {
        free(c->term);
        free(c->canonical);
        c->term = c->canonical = NULL;
        return SRV_NOMEM;
    }
    return SRV_RESOLVED;
}

/* Without a gazetteer: ids and country codes still work. */
static enum srv_resolve_result resolve_bare(const char *value, struct srv_place_choice *c)
{
    size_t len = strlen(value);
    if (len == 2 && ((value[0] | 0x20) >= 'a' && (value[0] | 0x20) <= 'z') &&
        ((value[1] | 0x20) >= 'a' && (value[1] | 0x20) <= 'z')) {
        char code[3] = {(char)(value[0] & ~0x20), (char)(value[1] & ~0x20), '\0'};
        c->term = sitrep_schema_term(SITREP_FIELD_COUNTRY, code);
        c->canonical = strdup(code);
    } else if (strncmp(value, "sitrep:country-", 15) == 0 && strlen(value) == 17) {
        char code[3] = {(char)(value[15] & ~0x20), (char)(value[16] & ~0x20), '\0'};
        c->term = sitrep_schema_term(SITREP_FIELD_COUNTRY, code);
        c->canonical = strdup(value);
    } else if (strncmp(value, "geonames:", 9) == 0 || strncmp(value, "sitrep:", 7) == 0) {
        c->term = sitrep_schema_term(SITREP_FIELD_PLACE, value);
        c->canonical = strdup(value);
    } else {
        return SRV_UNKNOWN;
    }
    if (!c->term || !c->canonical) {
        free(c->term);
        free(c->canonical);
        c->term = c->canonical = NULL;
        return SRV_NOMEM;
    }
    return SRV_RESOLVED;
}

enum srv_resolve_result srv_resolve_place(const sitrep_gazetteer *gz, const char *value,
                                          struct srv_place_choice *c)
{
    const struct sitrep_place *found[MAX_LOOKUP];
    const struct sitrep_place *u[MAX_LOOKUP];
    size_t n, k = 0;

    memset(c, 0, sizeof *c);
    if (!gz)
        return resolve_bare(value, c);
    n = sitrep_gazetteer_resolve(gz, value, found, MAX_LOOKUP);
    if (n > MAX_LOOKUP)
        n = MAX_LOOKUP;
    if (n == 0)
        return SRV_UNKNOWN;

    /* 1. One entity per id. */
    for (size_t i = 0; i < n; i++) {
        bool dup = false;
        for (size_t j = 0; j < k && !dup; j++)
            dup = strcmp(u[j]->id, found[i]->id) == 0;
        if (!dup)
            u[k++] = found[i];
    }
    /* 2. Drop a region that contains a same-named city among the candidates. */
    for (size_t i = 0; i < k;) {
        bool contains = false;
        if (u[i]->kind == SITREP_PLACE_ADMIN1)
            for (size_t j = 0; j < k && !contains; j++)
                contains = u[j]->kind == SITREP_PLACE_CITY && u[j]->admin1_id &&
                           strcmp(u[j]->admin1_id, u[i]->id) == 0;
        if (contains) {
            memmove(&u[i], &u[i + 1], (k - i - 1) * sizeof u[0]);
            k--;
        } else {
            i++;
        }
    }
    /* 3. */
    if (k == 1)
        return choose(u[0], c);
    /* 4. and 5. */
    const struct sitrep_place *country = NULL, *area = NULL;
    size_t n_country = 0, n_area = 0;
    for (size_t i = 0; i < k; i++) {
        if (u[i]->kind == SITREP_PLACE_COUNTRY)
            n_country++, country = u[i];
        else if (is_area(u[i]))
            n_area++, area = u[i];
    }
    if (n_country == 1)
        return choose(country, c);
    if (n_country == 0 && n_area == 1)
        return choose(area, c);
    /* 6. */
    const struct sitrep_place *first = NULL, *second = NULL;
    for (size_t i = 0; i < k; i++) {
        if (!first || u[i]->population > first->population)
            second = first, first = u[i];
        else if (!second || u[i]->population > second->population)
            second = u[i];
    }
    if (first && second && first->population > 0 &&
        (long long)first->population >= 10LL * second->population)
        return choose(first, c);
    if (first && second && first->population > 0 &&
        (long long)first->population >= 3LL * second->population) {
        size_t exact = 0;
        bool first_exact = false;
        for (size_t i = 0; i < k; i++) {
            if (same_name(u[i]->name, value)) {
                exact++;
                first_exact = first_exact || u[i] == first;
            }
        }
        if (exact == 1 && first_exact)
            return choose(first, c);
    }
    /* 7. */
    for (size_t i = 0; i < k && c->n_candidates < SRV_MAX_CANDIDATES; i++)
        c->candidates[c->n_candidates++] = u[i];
    return SRV_AMBIGUOUS;
}

static bool has_blank(const char *s)
{
    for (; *s; s++)
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '_')
            return true;
    return false;
}

enum srv_resolve_result srv_resolve_person(const sitrep_gazetteer *gz, const char *value,
                                           char **term, char **canonical)
{
    enum srv_resolve_result r = SRV_NOMEM;
    bool is_id = strncmp(value, "person:", 7) == 0;
    const struct sitrep_person *known = is_id ? NULL
                                              : sitrep_gazetteer_person(gz, value, strlen(value));
    /* A name or alias of the supplement ("Zelenskyy") is that person's id,
     * the one the indexer gave every spelling of it. */
    const char *name = known ? known->id + 7 : is_id ? value + 7 : value;
    char *slug = sitrep_text_slug(name);
    char *id = NULL;

    *term = *canonical = NULL;
    /* The surname itself ("Zelensky") keeps its meaning: everyone of that
     * surname. */
    if (known && !has_blank(value)) {
        char *a = sitrep_text_slug(value), *b = sitrep_text_slug(known->surname);
        if (!a || !b || strcmp(a, b) == 0)
            known = NULL;
        free(a);
        free(b);
        if (!known)
            name = value;
    }
    if (known)
        is_id = true;
    if (!slug)
        goto out;
    if (!*slug) {
        r = SRV_UNKNOWN;
        goto out;
    }
    if (is_id || has_blank(name)) {
        id = malloc(strlen(slug) + 8);
        if (!id)
            goto out;
        strcpy(id, "person:");
        strcat(id, slug);
        *term = sitrep_schema_term(SITREP_FIELD_PERSON, id);
        *canonical = id;
        id = NULL;
    } else {
        *term = sitrep_schema_term(SITREP_FIELD_SURNAME, slug);
        *canonical = slug;
        slug = NULL;
    }
    if (!*term || !*canonical) {
        free(*term);
        free(*canonical);
        *term = *canonical = NULL;
        goto out;
    }
    r = SRV_RESOLVED;
out:
    free(slug);
    free(id);
    return r;
}
