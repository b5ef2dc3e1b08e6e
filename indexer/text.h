/* text.h - UTF-8 and term-normalisation helpers shared by indexing and
 * querying.  Entity ids and filter values go through the same functions on
 * both sides, or filters miss (STYLE.md, "Schema").
 *
 * All functions are pure and thread-safe.
 */
#ifndef SITREP_TEXT_H
#define SITREP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, no
 * code points above U+10FFFF).  When it is not and bad_offset is not NULL,
 * *bad_offset receives the byte offset of the first bad sequence. */
bool sitrep_utf8_valid(const char *s, size_t len, size_t *bad_offset);

/* Decodes one code point at s (len bytes available); returns its byte length
 * (1..4) and stores the code point, or returns 0 on a malformed sequence. */
size_t sitrep_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Encodes cp into out (at least 4 bytes); returns the byte count. */
size_t sitrep_utf8_encode(uint32_t cp, char *out);

/* Returns a newly allocated lowercase form for matching: ASCII and the Latin-1,
 * Latin Extended-A, Greek and Cyrillic letters are case-folded; everything else
 * is copied.  The caller frees it.  NULL when out of memory. Input must be valid
 * UTF-8. */
char *sitrep_text_fold(const char *s, size_t len);

/* Returns a newly allocated slug: folded, runs of anything but letters and
 * digits become one '-', no leading or trailing '-'.  "Vladimir  Putin" ->
 * "vladimir-putin".  Non-ASCII letters are kept (folded).  Caller frees. */
char *sitrep_text_slug(const char *s);

/* Collapses runs of white space (including newlines) to one space and trims
 * both ends, in place; returns s. */
char *sitrep_text_squash_space(char *s);

/* 64-bit FNV-1a of data[0..len), continuing from h: start with
 * SITREP_FNV_SEED, or pass an earlier result to hash several pieces as one.
 * Not cryptographic; the one small hash every part of sitrep uses (ids,
 * cursors, ETags, rate-limit slots, near-duplicate shingles, the tagger's
 * features, the gazetteer's tables), so its values must never change: the
 * tagger's model is trained on them. */
#define SITREP_FNV_SEED 0xcbf29ce484222325ull
uint64_t sitrep_fnv1a(uint64_t h, const void *data, size_t len);

/* A 128-bit content hash as 32 lowercase hex digits plus NUL, written to out. */
void sitrep_text_hash_hex(const void *data, size_t len, char out[33]);

#endif
