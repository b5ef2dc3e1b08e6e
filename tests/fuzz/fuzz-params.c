/* fuzz-params.c - everything a client types into a search request.
 *
 * The input is read twice: as a query string (pairs split at '&', key and
 * value at the first '='; the transport has %-decoded it already and
 * refuses embedded NULs, so a NUL splits pairs too) and as a POST /v1/search
 * JSON body (srv_params_from_json()).  Whatever parameters come out are
 * parsed for every endpoint with the default limits of config/config.c and
 * a fixed clock, and a cursor that parses is decoded.  The whole input is
 * also decoded as a cursor, and when it is long enough its bytes fill a
 * cursor that must survive encoding and decoding unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "cursor.h"
#include "fuzz.h"
#include "params.h"

static struct srv_limits limits;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct sitrep_config cfg;

    /* The defaults are what a server without a configuration file uses. */
    if (!sitrep_config_defaults(&cfg))
        abort();
    limits.max_value_bytes = cfg.max_query_bytes;
    limits.max_page_size = cfg.max_page_size;
    limits.max_window = cfg.max_window;
    limits.now = 1711886400; /* 2024-03-31T12:00:00Z: timespan= stays reproducible */
    sitrep_config_free(&cfg);
    return 0;
}

static void parse_all(const struct srv_params *in)
{
    static const unsigned endpoints[] = {SRV_EP_SEARCH, SRV_EP_TIMELINE, SRV_EP_GEO,
                                         SRV_EP_ENTITIES};

    for (size_t i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++) {
        struct srv_search_params sp;
        struct srv_param_error err;

        if (!srv_search_params_parse(in, &limits, endpoints[i], &sp, &err)) {
            FUZZ_ASSERT((err.status == 400 || err.status == 500) && err.code);
            FUZZ_ASSERT(memchr(err.message, '\0', sizeof err.message) && err.message[0]);
            FUZZ_ASSERT(memchr(err.param, '\0', sizeof err.param));
            continue;
        }
        FUZZ_ASSERT(sp.limit <= SRV_EXPORT_MAX);
        if (sp.cursor) {
            struct srv_cursor c;
            char why[128];
            srv_cursor_decode(sp.cursor, &c, why, sizeof why);
        }
        srv_search_params_free(&sp);
    }
}

/* Fills a cursor from the input's bytes and checks the round trip. */
static void cursor_round_trip(const uint8_t *data, size_t size)
{
    struct srv_cursor c = {0}, back;
    char why[128];
    char *s;

    if (size < 37)
        return;
    memcpy(&c.revision, data, 8);
    memcpy(&c.documents, data + 8, 8);
    memcpy(&c.fingerprint, data + 16, 8);
    memcpy(&c.position, data + 24, 8);
    memcpy(&c.docid, data + 32, 4);
    c.key_len = data[36] % (SRV_CURSOR_KEY_MAX + 1);
    if (size - 37 < c.key_len)
        c.key_len = size - 37;
    memcpy(c.key, data + 37, c.key_len);
    s = srv_cursor_encode(&c);
    FUZZ_ASSERT(s);
    if (srv_cursor_decode(s, &back, why, sizeof why)) {
        FUZZ_ASSERT(back.revision == c.revision && back.documents == c.documents &&
                    back.fingerprint == c.fingerprint && back.position == c.position &&
                    back.docid == c.docid && back.key_len == c.key_len &&
                    memcmp(back.key, c.key, c.key_len) == 0);
    } else {
        /* Only a cursor without a hit is refused. */
        FUZZ_ASSERT(c.position == 0 || c.docid == 0);
    }
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data, *end = s + size;
    struct srv_params in;
    struct srv_param_error err;
    struct srv_cursor c;
    char why[128];
    char *text = NULL;

    srv_params_init(&in);
    while (s < end) {
        const char *stop = s, *eq;

        while (stop < end && *stop != '&' && *stop != '\0')
            stop++;
        eq = memchr(s, '=', (size_t)(stop - s));
        if (stop > s) {
            bool ok = eq ? srv_params_add(&in, s, (size_t)(eq - s), eq + 1,
                                          (size_t)(stop - eq - 1))
                         : srv_params_add(&in, s, (size_t)(stop - s), NULL, 0);
            if (!ok)
                goto out;
        }
        s = stop + 1;
    }
    parse_all(&in);
    srv_params_free(&in);

    srv_params_init(&in);
    if (srv_params_from_json((const char *)data, size, &in, &err))
        parse_all(&in);
    else
        FUZZ_ASSERT(err.code && err.message[0]);

    if (!(text = malloc(size + 1)))
        goto out;
    memcpy(text, data, size);
    text[size] = '\0';
    srv_cursor_decode(text, &c, why, sizeof why);
    cursor_round_trip(data, size);
out:
    free(text);
    srv_params_free(&in);
    return 0;
}
