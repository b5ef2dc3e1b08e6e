/* store-writer.cc - the single writer.
 *
 * The writer always holds an open transaction: commit ends it durably and
 * starts the next, and destroying the writer cancels whatever was not
 * committed.  So a batch lands whole or not at all, whatever stops the
 * process.
 *
 * Near-duplicates are grouped here, at write time, because only the writer
 * sees every article (its own uncommitted ones included: a WritableDatabase
 * searches its pending changes, so copies within one batch find each
 * other).  Each put looks up the articles that share a MinHash band with
 * the new one (dedup.h), compares their signatures, and files the new
 * article in the group of the most similar one at or above
 * SITREP_DEDUP_THRESHOLD; else it starts a group named by its own id.
 * Grouping is thus by first arrival and transitive: a copy of a copy joins
 * the original's group even when it drifted further from the original. */
#include "store-private.hh"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "dedup.h"

using sitrep_store::map_exception;

namespace {

/* Candidates compared per put, those sharing the most bands first.  A copy
 * shares nearly all 20 bands; unrelated articles that share one by chance
 * rank below it, so a few dozen is plenty even on a large index. */
constexpr Xapian::doccount max_candidates = 32;

/* The terms of doc that start with the prefix of field. */
std::vector<std::string> terms_of(const Xapian::Document &doc, enum sitrep_field field)
{
    const std::string prefix = sitrep_schema[field].prefix;
    std::vector<std::string> out;
    Xapian::TermIterator t = doc.termlist_begin();
    for (t.skip_to(prefix); t != doc.termlist_end(); ++t) {
        if ((*t).compare(0, prefix.size(), prefix) != 0)
            break;
        out.push_back(*t);
    }
    return out;
}

/* The group key for d: that of its most similar earlier copy, else its own
 * id.  The article itself (an upsert) is never its own candidate. */
std::string find_group(Xapian::WritableDatabase &db, const sitrep_doc *d)
{
    struct sitrep_dedup_sig sig, other;
    std::string fp = d->doc.get_value(SITREP_SLOT_FINGERPRINT);
    if (!sitrep_dedup_decode(fp.data(), fp.size(), &sig))
        return d->id;
    std::vector<std::string> bands = terms_of(d->doc, SITREP_FIELD_DEDUP_BAND);
    if (bands.empty())
        return d->id;
    Xapian::Query any(Xapian::Query::OP_OR, bands.begin(), bands.end());
    Xapian::Enquire enq(db);
    enq.set_query(Xapian::Query(Xapian::Query::OP_AND_NOT, any, Xapian::Query(d->id_term)));
    /* Weight = the number of bands shared. */
    enq.set_weighting_scheme(Xapian::CoordWeight());
    Xapian::MSet m = enq.get_mset(0, max_candidates);
    std::string group = d->id;
    double best = 0;
    for (Xapian::MSetIterator it = m.begin(); it != m.end(); ++it) {
        Xapian::Document c = it.get_document();
        std::string v = c.get_value(SITREP_SLOT_FINGERPRINT);
        if (!sitrep_dedup_decode(v.data(), v.size(), &other))
            continue;
        double sim = sitrep_dedup_similarity(&sig, &other);
        std::string g = c.get_value(SITREP_SLOT_GROUP);
        if (sim >= SITREP_DEDUP_THRESHOLD && sim > best && !g.empty()) {
            best = sim;
            group = g;
        }
    }
    return group;
}

} // namespace

extern "C" {

sitrep_status sitrep_writer_open(const char *path, sitrep_writer **out, char **errmsg) noexcept
{
    sitrep_writer *w = nullptr;
    sitrep_status st = SITREP_OK;
    std::string msg;

    *out = nullptr;
    if (errmsg)
        *errmsg = nullptr;
    try {
        w = new sitrep_writer;
        w->db = Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN);
        st = sitrep_store::check_schema(w->db, msg);
        if (st == SITREP_OK &&
            w->db.get_metadata(SITREP_META_SCHEMA_VERSION) != SITREP_SCHEMA_VERSION) {
            w->db.set_metadata(SITREP_META_SCHEMA_VERSION, SITREP_SCHEMA_VERSION);
            w->db.commit();
        }
        if (st == SITREP_OK)
            w->db.begin_transaction(true);
    } catch (...) {
        st = map_exception(msg);
    }
    if (st != SITREP_OK) {
        sitrep_store::open_error(errmsg, path, st, msg);
        delete w;
        return st;
    }
    *out = w;
    return SITREP_OK;
}

sitrep_status sitrep_writer_put(sitrep_writer *w, const sitrep_doc *d) noexcept
{
    if (d->id_term.empty()) {
        w->error = "document has no id";
        return SITREP_ERR_INVALID;
    }
    char *term = nullptr;
    sitrep_status st = SITREP_OK;
    try {
        std::string group = find_group(w->db, d);
        /* A handle on the caller's document, not a copy: the group is
         * recorded on it (replacing one an earlier put recorded). */
        Xapian::Document doc = d->doc;
        for (const std::string &t : terms_of(doc, SITREP_FIELD_GROUP))
            doc.remove_term(t);
        term = sitrep_schema_term(SITREP_FIELD_GROUP, group.c_str());
        if (!term)
            throw std::bad_alloc();
        doc.add_boolean_term(term);
        doc.add_value(SITREP_SLOT_GROUP, group);
        w->db.replace_document(d->id_term, doc);
    } catch (...) {
        st = map_exception(w->error);
    }
    std::free(term);
    return st;
}

sitrep_status sitrep_writer_delete(sitrep_writer *w, const char *id) noexcept
{
    char *term = sitrep_schema_term(SITREP_FIELD_ID, id);
    sitrep_status st = SITREP_OK;
    if (!term) {
        w->error = "empty id";
        return SITREP_ERR_INVALID;
    }
    try {
        if (!w->db.term_exists(term)) {
            w->error = std::string("no article with id '") + id + "'";
            st = SITREP_ERR_NOT_FOUND;
        } else {
            w->db.delete_document(term);
        }
    } catch (...) {
        st = map_exception(w->error);
    }
    std::free(term);
    return st;
}

sitrep_status sitrep_writer_commit(sitrep_writer *w) noexcept
{
    try {
        char stamp[32];
        time_t now = time(nullptr);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
        w->db.set_metadata(SITREP_META_LAST_UPDATE, stamp);
        w->db.commit_transaction();
        w->db.begin_transaction(true);
        return SITREP_OK;
    } catch (...) {
        return map_exception(w->error);
    }
}

uint64_t sitrep_writer_documents(sitrep_writer *w) noexcept
{
    try {
        return w->db.get_doccount();
    } catch (...) {
        return 0;
    }
}

sitrep_status sitrep_writer_get_stats(sitrep_writer *w, struct sitrep_db_stats *out) noexcept
{
    std::memset(out, 0, sizeof *out);
    try {
        out->documents = w->db.get_doccount();
        out->revision = w->db.get_revision();
        out->shards = 1;
        std::string lu = w->db.get_metadata(SITREP_META_LAST_UPDATE);
        std::snprintf(out->last_update, sizeof out->last_update, "%s", lu.c_str());
        return SITREP_OK;
    } catch (...) {
        return map_exception(w->error);
    }
}

const char *sitrep_writer_last_error(const sitrep_writer *w) noexcept
{
    return w->error.c_str();
}

void sitrep_writer_destroy(sitrep_writer *w) noexcept
{
    if (!w)
        return;
    try {
        w->db.cancel_transaction();
    } catch (...) {
        /* No transaction open (a commit failed half-way): nothing to cancel. */
    }
    try {
        w->db.close();
    } catch (...) {
    }
    delete w;
}

} // extern "C"
