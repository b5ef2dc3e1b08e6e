/* test-config.c - the YAML configuration loader: the defaults, the shipped
 * config/sitrep.yaml, every kind of bad file with its exact file:line:col
 * message, sizes, booleans, listen addresses, API key lookup and relative
 * paths.  Files are written to a fresh temporary directory, removed at the
 * end.
 */
/* realpath() (see config.c for why this is needed with glibc). */
#define _XOPEN_SOURCE 700

#include "config.h"

#include "sitrep-build.h"
#include "test.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KIB ((size_t)1024)
#define MIB (1024 * KIB)
#define GIB (1024 * MIB)

/* A temporary directory and the files written into it. */
struct fixture {
    char dir[PATH_MAX]; /* absolute and symlink-free, so expected paths are exact */
    char *files[64];    /* owned; removed and freed by fixture_done() */
    size_t n_files;
    char *dirs[8]; /* owned subdirectories, removed after the files */
    size_t n_dirs;
};

static char *join(const char *a, const char *b)
{
    char *p = malloc(strlen(a) + strlen(b) + 2);

    REQUIRE(p);
    sprintf(p, "%s/%s", a, b);
    return p;
}

static void fixture_init(struct fixture *fx)
{
    const char *tmp = getenv("TMPDIR");
    char templ[PATH_MAX];

    memset(fx, 0, sizeof *fx);
    snprintf(templ, sizeof templ, "%s/sitrep-test-config-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(templ) || !realpath(templ, fx->dir)) {
        perror("temporary directory");
        exit(99);
    }
}

static void fixture_mkdir(struct fixture *fx, const char *name)
{
    char *path = join(fx->dir, name);

    REQUIRE(fx->n_dirs < sizeof fx->dirs / sizeof fx->dirs[0]);
    if (mkdir(path, 0700) != 0) {
        perror(path);
        exit(99);
    }
    fx->dirs[fx->n_dirs++] = path;
}

/* Writes content (len bytes) to dir/name and returns its path, which the
 * fixture owns.  A name is written once; later writes reuse its slot. */
static const char *write_bytes(struct fixture *fx, const char *name, const char *content,
                               size_t len)
{
    char *path = join(fx->dir, name);
    FILE *f = fopen(path, "wb");

    if (!f || fwrite(content, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(99);
    }
    for (size_t i = 0; i < fx->n_files; i++) {
        if (!strcmp(fx->files[i], path)) {
            free(path);
            return fx->files[i];
        }
    }
    REQUIRE(fx->n_files < sizeof fx->files / sizeof fx->files[0]);
    fx->files[fx->n_files] = path;
    return fx->files[fx->n_files++];
}

static const char *write_file(struct fixture *fx, const char *name, const char *content)
{
    return write_bytes(fx, name, content, strlen(content));
}

static void fixture_done(struct fixture *fx)
{
    for (size_t i = 0; i < fx->n_files; i++) {
        unlink(fx->files[i]);
        free(fx->files[i]);
    }
    for (size_t i = fx->n_dirs; i-- > 0;) {
        rmdir(fx->dirs[i]);
        free(fx->dirs[i]);
    }
    rmdir(fx->dir);
}

/* Every field of a and b equal; the two paths only when check_paths. */
static bool same_config(const struct sitrep_config *a, const struct sitrep_config *b,
                        bool check_paths)
{
    bool same = true;

    if (check_paths)
        same = same && !strcmp(a->index_path, b->index_path) &&
               !strcmp(a->gazetteer_path, b->gazetteer_path);
    same = same && !strcmp(a->listen_host, b->listen_host) && a->listen_port == b->listen_port &&
           a->threads == b->threads && a->search_requires_key == b->search_requires_key &&
           a->n_cors_origins == b->n_cors_origins && a->max_body_bytes == b->max_body_bytes &&
           a->max_query_bytes == b->max_query_bytes && a->max_page_size == b->max_page_size &&
           a->max_window == b->max_window && a->max_connections == b->max_connections &&
           a->max_connections_per_ip == b->max_connections_per_ip &&
           a->timeout_seconds == b->timeout_seconds &&
           a->connection_memory_bytes == b->connection_memory_bytes &&
           a->rate_per_second == b->rate_per_second && a->rate_burst == b->rate_burst &&
           a->batch_size == b->batch_size && a->max_record_bytes == b->max_record_bytes &&
           a->n_api_keys == b->n_api_keys;
    for (size_t i = 0; same && i < a->n_cors_origins; i++)
        same = !strcmp(a->cors_origins[i], b->cors_origins[i]);
    for (size_t i = 0; same && i < a->n_api_keys; i++)
        same = !strcmp(a->api_keys[i].name, b->api_keys[i].name) &&
               !strcmp(a->api_keys[i].key, b->api_keys[i].key) &&
               a->api_keys[i].scopes == b->api_keys[i].scopes &&
               a->api_keys[i].key_len == b->api_keys[i].key_len;
    return same;
}

static void test_defaults(void)
{
    struct sitrep_config cfg;

    REQUIRE(sitrep_config_defaults(&cfg));
    CHECK_STR(cfg.index_path, "var/index");
    CHECK_STR(cfg.gazetteer_path, SITREP_DEFAULT_GAZETTEER);
    CHECK_STR(cfg.gazetteer_supplement_path, SITREP_DEFAULT_GAZETTEER_SUPPLEMENT);
    CHECK_STR(cfg.listen_host, "127.0.0.1");
    CHECK(cfg.listen_port == 8080);
    CHECK(cfg.threads == 0);
    CHECK(!cfg.search_requires_key);
    CHECK(cfg.cors_origins == NULL && cfg.n_cors_origins == 0);
    CHECK(cfg.max_body_bytes == 10 * MIB);
    CHECK(cfg.max_query_bytes == 8 * KIB);
    CHECK(cfg.max_page_size == 250);
    CHECK(cfg.max_window == 10000);
    CHECK(cfg.max_connections == 256);
    CHECK(cfg.max_connections_per_ip == 64);
    CHECK(cfg.timeout_seconds == 30);
    CHECK(cfg.connection_memory_bytes == 128 * KIB);
    CHECK(cfg.rate_per_second == 100);
    CHECK(cfg.rate_burst == 400);
    CHECK(cfg.batch_size == 250);
    CHECK(cfg.max_record_bytes == 8 * MIB);
    CHECK(cfg.api_keys == NULL && cfg.n_api_keys == 0);
    sitrep_config_free(&cfg);
    CHECK(cfg.index_path == NULL && cfg.listen_host == NULL);
    sitrep_config_free(&cfg); /* freeing twice is harmless: free zeroes */
}

/* The annotated file ships the built-in defaults; only its two paths differ,
 * because they are relative to config/ and so land in the checkout. */
static void test_shipped_file(void)
{
    static const char *const keys[] = {
        "index.path",
        "index.gazetteer",
        "index.gazetteer_supplement",
        "server.listen",
        "server.threads",
        "server.search_requires_key",
        "server.cors_origins",
        "limits.body_bytes",
        "limits.query_bytes",
        "limits.page_size",
        "limits.max_window",
        "limits.connections",
        "limits.connections_per_ip",
        "limits.timeout_seconds",
        "limits.header_bytes",
        "limits.rate_per_second",
        "limits.rate_burst",
        "indexer.batch_size",
        "indexer.max_record_bytes",
        "api_keys",
    };
    const char *src = getenv("SITREP_SOURCE_DIR");
    char root[PATH_MAX], err[512], *path, *want, *text;
    struct sitrep_config def, cfg;
    FILE *f;
    long size;

    if (!src || !*src)
        src = SITREP_SOURCE_DIR;
    REQUIRE(realpath(src, root));
    path = join(root, "config/sitrep.yaml");
    REQUIRE(sitrep_config_defaults(&def));
    REQUIRE(sitrep_config_defaults(&cfg));
    if (!sitrep_config_load(&cfg, path, err, sizeof err)) {
        fprintf(stderr, "loading the shipped file: %s\n", err);
        test_failures++;
    }
    CHECK(same_config(&cfg, &def, false));
    want = join(root, "var/index");
    CHECK_STR(cfg.index_path, want);
    free(want);
    want = join(root, "indexer/gazetteer/places.tsv");
    CHECK_STR(cfg.gazetteer_path, want);
    /* The build's default is the same file, unless the checkout's path goes
     * through a symlink, which realpath() took out above. */
    if (!strcmp(root, SITREP_SOURCE_DIR))
        CHECK_STR(cfg.gazetteer_path, SITREP_DEFAULT_GAZETTEER);
    free(want);
    want = join(root, "config/gazetteer.yaml");
    CHECK_STR(cfg.gazetteer_supplement_path, want);
    if (!strcmp(root, SITREP_SOURCE_DIR))
        CHECK_STR(cfg.gazetteer_supplement_path, SITREP_DEFAULT_GAZETTEER_SUPPLEMENT);
    free(want);

    /* Every key is written out, not left to its default. */
    f = fopen(path, "rb");
    REQUIRE(f);
    REQUIRE(fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0);
    text = calloc(1, (size_t)size + 2);
    REQUIRE(text);
    text[0] = '\n';
    REQUIRE(fread(text + 1, 1, (size_t)size, f) == (size_t)size);
    fclose(f);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *dot = strchr(keys[i], '.');
        char needle[128];

        if (dot)
            snprintf(needle, sizeof needle, "\n  %s:", dot + 1);
        else
            snprintf(needle, sizeof needle, "\n%s:", keys[i]);
        if (!strstr(text, needle)) {
            fprintf(stderr, "config/sitrep.yaml does not set %s\n", keys[i]);
            test_failures++;
        }
    }
    free(text);
    free(path);
    sitrep_config_free(&def);
    sitrep_config_free(&cfg);
}

static void test_empty_files(struct fixture *fx)
{
    static const char *const texts[] = {
        "",
        "# only a comment\n\n",
        "---\n",
        "---\n...\n",
        "~\n",
        "index:\nserver:\n",
        "api_keys:\nserver:\n  cors_origins:\n",
    };
    struct sitrep_config def, cfg;
    char err[512];

    REQUIRE(sitrep_config_defaults(&def));
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const char *path = write_file(fx, "empty.yaml", texts[i]);

        REQUIRE(sitrep_config_defaults(&cfg));
        if (!sitrep_config_load(&cfg, path, err, sizeof err)) {
            fprintf(stderr, "empty case %zu: %s\n", i, err);
            test_failures++;
        }
        CHECK(same_config(&cfg, &def, true));
        sitrep_config_free(&cfg);
    }
    sitrep_config_free(&def);
}

/* Every key set away from its default, so each row is shown to reach its
 * field. */
static void test_full_file(struct fixture *fx)
{
    const char *path =
        write_file(fx, "full.yaml",
                   "index:\n"
                   "  path: /srv/sitrep/index\n"
                   "  gazetteer: /srv/sitrep/places.tsv\n"
                   "  gazetteer_supplement: /srv/sitrep/gazetteer.yaml\n"
                   "server:\n"
                   "  listen: \"[::1]:9090\"\n"
                   "  threads: 8\n"
                   "  search_requires_key: yes\n"
                   "  cors_origins: [\"*\", https://a.example]\n"
                   "limits:\n"
                   "  body_bytes: 20MiB\n"
                   "  query_bytes: 4096\n"
                   "  page_size: 100\n"
                   "  max_window: 5000\n"
                   "  connections: 1000\n"
                   "  connections_per_ip: 8\n"
                   "  timeout_seconds: 5\n"
                   "  header_bytes: 64k\n"
                   "indexer:\n"
                   "  batch_size: 50\n"
                   "  max_record_bytes: 1M\n"
                   "api_keys:\n"
                   "  - name: ingest-bot\n"
                   "    key: 0123456789abcdef0123\n"
                   "    scopes: [ingest, search]\n"
                   "  - {name: ops, key: \"ops-key-ops-key-ops\", scopes: [admin]}\n");
    struct sitrep_config cfg;
    char err[512];

    REQUIRE(sitrep_config_defaults(&cfg));
    if (!sitrep_config_load(&cfg, path, err, sizeof err)) {
        fprintf(stderr, "full file: %s\n", err);
        test_failures++;
    }
    CHECK_STR(cfg.index_path, "/srv/sitrep/index");
    CHECK_STR(cfg.gazetteer_path, "/srv/sitrep/places.tsv");
    CHECK_STR(cfg.gazetteer_supplement_path, "/srv/sitrep/gazetteer.yaml");
    CHECK_STR(cfg.listen_host, "::1");
    CHECK(cfg.listen_port == 9090);
    CHECK(cfg.threads == 8);
    CHECK(cfg.search_requires_key);
    REQUIRE(cfg.n_cors_origins == 2);
    CHECK_STR(cfg.cors_origins[0], "*");
    CHECK_STR(cfg.cors_origins[1], "https://a.example");
    CHECK(cfg.max_body_bytes == 20 * MIB);
    CHECK(cfg.max_query_bytes == 4096);
    CHECK(cfg.max_page_size == 100);
    CHECK(cfg.max_window == 5000);
    CHECK(cfg.max_connections == 1000);
    CHECK(cfg.max_connections_per_ip == 8);
    CHECK(cfg.timeout_seconds == 5);
    CHECK(cfg.connection_memory_bytes == 64 * KIB);
    CHECK(cfg.batch_size == 50);
    CHECK(cfg.max_record_bytes == 1 * MIB);
    REQUIRE(cfg.n_api_keys == 2);
    CHECK_STR(cfg.api_keys[0].name, "ingest-bot");
    CHECK_STR(cfg.api_keys[0].key, "0123456789abcdef0123");
    CHECK(cfg.api_keys[0].key_len == 20);
    CHECK(cfg.api_keys[0].scopes == (SITREP_SCOPE_INGEST | SITREP_SCOPE_SEARCH));
    CHECK_STR(cfg.api_keys[1].name, "ops");
    CHECK(cfg.api_keys[1].scopes == SITREP_SCOPE_ADMIN);

    /* A second file replaces lists whole and leaves unmentioned keys alone;
     * a bad third file leaves everything as it was. */
    {
        const char *second = write_file(fx, "second.yaml",
                                        "server:\n  cors_origins: [http://localhost:3000]\n"
                                        "api_keys: []\n");
        const char *bad =
            write_file(fx, "bad-after.yaml", "server:\n  cors_origins: [x]\n  threads: lots\n");

        CHECK(sitrep_config_load(&cfg, second, err, sizeof err));
        REQUIRE(cfg.n_cors_origins == 1);
        CHECK_STR(cfg.cors_origins[0], "http://localhost:3000");
        CHECK(cfg.n_api_keys == 0 && cfg.api_keys == NULL);
        CHECK(cfg.threads == 8);
        CHECK(cfg.max_page_size == 100);

        CHECK(!sitrep_config_load(&cfg, bad, err, sizeof err));
        CHECK(cfg.n_cors_origins == 1 && !strcmp(cfg.cors_origins[0], "http://localhost:3000"));
        CHECK(cfg.threads == 8);
    }
    sitrep_config_free(&cfg);
}

struct bad_case {
    const char *what;
    const char *yaml;
    const char *want; /* the message after "path:" */
};

static const struct bad_case bad_cases[] = {
    {"unknown key", "limits:\n  pagesize: 10\n", "2:3: unknown key 'limits.pagesize'"},
    {"unknown section", "# c\nlimit:\n  page_size: 10\n", "2:1: unknown key 'limit'"},
    {"unknown top-level key", "page_size: 10\n", "1:1: unknown key 'page_size'"},
    {"dotted key", "limits.page_size: 5\n",
     "1:1: unknown key 'limits.page_size' (write it nested: 'limits:' then 'page_size:')"},
    {"bad number", "limits:\n  page_size: ten\n",
     "2:14: limits.page_size: 'ten' is not a whole number"},
    {"negative number", "limits:\n  page_size: -5\n",
     "2:14: limits.page_size: '-5' is not a whole number"},
    {"hex number", "server:\n  threads: 0x10\n",
     "2:12: server.threads: '0x10' is not a whole number"},
    {"out of range low", "limits:\n  page_size: 0\n",
     "2:14: limits.page_size: 0 is out of range (1..1000)"},
    {"out of range high", "limits:\n  page_size: 1001\n",
     "2:14: limits.page_size: 1001 is out of range (1..1000)"},
    {"overflow", "limits:\n  max_window: 99999999999999999999999\n",
     "2:15: limits.max_window: 99999999999999999999999 is out of range (1..1000000)"},
    {"size out of range", "limits:\n  body_bytes: 2GiB\n",
     "2:15: limits.body_bytes: 2GiB is out of range (1KiB..1GiB)"},
    {"size too small", "limits:\n  query_bytes: 10\n",
     "2:16: limits.query_bytes: 10 is out of range (64..1MiB)"},
    {"size overflow", "indexer:\n  max_record_bytes: 99999999999G\n",
     "2:21: indexer.max_record_bytes: 99999999999G is out of range (1KiB..1GiB)"},
    {"bad size suffix", "limits:\n  body_bytes: 10MB\n",
     "2:15: limits.body_bytes: '10MB' is not a size (bytes, or a whole number with KiB, MiB or "
     "GiB)"},
    {"bad bool", "server:\n  search_requires_key: maybe\n",
     "2:24: server.search_requires_key: 'maybe' is not a boolean (true/false, yes/no, on/off)"},
    {"missing value", "limits:\n  page_size:\n  max_window: 5\n",
     "2:13: limits.page_size: needs a value"},
    {"list for a number", "limits:\n  page_size: [1, 2]\n",
     "2:14: limits.page_size: expected a single value, not a list"},
    {"bad listen", "server:\n  listen: localhost\n",
     "2:11: server.listen: 'localhost' is not HOST:PORT (for example 127.0.0.1:8080 or "
     "[::1]:8080)"},
    {"listen port out of range", "server:\n  listen: 127.0.0.1:70000\n",
     "2:11: server.listen: port 70000 is out of range (0..65535)"},
    {"listen v6 without brackets", "server:\n  listen: \"::1:8080\"\n",
     "2:11: server.listen: '::1:8080': an IPv6 address needs brackets, as in [::1]:8080"},
    {"empty path", "index:\n  path: \"\"\n", "2:9: index.path: must not be empty"},
    {"section not a map", "limits: 5\n", "1:9: limits: expected a map of settings, not a value"},
    {"cors not a list", "server:\n  cors_origins: \"*\"\n",
     "2:17: server.cors_origins: expected a list, not a value"},
    {"cors item not a string", "server:\n  cors_origins:\n    - {a: 1}\n",
     "3:7: server.cors_origins[0]: expected a single value, not a map"},
    {"bad scope",
     "api_keys:\n  - name: a\n    key: 0123456789abcdef\n    scopes: [search, write]\n",
     "4:22: api_keys[0].scopes: unknown scope 'write' (search, ingest or admin)"},
    {"empty scopes", "api_keys:\n  - name: a\n    key: 0123456789abcdef\n    scopes: []\n",
     "4:13: api_keys[0].scopes: needs at least one of search, ingest, admin"},
    {"short key", "api_keys:\n  - name: a\n    key: short-key\n    scopes: [search]\n",
     "3:10: api_keys[0].key: too short (9 characters; at least 16)"},
    {"key with a space",
     "api_keys:\n  - name: a\n    key: \"0123456789 abcdef\"\n    scopes: [search]\n",
     "3:10: api_keys[0].key: only printable ASCII without spaces is allowed (it travels in an "
     "Authorization header)"},
    {"missing scopes", "api_keys:\n  - name: a\n    key: 0123456789abcdef\n",
     "2:5: api_keys[0]: missing 'scopes'"},
    {"unknown api key field",
     "api_keys:\n  - name: a\n    secret: 0123456789abcdef\n    scopes: [search]\n",
     "3:5: unknown key 'api_keys[0].secret'"},
    {"api key not a map", "api_keys:\n  - 0123456789abcdef\n",
     "2:5: api_keys[0]: expected a map with name, key and scopes, not a value"},
    {"duplicate api key name",
     "api_keys:\n  - {name: a, key: 0123456789abcdef, scopes: [search]}\n"
     "  - {name: a, key: 0123456789abcdeg, scopes: [search]}\n",
     "3:5: api_keys[1].name: 'a' is already used by api_keys[0]"},
    {"duplicate api key secret",
     "api_keys:\n  - {name: a, key: 0123456789abcdef, scopes: [search]}\n"
     "  - {name: b, key: 0123456789abcdef, scopes: [ingest]}\n",
     "3:5: api_keys[1].key: the same key is already used by api_keys[0]"},
    {"duplicate key", "limits:\n  page_size: 10\n  page_size: 20\n",
     "3:3: duplicate key 'limits.page_size'"},
    {"duplicate section", "limits: {}\nserver: {}\nlimits: {}\n", "3:1: duplicate key 'limits'"},
    {"duplicate api key field",
     "api_keys:\n  - name: a\n    name: b\n    key: 0123456789abcdef\n    scopes: [search]\n",
     "3:5: duplicate key 'api_keys[0].name'"},
    {"yaml syntax error", "limits:\n  page_size: 10\n max_window: 5\n",
     "3:2: did not find expected key (while parsing a block mapping at 1:1)"},
    {"unclosed quote", "server:\n  listen: \"127.0.0.1:8080\n",
     "3:1: found unexpected end of stream (while scanning a quoted scalar at 2:11)"},
    {"bad indentation", "limits:\n  page_size: 10\n    max_window: 5\n",
     "3:15: mapping values are not allowed in this context"},
    {"undefined alias", "limits:\n  page_size: *nope\n", "2:14: found undefined alias"},
    {"top level list", "- a\n- b\n", "1:1: the top level must be a map of settings, not a list"},
    {"top level scalar", "hello\n", "1:1: the top level must be a map of settings, not a value"},
    {"two documents", "limits: {}\n---\nserver: {}\n", "3:1: only one YAML document is allowed"},
    {"non-scalar key", "? [a, b]\n: 1\n", "1:3: top level: keys must be plain names, not a list"},
};

static void test_bad_files(struct fixture *fx)
{
    struct sitrep_config def, cfg;
    char err[512], want[PATH_MAX + 512];

    REQUIRE(sitrep_config_defaults(&def));
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *c = &bad_cases[i];
        const char *path = write_file(fx, "bad.yaml", c->yaml);

        REQUIRE(sitrep_config_defaults(&cfg));
        snprintf(want, sizeof want, "%s:%s", path, c->want);
        if (sitrep_config_load(&cfg, path, err, sizeof err)) {
            fprintf(stderr, "bad case '%s' loaded\n", c->what);
            test_failures++;
        } else if (strcmp(err, want) != 0) {
            fprintf(stderr, "bad case '%s':\n  got:  %s\n  want: %s\n", c->what, err, want);
            test_failures++;
        }
        /* A failed load leaves the struct exactly as it was. */
        CHECK(same_config(&cfg, &def, true));
        sitrep_config_free(&cfg);
    }

    /* Not UTF-8: libyaml's reader gives an offset, not a line. */
    {
        const char *path = write_bytes(fx, "bad.yaml", "limits:\n  page_size: \xff\n", 22);

        REQUIRE(sitrep_config_defaults(&cfg));
        snprintf(want, sizeof want, "%s: invalid leading UTF-8 octet (byte 0xFF at offset 21)",
                 path);
        CHECK(!sitrep_config_load(&cfg, path, err, sizeof err));
        CHECK_STR(err, want);
        sitrep_config_free(&cfg);
    }

    /* A missing file is named in the message. */
    {
        char *path = join(fx->dir, "no-such.yaml");

        REQUIRE(sitrep_config_defaults(&cfg));
        snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
        CHECK(!sitrep_config_load(&cfg, path, err, sizeof err));
        CHECK_STR(err, want);
        CHECK(same_config(&cfg, &def, true));
        snprintf(want, sizeof want, "%s: is a directory, not a YAML file", fx->dir);
        CHECK(!sitrep_config_load(&cfg, fx->dir, err, sizeof err));
        CHECK_STR(err, want);
        /* A tiny or absent buffer only shortens the message. */
        CHECK(!sitrep_config_load(&cfg, path, err, 8));
        CHECK(strlen(err) == 7);
        CHECK(!sitrep_config_load(&cfg, path, NULL, 0));
        sitrep_config_free(&cfg);
        free(path);
    }
    sitrep_config_free(&def);
}

static void test_values(struct fixture *fx)
{
    static const struct {
        const char *text;
        size_t bytes;
    } sizes[] = {
        {"4096", 4096},    {"1024", 1 * KIB},      {"8k", 8 * KIB},        {"8K", 8 * KIB},
        {"8KiB", 8 * KIB}, {"512 KiB", 512 * KIB}, {"10MiB", 10 * MIB},    {"3M", 3 * MIB},
        {"1G", 1 * GIB},   {"1GiB", 1 * GIB},      {"\"2 MiB\"", 2 * MIB},
    };
    static const struct {
        const char *text;
        bool value;
    } bools[] = {
        {"true", true}, {"false", false}, {"yes", true},  {"no", false},
        {"on", true},   {"off", false},   {"True", true}, {"OFF", false},
    };
    struct sitrep_config cfg;
    char yaml[256], err[512];

    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        const char *path;

        snprintf(yaml, sizeof yaml, "limits:\n  body_bytes: %s\n", sizes[i].text);
        path = write_file(fx, "size.yaml", yaml);
        REQUIRE(sitrep_config_defaults(&cfg));
        if (!sitrep_config_load(&cfg, path, err, sizeof err)) {
            fprintf(stderr, "size '%s': %s\n", sizes[i].text, err);
            test_failures++;
        } else if (cfg.max_body_bytes != sizes[i].bytes) {
            fprintf(stderr, "size '%s': got %zu, want %zu\n", sizes[i].text, cfg.max_body_bytes,
                    sizes[i].bytes);
            test_failures++;
        }
        sitrep_config_free(&cfg);
    }
    for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++) {
        const char *path;

        snprintf(yaml, sizeof yaml, "server:\n  search_requires_key: %s\n", bools[i].text);
        path = write_file(fx, "bool.yaml", yaml);
        REQUIRE(sitrep_config_defaults(&cfg));
        cfg.search_requires_key = !bools[i].value;
        CHECK(sitrep_config_load(&cfg, path, err, sizeof err));
        if (cfg.search_requires_key != bools[i].value) {
            fprintf(stderr, "bool '%s' read wrong\n", bools[i].text);
            test_failures++;
        }
        sitrep_config_free(&cfg);
    }
}

static void test_listen(void)
{
    static const struct {
        const char *text;
        const char *host; /* NULL: must fail */
        unsigned port;
        const char *message;
    } cases[] = {
        {"127.0.0.1:8080", "127.0.0.1", 8080, NULL},
        {"[::1]:8080", "::1", 8080, NULL},
        {"[::]:80", "::", 80, NULL},
        {":9000", "", 9000, NULL},
        {"localhost:0", "localhost", 0, NULL},
        {"search.example.org:65535", "search.example.org", 65535, NULL},
        {"localhost", NULL, 0,
         "'localhost' is not HOST:PORT (for example 127.0.0.1:8080 or [::1]:8080)"},
        {"host:", NULL, 0, "'host:' is not HOST:PORT (for example 127.0.0.1:8080 or [::1]:8080)"},
        {"host:http", NULL, 0, NULL},
        {"host:+80", NULL, 0, NULL},
        {"host:-1", NULL, 0, NULL},
        {"a b:80", NULL, 0, NULL},
        {"[::1]8080", NULL, 0, NULL},
        {"[]:80", NULL, 0, NULL},
        {"[x]:80", NULL, 0, NULL},
        {"::1:80", NULL, 0, "'::1:80': an IPv6 address needs brackets, as in [::1]:8080"},
        {"host:65536", NULL, 0, "port 65536 is out of range (0..65535)"},
        {"", NULL, 0, NULL},
    };
    struct sitrep_config cfg;
    char err[256];

    REQUIRE(sitrep_config_defaults(&cfg));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool ok = sitrep_config_set_listen(&cfg, cases[i].text, err, sizeof err);

        if (cases[i].host) {
            if (!ok) {
                fprintf(stderr, "listen '%s' refused: %s\n", cases[i].text, err);
                test_failures++;
                continue;
            }
            CHECK_STR(cfg.listen_host, cases[i].host);
            CHECK(cfg.listen_port == cases[i].port);
        } else {
            if (ok) {
                fprintf(stderr, "listen '%s' accepted\n", cases[i].text);
                test_failures++;
            } else if (cases[i].message) {
                CHECK_STR(err, cases[i].message);
            }
            /* The previous good value stays. */
            CHECK_STR(cfg.listen_host, "search.example.org");
            CHECK(cfg.listen_port == 65535);
        }
    }
    CHECK(!sitrep_config_set_listen(&cfg, NULL, err, sizeof err));
    sitrep_config_free(&cfg);
}

static void test_find_key(struct fixture *fx)
{
    const char *path = write_file(fx, "keys.yaml",
                                  "api_keys:\n"
                                  "  - name: reader\n"
                                  "    key: r3ad3r-0123456789abcdef\n"
                                  "    scopes: [search]\n"
                                  "  - name: writer\n"
                                  "    key: wr1t3r-0123456789abcdef-long\n"
                                  "    scopes: [search, ingest]\n");
    const struct sitrep_api_key *k;
    struct sitrep_config cfg;
    char err[512];

    REQUIRE(sitrep_config_defaults(&cfg));
    CHECK(sitrep_config_find_key(&cfg, "r3ad3r-0123456789abcdef") == NULL); /* no keys yet */
    REQUIRE(sitrep_config_load(&cfg, path, err, sizeof err));

    k = sitrep_config_find_key(&cfg, "r3ad3r-0123456789abcdef");
    CHECK(k != NULL && !strcmp(k->name, "reader") && k->scopes == SITREP_SCOPE_SEARCH);
    k = sitrep_config_find_key(&cfg, "wr1t3r-0123456789abcdef-long");
    CHECK(k != NULL && !strcmp(k->name, "writer") &&
          k->scopes == (SITREP_SCOPE_SEARCH | SITREP_SCOPE_INGEST));

    CHECK(sitrep_config_find_key(&cfg, "r3ad3r-0123456789abcdeF") == NULL); /* last byte */
    CHECK(sitrep_config_find_key(&cfg, "R3ad3r-0123456789abcdef") == NULL); /* first byte */
    CHECK(sitrep_config_find_key(&cfg, "r3ad3r-0123456789abcde") == NULL);  /* prefix */
    CHECK(sitrep_config_find_key(&cfg, "r3ad3r-0123456789abcdefr3ad3r-0123456789abcdef") ==
          NULL); /* the key twice: a modulo walk must not accept it */
    CHECK(sitrep_config_find_key(&cfg, "r3ad3r-0123456789abcdef ") == NULL);
    CHECK(sitrep_config_find_key(&cfg, "reader") == NULL); /* the name is not the key */
    CHECK(sitrep_config_find_key(&cfg, "") == NULL);
    CHECK(sitrep_config_find_key(&cfg, NULL) == NULL);
    {
        char big[2048];
        memset(big, 'a', sizeof big - 1);
        big[sizeof big - 1] = '\0';
        CHECK(sitrep_config_find_key(&cfg, big) == NULL);
    }
    sitrep_config_free(&cfg);
}

/* Relative paths resolve against the file's directory, whether the file is
 * named absolutely or relative to the working directory. */
static void test_relative_paths(struct fixture *fx)
{
    static const struct {
        const char *value;
        const char *want; /* relative to the fixture directory, or absolute */
    } cases[] = {
        {"data/idx", "sub/data/idx"},
        {"./data", "sub/data"},
        {"../places.tsv", "places.tsv"},
        {"../../x", NULL}, /* the fixture directory's parent: computed below */
        {".", "sub"},
        {"..", ""},
        {"a/../b", "sub/a/../b"}, /* only leading dots are taken off */
        {"/abs/olute", "/abs/olute"},
    };
    struct sitrep_config cfg;
    char yaml[256], err[512], want[PATH_MAX * 2], cwd[PATH_MAX];

    fixture_mkdir(fx, "sub");
    REQUIRE(getcwd(cwd, sizeof cwd));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *path;

        snprintf(yaml, sizeof yaml, "index:\n  path: \"%s\"\n", cases[i].value);
        path = write_file(fx, "sub/conf.yaml", yaml);
        if (!cases[i].want) {
            char parent[PATH_MAX];
            strcpy(parent, fx->dir);
            *strrchr(parent, '/') = '\0';
            snprintf(want, sizeof want, "%s/x", parent[0] ? parent : "");
        } else if (cases[i].want[0] == '/') {
            snprintf(want, sizeof want, "%s", cases[i].want);
        } else if (!cases[i].want[0]) {
            snprintf(want, sizeof want, "%s", fx->dir);
        } else {
            snprintf(want, sizeof want, "%s/%s", fx->dir, cases[i].want);
        }

        REQUIRE(sitrep_config_defaults(&cfg));
        CHECK(sitrep_config_load(&cfg, path, err, sizeof err));
        CHECK_STR(cfg.index_path, want);
        sitrep_config_free(&cfg);

        /* The same file named relative to the working directory. */
        REQUIRE(chdir(fx->dir) == 0);
        REQUIRE(sitrep_config_defaults(&cfg));
        CHECK(sitrep_config_load(&cfg, "sub/conf.yaml", err, sizeof err));
        CHECK_STR(cfg.index_path, want);
        sitrep_config_free(&cfg);
        REQUIRE(chdir(cwd) == 0);
    }

    /* The gazetteer supplement resolves the same way; "" means none. */
    {
        const char *path = write_file(fx, "sub/conf.yaml",
                                      "index:\n  gazetteer_supplement: ../my-gazetteer.yaml\n");
        snprintf(want, sizeof want, "%s/my-gazetteer.yaml", fx->dir);
        REQUIRE(sitrep_config_defaults(&cfg));
        CHECK(sitrep_config_load(&cfg, path, err, sizeof err));
        CHECK_STR(cfg.gazetteer_supplement_path, want);
        sitrep_config_free(&cfg);
        path = write_file(fx, "sub/conf.yaml", "index:\n  gazetteer_supplement: \"\"\n");
        REQUIRE(sitrep_config_defaults(&cfg));
        CHECK(sitrep_config_load(&cfg, path, err, sizeof err));
        CHECK_STR(cfg.gazetteer_supplement_path, "");
        sitrep_config_free(&cfg);
        /* Other paths still may not be empty. */
        path = write_file(fx, "sub/conf.yaml", "index:\n  gazetteer: \"\"\n");
        REQUIRE(sitrep_config_defaults(&cfg));
        CHECK(!sitrep_config_load(&cfg, path, err, sizeof err));
        CHECK(strstr(err, ":2:14: index.gazetteer: must not be empty") != NULL);
        sitrep_config_free(&cfg);
    }
}

int main(void)
{
    struct fixture fx;

    fixture_init(&fx);
    test_defaults();
    test_shipped_file();
    test_empty_files(&fx);
    test_full_file(&fx);
    test_bad_files(&fx);
    test_values(&fx);
    test_listen();
    test_find_key(&fx);
    test_relative_paths(&fx);
    fixture_done(&fx);
    return TEST_DONE();
}
