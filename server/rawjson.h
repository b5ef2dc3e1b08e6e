/* rawjson.h - the members of a JSON object text, found in place.
 *
 * A search hit shows members of the stored record as they lie (hits.c):
 * parsing each record into jansson objects and serialising them again was
 * a third of a search.  This checks the text is one valid JSON object and
 * gives each top-level member's key and value as spans of that text.
 *
 *     struct srv_rawjson_member m[16];
 *     int n = srv_rawjson_members(text, len, m, 16);
 *     if (n < 0 || n > 16) ...;  (not an object, or more members than room)
 *
 * Pure functions; thread-safe.
 */
#ifndef SRV_RAWJSON_H
#define SRV_RAWJSON_H

#include <stdbool.h>
#include <stddef.h>

/* Nesting deeper than this, or more members, is refused (callers fall
 * back to jansson). */
#define SRV_RAWJSON_DEPTH 32
#define SRV_RAWJSON_MAX_MEMBERS 4096

/* One member: key is the text between the quotes (escapes left as they
 * are), value the whole value's text.  Both point into the scanned text. */
struct srv_rawjson_member {
    const char *key;
    size_t key_len;
    const char *value;
    size_t value_len;
};

/* Checks that text[0..len) is one JSON object (RFC 8259 grammar, valid
 * UTF-8, whitespace around it allowed) and stores its first max top-level
 * members in out, in order.  Returns the number of members, which may
 * exceed max (only max are stored), or -1 when the text is not a valid
 * object, nests deeper than SRV_RAWJSON_DEPTH or has more than
 * SRV_RAWJSON_MAX_MEMBERS members. */
int srv_rawjson_members(const char *text, size_t len, struct srv_rawjson_member *out, size_t max);

/* Whether member m's key is name (which holds no escapes). */
bool srv_rawjson_key_is(const struct srv_rawjson_member *m, const char *name);

#endif
