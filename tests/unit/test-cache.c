/* test-cache.c - the answer cache of server/cache.c: hits and misses, the
 * byte bound, least recently used first out, replacement, and the answers
 * too big to keep. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "test.h"

static void put(struct srv_cache *c, const char *key, const char *text)
{
    srv_cache_put(c, key, strlen(key), text, strlen(text), "");
}

/* The text kept under key, or "" when none; the caller frees. */
static char *get(struct srv_cache *c, const char *key)
{
    size_t len = 0;
    char tag[SRV_CACHE_TAG_SIZE];
    char *t = srv_cache_get(c, key, strlen(key), &len, tag);
    if (t)
        CHECK(strlen(t) == len);
    return t ? t : strdup("");
}

static void check_get(struct srv_cache *c, const char *key, const char *want)
{
    char *t = get(c, key);
    CHECK_STR(t, want);
    free(t);
}

static void test_hit_miss_replace(void)
{
    struct srv_cache *c = srv_cache_create(1 << 20);
    struct srv_cache_stats st;
    REQUIRE(c);
    check_get(c, "a", "");
    put(c, "a", "{\"x\":1}");
    put(c, "ab", "{\"x\":2}");
    check_get(c, "a", "{\"x\":1}");
    check_get(c, "ab", "{\"x\":2}");
    put(c, "a", "{\"x\":3}"); /* replaces */
    check_get(c, "a", "{\"x\":3}");
    /* Keys differ by their bytes and length, NULs included. */
    srv_cache_put(c, "k\0a", 3, "one", 3, "W/\"3-1\"");
    srv_cache_put(c, "k\0b", 3, "two", 3, "");
    size_t len;
    char tag[SRV_CACHE_TAG_SIZE];
    char *t = srv_cache_get(c, "k\0a", 3, &len, tag);
    CHECK(t && len == 3 && strcmp(t, "one") == 0);
    CHECK_STR(tag, "W/\"3-1\"");
    free(t);
    t = srv_cache_get(c, "k\0b", 3, &len, tag);
    CHECK(t && strcmp(t, "two") == 0);
    CHECK_STR(tag, "");
    free(t);
    srv_cache_get_stats(c, &st);
    CHECK(st.entries == 4);
    CHECK(st.hits == 5 && st.misses == 1);
    srv_cache_destroy(c);
}

/* Many entries (the buckets grow) within a bound; the oldest leave first,
 * and a read makes an entry new again. */
static void test_bound_and_order(void)
{
    enum { BOUND = 64 * 1024, N = 2000 };
    struct srv_cache *c = srv_cache_create(BOUND);
    struct srv_cache_stats st;
    char key[32], text[64];
    REQUIRE(c);
    for (int i = 0; i < N; i++) {
        snprintf(key, sizeof key, "key-%d", i);
        snprintf(text, sizeof text, "answer-%d", i);
        put(c, key, text);
        if (i == 10) {
            /* Keep key-0 in use: it must outlive key-1..key-10. */
            check_get(c, "key-0", "answer-0");
        }
        if (i > 10 && i % 50 == 0)
            check_get(c, "key-0", "answer-0");
    }
    srv_cache_get_stats(c, &st);
    CHECK(st.bytes <= BOUND);
    CHECK(st.entries > 100 && st.entries < N);
    check_get(c, "key-0", "answer-0");
    check_get(c, "key-1", "");
    snprintf(key, sizeof key, "key-%d", N - 1);
    snprintf(text, sizeof text, "answer-%d", N - 1);
    check_get(c, key, text);
    srv_cache_destroy(c);
}

/* An answer over an eighth of the bound is not kept, and does not push the
 * others out. */
static void test_too_big(void)
{
    struct srv_cache *c = srv_cache_create(8000);
    struct srv_cache_stats st;
    char big[1200];
    REQUIRE(c);
    put(c, "small", "x");
    memset(big, 'b', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    put(c, "big", big);
    check_get(c, "big", "");
    check_get(c, "small", "x");
    srv_cache_get_stats(c, &st);
    CHECK(st.entries == 1);
    srv_cache_destroy(c);
    srv_cache_destroy(NULL);
}

int main(void)
{
    test_hit_miss_replace();
    test_bound_and_order();
    test_too_big();
    return TEST_DONE();
}
