/* ner-private.h - what the tagger's runtime (ner.c), its tokeniser
 * (ner-tokenize.c), its features (ner-features.c) and its trainer
 * (ner-train.c) share.  Not installed, not part of the library API.
 *
 * The trainer and the runtime must compute the same features from the same
 * tokens, or the weights mean nothing: both call ner_sentence_info() and
 * ner_features(), and both skip the same tokens with ner_needs_tag().
 * Both also mark unknown words the same way (ner_info_unknown()) and read
 * the same gazetteer (ner_sentence_gazetteer()).
 * Changing what either computes means bumping NER_FEATURE_VERSION and
 * retraining (scripts/train-ner); a model of another version is refused.
 */
#ifndef SITREP_NER_PRIVATE_H
#define SITREP_NER_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gazetteer.h"
#include "ner.h"

/* Version of the feature set; the model header records it. */
#define NER_FEATURE_VERSION 3u

/* ------------------------------------------------------------------ tokens */

/* Token flags, set by the tokeniser (or by ner_token_flags() for tokens
 * that come from elsewhere, as the trainer's do). */
enum {
    NER_TF_SENT = 1u << 0,     /* first token of a sentence */
    NER_TF_CAP = 1u << 1,      /* starts with an upper-case letter */
    NER_TF_LOWER = 1u << 2,    /* starts with a lower-case letter */
    NER_TF_HASUP = 1u << 4,    /* holds an upper-case letter */
    NER_TF_HASDIGIT = 1u << 5, /* holds a digit */
    NER_TF_CASELESS = 1u << 6, /* holds a letter of a script without case */
    NER_TF_ALLCAPS = 1u << 7,  /* two or more letters, all upper case */
    NER_TF_PUNCT = 1u << 8,    /* no letter and no digit */
    /* Set by ner_sentence_info(), not by the tokeniser: */
    NER_TF_SENTCAPS = 1u << 10, /* every cased word of the sentence is in capitals */
    NER_TF_SEENLOW = 1u << 11,  /* capitalised, and the sentence has it in lower case */
    /* Set by ner_info_unknown(): */
    NER_TF_UNKNOWN = 1u << 12, /* capitalised and not in the model's vocabulary */
    /* Set from the model's lexicon (the tagger) or the name list (the
     * trainer): */
    NER_TF_FIRSTNAME = 1u << 13, /* capitalised, and a given name of the list */
};

/* Tokens whose flags hold any of these may start or be inside a name. */
#define NER_TF_CORE (NER_TF_HASUP | NER_TF_HASDIGIT | NER_TF_CASELESS)

struct ner_token {
    uint32_t start, end; /* byte offsets, end exclusive */
    uint32_t flags;      /* NER_TF_* */
};

/* A growable token array; zero-initialise it, free it with
 * ner_tokens_free(). */
struct ner_tokens {
    struct ner_token *v; /* owned */
    size_t n, cap;
};

/* Longest sentence the tagger looks at: the tokeniser starts a new sentence
 * after this many tokens, so per-sentence arrays can live on the stack. */
enum { NER_MAX_SENT = 256 };

/* Tokenises text[0..len) the way GMB does and appends the tokens to *t,
 * marking the first of each sentence with NER_TF_SENT.  Errors:
 * SITREP_ERR_NOMEM (t keeps what it had). */
sitrep_status ner_tokenize(const char *text, size_t len, struct ner_tokens *t);
void ner_tokens_free(struct ner_tokens *t);

/* The flags NER_TF_CAP .. NER_TF_PUNCT of the token text[start..end). */
uint32_t ner_token_flags(const char *text, uint32_t start, uint32_t end);

/* The character of a word's shape for code point c: 'X' upper-case, 'x'
 * lower-case, 'a' caseless letter, 'd' digit, '\'' apostrophe, '-' hyphen,
 * 0 for a combining mark (left out), the character itself for other ASCII,
 * '*' for anything else. */
char ner_shape_char(uint32_t c);

/* The lower-case form of c in Latin, Greek and Cyrillic; apostrophes
 * become '\'' and hyphens '-'; anything else is returned unchanged. */
uint32_t ner_fold_char(uint32_t c);

/* ----------------------------------------------------------------- classes */

/* The tagger's classes: O and B-/I- of six types.  GMB's art, eve, nat and
 * adjectival gpe ("British") are all MISC. */
enum ner_class {
    NER_O = 0,
    NER_B_PER,
    NER_I_PER,
    NER_B_GEO,
    NER_I_GEO,
    NER_B_GPE,
    NER_I_GPE,
    NER_B_ORG,
    NER_I_ORG,
    NER_B_TIM,
    NER_I_TIM,
    NER_B_MISC,
    NER_I_MISC,
    NER_NCLASS,
    NER_START = NER_NCLASS, /* the "previous tag" before a sentence */
};

/* The type of a class (0 for NER_O). */
static inline enum sitrep_ner_type ner_class_type(unsigned c)
{
    return (enum sitrep_ner_type)((c + 1) / 2);
}

static inline bool ner_class_inside(unsigned c)
{
    return c != NER_O && c % 2 == 0;
}

/* I-X may only follow B-X or I-X. */
static inline bool ner_class_allowed(unsigned prev, unsigned c)
{
    return !ner_class_inside(c) ||
           (prev != NER_O && prev != NER_START && ner_class_type(prev) == ner_class_type(c));
}

/* ---------------------------------------------------------------- features */

/* What the features need of one token, computed once per sentence. */
struct ner_info {
    uint64_t word;   /* FNV-1a of the lower-cased word, apostrophes as "'" */
    uint64_t exact;  /* FNV-1a of the word as written, apostrophes as "'" */
    uint64_t shape;  /* "Xxxxx": runs longer than four cut to four */
    uint64_t sshape; /* "Xx": runs cut to one */
    uint64_t pre[3]; /* lower-cased prefixes of 1..3 bytes */
    uint64_t suf[4]; /* lower-cased suffixes of 1..4 bytes */
    uint32_t flags;  /* NER_TF_* including NER_TF_SENTCAPS, NER_TF_SEENLOW */
    uint32_t len;    /* characters */
    uint8_t place;   /* NER_GZ_* code of the longest place name here */
    uint8_t person;  /* NER_GZ_* code of the longest person name here */
    uint16_t cluster; /* capitalised words: word class + 1 (ner-cluster.c), or 0 */
};

/* What the gazetteer says of a token (ner_info.place, .person).  NER_GZ_NONE:
 * no gazetteer, or a token that was not looked up (not capitalised, a
 * function word, a day or a month, outside any name): no gazetteer feature
 * fires.  NER_GZ_MISS (places only): a capitalised token that starts no
 * place name.  Otherwise ner_gz_code(): the token is a whole name, begins
 * one or continues one (the longest name that starts at a capitalised
 * token); for persons kind is 0, for places the kind of the best candidate;
 * glued when a capitalised word (not the sentence's first) is right before
 * the name or right after it ("New York Times", "Hamid Karzai"). */
enum { NER_GZ_NONE = 0, NER_GZ_MISS = 1, NER_GZ_B = 2 };

enum ner_gz_kind {
    NER_GZ_COUNTRY,
    NER_GZ_ADMIN1,
    NER_GZ_REGION,
    NER_GZ_CITY_BIG,   /* population 100,000 or more */
    NER_GZ_CITY_TOWN,  /* 10,000 or more */
    NER_GZ_CITY_SMALL, /* fewer, or unknown */
};

enum ner_gz_pos { NER_GZ_ALONE, NER_GZ_FIRST, NER_GZ_NEXT };

static inline uint8_t ner_gz_code(enum ner_gz_kind kind, enum ner_gz_pos pos, bool glued)
{
    return (uint8_t)(NER_GZ_B + 6 * (unsigned)kind + 2 * (unsigned)pos + (glued ? 1u : 0u));
}

/* Most features one token has. */
enum { NER_MAX_FEATS = 56 };

/* Fills info[0..n) for the sentence of tokens toks[0..n) of text.  n is at
 * most NER_MAX_SENT.  The gazetteer codes are NER_GZ_NONE: see
 * ner_sentence_gazetteer(). */
void ner_sentence_info(const char *text, const struct ner_token *toks, size_t n,
                       struct ner_info *info);

/* The gazetteer's answers within one call of the tagger, by a hash of the
 * text asked about; zero-initialise it.  It only saves time. */
enum { NER_GZ_MEMO = 512 };
struct ner_gz_memo {
    uint64_t key[NER_GZ_MEMO]; /* 0: empty */
    uint8_t val[NER_GZ_MEMO];
};

/* Sets info[i].place and .person from gz (which may be NULL: then they stay
 * NER_GZ_NONE) for the sentence of ner_sentence_info(); memo may be NULL. */
void ner_sentence_gazetteer(const sitrep_gazetteer *gz, struct ner_gz_memo *memo, const char *text,
                            const struct ner_token *toks, size_t n, struct ner_info *info);

/* The feature under which a model keeps what it knows of word
 * (ner_info.word): not a feature that is scored, but an entry whose first
 * weight byte holds NER_LEX_* bits, the next two the word's class + 1
 * (ner_info.cluster, little-endian; 0 for none), the others 0.  A word
 * without the entry is unknown, no given name and in no class. */
uint64_t ner_vocab_feature(uint64_t word);

enum {
    NER_LEX_KNOWN = 1,     /* seen often enough in training: not an unknown word */
    NER_LEX_FIRSTNAME = 2, /* a given name of the trainer's name list */
};

/* Makes a capitalised token unknown: its word, written form and affixes
 * become one "unknown word" marker (the written form keeps the shape), so
 * that its features and its neighbours' say only "a capitalised word the
 * model has not seen".  The runtime does it to capitalised words outside
 * the model's vocabulary; the trainer to rare ones, and at random (word
 * dropout). */
void ner_info_unknown(struct ner_info *in);

/* False when token i of a sentence of n is tagged O without asking the
 * model: a lower-case word or punctuation not next to a capitalised word, a
 * number or a name (prev is the previous token's class). */
bool ner_needs_tag(const struct ner_info *info, size_t n, size_t i, unsigned prev);

/* Writes the 64-bit hashes of token i's features, given the classes of the
 * two tokens before it (NER_START before the sentence), to out; returns
 * their number (at most NER_MAX_FEATS). */
size_t ner_features(const struct ner_info *info, size_t n, size_t i, unsigned prev1, unsigned prev2,
                    uint64_t *out);


/* ------------------------------------------------- word classes (trainer) */

/* Word classes learnt from plain text by the exchange algorithm
 * (ner-cluster.c); only the trainer builds them, the tagger reads a word's
 * class from the model's lexicon.  Zero-initialise; free with
 * ner_clusters_free(). */
/* The trainer's hash table (ner-table.c): nonzero 64-bit keys (word
 * hashes; callers store 0 as 1) to 32-bit values, open addressing, twice
 * the room of its keys.  One shape for the vocabularies, the lexicon and
 * the word classes' ids.  Exits the trainer when out of memory. */
struct ner_table {
    uint64_t *keys; /* 0 = empty; owned */
    uint32_t *vals; /* owned */
    size_t mask, used;
};

/* The slot of key: where it is, or the empty one where it would go. */
size_t ner_table_slot(const struct ner_table *t, uint64_t key);
/* key's value, inserted as 0 when new (*fresh says so); valid until the
 * next insertion. */
uint32_t *ner_table_at(struct ner_table *t, uint64_t key, bool *fresh);
void ner_table_free(struct ner_table *t);
/* calloc() for the trainer: at least one byte, and exits when out of
 * memory. */
void *ner_xcalloc(size_t n, size_t size);

struct ner_clusters {
    struct ner_table index; /* word hash (0 stored as 1) -> id */
    size_t nwords, capwords;
    uint32_t *count; /* by id: tokens; owned */
    uint32_t *caps;  /* by id: tokens capitalised, not first in a sentence; owned */
    uint32_t *extra; /* by id: tokens in the text added as extra; owned */
    uint64_t *word;  /* by id: the word's hash; owned */
    uint32_t *text;  /* the ids of the text, sentence boundaries as 0; owned */
    size_t ntext, captext;
    uint16_t *cls; /* by id: class + 1, 0 for none; owned; after ner_clusters_run() */
};

/* Adds one sentence (or any run of tokens) of text; extra: text beside
 * the labelled training text. */
void ner_clusters_add(struct ner_clusters *c, const char *text, const struct ner_token *toks,
                      size_t n, bool extra);

/* Puts the words seen min_count times or more into nclasses classes (at
 * most 65,535), at most passes passes over the words. */
void ner_clusters_run(struct ner_clusters *c, unsigned nclasses, uint32_t min_count,
                      unsigned passes);

/* The class + 1 of word, 0 for none; *capitalised: whether the text had it
 * capitalised (not first in a sentence); *extra: its tokens in the extra
 * text. */
unsigned ner_clusters_get(const struct ner_clusters *c, uint64_t word, bool *capitalised,
                          uint32_t *extra);

void ner_clusters_free(struct ner_clusters *c);

/* ------------------------------------------------------------------- model */

/* The model file (indexer/ner/README.md): a 64-byte little-endian header,
 * then nbuckets buckets of 64 bytes, each four 16-byte entries
 * {u16 fingerprint (0 = empty), int8 weight[13], u8 flags}; only the last
 * entry's flags byte is used, for the bucket.  A feature hash h lives in
 * bucket (h >> 32) * nbuckets >> 32 or, when that was full, in the first
 * later one with room (wrapping); its fingerprint is h & 0xffff, or 1 when
 * that is 0.  NER_BUCKET_OVERFLOW marks a bucket some of whose features
 * went to later buckets: a lookup that misses in a bucket without it stops
 * there.  A class's score is the sum of its weights over the token's
 * features. */
#define NER_MODEL_MAGIC "SRNERMDL"
enum {
    NER_MODEL_VERSION = 1,
    NER_MODEL_HEADER = 64,
    NER_BUCKET_BYTES = 64,
    NER_BUCKET_ENTRIES = 4,
    NER_ENTRY_BYTES = 16,
    NER_BUCKET_FLAGS = 63, /* offset of the bucket's flags byte */
    NER_BUCKET_OVERFLOW = 1,
};

struct ner_model {
    const unsigned char *buckets; /* borrowed; the model's bytes */
    uint32_t nbuckets;
    uint32_t nfeatures;
    float scale; /* weight = int8 * scale; informative only */
};

/* Checks the header of data[0..size) and fills *m, which borrows data.
 * SITREP_ERR_INVALID for a bad magic, version, class count, feature
 * version or size. */
sitrep_status ner_model_open(const void *data, size_t size, struct ner_model *m);

/* The bucket and fingerprint of a feature hash. */
static inline uint32_t ner_model_bucket(uint64_t h, uint32_t nbuckets)
{
    return (uint32_t)(((h >> 32) * (uint64_t)nbuckets) >> 32);
}

static inline uint16_t ner_model_fingerprint(uint64_t h)
{
    uint16_t fp = (uint16_t)(h & 0xffff);
    return fp ? fp : 1;
}

/* sitrep_ner_tag() with the model m instead of the built-in one (the
 * trainer evaluates the model it has just written with it). */
sitrep_status ner_tag_with(const struct ner_model *m, const sitrep_gazetteer *gz, const char *text,
                           size_t len, struct sitrep_ner_span **out, size_t *n);

/* The built-in model's bytes (ner-model.c). */
extern const unsigned char sitrep_ner_model_start[];
extern const unsigned char sitrep_ner_model_end[];

#endif
