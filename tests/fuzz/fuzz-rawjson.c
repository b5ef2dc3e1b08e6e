/* fuzz-rawjson.c - finding a record's members in place (server/rawjson.h).
 *
 * Search hits copy the stored record's members into answers as they lie,
 * so the scanner must never pass a text that is not JSON, and must find
 * what a parser finds.  Each input is checked against jansson: an object
 * jansson reads (not too deep) is accepted with the same members, each
 * value equal to jansson's; a text the scanner accepts is one jansson
 * reads, except for numbers beyond jansson's range, which are still JSON.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "rawjson.h"

#define ROOM 16

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static int depth_of(json_t *v)
{
    int d = 0;
    if (json_is_object(v)) {
        const char *k;
        json_t *m;
        json_object_foreach(v, k, m)
        {
            int dm = depth_of(m);
            d = dm > d ? dm : d;
        }
        return d + 1;
    }
    if (json_is_array(v)) {
        size_t i;
        json_t *m;
        json_array_foreach(v, i, m)
        {
            int dm = depth_of(m);
            d = dm > d ? dm : d;
        }
        return d + 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct srv_rawjson_member m[ROOM];
    const char *text = (const char *)data;
    json_error_t err;
    int n = srv_rawjson_members(text, size, m, ROOM);
    json_t *o = json_loadb(text, size, 0, &err);

    if (n >= 0) {
        FUZZ_ASSERT(json_is_object(o) || (!o && (strstr(err.text, "too big") ||
                                                 strstr(err.text, "overflow"))));
        /* With all members in room (hits.c parses the others). */
        for (int i = 0; o && n <= ROOM && i < n; i++) {
            /* A member's value alone is JSON too; compare those without
             * escapes in the key (the scanner leaves keys escaped). */
            json_t *v = json_loadb(m[i].value, m[i].value_len, JSON_DECODE_ANY, &err);
            char key[64];
            FUZZ_ASSERT(v || strstr(err.text, "too big") || strstr(err.text, "overflow"));
            if (v && m[i].key_len < sizeof key && !memchr(m[i].key, '\\', m[i].key_len)) {
                bool last = true;
                for (int j = i + 1; j < n; j++)
                    last = last && !(m[j].key_len == m[i].key_len &&
                                     memcmp(m[j].key, m[i].key, m[i].key_len) == 0);
                memcpy(key, m[i].key, m[i].key_len);
                key[m[i].key_len] = '\0';
                if (last)
                    FUZZ_ASSERT(json_equal(v, json_object_get(o, key)));
            }
            json_decref(v);
        }
    } else if (json_is_object(o)) {
        /* Refused although jansson reads it: only for depth, or for a NUL
         * byte, which jansson lets end a number ({"a":1<NUL>}). */
        FUZZ_ASSERT(depth_of(o) > SRV_RAWJSON_DEPTH || memchr(data, '\0', size));
    }
    json_decref(o);
    return 0;
}
