/* test-reader.c - the article readers, driven by a table of files.
 *
 * Each case writes one temporary file, reads it with sitrep_read_file() and
 * compares what the callbacks saw, in order, with the expected events.  A
 * few cases need content built in code (a 50 MB line, windows-1252 bytes)
 * and get their own functions; a last pass feeds every prefix of some inputs
 * through sitrep_read_stream() so that sanitizer builds catch reads out of
 * bounds on truncated input.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "reader.h"
#include "test.h"

#define MAX_EVENTS 32

/* One callback call as recorded. */
struct event {
    bool error;
    long line;
    char *reason;            /* owned, errors only */
    struct sitrep_article a; /* moved out of the reader, articles only */
};

struct log {
    struct event ev[MAX_EVENTS];
    size_t n;
    size_t dropped;    /* events past MAX_EVENTS */
    size_t stop_after; /* ask the reader to stop after this many articles; 0 never */
    size_t articles;
};

static int on_article(void *ctx, struct sitrep_article *a, const char *file, long line)
{
    struct log *log = ctx;

    (void)file;
    log->articles++;
    if (log->n < MAX_EVENTS) {
        struct event *e = &log->ev[log->n++];
        e->error = false;
        e->line = line;
        e->reason = NULL;
        /* Take everything: the reader clears what is left. */
        e->a = *a;
        sitrep_article_init(a);
    } else {
        log->dropped++;
    }
    return log->stop_after && log->articles >= log->stop_after;
}

static void on_error(void *ctx, const char *file, long line, const char *reason)
{
    struct log *log = ctx;

    (void)file;
    if (log->n < MAX_EVENTS) {
        struct event *e = &log->ev[log->n++];
        e->error = true;
        e->line = line;
        e->reason = strdup(reason);
        sitrep_article_init(&e->a);
    } else {
        log->dropped++;
    }
}

static const struct sitrep_reader_callbacks callbacks = {on_article, on_error};

static void log_clear(struct log *log)
{
    for (size_t i = 0; i < log->n; i++) {
        free(log->ev[i].reason);
        sitrep_article_clear(&log->ev[i].a);
    }
    memset(log, 0, sizeof *log);
}

static void log_print(const struct log *log)
{
    for (size_t i = 0; i < log->n; i++) {
        const struct event *e = &log->ev[i];
        if (e->error)
            fprintf(stderr, "    error line %ld: %s\n", e->line, e->reason);
        else
            fprintf(stderr, "    article line %ld: id=%s title=%s\n", e->line,
                    e->a.id ? e->a.id : "(null)", e->a.title ? e->a.title : "(null)");
    }
}

/* What one event must look like; NULL fields are not checked.  For errors,
 * reason is a substring of the reported reason. */
struct want {
    char kind; /* 'A' article, 'E' error */
    long line;
    const char *reason;
    const char *id, *title, *text, *url, *published, *lang, *source;
    const char *meta; /* compact JSON with sorted keys, "null" for none */
};

static char tmpdir[64];

static char *write_temp(const char *name, const void *data, size_t len)
{
    char *path = malloc(strlen(tmpdir) + strlen(name) + 2);
    FILE *f;

    REQUIRE(path);
    sprintf(path, "%s/%s", tmpdir, name);
    f = fopen(path, "wb");
    REQUIRE(f);
    REQUIRE(fwrite(data, 1, len, f) == len);
    REQUIRE(fclose(f) == 0);
    return path;
}

static void check_str(const char *what, const char *name, const char *got, const char *want)
{
    if (!want)
        return;
    if (!got || strcmp(got, want) != 0) {
        fprintf(stderr, "%s: %s:\n  got:  %s\n  want: %s\n", name, what, got ? got : "(null)",
                want);
        test_failures++;
    }
}

static void check_events(const char *name, const struct log *log, const struct want *w,
                         size_t n_want)
{
    bool ok = log->n == n_want && log->dropped == 0;

    for (size_t i = 0; ok && i < n_want; i++) {
        const struct event *e = &log->ev[i];
        char *meta;

        if (e->error != (w[i].kind == 'E') || e->line != w[i].line) {
            ok = false;
            break;
        }
        if (e->error) {
            if (w[i].reason && !strstr(e->reason, w[i].reason)) {
                fprintf(stderr, "%s: event %zu: reason \"%s\" lacks \"%s\"\n", name, i, e->reason,
                        w[i].reason);
                test_failures++;
            }
            continue;
        }
        check_str("id", name, e->a.id, w[i].id);
        check_str("title", name, e->a.title, w[i].title);
        check_str("text", name, e->a.text, w[i].text);
        check_str("url", name, e->a.url, w[i].url);
        check_str("published", name, e->a.published, w[i].published);
        check_str("lang", name, e->a.lang, w[i].lang);
        check_str("source", name, e->a.source, w[i].source);
        if (e->a.text && e->a.text_len != strlen(e->a.text)) {
            fprintf(stderr, "%s: text_len %zu != strlen %zu\n", name, e->a.text_len,
                    strlen(e->a.text));
            test_failures++;
        }
        meta = e->a.meta ? json_dumps(e->a.meta, JSON_COMPACT | JSON_SORT_KEYS) : strdup("null");
        check_str("meta", name, meta, w[i].meta);
        free(meta);
    }
    if (!ok) {
        fprintf(stderr, "%s: events differ; want %zu:\n", name, n_want);
        for (size_t i = 0; i < n_want; i++)
            fprintf(stderr, "    %s line %ld\n", w[i].kind == 'E' ? "error" : "article", w[i].line);
        fprintf(stderr, "  got %zu:\n", log->n);
        log_print(log);
        test_failures++;
    }
}

#define MAXW 8
static const struct file_case {
    const char *name; /* file name: the extension picks the reader */
    const char *content;
    size_t max_record; /* 0: the default */
    struct want want[MAXW];
} file_cases[] = {
    {"good-and-bad.jsonl",
     "{\"id\":\"a1\",\"title\":\"One\",\"text\":\"Body one\",\"published\":\"2022-02-28\","
     "\"url\":\"https://example.org/1\",\"source\":\"example.org\",\"lang\":\"en\"}\n"
     "\n"
     "{\"id\":\"a2\",\"title\":\"Two\",\"body\":\"Body two\",\"date\":\"2022-03-01\","
     "\"link\":\"https://example.org/2\",\"extra\":{\"k\":1},\"tags\":[\"x\"]}\r\n"
     "{\"id\":\"a3\",\"title\":\"Three\",}\n"
     "{\"id\":\"a4\",\"title\":5,\"text\":\"x\"}\n"
     "[1,2]\n"
     "{\"id\":\"a7\",\"title\":\"Seven\",\"content\":\"Alias\",\"published_at\":\"2023-05-01\","
     "\"text\":\"Main\"}\n"
     "   \t\r\n"
     "{\"id\":9,\"title\":\"Nine\",\"text\":\"x\",\"url\":null}",
     0,
     {{.kind = 'A',
       .line = 1,
       .id = "a1",
       .title = "One",
       .text = "Body one",
       .url = "https://example.org/1",
       .published = "2022-02-28",
       .lang = "en",
       .source = "example.org",
       .meta = "null"},
      {.kind = 'A',
       .line = 3,
       .id = "a2",
       .title = "Two",
       .text = "Body two",
       .url = "https://example.org/2",
       .published = "2022-03-01",
       .meta = "{\"extra\":{\"k\":1},\"tags\":[\"x\"]}"},
      {.kind = 'E', .line = 4, .reason = "invalid JSON: "},
      {.kind = 'E', .line = 5, .reason = "field \"title\" must be a string, not a number"},
      {.kind = 'E', .line = 6, .reason = "not a JSON object"},
      {.kind = 'A',
       .line = 7,
       .id = "a7",
       .title = "Seven",
       .text = "Main",
       .published = "2023-05-01",
       .meta = "{\"content\":\"Alias\"}"},
      {.kind = 'A', .line = 9, .id = "9", .title = "Nine", .text = "x", .meta = "null"}}},
    {"column.jsonl",
     "{\"id\":\"a\",\n{\"a\": tru}\n",
     0,
     {{.kind = 'E', .line = 1, .reason = "invalid JSON: "},
      {.kind = 'E', .line = 2, .reason = "at column"}}},
    {"utf8.jsonl",
     "{\"id\":\"u1\",\"title\":\"Kyiv\",\"text\":\"ok\"}\n"
     "{\"id\":\"u2\",\"title\":\"Bad \xff byte\",\"text\":\"x\"}\n"
     "{\"id\":\"u3\",\"title\":\"Ky\xd1\x97v\",\"text\":\"ok \xe2\x80\x94 fine\"}\n",
     0,
     {{.kind = 'A', .line = 1, .id = "u1"},
      {.kind = 'E', .line = 2, .reason = "invalid UTF-8 (byte 0xff) at column 25"},
      {.kind = 'A',
       .line = 3,
       .id = "u3",
       .title = "Ky\xd1\x97v",
       .text = "ok \xe2\x80\x94 fine"}}},
    {"small-limit.jsonl",
     "{\"id\":\"s1\",\"text\":\"short\"}\n"
     "{\"id\":\"s2\",\"text\":\"this one is longer than the limit\"}\n"
     "{\"id\":\"s3\",\"text\":\"short\"}\n",
     40,
     {{.kind = 'A', .line = 1, .id = "s1"},
      {.kind = 'E', .line = 2, .reason = "record too large: 54 bytes > 40"},
      {.kind = 'A', .line = 3, .id = "s3"}}},
    {"binary.jsonl",
     "{\"id\":\"b\"}\n\0\0\0\x01\x02",
     0,
     {{.kind = 'E', .line = 1, .reason = "binary file, skipped"}}},
    {"empty.jsonl", "", 0, {{.kind = 'E', .line = 1, .reason = "empty file"}}},
    {"blank.txt", "  \n\r\n\t\n", 0, {{.kind = 'E', .line = 1, .reason = "empty file"}}},
    {"empty.html", "", 0, {{.kind = 'E', .line = 1, .reason = "empty file"}}},
    {"array.json",
     "[\n"
     "  {\"id\":\"j1\",\"title\":\"One\",\"text\":\"a, [b] {c}\"},\n"
     "  {\"id\":\"j2\",\"title\":[\"x\"],\n"
     "   \"text\":\"b\"},\n"
     "  {\"id\":\"j3\",\n"
     "   \"title\": \"Three\" \"text\":\"c\"},\n"
     "  {\"id\":\"j4\",\"title\":\"Fo\\\"ur]\",\"text\":\"d\"},\n"
     "  17\n"
     "]\n",
     0,
     {{.kind = 'A', .line = 2, .id = "j1", .title = "One", .text = "a, [b] {c}"},
      {.kind = 'E', .line = 3, .reason = "field \"title\" must be a string, not an array"},
      {.kind = 'E', .line = 6, .reason = "invalid JSON: "},
      {.kind = 'A', .line = 7, .id = "j4", .title = "Fo\"ur]"},
      {.kind = 'E', .line = 8, .reason = "not a JSON object but a number"}}},
    {"trailing-comma.json",
     "[{\"id\":\"t1\",\"text\":\"x\"},\n]",
     0,
     {{.kind = 'A', .line = 1, .id = "t1"},
      {.kind = 'E', .line = 2, .reason = "empty array element"}}},
    {"unclosed.json",
     "[{\"id\":\"t1\",\"text\":\"x\"},\n{\"id\":\"t2\"",
     0,
     {{.kind = 'A', .line = 1, .id = "t1"},
      {.kind = 'E', .line = 2, .reason = "invalid JSON"},
      {.kind = 'E', .line = 2, .reason = "end of file inside the array"}}},
    {"object.json",
     "\xef\xbb\xbf{\n  \"id\": \"o1\",\n  \"title\": \"Solo\", \"text\": \"t\"\n}\n",
     0,
     {{.kind = 'A', .line = 1, .id = "o1", .title = "Solo", .text = "t"}}},
    {"concatenated.json",
     "{\"id\":\"c1\",\"text\":\"t\"}\n{\"id\":\"c2\",\"text\":\"t\"} x",
     0,
     {{.kind = 'A', .line = 1, .id = "c1"},
      {.kind = 'A', .line = 2, .id = "c2"},
      {.kind = 'E', .line = 2, .reason = "expected an object"}}},
    {"scalar.json",
     "  42\n",
     0,
     {{.kind = 'E', .line = 1, .reason = "expected an object or an array"}}},
    {"scraped.txt",
     "IE 11 is not supported. For an optimal experience visit our site on another browser.\n"
     "We use cookies to improve your experience.\r\n"
     "Accept all cookies\n"
     "https://example.org/news/123\n"
     " ----- \n"
     "Skip to content\n"
     "\n"
     "Shelling hits Kharkiv market\n"
     "\n"
     "KHARKIV, Ukraine (Feb. 28, 2022) - Body text.\n"
     "Advertisement\n"
     "More body.\n"
     "\n\n\n"
     "Second paragraph.\n",
     0,
     {{.kind = 'A',
       .line = 1,
       .title = "Shelling hits Kharkiv market",
       .text = "KHARKIV, Ukraine (Feb. 28, 2022) - Body text.\nMore body.\n\nSecond paragraph.",
       .meta = "null"}}},
    {"only-title.txt",
     "Advertisement\nJust a title\n",
     0,
     {{.kind = 'A', .line = 1, .title = "Just a title", .text = ""}}},
    {"heading.md",
     "# Heading here #\n=====\n\nBody *para*.\n",
     0,
     {{.kind = 'A', .line = 1, .title = "Heading here", .text = "Body *para*."}}},
    {"front.md",
     "---\ntitle: \"From front matter\"\ndate: 2023-05-20\nurl: https://example.net/f\n---\n"
     "First body line.\n",
     0,
     {{.kind = 'A',
       .line = 1,
       .title = "From front matter",
       .text = "First body line.",
       .url = "https://example.net/f",
       .published = "2023-05-20"}}},
    {"page.html",
     "<!DOCTYPE html>\n<html lang=\"en-GB\"><head>\n"
     "<meta charset=\"utf-8\">\n"
     "<title>Tab title | Example News</title>\n"
     "<meta property=\"og:title\" content=\"Strikes hit Odesa &amp; Izium\">\n"
     "<meta property=\"og:site_name\" content=\"Example News\">\n"
     "<meta name=\"date\" content=\"2022-01-01\">\n"
     "<meta property=\"article:published_time\" content=\"2022-04-03T08:15:00Z\">\n"
     "<meta property=\"og:url\" content=\"https://example.com/odesa?a=1&amp;b=2\">\n"
     "<link rel=\"canonical\" href=\"https://example.com/other\">\n"
     "<style>p { color: red; }</style>\n"
     "<script>var s = '<p>not text</p>'; if (a < b) {}</script>\n"
     "</head><body>\n"
     "<header><a href=\"/\">Home</a><h1>Strikes hit Odesa</h1></header>\n"
     "<nav><ul><li>World</li><li>Europe</li></ul></nav>\n"
     "<!-- <p>commented out</p> -->\n"
     "<article><p>ODESA, Ukraine &#8212; Missiles   struck\nthe port\n"
     "on Sunday, officials said.</p>\n"
     "<p>It&#x2019;s the caf&eacute;&nbsp;owner&apos;s view: 3 &lt; 4<br>next line</p>\n"
     "<figure><img src=x alt=\"photo\"><figcaption>Smoke over the port</figcaption></figure>\n"
     "<aside>Read also: something else</aside>\n"
     "<form><input name=q><button>Search</button></form>\n"
     "<noscript><p>Enable JS</p></noscript>\n"
     "<p>Bad refs: &bogus; &#xD800; &#150; &amp x</p></article>\n"
     "<footer>Copyright</footer>\n"
     "</body></html>\n",
     0,
     {{.kind = 'A',
       .line = 1,
       .title = "Strikes hit Odesa & Izium",
       .text = "ODESA, Ukraine \xe2\x80\x94 Missiles struck the port on Sunday, officials said.\n\n"
               "It\xe2\x80\x99s the caf\xc3\xa9 owner's view: 3 < 4\nnext line\n\n"
               "Smoke over the port\n\n"
               "Bad refs: &bogus; \xef\xbf\xbd \xe2\x80\x93 & x",
       .url = "https://example.com/odesa?a=1&b=2",
       .published = "2022-04-03T08:15:00Z",
       .lang = "en",
       .meta = "{\"site_name\":\"Example News\"}"}}},
    {"fallback-title.htm",
     "<html><head><title>Tab title | Example News</title>"
     "<meta property='og:site_name' content='Example News'>"
     "<link rel=canonical href=https://example.org/canon>"
     "<meta name=\"pubdate\" content=\"20230110\"></head>"
     "<body><div>Line one</div><div>Line two</div></body></html>",
     0,
     {{.kind = 'A',
       .line = 1,
       .title = "Tab title",
       .text = "Line one\nLine two",
       .url = "https://example.org/canon",
       .published = "20230110"}}},
    {"h1-and-jsonld.html",
     "<html><head><script type=\"application/ld+json\">"
     "{\"@context\":\"https://schema.org\",\"@graph\":[{\"@type\":\"NewsArticle\","
     "\"datePublished\":\"2023-07-04T10:00:00+03:00\"}]}</script></head>"
     "<body><h1>Main <em>headline</em></h1><p>Text.</p><p>Unclosed <b attr='>"
     "</body></html>",
     0,
     {{.kind = 'A',
       .line = 1,
       .title = "Main headline",
       .text = "Main headline\n\nText.\n\nUnclosed",
       .published = "2023-07-04T10:00:00+03:00"}}},
    {"itemprop.html",
     "<p>Body</p><time itemprop=\"datePublished\" datetime=\"2022-09-10\">10 Sept</time>",
     0,
     {{.kind = 'A', .line = 1, .text = "Body\n\n10 Sept", .published = "2022-09-10"}}},
    {"nothing.html",
     "<html><script>x()</script><style>a{}</style></html>",
     0,
     {{.kind = 'E', .line = 1, .reason = "no text in HTML"}}},
    {"binary.html",
     "<html>\0\0PNG",
     0,
     {{.kind = 'E', .line = 1, .reason = "binary file, skipped"}}},
    {"utf16.txt", "\xff\xfeH\0i\0", 0, {{.kind = 'E', .line = 1, .reason = "UTF-16"}}},
    {"ignored.csv", "a,b,c\n", 0, {{0}}},
};

static size_t count_wants(const struct want *w)
{
    size_t n = 0;
    while (n < MAXW && w[n].kind)
        n++;
    return n;
}

static void run_file_cases(void)
{
    for (size_t i = 0; i < sizeof file_cases / sizeof file_cases[0]; i++) {
        const struct file_case *c = &file_cases[i];
        /* Sizes of literals with embedded NULs: sizeof would need arrays,
         * so the binary cases spell out their length here. */
        size_t len = strlen(c->content);
        struct log log;
        char *path;
        sitrep_status st;

        if (strncmp(c->name, "binary", 6) == 0)
            len += 6;
        if (strcmp(c->name, "utf16.txt") == 0)
            len = 6;
        memset(&log, 0, sizeof log);
        path = write_temp(c->name, c->content, len);
        st = sitrep_read_file(path, SITREP_FORMAT_AUTO, c->max_record, &callbacks, &log);
        if (st != SITREP_OK) {
            fprintf(stderr, "%s: status %d\n", c->name, (int)st);
            test_failures++;
        }
        check_events(c->name, &log, c->want, count_wants(c->want));
        log_clear(&log);
        unlink(path);
        free(path);
    }
}

/* A 50 MB line under a 1 MB limit is reported and skipped, the records
 * around it are read, and it is never held in memory whole. */
static void test_huge_line(void)
{
    static const char head[] = "{\"id\":\"h1\",\"text\":\"before\"}\n{\"id\":\"big\",\"text\":\"";
    static const char tail[] = "\"}\n{\"id\":\"h3\",\"text\":\"after\"}\n";
    const size_t fill = (size_t)50 << 20;
    char *path = malloc(strlen(tmpdir) + 16), *chunk = malloc(1 << 16);
    struct log log;
    struct rusage ru;
    long peak_before;
    char reason[64];
    size_t line_len = strlen("{\"id\":\"big\",\"text\":\"") + fill + 2;
    FILE *f;

    REQUIRE(path && chunk);
    sprintf(path, "%s/huge.jsonl", tmpdir);
    memset(chunk, 'A', 1 << 16);
    f = fopen(path, "wb");
    REQUIRE(f);
    REQUIRE(fwrite(head, 1, strlen(head), f) == strlen(head));
    for (size_t done = 0; done < fill; done += 1 << 16)
        REQUIRE(fwrite(chunk, 1, 1 << 16, f) == 1 << 16);
    REQUIRE(fwrite(tail, 1, strlen(tail), f) == strlen(tail));
    REQUIRE(fclose(f) == 0);
    free(chunk);

    memset(&log, 0, sizeof log);
    CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
    peak_before = ru.ru_maxrss;
    CHECK(sitrep_read_file(path, SITREP_FORMAT_AUTO, 1 << 20, &callbacks, &log) == SITREP_OK);
    snprintf(reason, sizeof reason, "record too large: %zu bytes > %d", line_len, 1 << 20);
    {
        const struct want w[] = {{.kind = 'A', .line = 1, .id = "h1"},
                                 {.kind = 'E', .line = 2, .reason = reason},
                                 {.kind = 'A', .line = 3, .id = "h3", .text = "after"}};
        check_events("huge.jsonl", &log, w, 3);
    }
    /* Reading must not raise the peak memory by anything like the line's
     * 50 MB: at most the 1 MB limit, the window and some slack (measured as
     * a difference so that sanitizer overhead does not count). */
    CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
    if (ru.ru_maxrss - peak_before > 16 * 1024) {
        fprintf(stderr, "huge.jsonl: peak RSS grew by %ld KiB\n", ru.ru_maxrss - peak_before);
        test_failures++;
    }
    log_clear(&log);
    unlink(path);
    free(path);
}

/* A page that declares windows-1252 has its bytes transcoded. */
static void test_cp1252(void)
{
    static const char page[] = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
                               "charset=windows-1252\"><title>Caf\xe9 \x93news\x94</title></head>"
                               "<body><p>Na\xefve \x80 5 \x96 6 &#233;</p></body></html>";
    static const char plain[] = "Kyiv caf\xe9\nBody \x93quoted\x94.\n";
    struct log log;
    char *path;

    memset(&log, 0, sizeof log);
    path = write_temp("cp1252.html", page, strlen(page));
    CHECK(sitrep_read_file(path, SITREP_FORMAT_AUTO, 0, &callbacks, &log) == SITREP_OK);
    {
        const struct want w[] = {{.kind = 'A',
                                  .line = 1,
                                  .title = "Caf\xc3\xa9 \xe2\x80\x9cnews\xe2\x80\x9d",
                                  .text = "Na\xc3\xafve \xe2\x82\xac 5 \xe2\x80\x93 6 \xc3\xa9"}};
        check_events("cp1252.html", &log, w, 1);
    }
    log_clear(&log);
    unlink(path);
    free(path);

    /* Undeclared text that is not UTF-8 is read as windows-1252 too. */
    path = write_temp("cp1252.txt", plain, strlen(plain));
    CHECK(sitrep_read_file(path, SITREP_FORMAT_AUTO, 0, &callbacks, &log) == SITREP_OK);
    {
        const struct want w[] = {{.kind = 'A',
                                  .line = 1,
                                  .title = "Kyiv caf\xc3\xa9",
                                  .text = "Body \xe2\x80\x9cquoted\xe2\x80\x9d."}};
        check_events("cp1252.txt", &log, w, 1);
    }
    log_clear(&log);
    unlink(path);
    free(path);
}

static void test_format_from_path(void)
{
    static const struct {
        const char *path;
        enum sitrep_format format;
    } cases[] = {
        {"a.jsonl", SITREP_FORMAT_JSONL},      {"dir.x/A.NDJSON", SITREP_FORMAT_JSONL},
        {"a.json", SITREP_FORMAT_JSON},        {"a.txt", SITREP_FORMAT_TEXT},
        {"a.md", SITREP_FORMAT_TEXT},          {"a.HTM", SITREP_FORMAT_HTML},
        {"a.html", SITREP_FORMAT_HTML},        {"a.csv", SITREP_FORMAT_NONE},
        {".json", SITREP_FORMAT_NONE},         {"json", SITREP_FORMAT_NONE},
        {"d.json/readme", SITREP_FORMAT_NONE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (sitrep_format_from_path(cases[i].path) != cases[i].format) {
            fprintf(stderr, "format_from_path(%s) wrong\n", cases[i].path);
            test_failures++;
        }
    }
    CHECK(sitrep_format_from_path(NULL) == SITREP_FORMAT_NONE);
}

static void test_json_record(void)
{
    static const struct {
        const char *data;
        sitrep_status st;
        const char *reason; /* substring */
    } cases[] = {
        {"{\"title\":\"t\",\"text\":\"x\"}", SITREP_OK, NULL},
        {"{\"title\":\"t\",}", SITREP_ERR_INVALID, "invalid JSON: "},
        {"{\"title\":\"t\",}", SITREP_ERR_INVALID, "at column 14"},
        {"{\n\"title\":\n}", SITREP_ERR_INVALID, "at line 3, column"},
        {"{\"title\":true}", SITREP_ERR_INVALID, "field \"title\" must be a string, not a boolean"},
        {"{\"id\":1.5}", SITREP_ERR_INVALID, "field \"id\" must be a string, not a number"},
        {"{\"text\":\"a\\u0000b\"}", SITREP_ERR_INVALID, "invalid JSON"},
        {"{\"text\":\"\xc3\x28\"}", SITREP_ERR_INVALID, "invalid UTF-8 (byte 0xc3) at column 10"},
        {"\"just a string\"", SITREP_ERR_INVALID, "not a JSON object but a string"},
        {"", SITREP_ERR_INVALID, "invalid JSON"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct sitrep_article a;
        char reason[256] = "";
        sitrep_status st;

        sitrep_article_init(&a);
        st = sitrep_read_json_record(cases[i].data, strlen(cases[i].data), &a, reason,
                                     sizeof reason);
        if (st != cases[i].st || (cases[i].reason && !strstr(reason, cases[i].reason))) {
            fprintf(stderr, "json_record(%s): status %d reason \"%s\", want \"%s\"\n",
                    cases[i].data, (int)st, reason, cases[i].reason ? cases[i].reason : "");
            test_failures++;
        }
        sitrep_article_clear(&a);
    }

    /* Members the record lacks keep what the caller set; a failed record
     * leaves the article alone. */
    {
        struct sitrep_article a;
        char reason[128];
        sitrep_article_init(&a);
        a.source = strdup("preset.example.org");
        CHECK(sitrep_read_json_record("{\"title\":1}", 11, &a, reason, sizeof reason) ==
              SITREP_ERR_INVALID);
        CHECK(a.title == NULL);
        CHECK(sitrep_read_json_record("{\"title\":\"T\"}", 13, &a, reason, sizeof reason) ==
              SITREP_OK);
        CHECK_STR(a.title, "T");
        CHECK_STR(a.source, "preset.example.org");
        sitrep_article_clear(&a);
    }
}

static void test_misc(void)
{
    struct log log;
    char *path;
    FILE *f;
    static const char three[] = "{\"id\":\"1\"}\n{\"id\":\"2\"}\n{\"id\":\"3\"}\n";
    static const char html[] = "  <p>Streamed &amp; sniffed</p>";

    /* A file that does not exist: an I/O error at line 0. */
    memset(&log, 0, sizeof log);
    CHECK(sitrep_read_file("/nonexistent/sitrep/x.jsonl", SITREP_FORMAT_AUTO, 0, &callbacks,
                           &log) == SITREP_ERR_IO);
    CHECK(log.n == 1 && log.ev[0].error && log.ev[0].line == 0);
    log_clear(&log);

    /* on_article asking to stop. */
    path = write_temp("three.jsonl", three, strlen(three));
    log.stop_after = 2;
    CHECK(sitrep_read_file(path, SITREP_FORMAT_AUTO, 0, &callbacks, &log) == SITREP_OK);
    CHECK(log.n == 2);
    log_clear(&log);
    /* A forced format overrides the extension. */
    CHECK(sitrep_read_file(path, SITREP_FORMAT_JSON, 0, &callbacks, &log) == SITREP_OK);
    CHECK(log.n == 3);
    log_clear(&log);
    unlink(path);
    free(path);

    /* Streams with no telling name are sniffed. */
    f = fmemopen((void *)html, strlen(html), "r");
    REQUIRE(f);
    CHECK(sitrep_read_stream(f, "-", SITREP_FORMAT_AUTO, 0, &callbacks, &log) == SITREP_OK);
    CHECK(log.n == 1 && !log.ev[0].error && log.ev[0].a.text &&
          strcmp(log.ev[0].a.text, "Streamed & sniffed") == 0);
    fclose(f);
    log_clear(&log);

    /* No callbacks at all is allowed. */
    f = fmemopen((void *)three, strlen(three), "r");
    REQUIRE(f);
    CHECK(sitrep_read_stream(f, "x.jsonl", SITREP_FORMAT_AUTO, 0, NULL, NULL) == SITREP_OK);
    fclose(f);
}

/* Every prefix of some awkward inputs, in every format: only "no crash, no
 * out-of-bounds read" is checked (run under ASan or valgrind to see it). */
static void test_truncations(void)
{
    static const char *const inputs[] = {
        "<html lang='en'><head><meta property=\"og:title\" content=\"A &amp; B\"><title>T</title>"
        "<script type=\"application/ld+json\">{\"datePublished\":\"2022\"}</script></head>"
        "<body><!-- c --><nav>n</nav><h1>H &#x41;&#65;&eacute;</h1><p>x<br/>y</p>&#1234567890;"
        "<a href=\"q\" b='r' c=s d>z</a></body></html>",
        "[{\"id\":\"a\",\"t\":\"x\\\"]}\"},{\"id\":\"b\"}]",
        "{\"id\":\"a\",\"text\":\"\xd0\x9a\xd0\xb8\xd1\x97\xd0\xb2\"}\n{\"id\":\"b\"}\n",
        "---\ntitle: x\n---\n# T\n===\nWe use cookies\nbody",
    };
    static const enum sitrep_format formats[] = {SITREP_FORMAT_JSONL, SITREP_FORMAT_JSON,
                                                 SITREP_FORMAT_TEXT, SITREP_FORMAT_HTML};
    static const char *const names[] = {"t.jsonl", "t.json", "t.md", "t.html"};

    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        size_t len = strlen(inputs[i]);
        for (size_t n = 1; n <= len; n++) {
            /* A heap copy of exactly n bytes, so ASan sees any read past it. */
            char *copy = malloc(n);
            REQUIRE(copy);
            memcpy(copy, inputs[i], n);
            for (size_t k = 0; k < 4; k++) {
                struct log log;
                FILE *f = fmemopen(copy, n, "r");
                REQUIRE(f);
                memset(&log, 0, sizeof log);
                sitrep_read_stream(f, names[k], formats[k], 64, &callbacks, &log);
                fclose(f);
                log_clear(&log);
            }
            free(copy);
        }
    }
}

int main(void)
{
    const char *base = getenv("TMPDIR");

    snprintf(tmpdir, sizeof tmpdir, "%s/test-reader-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
        return 99;
    }
    test_format_from_path();
    test_json_record();
    run_file_cases();
    test_cp1252();
    test_misc();
    test_truncations();
    /* Its peak-memory check covers the whole run; the other cases are small. */
    test_huge_line();
    rmdir(tmpdir);
    return TEST_DONE();
}
