/* store-terms.cc - the index's vocabulary: which filter terms exist, how many
 * documents hold each, and the label an entity was indexed with.  The server
 * answers entity autocompletion and near= from these without running a
 * query. */
#include "store-private.hh"

#include <cstdlib>

using sitrep_store::map_exception;

struct sitrep_terms {
    sitrep_db *db = nullptr;
    std::string prefix;
    Xapian::TermIterator it, end;
    std::string current; /* the term under it, kept for _get's borrow */
    uint64_t freq = 0;
    bool valid = false;
    sitrep_status status = SITREP_OK;
};

/* Loads the term under t->it, or marks the walk finished.  Throws what
 * Xapian throws. */
static void load(sitrep_terms *t)
{
    if (t->it == t->end) {
        t->valid = false;
        return;
    }
    std::string term = *t->it;
    t->freq = t->it.get_termfreq();
    t->current = std::move(term);
    t->valid = true;
}

/* After a reopen (a commit discarded the revision being walked): the walk
 * goes on in the newest revision, after the last term handed out. */
static void seek_past_current(sitrep_terms *t)
{
    Xapian::Database &db = t->db->db;
    t->it = db.allterms_begin(t->prefix);
    t->end = db.allterms_end(t->prefix);
    t->it.skip_to(t->current);
    if (t->it != t->end && *t->it == t->current)
        ++t->it;
}

extern "C" {

sitrep_status sitrep_db_term_freq(sitrep_db *h, const char *term, uint64_t *freq) noexcept
{
    *freq = 0;
    try {
        *freq = sitrep_store::retry_modified(h->db,
                                             [&] { return h->db.get_termfreq(term ? term : ""); });
        return SITREP_OK;
    } catch (...) {
        return map_exception(h->error);
    }
}

sitrep_status sitrep_db_terms(sitrep_db *h, const char *prefix, sitrep_terms **out) noexcept
{
    sitrep_terms *t = nullptr;
    *out = nullptr;
    try {
        t = new sitrep_terms;
        t->db = h;
        t->prefix = prefix ? prefix : "";
        sitrep_store::retry_modified(h->db, [&] {
            t->it = h->db.allterms_begin(t->prefix);
            t->end = h->db.allterms_end(t->prefix);
            load(t);
        });
        *out = t;
        return SITREP_OK;
    } catch (...) {
        delete t;
        return map_exception(h->error);
    }
}

bool sitrep_terms_valid(const sitrep_terms *t) noexcept
{
    return t->valid;
}

const char *sitrep_terms_get(const sitrep_terms *t, size_t *len) noexcept
{
    if (len)
        *len = t->valid ? t->current.size() : 0;
    return t->valid ? t->current.c_str() : "";
}

uint64_t sitrep_terms_freq(const sitrep_terms *t) noexcept
{
    return t->valid ? t->freq : 0;
}

void sitrep_terms_next(sitrep_terms *t) noexcept
{
    if (!t->valid)
        return;
    try {
        bool again = false;
        sitrep_store::retry_modified(t->db->db, [&] {
            if (again)
                seek_past_current(t);
            else
                ++t->it;
            again = true;
            load(t);
        });
    } catch (...) {
        /* A failed step ends the walk; _status says why. */
        t->valid = false;
        t->status = map_exception(t->db->error);
    }
}

sitrep_status sitrep_terms_status(const sitrep_terms *t) noexcept
{
    return t->status;
}

void sitrep_terms_destroy(sitrep_terms *t) noexcept
{
    delete t;
}

sitrep_status sitrep_db_facet_label(sitrep_db *h, const char *term, enum sitrep_slot slot,
                                    const char *value, char **label) noexcept
{
    *label = nullptr;
    try {
        if (!term || !*term) {
            h->error = "no document holds ''";
            return SITREP_ERR_NOT_FOUND;
        }
        std::string list;
        bool found = sitrep_store::retry_modified(h->db, [&] {
            Xapian::PostingIterator p = h->db.postlist_begin(term);
            if (p == h->db.postlist_end(term))
                return false;
            list = h->db.get_document(*p).get_value(slot);
            return true;
        });
        if (!found) {
            h->error = std::string("no document holds '") + term + "'";
            return SITREP_ERR_NOT_FOUND;
        }
        std::string_view v, l;
        size_t pos = 0;
        while (sitrep_store::facet_list_next(list, pos, v, l)) {
            if (v == value) {
                *label = sitrep_store::dup_cstr(std::string(l));
                return *label ? SITREP_OK : SITREP_ERR_NOMEM;
            }
        }
        h->error = std::string("the facet list lacks '") + value + "'";
        return SITREP_ERR_NOT_FOUND;
    } catch (...) {
        return map_exception(h->error);
    }
}

} // extern "C"
