/* gazetteer.h - places (GeoNames-derived) and person aliases, loaded once and
 * then read by any number of threads.
 *
 * Place ids are stable strings: "geonames:<geonameid>" for populated places;
 * the packages we derive the file from give no GeoNames ids for countries and
 * admin-1 regions, so those are "sitrep:country-<iso2>" ("sitrep:country-ua")
 * and "sitrep:admin1-<iso2>-<GeoNames admin-1 code>" ("sitrep:admin1-ua-07");
 * entries of the curated supplement without a GeoNames id use "sitrep:<slug>"
 * ("sitrep:donbas").  indexer/gazetteer/README.md describes the file.
 *
 * Name matching: a name and a query match when they are equal after
 * sitrep_text_fold() and these cheap normalisations: Latin letters lose their
 * diacritics ("Kyïv" = "Kyiv", "Zaporizhzhia" is still not "Zaporizhzhya":
 * spelling variants come from the alternate names), combining marks and
 * apostrophes are dropped ("Donets'k" = "Donetsk"), hyphens and runs of white
 * space are one space ("Ivano Frankivsk" = "Ivano-Frankivsk"), Cyrillic
 * "ё" is "е", and Arabic loses its vowel marks and tatweel, and unifies alef
 * forms, alef maqsura/Persian yeh with yeh, and keheh with kaf.
 * sitrep_gazetteer_lookup_loose() also accepts romanisation variants of
 * Latin-script names ("Deir Ezzor" for Deir ez-Zor).
 *
 * Usage:
 *     sitrep_gazetteer *gz; char *err;
 *     if (sitrep_gazetteer_load(SITREP_DEFAULT_GAZETTEER, &gz, &err) != SITREP_OK) {
 *         report(err); free(err); ...
 *     }
 *     const struct sitrep_place *best[8];
 *     size_t n = sitrep_gazetteer_resolve(gz, "Kharkov", best, 8);
 *     ... best[0]->id is "geonames:706483" ...
 *     sitrep_gazetteer_destroy(gz);
 *
 * The curated YAML supplement (config/gazetteer.yaml, which users edit
 * without rebuilding anything) adds places, names of existing places and
 * persons with their aliases: sitrep_gazetteer_load_supplement() right after
 * sitrep_gazetteer_load().
 *
 * Thread safety: after loading (the file, then the supplement) the
 * gazetteer is immutable; every lookup may run concurrently.  Loading the
 * supplement must finish before the first lookup: it may move the places.
 */
#ifndef SITREP_GAZETTEER_H
#define SITREP_GAZETTEER_H

#include <stdbool.h>
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
    double lat, lon;       /* WGS84 degrees; NaN when unknown (a few
                              uninhabited countries) */
    long population;       /* for countries and admin-1 regions the sum over
                              their populated places: a ranking aid only */
};

/* A person of the supplement; strings owned by the gazetteer. */
struct sitrep_person {
    const char *id;      /* "person:" + slug of name, "person:volodymyr-zelensky" */
    const char *name;    /* canonical name, "Volodymyr Zelensky" */
    const char *surname; /* "Zelensky"; "al-Assad" (lower-case particles kept) */
};

/* Loads the gazetteer file at path.  On success *out is new and owned by the
 * caller; on failure *out is NULL and *errmsg (if not NULL) is a newly
 * allocated "path:line: reason" message the caller frees.  Errors:
 * SITREP_ERR_IO (cannot read), SITREP_ERR_INVALID (a malformed row, invalid
 * UTF-8, a duplicate id), SITREP_ERR_NOMEM.  The file format is in
 * indexer/gazetteer/README.md. */
sitrep_status sitrep_gazetteer_load(const char *path, sitrep_gazetteer **out, char **errmsg);
void sitrep_gazetteer_destroy(sitrep_gazetteer *gz);

/* Adds the entries of the YAML supplement at path (format: the comments of
 * config/gazetteer.yaml) to gz, which nothing may be reading yet.  On failure
 * *errmsg (if not NULL) is a newly allocated "path:line:col: reason" message
 * (1-based) the caller frees, or "path: reason" when no place in the file is
 * to blame; the entries before the bad one stay added, so callers treat a
 * failure as fatal.  Errors: SITREP_ERR_IO (cannot read), SITREP_ERR_INVALID
 * (YAML syntax, an unknown key, a missing or bad value, a name two persons
 * share, a new place whose id exists), SITREP_ERR_NOMEM.  Thread safety:
 * none; call it before any lookup. */
sitrep_status sitrep_gazetteer_load_supplement(sitrep_gazetteer *gz, const char *path,
                                               char **errmsg);

/* The supplement's person with this name or alias: name[0..len) (a span of
 * text, not NUL-terminated) matched with the place-name rules above
 * ("Zelenskyy", "ZELENSKIY", "Володимир Зеленський", "Antonio Guterres" for
 * "António Guterres").  NULL when none, or for invalid or over-long input.
 * The result is borrowed from gz. */
const struct sitrep_person *sitrep_gazetteer_person(const sitrep_gazetteer *gz, const char *name,
                                                    size_t len);

/* False when no person name or alias starts with the word word[0..len): a
 * cheap test (one hash probe) before trying longer spans of text with
 * sitrep_gazetteer_person().  May be true for words that start no name. */
bool sitrep_gazetteer_person_may_start(const sitrep_gazetteer *gz, const char *word, size_t len);

/* The most words any person name or alias has (0 without persons). */
size_t sitrep_gazetteer_max_person_words(const sitrep_gazetteer *gz);

/* Number of persons loaded. */
size_t sitrep_gazetteer_person_count(const sitrep_gazetteer *gz);

/* The place with this id, or NULL. */
const struct sitrep_place *sitrep_gazetteer_get(const sitrep_gazetteer *gz, const char *id);

/* Resolves what a user typed as a place filter: an id ("geonames:706483"), a
 * country code ("UA", any case), or a name or alternate name in any script
 * ("Kharkiv", "Kharkov", "Харків"), case-insensitively.  Tried in that order:
 * an exact id gives that place alone, a two-letter code of a known country
 * that country alone, anything else the places of that name.  Writes at most
 * max borrowed pointers to out, best candidate first (by kind: country,
 * admin-1, region, city; then larger population), and returns how many
 * candidates there are in all (which may exceed max).  out may be NULL when
 * max is 0. */
size_t sitrep_gazetteer_resolve(const sitrep_gazetteer *gz, const char *query,
                                const struct sitrep_place **out, size_t max);

/* The places named name[0..len) (not NUL-terminated: a span of article text,
 * "Kharkov" in "...shelling of Kharkov on..."), matched as described at the
 * top of this file; ids and country codes are not names here.  Writes at most
 * max borrowed pointers to out in the order of sitrep_gazetteer_resolve() and
 * returns how many places have that name in all.  Invalid UTF-8, an empty or
 * over-long span (more than 1024 bytes) and running out of memory all give 0.
 * Costs one hash probe and a small allocation, so it suits trying every
 * n-gram of a text up to sitrep_gazetteer_max_name_words() words. */
size_t sitrep_gazetteer_lookup_name(const sitrep_gazetteer *gz, const char *name, size_t len,
                                    const struct sitrep_place **out, size_t max);

/* How sitrep_gazetteer_lookup_loose() matched. */
enum sitrep_name_match {
    SITREP_MATCH_NONE,     /* no place */
    SITREP_MATCH_EXACT,    /* by the name, as sitrep_gazetteer_lookup_name() */
    SITREP_MATCH_LOOSE,    /* by the loose key: "al-Raqqa" for Ar Raqqah,
                              "Deir Ezzor" for Deir ez-Zor */
    SITREP_MATCH_SKELETON, /* by the consonant skeleton, the least sure:
                              "Mykolajiw" for Mykolaiv */
};

/* Like sitrep_gazetteer_lookup_name(), and when no name matches
 * name[0..len) exactly, the places with a name or alternate name that is
 * a romanisation variant of it.  Latin-script names are compared by a loose
 * key that ignores Arabic articles ("al-", "ash-", "ez-", also assimilated:
 * "Ezzor"), doubled letters, a word's final "h" after a vowel, which vowel of
 * a class is written (e/i/ei/ay, o/u/ou/aw) and how romanisation systems
 * spell a consonant ("dj"/"dzh"/"j", "ch"/"tch"/"tsch"/"cz"); when no place
 * has that key, by a consonant skeleton (vowels dropped, kh/h, q/k, j/g, v/w
 * merged) of at least four consonants.  gazetteer.c has the rules as
 * tables.  Names in other scripts, and spans with digits, match exactly or
 * not at all.  "Deir Ezzor" finds Deir ez-Zor, "Menbej" Manbij, "Jesr
 * al-Shughour" Jisr ash Shughur, "Bokamal" Albu Kamal.  Tolerant matches are
 * guesses: ordinary words and names of persons match places too ("Aerial"
 * Eral in India, "Putin" Putten), so callers take them only with support,
 * as extract-places.c does.
 *
 * Writes at most max borrowed pointers (valid as long as gz) to out in the
 * order of sitrep_gazetteer_resolve() and returns how many places match in
 * all by the key that matched; when how is not NULL, *how tells which key
 * that was (SITREP_MATCH_NONE with 0).  Invalid UTF-8, an empty or over-long
 * span and running out of memory give 0.  Costs about what
 * sitrep_gazetteer_lookup_name() costs, twice when the name does not match
 * exactly.  Thread safety: like every lookup, concurrent calls are safe once
 * loading is done. */
size_t sitrep_gazetteer_lookup_loose(const sitrep_gazetteer *gz, const char *name, size_t len,
                                     const struct sitrep_place **out, size_t max,
                                     enum sitrep_name_match *how);

/* The country with this ISO 3166-1 alpha-2 code (any case), or NULL. */
const struct sitrep_place *sitrep_gazetteer_country(const sitrep_gazetteer *gz, const char *iso2);

/* The most words (runs separated by spaces or hyphens) any name has: longer
 * n-grams of text cannot match a name. */
size_t sitrep_gazetteer_max_name_words(const sitrep_gazetteer *gz);

/* Number of places loaded. */
size_t sitrep_gazetteer_size(const sitrep_gazetteer *gz);

/* ---- Prefix search (gazetteer-prefix.c) ----------------------------------
 *
 * Every name and alternate name of the places, and every name and alias of
 * the supplement's persons, sorted by a key per word start, for
 * autocompletion: "khar" finds Kharkiv and Khartoum, "Харк" Kharkiv (by its
 * Ukrainian name), "rih" Kryvyi Rih, "zelenskyy" Volodymyr Zelensky.  Keys
 * are matched as whole names are (the top of this file).  The gazetteer
 * keeps no list of a place's names, so the index reads the files the
 * gazetteer was loaded from once more; it is large (about 50 MB and 0.7 s
 * for the bundled file), so build it when it is first needed.
 *
 *     sitrep_gazetteer_names *names;
 *     sitrep_gazetteer_names_build(gz, places_tsv, supplement_yaml, &names, &err);
 *     size_t first, n = sitrep_gazetteer_names_prefix(names, "khar", &first);
 *     for (size_t k = first; k < first + n; k++) {
 *         struct sitrep_entity_name e;
 *         sitrep_gazetteer_names_match(names, k, &e);
 *         ... e.place (or e.person) is named e.name ...
 *     }
 *     sitrep_gazetteer_names_destroy(names);
 *
 * Thread safety: immutable once built; any number of threads may read it.
 */
typedef struct sitrep_gazetteer_names sitrep_gazetteer_names;

/* One name of a place or a person; every pointer is borrowed from the
 * index (the strings) or from its gazetteer (the entity). */
struct sitrep_entity_name {
    const char *name; /* as the file writes it: "Харків" */
    const char *key;  /* folded and normalised: "харкiв" */
    const struct sitrep_place *place;   /* NULL for a person */
    const struct sitrep_person *person; /* NULL for a place */
};

/* Builds the index over gz (borrowed: it must outlive the index) from the
 * files gz was loaded from: path (places.tsv) and supplement (the YAML
 * file, or NULL or "" for none).  Names of ids gz does not know are passed
 * over.  On success *out is new (the caller destroys it); on failure NULL,
 * with a newly allocated message in *errmsg when errmsg is not NULL.
 * Errors: SITREP_ERR_IO, SITREP_ERR_INVALID (the supplement is not YAML),
 * SITREP_ERR_NOMEM. */
sitrep_status sitrep_gazetteer_names_build(const sitrep_gazetteer *gz, const char *path,
                                           const char *supplement, sitrep_gazetteer_names **out,
                                           char **errmsg);
void sitrep_gazetteer_names_destroy(sitrep_gazetteer_names *names);

/* The key names are compared by: s[0..len) folded and normalised, newly
 * allocated (the caller frees it); NULL for invalid UTF-8, more than 1024
 * bytes, or no memory. */
char *sitrep_gazetteer_name_key(const char *s, size_t len);

/* The names one of whose words starts with prefix (after both are keyed):
 * returns how many matches there are and sets *first, so that they are
 * matches *first .. *first + count - 1 of sitrep_gazetteer_names_match(), in
 * key order.  A name is a match once per word that starts with prefix; an
 * entity may match through several names.  0 for an empty prefix. */
size_t sitrep_gazetteer_names_prefix(const sitrep_gazetteer_names *names, const char *prefix,
                                     size_t *first);
void sitrep_gazetteer_names_match(const sitrep_gazetteer_names *names, size_t k,
                                  struct sitrep_entity_name *out);

/* Every name of place (or, when place is NULL, of person): writes at most
 * max of them to out, the canonical name first, then in file order, and
 * returns how many there are. */
size_t sitrep_gazetteer_names_of(const sitrep_gazetteer_names *names,
                                 const struct sitrep_place *place,
                                 const struct sitrep_person *person,
                                 struct sitrep_entity_name *out, size_t max);

/* The supplement's person with this id ("person:volodymyr-zelensky"), or
 * NULL. */
const struct sitrep_person *sitrep_gazetteer_names_person(const sitrep_gazetteer_names *names,
                                                          const char *id);

#endif
