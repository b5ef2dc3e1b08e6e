/* gazetteer.c - loads places.tsv into one buffer and indexes it.
 *
 * The whole file is read into one allocation and split in place (tabs, '|'
 * and newlines become NULs), so every string of every place points into it:
 * one allocation for ~18 MB of text instead of a million small ones.  Four
 * indexes sit beside it, all built once and then read-only:
 *
 *   - names: an open-addressing table (linear probing) with one slot per
 *     distinct (name key, place) pair.  A slot holds the 64-bit hash of the
 *     key, the place and the offset of the name that produced it, so a probe
 *     whose hash matches is confirmed by re-keying that one name: lookups are
 *     exact, and a miss (the common case when trying every n-gram of a text)
 *     costs one hash and a probe;
 *   - tolerant keys: the same for the loose and skeleton keys of the Latin
 *     names (the section "transliteration-tolerant keys" below), but with
 *     32 bits of the hash and the place only, and trusted without re-keying
 *     (struct tol_slot says why); filled in slot order once the file is
 *     read;
 *   - ids: open addressing over place indexes, compared with strcmp;
 *   - countries: a 26 x 26 array indexed by the ISO 3166-1 alpha-2 code.
 *
 * The name key is sitrep_text_fold() followed, in the same buffer, by the
 * cheap normalisations gazetteer.h lists; none of them lengthens a string, so
 * the key never outgrows the folded text.
 *
 * The YAML supplement (gazetteer-yaml.c parses it, the gz_add_* functions at
 * the end of this file apply it) comes after the file: its places grow the
 * arrays and tables (rehashing them), its strings are separate allocations,
 * and its names live in a second buffer whose offsets carry GZ_EXTRA.  Its
 * persons get their own name table over the same keys.
 */
#include "gazetteer.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gazetteer-private.h"
#include "text.h"

/* Larger files are refused rather than read: ours is under 25 MB. */
#define GZ_MAX_FILE_SIZE ((size_t)1 << 30)
/* Names and lookup spans longer than this are not indexed or matched. */
#define GZ_MAX_NAME_BYTES 1024
#define GZ_FIELDS 10
#define GZ_NONE UINT32_MAX
/* Name offsets with this bit set point into extra, not buf: names added by
 * the YAML supplement after the file was split.  buf is at most
 * GZ_MAX_FILE_SIZE (1 GiB), so the bit is free. */
#define GZ_EXTRA ((uint32_t)1 << 31)

struct name_slot {
    uint64_t hash;     /* hash of the name key */
    uint32_t place;    /* index into places; GZ_NONE when the slot is empty */
    uint32_t name_off; /* offset in buf of the NUL-terminated name */
};

/* A slot of the tolerant-key table: the low 32 bits of the key's hash and
 * the place.  Unlike a name_slot it keeps no name to confirm a match by:
 * a probe trusts the 32 bits (a false match about once in four billion
 * comparisons, far below what a key that is itself approximate gets wrong),
 * since re-keying every candidate of a short key ("Bab", "Kala") halved
 * extraction throughput; and 8 bytes a slot keep the table small. */
struct tol_slot {
    uint32_t hash;  /* low half of the key's hash, skeletons' salted */
    uint32_t place; /* GZ_NONE when the slot is empty */
};

struct sitrep_gazetteer {
    char *buf;                   /* the file, split in place; owned */
    struct sitrep_place *places; /* owned; strings point into buf */
    size_t n_places;
    struct name_slot *names; /* owned; names_mask + 1 slots */
    size_t names_mask;
    uint32_t *ids; /* owned; place indexes, ids_mask + 1 slots */
    size_t ids_mask;
    uint32_t countries[26 * 26]; /* place index by ISO2, or GZ_NONE */
    size_t max_name_words;
    size_t names_used, places_cap;
    /* Loose and skeleton keys of the Latin names, in one table (the
     * skeletons' hashes salted); owned. */
    struct tol_slot *tol;
    size_t tol_mask, tol_used;
    /* The hashes of the tolerant keys last added for one place: its many
     * spellings ("Manbij", "Menbij", "Manbidj") share keys, and the loader
     * adds them in a row, so most duplicates are found here without a probe
     * of the large table. */
    uint32_t tol_recent[32];
    size_t tol_recent_n;
    uint32_t tol_recent_place;
    /* While the file loads, its tolerant keys wait here (tol_defer()) and
     * go into the table at the end, in slot order (tol_build()). */
    bool tol_deferring;
    struct tol_slot *tol_pending;
    size_t tol_pending_n, tol_pending_cap;
    /* What the YAML supplement (gazetteer-yaml.c) adds after loading: its
     * names go into extra (addressed by GZ_EXTRA offsets, since extra moves
     * when it grows); every other string it adds is one allocation listed in
     * owned. */
    char *extra;
    size_t extra_len, extra_cap;
    char **owned;
    size_t n_owned, cap_owned;
    /* Persons of the supplement and a name table over their names and
     * aliases (name_slot.place is then a person index). */
    struct sitrep_person *persons;
    size_t n_persons, cap_persons;
    struct name_slot *pnames; /* NULL until the first person */
    size_t pnames_mask, pnames_used;
    size_t max_person_words;
    /* Hashes of the first words of person name keys (0 = empty slot), so
     * that text words no person name starts with cost one probe. */
    uint64_t *pfirst;
    size_t pfirst_mask, pfirst_used;
};

/* Latin letters with diacritics (and a few ligatures and stroked letters) to
 * their ASCII base, lower case; "" leaves the letter as it is.  Derived from
 * Unicode's canonical decompositions (NFD) with scripts/gazetteer's node. */
/* clang-format off */
static const char latin_base_00c0[][3] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
    "i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "",
    "o", "u", "u", "u", "u", "y", "th", "ss", "a", "a", "a", "a",
    "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u",
    "u", "y", "th", "y", "a", "a", "a", "a", "a", "a", "c", "c",
    "c", "c", "c", "c", "c", "c", "d", "d", "d", "d", "e", "e",
    "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
    "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i",
    "i", "i", "i", "i", "i", "i", "", "", "j", "j", "k", "k",
    "k", "l", "l", "l", "l", "l", "l", "", "", "l", "l", "n",
    "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s",
    "s", "s", "s", "s", "s", "s", "t", "t", "t", "t", "", "",
    "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u",
    "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
    "b", "", "", "", "", "", "", "c", "c", "", "d", "d",
    "d", "", "", "", "", "f", "f", "g", "", "", "", "i",
    "k", "k", "l", "", "", "n", "n", "", "o", "o", "", "",
    "p", "p", "", "", "", "", "", "t", "t", "t", "t", "u",
    "u", "", "v", "y", "y", "z", "z", "", "", "", "", "",
    "", "", "", "", "", "", "", "", "", "", "", "",
    "", "", "", "", "", "a", "a", "i", "i", "o", "o", "u",
    "u", "u", "u", "u", "u", "u", "u", "u", "u", "", "a", "a",
    "a", "a", "", "", "", "", "g", "g", "k", "k", "o", "o",
    "o", "o", "", "", "j", "", "", "", "g", "g", "", "",
    "n", "n", "a", "a", "", "", "", "", "a", "a", "a", "a",
    "e", "e", "e", "e", "i", "i", "i", "i", "o", "o", "o", "o",
    "r", "r", "r", "r", "u", "u", "u", "u", "s", "s", "t", "t",
    "", "", "h", "h", "", "", "", "", "", "", "a", "a",
    "e", "e", "o", "o", "o", "o", "o", "o", "o", "o", "y", "y",
    "", "", "", "", "", "", "a", "c", "c", "", "t", "",
    "", "", "", "", "", "", "e", "e", "", "", "", "",
    "r", "r", "", "",
};
static const char latin_base_1e00[][3] = {
    "a", "a", "b", "b", "b", "b", "b", "b", "c", "c", "d", "d",
    "d", "d", "d", "d", "d", "d", "d", "d", "e", "e", "e", "e",
    "e", "e", "e", "e", "e", "e", "f", "f", "g", "g", "h", "h",
    "h", "h", "h", "h", "h", "h", "h", "h", "i", "i", "i", "i",
    "k", "k", "k", "k", "k", "k", "l", "l", "l", "l", "l", "l",
    "l", "l", "m", "m", "m", "m", "m", "m", "n", "n", "n", "n",
    "n", "n", "n", "n", "o", "o", "o", "o", "o", "o", "o", "o",
    "p", "p", "p", "p", "r", "r", "r", "r", "r", "r", "r", "r",
    "s", "s", "s", "s", "s", "s", "s", "s", "s", "s", "t", "t",
    "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u",
    "u", "u", "u", "u", "v", "v", "v", "v", "w", "w", "w", "w",
    "w", "w", "w", "w", "w", "w", "x", "x", "x", "x", "y", "y",
    "z", "z", "z", "z", "z", "z", "h", "t", "w", "y", "", "",
    "", "", "ss", "", "a", "a", "a", "a", "a", "a", "a", "a",
    "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a",
    "a", "a", "a", "a", "e", "e", "e", "e", "e", "e", "e", "e",
    "e", "e", "e", "e", "e", "e", "e", "e", "i", "i", "i", "i",
    "o", "o", "o", "o", "o", "o", "o", "o", "o", "o", "o", "o",
    "o", "o", "o", "o", "o", "o", "o", "o", "o", "o", "o", "o",
    "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u",
    "u", "u", "y", "y", "y", "y", "y", "y", "y", "y", "", "",
    "", "", "", "",
};
/* clang-format on */

/* Rewrites the folded string s (NUL-terminated, valid UTF-8) in place into
 * the name key and returns its length.  Each step writes no more bytes than
 * it reads, so writing behind the read position is safe. */
size_t gz_key_normalise(char *s)
{
    size_t len = strlen(s), r = 0, w = 0;
    bool space = true; /* drops leading separators */

    while (r < len) {
        uint32_t cp;
        size_t n = sitrep_utf8_decode(s + r, len - r, &cp);
        const char *ascii = NULL;
        char tmp[4];
        size_t m;

        if (n == 0) { /* cannot happen on valid input; keep the byte */
            s[w++] = s[r++];
            space = false;
            continue;
        }
        r += n;
        if (cp == ' ' || cp == '\t' || cp == '-' || cp == 0xA0 || (cp >= 0x2010 && cp <= 0x2015)) {
            if (!space)
                s[w++] = ' ';
            space = true;
            continue;
        }
        /* Apostrophes and their look-alikes, combining marks, Arabic vowel
         * marks and tatweel carry no identity in a place name. */
        if (cp == '\'' || cp == '`' || cp == 0x2018 || cp == 0x2019 || cp == 0x2BC || cp == 0x2BB ||
            cp == 0x2B9 || cp == 0x2BE || cp == 0x2BF || cp == 0xB4 ||
            (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x64B && cp <= 0x65F) || cp == 0x670 ||
            cp == 0x640)
            continue;
        space = false;
        if (cp >= 0xC0 && cp <= 0x24F && latin_base_00c0[cp - 0xC0][0])
            ascii = latin_base_00c0[cp - 0xC0];
        else if (cp >= 0x1E00 && cp <= 0x1EFF && latin_base_1e00[cp - 0x1E00][0])
            ascii = latin_base_1e00[cp - 0x1E00];
        if (ascii) {
            m = strlen(ascii);
            memcpy(s + w, ascii, m);
            w += m;
            continue;
        }
        if (cp == 0x451) /* ё */
            cp = 0x435;
        else if (cp == 0x623 || cp == 0x625 || cp == 0x622 || cp == 0x671) /* alef forms */
            cp = 0x627;
        else if (cp == 0x649 || cp == 0x6CC) /* alef maqsura, Persian yeh */
            cp = 0x64A;
        else if (cp == 0x6A9) /* keheh */
            cp = 0x643;
        m = sitrep_utf8_encode(cp, tmp);
        memcpy(s + w, tmp, m);
        w += m;
    }
    if (w > 0 && s[w - 1] == ' ')
        w--;
    s[w] = '\0';
    return w;
}

/* The name key of s[0..len), newly allocated (caller frees), or NULL when s
 * is invalid UTF-8, too long or memory runs out. */
static char *name_key(const char *s, size_t len, size_t *key_len)
{
    char *key;

    if (len == 0 || len > GZ_MAX_NAME_BYTES || !sitrep_utf8_valid(s, len, NULL))
        return NULL;
    key = sitrep_text_fold(s, len);
    if (key)
        *key_len = gz_key_normalise(key);
    return key;
}

/* FNV-1a with a final avalanche, so that the low bits index the tables. */
static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = sitrep_fnv1a(SITREP_FNV_SEED, s, len);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

static size_t count_words(const char *key)
{
    size_t words = 0;
    bool in_word = false;
    for (; *key; key++) {
        if (*key == ' ') {
            in_word = false;
        } else if (!in_word) {
            in_word = true;
            words++;
        }
    }
    return words;
}

/* The NUL-terminated name at a name offset. */
static const char *name_at(const sitrep_gazetteer *gz, uint32_t off)
{
    return (off & GZ_EXTRA) ? gz->extra + (off & ~GZ_EXTRA) : gz->buf + off;
}

/* True when the name at offset off has this key. */
static bool name_has_key(const sitrep_gazetteer *gz, uint32_t off, const char *key, size_t key_len)
{
    const char *name = name_at(gz, off);
    size_t other_len = 0;
    char *other = name_key(name, strlen(name), &other_len);
    bool same = other && other_len == key_len && memcmp(other, key, key_len) == 0;
    free(other);
    return same;
}

/* ---- transliteration-tolerant keys ----
 *
 * The press writes one Arabic, Persian, Kurdish, Turkish, Ukrainian or
 * Russian place name in more romanisations than any list of alternate names
 * holds ("Deir Ezzor", "Dayr az Zawr"; "Menbej", "Manbij"; "al-Raqqa", "Ar
 * Raqqah").  Two more keys, computed from the name key (case, diacritics,
 * apostrophes and hyphens are gone already), absorb the usual variation.
 * The rules are the tables below; per word of the name:
 *
 *   - the loose key drops an Arabic article (tol_articles: a word, or one
 *     assimilated to the next word's doubled sun letter, "Deir Ezzor" as
 *     "Deir Zor"), reads each spelling of tol_spellings as one consonant,
 *     writes a doubled letter once, drops a final "h" after a vowel
 *     ("Raqqah" = "Raqqa"), and writes each run of vowels as its class in
 *     tol_vowel_class (A: a, ia; I: e, i, ai, ay, ei; U: o, u, ou, au, aw),
 *     a final "-eh" as A (taa marbuta: "Teir Maaleh" = "Ter Ma'la").  "y"
 *     is a vowel except first in a word or between vowels ("Kyiv" = "Kiev";
 *     "Mayadin"), "w" only after "a" before a consonant ("Zawr" = "Zor").
 *     "Deir Ezzor" and "Dayr az Zawr" both give "dIr zUr";
 *   - the skeleton key keeps the loose key's consonants, merging those that
 *     romanisations disagree on (tol_skeleton: kh/h, q/k, j/g, v/w, ...), a
 *     repeated one once: "Menbej" and "Manbij" both give "mnbg".
 *
 * Words stay apart in both keys: joined, "Mir Hossein" would be Wade-Giles
 * "Mao-erh-shan".  A name with a letter outside ASCII after folding
 * (Cyrillic, Arabic, ...) or a digit has no tolerant keys: it matches
 * exactly or not at all.  Keys with fewer consonants than the minimums
 * below are not made.  Skeletons are weak evidence: of the capitalised
 * spans of the UCDP Syria headlines that matched a place only by skeleton,
 * 3.0 % of 8,503 with three consonants and 0.7 % of 9,343 with four named a
 * place within 25 km of the event, so sitrep_gazetteer_lookup_loose() tries
 * the skeleton only when the loose key finds nothing, and extract-places.c
 * takes it only with support.  scripts/eval-extract mirrors these rules in
 * Python for its oracle: change both together. */

/* Fewer consonants than this give no loose key ("Al", "Aya"). */
#define TOL_MIN_LOOSE_CONSONANTS 2
/* Fewer consonants than this give no skeleton key. */
#define TOL_MIN_SKELETON 4
/* Mixed into skeleton hashes, so that a skeleton and a loose key of the same
 * bytes ("krk") land in different slots. */
#define TOL_SKELETON_SALT 0x9e3779b97f4a7c15ULL

enum tol_kind { TOL_LOOSE, TOL_SKELETON };

struct tol_keys {
    char loose[GZ_MAX_NAME_BYTES + 1];
    size_t loose_len; /* 0: no loose key */
    char skeleton[GZ_MAX_NAME_BYTES + 1];
    size_t skeleton_len; /* 0: none, or too short to index */
};

/* The Arabic article as romanisations write it, alone or assimilated to a
 * sun letter ("ash-Sham", "ez-Zor"); dropped as words, except as a name's
 * last word.  A few are also words of European names ("en", "es"), where
 * dropping them costs nothing: both sides of a match drop them. */
static const char *const tol_articles[] = {
    "al", "el", "il",  "ul", "ar", "er", "as", "es",  "ash", "esh",
    "ad", "ed", "adh", "az", "ez", "at", "et", "ath", "an",  "en",
};

/* Spellings of one consonant in the romanisation systems the press uses,
 * tried in this order at each letter (a longer spelling before its
 * prefixes); upper case stands for a consonant written with two letters. */
static const struct {
    char from[5];
    char to;
} tol_spellings[] = {
    {"tsch", 'c'}, /* ч, German: Tschernihiw */
    {"dzh", 'j'},  /* дж, ج in Russian transcription: Manbidzh */
    {"tch", 'c'},  /* ч, French: Tchernigov */
    {"sch", 'S'},  /* ш, German: Schachtarsk */
    {"cz", 'c'},   /* ч, Polish: Czernihów (č folds to c) */
    {"ch", 'c'},   /* ч, English: Chernihiv */
    {"dj", 'j'},   /* ج, French: Djisr ech Choghour */
    {"kh", 'K'},   /* خ, х */
    {"gh", 'G'},   /* غ */
    {"sh", 'S'},   /* ش, ш */
    {"th", 'T'},   /* ث */
    {"dh", 'D'},   /* ذ, ض */
    {"zh", 'Z'},   /* ж, ظ */
    {"ph", 'f'},   {"ck", 'k'},
};
/* The letters a spelling above can start with: a cheap test before the
 * table, since the loader computes keys for 400,000 names. */
static const bool tol_spelling_start[128] = {
    ['c'] = true, ['d'] = true, ['g'] = true, ['k'] = true,
    ['p'] = true, ['s'] = true, ['t'] = true, ['z'] = true,
};

/* What the skeleton writes for a consonant of the loose key, where
 * romanisations disagree: the two-letter consonants as their base letter
 * (Arabic خ is "kh", "h" or "ch"), q as k (Iraqi and Gulf "g" aside), j as g
 * (Egyptian ج), c as k, v as w (Kharkiv, Charkiw); a consonantal y is dropped
 * (Mayadin, Miadin), written '-' here.  Consonants not listed stay as they
 * are. */
static const char tol_skeleton[128] = {
    ['K'] = 'h', ['G'] = 'g', ['S'] = 's', ['T'] = 't', ['D'] = 'd', ['Z'] = 'z',
    ['q'] = 'k', ['j'] = 'g', ['c'] = 'k', ['v'] = 'w', ['y'] = '-', /* dropped */
};

static bool tol_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

static bool tol_article(const char *w, size_t n)
{
    if (n < 2 || n > 3)
        return false;
    for (size_t k = 0; k < sizeof tol_articles / sizeof tol_articles[0]; k++)
        if (tol_articles[k][0] == w[0] && strlen(tol_articles[k]) == n &&
            memcmp(tol_articles[k], w, n) == 0)
            return true;
    return false;
}

/* The skeleton's letter for a consonant symbol, or '\0' to drop it. */
static char tol_skeleton_of(char c)
{
    char m = tol_skeleton[(unsigned char)c & 127];
    return m == '-' ? '\0' : m ? m : c;
}

/* The class of one vowel letter (y and w where they are vowels). */
static const char tol_vowel_class[128] = {
    ['a'] = 'A', ['e'] = 'I', ['i'] = 'I', ['y'] = 'I', ['o'] = 'U', ['u'] = 'U', ['w'] = 'U',
};

static char tol_class(char c)
{
    return tol_vowel_class[(unsigned char)c & 127];
}

/* The class of a run of vowels: a diphthong after "a" (ai, ay, au, aw) by
 * its second letter, any other run with an "a" (ia, ya, ea) A, the rest by
 * its first letter (ou U, ei I). */
static char tol_run_class(const char *run, size_t n)
{
    if (n > 1 && run[0] == 'a')
        return tol_class(run[1]);
    if (memchr(run, 'a', n))
        return 'A';
    return tol_class(run[0]);
}

/* The word w[0..n) as symbols: letters, with tol_spellings read as one
 * consonant, a doubled symbol once, and a final "h" after a vowel dropped
 * (*final_h tells).  sym has room for n symbols; returns how many there are. */
static size_t tol_symbols(const char *w, size_t n, char *sym, bool *final_h)
{
    size_t i = 0, m = 0;

    while (i < n) {
        char s = w[i];
        size_t used = 1;
        bool may_spell = i + 1 < n && tol_spelling_start[(unsigned char)w[i] & 127];
        for (size_t k = 0; may_spell && k < sizeof tol_spellings / sizeof tol_spellings[0]; k++) {
            const char *f = tol_spellings[k].from;
            size_t fl = 0;
            while (f[fl] && i + fl < n && f[fl] == w[i + fl])
                fl++;
            if (!f[fl]) {
                s = tol_spellings[k].to;
                used = fl;
                break;
            }
        }
        i += used;
        if (m == 0 || sym[m - 1] != s)
            sym[m++] = s;
    }
    *final_h = m > 2 && sym[m - 1] == 'h' && tol_vowel(sym[m - 2]);
    if (*final_h)
        m--;
    return m;
}

/* Marks which symbols of sym[0..m) are vowels: a, e, i, o, u; "y" except
 * first in a word or between vowels; "w" after "a" before a consonant. */
static void tol_vocalic(const char *sym, size_t m, bool *voc)
{
    for (size_t i = 0; i < m; i++) {
        bool prev = i > 0 && tol_vowel(sym[i - 1]), next = i + 1 < m && tol_vowel(sym[i + 1]);
        if (sym[i] == 'y')
            voc[i] = i > 0 && !(prev && next);
        else if (sym[i] == 'w')
            voc[i] = i > 0 && sym[i - 1] == 'a' && !next;
        else
            voc[i] = tol_vowel(sym[i]);
    }
}

/* True when an ASCII letter starts a word at key[i] anywhere in key[i..len). */
static bool tol_more_words(const char *key, size_t i, size_t len)
{
    for (; i < len; i++)
        if (key[i] >= 'a' && key[i] <= 'z')
            return true;
    return false;
}

/* Computes both tolerant keys of the name key key[0..len). */
static void tol_keys_of(const char *key, size_t len, struct tol_keys *k)
{
    char sym[GZ_MAX_NAME_BYTES];
    bool voc[GZ_MAX_NAME_BYTES];
    size_t lo = 0, sk = 0, consonants = 0, skeleton_consonants = 0, word_no = 0, i = 0;

    k->loose_len = k->skeleton_len = 0;
    if (len > GZ_MAX_NAME_BYTES)
        return;
    for (size_t j = 0; j < len; j++) {
        unsigned char c = (unsigned char)key[j];
        if (c >= 0x80 || (c >= '0' && c <= '9'))
            return;
    }
    while (i < len) {
        const char *w;
        size_t n, m;
        bool final_h;

        /* Anything but a letter separates words: spaces, '.', '(', ... */
        while (i < len && !(key[i] >= 'a' && key[i] <= 'z'))
            i++;
        if (i == len)
            break;
        w = key + i;
        while (i < len && key[i] >= 'a' && key[i] <= 'z')
            i++;
        n = (size_t)(key + i - w);
        word_no++;
        if (tol_article(w, n) && tol_more_words(key, i, len))
            continue;
        /* "Ezzor", "Assuwayda": an article assimilated to a doubled sun
         * letter.  Not in a name's first word, where "Essen" and "Ennis"
         * would lose their first letters. */
        if (word_no > 1 && n >= 5 && (w[0] == 'a' || w[0] == 'e') && strchr("tdrzsn", w[1]) &&
            w[2] == w[1] && tol_vowel(w[3])) {
            w += 2;
            n -= 2;
        }
        m = tol_symbols(w, n, sym, &final_h);
        tol_vocalic(sym, m, voc);
        /* Words stay apart: joined, "Mir Hossein" would be "Mao-erh-shan". */
        if (lo > 0)
            k->loose[lo++] = ' ';
        if (sk > 0 && k->skeleton[sk - 1] != ' ')
            k->skeleton[sk++] = ' ';
        for (size_t s = 0; s < m;) {
            if (voc[s]) {
                size_t e = s;
                char cls;
                while (e < m && voc[e])
                    e++;
                cls = tol_run_class(sym + s, e - s);
                if (e == m && s > 0 && cls == 'I' && sym[e - 1] == 'e' && final_h)
                    cls = 'A';
                k->loose[lo++] = cls;
                s = e;
            } else {
                char c = tol_skeleton_of(sym[s]);
                k->loose[lo++] = sym[s];
                consonants++;
                if (c && (sk == 0 || k->skeleton[sk - 1] != c)) {
                    k->skeleton[sk++] = c;
                    skeleton_consonants++;
                }
                s++;
            }
        }
    }
    if (sk > 0 && k->skeleton[sk - 1] == ' ')
        sk--;
    if (consonants >= TOL_MIN_LOOSE_CONSONANTS)
        k->loose_len = lo;
    if (skeleton_consonants >= TOL_MIN_SKELETON)
        k->skeleton_len = sk;
    k->loose[lo] = '\0';
    k->skeleton[sk] = '\0';
}

static uint64_t tol_hash(enum tol_kind kind, const char *key, size_t len)
{
    uint64_t h = hash_bytes(key, len);
    return kind == TOL_SKELETON ? h ^ TOL_SKELETON_SALT : h;
}

static int kind_rank(enum sitrep_place_kind kind)
{
    switch (kind) {
    case SITREP_PLACE_COUNTRY:
        return 0;
    case SITREP_PLACE_ADMIN1:
        return 1;
    case SITREP_PLACE_REGION:
        return 2;
    case SITREP_PLACE_CITY:
        return 3;
    }
    return 4;
}

/* True when place a should be listed before place b. */
static bool ranks_before(const sitrep_gazetteer *gz, uint32_t a, uint32_t b)
{
    const struct sitrep_place *pa = &gz->places[a], *pb = &gz->places[b];
    int ka = kind_rank(pa->kind), kb = kind_rank(pb->kind);
    if (ka != kb)
        return ka < kb;
    if (pa->population != pb->population)
        return pa->population > pb->population;
    return a < b; /* file order: deterministic */
}

/* Keeps the best max candidates in out, best first, by insertion: the number
 * of places sharing a name is small, and this needs no allocation. */
static void keep_best(const sitrep_gazetteer *gz, uint32_t place, const struct sitrep_place **out,
                      size_t max, size_t *kept)
{
    size_t i = *kept;
    if (max == 0)
        return;
    if (i == max) {
        if (!ranks_before(gz, place, (uint32_t)(out[max - 1] - gz->places)))
            return;
        i = max - 1;
    } else {
        (*kept)++;
    }
    while (i > 0 && ranks_before(gz, place, (uint32_t)(out[i - 1] - gz->places))) {
        out[i] = out[i - 1];
        i--;
    }
    out[i] = &gz->places[place];
}

/* Collects the places with the name key key[0..key_len). */
static size_t names_lookup(const sitrep_gazetteer *gz, const char *key, size_t key_len,
                           const struct sitrep_place **out, size_t max)
{
    uint64_t h = hash_bytes(key, key_len);
    size_t total = 0, kept = 0;

    for (size_t i = h & gz->names_mask;; i = (i + 1) & gz->names_mask) {
        const struct name_slot *slot = &gz->names[i];
        if (slot->place == GZ_NONE)
            break;
        if (slot->hash == h && name_has_key(gz, slot->name_off, key, key_len)) {
            total++;
            keep_best(gz, slot->place, out, max, &kept);
        }
    }
    return total;
}

size_t sitrep_gazetteer_lookup_name(const sitrep_gazetteer *gz, const char *name, size_t len,
                                    const struct sitrep_place **out, size_t max)
{
    size_t key_len = 0, total = 0;
    char *key = NULL;

    if (!gz || !name || !gz->names)
        goto out;
    key = name_key(name, len, &key_len);
    if (!key || key_len == 0)
        goto out;
    total = names_lookup(gz, key, key_len, out, max);
out:
    free(key);
    return total;
}

/* Collects the places with the tolerant key of kind key[0..key_len) (the
 * hash decides: see struct tol_slot). */
static size_t tol_lookup(const sitrep_gazetteer *gz, enum tol_kind kind, const char *key,
                         size_t key_len, const struct sitrep_place **out, size_t max)
{
    uint32_t h = (uint32_t)tol_hash(kind, key, key_len);
    size_t total = 0, kept = 0;

    for (size_t i = h & gz->tol_mask;; i = (i + 1) & gz->tol_mask) {
        const struct tol_slot *slot = &gz->tol[i];
        if (slot->place == GZ_NONE)
            break;
        if (slot->hash == h) {
            total++;
            keep_best(gz, slot->place, out, max, &kept);
        }
    }
    return total;
}

size_t sitrep_gazetteer_lookup_loose(const sitrep_gazetteer *gz, const char *name, size_t len,
                                     const struct sitrep_place **out, size_t max,
                                     enum sitrep_name_match *how)
{
    size_t key_len = 0, total = 0;
    char *key = NULL;
    struct tol_keys k;

    if (how)
        *how = SITREP_MATCH_NONE;
    if (!gz || !name || !gz->names)
        goto out;
    key = name_key(name, len, &key_len);
    if (!key || key_len == 0)
        goto out;
    total = names_lookup(gz, key, key_len, out, max);
    if (total) {
        if (how)
            *how = SITREP_MATCH_EXACT;
        goto out;
    }
    if (!gz->tol)
        goto out;
    tol_keys_of(key, key_len, &k);
    if (k.loose_len) {
        total = tol_lookup(gz, TOL_LOOSE, k.loose, k.loose_len, out, max);
        if (total && how)
            *how = SITREP_MATCH_LOOSE;
    }
    if (!total && k.skeleton_len) {
        total = tol_lookup(gz, TOL_SKELETON, k.skeleton, k.skeleton_len, out, max);
        if (total && how)
            *how = SITREP_MATCH_SKELETON;
    }
out:
    free(key);
    return total;
}

const struct sitrep_place *sitrep_gazetteer_get(const sitrep_gazetteer *gz, const char *id)
{
    const struct sitrep_place *found = NULL;
    uint64_t h;

    if (!gz || !id || !gz->ids)
        goto out;
    h = hash_bytes(id, strlen(id));
    for (size_t i = h & gz->ids_mask;; i = (i + 1) & gz->ids_mask) {
        uint32_t p = gz->ids[i];
        if (p == GZ_NONE)
            break;
        if (strcmp(gz->places[p].id, id) == 0) {
            found = &gz->places[p];
            break;
        }
    }
out:
    return found;
}

static int country_slot(const char *iso2)
{
    int a, b;
    if (!iso2 || !iso2[0] || !iso2[1] || iso2[2])
        return -1;
    a = (unsigned char)iso2[0];
    b = (unsigned char)iso2[1];
    a = (a >= 'a' && a <= 'z') ? a - 'a' : (a >= 'A' && a <= 'Z') ? a - 'A' : -1;
    b = (b >= 'a' && b <= 'z') ? b - 'a' : (b >= 'A' && b <= 'Z') ? b - 'A' : -1;
    if (a < 0 || b < 0)
        return -1;
    return a * 26 + b;
}

const struct sitrep_place *sitrep_gazetteer_country(const sitrep_gazetteer *gz, const char *iso2)
{
    int slot = country_slot(iso2);
    if (!gz || slot < 0 || gz->countries[slot] == GZ_NONE)
        return NULL;
    return &gz->places[gz->countries[slot]];
}

size_t sitrep_gazetteer_resolve(const sitrep_gazetteer *gz, const char *query,
                                const struct sitrep_place **out, size_t max)
{
    const struct sitrep_place *p;
    size_t n = 0;

    if (!gz || !query)
        goto out;
    p = sitrep_gazetteer_get(gz, query);
    if (!p)
        p = sitrep_gazetteer_country(gz, query);
    if (p) {
        if (max > 0)
            out[0] = p;
        n = 1;
        goto out;
    }
    n = sitrep_gazetteer_lookup_name(gz, query, strlen(query), out, max);
out:
    return n;
}

size_t sitrep_gazetteer_size(const sitrep_gazetteer *gz)
{
    return gz ? gz->n_places : 0;
}

size_t sitrep_gazetteer_max_name_words(const sitrep_gazetteer *gz)
{
    return gz ? gz->max_name_words : 0;
}

void sitrep_gazetteer_destroy(sitrep_gazetteer *gz)
{
    if (!gz)
        return;
    free(gz->buf);
    free(gz->places);
    free(gz->names);
    free(gz->tol);
    free(gz->tol_pending);
    free(gz->ids);
    free(gz->extra);
    for (size_t i = 0; i < gz->n_owned; i++)
        free(gz->owned[i]);
    free(gz->owned);
    free(gz->persons);
    free(gz->pnames);
    free(gz->pfirst);
    free(gz);
}

/* ---- loading ---- */

/* Sets *errmsg (when wanted) to a new "path:line: reason" message. */
static void set_error(char **errmsg, const char *path, size_t line, const char *fmt, ...)
{
    char reason[256], *msg;
    size_t size;
    va_list ap;

    if (!errmsg)
        return;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    size = strlen(path) + strlen(reason) + 32;
    msg = malloc(size);
    if (msg) {
        if (line > 0)
            snprintf(msg, size, "%s:%zu: %s", path, line, reason);
        else
            snprintf(msg, size, "%s: %s", path, reason);
    }
    *errmsg = msg;
}

/* Reads the whole file into a new NUL-terminated buffer. */
static sitrep_status read_file(const char *path, char **out, size_t *out_len, char **errmsg)
{
    sitrep_status status = SITREP_ERR_IO;
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, len = 0;

    *out = NULL;
    if (!f) {
        set_error(errmsg, path, 0, "cannot open: %s", strerror(errno));
        goto out;
    }
    /* Grow by doubling rather than trusting a size from stat: works on pipes
     * and on files that change under us. */
    for (;;) {
        size_t got;
        if (cap - len < 2) {
            size_t ncap = cap ? cap * 2 : (size_t)1 << 24;
            char *nbuf;
            if (ncap > GZ_MAX_FILE_SIZE + 2) {
                status = SITREP_ERR_INVALID;
                set_error(errmsg, path, 0, "larger than %zu bytes", GZ_MAX_FILE_SIZE);
                goto out;
            }
            nbuf = realloc(buf, ncap);
            if (!nbuf) {
                status = SITREP_ERR_NOMEM;
                set_error(errmsg, path, 0, "out of memory");
                goto out;
            }
            buf = nbuf;
            cap = ncap;
        }
        got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        set_error(errmsg, path, 0, "read error: %s", strerror(errno));
        goto out;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    buf = NULL;
    status = SITREP_OK;
out:
    if (f)
        fclose(f);
    free(buf);
    return status;
}

bool gz_parse_kind(const char *s, enum sitrep_place_kind *kind)
{
    static const struct {
        const char *name;
        enum sitrep_place_kind kind;
    } kinds[] = {
        {"country", SITREP_PLACE_COUNTRY},
        {"admin1", SITREP_PLACE_ADMIN1},
        {"city", SITREP_PLACE_CITY},
        {"region", SITREP_PLACE_REGION},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(s, kinds[i].name) == 0) {
            *kind = kinds[i].kind;
            return true;
        }
    }
    return false;
}

/* An empty coordinate is unknown (NaN); anything else must be a number in
 * [-limit, limit]. */
static bool parse_coord(const char *s, double limit, double *out)
{
    char *end;
    double v;
    if (!*s) {
        *out = NAN;
        return true;
    }
    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= -limit && v <= limit))
        return false;
    *out = v;
    return true;
}

static bool parse_population(const char *s, long *out)
{
    char *end;
    long v;
    if (!*s) {
        *out = 0;
        return true;
    }
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

static size_t table_size_for(size_t n)
{
    /* A load factor under 2/3 keeps linear-probing misses short. */
    size_t size = 1024;
    while (size < n + n / 2 + 1)
        size *= 2;
    return size;
}

/* Puts (hash, place) into a free slot; no duplicate check. */
static void tol_insert(struct tol_slot *table, size_t mask, uint32_t h, uint32_t place)
{
    size_t i = h & mask;
    while (table[i].place != GZ_NONE)
        i = (i + 1) & mask;
    table[i] = (struct tol_slot){h, place};
}

/* Makes room in the tolerant-key table for more keys, rehashing into a
 * larger table when the load factor would pass 2/3. */
static sitrep_status reserve_tol(sitrep_gazetteer *gz, size_t more)
{
    size_t size = table_size_for(gz->tol_used + more);
    struct tol_slot *n;

    if (gz->tol && gz->tol_mask + 1 >= size)
        return SITREP_OK;
    n = malloc(size * sizeof *n);
    if (!n)
        return SITREP_ERR_NOMEM;
    memset(n, 0xFF, size * sizeof *n); /* place = GZ_NONE everywhere */
    for (size_t i = 0; gz->tol && i <= gz->tol_mask; i++)
        if (gz->tol[i].place != GZ_NONE)
            tol_insert(n, size - 1, gz->tol[i].hash, gz->tol[i].place);
    free(gz->tol);
    gz->tol = n;
    gz->tol_mask = size - 1;
    return SITREP_OK;
}

/* Adds (h, place) to the table unless it is there already. */
static sitrep_status tol_add(sitrep_gazetteer *gz, uint32_t h, uint32_t place)
{
    sitrep_status status = reserve_tol(gz, 1);
    size_t i;

    if (status != SITREP_OK)
        goto out;
    for (i = h & gz->tol_mask; gz->tol[i].place != GZ_NONE; i = (i + 1) & gz->tol_mask)
        if (gz->tol[i].place == place && gz->tol[i].hash == h)
            goto out;
    gz->tol[i] = (struct tol_slot){h, place};
    gz->tol_used++;
out:
    return status;
}

/* Keeps (h, place) for tol_build() while the loader reads the file. */
static sitrep_status tol_defer(sitrep_gazetteer *gz, uint32_t h, uint32_t place)
{
    if (gz->tol_pending_n == gz->tol_pending_cap) {
        /* First as many as the name table has slots: about what a file
         * with 80 % Latin names needs. */
        size_t cap = gz->tol_pending_cap ? gz->tol_pending_cap * 2 : gz->names_mask + 1;
        struct tol_slot *n = realloc(gz->tol_pending, cap * sizeof *n);
        if (!n)
            return SITREP_ERR_NOMEM;
        gz->tol_pending = n;
        gz->tol_pending_cap = cap;
    }
    gz->tol_pending[gz->tol_pending_n++] = (struct tol_slot){h, place};
    return SITREP_OK;
}

/* Fills the tolerant-key table with the keys tol_defer() kept, in the order
 * of their slots (a radix sort, 11 bits a pass): added in file order, every
 * key was a cache miss in the large table, a fifth of the load time.  The
 * table, at least 1.5 times as large, is the sort's second buffer. */
static sitrep_status tol_build(sitrep_gazetteer *gz)
{
    size_t n = gz->tol_pending_n, size = table_size_for(n), mask = size - 1, bits = 0;
    struct tol_slot *keys = gz->tol_pending, *table = malloc(size * sizeof *table), *other;
    sitrep_status status = SITREP_ERR_NOMEM;

    gz->tol_pending = NULL;
    gz->tol_pending_n = gz->tol_pending_cap = 0;
    if (!table)
        goto out;
    other = table;
    while (((size_t)1 << bits) < size)
        bits++;
    for (size_t shift = 0; n > 0 && shift < bits; shift += 11) {
        size_t count[2048 + 1] = {0};
        struct tol_slot *swap;
        for (size_t i = 0; i < n; i++)
            count[(((keys[i].hash & mask) >> shift) & 2047) + 1]++;
        for (size_t d = 1; d <= 2048; d++)
            count[d] += count[d - 1];
        for (size_t i = 0; i < n; i++)
            other[count[((keys[i].hash & mask) >> shift) & 2047]++] = keys[i];
        swap = keys, keys = other, other = swap;
    }
    if (keys == table) { /* an odd number of passes: back to the other buffer */
        memcpy(other, table, n * sizeof *table);
        keys = other;
    }
    free(gz->tol);
    gz->tol = table;
    gz->tol_mask = mask;
    gz->tol_used = 0;
    memset(table, 0xFF, size * sizeof *table); /* place = GZ_NONE everywhere */
    status = SITREP_OK;
    for (size_t i = 0; i < n && status == SITREP_OK; i++)
        status = tol_add(gz, keys[i].hash, keys[i].place);
out:
    free(keys);
    return status;
}

/* Adds the tolerant key of kind key[0..key_len) for place unless the place
 * has it already ("Menbij", "Manbij": one loose key). */
static sitrep_status add_tol_key(sitrep_gazetteer *gz, enum tol_kind kind, const char *key,
                                 size_t key_len, uint32_t place)
{
    uint32_t h = (uint32_t)tol_hash(kind, key, key_len);
    sitrep_status status = SITREP_OK;

    if (gz->tol_recent_place != place) {
        gz->tol_recent_place = place;
        gz->tol_recent_n = 0;
    }
    for (size_t k = 0; k < gz->tol_recent_n; k++)
        if (gz->tol_recent[k] == h)
            goto out;
    status = gz->tol_deferring ? tol_defer(gz, h, place) : tol_add(gz, h, place);
    if (status == SITREP_OK && gz->tol_recent_n < sizeof gz->tol_recent / sizeof gz->tol_recent[0])
        gz->tol_recent[gz->tol_recent_n++] = h;
out:
    return status;
}

/* Adds the tolerant keys of a name whose name key is key[0..key_len). */
static sitrep_status add_tolerant_keys(sitrep_gazetteer *gz, uint32_t place, const char *key,
                                       size_t key_len)
{
    sitrep_status status = SITREP_OK;
    struct tol_keys k;

    tol_keys_of(key, key_len, &k);
    if (k.loose_len)
        status = add_tol_key(gz, TOL_LOOSE, k.loose, k.loose_len, place);
    if (status == SITREP_OK && k.skeleton_len)
        status = add_tol_key(gz, TOL_SKELETON, k.skeleton, k.skeleton_len, place);
    return status;
}

/* Adds (key of the name at off, place) to the name table unless the place
 * already has that key.  Over-long names are skipped (nothing could look them
 * up); the only failure is SITREP_ERR_NOMEM. */
static sitrep_status add_name(sitrep_gazetteer *gz, uint32_t place, uint32_t off)
{
    sitrep_status status = SITREP_OK;
    const char *name = name_at(gz, off);
    size_t key_len = 0, len = strlen(name);
    char *key;
    uint64_t h;
    size_t i, words;

    if (len == 0 || len > GZ_MAX_NAME_BYTES)
        goto out; /* not indexed: nothing could match it */
    key = name_key(name, len, &key_len);
    if (!key) {
        status = SITREP_ERR_NOMEM;
        goto out;
    }
    if (key_len == 0)
        goto done;
    words = count_words(key);
    if (words > gz->max_name_words)
        gz->max_name_words = words;
    h = hash_bytes(key, key_len);
    for (i = h & gz->names_mask; gz->names[i].place != GZ_NONE; i = (i + 1) & gz->names_mask) {
        const struct name_slot *slot = &gz->names[i];
        if (slot->place == place && slot->hash == h &&
            name_has_key(gz, slot->name_off, key, key_len))
            goto done; /* a variant that keys the same: "Charkow", "Charków" */
    }
    gz->names[i].hash = h;
    gz->names[i].place = place;
    gz->names[i].name_off = off;
    gz->names_used++;
    status = add_tolerant_keys(gz, place, key, key_len);
done:
    free(key);
out:
    return status;
}

/* Splits one line (already NUL-terminated) into fields at tabs; returns the
 * number of fields, at most max (the last keeps any further tabs). */
static size_t split_fields(char *line, char **fields, size_t max)
{
    size_t n = 0;
    fields[n++] = line;
    for (char *p = line; *p && n < max + 1; p++) {
        if (*p == '\t') {
            *p = '\0';
            if (n == max) /* one too many: report it */
                return max + 1;
            fields[n++] = p + 1;
        }
    }
    return n;
}

sitrep_status sitrep_gazetteer_load(const char *path, sitrep_gazetteer **out, char **errmsg)
{
    sitrep_status status = SITREP_ERR_INVALID;
    sitrep_gazetteer *gz = NULL;
    size_t len = 0, lines = 1, n_names = 0, line_no = 0, bad = 0;
    char *p, *end;

    if (out)
        *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    if (!path || !out) {
        set_error(errmsg, path ? path : "(null)", 0, "invalid argument");
        goto out;
    }
    gz = calloc(1, sizeof *gz);
    if (!gz) {
        status = SITREP_ERR_NOMEM;
        set_error(errmsg, path, 0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < 26 * 26; i++)
        gz->countries[i] = GZ_NONE;
    status = read_file(path, &gz->buf, &len, errmsg);
    if (status != SITREP_OK)
        goto out;
    if (len >= UINT32_MAX) {
        status = SITREP_ERR_INVALID;
        set_error(errmsg, path, 0, "too large");
        goto out;
    }
    if (!sitrep_utf8_valid(gz->buf, len, &bad)) {
        size_t line = 1;
        for (size_t i = 0; i < bad; i++)
            line += gz->buf[i] == '\n';
        status = SITREP_ERR_INVALID;
        set_error(errmsg, path, line, "invalid UTF-8");
        goto out;
    }
    if (memchr(gz->buf, '\0', len)) {
        size_t line = 1;
        for (const char *q = gz->buf; *q; q++)
            line += *q == '\n';
        status = SITREP_ERR_INVALID;
        set_error(errmsg, path, line, "NUL byte");
        goto out;
    }
    /* Upper bounds for the arrays: one place per line, and one name per '|'
     * plus one per place (canonical name) plus one per line (first alt). */
    for (size_t i = 0; i < len; i++) {
        lines += gz->buf[i] == '\n';
        n_names += gz->buf[i] == '|';
    }
    n_names += 2 * lines;
    gz->places = calloc(lines, sizeof *gz->places);
    gz->places_cap = lines;
    gz->names_mask = table_size_for(n_names) - 1;
    gz->names = malloc((gz->names_mask + 1) * sizeof *gz->names);
    gz->ids_mask = table_size_for(lines) - 1;
    gz->ids = malloc((gz->ids_mask + 1) * sizeof *gz->ids);
    if (!gz->places || !gz->names || !gz->ids) {
        status = SITREP_ERR_NOMEM;
        set_error(errmsg, path, 0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i <= gz->names_mask; i++)
        gz->names[i].place = GZ_NONE;
    memset(gz->ids, 0xFF, (gz->ids_mask + 1) * sizeof *gz->ids);
    gz->tol_deferring = true;

    status = SITREP_OK;
    for (p = gz->buf; p < gz->buf + len; p = end + 1) {
        char *f[GZ_FIELDS + 1];
        struct sitrep_place *pl;
        uint32_t idx;
        size_t nf, slot;
        uint64_t h;

        line_no++;
        end = strchr(p, '\n');
        if (!end)
            end = gz->buf + len;
        *end = '\0';
        if (end > p && end[-1] == '\r')
            end[-1] = '\0';
        if (*p == '\0' || *p == '#')
            continue;
        nf = split_fields(p, f, GZ_FIELDS);
        if (nf != GZ_FIELDS) {
            status = SITREP_ERR_INVALID;
            set_error(errmsg, path, line_no, "expected %d tab-separated fields, got %s%zu",
                      GZ_FIELDS, nf > GZ_FIELDS ? "more than " : "",
                      nf > GZ_FIELDS ? GZ_FIELDS : nf);
            goto out;
        }
        idx = (uint32_t)gz->n_places;
        pl = &gz->places[idx];
        pl->id = f[0];
        pl->name = f[2];
        pl->country = f[3];
        pl->admin1_id = f[4];
        pl->admin1 = f[5];
        if (!*pl->id || strchr(pl->id, ' ')) {
            status = SITREP_ERR_INVALID;
            set_error(errmsg, path, line_no, "empty id or id with a space");
            goto out;
        }
        if (!gz_parse_kind(f[1], &pl->kind)) {
            status = SITREP_ERR_INVALID;
            set_error(errmsg, path, line_no, "unknown kind \"%.40s\"", f[1]);
            goto out;
        }
        if (!*pl->name) {
            status = SITREP_ERR_INVALID;
            set_error(errmsg, path, line_no, "empty name");
            goto out;
        }
        if (*pl->country && country_slot(pl->country) < 0) {
            status = SITREP_ERR_INVALID;
            set_error(errmsg, path, line_no, "country \"%.40s\" is not a two-letter code",
                      pl->country);
            goto out;
        }
        if (!parse_coord(f[6], 90.0, &pl->lat) || !parse_coord(f[7], 180.0, &pl->lon)) {
            status = SITREP_ERR_INVALID;
            set_error(errmsg, path, line_no, "bad latitude or longitude");
            goto out;
        }
        if (!parse_population(f[8], &pl->population)) {
            status = SITREP_ERR_INVALID;
            set_error(errmsg, path, line_no, "bad population \"%.40s\"", f[8]);
            goto out;
        }
        h = hash_bytes(pl->id, strlen(pl->id));
        for (slot = h & gz->ids_mask; gz->ids[slot] != GZ_NONE; slot = (slot + 1) & gz->ids_mask) {
            if (strcmp(gz->places[gz->ids[slot]].id, pl->id) == 0) {
                status = SITREP_ERR_INVALID;
                set_error(errmsg, path, line_no, "duplicate id %.80s", pl->id);
                goto out;
            }
        }
        gz->ids[slot] = idx;
        gz->n_places++;
        if (pl->kind == SITREP_PLACE_COUNTRY && *pl->country) {
            int c = country_slot(pl->country);
            if (gz->countries[c] == GZ_NONE)
                gz->countries[c] = idx;
        }

        status = add_name(gz, idx, (uint32_t)(pl->name - gz->buf));
        /* Alternate names: split f[9] at '|' in place. */
        for (char *a = f[9], *bar; status == SITREP_OK && *a; a = bar + 1) {
            bar = strchr(a, '|');
            if (bar)
                *bar = '\0';
            if (*a)
                status = add_name(gz, idx, (uint32_t)(a - gz->buf));
            if (!bar)
                break;
        }
        if (status != SITREP_OK) {
            set_error(errmsg, path, line_no, "out of memory");
            goto out;
        }
        if (end == gz->buf + len)
            break;
    }
    gz->tol_deferring = false;
    if (tol_build(gz) != SITREP_OK) {
        status = SITREP_ERR_NOMEM;
        set_error(errmsg, path, 0, "out of memory");
        goto out;
    }
    *out = gz;
    gz = NULL;
out:
    sitrep_gazetteer_destroy(gz);
    return status;
}

/* ---- additions from the YAML supplement (gazetteer-private.h) ---- */

/* A copy of s the gazetteer owns and frees; NULL when out of memory. */
static const char *own(sitrep_gazetteer *gz, const char *s)
{
    char *copy = NULL;

    if (gz->n_owned == gz->cap_owned) {
        size_t cap = gz->cap_owned ? gz->cap_owned * 2 : 64;
        char **n = realloc(gz->owned, cap * sizeof *n);
        if (!n)
            goto out;
        gz->owned = n;
        gz->cap_owned = cap;
    }
    copy = strdup(s);
    if (copy)
        gz->owned[gz->n_owned++] = copy;
out:
    return copy;
}

/* Copies name into extra; returns its GZ_EXTRA offset, or GZ_NONE when out
 * of memory or when extra would outgrow the offset bits. */
static uint32_t extra_name(sitrep_gazetteer *gz, const char *name)
{
    size_t len = strlen(name) + 1;
    uint32_t off = GZ_NONE;

    if (gz->extra_cap - gz->extra_len < len) {
        size_t cap = gz->extra_cap ? gz->extra_cap : 4096;
        char *n;
        while (cap - gz->extra_len < len)
            cap *= 2;
        if (cap >= GZ_EXTRA)
            goto out;
        n = realloc(gz->extra, cap);
        if (!n)
            goto out;
        gz->extra = n;
        gz->extra_cap = cap;
    }
    memcpy(gz->extra + gz->extra_len, name, len);
    off = (uint32_t)gz->extra_len | GZ_EXTRA;
    gz->extra_len += len;
out:
    return off;
}

/* Makes room for more entries in a name table (one of names, pnames) by
 * rehashing into a larger one when the load factor would pass 2/3. */
static sitrep_status reserve_slots(struct name_slot **table, size_t *mask, size_t used,
                                   size_t more)
{
    size_t size = table_size_for(used + more);
    struct name_slot *n;

    if (*table && *mask + 1 >= size)
        return SITREP_OK;
    n = malloc(size * sizeof *n);
    if (!n)
        return SITREP_ERR_NOMEM;
    for (size_t i = 0; i < size; i++)
        n[i].place = GZ_NONE;
    if (*table) {
        for (size_t i = 0; i <= *mask; i++) {
            size_t k;
            if ((*table)[i].place == GZ_NONE)
                continue;
            for (k = (*table)[i].hash & (size - 1); n[k].place != GZ_NONE; k = (k + 1) & (size - 1))
                ;
            n[k] = (*table)[i];
        }
    }
    free(*table);
    *table = n;
    *mask = size - 1;
    return SITREP_OK;
}

/* Room for one more place: the array, the id table and n_names names. */
static sitrep_status reserve_place(sitrep_gazetteer *gz, size_t n_names)
{
    size_t ids_size = table_size_for(gz->n_places + 1);

    if (gz->n_places == gz->places_cap) {
        size_t cap = gz->places_cap ? gz->places_cap + gz->places_cap / 8 + 16 : 16;
        struct sitrep_place *n = realloc(gz->places, cap * sizeof *n);
        if (!n)
            return SITREP_ERR_NOMEM;
        gz->places = n;
        gz->places_cap = cap;
    }
    if (!gz->ids || gz->ids_mask + 1 < ids_size) {
        uint32_t *n = malloc(ids_size * sizeof *n);
        if (!n)
            return SITREP_ERR_NOMEM;
        memset(n, 0xFF, ids_size * sizeof *n);
        for (size_t p = 0; p < gz->n_places; p++) {
            const char *id = gz->places[p].id;
            size_t k = hash_bytes(id, strlen(id)) & (ids_size - 1);
            while (n[k] != GZ_NONE)
                k = (k + 1) & (ids_size - 1);
            n[k] = (uint32_t)p;
        }
        free(gz->ids);
        gz->ids = n;
        gz->ids_mask = ids_size - 1;
    }
    return reserve_slots(&gz->names, &gz->names_mask, gz->names_used, n_names);
}

/* Adds name as a name of place (an index), copying it. */
static sitrep_status add_extra_name(sitrep_gazetteer *gz, uint32_t place, const char *name)
{
    uint32_t off;

    if (reserve_slots(&gz->names, &gz->names_mask, gz->names_used, 1) != SITREP_OK)
        return SITREP_ERR_NOMEM;
    off = extra_name(gz, name);
    if (off == GZ_NONE)
        return SITREP_ERR_NOMEM;
    return add_name(gz, place, off);
}

/* Writes a reason for an invalid entry. */
__attribute__((format(printf, 3, 4))) static sitrep_status invalid(char *why, size_t why_len,
                                                                  const char *fmt, ...)
{
    va_list ap;
    if (why && why_len) {
        va_start(ap, fmt);
        vsnprintf(why, why_len, fmt, ap);
        va_end(ap);
    }
    return SITREP_ERR_INVALID;
}

bool gz_valid_country(const char *iso2)
{
    return country_slot(iso2) >= 0;
}

/* True when the gazetteer knows at least one country (test files may not). */
static bool knows_countries(const sitrep_gazetteer *gz)
{
    for (size_t i = 0; i < 26 * 26; i++)
        if (gz->countries[i] != GZ_NONE)
            return true;
    return false;
}

sitrep_status gz_add_place_alias(sitrep_gazetteer *gz, const char *id, const char *alias)
{
    const struct sitrep_place *p = sitrep_gazetteer_get(gz, id);

    if (!p)
        return SITREP_ERR_INVALID;
    if (strlen(alias) > GZ_MAX_NAME_BYTES)
        return SITREP_ERR_INVALID;
    return add_extra_name(gz, (uint32_t)(p - gz->places), alias);
}

sitrep_status gz_add_place(sitrep_gazetteer *gz, const struct gz_place_spec *s, char *why,
                           size_t why_len)
{
    struct sitrep_place pl = {0};
    const char *admin1 = "", *admin1_id = "";
    char *slug = NULL, *id = NULL;
    sitrep_status status;
    uint32_t idx;

    if (s->id) {
        id = strdup(s->id);
    } else {
        slug = sitrep_text_slug(s->name);
        if (slug && !*slug) {
            status = invalid(why, why_len, "name \"%.80s\" gives an empty id: add an id", s->name);
            goto out;
        }
        id = slug ? malloc(strlen(slug) + 8) : NULL;
        if (id)
            snprintf(id, strlen(slug) + 8, "sitrep:%s", slug);
    }
    if (!id) {
        status = SITREP_ERR_NOMEM;
        goto out;
    }
    if (!*id || strchr(id, ' ') || strchr(id, '\t')) {
        status = invalid(why, why_len, "empty id or id with a space");
        goto out;
    }
    if (sitrep_gazetteer_get(gz, id)) {
        status = invalid(why, why_len,
                         "a place with id %.80s exists already (to add names to it, give only "
                         "id, name and aliases)",
                         id);
        goto out;
    }
    if (strlen(s->name) > GZ_MAX_NAME_BYTES) {
        status = invalid(why, why_len, "name longer than %d bytes", GZ_MAX_NAME_BYTES);
        goto out;
    }
    if (*s->country && !sitrep_gazetteer_country(gz, s->country) && knows_countries(gz) &&
        s->kind != SITREP_PLACE_COUNTRY) {
        status = invalid(why, why_len, "unknown country \"%.8s\"", s->country);
        goto out;
    }
    if (s->admin1 && *s->admin1) {
        const struct sitrep_place *c[32];
        size_t n = sitrep_gazetteer_lookup_name(gz, s->admin1, strlen(s->admin1), c, 32);
        const struct sitrep_place *found = NULL;
        for (size_t k = 0; k < n && k < 32 && !found; k++)
            if (c[k]->kind == SITREP_PLACE_ADMIN1 &&
                country_slot(c[k]->country) == country_slot(s->country))
                found = c[k];
        if (!found) {
            status = invalid(why, why_len, "no admin-1 region \"%.80s\" in country %.8s",
                             s->admin1, s->country);
            goto out;
        }
        admin1 = found->name;
        admin1_id = found->id;
    }
    status = reserve_place(gz, 2 + s->n_aliases);
    if (status != SITREP_OK)
        goto out;
    status = SITREP_ERR_NOMEM;
    pl.kind = s->kind;
    pl.lat = s->lat;
    pl.lon = s->lon;
    pl.population = s->population;
    if (!(pl.id = own(gz, id)) || !(pl.name = own(gz, s->name)) ||
        !(pl.country = own(gz, s->country)) || !(pl.admin1 = own(gz, admin1)) ||
        !(pl.admin1_id = own(gz, admin1_id)))
        goto out;
    /* Country codes are kept in upper case, as in the file. */
    for (char *c = (char *)pl.country; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 32);
    idx = (uint32_t)gz->n_places;
    gz->places[idx] = pl;
    {
        size_t k = hash_bytes(pl.id, strlen(pl.id)) & gz->ids_mask;
        while (gz->ids[k] != GZ_NONE)
            k = (k + 1) & gz->ids_mask;
        gz->ids[k] = idx;
    }
    gz->n_places++;
    if (pl.kind == SITREP_PLACE_COUNTRY && *pl.country) {
        int c = country_slot(pl.country);
        if (gz->countries[c] == GZ_NONE)
            gz->countries[c] = idx;
    }
    status = add_extra_name(gz, idx, s->name);
    for (size_t k = 0; status == SITREP_OK && k < s->n_aliases; k++) {
        if (strlen(s->aliases[k]) > GZ_MAX_NAME_BYTES)
            status = invalid(why, why_len, "alias longer than %d bytes", GZ_MAX_NAME_BYTES);
        else
            status = add_extra_name(gz, idx, s->aliases[k]);
    }
out:
    free(slug);
    free(id);
    return status;
}

/* The person whose name or alias has this key, or GZ_NONE. */
static uint32_t person_by_key(const sitrep_gazetteer *gz, const char *key, size_t key_len)
{
    uint64_t h;

    if (!gz->pnames)
        return GZ_NONE;
    h = hash_bytes(key, key_len);
    for (size_t i = h & gz->pnames_mask;; i = (i + 1) & gz->pnames_mask) {
        const struct name_slot *slot = &gz->pnames[i];
        if (slot->place == GZ_NONE)
            return GZ_NONE;
        if (slot->hash == h && name_has_key(gz, slot->name_off, key, key_len))
            return slot->place;
    }
}

/* The hash of the first word of a name key, never 0. */
static uint64_t first_word_hash(const char *key)
{
    const char *sp = strchr(key, ' ');
    return hash_bytes(key, sp ? (size_t)(sp - key) : strlen(key)) | 1;
}

static sitrep_status add_first_word(sitrep_gazetteer *gz, const char *key)
{
    uint64_t h = first_word_hash(key);
    size_t k;

    if (!gz->pfirst || (gz->pfirst_used + 1) * 3 > (gz->pfirst_mask + 1) * 2) {
        size_t size = gz->pfirst ? (gz->pfirst_mask + 1) * 2 : 64;
        uint64_t *n = calloc(size, sizeof *n);
        if (!n)
            return SITREP_ERR_NOMEM;
        for (size_t i = 0; gz->pfirst && i <= gz->pfirst_mask; i++) {
            if (!gz->pfirst[i])
                continue;
            for (k = gz->pfirst[i] & (size - 1); n[k]; k = (k + 1) & (size - 1))
                ;
            n[k] = gz->pfirst[i];
        }
        free(gz->pfirst);
        gz->pfirst = n;
        gz->pfirst_mask = size - 1;
    }
    for (k = h & gz->pfirst_mask; gz->pfirst[k]; k = (k + 1) & gz->pfirst_mask)
        if (gz->pfirst[k] == h)
            return SITREP_OK;
    gz->pfirst[k] = h;
    gz->pfirst_used++;
    return SITREP_OK;
}

bool sitrep_gazetteer_person_may_start(const sitrep_gazetteer *gz, const char *word, size_t len)
{
    bool found = false;
    size_t key_len = 0;
    char *key = NULL;
    uint64_t h;

    if (!gz || !gz->pfirst || !word)
        goto out;
    key = name_key(word, len, &key_len);
    if (!key || key_len == 0)
        goto out;
    h = first_word_hash(key);
    for (size_t k = h & gz->pfirst_mask; gz->pfirst[k] && !found; k = (k + 1) & gz->pfirst_mask)
        found = gz->pfirst[k] == h;
out:
    free(key);
    return found;
}

/* Adds one name of person p; an error when it names another person. */
static sitrep_status add_person_name(sitrep_gazetteer *gz, uint32_t p, const char *name, char *why,
                                     size_t why_len)
{
    sitrep_status status = SITREP_OK;
    size_t key_len = 0, words;
    char *key = NULL;
    uint32_t other, off;
    uint64_t h;
    size_t i;

    if (strlen(name) > GZ_MAX_NAME_BYTES) {
        status = invalid(why, why_len, "name longer than %d bytes", GZ_MAX_NAME_BYTES);
        goto out;
    }
    key = name_key(name, strlen(name), &key_len);
    if (!key) {
        status = *name ? SITREP_ERR_NOMEM : invalid(why, why_len, "empty name");
        goto out;
    }
    if (key_len == 0) {
        status = invalid(why, why_len, "\"%.80s\" is no name", name);
        goto out;
    }
    other = person_by_key(gz, key, key_len);
    if (other == p)
        goto out; /* a variant that keys the same */
    if (other != GZ_NONE) {
        status = invalid(why, why_len, "\"%.80s\" already names %.80s", name,
                         gz->persons[other].name);
        goto out;
    }
    status = reserve_slots(&gz->pnames, &gz->pnames_mask, gz->pnames_used, 1);
    if (status != SITREP_OK)
        goto out;
    off = extra_name(gz, name);
    if (off == GZ_NONE) {
        status = SITREP_ERR_NOMEM;
        goto out;
    }
    h = hash_bytes(key, key_len);
    for (i = h & gz->pnames_mask; gz->pnames[i].place != GZ_NONE; i = (i + 1) & gz->pnames_mask)
        ;
    gz->pnames[i] = (struct name_slot){h, p, off};
    gz->pnames_used++;
    words = count_words(key);
    if (words > gz->max_person_words)
        gz->max_person_words = words;
    status = add_first_word(gz, key);
out:
    free(key);
    return status;
}

/* The surname of a name: its last word with the lower-case words before it
 * ("al-Assad", "von der Leyen"); newly allocated. */
static char *default_surname(const char *name)
{
    size_t len = strlen(name), end = len, start;

    while (end > 0 && name[end - 1] == ' ')
        end--;
    start = end;
    while (start > 0 && name[start - 1] != ' ')
        start--;
    for (;;) {
        size_t s = start, e;
        while (s > 0 && name[s - 1] == ' ')
            s--;
        e = s;
        while (s > 0 && name[s - 1] != ' ')
            s--;
        if (e == s || !(name[s] >= 'a' && name[s] <= 'z'))
            break;
        start = s;
    }
    return strndup(name + start, end - start);
}

sitrep_status gz_add_person(sitrep_gazetteer *gz, const char *name, const char *surname,
                            const char *const *aliases, size_t n_aliases, char *why,
                            size_t why_len)
{
    sitrep_status status = SITREP_ERR_NOMEM;
    struct sitrep_person person = {0};
    char *slug = NULL, *id = NULL, *sur = NULL;
    uint32_t p;

    /* The id is the slug of the name key: "person:antonio-guterres" for
     * "António Guterres", the id the extractor gives the name written
     * without diacritics, as the press mostly writes it. */
    {
        size_t key_len = 0;
        char *key = name_key(name, strlen(name), &key_len);
        if (!key) {
            status = *name && strlen(name) <= GZ_MAX_NAME_BYTES
                         ? SITREP_ERR_NOMEM
                         : invalid(why, why_len, "empty or over-long name");
            goto out;
        }
        slug = sitrep_text_slug(key);
        free(key);
    }
    if (!slug)
        goto out;
    if (!*slug) {
        status = invalid(why, why_len, "\"%.80s\" is no name", name);
        goto out;
    }
    id = malloc(strlen(slug) + 8);
    sur = surname ? strdup(surname) : default_surname(name);
    if (!id || !sur)
        goto out;
    snprintf(id, strlen(slug) + 8, "person:%s", slug);
    if (gz->n_persons == gz->cap_persons) {
        size_t cap = gz->cap_persons ? gz->cap_persons * 2 : 16;
        struct sitrep_person *n = realloc(gz->persons, cap * sizeof *n);
        if (!n)
            goto out;
        gz->persons = n;
        gz->cap_persons = cap;
    }
    if (!(person.id = own(gz, id)) || !(person.name = own(gz, name)) ||
        !(person.surname = own(gz, sur)))
        goto out;
    p = (uint32_t)gz->n_persons;
    gz->persons[p] = person;
    gz->n_persons++;
    status = add_person_name(gz, p, name, why, why_len);
    for (size_t k = 0; status == SITREP_OK && k < n_aliases; k++)
        status = add_person_name(gz, p, aliases[k], why, why_len);
out:
    free(slug);
    free(id);
    free(sur);
    return status;
}

const struct sitrep_person *sitrep_gazetteer_person(const sitrep_gazetteer *gz, const char *name,
                                                    size_t len)
{
    const struct sitrep_person *found = NULL;
    size_t key_len = 0;
    char *key = NULL;
    uint32_t p;

    if (!gz || !name || !gz->pnames)
        goto out;
    key = name_key(name, len, &key_len);
    if (!key || key_len == 0)
        goto out;
    p = person_by_key(gz, key, key_len);
    if (p != GZ_NONE)
        found = &gz->persons[p];
out:
    free(key);
    return found;
}

size_t sitrep_gazetteer_max_person_words(const sitrep_gazetteer *gz)
{
    return gz ? gz->max_person_words : 0;
}

size_t sitrep_gazetteer_person_count(const sitrep_gazetteer *gz)
{
    return gz ? gz->n_persons : 0;
}
