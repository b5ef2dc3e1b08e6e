/* test-schema.c - the schema table, term normalisation, date-range terms. */
#include <stdlib.h>

#include "schema.h"
#include "test.h"

static char *join(char **terms, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(terms[i]) + 1;
    char *s = calloc(1, len);
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, terms[i]);
    }
    return s;
}

static void test_table(void)
{
    /* The table is indexed by the enum, and prefixes are distinct. */
    for (int f = 0; f < SITREP_FIELD_LAST; f++) {
        CHECK(sitrep_schema[f].field == (enum sitrep_field)f);
        for (int g = 0; g < f; g++)
            CHECK(strcmp(sitrep_schema[f].prefix, sitrep_schema[g].prefix) != 0);
    }
    CHECK(sitrep_schema_by_query_name("place") == SITREP_FIELD_PLACE);
    CHECK(sitrep_schema_by_query_name("title") == SITREP_FIELD_TITLE);
    CHECK(sitrep_schema_by_query_name("nope") == SITREP_FIELD_LAST);
}

static void test_terms(void)
{
    static const struct {
        enum sitrep_field f;
        const char *value, *term;
    } cases[] = {
        {SITREP_FIELD_PLACE, "geonames:706483", "XPgeonames:706483"},
        {SITREP_FIELD_COUNTRY, "UA", "Nua"},
        {SITREP_FIELD_PERSON, "person:Vladimir-Putin", "XPEperson:vladimir-putin"},
        {SITREP_FIELD_SOURCE, "Example.ORG", "Hexample.org"},
        {SITREP_FIELD_ID, "Sample-ID", "QSample-ID"},
        {SITREP_FIELD_TITLE, "text fields have no terms", NULL},
        {SITREP_FIELD_PLACE, "", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *t = sitrep_schema_term(cases[i].f, cases[i].value);
        if (cases[i].term)
            CHECK_STR(t, cases[i].term);
        else
            CHECK(t == NULL);
        free(t);
    }
    /* Long values are cut and hashed, staying within Xapian's term limit and
     * distinct. */
    char a[400], b[400];
    memset(a, 'x', sizeof a - 1);
    a[sizeof a - 1] = '\0';
    memcpy(b, a, sizeof b);
    b[390] = 'y';
    char *ta = sitrep_schema_term(SITREP_FIELD_URL, a), *tb = sitrep_schema_term(SITREP_FIELD_URL, b);
    CHECK(ta && strlen(ta) <= SITREP_MAX_TERM_BYTES);
    CHECK(ta && tb && strcmp(ta, tb) != 0);
    free(ta);
    free(tb);
}

static void test_dates(void)
{
    static const struct {
        bool event;
        const char *from, *to, *want;
    } cases[] = {
        {false, "20220101", "20221231", "Y2022"},
        {false, "20220201", "20220228", "M202202"},
        {false, "20220227", "20220302", "D20220227 D20220228 M202203 ... never"},
        {false, "20220224", "20220224", "D20220224"},
        {true, "20211201", "20230131", "XEM202112 XEY2022 XEM202301"},
        {false, "20240228", "20240301", "D20240228 D20240229 D20240301"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char **terms;
        size_t n;
        REQUIRE(sitrep_schema_date_terms(cases[i].event, cases[i].from, cases[i].to, &terms,
                                         &n) == SITREP_OK);
        char *got = join(terms, n);
        if (strstr(cases[i].want, "never"))
            CHECK_STR(got, "D20220227 D20220228 D20220301 D20220302");
        else
            CHECK_STR(got, cases[i].want);
        free(got);
        sitrep_schema_terms_free(terms, n);
    }
    /* Open ends, bad input. */
    char **terms;
    size_t n;
    CHECK(sitrep_schema_date_terms(false, "20220301", NULL, &terms, &n) == SITREP_OK);
    CHECK(n > 0 && strcmp(terms[0], "M202203") == 0 && strcmp(terms[n - 1], "Y2200") == 0);
    sitrep_schema_terms_free(terms, n);
    CHECK(sitrep_schema_date_terms(false, NULL, "19991231", &terms, &n) == SITREP_OK);
    CHECK(n == 200 && strcmp(terms[0], "Y1800") == 0);
    sitrep_schema_terms_free(terms, n);
    CHECK(sitrep_schema_date_terms(false, "20221345", NULL, &terms, &n) == SITREP_ERR_INVALID);
    CHECK(sitrep_schema_date_terms(false, "20220230", NULL, &terms, &n) == SITREP_ERR_INVALID);
    CHECK(sitrep_schema_date_terms(false, "20220302", "20220301", &terms, &n) ==
          SITREP_ERR_INVALID);
    CHECK(sitrep_schema_date_terms(false, "2022-03-01", NULL, &terms, &n) == SITREP_ERR_INVALID);
}

int main(void)
{
    test_table();
    test_terms();
    test_dates();
    return TEST_DONE();
}
