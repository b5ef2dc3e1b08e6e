/* store-common.cc - the exception firewall and helpers shared by the wrapper's
 * files, plus document building. */
#include "store-private.hh"

#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>

#include "schema.h"

namespace sitrep_store {

sitrep_status map_exception(std::string &msg) noexcept
{
    sitrep_status st = SITREP_ERR_INTERNAL;
    try {
        try {
            throw;
        } catch (const Xapian::DatabaseLockError &e) {
            st = SITREP_ERR_DB_LOCKED;
            msg = e.get_description();
        } catch (const Xapian::DatabaseModifiedError &e) {
            st = SITREP_ERR_DB_MODIFIED;
            msg = e.get_description();
        } catch (const Xapian::DatabaseNotFoundError &e) {
            st = SITREP_ERR_DB_NOT_FOUND;
            msg = e.get_description();
        } catch (const Xapian::DatabaseCorruptError &e) {
            st = SITREP_ERR_DB_CORRUPT;
            msg = e.get_description();
        } catch (const Xapian::DatabaseOpeningError &e) {
            st = SITREP_ERR_DB_OPENING;
            msg = e.get_description();
        } catch (const Xapian::QueryParserError &e) {
            st = SITREP_ERR_QUERY_SYNTAX;
            msg = e.get_msg();
        } catch (const Xapian::Error &e) {
            st = SITREP_ERR_XAPIAN;
            msg = e.get_description();
        } catch (const std::bad_alloc &) {
            st = SITREP_ERR_NOMEM;
            msg.clear();
        } catch (const std::exception &e) {
            st = SITREP_ERR_INTERNAL;
            msg = e.what();
        } catch (...) {
            st = SITREP_ERR_INTERNAL;
            msg = "unknown C++ exception";
        }
    } catch (...) {
        /* Assigning the message itself failed: keep the status. */
    }
    return st;
}

Xapian::Stem stemmer()
{
    return Xapian::Stem("english");
}

/* local_shards() to a nesting depth: a stub's shard may be a stub itself
 * (an index of shards, listed beside others); its shards are listed in its
 * place, so each path is one glass folder.  A loop of stubs ends at the
 * depth limit. */
static bool local_shards_at(const std::string &spec, std::vector<std::string> &paths, int depth)
{
    struct stat sb;
    std::string stub = spec, line;

    if (depth > 8 || stat(spec.c_str(), &sb) != 0)
        return false;
    if (S_ISDIR(sb.st_mode)) {
        if (stat((spec + "/iamglass").c_str(), &sb) == 0)
            return false;
        stub = spec + "/XAPIANDB";
    }
    std::ifstream in(stub);
    if (!in)
        return false;
    std::string::size_type slash = stub.rfind('/');
    std::string folder = slash == std::string::npos ? "" : stub.substr(0, slash + 1);
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::string::size_type space = line.find(' ');
        std::string type = line.substr(0, space);
        if (space == std::string::npos || (type != "auto" && type != "glass"))
            return false;
        std::string path = line.substr(space + 1);
        if (path.empty())
            return false;
        if (path[0] != '/')
            path = folder + path;
        std::vector<std::string> inner;
        if (local_shards_at(path, inner, depth + 1))
            paths.insert(paths.end(), inner.begin(), inner.end());
        else
            paths.push_back(path);
    }
    return !paths.empty();
}

bool local_shards(const std::string &spec, std::vector<std::string> &paths)
{
    paths.clear();
    return local_shards_at(spec, paths, 0);
}

char *dup_cstr(const std::string &s) noexcept
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (p) {
        std::memcpy(p, s.data(), s.size());
        p[s.size()] = '\0';
    }
    return p;
}

void open_error(char **errmsg, const char *path, sitrep_status st, const std::string &msg) noexcept
{
    if (!errmsg)
        return;
    try {
        /* Xapian's lock message names a lock file; say what it means. */
        std::string detail = st == SITREP_ERR_DB_LOCKED ? "another process is writing this index"
                             : msg.empty()              ? sitrep_status_to_string(st)
                                                        : msg;
        *errmsg = dup_cstr(std::string(path) + ": " + detail);
    } catch (...) {
        *errmsg = nullptr;
    }
}

sitrep_status check_schema(const Xapian::Database &db, std::string &msg)
{
    std::string v = db.get_metadata(SITREP_META_SCHEMA_VERSION);
    if (v.empty() && db.get_doccount() == 0)
        return SITREP_OK;
    if (v != SITREP_SCHEMA_VERSION) {
        msg = "index has schema version '" + v + "', this program needs '" +
              SITREP_SCHEMA_VERSION + "': rebuild the index";
        return SITREP_ERR_SCHEMA;
    }
    return SITREP_OK;
}

bool facet_list_next(std::string_view list, size_t &pos, std::string_view &value,
                     std::string_view &label)
{
    size_t v_end = list.find('\0', pos);
    if (v_end == std::string_view::npos)
        return false;
    size_t l_end = list.find('\0', v_end + 1);
    if (l_end == std::string_view::npos)
        return false;
    value = list.substr(pos, v_end - pos);
    label = list.substr(v_end + 1, l_end - v_end - 1);
    pos = l_end + 1;
    return true;
}

} // namespace sitrep_store

using sitrep_store::map_exception;

extern "C" {

sitrep_status sitrep_doc_new(sitrep_doc **out) noexcept
{
    *out = nullptr;
    try {
        sitrep_doc *d = new sitrep_doc;
        d->tg.set_stemmer(sitrep_store::stemmer());
        d->tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
        d->tg.set_document(d->doc);
        *out = d;
        return SITREP_OK;
    } catch (...) {
        std::string ignored;
        return map_exception(ignored);
    }
}

sitrep_status sitrep_doc_set_id(sitrep_doc *d, const char *id) noexcept
{
    char *term = sitrep_schema_term(SITREP_FIELD_ID, id);
    sitrep_status st = SITREP_OK;
    if (!term)
        return id && *id ? SITREP_ERR_NOMEM : SITREP_ERR_INVALID;
    try {
        if (!d->id_term.empty())
            d->doc.remove_term(d->id_term);
        d->id_term = term;
        d->id = id;
        d->doc.add_boolean_term(d->id_term);
    } catch (...) {
        std::string ignored;
        st = map_exception(ignored);
    }
    std::free(term);
    return st;
}

sitrep_status sitrep_doc_index_text(sitrep_doc *d, enum sitrep_field field, const char *text,
                                    size_t len) noexcept
{
    if ((unsigned)field >= SITREP_FIELD_LAST || sitrep_schema[field].kind != SITREP_KIND_TEXT)
        return SITREP_ERR_INVALID;
    try {
        std::string t(text, len);
        /* A gap between fields, so phrases never match across them. */
        if (d->has_text)
            d->tg.increase_termpos(100);
        d->tg.index_text(t, 1, sitrep_schema[field].prefix);
        if (field == SITREP_FIELD_TITLE) {
            d->tg.increase_termpos(100);
            d->tg.index_text(t);
        }
        d->has_text = true;
        return SITREP_OK;
    } catch (...) {
        std::string ignored;
        return map_exception(ignored);
    }
}

sitrep_status sitrep_doc_add_term(sitrep_doc *d, enum sitrep_field field, const char *value) noexcept
{
    char *term = sitrep_schema_term(field, value);
    sitrep_status st = SITREP_OK;
    if (!term)
        return (value && *value && sitrep_schema[field].kind == SITREP_KIND_BOOLEAN)
                   ? SITREP_ERR_NOMEM
                   : SITREP_ERR_INVALID;
    try {
        d->doc.add_boolean_term(term);
    } catch (...) {
        std::string ignored;
        st = map_exception(ignored);
    }
    std::free(term);
    return st;
}

sitrep_status sitrep_doc_set_value(sitrep_doc *d, enum sitrep_slot slot, const char *value,
                                   size_t len) noexcept
{
    try {
        d->doc.add_value(slot, std::string(value, len));
        return SITREP_OK;
    } catch (...) {
        std::string ignored;
        return map_exception(ignored);
    }
}

/* True when slot holds a facet list in the schema. */
static bool is_list_slot(enum sitrep_slot slot)
{
    for (int f = 0; f < SITREP_FACET_LAST; f++)
        if (sitrep_facets[f].slot == slot && sitrep_facets[f].key_bytes == 0)
            return true;
    return false;
}

sitrep_status sitrep_doc_add_facet(sitrep_doc *d, enum sitrep_slot slot, const char *value,
                                   const char *label) noexcept
{
    if (!value || !*value || !is_list_slot(slot))
        return SITREP_ERR_INVALID;
    try {
        /* Lists are short (the places of one article), so a linear look for
         * the value is cheaper than keeping a set beside the document. */
        std::string list = d->doc.get_value(slot);
        std::string_view v, l;
        size_t pos = 0;
        while (sitrep_store::facet_list_next(list, pos, v, l))
            if (v == value)
                return SITREP_OK;
        list.append(value);
        list.push_back('\0');
        if (label)
            list.append(label);
        list.push_back('\0');
        d->doc.add_value(slot, list);
        return SITREP_OK;
    } catch (...) {
        std::string ignored;
        return map_exception(ignored);
    }
}

sitrep_status sitrep_doc_set_data(sitrep_doc *d, const char *data, size_t len) noexcept
{
    try {
        d->doc.set_data(std::string(data, len));
        return SITREP_OK;
    } catch (...) {
        std::string ignored;
        return map_exception(ignored);
    }
}

void sitrep_doc_destroy(sitrep_doc *d) noexcept
{
    delete d;
}

} // extern "C"
