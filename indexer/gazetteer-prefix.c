/* gazetteer-prefix.c - every name of every place and person, sorted, for
 * autocompletion (gazetteer.h, "Prefix search").
 *
 * The gazetteer's own tables answer "which places have exactly this name"
 * by hash, and keep no list of a place's names; a prefix needs the names in
 * order.  So this index reads the same two files the gazetteer was loaded
 * from (places.tsv and the YAML supplement) once more, keeps each name with
 * the place or person it names (borrowed from the loaded gazetteer, by id),
 * and sorts a key per word start of each name: "Kryvyi Rih" is found by
 * "kry" and by "rih", "Volodymyr Zelensky" by "zel".  Names are stored
 * once, in two text blocks (the names as written, and their keys), and
 * addressed by offset.
 *
 * A key is the name folded and normalised as gazetteer.h says names match:
 * case, Latin diacritics, apostrophes, combining and Arabic vowel marks do
 * not count, hyphens and runs of spaces are one space, ё is е, and Arabic
 * alef, yeh and kaf forms are one each: gz_key_normalise() of gazetteer.c,
 * the same function whole names are matched by, so that a prefix matches
 * whatever a whole name would.
 *
 * Cost: about 520,000 names of the bundled file give about 770,000 keys;
 * built in about 0.7 s and about 50 MB of memory, which is why the server
 * builds it on the first request that needs it, not at start-up.
 */
#include "gazetteer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "buf.h"
#include "gazetteer-private.h"
#include "text.h"

/* As gazetteer.c: names longer than this are not matched. */
#define GN_MAX_NAME_BYTES 1024
/* The text blocks hold offsets in 32 bits. */
#define GN_MAX_TEXT ((size_t)UINT32_MAX)

/* One name: the place or person it names, and where its text is. */
struct gn_name {
    const void *entity; /* const struct sitrep_place * or sitrep_person * */
    uint32_t text_off;  /* the name as written, in text */
    uint32_t key_off;   /* its key, in keys */
    bool is_person;
    bool canonical; /* the entity's own name, listed first */
};

/* A word start of a name's key: what prefixes are compared with. */
struct gn_key {
    const char *key; /* into keys, NUL-terminated */
    uint32_t name;   /* index into names */
};

struct sitrep_gazetteer_names {
    const sitrep_gazetteer *gz;
    struct sitrep_buf text, keys; /* NUL-separated strings */
    struct gn_name *names;        /* by entity, the canonical name first */
    size_t n_names, cap_names;
    struct gn_key *index; /* by key */
    size_t n_index;
    const struct sitrep_person **persons; /* the supplement's, by id */
    size_t n_persons, cap_persons;
};

/* ---- keys ------------------------------------------------------------- */

char *sitrep_gazetteer_name_key(const char *s, size_t len)
{
    char *key;
    if (len > GN_MAX_NAME_BYTES || !sitrep_utf8_valid(s, len, NULL))
        return NULL;
    key = sitrep_text_fold(s, len);
    if (key)
        gz_key_normalise(key);
    return key;
}

/* ---- building --------------------------------------------------------- */

/* Appends s and a NUL to b; sets *off to where s starts. */
static sitrep_status append_text(struct sitrep_buf *b, const char *s, uint32_t *off)
{
    sitrep_status st;
    *off = (uint32_t)b->len;
    if ((st = sitrep_buf_append_str(b, s)) != SITREP_OK)
        return st;
    return sitrep_buf_append_char(b, '\0');
}

/* Adds one name of entity (a place, or a person when is_person).  Names
 * that are no text (empty, invalid UTF-8, over-long) are passed over, as
 * the gazetteer passes them over. */
static sitrep_status add_name(sitrep_gazetteer_names *n, const void *entity, bool is_person,
                              const char *name, bool canonical)
{
    struct gn_name *e;
    char *key;
    sitrep_status st;

    if (!entity || !*name)
        return SITREP_OK;
    key = sitrep_gazetteer_name_key(name, strlen(name));
    if (!key)
        return sitrep_utf8_valid(name, strlen(name), NULL) && strlen(name) <= GN_MAX_NAME_BYTES
                   ? SITREP_ERR_NOMEM
                   : SITREP_OK;
    if (!*key) {
        free(key);
        return SITREP_OK;
    }
    if (n->n_names == n->cap_names) {
        size_t cap = n->cap_names ? 2 * n->cap_names : 1 << 16;
        struct gn_name *names = realloc(n->names, cap * sizeof *names);
        if (!names) {
            free(key);
            return SITREP_ERR_NOMEM;
        }
        n->names = names;
        n->cap_names = cap;
    }
    e = &n->names[n->n_names];
    e->entity = entity;
    e->is_person = is_person;
    e->canonical = canonical;
    if ((st = append_text(&n->text, name, &e->text_off)) == SITREP_OK &&
        (st = append_text(&n->keys, key, &e->key_off)) == SITREP_OK)
        n->n_names++;
    free(key);
    return st;
}

/* Splits line on tabs into at most max fields, in place; returns how many. */
static size_t split_tabs(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        fields[n++] = p;
        p = strchr(p, '\t');
        if (!p)
            break;
        *p++ = '\0';
    }
    return n;
}

/* places.tsv (indexer/gazetteer/README.md): id, kind, name, ..., and the
 * alternate names, '|'-separated, in the tenth column. */
static sitrep_status read_places(sitrep_gazetteer_names *n, const char *path, char **errmsg)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    sitrep_status st = SITREP_OK;

    if (!f) {
        if (errmsg && (*errmsg = malloc(strlen(path) + 32)))
            sprintf(*errmsg, "%s: cannot read", path);
        return SITREP_ERR_IO;
    }
    while ((got = getline(&line, &cap, f)) > 0) {
        char *fields[10];
        if (line[got - 1] == '\n')
            line[--got] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (split_tabs(line, fields, 10) < 10)
            continue; /* the gazetteer refused such a file already */
        const struct sitrep_place *p = sitrep_gazetteer_get(n->gz, fields[0]);
        if ((st = add_name(n, p, false, fields[2], true)) != SITREP_OK)
            break;
        for (char *alt = fields[9]; alt && *alt && st == SITREP_OK;) {
            char *bar = strchr(alt, '|');
            if (bar)
                *bar = '\0';
            st = add_name(n, p, false, alt, false);
            alt = bar ? bar + 1 : NULL;
        }
        if (st != SITREP_OK)
            break;
    }
    if (st == SITREP_OK && ferror(f)) {
        st = SITREP_ERR_IO;
        if (errmsg && (*errmsg = malloc(strlen(path) + 32)))
            sprintf(*errmsg, "%s: read error", path);
    }
    free(line);
    fclose(f);
    return st;
}

/* ---- the YAML supplement ---------------------------------------------- */

/* The supplement was checked when the gazetteer loaded it; here only the
 * names are read, and anything unexpected is passed over. */

static const char *scalar(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
         pr++) {
        yaml_node_t *k = yaml_document_get_node(doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(doc, pr->value);
        if (k && v && k->type == YAML_SCALAR_NODE && v->type == YAML_SCALAR_NODE &&
            strcmp((const char *)k->data.scalar.value, key) == 0)
            return (const char *)v->data.scalar.value;
    }
    return NULL;
}

static yaml_node_t *member(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
         pr++) {
        yaml_node_t *k = yaml_document_get_node(doc, pr->key);
        if (k && k->type == YAML_SCALAR_NODE &&
            strcmp((const char *)k->data.scalar.value, key) == 0)
            return yaml_document_get_node(doc, pr->value);
    }
    return NULL;
}

/* The name and every alias of entry, for entity. */
static sitrep_status add_entry_names(sitrep_gazetteer_names *n, yaml_document_t *doc,
                                     yaml_node_t *entry, const void *entity, bool is_person,
                                     bool canonical)
{
    const char *name = scalar(doc, entry, "name");
    yaml_node_t *aliases = member(doc, entry, "aliases");
    sitrep_status st = SITREP_OK;

    if (name)
        st = add_name(n, entity, is_person, name, canonical);
    if (aliases && aliases->type == YAML_SEQUENCE_NODE)
        for (yaml_node_item_t *it = aliases->data.sequence.items.start;
             it < aliases->data.sequence.items.top && st == SITREP_OK; it++) {
            yaml_node_t *a = yaml_document_get_node(doc, *it);
            if (a && a->type == YAML_SCALAR_NODE)
                st = add_name(n, entity, is_person, (const char *)a->data.scalar.value, false);
        }
    return st;
}

/* The place an entry of the supplement made or amended: by its id, else by
 * the id the gazetteer derives from its name ("sitrep:" + slug). */
static const struct sitrep_place *entry_place(const sitrep_gazetteer *gz, yaml_document_t *doc,
                                              yaml_node_t *entry, bool *is_new)
{
    const char *id = scalar(doc, entry, "id"), *name = scalar(doc, entry, "name");
    const struct sitrep_place *p = NULL;
    /* An entry with only id, name and aliases amends a place of the file. */
    *is_new = member(doc, entry, "kind") != NULL;
    if (id)
        return sitrep_gazetteer_get(gz, id);
    char *slug = name ? sitrep_text_slug(name) : NULL;
    char *derived = slug ? malloc(strlen(slug) + 8) : NULL;
    if (derived) {
        snprintf(derived, strlen(slug) + 8, "sitrep:%s", slug);
        p = sitrep_gazetteer_get(gz, derived);
    }
    free(derived);
    free(slug);
    return p;
}

static sitrep_status read_supplement(sitrep_gazetteer_names *n, const char *path, char **errmsg)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    FILE *f = fopen(path, "rb");
    sitrep_status st = SITREP_OK;
    bool parsed = false;

    if (!f) {
        if (errmsg && (*errmsg = malloc(strlen(path) + 32)))
            sprintf(*errmsg, "%s: cannot read", path);
        return SITREP_ERR_IO;
    }
    if (!yaml_parser_initialize(&parser)) {
        fclose(f);
        return SITREP_ERR_NOMEM;
    }
    yaml_parser_set_input_file(&parser, f);
    if (!yaml_parser_load(&parser, &doc)) {
        st = SITREP_ERR_INVALID;
        if (errmsg && (*errmsg = malloc(strlen(path) + 64)))
            sprintf(*errmsg, "%s: not valid YAML", path);
        goto out;
    }
    parsed = true;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    yaml_node_t *places = member(&doc, root, "places");
    yaml_node_t *persons = member(&doc, root, "persons");
    if (places && places->type == YAML_SEQUENCE_NODE)
        for (yaml_node_item_t *it = places->data.sequence.items.start;
             it < places->data.sequence.items.top && st == SITREP_OK; it++) {
            yaml_node_t *e = yaml_document_get_node(&doc, *it);
            bool is_new;
            if (!e || e->type != YAML_MAPPING_NODE)
                continue;
            const struct sitrep_place *p = entry_place(n->gz, &doc, e, &is_new);
            /* An amendment's name is one more name, not the canonical one. */
            st = add_entry_names(n, &doc, e, p, false, is_new);
        }
    if (persons && persons->type == YAML_SEQUENCE_NODE)
        for (yaml_node_item_t *it = persons->data.sequence.items.start;
             it < persons->data.sequence.items.top && st == SITREP_OK; it++) {
            yaml_node_t *e = yaml_document_get_node(&doc, *it);
            const char *name = e && e->type == YAML_MAPPING_NODE ? scalar(&doc, e, "name") : NULL;
            const struct sitrep_person *p =
                name ? sitrep_gazetteer_person(n->gz, name, strlen(name)) : NULL;
            if (!p)
                continue;
            if (n->n_persons == n->cap_persons) {
                size_t cap = n->cap_persons ? 2 * n->cap_persons : 64;
                const struct sitrep_person **ps = realloc(n->persons, cap * sizeof *ps);
                if (!ps) {
                    st = SITREP_ERR_NOMEM;
                    break;
                }
                n->persons = ps;
                n->cap_persons = cap;
            }
            n->persons[n->n_persons++] = p;
            st = add_entry_names(n, &doc, e, p, true, true);
        }
out:
    if (parsed)
        yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    fclose(f);
    return st;
}

/* ---- sorting and lookups ---------------------------------------------- */

/* Names by entity (as addresses: any total order serves), the canonical
 * name first, then in the order read. */
static int by_entity(const void *a, const void *b)
{
    const struct gn_name *x = a, *y = b;
    uintptr_t ex = (uintptr_t)x->entity, ey = (uintptr_t)y->entity;
    if (ex != ey)
        return ex < ey ? -1 : 1;
    if (x->canonical != y->canonical)
        return x->canonical ? -1 : 1;
    return x->text_off < y->text_off ? -1 : x->text_off > y->text_off;
}

static int by_key(const void *a, const void *b)
{
    const struct gn_key *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->name < y->name ? -1 : x->name > y->name);
}

static int by_person_id(const void *a, const void *b)
{
    return strcmp((*(const struct sitrep_person *const *)a)->id,
                  (*(const struct sitrep_person *const *)b)->id);
}

/* One key per word start of every name. */
static sitrep_status build_index(sitrep_gazetteer_names *n)
{
    size_t count = 0, k = 0;
    for (size_t i = 0; i < n->n_names; i++) {
        const char *key = n->keys.data + n->names[i].key_off;
        count++;
        for (const char *c = key; *c; c++)
            count += *c == ' ';
    }
    n->index = malloc((count ? count : 1) * sizeof *n->index);
    if (!n->index)
        return SITREP_ERR_NOMEM;
    for (size_t i = 0; i < n->n_names; i++) {
        const char *key = n->keys.data + n->names[i].key_off;
        n->index[k++] = (struct gn_key){key, (uint32_t)i};
        for (const char *c = key; *c; c++)
            if (*c == ' ')
                n->index[k++] = (struct gn_key){c + 1, (uint32_t)i};
    }
    n->n_index = k;
    if (n->n_index)
        qsort(n->index, n->n_index, sizeof *n->index, by_key);
    return SITREP_OK;
}

sitrep_status sitrep_gazetteer_names_build(const sitrep_gazetteer *gz, const char *path,
                                           const char *supplement, sitrep_gazetteer_names **out,
                                           char **errmsg)
{
    sitrep_gazetteer_names *n = calloc(1, sizeof *n);
    sitrep_status st = SITREP_ERR_NOMEM;

    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    if (!n)
        goto out;
    n->gz = gz;
    sitrep_buf_init(&n->text, GN_MAX_TEXT);
    sitrep_buf_init(&n->keys, GN_MAX_TEXT);
    if ((st = read_places(n, path, errmsg)) != SITREP_OK)
        goto out;
    if (supplement && *supplement && (st = read_supplement(n, supplement, errmsg)) != SITREP_OK)
        goto out;
    if (n->n_names)
        qsort(n->names, n->n_names, sizeof *n->names, by_entity);
    if (n->n_persons)
        qsort(n->persons, n->n_persons, sizeof *n->persons, by_person_id);
    if ((st = build_index(n)) != SITREP_OK)
        goto out;
    *out = n;
    n = NULL;
out:
    if (st == SITREP_ERR_NOMEM && errmsg && !*errmsg)
        *errmsg = strdup("out of memory");
    sitrep_gazetteer_names_destroy(n);
    return st;
}

void sitrep_gazetteer_names_destroy(sitrep_gazetteer_names *n)
{
    if (!n)
        return;
    sitrep_buf_free(&n->text);
    sitrep_buf_free(&n->keys);
    free(n->names);
    free(n->index);
    free(n->persons);
    free(n);
}

size_t sitrep_gazetteer_names_prefix(const sitrep_gazetteer_names *n, const char *prefix,
                                     size_t *first)
{
    char *key = prefix ? sitrep_gazetteer_name_key(prefix, strlen(prefix)) : NULL;
    size_t lo = 0, hi = n->n_index, len, start;

    *first = 0;
    if (!key || !*key) {
        free(key);
        return 0;
    }
    len = strlen(key);
    /* The first key not below the prefix, then the first not starting
     * with it. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(n->index[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    start = lo;
    hi = n->n_index;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strncmp(n->index[mid].key, key, len) == 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    free(key);
    *first = start;
    return lo - start;
}

static void fill_name(const sitrep_gazetteer_names *n, const struct gn_name *e,
                      struct sitrep_entity_name *out)
{
    out->name = n->text.data + e->text_off;
    out->key = n->keys.data + e->key_off;
    out->place = e->is_person ? NULL : e->entity;
    out->person = e->is_person ? e->entity : NULL;
}

void sitrep_gazetteer_names_match(const sitrep_gazetteer_names *n, size_t k,
                                  struct sitrep_entity_name *out)
{
    fill_name(n, &n->names[n->index[k].name], out);
}

/* The names of entity: [*first, *first + returned) in names. */
static size_t names_of(const sitrep_gazetteer_names *n, const void *entity, size_t *first)
{
    size_t lo = 0, hi = n->n_names, start;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((uintptr_t)n->names[mid].entity < (uintptr_t)entity)
            lo = mid + 1;
        else
            hi = mid;
    }
    start = lo;
    while (lo < n->n_names && n->names[lo].entity == entity)
        lo++;
    *first = start;
    return lo - start;
}

size_t sitrep_gazetteer_names_of(const sitrep_gazetteer_names *n, const struct sitrep_place *place,
                                 const struct sitrep_person *person, struct sitrep_entity_name *out,
                                 size_t max)
{
    size_t first, count = names_of(n, place ? (const void *)place : (const void *)person, &first);
    for (size_t i = 0; i < count && i < max; i++)
        fill_name(n, &n->names[first + i], &out[i]);
    return count;
}

const struct sitrep_person *sitrep_gazetteer_names_person(const sitrep_gazetteer_names *n,
                                                          const char *id)
{
    size_t lo = 0, hi = n->n_persons;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(n->persons[mid]->id, id);
        if (c == 0)
            return n->persons[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
