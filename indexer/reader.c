/* reader.c - choosing a reader, the buffered input window every reader
 * shares, and the checks made before any format is looked at (empty,
 * binary, UTF-16).
 *
 * All input goes through one fixed window (SITREP_RD_WINDOW bytes) so that a
 * record far larger than max_record costs no more memory than a small one:
 * the readers copy into a bounded struct sitrep_buf and count what does not
 * fit instead of keeping it.
 */
#define SITREP_READER_INTERNAL 1
#include "reader.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <unistd.h>

/* Files whose first SNIFF_BYTES hold a NUL are binary (the same test git and
 * grep use). */
#define SNIFF_BYTES ((size_t)8 << 10)

static const struct {
    const char *ext;
    enum sitrep_format format;
} format_exts[] = {
    {".jsonl", SITREP_FORMAT_JSONL}, {".ndjson", SITREP_FORMAT_JSONL},
    {".json", SITREP_FORMAT_JSON},   {".txt", SITREP_FORMAT_TEXT},
    {".md", SITREP_FORMAT_TEXT},     {".markdown", SITREP_FORMAT_TEXT},
    {".html", SITREP_FORMAT_HTML},   {".htm", SITREP_FORMAT_HTML},
    {".xhtml", SITREP_FORMAT_HTML},
};

enum sitrep_format sitrep_format_from_path(const char *path)
{
    enum sitrep_format format = SITREP_FORMAT_NONE;
    const char *base, *dot;

    if (!path)
        goto out;
    base = strrchr(path, '/');
    base = base ? base + 1 : path;
    dot = strrchr(base, '.');
    /* A leading dot names a hidden file (".json"), not an extension. */
    if (!dot || dot == base)
        goto out;
    for (size_t i = 0; i < sizeof format_exts / sizeof format_exts[0]; i++) {
        if (strcasecmp(dot, format_exts[i].ext) == 0) {
            format = format_exts[i].format;
            break;
        }
    }
out:
    return format;
}

/* Markdown gets its '#' stripped from the title; decided by name because
 * the format enum has no separate value for it. */
static bool is_markdown(const char *name)
{
    const char *dot = name ? strrchr(name, '.') : NULL;
    return dot && (strcasecmp(dot, ".md") == 0 || strcasecmp(dot, ".markdown") == 0);
}

/* Reads what the stream has now, up to n bytes: read(2), not fread(), so that
 * records piped in one at a time are indexed as they arrive instead of when
 * 64 KiB have accumulated.  An interrupting signal (sitrep-index's SIGINT or
 * SIGTERM) ends the stream, so the caller can commit and stop.  Returns the
 * byte count, 0 at the end, -1 on error (errno set). */
static ssize_t read_some(struct sitrep_rd *rd, void *buf, size_t n)
{
    int fd = fileno(rd->f);
    ssize_t r;
    if (fd < 0) {
        /* A stream without a descriptor (fmemopen) has it all at once. */
        size_t got = fread(buf, 1, n, rd->f);
        return (got == 0 && ferror(rd->f)) ? -1 : (ssize_t)got;
    }
    r = read(fd, buf, n);
    if (r < 0 && errno == EINTR)
        r = 0;
    return r;
}

/* Refills the window when it is empty; returns false at the end or on error. */
static bool fill(struct sitrep_rd *rd)
{
    ssize_t n;

    if (rd->pos < rd->len || rd->eof || rd->failed)
        goto out;
    rd->pos = rd->len = 0;
    n = read_some(rd, rd->in, SITREP_RD_WINDOW);
    if (n < 0) {
        rd->failed = true;
        rd->err = errno ? errno : EIO;
    } else if (n == 0) {
        rd->eof = true;
    } else {
        rd->len = (size_t)n;
    }
out:
    return rd->pos < rd->len;
}

int sitrep_rd_getc(struct sitrep_rd *rd)
{
    int c;

    if (!fill(rd))
        return EOF;
    c = rd->in[rd->pos++];
    if (c == '\n') {
        rd->line++;
        rd->col = 1;
    } else {
        rd->col++;
    }
    return c;
}

int sitrep_rd_peek(struct sitrep_rd *rd)
{
    return fill(rd) ? rd->in[rd->pos] : EOF;
}

/* Appends what fits under b->max and counts the rest. */
static void keep(struct sitrep_buf *b, const unsigned char *p, size_t n, bool *too_big)
{
    if (*too_big)
        return;
    if (sitrep_buf_append(b, p, n) != SITREP_OK) {
        /* Out of room (or memory): from here on only count, and give the
         * memory back, since the record is lost anyway. */
        *too_big = true;
        sitrep_buf_free(b);
    }
}

bool sitrep_rd_line(struct sitrep_rd *rd, struct sitrep_buf *b, size_t *total, bool *too_big)
{
    bool got = false;

    sitrep_buf_reset(b);
    *total = 0;
    *too_big = false;
    while (fill(rd)) {
        const unsigned char *start = rd->in + rd->pos;
        size_t avail = rd->len - rd->pos;
        const unsigned char *nl = memchr(start, '\n', avail);
        size_t n = nl ? (size_t)(nl - start) : avail;

        got = true;
        keep(b, start, n, too_big);
        *total += n;
        rd->pos += n;
        rd->col += (long)n;
        if (nl) {
            rd->pos++;
            rd->line++;
            rd->col = 1;
            break;
        }
    }
    /* CRLF: the '\r' is not part of the record. */
    if (!*too_big && b->len > 0 && b->data[b->len - 1] == '\r') {
        b->data[--b->len] = '\0';
        (*total)--;
    }
    return got;
}

void sitrep_rd_slurp(struct sitrep_rd *rd, struct sitrep_buf *b, size_t *total, bool *too_big)
{
    sitrep_buf_reset(b);
    *total = 0;
    *too_big = false;
    while (fill(rd)) {
        size_t n = rd->len - rd->pos;
        keep(b, rd->in + rd->pos, n, too_big);
        *total += n;
        rd->pos = rd->len;
    }
}

bool sitrep_rd_emit(struct sitrep_rd *rd, struct sitrep_article *a, long line)
{
    if (rd->cb && rd->cb->on_article && rd->cb->on_article(rd->ctx, a, rd->name, line) != 0)
        rd->stop = true;
    sitrep_article_clear(a);
    return !rd->stop;
}

void sitrep_rd_error(struct sitrep_rd *rd, long line, const char *fmt, ...)
{
    char reason[512];
    va_list ap;

    if (!rd->cb || !rd->cb->on_error)
        return;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    rd->cb->on_error(rd->ctx, rd->name, line, reason);
}

static bool is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* The format for SITREP_FORMAT_AUTO on a stream without a known extension:
 * the first byte that is not white space. */
static enum sitrep_format sniff_format(const struct sitrep_rd *rd)
{
    enum sitrep_format format = SITREP_FORMAT_TEXT;
    size_t i = rd->pos;

    while (i < rd->len && is_space(rd->in[i]))
        i++;
    if (i < rd->len && rd->in[i] == '{')
        format = SITREP_FORMAT_JSONL;
    else if (i < rd->len && rd->in[i] == '[')
        format = SITREP_FORMAT_JSON;
    else if (i < rd->len && rd->in[i] == '<')
        format = SITREP_FORMAT_HTML;
    return format;
}

/* True when the rest of the stream is white space only; reads no further
 * than the window when it finds a non-space byte there. */
static bool rest_is_blank(struct sitrep_rd *rd)
{
    size_t i = rd->pos;

    while (i < rd->len && is_space(rd->in[i]))
        i++;
    /* All white space so far: blank only if that is the whole stream (the
     * format readers report emptiness of longer files themselves). */
    return i == rd->len && rd->eof;
}

/* Text and HTML: one file is one record. */
static void read_document(struct sitrep_rd *rd, enum sitrep_format format)
{
    struct sitrep_buf b;
    struct sitrep_article a;
    size_t total = 0;
    bool too_big = false;
    char reason[256];
    sitrep_status st;

    sitrep_buf_init(&b, rd->max_record);
    sitrep_article_init(&a);
    sitrep_rd_slurp(rd, &b, &total, &too_big);
    if (rd->failed)
        goto out;
    if (too_big) {
        sitrep_rd_error(rd, 1, "record too large: %zu bytes > %zu", total, rd->max_record);
        goto out;
    }
    if (!b.data) {
        sitrep_rd_error(rd, 1, "empty file");
        goto out;
    }
    if (format == SITREP_FORMAT_HTML)
        st = sitrep_rd_parse_html(b.data, b.len, &a, reason, sizeof reason);
    else
        st = sitrep_rd_parse_text(b.data, b.len, is_markdown(rd->name), &a, reason, sizeof reason);
    if (st == SITREP_ERR_NOMEM)
        sitrep_rd_error(rd, 1, "out of memory");
    else if (st != SITREP_OK)
        sitrep_rd_error(rd, 1, "%s", reason);
    else
        sitrep_rd_emit(rd, &a, 1);
out:
    sitrep_article_clear(&a);
    sitrep_buf_free(&b);
}

sitrep_status sitrep_read_stream(FILE *f, const char *name, enum sitrep_format format,
                                 size_t max_record, const struct sitrep_reader_callbacks *cb,
                                 void *ctx)
{
    struct sitrep_rd rd;
    sitrep_status st = SITREP_OK;

    memset(&rd, 0, sizeof rd);
    rd.f = f;
    rd.name = name ? name : "-";
    rd.max_record = max_record ? max_record : SITREP_READER_DEFAULT_MAX;
    rd.cb = cb;
    rd.ctx = ctx;
    rd.line = 1;
    rd.col = 1;
    if (format == SITREP_FORMAT_AUTO)
        format = sitrep_format_from_path(rd.name);
    rd.in = malloc(SITREP_RD_WINDOW);
    if (!rd.in) {
        sitrep_rd_error(&rd, 0, "out of memory");
        st = SITREP_ERR_NOMEM;
        goto out;
    }
    fill(&rd); /* the start of the stream, for sniffing */
    if (rd.failed && rd.len == 0)
        goto out;
    if (rd.len == 0) {
        sitrep_rd_error(&rd, 1, "empty file");
        goto out;
    }
    if (rd.len >= 2 &&
        ((rd.in[0] == 0xFF && rd.in[1] == 0xFE) || (rd.in[0] == 0xFE && rd.in[1] == 0xFF))) {
        sitrep_rd_error(&rd, 1, "UTF-16 is not supported, skipped: convert the file to UTF-8");
        goto out;
    }
    if (memchr(rd.in, '\0', rd.len < SNIFF_BYTES ? rd.len : SNIFF_BYTES)) {
        sitrep_rd_error(&rd, 1, "binary file, skipped");
        goto out;
    }
    /* A UTF-8 byte-order mark is no part of the content; the column stays
     * 1 so positions match what editors show. */
    if (rd.len >= 3 && rd.in[0] == 0xEF && rd.in[1] == 0xBB && rd.in[2] == 0xBF)
        rd.pos = 3;
    if (rest_is_blank(&rd)) {
        sitrep_rd_error(&rd, 1, "empty file");
        goto out;
    }
    if (format == SITREP_FORMAT_NONE || format == SITREP_FORMAT_AUTO)
        format = sniff_format(&rd);
    switch (format) {
    case SITREP_FORMAT_JSONL:
        sitrep_rd_jsonl(&rd);
        break;
    case SITREP_FORMAT_JSON:
        sitrep_rd_json(&rd);
        break;
    case SITREP_FORMAT_TEXT:
    case SITREP_FORMAT_HTML:
        read_document(&rd, format);
        break;
    default:
        break;
    }
out:
    if (rd.failed) {
        sitrep_rd_error(&rd, 0, "read error: %s", strerror(rd.err));
        st = SITREP_ERR_IO;
    }
    free(rd.in);
    return st;
}

sitrep_status sitrep_read_file(const char *path, enum sitrep_format format, size_t max_record,
                               const struct sitrep_reader_callbacks *cb, void *ctx)
{
    sitrep_status st = SITREP_OK;
    FILE *f = NULL;

    if (format == SITREP_FORMAT_AUTO)
        format = sitrep_format_from_path(path);
    /* Unknown extensions are not article files: skipped without a word, so
     * a directory walk can hand over everything it finds. */
    if (format == SITREP_FORMAT_NONE || format == SITREP_FORMAT_AUTO)
        goto out;
    f = fopen(path, "rb");
    if (!f) {
        if (cb && cb->on_error) {
            char reason[300];
            snprintf(reason, sizeof reason, "cannot open: %s", strerror(errno));
            cb->on_error(ctx, path, 0, reason);
        }
        st = SITREP_ERR_IO;
        goto out;
    }
    st = sitrep_read_stream(f, path, format, max_record, cb, ctx);
out:
    if (f)
        fclose(f);
    return st;
}
