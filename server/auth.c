/* auth.c - the Bearer scheme over sitrep_config_find_key(), which compares
 * in constant time: nothing here branches on a secret's bytes. */
#include "auth.h"

#include <string.h>
#include <strings.h>

/* RFC 6750 section 3: the challenge says why the request failed. */
static const char challenge_missing[] = "Bearer realm=\"sitrep\"";
static const char challenge_invalid[] = "Bearer realm=\"sitrep\", error=\"invalid_token\"";
static const char challenge_scope_search[] =
    "Bearer realm=\"sitrep\", error=\"insufficient_scope\", scope=\"search\"";
static const char challenge_scope_ingest[] =
    "Bearer realm=\"sitrep\", error=\"insufficient_scope\", scope=\"ingest\"";
static const char challenge_scope_admin[] =
    "Bearer realm=\"sitrep\", error=\"insufficient_scope\", scope=\"admin\"";

static const struct {
    unsigned bit;
    const char *name;
    const char *challenge;
} scopes[] = {
    {SITREP_SCOPE_SEARCH, "search", challenge_scope_search},
    {SITREP_SCOPE_INGEST, "ingest", challenge_scope_ingest},
    {SITREP_SCOPE_ADMIN, "admin", challenge_scope_admin},
};
#define N_SCOPES (sizeof scopes / sizeof scopes[0])

const char *srv_auth_scope_name(unsigned scope)
{
    for (size_t i = 0; i < N_SCOPES; i++)
        if (scopes[i].bit == scope)
            return scopes[i].name;
    return "";
}

static const char *scope_challenge(unsigned scope)
{
    for (size_t i = 0; i < N_SCOPES; i++)
        if (scopes[i].bit == scope)
            return scopes[i].challenge;
    return challenge_invalid;
}

/* The token of "Bearer TOKEN" (scheme case-insensitive, RFC 7235), or NULL
 * when header uses another scheme or has no token. */
static const char *bearer_token(const char *header)
{
    static const char scheme[] = "Bearer";
    const char *p = header;

    while (*p == ' ' || *p == '\t')
        p++;
    if (strncasecmp(p, scheme, sizeof scheme - 1) != 0)
        return NULL;
    p += sizeof scheme - 1;
    if (*p != ' ' && *p != '\t')
        return NULL;
    while (*p == ' ' || *p == '\t')
        p++;
    return *p ? p : NULL;
}

const struct sitrep_api_key *srv_auth_key(const struct sitrep_config *cfg,
                                          const struct srv_request *req)
{
    const char *token = req->authorization ? bearer_token(req->authorization) : NULL;
    return token ? sitrep_config_find_key(cfg, token) : NULL;
}

unsigned srv_auth_check(const struct sitrep_config *cfg, struct srv_request *req, unsigned scope,
                        json_t **out)
{
    const struct sitrep_api_key *key;
    const char *token;
    const char *header = req->authorization;

    req->key_name = NULL;
    if (scope == 0 || (scope == SITREP_SCOPE_SEARCH && !cfg->search_requires_key))
        return 0;
    if (!header || !*header) {
        req->www_authenticate = challenge_missing;
        return srv_fail(req, out, 401, "missing_api_key", NULL,
                        "this endpoint needs an API key with the '%s' scope: send "
                        "'Authorization: Bearer KEY'",
                        srv_auth_scope_name(scope));
    }
    token = bearer_token(header);
    if (!token) {
        req->www_authenticate = challenge_invalid;
        return srv_fail(req, out, 401, "invalid_api_key", NULL,
                        "the Authorization header must be 'Bearer KEY'");
    }
    key = sitrep_config_find_key(cfg, token);
    if (!key) {
        req->www_authenticate = challenge_invalid;
        return srv_fail(req, out, 401, "invalid_api_key", NULL, "the API key is not valid");
    }
    if (!(key->scopes & scope)) {
        req->www_authenticate = scope_challenge(scope);
        return srv_fail(req, out, 403, "forbidden", NULL,
                        "the API key '%s' does not have the '%s' scope", key->name,
                        srv_auth_scope_name(scope));
    }
    req->key_name = key->name;
    return 0;
}
