/* test-store.c - the Xapian wrapper on a real index in a temp folder. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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
    snprintf(data, sizeof data, "{\"id\":\"%s\"}", f->id);
    REQUIRE(sitrep_doc_set_data(d, data, strlen(data)) == SITREP_OK);
    CHECK(sitrep_doc_index_text(d, SITREP_FIELD_PLACE, "x", 1) == SITREP_ERR_INVALID);
    REQUIRE(sitrep_writer_put(w, d) == SITREP_OK);
    sitrep_doc_destroy(d);
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

    REQUIRE(sitrep_writer_open(path, &w, &err) == SITREP_OK);
    /* One writer at a time. */
    CHECK(sitrep_writer_open(path, &w2, &err) == SITREP_ERR_DB_LOCKED && w2 == NULL);
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
    sitrep_query_destroy(q);

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

    /* Snippets highlight and escape; filter-only hits get the lead. */
    {
        sitrep_results *r;
        char *snip = NULL;
        REQUIRE(sitrep_query_new(db, &q) == SITREP_OK);
        REQUIRE(sitrep_query_set_text(q, "shelling", NULL, NULL) == SITREP_OK);
        REQUIRE(sitrep_query_run(q, 0, 10, 0, &r) == SITREP_OK);
        const char *text = "Heavy shelling hit <b>areas</b> & more.";
        REQUIRE(sitrep_results_snippet(r, text, strlen(text), 200, "<mark>", "</mark>", &snip) ==
                SITREP_OK);
        CHECK(snip && strstr(snip, "<mark>shelling</mark>") && strstr(snip, "&lt;b&gt;"));
        free(snip);
        sitrep_results_destroy(r);
        sitrep_query_destroy(q);
    }

    sitrep_db_destroy(db);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    return TEST_DONE();
}
