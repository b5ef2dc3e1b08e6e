/* ner-cluster.c - word classes learnt from plain text, for the trainer
 * (sitrep-ner-train): the exchange algorithm (Kneser and Ney 1993; Martin,
 * Liermann and Ney 1998), which moves each word to the class that most
 * raises the likelihood of a class bigram model of the text, pass after
 * pass.  Words used in the same contexts ("said X", "X said", "Mr. X")
 * end up in one class, so the tagger can generalise from the names it was
 * trained on to rarer ones that were only seen in unlabelled text (Brown
 * clusters, which the same objective gives by merging, are the classic
 * feature of this kind: Miller et al. 2004, Ratinov and Roth 2009).
 *
 * Words are ner_info.word hashes (lower-cased); those seen fewer than
 * min_count times share one "rare word" pseudo-word, and a pseudo-word
 * marks sentence boundaries.  Deterministic: words are visited in order of
 * frequency, ties by hash.  Not part of the tagger's runtime: the classes
 * reach it through the model's lexicon (ner_vocab_feature()).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ner-private.h"

/* The word's id, added when new. */
static uint32_t word_id(struct ner_clusters *c, uint64_t word)
{
    bool fresh;
    uint64_t k = word ? word : 1;
    uint32_t *id = ner_table_at(&c->index, k, &fresh);

    if (fresh) {
        *id = (uint32_t)c->nwords++;
        if (c->nwords > c->capwords) {
            c->capwords = c->capwords ? c->capwords * 2 : 4096;
            c->count = realloc(c->count, c->capwords * sizeof *c->count);
            c->caps = realloc(c->caps, c->capwords * sizeof *c->caps);
            c->extra = realloc(c->extra, c->capwords * sizeof *c->extra);
            c->word = realloc(c->word, c->capwords * sizeof *c->word);
            if (!c->count || !c->caps || !c->extra || !c->word) {
                fprintf(stderr, "sitrep-ner-train: out of memory\n");
                exit(1);
            }
        }
        c->count[c->nwords - 1] = 0;
        c->caps[c->nwords - 1] = 0;
        c->extra[c->nwords - 1] = 0;
        c->word[c->nwords - 1] = k;
    }
    return *id;
}

static void push(struct ner_clusters *c, uint32_t id)
{
    if (c->ntext == c->captext) {
        c->captext = c->captext ? c->captext * 2 : 1u << 20;
        c->text = realloc(c->text, c->captext * sizeof *c->text);
        if (!c->text) {
            fprintf(stderr, "sitrep-ner-train: out of memory\n");
            exit(1);
        }
    }
    c->text[c->ntext++] = id;
}

/* Id 0 is the sentence boundary, 1 the rare word. */
enum { BOUNDARY = 0, RARE = 1 };

void ner_clusters_add(struct ner_clusters *c, const char *text, const struct ner_token *toks,
                      size_t n, bool extra)
{
    struct ner_info info[NER_MAX_SENT];

    if (c->nwords == 0) {
        word_id(c, 0x424f554e44415259u); /* "BOUNDARY" */
        word_id(c, 0x52415245u);         /* "RARE" */
        push(c, BOUNDARY);
    }
    for (size_t s = 0; s < n; s += NER_MAX_SENT) {
        size_t m = n - s < NER_MAX_SENT ? n - s : NER_MAX_SENT;
        ner_sentence_info(text, toks + s, m, info);
        for (size_t i = 0; i < m; i++) {
            uint32_t id = word_id(c, info[i].word);
            c->count[id]++;
            c->extra[id] += extra;
            if ((info[i].flags & NER_TF_CAP) && !(info[i].flags & NER_TF_SENT))
                c->caps[id]++;
            push(c, id);
        }
        push(c, BOUNDARY);
    }
}

static double xlogx(double x)
{
    return x > 0 ? x * log(x) : 0;
}

struct pair {
    uint32_t a, b, n;
};

static int cmp_pair(const void *x, const void *y)
{
    const struct pair *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    return p->b < q->b ? -1 : p->b > q->b;
}

/* Frequency order, ties by hash. */
static const struct ner_clusters *sort_c;
static int cmp_freq(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    if (sort_c->count[a] != sort_c->count[b])
        return sort_c->count[a] > sort_c->count[b] ? -1 : 1;
    return sort_c->word[a] < sort_c->word[b] ? -1 : sort_c->word[a] > sort_c->word[b];
}

void ner_clusters_run(struct ner_clusters *c, unsigned nclasses, uint32_t min_count,
                      unsigned passes)
{
    size_t nw = c->nwords, C = nclasses, npairs = 0;
    uint32_t *map = ner_xcalloc(nw, sizeof *map), *order, *cls;
    struct pair *pairs = ner_xcalloc(c->ntext, sizeof *pairs), *left;
    size_t *rstart, *lstart;
    double *nb = ner_xcalloc(C * C, sizeof *nb), *nc = ner_xcalloc(C, sizeof *nc), *wc;
    double *lw = ner_xcalloc(C, sizeof *lw), *rw = ner_xcalloc(C, sizeof *rw);
    uint32_t *ltouch = ner_xcalloc(C, sizeof *ltouch), *rtouch = ner_xcalloc(C, sizeof *rtouch);

    /* Words below min_count become the rare word. */
    for (size_t w = 0; w < nw; w++)
        map[w] = w > RARE && c->count[w] < min_count ? RARE : (uint32_t)w;
    wc = ner_xcalloc(nw, sizeof *wc);
    for (size_t i = 0; i < c->ntext; i++)
        wc[map[c->text[i]]]++;
    /* Bigram types with counts, by left word (rstart) and by right word
     * (left, lstart); a word's bigrams with itself are left out. */
    for (size_t i = 0; i + 1 < c->ntext; i++)
        pairs[i] = (struct pair){map[c->text[i]], map[c->text[i + 1]], 1};
    qsort(pairs, c->ntext ? c->ntext - 1 : 0, sizeof *pairs, cmp_pair);
    for (size_t i = 0; i + 1 < c->ntext; i++) {
        if (pairs[i].a == pairs[i].b)
            continue;
        if (npairs > 0 && pairs[npairs - 1].a == pairs[i].a && pairs[npairs - 1].b == pairs[i].b)
            pairs[npairs - 1].n++;
        else
            pairs[npairs++] = pairs[i];
    }
    left = ner_xcalloc(npairs, sizeof *left);
    for (size_t i = 0; i < npairs; i++)
        left[i] = (struct pair){pairs[i].b, pairs[i].a, pairs[i].n};
    qsort(left, npairs, sizeof *left, cmp_pair);
    rstart = ner_xcalloc(nw + 1, sizeof *rstart);
    lstart = ner_xcalloc(nw + 1, sizeof *lstart);
    for (size_t i = 0; i < npairs; i++) {
        rstart[pairs[i].a + 1]++;
        lstart[left[i].a + 1]++;
    }
    for (size_t w = 0; w < nw; w++) {
        rstart[w + 1] += rstart[w];
        lstart[w + 1] += lstart[w];
    }
    /* Initial classes by frequency rank. */
    order = ner_xcalloc(nw, sizeof *order);
    for (size_t w = 0; w < nw; w++)
        order[w] = (uint32_t)w;
    sort_c = c;
    qsort(order, nw, sizeof *order, cmp_freq);
    cls = ner_xcalloc(nw, sizeof *cls);
    for (size_t r = 0; r < nw; r++)
        cls[order[r]] = (uint32_t)(r % C);
    for (size_t i = 0; i < npairs; i++)
        nb[cls[pairs[i].a] * C + cls[pairs[i].b]] += pairs[i].n;
    for (size_t w = 0; w < nw; w++)
        nc[cls[w]] += wc[w];
    for (unsigned pass = 0; pass < passes; pass++) {
        size_t moved = 0;
        for (size_t r = 0; r < nw; r++) {
            uint32_t w = order[r], a = cls[w], best;
            size_t nl = 0, nr = 0;
            double bestd = -INFINITY;
            if (map[w] != w || wc[w] == 0)
                continue;
            for (size_t i = lstart[w]; i < lstart[w + 1]; i++) {
                uint32_t d = cls[left[i].b];
                if (lw[d] == 0)
                    ltouch[nl++] = d;
                lw[d] += left[i].n;
            }
            for (size_t i = rstart[w]; i < rstart[w + 1]; i++) {
                uint32_t d = cls[pairs[i].b];
                if (rw[d] == 0)
                    rtouch[nr++] = d;
                rw[d] += pairs[i].n;
            }
            /* Take w out of a... */
            for (size_t k = 0; k < nl; k++)
                nb[ltouch[k] * C + a] -= lw[ltouch[k]];
            for (size_t k = 0; k < nr; k++)
                nb[a * C + rtouch[k]] -= rw[rtouch[k]];
            nc[a] -= wc[w];
            /* ... and put it where the likelihood gains most. */
            best = a;
            for (uint32_t b = 0; b < C; b++) {
                double delta = 0;
                for (size_t k = 0; k < nl; k++) {
                    uint32_t d = ltouch[k];
                    if (d != b)
                        delta += xlogx(nb[d * C + b] + lw[d]) - xlogx(nb[d * C + b]);
                }
                for (size_t k = 0; k < nr; k++) {
                    uint32_t d = rtouch[k];
                    if (d != b)
                        delta += xlogx(nb[b * C + d] + rw[d]) - xlogx(nb[b * C + d]);
                }
                delta += xlogx(nb[b * C + b] + lw[b] + rw[b]) - xlogx(nb[b * C + b]);
                delta -= 2 * (xlogx(nc[b] + wc[w]) - xlogx(nc[b]));
                if (delta > bestd + 1e-9) {
                    bestd = delta;
                    best = b;
                }
            }
            for (size_t k = 0; k < nl; k++)
                nb[ltouch[k] * C + best] += lw[ltouch[k]];
            for (size_t k = 0; k < nr; k++)
                nb[best * C + rtouch[k]] += rw[rtouch[k]];
            nc[best] += wc[w];
            if (best != a) {
                cls[w] = best;
                moved++;
            }
            for (size_t k = 0; k < nl; k++)
                lw[ltouch[k]] = 0;
            for (size_t k = 0; k < nr; k++)
                rw[rtouch[k]] = 0;
        }
        fprintf(stderr, "clusters: pass %u, %zu of %zu words moved\n", pass + 1, moved, nw);
        if (moved == 0)
            break;
    }
    c->cls = ner_xcalloc(nw, sizeof *c->cls);
    for (size_t w = 0; w < nw; w++)
        c->cls[w] = map[w] == w && w > RARE ? (uint16_t)(cls[w] + 1) : 0;
    free(map);
    free(order);
    free(cls);
    free(pairs);
    free(left);
    free(rstart);
    free(lstart);
    free(nb);
    free(nc);
    free(wc);
    free(lw);
    free(rw);
    free(ltouch);
    free(rtouch);
}

unsigned ner_clusters_get(const struct ner_clusters *c, uint64_t word, bool *capitalised,
                          uint32_t *extra)
{
    size_t i;

    *capitalised = false;
    *extra = 0;
    if (!c->index.keys || !c->cls)
        return 0;
    i = ner_table_slot(&c->index, word ? word : 1);
    if (!c->index.keys[i])
        return 0;
    *capitalised = c->caps[c->index.vals[i]] > 0;
    *extra = c->extra[c->index.vals[i]];
    return c->cls[c->index.vals[i]];
}

void ner_clusters_free(struct ner_clusters *c)
{
    ner_table_free(&c->index);
    free(c->count);
    free(c->caps);
    free(c->extra);
    free(c->word);
    free(c->text);
    free(c->cls);
    memset(c, 0, sizeof *c);
}
