/* test-gazetteer.c - loads the committed places.tsv and checks the lookups
 * conflict reporting depends on, then feeds the loader malformed files. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gazetteer.h"
#include "test.h"

/* The id of the best candidate for query, or "" when there is none. */
static const char *best_id(const sitrep_gazetteer *gz, const char *query)
{
    const struct sitrep_place *out[4];
    size_t n = sitrep_gazetteer_resolve(gz, query, out, 4);
    return n > 0 ? out[0]->id : "";
}

static void test_real_file(const sitrep_gazetteer *gz)
{
    const struct sitrep_place *out[8], *kharkiv, *p;
    size_t n;

    CHECK(sitrep_gazetteer_size(gz) > 100000);

    /* Historic, transliterated and Cyrillic names of one city. */
    kharkiv = sitrep_gazetteer_get(gz, "geonames:706483");
    REQUIRE(kharkiv != NULL);
    CHECK_STR(kharkiv->name, "Kharkiv");
    CHECK(kharkiv->kind == SITREP_PLACE_CITY);
    CHECK_STR(kharkiv->country, "UA");
    CHECK_STR(kharkiv->admin1, "Kharkiv Oblast");
    CHECK(sitrep_gazetteer_get(gz, kharkiv->admin1_id) != NULL);
    CHECK(fabs(kharkiv->lat - 49.98) < 0.1 && fabs(kharkiv->lon - 36.25) < 0.1);
    CHECK(kharkiv->population > 1000000);
    static const char *const kharkiv_names[] = {
        "Kharkiv", "Kharkov",  "Харків",   "Харьков", "kharkiv",
        "KHARKOV", "Khar'kov", "Khar’kov", "ХАРКІВ",  "  Kharkiv ",
    };
    for (size_t i = 0; i < sizeof kharkiv_names / sizeof kharkiv_names[0]; i++) {
        if (strcmp(best_id(gz, kharkiv_names[i]), "geonames:706483") != 0) {
            fprintf(stderr, "  resolving \"%s\"\n", kharkiv_names[i]);
            CHECK_STR(best_id(gz, kharkiv_names[i]), "geonames:706483");
        }
    }

    /* Country codes in any case, and country names. */
    CHECK_STR(sitrep_gazetteer_resolve(gz, "UA", out, 8) == 1 ? out[0]->name : "", "Ukraine");
    CHECK_STR(sitrep_gazetteer_resolve(gz, "ua", out, 8) == 1 ? out[0]->name : "", "Ukraine");
    p = sitrep_gazetteer_country(gz, "sy");
    CHECK(p != NULL && p->kind == SITREP_PLACE_COUNTRY && strcmp(p->name, "Syria") == 0);
    CHECK(sitrep_gazetteer_country(gz, "ZZ") == NULL);
    CHECK(sitrep_gazetteer_country(gz, "UKR") == NULL);
    CHECK_STR(best_id(gz, "Ukraine"), sitrep_gazetteer_country(gz, "UA")->id);
    CHECK_STR(best_id(gz, "Україна"), sitrep_gazetteer_country(gz, "UA")->id);
    CHECK_STR(best_id(gz, "Syrian Arab Republic"), sitrep_gazetteer_country(gz, "SY")->id);

    /* Renamed cities, and the supplement's official spellings. */
    CHECK_STR(best_id(gz, "Odessa"), "geonames:698740");
    CHECK_STR(sitrep_gazetteer_get(gz, "geonames:698740")->name, "Odesa");
    CHECK_STR(best_id(gz, "Severodonetsk"), best_id(gz, "Sievierodonetsk"));
    CHECK_STR(best_id(gz, "Artemivsk"), "geonames:713174");
    CHECK_STR(best_id(gz, "Artemovsk"), "geonames:713174");
    CHECK_STR(best_id(gz, "Bakhmut"), "geonames:713174");
    CHECK_STR(best_id(gz, "Dnipropetrovsk"), "geonames:709930");
    CHECK_STR(best_id(gz, "Dnipro"), "geonames:709930");
    p = sitrep_gazetteer_get(gz, "geonames:709930");
    CHECK(p != NULL && strcmp(p->name, "Dnipro") == 0);

    /* Diacritics and spelling variants. */
    CHECK_STR(best_id(gz, "Kyiv"), "geonames:703448");
    CHECK_STR(best_id(gz, "Kiev"), "geonames:703448");
    CHECK_STR(best_id(gz, "Kyïv"), "geonames:703448");
    CHECK_STR(best_id(gz, "Київ"), "geonames:703448");
    CHECK_STR(best_id(gz, "Khan Yunis"), "geonames:281124");
    CHECK_STR(best_id(gz, "Khān Yūnis"), "geonames:281124");
    CHECK_STR(best_id(gz, "خان يونس"), "geonames:281124");
    CHECK_STR(best_id(gz, "Donets'k"), best_id(gz, "Donetsk"));

    /* Several places share a name: countries and regions first, then the most
     * populous. */
    n = sitrep_gazetteer_resolve(gz, "Paris", out, 8);
    CHECK(n > 5);
    REQUIRE(n > 0);
    CHECK_STR(out[0]->country, "FR");
    CHECK_STR(out[0]->id, "geonames:2988507");
    for (size_t i = 1; i < (n < 8 ? n : 8); i++)
        CHECK(out[i - 1]->kind != out[i]->kind || out[i - 1]->population >= out[i]->population);
    /* The total does not depend on max. */
    CHECK(sitrep_gazetteer_resolve(gz, "Paris", out, 1) == n);
    CHECK(sitrep_gazetteer_resolve(gz, "Paris", NULL, 0) == n);

    /* Ids, the supplement's regions. */
    CHECK_STR(best_id(gz, "geonames:706483"), "geonames:706483");
    CHECK_STR(best_id(gz, "Donbas"), "sitrep:donbas");
    CHECK_STR(best_id(gz, "Донбасс"), "sitrep:donbas");
    p = sitrep_gazetteer_get(gz, best_id(gz, "Kharkov Oblast"));
    CHECK(p != NULL && p->kind == SITREP_PLACE_ADMIN1 && strcmp(p->name, "Kharkiv Oblast") == 0);
    CHECK(sitrep_gazetteer_get(gz, "Gaza Strip") == NULL);
    p = sitrep_gazetteer_get(gz, best_id(gz, "Gaza Strip"));
    CHECK(p != NULL && strcmp(p->country, "PS") == 0);

    /* Unknown names, spans, junk. */
    CHECK(sitrep_gazetteer_resolve(gz, "Xyzzyville Nowhere", out, 8) == 0);
    CHECK(sitrep_gazetteer_resolve(gz, "", out, 8) == 0);
    CHECK(sitrep_gazetteer_resolve(gz, "   ", out, 8) == 0);
    CHECK(sitrep_gazetteer_resolve(gz, "\xff\xfe", out, 8) == 0);
    CHECK(sitrep_gazetteer_get(gz, "geonames:0") == NULL);
    /* Codes and machine romanisations from GeoNames were dropped. */
    CHECK(sitrep_gazetteer_resolve(gz, "HRK", out, 8) == 0);
    /* "US" was dropped as a name (it folds to the pronoun); as a filter it
     * is still the country code. */
    CHECK(sitrep_gazetteer_lookup_name(gz, "us", 2, out, 8) == 0 ||
          out[0]->kind != SITREP_PLACE_COUNTRY);
    CHECK_STR(best_id(gz, "us"), "sitrep:country-us");

    /* lookup_name takes a span of text. */
    {
        const char *text = "after the shelling of Kharkov on Monday";
        const char *at = strstr(text, "Kharkov");
        n = sitrep_gazetteer_lookup_name(gz, at, strlen("Kharkov"), out, 8);
        CHECK(n >= 1 && strcmp(out[0]->id, "geonames:706483") == 0);
        CHECK(sitrep_gazetteer_lookup_name(gz, at, strlen("Kharkov on"), out, 8) == 0);
        CHECK(sitrep_gazetteer_lookup_name(gz, "UA", 2, out, 8) == 0 ||
              out[0]->kind != SITREP_PLACE_COUNTRY);
    }
    CHECK(sitrep_gazetteer_max_name_words(gz) >= 3);
}

/* Writes text to a new temporary file; returns its path (static buffer). */
static const char *write_temp(const char *text)
{
    static char path[] = "/tmp/test-gazetteer-XXXXXX";
    int fd;
    FILE *f;
    strcpy(path, "/tmp/test-gazetteer-XXXXXX");
    fd = mkstemp(path);
    REQUIRE(fd >= 0);
    f = fdopen(fd, "w");
    REQUIRE(f != NULL);
    fputs(text, f);
    fclose(f);
    return path;
}

#define ROW_OK "geonames:1\tcity\tAlpha\tUA\t\t\t1.5\t2.5\t1000\tAlfa|Альфа\n"

static void test_malformed(void)
{
    static const struct {
        const char *text;
        const char *want; /* substring of the message, after "path:" */
    } cases[] = {
        {"# header\n" ROW_OK "geonames:2\tcity\tBeta\tUA\n", ":3: expected 10"},
        {ROW_OK ROW_OK, ":2: duplicate id"},
        {ROW_OK "geonames:2\tvillage\tBeta\tUA\t\t\t1\t2\t3\t\n", ":2: unknown kind"},
        {ROW_OK "\n\ngeonames:2\tcity\tBeta\tUA\t\t\t91\t2\t3\t\n", ":4: bad latitude"},
        {"geonames:2\tcity\tBeta\tUA\t\t\t1\t2\t-3\t\n", ":1: bad population"},
        {"geonames:2\tcity\tBeta\tUkraine\t\t\t1\t2\t3\t\n", ":1: country"},
        {"geonames:2\tcity\t\tUA\t\t\t1\t2\t3\t\n", ":1: empty name"},
        {ROW_OK "geonames:2\tcity\tBeta\tUA\t\t\t1\t2\t3\tx\textra\n", ":2: expected 10"},
        {ROW_OK "geonames:2\tcity\tB\xc3\x28ta\tUA\t\t\t1\t2\t3\t\n", ":2: invalid UTF-8"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *path = write_temp(cases[i].text);
        sitrep_gazetteer *gz = (sitrep_gazetteer *)1;
        char *err = NULL;
        sitrep_status st = sitrep_gazetteer_load(path, &gz, &err);
        CHECK(st == SITREP_ERR_INVALID);
        CHECK(gz == NULL);
        CHECK(err != NULL && strncmp(err, path, strlen(path)) == 0 &&
              strstr(err, cases[i].want) != NULL);
        if (!err || !strstr(err, cases[i].want))
            fprintf(stderr, "  case %zu: got \"%s\", want \"%s\"\n", i, err ? err : "(null)",
                    cases[i].want);
        free(err);
        unlink(path);
    }

    /* A missing file is an I/O error; a small good file loads. */
    {
        sitrep_gazetteer *gz = NULL;
        char *err = NULL;
        const struct sitrep_place *out[2];
        const char *path;
        CHECK(sitrep_gazetteer_load("/nonexistent/places.tsv", &gz, &err) == SITREP_ERR_IO);
        CHECK(gz == NULL && err != NULL);
        free(err);
        err = NULL;

        path = write_temp("# comment\r\n" ROW_OK "sitrep:x\tregion\tGamma Land\t\t\t\t\t\t\t\n");
        CHECK(sitrep_gazetteer_load(path, &gz, &err) == SITREP_OK);
        REQUIRE(gz != NULL);
        CHECK(sitrep_gazetteer_size(gz) == 2);
        CHECK(sitrep_gazetteer_resolve(gz, "альфа", out, 2) == 1);
        CHECK(sitrep_gazetteer_resolve(gz, "gamma-land", out, 2) == 1 && isnan(out[0]->lat));
        CHECK(sitrep_gazetteer_max_name_words(gz) == 2);
        sitrep_gazetteer_destroy(gz);
        unlink(path);
    }
}

int main(void)
{
    const char *src = getenv("SITREP_SOURCE_DIR");
    char path[4096];
    sitrep_gazetteer *gz = NULL;
    char *err = NULL;

    test_malformed();

    if (!src) {
        fprintf(stderr, "SITREP_SOURCE_DIR is not set\n");
        return 99;
    }
    snprintf(path, sizeof path, "%s/indexer/gazetteer/places.tsv", src);
    if (sitrep_gazetteer_load(path, &gz, &err) != SITREP_OK) {
        fprintf(stderr, "%s\n", err ? err : "cannot load the gazetteer");
        free(err);
        return 99;
    }
    test_real_file(gz);
    sitrep_gazetteer_destroy(gz);
    return TEST_DONE();
}
