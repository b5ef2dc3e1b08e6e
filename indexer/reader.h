/* reader.h - turning article files into struct sitrep_article records.
 *
 * Formats, chosen by file extension (or forced):
 *   .jsonl .ndjson  one JSON object per line
 *   .json           one object or an array of objects
 *   .txt .md        scraped plain text: the first real line is the title
 *                   (boilerplate such as "IE 11 is not supported" or cookie
 *                   banners skipped), the rest is the body
 *   .html .htm      markup, scripts and navigation stripped; title from
 *                   og:title or <title>; date from article:published_time and
 *                   similar meta tags; url from og:url / canonical link
 * JSON fields: id, title, url, published, text, source, lang; unknown fields
 * go to article->meta.  "body" and "content" are accepted for text, "date"
 * for published.
 *
 * The readers only read: they do not validate UTF-8 of text fields, derive
 * ids or infer dates (sitrep_article_normalise() and the caller do).  JSON
 * syntax errors, non-object records, fields of the wrong type, binary files
 * and records larger than max_record bytes are reported through on_error with
 * the file and 1-based line, and reading goes on with the next record.
 */
#ifndef SITREP_READER_H
#define SITREP_READER_H

#include <stddef.h>
#include <stdio.h>

#include "article.h"
#include "sitrep.h"

enum sitrep_format {
    SITREP_FORMAT_AUTO, /* by extension; unknown extensions are skipped */
    SITREP_FORMAT_JSONL,
    SITREP_FORMAT_JSON,
    SITREP_FORMAT_TEXT,
    SITREP_FORMAT_HTML,
    SITREP_FORMAT_NONE, /* not an article file */
};

struct sitrep_reader_callbacks {
    /* One good record.  a is borrowed: the reader clears it after the call,
     * so the callback moves out what it keeps (setting the member to NULL).
     * line is where the record starts.  Return 0 to go on, non-zero to stop
     * reading (sitrep_read_* then returns SITREP_OK). */
    int (*on_article)(void *ctx, struct sitrep_article *a, const char *file, long line);
    /* One bad record or file: reason is a one-line message without the file
     * and line, e.g. "invalid JSON: unexpected '}' at column 14". */
    void (*on_error)(void *ctx, const char *file, long line, const char *reason);
};

/* The format a path's extension implies (case-insensitive), or
 * SITREP_FORMAT_NONE. */
enum sitrep_format sitrep_format_from_path(const char *path);

/* Reads every record of one file.  Returns SITREP_ERR_IO only when the file
 * cannot be opened or read at all (also reported through on_error, line 0);
 * bad records are not failures of the call. */
sitrep_status sitrep_read_file(const char *path, enum sitrep_format format, size_t max_record,
                               const struct sitrep_reader_callbacks *cb, void *ctx);

/* The same for an open stream (stdin), with name used in messages. */
sitrep_status sitrep_read_stream(FILE *f, const char *name, enum sitrep_format format,
                                 size_t max_record, const struct sitrep_reader_callbacks *cb,
                                 void *ctx);

/* Parses one JSON object (one JSON Lines record) into a, which must be
 * initialised.  On SITREP_ERR_INVALID writes a one-line reason.  Used by the
 * server's ingest endpoint too. */
sitrep_status sitrep_read_json_record(const char *data, size_t len, struct sitrep_article *a,
                                      char *reason, size_t reason_len);

#endif
