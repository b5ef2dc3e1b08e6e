/* ner-tokenize.c - the tagger's tokeniser: raw news text into the tokens GMB
 * has, and into sentences.
 *
 * The model was trained on GMB's tokens, so the closer these are to them the
 * better it tags: words and numbers ("1,000", "3.5") are tokens, punctuation
 * marks are tokens of their own ("--" and "..." count as one), the clitics
 * "'s", "'ll", "'re", "'ve", "'m", "'d" and "n't" are split off ("do" +
 * "n't", as the Penn Treebank does), abbreviations and initials keep their
 * dot ("U.S.", "Mr.", "J."), and hyphens, inner apostrophes ("O'Brien",
 * "Ma’la") and GMB's "~" join words.  Any letter of any script is a word
 * character; bytes that are not UTF-8 separate tokens as white space does.
 *
 * A sentence starts at the beginning of the text, after a line break, after
 * ". ! ? ..." (and any closing quotes or brackets glued to them) when the next
 * token is not a lower-case word, and after NER_MAX_SENT tokens.
 */
#include <stdlib.h>
#include <string.h>

#include "ner-private.h"
#include "text.h"

/* Character classes. */
enum cc {
    CC_SPACE,
    CC_NEWLINE,
    CC_UPPER,
    CC_LOWER,
    CC_CASELESS, /* a letter of a script without case: Arabic, CJK, ... */
    CC_MARK,     /* a combining mark: part of the word it follows */
    CC_DIGIT,
    CC_APOS,   /* ' ’ ‘ ʼ */
    CC_HYPHEN, /* - and U+2010, U+2011 */
    CC_DOT,
    CC_COMMA,
    CC_TERM,  /* ! ? */
    CC_PUNCT, /* any other mark or symbol */
    CC_BAD,   /* a byte that is not UTF-8 */
    CC_END,   /* past the end of the text */
};

static bool alnum(enum cc k)
{
    return k == CC_UPPER || k == CC_LOWER || k == CC_CASELESS || k == CC_MARK || k == CC_DIGIT;
}

static bool letter(enum cc k)
{
    return k == CC_UPPER || k == CC_LOWER || k == CC_CASELESS || k == CC_MARK;
}

/* The case of the letters of the scripts English news quotes names in:
 * Latin, Greek and Cyrillic.  Every other letter is caseless. */
static enum cc letter_case(uint32_t c)
{
    if (c >= 0xc0 && c <= 0xde)
        return c == 0xd7 ? CC_PUNCT : CC_UPPER;
    if (c >= 0xdf && c <= 0xff)
        return c == 0xf7 ? CC_PUNCT : CC_LOWER;
    if (c >= 0x100 && c <= 0x17f) {
        /* Latin Extended-A pairs upper/lower at even/odd, except in the
         * runs U+0139..U+0148 and U+0179..U+017E, which pair odd/even. */
        bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e);
        if (c == 0x138 || c == 0x149 || c == 0x17f)
            return CC_LOWER;
        return ((c & 1) != 0) == odd_upper ? CC_UPPER : CC_LOWER;
    }
    if (c >= 0x180 && c <= 0x24f)
        return CC_LOWER;
    if (c >= 0x370 && c <= 0x3ff) {
        if (c == 0x386 || (c >= 0x388 && c <= 0x38f) || (c >= 0x391 && c <= 0x3ab))
            return CC_UPPER;
        return CC_LOWER;
    }
    if (c >= 0x400 && c <= 0x42f)
        return CC_UPPER;
    if (c >= 0x430 && c <= 0x45f)
        return CC_LOWER;
    if (c >= 0x460 && c <= 0x52f)
        return (c & 1) ? CC_LOWER : CC_UPPER;
    if (c >= 0x1e00 && c <= 0x1eff)
        return (c & 1) ? CC_LOWER : CC_UPPER;
    return CC_CASELESS;
}

static enum cc classify(uint32_t c)
{
    if (c < 0x80) {
        if (c >= 'a' && c <= 'z')
            return CC_LOWER;
        if (c >= 'A' && c <= 'Z')
            return CC_UPPER;
        if (c >= '0' && c <= '9')
            return CC_DIGIT;
        switch (c) {
        case '\n':
        case '\r':
        case '\v':
        case '\f':
            return CC_NEWLINE;
        case ' ':
        case '\t':
            return CC_SPACE;
        case '\'':
            return CC_APOS;
        case '-':
            return CC_HYPHEN;
        case '.':
            return CC_DOT;
        case ',':
            return CC_COMMA;
        case '!':
        case '?':
            return CC_TERM;
        default:
            return c < 0x20 || c == 0x7f ? CC_SPACE : CC_PUNCT;
        }
    }
    if (c < 0xa0)
        return c == 0x85 ? CC_NEWLINE : CC_SPACE;
    if (c == 0xa0 || (c >= 0x2000 && c <= 0x200b) || c == 0x202f || c == 0x205f || c == 0x3000 ||
        c == 0xfeff)
        return CC_SPACE;
    if (c == 0x2028 || c == 0x2029)
        return CC_NEWLINE;
    if (c == 0x2018 || c == 0x2019 || c == 0x02bc || c == 0x02bb || c == 0x02be || c == 0x02bf)
        return CC_APOS;
    if (c == 0x2010 || c == 0x2011 || c == 0xad)
        return CC_HYPHEN;
    if (c == 0x2026)
        return CC_DOT; /* the ellipsis character: a run of dots */
    if (c == 0xaa || c == 0xb5 || c == 0xba)
        return CC_LOWER;
    if (c < 0xc0)
        return CC_PUNCT; /* Latin-1 symbols: « » ° £ © ... */
    if ((c >= 0x300 && c <= 0x36f) || (c >= 0x483 && c <= 0x489) || (c >= 0x610 && c <= 0x61a) ||
        (c >= 0x64b && c <= 0x65f) || c == 0x670 || (c >= 0x6d6 && c <= 0x6ed) ||
        (c >= 0x1ab0 && c <= 0x1aff) || (c >= 0x1dc0 && c <= 0x1dff) ||
        (c >= 0x20d0 && c <= 0x20ff) || (c >= 0xfe20 && c <= 0xfe2f))
        return CC_MARK;
    if ((c >= 0x660 && c <= 0x669) || (c >= 0x6f0 && c <= 0x6f9))
        return CC_DIGIT;
    if (c == 0x60c || c == 0x61b || c == 0x61f || (c >= 0x66a && c <= 0x66d) || c == 0x6d4 ||
        c == 0x37e || c == 0x387 || (c >= 0x55a && c <= 0x55f) || (c >= 0x589 && c <= 0x58a) ||
        (c >= 0x5be && c <= 0x5c6 && c != 0x5bf) || (c >= 0x2012 && c <= 0x2bff) ||
        (c >= 0x2e00 && c <= 0x2e7f) || (c >= 0x3001 && c <= 0x303f) ||
        (c >= 0xfe10 && c <= 0xfe1f) || (c >= 0xfe30 && c <= 0xfe6f) ||
        (c >= 0xff01 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff20) ||
        (c >= 0xff3b && c <= 0xff40) || (c >= 0xff5b && c <= 0xff65) ||
        (c >= 0xe000 && c <= 0xf8ff) || (c >= 0xfff0 && c <= 0xffff) ||
        (c >= 0x1f000 && c <= 0x1faff))
        return CC_PUNCT;
    return letter_case(c);
}

/* The class of the character at s[i] and its length in bytes (1 for a bad
 * byte, 0 at the end). */
static size_t char_at(const char *s, size_t len, size_t i, enum cc *k)
{
    uint32_t c;
    size_t n;

    if (i >= len) {
        *k = CC_END;
        return 0;
    }
    if ((unsigned char)s[i] < 0x80) {
        *k = classify((unsigned char)s[i]);
        return 1;
    }
    n = sitrep_utf8_decode(s + i, len - i, &c);
    if (n == 0) {
        *k = CC_BAD;
        return 1;
    }
    *k = classify(c);
    return n;
}

static enum cc class_at(const char *s, size_t len, size_t i)
{
    enum cc k;
    char_at(s, len, i, &k);
    return k;
}

static bool ascii_is(const char *s, size_t len, size_t i, char c)
{
    return i < len && (s[i] | 0x20) == c;
}

/* The length of a clitic after an apostrophe at s[i] ("s", "ll", "re", "ve",
 * "m", "d" followed by no letter or digit), or 0. */
static size_t clitic_len(const char *s, size_t len, size_t i)
{
    static const char *const clitics[] = {"s", "ll", "re", "ve", "m", "d"};
    size_t found = 0;

    for (size_t c = 0; c < sizeof clitics / sizeof clitics[0] && !found; c++) {
        size_t n = strlen(clitics[c]), j;
        for (j = 0; j < n && ascii_is(s, len, i + j, clitics[c][j]); j++)
            ;
        if (j == n && !alnum(class_at(s, len, i + n)))
            found = n;
    }
    return found;
}

/* Abbreviations that keep their dot: GMB's, plus titles and months of the
 * same kind.  Matched case-sensitively, so "no." at a sentence end is not
 * "No." (number). */
static bool abbreviation(const char *w, size_t n)
{
    static const char *const abbrevs[] = {
        "Adm", "Ala",  "Apr",  "Ariz", "Aug",  "Bros", "Brig", "Calif",  "Capt", "Cmdr",
        "Co",  "Col",  "Colo", "Conn", "Corp", "Cpl",  "Dec",  "Dept",   "Dr",   "Feb",
        "Fla", "Ft",   "Ga",   "Gen",  "Gov",  "Hon",  "Ill",  "Inc",    "Jan",  "Jr",
        "Jul", "Jun",  "Lt",   "Ltd",  "Maj",  "Mass", "Md",   "Messrs", "Mich", "Minn",
        "Mme", "Mr",   "Mrs",  "Ms",   "Mt",   "No",   "Nov",  "Oct",    "Okla", "Pa",
        "Pfc", "Prof", "Pvt",  "Rep",  "Rev",  "Sen",  "Sep",  "Sept",   "Sgt",  "Sr",
        "St",  "Supt", "Tenn", "Va",   "Wis",  "corp", "etc",  "vs",
    };
    bool found = false;

    for (size_t i = 0; i < sizeof abbrevs / sizeof abbrevs[0] && !found; i++)
        found = strlen(abbrevs[i]) == n && memcmp(abbrevs[i], w, n) == 0;
    return found;
}

/* The end of the word that starts at s[start] (a letter or digit). */
/* The end of the word that starts at s[start] (a letter or digit).  Each
 * case either extends the word and goes round again or sets the end. */
static size_t scan_word(const char *s, size_t len, size_t start)
{
    size_t i = start, seg = start; /* seg: after the last hyphen or dot */
    size_t seg_chars = 0;          /* characters in s[seg..i) */
    size_t end;
    enum cc k, k2, last = CC_END;

    for (;;) {
        size_t n, j;
        while ((n = char_at(s, len, i, &k)) > 0 && alnum(k)) {
            i += n;
            seg_chars++;
            last = k;
        }
        end = i;
        switch (k) {
        case CC_HYPHEN:
            if (!alnum(class_at(s, len, i + n)))
                goto out;
            i += n;
            seg = i;
            seg_chars = 0;
            break;
        case CC_APOS:
            j = i + n;
            if (clitic_len(s, len, j) > 0)
                goto out; /* "Cairo" | "'s" */
            if (ascii_is(s, len, j, 't') && !alnum(class_at(s, len, j + 1)) &&
                (s[i - 1] | 0x20) == 'n') {
                /* "do" | "n't", or the token "n't" itself */
                end = i - 1 == start ? j + 1 : i - 1;
                goto out;
            }
            if (!alnum(class_at(s, len, j)))
                goto out;
            i = j; /* "O'Brien", "Ma’la" */
            break;
        case CC_DOT:
            if (s[i] != '.')
                goto out; /* the ellipsis character */
            k2 = class_at(s, len, i + 1);
            if (last == CC_DIGIT && k2 == CC_DIGIT) {
                i++; /* "3.5" */
                break;
            }
            if (seg_chars == 1 && letter(last)) {
                /* An initial, or a letter of "U.S.", "p.m.", "H.I.V.". */
                i++;
                seg = i;
                seg_chars = 0;
                end = i;
                if (k2 == CC_HYPHEN && alnum(class_at(s, len, i + 1)))
                    i++; /* "U.S.-led" */
                else if (!letter(k2))
                    goto out;
                seg = i;
                break;
            }
            if (seg == start && abbreviation(s + seg, i - seg))
                end = i + 1; /* "Mr." */
            goto out;
        case CC_COMMA:
            if (last != CC_DIGIT || class_at(s, len, i + 1) != CC_DIGIT)
                goto out;
            i++; /* "1,000" */
            break;
        case CC_PUNCT:
            /* GMB joins "New~York"; "AT&T" and "R&B" are one word. */
            if (!(s[i] == '~' && letter(last) && letter(class_at(s, len, i + 1))) &&
                !(s[i] == '&' && last == CC_UPPER && class_at(s, len, i + 1) == CC_UPPER &&
                  i + 1 - start <= 3))
                goto out;
            i++;
            break;
        default:
            goto out;
        }
    }
out:
    return end;
}

uint32_t ner_token_flags(const char *text, uint32_t start, uint32_t end)
{
    uint32_t flags = 0;
    size_t i = start, letters = 0, upper = 0;
    bool first = true, alpha = false;

    while (i < end) {
        enum cc k;
        size_t n = char_at(text, end, i, &k);
        if (first) {
            flags |= k == CC_UPPER ? NER_TF_CAP : k == CC_LOWER ? NER_TF_LOWER : 0;
            first = false;
        }
        if (k == CC_UPPER) {
            flags |= NER_TF_HASUP;
            upper++;
        }
        if (k == CC_UPPER || k == CC_LOWER)
            letters++;
        if (k == CC_DIGIT)
            flags |= NER_TF_HASDIGIT;
        if (k == CC_CASELESS)
            flags |= NER_TF_CASELESS;
        if (alnum(k))
            alpha = true;
        i += n;
    }
    if (letters >= 2 && upper == letters)
        flags |= NER_TF_ALLCAPS;
    if (!alpha)
        flags |= NER_TF_PUNCT;
    return flags;
}

void ner_tokens_free(struct ner_tokens *t)
{
    free(t->v);
    t->v = NULL;
    t->n = t->cap = 0;
}

static sitrep_status push(struct ner_tokens *t, uint32_t start, uint32_t end, uint32_t flags)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        struct ner_token *v = realloc(t->v, cap * sizeof *v);
        if (!v)
            return SITREP_ERR_NOMEM;
        t->v = v;
        t->cap = cap;
    }
    t->v[t->n++] = (struct ner_token){start, end, flags};
    return SITREP_OK;
}

static bool closing(const char *s, uint32_t start, uint32_t end)
{
    static const char *const marks[] = {"\"",           "'",       ")", "]", "\xe2\x80\x9d",
                                        "\xe2\x80\x99", "\xc2\xbb"};
    bool found = false;

    for (size_t i = 0; i < sizeof marks / sizeof marks[0] && !found; i++)
        found = strlen(marks[i]) == end - start && memcmp(marks[i], s + start, end - start) == 0;
    return found;
}

sitrep_status ner_tokenize(const char *text, size_t len, struct ner_tokens *t)
{
    sitrep_status st = SITREP_OK;
    size_t i = 0, sent_len = 0, n0 = t->n;
    bool newline = true;    /* a line break since the last token */
    bool space = true;      /* white space since the last token */
    bool after_end = false; /* the last token ended a sentence */

    if (len > UINT32_MAX)
        len = UINT32_MAX;
    while (i < len) {
        enum cc k;
        size_t n = char_at(text, len, i, &k), end;
        uint32_t flags;
        bool sent;

        if (k == CC_SPACE || k == CC_BAD || k == CC_NEWLINE) {
            newline |= k == CC_NEWLINE;
            space = true;
            i += n;
            continue;
        }
        if (alnum(k)) {
            end = scan_word(text, len, i);
        } else if (k == CC_APOS) {
            end = i + n + clitic_len(text, len, i + n);
        } else if (text[i] == '.' || text[i] == '-') {
            /* "...", "--": runs of the same mark are one token. */
            end = i + n;
            while (end < len && text[end] == text[i])
                end++;
        } else {
            end = i + n;
        }
        flags = ner_token_flags(text, (uint32_t)i, (uint32_t)end);
        if (after_end && !space && closing(text, (uint32_t)i, (uint32_t)end))
            sent = false; /* a closing quote glued to the full stop */
        else
            sent = newline || sent_len >= NER_MAX_SENT || (after_end && !(flags & NER_TF_LOWER));
        if (sent) {
            flags |= NER_TF_SENT;
            sent_len = 0;
            after_end = false;
        }
        if (k == CC_DOT || k == CC_TERM)
            after_end = true;
        else if (!(after_end && !space && closing(text, (uint32_t)i, (uint32_t)end)))
            after_end = false;
        st = push(t, (uint32_t)i, (uint32_t)end, flags);
        if (st != SITREP_OK)
            goto out;
        sent_len++;
        newline = space = false;
        i = end;
    }
    /* A quote after a full stop and before the end of the text or of the
     * line closes the sentence rather than opening one, even with a space
     * before it (". \"" in GMB's space-joined sentences). */
    for (size_t k = n0 + 1; k < t->n; k++) {
        const struct ner_token *q = &t->v[k], *p = &t->v[k - 1];
        if ((q->flags & NER_TF_SENT) && (k + 1 == t->n || (t->v[k + 1].flags & NER_TF_SENT)) &&
            closing(text, q->start, q->end) && p->end - p->start == 1 &&
            (text[p->start] == '.' || text[p->start] == '!' || text[p->start] == '?'))
            t->v[k].flags &= ~(uint32_t)NER_TF_SENT;
    }
out:
    if (st != SITREP_OK)
        t->n = n0;
    return st;
}

char ner_shape_char(uint32_t c)
{
    switch (classify(c)) {
    case CC_UPPER:
        return 'X';
    case CC_LOWER:
        return 'x';
    case CC_CASELESS:
        return 'a';
    case CC_MARK:
        return 0;
    case CC_DIGIT:
        return 'd';
    case CC_APOS:
        return '\'';
    case CC_HYPHEN:
        return '-';
    default:
        return c < 0x80 ? (char)c : '*';
    }
}

uint32_t ner_fold_char(uint32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    switch (classify(c)) {
    case CC_APOS:
        return '\'';
    case CC_HYPHEN:
        return '-';
    case CC_UPPER:
        break;
    default:
        return c;
    }
    if (c <= 0xde || (c >= 0x391 && c <= 0x3ab) || (c >= 0x410 && c <= 0x42f))
        return c + 0x20;
    if (c >= 0x400 && c <= 0x40f)
        return c + 0x50;
    if (c == 0x386)
        return 0x3ac;
    if (c >= 0x388 && c <= 0x38a)
        return c + 0x25;
    if (c == 0x38c)
        return 0x3cc;
    if (c == 0x38e || c == 0x38f)
        return c + 0x3f;
    return c + 1; /* the even/odd pairs of Latin Extended-A, Cyrillic, ... */
}
