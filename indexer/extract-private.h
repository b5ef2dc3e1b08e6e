/* extract-private.h - what the three parts of the extractor share: the token
 * array of one text, the lexicon of words with a role, and the places and
 * persons found so far.  Not installed, not part of the library API.
 *
 * extract.c tokenises and writes the JSON; extract-places.c finds and
 * resolves places; extract-persons.c finds persons and joins their mentions.
 * Everything here belongs to one sitrep_extract() call: no sharing between
 * threads, no state between calls.
 */
#ifndef SITREP_EXTRACT_PRIVATE_H
#define SITREP_EXTRACT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gazetteer.h"
#include "ner.h"

/* Token flags. */
enum {
    TK_CAP = 1 << 0,      /* starts with an upper-case letter */
    TK_ALLCAPS = 1 << 1,  /* two or more letters, all upper case */
    TK_CASELESS = 1 << 2, /* a word of a script without case (Arabic, ...) */
    TK_DIGIT = 1 << 3,    /* starts with a digit */
    TK_LOWER = 1 << 4,    /* starts with a lower-case letter */
    TK_SENT = 1 << 5,     /* first word of a sentence or line */
    TK_SPACE = 1 << 6,    /* joined to the previous token by white space only */
    TK_HYPHEN = 1 << 7,   /* joined to the previous token by a hyphen */
    TK_DOT = 1 << 8,      /* an abbreviation or initial followed by '.' */
    TK_COMMA = 1 << 9,    /* a comma follows (after optional space) */
    TK_POSS = 1 << 10,    /* a possessive "'s" followed and was cut off */
    TK_LONG = 1 << 11,    /* too long to be a name; never matched */
};

/* Lexicon flags: the roles a word (case-insensitive) can play. */
enum {
    LX_STOP = 1 << 0,          /* common word: not a one-word place or name */
    LX_ORG = 1 << 1,           /* a word of organisation names */
    LX_TITLE = 1 << 2,         /* a title or role before a name */
    LX_HONORIFIC = 1 << 3,     /* Mr., Mrs., Dr.: a surname alone may follow */
    LX_SPEECH_AFTER = 1 << 4,  /* "X said" */
    LX_SPEECH_BEFORE = 1 << 5, /* "said X", "according to X" */
    LX_PARTICLE = 1 << 6,      /* al-, bin, von, de: inside names */
    LX_LOCATIVE = 1 << 7,      /* "in", "near": a place may follow */
    LX_DEMONYM = 1 << 8,       /* "Ukrainian": country context, not a place */
    LX_GEO = 1 << 9,           /* a generic word of place names: "Deir", "River" */
};

struct ex_lexeme {
    const char *word; /* lower case */
    unsigned flags;
    const char *iso2; /* for demonyms, else "" */
};

struct ex_token {
    uint32_t start;
    uint16_t len; /* bytes; TK_LONG when the word was longer */
    uint16_t flags;
    int16_t lex;   /* index into ex_lexicon, or -1 */
    uint8_t owner; /* EX_FREE, EX_PERSON, EX_PLACE */
};

enum { EX_FREE = 0, EX_PERSON = 1, EX_PLACE = 2, EX_ORG = 3 };

/* A place mention: tokens [tok, tok + ntok), its chosen place. */
struct ex_place_mention {
    uint32_t tok, ntok;
    const struct sitrep_place *place; /* NULL once dropped */
};

/* A person mention: tokens [tok, tok + ntok) of its name (no title); the
 * span reported to users may start earlier, at a title that belongs to the
 * mention ("President Hosni Mubarak", as the GMB corpus marks persons). */
struct ex_person_mention {
    uint32_t tok, ntok;
    uint32_t person; /* index into the persons after clustering */
    bool full;       /* found as a name, not as a later surname alone */
    uint32_t shown;  /* byte offset where the reported span starts */
};

/* A person after clustering: its fullest mention names it. */
struct ex_person {
    uint32_t tok, ntok; /* the canonical (fullest) name's tokens */
};

struct ex_doc {
    const sitrep_gazetteer *gz;
    const char *text;
    size_t len;
    struct ex_token *toks;
    size_t ntoks, captoks;
    /* Hashes of words seen in lower case: "split" makes "Split" suspect. */
    uint64_t *lower_set;
    size_t lower_cap; /* a power of two; 0 when the set is absent */
    size_t lower_n;   /* entries; kept at most half of lower_cap */
    /* Country context: mentions per ISO code "AA".."ZZ". */
    uint16_t country_ctx[26 * 26];
    struct ex_place_mention *places;
    size_t nplaces, capplaces;
    struct ex_person_mention *pmentions;
    size_t npmentions, cappmentions;
    struct ex_person *persons; /* after clustering */
    size_t npersons;
    /* The statistical tagger's entity spans, in text order. */
    struct sitrep_ner_span *ner;
    size_t nner;
};

extern const struct ex_lexeme ex_lexicon[];

/* Lexicon flags of token i (0 for words not in the lexicon). */
unsigned ex_lex_flags(const struct ex_doc *d, size_t i);

/* The index of the tagger's first span that ends after byte start (d->nner
 * when none does): the span holding start, if any holds it. */
size_t ex_ner_span_after(const struct ex_doc *d, uint32_t start);

/* True when token i's word also occurs in lower case in the text. */
bool ex_seen_lower(const struct ex_doc *d, size_t i);

/* Country context counter for an ISO code, or NULL for a malformed one. */
uint16_t *ex_country_slot(struct ex_doc *d, const char *iso2);

/* True when token i continues token i - 1 (space or hyphen between). */
static inline bool ex_joined(const struct ex_doc *d, size_t i)
{
    return i > 0 && i < d->ntoks && (d->toks[i].flags & (TK_SPACE | TK_HYPHEN));
}

/* Does the text around tokens [tok, tok + ntok) say that they name a
 * place: "in X", "X city", "the countryside of X"?  (extract-places.c) */
bool ex_place_cue(const struct ex_doc *d, size_t tok, size_t ntok);

/* Appends; false when out of memory. */
bool ex_add_place(struct ex_doc *d, uint32_t tok, uint32_t ntok, const struct sitrep_place *p);
bool ex_add_person_mention(struct ex_doc *d, uint32_t tok, uint32_t ntok, bool full);

/* The passes, in the order sitrep_extract() runs them; each returns false
 * only when out of memory. */
bool ex_persons_known(struct ex_doc *d);   /* names and aliases of the supplement */
bool ex_persons_titled(struct ex_doc *d);  /* after titles and honorifics */
bool ex_persons_tagged(struct ex_doc *d);  /* the tagger's persons; marks its organisations */
bool ex_persons_speech(struct ex_doc *d);  /* "X said", "according to X" */
bool ex_places(struct ex_doc *d);          /* gazetteer spans, resolved */
bool ex_persons_bare(struct ex_doc *d);    /* names without a cue */
bool ex_persons_cluster(struct ex_doc *d); /* coreference, surnames */

#endif
