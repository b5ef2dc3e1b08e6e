/* store-query.cc - query parsing, filters, running and snippets. */
#include "store-private.hh"

#include <cstdlib>
#include <cstring>

using sitrep_store::map_exception;

namespace {

/* Field values typed in the query text ("place:Kharkiv", "source:bbc.co.uk")
 * become filter terms: entity fields through the caller's resolver (names to
 * gazetteer ids), the others normalised as at indexing time. */
class field_filter : public Xapian::FieldProcessor {
  public:
    field_filter(enum sitrep_field f, sitrep_resolve_fn fn, void *c)
        : field(f), resolve(fn), ctx(c)
    {
    }

    Xapian::Query operator()(const std::string &value) override
    {
        enum { max_terms = 64 };
        char *terms[max_terms];
        size_t n = 0;
        std::vector<Xapian::Query> parts;

        if ((sitrep_schema[field].flags & SITREP_FLAG_ENTITY) && resolve) {
            n = resolve(ctx, field, value.c_str(), terms, max_terms);
            if (n > max_terms)
                n = max_terms;
        } else {
            terms[0] = sitrep_schema_term(field, value.c_str());
            n = terms[0] ? 1 : 0;
        }
        try {
            for (size_t i = 0; i < n; i++)
                parts.emplace_back(std::string(terms[i]));
        } catch (...) {
            for (size_t i = 0; i < n; i++)
                std::free(terms[i]);
            throw;
        }
        for (size_t i = 0; i < n; i++)
            std::free(terms[i]);
        if (parts.empty())
            return Xapian::Query::MatchNothing;
        return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
    }

  private:
    enum sitrep_field field;
    sitrep_resolve_fn resolve;
    void *ctx;
};

} // namespace

extern "C" {

sitrep_status sitrep_query_new(sitrep_db *db, sitrep_query **out) noexcept
{
    *out = nullptr;
    try {
        sitrep_query *q = new sitrep_query;
        q->db = db;
        *out = q;
        return SITREP_OK;
    } catch (...) {
        std::string ignored;
        return map_exception(ignored);
    }
}

sitrep_status sitrep_query_set_text(sitrep_query *q, const char *text, sitrep_resolve_fn resolve,
                                    void *ctx) noexcept
{
    try {
        Xapian::QueryParser qp;
        qp.set_stemmer(sitrep_store::stemmer());
        qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
        qp.set_default_op(Xapian::Query::OP_AND);
        qp.set_database(q->db->db);
        /* Bound wildcard expansion so "a*" cannot ask for the whole lexicon. */
        qp.set_max_expansion(500, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
        for (int f = 0; f < SITREP_FIELD_LAST; f++) {
            const struct sitrep_field_info *info = &sitrep_schema[f];
            if (!info->query_name)
                continue;
            if (info->kind == SITREP_KIND_TEXT) {
                qp.add_prefix(info->query_name, info->prefix);
            } else {
                field_filter *fp = new field_filter(info->field, resolve, ctx);
                /* Entities are multi-valued per article: two place: clauses
                 * mean both places (unique grouping), other fields OR. */
                if (info->flags & SITREP_FLAG_ENTITY) {
                    std::string unique;
                    qp.add_boolean_prefix(info->query_name, fp->release(), &unique);
                } else {
                    qp.add_boolean_prefix(info->query_name, fp->release());
                }
            }
        }
        unsigned flags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
                         Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD |
                         Xapian::QueryParser::FLAG_PURE_NOT;
        Xapian::Query parsed = qp.parse_query(text ? text : "", flags);
        q->text = parsed;
        q->has_text = !parsed.empty();
        return SITREP_OK;
    } catch (...) {
        return map_exception(q->error);
    }
}

sitrep_status sitrep_query_add_filter(sitrep_query *q, const char *const *terms, size_t n,
                                      bool exclude) noexcept
{
    try {
        std::vector<Xapian::Query> parts;
        for (size_t i = 0; i < n; i++)
            parts.emplace_back(std::string(terms[i]));
        Xapian::Query f = parts.empty()
                              ? Xapian::Query::MatchNothing
                              : Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
        if (exclude) {
            if (!parts.empty())
                q->excludes.push_back(f);
        } else {
            q->filters.push_back(f);
        }
        return SITREP_OK;
    } catch (...) {
        return map_exception(q->error);
    }
}

void sitrep_query_set_sort(sitrep_query *q, enum sitrep_sort sort) noexcept
{
    q->sort = sort;
}

static Xapian::Query build(const sitrep_query *q)
{
    /* Never the static Query::MatchAll from threads (notmuch 6273966d). */
    Xapian::Query all = Xapian::Query(std::string());
    Xapian::Query result = q->has_text ? q->text : all;
    for (const Xapian::Query &f : q->filters)
        result = Xapian::Query(Xapian::Query::OP_FILTER, result, f);
    for (const Xapian::Query &e : q->excludes)
        result = Xapian::Query(Xapian::Query::OP_AND_NOT, result, e);
    return result;
}

sitrep_status sitrep_query_run(sitrep_query *q, unsigned offset, unsigned limit,
                               unsigned check_at_least, sitrep_results **out) noexcept
{
    sitrep_results *r = nullptr;
    sitrep_status st = SITREP_OK;

    *out = nullptr;
    for (int attempt = 0; attempt < 2; attempt++) {
        try {
            r = new sitrep_results;
            Xapian::Enquire enq(q->db->db);
            r->query = build(q);
            enq.set_query(r->query);
            switch (q->sort) {
            case SITREP_SORT_RELEVANCE:
                if (!q->has_text)
                    enq.set_sort_by_value_then_relevance(SITREP_SLOT_PUBLISHED, true);
                break;
            case SITREP_SORT_DATE_DESC:
                enq.set_sort_by_value_then_relevance(SITREP_SLOT_PUBLISHED, true);
                enq.set_docid_order(Xapian::Enquire::DESCENDING);
                break;
            case SITREP_SORT_DATE_ASC:
                enq.set_sort_by_value_then_relevance(SITREP_SLOT_PUBLISHED, false);
                enq.set_docid_order(Xapian::Enquire::ASCENDING);
                break;
            }
            r->mset = enq.get_mset(offset, limit, check_at_least);
            r->mset.fetch(r->mset.begin(), r->mset.end());
            for (Xapian::MSetIterator it = r->mset.begin(); it != r->mset.end(); ++it) {
                r->data.push_back(it.get_document().get_data());
                r->scores.push_back(it.get_weight());
                r->docids.push_back(*it);
            }
            r->estimate = r->mset.get_matches_estimated();
            r->lower = r->mset.get_matches_lower_bound();
            r->upper = r->mset.get_matches_upper_bound();
            *out = r;
            return SITREP_OK;
        } catch (...) {
            delete r;
            r = nullptr;
            st = map_exception(q->error);
            if (st != SITREP_ERR_DB_MODIFIED || attempt == 1)
                break;
            /* The snapshot was overwritten by a commit: move to the latest
             * revision and run once more. */
            try {
                q->db->db.reopen();
            } catch (...) {
                st = map_exception(q->error);
                break;
            }
        }
    }
    return st;
}

char *sitrep_query_describe(const sitrep_query *q) noexcept
{
    try {
        return sitrep_store::dup_cstr(build(q).get_description());
    } catch (...) {
        return nullptr;
    }
}

const char *sitrep_query_last_error(const sitrep_query *q) noexcept
{
    return q->error.c_str();
}

void sitrep_query_destroy(sitrep_query *q) noexcept
{
    delete q;
}

size_t sitrep_results_count(const sitrep_results *r) noexcept
{
    return r->data.size();
}

void sitrep_results_total(const sitrep_results *r, uint64_t *estimate, uint64_t *lower,
                          uint64_t *upper) noexcept
{
    if (estimate)
        *estimate = r->estimate;
    if (lower)
        *lower = r->lower;
    if (upper)
        *upper = r->upper;
}

sitrep_status sitrep_results_get(const sitrep_results *r, size_t i, struct sitrep_hit *hit) noexcept
{
    if (i >= r->data.size())
        return SITREP_ERR_INVALID;
    hit->docid = r->docids[i];
    hit->score = r->scores[i];
    hit->data = r->data[i].c_str();
    hit->data_len = r->data[i].size();
    return SITREP_OK;
}

/* The first length bytes of text, cut at a word boundary and HTML-escaped, for
 * hits that matched by filters alone. */
static std::string lead(const char *text, size_t len, size_t length)
{
    size_t n = len < length ? len : length;
    if (n < len) {
        while (n > 0 && text[n] != ' ')
            n--;
        if (n == 0)
            n = len < length ? len : length;
        /* Never cut inside a UTF-8 sequence. */
        while (n > 0 && n < len && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80)
            n--;
    }
    std::string out;
    for (size_t i = 0; i < n; i++) {
        switch (text[i]) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '\n': out += ' '; break;
        default: out += text[i];
        }
    }
    if (n < len)
        out += "...";
    return out;
}

sitrep_status sitrep_results_snippet(sitrep_results *r, const char *text, size_t len,
                                     size_t length, const char *pre, const char *post,
                                     char **out) noexcept
{
    *out = nullptr;
    try {
        std::string s;
        try {
            s = r->mset.snippet(std::string(text, len), length, sitrep_store::stemmer(),
                                Xapian::MSet::SNIPPET_BACKGROUND_MODEL | Xapian::MSet::SNIPPET_EXHAUSTIVE |
                                    Xapian::MSet::SNIPPET_EMPTY_WITHOUT_MATCH,
                                pre, post, "...");
        } catch (const Xapian::DatabaseModifiedError &) {
            /* The background model reads term statistics; a concurrent commit
             * only costs us the highlighting. */
            s.clear();
        }
        if (s.empty())
            s = lead(text, len, length);
        *out = sitrep_store::dup_cstr(s);
        return *out ? SITREP_OK : SITREP_ERR_NOMEM;
    } catch (...) {
        std::string ignored;
        return map_exception(ignored);
    }
}

void sitrep_results_destroy(sitrep_results *r) noexcept
{
    delete r;
}

} // extern "C"
