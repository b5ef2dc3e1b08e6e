/* ner-train.c - sitrep-ner-train: trains the tagger's averaged perceptron on
 * the GMB NER corpus, writes the model file, and scores a model.
 *
 *     sitrep-ner-train --train TRAIN.tsv --dev DEV.tsv --out MODEL.bin
 *                      [--epochs N] [--restarts N] [--seed N] [--max-features N]
 *                      [--vocab-min N] [--dropout P] [--place-dropout P]
 *                      [--gazetteer-dropout P] [--names FILE] [--clusters N]
 *                      [--cluster-text FILE.jsonl]... [--cluster-min N]
 *                      [common options]
 *     sitrep-ner-train --eval DEV.tsv [--model MODEL.bin] [common options]
 *
 * Common options: --bench FILE.jsonl (throughput on its "text" members),
 * --places FILE.jsonl (UCDP GED headlines: how the gold place names that
 * occur verbatim in them are tagged), --gazetteer PATH and --supplement PATH
 * (default: the product's, SITREP_DEFAULT_GAZETTEER and
 * SITREP_DEFAULT_GAZETTEER_SUPPLEMENT; "" for none).
 *
 * The corpus is `token<TAB>POS<TAB>IOB-tag` lines, a blank line between
 * sentences.  Each sentence is rebuilt by joining its tokens with single
 * spaces; training reads GMB's own tokens in that text, scoring runs the
 * real tagger (ner_tag_with(): our tokeniser, the quantised model) on it and
 * matches byte spans exactly.  Persons are gold "per"; places are gold "geo"
 * plus the "gpe" whose tokens are all NNP/NNPS/NN (not "British"/JJ).  The
 * POS column serves only to tell those gpe from the adjectival ones, which
 * are trained as MISC; the tagger never sees POS tags.
 *
 * Training is deterministic (fixed seeds for shuffling and word dropout) and
 * greedy, as tagging is: the two previous classes in the features are the
 * ones just predicted.  --restarts runs (3) of --epochs epochs (10) each,
 * shuffled differently, are averaged into one model: the perceptron is
 * linear, so that is their ensemble at no cost when tagging.  The gazetteer
 * is the one the product loads, so that its features mean the same in
 * training and in use.  Capitalised words seen fewer than --vocab-min times
 * (3) in training are unknown words (ner_info_unknown()), and so, each time
 * it is trained on, is a known capitalised word with probability
 * --place-dropout (0.3) when it is in a place name the gazetteer knows and
 * --dropout (0) otherwise (word dropout): that teaches the model what to make
 * of a name it has never seen, from its shape, its context and the
 * gazetteer.  And with probability --gazetteer-dropout (0.2) a sentence is
 * trained without the gazetteer, so that the model still tags well when a
 * caller has none.  --names gives a list of given names (one a line) and
 * --clusters N word classes learnt from the training text and the
 * --cluster-text files (ner-cluster.c): both reach unknown words too.  The
 * model stores a lexicon (the known words, the given names, the capitalised
 * words with a class) as entries that are not scored, so that the tagger
 * treats the same words as unknown, names and of a class.
 * Then features are pruned (the smallest weights first) to --max-features,
 * the weights quantised to int8, and the table written in the format of
 * ner-private.h.  Without --eval's --model the built-in model is scored.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gazetteer.h"
#include "ner-private.h"
#include "sitrep-build.h"

/* ------------------------------------------------------------------ corpus */

struct sentence {
    char *text; /* tokens joined by single spaces, owned */
    size_t len;
    struct ner_token *toks; /* owned */
    unsigned char *gold;    /* class per token, owned */
    unsigned char *noun;    /* token's POS is NNP/NNPS/NN, owned */
    char (*tags)[8];        /* GMB's type per token ("per", "" for O), owned */
    unsigned char *begin;   /* token starts a gold chunk, owned */
    unsigned char *place;   /* ner_info.place per token, owned */
    unsigned char *person;  /* ner_info.person per token, owned */
    size_t n;
};

struct corpus {
    struct sentence *s;
    size_t n, cap;
};

static void corpus_free(struct corpus *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->s[i].text);
        free(c->s[i].toks);
        free(c->s[i].gold);
        free(c->s[i].noun);
        free(c->s[i].tags);
        free(c->s[i].begin);
        free(c->s[i].place);
        free(c->s[i].person);
    }
    free(c->s);
    memset(c, 0, sizeof *c);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "sitrep-ner-train: out of memory\n");
        exit(1);
    }
    return p;
}

static unsigned type_class(const char *type, bool nominal)
{
    if (strcmp(type, "per") == 0)
        return NER_B_PER;
    if (strcmp(type, "geo") == 0)
        return NER_B_GEO;
    if (strcmp(type, "gpe") == 0)
        return nominal ? NER_B_GPE : NER_B_MISC;
    if (strcmp(type, "org") == 0)
        return NER_B_ORG;
    if (strcmp(type, "tim") == 0)
        return NER_B_TIM;
    return NER_B_MISC;
}

/* Turns the buffered rows of one sentence into s. */
struct row {
    char word[128];
    char pos[16];
    char tag[16];
};

static void make_sentence(const struct row *rows, size_t n, struct sentence *s)
{
    size_t len = 0;

    for (size_t i = 0; i < n; i++)
        len += strlen(rows[i].word) + 1;
    s->text = xmalloc(len);
    s->toks = ner_xcalloc(n, sizeof *s->toks);
    s->gold = ner_xcalloc(n, 1);
    s->noun = ner_xcalloc(n, 1);
    s->begin = ner_xcalloc(n, 1);
    s->tags = ner_xcalloc(n, sizeof *s->tags);
    s->place = ner_xcalloc(n, 1);
    s->person = ner_xcalloc(n, 1);
    s->n = n;
    len = 0;
    for (size_t i = 0; i < n; i++) {
        size_t w = strlen(rows[i].word);
        const char *tag = rows[i].tag;
        if (i > 0)
            s->text[len++] = ' ';
        memcpy(s->text + len, rows[i].word, w);
        s->toks[i].start = (uint32_t)len;
        s->toks[i].end = (uint32_t)(len + w);
        len += w;
        s->noun[i] = strcmp(rows[i].pos, "NNP") == 0 || strcmp(rows[i].pos, "NNPS") == 0 ||
                     strcmp(rows[i].pos, "NN") == 0;
        if ((tag[0] == 'B' || tag[0] == 'I') && tag[1] == '-') {
            snprintf(s->tags[i], sizeof s->tags[i], "%s", tag + 2);
            /* An I- that does not continue a chunk of its type starts one. */
            s->begin[i] = tag[0] == 'B' || i == 0 || strcmp(s->tags[i - 1], s->tags[i]) != 0;
        }
    }
    s->text[len] = '\0';
    s->len = len;
    for (size_t i = 0; i < n; i++) {
        size_t j = i + 1;
        bool nominal = s->noun[i];
        unsigned b;
        if (!s->begin[i])
            continue;
        while (j < n && s->tags[j][0] && !s->begin[j])
            nominal &= s->noun[j++];
        b = type_class(s->tags[i], nominal);
        s->gold[i] = (unsigned char)b;
        for (size_t k = i + 1; k < j; k++)
            s->gold[k] = (unsigned char)(b + 1);
    }
    for (size_t i = 0; i < n; i++)
        s->toks[i].flags =
            ner_token_flags(s->text, s->toks[i].start, s->toks[i].end) | (i == 0 ? NER_TF_SENT : 0);
}

static int corpus_load(const char *path, struct corpus *c)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, nrows = 0, caprows = 0;
    struct row *rows = NULL;
    ssize_t got;
    int rc = -1;

    memset(c, 0, sizeof *c);
    if (!f) {
        fprintf(stderr, "sitrep-ner-train: %s: %s\n", path, strerror(errno));
        goto out;
    }
    for (;;) {
        got = getline(&line, &cap, f);
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
            line[--got] = '\0';
        if (got <= 0) {
            if (nrows > 0) {
                if (c->n == c->cap) {
                    size_t cap2 = c->cap ? c->cap * 2 : 1024;
                    struct sentence *s2 = realloc(c->s, cap2 * sizeof *s2);
                    if (!s2)
                        goto out;
                    c->s = s2;
                    c->cap = cap2;
                }
                make_sentence(rows, nrows, &c->s[c->n++]);
                nrows = 0;
            }
            if (got < 0)
                break;
            continue;
        }
        if (nrows == caprows) {
            size_t cap2 = caprows ? caprows * 2 : 256;
            struct row *r2 = realloc(rows, cap2 * sizeof *r2);
            if (!r2)
                goto out;
            rows = r2;
            caprows = cap2;
        }
        {
            char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
            if (!t2) {
                fprintf(stderr, "sitrep-ner-train: %s: malformed line: %s\n", path, line);
                goto out;
            }
            *t1 = *t2 = '\0';
            snprintf(rows[nrows].word, sizeof rows[nrows].word, "%s", line);
            snprintf(rows[nrows].pos, sizeof rows[nrows].pos, "%s", t1 + 1);
            snprintf(rows[nrows].tag, sizeof rows[nrows].tag, "%s", t2 + 1);
            nrows++;
        }
    }
    rc = 0;
out:
    free(rows);
    free(line);
    if (f)
        fclose(f);
    return rc;
}

/* --------------------------------------------------------------- weights */

enum { STRIDE = 16 }; /* floats per row: NER_NCLASS padded */

/* The perceptron's weights: feature hash -> row, rows of STRIDE floats.
 * Averaging keeps, per weight, the sum of the updates each multiplied by
 * the step they happened at: average = w - u / steps. */
struct weights {
    uint64_t *keys; /* 0 = empty */
    uint32_t *rows;
    size_t mask, used;
    float *w;
    double *u;
    size_t nrows, caprows;
};

static void weights_init(struct weights *m)
{
    memset(m, 0, sizeof *m);
    m->mask = (1u << 20) - 1;
    m->keys = ner_xcalloc(m->mask + 1, sizeof *m->keys);
    m->rows = ner_xcalloc(m->mask + 1, sizeof *m->rows);
}

static void weights_free(struct weights *m)
{
    free(m->keys);
    free(m->rows);
    free(m->w);
    free(m->u);
}

static uint64_t key_of(uint64_t h)
{
    return h ? h : 1;
}

/* The row of feature h, or -1. */
static long weights_find(const struct weights *m, uint64_t h)
{
    uint64_t k = key_of(h);
    size_t i = (size_t)(k * 0x9e3779b97f4a7c15u >> 20) & m->mask;
    while (m->keys[i]) {
        if (m->keys[i] == k)
            return m->rows[i];
        i = (i + 1) & m->mask;
    }
    return -1;
}

static void weights_grow(struct weights *m)
{
    size_t n = (m->mask + 1) * 2;
    uint64_t *keys = ner_xcalloc(n, sizeof *keys);
    uint32_t *rows = ner_xcalloc(n, sizeof *rows);
    for (size_t i = 0; i <= m->mask; i++) {
        size_t j;
        if (!m->keys[i])
            continue;
        j = (size_t)(m->keys[i] * 0x9e3779b97f4a7c15u >> 20) & (n - 1);
        while (keys[j])
            j = (j + 1) & (n - 1);
        keys[j] = m->keys[i];
        rows[j] = m->rows[i];
    }
    free(m->keys);
    free(m->rows);
    m->keys = keys;
    m->rows = rows;
    m->mask = n - 1;
}

/* The row of feature h, made when missing. */
static size_t weights_row(struct weights *m, uint64_t h)
{
    uint64_t k = key_of(h);
    size_t i;

    if (m->used * 2 >= m->mask)
        weights_grow(m);
    i = (size_t)(k * 0x9e3779b97f4a7c15u >> 20) & m->mask;
    while (m->keys[i]) {
        if (m->keys[i] == k)
            return m->rows[i];
        i = (i + 1) & m->mask;
    }
    if (m->nrows == m->caprows) {
        size_t cap = m->caprows ? m->caprows * 2 : 1u << 16;
        m->w = realloc(m->w, cap * STRIDE * sizeof *m->w);
        m->u = realloc(m->u, cap * STRIDE * sizeof *m->u);
        if (!m->w || !m->u) {
            fprintf(stderr, "sitrep-ner-train: out of memory\n");
            exit(1);
        }
        memset(m->w + m->caprows * STRIDE, 0, (cap - m->caprows) * STRIDE * sizeof *m->w);
        memset(m->u + m->caprows * STRIDE, 0, (cap - m->caprows) * STRIDE * sizeof *m->u);
        m->caprows = cap;
    }
    m->keys[i] = k;
    m->rows[i] = (uint32_t)m->nrows;
    m->used++;
    return m->nrows++;
}

/* -------------------------------------------------------------- vocabulary */

/* Word hash (ner_info.word) -> number of tokens in training. */
struct vocab {
    struct ner_table t; /* word key -> tokens */
    uint32_t min;       /* fewer tokens than this: an unknown word */
};

static void vocab_add(struct vocab *v, uint64_t word)
{
    bool fresh;
    (*ner_table_at(&v->t, key_of(word), &fresh))++;
}

static bool vocab_known(const struct vocab *v, uint64_t word)
{
    size_t i;

    if (!v->t.keys)
        return false; /* empty */
    i = ner_table_slot(&v->t, key_of(word));
    return v->t.keys[i] && v->t.vals[i] >= v->min;
}

static void vocab_free(struct vocab *v)
{
    ner_table_free(&v->t);
}

/* Everything training and scoring share besides the weights. */
struct setup {
    const sitrep_gazetteer *gz; /* borrowed; NULL for none */
    struct vocab vocab;
    struct vocab names; /* the given names of --names (count 1 each) */
    struct ner_clusters clusters; /* word classes (--clusters), or none */
    double dropout;       /* probability that a known capitalised word is made unknown */
    double place_dropout; /* the same for one inside a place name of the gazetteer */
    double gz_dropout;    /* probability that a sentence is trained without the gazetteer */
    uint64_t rng;         /* word dropout's random state */
    uint64_t seed;        /* the shuffling's */
};

/* The counts of the words of the training corpus. */
static void vocab_count(struct vocab *v, const struct corpus *tr)
{
    struct ner_info info[NER_MAX_SENT];

    for (size_t k = 0; k < tr->n; k++) {
        const struct sentence *s = &tr->s[k];
        size_t n = s->n < NER_MAX_SENT ? s->n : NER_MAX_SENT;
        ner_sentence_info(s->text, s->toks, n, info);
        for (size_t i = 0; i < n; i++)
            vocab_add(v, info[i].word);
    }
}

/* Reads the given names of path, one a line, into *v by the hash the
 * tagger gives the word (ner_info.word).  Returns 0, or -1 with a message. */
static int names_load(const char *path, struct vocab *v)
{
    FILE *f = fopen(path, "r");
    char line[256];
    int rc = -1;

    if (!f) {
        fprintf(stderr, "sitrep-ner-train: %s: %s\n", path, strerror(errno));
        goto out;
    }
    while (fgets(line, sizeof line, f)) {
        size_t len = strcspn(line, "\r\n");
        struct ner_token tok = {0, (uint32_t)len, 0};
        struct ner_info info;
        if (len < 2)
            continue;
        tok.flags = ner_token_flags(line, 0, (uint32_t)len);
        ner_sentence_info(line, &tok, 1, &info);
        vocab_add(v, info.word);
    }
    rc = 0;
out:
    if (f)
        fclose(f);
    return rc;
}

/* The class + 1 the model's lexicon gives word (0 for none): its class
 * when the text had it capitalised, as the tagger only asks for those. */
static uint16_t word_class(const struct ner_clusters *c, uint64_t word)
{
    bool cap;
    uint32_t extra;
    unsigned k = ner_clusters_get(c, word, &cap, &extra);
    return cap ? (uint16_t)k : 0;
}

/* The class a word has in training: that of the lexicon, but none for an
 * unknown word that the extra text lacks.  The class of a word seen once
 * or twice, and only in the training text, comes from the very sentences
 * it is trained on: it would tell the label, as no class of a word never
 * seen can when tagging (the model then missed more unseen surnames at
 * the start of a sentence, "Fillon traveled"). */
static uint16_t train_class(const struct setup *su, uint64_t word)
{
    bool cap;
    uint32_t extra;
    unsigned k = ner_clusters_get(&su->clusters, word, &cap, &extra);

    if (!cap || (extra == 0 && !vocab_known(&su->vocab, word)))
        return 0;
    return (uint16_t)k;
}

/* Sets word's lexicon entry in lex: count holds NER_LEX_* bits | class + 1
 * << 8, ORed with what it had. */
static void lex_set(struct vocab *lex, uint64_t word, uint32_t bits)
{
    bool fresh;
    *ner_table_at(&lex->t, key_of(word), &fresh) |= bits;
}

/* The lexicon the model stores: the known words, the given names, the
 * capitalised words with a class. */
static void lexicon(const struct setup *su, struct vocab *lex)
{
    const struct vocab *v = &su->vocab, *nm = &su->names;
    const struct ner_clusters *c = &su->clusters;

    for (size_t i = 0; v->t.keys && i <= v->t.mask; i++)
        if (v->t.keys[i] && v->t.vals[i] >= v->min)
            lex_set(lex, v->t.keys[i], NER_LEX_KNOWN);
    for (size_t i = 0; nm->t.keys && i <= nm->t.mask; i++)
        if (nm->t.keys[i])
            lex_set(lex, nm->t.keys[i], NER_LEX_FIRSTNAME);
    for (size_t i = 0; c->index.keys && c->cls && i <= c->index.mask; i++) {
        uint16_t k = c->index.keys[i] ? word_class(c, c->index.keys[i]) : 0;
        if (k)
            lex_set(lex, c->index.keys[i], (uint32_t)k << 8);
    }
}

static double now(void);
static size_t load_jsonl(const char *path, char ***texts, size_t **lens);

/* Word classes of the training text and of the "text" members of the
 * JSON Lines files paths[0..npaths). */
static void clusters_build(struct setup *su, const struct corpus *tr, const char *const *paths,
                           size_t npaths, unsigned nclasses, uint32_t min_count)
{
    struct ner_tokens t = {0};
    double t0 = now();

    for (size_t k = 0; k < tr->n; k++)
        ner_clusters_add(&su->clusters, tr->s[k].text, tr->s[k].toks, tr->s[k].n, false);
    for (size_t p = 0; p < npaths; p++) {
        char **texts;
        size_t *lens, n = load_jsonl(paths[p], &texts, &lens);
        for (size_t k = 0; k < n; k++) {
            t.n = 0;
            if (ner_tokenize(texts[k], lens[k], &t) == SITREP_OK)
                for (size_t s = 0; s < t.n;) {
                    size_t e = s + 1;
                    while (e < t.n && !(t.v[e].flags & NER_TF_SENT))
                        e++;
                    ner_clusters_add(&su->clusters, texts[k], t.v + s, e - s, true);
                    s = e;
                }
            free(texts[k]);
        }
        free(texts);
        free(lens);
    }
    ner_tokens_free(&t);
    ner_clusters_run(&su->clusters, nclasses, min_count, 15);
    fprintf(stderr, "clusters: %zu tokens, %zu words, %u classes, %.0f s\n", su->clusters.ntext,
            su->clusters.nwords, nclasses, now() - t0);
}

/* What the gazetteer says of every token of c, computed once. */
static void corpus_gazetteer(struct corpus *c, const sitrep_gazetteer *gz)
{
    struct ner_info info[NER_MAX_SENT];

    for (size_t k = 0; k < c->n; k++) {
        struct sentence *s = &c->s[k];
        size_t n = s->n < NER_MAX_SENT ? s->n : NER_MAX_SENT;
        ner_sentence_info(s->text, s->toks, n, info);
        ner_sentence_gazetteer(gz, NULL, s->text, s->toks, n, info);
        for (size_t i = 0; i < n; i++) {
            s->place[i] = info[i].place;
            s->person[i] = info[i].person;
        }
    }
}

/* ----------------------------------------------------------------- tagging */

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* True with probability p (no draw when p is 0). */
static bool chance(uint64_t *rng, double p)
{
    return p > 0 && (double)(rng_next(rng) >> 11) * 0x1p-53 < p;
}

/* Greedy decoding of one sentence with float weights w (rows of m);
 * classes[i] get the result.  With learn, updates toward gold at step
 * *step, with word dropout. */
static void decode(struct weights *m, const float *w, struct setup *su, const struct sentence *s,
                   unsigned char *classes, bool learn, double *step)
{
    struct ner_info info[NER_MAX_SENT];
    uint64_t feats[NER_MAX_FEATS];
    long rows[NER_MAX_FEATS];
    unsigned prev1 = NER_START, prev2 = NER_START;
    size_t n = s->n < NER_MAX_SENT ? s->n : NER_MAX_SENT;
    bool with_gz = su->gz && !(learn && chance(&su->rng, su->gz_dropout));

    ner_sentence_info(s->text, s->toks, n, info);
    for (size_t i = 0; i < n; i++) {
        double p;
        if (with_gz) {
            info[i].place = s->place[i];
            info[i].person = s->person[i];
        }
        if (!(info[i].flags & NER_TF_CAP))
            continue;
        if (vocab_known(&su->names, info[i].word))
            info[i].flags |= NER_TF_FIRSTNAME;
        info[i].cluster = train_class(su, info[i].word);
        p = info[i].place >= NER_GZ_B ? su->place_dropout : su->dropout;
        if (!vocab_known(&su->vocab, info[i].word) || (learn && chance(&su->rng, p)))
            ner_info_unknown(&info[i]);
    }
    for (size_t i = 0; i < n; i++) {
        unsigned best = NER_O, gold = s->gold[i];
        if (ner_needs_tag(info, n, i, prev1)) {
            float score[STRIDE] = {0};
            size_t nf = ner_features(info, n, i, prev1, prev2, feats);
            for (size_t f = 0; f < nf; f++) {
                rows[f] = weights_find(m, feats[f]);
                if (rows[f] >= 0)
                    for (int c = 0; c < NER_NCLASS; c++)
                        score[c] += w[(size_t)rows[f] * STRIDE + (size_t)c];
            }
            for (unsigned c = 1; c < NER_NCLASS; c++)
                if (score[c] > score[best] && ner_class_allowed(prev1, c))
                    best = c;
            if (learn) {
                if (!ner_class_allowed(prev1, gold))
                    gold--; /* I-X after something else: B-X is the best reachable */
                for (size_t f = 0; f < nf; f++) {
                    size_t r = rows[f] >= 0 ? (size_t)rows[f] : weights_row(m, feats[f]);
                    if (best != gold) {
                        m->w[r * STRIDE + gold] += 1;
                        m->u[r * STRIDE + gold] += *step;
                        m->w[r * STRIDE + best] -= 1;
                        m->u[r * STRIDE + best] -= *step;
                    }
                    w = m->w; /* weights_row() may have moved it */
                }
                *step += 1;
            }
        }
        classes[i] = (unsigned char)best;
        prev2 = prev1;
        prev1 = best;
    }
}

/* ------------------------------------------------------------------ scores */

enum { CAT_PER, CAT_PLACE, CAT_ORG, CAT_TIM, CAT_MISC, NCAT };
static const char *const cat_names[NCAT] = {"person", "place", "org", "tim", "misc"};

struct counts {
    long tp[NCAT], fp[NCAT], fn[NCAT];
};

/* The category of a gold chunk (-1: none scored). */
static int gold_cat(const char *type, bool nominal)
{
    if (strcmp(type, "per") == 0)
        return CAT_PER;
    if (strcmp(type, "geo") == 0)
        return CAT_PLACE;
    if (strcmp(type, "gpe") == 0)
        return nominal ? CAT_PLACE : CAT_MISC;
    if (strcmp(type, "org") == 0)
        return CAT_ORG;
    if (strcmp(type, "tim") == 0)
        return CAT_TIM;
    return CAT_MISC;
}

static int type_cat(enum sitrep_ner_type t)
{
    switch (t) {
    case SITREP_NER_PER:
        return CAT_PER;
    case SITREP_NER_GEO:
    case SITREP_NER_GPE:
        return CAT_PLACE;
    case SITREP_NER_ORG:
        return CAT_ORG;
    case SITREP_NER_TIM:
        return CAT_TIM;
    default:
        return CAT_MISC;
    }
}

struct span {
    uint32_t start, end;
    int cat;
};

/* The gold spans of s into out (room for s->n); returns their number. */
static size_t gold_spans(const struct sentence *s, struct span *out)
{
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        size_t j = i + 1;
        bool nominal = s->noun[i];
        if (!s->begin[i])
            continue;
        while (j < s->n && s->tags[j][0] && !s->begin[j])
            nominal &= s->noun[j++];
        out[k++] =
            (struct span){s->toks[i].start, s->toks[j - 1].end, gold_cat(s->tags[i], nominal)};
    }
    return k;
}

static void count_spans(const struct span *gold, size_t ng, const struct span *pred, size_t np,
                        struct counts *c)
{
    for (size_t i = 0; i < np; i++) {
        bool hit = false;
        for (size_t j = 0; j < ng && !hit; j++)
            hit = gold[j].start == pred[i].start && gold[j].end == pred[i].end &&
                  gold[j].cat == pred[i].cat;
        if (hit)
            c->tp[pred[i].cat]++;
        else
            c->fp[pred[i].cat]++;
    }
    for (size_t j = 0; j < ng; j++) {
        bool hit = false;
        for (size_t i = 0; i < np && !hit; i++)
            hit = gold[j].start == pred[i].start && gold[j].end == pred[i].end &&
                  gold[j].cat == pred[i].cat;
        if (!hit)
            c->fn[gold[j].cat]++;
    }
}

static double f1(const struct counts *c, int cat, double *p, double *r)
{
    double pp =
        c->tp[cat] + c->fp[cat] ? (double)c->tp[cat] / (double)(c->tp[cat] + c->fp[cat]) : 0;
    double rr =
        c->tp[cat] + c->fn[cat] ? (double)c->tp[cat] / (double)(c->tp[cat] + c->fn[cat]) : 0;
    if (p)
        *p = pp;
    if (r)
        *r = rr;
    return pp + rr > 0 ? 2 * pp * rr / (pp + rr) : 0;
}

/* Scores float weights on gold tokens (a quick check between epochs). */
static void score_float(struct weights *m, const float *w, struct setup *su,
                        const struct corpus *dev, struct counts *c)
{
    unsigned char classes[NER_MAX_SENT];
    struct span gold[NER_MAX_SENT], pred[NER_MAX_SENT];

    memset(c, 0, sizeof *c);
    for (size_t k = 0; k < dev->n; k++) {
        const struct sentence *s = &dev->s[k];
        size_t n = s->n < NER_MAX_SENT ? s->n : NER_MAX_SENT, np = 0, ng;
        decode(m, w, su, s, classes, false, NULL);
        for (size_t i = 0; i < n; i++) {
            size_t j = i + 1;
            if (classes[i] == NER_O)
                continue;
            while (j < n && ner_class_inside(classes[j]) &&
                   ner_class_type(classes[j]) == ner_class_type(classes[i]))
                j++;
            pred[np++] = (struct span){s->toks[i].start, s->toks[j - 1].end,
                                       type_cat(ner_class_type(classes[i]))};
            i = j - 1;
        }
        ng = gold_spans(s, gold);
        count_spans(gold, ng, pred, np, c);
    }
}

/* Scores model m end to end: our tokeniser on each sentence's text. */
static int score_model(const struct ner_model *m, const sitrep_gazetteer *gz,
                       const struct corpus *dev, struct counts *c, FILE *dump)
{
    struct span *gold = NULL, *pred = NULL;
    size_t cap = 0;
    int rc = -1;

    memset(c, 0, sizeof *c);
    for (size_t k = 0; k < dev->n; k++) {
        const struct sentence *s = &dev->s[k];
        struct sitrep_ner_span *spans;
        size_t np, ng;
        if (ner_tag_with(m, gz, s->text, s->len, &spans, &np) != SITREP_OK)
            goto out;
        if (np > cap || s->n > cap) {
            cap = (np > s->n ? np : s->n) * 2;
            free(gold);
            free(pred);
            gold = xmalloc(cap * sizeof *gold);
            pred = xmalloc(cap * sizeof *pred);
        }
        for (size_t i = 0; i < np; i++)
            pred[i] = (struct span){spans[i].start, spans[i].end, type_cat(spans[i].type)};
        free(spans);
        ng = gold_spans(s, gold);
        count_spans(gold, ng, pred, np, c);
        if (dump) {
            fprintf(dump, "S\t%s\n", s->text);
            for (size_t i = 0; i < ng; i++)
                fprintf(dump, "G\t%s\t%.*s\n", cat_names[gold[i].cat],
                        (int)(gold[i].end - gold[i].start), s->text + gold[i].start);
            for (size_t i = 0; i < np; i++)
                fprintf(dump, "P\t%s\t%.*s\n", cat_names[pred[i].cat],
                        (int)(pred[i].end - pred[i].start), s->text + pred[i].start);
        }
    }
    rc = 0;
out:
    free(gold);
    free(pred);
    return rc;
}

static void print_scores(const struct counts *c)
{
    printf("| type   |     P |     R |    F1 | gold |\n");
    printf("|--------|-------|-------|-------|------|\n");
    for (int k = 0; k < NCAT; k++) {
        double p, r, f = f1(c, k, &p, &r);
        printf("| %-6s | %.3f | %.3f | %.3f | %4ld |\n", cat_names[k], p, r, f,
               c->tp[k] + c->fn[k]);
    }
}

/* Share of gold tokens our tokeniser reproduces exactly. */
static double token_roundtrip(const struct corpus *dev, size_t *ok, size_t *all)
{
    struct ner_tokens t = {0};
    *ok = *all = 0;
    for (size_t k = 0; k < dev->n; k++) {
        const struct sentence *s = &dev->s[k];
        size_t j = 0;
        t.n = 0;
        if (ner_tokenize(s->text, s->len, &t) != SITREP_OK)
            break;
        for (size_t i = 0; i < s->n; i++) {
            while (j < t.n && t.v[j].start < s->toks[i].start)
                j++;
            if (j < t.n && t.v[j].start == s->toks[i].start && t.v[j].end == s->toks[i].end)
                ++*ok;
            ++*all;
        }
    }
    ner_tokens_free(&t);
    return *all ? (double)*ok / (double)*all : 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* MB/s (10^6 bytes) of tagging texts[0..n), best of three rounds, by the
 * wall clock and by the thread's CPU time (*cpu_mbs; steadier on a busy
 * machine). */
static double throughput(const struct ner_model *m, const sitrep_gazetteer *gz, char **texts,
                         const size_t *lens, size_t n, size_t *bytes, size_t *spans_out,
                         double *cpu_mbs)
{
    double best = 1e30, best_cpu = 1e30;
    *bytes = 0;
    for (size_t i = 0; i < n; i++)
        *bytes += lens[i];
    for (int round = 0; round < 3; round++) {
        double t0 = now(), c0 = cpu_now();
        size_t total = 0;
        for (size_t i = 0; i < n; i++) {
            struct sitrep_ner_span *spans;
            size_t ns;
            if (ner_tag_with(m, gz, texts[i], lens[i], &spans, &ns) == SITREP_OK) {
                total += ns;
                free(spans);
            }
        }
        t0 = now() - t0;
        c0 = cpu_now() - c0;
        if (t0 < best)
            best = t0;
        if (c0 < best_cpu)
            best_cpu = c0;
        *spans_out = total;
    }
    *cpu_mbs = (double)*bytes / 1e6 / best_cpu;
    return (double)*bytes / 1e6 / best;
}

/* The texts of a JSON Lines file's "text" members. */
static size_t load_jsonl(const char *path, char ***texts, size_t **lens)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, n = 0, capn = 0;
    ssize_t got;

    *texts = NULL;
    *lens = NULL;
    if (!f) {
        fprintf(stderr, "sitrep-ner-train: %s: %s\n", path, strerror(errno));
        return 0;
    }
    while ((got = getline(&line, &cap, f)) > 0) {
        json_error_t err;
        json_t *o = json_loadb(line, (size_t)got, 0, &err);
        json_t *t = o ? json_object_get(o, "text") : NULL;
        if (json_is_string(t)) {
            if (n == capn) {
                capn = capn ? capn * 2 : 256;
                *texts = realloc(*texts, capn * sizeof **texts);
                *lens = realloc(*lens, capn * sizeof **lens);
                if (!*texts || !*lens) {
                    fprintf(stderr, "sitrep-ner-train: out of memory\n");
                    exit(1);
                }
            }
            (*lens)[n] = json_string_length(t);
            (*texts)[n] = xmalloc((*lens)[n] + 1);
            memcpy((*texts)[n], json_string_value(t), (*lens)[n] + 1);
            n++;
        }
        json_decref(o);
    }
    free(line);
    fclose(f);
    return n;
}

/* A gold place name of UCDP GED without its trailing class words
 * ("Teir Maaleh village", "Homs Governorate"): the length to keep. */
static size_t bare_place(const char *name)
{
    size_t len = strlen(name);

    for (;;) {
        size_t sp = len;
        const char *w;
        while (sp > 0 && name[sp - 1] != ' ')
            sp--;
        if (sp == 0)
            return len;
        w = name + sp;
        if (!((*w >= 'a' && *w <= 'z') || strncmp(w, "Governorate", 11) == 0))
            return len;
        len = sp - 1;
    }
}

static bool word_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (unsigned char)c >= 0x80;
}

/* How m tags the places of UCDP GED headlines (JSON Lines with "text" and
 * "gold": {"country", "places": [...]}): each gold place below the
 * country, without its class words, that occurs verbatim in the headline
 * counts once, as a hit when a GEO or GPE span covers exactly it, else by
 * the type of a span overlapping it, or as missed.  A silver measure of
 * names far from GMB's: the gold names are GeoNames', as the gazetteer's
 * are, so it shows whether the model trusts the gazetteer, not how well it
 * does without one. */
static void score_places(const struct ner_model *m, const sitrep_gazetteer *gz, const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    long mentions = 0, hits = 0, as[SITREP_NER_MISC + 1] = {0}, missed = 0, persons = 0;

    if (!f) {
        fprintf(stderr, "sitrep-ner-train: %s: %s\n", path, strerror(errno));
        return;
    }
    while ((got = getline(&line, &cap, f)) > 0) {
        json_error_t err;
        json_t *o = json_loadb(line, (size_t)got, 0, &err), *gold = json_object_get(o, "gold");
        const char *text = json_string_value(json_object_get(o, "text"));
        const char *country = json_string_value(json_object_get(gold, "country"));
        json_t *places = json_object_get(gold, "places"), *p;
        struct sitrep_ner_span *spans = NULL;
        size_t ns = 0, k;
        if (!text || !json_is_array(places) ||
            ner_tag_with(m, gz, text, strlen(text), &spans, &ns) != SITREP_OK) {
            json_decref(o);
            continue;
        }
        for (size_t i = 0; i < ns; i++)
            persons += spans[i].type == SITREP_NER_PER;
        json_array_foreach(places, k, p)
        {
            const char *name = json_string_value(p), *at = text;
            size_t len;
            int type = 0;
            bool hit = false;
            if (!name || (country && strcmp(name, country) == 0))
                continue;
            len = bare_place(name);
            while ((at = strstr(at, name)) != NULL &&
                   ((at > text && word_byte(at[-1])) || word_byte(at[len])))
                at++;
            /* strstr() matched the whole name: look for its bare part. */
            if (!at) {
                char *bare = strndup(name, len);
                for (at = text; bare && (at = strstr(at, bare)) != NULL; at++)
                    if (!(at > text && word_byte(at[-1])) && !word_byte(at[len]))
                        break;
                free(bare);
            }
            if (!at)
                continue;
            mentions++;
            for (size_t i = 0; i < ns; i++) {
                uint32_t b = (uint32_t)(at - text), e = b + (uint32_t)len;
                if (spans[i].start == b && spans[i].end == e &&
                    (spans[i].type == SITREP_NER_GEO || spans[i].type == SITREP_NER_GPE))
                    hit = true;
                else if (spans[i].start < e && spans[i].end > b && !type)
                    type = spans[i].type;
            }
            if (hit)
                hits++;
            else if (type)
                as[type]++;
            else
                missed++;
        }
        free(spans);
        json_decref(o);
    }
    free(line);
    fclose(f);
    printf("Places of %s: %ld mentions below the country; %.1f%% exact GEO/GPE; otherwise "
           "%.1f%% person, %.1f%% org, %.1f%% other or partial place, %.1f%% untagged; "
           "%ld person spans in all\n",
           path, mentions, 100.0 * (double)hits / (double)(mentions ? mentions : 1),
           100.0 * (double)as[SITREP_NER_PER] / (double)(mentions ? mentions : 1),
           100.0 * (double)as[SITREP_NER_ORG] / (double)(mentions ? mentions : 1),
           100.0 *
               (double)(as[SITREP_NER_GEO] + as[SITREP_NER_GPE] + as[SITREP_NER_TIM] +
                        as[SITREP_NER_MISC]) /
               (double)(mentions ? mentions : 1),
           100.0 * (double)missed / (double)(mentions ? mentions : 1), persons);
}

/* Prints the whole report for model m. */
static int report(const struct ner_model *m, const sitrep_gazetteer *gz, const struct corpus *dev,
                  const char *bench, const char *places)
{
    struct counts c;
    size_t ok, all, bytes, nspans;
    double rt = token_roundtrip(dev, &ok, &all);
    char *devtext, **texts;
    size_t devlen = 0, *lens, n;
    double mbs, cpu;
    FILE *dump = getenv("SITREP_NER_DUMP") ? fopen(getenv("SITREP_NER_DUMP"), "w") : NULL;

    if (score_model(m, gz, dev, &c, dump) != 0)
        return -1;
    if (dump)
        fclose(dump);
    printf("Dev scores (%zu sentences; exact byte spans; model: %u features, %u buckets; "
           "%s):\n\n",
           dev->n, m->nfeatures, m->nbuckets, gz ? "with the gazetteer" : "no gazetteer");
    print_scores(&c);
    if (gz) {
        if (score_model(m, NULL, dev, &c, NULL) != 0)
            return -1;
        printf("\nWithout the gazetteer: person F1 %.3f, place F1 %.3f\n",
               f1(&c, CAT_PER, NULL, NULL), f1(&c, CAT_PLACE, NULL, NULL));
    }
    printf("\nToken round trip: %zu of %zu gold tokens (%.2f%%)\n", ok, all, 100.0 * rt);
    for (size_t k = 0; k < dev->n; k++)
        devlen += dev->s[k].len + 1;
    devtext = xmalloc(devlen + 1);
    devlen = 0;
    for (size_t k = 0; k < dev->n; k++) {
        memcpy(devtext + devlen, dev->s[k].text, dev->s[k].len);
        devlen += dev->s[k].len;
        devtext[devlen++] = '\n';
    }
    mbs = throughput(m, gz, &devtext, &devlen, 1, &bytes, &nspans, &cpu);
    printf("Throughput, dev text: %.1f MB/s, %.1f MB/s of CPU time (%zu bytes, %zu spans, "
           "best of 3, one thread)\n",
           mbs, cpu, bytes, nspans);
    free(devtext);
    if (bench && (n = load_jsonl(bench, &texts, &lens)) > 0) {
        mbs = throughput(m, gz, texts, lens, n, &bytes, &nspans, &cpu);
        printf("Throughput, %s: %.1f MB/s, %.1f MB/s of CPU time (%zu texts, %zu bytes, %zu "
               "spans)\n",
               bench, mbs, cpu, n, bytes, nspans);
        for (size_t i = 0; i < n; i++)
            free(texts[i]);
        free(texts);
        free(lens);
    }
    if (places)
        score_places(m, gz, places);
    return 0;
}

/* ---------------------------------------------------------------- training */

/* The averaged weights. */
static float *average(const struct weights *m, double steps)
{
    float *a = xmalloc((m->nrows ? m->nrows : 1) * STRIDE * sizeof *a);
    for (size_t i = 0; i < m->nrows * STRIDE; i++)
        a[i] = (float)(m->w[i] - m->u[i] / steps);
    return a;
}

/* GMB is inconsistent about titles: "Prime Minister Tony Blair" is one
 * person (345 times in train.tsv) about as often as it is "Prime" and "Tony
 * Blair" (268 times).  A tagger trained on both halves mixes them and
 * predicts "Prime Minister" and "Tony Blair", which matches neither; trained
 * on the first convention alone it scores better (dev person F1 0.758
 * against 0.744).  Doing the same for "Foreign Minister X", which is
 * "Minister X" as often as "X", did not help either way. */
static bool word_is(const struct sentence *s, size_t i, const char *w)
{
    return i < s->n && s->toks[i].end - s->toks[i].start == strlen(w) &&
           memcmp(s->text + s->toks[i].start, w, strlen(w)) == 0;
}

static void canonicalise(struct corpus *c)
{
    for (size_t k = 0; k < c->n; k++) {
        struct sentence *s = &c->s[k];
        unsigned char *g = s->gold;
        for (size_t i = 0; i + 2 < s->n; i++) {
            if (!(word_is(s, i, "Prime") || word_is(s, i, "prime")) ||
                !word_is(s, i + 1, "Minister") || g[i] != NER_B_PER || g[i + 1] != NER_O ||
                g[i + 2] != NER_B_PER)
                continue;
            g[i + 1] = NER_I_PER;
            g[i + 2] = NER_I_PER; /* the I-per after it stay */
        }
    }
}

static void train(struct weights *m, struct setup *su, const struct corpus *tr,
                  const struct corpus *dev, int epochs, double *steps)
{
    size_t *order = xmalloc(tr->n * sizeof *order);
    unsigned char classes[NER_MAX_SENT];
    uint64_t seed = su->seed;

    *steps = 1;
    for (size_t i = 0; i < tr->n; i++)
        order[i] = i;
    for (int e = 0; e < epochs; e++) {
        double t0 = now();
        for (size_t i = tr->n; i > 1; i--) {
            size_t j = (size_t)(rng_next(&seed) % i), t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
        for (size_t i = 0; i < tr->n; i++)
            decode(m, m->w, su, &tr->s[order[i]], classes, true, steps);
        if (dev) {
            float *a = average(m, *steps);
            struct counts c;
            score_float(m, a, su, dev, &c);
            fprintf(stderr,
                    "epoch %2d: %zu features, %.1fs; dev (gold tokens) F1 person %.4f "
                    "place %.4f org %.4f tim %.4f\n",
                    e + 1, m->nrows, now() - t0, f1(&c, CAT_PER, NULL, NULL),
                    f1(&c, CAT_PLACE, NULL, NULL), f1(&c, CAT_ORG, NULL, NULL),
                    f1(&c, CAT_TIM, NULL, NULL));
            free(a);
        }
    }
    free(order);
}

/* Adds scale times the averaged weights a of run to sum.  A perceptron is
 * linear, so the sum of several runs' weights scores as the average of
 * their scores: an ensemble at no cost when tagging. */
static void add_weights(struct weights *sum, const struct weights *run, const float *a, float scale)
{
    for (size_t i = 0; i <= run->mask; i++) {
        size_t from, to;
        if (!run->keys[i])
            continue;
        from = run->rows[i];
        to = weights_row(sum, run->keys[i]);
        for (int c = 0; c < NER_NCLASS; c++)
            sum->w[to * STRIDE + (size_t)c] += scale * a[from * STRIDE + (size_t)c];
    }
}

/* ------------------------------------------------------------- model file */

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static int cmp_desc(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* A free entry for feature hash h in buf's table of nbuckets buckets, its
 * fingerprint written: the home bucket or the first later one with room. */
static unsigned char *place_entry(unsigned char *buf, size_t nbuckets, uint64_t h)
{
    uint32_t b = ner_model_bucket(h, (uint32_t)nbuckets);
    uint16_t fp = ner_model_fingerprint(h);
    unsigned char *e = NULL;

    for (bool home = true; !e; home = false) {
        unsigned char *bk = buf + NER_MODEL_HEADER + (size_t)b * NER_BUCKET_BYTES;
        for (int k = 0; k < NER_BUCKET_ENTRIES && !e; k++)
            if (bk[k * NER_ENTRY_BYTES] == 0 && bk[k * NER_ENTRY_BYTES + 1] == 0)
                e = bk + k * NER_ENTRY_BYTES;
        if (!e && home)
            bk[NER_BUCKET_FLAGS] |= NER_BUCKET_OVERFLOW;
        b = b + 1 == nbuckets ? 0 : b + 1;
    }
    e[0] = (unsigned char)(fp & 0xff);
    e[1] = (unsigned char)(fp >> 8);
    return e;
}

/* Builds the model bytes from averaged weights a: keeps the max_features
 * features with the largest weights, quantised to int8, and the entries of
 * the lexicon lex (lexicon()).  *size gets the byte count; the caller
 * frees the result. */
static unsigned char *build_model(const struct weights *m, const float *a, const struct vocab *lex,
                                  size_t max_features, size_t *size)
{
    float *mag = xmalloc((m->nrows ? m->nrows : 1) * sizeof *mag), *sorted;
    float cut = 0, scale, wmax = 0;
    size_t keep = 0, nbuckets, placed = 0, words = 0;
    unsigned char *buf, *e;
    uint32_t scale_bits;

    for (size_t r = 0; r < m->nrows; r++) {
        float x = 0;
        for (int c = 0; c < NER_NCLASS; c++)
            if (fabsf(a[r * STRIDE + (size_t)c]) > x)
                x = fabsf(a[r * STRIDE + (size_t)c]);
        mag[r] = x;
        if (x > wmax)
            wmax = x;
    }
    sorted = xmalloc((m->nrows ? m->nrows : 1) * sizeof *sorted);
    memcpy(sorted, mag, m->nrows * sizeof *sorted);
    qsort(sorted, m->nrows, sizeof *sorted, cmp_desc);
    if (m->nrows > max_features)
        cut = sorted[max_features];
    /* The largest weight sets the scale.  Clipping the few largest to give
     * the rest more resolution scored worse on dev (person F1 0.729 with the
     * 99.95th percentile at 127, 0.744 with the maximum): the big weights
     * decide, and weights below half a step are noise best dropped. */
    scale = wmax / 127.0f;
    if (scale <= 0)
        scale = 1;
    free(sorted);
    for (size_t r = 0; r < m->nrows; r++)
        if (mag[r] > cut && mag[r] >= scale / 2)
            keep++;
    for (size_t i = 0; lex->t.keys && i <= lex->t.mask; i++)
        keep += lex->t.keys[i] != 0;
    nbuckets = (size_t)((double)keep / (NER_BUCKET_ENTRIES * 0.9)) + 1;
    *size = NER_MODEL_HEADER + nbuckets * NER_BUCKET_BYTES;
    buf = ner_xcalloc(*size, 1);
    memcpy(buf, NER_MODEL_MAGIC, 8);
    put32(buf + 8, NER_MODEL_VERSION);
    put32(buf + 12, NER_NCLASS);
    put32(buf + 16, NER_FEATURE_VERSION);
    put32(buf + 20, (uint32_t)nbuckets);
    memcpy(&scale_bits, &scale, sizeof scale_bits);
    put32(buf + 28, scale_bits);
    for (size_t i = 0; i <= m->mask; i++) {
        size_t r;
        if (!m->keys[i])
            continue;
        r = m->rows[i];
        if (!(mag[r] > cut && mag[r] >= scale / 2))
            continue;
        e = place_entry(buf, nbuckets, m->keys[i]);
        for (int c = 0; c < NER_NCLASS; c++) {
            float q = roundf(a[r * STRIDE + (size_t)c] / scale);
            e[2 + c] = (unsigned char)(signed char)(q > 127 ? 127 : q < -127 ? -127 : q);
        }
        placed++;
    }
    /* The lexicon: NER_LEX_* bits in the first weight byte, the class + 1
     * in the next two. */
    for (size_t i = 0; lex->t.keys && i <= lex->t.mask; i++)
        if (lex->t.keys[i]) {
            e = place_entry(buf, nbuckets, ner_vocab_feature(lex->t.keys[i]));
            e[2] = (unsigned char)(lex->t.vals[i] & 0xff);
            e[3] = (unsigned char)(lex->t.vals[i] >> 8 & 0xff);
            e[4] = (unsigned char)(lex->t.vals[i] >> 16 & 0xff);
            words++;
        }
    put32(buf + 24, (uint32_t)(placed + words));
    fprintf(stderr,
            "model: %zu of %zu features kept and %zu words in the lexicon, %zu buckets, "
            "%zu bytes, "
            "scale %g (max %g)\n",
            placed, m->nrows, words, nbuckets, *size, scale, wmax);
    free(mag);
    return buf;
}

static int write_file(const char *path, const unsigned char *data, size_t size)
{
    char tmp[4096];
    FILE *f;
    int rc = -1;

    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    f = fopen(tmp, "wb");
    if (!f || fwrite(data, 1, size, f) != size) {
        fprintf(stderr, "sitrep-ner-train: %s: %s\n", tmp, strerror(errno));
        if (f)
            fclose(f);
        goto out;
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "sitrep-ner-train: %s: %s\n", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    return rc;
}

static unsigned char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long n;

    if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "sitrep-ner-train: %s: %s\n", path, strerror(errno));
        goto out;
    }
    buf = xmalloc((size_t)n);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "sitrep-ner-train: %s: short read\n", path);
        free(buf);
        buf = NULL;
        goto out;
    }
    *size = (size_t)n;
out:
    if (f)
        fclose(f);
    return buf;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: sitrep-ner-train --train TRAIN.tsv --dev DEV.tsv --out MODEL.bin\n"
            "                        [--epochs N] [--restarts N] [--seed N] [--max-features N]\n"
            "                        [--vocab-min N] [--dropout P] [--place-dropout P]\n"
            "                        [--gazetteer-dropout P] [--names FILE] [--clusters N]\n"
            "                        [--cluster-text FILE.jsonl]... [--cluster-min N]\n"
            "                        [common options]\n"
            "       sitrep-ner-train --eval DEV.tsv [--model MODEL.bin] [common options]\n"
            "common options: [--bench FILE.jsonl] [--places UCDP.jsonl] [--gazetteer PATH]\n"
            "                [--supplement PATH]\n");
}

/* Loads the gazetteer the way sitrep-index does: the file, then the
 * supplement; "" for either skips it (for the file: no gazetteer). */
static int load_gazetteer(const char *path, const char *supplement, sitrep_gazetteer **gz)
{
    char *err = NULL;
    int rc = -1;

    *gz = NULL;
    if (!*path)
        return 0;
    if (sitrep_gazetteer_load(path, gz, &err) != SITREP_OK) {
        fprintf(stderr, "sitrep-ner-train: gazetteer: %s\n", err ? err : path);
        goto out;
    }
    if (*supplement && sitrep_gazetteer_load_supplement(*gz, supplement, &err) != SITREP_OK) {
        fprintf(stderr, "sitrep-ner-train: gazetteer supplement: %s\n", err ? err : supplement);
        sitrep_gazetteer_destroy(*gz);
        *gz = NULL;
        goto out;
    }
    rc = 0;
out:
    free(err);
    return rc;
}

int main(int argc, char **argv)
{
    const char *train_path = NULL, *dev_path = NULL, *out_path = NULL, *eval_path = NULL;
    const char *model_path = NULL, *bench = NULL, *places = NULL, *names_path = NULL;
    const char *cluster_paths[8];
    size_t ncluster_paths = 0;
    unsigned nclasses = 0;
    uint32_t cluster_min = 2;
    const char *gz_path = SITREP_DEFAULT_GAZETTEER, *sup_path = SITREP_DEFAULT_GAZETTEER_SUPPLEMENT;
    int epochs = 10, restarts = 3, rc = 1;
    uint64_t seed = 20240601;
    size_t max_features = 160000;
    struct setup su = {.dropout = 0, .place_dropout = 0.3, .gz_dropout = 0.2};
    sitrep_gazetteer *gz = NULL;

    struct corpus tr = {0}, dev = {0};
    struct vocab lex = {0};
    struct weights m;
    unsigned char *model = NULL;
    size_t size;
    struct ner_model nm;

    su.vocab.min = 3;
    su.names.min = 1;
    weights_init(&m);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            usage();
            goto out;
        }
        if (strcmp(a, "--train") == 0)
            train_path = v;
        else if (strcmp(a, "--dev") == 0)
            dev_path = v;
        else if (strcmp(a, "--out") == 0)
            out_path = v;
        else if (strcmp(a, "--eval") == 0)
            eval_path = v;
        else if (strcmp(a, "--model") == 0)
            model_path = v;
        else if (strcmp(a, "--bench") == 0)
            bench = v;
        else if (strcmp(a, "--places") == 0)
            places = v;
        else if (strcmp(a, "--gazetteer") == 0)
            gz_path = v;
        else if (strcmp(a, "--supplement") == 0)
            sup_path = v;
        else if (strcmp(a, "--epochs") == 0)
            epochs = atoi(v);
        else if (strcmp(a, "--max-features") == 0)
            max_features = (size_t)strtoul(v, NULL, 10);
        else if (strcmp(a, "--dropout") == 0)
            su.dropout = atof(v);
        else if (strcmp(a, "--place-dropout") == 0)
            su.place_dropout = atof(v);
        else if (strcmp(a, "--gazetteer-dropout") == 0)
            su.gz_dropout = atof(v);
        else if (strcmp(a, "--vocab-min") == 0)
            su.vocab.min = (uint32_t)strtoul(v, NULL, 10);
        else if (strcmp(a, "--names") == 0)
            names_path = v;
        else if (strcmp(a, "--clusters") == 0)
            nclasses = (unsigned)strtoul(v, NULL, 10);
        else if (strcmp(a, "--cluster-min") == 0)
            cluster_min = (uint32_t)strtoul(v, NULL, 10);
        else if (strcmp(a, "--cluster-text") == 0 && ncluster_paths < 8)
            cluster_paths[ncluster_paths++] = v;
        else if (strcmp(a, "--seed") == 0)
            seed = strtoull(v, NULL, 10);
        else if (strcmp(a, "--restarts") == 0)
            restarts = atoi(v);
        else {
            usage();
            goto out;
        }
        i++;
    }
    if (restarts < 1 || epochs < 1) {
        usage();
        goto out;
    }
    if (load_gazetteer(gz_path, sup_path, &gz) != 0)
        goto out;
    su.gz = gz;
    if (eval_path) {
        if (corpus_load(eval_path, &dev) != 0)
            goto out;
        if (model_path) {
            model = read_file(model_path, &size);
            if (!model)
                goto out;
        }
        if ((model ? ner_model_open(model, size, &nm)
                   : ner_model_open(sitrep_ner_model_start,
                                    (size_t)(sitrep_ner_model_end - sitrep_ner_model_start),
                                    &nm)) != SITREP_OK) {
            fprintf(stderr, "sitrep-ner-train: not a model of this version\n");
            goto out;
        }
        rc = report(&nm, gz, &dev, bench, places) == 0 ? 0 : 1;
        goto out;
    }
    if (!train_path || !dev_path || !out_path) {
        usage();
        goto out;
    }
    {
        double t0 = now(), steps;
        float *a;
        if (corpus_load(train_path, &tr) != 0 || corpus_load(dev_path, &dev) != 0)
            goto out;
        fprintf(stderr, "loaded %zu training and %zu dev sentences\n", tr.n, dev.n);
        canonicalise(&tr);
        vocab_count(&su.vocab, &tr);
        if (names_path && names_load(names_path, &su.names) != 0)
            goto out;
        if (nclasses > 0 && nclasses < 65536)
            clusters_build(&su, &tr, cluster_paths, ncluster_paths, nclasses, cluster_min);
        corpus_gazetteer(&tr, gz);
        corpus_gazetteer(&dev, gz);
        for (int r = 0; r < restarts; r++) {
            struct weights run;
            weights_init(&run);
            su.seed = seed + (uint64_t)r;
            su.rng = ~(seed + (uint64_t)r);
            train(&run, &su, &tr, &dev, epochs, &steps);
            a = average(&run, steps);
            add_weights(&m, &run, a, 1.0f / (float)restarts);
            free(a);
            weights_free(&run);
        }
        lexicon(&su, &lex);
        model = build_model(&m, m.w, &lex, max_features, &size);
        if (write_file(out_path, model, size) != 0)
            goto out;
        printf("Trained in %.0f s (%d runs of %d epochs; word dropout %.2f, in place names "
               "%.2f; gazetteer dropout %.2f; known words: seen %u times or more); wrote %s "
               "(%zu bytes)\n\n",
               now() - t0, restarts, epochs, su.dropout, su.place_dropout, su.gz_dropout,
               su.vocab.min, out_path, size);
        if (ner_model_open(model, size, &nm) != SITREP_OK ||
            report(&nm, gz, &dev, bench, places) != 0)
            goto out;
    }
    rc = 0;
out:
    free(model);
    weights_free(&m);
    vocab_free(&su.vocab);
    vocab_free(&su.names);
    vocab_free(&lex);
    ner_clusters_free(&su.clusters);
    corpus_free(&tr);
    corpus_free(&dev);
    sitrep_gazetteer_destroy(gz);
    return rc;
}
