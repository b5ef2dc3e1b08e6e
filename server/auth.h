/* auth.h - API keys on requests: "Authorization: Bearer KEY" checked
 * against the keys and scopes of the configuration (config.h).
 *
 * The route table says which scope each route needs (routes.c); the
 * dispatcher calls srv_auth_check() before the handler, so no handler
 * checks keys itself.  Scopes are not nested: a key grants exactly the
 * scopes listed for it (an "admin" key does not imply "ingest").
 *
 *     unsigned status = srv_auth_check(cfg, req, SITREP_SCOPE_INGEST, out);
 *     if (status)
 *         return status;    ... 401 or 403, *out holds the error body ...
 *
 * Answers, in this order:
 *   no Authorization header (or an empty one)   401 missing_api_key
 *   not "Bearer KEY", or no key has that value  401 invalid_api_key
 *   the key lacks the scope                      403 forbidden
 * Both 401s set req->www_authenticate (RFC 6750), the 403 too.  Messages
 * name the key's configured name at most, never the key.
 *
 * Threads: reads only the immutable configuration; any thread.
 */
#ifndef SRV_AUTH_H
#define SRV_AUTH_H

#include <jansson.h>

#include "config.h"
#include "request.h"

/* Returns 0 when req may go on: scope is 0, or it is SITREP_SCOPE_SEARCH and
 * cfg->search_requires_key is false, or req carries a key with scope (then
 * req->key_name is that key's name, borrowed from cfg).  Otherwise stores
 * the error body in *out and returns its status. */
unsigned srv_auth_check(const struct sitrep_config *cfg, struct srv_request *req, unsigned scope,
                        json_t **out);

/* The configured key req's Authorization header carries, whatever its
 * scopes, or NULL (no header, another scheme, no such key).  Borrowed from
 * cfg.  The rate limiter counts a keyed client by its key. */
const struct sitrep_api_key *srv_auth_key(const struct sitrep_config *cfg,
                                          const struct srv_request *req);

/* The configuration name of one scope bit ("search", "ingest", "admin"), or
 * "" for anything else. */
const char *srv_auth_scope_name(unsigned scope);

#endif
