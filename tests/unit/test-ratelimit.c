/* test-ratelimit.c - the token buckets of server/ratelimit.c, on a clock
 * the test sets, so nothing here depends on how fast it runs. */
#include <stdio.h>

#include "ratelimit.h"
#include "test.h"

static bool take(struct srv_ratelimit *rl, const char *client, double now, unsigned *wait)
{
    *wait = 0;
    return srv_ratelimit_take(rl, client, strlen(client), now, wait);
}

/* A burst, then the rate; Retry-After rounds the wait up to whole seconds. */
static void test_burst_and_rate(void)
{
    struct srv_ratelimit *rl = srv_ratelimit_new(2, 3, 64);
    unsigned wait;

    REQUIRE(rl);
    for (int i = 0; i < 3; i++)
        CHECK(take(rl, "a", 100.0, &wait));
    CHECK(!take(rl, "a", 100.0, &wait));
    CHECK(wait == 1); /* half a second to one token, said as 1 */
    CHECK(!take(rl, "a", 100.2, &wait));
    CHECK(take(rl, "a", 100.5, &wait)); /* one token back after 1/rate s */
    CHECK(!take(rl, "a", 100.5, &wait));
    /* A long pause refills to the burst, not beyond it. */
    for (int i = 0; i < 3; i++)
        CHECK(take(rl, "a", 1000.0, &wait));
    CHECK(!take(rl, "a", 1000.0, &wait));
    /* The clock going backwards (never on CLOCK_MONOTONIC) adds nothing. */
    CHECK(!take(rl, "a", 999.0, &wait));
    srv_ratelimit_free(rl);
}

/* A slow rate gives a Retry-After of several seconds. */
static void test_retry_after(void)
{
    struct srv_ratelimit *rl = srv_ratelimit_new(1, 1, 8);
    unsigned wait;

    REQUIRE(rl);
    CHECK(take(rl, "a", 0.0, &wait));
    CHECK(!take(rl, "a", 0.0, &wait) && wait == 1);
    CHECK(!take(rl, "a", 0.25, &wait) && wait == 1);
    srv_ratelimit_free(rl);
}

/* Clients have their own buckets, also when they outnumber the slots: a
 * slot whose bucket has refilled is handed to a newcomer, and a client
 * that has to share is never given more than its own budget. */
static void test_clients(void)
{
    struct srv_ratelimit *rl = srv_ratelimit_new(1, 2, 8);
    unsigned wait;
    char name[32];

    REQUIRE(rl);
    CHECK(take(rl, "a", 0.0, &wait) && take(rl, "a", 0.0, &wait));
    CHECK(!take(rl, "a", 0.0, &wait));
    CHECK(take(rl, "b", 0.0, &wait) && take(rl, "b", 0.0, &wait));
    CHECK(!take(rl, "b", 0.0, &wait));
    /* Many clients later, a and b are full again and their slots reused;
     * every newcomer still gets its burst. */
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "client-%d", i);
        CHECK(take(rl, name, 10.0 + i * 10.0, &wait));
    }
    /* However crowded, nobody exceeds the budget: 100 clients in the same
     * instant share 8 slots, so at most 8 x burst requests pass. */
    struct srv_ratelimit *tight = srv_ratelimit_new(1, 2, 8);
    REQUIRE(tight);
    int passed = 0;
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "crowd-%d", i);
        for (int j = 0; j < 3; j++)
            passed += take(tight, name, 5.0, &wait);
    }
    CHECK(passed >= 2 && passed <= 8 * 2);
    srv_ratelimit_free(tight);
    srv_ratelimit_free(rl);
}

/* Any bytes name a client: an IPv4 address with a zero byte in it. */
static void test_binary_names(void)
{
    struct srv_ratelimit *rl = srv_ratelimit_new(1, 1, 8);
    unsigned wait = 0;
    const char a[] = {'a', 10, 0, 0, 1}, b[] = {'a', 10, 0, 0, 2};

    REQUIRE(rl);
    CHECK(srv_ratelimit_take(rl, a, sizeof a, 0.0, &wait));
    CHECK(!srv_ratelimit_take(rl, a, sizeof a, 0.0, &wait));
    CHECK(srv_ratelimit_take(rl, b, sizeof b, 0.0, &wait));
    srv_ratelimit_free(rl);
}

int main(void)
{
    test_burst_and_rate();
    test_retry_after();
    test_clients();
    test_binary_names();
    return TEST_DONE();
}
