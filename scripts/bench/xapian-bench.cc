/* xapian-bench.cc - plain Xapian, the library limit beside sitrep.
 *
 *     bench-xapian load CORPUS.jsonl DBDIR
 *     bench-xapian query DBDIR QUERIES.jsonl N [CORPUS.jsonl]
 *
 * load indexes a JSON Lines corpus the way any Xapian program would, with
 * nothing of sitrep but its term prefixes: a TermGenerator (stemmed English,
 * Xapian's default STEM_SOME) over the title ("S" and unprefixed) and the
 * text, boolean terms for the filters (Q id, XP place, N country, XPE
 * person, Y/M/D publication date), value slot 0 "YYYYMMDD" for date sorting
 * and the month facet, slot 1 the places joined by '\n' for the place facet,
 * and the input line as the document data, added with add_document() (the
 * plain loop: no replacing by id, though the Q term is there).  The
 * places, countries and
 * persons come from the corpus lines ("places", "countries", "persons":
 * arrays of ids; scripts/bench/bench.py writes them).  Default flushing, one
 * commit at the end.  Prints one JSON object: articles, bytes, seconds.
 *
 * query runs each query of a query file N times (after 5 untimed runs) in
 * this process: QueryParser as sitrep sets it up (stemmed English, AND as the
 * default operator, phrases and boolean operators), the filters as OP_OR
 * groups under OP_FILTER, date order when there is no text, check_at_least
 * 1000 (sitrep's exact totals; all matches with facets), the top 20 and
 * their document data read, as a server would.  Given the corpus DBDIR was
 * loaded from, each query is timed twice: so, and with a snippet of each
 * hit's text made by Xapian as sitrep asks for them (MSet::snippet, 240
 * bytes, English stems, no background model, the exhaustive pass only when
 * the quick one finds nothing).  The texts are read from the corpus before
 * the timing (docid = line number), so the snippets cost only Xapian's
 * work, not that of getting a text out of the data.  A
 * query line is {"kind": ..., "text": ..., "filters": [[TERM, ...], ...],
 * "facets": bool}; prints a JSON array of {kind, hits, exact, p50, p95,
 * p99, snippets: {p50, p95, p99}}: hits is Xapian's lower bound, exact
 * whether it is the count; times in ms.
 *
 * A benchmark tool, not part of sitrep: it stops at the first error.
 */
#include <jansson.h>
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace {

double now()
{
    using clock = std::chrono::steady_clock;
    return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

std::string str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* Adds prefix + each string of the array o[key] as a boolean term. */
void add_terms(Xapian::Document &doc, json_t *o, const char *key, const char *prefix)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(o, key), i, v)
    {
        if (json_is_string(v))
            doc.add_boolean_term(prefix + std::string(json_string_value(v)));
    }
}

int load(const char *corpus, const char *dbdir)
{
    std::ifstream in(corpus);
    if (!in) {
        std::perror(corpus);
        return 1;
    }
    Xapian::WritableDatabase db(dbdir, Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::TermGenerator tg;
    tg.set_stemmer(Xapian::Stem("english"));
    std::string line;
    size_t n = 0, bytes = 0;
    double t0 = now();
    while (std::getline(in, line)) {
        json_error_t err;
        json_t *o = json_loadb(line.data(), line.size(), 0, &err);
        if (!o) {
            std::fprintf(stderr, "bench-xapian: %s: line %zu: %s\n", corpus, n + 1, err.text);
            return 1;
        }
        Xapian::Document doc;
        tg.set_document(doc);
        std::string title = str(o, "title"), text = str(o, "text"), id = str(o, "id");
        std::string date = str(o, "published"); /* YYYY-MM-DD */
        tg.index_text(title, 1, "S");
        tg.increase_termpos(100);
        tg.index_text(title);
        tg.increase_termpos(100);
        tg.index_text(text);
        doc.add_boolean_term("Q" + id);
        add_terms(doc, o, "places", "XP");
        add_terms(doc, o, "countries", "N");
        add_terms(doc, o, "persons", "XPE");
        if (date.size() >= 10) {
            std::string ymd = date.substr(0, 4) + date.substr(5, 2) + date.substr(8, 2);
            doc.add_boolean_term("Y" + ymd.substr(0, 4));
            doc.add_boolean_term("M" + ymd.substr(0, 6));
            doc.add_boolean_term("D" + ymd);
            doc.add_value(0, ymd);
        }
        std::string places;
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(o, "places"), i, v)
        {
            places += json_string_value(v);
            places += '\n';
        }
        doc.add_value(1, places);
        doc.set_data(line);
        db.add_document(doc);
        json_decref(o);
        n++;
        bytes += line.size() + 1;
    }
    db.commit();
    double el = now() - t0;
    std::printf("{\"articles\": %zu, \"bytes\": %zu, \"seconds\": %.3f}\n", n, bytes, el);
    return 0;
}

/* Counts the first six bytes of slot 0 (the month) and each line of slot
 * 1 (the places) over all matches, as sitrep's month and place facets do. */
class facet_spy : public Xapian::MatchSpy {
  public:
    std::map<std::string, unsigned> months, places;

    void operator()(const Xapian::Document &doc, double) override
    {
        months[doc.get_value(0).substr(0, 6)]++;
        std::string p = doc.get_value(1);
        size_t a = 0, b;
        while ((b = p.find('\n', a)) != std::string::npos) {
            places[p.substr(a, b - a)]++;
            a = b + 1;
        }
    }
};

struct query_spec {
    std::string kind, text;
    std::vector<std::vector<std::string>> filters;
    bool facets = false;
};

bool read_queries(const char *path, std::vector<query_spec> &out)
{
    std::ifstream in(path);
    std::string line;
    if (!in) {
        std::perror(path);
        return false;
    }
    while (std::getline(in, line)) {
        json_error_t err;
        json_t *o = json_loadb(line.data(), line.size(), 0, &err), *group;
        size_t i;
        if (!o)
            continue;
        query_spec q;
        q.kind = str(o, "kind");
        q.text = str(o, "text");
        q.facets = json_is_true(json_object_get(o, "facets"));
        json_array_foreach(json_object_get(o, "filters"), i, group)
        {
            std::vector<std::string> terms;
            size_t j;
            json_t *t;
            json_array_foreach(group, j, t) terms.emplace_back(json_string_value(t));
            q.filters.push_back(terms);
        }
        out.push_back(q);
        json_decref(o);
    }
    return true;
}

/* One search as a server answers it; returns the total (lower bound) and
 * sets exact when that is the exact count. */
Xapian::doccount run_one(Xapian::Database &db, const query_spec &spec, size_t &data_bytes,
                         bool &exact, const std::vector<std::string> *texts)
{
    Xapian::QueryParser qp;
    Xapian::Stem qp_stem("english");
    qp.set_stemmer(qp_stem);
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    qp.set_default_op(Xapian::Query::OP_AND);
    qp.set_database(db);
    qp.add_prefix("title", "S");
    Xapian::Query q = spec.text.empty()
                          ? Xapian::Query(std::string())
                          : qp.parse_query(spec.text, Xapian::QueryParser::FLAG_PHRASE |
                                                          Xapian::QueryParser::FLAG_BOOLEAN |
                                                          Xapian::QueryParser::FLAG_LOVEHATE);
    for (const auto &group : spec.filters) {
        Xapian::Query f(Xapian::Query::OP_OR, group.begin(), group.end());
        q = Xapian::Query(Xapian::Query::OP_FILTER, q, f);
    }
    Xapian::Enquire enq(db);
    enq.set_query(q);
    if (spec.text.empty())
        enq.set_sort_by_value(0, true);
    facet_spy spy;
    if (spec.facets)
        enq.add_matchspy(&spy);
    Xapian::MSet m = enq.get_mset(0, 20, spec.facets ? db.get_doccount() : 1000);
    for (Xapian::MSetIterator it = m.begin(); it != m.end(); ++it) {
        std::string data = it.get_document().get_data();
        data_bytes += data.size();
        if (!texts || spec.text.empty() || *it >= texts->size())
            continue;
        const std::string &text = (*texts)[*it];
        std::string snip = m.snippet(text, 240, qp_stem, Xapian::MSet::SNIPPET_EMPTY_WITHOUT_MATCH);
        if (snip.empty())
            snip = m.snippet(text, 240, qp_stem,
                             Xapian::MSet::SNIPPET_EMPTY_WITHOUT_MATCH |
                                 Xapian::MSet::SNIPPET_EXHAUSTIVE);
        data_bytes += snip.size();
    }
    exact = m.get_matches_lower_bound() == m.get_matches_upper_bound();
    return m.get_matches_lower_bound();
}

double pct(const std::vector<double> &xs, int p)
{
    size_t i = xs.size() * (size_t)p / 100;
    return xs[std::min(xs.size() - 1, i)];
}

int query(const char *dbdir, const char *path, int n, const char *corpus)
{
    std::vector<query_spec> specs;
    std::vector<std::string> texts(1); /* docids count from 1 */
    if (!read_queries(path, specs))
        return 1;
    if (corpus) {
        std::ifstream in(corpus);
        std::string line;
        if (!in) {
            std::perror(corpus);
            return 1;
        }
        while (std::getline(in, line)) {
            json_error_t err;
            json_t *o = json_loadb(line.data(), line.size(), 0, &err);
            texts.push_back(str(o, "text"));
            json_decref(o);
        }
    }
    Xapian::Database db(dbdir);
    size_t data_bytes = 0;
    std::printf("[");
    for (size_t k = 0; k < specs.size(); k++) {
        std::vector<double> ms[2];
        Xapian::doccount hits = 0;
        bool exact = true;
        for (int with = 0; with < 2; with++) {
            for (int i = 0; i < n + 5; i++) {
                double t0 = now();
                hits = run_one(db, specs[k], data_bytes, exact, with ? &texts : nullptr);
                if (i >= 5)
                    ms[with].push_back((now() - t0) * 1000);
            }
            std::sort(ms[with].begin(), ms[with].end());
        }
        json_t *kind = json_string(specs[k].kind.c_str());
        char *kind_json = json_dumps(kind, JSON_ENCODE_ANY);
        std::printf("%s\n {\"kind\": %s, \"hits\": %u, \"exact\": %s, \"p50\": %.4f, "
                    "\"p95\": %.4f, \"p99\": %.4f, \"snippets\": {\"p50\": %.4f, "
                    "\"p95\": %.4f, \"p99\": %.4f}}",
                    k ? "," : "", kind_json ? kind_json : "null", hits,
                    exact ? "true" : "false", pct(ms[0], 50), pct(ms[0], 95), pct(ms[0], 99),
                    pct(ms[1], 50), pct(ms[1], 95), pct(ms[1], 99));
        std::free(kind_json);
        json_decref(kind);
    }
    std::printf("\n]\n");
    std::fprintf(stderr, "bench-xapian: %zu bytes of document data read\n", data_bytes);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    try {
        if (argc == 4 && std::strcmp(argv[1], "load") == 0)
            return load(argv[2], argv[3]);
        if ((argc == 5 || argc == 6) && std::strcmp(argv[1], "query") == 0)
            return query(argv[2], argv[3], std::atoi(argv[4]), argc == 6 ? argv[5] : nullptr);
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "bench-xapian: %s\n", e.get_description().c_str());
        return 1;
    }
    std::fprintf(stderr, "usage: bench-xapian load CORPUS.jsonl DBDIR\n"
                         "       bench-xapian query DBDIR QUERIES.jsonl N [CORPUS.jsonl]\n");
    return 2;
}
