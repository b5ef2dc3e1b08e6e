/* schema.h - the one table that states how articles live in the index.
 *
 * Indexing (article-index.c) and query building (the server, the wrapper's
 * query parser) both read this table, so a prefix or slot is defined exactly
 * once.  The whole schema, version 3:
 *
 *   term prefix  field          kind     values
 *   Q            id             boolean  article id, verbatim (hashed if long)
 *   S            title          text     stemmed English; title words are
 *                                        also indexed unprefixed
 *   (none)       body           text     stemmed English
 *   U            url            boolean  the URL (hashed if long), Omega's U
 *   H            source         boolean  publisher host, lowercase
 *   L            lang           boolean  language code, lowercase
 *   XP           place          boolean  gazetteer id of each place, plus the
 *                                        ids of its admin-1 region
 *   N            country        boolean  ISO 3166-1 alpha-2 of each place's
 *                                        country, lowercase
 *   XPE          person         boolean  canonical person id (person:slug)
 *   XPS          surname        boolean  slug of each person's surname
 *   Y / M / D    year/month/day boolean  publication date: 2022, 202202,
 *                                        20220228 (filtering by terms is
 *                                        faster than a value range)
 *   XEY/XEM/XED  event dates    boolean  resolved incident dates, as above,
 *                                        at their precision
 *   XB           dedup band     boolean  one term per MinHash band of the
 *                                        text (dedup.h): articles sharing
 *                                        one are candidate copies
 *   XG           group          boolean  the article's copy group: the id
 *                                        of the group's first article,
 *                                        verbatim (hashed if long)
 *
 *   value slot 0  published     "YYYYMMDD", for sorting by date, paging
 *                               with cursors and the date facets
 *   value slot 1  places        facet list: the XP values of the places
 *                               mentioned (ids and admin-1 ids; countries
 *                               are left to slot 3), each with its name
 *   value slot 2  persons       facet list: the XPE values, with names
 *   value slot 3  countries     facet list: the N values, upper case
 *                               (the form the API shows)
 *   value slot 4  source        facet list: the H value
 *   value slot 5  fingerprint   the text's MinHash signature (dedup.h,
 *                               256 bytes); absent for short texts
 *   value slot 6  group         the XG value: the collapse key of
 *                               dedup=true, set by the writer
 *                               (sitrep_writer_put()), never by callers
 *
 *   A facet list (sitrep_doc_add_facet()) repeats, for counting, values the
 *   document also has as filter terms, so a facet count is exactly what a
 *   filter on that value returns; counting from a value slot reads one
 *   short value per match instead of the whole term list.
 *
 *   document data  the stored record, a JSON object (article.h)
 *   metadata       sitrep.schema_version = "2"; sitrep.last_update = ISO 8601
 *
 * Version 2 added slots 1-4; version 3 the near-duplicate groups (XB, XG,
 * slots 5 and 6).  An index of an older version must be rebuilt.
 *
 * Boolean values are folded to lowercase (text.h) on both sides, except ids
 * and URLs, which are kept verbatim.
 */
#ifndef SITREP_SCHEMA_H
#define SITREP_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include "sitrep.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SITREP_SCHEMA_VERSION "3"
#define SITREP_META_SCHEMA_VERSION "sitrep.schema_version"
#define SITREP_META_LAST_UPDATE "sitrep.last_update"

/* Xapian's glass backend refuses terms longer than 245 bytes. */
#define SITREP_MAX_TERM_BYTES 240

enum sitrep_field {
    SITREP_FIELD_ID,
    SITREP_FIELD_TITLE,
    SITREP_FIELD_BODY,
    SITREP_FIELD_URL,
    SITREP_FIELD_SOURCE,
    SITREP_FIELD_LANG,
    SITREP_FIELD_PLACE,
    SITREP_FIELD_COUNTRY,
    SITREP_FIELD_PERSON,
    SITREP_FIELD_SURNAME,
    SITREP_FIELD_YEAR,
    SITREP_FIELD_MONTH,
    SITREP_FIELD_DAY,
    SITREP_FIELD_EVENT_YEAR,
    SITREP_FIELD_EVENT_MONTH,
    SITREP_FIELD_EVENT_DAY,
    SITREP_FIELD_DEDUP_BAND,
    SITREP_FIELD_GROUP,
    SITREP_FIELD_LAST
};

enum sitrep_field_kind {
    SITREP_KIND_TEXT,    /* free text through the term generator */
    SITREP_KIND_BOOLEAN, /* exact filter terms, wdf 0 */
};

enum sitrep_field_flags {
    SITREP_FLAG_NONE = 0,
    SITREP_FLAG_VERBATIM = 1 << 0, /* value not case-folded (ids, URLs) */
    SITREP_FLAG_ENTITY = 1 << 1,   /* query-text values resolve through the gazetteer */
};

struct sitrep_field_info {
    enum sitrep_field field;
    const char *name;       /* as in the API: "title", "place", ... */
    const char *prefix;     /* Xapian term prefix */
    enum sitrep_field_kind kind;
    unsigned flags;         /* enum sitrep_field_flags */
    const char *query_name; /* "name:" accepted in query text, or NULL */
};

enum sitrep_slot {
    SITREP_SLOT_PUBLISHED = 0,
    SITREP_SLOT_PLACES = 1,
    SITREP_SLOT_PERSONS = 2,
    SITREP_SLOT_COUNTRIES = 3,
    SITREP_SLOT_SOURCE = 4,
    SITREP_SLOT_FINGERPRINT = 5,
    SITREP_SLOT_GROUP = 6,
};

/* What a query can count over all its matches (sitrep_query_add_facet()). */
enum sitrep_facet {
    SITREP_FACET_PLACE,   /* place and admin-1 ids, labelled with names */
    SITREP_FACET_PERSON,  /* person ids, labelled with names */
    SITREP_FACET_COUNTRY, /* ISO 3166-1 alpha-2, upper case */
    SITREP_FACET_SOURCE,  /* publisher host */
    SITREP_FACET_MONTH,   /* publication month, "YYYYMM" */
    SITREP_FACET_DAY,     /* publication day, "YYYYMMDD" */
    SITREP_FACET_LAST
};

struct sitrep_facet_info {
    enum sitrep_facet facet;
    const char *name;  /* in the API's facets= list, or NULL (internal use) */
    enum sitrep_slot slot;
    size_t key_bytes;  /* 0: slot holds a facet list; else count the first
                          key_bytes bytes of the slot's value */
};

/* The table, indexed by enum sitrep_field.  Immutable. */
extern const struct sitrep_field_info sitrep_schema[SITREP_FIELD_LAST];

/* The facets, indexed by enum sitrep_facet.  Immutable. */
extern const struct sitrep_facet_info sitrep_facets[SITREP_FACET_LAST];

/* Returns the facet whose API name is name, or SITREP_FACET_LAST. */
enum sitrep_facet sitrep_facet_by_name(const char *name);

/* Returns the field whose query_name is name, or SITREP_FIELD_LAST. */
enum sitrep_field sitrep_schema_by_query_name(const char *name);

/* Returns a newly allocated term: the field's prefix plus the value,
 * normalised as the field requires (folded, hashed when too long).  Works for
 * boolean fields only.  NULL when out of memory or when value is empty.  The
 * caller frees it. */
char *sitrep_schema_term(enum sitrep_field field, const char *value);

/* Expands the inclusive date range [from, to] ("YYYYMMDD" each; NULL for an
 * open end) into the fewest year/month/day terms of the publication-date
 * fields (event == false) or the event-date fields (event == true) that cover
 * it exactly.  On success *terms is a newly allocated array of *n newly
 * allocated strings; free with sitrep_schema_terms_free().  An open end is
 * bounded by the years 1800 and 2200.  Returns SITREP_ERR_INVALID when a
 * bound is malformed or from > to. */
sitrep_status sitrep_schema_date_terms(bool event, const char *from, const char *to,
                                       char ***terms, size_t *n);
void sitrep_schema_terms_free(char **terms, size_t n);

#ifdef __cplusplus
}
#endif

#endif
