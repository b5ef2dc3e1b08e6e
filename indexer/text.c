/* text.c - UTF-8 validation, case folding, slugs, hashing. */
#include "text.h"

#include <stdlib.h>
#include <string.h>

size_t sitrep_utf8_decode(const char *str, size_t len, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t n = 0;
    uint32_t c = 0, min = 0;

    if (len == 0)
        return 0;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    } else if ((s[0] & 0xE0) == 0xC0) {
        n = 2, c = s[0] & 0x1F, min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3, c = s[0] & 0x0F, min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        n = 4, c = s[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

size_t sitrep_utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    } else if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    } else if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

bool sitrep_utf8_valid(const char *s, size_t len, size_t *bad_offset)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n;
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        n = sitrep_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            if (bad_offset)
                *bad_offset = i;
            return false;
        }
        i += n;
    }
    return true;
}

/* Simple case folding for the scripts conflict reporting is written in. */
static uint32_t fold_cp(uint32_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if (c < 0x80)
        return c;
    if ((c >= 0xC0 && c <= 0xDE && c != 0xD7))
        return c + 32;
    if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 &&
        c != 0x17F) {
        /* Latin Extended-A alternates upper/lower, with a phase shift between
         * U+0139..U+0148 and U+0179..U+017E. */
        if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
            return (c % 2 == 1) ? c + 1 : c;
        return (c % 2 == 0) ? c + 1 : c;
    }
    if (c == 0x130)
        return 'i';
    if (c >= 0x391 && c <= 0x3AB && c != 0x3A2)
        return c + 32;
    if (c >= 0x410 && c <= 0x42F)
        return c + 32;
    if (c >= 0x400 && c <= 0x40F)
        return c + 80;
    if (c >= 0x460 && c <= 0x4FF && c % 2 == 0 && !(c >= 0x482 && c <= 0x489))
        return c + 1;
    return c;
}

char *sitrep_text_fold(const char *s, size_t len)
{
    /* Folding never lengthens a sequence for the ranges above. */
    char *out = malloc(len + 1);
    size_t i = 0, o = 0;
    if (!out)
        return NULL;
    while (i < len) {
        uint32_t cp;
        size_t n = sitrep_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            out[o++] = s[i++];
            continue;
        }
        uint32_t f = fold_cp(cp);
        char tmp[4];
        size_t m = sitrep_utf8_encode(f, tmp);
        if (m != n) {
            memcpy(out + o, s + i, n);
            o += n;
        } else {
            memcpy(out + o, tmp, m);
            o += m;
        }
        i += n;
    }
    out[o] = '\0';
    return out;
}

static bool is_word_cp(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    /* Treat every non-ASCII code point as a letter except common punctuation
     * and spaces (general punctuation, no-break space, quotes, dashes). */
    if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x206F) || cp == 0xAB || cp == 0xBB ||
        cp == 0xB7 || cp == 0x3000)
        return false;
    return true;
}

char *sitrep_text_slug(const char *s)
{
    size_t len = strlen(s);
    char *folded = sitrep_text_fold(s, len);
    char *out = NULL;
    size_t i = 0, o = 0;
    bool dash = false;

    if (!folded)
        goto out;
    out = malloc(len + 1);
    if (!out)
        goto out;
    while (folded[i]) {
        uint32_t cp;
        size_t n = sitrep_utf8_decode(folded + i, strlen(folded + i), &cp);
        if (n == 0)
            n = 1, cp = '?';
        if (is_word_cp(cp)) {
            if (dash && o > 0)
                out[o++] = '-';
            dash = false;
            memcpy(out + o, folded + i, n);
            o += n;
        } else {
            dash = true;
        }
        i += n;
    }
    out[o] = '\0';
out:
    free(folded);
    return out;
}

char *sitrep_text_squash_space(char *s)
{
    char *r = s, *w = s;
    bool space = false;
    while (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r' || *r == '\f' || *r == '\v')
        r++;
    for (; *r; r++) {
        if (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r' || *r == '\f' || *r == '\v') {
            space = true;
            continue;
        }
        if (space)
            *w++ = ' ';
        space = false;
        *w++ = *r;
    }
    *w = '\0';
    return s;
}

uint64_t sitrep_fnv1a(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

void sitrep_text_hash_hex(const void *data, size_t len, char out[33])
{
    /* Two FNV-1a 64-bit lanes with different offsets: not cryptographic, but
     * ids only need to keep different texts apart. */
    const unsigned char *p = data;
    uint64_t h1 = 0xcbf29ce484222325ULL, h2 = 0x84222325cbf29ce4ULL;
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        h1 = (h1 ^ p[i]) * 0x100000001b3ULL;
        h2 = (h2 ^ p[i]) * 0x100000001b3ULL;
        h2 ^= h2 >> 29;
    }
    for (int i = 0; i < 16; i++) {
        out[i] = hex[(h1 >> (60 - 4 * i)) & 0xF];
        out[16 + i] = hex[(h2 >> (60 - 4 * i)) & 0xF];
    }
    out[32] = '\0';
}
