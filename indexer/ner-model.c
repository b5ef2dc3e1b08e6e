/* ner-model.c - the built-in model: indexer/ner/model.bin assembled into
 * .rodata, so the library needs no file at run time.
 *
 * ner-model-stamp.h is generated from model.bin by indexer/meson.build; it
 * names the file and its size, and because this file includes it, a new
 * model.bin regenerates it and so rebuilds this object (the assembler's
 * .incbin is invisible to the compiler's dependency tracking).  The bytes
 * are aligned to 64 so that the model's 64-byte buckets (after its 64-byte
 * header) each sit in one cache line.  .incbin works with gcc and clang.
 */
#include "ner-model-stamp.h"
#include "ner-private.h"

__asm__(".pushsection .rodata\n"
        ".balign 64\n"
        ".globl sitrep_ner_model_start\n"
        ".type sitrep_ner_model_start, @object\n"
        "sitrep_ner_model_start:\n"
        ".incbin \"" SITREP_NER_MODEL_FILE "\"\n"
        ".size sitrep_ner_model_start, . - sitrep_ner_model_start\n"
        ".globl sitrep_ner_model_end\n"
        ".type sitrep_ner_model_end, @object\n"
        "sitrep_ner_model_end:\n"
        ".byte 0\n"
        ".size sitrep_ner_model_end, 1\n"
        ".popsection\n");
