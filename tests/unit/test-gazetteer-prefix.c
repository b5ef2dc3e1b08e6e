/* test-gazetteer-prefix.c - the prefix index of gazetteer names: word
 * starts, case, diacritics and scripts, supplement places, amendments and
 * persons, every name of an entity; then the bundled files ("Харк" finds
 * Kharkiv, an alias finds its person). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gazetteer.h"
#include "sitrep-build.h"
#include "test.h"

static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/sitrep-prefix-XXXXXX");
    REQUIRE(path);
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    FILE *f = fdopen(fd, "w");
    REQUIRE(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static const char tsv[] =
    "# a comment\n"
    "sitrep:country-ua\tcountry\tUkraine\tUA\t\t\t49\t32\t40000000\tУкраїна|Украина\n"
    "sitrep:country-sd\tcountry\tSudan\tSD\t\t\t15\t30\t40000000\t\n"
    "sitrep:admin1-ua-07\tadmin1\tKharkiv Oblast\tUA\t\t\t49.6\t36.5\t2600000\t"
    "Kharkivs'ka Oblast'|Харківська область\n"
    "geonames:706483\tcity\tKharkiv\tUA\tsitrep:admin1-ua-07\tKharkiv Oblast\t49.98\t36.25"
    "\t1430885\tKharkov|Харків|Charków\n"
    "geonames:703845\tcity\tKryvyi Rih\tUA\t\t\t47.9\t33.4\t652380\tKrivoy Rog|Кривий Ріг\n"
    "geonames:379252\tcity\tKhartoum\tSD\t\t\t15.55\t32.53\t1974647\tالخرطوم\n";

static const char yaml[] = "places:\n"
                           "  - name: Sea of Azov\n"
                           "    kind: region\n"
                           "    lat: 46.1\n"
                           "    lon: 36.7\n"
                           "    aliases: [Azov Sea, Азовське море]\n"
                           "  - id: geonames:706483\n"
                           "    name: Kharkiv\n"
                           "    aliases: [Xarkiv]\n"
                           "persons:\n"
                           "  - name: Volodymyr Zelensky\n"
                           "    aliases: [Zelenskyy, Володимир Зеленський]\n"
                           "  - name: António Guterres\n";

/* The distinct entities (ids) a prefix finds, in key order of their first
 * match, joined by spaces; and the first name that matched each. */
static const char *found(const sitrep_gazetteer_names *n, const char *prefix)
{
    static char out[512];
    size_t first, count = sitrep_gazetteer_names_prefix(n, prefix, &first);
    out[0] = '\0';
    for (size_t k = first; k < first + count; k++) {
        struct sitrep_entity_name e;
        sitrep_gazetteer_names_match(n, k, &e);
        const char *id = e.place ? e.place->id : e.person->id;
        char item[128];
        snprintf(item, sizeof item, "%s=%s", id, e.name);
        if (strstr(out, id))
            continue;
        if (*out)
            strncat(out, " ", sizeof out - strlen(out) - 1);
        strncat(out, item, sizeof out - strlen(out) - 1);
    }
    return out;
}

static void test_small(void)
{
    char *tsv_path = write_temp(tsv), *yaml_path = write_temp(yaml), *err = NULL;
    sitrep_gazetteer *gz = NULL;
    sitrep_gazetteer_names *n = NULL;

    REQUIRE(sitrep_gazetteer_load(tsv_path, &gz, &err) == SITREP_OK);
    REQUIRE(sitrep_gazetteer_load_supplement(gz, yaml_path, &err) == SITREP_OK);
    REQUIRE(sitrep_gazetteer_names_build(gz, tsv_path, yaml_path, &n, &err) == SITREP_OK);
    CHECK(err == NULL);

    /* Name starts, any case; every name of a place. */
    CHECK_STR(found(n, "khar"), "geonames:706483=Kharkiv sitrep:admin1-ua-07=Kharkiv Oblast "
                                "geonames:379252=Khartoum");
    CHECK_STR(found(n, "KHARKO"), "geonames:706483=Kharkov");
    /* Other scripts, diacritics, apostrophes, hyphens. */
    CHECK_STR(found(n, "Харк"), "geonames:706483=Харків sitrep:admin1-ua-07=Харківська область");
    CHECK_STR(found(n, "charko"), "geonames:706483=Charków");
    CHECK_STR(found(n, "kharkivska"), "sitrep:admin1-ua-07=Kharkivs'ka Oblast'");
    CHECK_STR(found(n, "الخر"), "geonames:379252=الخرطوم");
    /* Later words of a name. */
    CHECK_STR(found(n, "rih"), "geonames:703845=Kryvyi Rih");
    CHECK_STR(found(n, "oblast"), "sitrep:admin1-ua-07=Kharkiv Oblast");
    /* The supplement: a new place (its derived id), an amendment, persons
     * by name, alias, surname and script. */
    CHECK_STR(found(n, "azov"), "sitrep:sea-of-azov=Sea of Azov");
    CHECK_STR(found(n, "xark"), "geonames:706483=Xarkiv");
    CHECK_STR(found(n, "zelenskyy"), "person:volodymyr-zelensky=Zelenskyy");
    CHECK_STR(found(n, "зелен"), "person:volodymyr-zelensky=Володимир Зеленський");
    CHECK_STR(found(n, "guterres"), "person:antonio-guterres=António Guterres");
    CHECK_STR(found(n, "Antonio"), "person:antonio-guterres=António Guterres");
    /* Nothing, and no prefix at all. */
    CHECK_STR(found(n, "zzz"), "");
    CHECK_STR(found(n, ""), "");
    CHECK_STR(found(n, " - "), "");
    CHECK_STR(found(n, "\xff"), "");

    /* Every name of an entity, the canonical first. */
    struct sitrep_entity_name names[8];
    const struct sitrep_place *kh = sitrep_gazetteer_get(gz, "geonames:706483");
    REQUIRE(kh);
    CHECK(sitrep_gazetteer_names_of(n, kh, NULL, names, 8) == 6);
    CHECK_STR(names[0].name, "Kharkiv");
    CHECK_STR(names[1].name, "Kharkov");
    CHECK_STR(names[3].name, "Charków");
    CHECK_STR(names[5].name, "Xarkiv");
    CHECK(sitrep_gazetteer_names_of(n, kh, NULL, names, 1) == 6);
    const struct sitrep_place *sd = sitrep_gazetteer_get(gz, "sitrep:country-sd");
    CHECK(sitrep_gazetteer_names_of(n, sd, NULL, names, 8) == 1);
    const struct sitrep_person *z = sitrep_gazetteer_names_person(n, "person:volodymyr-zelensky");
    REQUIRE(z);
    CHECK_STR(z->name, "Volodymyr Zelensky");
    CHECK(sitrep_gazetteer_names_of(n, NULL, z, names, 8) == 3);
    CHECK_STR(names[0].name, "Volodymyr Zelensky");
    CHECK(sitrep_gazetteer_names_person(n, "person:nobody") == NULL);

    char *key = sitrep_gazetteer_name_key("Kyïv-Pasazhyrs'kyi  ", 22);
    CHECK_STR(key, "kyiv pasazhyrskyi");
    free(key);

    sitrep_gazetteer_names_destroy(n);
    /* Files that cannot be read. */
    n = NULL;
    CHECK(sitrep_gazetteer_names_build(gz, "/nonexistent/places.tsv", NULL, &n, &err) ==
              SITREP_ERR_IO &&
          n == NULL && err && strstr(err, "/nonexistent"));
    free(err);
    err = NULL;
    CHECK(sitrep_gazetteer_names_build(gz, tsv_path, "/nonexistent.yaml", &n, &err) ==
              SITREP_ERR_IO &&
          n == NULL);
    free(err);
    sitrep_gazetteer_destroy(gz);
    unlink(tsv_path);
    unlink(yaml_path);
    free(tsv_path);
    free(yaml_path);
}

/* True when prefix finds the name of the entity with this id. */
static bool finds(const sitrep_gazetteer_names *n, const char *prefix, const char *id,
                  const char *name)
{
    size_t first, count = sitrep_gazetteer_names_prefix(n, prefix, &first);
    for (size_t k = first; k < first + count; k++) {
        struct sitrep_entity_name e;
        sitrep_gazetteer_names_match(n, k, &e);
        if (strcmp(e.place ? e.place->id : e.person->id, id) == 0 && strcmp(e.name, name) == 0)
            return true;
    }
    return false;
}

/* The bundled gazetteer and supplement. */
static void test_bundled(void)
{
    sitrep_gazetteer *gz = NULL;
    sitrep_gazetteer_names *n = NULL;
    char *err = NULL;

    if (sitrep_gazetteer_load(SITREP_DEFAULT_GAZETTEER, &gz, &err) != SITREP_OK ||
        sitrep_gazetteer_load_supplement(gz, SITREP_DEFAULT_GAZETTEER_SUPPLEMENT, &err) !=
            SITREP_OK) {
        fprintf(stderr, "bundled gazetteer: %s\n", err ? err : "?");
        exit(99);
    }
    REQUIRE(sitrep_gazetteer_names_build(gz, SITREP_DEFAULT_GAZETTEER,
                                         SITREP_DEFAULT_GAZETTEER_SUPPLEMENT, &n,
                                         &err) == SITREP_OK);
    CHECK(finds(n, "Харк", "geonames:706483", "Харків"));
    CHECK(finds(n, "khark", "geonames:706483", "Kharkiv"));
    CHECK(finds(n, "zelenskyy", "person:volodymyr-zelensky", "Zelenskyy"));
    CHECK(finds(n, "artemivs", "geonames:713174", "Artemivsk"));
    size_t first;
    CHECK(sitrep_gazetteer_names_prefix(n, "k", &first) > 1000);
    sitrep_gazetteer_names_destroy(n);
    sitrep_gazetteer_destroy(gz);
}

int main(void)
{
    test_small();
    test_bundled();
    return TEST_DONE();
}
