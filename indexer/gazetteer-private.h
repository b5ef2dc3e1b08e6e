/* gazetteer-private.h - what gazetteer-yaml.c (the supplement's parser)
 * needs from gazetteer.c (the tables) to add entries.  Not installed, not
 * part of the library API.  All of it runs before the gazetteer is shared:
 * no locking.
 */
#ifndef SITREP_GAZETTEER_PRIVATE_H
#define SITREP_GAZETTEER_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "gazetteer.h"

/* A new place as the supplement describes it; strings are copied. */
struct gz_place_spec {
    const char *id;      /* NULL: "sitrep:" + slug of name */
    const char *name;    /* canonical name, non-empty */
    enum sitrep_place_kind kind;
    const char *country; /* ISO 3166-1 alpha-2 or "" */
    const char *admin1;  /* a name of an admin-1 region of country, or "" */
    double lat, lon;     /* WGS84 degrees */
    long population;     /* 0 when unknown */
    const char *const *aliases;
    size_t n_aliases;
};

/* Adds a place with its name and aliases.  SITREP_ERR_INVALID with a reason
 * in why (an unknown country or admin-1 region, an id that exists, an
 * over-long name), or SITREP_ERR_NOMEM. */
sitrep_status gz_add_place(sitrep_gazetteer *gz, const struct gz_place_spec *s, char *why,
                           size_t why_len);

/* Adds alias as one more name of the existing place with this id;
 * SITREP_ERR_INVALID when there is no such place or alias is over-long. */
sitrep_status gz_add_place_alias(sitrep_gazetteer *gz, const char *id, const char *alias);

/* Adds a person: canonical name, surname (NULL: the last word of name with
 * the lower-case particles before it) and aliases.  SITREP_ERR_INVALID with a
 * reason in why when a name or alias already names another person or is no
 * name at all, or SITREP_ERR_NOMEM. */
sitrep_status gz_add_person(sitrep_gazetteer *gz, const char *name, const char *surname,
                            const char *const *aliases, size_t n_aliases, char *why,
                            size_t why_len);

/* Reads a kind as both files write it ("country", "admin1", "city",
 * "region"); false for anything else. */
bool gz_parse_kind(const char *s, enum sitrep_place_kind *kind);

/* Rewrites the folded (sitrep_text_fold()), NUL-terminated, valid UTF-8
 * string s in place into the key names are matched by (gazetteer.h: Latin
 * diacritics, apostrophes, marks and separators) and returns its length.
 * The one definition of a name's key, for the gazetteer and for its prefix
 * index (gazetteer-prefix.c). */
size_t gz_key_normalise(char *s);

/* True for a well-formed two-letter country code (any case). */
bool gz_valid_country(const char *iso2);

#endif
