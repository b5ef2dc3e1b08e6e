/* store-db.cc - read-only index handles. */
#include "store-private.hh"

#include <cstdio>
#include <cstring>

using sitrep_store::map_exception;

extern "C" {

sitrep_status sitrep_db_open(const char *spec, sitrep_db **out, char **errmsg) noexcept
{
    sitrep_db *h = nullptr;
    sitrep_status st = SITREP_OK;
    std::string msg;

    *out = nullptr;
    if (errmsg)
        *errmsg = nullptr;
    try {
        h = new sitrep_db;
        h->spec = spec;
        /* A stub of local shards is opened shard by shard, so that their
         * revisions can be summed (Xapian 1.4 gives no revision for
         * several); anything else (one folder, remote shards) by Xapian's
         * own constructor, which reads a stub file too. */
        /* Opening reads the tables' roots, which a commit can discard (or
         * half rewrite: DatabaseCorruptError) under it, like any read
         * (retry_modified).  There is no handle to reopen yet, so open
         * again; an index that is really corrupt fails every time. */
        std::vector<std::string> paths;
        bool local = sitrep_store::local_shards(h->spec, paths);
        for (int attempt = 1;; attempt++) {
            try {
                h->db = Xapian::Database();
                h->shards.clear();
                for (const std::string &p : paths) {
                    h->shards.emplace_back(p);
                    h->db.add_database(h->shards.back());
                }
                if (!local)
                    h->db = Xapian::Database(h->spec);
                st = sitrep_store::check_schema(h->db, msg);
                break;
            } catch (const Xapian::DatabaseModifiedError &) {
                if (attempt >= sitrep_store::modified_attempts)
                    throw;
            } catch (const Xapian::DatabaseCorruptError &) {
                if (attempt >= sitrep_store::modified_attempts)
                    throw;
            }
        }
    } catch (...) {
        st = map_exception(msg);
    }
    if (st != SITREP_OK) {
        sitrep_store::open_error(errmsg, spec, st, msg);
        delete h;
        return st;
    }
    *out = h;
    return SITREP_OK;
}

sitrep_status sitrep_db_reopen(sitrep_db *h) noexcept
{
    try {
        h->db.reopen();
        return SITREP_OK;
    } catch (...) {
        return map_exception(h->error);
    }
}

sitrep_status sitrep_db_get_stats(sitrep_db *h, struct sitrep_db_stats *out) noexcept
{
    std::memset(out, 0, sizeof *out);
    try {
        sitrep_store::retry_modified(h->db, [&] {
            out->documents = h->db.get_doccount();
            out->revision = 0;
            out->shards = h->shards.empty() ? 1 : (unsigned)h->shards.size();
            try {
                for (Xapian::Database &s : h->shards)
                    out->revision += s.get_revision();
                if (h->shards.empty())
                    out->revision = h->db.get_revision();
            } catch (const Xapian::InvalidOperationError &) {
                /* Remote shards: Xapian gives no revision. */
                out->revision = 0;
                out->shards = 0;
            }
            std::string lu = h->db.get_metadata(SITREP_META_LAST_UPDATE);
            std::snprintf(out->last_update, sizeof out->last_update, "%s", lu.c_str());
        });
        return SITREP_OK;
    } catch (...) {
        return map_exception(h->error);
    }
}

sitrep_status sitrep_db_get_record(sitrep_db *h, const char *id, char **data, size_t *len) noexcept
{
    char *term = sitrep_schema_term(SITREP_FIELD_ID, id);
    sitrep_status st = SITREP_ERR_NOT_FOUND;

    *data = nullptr;
    if (len)
        *len = 0;
    if (!term) {
        h->error = "empty id";
        return SITREP_ERR_INVALID;
    }
    try {
        std::string d;
        bool found = sitrep_store::retry_modified(h->db, [&] {
            Xapian::PostingIterator p = h->db.postlist_begin(term);
            if (p == h->db.postlist_end(term))
                return false;
            d = h->db.get_document(*p).get_data();
            return true;
        });
        if (!found) {
            h->error = std::string("no article with id '") + id + "'";
            st = SITREP_ERR_NOT_FOUND;
        } else if (!(*data = sitrep_store::dup_cstr(d))) {
            st = SITREP_ERR_NOMEM;
        } else {
            if (len)
                *len = d.size();
            st = SITREP_OK;
        }
    } catch (...) {
        st = map_exception(h->error);
    }
    std::free(term);
    return st;
}

const char *sitrep_db_last_error(const sitrep_db *h) noexcept
{
    return h->error.c_str();
}

void sitrep_db_destroy(sitrep_db *h) noexcept
{
    delete h;
}

} // extern "C"
