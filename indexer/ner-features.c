/* ner-features.c - the features of a token, shared by the trainer and the
 * runtime so that both see exactly the same ones.
 *
 * A feature is a 64-bit hash: a template number mixed with one or two
 * 64-bit values (FNV-1a hashes of strings, or small numbers such as a
 * class), ner_mix(ner_mix(template, a), b).  The hash is fixed (FNV-1a, then
 * the splitmix64 finaliser) because the model stores features by it.  The
 * templates are the usual ones for greedy perceptron taggers: the word
 * (lower-cased and as written), its shape and affixes, the words and shapes
 * around it, the two classes just chosen, and sentence cues (first word,
 * headline in capitals, a capitalised word the sentence also has in lower
 * case).
 *
 * Then what the gazetteer knows: whether the token is, begins or continues
 * a place name (and of what kind) or a person's name, with the shape, the
 * sentence cues, the previous class and the words around, all with weights
 * apart for known and unknown words.  GMB (2000s VOA news) names few of the
 * places conflict news does, so a tagger that learnt only words reads
 * "Kharkov" or "Idlib" as a person: the gazetteer is what it can lean on
 * for words it has not seen; and so are a list of given names and word
 * classes learnt from unlabelled text (ner-cluster.c), which the model's
 * lexicon holds for words it never saw labelled.  For it to learn that,
 * the training must show it unseen words: capitalised words the model does
 * not know (in training the rare ones, and at random some others: word
 * dropout) have their lexical features replaced by one "unknown word"
 * marker, in training and at run time alike (ner_info_unknown()).
 */
#include <stdlib.h>
#include <string.h>

#include "ner-private.h"
#include "text.h"

static uint64_t mix(uint64_t a, uint64_t b)
{
    uint64_t h = a ^ (b + 0x9e3779b97f4a7c15u + (a << 6) + (a >> 2));
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9u;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebu;
    h ^= h >> 31;
    return h;
}

/* Words longer than this are hashed by their first WORD_MAX bytes and their
 * length: none is a name. */
enum { WORD_MAX = 64, SHAPE_MAX = 16 };

/* Fills the hashes of one token. */
static void token_info(const char *text, const struct ner_token *t, struct ner_info *in)
{
    char low[WORD_MAX + 4], ex[WORD_MAX + 4], shape[SHAPE_MAX], sshape[SHAPE_MAX];
    size_t nl = 0, nx = 0, ns = 0, nss = 0, run = 0, chars = 0;
    size_t i = t->start;

    while (i < t->end && nl < WORD_MAX && nx < WORD_MAX) {
        uint32_t c = (unsigned char)text[i];
        size_t n = 1;
        char sc;
        if (c < 0x80) {
            /* The common case, without the decoding: the same bytes as
             * below. */
            sc = c >= 'A' && c <= 'Z'   ? 'X'
                 : c >= 'a' && c <= 'z' ? 'x'
                 : c >= '0' && c <= '9' ? 'd'
                                        : (char)c;
            low[nl++] = (char)(sc == 'X' ? c + 32 : c);
            ex[nx++] = (char)c;
        } else {
            uint32_t f, e;
            n = sitrep_utf8_decode(text + i, t->end - i, &c);
            if (n == 0) {
                c = 0xfffd; /* cannot happen for the tokeniser's tokens */
                n = 1;
            }
            sc = ner_shape_char(c);
            f = ner_fold_char(c);
            e = c == 0x2019 || c == 0x2018 || c == 0x2bc ? '\'' : c;
            nl += sitrep_utf8_encode(f, low + nl);
            nx += sitrep_utf8_encode(e, ex + nx);
        }
        if (sc) {
            if (ns > 0 && shape[ns - 1] == sc)
                run++;
            else
                run = 1;
            if (run <= 4 && ns < SHAPE_MAX)
                shape[ns++] = sc;
            if ((nss == 0 || sshape[nss - 1] != sc) && nss < SHAPE_MAX)
                sshape[nss++] = sc;
        }
        chars++;
        i += n;
    }
    in->word = sitrep_fnv1a(SITREP_FNV_SEED, low, nl);
    in->exact = sitrep_fnv1a(SITREP_FNV_SEED, ex, nx);
    if (i < t->end) {
        in->word = mix(in->word, t->end - t->start);
        in->exact = mix(in->exact, t->end - t->start);
        chars += t->end - i;
    }
    in->shape = sitrep_fnv1a(SITREP_FNV_SEED, shape, ns);
    in->sshape = sitrep_fnv1a(SITREP_FNV_SEED, sshape, nss);
    for (size_t k = 0; k < 3; k++)
        in->pre[k] = k < nl ? sitrep_fnv1a(SITREP_FNV_SEED, low, k + 1) : 0;
    for (size_t k = 0; k < 4; k++)
        in->suf[k] = k < nl ? sitrep_fnv1a(SITREP_FNV_SEED, low + nl - (k + 1), k + 1) : 0;
    in->flags = t->flags & ~(uint32_t)(NER_TF_SENTCAPS | NER_TF_SEENLOW | NER_TF_UNKNOWN);
    in->len = (uint32_t)chars;
    in->place = NER_GZ_NONE;
    in->person = NER_GZ_NONE;
    in->cluster = 0;
}

void ner_sentence_info(const char *text, const struct ner_token *toks, size_t n,
                       struct ner_info *info)
{
    size_t cased = 0, caps = 0;

    for (size_t i = 0; i < n; i++) {
        token_info(text, &toks[i], &info[i]);
        if (info[i].flags & (NER_TF_CAP | NER_TF_LOWER)) {
            cased++;
            if (info[i].flags & (NER_TF_ALLCAPS))
                caps++;
            else if ((info[i].flags & NER_TF_CAP) && info[i].len == 1)
                caps++; /* "A" in a headline */
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (cased >= 2 && caps == cased)
            info[i].flags |= NER_TF_SENTCAPS;
        if (!(info[i].flags & NER_TF_CAP))
            continue;
        for (size_t j = 0; j < n; j++)
            if (j != i && (info[j].flags & NER_TF_LOWER) && info[j].word == info[i].word) {
                info[i].flags |= NER_TF_SEENLOW;
                break;
            }
    }
}

/* -------------------------------------------------------------- gazetteer */

/* Lower-case words found inside names: English, Romance, Germanic and
 * Dutch particles and the romanised Arabic article, sorted for bsearch(). */
static const char *const particles[] = {
    "ad",  "al", "an",  "and",   "ar",  "as",  "ash", "at",   "az",  "bin", "bint", "d",
    "da",  "de", "del", "della", "den", "der", "des", "di",   "do",  "dos", "du",   "e",
    "ed",  "el", "en",  "er",    "es",  "et",  "ez",  "ibn",  "la",  "las", "le",   "les",
    "los", "of", "on",  "sur",   "the", "ud",  "ul",  "upon", "van", "von", "y",    "zu",
};

static int cmp_word(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

/* Capitalised words that start no name worth a lookup: function words,
 * which begin sentences, and the days and months, sorted for bsearch().
 * (Without them a seventh of the lookups in news text go, "The Syrian
 * Observatory..." among them.)  A few names are lost ("The Hague"). */
static const char *const not_names[] = {
    "A",        "About",   "After",     "Against",   "All",       "Also",     "Although",
    "An",       "And",     "Any",       "April",     "Are",       "As",       "At",
    "August",   "Because", "Before",    "But",       "By",        "December", "Despite",
    "During",   "Each",    "Either",    "February",  "For",       "Friday",   "From",
    "He",       "Her",     "Here",      "His",       "How",       "However",  "I",
    "If",       "In",      "Into",      "It",        "Its",       "January",  "July",
    "June",     "Many",    "March",     "May",       "Meanwhile", "Monday",   "More",
    "Most",     "My",      "Neither",   "No",        "Nor",       "Not",      "November",
    "Now",      "October", "Of",        "On",        "Once",      "One",      "Only",
    "Or",       "Our",     "Saturday",  "September", "She",       "Since",    "So",
    "Some",     "Such",    "Sunday",    "Than",      "That",      "The",      "Their",
    "Then",     "There",   "These",     "They",      "This",      "Those",    "Though",
    "Thursday", "Thus",    "To",        "Tuesday",   "Under",     "Unlike",   "Until",
    "Upon",     "We",      "Wednesday", "What",      "When",      "Where",    "Whether",
    "Which",    "While",   "Who",       "Why",       "With",      "Within",   "Without",
    "Yet",      "You"};

static bool starts_no_name(const char *text, const struct ner_token *tok)
{
    char w[16];
    size_t len = tok->end - tok->start;

    if (len >= sizeof w)
        return false;
    memcpy(w, text + tok->start, len);
    w[len] = '\0';
    return bsearch(w, not_names, sizeof not_names / sizeof not_names[0], sizeof not_names[0],
                   cmp_word) != NULL;
}

/* Whether token t may be inside a name after its first token: a word with
 * a capital ("Khan Younis", "Deir ez-Zor", "Bashar al-Assad"), or a
 * particle ("Sea of Azov", "Ursula von der Leyen").  Punctuation, numbers
 * and other words end every name. */
static bool joins_name(const char *text, const struct ner_token *tok, const struct ner_info *t)
{
    char w[8];
    size_t len = tok->end - tok->start;

    if (t->flags & (NER_TF_PUNCT | NER_TF_HASDIGIT))
        return false;
    if (t->flags & (NER_TF_CAP | NER_TF_HASUP))
        return true;
    if (!(t->flags & NER_TF_LOWER) || len >= sizeof w)
        return false;
    memcpy(w, text + tok->start, len);
    w[len] = '\0';
    return bsearch(w, particles, sizeof particles / sizeof particles[0], sizeof particles[0],
                   cmp_word) != NULL;
}

/* Whether a name may end at token t: not on a particle. */
static bool ends_name(const struct ner_info *t)
{
    return (t->flags & (NER_TF_CAP | NER_TF_HASUP)) != 0;
}

static unsigned place_kind(const struct sitrep_place *p)
{
    switch (p->kind) {
    case SITREP_PLACE_COUNTRY:
        return NER_GZ_COUNTRY;
    case SITREP_PLACE_ADMIN1:
        return NER_GZ_ADMIN1;
    case SITREP_PLACE_REGION:
        return NER_GZ_REGION;
    default:
        return p->population >= 100000  ? NER_GZ_CITY_BIG
               : p->population >= 10000 ? NER_GZ_CITY_TOWN
                                        : NER_GZ_CITY_SMALL;
    }
}

/* What the gazetteer says of text s[0..len): for ASK_PLACE the kind of
 * the best place of that name plus 1, or 0; for ASK_PERSON and ASK_START 1
 * or 0.  The answers of one call of the tagger are remembered in memo (if
 * not NULL): names recur in an article, and a lookup costs a few hundred
 * nanoseconds. */
enum { ASK_PLACE, ASK_PERSON, ASK_START };

static unsigned ask(const sitrep_gazetteer *gz, struct ner_gz_memo *memo, unsigned what,
                    const char *s, size_t len)
{
    uint64_t key = 0;
    size_t slot = 0;
    unsigned v;

    if (memo) {
        key = mix(sitrep_fnv1a(SITREP_FNV_SEED, s, len), what) | 1;
        slot = (size_t)(key >> 40) % NER_GZ_MEMO;
        if (memo->key[slot] == key)
            return memo->val[slot];
    }
    if (what == ASK_PLACE) {
        const struct sitrep_place *best;
        v = sitrep_gazetteer_lookup_name(gz, s, len, &best, 1) > 0 ? place_kind(best) + 1 : 0;
    } else if (what == ASK_PERSON) {
        v = sitrep_gazetteer_person(gz, s, len) != NULL;
    } else {
        v = sitrep_gazetteer_person_may_start(gz, s, len);
    }
    if (memo) {
        memo->key[slot] = key;
        memo->val[slot] = (uint8_t)v;
    }
    return v;
}

/* The longest place (persons: person) name that starts at capitalised
 * token i: returns its last token, or i - 1 (SIZE_MAX for i = 0) when
 * none; *kind gets the place's kind.  Names have at most maxw tokens, and
 * places at most three unless a particle joins them ("Democratic Republic
 * of the Congo"): longer runs of capitalised words ("Syrian Observatory for
 * Human Rights", headlines in title case) match almost nothing, and a
 * lookup of a long span costs up to a microsecond.  "Zaporizhzhia Nuclear
 * Power Plant" is lost (its first word is still a city). */
static size_t longest_name(const sitrep_gazetteer *gz, struct ner_gz_memo *memo, bool person,
                           const char *text, const struct ner_token *toks,
                           const struct ner_info *info, size_t n, size_t i, size_t maxw,
                           unsigned *kind)
{
    size_t last = i - 1;
    bool joined = false;

    for (size_t j = i; j < n && j - i < maxw; j++) {
        const char *s = text + toks[i].start;
        size_t len = toks[j].end - toks[i].start;
        unsigned v;
        if (j > i && !joins_name(text, &toks[j], &info[j]))
            break;
        if (!ends_name(&info[j])) {
            joined = true;
            continue;
        }
        if (!person && j - i >= (joined ? 6 : 3))
            break;
        v = ask(gz, memo, person ? ASK_PERSON : ASK_PLACE, s, len);
        if (v) {
            last = j;
            *kind = v - 1;
        }
    }
    return last;
}

/* Whether the name info[i..last] has a capitalised word right before or
 * after it ("New York Times", "President Bush", "Hamid Karzai"): then it is
 * more often part of a longer name than a name of its own. */
static bool glued(const struct ner_info *info, size_t n, size_t i, size_t last)
{
    if (info[i].flags & NER_TF_SENTCAPS)
        return false;
    /* (Not counting the first word of the sentence.) */
    return (i > 1 && (info[i - 1].flags & NER_TF_CAP)) ||
           (last + 1 < n && (info[last + 1].flags & NER_TF_CAP));
}

/* The code of token j of the name info[i..last] of the given kind. */
static uint8_t name_code(const struct ner_info *info, size_t n, size_t i, size_t last, size_t j,
                         unsigned kind)
{
    enum ner_gz_pos pos = j > i ? NER_GZ_NEXT : last > i ? NER_GZ_FIRST : NER_GZ_ALONE;
    return ner_gz_code((enum ner_gz_kind)kind, pos, glued(info, n, i, last));
}

void ner_sentence_gazetteer(const sitrep_gazetteer *gz, struct ner_gz_memo *memo, const char *text,
                            const struct ner_token *toks, size_t n, struct ner_info *info)
{
    size_t maxplace, maxperson;

    if (!gz)
        return;
    maxplace = sitrep_gazetteer_max_name_words(gz);
    maxperson = sitrep_gazetteer_max_person_words(gz);
    /* Leftmost longest: a token inside a name starts none. */
    for (size_t i = 0; i < n;) {
        unsigned kind = 0;
        size_t last;
        if (!(info[i].flags & NER_TF_CAP) || starts_no_name(text, &toks[i])) {
            i++;
            continue;
        }
        last = longest_name(gz, memo, false, text, toks, info, n, i, maxplace, &kind);
        if (last + 1 == i) {
            info[i++].place = NER_GZ_MISS;
            continue;
        }
        for (size_t j = i; j <= last; j++)
            info[j].place = name_code(info, n, i, last, j, kind);
        i = last + 1;
    }
    for (size_t i = 0; i < n;) {
        unsigned kind = 0;
        size_t last = i - 1;
        if (!(info[i].flags & NER_TF_CAP) || starts_no_name(text, &toks[i])) {
            i++;
            continue;
        }
        if (ask(gz, memo, ASK_START, text + toks[i].start, toks[i].end - toks[i].start))
            last = longest_name(gz, memo, true, text, toks, info, n, i, maxperson, &kind);
        if (last + 1 == i) {
            i++;
            continue;
        }
        for (size_t j = i; j <= last; j++)
            info[j].person = name_code(info, n, i, last, j, 0);
        i = last + 1;
    }
}

/* ---------------------------------------------------------- unknown words */

/* The "unknown word" marker: a hash that is not likely any word's. */
#define UNKNOWN_WORD 0x554e4b4e4f574eu /* "UNKNOWN" */

/* The affixes go too: kept, they scored the same on GMB and worse on the
 * out-of-domain sentences (the model leant on them instead of the
 * gazetteer). */
void ner_info_unknown(struct ner_info *in)
{
    in->word = UNKNOWN_WORD;
    in->exact = mix(UNKNOWN_WORD, in->shape);
    memset(in->pre, 0, sizeof in->pre);
    memset(in->suf, 0, sizeof in->suf);
    in->flags |= NER_TF_UNKNOWN;
}

bool ner_needs_tag(const struct ner_info *info, size_t n, size_t i, unsigned prev)
{
    bool in_name = prev != NER_O && prev != NER_START;

    if (info[i].flags & NER_TF_CORE)
        return true;
    if (info[i].flags & NER_TF_PUNCT)
        return in_name && i + 1 < n && (info[i + 1].flags & NER_TF_CORE);
    return in_name || (i > 0 && (info[i - 1].flags & NER_TF_CORE)) ||
           (i + 1 < n && (info[i + 1].flags & NER_TF_CORE));
}

/* Feature templates.  Numbers are part of the hash: never reuse one. */
enum {
    T_BIAS = 1,
    T_W0,
    T_X0,
    T_SHAPE0,
    T_SSHAPE0,
    T_PRE,
    T_SUF,
    T_WM1,
    T_WP1,
    T_WM2,
    T_WP2,
    T_WM1_W0,
    T_W0_WP1,
    T_WM2_WM1,
    T_WP1_WP2,
    T_SSM1_SS0,
    T_SS0_SSP1,
    T_SSM1_SS0_SSP1,
    T_WM1_SS0,
    T_SS0_WP1,
    T_P1,
    T_P2_P1,
    T_P1_W0,
    T_P1_SS0,
    T_SENT_SS0,
    T_SENT_W0,
    T_SEENLOW_SS0,
    T_LEN_SS0,
    T_XM1,
    T_VOCAB, /* not a feature: the mark of a known word */
    T_GZP_SS0,
    T_GZP_SENT,
    T_GZP_P1,
    T_GZP_WM1,
    T_GZP_SSP1,
    T_GZP_WP1,
    T_GZN_SS0,
    T_GZN_SENT,
    T_GZN_P1,
    T_GZP_GZN,
    T_FN_SS0,
    T_FN_P1, /* unused: with the previous class (no better on dev) */
    T_FNM1_SS0,
    T_FNP1_SS0, /* unused: a given name next (no better on dev) */
    T_CL0,
    T_CL0_P1, /* unused: with the previous class (no better on dev) */
    T_CLM1,
    T_CLP1,
};

uint64_t ner_vocab_feature(uint64_t word)
{
    return mix(mix(T_VOCAB, word), 0);
}

/* Sentence padding. */
#define PAD_BEFORE 0x5354415254u /* "START" */
#define PAD_AFTER 0x454e44u      /* "END" */

size_t ner_features(const struct ner_info *info, size_t n, size_t i, unsigned prev1, unsigned prev2,
                    uint64_t *out)
{
    const struct ner_info *t = &info[i];
    uint64_t wm1 = i > 0 ? info[i - 1].word : PAD_BEFORE;
    uint64_t wm2 = i > 1 ? info[i - 2].word : PAD_BEFORE;
    uint64_t wp1 = i + 1 < n ? info[i + 1].word : PAD_AFTER;
    uint64_t wp2 = i + 2 < n ? info[i + 2].word : PAD_AFTER;
    uint64_t xm1 = i > 0 ? info[i - 1].exact : PAD_BEFORE;
    uint64_t ssm1 = i > 0 ? info[i - 1].sshape : PAD_BEFORE;
    uint64_t ssp1 = i + 1 < n ? info[i + 1].sshape : PAD_AFTER;
    uint64_t ss0 = t->sshape;
    uint32_t sent = (t->flags & NER_TF_SENT ? 1u : 0u) | (t->flags & NER_TF_SENTCAPS ? 2u : 0u);
    size_t k = 0;

#define F(tmpl, a, b) (out[k++] = mix(mix((tmpl), (a)), (b)))
    F(T_BIAS, 0, 0);
    F(T_W0, t->word, 0);
    F(T_X0, t->exact, 0);
    F(T_SHAPE0, t->shape, 0);
    F(T_SSHAPE0, ss0, 0);
    for (unsigned a = 0; a < 3; a++)
        if (t->pre[a])
            F(T_PRE, a, t->pre[a]);
    for (unsigned a = 0; a < 4; a++)
        if (t->suf[a])
            F(T_SUF, a, t->suf[a]);
    F(T_WM1, wm1, 0);
    F(T_WP1, wp1, 0);
    F(T_WM2, wm2, 0);
    F(T_WP2, wp2, 0);
    F(T_XM1, xm1, 0);
    F(T_WM1_W0, wm1, t->word);
    F(T_W0_WP1, t->word, wp1);
    F(T_WM2_WM1, wm2, wm1);
    F(T_WP1_WP2, wp1, wp2);
    F(T_SSM1_SS0, ssm1, ss0);
    F(T_SS0_SSP1, ss0, ssp1);
    F(T_SSM1_SS0_SSP1, mix(ssm1, ss0), ssp1);
    F(T_WM1_SS0, wm1, ss0);
    F(T_SS0_WP1, ss0, wp1);
    F(T_P1, prev1, 0);
    F(T_P2_P1, prev2, prev1);
    F(T_P1_W0, prev1, t->word);
    F(T_P1_SS0, prev1, ss0);
    F(T_SENT_SS0, sent, ss0);
    if (sent)
        F(T_SENT_W0, sent, t->word);
    if (t->flags & NER_TF_CAP)
        F(T_SEENLOW_SS0, (t->flags & NER_TF_SEENLOW) != 0, ss0);
    F(T_LEN_SS0, t->len < 8 ? t->len : 8, ss0);
    if (t->flags & NER_TF_CAP) {
        /* Given names, apart for known and unknown words: a rare
         * capitalised word that is one, or that follows one ("Gianni
         * Magazzeni"), is most often a person. */
        uint32_t unk = t->flags & NER_TF_UNKNOWN ? 1u : 0u;
        if (t->flags & NER_TF_FIRSTNAME)
            F(T_FN_SS0, unk, ss0);
        if (i > 0 && (info[i - 1].flags & NER_TF_FIRSTNAME))
            F(T_FNM1_SS0, unk, ss0);
        /* Word classes from unlabelled text: what an unknown word shares
         * with the words of its class. */
        if (t->cluster)
            F(T_CL0, t->cluster, unk);
        if (i > 0 && info[i - 1].cluster)
            F(T_CLM1, info[i - 1].cluster, 0);
        if (i + 1 < n && info[i + 1].cluster)
            F(T_CLP1, info[i + 1].cluster, 0);
    }
    if (t->place || t->person) {
        /* Every gazetteer feature apart for known and unknown words: for
         * a known word the lexical features mostly decide and the
         * gazetteer's weights learn its exceptions ("Bush" is a town); for
         * an unknown one they learn how far the gazetteer is right. */
        uint32_t unk = t->flags & NER_TF_UNKNOWN ? 1u : 0u;
        uint32_t gp = t->place ? 2u * t->place + unk : 0, gn = t->person ? 2u * t->person + unk : 0;
        if (gp) {
            F(T_GZP_SS0, gp, ss0);
            F(T_GZP_SENT, gp, sent);
            F(T_GZP_P1, gp, prev1);
            F(T_GZP_WM1, gp, wm1);
            F(T_GZP_SSP1, gp, ssp1);
            F(T_GZP_WP1, gp, wp1);
        }
        if (gn) {
            F(T_GZN_SS0, gn, ss0);
            F(T_GZN_SENT, gn, sent);
            F(T_GZN_P1, gn, prev1);
        }
        if (gn)
            F(T_GZP_GZN, gp, gn);
    }
#undef F
    return k;
}
