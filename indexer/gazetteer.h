/* gazetteer.h - places (GeoNames-derived) and, later, person aliases, loaded
 * once and then read by any number of threads.
 *
 * Place ids are stable strings: "geonames:<geonameid>" for everything GeoNames
 * has (cities, admin-1 regions, countries); entries of the curated supplement
 * without a GeoNames id use "sitrep:<slug>".
 *
 * Thread safety: after sitrep_gazetteer_load() returns, the gazetteer is
 * immutable; every lookup may run concurrently.
 */
#ifndef SITREP_GAZETTEER_H
#define SITREP_GAZETTEER_H

#include <stddef.h>

#include "sitrep.h"

typedef struct sitrep_gazetteer sitrep_gazetteer;

enum sitrep_place_kind {
    SITREP_PLACE_COUNTRY,
    SITREP_PLACE_ADMIN1,
    SITREP_PLACE_CITY,    /* populated place */
    SITREP_PLACE_REGION,  /* other named area: Donbas, Gaza Strip, ... */
};

/* A place; all strings are owned by the gazetteer and live as long as it. */
struct sitrep_place {
    const char *id;        /* "geonames:706483" */
    const char *name;      /* canonical English name, "Kharkiv" */
    enum sitrep_place_kind kind;
    const char *country;   /* ISO 3166-1 alpha-2, "UA"; "" if none */
    const char *admin1;    /* admin-1 region name, "Kharkiv Oblast"; "" if none */
    const char *admin1_id; /* its place id; "" if none */
    double lat, lon;
    long population;
};

/* Loads the gazetteer file at path.  On success *out is new and owned by the
 * caller; on failure *out is NULL and *errmsg (if not NULL) is a newly
 * allocated "path:line: reason" message the caller frees. */
sitrep_status sitrep_gazetteer_load(const char *path, sitrep_gazetteer **out, char **errmsg);
void sitrep_gazetteer_destroy(sitrep_gazetteer *gz);

/* The place with this id, or NULL. */
const struct sitrep_place *sitrep_gazetteer_get(const sitrep_gazetteer *gz, const char *id);

/* Resolves what a user typed as a place filter: an id ("geonames:706483"), a
 * country code ("UA", any case), or a name or alternate name in any script
 * ("Kharkiv", "Kharkov", "Харків"), case-insensitively.  Writes at most max
 * borrowed pointers to out, best candidate first (larger population, then
 * administrative rank), and returns how many candidates there are in all
 * (which may exceed max). */
size_t sitrep_gazetteer_resolve(const sitrep_gazetteer *gz, const char *query,
                                const struct sitrep_place **out, size_t max);

/* Number of places loaded. */
size_t sitrep_gazetteer_size(const sitrep_gazetteer *gz);

#endif
