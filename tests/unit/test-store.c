/* test-store.c - the Xapian wrapper on a real index in a temp folder. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "article.h"
#include "schema.h"
#include "store.h"
#include "test.h"

struct fixture {
    const char *id, *title, *body, *place, *date;
};

static const struct fixture docs[] = {
    {"a", "Shelling in Kharkiv", "Heavy shelling hit residential areas overnight.",
     "geonames:706483", "20220228"},
    {"b", "Talks in Istanbul", "Delegations met for peace talks; shelling continued.",
     "geonames:745044", "20220329"},
    {"c", "Kharkiv metro shelter", "Families sheltered in the metro stations of the city.",
     "geonames:706483", "20220302"},
};

static void put(sitrep_writer *w, const struct fixture *f)
{
    sitrep_doc *d;
    char data[256];
    REQUIRE(sitrep_doc_new(&d) == SITREP_OK);
    REQUIRE(sitrep_doc_set_id(d, f->id) == SITREP_OK);
    REQUIRE(sitrep_doc_index_text(d, SITREP_FIELD_TITLE, f->title, strlen(f->title)) == SITREP_OK);
    REQUIRE(sitrep_doc_index_text(d, SITREP_FIELD_BODY, f->body, strlen(f->body)) == SITREP_OK);
    REQUIRE(sitrep_doc_add_term(d, SITREP_FIELD_PLACE, f->place) == SITREP_OK);
    REQUIRE(sitrep_doc_set_value(d, SITREP_SLOT_PUBLISHED, f->date, 8) == SITREP_OK);
    /* Facet lists: a value added twice counts once; the label is the id. */
    REQUIRE(sitrep_doc_add_facet(d, SITREP_SLOT_PLACES, f->place, f->id) == SITREP_OK);
    REQUIRE(sitrep_doc_add_facet(d, SITREP_SLOT_PLACES, f->place, "again") == SITREP_OK);
    REQUIRE(sitrep_doc_add_facet(d, SITREP_SLOT_COUNTRIES, "UA", NULL) == SITREP_OK);
    CHECK(sitrep_doc_add_facet(d, SITREP_SLOT_PUBLISHED, "x", NULL) == SITREP_ERR_INVALID);
    CHECK(sitrep_doc_add_facet(d, SITREP_SLOT_PLACES, "", NULL) == SITREP_ERR_INVALID);
    snprintf(data, sizeof data, "{\"id\":\"%s\"}", f->id);
    REQUIRE(sitrep_doc_set_data(d, data, strlen(data)) == SITREP_OK);
    CHECK(sitrep_doc_index_text(d, SITREP_FIELD_PLACE, "x", 1) == SITREP_ERR_INVALID);
    REQUIRE(sitrep_writer_put(w, d) == SITREP_OK);
    sitrep_doc_destroy(d);
}

/* A document for article id with text, as the indexer makes it (near-
 * duplicate fingerprint included); the caller destroys it. */
static sitrep_doc *article_doc(const char *id, const char *text)
{
    struct sitrep_article a;
    char reason[128];
    sitrep_doc *d = NULL;
    sitrep_article_init(&a);
    a.id = strdup(id);
    a.title = strdup("Copy test");
    a.text = strdup(text);
    a.text_len = strlen(text);
    REQUIRE(sitrep_article_normalise(&a, 100000, reason, sizeof reason) == SITREP_OK);
    REQUIRE(sitrep_article_to_doc(&a, &d) == SITREP_OK);
    sitrep_article_clear(&a);
    return d;
}

/* Documents in the index (or shard) at path that hold term. */
static uint64_t freq_at(const char *path, const char *term)
{
    sitrep_db *db;
    char *err = NULL;
    uint64_t n = 0;
    REQUIRE(sitrep_db_open(path, &db, &err) == SITREP_OK);
    REQUIRE(sitrep_db_term_freq(db, term, &n) == SITREP_OK);
    sitrep_db_destroy(db);
    return n;
}

static const char story[] =
    "Rescue workers in the eastern districts pulled survivors from the rubble of a "
    "five storey building after overnight strikes, the regional governor said on "
    "Tuesday, adding that power and water had been cut across the city and that "
    "schools would stay closed for the rest of the week while engineers checked "
    "the damaged blocks one by one.";

/* A sharded index (index.shards): each article in the shard its id hashes
 * to, one index to readers; upserts and deletes find it there; copies are
 * grouped across shards, within one batch and across batches, committed or
 * not; the revision is the shards' sum and moves with every commit. */
static void test_shards(const char *dir)
{
    char path[300], shard[320], *err = NULL, text[600];
    sitrep_writer *w = NULL;
    sitrep_db *db = NULL;
    struct sitrep_db_stats st, st2;
    sitrep_doc *d[4];

    snprintf(path, sizeof path, "%s/sharded", dir);
    REQUIRE(sitrep_writer_open(path, 2, &w, &err) == SITREP_OK);
    REQUIRE(sitrep_writer_get_stats(w, &st) == SITREP_OK);
    CHECK(st.shards == 2 && st.documents == 0);

    /* One batch: copy-2 joins copy-1's group before either is written. */
    d[0] = article_doc("copy-1", story);
    snprintf(text, sizeof text, "%s Updated at noon.", story);
    d[1] = article_doc("other-1", "A different story entirely, about grain exports leaving "
                                  "the southern ports under a new agreement signed today.");
    d[2] = article_doc("copy-2", text);
    REQUIRE(sitrep_writer_put_batch(w, (const sitrep_doc *const *)d, 3) == SITREP_OK);
    for (int i = 0; i < 3; i++)
        sitrep_doc_destroy(d[i]);
    REQUIRE(sitrep_writer_commit(w) == SITREP_OK);
    REQUIRE(sitrep_writer_get_stats(w, &st) == SITREP_OK);
    /* Later batches: copy-3 finds the committed ones, copy-4 the pending
     * copy-3 (in whichever shard it went). */
    snprintf(text, sizeof text, "Kyiv. %s", story);
    d[0] = article_doc("copy-3", text);
    REQUIRE(sitrep_writer_put(w, d[0]) == SITREP_OK);
    d[1] = article_doc("copy-4", text);
    REQUIRE(sitrep_writer_put(w, d[1]) == SITREP_OK);
    /* An upsert stays one article; a delete finds it in its shard. */
    d[2] = article_doc("other-1", "The grain story, rewritten: exports left the southern "
                                  "ports on Monday under the agreement.");
    REQUIRE(sitrep_writer_put(w, d[2]) == SITREP_OK);
    d[3] = article_doc("other-2", "Talks on prisoner exchanges resumed in a neutral "
                                  "capital, mediators said, without a date for the next round.");
    REQUIRE(sitrep_writer_put(w, d[3]) == SITREP_OK);
    for (int i = 0; i < 4; i++)
        sitrep_doc_destroy(d[i]);
    CHECK(sitrep_writer_documents(w) == 6);
    REQUIRE(sitrep_writer_delete(w, "other-2") == SITREP_OK);
    CHECK(sitrep_writer_delete(w, "other-2") == SITREP_ERR_NOT_FOUND);
    REQUIRE(sitrep_writer_commit(w) == SITREP_OK);
    REQUIRE(sitrep_writer_get_stats(w, &st2) == SITREP_OK);
    CHECK(st2.revision > st.revision && st2.documents == 5);
    sitrep_writer_destroy(w);

    /* Readers: one index of 2 shards, the same revision. */
    REQUIRE(sitrep_db_open(path, &db, &err) == SITREP_OK);
    REQUIRE(sitrep_db_get_stats(db, &st) == SITREP_OK);
    CHECK(st.shards == 2 && st.documents == 5 && st.revision == st2.revision);
    sitrep_db_destroy(db);
    char *group = sitrep_schema_term(SITREP_FIELD_GROUP, "copy-1");
    CHECK(freq_at(path, group) == 4);
    /* The group spans both shards, and each shard holds articles. */
    uint64_t in_shard[2];
    for (int i = 0; i < 2; i++) {
        snprintf(shard, sizeof shard, "%s/shard-%d", path, i + 1);
        in_shard[i] = freq_at(shard, group);
        CHECK(in_shard[i] > 0);
    }
    CHECK(in_shard[0] + in_shard[1] == 4);
    free(group);
    group = sitrep_schema_term(SITREP_FIELD_GROUP, "other-1");
    CHECK(freq_at(path, group) == 1);
    free(group);

    /* An existing index keeps its shards whatever a new one would get. */
    REQUIRE(sitrep_writer_open(path, 1, &w, &err) == SITREP_OK);
    REQUIRE(sitrep_writer_get_stats(w, &st) == SITREP_OK);
    CHECK(st.shards == 2 && st.documents == 5);
    sitrep_writer_destroy(w);
}

/* Walks every hit of text (or all documents) in sort order, limit hits a
 * page, continuing each page after the last hit of the one before; returns
 * the ids joined by spaces (static buffer). */
static const char *walk(sitrep_db *db, const char *text, enum sitrep_sort sort, unsigned limit)
{
    static char out[256];
    uint64_t position = 0;
    unsigned docid = 0;
    char key[16] = "";
    out[0] = '\0';
    for (int page = 0; page < 10; page++) {
        sitrep_query *q;
        sitrep_results *r;
        uint64_t total;
        REQUIRE(sitrep_query_new(db, &q) == SITREP_OK);
        if (text)
            REQUIRE(sitrep_query_set_text(q, text, NULL, NULL) == SITREP_OK);
        sitrep_query_set_sort(q, sort);
        if (position)
            REQUIRE(sitrep_query_set_after(q, position, docid, key, strlen(key)) == SITREP_OK);
        REQUIRE(sitrep_query_run(q, 0, limit, 100, &r) == SITREP_OK);
        sitrep_results_total(r, NULL, &total, NULL);
        CHECK(total == (text ? 2u : 3u)); /* every page counts every match */
        size_t n = sitrep_results_count(r);
        for (size_t i = 0; i < n; i++) {
            struct sitrep_hit h;
            REQUIRE(sitrep_results_get(r, i, &h) == SITREP_OK);
            if (*out)
                strcat(out, " ");
            strncat(out, h.data + 7, 1);
            docid = h.docid;
            snprintf(key, sizeof key, "%.*s", (int)h.sort_key_len, h.sort_key);
        }
        position += n;
        sitrep_results_destroy(r);
        sitrep_query_destroy(q);
        if (n < limit)
            break;
    }
    return out;
}

/* Runs q and returns the ids of the page joined by spaces (static buffer,
 * single-threaded test). */
static const char *ids(sitrep_db *db, const char *text, const char *filter, bool exclude,
                       enum sitrep_sort sort)
{
    static char out[256];
    sitrep_query *q;
    sitrep_results *r;
    out[0] = '\0';
    REQUIRE(sitrep_query_new(db, &q) == SITREP_OK);
    if (text && sitrep_query_set_text(q, text, NULL, NULL) != SITREP_OK) {
        snprintf(out, sizeof out, "error: %s", sitrep_query_last_error(q));
        sitrep_query_destroy(q);
        return out;
    }
    if (filter) {
        const char *terms[] = {filter};
        REQUIRE(sitrep_query_add_filter(q, terms, 1, exclude) == SITREP_OK);
    }
    sitrep_query_set_sort(q, sort);
    REQUIRE(sitrep_query_run(q, 0, 10, 100, &r) == SITREP_OK);
    for (size_t i = 0; i < sitrep_results_count(r); i++) {
        struct sitrep_hit h;
        REQUIRE(sitrep_results_get(r, i, &h) == SITREP_OK);
        /* data is {"id":"x"}: take the x. */
        if (i)
            strcat(out, " ");
        strncat(out, h.data + 7, 1);
    }
    sitrep_results_destroy(r);
    sitrep_query_destroy(q);
    return out;
}

/* The snippet of text for query (run on db) holds want. */
static void check_snippet(sitrep_db *db, const char *query, const char *text, const char *pre,
                          const char *post, const char *want)
{
    sitrep_query *q;
    sitrep_results *r;
    char *snip = NULL;
    REQUIRE(sitrep_query_new(db, &q) == SITREP_OK);
    REQUIRE(sitrep_query_set_text(q, query, NULL, NULL) == SITREP_OK);
    REQUIRE(sitrep_query_run(q, 0, 10, 0, &r) == SITREP_OK);
    REQUIRE(sitrep_results_snippet(r, text, strlen(text), 200, pre, post, &snip) == SITREP_OK);
    if (!snip || !strstr(snip, want))
        fprintf(stderr, "snippet of '%s' for '%s': got '%s'\n", text, query, snip ? snip : "");
    CHECK(snip && strstr(snip, want));
    free(snip);
    sitrep_results_destroy(r);
    sitrep_query_destroy(q);
}

int main(void)
{
    char dir[] = "/tmp/sitrep-test-store-XXXXXX";
    char path[300], cmd[400];
    sitrep_writer *w = NULL, *w2 = NULL;
    sitrep_db *db = NULL;
    char *err = NULL, *data = NULL;

    REQUIRE(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/index", dir);

    /* Opening a missing index is a status with a message, not an exception. */
    CHECK(sitrep_db_open(path, &db, &err) == SITREP_ERR_DB_NOT_FOUND && db == NULL);
    CHECK(err && strstr(err, path));
    free(err);
    err = NULL;

    REQUIRE(sitrep_writer_open(path, 1, &w, &err) == SITREP_OK);
    /* One writer at a time. */
    CHECK(sitrep_writer_open(path, 1, &w2, &err) == SITREP_ERR_DB_LOCKED && w2 == NULL);
    CHECK(err && strstr(err, "another process"));
    free(err);
    err = NULL;
    for (size_t i = 0; i < 3; i++)
        put(w, &docs[i]);
    REQUIRE(sitrep_writer_commit(w) == SITREP_OK);

    REQUIRE(sitrep_db_open(path, &db, &err) == SITREP_OK);
    struct sitrep_db_stats st;
    REQUIRE(sitrep_db_get_stats(db, &st) == SITREP_OK);
    CHECK(st.documents == 3 && st.shards == 1 && st.last_update[0] == '2');

    CHECK_STR(ids(db, "shelling", NULL, false, SITREP_SORT_DATE_ASC), "a b");
    CHECK_STR(ids(db, "kharkiv", NULL, false, SITREP_SORT_DATE_DESC), "c a");
    CHECK_STR(ids(db, "title:kharkiv metro", NULL, false, SITREP_SORT_RELEVANCE), "c");
    CHECK_STR(ids(db, "\"peace talks\"", NULL, false, SITREP_SORT_RELEVANCE), "b");
    CHECK_STR(ids(db, "shelling -talks", NULL, false, SITREP_SORT_RELEVANCE), "a");
    CHECK_STR(ids(db, "place:geonames:706483", NULL, false, SITREP_SORT_DATE_ASC), "a c");
    CHECK_STR(ids(db, NULL, "XPgeonames:706483", false, SITREP_SORT_DATE_DESC), "c a");
    CHECK_STR(ids(db, NULL, "XPgeonames:706483", true, SITREP_SORT_DATE_DESC), "b");
    CHECK_STR(ids(db, "shelling", "XPgeonames:745044", false, SITREP_SORT_RELEVANCE), "b");
    /* Stemming: "shelters" finds "sheltered". */
    CHECK_STR(ids(db, "shelters", NULL, false, SITREP_SORT_RELEVANCE), "c");

    /* The query description is what the server builds. */
    sitrep_query *q;
    REQUIRE(sitrep_query_new(db, &q) == SITREP_OK);
    REQUIRE(sitrep_query_set_text(q, "shelling kharkiv", NULL, NULL) == SITREP_OK);
    const char *f[] = {"Y2022", "M202301"};
    REQUIRE(sitrep_query_add_filter(q, f, 2, false) == SITREP_OK);
    char *desc = sitrep_query_describe(q);
    CHECK_STR(desc, "Query(((Zshell@1 AND Zkharkiv@2) FILTER (Y2022 OR M202301)))");
    free(desc);
    /* Filters come off last first; an empty exclusion counts as one. */
    const char *ex[] = {"Y2021"};
    REQUIRE(sitrep_query_add_filter(q, ex, 1, true) == SITREP_OK);
    REQUIRE(sitrep_query_add_filter(q, ex, 0, true) == SITREP_OK);
    REQUIRE(sitrep_query_pop_filter(q) == SITREP_OK);
    desc = sitrep_query_describe(q);
    CHECK_STR(desc, "Query((((Zshell@1 AND Zkharkiv@2) FILTER (Y2022 OR M202301)) AND_NOT Y2021))");
    free(desc);
    REQUIRE(sitrep_query_pop_filter(q) == SITREP_OK);
    REQUIRE(sitrep_query_pop_filter(q) == SITREP_OK);
    desc = sitrep_query_describe(q);
    CHECK_STR(desc, "Query((Zshell@1 AND Zkharkiv@2))");
    free(desc);
    CHECK(sitrep_query_pop_filter(q) == SITREP_ERR_INVALID);
    sitrep_query_destroy(q);

    /* Facets count every match, not the page: by count, then value. */
    {
        sitrep_results *r;
        struct sitrep_facet_value v;
        REQUIRE(sitrep_query_new(db, &q) == SITREP_OK);
        REQUIRE(sitrep_query_add_facet(q, SITREP_FACET_PLACE) == SITREP_OK);
        REQUIRE(sitrep_query_add_facet(q, SITREP_FACET_MONTH) == SITREP_OK);
        REQUIRE(sitrep_query_add_facet(q, SITREP_FACET_MONTH) == SITREP_OK);
        CHECK(sitrep_query_add_facet(q, SITREP_FACET_LAST) == SITREP_ERR_INVALID);
        REQUIRE(sitrep_query_run(q, 0, 1, 0, &r) == SITREP_OK);
        CHECK(sitrep_results_count(r) == 1);
        CHECK(sitrep_results_facet_size(r, SITREP_FACET_PLACE) == 2);
        REQUIRE(sitrep_results_facet(r, SITREP_FACET_PLACE, 0, &v) == SITREP_OK);
        CHECK_STR(v.value, "geonames:706483");
        CHECK(v.count == 2);
        CHECK(strcmp(v.label, "a") == 0 || strcmp(v.label, "c") == 0);
        REQUIRE(sitrep_results_facet(r, SITREP_FACET_PLACE, 1, &v) == SITREP_OK);
        CHECK_STR(v.value, "geonames:745044");
        CHECK_STR(v.label, "b");
        CHECK(v.count == 1);
        CHECK(sitrep_results_facet(r, SITREP_FACET_PLACE, 2, &v) == SITREP_ERR_INVALID);
        REQUIRE(sitrep_results_facet(r, SITREP_FACET_MONTH, 0, &v) == SITREP_OK);
        CHECK_STR(v.value, "202203");
        CHECK(v.count == 2);
        CHECK_STR(v.label, "");
        REQUIRE(sitrep_results_facet(r, SITREP_FACET_MONTH, 1, &v) == SITREP_OK);
        CHECK_STR(v.value, "202202");
        CHECK(v.count == 1);
        CHECK(sitrep_results_facet_size(r, SITREP_FACET_COUNTRY) == 0);
        uint64_t lower, upper;
        sitrep_results_total(r, NULL, &lower, &upper);
        CHECK(lower == 3 && upper == 3);
        sitrep_results_destroy(r);
        sitrep_query_destroy(q);
    }

    /* The vocabulary: terms by prefix with their document counts. */
    {
        sitrep_terms *t;
        uint64_t freq = 99;
        char seen[128] = "";
        REQUIRE(sitrep_db_terms(db, "XPgeonames:", &t) == SITREP_OK);
        for (; sitrep_terms_valid(t); sitrep_terms_next(t)) {
            size_t len;
            const char *term = sitrep_terms_get(t, &len);
            CHECK(len == strlen(term));
            snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "%s=%u ", term,
                     (unsigned)sitrep_terms_freq(t));
        }
        CHECK(sitrep_terms_status(t) == SITREP_OK);
        sitrep_terms_next(t); /* harmless past the end */
        CHECK(!sitrep_terms_valid(t));
        sitrep_terms_destroy(t);
        CHECK_STR(seen, "XPgeonames:706483=2 XPgeonames:745044=1 ");
        REQUIRE(sitrep_db_terms(db, "XPnothing", &t) == SITREP_OK);
        CHECK(!sitrep_terms_valid(t) && sitrep_terms_status(t) == SITREP_OK);
        CHECK_STR(sitrep_terms_get(t, NULL), "");
        sitrep_terms_destroy(t);
        CHECK(sitrep_db_term_freq(db, "XPgeonames:706483", &freq) == SITREP_OK && freq == 2);
        CHECK(sitrep_db_term_freq(db, "XPgeonames:1", &freq) == SITREP_OK && freq == 0);

        char *label = NULL;
        REQUIRE(sitrep_db_facet_label(db, "XPgeonames:745044", SITREP_SLOT_PLACES,
                                      "geonames:745044", &label) == SITREP_OK);
        CHECK_STR(label, "b");
        free(label);
        REQUIRE(sitrep_db_facet_label(db, "XPgeonames:745044", SITREP_SLOT_COUNTRIES, "UA",
                                      &label) == SITREP_OK);
        CHECK_STR(label, "");
        free(label);
        label = NULL;
        CHECK(sitrep_db_facet_label(db, "XPnope", SITREP_SLOT_PLACES, "x", &label) ==
                  SITREP_ERR_NOT_FOUND && !label);
        CHECK(sitrep_db_facet_label(db, "XPgeonames:745044", SITREP_SLOT_PLACES, "x", &label) ==
                  SITREP_ERR_NOT_FOUND && !label);
    }

    /* Ranked places: the smallest rank of a document's places first, ties
     * and unranked documents by docid. */
    {
        static const char *const places[] = {"geonames:745044", "geonames:706483",
                                             "geonames:706483"};
        static const double ranks[] = {1.5, 9.0, 0.5};
        sitrep_results *r;
        char got[32] = "";
        REQUIRE(sitrep_query_new(db, &q) == SITREP_OK);
        REQUIRE(sitrep_query_set_place_ranks(q, places, ranks, 3) == SITREP_OK);
        sitrep_query_set_sort(q, SITREP_SORT_PLACE_RANK);
        REQUIRE(sitrep_query_run(q, 0, 10, 0, &r) == SITREP_OK);
        for (size_t i = 0; i < sitrep_results_count(r); i++) {
            struct sitrep_hit h;
            REQUIRE(sitrep_results_get(r, i, &h) == SITREP_OK);
            strncat(got, h.data + 7, 1);
        }
        CHECK_STR(got, "acb"); /* 0.5, 0.5, 1.5 */
        sitrep_results_destroy(r);
        REQUIRE(sitrep_query_set_place_ranks(q, places, ranks, 1) == SITREP_OK);
        REQUIRE(sitrep_query_run(q, 0, 10, 0, &r) == SITREP_OK);
        got[0] = '\0';
        for (size_t i = 0; i < sitrep_results_count(r); i++) {
            struct sitrep_hit h;
            REQUIRE(sitrep_results_get(r, i, &h) == SITREP_OK);
            strncat(got, h.data + 7, 1);
        }
        CHECK_STR(got, "bac"); /* b ranked; a and c unranked, by docid */
        sitrep_results_destroy(r);
        sitrep_query_destroy(q);
    }

    /* Continuing after a hit visits every hit once, in every order. */
    CHECK_STR(walk(db, NULL, SITREP_SORT_DATE_ASC, 1), "a c b");
    CHECK_STR(walk(db, NULL, SITREP_SORT_DATE_DESC, 1), "b c a");
    CHECK_STR(walk(db, NULL, SITREP_SORT_DATE_DESC, 2), "b c a");
    CHECK_STR(walk(db, NULL, SITREP_SORT_RELEVANCE, 2), "b c a");
    CHECK_STR(walk(db, "shelling", SITREP_SORT_RELEVANCE, 1),
              ids(db, "shelling", NULL, false, SITREP_SORT_RELEVANCE));
    CHECK_STR(walk(db, "shelling", SITREP_SORT_DATE_ASC, 1), "a b");
    /* No ranks at all: every document is unranked, so docid order. */
    CHECK_STR(walk(db, NULL, SITREP_SORT_PLACE_RANK, 2), "a b c");
    {
        sitrep_results *r = NULL;
        REQUIRE(sitrep_query_new(db, &q) == SITREP_OK);
        sitrep_query_set_sort(q, SITREP_SORT_DATE_ASC);
        CHECK(sitrep_query_set_after(q, 0, 1, "20220228", 8) == SITREP_ERR_INVALID);
        /* A key the hit does not have, a hit that does not exist. */
        REQUIRE(sitrep_query_set_after(q, 1, 1, "20200101", 8) == SITREP_OK);
        CHECK(sitrep_query_run(q, 0, 5, 0, &r) == SITREP_ERR_NOT_FOUND && !r);
        CHECK(strstr(sitrep_query_last_error(q), "date"));
        REQUIRE(sitrep_query_set_after(q, 1, 999, "20220228", 8) == SITREP_OK);
        CHECK(sitrep_query_run(q, 0, 5, 0, &r) == SITREP_ERR_NOT_FOUND && !r);
        /* No offset after a hit. */
        REQUIRE(sitrep_query_set_after(q, 1, 1, "20220228", 8) == SITREP_OK);
        CHECK(sitrep_query_run(q, 1, 5, 0, &r) == SITREP_ERR_INVALID && !r);
        /* Relevance checks the position. */
        sitrep_query_set_sort(q, SITREP_SORT_RELEVANCE);
        REQUIRE(sitrep_query_set_text(q, "shelling", NULL, NULL) == SITREP_OK);
        REQUIRE(sitrep_query_set_after(q, 2, 999, "", 0) == SITREP_OK);
        CHECK(sitrep_query_run(q, 0, 5, 0, &r) == SITREP_ERR_NOT_FOUND && !r);
        REQUIRE(sitrep_query_set_after(q, 7, 1, "", 0) == SITREP_OK);
        CHECK(sitrep_query_run(q, 0, 5, 0, &r) == SITREP_ERR_NOT_FOUND && !r);
        sitrep_query_destroy(q);
    }

    /* Records by id. */
    size_t len;
    CHECK(sitrep_db_get_record(db, "b", &data, &len) == SITREP_OK);
    CHECK_STR(data, "{\"id\":\"b\"}");
    free(data);
    CHECK(sitrep_db_get_record(db, "zzz", &data, &len) == SITREP_ERR_NOT_FOUND && !data);

    /* Replace by id does not duplicate; delete; uncommitted work is dropped. */
    put(w, &docs[0]);
    REQUIRE(sitrep_writer_delete(w, "b") == SITREP_OK);
    CHECK(sitrep_writer_delete(w, "nope") == SITREP_ERR_NOT_FOUND);
    REQUIRE(sitrep_writer_commit(w) == SITREP_OK);
    REQUIRE(sitrep_db_reopen(db) == SITREP_OK);
    REQUIRE(sitrep_db_get_stats(db, &st) == SITREP_OK);
    CHECK(st.documents == 2);
    struct fixture extra = {"d", "Uncommitted", "never lands", "geonames:1", "20220101"};
    put(w, &extra);
    sitrep_writer_destroy(w);
    w = NULL;
    REQUIRE(sitrep_db_reopen(db) == SITREP_OK);
    REQUIRE(sitrep_db_get_stats(db, &st) == SITREP_OK);
    CHECK(st.documents == 2);
    CHECK(sitrep_db_get_record(db, "d", &data, &len) == SITREP_ERR_NOT_FOUND);

    /* Snippets highlight and escape. */
    check_snippet(db, "shelling", "Heavy shelling hit <b>areas</b> & more.", "<mark>", "</mark>",
                  "Heavy <mark>shelling</mark> hit &lt;b&gt;areas&lt;/b&gt; &amp; more.");
    /* Other forms of the stem are marked, and only they (snippets stem
     * only words that begin like a stem of the query). */
    check_snippet(db, "shelling", "She saw shells fall; the shelled town, a shelter.", "[", "]",
                  "She saw [shells] fall; the [shelled] town, a shelter.");
    /* Porter2 turns a final "y" into "i": "cities" and "city" share it. */
    check_snippet(db, "cities", "Two cities, one city, a citizen.", "[", "]",
                  "Two [cities], one [city], a citizen.");

    sitrep_db_destroy(db);
    test_shards(dir);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    return TEST_DONE();
}
