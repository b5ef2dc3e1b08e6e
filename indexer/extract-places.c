/* extract-places.c - place mentions: gazetteer spans, then disambiguation.
 *
 * Candidates are spans of up to six tokens that start and end with a
 * capitalised word (or a word of a caseless script such as Arabic) and have
 * only capitalised words, name particles ("al", "de") and connectors ("of",
 * "and", "on") inside; the longest span the gazetteer knows wins.
 *
 * Choosing among places of one name, and whether a word is a place at all,
 * works from the countries the article itself names: every country, region
 * or unambiguous large place mentioned, and every demonym ("Ukrainian
 * forces"), counts for its country.  A candidate scores log10(population)
 * plus bonuses for its country and admin-1 region being in that context,
 * for being a country, and for carrying the name as its canonical one; an
 * admin-1 region loses to a city of the same name inside it (Kharkiv the
 * city, not the oblast).
 *
 * One capitalised word that is a common English word ("Police", "Split",
 * "Of", "Will", by the lexicon's stop list, or because the same word occurs
 * in lower case in the article) or names only a small place (under
 * SMALL_PLACE people) is taken only with support: its country is already in
 * the context, or a locative ("in", "near") comes before it.  A town's name
 * that is one word of a longer capitalised name the gazetteer does not know
 * ("Vladimir" in "Vladimir Putin", "Khan" in "Khan Touman") is dropped.
 *
 * A span no name matches exactly is looked up by its romanisation
 * (sitrep_gazetteer_lookup_loose(): "Deir Ezzor", "al-Raqqa", "Menbej"),
 * unless it reads as an ordinary word.  Such a guess gives no country
 * context and is taken only with support (loose_accepted()): a place in a
 * country of the context named by several words or with a cue in the text
 * ("in", "near", "... city", "the countryside of ..."), or, in an article
 * that names no place, the one country the key leads to and a cue.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "extract-private.h"

#define MAX_CANDIDATES 8
#define SPAN_MAX_TOKENS 6
/* Below this a one-word match needs support. */
#define SMALL_PLACE 50000
/* A one-word match by an alternate name only (a spelling of another
 * language, "Castello" for Castelló de la Plana) below this needs support. */
#define BIG_PLACE 1000000
/* Distinct admin-1 regions remembered as context. */
#define MAX_ADMIN1_CTX 64

struct candidate {
    uint32_t tok, ntok;
    const struct sitrep_place *c[MAX_CANDIDATES];
    uint8_t n;
    uint8_t match; /* enum sitrep_name_match: how the span matched */
    bool common;   /* a one-word span that is also a common word */
    bool acronym;  /* an all-capitals word of three letters or fewer */
    bool strong;   /* counts as context */
    bool embedded; /* one word of a longer capitalised name */
    bool tagged;   /* the tagger (ner.c) reads a place there */
};

struct candidates {
    struct candidate *v;
    size_t n, cap;
};

static bool push_candidate(struct candidates *cs, const struct candidate *c)
{
    if (cs->n == cs->cap) {
        size_t cap = cs->cap ? cs->cap * 2 : 32;
        struct candidate *v = realloc(cs->v, cap * sizeof *v);
        if (!v)
            return false;
        cs->v = v;
        cs->cap = cap;
    }
    cs->v[cs->n++] = *c;
    return true;
}

/* Case-sensitive ASCII comparison of token i with a lower-case word. */
static bool tok_is(const struct ex_doc *d, size_t i, const char *w)
{
    size_t n = strlen(w);
    return d->toks[i].len == n && memcmp(d->text + d->toks[i].start, w, n) == 0;
}

/* Lower-case words allowed inside a place name ("Isle of Man", "Dar es
 * Salaam", "Port-au-Prince"). */
static bool connector(const struct ex_doc *d, size_t i)
{
    static const char *const words[] = {"of", "and", "on", "upon", "sur", "am",  "im",  "les",
                                        "y",  "en",  "the", "es",  "au",  "aux", "des", NULL};
    if (!(d->toks[i].flags & TK_LOWER))
        return false;
    if (ex_lex_flags(d, i) & LX_PARTICLE)
        return true;
    for (size_t k = 0; words[k]; k++)
        if (tok_is(d, i, words[k]))
            return true;
    return false;
}

static bool capital(const struct ex_doc *d, size_t i)
{
    return (d->toks[i].flags & (TK_CAP | TK_CASELESS)) && !(d->toks[i].flags & TK_LONG);
}

/* Can a place name start at token i? */
static bool startable(const struct ex_doc *d, size_t i)
{
    if (d->toks[i].owner != EX_FREE)
        return false;
    if (capital(d, i))
        return true;
    /* "al-Bab", "as-Suwayda": a particle hyphenated to a capital. */
    return (ex_lex_flags(d, i) & LX_PARTICLE) && (d->toks[i].flags & TK_LOWER) &&
           i + 1 < d->ntoks && (d->toks[i + 1].flags & TK_HYPHEN) && capital(d, i + 1);
}

/* Words after a place that make the span part of an organisation's name:
 * "Kyiv Post", "New York Times", "Damascus University". */
static bool org_suffix(const struct ex_doc *d, size_t i)
{
    static const char *const words[] = {
        "Times",     "Post",      "News",       "Journal",    "Herald",    "Tribune",
        "Gazette",   "Telegraph", "University", "College",    "Institute", "Independent",
        "Daily",     "Radio",     "TV",         "Television", "Club",      "FC",
        "Observer",  "Monitor",   "Review",     "Express",    "Mail",      "Star",
        "Chronicle", "Insider",   "Airlines",   "Airways",    "Stock",     NULL,
    };
    if (i >= d->ntoks || !(d->toks[i].flags & TK_SPACE))
        return false;
    for (size_t k = 0; words[k]; k++)
        if (tok_is(d, i, words[k]))
            return true;
    return false;
}

/* Is the one-word span at i part of a longer name the gazetteer did not
 * know: "Vladimir" in "Vladimir Putin", "Khan" in "Khan Touman", "Numan" in
 * "al-Numan"?  Words with a lexicon role next to it ("Aleppo province",
 * "Syrian Homs") do not count. */
static bool embedded(const struct ex_doc *d, size_t i)
{
    size_t p = i;
    /* An article alone before it is no name: "in al-Raqqah". */
    if (p > 0 && ex_joined(d, p) && (ex_lex_flags(d, p - 1) & LX_PARTICLE) &&
        (d->toks[p - 1].flags & TK_LOWER))
        p--;
    if (p > 0 && ex_joined(d, p) && capital(d, p - 1) && ex_lex_flags(d, p - 1) == 0)
        return true;
    return i + 1 < d->ntoks && ex_joined(d, i + 1) && capital(d, i + 1) &&
           (ex_lex_flags(d, i + 1) == 0 || (ex_lex_flags(d, i + 1) & LX_ORG));
}

/* The canonical name equals the span, ignoring ASCII case. */
static bool canonical_match(const struct ex_doc *d, const struct candidate *c,
                            const struct sitrep_place *p)
{
    size_t start = d->toks[c->tok].start;
    size_t end = d->toks[c->tok + c->ntok - 1].start + d->toks[c->tok + c->ntok - 1].len;
    size_t n = strlen(p->name);
    if (n != end - start)
        return false;
    for (size_t k = 0; k < n; k++) {
        unsigned char a = (unsigned char)p->name[k], b = (unsigned char)d->text[start + k];
        if (a >= 'A' && a <= 'Z')
            a += 32;
        if (b >= 'A' && b <= 'Z')
            b += 32;
        if (a != b && !((a == ' ' || a == '-') && (b == ' ' || b == '-')))
            return false;
    }
    return true;
}

/* Is token i, in lower case, one of words? */
static bool lower_word_in(const struct ex_doc *d, size_t i, const char *const *words)
{
    if (i >= d->ntoks || !(d->toks[i].flags & TK_LOWER))
        return false;
    for (size_t k = 0; words[k]; k++)
        if (tok_is(d, i, words[k]))
            return true;
    return false;
}

/* Does the text around the span say that it names a place?  A locative
 * before it ("in", "near"), or a word for a kind of place right after it
 * ("Deir Ezzor city", "Menbej countryside") or before it with "of" ("the
 * countryside of Hasakah"). */
bool ex_place_cue(const struct ex_doc *d, size_t tok, size_t ntok)
{
    static const char *const kinds[] = {
        "city",        "town",          "village",      "countryside", "province",
        "governorate", "district",      "region",       "oblast",      "suburbs",
        "outskirts",   "area",          "areas",        "vicinity",    "environs",
        "camp",        "neighbourhood", "neighborhood", NULL,
    };
    size_t before = tok, after = tok + ntok;

    if (before > 0 && (ex_lex_flags(d, before - 1) & LX_LOCATIVE) &&
        (d->toks[before - 1].flags & TK_LOWER))
        return true;
    if (after < d->ntoks && (d->toks[after].flags & TK_SPACE) && lower_word_in(d, after, kinds))
        return true;
    return before > 1 && tok_is(d, before - 1, "of") && lower_word_in(d, before - 2, kinds);
}

/* Does the statistical tagger read the tokens [tok, tok + ntok) as (part
 * of) a place?  It has seen how news writes places in context, which the
 * rules above see only through a few cue words. */
static bool tagged_place(const struct ex_doc *d, size_t tok, size_t ntok)
{
    uint32_t start = d->toks[tok].start;
    uint32_t end = d->toks[tok + ntok - 1].start + d->toks[tok + ntok - 1].len;
    size_t lo = ex_ner_span_after(d, start);

    return lo < d->nner && d->ner[lo].start <= start && d->ner[lo].end >= end &&
           (d->ner[lo].type == SITREP_NER_GEO || d->ner[lo].type == SITREP_NER_GPE);
}

/* May token i widen a place's mention to the tagger's span around it?  A
 * common word of place names ("southern", "Gulf", "Bay", "Province",
 * "Republic") or a connector ("of", "the"), and no other name: the tagger's
 * span says where the name begins and ends ("southern Iraq", "Democratic
 * Republic of Congo", "Guantanamo Bay"), the gazetteer only which place it
 * is. */
static bool widens(const struct ex_doc *d, size_t i)
{
    unsigned f = ex_lex_flags(d, i);

    if (d->toks[i].owner != EX_FREE)
        return false;
    /* "State" makes "Islamic State of Iraq" an organisation; a capital
     * "The" is where a sentence began in a text that lost its full stops. */
    if (f & (LX_TITLE | LX_HONORIFIC | LX_DEMONYM | LX_SPEECH_AFTER | LX_SPEECH_BEFORE |
             LX_LOCATIVE | LX_ORG))
        return false;
    if ((d->toks[i].flags & TK_CAP) && tok_is(d, i, "The"))
        return false;
    return (f & (LX_GEO | LX_STOP)) || connector(d, i);
}

/* The mention of candidate c, [*tok, *tok + *ntok): its own span, or the
 * tagger's place span that holds it when that span's other tokens all
 * widen() it. */
static void mention_extent(const struct ex_doc *d, const struct candidate *c, uint32_t *tok,
                           uint32_t *ntok)
{
    uint32_t start = d->toks[c->tok].start, lo = c->tok, hi = c->tok + c->ntok;
    size_t a;

    *tok = c->tok;
    *ntok = c->ntok;
    if (!c->tagged)
        return;
    a = ex_ner_span_after(d, start);
    if (a == d->nner)
        return;
    while (lo > 0 && d->toks[lo - 1].start >= d->ner[a].start && widens(d, lo - 1))
        lo--;
    while (hi < d->ntoks && d->toks[hi].start + d->toks[hi].len <= d->ner[a].end &&
           widens(d, hi))
        hi++;
    /* The tagger's span exactly, or nothing: the words must be its. */
    if (d->toks[lo].start != d->ner[a].start ||
        d->toks[hi - 1].start + d->toks[hi - 1].len != d->ner[a].end)
        return;
    /* Not a name's last word alone ("the Netherlands" stays whole, but
     * "of" or "the" does not end a mention). */
    if (hi > c->tok + c->ntok && connector(d, hi - 1))
        return;
    *tok = lo;
    *ntok = hi - lo;
}

/* Does the name that ends before token i end inside a compound adjective
 * ("U.S.-led", "Aleppo-based"): a hyphen, after the full stop of initials,
 * and a lower-case word that is not a particle ("Deir ez-Zor")? */
static bool compound_adjective(const struct ex_doc *d, size_t i)
{
    size_t p;

    if (i == 0 || i >= d->ntoks || !(d->toks[i].flags & TK_LOWER) ||
        (ex_lex_flags(d, i) & LX_PARTICLE))
        return false;
    p = d->toks[i - 1].start + d->toks[i - 1].len;
    if (p < d->len && d->text[p] == '.')
        p++;
    return p + 1 == d->toks[i].start && d->text[p] == '-';
}

/* Is token i an all-capitals word of two letters among words
 * that are not all capitals: an acronym ("US", "UK"), whatever ordinary
 * word it spells? */
static bool country_acronym(const struct ex_doc *d, size_t i)
{
    const struct ex_token *t = &d->toks[i];

    if (!(t->flags & TK_ALLCAPS) || t->len != 2)
        return false;
    if (i > 0 && ex_joined(d, i) && (d->toks[i - 1].flags & TK_ALLCAPS))
        return false;
    return !(i + 1 < d->ntoks && ex_joined(d, i + 1) && (d->toks[i + 1].flags & TK_ALLCAPS));
}

/* Is the span [i, i + w) one word, or an article and one word? */
static bool one_word(const struct ex_doc *d, size_t i, size_t w)
{
    return w == 1 || (w == 2 && (ex_lex_flags(d, i) & LX_PARTICLE));
}

/* May the span [i, i + w) be looked up by its romanisation (loose or
 * skeleton key) after the exact lookup failed?  Only a span that reads as a
 * proper name: no word of it in lower case elsewhere in the text or in the
 * stop list, no all-capitals word ("DAESH"), and not one word opening a
 * sentence, where any capitalised word stands.  One word needs a cue for
 * loose_accepted() anyway: without one, the lookup is skipped. */
static bool loose_lookup_allowed(const struct ex_doc *d, size_t i, size_t w,
                                 const struct candidate *c)
{
    if (c->common || c->acronym)
        return false;
    if (w == 1 && (d->toks[i].flags & TK_SENT))
        return false;
    if (one_word(d, i, w) && !ex_place_cue(d, i, w))
        return false;
    for (size_t k = i; k < i + w; k++) {
        if (d->toks[k].flags & TK_ALLCAPS)
            return false;
        if ((d->toks[k].flags & TK_CAP) && (ex_lex_flags(d, k) & LX_STOP))
            return false;
    }
    return true;
}

/* Finds candidate spans.  One-word spans that cannot be places are
 * filtered before the lookup; the lookup costs more than the checks.  A
 * span no name matches exactly is tried by its romanisation ("Deir Ezzor"
 * for Deir ez-Zor) before shorter spans: the longer name is the likelier. */
static bool find_candidates(struct ex_doc *d, struct candidates *cs)
{
    size_t maxw = sitrep_gazetteer_max_name_words(d->gz);
    bool ok = false;

    if (maxw > SPAN_MAX_TOKENS)
        maxw = SPAN_MAX_TOKENS;
    for (size_t i = 0; i < d->ntoks; i++) {
        size_t extent = 1;
        if (!startable(d, i))
            continue;
        while (extent < maxw && i + extent < d->ntoks && ex_joined(d, i + extent) &&
               d->toks[i + extent].owner == EX_FREE &&
               (capital(d, i + extent) || connector(d, i + extent)))
            extent++;
        for (size_t w = extent; w >= 1; w--) {
            const struct ex_token *last = &d->toks[i + w - 1];
            struct candidate c = {0};
            size_t start = d->toks[i].start, end = last->start + last->len;
            unsigned lx = ex_lex_flags(d, i);
            size_t n;

            /* "U.S.", "U.K.": initials are looked up with their last dot. */
            if (w > 1 && last->len == 1 && (last->flags & TK_DOT) && end < d->len &&
                d->text[end] == '.')
                end++;

            if (!capital(d, i + w - 1))
                continue;
            if (w == 1) {
                /* "the US" is the country, "US" in "HELP US" the word. */
                if (country_acronym(d, i))
                    lx &= ~(unsigned)LX_STOP;
                if (lx & (LX_STOP | LX_DEMONYM | LX_TITLE | LX_HONORIFIC | LX_PARTICLE |
                          LX_SPEECH_AFTER | LX_SPEECH_BEFORE | LX_ORG | LX_GEO))
                    break;
                if (last->len < 2 || (last->flags & TK_DIGIT))
                    break;
                c.common = ex_seen_lower(d, i);
                /* A capital at a sentence start says nothing. */
                if (c.common && (last->flags & TK_SENT))
                    break;
                c.acronym = (last->flags & TK_ALLCAPS) && last->len <= 3;
                c.embedded = embedded(d, i);
            } else {
                /* "Old City", "White House": made of common words only.
                 * An article and words of place names only ("al-Bab") are
                 * a name, not common words. */
                bool name_words = true;
                c.common = true;
                for (size_t k = i; k < i + w && c.common; k++) {
                    unsigned f = ex_lex_flags(d, k);
                    c.common = f != 0 || connector(d, k);
                    name_words = name_words && f != 0 && !(f & ~(unsigned)(LX_PARTICLE | LX_GEO));
                }
                c.common = c.common && !name_words;
            }
            if (loose_lookup_allowed(d, i, w, &c)) {
                enum sitrep_name_match how;
                n = sitrep_gazetteer_lookup_loose(d->gz, d->text + start, end - start, c.c,
                                                  MAX_CANDIDATES, &how);
                c.match = (uint8_t)how;
            } else {
                n = sitrep_gazetteer_lookup_name(d->gz, d->text + start, end - start, c.c,
                                                 MAX_CANDIDATES);
                c.match = SITREP_MATCH_EXACT;
            }
            if (c.match != SITREP_MATCH_EXACT) {
                /* A key many places share says nothing; and a country's
                 * name is too well known to be misspelt: what matches one
                 * loosely is a word made from it ("Nepalese"). */
                uint8_t keep = 0;
                for (uint8_t k = 0; k < n && k < MAX_CANDIDATES; k++)
                    if (c.c[k]->kind != SITREP_PLACE_COUNTRY)
                        c.c[keep++] = c.c[k];
                n = n > MAX_CANDIDATES ? 0 : keep;
            }
            if (n == 0)
                continue;
            if (org_suffix(d, i + w)) {
                i += w - 1;
                break;
            }
            c.tok = (uint32_t)i;
            c.ntok = (uint32_t)w;
            c.n = (uint8_t)(n < MAX_CANDIDATES ? n : MAX_CANDIDATES);
            c.tagged = tagged_place(d, i, w);
            if (c.acronym) {
                /* "UK", "UAE": countries only; "AP", "IS" are not towns. */
                uint8_t keep = 0;
                for (uint8_t k = 0; k < c.n; k++)
                    if (c.c[k]->kind == SITREP_PLACE_COUNTRY)
                        c.c[keep++] = c.c[k];
                c.n = keep;
                if (keep == 0)
                    break;
            }
            if (!push_candidate(cs, &c))
                goto out;
            /* A romanisation match may be refused later: then the words
             * inside it get their chance ("Dimashq" in "Reef Dimashq"). */
            if (c.match == SITREP_MATCH_EXACT)
                i += w - 1;
            break;
        }
    }
    ok = true;
out:
    return ok;
}

/* All candidates in one country: that country, else NULL. */
static const char *single_country(const struct candidate *c)
{
    for (uint8_t k = 1; k < c->n; k++)
        if (strcmp(c->c[k]->country, c->c[0]->country) != 0)
            return NULL;
    return c->c[0]->country;
}

/* The share of the country context that is this country's, 0..1. */
static double context_share(struct ex_doc *d, const char *iso2, unsigned total)
{
    const uint16_t *slot = ex_country_slot(d, iso2);
    return slot && total > 0 ? (double)*slot / total : 0.0;
}

/* Is a place found by its romanisation only (a loose or skeleton key) to be
 * taken?  Such a match is a guess: ordinary words ("Aerial" and Eral),
 * names of persons and of organisations ("Al-Ahram") match places that way
 * too.  So the place must fit the article: in a country the article names,
 * or, when it names no place (demonyms aside: "Russian warplanes raid
 * Menbej"), the only country the loose key leads to, and then only a
 * specific span (several words, "Deir Ezzor", "al-Raqqa", or the
 * name of a large town).  And the text must say that a place is meant
 * (ex_place_cue()), unless several words (not an article and a word) name it
 * in an article about its country. */
static bool loose_accepted(struct ex_doc *d, const struct candidate *c,
                           const struct sitrep_place *best, unsigned named)
{
    const uint16_t *slot = ex_country_slot(d, best->country);
    bool in_context = slot && *slot > 0, cue = c->tagged || ex_place_cue(d, c->tok, c->ntok);
    /* An article and one word are one word here: "Al Jazeera" is no place. */
    bool words = !one_word(d, c->tok, c->ntok);

    if (in_context)
        return cue || (words && c->match == SITREP_MATCH_LOOSE);
    /* The skeleton, the vaguer key, only ever within the context. */
    if (named > 0 || !cue || !single_country(c) || c->match != SITREP_MATCH_LOOSE)
        return false;
    return c->ntok > 1 || (c->n == 1 && best->population >= SMALL_PLACE);
}

static double score(struct ex_doc *d, const struct candidate *c, uint8_t k,
                    const char *const *admin1s, size_t nadmin1, unsigned total)
{
    const struct sitrep_place *p = c->c[k];
    const uint16_t *slot = ex_country_slot(d, p->country);
    /* GeoNames' cities1000 lists places of 1,000 people or more: a town
     * without a figure (two in three in Syria: Ras al-Ayn) has at least
     * that many, not none. */
    long people = p->population > 0 || p->kind != SITREP_PLACE_CITY ? p->population : 1000;
    double s = log10((double)(people > 0 ? people : 0) + 10.0);

    /* Named at all: a little; the article's main country: a lot (Geneva in
     * a Syria story that mentions the US a few times is still not Geneva,
     * Illinois).  No bonus for the canonical name: GeoNames' canonical names
     * are local forms ("Genève", "Ḩamāh"), so it would favour the obscure. */
    if (slot && *slot > 0)
        s += 0.3 + 2.0 * context_share(d, p->country, total);
    /* A country, or a region the curated supplement names ("Pacific" the
     * ocean, not Pacific, Missouri), before towns of the same name. */
    if (p->kind == SITREP_PLACE_COUNTRY)
        s += 2.0;
    else if (p->kind == SITREP_PLACE_REGION)
        s += 3.5;
    else if (p->kind == SITREP_PLACE_CITY)
        s += 0.3;
    if (p->admin1_id[0])
        for (size_t a = 0; a < nadmin1; a++)
            if (strcmp(admin1s[a], p->admin1_id) == 0) {
                s += 1.0;
                break;
            }
    if (p->kind == SITREP_PLACE_ADMIN1)
        for (uint8_t j = 0; j < c->n; j++)
            if (c->c[j]->kind == SITREP_PLACE_CITY && strcmp(c->c[j]->admin1_id, p->id) == 0) {
                s -= 3.0;
                break;
            }
    return s;
}

bool ex_places(struct ex_doc *d)
{
    struct candidates cs = {0};
    const char *admin1s[MAX_ADMIN1_CTX];
    size_t nadmin1 = 0;
    unsigned total = 0, demonyms = 0;
    bool ok = false;

    if (!d->gz) {
        ok = true;
        goto out;
    }
    for (size_t i = 0; i < d->ntoks; i++)
        if ((ex_lex_flags(d, i) & LX_DEMONYM) && (d->toks[i].flags & TK_CAP)) {
            uint16_t *slot = ex_country_slot(d, ex_lexicon[d->toks[i].lex].iso2);
            if (slot && *slot < UINT16_MAX) {
                (*slot)++;
                demonyms++;
            }
        }
    if (!find_candidates(d, &cs))
        goto out;

    /* Context from the mentions that need none.  A match by romanisation
     * is a guess: it takes context, never gives it; nor do the words inside
     * it, which stand only if it falls ("Hassan" in "Al-Hassan"). */
    for (size_t m = 0, guess_end = 0; m < cs.n; m++) {
        struct candidate *c = &cs.v[m];
        const struct sitrep_place *top = c->c[0];
        const char *country;
        bool inside_guess = c->tok < guess_end;
        if (c->match != SITREP_MATCH_EXACT && c->tok + c->ntok > guess_end)
            guess_end = c->tok + c->ntok;
        c->strong = !c->common && c->match == SITREP_MATCH_EXACT && !inside_guess &&
                    (top->kind != SITREP_PLACE_CITY || c->ntok > 1 ||
                     (!c->embedded && top->population >= SMALL_PLACE));
        if (!c->strong)
            continue;
        country = top->kind == SITREP_PLACE_COUNTRY ? top->country : single_country(c);
        if (country) {
            uint16_t *slot = ex_country_slot(d, country);
            if (slot && *slot < UINT16_MAX)
                (*slot)++;
        }
        if (c->n == 1 && nadmin1 < MAX_ADMIN1_CTX) {
            const char *a1 = top->kind == SITREP_PLACE_ADMIN1 ? top->id : top->admin1_id;
            if (a1[0])
                admin1s[nadmin1++] = a1;
        }
    }

    for (size_t k = 0; k < 26 * 26; k++)
        total += d->country_ctx[k];
    for (size_t m = 0; m < cs.n; m++) {
        struct candidate *c = &cs.v[m];
        const struct sitrep_place *best = NULL;
        double best_score = -1e9;
        bool needs_support, town;
        double share;
        uint32_t tok, ntok;

        for (uint8_t k = 0; k < c->n; k++) {
            double s = score(d, c, k, admin1s, nadmin1, total);
            if (s > best_score)
                best_score = s, best = c->c[k];
        }
        if (!best)
            continue;
        /* Inside a romanisation match taken before. */
        if (d->toks[c->tok].owner != EX_FREE || d->toks[c->tok + c->ntok - 1].owner != EX_FREE)
            continue;
        if (c->match != SITREP_MATCH_EXACT &&
            !loose_accepted(d, c, best, total > demonyms ? total - demonyms : 0))
            continue;
        town = best->kind == SITREP_PLACE_CITY || best->kind == SITREP_PLACE_REGION;
        /* A town's name inside an unknown longer name is that name's word. */
        if (c->embedded && town)
            continue;
        /* "White House" the town needs support, "Middle East" the region
         * none. */
        needs_support = (c->common && best->kind == SITREP_PLACE_CITY) ||
                        (c->ntok == 1 &&
                         (c->common || c->embedded || (town && best->population < SMALL_PLACE)));
        share = context_share(d, best->country, total);
        /* "Castello" (Castelló de la Plana, by an alternate name) in a story
         * about Syria: a foreign spelling of a mid-sized town in a country
         * the article never names. */
        if (c->ntok == 1 && town && best->population < BIG_PLACE && share == 0.0 && total >= 3 &&
            !canonical_match(d, c, best))
            continue;
        /* "Never", "Early" opening a sentence: a small town there needs the
         * article to be about its country. */
        if (c->ntok == 1 && town && best->population < SMALL_PLACE &&
            (d->toks[c->tok].flags & TK_SENT) && share < 0.4 && !c->tagged)
            continue;
        if (needs_support && !c->tagged) {
            const uint16_t *slot = ex_country_slot(d, best->country);
            bool in_context = slot && *slot > 0;
            bool locative = c->tok > 0 && (ex_lex_flags(d, c->tok - 1) & LX_LOCATIVE) &&
                            (d->toks[c->tok - 1].flags & TK_LOWER) && !c->common;
            if (!in_context && !locative)
                continue;
        }
        mention_extent(d, c, &tok, &ntok);
        /* "U.S.-led forces", "an Aleppo-based activist": a name inside a
         * compound adjective, which, like a demonym, is context and not a
         * mention of the place. */
        if (compound_adjective(d, tok + ntok)) {
            for (uint32_t t = tok; t < tok + ntok; t++)
                d->toks[t].owner = EX_PLACE;
            continue;
        }
        if (!ex_add_place(d, tok, ntok, best))
            goto out;
        for (uint32_t t = tok; t < tok + ntok; t++)
            d->toks[t].owner = EX_PLACE;
    }
    ok = true;
out:
    free(cs.v);
    return ok;
}
