/* test-extract.c - places, persons and dates from short texts, against the
 * real gazetteer (indexer/gazetteer/places.tsv; skipped until it exists). */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "unit/test.h"

static sitrep_gazetteer *gz;

/* Every mention's text is the bytes at its offsets; offsets are in range. */
static void check_offsets(const char *text, size_t len, json_t *r)
{
    static const char *const lists[] = {"places", "persons"};
    json_t *v;
    size_t i, k;

    for (int l = 0; l < 2; l++)
        json_array_foreach(json_object_get(r, lists[l]), i, v)
        {
            json_t *m;
            json_array_foreach(json_object_get(v, "mentions"), k, m)
            {
                json_int_t s = json_integer_value(json_object_get(m, "start"));
                json_int_t e = json_integer_value(json_object_get(m, "end"));
                const char *t = json_string_value(json_object_get(m, "text"));
                CHECK(s >= 0 && s < e && (size_t)e <= len);
                CHECK(t && (size_t)(e - s) == strlen(t) &&
                      memcmp(text + s, t, (size_t)(e - s)) == 0);
            }
        }
    json_array_foreach(json_object_get(r, "dates"), i, v)
    {
        json_int_t s = json_integer_value(json_object_get(v, "start"));
        json_int_t e = json_integer_value(json_object_get(v, "end"));
        CHECK(s >= 0 && s < e && (size_t)e <= len);
    }
}

static json_t *run(const char *text, const char *published)
{
    json_t *r = sitrep_extract(gz, text, strlen(text), published);
    REQUIRE(r);
    check_offsets(text, strlen(text), r);
    return r;
}

static json_t *find_by(json_t *arr, const char *key, const char *value)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(json_object_get(v, key));
        if (s && strcmp(s, value) == 0)
            return v;
    }
    return NULL;
}

/* Does any place have a mention with this text? */
static bool place_text(json_t *r, const char *text)
{
    size_t i, k;
    json_t *p, *m;
    json_array_foreach(json_object_get(r, "places"), i, p) json_array_foreach(
        json_object_get(p, "mentions"), k,
        m) if (strcmp(json_string_value(json_object_get(m, "text")), text) == 0) return true;
    return false;
}

static bool person_text(json_t *r, const char *text)
{
    size_t i, k;
    json_t *p, *m;
    json_array_foreach(json_object_get(r, "persons"), i, p) json_array_foreach(
        json_object_get(p, "mentions"), k,
        m) if (strcmp(json_string_value(json_object_get(m, "text")), text) == 0) return true;
    return false;
}

static void test_kharkiv(void)
{
    const char *text = "Russian forces shelled Kharkiv on Monday, Ukrainian officials said.";
    json_t *r = run(text, "2022-03-02");
    json_t *places = json_object_get(r, "places"), *p, *m, *d;

    CHECK(json_array_size(places) == 1);
    p = find_by(places, "name", "Kharkiv");
    CHECK(p);
    if (p) {
        CHECK_STR(json_string_value(json_object_get(p, "id")), "geonames:706483");
        CHECK_STR(json_string_value(json_object_get(p, "country")), "UA");
        CHECK(json_string_value(json_object_get(p, "admin1")) != NULL);
        CHECK(json_string_value(json_object_get(p, "admin1_id")) != NULL);
        CHECK(json_is_real(json_object_get(p, "lat")) && json_is_real(json_object_get(p, "lon")));
        m = json_array_get(json_object_get(p, "mentions"), 0);
        CHECK(json_array_size(json_object_get(p, "mentions")) == 1);
        CHECK(json_integer_value(json_object_get(m, "start")) == 23);
        CHECK(json_integer_value(json_object_get(m, "end")) == 30);
        CHECK_STR(json_string_value(json_object_get(m, "text")), "Kharkiv");
    }
    /* Demonyms are not places. */
    CHECK(!place_text(r, "Russian") && !place_text(r, "Ukrainian"));
    CHECK(json_array_size(json_object_get(r, "persons")) == 0);
    CHECK(json_array_size(json_object_get(r, "dates")) == 1);
    d = json_array_get(json_object_get(r, "dates"), 0);
    CHECK_STR(json_string_value(json_object_get(d, "date")), "2022-02-28");
    CHECK_STR(json_string_value(json_object_get(d, "precision")), "day");
    CHECK_STR(json_string_value(json_object_get(d, "text")), "Monday");
    CHECK(json_integer_value(json_object_get(d, "start")) == 34);
    CHECK(json_integer_value(json_object_get(d, "end")) == 40);
    CHECK_STR(json_string_value(json_object_get(r, "published")), "2022-03-02");
    json_decref(r);
}

/* The same city by its spellings and scripts. */
static void test_spellings(void)
{
    static const char *const texts[] = {
        "Shelling hit Kharkov again, the mayor of the city said.",
        "Shelling hit \xD0\xA5\xD0\xB0\xD1\x80\xD0\xBA\xD1\x96\xD0\xB2 again, the mayor said.",
        "Shelling hit \xD0\xA5\xD0\xB0\xD1\x80\xD1\x8C\xD0\xBA\xD0\xBE\xD0\xB2 again, the mayor "
        "said.",
        "Shelling hit Kharkiv's centre again, the mayor said.",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        json_t *r = run(texts[i], NULL);
        json_t *p = find_by(json_object_get(r, "places"), "id", "geonames:706483");
        if (!p)
            fprintf(stderr, "no Kharkiv in: %s\n", texts[i]);
        CHECK(p != NULL);
        json_decref(r);
    }
}

static void test_disambiguation(void)
{
    static const struct {
        const char *text, *mention, *country; /* country NULL: no place */
    } cases[] = {
        {"A tornado struck Paris, Texas, on Monday, local officials said.", "Paris", "US"},
        {"Protesters gathered in Paris on Monday, French police said.", "Paris", "FR"},
        {"Tbilisi is the capital of Georgia, and Russian troops remain nearby.", "Georgia", "GE"},
        {"Police said the suspect had fled.", "Police", NULL},
        {"Of the 40 victims, most were women.", "Of", NULL},
        {"Will the talks succeed? Nobody knows.", "Will", NULL},
        {"The split in the party grew. Split decisions followed.", "Split", NULL},
        {"Aleppo and Idlib were shelled as Syrian forces advanced.", "Idlib", "SY"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *r = run(cases[i].text, NULL);
        bool found = false;
        size_t k, j;
        json_t *p, *m;
        json_array_foreach(json_object_get(r, "places"), k, p) json_array_foreach(
            json_object_get(p, "mentions"), j,
            m) if (strcmp(json_string_value(json_object_get(m, "text")), cases[i].mention) == 0)
        {
            found = true;
            if (cases[i].country)
                CHECK_STR(json_string_value(json_object_get(p, "country")), cases[i].country);
        }
        if (found != (cases[i].country != NULL))
            fprintf(stderr, "case %zu: %s\n", i, cases[i].text);
        CHECK(found == (cases[i].country != NULL));
        json_decref(r);
    }
}

/* Places named by a romanisation the gazetteer lacks, resolved through
 * its loose and skeleton keys, and words that such keys would turn into
 * places without the checks of extract-places.c. */
static void test_romanisations(void)
{
    static const struct {
        const char *text, *mention, *id; /* id NULL: the mention is no place */
    } cases[] = {
        {"Shelling was reported in Deir Ezzor city on Tuesday.", "Deir Ezzor", "geonames:170794"},
        {"Families fled the countryside of al-Raqqa.", "al-Raqqa", "geonames:172955"},
        {"Fighting went on in Menbej overnight.", "Menbej", "geonames:167357"},
        {"A market in JEsr al-Shughour city was hit.", "JEsr al-Shughour", "geonames:169023"},
        {"Aid reached the city of Bokamal.", "Bokamal", "geonames:174448"},
        {"Power was cut in al-Tabaqa city.", "al-Tabaqa", "geonames:172374"},
        {"Syrian forces advanced near Qameshly.", "Qameshly", "geonames:173377"},
        /* An article and a place-name word are a name, not common words. */
        {"Schools reopened in al-Bab city.", "al-Bab", "geonames:174018"},
        /* Words and names that match a place's key, but no place. */
        {"Two died in Aerial attacks on Aleppo.", "Aerial", NULL},         /* Eral, India */
        {"Talks on Idlib were held in Putin's residence.", "Putin", NULL}, /* Putten */
        {"Al Jazeera reported clashes in Mosul.", "Al Jazeera", NULL},     /* Al Jazirah */
        {"Residents of Damascus heard fighting in Jobar.", "Jobar", NULL}, /* Juybar, Iran */
        {"A Kam Air flight landed safely on Monday.", "Kam Air", NULL},    /* Kamir */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *r = run(cases[i].text, NULL);
        const char *got = NULL;
        size_t k, j;
        json_t *p, *m;
        json_array_foreach(json_object_get(r, "places"), k, p) json_array_foreach(
            json_object_get(p, "mentions"), j,
            m) if (strcmp(json_string_value(json_object_get(m, "text")), cases[i].mention) == 0)
            got = json_string_value(json_object_get(p, "id"));
        if (cases[i].id ? !got || strcmp(got, cases[i].id) != 0 : got != NULL) {
            fprintf(stderr, "case %zu: %s: got %s\n", i, cases[i].text, got ? got : "no place");
            CHECK(false);
        }
        json_decref(r);
    }
}

static void test_persons(void)
{
    const char *text = "President Vladimir Putin said on Tuesday that the operation would "
                       "continue. Putin added that talks were possible.";
    json_t *r = run(text, "2022-03-02");
    json_t *persons = json_object_get(r, "persons"), *p;

    CHECK(json_array_size(persons) == 1);
    p = json_array_get(persons, 0);
    CHECK_STR(json_string_value(json_object_get(p, "id")), "person:vladimir-putin");
    CHECK_STR(json_string_value(json_object_get(p, "name")), "Vladimir Putin");
    CHECK_STR(json_string_value(json_object_get(p, "surname")), "Putin");
    CHECK(json_array_size(json_object_get(p, "mentions")) == 2);
    CHECK(!place_text(r, "Vladimir"));
    json_decref(r);

    static const struct {
        const char *text, *id;
        size_t mentions;
    } cases[] = {
        {"Michael Kofman, an analyst, said the offensive had stalled. Mr. Kofman added that "
         "reserves were thin.",
         "person:michael-kofman", 2},
        {"Mr. Kofman said the offensive had stalled.", "person:kofman", 1},
        {"The figures were confirmed, according to Anton Gerashchenko, an adviser.",
         "person:anton-gerashchenko", 1},
        {"Ukrainian Ambassador Sergiy Kyslytsya spoke first.", "person:sergiy-kyslytsya", 1},
        {"Syrian President Bashar al-Assad met envoys. Assad said little.",
         "person:bashar-al-assad", 2},
        {"The report was welcomed by Michelle Bachelet, who called for calm.",
         "person:michelle-bachelet", 1},
        {"\"We will not stop,\" said Dmitry Peskov on Monday.", "person:dmitry-peskov", 1},
        {"U.S. Secretary of State Antony Blinken arrived in Kyiv.", "person:antony-blinken", 1},
        {"Ursula von der Leyen said the sanctions would bite.", "person:ursula-von-der-leyen", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *res = run(cases[i].text, "2022-03-02");
        json_t *q = find_by(json_object_get(res, "persons"), "id", cases[i].id);
        if (!q || json_array_size(json_object_get(q, "mentions")) != cases[i].mentions) {
            char *dump = json_dumps(json_object_get(res, "persons"), JSON_COMPACT);
            fprintf(stderr, "case %zu: %s\n  persons: %s\n", i, cases[i].text, dump);
            free(dump);
        }
        CHECK(q != NULL);
        if (q)
            CHECK(json_array_size(json_object_get(q, "mentions")) == cases[i].mentions);
        if (i == 4 && q)
            CHECK_STR(json_string_value(json_object_get(q, "surname")), "al-Assad");
        json_decref(res);
    }
}

static void test_not_persons(void)
{
    static const char *const texts[] = {
        "The footage was aired by NBC News on Monday.",
        "Photo: Getty Images. Reuters reported the strike.",
        "The Defence Ministry said the Security Council would meet.",
        "Russian Defence Ministry spokesman said nothing on Monday.",
        "The Free Syrian Army said it had withdrawn.",
        "Human Rights Watch said the attack was indiscriminate.",
        "Fighting continued in Kharkiv and Donetsk, officials said.",
        "In March, the United Nations said aid had arrived.",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        json_t *r = run(texts[i], "2022-03-02");
        if (json_array_size(json_object_get(r, "persons")) != 0) {
            char *dump = json_dumps(json_object_get(r, "persons"), JSON_COMPACT);
            fprintf(stderr, "not a person, case %zu: %s\n  persons: %s\n", i, texts[i], dump);
            free(dump);
        }
        CHECK(json_array_size(json_object_get(r, "persons")) == 0);
        json_decref(r);
    }
    /* A place that is a surname of someone named in full is that person. */
    json_t *r = run("Michael Jackson said he loved the crowd. Jackson smiled.", NULL);
    CHECK(person_text(r, "Jackson") && !place_text(r, "Jackson"));
    json_decref(r);
}

static void test_dates_and_published(void)
{
    json_t *r, *d;

    /* No published date: inferred from the dateline. */
    r = run("KYIV, Feb 28 (Reuters) - Russian forces shelled Kharkiv on Sunday. The war "
            "began on February 24, 2022.",
            NULL);
    CHECK_STR(json_string_value(json_object_get(r, "published")), "2022-02-28");
    d = find_by(json_object_get(r, "dates"), "text", "Sunday");
    CHECK(d != NULL);
    if (d)
        CHECK_STR(json_string_value(json_object_get(d, "date")), "2022-02-27");
    json_decref(r);

    /* No date at all: published is null, relative dates are dropped. */
    r = run("Russian forces shelled Kharkiv on Monday.", NULL);
    CHECK(json_is_null(json_object_get(r, "published")));
    CHECK(json_array_size(json_object_get(r, "dates")) == 0);
    json_decref(r);

    /* Precisions. */
    r = run("Fighting since 2015 grew in March and on Feb. 28, 2022.", "2022-03-02");
    d = find_by(json_object_get(r, "dates"), "text", "2015");
    CHECK(d && strcmp(json_string_value(json_object_get(d, "precision")), "year") == 0);
    d = find_by(json_object_get(r, "dates"), "text", "March");
    CHECK(d && strcmp(json_string_value(json_object_get(d, "date")), "2022-03") == 0);
    d = find_by(json_object_get(r, "dates"), "text", "Feb. 28, 2022");
    CHECK(d && strcmp(json_string_value(json_object_get(d, "date")), "2022-02-28") == 0);
    CHECK(!person_text(r, "March") && !place_text(r, "March"));
    json_decref(r);
}

/* Binary junk, invalid UTF-8, NULs, huge repeated text, empty input. */
static void test_robust(void)
{
    size_t n = 1 << 20;
    char *junk = malloc(n);
    unsigned long x = 42;
    json_t *r;
    REQUIRE(junk);
    for (size_t i = 0; i < n; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        junk[i] = (char)(x >> 56);
        if ((x >> 21) % 3 == 0)
            junk[i] =
                "Kharkiv Putin said Mr. al-Assad \xD0\xA5 \xC3 Monday 2022-02-28 -'"[(x >> 30) %
                                                                                     58];
    }
    r = sitrep_extract(gz, junk, n, "2022-03-02");
    REQUIRE(r);
    check_offsets(junk, n, r);
    json_decref(r);

    /* Every prefix of a dense text (cuts inside UTF-8 sequences too). */
    static const char dense[] = "President Vladimir Putin said \xD0\xA5\xD0\xB0\xD1\x80\xD0\xBA"
                                "\xD1\x96\xD0\xB2 al-Assad's Mr. Kofman Kharkiv-based "
                                "Ivano-Frankivsk 24 February";
    for (size_t k = 0; k < sizeof dense; k++) {
        char *copy = malloc(k + 1);
        REQUIRE(copy);
        memcpy(copy, dense, k);
        r = sitrep_extract(gz, copy, k, NULL);
        REQUIRE(r);
        check_offsets(copy, k, r);
        json_decref(r);
        free(copy);
    }

    /* Large input: many articles' worth of real text. */
    {
        const char *para = "Russian forces shelled Kharkiv on Monday, Ukrainian officials "
                           "said. President Vladimir Putin said the operation would go on. ";
        size_t pl = strlen(para), reps = (8u << 20) / pl;
        char *big = malloc(pl * reps);
        REQUIRE(big);
        for (size_t k = 0; k < reps; k++)
            memcpy(big + k * pl, para, pl);
        r = sitrep_extract(gz, big, pl * reps, "2022-03-02");
        REQUIRE(r);
        CHECK(json_array_size(json_object_get(r, "places")) == 1);
        CHECK(json_array_size(json_object_get(r, "persons")) == 1);
        json_decref(r);
        free(big);
    }

    r = sitrep_extract(gz, "", 0, NULL);
    REQUIRE(r);
    CHECK(json_array_size(json_object_get(r, "places")) == 0);
    json_decref(r);
    r = sitrep_extract(NULL, "Putin said Kharkiv.", 19, NULL);
    REQUIRE(r);
    CHECK(json_array_size(json_object_get(r, "places")) == 0);
    json_decref(r);
    free(junk);
}

/* What the statistical tagger adds to the rules, with the bundled
 * supplement: person spans that carry their title as news corpora mark
 * them, people named without any cue, world regions, "U.S." with its dot. */
static void test_tagged(void)
{
    static const struct {
        const char *text;
        const char *list;    /* "places" or "persons" */
        const char *mention; /* a mention's exact text */
        const char *id;      /* the entity it belongs to */
    } cases[] = {
        {"In a letter to Egyptian President Hosni Mubarak, the group said it was dismayed.",
         "persons", "President Hosni Mubarak", "person:hosni-mubarak"},
        {"Prime Minister Tony Blair met Ehud Olmert in London.", "persons",
         "Prime Minister Tony Blair", "person:tony-blair"},
        {"Prime Minister Tony Blair met Ehud Olmert in London.", "persons", "Ehud Olmert",
         "person:ehud-olmert"},
        {"Troops from the U.S. and Britain arrived on Monday.", "places", "U.S.",
         "sitrep:country-us"},
        {"Troops from the U.S. and Britain arrived on Monday.", "places", "Britain",
         "sitrep:country-gb"},
        {"Oil prices rose across the Middle East and Europe.", "places", "Middle East",
         "sitrep:middle-east"},
        {"The storm crossed the Pacific before it reached Japan.", "places", "Pacific",
         "sitrep:pacific-ocean"},
        {"Aleppo and Idlib were shelled as Syrian forces advanced.", "places", "Aleppo",
         "geonames:170063"},
        /* Lower-case words inside a name, an acronym that spells a word. */
        {"The embassies in Dar es Salaam and Nairobi were bombed in 1998.", "places",
         "Dar es Salaam", "geonames:160263"},
        {"A civilian was killed in an ambush in Port-au-Prince on Monday.", "places",
         "Port-au-Prince", "geonames:3718426"},
        {"The EU and the US provide food aid on humanitarian grounds.", "places", "US",
         "sitrep:country-us"},
        /* A country's name the tagger splits at a sentence's start
         * ("Saudi" an organisation, "Arabia" a person). */
        {"Saudi Arabia is a Sunni Muslim country and Iraq has a Shi'ite majority.", "places",
         "Saudi Arabia", "sitrep:country-sa"},
        {"Ivory Coast has been divided between the rebel-held north and the south.", "places",
         "Ivory Coast", "sitrep:country-ci"},
        /* Areas, waters and former states of the supplement. */
        {"Troops moved into North Waziristan after the attack.", "places", "North Waziristan",
         "sitrep:north-waziristan"},
        {"Croatia declared its independence from Yugoslavia in 1991.", "places", "Yugoslavia",
         "sitrep:yugoslavia"},
        {"The ferry sank in the Bay of Bengal on Sunday.", "places", "Bay of Bengal",
         "sitrep:bay-of-bengal"},
    };
    static const struct {
        const char *text, *word; /* word: neither a place nor a person */
    } neither[] = {
        {"The Kharkiv Regional Military Administration said two people were hurt.", "Kharkiv"},
        {"Photo: Getty Images. Reuters reported the strike.", "Getty Images"},
        {"PLEASE HELP US NOW, the banner read.", "US"},
    };
    char path[4096];
    const char *src = getenv("SITREP_SOURCE_DIR");
    char *err = NULL;

    snprintf(path, sizeof path, "%s/config/gazetteer.yaml", src ? src : ".");
    if (sitrep_gazetteer_load_supplement(gz, path, &err) != SITREP_OK) {
        fprintf(stderr, "cannot load %s: %s\n", path, err ? err : "?");
        free(err);
        CHECK(0);
        return;
    }
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *r = run(cases[i].text, "2022-03-02");
        json_t *e = find_by(json_object_get(r, cases[i].list), "id", cases[i].id);
        bool found = false;
        size_t k;
        json_t *m;
        json_array_foreach(json_object_get(e, "mentions"), k, m) found =
            found || strcmp(json_string_value(json_object_get(m, "text")), cases[i].mention) == 0;
        if (!found) {
            char *dump = json_dumps(r, JSON_COMPACT);
            fprintf(stderr, "tagged case %zu: %s\n  %s\n", i, cases[i].text, dump);
            free(dump);
        }
        CHECK(found);
        json_decref(r);
    }
    for (size_t i = 0; i < sizeof neither / sizeof neither[0]; i++) {
        json_t *r = run(neither[i].text, "2022-03-02");
        CHECK(!place_text(r, neither[i].word) && !person_text(r, neither[i].word));
        json_decref(r);
    }
}

int main(void)
{
    const char *src = getenv("SITREP_SOURCE_DIR");
    char path[4096];
    char *err = NULL;
    FILE *f;

    snprintf(path, sizeof path, "%s/indexer/gazetteer/places.tsv", src ? src : ".");
    f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "skip: no gazetteer at %s\n", path);
        return 77;
    }
    fclose(f);
    if (sitrep_gazetteer_load(path, &gz, &err) != SITREP_OK) {
        fprintf(stderr, "cannot load %s: %s\n", path, err ? err : "?");
        free(err);
        return 99;
    }
    test_kharkiv();
    test_spellings();
    test_disambiguation();
    test_romanisations();
    test_persons();
    test_not_persons();
    test_dates_and_published();
    test_robust();
    test_tagged(); /* last: it adds the supplement to the gazetteer */
    sitrep_gazetteer_destroy(gz);
    return TEST_DONE();
}
