/* test-cursor.c - next_cursor bytes: what is encoded decodes to the same
 * fields; a cursor cut short, altered in any one character, padded, or of
 * another version is refused; the text is URL-safe as it is. */
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "text.h"
#include "text.h"
#include "test.h"

static const struct srv_cursor samples[] = {
    {.revision = 1,
     .documents = 44,
     .fingerprint = 0x0123456789abcdefull,
     .position = 1,
     .docid = 1,
     .key = "",
     .key_len = 0},
    {.revision = 4821,
     .documents = 189330,
     .fingerprint = 0xfedcba9876543210ull,
     .position = 20,
     .docid = 77,
     .key = "20220224",
     .key_len = 8},
    {.revision = UINT64_MAX,
     .documents = UINT64_MAX,
     .fingerprint = UINT64_MAX,
     .position = UINT64_MAX,
     .docid = UINT32_MAX,
     .key = "0123456789abcdef",
     .key_len = 16},
    {.revision = 0,
     .documents = 3,
     .fingerprint = 1,
     .position = 9999,
     .docid = 2,
     .key = "2022",
     .key_len = 4},
};

static void test_round_trip(void)
{
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        const struct srv_cursor *c = &samples[i];
        struct srv_cursor d;
        char why[128];
        char *s = srv_cursor_encode(c);
        REQUIRE(s);
        /* base64url without padding: safe in a query string unescaped. */
        CHECK(strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
              strlen(s));
        CHECK(srv_cursor_decode(s, &d, why, sizeof why));
        CHECK(d.revision == c->revision && d.documents == c->documents);
        CHECK(d.fingerprint == c->fingerprint && d.position == c->position);
        CHECK(d.docid == c->docid && d.key_len == c->key_len);
        CHECK(memcmp(d.key, c->key, c->key_len) == 0 && d.key[d.key_len] == '\0');

        /* Any single character changed is caught. */
        size_t len = strlen(s);
        for (size_t j = 0; j < len; j++) {
            char saved = s[j];
            s[j] = saved == 'A' ? 'B' : 'A';
            if (srv_cursor_decode(s, &d, why, sizeof why)) {
                fprintf(stderr, "cursor %zu: altered at %zu, still accepted\n", i, j);
                test_failures++;
            }
            s[j] = saved;
        }
        /* Cut short by one, or padded. */
        char *cut = strndup(s, len - 1);
        REQUIRE(cut);
        CHECK(!srv_cursor_decode(cut, &d, why, sizeof why));
        free(cut);
        char padded[128];
        snprintf(padded, sizeof padded, "%s=", s);
        CHECK(!srv_cursor_decode(padded, &d, why, sizeof why));
        free(s);
    }
}

static void test_rejects(void)
{
    struct srv_cursor c = samples[1], d;
    char why[128];
    static const char *const bad[] = {
        "",
        "x",
        "abc",
        "not a cursor",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(!srv_cursor_decode(bad[i], &d, why, sizeof why));
        CHECK(why[0] != '\0');
    }
    /* A key longer than a cursor carries is not encoded at all. */
    c.key_len = SRV_CURSOR_KEY_MAX + 1;
    CHECK(srv_cursor_encode(&c) == NULL);
    /* Position and docid 0 name no hit. */
    c = samples[1];
    c.position = 0;
    char *s = srv_cursor_encode(&c);
    REQUIRE(s);
    CHECK(!srv_cursor_decode(s, &d, why, sizeof why));
    free(s);
    /* Another version's cursor: the first byte is the version. */
    c = samples[1];
    s = srv_cursor_encode(&c);
    REQUIRE(s);
    s[0] = 'B'; /* 0x04.. in the first byte: version 4 */
    CHECK(!srv_cursor_decode(s, &d, why, sizeof why));
    free(s);
}

static void test_fingerprint(void)
{
    uint64_t a = sitrep_fnv1a(SITREP_FNV_SEED, "Query(Zshell@1)", 15);
    uint64_t b = sitrep_fnv1a(SITREP_FNV_SEED, "Query(Zshell@2)", 15);
    CHECK(a != b);
    CHECK(a == sitrep_fnv1a(sitrep_fnv1a(SITREP_FNV_SEED, "Query(", 6),
                                      "Zshell@1)", 9));
    /* The published FNV-1a 64 test vector: "a". */
    CHECK(sitrep_fnv1a(SITREP_FNV_SEED, "a", 1) == 0xaf63dc4c8601ec8cull);
}

int main(void)
{
    test_round_trip();
    test_rejects();
    test_fingerprint();
    return TEST_DONE();
}
