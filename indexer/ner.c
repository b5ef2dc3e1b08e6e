/* ner.c - sitrep_ner_tag(): tokens, sentences, and greedy left-to-right
 * tagging with the perceptron's weights read in place from the model bytes.
 *
 * Per sentence: the tokens' hashes (ner_sentence_info()), what the gazetteer
 * says of the capitalised ones, and which capitalised words the model does
 * not know, which are given names and their word classes (the model's
 * lexicon entry of the word, ner_vocab_feature(): one probe per capitalised
 * word); the unknown ones are made unknown, as in training.
 *
 * Speed comes from three things: lower-case words away from names are
 * tagged O without scoring (ner_needs_tag()); the weights are int8 in
 * 64-byte buckets, so a feature costs one cache line; and all buckets of a
 * token are prefetched before any is read, so their cache misses overlap.
 */
#include <stdlib.h>
#include <string.h>

#include "ner-private.h"

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

sitrep_status ner_model_open(const void *data, size_t size, struct ner_model *m)
{
    const unsigned char *p = data;
    sitrep_status st = SITREP_ERR_INVALID;
    uint32_t nbuckets, scale_bits;

    memset(m, 0, sizeof *m);
    if (size < NER_MODEL_HEADER || memcmp(p, NER_MODEL_MAGIC, 8) != 0)
        goto out;
    if (le32(p + 8) != NER_MODEL_VERSION || le32(p + 12) != NER_NCLASS ||
        le32(p + 16) != NER_FEATURE_VERSION)
        goto out;
    nbuckets = le32(p + 20);
    if (nbuckets == 0 || (size - NER_MODEL_HEADER) / NER_BUCKET_BYTES != nbuckets)
        goto out;
    scale_bits = le32(p + 28);
    memcpy(&m->scale, &scale_bits, sizeof m->scale);
    m->buckets = p + NER_MODEL_HEADER;
    m->nbuckets = nbuckets;
    m->nfeatures = le32(p + 24);
    st = SITREP_OK;
out:
    return st;
}

/* The entry of feature h, or NULL when the model does not have it: its
 * home bucket, then, if that one overflowed, the following ones until the
 * fingerprint or an empty entry. */
static const unsigned char *lookup(const struct ner_model *m, uint64_t h)
{
    uint32_t b = ner_model_bucket(h, m->nbuckets);
    uint16_t fp = ner_model_fingerprint(h);
    const unsigned char *found = NULL;

    for (uint32_t probes = 0; probes < m->nbuckets; probes++) {
        const unsigned char *bk = m->buckets + (size_t)b * NER_BUCKET_BYTES;
        for (int k = 0; k < NER_BUCKET_ENTRIES; k++) {
            const unsigned char *e = bk + k * NER_ENTRY_BYTES;
            uint16_t got = (uint16_t)(e[0] | e[1] << 8);
            if (got == fp)
                found = e;
            if (got == fp || got == 0)
                goto out;
        }
        if (probes == 0 && !(bk[NER_BUCKET_FLAGS] & NER_BUCKET_OVERFLOW))
            goto out;
        b = b + 1 == m->nbuckets ? 0 : b + 1;
    }
out:
    return found;
}

/* Appends a span; false when out of memory. */
static bool add_span(struct sitrep_ner_span **v, size_t *n, size_t *cap, uint32_t start,
                     uint32_t end, enum sitrep_ner_type type)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        struct sitrep_ner_span *nv = realloc(*v, c * sizeof *nv);
        if (!nv)
            return false;
        *v = nv;
        *cap = c;
    }
    (*v)[(*n)++] = (struct sitrep_ner_span){start, end, type};
    return true;
}

/* Tags one sentence: classes[i] for toks[0..n). */
static void tag_sentence(const struct ner_model *m, const sitrep_gazetteer *gz,
                         struct ner_gz_memo *memo, const char *text, const struct ner_token *toks,
                         size_t n, unsigned char *classes)
{
    struct ner_info info[NER_MAX_SENT];
    uint64_t feats[NER_MAX_FEATS];
    unsigned prev1 = NER_START, prev2 = NER_START;

    ner_sentence_info(text, toks, n, info);
    ner_sentence_gazetteer(gz, memo, text, toks, n, info);
    for (size_t i = 0; i < n; i++) {
        const unsigned char *e;
        unsigned lex;
        if (!(info[i].flags & NER_TF_CAP))
            continue;
        e = lookup(m, ner_vocab_feature(info[i].word));
        lex = e ? e[2] : 0;
        if (e)
            info[i].cluster = (uint16_t)(e[3] | e[4] << 8);
        if (lex & NER_LEX_FIRSTNAME)
            info[i].flags |= NER_TF_FIRSTNAME;
        if (!(lex & NER_LEX_KNOWN))
            ner_info_unknown(&info[i]);
    }
    for (size_t i = 0; i < n; i++) {
        unsigned best = NER_O;
        if (ner_needs_tag(info, n, i, prev1)) {
            /* Sums whole 16-byte entries, so that the compiler can add
             * them as vectors: lane c + 2 is class c, lanes 0, 1 and 15
             * (fingerprint, flags) are ignored.  At most NER_MAX_FEATS
             * int8 terms: int16 cannot overflow. */
            int16_t acc[NER_ENTRY_BYTES] = {0};
            size_t nf = ner_features(info, n, i, prev1, prev2, feats);
            for (size_t f = 0; f < nf; f++)
                __builtin_prefetch(m->buckets + (size_t)ner_model_bucket(feats[f], m->nbuckets) *
                                                    NER_BUCKET_BYTES);
            for (size_t f = 0; f < nf; f++) {
                const unsigned char *e = lookup(m, feats[f]);
                if (e)
                    for (int k = 0; k < NER_ENTRY_BYTES; k++)
                        acc[k] = (int16_t)(acc[k] + (signed char)e[k]);
            }
            for (unsigned c = 1; c < NER_NCLASS; c++)
                if (acc[c + 2] > acc[best + 2] && ner_class_allowed(prev1, c))
                    best = c;
        }
        classes[i] = (unsigned char)best;
        prev2 = prev1;
        prev1 = best;
    }
}

sitrep_status ner_tag_with(const struct ner_model *m, const sitrep_gazetteer *gz, const char *text,
                           size_t len, struct sitrep_ner_span **out, size_t *n)
{
    struct ner_tokens t = {0};
    struct sitrep_ner_span *spans = NULL;
    size_t nspans = 0, cap = 0;
    unsigned char classes[NER_MAX_SENT];
    struct ner_gz_memo memo;
    sitrep_status st;

    *out = NULL;
    *n = 0;
    if (gz)
        memset(&memo, 0, sizeof memo);
    st = ner_tokenize(text, len, &t);
    if (st != SITREP_OK)
        goto out;
    for (size_t s = 0; s < t.n;) {
        size_t e = s + 1;
        /* The tokeniser cuts sentences at NER_MAX_SENT tokens, but a
         * closing quote may have joined one more: the cap here is what
         * keeps tag_sentence() within its arrays. */
        while (e < t.n && e - s < NER_MAX_SENT && !(t.v[e].flags & NER_TF_SENT))
            e++;
        tag_sentence(m, gz, &memo, text, t.v + s, e - s, classes);
        for (size_t i = 0; i < e - s; i++) {
            size_t j = i + 1;
            if (classes[i] == NER_O)
                continue;
            while (j < e - s && ner_class_inside(classes[j]) &&
                   ner_class_type(classes[j]) == ner_class_type(classes[i]))
                j++;
            if (!add_span(&spans, &nspans, &cap, t.v[s + i].start, t.v[s + j - 1].end,
                          ner_class_type(classes[i]))) {
                st = SITREP_ERR_NOMEM;
                goto out;
            }
            i = j - 1;
        }
        s = e;
    }
    *out = spans;
    *n = nspans;
    spans = NULL;
out:
    free(spans);
    ner_tokens_free(&t);
    return st;
}

sitrep_status sitrep_ner_tag(const sitrep_gazetteer *gz, const char *text, size_t len,
                             struct sitrep_ner_span **out, size_t *n)
{
    struct ner_model m;
    sitrep_status st = ner_model_open(sitrep_ner_model_start,
                                      (size_t)(sitrep_ner_model_end - sitrep_ner_model_start), &m);

    /* The built-in model is checked by the unit tests, so a bad one is a
     * build error: tag nothing rather than fail callers that only expect
     * SITREP_ERR_NOMEM. */
    if (st != SITREP_OK) {
        *out = NULL;
        *n = 0;
        st = SITREP_OK;
        goto out;
    }
    st = ner_tag_with(&m, gz, text, len, out, n);
out:
    return st;
}

const char *sitrep_ner_type_name(enum sitrep_ner_type type)
{
    static const char *const names[] = {"?", "per", "geo", "gpe", "org", "tim", "misc"};
    return (unsigned)type < sizeof names / sizeof names[0] ? names[type] : "?";
}
