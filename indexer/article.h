/* article.h - one article as the indexer and the server see it, its stored
 * record (the JSON kept as Xapian document data) and its mapping onto index
 * terms through the schema.
 *
 * The stored record is a JSON object:
 *   {"id", "title", "url", "source", "lang", "published" ("YYYY-MM-DD" or null),
 *    "published_inferred" (bool), "text", "meta" (object of unknown input fields),
 *    "places": [{"id","name","country","admin1","lat","lon","mentions"}],
 *    "persons": [{"id","name","mentions"}],
 *    "event_dates": [{"date","precision","text"}]}
 * where "mentions" is a count.  The server renders hits from it.
 */
#ifndef SITREP_ARTICLE_H
#define SITREP_ARTICLE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "gazetteer.h"
#include "sitrep.h"
#include "store.h"

struct sitrep_article {
    char *id;        /* owned; NULL until known */
    char *title;     /* owned or NULL */
    char *url;       /* owned or NULL */
    char *source;    /* owned or NULL: publisher host, e.g. "example.org" */
    char *lang;      /* owned or NULL: language code, e.g. "en" */
    char *published; /* owned or NULL: as read; "YYYY-MM-DD" after normalising */
    bool published_inferred; /* true when taken from the text, not metadata */
    char *text;      /* owned or NULL: body text, UTF-8 after normalising */
    size_t text_len;
    json_t *meta;     /* owned reference or NULL: object of unknown input fields */
    json_t *entities; /* owned reference or NULL: extraction result (extract.h) */
};

/* Sets every member to empty. */
void sitrep_article_init(struct sitrep_article *a);
/* Frees every member and re-initialises. */
void sitrep_article_clear(struct sitrep_article *a);

/* Makes a freshly read article ready to index, or says why it cannot be:
 * checks that title and text are valid UTF-8 (reason names the byte offset),
 * that the text is not empty, and that title + text fit in max_bytes;
 * squashes title white space; parses "published" into "YYYY-MM-DD" (a value
 * that is not a date is an error); takes the source from the URL host when
 * missing; derives a missing id from the URL, else from a hash of title and
 * text, so the same input always gets the same id.  It does not infer the
 * date from the text: the caller does that after extraction, when it has the
 * text's dates.  On SITREP_ERR_INVALID a one-line reason is written to
 * reason (reason_len bytes at most). */
sitrep_status sitrep_article_normalise(struct sitrep_article *a, size_t max_bytes, char *reason,
                                       size_t reason_len);

/* The stored record (a document's data) is the article as a compact JSON
 * object without its text, the byte 0x1E (which JSON never holds raw), then
 * the text as raw UTF-8.  A hit list so parses a few hundred bytes per hit
 * instead of the whole article, and snippets read the text where it lies.
 * Indexes written before kept "text" inside the object; the readers below
 * take both. */
#define SITREP_RECORD_SEP '\x1e'
/* How the head is serialised (jansson flags). */
#define SITREP_RECORD_JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(12))

/* Returns the stored record, newly allocated (caller frees), and its length
 * in *len; NULL when out of memory. */
char *sitrep_article_to_record(const struct sitrep_article *a, size_t *len);

/* Parses a stored record.  Returns a new reference to its object (the
 * caller decrefs), or NULL with err filled (err may be NULL).  *text and
 * *text_len give the text, pointing into data or into the returned object,
 * so valid while both live; NULL and 0 when the record has none (text and
 * text_len may be NULL when the text is not wanted).  The object holds
 * "text" only in the older format. */
json_t *sitrep_record_parse(const char *data, size_t len, const char **text, size_t *text_len,
                            json_error_t *err);

/* Parses a stored record into the whole article, "text" included.  Returns
 * a new reference (the caller decrefs) or NULL with err filled (err may be
 * NULL). */
json_t *sitrep_record_load(const char *data, size_t len, json_error_t *err);

/* Builds the index document of a normalised article: text fields, filter
 * terms for its id, source, lang, dates, and for every place (with its
 * admin-1 region and country), person (and surname) and event date in
 * a->entities; the date slot; the stored record.  *out is new and owned by
 * the caller. */
sitrep_status sitrep_article_to_doc(const struct sitrep_article *a, sitrep_doc **out);

/* Prepares one freshly read article for the index, the same way for every
 * way in (files, stdin, HTTP): normalises it, extracts its entities from
 * title and text with gz (borrowed), and takes a missing publication date
 * from the text (published_inferred).  On SITREP_ERR_INVALID writes the
 * reason. */
sitrep_status sitrep_article_prepare(struct sitrep_article *a, const sitrep_gazetteer *gz,
                                     size_t max_record_bytes, char *reason, size_t reason_len);

#endif
