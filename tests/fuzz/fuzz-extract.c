/* fuzz-extract.c - places, persons, dates and the tagger over any text.
 *
 * The real gazetteer and its supplement (the files sitrep-index loads by
 * default) are loaded once: about a second natively, much longer under
 * valgrind.  Each input is one article text, not NUL-terminated: extracted
 * with a fixed publication date, scanned for dates against the same date,
 * searched for a dateline, and tagged; the offsets every one of them
 * returns must lie inside the text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "extract.h"
#include "fuzz.h"
#include "gazetteer.h"
#include "ner.h"
#include "sitrep-build.h"

#define PUBLISHED "2022-03-02"

/* Loaded once, lives until exit. */
static sitrep_gazetteer *gz;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char *err = NULL;

    if (sitrep_gazetteer_load(SITREP_DEFAULT_GAZETTEER, &gz, &err) != SITREP_OK ||
        sitrep_gazetteer_load_supplement(gz, SITREP_DEFAULT_GAZETTEER_SUPPLEMENT, &err) !=
            SITREP_OK) {
        fprintf(stderr, "fuzz-extract: %s\n", err ? err : "out of memory");
        exit(99);
    }
    return 0;
}

struct date_scan {
    size_t len, last_start;
};

static bool on_date(const struct sitrep_date_mention *m, void *data)
{
    struct date_scan *scan = data;
    char ymd[11];

    FUZZ_ASSERT(m->start < m->end && m->end <= scan->len && m->start >= scan->last_start);
    scan->last_start = m->start;
    sitrep_date_format(m, ymd);
    FUZZ_ASSERT(strlen(ymd) >= 4);
    return true;
}

/* Every mention of every entity lies inside the text. */
static void check_mentions(json_t *list, const uint8_t *data, size_t size)
{
    size_t i, k;
    json_t *v, *m;

    json_array_foreach(list, i, v)
    {
        json_array_foreach(json_object_get(v, "mentions"), k, m)
        {
            json_int_t s = json_integer_value(json_object_get(m, "start"));
            json_int_t e = json_integer_value(json_object_get(m, "end"));
            FUZZ_ASSERT(s >= 0 && s < e && (size_t)e <= size);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct date_scan scan = {size, 0};
    struct sitrep_ner_span *spans = NULL;
    size_t n = 0;
    char ymd[11];
    json_t *r, *v;
    size_t i;

    r = sitrep_extract(gz, text, size, PUBLISHED);
    FUZZ_ASSERT(r);
    check_mentions(json_object_get(r, "places"), data, size);
    check_mentions(json_object_get(r, "persons"), data, size);
    json_array_foreach(json_object_get(r, "dates"), i, v)
    {
        json_int_t s = json_integer_value(json_object_get(v, "start"));
        json_int_t e = json_integer_value(json_object_get(v, "end"));
        FUZZ_ASSERT(s >= 0 && s < e && (size_t)e <= size);
    }
    json_decref(r);

    sitrep_dates_find(text, size, PUBLISHED, on_date, &scan);
    if (sitrep_date_infer_published(text, size, ymd))
        FUZZ_ASSERT(strlen(ymd) == 10);

    FUZZ_ASSERT(sitrep_ner_tag(gz, text, size, &spans, &n) == SITREP_OK);
    for (i = 0; i < n; i++) {
        FUZZ_ASSERT(spans[i].start < spans[i].end && spans[i].end <= size);
        FUZZ_ASSERT(i == 0 || spans[i].start >= spans[i - 1].end);
    }
    free(spans);
    return 0;
}
