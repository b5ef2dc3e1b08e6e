/* test.h - a few assertion macros for the unit tests.
 *
 * A test program runs its cases in order; CHECK records a failure and goes on,
 * REQUIRE stops the program.  Exit status: 0 all passed, 1 some failed, 77
 * skipped (meson's convention), 99 setup failure.
 */
#ifndef SITREP_TEST_H
#define SITREP_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);         \
            test_failures++;                                                                 \
        }                                                                                    \
    } while (0)

#define CHECK_STR(got, want)                                                                 \
    do {                                                                                     \
        const char *got_ = (got), *want_ = (want);                                           \
        if (!got_ || !want_ || strcmp(got_, want_) != 0) {                                   \
            fprintf(stderr, "%s:%d: CHECK_STR failed: %s\n  got:  %s\n  want: %s\n",         \
                    __FILE__, __LINE__, #got, got_ ? got_ : "(null)",                        \
                    want_ ? want_ : "(null)");                                               \
            test_failures++;                                                                 \
        }                                                                                    \
    } while (0)

#define REQUIRE(cond)                                                                        \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            fprintf(stderr, "%s:%d: REQUIRE failed: %s\n", __FILE__, __LINE__, #cond);       \
            exit(1);                                                                         \
        }                                                                                    \
    } while (0)

#define TEST_DONE() (test_failures ? (fprintf(stderr, "%d check(s) failed\n", test_failures), 1) : 0)

#endif
