/* names.h - the gazetteer's prefix index (gazetteer.h, "Prefix search"),
 * built once, on the first request that needs it.
 *
 * Building it reads the gazetteer files again (0.7 s, about 50 MB),
 * which a server that never autocompletes should not pay at start-up, and
 * tests that start many servers should not wait for.  The first caller
 * builds it under a lock while any others wait; afterwards every caller
 * gets the same immutable index without locking cost beyond one mutex.
 *
 * Threads: every function but create/destroy may be called from any
 * thread.
 */
#ifndef SRV_NAMES_H
#define SRV_NAMES_H

#include "gazetteer.h"

struct srv_names;

/* A holder for the index of gz (borrowed) over the files path and
 * supplement (copied; supplement NULL or "" for none).  NULL when out of
 * memory. */
struct srv_names *srv_names_create(const sitrep_gazetteer *gz, const char *path,
                                   const char *supplement);

/* The index, built on the first call; NULL when it could not be built
 * (logged once, with the reason; later calls do not retry). */
const sitrep_gazetteer_names *srv_names_get(struct srv_names *n);

void srv_names_destroy(struct srv_names *n);

#endif
