/* test-text.c - UTF-8 validation, folding, slugs, hashing. */
#include <stdlib.h>

#include "test.h"
#include "text.h"

static void test_utf8(void)
{
    static const struct {
        const char *s;
        size_t len;
        bool valid;
        size_t bad;
    } cases[] = {
        {"plain ascii", 11, true, 0},
        {"Харків", 12, true, 0},
        {"ok\xff", 3, false, 2},
        {"\xc0\xaf", 2, false, 0},         /* overlong '/' */
        {"a\xed\xa0\x80", 4, false, 1},    /* surrogate */
        {"\xf4\x90\x80\x80", 4, false, 0}, /* above U+10FFFF */
        {"\xe2\x82", 2, false, 0},         /* truncated */
        {"", 0, true, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t bad = 99;
        bool v = sitrep_utf8_valid(cases[i].s, cases[i].len, &bad);
        CHECK(v == cases[i].valid);
        if (!cases[i].valid)
            CHECK(bad == cases[i].bad);
    }
}

static void test_fold_slug(void)
{
    static const struct {
        const char *in, *fold, *slug;
    } cases[] = {
        {"Vladimir  Putin", "vladimir  putin", "vladimir-putin"},
        {"ХАРКІВ", "харків", "харків"},
        {"Харьков", "харьков", "харьков"},
        {"Łódź Ölü", "łódź ölü", "łódź-ölü"},
        {"  --Bashar al-Assad!! ", "  --bashar al-assad!! ", "bashar-al-assad"},
        {"UA", "ua", "ua"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *f = sitrep_text_fold(cases[i].in, strlen(cases[i].in));
        char *s = sitrep_text_slug(cases[i].in);
        CHECK_STR(f, cases[i].fold);
        CHECK_STR(s, cases[i].slug);
        free(f);
        free(s);
    }
}

static void test_squash_hash(void)
{
    char s[] = "  a \n\t b  c ";
    char h1[33], h2[33], h3[33];
    CHECK_STR(sitrep_text_squash_space(s), "a b c");
    sitrep_text_hash_hex("abc", 3, h1);
    sitrep_text_hash_hex("abc", 3, h2);
    sitrep_text_hash_hex("abd", 3, h3);
    CHECK(strlen(h1) == 32);
    CHECK_STR(h1, h2);
    CHECK(strcmp(h1, h3) != 0);
}

int main(void)
{
    test_utf8();
    test_fold_slug();
    test_squash_hash();
    return TEST_DONE();
}
