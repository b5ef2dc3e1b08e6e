/* schema.h - the one table that states how articles live in the index.
 *
 * Indexing (article-index.c) and query building (the server, the wrapper's
 * query parser) both read this table, so a prefix or slot is defined exactly
 * once.  The whole schema, version 1:
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
 *
 *   value slot 0  published     "YYYYMMDD", for sorting by date
 *
 *   document data  the stored record, a JSON object (article.h)
 *   metadata       sitrep.schema_version = "1"; sitrep.last_update = ISO 8601
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

#define SITREP_SCHEMA_VERSION "1"
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
};

/* The table, indexed by enum sitrep_field.  Immutable. */
extern const struct sitrep_field_info sitrep_schema[SITREP_FIELD_LAST];

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
