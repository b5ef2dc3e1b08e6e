/* fuzz-reader.c - the article readers, then what every way in does next.
 *
 * Input: the first byte picks the format (low three bits, modulo 5: auto,
 * JSON Lines, JSON, text, HTML) and the record limit (bit 3: a small 4 KiB
 * limit, so the "record too large" paths run too); the rest is the file,
 * read through fmemopen() as sitrep-index reads stdin.  Each record the
 * reader accepts is normalised, turned into its stored record and its
 * Xapian document, all freed again.  Not prepared: extraction (the tagger's
 * thousands of table probes) cut the fuzzer to under 100 runs a second,
 * and fuzz-extract covers it.  The ingest endpoint's
 * sitrep_read_json_record() also gets the rest, as one JSON body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "fuzz.h"
#include "reader.h"
#include "store.h"
#include "text.h"

static int on_article(void *ctx, struct sitrep_article *a, const char *file, long line)
{
    char reason[256];
    sitrep_doc *doc = NULL;
    char *record;
    size_t record_len = 0;
    json_t *back;

    (void)ctx;
    FUZZ_ASSERT(line >= 1);
    /* The reader clears a after the call, whatever we leave in it, so the
     * article is normalised in place. */
    if (sitrep_article_normalise(a, SITREP_READER_DEFAULT_MAX, reason, sizeof reason) !=
        SITREP_OK)
        goto out;
    /* What normalise promises, and a stored record that reads back. */
    FUZZ_ASSERT(a->id && a->text && a->text_len > 0);
    FUZZ_ASSERT(sitrep_utf8_valid(a->text, a->text_len, NULL));
    FUZZ_ASSERT(!a->title || sitrep_utf8_valid(a->title, strlen(a->title), NULL));
    FUZZ_ASSERT(!a->published || strlen(a->published) == 10);
    record = sitrep_article_to_record(a, &record_len);
    FUZZ_ASSERT(record);
    back = sitrep_record_load(record, record_len, NULL);
    FUZZ_ASSERT(json_is_object(back));
    FUZZ_ASSERT(json_string_length(json_object_get(back, "text")) == a->text_len);
    json_decref(back);
    free(record);
    if (sitrep_article_to_doc(a, &doc) != SITREP_OK)
        goto out;
out:
    sitrep_doc_destroy(doc);
    return 0;
}

static void on_error(void *ctx, const char *file, long line, const char *reason)
{
    (void)ctx;
    FUZZ_ASSERT(line >= 0 && reason && *reason);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum sitrep_format formats[] = {
        SITREP_FORMAT_AUTO, SITREP_FORMAT_JSONL, SITREP_FORMAT_JSON,
        SITREP_FORMAT_TEXT, SITREP_FORMAT_HTML,
    };
    const struct sitrep_reader_callbacks cb = {on_article, on_error};
    struct sitrep_article a;
    char reason[256];
    size_t max;
    FILE *f = NULL;
    /* fmemopen() wants a buffer it may write to, and glibc's refuses size 0. */
    char *copy = NULL;

    if (size < 1)
        goto out;
    max = (data[0] & 8) ? 4096 : SITREP_READER_DEFAULT_MAX;
    copy = malloc(size);
    if (!copy)
        goto out;
    copy[0] = '\0';
    memcpy(copy, data + 1, size - 1);
    f = fmemopen(copy, size - 1 ? size - 1 : 1, "r");
    if (!f)
        goto out;
    if (size == 1)
        fgetc(f); /* a one-byte buffer was opened: make it read as empty */
    sitrep_read_stream(f, "fuzz", formats[(data[0] & 7) % 5], max, &cb, NULL);

    sitrep_article_init(&a);
    sitrep_read_json_record((const char *)data + 1, size - 1, &a, reason, sizeof reason);
    sitrep_article_clear(&a);
out:
    if (f)
        fclose(f);
    free(copy);
    return 0;
}
