/* etag.h - entity tags for JSON answers, and If-None-Match.
 *
 * An answer's ETag is made from the answer itself, never from the request:
 * W/"<length>-<hash>", the byte length (hex) and the 64-bit FNV-1a hash
 * (16 hex digits) of the body serialised with the transport's flags and
 * its top-level "took_ms" member set to 0.  So two answers have the same
 * tag exactly when they say the same thing apart from timing, whatever
 * changed in between (new articles, a timespan that rolled over midnight,
 * another query).  The tag is weak (RFC 9110 8.8.1) because the bytes sent
 * still differ in took_ms.
 *
 *     char etag[SRV_ETAG_SIZE];
 *     if (srv_etag_of_text(text, len, etag) && srv_etag_none_match(inm, etag))
 *         ... answer 304 with ETag: etag ...
 *
 * Pure functions; thread-safe (the body belongs to the calling thread).
 */
#ifndef SRV_ETAG_H
#define SRV_ETAG_H

#include <stdbool.h>
#include <stddef.h>

/* W/"" + up to 16 hex digits of length + "-" + 16 hex digits + NUL. */
#define SRV_ETAG_SIZE 48

/* Writes the ETag of a serialised answer, text[0..len) (NUL-terminated):
 * the tag of the same text with the digits after its first "took_ms": key
 * written as 0.  In sitrep's answers that key is the top-level member (the
 * query echo before it holds parameter names only, and a "took_ms" inside a
 * string is escaped).  Returns false, leaving etag empty, when text is
 * NULL. */
bool srv_etag_of_text(const char *text, size_t len, char etag[SRV_ETAG_SIZE]);

/* The value of an answer's took_ms as above: a pointer to its digits in
 * text (NUL-terminated) with their count in *digits, or NULL (and 0) when
 * text has no such member. */
const char *srv_etag_took_ms(const char *text, size_t *digits);

/* True when the If-None-Match field value (one header line; NULL is no
 * header) matches etag: "*", or any entity-tag of its comma-separated list
 * equal to etag under weak comparison (opaque tags equal, W/ ignored on
 * either side).  A malformed list matches only through the tags read
 * before the fault. */
bool srv_etag_none_match(const char *field, const char *etag);

#endif
