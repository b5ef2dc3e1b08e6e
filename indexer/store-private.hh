/* store-private.hh - the C++ side of store.h: struct bodies and the exception
 * firewall.  Included only by store-*.cc. */
#ifndef SITREP_STORE_PRIVATE_HH
#define SITREP_STORE_PRIVATE_HH

#include <xapian.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store.h"

struct sitrep_db {
    Xapian::Database db;
    /* The shards of a stub that lists local ones, sharing db's handles (so
     * a reopen of db moves them too): their revisions sum to the index's.
     * Empty for one index folder, or a stub Xapian alone can open. */
    std::vector<Xapian::Database> shards;
    std::string spec;
    std::string error;
};

/* The body of sitrep_writer is private to store-writer.cc. */

struct sitrep_doc {
    Xapian::Document doc;
    Xapian::TermGenerator tg;
    std::string id;      /* as given to sitrep_doc_set_id() */
    std::string id_term;
    bool has_text = false;
};

struct sitrep_query {
    sitrep_db *db = nullptr;
    Xapian::Query text;
    bool has_text = false;
    std::vector<Xapian::Query> filters;
    std::vector<Xapian::Query> excludes;
    /* Which list each sitrep_query_add_filter() went to, in order ('f'
     * filters, 'x' excludes, '-' neither: an empty exclusion), for
     * sitrep_query_pop_filter(). */
    std::string added;
    enum sitrep_sort sort = SITREP_SORT_RELEVANCE;
    bool dedup = false; /* sitrep_query_set_dedup() */
    bool facet_groups = false; /* sitrep_query_set_facet_groups() */
    bool facets[SITREP_FACET_LAST] = {};
    /* sitrep_query_set_place_ranks(): place id -> rank */
    std::unordered_map<std::string, double> place_ranks;
    /* sitrep_query_set_after() */
    bool has_after = false;
    uint64_t after_position = 0;
    Xapian::docid after_docid = 0;
    std::string after_key;
    std::string error;
};

struct sitrep_facet_entry {
    std::string value, label;
    uint64_t count = 0;  /* articles */
    uint64_t unique = 0; /* copy groups */
};

struct sitrep_results {
    Xapian::MSet mset;
    Xapian::Query query;
    std::vector<std::string> data;
    std::vector<std::string> keys;
    std::vector<double> scores;
    std::vector<unsigned> docids;
    std::vector<uint64_t> copies;
    bool dedup = false;
    /* Whether the query holds words a snippet can highlight: -1 until
     * the first snippet asks. */
    int has_words = -1;
    /* The stemmer snippets use: none when the query has no stems ("Z"
     * terms), else English behind a filter on the stems' first bytes. */
    Xapian::Stem snippet_stem;
    uint64_t estimate = 0, lower = 0, upper = 0;
    std::vector<sitrep_facet_entry> facets[SITREP_FACET_LAST];
};

namespace sitrep_store {

/* Maps the exception in flight to a status and stores its message in msg.
 * Call only inside a catch block.  Most-derived classes first. */
sitrep_status map_exception(std::string &msg) noexcept;

/* The stemmer used on both sides: English. */
Xapian::Stem stemmer();

/* The shard paths of a stub that lists only local shards ("auto PATH" or
 * "glass PATH" lines, relative to the stub's folder, as Xapian reads
 * them): the stub is spec itself (a file) or spec/XAPIANDB (a folder that
 * is no glass index).  False for an index folder, an unreadable stub, or one
 * that lists anything else (remote shards), which Xapian alone opens. */
bool local_shards(const std::string &spec, std::vector<std::string> &paths);

/* strdup into malloc'd memory, for strings handed to C. */
char *dup_cstr(const std::string &s) noexcept;

/* The message a failed constructor hands back: "PATH: detail", newly
 * allocated into *errmsg when errmsg is not NULL. */
void open_error(char **errmsg, const char *path, sitrep_status st, const std::string &msg) noexcept;

/* How many times a read runs in all when commits keep overwriting the
 * revision it reads.  A reader survives one commit after its reopen; two
 * (a writer committing every few articles, a slow facet count) discard its
 * revision, and Xapian throws DatabaseModifiedError.  One retry is not
 * enough when commits come every few milliseconds; each attempt starts on
 * the newest revision, so a handful is. */
constexpr int modified_attempts = 8;

/* Runs fn() and returns what it returns; when a commit discarded the
 * revision being read, reopens db and runs fn() again, up to
 * modified_attempts in all, then lets the exception through.  fn must be
 * safe to run again (start afresh).
 *
 * A block reused by the writer while a reader reads it does not always
 * come back as DatabaseModifiedError: the reader may see the block half
 * rewritten and Xapian reports DatabaseCorruptError ("Expected block N to
 * be level 1, not 0").  That is retried too, but only when reopen() finds a
 * newer revision, i.e. a commit did land meanwhile; an index that is really
 * corrupt fails as before. */
template <typename Fn> auto retry_modified(Xapian::Database &db, Fn fn) -> decltype(fn())
{
    for (int attempt = 1;; attempt++) {
        try {
            return fn();
        } catch (const Xapian::DatabaseModifiedError &) {
            if (attempt >= modified_attempts)
                throw;
            db.reopen();
        } catch (const Xapian::DatabaseCorruptError &) {
            if (attempt >= modified_attempts || !db.reopen())
                throw;
        }
    }
}

/* Checks the schema version recorded in db; SITREP_ERR_SCHEMA with a message
 * when it differs. */
sitrep_status check_schema(const Xapian::Database &db, std::string &msg);

/* Facet lists (sitrep_doc_add_facet()): in a value slot, each entry is its
 * value, a NUL, its label (possibly empty) and a NUL.  C strings cannot hold
 * a NUL, so the encoding needs no escapes.  Reads the entry at pos into value
 * and label and moves pos past it; false at the end of list or on a
 * truncated entry. */
bool facet_list_next(std::string_view list, size_t &pos, std::string_view &value,
                     std::string_view &label);

} // namespace sitrep_store

#endif
