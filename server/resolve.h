/* resolve.h - turning what a user typed as a place or person into filter
 * terms, the same way for the place= / person= parameters and for place: /
 * person: inside q.
 *
 * Place: sitrep_gazetteer_resolve() gives the candidates; srv_resolve_place()
 * picks one or reports the name as ambiguous.  A country becomes its N term
 * (so it matches every place inside it), anything else its XP term (an
 * admin-1 region matches its places too, because the indexer adds each
 * place's admin-1 id).
 *
 * Person: "person:vladimir-putin" (an id) or "Vladimir Putin" (several
 * words) become the XPE term person:<slug>; a single word ("Putin") the
 * surname term XPS<slug>, which matches everyone with that surname.  A name
 * or alias the gazetteer's supplement lists ("Zelenskyy") is that person's
 * id instead.
 *
 * Pure functions over the immutable gazetteer; thread-safe.
 */
#ifndef SRV_RESOLVE_H
#define SRV_RESOLVE_H

#include <stddef.h>

#include "gazetteer.h"

#define SRV_MAX_CANDIDATES 10

enum srv_resolve_result {
    SRV_RESOLVED,
    SRV_UNKNOWN,   /* names nothing we know */
    SRV_AMBIGUOUS, /* several different places, none clearly meant */
    SRV_NOMEM,
};

struct srv_place_choice {
    char *term;      /* newly allocated filter term (SRV_RESOLVED) */
    char *canonical; /* newly allocated canonical form for the echo: the place id */
    /* SRV_AMBIGUOUS: the distinct candidates, best first (borrowed). */
    const struct sitrep_place *candidates[SRV_MAX_CANDIDATES];
    size_t n_candidates;
};

/* Resolves value.  gz may be NULL (not loaded): then only place ids
 * ("geonames:706483", "sitrep:donbas") and two-letter country codes are
 * understood.  On SRV_RESOLVED the caller frees term and canonical. */
enum srv_resolve_result srv_resolve_place(const sitrep_gazetteer *gz, const char *value,
                                          struct srv_place_choice *choice);

/* Resolves a person value into a newly allocated term and canonical form
 * ("person:vladimir-putin" or the surname slug "putin").  A name or alias
 * of a person in the gazetteer's supplement ("Zelenskyy", "Путин") becomes
 * that person's id.  gz may be NULL. */
enum srv_resolve_result srv_resolve_person(const sitrep_gazetteer *gz, const char *value,
                                           char **term, char **canonical);

#endif
