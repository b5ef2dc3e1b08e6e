/* etag.c - ETags from answer bodies, and the If-None-Match comparison.
 *
 * Why a hash of the body rather than (index revision, query): the answer
 * also depends on the clock (timespan=24h rolls over at midnight), on the
 * gazetteer and on the configuration, so a tag made from the request alone
 * could call a changed answer unchanged.  Hashing what is sent cannot, and
 * it reads the text the transport sends anyway: one pass of FNV-1a. */
#include "etag.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

const char *srv_etag_took_ms(const char *text, size_t *digits)
{
    static const char key[] = "\"took_ms\":";
    const char *at = strstr(text, key);
    *digits = 0;
    if (!at)
        return NULL;
    at += sizeof key - 1;
    while (at[*digits] >= '0' && at[*digits] <= '9')
        (*digits)++;
    return at;
}

bool srv_etag_of_text(const char *text, size_t len, char etag[SRV_ETAG_SIZE])
{
    const char *at;
    uint64_t h;
    size_t digits = 0, tagged_len = len;

    etag[0] = '\0';
    if (!text)
        return false;
    at = srv_etag_took_ms(text, &digits);
    if (digits) {
        /* The text with the value written as 0: prefix, "0", the rest. */
        h = sitrep_fnv1a(SITREP_FNV_SEED, text, (size_t)(at - text));
        h = sitrep_fnv1a(h, "0", 1);
        h = sitrep_fnv1a(h, at + digits, len - (size_t)(at - text) - digits);
        tagged_len = len - digits + 1;
    } else {
        h = sitrep_fnv1a(SITREP_FNV_SEED, text, len);
    }
    snprintf(etag, SRV_ETAG_SIZE, "W/\"%zx-%016llx\"", tagged_len, (unsigned long long)h);
    return true;
}

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* The opaque tag of an entity-tag (with its quotes), skipping "W/". */
static const char *opaque(const char *tag)
{
    return strncmp(tag, "W/", 2) == 0 ? tag + 2 : tag;
}

bool srv_etag_none_match(const char *field, const char *etag)
{
    const char *p = field, *want;
    size_t want_len;
    bool match = false;

    if (!field || !etag || !*etag)
        goto out;
    want = opaque(etag);
    want_len = strlen(want);
    /* If-None-Match = "*" / #entity-tag; entity-tag = [ "W/" ] DQUOTE *etagc
     * DQUOTE.  The list rule allows empty elements (", ,"). */
    for (;;) {
        bool this_one;
        while (is_ows(*p) || *p == ',')
            p++;
        if (*p == '\0')
            goto out;
        if (*p == '*') {
            this_one = true;
            p++;
        } else {
            if (strncmp(p, "W/", 2) == 0)
                p += 2;
            const char *close = *p == '"' ? strchr(p + 1, '"') : NULL;
            if (!close)
                goto out;
            size_t len = (size_t)(close + 1 - p);
            this_one = len == want_len && memcmp(p, want, len) == 0;
            p = close + 1;
        }
        while (is_ows(*p))
            p++;
        /* Only a whole, well-formed element counts. */
        if (*p != '\0' && *p != ',')
            goto out;
        if (this_one) {
            match = true;
            goto out;
        }
    }
out:
    return match;
}
