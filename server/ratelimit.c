/* ratelimit.c - token buckets per client in a fixed table (ratelimit.h). */
#include "ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "text.h"

/* Slots a client may use, from its hash on: enough that a busy table
 * rarely makes two clients share, few enough to stay one cache line or
 * two. */
#define PROBES 8
/* Locks over the table, so threads on different clients rarely wait for
 * each other; a slot belongs to the stripe of its index. */
#define STRIPES 16

struct bucket {
    uint64_t client; /* hash of the client's name; 0 = empty */
    double tokens;
    double at; /* when tokens was last brought up to date */
};

struct srv_ratelimit {
    double rate, burst;
    size_t mask; /* slots - 1 */
    pthread_mutex_t locks[STRIPES];
    struct bucket *slots;
};

/* With 0 kept for "empty". */
static uint64_t hash_client(const char *s, size_t len)
{
    uint64_t h = sitrep_fnv1a(SITREP_FNV_SEED, s, len);
    return h ? h : 1;
}

struct srv_ratelimit *srv_ratelimit_new(unsigned rate, unsigned burst, size_t slots)
{
    struct srv_ratelimit *rl = calloc(1, sizeof *rl);
    size_t n = PROBES;

    while (n < slots)
        n <<= 1;
    if (!rl || !(rl->slots = calloc(n, sizeof *rl->slots))) {
        free(rl);
        return NULL;
    }
    rl->rate = rate;
    rl->burst = burst;
    rl->mask = n - 1;
    for (size_t i = 0; i < STRIPES; i++)
        pthread_mutex_init(&rl->locks[i], NULL);
    return rl;
}

void srv_ratelimit_free(struct srv_ratelimit *rl)
{
    if (!rl)
        return;
    for (size_t i = 0; i < STRIPES; i++)
        pthread_mutex_destroy(&rl->locks[i]);
    free(rl->slots);
    free(rl);
}

/* Brings b's tokens up to now. */
static void refill(const struct srv_ratelimit *rl, struct bucket *b, double now)
{
    if (now > b->at)
        b->tokens = fmin(rl->burst, b->tokens + (now - b->at) * rl->rate);
    b->at = now;
}

bool srv_ratelimit_take(struct srv_ratelimit *rl, const char *client, size_t len, double now,
                        unsigned *retry_after)
{
    uint64_t h = hash_client(client, len);
    /* One stripe for all of a client's probes, so its slots never change
     * under it; the probes stay inside the stripe's share of the table. */
    size_t stripe = (size_t)(h % STRIPES);
    size_t first = (size_t)(h >> 8) & rl->mask;
    struct bucket *b = NULL;
    bool ok;

    pthread_mutex_lock(&rl->locks[stripe]);
    for (size_t i = 0; i < PROBES && !b; i++) {
        struct bucket *s = &rl->slots[(first + i * STRIPES + stripe) & rl->mask];
        if (s->client == h)
            b = s;
    }
    for (size_t i = 0; i < PROBES && !b; i++) {
        struct bucket *s = &rl->slots[(first + i * STRIPES + stripe) & rl->mask];
        if (s->client)
            refill(rl, s, now);
        if (!s->client || s->tokens >= rl->burst) {
            b = s;
            b->client = h;
            b->tokens = rl->burst;
            b->at = now;
        }
    }
    if (!b) /* every probed slot is in use: share the first */
        b = &rl->slots[(first + stripe) & rl->mask];
    refill(rl, b, now);
    ok = b->tokens >= 1.0;
    if (ok) {
        b->tokens -= 1.0;
    } else {
        double wait = ceil((1.0 - b->tokens) / rl->rate);
        *retry_after = wait < 1.0 ? 1u : (unsigned)wait;
    }
    pthread_mutex_unlock(&rl->locks[stripe]);
    return ok;
}
