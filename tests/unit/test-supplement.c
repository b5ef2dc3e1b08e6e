/* test-supplement.c - the YAML supplement of the gazetteer: loading it over a
 * small TSV, its errors (file:line:col), user-added places and persons, and
 * then the shipped config/gazetteer.yaml over the real places.tsv, with
 * extraction canonicalising person aliases. */
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract.h"
#include "gazetteer.h"
#include "test.h"

static char *write_temp(const char *suffix, const char *text)
{
    char tmpl[] = "/tmp/sitrep-supplement-XXXXXX";
    int fd = mkstemp(tmpl);
    char *path;
    FILE *f;

    REQUIRE(fd >= 0);
    path = malloc(strlen(tmpl) + strlen(suffix) + 1);
    REQUIRE(path);
    strcpy(path, tmpl);
    strcat(path, suffix);
    REQUIRE(rename(tmpl, path) == 0);
    f = fdopen(fd, "w");
    REQUIRE(f != NULL);
    fputs(text, f);
    fclose(f);
    return path;
}

/* A country, one of its admin-1 regions and a city in it. */
static const char tsv[] =
    "sitrep:country-ua\tcountry\tUkraine\tUA\t\t\t49\t32\t40000000\tУкраїна\n"
    "sitrep:admin1-ua-26\tadmin1\tZaporizhzhia Oblast\tUA\t\t\t47.5\t35.4\t1400000\t"
    "Zaporozhye Oblast\n"
    "geonames:687700\tcity\tZaporizhzhia\tUA\tsitrep:admin1-ua-26\tZaporizhzhia Oblast\t47.8\t35.2"
    "\t796217\tZaporozhye\n";

static sitrep_gazetteer *small_gazetteer(void)
{
    char *path = write_temp(".tsv", tsv), *err = NULL;
    sitrep_gazetteer *gz = NULL;
    if (sitrep_gazetteer_load(path, &gz, &err) != SITREP_OK) {
        fprintf(stderr, "small gazetteer: %s\n", err ? err : "?");
        exit(99);
    }
    unlink(path);
    free(path);
    return gz;
}

static const char *best_id(const sitrep_gazetteer *gz, const char *query)
{
    const struct sitrep_place *out[4];
    return sitrep_gazetteer_resolve(gz, query, out, 4) > 0 ? out[0]->id : "";
}

static void test_user_entries(void)
{
    sitrep_gazetteer *gz = small_gazetteer();
    const struct sitrep_place *p;
    const struct sitrep_person *who;
    char *err = NULL;
    char *path = write_temp(".yaml",
                            "# a user's additions\n"
                            "places:\n"
                            "  - name: Dniprovka Ferry\n"
                            "    kind: region\n"
                            "    country: ua\n"
                            "    admin1: Zaporozhye Oblast\n"
                            "    lat: 47.41\n"
                            "    lon: 34.6\n"
                            "    population: 12\n"
                            "    aliases: [Dniprovka Crossing, Дніпровська переправа]\n"
                            "  - name: Sea of Azov\n"
                            "    kind: region\n"
                            "    id: custom:azov\n"
                            "    lat: 46.1\n"
                            "    lon: 36.7\n"
                            "  - id: geonames:687700\n"
                            "    name: Zaporizhzhya\n"
                            "    aliases: [Zaporizhia, Запоріжжя]\n"
                            "persons:\n"
                            "  - name: Volodymyr Zelensky\n"
                            "    aliases: [Zelenskyy, Zelenskiy, Volodymyr Zelenskyy, Володимир "
                            "Зеленський]\n"
                            "  - name: Bashar al-Assad\n"
                            "  - name: António Guterres\n"
                            "  - name: Mohamed Hamdan Dagalo\n"
                            "    surname: Dagalo\n"
                            "    aliases:\n"
                            "      - Hemedti\n");

    REQUIRE(sitrep_gazetteer_load_supplement(gz, path, &err) == SITREP_OK);
    CHECK(err == NULL);
    CHECK(sitrep_gazetteer_size(gz) == 5);
    CHECK(sitrep_gazetteer_person_count(gz) == 4);

    /* A user-added place, by its name, its aliases (any script) and its
     * default id; admin-1 found by an alternate name, country upper-cased. */
    CHECK_STR(best_id(gz, "Dniprovka Crossing"), "sitrep:dniprovka-ferry");
    CHECK_STR(best_id(gz, "дніпровська  переправа"), "sitrep:dniprovka-ferry");
    p = sitrep_gazetteer_get(gz, "sitrep:dniprovka-ferry");
    REQUIRE(p != NULL);
    CHECK_STR(p->name, "Dniprovka Ferry");
    CHECK(p->kind == SITREP_PLACE_REGION);
    CHECK_STR(p->country, "UA");
    CHECK_STR(p->admin1, "Zaporizhzhia Oblast");
    CHECK_STR(p->admin1_id, "sitrep:admin1-ua-26");
    CHECK(fabs(p->lat - 47.41) < 1e-9 && fabs(p->lon - 34.6) < 1e-9 && p->population == 12);
    CHECK_STR(best_id(gz, "sea of azov"), "custom:azov");
    CHECK_STR(sitrep_gazetteer_get(gz, "custom:azov")->country, "");
    CHECK(isfinite(sitrep_gazetteer_get(gz, "custom:azov")->lat));
    /* Names added to a place the TSV has; the old ones still work. */
    CHECK_STR(best_id(gz, "Zaporizhia"), "geonames:687700");
    CHECK_STR(best_id(gz, "Запоріжжя"), "geonames:687700");
    CHECK_STR(best_id(gz, "Zaporozhye"), "geonames:687700");
    CHECK_STR(best_id(gz, "UA"), "sitrep:country-ua");
    /* "Sea of Azov": n-grams of text must now try three words. */
    CHECK(sitrep_gazetteer_max_name_words(gz) >= 3);

    /* Persons: every spelling gives the canonical person. */
    static const char *const zelensky[] = {"Zelenskyy", "ZELENSKIY", "Volodymyr Zelenskyy",
                                           "Volodymyr  Zelensky", "володимир зеленський"};
    for (size_t i = 0; i < sizeof zelensky / sizeof zelensky[0]; i++) {
        who = sitrep_gazetteer_person(gz, zelensky[i], strlen(zelensky[i]));
        CHECK(who != NULL);
        if (!who)
            fprintf(stderr, "  person \"%s\" not found\n", zelensky[i]);
        else {
            CHECK_STR(who->id, "person:volodymyr-zelensky");
            CHECK_STR(who->name, "Volodymyr Zelensky");
            CHECK_STR(who->surname, "Zelensky");
        }
    }
    /* The canonical surname alone is no alias; nor is someone else. */
    CHECK(sitrep_gazetteer_person(gz, "Zelensky", 8) == NULL);
    CHECK(sitrep_gazetteer_person(gz, "Olena Zelenska", 14) == NULL);
    who = sitrep_gazetteer_person(gz, "Bashar al Assad", 15);
    CHECK(who && !strcmp(who->surname, "al-Assad") && !strcmp(who->id, "person:bashar-al-assad"));
    /* Diacritics do not count, and the id has none. */
    who = sitrep_gazetteer_person(gz, "Antonio Guterres", 16);
    CHECK(who && !strcmp(who->name, "António Guterres") &&
          !strcmp(who->id, "person:antonio-guterres") && !strcmp(who->surname, "Guterres"));
    who = sitrep_gazetteer_person(gz, "Hemedti", 7);
    CHECK(who && !strcmp(who->surname, "Dagalo") &&
          !strcmp(who->id, "person:mohamed-hamdan-dagalo"));
    CHECK(sitrep_gazetteer_max_person_words(gz) == 3);
    /* A span of text, not NUL-terminated. */
    CHECK(sitrep_gazetteer_person(gz, "Zelenskyy said", 9) != NULL);

    sitrep_gazetteer_destroy(gz);
    unlink(path);
    free(path);

    /* An empty file, or one with empty lists, adds nothing. */
    gz = small_gazetteer();
    path = write_temp(".yaml", "# nothing yet\n");
    CHECK(sitrep_gazetteer_load_supplement(gz, path, &err) == SITREP_OK);
    unlink(path);
    free(path);
    path = write_temp(".yaml", "places:\npersons: []\n");
    CHECK(sitrep_gazetteer_load_supplement(gz, path, &err) == SITREP_OK);
    CHECK(sitrep_gazetteer_size(gz) == 3 && sitrep_gazetteer_person_count(gz) == 0);
    CHECK(sitrep_gazetteer_person(gz, "Zelenskyy", 9) == NULL);
    unlink(path);
    free(path);
    sitrep_gazetteer_destroy(gz);
}

#define ITEM "  - name: Ferry\n    kind: region\n    lat: 1\n    lon: 2\n"
#define PLACE "places:\n" ITEM

static void test_errors(void)
{
    static const struct {
        const char *text;
        const char *want; /* the message after "path" */
    } cases[] = {
        {"placez: []\n", ":1:1: top level: unknown key \"placez\""},
        {"places: {name: x}\n", ":1:9: places: expected a list"},
        {PLACE "    alias: [x]\n", ":6:5: place: unknown key \"alias\""},
        {PLACE "    lat: 3\n", ":6:5: place: \"lat\" given twice"},
        {"places:\n  - kind: region\n    lat: 1\n    lon: 2\n", ":2:5: place: \"name\" is missing"},
        {"places:\n  - name: Ferry\n    lat: 1\n    lon: 2\n", ":2:5: place: \"kind\" is missing"},
        {"places:\n  - name: Ferry\n    kind: village\n    lat: 1\n    lon: 2\n",
         ":3:11: kind: \"village\" is not"},
        {"places:\n  - name: Ferry\n    kind: region\n    lat: 91\n    lon: 2\n",
         ":4:10: lat: \"91\" is not a number"},
        {"places:\n  - name: Ferry\n    kind: region\n    lat: 1\n", ":2:5: place Ferry: \"lat\" "
                                                                  "and \"lon\" are both needed"},
        {"places:\n  - name: Ferry\n    kind: city\n    lat: 1\n    lon: 2\n",
         ":2:5: place Ferry: \"country\" is missing"},
        {PLACE "    country: Ukraine\n", ":6:14: country: \"Ukraine\" is not a two-letter"},
        {PLACE "    country: FR\n", ":2:5: place Ferry: unknown country \"FR\""},
        {PLACE "    country: UA\n    admin1: Kharkiv Oblast\n",
         ":2:5: place Ferry: no admin-1 region \"Kharkiv Oblast\" in country UA"},
        {PLACE "    population: many\n", ":6:17: population: \"many\" is not a whole number"},
        {PLACE "    aliases: Ferry Two\n", ":6:14: aliases: expected a list"},
        {PLACE "    aliases: [\"\"]\n", ":6:15: aliases: must not be empty"},
        {PLACE ITEM, ":6:5: place Ferry: a place with id sitrep:ferry exists already"},
        {"places:\n  - id: geonames:687700\n    name: Z\n    kind: city\n",
         ":4:11: place geonames:687700 exists already: only name and aliases"},
        {"persons:\n  - name: A B\n    aliases: [C]\n  - name: D E\n    aliases: [c]\n",
         ":4:5: person D E: \"c\" already names A B"},
        {"persons:\n  - name: A B\n    nickname: C\n", ":3:5: person: unknown key \"nickname\""},
        {"persons:\n  - name: \"...\"\n", ":2:5: person ...: \"...\" is no name"},
        {"persons:\n  - aliases: [x]\n", ":2:5: person: \"name\" is missing"},
        {"persons:\n  - name: [A, B]\n", ":2:11: name: expected text"},
        {"persons: [\n", ":2:1: did not find expected node content"},
        {"places: []\n---\npersons: []\n", ":3:1: only one YAML document"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sitrep_gazetteer *gz = small_gazetteer();
        char *path = write_temp(".yaml", cases[i].text), *err = NULL;
        sitrep_status st = sitrep_gazetteer_load_supplement(gz, path, &err);
        bool good = st == SITREP_ERR_INVALID && err && strncmp(err, path, strlen(path)) == 0 &&
                    strstr(err + strlen(path), cases[i].want) == err + strlen(path);
        CHECK(good);
        if (!good)
            fprintf(stderr, "  case %zu: status %d, got \"%s\", want \"%s%s\"\n", i, (int)st,
                    err ? err : "(null)", path, cases[i].want);
        free(err);
        unlink(path);
        free(path);
        sitrep_gazetteer_destroy(gz);
    }
    /* A missing file is an I/O error with the path and no position. */
    {
        sitrep_gazetteer *gz = small_gazetteer();
        char *err = NULL;
        CHECK(sitrep_gazetteer_load_supplement(gz, "/nonexistent/g.yaml", &err) == SITREP_ERR_IO);
        CHECK(err && strncmp(err, "/nonexistent/g.yaml: cannot open", 32) == 0);
        free(err);
        sitrep_gazetteer_destroy(gz);
    }
}

/* The persons of an extraction as "id=name:mention|mention;..." */
static char *persons_of(const sitrep_gazetteer *gz, const char *text)
{
    json_t *r = sitrep_extract(gz, text, strlen(text), "2024-01-10"), *p, *m;
    char *out = calloc(1, 4096);
    size_t i, k;

    REQUIRE(r && out);
    json_array_foreach(json_object_get(r, "persons"), i, p)
    {
        size_t n = strlen(out);
        snprintf(out + n, 4096 - n, "%s%s=%s:", i ? ";" : "",
                 json_string_value(json_object_get(p, "id")),
                 json_string_value(json_object_get(p, "name")));
        json_array_foreach(json_object_get(p, "mentions"), k, m)
        {
            n = strlen(out);
            snprintf(out + n, 4096 - n, "%s%s", k ? "|" : "",
                     json_string_value(json_object_get(m, "text")));
        }
    }
    json_decref(r);
    return out;
}

static void test_shipped(const char *src)
{
    char path[4096], *err = NULL;
    sitrep_gazetteer *gz = NULL;
    const struct sitrep_place *p;

    snprintf(path, sizeof path, "%s/indexer/gazetteer/places.tsv", src);
    if (sitrep_gazetteer_load(path, &gz, &err) != SITREP_OK) {
        fprintf(stderr, "%s\n", err ? err : "cannot load the gazetteer");
        exit(99);
    }
    snprintf(path, sizeof path, "%s/config/gazetteer.yaml", src);
    if (sitrep_gazetteer_load_supplement(gz, path, &err) != SITREP_OK) {
        fprintf(stderr, "shipped supplement: %s\n", err ? err : "?");
        free(err);
        test_failures++;
        sitrep_gazetteer_destroy(gz);
        return;
    }
    CHECK(sitrep_gazetteer_person_count(gz) >= 12);
    CHECK_STR(best_id(gz, "Kharkov"), "geonames:706483"); /* the TSV is intact */
    CHECK_STR(best_id(gz, "ZNPP"), "sitrep:zaporizhzhia-nuclear-power-plant");
    p = sitrep_gazetteer_get(gz, "sitrep:zaporizhzhia-nuclear-power-plant");
    CHECK(p && !strcmp(p->admin1, "Zaporizhzhia Oblast") && !strcmp(p->country, "UA"));
    CHECK_STR(best_id(gz, "Азовське море"), "sitrep:sea-of-azov");

    static const struct {
        const char *text, *want;
    } cases[] = {
        /* An alias alone, with no title or first name. */
        {"Zelenskyy said the talks had failed.",
         "person:volodymyr-zelensky=Volodymyr Zelensky:Zelenskyy"},
        /* Spellings the clustering keeps apart are one person; a mention
         * carries its capitalised title, the name does not. */
        {"President Volodymyr Zelensky visited Kharkiv. Zelenskyy said the city would hold. "
         "Mr. Zelensky left on Tuesday.",
         "person:volodymyr-zelensky=Volodymyr Zelensky:President Volodymyr Zelensky|Zelenskyy|"
         "Mr. Zelensky"},
        {"Ukrainian President Volodymyr Zelenskiy spoke with UN Secretary-General Antonio "
         "Guterres.",
         "person:volodymyr-zelensky=Volodymyr Zelensky:President Volodymyr Zelenskiy;"
         "person:antonio-guterres=António Guterres:Antonio Guterres"},
        {"Владимир Путин заявил, что Путин прав.",
         "person:vladimir-putin=Vladimir Putin:Владимир Путин|Путин"},
        {"Fighting between the army and the RSF of Hemedti spread to Omdurman.",
         "person:mohamed-hamdan-dagalo=Mohamed Hamdan Dagalo:Hemedti"},
        /* Someone else of that surname is not the supplement's person. */
        {"Olena Zelenska said the school reopened.", "person:olena-zelenska=Olena Zelenska:Olena "
                                                     "Zelenska"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = persons_of(gz, cases[i].text);
        if (strcmp(got, cases[i].want) != 0) {
            fprintf(stderr, "  extract \"%s\"\n", cases[i].text);
            CHECK_STR(got, cases[i].want);
        }
        free(got);
    }
    sitrep_gazetteer_destroy(gz);
}

int main(void)
{
    const char *src = getenv("SITREP_SOURCE_DIR");

    test_user_entries();
    test_errors();
    if (!src) {
        fprintf(stderr, "SITREP_SOURCE_DIR is not set\n");
        return 99;
    }
    test_shipped(src);
    return TEST_DONE();
}
