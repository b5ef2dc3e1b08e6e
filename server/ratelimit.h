/* ratelimit.h - requests per second per client, as token buckets (limits.
 * rate_per_second and limits.rate_burst in the YAML config).
 *
 * A client is an API key's name when the request carries a valid key, else
 * the peer's IP address: http.c picks the name, this file only counts.  A
 * bucket holds up to `burst` tokens and regains `rate` per second; a request
 * takes one, and a request that finds none is a 429 with Retry-After.
 *
 * The buckets live in a fixed table (no allocation per request, bounded
 * memory whatever the number of clients).  A client probes a few slots from
 * its hash; a slot whose bucket has refilled completely holds nothing worth
 * keeping and is reused.  Only when every probed slot is busy do two
 * clients share one bucket, which can only make the limit stricter for
 * them, never lift it.
 *
 * Threads: every function may be called from any thread. */
#ifndef SRV_RATELIMIT_H
#define SRV_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>

struct srv_ratelimit;

/* A new limiter of rate tokens per second (> 0) and burst tokens (>= 1)
 * over slots buckets (rounded up to a power of two); NULL when out of
 * memory.  The caller frees it with srv_ratelimit_free(). */
struct srv_ratelimit *srv_ratelimit_new(unsigned rate, unsigned burst, size_t slots);
void srv_ratelimit_free(struct srv_ratelimit *rl);

/* Takes one token from client's bucket (client[0..len), any bytes) at time
 * now (seconds on a monotonic clock).  Returns true when the request may go
 * on; false when the bucket is empty, with *retry_after set to the whole
 * seconds (at least 1) until a token is back. */
bool srv_ratelimit_take(struct srv_ratelimit *rl, const char *client, size_t len, double now,
                        unsigned *retry_after);

#endif
