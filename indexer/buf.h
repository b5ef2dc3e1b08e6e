/* buf.h - a bounded, growable byte buffer (after curl's dynbuf).
 *
 * The maximum is fixed at init: an append that would exceed it fails with
 * SITREP_ERR_INVALID and leaves the buffer unchanged, so callers can report
 * "too large" instead of running out of memory.  The contents are always
 * NUL-terminated (the NUL is not counted in len).
 *
 *     struct sitrep_buf b;
 *     sitrep_buf_init(&b, 1 << 20);
 *     if (sitrep_buf_append(&b, "abc", 3) != SITREP_OK) ...;
 *     use(b.data, b.len);
 *     sitrep_buf_free(&b);
 */
#ifndef SITREP_BUF_H
#define SITREP_BUF_H

#include <stddef.h>
#include "sitrep.h"

struct sitrep_buf {
    char *data;   /* owned; NULL until the first append */
    size_t len;   /* bytes used, without the trailing NUL */
    size_t cap;   /* bytes allocated */
    size_t max;   /* largest len allowed */
};

void sitrep_buf_init(struct sitrep_buf *b, size_t max);
sitrep_status sitrep_buf_append(struct sitrep_buf *b, const void *data, size_t len);
sitrep_status sitrep_buf_append_str(struct sitrep_buf *b, const char *s);
sitrep_status sitrep_buf_append_char(struct sitrep_buf *b, char c);
/* Empties the buffer and keeps its memory. */
void sitrep_buf_reset(struct sitrep_buf *b);
/* Hands the contents to the caller, who frees them with free(); the buffer is
 * left empty.  Returns an empty string (never NULL) for an empty buffer, or
 * NULL when out of memory. */
char *sitrep_buf_detach(struct sitrep_buf *b);
void sitrep_buf_free(struct sitrep_buf *b);

#endif
