/* store-query.cc - query parsing, filters, running and snippets. */
#include "store-private.hh"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <unordered_map>

using sitrep_store::map_exception;

namespace {

/* Sets and maps of 64-bit keys for the facet counter, open addressing over
 * one array: a million inserts cost a few reallocations instead of a
 * million node allocations and frees, which were most of a faceted
 * query's time with std::unordered_set.  The key 0 marks an empty slot,
 * so a key of 0 is stored as 1 (one more tolerated hash collision).  A set
 * (Values false) keeps no value array: the (value, group) pairs of a large
 * count are the biggest table, so that halves a faceted query's memory. */
template <bool Values> class flat_u64_table {
  public:
    /* Finds key, inserting it (with value 0) if absent; *fresh says which.
     * Returns its value slot (in a set, a scratch word). */
    uint64_t &at(uint64_t key, bool *fresh)
    {
        if (key == 0)
            key = 1;
        if ((used + 1) * 4 > keys.size() * 3)
            grow();
        size_t mask = keys.size() - 1;
        size_t i = mix(key) & mask;
        while (keys[i] != 0 && keys[i] != key)
            i = (i + 1) & mask;
        *fresh = keys[i] == 0;
        if (*fresh) {
            keys[i] = key;
            used++;
            if (Values)
                vals[i] = 0;
        }
        return Values ? vals[i] : scratch;
    }
    /* key's value slot, or NULL when key is absent (nothing inserted). */
    const uint64_t *find(uint64_t key) const
    {
        if (key == 0)
            key = 1;
        if (keys.empty())
            return nullptr;
        size_t mask = keys.size() - 1;
        for (size_t i = mix(key) & mask; keys[i] != 0; i = (i + 1) & mask)
            if (keys[i] == key)
                return Values ? &vals[i] : &scratch;
        return nullptr;
    }
    size_t size() const
    {
        return used;
    }
    template <typename F> void each(F f) const
    {
        for (size_t i = 0; i < keys.size(); i++)
            if (keys[i] != 0)
                f(keys[i], Values ? vals[i] : 0);
    }

  private:
    static size_t mix(uint64_t k)
    {
        k ^= k >> 33;
        k *= 0xff51afd7ed558ccdull;
        k ^= k >> 33;
        return static_cast<size_t>(k);
    }
    void grow()
    {
        std::vector<uint64_t> ok = std::move(keys), ov = std::move(vals);
        size_t n = ok.empty() ? 1024 : ok.size() * 2;
        keys.assign(n, 0);
        if (Values)
            vals.assign(n, 0);
        used = 0;
        for (size_t i = 0; i < ok.size(); i++)
            if (ok[i] != 0) {
                bool fresh;
                uint64_t &v = at(ok[i], &fresh);
                if (Values)
                    v = ov[i];
            }
    }
    std::vector<uint64_t> keys, vals;
    uint64_t scratch = 0;
    size_t used = 0;
};
using flat_u64_map = flat_u64_table<true>;
using flat_u64_set = flat_u64_table<false>;

/* The matches of query in the copy groups of terms (their "G" terms):
 * what the copy counts and the unique facet counts look at again. */
Xapian::Query in_groups(const Xapian::Query &query, const std::vector<Xapian::Query> &terms)
{
    return Xapian::Query(Xapian::Query::OP_FILTER, query,
                         Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
}

/* The filter term of a copy group, as stored in slot SITREP_SLOT_GROUP. */
std::string group_term(const std::string &group)
{
    std::unique_ptr<char, decltype(&std::free)> term(
        sitrep_schema_term(SITREP_FIELD_GROUP, group.c_str()), &std::free);
    if (!term)
        throw std::bad_alloc();
    return std::string(term.get());
}

/* Counts the values of every facet asked for over the matches the matcher
 * hands it: one pass, one value read per match and facet.  Facet lists
 * (schema.h) count each value once per document; the date facets count a
 * prefix of the publication value.  The matcher sees every match only when
 * check_at_least covers them all, which sitrep_query_run() arranges.
 *
 * Local shards share one spy (Xapian merges their matches first).  Remote
 * shards would need this class registered in xapian-tcpsrv, which a stock
 * tcpsrv lacks: facets are then an error, not a wrong count.
 *
 * Unique counts (copy groups, store.h) need the group of each match
 * (slot 6) and a memory of what was seen: for the date facets each group's
 * earliest value; for the list facets the pairs (value, group) already
 * counted, but only in groups with several matches, which a second, smaller
 * pass visits (uncount_repeated_groups()).  Both keep 64-bit hashes, not
 * strings; two different pairs sharing a hash (odds about 10^-8 at a
 * million) would cost one unique count. */
class facet_spy : public Xapian::MatchSpy {
  public:
    explicit facet_spy(const bool (&wanted)[SITREP_FACET_LAST], bool count_groups_ = false)
        : count_groups(count_groups_)
    {
        for (int f = 0; f < SITREP_FACET_LAST; f++)
            if (wanted[f])
                counters.push_back(counter{static_cast<enum sitrep_facet>(f), {}, {}, {}, {}});
    }

    void operator()(const Xapian::Document &doc, double) override
    {
        uint64_t group = 0;
        std::string g;
        /* Unique counts only when asked for (dedup, or the timeline's
         * series): else no group is read and nothing remembered. */
        if (count_groups) {
            g = doc.get_value(SITREP_SLOT_GROUP);
            /* An article without a group (none is, since schema 3) is alone. */
            group = g.empty() ? std::hash<uint64_t>{}(doc.get_docid()) ^ 0x5bd1e995u
                              : std::hash<std::string>{}(g);
        }
        if (correcting) {
            uncount_repeats(doc, group);
            return;
        }
        if (count_groups) {
            bool fresh;
            if (++groups.at(group, &fresh) == 2 && !g.empty())
                repeated.push_back(g);
        }
        for (counter &c : counters) {
            const struct sitrep_facet_info &info = sitrep_facets[c.facet];
            std::string v = doc.get_value(info.slot);
            if (info.key_bytes) {
                if (v.size() >= info.key_bytes) {
                    std::string_view when = std::string_view(v).substr(0, info.key_bytes);
                    bump(c, when, {}, hash_of(when));
                    if (!count_groups)
                        continue;
                    /* The key (at most 8 bytes) packed big-endian, so that
                     * numbers compare as the strings do; +1 keeps it off 0. */
                    uint64_t packed = 0;
                    bool fresh;
                    for (size_t i = 0; i < 8; i++)
                        packed = packed << 8 | (i < when.size() ? static_cast<unsigned char>(when[i]) : 0);
                    uint64_t &earliest = c.first.at(group, &fresh);
                    if (fresh || packed < earliest - 1)
                        earliest = packed + 1;
                }
                continue;
            }
            std::string_view value, label;
            size_t pos = 0;
            /* Every match counts for its group here; uncount_repeats()
             * takes back the second and later matches of a group with a
             * value, once the groups with several matches are known. */
            while (sitrep_store::facet_list_next(v, pos, value, label)) {
                tally &t = bump(c, value, label, hash_of(value));
                if (count_groups)
                    t.unique++;
            }
        }
    }

    /* Makes the list facets' unique counts exact: visits again the matches
     * of query (the query run) in groups that had several, and takes back
     * a group's count for a value each time it sees the value again in the
     * group.  Only those matches are remembered, as (value, group) hashes:
     * few where copies are few, instead of every match's values. */
    void uncount_repeated_groups(const Xapian::Database &db, const Xapian::Query &query)
    {
        bool lists = false;
        for (const counter &c : counters)
            lists = lists || !sitrep_facets[c.facet].key_bytes;
        if (!count_groups || repeated.empty() || !lists)
            return;
        std::vector<Xapian::Query> terms;
        for (const std::string &g : repeated)
            terms.emplace_back(group_term(g));
        Xapian::Enquire again(db);
        again.set_query(in_groups(query, terms));
        again.add_matchspy(this);
        /* A throw leaves it set, but a failed run's spy is dropped. */
        correcting = true;
        again.get_mset(0, 0, db.get_doccount());
        correcting = false;
    }

    Xapian::MatchSpy *clone() const override
    {
        bool wanted[SITREP_FACET_LAST] = {};
        for (const counter &c : counters)
            wanted[c.facet] = true;
        return new facet_spy(wanted, count_groups);
    }

    /* The number of copy groups among the matches seen (when counting). */
    uint64_t group_count() const
    {
        return groups.size();
    }

    std::string name() const override
    {
        return "sitrep::facet_spy";
    }

    /* Moves the counts into r, sorted by the count the totals use (unique
     * with dedup, else articles) descending, then value. */
    void results(sitrep_results *r)
    {
        bool dedup = r->dedup;
        for (counter &c : counters) {
            std::vector<sitrep_facet_entry> &out = r->facets[c.facet];
            size_t kb = sitrep_facets[c.facet].key_bytes;
            c.first.each([&](uint64_t, uint64_t earliest) {
                std::string when;
                for (size_t i = 0; i < kb && i < 8; i++)
                    when += static_cast<char>((earliest - 1) >> (56 - 8 * i) & 0xff);
                bool fresh;
                uint64_t &idx = c.index.at(hash_of(when), &fresh);
                if (!fresh)
                    c.counts[idx - 1].unique++;
            });
            out.clear();
            out.reserve(c.counts.size());
            for (tally &t : c.counts) {
                sitrep_facet_entry e;
                e.value = std::move(t.value);
                e.label = std::move(t.label);
                e.count = t.count;
                e.unique = t.unique;
                out.push_back(std::move(e));
            }
            std::sort(out.begin(), out.end(),
                      [dedup](const sitrep_facet_entry &a, const sitrep_facet_entry &b) {
                          uint64_t x = dedup ? a.unique : a.count;
                          uint64_t y = dedup ? b.unique : b.count;
                          return x != y ? x > y : a.value < b.value;
                      });
        }
    }

  private:
    struct tally {
        uint64_t count = 0;
        uint64_t unique = 0;
        std::string value;
        std::string label; /* of the first document seen with the value */
    };
    struct counter {
        enum sitrep_facet facet;
        std::vector<tally> counts; /* in order of first sight */
        flat_u64_map index;        /* hash of a value -> its place in counts + 1 */
        flat_u64_set seen;  /* list facets: (value, group) pairs of repeated groups */
        flat_u64_map first; /* date facets: group -> earliest packed key + 1 */
    };
    std::vector<counter> counters;
    bool count_groups;
    flat_u64_map groups;               /* group -> matches seen */
    std::vector<std::string> repeated; /* groups seen twice, as stored */
    bool correcting = false;           /* in uncount_repeated_groups() */

    void uncount_repeats(const Xapian::Document &doc, uint64_t group)
    {
        for (counter &c : counters) {
            const struct sitrep_facet_info &info = sitrep_facets[c.facet];
            if (info.key_bytes)
                continue;
            std::string v = doc.get_value(info.slot);
            std::string_view value, label;
            size_t pos = 0;
            while (sitrep_store::facet_list_next(v, pos, value, label)) {
                uint64_t h = hash_of(value);
                bool fresh;
                c.seen.at(h * 0x9E3779B97F4A7C15ull ^ group, &fresh);
                const uint64_t *idx = fresh ? nullptr : c.index.find(h);
                if (idx && c.counts[*idx - 1].unique > 0)
                    c.counts[*idx - 1].unique--;
            }
        }
    }

    /* Values are told apart by a 64-bit hash (two values sharing one, odds
     * about 10^-12 at a million distinct values, would share a count). */
    static uint64_t hash_of(std::string_view v)
    {
        return std::hash<std::string_view>{}(v);
    }

    tally &bump(counter &c, std::string_view value, std::string_view label, uint64_t h)
    {
        bool fresh;
        uint64_t &idx = c.index.at(h, &fresh);
        if (fresh) {
            c.counts.push_back(tally{0, 0, std::string(value), std::string(label)});
            idx = c.counts.size();
        }
        tally &t = c.counts[idx - 1];
        t.count++;
        return t;
    }
};

/* Keeps the matches that a date order puts after the hit (key, docid): the
 * keyset half of sitrep_query_set_after().  The order compares publication
 * values bytewise as Xapian does, then docids in the same direction. */
class after_decider : public Xapian::MatchDecider {
  public:
    after_decider(bool descending_, const std::string &key_, Xapian::docid docid_)
        : descending(descending_), key(key_), docid(docid_)
    {
    }

    bool operator()(const Xapian::Document &doc) const override
    {
        int c = doc.get_value(SITREP_SLOT_PUBLISHED).compare(key);
        if (c == 0)
            return descending ? doc.get_docid() < docid : doc.get_docid() > docid;
        return descending ? c < 0 : c > 0;
    }

  private:
    bool descending;
    std::string key;
    Xapian::docid docid;
};

/* The sort key of SITREP_SORT_PLACE_RANK: the smallest rank among the
 * document's places (its places facet list), serialised so that keys sort
 * as the numbers do; documents with none of the ranked places sort last. */
class place_rank_key : public Xapian::KeyMaker {
  public:
    explicit place_rank_key(const std::unordered_map<std::string, double> &ranks_)
        : ranks(ranks_)
    {
    }

    std::string operator()(const Xapian::Document &doc) const override
    {
        std::string list = doc.get_value(SITREP_SLOT_PLACES);
        std::string_view value, label;
        size_t pos = 0;
        bool found = false;
        double best = 0;
        while (sitrep_store::facet_list_next(list, pos, value, label)) {
            key.assign(value.data(), value.size());
            auto it = ranks.find(key);
            if (it != ranks.end() && (!found || it->second < best)) {
                best = it->second;
                found = true;
            }
        }
        /* sortable_serialise() never starts with 0xff, so this is last. */
        return found ? Xapian::sortable_serialise(best) : std::string("\xff");
    }

  private:
    const std::unordered_map<std::string, double> &ranks;
    mutable std::string key;
};

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
        /* An empty exclusion excludes nothing and is not kept, but it is
         * still the last one added. */
        char kind = !exclude ? 'f' : parts.empty() ? '-' : 'x';
        q->added.reserve(q->added.size() + 1);
        if (kind == 'x')
            q->excludes.push_back(f);
        else if (kind == 'f')
            q->filters.push_back(f);
        q->added.push_back(kind);
        return SITREP_OK;
    } catch (...) {
        return map_exception(q->error);
    }
}

sitrep_status sitrep_query_pop_filter(sitrep_query *q) noexcept
{
    if (q->added.empty()) {
        q->error = "no filter to remove";
        return SITREP_ERR_INVALID;
    }
    if (q->added.back() == 'x')
        q->excludes.pop_back();
    else if (q->added.back() == 'f')
        q->filters.pop_back();
    q->added.pop_back();
    return SITREP_OK;
}

void sitrep_query_set_sort(sitrep_query *q, enum sitrep_sort sort) noexcept
{
    q->sort = sort;
}

sitrep_status sitrep_query_set_place_ranks(sitrep_query *q, const char *const *values,
                                           const double *ranks, size_t n) noexcept
{
    try {
        std::unordered_map<std::string, double> m;
        m.reserve(n);
        for (size_t i = 0; i < n; i++) {
            auto it = m.emplace(values[i], ranks[i]).first;
            if (ranks[i] < it->second)
                it->second = ranks[i];
        }
        q->place_ranks.swap(m);
        return SITREP_OK;
    } catch (...) {
        return map_exception(q->error);
    }
}

void sitrep_query_set_dedup(sitrep_query *q, bool collapse) noexcept
{
    q->dedup = collapse;
}

void sitrep_query_set_facet_groups(sitrep_query *q, bool count) noexcept
{
    q->facet_groups = count;
}

sitrep_status sitrep_query_add_facet(sitrep_query *q, enum sitrep_facet facet) noexcept
{
    if ((unsigned)facet >= SITREP_FACET_LAST)
        return SITREP_ERR_INVALID;
    q->facets[facet] = true;
    return SITREP_OK;
}

sitrep_status sitrep_query_set_after(sitrep_query *q, uint64_t position, unsigned docid,
                                     const char *key, size_t key_len) noexcept
{
    /* Xapian counts hits in 32 bits. */
    if (position == 0 || position > 0xffffffffu || docid == 0) {
        q->error = "no hit to continue after";
        return SITREP_ERR_INVALID;
    }
    try {
        q->after_key.assign(key ? key : "", key ? key_len : 0);
        q->after_position = position;
        q->after_docid = docid;
        q->has_after = true;
        return SITREP_OK;
    } catch (...) {
        return map_exception(q->error);
    }
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

/* Relevance without text has nothing to rank by: newest first. */
static enum sitrep_sort effective_sort(const sitrep_query *q)
{
    return q->sort == SITREP_SORT_RELEVANCE && !q->has_text ? SITREP_SORT_DATE_DESC : q->sort;
}

static void set_order(Xapian::Enquire &enq, enum sitrep_sort sort, Xapian::KeyMaker *keymaker)
{
    switch (sort) {
    case SITREP_SORT_RELEVANCE:
        break;
    case SITREP_SORT_PLACE_RANK:
        enq.set_sort_by_key(keymaker, false);
        enq.set_docid_order(Xapian::Enquire::ASCENDING);
        break;
    case SITREP_SORT_DATE_DESC:
        enq.set_sort_by_value(SITREP_SLOT_PUBLISHED, true);
        enq.set_docid_order(Xapian::Enquire::DESCENDING);
        break;
    case SITREP_SORT_DATE_ASC:
        enq.set_sort_by_value(SITREP_SLOT_PUBLISHED, false);
        enq.set_docid_order(Xapian::Enquire::ASCENDING);
        break;
    }
}

static bool any_facet(const sitrep_query *q)
{
    for (bool f : q->facets)
        if (f)
            return true;
    return false;
}

/* Sets r->copies[i] to the number of matches in the group groups[i] of
 * the i-th hit.  Xapian's collapse count is only a lower bound (the matcher
 * skips what cannot enter the page), so the groups that have copies at all
 * (their XG term is in more than one document) are counted once more,
 * exactly: the query filtered to those groups, every match counted by its
 * group value.  That visits only the copies of the page's groups. */
static void count_copies(const Xapian::Database &db, sitrep_results *r,
                         const std::vector<std::string> &groups)
{
    std::vector<Xapian::Query> terms;
    for (const std::string &g : groups) {
        if (g.empty())
            continue;
        std::string term = group_term(g);
        if (db.get_termfreq(term) > 1)
            terms.emplace_back(term);
    }
    if (terms.empty())
        return;
    Xapian::Enquire count(db);
    count.set_query(in_groups(r->query, terms));
    Xapian::ValueCountMatchSpy spy(SITREP_SLOT_GROUP);
    count.add_matchspy(&spy);
    count.get_mset(0, 0, db.get_doccount());
    std::unordered_map<std::string, uint64_t> n;
    for (Xapian::TermIterator v = spy.values_begin(); v != spy.values_end(); ++v)
        n.emplace(*v, v.get_termfreq());
    for (size_t i = 0; i < groups.size(); i++) {
        auto it = n.find(groups[i]);
        if (it != n.end())
            r->copies[i] = it->second;
    }
}

/* The number of copy groups among all matches of query: one pass, one
 * value read per match. */
static uint64_t count_groups(const Xapian::Database &db, const Xapian::Query &query)
{
    Xapian::Enquire count(db);
    count.set_query(query);
    Xapian::ValueCountMatchSpy spy(SITREP_SLOT_GROUP);
    count.add_matchspy(&spy);
    count.get_mset(0, 0, db.get_doccount());
    uint64_t n = 0;
    for (Xapian::TermIterator v = spy.values_begin(); v != spy.values_end(); ++v)
        n++;
    return n;
}

/* One attempt of sitrep_query_run(); throws what Xapian throws.  Returns
 * SITREP_ERR_NOT_FOUND (message in q->error) when the hit to continue after
 * is not where the query says. */
static sitrep_status run_once(sitrep_query *q, unsigned offset, unsigned limit,
                              unsigned check_at_least, sitrep_results *r)
{
    const Xapian::Database &db = q->db->db;
    enum sitrep_sort sort = effective_sort(q);
    Xapian::doccount first = offset, skip = 0;
    /* Declared before the Enquire objects that borrow them. */
    std::unique_ptr<after_decider> decider;
    std::unique_ptr<facet_spy> spy;
    place_rank_key ranker(q->place_ranks);
    bool facets = any_facet(q);
    Xapian::Enquire enq(db);

    r->query = build(q);
    r->dedup = q->dedup;
    enq.set_query(r->query);
    set_order(enq, sort, &ranker);
    if (q->dedup)
        enq.set_collapse_key(SITREP_SLOT_GROUP);

    /* Weights are only known inside the match, so relevance continues by
     * position, and so does the place-rank order, whose key is computed
     * there too; so do several shards, whose matches a decider sees with
     * docids of their own shard (Xapian 1.4), not the merged ones the key
     * holds.  One hit more in front proves the page follows on.  So does
     * collapsing: a group with copies on both sides of the hit would be
     * shown again after it. */
    if (q->has_after && (sort == SITREP_SORT_RELEVANCE || sort == SITREP_SORT_PLACE_RANK ||
                         db.size() > 1 || q->dedup)) {
        first = static_cast<Xapian::doccount>(q->after_position - 1);
        skip = 1;
    } else if (q->has_after) {
        std::string key;
        try {
            key = db.get_document(q->after_docid).get_value(SITREP_SLOT_PUBLISHED);
        } catch (const Xapian::DocNotFoundError &) {
            q->error = "the hit to continue after is no longer in the index";
            return SITREP_ERR_NOT_FOUND;
        }
        if (key != q->after_key) {
            q->error = "the hit to continue after has another date";
            return SITREP_ERR_NOT_FOUND;
        }
        decider.reset(new after_decider(sort == SITREP_SORT_DATE_DESC, key, q->after_docid));
        /* Past check_at_least, Xapian skips matches that cannot enter the
         * page before asking the decider, and then estimates how many it
         * would have kept: totals turn vague.  A date order reads every
         * match's value anyway, so asking about all of them keeps the
         * count exact for the price of one more value read each. */
        check_at_least = std::max<Xapian::doccount>(check_at_least, db.get_doccount());
    }
    if (facets) {
        spy.reset(new facet_spy(q->facets, q->dedup || q->facet_groups));
        /* Counting needs every match; the keyset decider hides the ones
         * before the cursor, so then the count is a match of its own. */
        if (!decider) {
            enq.add_matchspy(spy.get());
            check_at_least = std::max<Xapian::doccount>(check_at_least, db.get_doccount());
        }
    }
    if (limit > 0xffffffffu - first - skip)
        limit = 0xffffffffu - first - skip;
    r->mset = enq.get_mset(first, limit + skip, check_at_least, nullptr, decider.get());
    if (skip && (r->mset.empty() || *r->mset.begin() != q->after_docid)) {
        q->error = "the hit to continue after is no longer at its position";
        return SITREP_ERR_NOT_FOUND;
    }
    r->mset.fetch(r->mset.begin(), r->mset.end());
    Xapian::MSetIterator it = r->mset.begin();
    for (Xapian::doccount i = 0; i < skip && it != r->mset.end(); i++)
        ++it;
    std::vector<std::string> groups;
    /* Only a date order continues after a hit by its key. */
    bool by_date = sort == SITREP_SORT_DATE_DESC || sort == SITREP_SORT_DATE_ASC;
    for (; it != r->mset.end(); ++it) {
        Xapian::Document doc = it.get_document();
        r->data.push_back(doc.get_data());
        /* The matcher sorted by that value and hands it back. */
        r->keys.push_back(by_date ? it.get_sort_key() : std::string());
        r->scores.push_back(it.get_weight());
        r->docids.push_back(*it);
        if (q->dedup)
            groups.push_back(doc.get_value(SITREP_SLOT_GROUP));
    }
    r->copies.assign(r->docids.size(), 1);
    if (q->dedup)
        count_copies(db, r, groups);
    r->estimate = r->mset.get_matches_estimated();
    r->lower = r->mset.get_matches_lower_bound();
    r->upper = r->mset.get_matches_upper_bound();
    if (decider) {
        /* The decider's matches are the ones after the cursor. */
        r->estimate += q->after_position;
        r->lower += q->after_position;
        r->upper += q->after_position;
        if (spy) {
            Xapian::Enquire count(db);
            count.set_query(r->query);
            count.add_matchspy(spy.get());
            count.get_mset(0, 0, db.get_doccount());
        }
    }
    /* Collapsing leaves Xapian's bounds apart even when every match was
     * examined (the relevance matcher does not know how many of the
     * matches it dropped early were of groups it had kept, and even the
     * uncollapsed bounds stay apart).  When every match was seen, the
     * groups are counted: by the facet spy, which saw them all, or else,
     * when there are at most check_at_least matches (so the matcher had to
     * examine each), by one more pass over them. */
    if (q->dedup && r->lower != r->upper) {
        if (spy)
            r->lower = r->upper = r->estimate = spy->group_count();
        else if (r->mset.get_uncollapsed_matches_upper_bound() <= check_at_least)
            r->lower = r->upper = r->estimate = count_groups(db, r->query);
    }
    if (spy) {
        spy->uncount_repeated_groups(db, r->query);
        spy->results(r);
    }
    return SITREP_OK;
}

sitrep_status sitrep_query_run(sitrep_query *q, unsigned offset, unsigned limit,
                               unsigned check_at_least, sitrep_results **out) noexcept
{
    sitrep_results *r = nullptr;
    sitrep_status st = SITREP_OK;

    *out = nullptr;
    if (q->has_after && offset != 0) {
        q->error = "an offset after a hit";
        return SITREP_ERR_INVALID;
    }
    try {
        /* A commit that discards the snapshot: move to the latest revision
         * and run afresh (retry_modified). */
        st = sitrep_store::retry_modified(q->db->db, [&] {
            delete r;
            r = nullptr;
            r = new sitrep_results;
            return run_once(q, offset, limit, check_at_least, r);
        });
    } catch (...) {
        st = map_exception(q->error);
    }
    if (st != SITREP_OK) {
        delete r;
        return st;
    }
    *out = r;
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
    hit->sort_key = r->keys[i].c_str();
    hit->sort_key_len = r->keys[i].size();
    hit->copies = r->copies[i];
    return SITREP_OK;
}

size_t sitrep_results_facet_size(const sitrep_results *r, enum sitrep_facet facet) noexcept
{
    return (unsigned)facet < SITREP_FACET_LAST ? r->facets[facet].size() : 0;
}

sitrep_status sitrep_results_facet(const sitrep_results *r, enum sitrep_facet facet, size_t i,
                                   struct sitrep_facet_value *out) noexcept
{
    if ((unsigned)facet >= SITREP_FACET_LAST || i >= r->facets[facet].size())
        return SITREP_ERR_INVALID;
    const sitrep_facet_entry &e = r->facets[facet][i];
    out->value = e.value.c_str();
    out->label = e.label.c_str();
    out->articles = e.count;
    out->unique = e.unique;
    out->count = r->dedup ? e.unique : e.count;
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

namespace {

/* English stemming for snippets, only for words that can match a stem of
 * the query.  Xapian's snippets stem every word of a hit's text, which
 * was most of a snippet's cost.  Porter2 rewrites suffixes only and keeps
 * words of up to two bytes as they are, so a word whose first two bytes
 * begin no query stem cannot stem to one: it is handed back unstemmed,
 * which matches no "Z" term either. */
class prefix_stemmer : public Xapian::StemImplementation {
    Xapian::Stem english = sitrep_store::stemmer();
    std::vector<std::string> heads; /* first two bytes of each stem */

  public:
    explicit prefix_stemmer(const Xapian::Query &q)
    {
        for (auto it = q.get_unique_terms_begin(); it != q.get_unique_terms_end(); ++it)
            if (!(*it).empty() && (*it)[0] == 'Z')
                heads.push_back((*it).substr(1, 2));
    }
    std::string operator()(const std::string &word) override
    {
        if (word.size() < 2)
            return english(word);
        for (const std::string &h : heads)
            if (h.size() < 2 || word.compare(0, 2, h) == 0)
                return english(word);
        return word;
    }
    std::string get_description() const override
    {
        return "sitrep::prefix_stemmer";
    }
};

} // namespace

sitrep_status sitrep_results_snippet(sitrep_results *r, const char *text, size_t len,
                                     size_t length, const char *pre, const char *post,
                                     char **out) noexcept
{
    *out = nullptr;
    try {
        std::string s;
        std::string t(text, len);
        if (r->has_words < 0) {
            /* Snippets match unprefixed words and their "Z" stems; filter
             * terms carry other upper-case prefixes. */
            bool has_stems = false;
            r->has_words = 0;
            for (auto it = r->query.get_unique_terms_begin(); it != r->query.get_unique_terms_end(); ++it) {
                const std::string &term = *it;
                if (!term.empty() && (term[0] == 'Z' || !(term[0] >= 'A' && term[0] <= 'Z')))
                    r->has_words = 1;
                if (!term.empty() && term[0] == 'Z')
                    has_stems = true;
            }
            /* A query without stems (phrases, names) needs no stemming. */
            if (has_stems)
                r->snippet_stem = Xapian::Stem(new prefix_stemmer(r->query));
        }
        try {
            /* No SNIPPET_BACKGROUND_MODEL: it asks the index for the
             * frequency of every word of the text, which was half the cost
             * of a search, to rank words that are not in the query.  The
             * quick pass stops at a good enough window; it can miss a match
             * late in a long text, so an empty answer gets the exhaustive
             * pass before falling back to the lead. */
            const unsigned flags = Xapian::MSet::SNIPPET_EMPTY_WITHOUT_MATCH;
            const Xapian::Stem &stem = r->snippet_stem;
            if (r->has_words)
                s = r->mset.snippet(t, length, stem, flags, pre, post, "...");
            if (r->has_words && s.empty())
                s = r->mset.snippet(t, length, stem, flags | Xapian::MSet::SNIPPET_EXHAUSTIVE, pre,
                                    post, "...");
        } catch (const Xapian::DatabaseModifiedError &) {
            /* Term statistics are read for the query terms; a concurrent
             * commit only costs us the highlighting. */
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
