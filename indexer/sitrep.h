/* sitrep.h - the status codes shared by every part of libsitrep-index.
 *
 * One enum for the whole library: 0 is success, everything else is a kind of
 * failure.  The detail message of a failure lives on the handle that failed
 * (sitrep_db_last_error(), sitrep_writer_last_error(), ...) or in an
 * out-parameter for functions without a handle; the library never prints.
 */
#ifndef SITREP_H
#define SITREP_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sitrep_status {
    SITREP_OK = 0,
    SITREP_ERR_NOMEM,          /* allocation failed */
    SITREP_ERR_INVALID,        /* bad argument or malformed input */
    SITREP_ERR_NOT_FOUND,      /* no such document or entity */
    SITREP_ERR_IO,             /* file or stream error */
    SITREP_ERR_DB_NOT_FOUND,   /* no index at the given path */
    SITREP_ERR_DB_OPENING,     /* index exists but cannot be opened */
    SITREP_ERR_DB_LOCKED,      /* another process holds the write lock */
    SITREP_ERR_DB_MODIFIED,    /* a reader's snapshot was overwritten: reopen, retry */
    SITREP_ERR_DB_CORRUPT,     /* the index is damaged */
    SITREP_ERR_SCHEMA,         /* index written by an incompatible schema version */
    SITREP_ERR_QUERY_SYNTAX,   /* the query text does not parse */
    SITREP_ERR_XAPIAN,         /* any other Xapian error */
    SITREP_ERR_INTERNAL,       /* anything else: a bug */
    SITREP_STATUS_LAST
} sitrep_status;

/* Returns a static, human-readable name for a status; never NULL. */
const char *sitrep_status_to_string(sitrep_status status);

#ifdef __cplusplus
}
#endif

#endif
