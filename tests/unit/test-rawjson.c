/* test-rawjson.c - server/rawjson.c: which texts are one JSON object, and
 * the members found in them, as spans of the text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawjson.h"
#include "test.h"

/* A text and what the scanner must say: -1, or its members as
 * "key=value|key=value". */
struct scan_case {
    const char *text;
    int members;
    const char *spans;
};

static const struct scan_case cases[] = {
    {"{}", 0, ""},
    {" {\n} ", 0, ""},
    {"{\"a\":1}", 1, "a=1"},
    {"{\"id\":\"x\",\"lat\":49.98081,\"places\":[{\"n\":\"K\"}],\"url\":null}", 4,
     "id=\"x\"|lat=49.98081|places=[{\"n\":\"K\"}]|url=null"},
    {"{ \"a\" : [ 1 , -2.5e+3 ] , \"b\" : true }", 2, "a=[ 1 , -2.5e+3 ]|b=true"},
    {"{\"q\\\"k\":\"v\\u00e9\\ud83d\\ude00\"}", 1, "q\\\"k=\"v\\u00e9\\ud83d\\ude00\""},
    {"{\"a\":1,\"a\":2}", 2, "a=1|a=2"},
    {"{\"s\":\"caf\xc3\xa9\"}", 1, "s=\"caf\xc3\xa9\""},
    /* Not one object. */
    {"", -1, NULL},
    {"[1]", -1, NULL},
    {"\"s\"", -1, NULL},
    {"{} {}", -1, NULL},
    {"{\"a\":1,}", -1, NULL},
    {"{\"a\"}", -1, NULL},
    {"{a:1}", -1, NULL},
    {"{\"a\":01}", -1, NULL},
    {"{\"a\":1.}", -1, NULL},
    {"{\"a\":-}", -1, NULL},
    {"{\"a\":tru}", -1, NULL},
    {"{\"a\":[1,2}", -1, NULL},
    {"{\"a\":\"x}", -1, NULL},
    {"{\"a\":\"\\x\"}", -1, NULL},
    {"{\"a\":\"\\u12\"}", -1, NULL},
    {"{\"a\":\"tab\there\"}", -1, NULL},
    {"{\"a\":\"\xc3\x28\"}", -1, NULL},
    /* Escapes jansson refuses are refused too. */
    {"{\"a\":\"\\u0000\"}", -1, NULL},
    {"{\"a\":\"\\udc00\"}", -1, NULL},
    {"{\"a\":\"\\ud800x\"}", -1, NULL},
};

static void test_cases(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct scan_case *c = &cases[i];
        struct srv_rawjson_member m[8];
        int n = srv_rawjson_members(c->text, strlen(c->text), m, 8);
        char spans[512] = "";
        if (n != c->members) {
            fprintf(stderr, "case %zu: %s: %d members, want %d\n", i, c->text, n, c->members);
            CHECK(n == c->members);
            continue;
        }
        for (int j = 0; j < n; j++) {
            size_t at = strlen(spans);
            snprintf(spans + at, sizeof spans - at, "%s%.*s=%.*s", j ? "|" : "", (int)m[j].key_len,
                     m[j].key, (int)m[j].value_len, m[j].value);
        }
        if (c->spans)
            CHECK_STR(spans, c->spans);
    }
}

/* {"a":[[...]]} with levels brackets, in buf; returns its length. */
static size_t nested(char *buf, int levels)
{
    size_t at = (size_t)sprintf(buf, "{\"a\":");
    for (int i = 0; i < levels; i++)
        buf[at++] = '[';
    for (int i = 0; i < levels; i++)
        buf[at++] = ']';
    buf[at++] = '}';
    return at;
}

/* More members than room: counted, the first ones kept; nesting past the
 * limit refused (the object itself is the first level). */
static void test_limits(void)
{
    struct srv_rawjson_member m[2];
    const char *text = "{\"a\":1,\"b\":2,\"c\":3}";
    char deep[2 * SRV_RAWJSON_DEPTH + 16];

    CHECK(srv_rawjson_members(text, strlen(text), m, 2) == 3);
    CHECK(m[1].key_len == 1 && m[1].key[0] == 'b');
    CHECK(srv_rawjson_key_is(&m[0], "a") && !srv_rawjson_key_is(&m[0], "ab"));
    CHECK(srv_rawjson_members(deep, nested(deep, SRV_RAWJSON_DEPTH - 1), m, 2) == 1);
    CHECK(srv_rawjson_members(deep, nested(deep, SRV_RAWJSON_DEPTH), m, 2) == -1);
}

int main(void)
{
    test_cases();
    test_limits();
    return TEST_DONE();
}
