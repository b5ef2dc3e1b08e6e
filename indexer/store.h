/* store.h - the C API over Xapian.  Pure C11; the only C++ in the project
 * lives behind it, in store-*.cc.
 *
 * Handles are opaque.  Every function returns a sitrep_status (0 = OK) unless
 * it is a plain accessor; the detail of a failure is kept on the handle and
 * read with the handle's _last_error(), which is valid until the next call on
 * that handle.  Constructors, which have no handle yet, hand back a message
 * through char **errmsg (newly allocated, caller frees; may be NULL).  No C++
 * exception ever crosses this API: each entry point catches everything.
 *
 * Threads: no two threads may use one handle at the same time (SQLite's
 * contract).  Several threads each open their own sitrep_db; a copy would
 * share state.  One process at a time may hold a sitrep_writer on an index.
 * Every read (open, stats, records, terms, queries) reopens its handle and
 * runs again, up to 8 times in all, when the writer's commits discard the
 * revision it reads, so SITREP_ERR_DB_MODIFIED reaches a caller only under
 * a writer that commits faster than any read can finish.
 *
 * Example (error handling shortened):
 *
 *     sitrep_db *db;  sitrep_query *q;  sitrep_results *r;
 *     sitrep_db_open("var/index", &db, &err);
 *     sitrep_query_new(db, &q);
 *     sitrep_query_set_text(q, "shelling kharkiv", NULL, NULL);
 *     sitrep_query_run(q, 0, 20, 0, &r);
 *     for (size_t i = 0; i < sitrep_results_count(r); i++) {
 *         struct sitrep_hit hit;
 *         sitrep_results_get(r, i, &hit);   ... hit.data is the stored JSON ...
 *     }
 *     sitrep_results_destroy(r); sitrep_query_destroy(q); sitrep_db_destroy(db);
 */
#ifndef SITREP_STORE_H
#define SITREP_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schema.h"
#include "sitrep.h"

#ifdef __cplusplus
#define SITREP_NOEXCEPT noexcept
extern "C" {
#else
#define SITREP_NOEXCEPT
#endif

typedef struct sitrep_db sitrep_db;
typedef struct sitrep_writer sitrep_writer;
typedef struct sitrep_doc sitrep_doc;
typedef struct sitrep_query sitrep_query;
typedef struct sitrep_results sitrep_results;

/* ---- reading ---------------------------------------------------------- */

/* Opens an index read-only.  spec is an index directory, or a Xapian stub
 * file that lists several shards (local paths, or "remote HOST:PORT" lines
 * served by xapian-tcpsrv): this is the one place the server opens its index,
 * so sharding needs no other change.  Checks the schema version
 * (SITREP_ERR_SCHEMA on mismatch).  On success *out is a new handle the caller
 * destroys; on failure *out is NULL and *errmsg (if errmsg is not NULL) a
 * message the caller frees. */
sitrep_status sitrep_db_open(const char *spec, sitrep_db **out, char **errmsg) SITREP_NOEXCEPT;

/* Moves the handle to the latest committed revision; cheap when nothing
 * changed.  Call at the start of each request. */
sitrep_status sitrep_db_reopen(sitrep_db *db) SITREP_NOEXCEPT;

struct sitrep_db_stats {
    uint64_t documents;
    uint64_t revision;     /* Xapian revision; the sum over shards */
    char last_update[40];  /* ISO 8601 of the last commit, or "" */
    unsigned shards;
};
sitrep_status sitrep_db_get_stats(sitrep_db *db, struct sitrep_db_stats *out) SITREP_NOEXCEPT;

/* Fetches the stored record (JSON text) of the article with this id.
 * *data is newly allocated and NUL-terminated; the caller frees it.
 * SITREP_ERR_NOT_FOUND when no such article exists. */
sitrep_status sitrep_db_get_record(sitrep_db *db, const char *id, char **data, size_t *len) SITREP_NOEXCEPT;

/* Borrowed message of the last failure on db; valid until the next call. */
const char *sitrep_db_last_error(const sitrep_db *db) SITREP_NOEXCEPT;
void sitrep_db_destroy(sitrep_db *db) SITREP_NOEXCEPT;

/* ---- the vocabulary (store-terms.cc) ---------------------------------- */

/* What the index itself knows about its entities: which filter terms exist
 * and how many documents hold each.  A boolean term's document count is
 * exactly what a filter on it returns (schema.h), so these are the counts
 * the API shows for places and persons. */

/* Sets *freq to the number of documents that hold term (complete, prefix
 * included; 0 when none does).  Over several shards, the sum. */
sitrep_status sitrep_db_term_freq(sitrep_db *db, const char *term, uint64_t *freq) SITREP_NOEXCEPT;

/* Iterates over the terms of the index that start with prefix, in byte
 * order, with their document counts:
 *
 *     sitrep_terms *t;
 *     if (sitrep_db_terms(db, "XPgeonames:", &t) != SITREP_OK) ...;
 *     for (; sitrep_terms_valid(t); sitrep_terms_next(t))
 *         use(sitrep_terms_get(t, NULL), sitrep_terms_freq(t));
 *     if (sitrep_terms_status(t) != SITREP_OK) ... (message: sitrep_db_last_error(db))
 *     sitrep_terms_destroy(t);
 *
 * The iterator borrows db (which must outlive it and see no other call
 * meanwhile, so no reopen moves it) and is new on success; the caller
 * destroys it.  _status tells exhaustion (SITREP_OK) from failure after
 * _valid turns false.  Costs one B-tree walk over the matching terms.  When
 * a commit discards the revision being walked, the iterator reopens db and
 * goes on after the last term in the newest revision (so counts may come
 * from two revisions; no term is handed out twice). */
typedef struct sitrep_terms sitrep_terms;
sitrep_status sitrep_db_terms(sitrep_db *db, const char *prefix, sitrep_terms **out) SITREP_NOEXCEPT;
bool sitrep_terms_valid(const sitrep_terms *t) SITREP_NOEXCEPT;
/* The current term, prefix included; borrowed until the next call on t.
 * *len (when len is not NULL) is its length. */
const char *sitrep_terms_get(const sitrep_terms *t, size_t *len) SITREP_NOEXCEPT;
uint64_t sitrep_terms_freq(const sitrep_terms *t) SITREP_NOEXCEPT;
void sitrep_terms_next(sitrep_terms *t) SITREP_NOEXCEPT;
sitrep_status sitrep_terms_status(const sitrep_terms *t) SITREP_NOEXCEPT;
void sitrep_terms_destroy(sitrep_terms *t) SITREP_NOEXCEPT;

/* The label stored beside value in the facet list of slot (schema.h) of the
 * first document that holds term: the name the indexer gave an entity
 * ("Vladimir Putin" for XPEperson:vladimir-putin in slot 2).  *label is
 * newly allocated (the caller frees it); "" when the list has the value
 * without a label.  SITREP_ERR_NOT_FOUND when no document holds term or its
 * list lacks value. */
sitrep_status sitrep_db_facet_label(sitrep_db *db, const char *term, enum sitrep_slot slot,
                                    const char *value, char **label) SITREP_NOEXCEPT;

/* ---- documents -------------------------------------------------------- */

/* A document under construction.  Owned by the caller until passed to
 * sitrep_writer_put(), which does not take it: the caller still destroys it. */
sitrep_status sitrep_doc_new(sitrep_doc **out) SITREP_NOEXCEPT;
/* The unique id (the Q term); required before sitrep_writer_put(). */
sitrep_status sitrep_doc_set_id(sitrep_doc *doc, const char *id) SITREP_NOEXCEPT;
/* Runs text through the term generator (stemmed English, positions kept) for
 * a text field of the schema.  Title text is indexed both with its prefix and
 * unprefixed, so plain queries find title words. */
sitrep_status sitrep_doc_index_text(sitrep_doc *doc, enum sitrep_field field, const char *text,
                                    size_t len) SITREP_NOEXCEPT;
/* Adds a boolean filter term for field and value (normalised by
 * sitrep_schema_term()). Adding the same term twice is harmless. */
sitrep_status sitrep_doc_add_term(sitrep_doc *doc, enum sitrep_field field, const char *value) SITREP_NOEXCEPT;
sitrep_status sitrep_doc_set_value(sitrep_doc *doc, enum sitrep_slot slot, const char *value,
                                   size_t len) SITREP_NOEXCEPT;
/* Adds value, with a display label (NULL or "" for none), to the facet list
 * in slot, one of the list slots of the schema (schema.h).  A value already
 * in the list is left as it is, so each document counts once per value.
 * Both strings are copied.  SITREP_ERR_INVALID when value is empty or slot
 * holds no list. */
sitrep_status sitrep_doc_add_facet(sitrep_doc *doc, enum sitrep_slot slot, const char *value,
                                   const char *label) SITREP_NOEXCEPT;
/* The stored record, copied. */
sitrep_status sitrep_doc_set_data(sitrep_doc *doc, const char *data, size_t len) SITREP_NOEXCEPT;
void sitrep_doc_destroy(sitrep_doc *doc) SITREP_NOEXCEPT;

/* ---- writing ---------------------------------------------------------- */

/* Opens (creating if needed) the index directory path for writing and
 * records the schema version in a new index.  A new index gets new_shards
 * shards (0 or 1: one plain glass folder; more: a folder of shards listed
 * in path/XAPIANDB, written in parallel, store-writer.cc); an existing
 * index keeps its own.  SITREP_ERR_DB_LOCKED when another writer holds it.
 * Constructor conventions as sitrep_db_open(). */
sitrep_status sitrep_writer_open(const char *path, unsigned new_shards, sitrep_writer **out,
                                 char **errmsg) SITREP_NOEXCEPT;
/* Adds or replaces (by id) each of the n documents, in order, the shards in
 * parallel; returns when all are written (not durable until committed).
 * Files each in a near-duplicate group (schema.h, XG and slot 6): that of
 * the most similar article already written (committed or not, the batch's
 * earlier ones included) whose text signature (slot 5) is within
 * SITREP_DEDUP_THRESHOLD (dedup.h), else a group of its own named by its
 * id.  The group is recorded on each doc itself, which the caller still
 * owns (and must not use from another thread during the call); putting doc
 * again recomputes it.  On failure some documents may be written and some
 * not: commit nothing, destroy the writer. */
sitrep_status sitrep_writer_put_batch(sitrep_writer *w, const sitrep_doc *const *docs,
                                      size_t n) SITREP_NOEXCEPT;
/* sitrep_writer_put_batch() of one document. */
sitrep_status sitrep_writer_put(sitrep_writer *w, const sitrep_doc *doc) SITREP_NOEXCEPT;
/* Deletes the article with this id; SITREP_ERR_NOT_FOUND if there is none. */
sitrep_status sitrep_writer_delete(sitrep_writer *w, const char *id) SITREP_NOEXCEPT;
/* Makes every change so far durable and visible to readers, and stamps
 * sitrep.last_update; the shards commit in parallel. */
sitrep_status sitrep_writer_commit(sitrep_writer *w) SITREP_NOEXCEPT;
uint64_t sitrep_writer_documents(sitrep_writer *w) SITREP_NOEXCEPT;
/* What a reader opened now would see: documents, revision and last_update
 * as of the last commit (uncommitted changes are not counted in revision,
 * but are in documents), and the shards.  For the server, which answers a write
 * with the revision it made. */
sitrep_status sitrep_writer_get_stats(sitrep_writer *w, struct sitrep_db_stats *out) SITREP_NOEXCEPT;
const char *sitrep_writer_last_error(const sitrep_writer *w) SITREP_NOEXCEPT;
/* Releases the lock.  Changes not yet committed are discarded, so that an
 * interrupted batch never half-lands. */
void sitrep_writer_destroy(sitrep_writer *w) SITREP_NOEXCEPT;

/* ---- querying --------------------------------------------------------- */

/* Resolves the value of an entity field written in query text ("place:Kharkiv",
 * "person:Putin") into filter terms.  Writes at most max newly allocated terms
 * to terms[] (the wrapper frees them) and returns how many; 0 means the value
 * names nothing, and the clause then matches nothing.  Must not fail in any
 * other way. */
typedef size_t (*sitrep_resolve_fn)(void *ctx, enum sitrep_field field, const char *value,
                                    char **terms, size_t max);

enum sitrep_sort {
    SITREP_SORT_RELEVANCE,
    SITREP_SORT_DATE_DESC,
    SITREP_SORT_DATE_ASC,
    SITREP_SORT_PLACE_RANK, /* by sitrep_query_set_place_ranks() */
};

/* A query against db, which is borrowed and must outlive the query. */
sitrep_status sitrep_query_new(sitrep_db *db, sitrep_query **out) SITREP_NOEXCEPT;

/* Parses free text in Xapian syntax (AND OR NOT, "phrases", -term, NEAR,
 * wildcards, and the fields of the schema with a query_name: title:,
 * place:, person:, source:, lang:).  The default operator is AND.  Entity
 * fields go through resolve (when not NULL).  SITREP_ERR_QUERY_SYNTAX with the
 * parser's message on the handle when it does not parse. */
sitrep_status sitrep_query_set_text(sitrep_query *q, const char *text, sitrep_resolve_fn resolve,
                                    void *ctx) SITREP_NOEXCEPT;

/* Adds a filter: a document matches when it has any of the n terms (OR
 * within one call); separate calls are ANDed.  With exclude, documents with
 * any of the terms are removed instead.  Filters do not change ranking. The
 * terms are complete (prefix included, as from sitrep_schema_term()) and
 * copied. */
sitrep_status sitrep_query_add_filter(sitrep_query *q, const char *const *terms, size_t n,
                                      bool exclude) SITREP_NOEXCEPT;

/* Removes the filter (or exclusion) sitrep_query_add_filter() added last,
 * so that one query runs under several extra filters in turn:
 *
 *     for each place: add_filter(q, {term}, 1, false); run(q, ...); pop_filter(q);
 *
 * SITREP_ERR_INVALID when there is none. */
sitrep_status sitrep_query_pop_filter(sitrep_query *q) SITREP_NOEXCEPT;

/* The order of hits.  Relevance is by weight, ties by ascending docid;
 * relevance without text is date_desc.  The date orders are by the
 * publication value, ties by docid in the same direction, and ignore
 * weights: (date, docid) is a total order, which sitrep_query_set_after()
 * relies on. */
void sitrep_query_set_sort(sitrep_query *q, enum sitrep_sort sort) SITREP_NOEXCEPT;

/* Ranks places for SITREP_SORT_PLACE_RANK: values[i] (a value of the
 * places facet list, slot 1: a place id) has rank ranks[i].  That order puts
 * a document by the smallest rank among its places, ascending (the server
 * passes distances); ties, and documents with none of the places (last), by
 * ascending docid.  Copied; a later call replaces the ranks.  Cursors
 * continue such an order by position, as relevance. */
sitrep_status sitrep_query_set_place_ranks(sitrep_query *q, const char *const *values,
                                           const double *ranks, size_t n) SITREP_NOEXCEPT;

/* Collapses near-duplicates (the API's dedup=true) in the next runs, or
 * stops collapsing: one hit per copy group (schema.h, slot 6), the first
 * in the query's order, and totals that count groups.  Each hit then says
 * how many matches its group has (struct sitrep_hit's copies: exact, from
 * one more short count over the groups of the page that have copies at
 * all); facet values count both articles and groups.  A cursor then
 * continues by position, like relevance (sitrep_query_set_after()).  Off
 * by default. */
void sitrep_query_set_dedup(sitrep_query *q, bool collapse) SITREP_NOEXCEPT;

/* Makes facets count copy groups ("unique", struct sitrep_facet_value)
 * without dedup too; with sitrep_query_set_dedup() they always do.  Off
 * by default: remembering which groups were seen is most of what a facet
 * count costs. */
void sitrep_query_set_facet_groups(sitrep_query *q, bool count) SITREP_NOEXCEPT;

/* Asks the next runs to count facet over all matches, not just the page
 * (see sitrep_results_facet()).  Counting visits every match: the run then
 * examines all of them whatever check_at_least says, so totals are exact,
 * and costs one value read per match and facet (the facet lists of
 * schema.h), plus a hash-table update per value found.  Asking twice for
 * one facet counts it once. */
sitrep_status sitrep_query_add_facet(sitrep_query *q, enum sitrep_facet facet) SITREP_NOEXCEPT;

/* Makes the next runs continue after a hit of an earlier run of this same
 * query (text, filters, sort) on the same index revision: position is the
 * number of hits up to and including it (its offset + 1), docid and key
 * its struct sitrep_hit's docid and sort_key (copied).  A run's offset then
 * counts from there and must be 0; its totals still count all matches.
 *
 * The date orders without dedup continue by key, skipping every match that does not sort
 * after (key, docid): no deep heap, so any depth costs about what the first
 * page costs, and every match is examined, so totals are exact.  Relevance,
 * and any order over several shards, continues at offset position, which
 * costs like an offset (Xapian ranks position + limit hits), and so does
 * every order under sitrep_query_set_dedup(), because a group may have
 * copies on both sides of the hit (keyset paging would show it twice);
 * position paging checks that
 * the hit at position - 1 is still docid.
 *
 * SITREP_ERR_INVALID here when position is 0 or over 2^32 - 1, or docid 0.
 * The run fails with SITREP_ERR_NOT_FOUND when the hit is not where the
 * arguments say (the index changed, or they were made up), and with
 * SITREP_ERR_INVALID when its offset is not 0. */
sitrep_status sitrep_query_set_after(sitrep_query *q, uint64_t position, unsigned docid,
                                     const char *key, size_t key_len) SITREP_NOEXCEPT;

/* Runs the query and returns hits [offset, offset + limit).  check_at_least
 * asks Xapian to examine at least that many matches, making totals exact up
 * to it.  Reopens and runs again when commits discard the revision being
 * read (up to 8 times in all, like every read here).  On success *out is a
 * new result set the caller destroys; it stays valid after the query is
 * destroyed. */
sitrep_status sitrep_query_run(sitrep_query *q, unsigned offset, unsigned limit,
                               unsigned check_at_least, sitrep_results **out) SITREP_NOEXCEPT;

/* Newly allocated Xapian description of the built query, for tests and
 * debugging; NULL when out of memory. */
char *sitrep_query_describe(const sitrep_query *q) SITREP_NOEXCEPT;
const char *sitrep_query_last_error(const sitrep_query *q) SITREP_NOEXCEPT;
void sitrep_query_destroy(sitrep_query *q) SITREP_NOEXCEPT;

struct sitrep_hit {
    unsigned docid;
    double score;       /* relevance weight; 0 for pure filters */
    const char *data;   /* the stored record (JSON), borrowed from the results */
    size_t data_len;
    const char *sort_key; /* the publication value "YYYYMMDD" ("" when the
                             article has none, or when the order is not by
                             date: nothing reads it then), borrowed like
                             data; with docid, what sitrep_query_set_after()
                             takes */
    size_t sort_key_len;
    uint64_t copies;    /* matches in the hit's copy group, itself included:
                           1 when alone, and always 1 without dedup */
};

/* One counted facet value; the strings are borrowed from the results. */
struct sitrep_facet_value {
    const char *value; /* as the facet defines it (schema.h) */
    const char *label; /* a name to show, "" when the facet has none */
    uint64_t count;    /* unique with dedup, else articles: what the
                          totals count */
    uint64_t articles; /* matches with this value */
    uint64_t unique;   /* copy groups among them (with sitrep_query_set_dedup()
                          or sitrep_query_set_facet_groups(), else 0):
                          for the place, person, country and source facets
                          the groups with a match that has the value, so
                          a count is what a filter on the value totals;
                          for the month and day facets each group counts
                          once, in the month or day of its earliest match,
                          so that unique counts add up over time like the
                          total does */
};

size_t sitrep_results_count(const sitrep_results *r) SITREP_NOEXCEPT;
/* Totals over all matches: estimate, and the bounds Xapian guarantees.  When
 * lower == upper the estimate is exact. */
void sitrep_results_total(const sitrep_results *r, uint64_t *estimate, uint64_t *lower,
                          uint64_t *upper) SITREP_NOEXCEPT;
/* Fills *hit for the i-th hit of the page; SITREP_ERR_INVALID past the end. */
sitrep_status sitrep_results_get(const sitrep_results *r, size_t i, struct sitrep_hit *hit) SITREP_NOEXCEPT;

/* A snippet of text around the query's terms, about length bytes long, with
 * matched terms between pre and post.  The text is HTML-escaped (Xapian does
 * this); pre and post are inserted verbatim.  *out is newly allocated; the
 * caller frees it.  Falls back to the start of the text when the query has no
 * terms. */
sitrep_status sitrep_results_snippet(sitrep_results *r, const char *text, size_t len,
                                     size_t length, const char *pre, const char *post,
                                     char **out) SITREP_NOEXCEPT;
/* The number of distinct values counted for facet (0 when it was not
 * asked for). */
size_t sitrep_results_facet_size(const sitrep_results *r, enum sitrep_facet facet) SITREP_NOEXCEPT;
/* Fills *out for the i-th value of facet, by count (as above) descending, then value
 * ascending (bytewise); SITREP_ERR_INVALID past the end. */
sitrep_status sitrep_results_facet(const sitrep_results *r, enum sitrep_facet facet, size_t i,
                                   struct sitrep_facet_value *out) SITREP_NOEXCEPT;
void sitrep_results_destroy(sitrep_results *r) SITREP_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif
