/* test-ner.c - the named-entity tagger: its tokeniser against GMB's
 * conventions, the built-in model, what the gazetteer tells it, spans any
 * decent model must find, names from wars GMB never saw, and hostile input
 * (invalid UTF-8, a megabyte of random bytes).  Uses the default gazetteer
 * and its supplement, as sitrep-index does. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gazetteer.h"
#include "ner-private.h"
#include "ner.h"
#include "sitrep-build.h"
#include "unit/test.h"

static sitrep_gazetteer *gz; /* the default gazetteer, loaded by main() */

/* The tokens of s joined by '|', with '/' before each sentence's first but
 * the text's first; caller frees. */
static char *tokens_of(const char *s, size_t len)
{
    struct ner_tokens t = {0};
    char *out = NULL;
    size_t n = 0;

    REQUIRE(ner_tokenize(s, len, &t) == SITREP_OK);
    out = malloc(2 * len + 2);
    REQUIRE(out);
    for (size_t i = 0; i < t.n; i++) {
        if (i > 0)
            out[n++] = (t.v[i].flags & NER_TF_SENT) ? '/' : '|';
        CHECK(t.v[i].start < t.v[i].end && t.v[i].end <= len);
        memcpy(out + n, s + t.v[i].start, t.v[i].end - t.v[i].start);
        n += t.v[i].end - t.v[i].start;
    }
    out[n] = '\0';
    CHECK(t.n == 0 || (t.v[0].flags & NER_TF_SENT));
    ner_tokens_free(&t);
    return out;
}

static void test_tokenize(void)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"U.S. troops", "U.S.|troops"},
        {"the U.S.-led coalition", "the|U.S.-led|coalition"},
        {"Cairo's mayor", "Cairo|'s|mayor"},
        {"Cairo\xe2\x80\x99s mayor", "Cairo|\xe2\x80\x99s|mayor"},
        {"don't go", "do|n't|go"},
        {"They can't", "They|ca|n't"},
        {"do n't", "do|n't"},
        {"President Bashar al-Assad.", "President|Bashar|al-Assad|."},
        {"Ter Ma\xe2\x80\x99la", "Ter|Ma\xe2\x80\x99la"},
        {"O'Brien and Shi'ite", "O'Brien|and|Shi'ite"},
        {"1,000 people, 3.5%", "1,000|people|,|3.5|%"},
        {"$2,00,000 in 2006.", "$|2,00,000|in|2006|."},
        {"Mr. J. Smith", "Mr.|J.|Smith"},
        {"a York-based firm", "a|York-based|firm"},
        {"at 5 p.m. today", "at|5|p.m.|today"},
        {"AT&T and R&B", "AT&T|and|R&B"},
        {"\xd0\xa5\xd0\xb0\xd1\x80\xd0\xba\xd1\x96\xd0\xb2 \xd9\x82\xd8\xb5\xd9\x81",
         "\xd0\xa5\xd0\xb0\xd1\x80\xd0\xba\xd1\x96\xd0\xb2|\xd9\x82\xd8\xb5\xd9\x81"},
        {"wait -- and ... see", "wait|--|and|...|see"},
        {"(Reuters) ok", "(|Reuters|)|ok"},
        {"ab\xff"
         "cd",
         "ab|cd"},
        {"countries' borders", "countries|'|borders"},
        {"They left. She came!\nThen", "They|left|./She|came|!/Then"},
        {"He said \"no.\" Then", "He|said|\"|no|.|\"/Then"},
        {"said . \"", "said|.|\""},
        {"in the U.S. troops", "in|the|U.S.|troops"},
        {"Gen. Smith", "Gen.|Smith"},
        {"", ""},
        {" \n\t ", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = tokens_of(cases[i].in, strlen(cases[i].in));
        CHECK_STR(got, cases[i].want);
        free(got);
    }
}

/* A long run of words without a full stop is cut into sentences. */
static void test_long_sentence(void)
{
    size_t n = 3 * NER_MAX_SENT, len = 2 * n;
    char *s = malloc(len);
    struct ner_tokens t = {0};
    size_t sents = 0;

    REQUIRE(s);
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = 'a';
        s[2 * i + 1] = ' ';
    }
    REQUIRE(ner_tokenize(s, len, &t) == SITREP_OK);
    CHECK(t.n == n);
    for (size_t i = 0; i < t.n; i++)
        sents += (t.v[i].flags & NER_TF_SENT) != 0;
    CHECK(sents == 3);
    ner_tokens_free(&t);
    free(s);

    /* A closing quote after the longest sentence's full stop joins it: the
     * tagger must still keep within its per-sentence arrays. */
    n = NER_MAX_SENT - 1;
    len = 2 * n + 3;
    s = malloc(len);
    REQUIRE(s);
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = 'A';
        s[2 * i + 1] = ' ';
    }
    memcpy(s + 2 * n, ". \"", 3);
    REQUIRE(ner_tokenize(s, len, &t) == SITREP_OK);
    CHECK(t.n == n + 2 && (t.v[0].flags & NER_TF_SENT));
    sents = 0;
    for (size_t i = 0; i < t.n; i++)
        sents += (t.v[i].flags & NER_TF_SENT) != 0;
    CHECK(sents == 1);
    ner_tokens_free(&t);
    {
        struct sitrep_ner_span *spans;
        size_t ns;
        REQUIRE(sitrep_ner_tag(gz, s, len, &spans, &ns) == SITREP_OK);
        for (size_t i = 0; i < ns; i++)
            CHECK(spans[i].end <= len);
        free(spans);
    }
    free(s);
}

static void test_model(void)
{
    struct ner_model m;
    static const unsigned char bad[64] = "SRNERMDL";

    CHECK(ner_model_open(sitrep_ner_model_start,
                         (size_t)(sitrep_ner_model_end - sitrep_ner_model_start), &m) == SITREP_OK);
    CHECK(m.nfeatures > 10000);
    CHECK(ner_model_open(bad, sizeof bad, &m) == SITREP_ERR_INVALID);
    CHECK(ner_model_open(bad, 10, &m) == SITREP_ERR_INVALID);
}

/* Checks the invariants of a result: spans in order, in bounds, not
 * overlapping, with a valid type. */
static void check_spans(const struct sitrep_ner_span *s, size_t n, size_t len)
{
    for (size_t i = 0; i < n; i++) {
        CHECK(s[i].start < s[i].end && s[i].end <= len);
        CHECK(s[i].type >= SITREP_NER_PER && s[i].type <= SITREP_NER_MISC);
        if (i > 0)
            CHECK(s[i - 1].end <= s[i].start);
    }
}

static bool has_span(const char *text, const struct sitrep_ner_span *s, size_t n, const char *want,
                     enum sitrep_ner_type type)
{
    for (size_t i = 0; i < n; i++)
        if (s[i].type == type && s[i].end - s[i].start == strlen(want) &&
            memcmp(text + s[i].start, want, strlen(want)) == 0)
            return true;
    return false;
}

static void test_tag(void)
{
    static const struct {
        const char *text;
        const char *want; /* NULL: no span at all */
        enum sitrep_ner_type type;
        const char *not_per; /* a span that must not be a person, or NULL */
    } cases[] = {
        {"Michelle Bachelet said on Monday that the commission would investigate.",
         "Michelle Bachelet", SITREP_NER_PER, NULL},
        {"President Vladimir Putin said the talks had failed.", "President Vladimir Putin",
         SITREP_NER_PER, NULL},
        {"Fighting continued in Kharkiv on Tuesday.", "Kharkiv", SITREP_NER_GEO, NULL},
        {"NBC News reported the attack on the convoy.", "NBC News", SITREP_NER_ORG, "NBC News"},
        {"Syrian President Bashar al-Assad visited Aleppo on Friday.", "President Bashar al-Assad",
         SITREP_NER_PER, NULL},
        {"the shelling went on through the night and residents stayed in basements.", NULL, 0,
         NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct sitrep_ner_span *s = NULL;
        size_t n = 99, len = strlen(cases[i].text);
        REQUIRE(sitrep_ner_tag(gz, cases[i].text, len, &s, &n) == SITREP_OK);
        check_spans(s, n, len);
        if (cases[i].want) {
            if (!has_span(cases[i].text, s, n, cases[i].want, cases[i].type))
                fprintf(stderr, "case %zu: no %s span \"%s\"\n", i,
                        sitrep_ner_type_name(cases[i].type), cases[i].want);
            CHECK(has_span(cases[i].text, s, n, cases[i].want, cases[i].type));
        } else {
            CHECK(n == 0 && s == NULL);
        }
        if (cases[i].not_per)
            CHECK(!has_span(cases[i].text, s, n, cases[i].not_per, SITREP_NER_PER));
        free(s);
    }
}

static void test_hostile(void)
{
    static const char bad[] = "Kharkiv\xff\xfe\xc0\xaf Putin \xe2\x82 \xed\xa0\x80 Kyiv\x80";
    struct sitrep_ner_span *s = (void *)1;
    size_t n = 99, len = 1 << 20;
    uint64_t x = 88172645463325252u;
    char *r;

    for (int g = 0; g < 2; g++) {
        const sitrep_gazetteer *with = g ? NULL : gz;
        REQUIRE(sitrep_ner_tag(with, "", 0, &s, &n) == SITREP_OK);
        CHECK(n == 0 && s == NULL);
        REQUIRE(sitrep_ner_tag(with, bad, sizeof bad - 1, &s, &n) == SITREP_OK);
        check_spans(s, n, sizeof bad - 1);
        free(s);
    }
    /* A megabyte of random bytes: a worst case for the tokeniser's UTF-8
     * and sentence handling. */
    r = malloc(len);
    REQUIRE(r);
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        r[i] = (char)(x >> 24);
    }
    REQUIRE(sitrep_ner_tag(gz, r, len, &s, &n) == SITREP_OK);
    check_spans(s, n, len);
    free(s);
    /* And random capitalised words: every token is scored and looked up in
     * the gazetteer. */
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        r[i] = (i % 7 == 6) ? ' ' : (i % 7 == 0) ? (char)('A' + x % 26) : (char)('a' + x % 26);
    }
    REQUIRE(sitrep_ner_tag(gz, r, len, &s, &n) == SITREP_OK);
    check_spans(s, n, len);
    CHECK(n > 0);
    free(s);
    free(r);
    CHECK(strcmp(sitrep_ner_type_name(SITREP_NER_GPE), "gpe") == 0);
    CHECK(strcmp(sitrep_ner_type_name((enum sitrep_ner_type)42), "?") == 0);
}

/* What ner_sentence_gazetteer() says of each token of one sentence: the
 * longest names, their kind and position, and nothing for function words,
 * lower-case words or without a gazetteer. */
static void test_gazetteer_codes(void)
{
    static const char text[] = "The shelling of Khan Younis went on, Bashar al-Assad told Xqzvbn.";
    static const char glued[] = "Mayor Kharkiv Smith";
    const struct {
        const char *token;
        uint8_t place, person;
    } want[] = {
        {"The", NER_GZ_NONE, NER_GZ_NONE},
        {"shelling", NER_GZ_NONE, NER_GZ_NONE},
        {"of", NER_GZ_NONE, NER_GZ_NONE},
        {"Khan", ner_gz_code(NER_GZ_CITY_BIG, NER_GZ_FIRST, false), NER_GZ_NONE},
        {"Younis", ner_gz_code(NER_GZ_CITY_BIG, NER_GZ_NEXT, false), NER_GZ_NONE},
        {"went", NER_GZ_NONE, NER_GZ_NONE},
        {"on", NER_GZ_NONE, NER_GZ_NONE},
        {",", NER_GZ_NONE, NER_GZ_NONE},
        {"Bashar", NER_GZ_MISS, ner_gz_code(NER_GZ_COUNTRY, NER_GZ_FIRST, false)},
        {"al-Assad", NER_GZ_NONE, ner_gz_code(NER_GZ_COUNTRY, NER_GZ_NEXT, false)},
        {"told", NER_GZ_NONE, NER_GZ_NONE},
        {"Xqzvbn", NER_GZ_MISS, NER_GZ_NONE},
        {".", NER_GZ_NONE, NER_GZ_NONE},
    };
    struct ner_tokens t = {0};
    struct ner_info info[NER_MAX_SENT], again[NER_MAX_SENT];
    struct ner_gz_memo memo;
    size_t nwant = sizeof want / sizeof want[0];

    REQUIRE(ner_tokenize(text, sizeof text - 1, &t) == SITREP_OK);
    REQUIRE(t.n == nwant);
    ner_sentence_info(text, t.v, t.n, info);
    ner_sentence_gazetteer(gz, NULL, text, t.v, t.n, info);
    for (size_t i = 0; i < nwant; i++) {
        CHECK(t.v[i].end - t.v[i].start == strlen(want[i].token) &&
              memcmp(text + t.v[i].start, want[i].token, strlen(want[i].token)) == 0);
        if (info[i].place != want[i].place || info[i].person != want[i].person)
            fprintf(stderr, "%s: place %u person %u, want %u %u\n", want[i].token, info[i].place,
                    info[i].person, want[i].place, want[i].person);
        CHECK(info[i].place == want[i].place && info[i].person == want[i].person);
    }
    /* The memo only saves time, even when asked twice. */
    memset(&memo, 0, sizeof memo);
    for (int round = 0; round < 2; round++) {
        ner_sentence_info(text, t.v, t.n, again);
        ner_sentence_gazetteer(gz, &memo, text, t.v, t.n, again);
        for (size_t i = 0; i < nwant; i++)
            CHECK(again[i].place == info[i].place && again[i].person == info[i].person);
    }
    /* No gazetteer: no codes. */
    ner_sentence_info(text, t.v, t.n, info);
    ner_sentence_gazetteer(NULL, NULL, text, t.v, t.n, info);
    for (size_t i = 0; i < t.n; i++)
        CHECK(info[i].place == NER_GZ_NONE && info[i].person == NER_GZ_NONE);
    ner_tokens_free(&t);
    /* A capitalised word before or after a name glues it. */
    REQUIRE(ner_tokenize(glued, sizeof glued - 1, &t) == SITREP_OK && t.n == 3);
    ner_sentence_info(glued, t.v, t.n, info);
    ner_sentence_gazetteer(gz, NULL, glued, t.v, t.n, info);
    CHECK(info[1].place == ner_gz_code(NER_GZ_CITY_BIG, NER_GZ_ALONE, true));
    ner_tokens_free(&t);
}

/* Sentences in the style of reporting on the wars in Syria, Ukraine, Gaza
 * and Sudan, which GMB (2000s VOA news) never saw: places must come out as
 * GEO or GPE and persons as PER, each with exactly the span of the name.
 * The model of feature version 1 (no gazetteer, no unknown words) got 13
 * of the 24 places and 4 of the 6 persons (7 of the 17 sentences right):
 * "Aleppo" and "Kharkov" were persons, "Idlib" an organisation; version 2
 * gets 18-20 places and 5 persons, depending on the training seed.  A model
 * that learnt from GMB cannot be perfect here (GMB tags "Khan Younis" a
 * person more often than a place), so the test asks for a floor that
 * version 1 fails, and prints every miss when it falls short. */
enum ood_kind { OOD_PLACE, OOD_PERSON, OOD_ORG, OOD_KINDS };

static void test_out_of_domain(void)
{
    static const struct {
        const char *text;
        struct {
            const char *name;
            enum ood_kind kind;
        } want[3];
    } cases[] = {
        {"Aleppo and Idlib were shelled as Syrian forces advanced.",
         {{"Aleppo", OOD_PLACE}, {"Idlib", OOD_PLACE}}},
        {"Shelling hit Kharkov again, the mayor of the city said.", {{"Kharkov", OOD_PLACE}}},
        {"Ursula von der Leyen said the sanctions would bite.",
         {{"Ursula von der Leyen", OOD_PERSON}}},
        {"Ukrainian troops withdrew from Bakhmut after months of fighting, Volodymyr Zelensky "
         "said.",
         {{"Bakhmut", OOD_PLACE}, {"Volodymyr Zelensky", OOD_PERSON}}},
        {"Russian missiles struck Zaporizhzhia and Kharkiv overnight, regional officials said.",
         {{"Zaporizhzhia", OOD_PLACE}, {"Kharkiv", OOD_PLACE}}},
        {"Thousands of civilians fled Mariupol as the siege tightened.", {{"Mariupol", OOD_PLACE}}},
        {"The Syrian Observatory for Human Rights said 12 fighters were killed near Deir ez-Zor.",
         {{"Syrian Observatory for Human Rights", OOD_ORG}, {"Deir ez-Zor", OOD_PLACE}}},
        {"Bashar al-Assad met army commanders in Damascus on Sunday, state media reported.",
         {{"Bashar al-Assad", OOD_PERSON}, {"Damascus", OOD_PLACE}}},
        {"Israeli air strikes on Khan Younis and Rafah killed dozens, health officials said.",
         {{"Khan Younis", OOD_PLACE}, {"Rafah", OOD_PLACE}}},
        {"The Rapid Support Forces tightened their siege of El Fasher.",
         {{"Rapid Support Forces", OOD_ORG}, {"El Fasher", OOD_PLACE}}},
        {"Abdel Fattah al-Burhan moved his government to Port Sudan as fighting spread across "
         "Khartoum.",
         {{"Abdel Fattah al-Burhan", OOD_PERSON},
          {"Port Sudan", OOD_PLACE},
          {"Khartoum", OOD_PLACE}}},
        {"Mohamed Hamdan Dagalo denied that his fighters had looted homes in Omdurman.",
         {{"Mohamed Hamdan Dagalo", OOD_PERSON}, {"Omdurman", OOD_PLACE}}},
        {"Drones hit an oil depot in Kherson and a power plant near Kramatorsk.",
         {{"Kherson", OOD_PLACE}, {"Kramatorsk", OOD_PLACE}}},
        {"Residents of Homs and Hama reported heavy bombardment on Thursday.",
         {{"Homs", OOD_PLACE}, {"Hama", OOD_PLACE}}},
        {"Antony Blinken arrived in Kyiv for talks with Ukrainian officials.",
         {{"Antony Blinken", OOD_PERSON}, {"Kyiv", OOD_PLACE}}},
        {"Aid convoys reached Nyala and El Geneina in Darfur for the first time in weeks.",
         {{"Nyala", OOD_PLACE}, {"El Geneina", OOD_PLACE}, {"Darfur", OOD_PLACE}}},
        {"Fighting raged around Avdiivka as Ukrainian forces held their positions.",
         {{"Avdiivka", OOD_PLACE}}},
    };
    static const char *const kind_names[OOD_KINDS] = {"places", "persons", "organisations"};
    enum { MIN_PLACES = 17, MIN_PERSONS = 5 };
    size_t ok[OOD_KINDS], all[OOD_KINDS], sentences;

    /* A second pass, when the first falls short, prints the misses. */
    for (int pass = 0; pass < 2; pass++) {
        memset(ok, 0, sizeof ok);
        memset(all, 0, sizeof all);
        sentences = 0;
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            const char *text = cases[i].text;
            struct sitrep_ner_span *s;
            size_t n, len = strlen(text);
            bool sentence_ok = true;
            REQUIRE(sitrep_ner_tag(gz, text, len, &s, &n) == SITREP_OK);
            check_spans(s, n, len);
            for (size_t k = 0; k < 3 && cases[i].want[k].name; k++) {
                const char *name = cases[i].want[k].name;
                enum ood_kind kind = cases[i].want[k].kind;
                bool hit = kind == OOD_PLACE ? has_span(text, s, n, name, SITREP_NER_GEO) ||
                                                   has_span(text, s, n, name, SITREP_NER_GPE)
                           : kind == OOD_PERSON ? has_span(text, s, n, name, SITREP_NER_PER)
                                                : has_span(text, s, n, name, SITREP_NER_ORG);
                all[kind]++;
                ok[kind] += hit;
                sentence_ok &= hit;
                if (!hit && pass == 1) {
                    fprintf(stderr,
                            "out of domain: \"%s\" is not one of the %s in: %s\n   got:", name,
                            kind_names[kind], text);
                    for (size_t j = 0; j < n; j++)
                        fprintf(stderr, " %s[%.*s]", sitrep_ner_type_name(s[j].type),
                                (int)(s[j].end - s[j].start), text + s[j].start);
                    fprintf(stderr, "\n");
                }
            }
            sentences += sentence_ok;
            free(s);
        }
        if (ok[OOD_PLACE] >= MIN_PLACES && ok[OOD_PERSON] >= MIN_PERSONS)
            break;
    }
    fprintf(stderr,
            "out of domain: places %zu/%zu, persons %zu/%zu, organisations %zu/%zu; "
            "%zu/%zu sentences right\n",
            ok[OOD_PLACE], all[OOD_PLACE], ok[OOD_PERSON], all[OOD_PERSON], ok[OOD_ORG],
            all[OOD_ORG], sentences, sizeof cases / sizeof cases[0]);
    CHECK(ok[OOD_PLACE] >= MIN_PLACES);
    CHECK(ok[OOD_PERSON] >= MIN_PERSONS);
}

int main(void)
{
    char *err = NULL;

    if (sitrep_gazetteer_load(SITREP_DEFAULT_GAZETTEER, &gz, &err) != SITREP_OK ||
        sitrep_gazetteer_load_supplement(gz, SITREP_DEFAULT_GAZETTEER_SUPPLEMENT, &err) !=
            SITREP_OK) {
        fprintf(stderr, "test-ner: the default gazetteer: %s\n", err ? err : "cannot load");
        free(err);
        sitrep_gazetteer_destroy(gz);
        return 99;
    }
    test_tokenize();
    test_long_sentence();
    test_model();
    test_gazetteer_codes();
    test_tag();
    test_out_of_domain();
    test_hostile();
    sitrep_gazetteer_destroy(gz);
    return TEST_DONE();
}
