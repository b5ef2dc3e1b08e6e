/* store-writer.cc - the single writer.
 *
 * The writer always holds an open transaction: commit ends it durably and
 * starts the next, and destroying the writer cancels whatever was not
 * committed.  So a batch lands whole or not at all, whatever stops the
 * process. */
#include "store-private.hh"

#include <cstdio>
#include <cstring>
#include <ctime>

using sitrep_store::map_exception;

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
    try {
        w->db.replace_document(d->id_term, d->doc);
        return SITREP_OK;
    } catch (...) {
        return map_exception(w->error);
    }
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
