/* fuzz.h - the two entry points every fuzz target defines (libFuzzer's
 * interface), declared once so -Wmissing-prototypes stays quiet.
 *
 * With -Dfuzz=true libFuzzer's own main() calls them; in the normal build
 * driver.c does, over the committed corpus and regression inputs.  Both
 * must be defined by every target (the driver calls LLVMFuzzerInitialize
 * unconditionally).  A target frees everything it allocated for an input
 * before returning, so LeakSanitizer and valgrind see each input alone;
 * what LLVMFuzzerInitialize loads lives until exit.
 */
#ifndef SITREP_FUZZ_H
#define SITREP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Once per process, before the first input; argc and argv are borrowed
 * from main and may be ignored.  Returns 0. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* One input: data[0..size) is borrowed for the call and is not
 * NUL-terminated.  Returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A fuzz target's own invariant broke: print why and abort, which both
 * libFuzzer and the driver's test report as a crash. */
#define FUZZ_ASSERT(cond)                                                                    \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            fprintf(stderr, "%s:%d: FUZZ_ASSERT failed: %s\n", __FILE__, __LINE__, #cond);   \
            abort();                                                                         \
        }                                                                                    \
    } while (0)

#endif
