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

/* Additions (readers), below the original contract.
 *
 * Limits: max_record bounds one JSON record, and the whole of a text or HTML
 * file; 0 means SITREP_READER_DEFAULT_MAX.  A longer record is counted and
 * skipped without being held in memory ("record too large: N bytes > M").
 * File-level problems are reported at line 1: "empty file" (nothing but white
 * space), "binary file, skipped" (a NUL byte in the first 8 KiB), "UTF-16 is
 * not supported ..." (a UTF-16 byte-order mark).  A UTF-8 byte-order mark is
 * skipped.  Text and HTML files that are not valid UTF-8 and declare no
 * other charset are read as windows-1252, the usual encoding of old scraped
 * pages; HTML that declares windows-1252 or ISO-8859-1 is transcoded too.
 *
 * With SITREP_FORMAT_AUTO, sitrep_read_file() skips files of unknown
 * extension silently (returns SITREP_OK); sitrep_read_stream() falls back to
 * the first byte that is not white space: '{' JSON Lines, '[' JSON, '<' HTML,
 * anything else text.  JSON files may also hold several top-level objects one
 * after the other.  In a JSON array each element is parsed alone, so one bad
 * element does not lose the others; errors name the element's first line,
 * syntax errors the line Jansson names.
 *
 * JSON fields: "id" may also be an integer; null counts as absent; "link" is
 * accepted for url and "published_at" for published; an alias whose field is
 * already set goes to meta.  HTML: og:site_name and author meta tags go to
 * meta as "site_name" and "author"; source stays NULL.  lang is the primary
 * language subtag, lowercased ("en-GB" -> "en").
 */
#define SITREP_READER_DEFAULT_MAX ((size_t)8 << 20)

#ifdef SITREP_READER_INTERNAL
/* Internal interface of reader.c, reader-json.c, reader-text.c and
 * reader-html.c; other code must not define SITREP_READER_INTERNAL.
 * Nothing here is thread-shared: one struct sitrep_rd per read. */
#include <stdbool.h>

#include "buf.h"

struct sitrep_rd {
    FILE *f;             /* borrowed */
    unsigned char *in;   /* owned input window of SITREP_RD_WINDOW bytes */
    size_t pos, len;     /* unread bytes are in[pos..len) */
    bool eof, failed;    /* end of stream seen; a read error happened */
    int err;             /* errno of the read error */
    long line;           /* 1-based line of the next unread byte */
    long col;            /* 1-based byte column of the next unread byte */
    const char *name;    /* borrowed, for messages */
    size_t max_record;
    const struct sitrep_reader_callbacks *cb; /* borrowed */
    void *ctx;
    bool stop;           /* on_article asked to stop */
};
#define SITREP_RD_WINDOW ((size_t)64 << 10)

/* Next byte or EOF; keeps line and col. */
int sitrep_rd_getc(struct sitrep_rd *rd);
/* Next byte without consuming it, or EOF. */
int sitrep_rd_peek(struct sitrep_rd *rd);
/* Reads up to and without the next '\n' (and a '\r' before it) into b,
 * which is reset first.  *total gets the line's full length; when it exceeds
 * b->max the rest is read and dropped and *too_big is set.  Returns false at
 * the end of the stream with nothing read. */
bool sitrep_rd_line(struct sitrep_rd *rd, struct sitrep_buf *b, size_t *total, bool *too_big);
/* Reads the rest of the stream into b the same way. */
void sitrep_rd_slurp(struct sitrep_rd *rd, struct sitrep_buf *b, size_t *total, bool *too_big);
/* Hands a to on_article and clears it; returns false when reading must stop. */
bool sitrep_rd_emit(struct sitrep_rd *rd, struct sitrep_article *a, long line);
/* Reports one error (printf-style reason). */
void sitrep_rd_error(struct sitrep_rd *rd, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The format readers; they report through rd and stop early on rd->stop. */
void sitrep_rd_jsonl(struct sitrep_rd *rd);
void sitrep_rd_json(struct sitrep_rd *rd);

/* Like sitrep_read_json_record(), but the reason carries no position: the
 * 1-based line and column of the fault within data go to *err_line and
 * *err_col (0 when the fault has no position, e.g. a field of the wrong
 * type). */
sitrep_status sitrep_rd_json_record(const char *data, size_t len, struct sitrep_article *a,
                                    int *err_line, int *err_col, char *reason,
                                    size_t reason_len);

/* Parse one whole text or HTML file held in data[0..len) (NUL-terminated)
 * into a, which must be initialised.  SITREP_ERR_INVALID with a reason when
 * there is nothing to read; SITREP_ERR_NOMEM. */
sitrep_status sitrep_rd_parse_text(const char *data, size_t len, bool markdown,
                                   struct sitrep_article *a, char *reason, size_t reason_len);
sitrep_status sitrep_rd_parse_html(const char *data, size_t len, struct sitrep_article *a,
                                   char *reason, size_t reason_len);

/* windows-1252 (a superset of ISO-8859-1's printable range) to UTF-8: a new
 * NUL-terminated string the caller frees, its length in *out_len; NULL when
 * out of memory. */
char *sitrep_rd_cp1252_to_utf8(const char *s, size_t len, size_t *out_len);
/* The code point windows-1252 maps byte c to (0x80..0x9F differ from
 * Latin-1; undefined bytes map to U+FFFD). */
unsigned sitrep_rd_cp1252(unsigned char c);
#endif /* SITREP_READER_INTERNAL */

#endif
