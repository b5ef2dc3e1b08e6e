/* extract-persons.c - person mentions and their coreference in one article.
 *
 * A person is a run of one to four capitalised name words (with particles
 * such as "al-", "bin", "von der" inside) that something in the sentence
 * marks as a person:
 *  - a title or honorific before it ("President", "Foreign Minister",
 *    "Mr.", lower-case roles like "spokesman"), run before the places so
 *    that "President Jackson" is not a town;
 *  - a speech verb after or before it ("X said", "said X", "according to
 *    X", "X, who"), needing two name words;
 *  - or nothing, for a run of two or three name words in mid-sentence that
 *    is neither a place nor made of words the article also uses in lower
 *    case, and is not part of a longer capitalised phrase.
 * Words of organisation names ("News", "Agency", "Reuters"), titles,
 * demonyms, months, weekdays and common words never count as name words, so
 * "NBC News" and "Getty Images" are not people.
 *
 * Coreference: names sharing a surname whose words are a subset of a longer
 * name ("Putin", "Mr. Putin", "Vladimir Putin") are one person, named by the
 * longest form; afterwards every capitalised surname alone is a mention of
 * the person of that surname mentioned most recently (or first).
 */
#include <stdlib.h>
#include <string.h>

#include "extract-private.h"

/* At most this many name words; more is a title-case phrase, not a name. */
#define MAX_NAME_WORDS 4
/* Longer name variants a shorter one is compared with. */
#define MAX_MERGE_TRIES 32

static bool particle(const struct ex_doc *d, size_t i)
{
    return (d->toks[i].flags & TK_LOWER) && (ex_lex_flags(d, i) & LX_PARTICLE);
}

/* Can token i be a word of a person's name? */
static bool name_word(const struct ex_doc *d, size_t i)
{
    const struct ex_token *t = &d->toks[i];
    unsigned lx = ex_lex_flags(d, i);

    if (!(t->flags & TK_CAP) || (t->flags & (TK_ALLCAPS | TK_LONG | TK_DIGIT)))
        return false;
    if (t->owner != EX_FREE)
        return false;
    if (lx & (LX_STOP | LX_ORG | LX_TITLE | LX_HONORIFIC | LX_DEMONYM | LX_SPEECH_AFTER |
              LX_SPEECH_BEFORE | LX_LOCATIVE | LX_GEO))
        return false;
    return t->len >= 2 || (t->flags & TK_DOT);
}

/* Particles from k on ("von der") lead to a name word. */
static bool particle_then_name(const struct ex_doc *d, size_t k)
{
    size_t n = 0;
    while (k + 1 < d->ntoks && ex_joined(d, k + 1) && n < 3) {
        k++;
        if (name_word(d, k))
            return true;
        if (!particle(d, k))
            return false;
        n++;
    }
    return false;
}

/* The name run starting at token j: returns its token count (0 for none)
 * and the number of name words in *words.  The run does not continue into
 * a fifth capitalised word: then it is no name at all. */
static size_t name_run(const struct ex_doc *d, size_t j, size_t *words)
{
    size_t k = j, last = 0, n = 0, initials = 0;
    bool any = false;

    *words = 0;
    if (j >= d->ntoks)
        return 0;
    /* "al-Assad" may open a name. */
    if (particle(d, j) && !(j + 1 < d->ntoks && (d->toks[j + 1].flags & TK_HYPHEN)))
        return 0;
    for (; k < d->ntoks; k++) {
        if (k > j && !ex_joined(d, k))
            break;
        if (name_word(d, k)) {
            /* A capitalised particle ("Al-Manar", "Abu Mohammad") is part of
             * a name but does not make one name word more. */
            if (ex_lex_flags(d, k) & LX_PARTICLE) {
                last = k;
                continue;
            }
            if (n == MAX_NAME_WORDS)
                return 0;
            n++;
            if (d->toks[k].len == 1)
                initials++;
            last = k;
            any = true;
        } else if (particle(d, k) && particle_then_name(d, k)) {
            continue;
        } else {
            break;
        }
    }
    if (!any || initials == n || d->toks[last].len == 1)
        return 0;
    *words = n;
    return last - j + 1;
}

/* True when the span is a place the gazetteer knows well enough that a
 * person reading is unlikely (any country or region, or a town of 100,000). */
static bool known_place_of(const struct ex_doc *d, size_t tok, size_t ntok, bool any_size,
                           bool towns)
{
    const struct sitrep_place *c[4];
    size_t start = d->toks[tok].start;
    size_t end = d->toks[tok + ntok - 1].start + d->toks[tok + ntok - 1].len;
    size_t n;

    if (!d->gz)
        return false;
    n = sitrep_gazetteer_lookup_name(d->gz, d->text + start, end - start, c, 4);
    if (n > 4)
        n = 4;
    for (size_t k = 0; k < n; k++)
        if (any_size || c[k]->kind != SITREP_PLACE_CITY || (towns && c[k]->population >= 100000))
            return true;
    return false;
}

static bool known_place(const struct ex_doc *d, size_t tok, size_t ntok, bool any_size)
{
    return known_place_of(d, tok, ntok, any_size, true);
}

/* After a capitalised title ("President Chen", "President Mesa") one word
 * is a surname even when a town has it: only a country or a region is
 * not. */
static bool titled_place(const struct ex_doc *d, size_t tok, size_t ntok)
{
    return known_place_of(d, tok, ntok, false, false);
}

/* True when the span is a place by any of its names or romanisations
 * ("Deir Ezzor", "Manbej"), however small. */
static bool any_place(const struct ex_doc *d, size_t tok, size_t ntok)
{
    const struct sitrep_place *c[1];
    size_t start = d->toks[tok].start;
    size_t end = d->toks[tok + ntok - 1].start + d->toks[tok + ntok - 1].len;
    enum sitrep_name_match how = SITREP_MATCH_EXACT;

    return d->gz &&
           sitrep_gazetteer_lookup_loose(d->gz, d->text + start, end - start, c, 1, &how) > 0 &&
           how != SITREP_MATCH_SKELETON;
}

static bool capital(const struct ex_doc *d, size_t i);

/* Is the span [tok, tok + ntok) with the capitalised word joined to it on
 * either side a place the gazetteer knows well (known_place())?  The
 * tagger, reading left to right, may split a name at the start of a
 * sentence: "Saudi" an organisation, "Arabia" a person. */
static bool glued_place(const struct ex_doc *d, size_t tok, size_t ntok)
{
    if (tok > 0 && ex_joined(d, tok) && capital(d, tok - 1) &&
        known_place(d, tok - 1, ntok + 1, false))
        return true;
    return tok + ntok < d->ntoks && ex_joined(d, tok + ntok) && capital(d, tok + ntok) &&
           known_place(d, tok, ntok + 1, false);
}

/* True when token i names a country or an admin-1 region. */
static bool admin_place(const struct ex_doc *d, size_t i)
{
    const struct sitrep_place *c[4];
    size_t n;
    if (!d->gz)
        return false;
    n = sitrep_gazetteer_lookup_name(d->gz, d->text + d->toks[i].start, d->toks[i].len, c, 4);
    for (size_t k = 0; k < n && k < 4; k++)
        if (c[k]->kind == SITREP_PLACE_COUNTRY || c[k]->kind == SITREP_PLACE_ADMIN1)
            return true;
    return false;
}

static bool claim(struct ex_doc *d, size_t tok, size_t ntok)
{
    for (size_t t = tok; t < tok + ntok; t++)
        d->toks[t].owner = EX_PERSON;
    return ex_add_person_mention(d, (uint32_t)tok, (uint32_t)ntok, true);
}

static bool tok_is(const struct ex_doc *d, size_t i, const char *w)
{
    size_t n = strlen(w);
    return i < d->ntoks && d->toks[i].len == n && memcmp(d->text + d->toks[i].start, w, n) == 0;
}

/* Names and aliases of the gazetteer's supplement ("Zelenskyy", "Володимир
 * Зеленський", "Hemedti"), found before every other pass so that no cue is
 * needed and no place or bare-name rule takes them: the longest span of up
 * to sitrep_gazetteer_max_person_words() words, starting and ending with a
 * capitalised (or caseless) word, that the supplement knows.  A match inside
 * a longer run of name words ("Zelenskyy" in "Olena Zelenskyy") is left to
 * the other passes, so an alias does not cut someone else's name short. */
bool ex_persons_known(struct ex_doc *d)
{
    size_t maxw = d->gz ? sitrep_gazetteer_max_person_words(d->gz) : 0;
    bool ok = false;

    if (maxw > MAX_NAME_WORDS + 2)
        maxw = MAX_NAME_WORDS + 2;
    for (size_t i = 0; maxw > 0 && i < d->ntoks; i++) {
        size_t end = i + 1, ntok = 0;

        if (!capital(d, i) || (d->toks[i].flags & TK_LONG) || d->toks[i].owner != EX_FREE)
            continue;
        if (ex_joined(d, i) && name_word(d, i - 1))
            continue;
        /* Common words, titles and the like start no name: no probe. */
        if (ex_lex_flags(d, i) & (LX_STOP | LX_ORG | LX_TITLE | LX_HONORIFIC | LX_DEMONYM |
                                  LX_SPEECH_AFTER | LX_SPEECH_BEFORE | LX_LOCATIVE | LX_GEO))
            continue;
        if (!sitrep_gazetteer_person_may_start(d->gz, d->text + d->toks[i].start,
                                               d->toks[i].len))
            continue;
        /* The joined tokens a name of maxw words could span: particles
         * ("al-Assad") make a token more but not a word. */
        while (end < d->ntoks && end - i < 2 * maxw && ex_joined(d, end))
            end++;
        for (size_t e = end; e > i && ntok == 0; e--) {
            size_t start = d->toks[i].start;
            size_t stop = d->toks[e - 1].start + d->toks[e - 1].len;
            if (!capital(d, e - 1) || (d->toks[e - 1].flags & TK_LONG))
                continue;
            if (e < d->ntoks && ex_joined(d, e) && name_word(d, e))
                continue;
            if (sitrep_gazetteer_person(d->gz, d->text + start, stop - start))
                ntok = e - i;
        }
        if (ntok == 0)
            continue;
        if (!claim(d, i, ntok))
            goto out;
        i += ntok - 1;
    }
    ok = true;
out:
    return ok;
}

/* The type the statistical tagger gives token i (0 for none). */
static enum sitrep_ner_type tagged_type(const struct ex_doc *d, size_t i)
{
    uint32_t start = d->toks[i].start;
    size_t lo = ex_ner_span_after(d, start);

    return lo < d->nner && d->ner[lo].start <= start ? d->ner[lo].type : (enum sitrep_ner_type)0;
}

/* Title words chained before a name: "Ukrainian Foreign Minister", "U.S.
 * Secretary of State".  Returns the first token after the chain.  A
 * capitalised word the tagger reads as an adjective of nationality
 * (MISC: "Former Haitian president") counts as a demonym the lexicon
 * lacks. */
static size_t skip_title_chain(const struct ex_doc *d, size_t j)
{
    while (j < d->ntoks && ex_joined(d, j)) {
        unsigned lx = ex_lex_flags(d, j);
        if ((d->toks[j].flags & TK_CAP) &&
            ((lx & (LX_TITLE | LX_HONORIFIC | LX_DEMONYM)) ||
             (!(lx & LX_ORG) && tagged_type(d, j) == SITREP_NER_MISC))) {
            j++;
        } else if (tok_is(d, j, "of") && j + 1 < d->ntoks && ex_joined(d, j + 1) &&
                   (d->toks[j + 1].flags & TK_CAP) &&
                   (ex_lex_flags(d, j + 1) & (LX_TITLE | LX_ORG))) {
            j += 2;
        } else {
            break;
        }
    }
    return j;
}

bool ex_persons_titled(struct ex_doc *d)
{
    bool ok = false;

    for (size_t i = 0; i < d->ntoks; i++) {
        unsigned lx = ex_lex_flags(d, i);
        const struct ex_token *t = &d->toks[i];
        size_t j, ntok, words, need;
        bool honorific;

        if (!(lx & (LX_TITLE | LX_HONORIFIC)) || !(t->flags & (TK_CAP | TK_LOWER)))
            continue;
        honorific = (lx & LX_HONORIFIC) && (t->flags & TK_CAP);
        need = (t->flags & TK_CAP) ? 1 : 2;
        j = skip_title_chain(d, i + 1);
        if (j >= d->ntoks || !ex_joined(d, j))
            continue;
        ntok = name_run(d, j, &words);
        if (ntok == 0 || words < need)
            continue;
        /* "President Ukraine" is not a name, "Mr. Jackson" is. */
        if (!honorific && words == 1 &&
            ((t->flags & TK_CAP) ? titled_place(d, j, ntok) : known_place(d, j, ntok, false)))
            continue;
        if (!claim(d, j, ntok))
            goto out;
        /* A capitalised title is part of the mention: "President Hosni
         * Mubarak"; a role in lower case ("spokesman John Kirby") is not. */
        if (t->flags & TK_CAP)
            d->pmentions[d->npmentions - 1].shown = t->start;
        i = j + ntok - 1;
    }
    ok = true;
out:
    return ok;
}

/* The tokens inside bytes [start, end): *first and the count. */
static size_t span_tokens(const struct ex_doc *d, uint32_t start, uint32_t end, size_t from,
                          size_t *first)
{
    size_t a = from, b;
    while (a < d->ntoks && d->toks[a].start < start)
        a++;
    for (b = a; b < d->ntoks && d->toks[b].start + d->toks[b].len <= end; b++)
        ;
    *first = a;
    return b - a;
}

/* "Ursula von der Leyen": the tagger, which rarely saw particles inside
 * names, may read the given name and the surname around them as two
 * persons, its spans k and k + 1.  Returns the token count of the whole
 * name when span k (tokens from a, n of them) and span k + 1 are that, or
 * 0. */
static size_t merge_particles(const struct ex_doc *d, size_t k, size_t a, size_t n)
{
    size_t g = a + n, b, m;

    if (k + 1 >= d->nner || d->ner[k + 1].type != SITREP_NER_PER)
        return 0;
    while (g < d->ntoks && g - (a + n) < 3 && ex_joined(d, g) && particle(d, g))
        g++;
    if (g == a + n || !ex_joined(d, g) || d->toks[g].start != d->ner[k + 1].start)
        return 0;
    m = span_tokens(d, d->ner[k + 1].start, d->ner[k + 1].end, g, &b);
    return m > 0 && b == g ? b + m - a : 0;
}

/* The statistical tagger (ner.c) recognises persons without any cue and
 * knows organisations ("NBC News", "Human Rights Watch") as such.  Its
 * person spans include titles, as the corpus it learnt from does: the name
 * is what follows the title chain, the reported span is the tagger's.  A
 * span already claimed by the supplement only lends its start to that
 * mention.  Organisation tokens are marked so that no later pass reads a
 * place or a person inside them, unless the whole span is a known place.
 *
 * It learnt from one newswire corpus, so its persons are checked against
 * what the rules know: a span must be one run of our tokens (no junk
 * between them), hold no organisation word ("Getty Images"), and not be a
 * known place alone ("Kharkov", which the places pass then takes); a
 * name it cut short after particles ("von der Leyen") gets its first name
 * back. */
bool ex_persons_tagged(struct ex_doc *d)
{
    size_t from = 0, pm = 0;
    size_t nbefore = d->npmentions;
    bool ok = false;

    for (size_t k = 0; k < d->nner; k++) {
        const struct sitrep_ner_span *s = &d->ner[k];
        size_t a, n, j, words = 0;
        bool busy = false, bad = false, titled;
        uint32_t shown = s->start;

        n = span_tokens(d, s->start, s->end, from, &a);
        from = a;
        if (n == 0 || d->toks[a].start != s->start)
            continue;
        if (s->type == SITREP_NER_PER) {
            size_t whole = merge_particles(d, k, a, n);
            if (whole) {
                n = whole;
                k++; /* the surname's span is in this one */
            }
        }
        for (size_t t = a + 1; t < a + n && !bad; t++)
            bad = !ex_joined(d, t);
        if (bad)
            continue;
        if (s->type == SITREP_NER_ORG) {
            /* "Tehran said", or a town it never saw: the places decide. */
            if (any_place(d, a, n) || glued_place(d, a, n))
                continue;
            for (size_t t = a; t < a + n; t++)
                if (d->toks[t].owner == EX_FREE)
                    d->toks[t].owner = EX_ORG;
            continue;
        }
        if (s->type != SITREP_NER_PER)
            continue;
        for (size_t t = a; t < a + n && !busy; t++)
            busy = d->toks[t].owner != EX_FREE;
        if (busy) {
            /* Mentions of the earlier passes are in token order. */
            while (pm < nbefore && d->pmentions[pm].tok < a)
                pm++;
            for (size_t q = pm; q < nbefore && d->pmentions[q].tok < a + n; q++)
                if (d->pmentions[q].tok + d->pmentions[q].ntok <= a + n &&
                    d->pmentions[q].shown > s->start)
                    d->pmentions[q].shown = s->start;
            continue;
        }
        j = a;
        titled = (d->toks[j].flags & TK_CAP) && (ex_lex_flags(d, j) & (LX_TITLE | LX_HONORIFIC));
        if ((ex_lex_flags(d, j) & (LX_TITLE | LX_HONORIFIC | LX_DEMONYM)) ||
            (d->toks[j].flags & TK_LOWER))
            j = skip_title_chain(d, j + 1);
        while (j < a + n && !(d->toks[j].flags & (TK_CAP | TK_CASELESS)) && !particle(d, j))
            j++;
        if (j >= a + n || d->toks[a + n - 1].len < 2)
            continue;
        for (size_t t = j; t < a + n && !bad; t++) {
            /* "Getty Images" is no person, but "President Vicente Fox"
             * and "Mr. Fox" are: after a title, a word of organisation
             * names is a surname. */
            bad = (ex_lex_flags(d, t) & LX_ORG) && j == a;
            if ((d->toks[t].flags & (TK_CAP | TK_CASELESS)) && !(ex_lex_flags(d, t) & LX_PARTICLE))
                words++;
        }
        /* Nor a common word last ("Idlib The", where a text lost its full
         * stops: every "The" would then be his surname), nor a known place
         * whole ("Saudi Arabia", "Saudi" read as a title). */
        if (bad || words == 0 || words > MAX_NAME_WORDS + 1 ||
            (ex_lex_flags(d, a + n - 1) & LX_STOP) ||
            (titled ? titled_place(d, j, a + n - j) : known_place(d, j, a + n - j, false)) ||
            (j > a && known_place(d, a, n, false)) || glued_place(d, a, n))
            continue;
        /* "clashes around Ter Ma'la", "Deir Ezzor city": a place the text
         * says is one, whatever the tagger, which never saw it, thinks. */
        if (ex_place_cue(d, a, n) && any_place(d, j, a + n - j))
            continue;
        if (j == a) {
            while (j > 0 && ex_joined(d, j) && particle(d, j - 1) && d->toks[j - 1].owner == EX_FREE)
                j--;
            /* Particles only with the first name before them: "known as
             * Osman Hussain" starts at "Osman". */
            if (j < a && ex_joined(d, j) && j > 0 && name_word(d, j - 1))
                j--;
            else
                j = a;
            shown = d->toks[j].start;
        }
        if (!claim(d, j, a + n - j))
            goto out;
        d->pmentions[d->npmentions - 1].shown = shown;
    }
    ok = true;
out:
    return ok;
}

static bool tok_is_ci(const struct ex_doc *d, size_t i, const char *w)
{
    size_t n = strlen(w);
    if (i >= d->ntoks || d->toks[i].len != n)
        return false;
    for (size_t k = 0; k < n; k++) {
        char c = d->text[d->toks[i].start + k];
        if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != w[k])
            return false;
    }
    return true;
}

static bool capital(const struct ex_doc *d, size_t i)
{
    return i < d->ntoks && (d->toks[i].flags & (TK_CAP | TK_CASELESS));
}

/* Is token i in a headline-style sentence ("Airstrikes Injure Hundreds
 * In Idlib"), where capitals say nothing about names?  Looks at most
 * TITLE_SPAN tokens each way; the cache arguments remember the last
 * sentence looked at, so a pass costs one scan per sentence. */
#define TITLE_SPAN 64
static bool titlecase(const struct ex_doc *d, size_t i, size_t *cache_start, size_t *cache_end,
                      bool *cache_val)
{
    size_t s = i, e = i + 1, alpha = 0, caps = 0;
    if (i >= *cache_start && i < *cache_end)
        return *cache_val;
    while (s > 0 && i - s < TITLE_SPAN && !(d->toks[s].flags & TK_SENT))
        s--;
    while (e < d->ntoks && e - i < TITLE_SPAN && !(d->toks[e].flags & TK_SENT))
        e++;
    for (size_t k = s; k < e; k++) {
        if (d->toks[k].flags & TK_CAP)
            alpha++, caps++;
        else if ((d->toks[k].flags & TK_LOWER) && d->toks[k].len > 3)
            alpha++;
    }
    *cache_start = s;
    *cache_end = e;
    *cache_val = alpha >= 4 && caps * 10 >= alpha * 7;
    return *cache_val;
}

/* "X, an analyst at CNA, said", "X, 45, told": a comma after the name, a
 * short description opened by an article or an age, a comma, a speech
 * verb.  Token after is the first after the name. */
static bool appositive(const struct ex_doc *d, size_t after)
{
    size_t k;
    if (after == 0 || after >= d->ntoks || !(d->toks[after - 1].flags & TK_COMMA))
        return false;
    if (!(tok_is(d, after, "a") || tok_is(d, after, "an") || tok_is(d, after, "the") ||
          (d->toks[after].flags & TK_DIGIT)))
        return false;
    for (k = after; k < d->ntoks && k < after + 12; k++)
        if ((d->toks[k].flags & TK_COMMA) && !(d->toks[k].flags & TK_SENT))
            return k + 1 < d->ntoks && (d->toks[k + 1].flags & TK_LOWER) &&
                   (ex_lex_flags(d, k + 1) & LX_SPEECH_AFTER);
    return false;
}

/* Names with a speech cue (bare == false) or without any (bare == true). */
static bool untitled(struct ex_doc *d, bool bare_pass)
{
    size_t tc_start = 0, tc_end = 0;
    bool tc_val = false;
    bool ok = false;

    for (size_t i = 0; i < d->ntoks; i++) {
        size_t ntok, words, after;
        bool said_after, said_before, bare;

        if (!name_word(d, i) || (ex_joined(d, i) && (name_word(d, i - 1) || particle(d, i - 1))))
            continue;
        ntok = name_run(d, i, &words);
        /* "Syria Staffan de Mistura": a country or city first is no name word. */
        if (ntok > 1 && words >= 3 && known_place(d, i, 1, false)) {
            i++;
            ntok = name_run(d, i, &words);
        }
        if (ntok == 0 || words < 2)
            continue;
        after = i + ntok;
        /* Part of a longer capitalised phrase ("Michelle Bachelet Foundation"). */
        if (after < d->ntoks && ex_joined(d, after) && capital(d, after)) {
            i = after;
            continue;
        }
        said_after = after < d->ntoks && (d->toks[after].flags & TK_LOWER) &&
                     (((ex_lex_flags(d, after) & LX_SPEECH_AFTER) && ex_joined(d, after)) ||
                      ((d->toks[after - 1].flags & TK_COMMA) && tok_is(d, after, "who")));
        said_after = said_after || appositive(d, after);
        said_before = i > 0 && (d->toks[i - 1].flags & TK_LOWER) &&
                      (((ex_lex_flags(d, i - 1) & LX_SPEECH_BEFORE) && ex_joined(d, i)) ||
                       (i > 1 && tok_is(d, i - 1, "to") && tok_is(d, i - 2, "according")));
        bare = !said_after && !said_before;
        if (bare != bare_pass)
            continue;
        /* "the Municipal Palace", "a Free Syrian Army unit": not people. */
        if (bare && ((d->toks[i].flags & TK_SENT) || words > 3 ||
                     titlecase(d, i, &tc_start, &tc_end, &tc_val) ||
                     (ex_joined(d, i) && capital(d, i - 1)) ||
                     (i > 0 && (tok_is_ci(d, i - 1, "the") || tok_is_ci(d, i - 1, "a") ||
                                tok_is_ci(d, i - 1, "an")))))
            continue;
        /* A first name may be a city ("Vladimir"), a surname too ("Jackson"),
         * but without a cue a surname that is any place at all is doubtful. */
        if (known_place(d, i, ntok, true) || (bare && known_place(d, i + ntok - 1, 1, true)) ||
            admin_place(d, i + ntok - 1))
            continue;
        if (bare) {
            bool reject = false;
            /* Nor what the tagger reads as something else: "Earth Day",
             * "Hurricanes Rita", "Guggenheim Museum". */
            for (size_t k = i; k < i + ntok && !reject; k++) {
                enum sitrep_ner_type ty = tagged_type(d, k);
                reject = ty != 0 && ty != SITREP_NER_PER;
            }
            for (size_t k = i; k < i + ntok && !reject; k++)
                reject = !particle(d, k) && (ex_seen_lower(d, k) || known_place(d, k, 1, false));
            if (reject)
                continue;
        }
        if (!claim(d, i, ntok))
            goto out;
        i += ntok - 1;
    }
    ok = true;
out:
    return ok;
}

bool ex_persons_speech(struct ex_doc *d)
{
    return untitled(d, false);
}

bool ex_persons_bare(struct ex_doc *d)
{
    return untitled(d, true);
}

/* Clustering. */

static uint64_t hash_bytes(uint64_t h, const char *s, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[k];
        if (c >= 'A' && c <= 'Z')
            c += 32;
        h = (h ^ c) * 0x100000001b3ULL;
    }
    return h;
}

static uint64_t tok_hash(const struct ex_doc *d, size_t i)
{
    return hash_bytes(0xcbf29ce484222325ULL, d->text + d->toks[i].start, d->toks[i].len) | 1;
}

/* Same word, ignoring ASCII case. */
static bool same_word(const struct ex_doc *d, size_t a, size_t b)
{
    const struct ex_token *x = &d->toks[a], *y = &d->toks[b];
    if (x->len != y->len)
        return false;
    for (size_t k = 0; k < x->len; k++) {
        unsigned char p = (unsigned char)d->text[x->start + k];
        unsigned char q = (unsigned char)d->text[y->start + k];
        if (p >= 'A' && p <= 'Z')
            p += 32;
        if (q >= 'A' && q <= 'Z')
            q += 32;
        if (p != q)
            return false;
    }
    return true;
}

/* A distinct written name. */
struct variant {
    uint32_t tok, ntok; /* its first mention */
    uint32_t words;
    uint64_t name_hash, surname_hash;
    uint32_t person;
    bool strip_s; /* "Bashar al-Assads": a possessive whose apostrophe was lost */
};

static int cmp_mention(const void *a, const void *b)
{
    const struct ex_person_mention *x = a, *y = b;
    return x->tok < y->tok ? -1 : x->tok > y->tok;
}

/* Longer names first; then first written first. */
static int cmp_variant(const void *a, const void *b)
{
    const struct variant *x = a, *y = b;
    if (x->surname_hash != y->surname_hash)
        return x->surname_hash < y->surname_hash ? -1 : 1;
    if (x->words != y->words)
        return x->words > y->words ? -1 : 1;
    if (x->strip_s != y->strip_s)
        return x->strip_s ? 1 : -1;
    return x->tok < y->tok ? -1 : x->tok > y->tok;
}

/* Token a is token b plus a final 's'. */
static bool plus_s(const struct ex_doc *d, size_t a, size_t b)
{
    const struct ex_token *x = &d->toks[a], *y = &d->toks[b];
    struct ex_token cut = *x;
    if (x->len != y->len + 1 || d->text[x->start + x->len - 1] != 's')
        return false;
    cut.len--;
    {
        /* same_word() on the shortened token */
        for (size_t k = 0; k < cut.len; k++) {
            unsigned char p = (unsigned char)d->text[cut.start + k];
            unsigned char q = (unsigned char)d->text[y->start + k];
            if (p >= 'A' && p <= 'Z')
                p += 32;
            if (q >= 'A' && q <= 'Z')
                q += 32;
            if (p != q)
                return false;
        }
    }
    return true;
}

/* Are the name words of v all among those of u? */
static bool words_subset(const struct ex_doc *d, const struct variant *v, const struct variant *u)
{
    for (uint32_t a = v->tok; a < v->tok + v->ntok; a++) {
        bool found = false;
        bool last = a == v->tok + v->ntok - 1;
        if (particle(d, a))
            continue;
        for (uint32_t b = u->tok; b < u->tok + u->ntok && !found; b++)
            found = same_word(d, a, b) || (last && v->strip_s && plus_s(d, a, b));
        if (!found)
            return false;
    }
    return true;
}

/* An open-addressing map from a 64-bit hash to an index. */
struct hmap {
    uint64_t *keys;
    uint32_t *vals;
    size_t cap;
};

static bool hmap_init(struct hmap *m, size_t n)
{
    m->cap = 64;
    while (m->cap < n * 2)
        m->cap <<= 1;
    m->keys = calloc(m->cap, sizeof *m->keys);
    m->vals = calloc(m->cap, sizeof *m->vals);
    return m->keys && m->vals;
}

static void hmap_free(struct hmap *m)
{
    free(m->keys);
    free(m->vals);
}

/* The slot of key: its value when keys[slot] == key, else free. */
static size_t hmap_slot(const struct hmap *m, uint64_t key)
{
    size_t mask = m->cap - 1, k;
    for (k = key & mask; m->keys[k] != 0 && m->keys[k] != key; k = (k + 1) & mask)
        ;
    return k;
}

bool ex_persons_cluster(struct ex_doc *d)
{
    struct variant *vs = NULL;
    struct hmap names = {0}, surnames = {0}, plain = {0};
    size_t nv = 0, nfull = d->npmentions;
    bool ok = false;

    if (nfull == 0) {
        ok = true;
        goto out;
    }
    qsort(d->pmentions, nfull, sizeof *d->pmentions, cmp_mention);
    vs = calloc(nfull, sizeof *vs);
    if (!vs || !hmap_init(&names, nfull) || !hmap_init(&surnames, nfull))
        goto out;

    /* Distinct names, by the hash of their name words. */
    for (size_t k = 0; k < nfull; k++) {
        struct ex_person_mention *m = &d->pmentions[k];
        uint64_t h = 0xcbf29ce484222325ULL;
        uint32_t words = 0;
        size_t slot;
        for (uint32_t t = m->tok; t < m->tok + m->ntok; t++)
            if (!particle(d, t)) {
                h = hash_bytes(h, d->text + d->toks[t].start, d->toks[t].len);
                h = (h ^ ' ') * 0x100000001b3ULL;
                words++;
            }
        h |= 1;
        slot = hmap_slot(&names, h);
        if (names.keys[slot] == 0) {
            names.keys[slot] = h;
            names.vals[slot] = (uint32_t)nv;
            vs[nv] = (struct variant){m->tok, m->ntok, words, h, tok_hash(d, m->tok + m->ntok - 1),
                                      0,      false};
            nv++;
        }
    }
    /* Scraped text loses apostrophes: "Assads" is Assad's when the article
     * also has the surname Assad. */
    if (!hmap_init(&plain, nv))
        goto out;
    for (size_t k = 0; k < nv; k++) {
        size_t slot = hmap_slot(&plain, vs[k].surname_hash);
        plain.keys[slot] = vs[k].surname_hash;
    }
    for (size_t k = 0; k < nv; k++) {
        const struct ex_token *t = &d->toks[vs[k].tok + vs[k].ntok - 1];
        uint64_t h;
        if (t->len < 4 || d->text[t->start + t->len - 1] != 's')
            continue;
        h = hash_bytes(0xcbf29ce484222325ULL, d->text + t->start, t->len - 1u) | 1;
        if (plain.keys[hmap_slot(&plain, h)] == h) {
            vs[k].surname_hash = h;
            vs[k].strip_s = true;
        }
    }
    /* Each variant joins the longest earlier-sorted variant of its surname
     * that contains all its words, or starts a person. */
    qsort(vs, nv, sizeof *vs, cmp_variant);
    d->persons = calloc(nv, sizeof *d->persons);
    if (!d->persons)
        goto out;
    for (size_t k = 0; k < nv; k++) {
        size_t tries = 0, u;
        bool joined = false;
        for (u = k; u > 0 && tries < MAX_MERGE_TRIES; u--, tries++) {
            struct variant *o = &vs[u - 1];
            if (o->surname_hash != vs[k].surname_hash)
                break;
            if ((o->words > vs[k].words || (vs[k].strip_s && !o->strip_s)) &&
                words_subset(d, &vs[k], o)) {
                vs[k].person = o->person;
                joined = true;
                break;
            }
        }
        if (!joined) {
            vs[k].person = (uint32_t)d->npersons;
            d->persons[d->npersons++] = (struct ex_person){vs[k].tok, vs[k].ntok};
        }
    }
    /* Map every full mention to its person. */
    for (size_t k = 0; k < nv; k++) {
        size_t slot = hmap_slot(&names, vs[k].name_hash);
        names.vals[slot] = vs[k].person;
    }
    for (size_t k = 0; k < nfull; k++) {
        struct ex_person_mention *m = &d->pmentions[k];
        uint64_t h = 0xcbf29ce484222325ULL;
        for (uint32_t t = m->tok; t < m->tok + m->ntok; t++)
            if (!particle(d, t)) {
                h = hash_bytes(h, d->text + d->toks[t].start, d->toks[t].len);
                h = (h ^ ' ') * 0x100000001b3ULL;
            }
        m->person = names.vals[hmap_slot(&names, h | 1)];
    }
    /* Surnames: the first person of each, then updated as we read. */
    for (size_t k = 0; k < nfull; k++) {
        struct ex_person_mention *m = &d->pmentions[k];
        size_t slot = hmap_slot(&surnames, tok_hash(d, m->tok + m->ntok - 1));
        if (surnames.keys[slot] == 0) {
            surnames.keys[slot] = tok_hash(d, m->tok + m->ntok - 1);
            surnames.vals[slot] = m->person;
        }
    }
    {
        size_t next_full = 0, pi = 0;
        for (size_t i = 0; i < d->ntoks; i++) {
            struct ex_token *t = &d->toks[i];
            size_t slot, start;
            while (next_full < nfull && d->pmentions[next_full].tok <= i) {
                struct ex_person_mention *m = &d->pmentions[next_full++];
                slot = hmap_slot(&surnames, tok_hash(d, m->tok + m->ntok - 1));
                surnames.vals[slot] = m->person;
            }
            if (t->owner == EX_PERSON || !(t->flags & TK_CAP) ||
                (t->flags & (TK_ALLCAPS | TK_LONG)))
                continue;
            slot = hmap_slot(&surnames, tok_hash(d, i));
            if (surnames.keys[slot] == 0)
                continue;
            if (t->owner == EX_PLACE) {
                /* A one-word place that is the surname of someone named in
                 * full here ("Jackson") is that person. */
                while (pi < d->nplaces && d->places[pi].tok < i)
                    pi++;
                if (pi >= d->nplaces || d->places[pi].tok != i || d->places[pi].ntok != 1)
                    continue;
                d->places[pi].place = NULL;
            }
            start = i;
            if (i > 0 && particle(d, i - 1) && (t->flags & TK_HYPHEN) &&
                d->toks[i - 1].owner == EX_FREE)
                start = i - 1;
            for (size_t k = start; k <= i; k++)
                d->toks[k].owner = EX_PERSON;
            if (!ex_add_person_mention(d, (uint32_t)start, (uint32_t)(i - start + 1), false))
                goto out;
            d->pmentions[d->npmentions - 1].person = surnames.vals[slot];
        }
    }
    qsort(d->pmentions, d->npmentions, sizeof *d->pmentions, cmp_mention);
    ok = true;
out:
    free(vs);
    hmap_free(&names);
    hmap_free(&surnames);
    hmap_free(&plain);
    return ok;
}
