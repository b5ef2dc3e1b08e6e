/* dedup.h - near-duplicate fingerprints: MinHash over word shingles.
 *
 * Syndicated copies of one wire story differ by a changed sentence, a
 * byline, a dateline or an outlet's boilerplate.  Such copies share most of
 * their three-word shingles, so the Jaccard similarity of the two shingle
 * sets stays high (a one-sentence edit in a 150-word story leaves about
 * 0.85), while two distinct stories, even on the same event, share few
 * (FA-KES, 792 articles: below 0.1 for all but 0.1 % of the pairs).
 *
 * A signature keeps, for each of SITREP_DEDUP_HASHES hash functions, the
 * smallest hash of any shingle; the share of equal positions in two
 * signatures estimates their Jaccard similarity (standard deviation
 * sqrt(J(1-J)/64), 0.06 at J = 0.5).  For finding candidates without
 * comparing against every article, the first SITREP_DEDUP_BANDS *
 * SITREP_DEDUP_ROWS positions are cut into bands; each band becomes one
 * index term (schema.h, XB), and two texts share at least one band term
 * with probability 1 - (1 - J^3)^20: 0.93 at J = 0.5, 0.9998 at J = 0.7,
 * 2e-4 at J = 0.02.  The writer (store.h) then checks each candidate's
 * full signature against SITREP_DEDUP_THRESHOLD.
 *
 * Why MinHash and not SimHash: a 64-bit SimHash of unweighted shingles
 * puts a one-sentence edit of a short story about 12 bits away, where
 * banding finds it rarely; MinHash estimates the very quantity the
 * threshold is about, and its bands have a tunable S-curve.
 *
 * Texts with fewer than SITREP_DEDUP_MIN_SHINGLES shingles get no
 * signature: a headline-length text says too little to call it a copy.
 *
 * Pure functions; thread-safe.
 */
#ifndef SITREP_DEDUP_H
#define SITREP_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sitrep.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SITREP_DEDUP_HASHES 64
#define SITREP_DEDUP_BANDS 20
#define SITREP_DEDUP_ROWS 3
#define SITREP_DEDUP_SHINGLE_WORDS 3
#define SITREP_DEDUP_MIN_SHINGLES 24
/* Estimated Jaccard similarity from which two texts are copies. */
#define SITREP_DEDUP_THRESHOLD 0.5
/* The serialised signature (value slot SITREP_SLOT_FINGERPRINT). */
#define SITREP_DEDUP_BYTES (4 * SITREP_DEDUP_HASHES)
/* A band's term value: two hex digits of band number, sixteen of hash. */
#define SITREP_DEDUP_BAND_CHARS 19

struct sitrep_dedup_sig {
    size_t shingles; /* distinct positions counted; < SITREP_DEDUP_MIN_SHINGLES: no signature */
    uint32_t min[SITREP_DEDUP_HASHES];
};

/* Computes the signature of text[0..len) (UTF-8): words are runs of letters
 * and digits, case-folded (text.h); punctuation, including the typographic
 * quotes and dashes, separates them.  Returns SITREP_OK and sets *has to
 * whether the text is long enough to have a signature; SITREP_ERR_NOMEM
 * when out of memory. */
sitrep_status sitrep_dedup_sign(const char *text, size_t len, struct sitrep_dedup_sig *sig,
                                bool *has);

/* The share of equal positions: an estimate of the Jaccard similarity of the
 * two texts' shingle sets, from 0 to 1. */
double sitrep_dedup_similarity(const struct sitrep_dedup_sig *a, const struct sitrep_dedup_sig *b);

/* Serialises sig into out (big-endian, position order). */
void sitrep_dedup_encode(const struct sitrep_dedup_sig *sig, unsigned char out[SITREP_DEDUP_BYTES]);
/* Reads a serialised signature; false when data is not one (wrong size). */
bool sitrep_dedup_decode(const void *data, size_t len, struct sitrep_dedup_sig *sig);

/* Writes the term value of band (0 .. SITREP_DEDUP_BANDS - 1), NUL-terminated,
 * into out. */
void sitrep_dedup_band(const struct sitrep_dedup_sig *sig, unsigned band,
                       char out[SITREP_DEDUP_BAND_CHARS]);

#ifdef __cplusplus
}
#endif

#endif
