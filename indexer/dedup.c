/* dedup.c - MinHash signatures of word shingles (see dedup.h for the
 * numbers behind the constants). */
#include "dedup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* splitmix64's finaliser: a fast 64-bit mix whose output bits each depend
 * on every input bit, so that XOR with a seed gives independent-looking
 * hash functions. */
static uint64_t mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 31)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, unsigned r)
{
    return (x << r) | (x >> (64 - r));
}

/* Code points that separate words besides ASCII punctuation: Latin-1
 * punctuation and symbols (no-break space, guillemets, the middle dot),
 * the multiplication and division signs, general punctuation (typographic
 * quotes, dashes, ellipsis), currency signs, arrows and other symbols,
 * CJK punctuation and fullwidth ASCII punctuation.  Everything else above
 * ASCII is a letter here: scripts without case still form words. */
static bool is_separator(uint32_t cp)
{
    if (cp < 0x80)
        return !((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'));
    return cp <= 0xBF || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x2BFF) ||
           (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
           (cp >= 0xFF00 && cp <= 0xFF0F) || cp == 0xFEFF;
}

/* Takes one shingle (its hash) into the signature. */
static void take_shingle(struct sitrep_dedup_sig *sig, uint64_t shingle)
{
    for (unsigned i = 0; i < SITREP_DEDUP_HASHES; i++) {
        uint32_t h = (uint32_t)(mix64(shingle ^ (0x9E3779B97F4A7C15ull * (i + 1))) >> 32);
        if (h < sig->min[i])
            sig->min[i] = h;
    }
}

sitrep_status sitrep_dedup_sign(const char *text, size_t len, struct sitrep_dedup_sig *sig,
                                bool *has)
{
    uint64_t words[SITREP_DEDUP_SHINGLE_WORDS];
    size_t n_words = 0, pos = 0, start = 0;
    sitrep_status st = SITREP_OK;
    bool in_word = false;
    char *folded = NULL;
    size_t flen;

    *has = false;
    memset(sig, 0, sizeof *sig);
    for (unsigned i = 0; i < SITREP_DEDUP_HASHES; i++)
        sig->min[i] = UINT32_MAX;
    folded = sitrep_text_fold(text ? text : "", text ? len : 0);
    if (!folded) {
        st = SITREP_ERR_NOMEM;
        goto out;
    }
    flen = strlen(folded);
    /* One pass; the position past the end closes the last word. */
    while (pos <= flen) {
        uint32_t cp = ' ';
        size_t n = 1;
        if (pos < flen) {
            n = sitrep_utf8_decode(folded + pos, flen - pos, &cp);
            if (n == 0) { /* not UTF-8: a separator byte, so nothing loops */
                n = 1;
                cp = ' ';
            }
        }
        bool sep = is_separator(cp);
        if (!sep && !in_word) {
            start = pos;
            in_word = true;
        } else if (sep && in_word) {
            in_word = false;
            memmove(words, words + 1, sizeof words - sizeof words[0]);
            words[SITREP_DEDUP_SHINGLE_WORDS - 1] = sitrep_fnv1a(SITREP_FNV_SEED, folded + start, pos - start);
            if (++n_words >= SITREP_DEDUP_SHINGLE_WORDS) {
                /* Rotations keep the word order in the shingle's hash. */
                uint64_t s = 0;
                for (unsigned k = 0; k < SITREP_DEDUP_SHINGLE_WORDS; k++)
                    s ^= rotl(words[k], 21 * k + 1);
                take_shingle(sig, s);
                sig->shingles++;
            }
        }
        pos += n;
    }
    *has = sig->shingles >= SITREP_DEDUP_MIN_SHINGLES;
out:
    free(folded);
    return st;
}

double sitrep_dedup_similarity(const struct sitrep_dedup_sig *a, const struct sitrep_dedup_sig *b)
{
    unsigned same = 0;
    for (unsigned i = 0; i < SITREP_DEDUP_HASHES; i++)
        same += a->min[i] == b->min[i];
    return (double)same / SITREP_DEDUP_HASHES;
}

void sitrep_dedup_encode(const struct sitrep_dedup_sig *sig, unsigned char out[SITREP_DEDUP_BYTES])
{
    for (unsigned i = 0; i < SITREP_DEDUP_HASHES; i++) {
        out[4 * i] = (unsigned char)(sig->min[i] >> 24);
        out[4 * i + 1] = (unsigned char)(sig->min[i] >> 16);
        out[4 * i + 2] = (unsigned char)(sig->min[i] >> 8);
        out[4 * i + 3] = (unsigned char)sig->min[i];
    }
}

bool sitrep_dedup_decode(const void *data, size_t len, struct sitrep_dedup_sig *sig)
{
    const unsigned char *p = data;
    if (len != SITREP_DEDUP_BYTES)
        return false;
    sig->shingles = SITREP_DEDUP_MIN_SHINGLES; /* not stored; it had enough */
    for (unsigned i = 0; i < SITREP_DEDUP_HASHES; i++)
        sig->min[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
                      (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    return true;
}

void sitrep_dedup_band(const struct sitrep_dedup_sig *sig, unsigned band,
                       char out[SITREP_DEDUP_BAND_CHARS])
{
    uint64_t h = band;
    for (unsigned r = 0; r < SITREP_DEDUP_ROWS; r++)
        h = mix64(h ^ ((uint64_t)sig->min[band * SITREP_DEDUP_ROWS + r] << 16));
    snprintf(out, SITREP_DEDUP_BAND_CHARS, "%02x%016llx", band % 256u, (unsigned long long)h);
}
