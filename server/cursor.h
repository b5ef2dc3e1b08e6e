/* cursor.h - the opaque next_cursor of GET /v1/search: where a page ended.
 *
 * A cursor names the last hit of a page (its docid and sort key, and how
 * many hits came up to it) and what it is only valid for: the index
 * revision and document count, and a fingerprint of the query (text,
 * resolved filters, sort).  It travels as unpadded base64url, so it is safe
 * in a URL as it is, and ends with a checksum, so a cut or altered cursor is
 * refused rather than misread.  The checksum is not a secret: a cursor
 * someone builds by hand can only ask for pages of the query it names, which
 * offset could ask for too, and the wrapper checks that its hit really is
 * where the cursor says (sitrep_query_set_after()).
 *
 *     struct srv_cursor c = {.revision = ..., .position = offset + n, ...};
 *     char *s = srv_cursor_encode(&c);          ... "next_cursor": s ...
 *     free(s);
 *
 *     char why[128];
 *     if (!srv_cursor_decode(text, &c, why, sizeof why))
 *         return srv_fail(req, out, 400, "invalid_parameter", "cursor", "cursor: %s", why);
 *
 * Pure functions; thread-safe.
 */
#ifndef SRV_CURSOR_H
#define SRV_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest sort key a cursor carries ("YYYYMMDD" needs 8). */
#define SRV_CURSOR_KEY_MAX 16

struct srv_cursor {
    uint64_t revision;                /* of the index the page came from */
    uint64_t documents;               /* its document count (several shards share revision 0) */
    uint64_t fingerprint;             /* sitrep_fnv1a() of the query */
    uint64_t position;                /* hits up to and including the last one */
    uint32_t docid;                   /* of the last hit */
    char key[SRV_CURSOR_KEY_MAX + 1]; /* its sort key, NUL-terminated */
    size_t key_len;
};

/* A newly allocated base64url string (the caller frees it); NULL when out
 * of memory or when key_len is over SRV_CURSOR_KEY_MAX. */
char *srv_cursor_encode(const struct srv_cursor *c);

/* Decodes text into *c.  False, with a short reason in why, for anything
 * this server did not make: bad characters or length, an unknown version, a
 * checksum that does not match, a zero position or docid. */
bool srv_cursor_decode(const char *text, struct srv_cursor *c, char *why, size_t why_len);


#endif
