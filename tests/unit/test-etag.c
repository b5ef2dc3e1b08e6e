/* test-etag.c - ETags of JSON bodies (took_ms does not count, everything
 * else does, the body comes back unchanged) and If-None-Match matching
 * (RFC 9110 13.1.2: "*", lists, weak comparison, malformed fields). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "etag.h"
#include "test.h"

#define FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(12))

static const char *const tag = "W/\"1f-0123456789abcdef\"";

static const struct {
    const char *field; /* If-None-Match, NULL for none */
    bool match;
} cases[] = {
    {NULL, false},
    {"", false},
    {"*", true},
    {" * ", true},
    {"W/\"1f-0123456789abcdef\"", true},
    {"\"1f-0123456789abcdef\"", true}, /* weak comparison: W/ ignored */
    {"\"x\", W/\"1f-0123456789abcdef\"", true},
    {"\"x\",W/\"1f-0123456789abcdef\" , \"y\"", true},
    {" , ,\"1f-0123456789abcdef\"", true}, /* empty list elements */
    {"\"x\", \"y\"", false},
    {"W/\"1f-0123456789abcdeF\"", false}, /* opaque tags compare byte for byte */
    {"W/\"1f-0123456789abcdef", false},   /* unterminated */
    {"1f-0123456789abcdef", false},       /* unquoted */
    {"W/\"1f-0123456789abcdef\"x", false}, /* junk after the tag */
    {"\"x\" junk, W/\"1f-0123456789abcdef\"", false}, /* malformed before it */
    {"w/\"1f-0123456789abcdef\"", false},  /* the weak prefix is case-sensitive */
    {"**", false},
};

/* The tag of body as the transport serialises it. */
static bool etag_of(json_t *body, char etag[SRV_ETAG_SIZE])
{
    char *text = json_dumps(body, FLAGS);
    bool ok = srv_etag_of_text(text, text ? strlen(text) : 0, etag);
    free(text);
    return ok;
}

int main(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (srv_etag_none_match(cases[i].field, tag) != cases[i].match) {
            fprintf(stderr, "If-None-Match: %s: want %s\n",
                    cases[i].field ? cases[i].field : "(none)",
                    cases[i].match ? "a match" : "no match");
            test_failures++;
        }
    }
    CHECK(!srv_etag_none_match("*", ""));

    char a[SRV_ETAG_SIZE], b[SRV_ETAG_SIZE], c[SRV_ETAG_SIZE];
    json_t *x = json_pack("{s:s, s:I, s:[i, i]}", "q", "shelling", "took_ms", (json_int_t)3,
                          "hits", 1, 2);
    json_t *y = json_pack("{s:s, s:I, s:[i, i]}", "q", "shelling", "took_ms", (json_int_t)250,
                          "hits", 1, 2);
    json_t *z = json_pack("{s:s, s:I, s:[i, i]}", "q", "shelling", "took_ms", (json_int_t)3,
                          "hits", 1, 3);
    REQUIRE(x && y && z);
    CHECK(etag_of(x, a));
    CHECK(etag_of(y, b));
    CHECK(etag_of(z, c));
    CHECK_STR(a, b);
    CHECK(strcmp(a, c) != 0);
    CHECK(strncmp(a, "W/\"", 3) == 0 && a[strlen(a) - 1] == '"');
    CHECK(srv_etag_none_match(a, b));
    /* The same as the text with took_ms written as 0. */
    char zero[SRV_ETAG_SIZE];
    const char *with_zero = "{\"q\":\"shelling\",\"took_ms\":0,\"hits\":[1,2]}";
    CHECK(srv_etag_of_text(with_zero, strlen(with_zero), zero));
    CHECK_STR(a, zero);

    /* No took_ms, or not a number: the body as it is. */
    json_t *h = json_pack("{s:s}", "status", "ok");
    json_t *s = json_pack("{s:s}", "took_ms", "x");
    REQUIRE(h && s);
    CHECK(etag_of(h, a));
    CHECK_STR(a, "W/\"f-" /* {"status":"ok"} is 15 bytes */ "92ae23487a8ce153\"");
    CHECK(etag_of(s, b));
    CHECK(strcmp(a, b) != 0);
    CHECK(!srv_etag_of_text(NULL, 0, b) && b[0] == '\0');

    json_decref(x);
    json_decref(y);
    json_decref(z);
    json_decref(h);
    json_decref(s);
    return TEST_DONE();
}
