/* test-dedup.c - near-duplicate signatures (dedup.h): copies within the
 * threshold, distinct stories far below it, short texts unsigned. */
#include <jansson.h>
#include <stdlib.h>

#include "dedup.h"
#include "test.h"

static const char story[] =
    "Russian missiles and drones struck the port city for a third night in a row early on "
    "Thursday, damaging grain terminals and buildings in the city centre, regional officials "
    "said. The attacks followed the withdrawal on Monday from an agreement that had allowed "
    "grain exports through the sea. Officials said storage facilities had been hit and that "
    "tens of thousands of tonnes of grain had been destroyed. Several people were injured in "
    "the overnight strikes. The air force said air defences had intercepted part of the "
    "missiles and drones launched. Wheat prices rose on international markets after the "
    "agreement ended. Aid officials said the end of the deal would hurt people in countries "
    "that rely on food imports. Residents spent much of the night in shelters.";

/* One sentence rewritten, a dateline and an agency footer added, typographic
 * punctuation and other case. */
static const char copy[] =
    "PORT CITY, July 20 (Wire) \xe2\x80\x94 Russian missiles and drones struck the port city for "
    "a third night in a row early on Thursday, damaging grain terminals and buildings in the "
    "city centre, regional officials said. The attacks followed the withdrawal on Monday from "
    "an agreement that had allowed grain exports through the sea. Officials said storage "
    "facilities had been hit and that tens of thousands of tonnes of grain had been destroyed. "
    "At least 12 people were hurt in the overnight strikes, according to the governor. The air "
    "force said air defences had intercepted part of the missiles and drones launched. Wheat "
    "prices rose on international markets after the agreement ended. Aid officials said the "
    "end of the deal would hurt people in countries that rely on food imports. Residents spent "
    "much of the night in shelters. This report was distributed by a wire service.";

static void sign(const char *text, struct sitrep_dedup_sig *sig, bool want_has)
{
    bool has;
    REQUIRE(sitrep_dedup_sign(text, strlen(text), sig, &has) == SITREP_OK);
    CHECK(has == want_has);
}

static unsigned shared_bands(const struct sitrep_dedup_sig *a, const struct sitrep_dedup_sig *b)
{
    char x[SITREP_DEDUP_BAND_CHARS], y[SITREP_DEDUP_BAND_CHARS];
    unsigned n = 0;
    for (unsigned i = 0; i < SITREP_DEDUP_BANDS; i++) {
        sitrep_dedup_band(a, i, x);
        sitrep_dedup_band(b, i, y);
        CHECK(strlen(x) == SITREP_DEDUP_BAND_CHARS - 1);
        n += strcmp(x, y) == 0;
    }
    return n;
}

static void test_copies(void)
{
    struct sitrep_dedup_sig a, b, c;
    unsigned char bytes[SITREP_DEDUP_BYTES];

    sign(story, &a, true);
    sign(story, &b, true);
    CHECK(sitrep_dedup_similarity(&a, &b) == 1.0);
    CHECK(shared_bands(&a, &b) == SITREP_DEDUP_BANDS);
    /* A one-sentence edit stays a copy and shares bands, so the writer
     * finds it. */
    sign(copy, &c, true);
    CHECK(sitrep_dedup_similarity(&a, &c) >= SITREP_DEDUP_THRESHOLD + 0.1);
    CHECK(shared_bands(&a, &c) > 0);
    /* Case and typographic punctuation do not matter. */
    sign("RUSSIAN MISSILES AND DRONES STRUCK THE PORT CITY FOR A THIRD NIGHT IN A ROW EARLY ON "
         "THURSDAY, DAMAGING GRAIN TERMINALS AND BUILDINGS IN THE CITY CENTRE, REGIONAL "
         "OFFICIALS SAID\xe2\x80\x99 THE ATTACKS FOLLOWED THE WITHDRAWAL ON MONDAY FROM AN AGREEMENT",
         &b, true);
    sign("Russian missiles and drones struck the port city for a third night in a row early on "
         "Thursday, damaging grain terminals and buildings in the city centre, regional "
         "officials said. The attacks followed the withdrawal on Monday from an agreement",
         &c, true);
    CHECK(sitrep_dedup_similarity(&b, &c) == 1.0);
    /* Round trip through the value slot's bytes. */
    sitrep_dedup_encode(&a, bytes);
    CHECK(sitrep_dedup_decode(bytes, sizeof bytes, &b));
    CHECK(memcmp(a.min, b.min, sizeof a.min) == 0);
    CHECK(!sitrep_dedup_decode(bytes, sizeof bytes - 1, &b));
    /* Short texts get no signature. */
    sign("Explosions heard in Kyiv as Russia launches military operation", &b, false);
    sign("", &b, false);
}

/* The bundled samples: the copies named by duplicate_of in the expected
 * results are within the threshold of their original; every other pair is
 * far below it. */
static void test_samples(void)
{
    const char *src = getenv("SITREP_SOURCE_DIR");
    char path[4096];
    json_error_t err;
    json_t *rows[64];
    struct sitrep_dedup_sig sigs[64];
    size_t n = 0;
    FILE *f;
    char line[16384];

    if (!src)
        return;
    snprintf(path, sizeof path, "%s/indexer/samples/reports.jsonl", src);
    f = fopen(path, "r");
    REQUIRE(f != NULL);
    while (n < 64 && fgets(line, sizeof line, f)) {
        rows[n] = json_loads(line, 0, &err);
        REQUIRE(rows[n] != NULL);
        const char *text = json_string_value(json_object_get(rows[n], "text"));
        sign(text, &sigs[n], true);
        n++;
    }
    fclose(f);
    CHECK(n >= 26);
    unsigned copies = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            const char *a = json_string_value(json_object_get(rows[i], "id"));
            const char *b = json_string_value(json_object_get(rows[j], "id"));
            /* The copies' ids are their original's plus a suffix. */
            bool same = (strstr(a, "kyiv-missile-strikes") && strstr(b, "kyiv-missile-strikes")) ||
                        (strstr(a, "odesa-port-strikes") && strstr(b, "odesa-port-strikes"));
            double sim = sitrep_dedup_similarity(&sigs[i], &sigs[j]);
            if (same) {
                copies++;
                if (sim < SITREP_DEDUP_THRESHOLD)
                    fprintf(stderr, "copies %s %s only %.2f apart\n", a, b, sim);
                CHECK(sim >= SITREP_DEDUP_THRESHOLD);
            } else {
                if (sim >= 0.2)
                    fprintf(stderr, "distinct %s %s at %.2f\n", a, b, sim);
                CHECK(sim < 0.2);
            }
        }
    CHECK(copies == 4); /* Kyiv: one pair; Odesa: three pairs */
    for (size_t i = 0; i < n; i++)
        json_decref(rows[i]);
}

int main(void)
{
    test_copies();
    test_samples();
    return TEST_DONE();
}
