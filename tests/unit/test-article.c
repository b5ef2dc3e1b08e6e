/* test-article.c - normalisation, ids, records and index terms of articles. */
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "test.h"

static void fill(struct sitrep_article *a, const char *id, const char *title, const char *url,
                 const char *published, const char *text)
{
    sitrep_article_init(a);
    a->id = id ? strdup(id) : NULL;
    a->title = title ? strdup(title) : NULL;
    a->url = url ? strdup(url) : NULL;
    a->published = published ? strdup(published) : NULL;
    a->text = text ? strdup(text) : NULL;
    a->text_len = text ? strlen(text) : 0;
}

static void test_normalise(void)
{
    static const struct {
        const char *id, *title, *url, *published, *text;
        sitrep_status st;
        const char *want_id, *want_source, *want_reason;
    } cases[] = {
        {"x1", " A  title ", NULL, NULL, "Body.", SITREP_OK, "x1", NULL, NULL},
        {NULL, "T", "https://www.Example.org/2022/02/kharkiv?id=1", NULL, "Body.", SITREP_OK,
         "example-org-2022-02-kharkiv-id-1", "example.org", NULL},
        {NULL, "T", NULL, NULL, "", SITREP_ERR_INVALID, NULL, NULL, "empty text"},
        {NULL, "T", NULL, NULL, " \n\t ", SITREP_ERR_INVALID, NULL, NULL, "empty text"},
        {NULL, "T", NULL, NULL, "bad \xff byte", SITREP_ERR_INVALID, NULL, NULL,
         "invalid UTF-8 in text at byte 4"},
        {NULL, "T\xc3", NULL, NULL, "fine", SITREP_ERR_INVALID, NULL, NULL,
         "invalid UTF-8 in title at byte 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct sitrep_article a;
        char reason[128] = "";
        fill(&a, cases[i].id, cases[i].title, cases[i].url, cases[i].published, cases[i].text);
        sitrep_status st = sitrep_article_normalise(&a, 1000, reason, sizeof reason);
        CHECK(st == cases[i].st);
        if (cases[i].want_id)
            CHECK_STR(a.id, cases[i].want_id);
        if (cases[i].want_source)
            CHECK_STR(a.source, cases[i].want_source);
        if (cases[i].want_reason)
            CHECK_STR(reason, cases[i].want_reason);
        sitrep_article_clear(&a);
    }
    /* Content-hash ids are stable and differ with the content. */
    struct sitrep_article a, b, c;
    char reason[128];
    fill(&a, NULL, "Title", NULL, NULL, "Same text.");
    fill(&b, NULL, "Title", NULL, NULL, "Same text.");
    fill(&c, NULL, "Title", NULL, NULL, "Other text.");
    REQUIRE(sitrep_article_normalise(&a, 1000, reason, sizeof reason) == SITREP_OK);
    REQUIRE(sitrep_article_normalise(&b, 1000, reason, sizeof reason) == SITREP_OK);
    REQUIRE(sitrep_article_normalise(&c, 1000, reason, sizeof reason) == SITREP_OK);
    CHECK(strncmp(a.id, "h-", 2) == 0 && strlen(a.id) == 34);
    CHECK_STR(a.id, b.id);
    CHECK(strcmp(a.id, c.id) != 0);
    sitrep_article_clear(&a);
    sitrep_article_clear(&b);
    sitrep_article_clear(&c);
    /* Oversize. */
    fill(&a, "big", "T", NULL, NULL, "0123456789");
    CHECK(sitrep_article_normalise(&a, 5, reason, sizeof reason) == SITREP_ERR_INVALID);
    CHECK(strstr(reason, "too large") != NULL);
    sitrep_article_clear(&a);
}

static void test_record(void)
{
    struct sitrep_article a;
    json_error_t jerr;
    fill(&a, "r1", "Title", "https://example.org/a", NULL, "Text \"quoted\".");
    a.entities = json_loads(
        "{\"places\":[{\"id\":\"geonames:706483\",\"name\":\"Kharkiv\",\"country\":\"UA\","
        "\"admin1\":\"Kharkiv Oblast\",\"admin1_id\":\"geonames:706482\",\"lat\":49.98,"
        "\"lon\":36.25,\"mentions\":[{\"start\":0,\"end\":7,\"text\":\"Kharkiv\"},"
        "{\"start\":20,\"end\":27,\"text\":\"Kharkiv\"}]}],"
        "\"persons\":[{\"id\":\"person:vladimir-putin\",\"name\":\"Vladimir Putin\","
        "\"surname\":\"Putin\",\"mentions\":[{\"start\":1,\"end\":5,\"text\":\"Putin\"}]}],"
        "\"dates\":[{\"date\":\"2022-02-28\",\"precision\":\"day\",\"text\":\"Monday\","
        "\"start\":3,\"end\":9},{\"date\":\"2022-02-28\",\"precision\":\"day\",\"text\":"
        "\"Feb. 28\",\"start\":30,\"end\":37}],\"published\":null}",
        0, &jerr);
    REQUIRE(a.entities);
    char reason[64];
    REQUIRE(sitrep_article_normalise(&a, 1000, reason, sizeof reason) == SITREP_OK);
    size_t rec_len = 0;
    char *rec = sitrep_article_to_record(&a, &rec_len);
    REQUIRE(rec);
    /* The text lies after the separator, raw; the full load puts it back. */
    const char *sep = memchr(rec, SITREP_RECORD_SEP, rec_len);
    REQUIRE(sep);
    CHECK((size_t)(rec + rec_len - sep - 1) == a.text_len &&
          memcmp(sep + 1, a.text, a.text_len) == 0);
    json_t *r = sitrep_record_load(rec, rec_len, &jerr);
    REQUIRE(r);
    CHECK(json_string_length(json_object_get(r, "text")) == a.text_len);
    CHECK_STR(json_string_value(json_object_get(r, "source")), "example.org");
    CHECK(json_is_null(json_object_get(r, "published")));
    json_t *p = json_array_get(json_object_get(r, "places"), 0);
    CHECK(json_integer_value(json_object_get(p, "mentions")) == 2);
    CHECK_STR(json_string_value(json_object_get(p, "admin1")), "Kharkiv Oblast");
    CHECK(json_array_size(json_object_get(r, "event_dates")) == 1);
    CHECK(json_integer_value(
              json_object_get(json_array_get(json_object_get(r, "persons"), 0), "mentions")) == 1);
    json_decref(r);
    free(rec);

    sitrep_doc *doc;
    CHECK(sitrep_article_to_doc(&a, &doc) == SITREP_OK);
    sitrep_doc_destroy(doc);
    sitrep_article_clear(&a);
}

/* Both record formats read the same: the text after the separator, and
 * the older one with "text" inside the object; damage is an error. */
static void test_record_formats(void)
{
    static const struct {
        const char *data;
        const char *text; /* NULL: no text; "!" : a parse error */
    } cases[] = {
        {"{\"id\":\"a\"}\x1eRaw text, \"quoted\"\n", "Raw text, \"quoted\"\n"},
        {"{\"id\":\"a\",\"text\":\"Old \\u00e9 text\"}", "Old \xc3\xa9 text"},
        {"{\"id\":\"a\"}\x1e", ""},
        {"{\"id\":\"a\"}", NULL},
        {"{\"id\":\"a\"}\x1etext with \x1e inside", "text with \x1e inside"},
        {"[1]\x1etext", "!"},
        {"{\"id\":\x1e}", "!"},
        {"", "!"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *text = NULL;
        size_t len = 0, n = strlen(cases[i].data);
        json_error_t err;
        json_t *o = sitrep_record_parse(cases[i].data, n, &text, &len, &err);
        json_t *full = sitrep_record_load(cases[i].data, n, NULL);
        if (cases[i].text && strcmp(cases[i].text, "!") == 0) {
            CHECK(!o && !full && err.text[0]);
        } else {
            CHECK(o && full);
            CHECK_STR(json_string_value(json_object_get(full, "id")), "a");
            if (cases[i].text) {
                CHECK(len == strlen(cases[i].text) && memcmp(text, cases[i].text, len) == 0);
                CHECK_STR(json_string_value(json_object_get(full, "text")), cases[i].text);
            } else {
                CHECK(!text && len == 0 && !json_object_get(full, "text"));
            }
        }
        json_decref(o);
        json_decref(full);
    }
}

int main(void)
{
    test_normalise();
    test_record();
    test_record_formats();
    return TEST_DONE();
}
