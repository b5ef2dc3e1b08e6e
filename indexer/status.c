/* status.c - names of the library's status codes. */
#include "sitrep.h"

const char *sitrep_status_to_string(sitrep_status status)
{
    static const char *const names[SITREP_STATUS_LAST] = {
        [SITREP_OK] = "no error",
        [SITREP_ERR_NOMEM] = "out of memory",
        [SITREP_ERR_INVALID] = "invalid input",
        [SITREP_ERR_NOT_FOUND] = "not found",
        [SITREP_ERR_IO] = "input/output error",
        [SITREP_ERR_DB_NOT_FOUND] = "index not found",
        [SITREP_ERR_DB_OPENING] = "index cannot be opened",
        [SITREP_ERR_DB_LOCKED] = "index is locked by another writer",
        [SITREP_ERR_DB_MODIFIED] = "index was modified during the read",
        [SITREP_ERR_DB_CORRUPT] = "index is corrupt",
        [SITREP_ERR_SCHEMA] = "index schema version mismatch",
        [SITREP_ERR_QUERY_SYNTAX] = "query syntax error",
        [SITREP_ERR_XAPIAN] = "search engine error",
        [SITREP_ERR_INTERNAL] = "internal error",
    };
    if ((unsigned)status >= SITREP_STATUS_LAST || names[status] == 0)
        return "unknown status";
    return names[status];
}
