/* ingest.h - the indexing run of sitrep-index: files and folders (or stdin)
 * through the readers, normalisation and extraction into the index, in
 * batches. */
#ifndef SITREP_INGEST_H
#define SITREP_INGEST_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "gazetteer.h"
#include "store.h"

struct ingest_options {
    unsigned batch_size;     /* documents per commit */
    size_t max_record_bytes; /* larger records are rejected */
    bool verbose;            /* print "indexed ID FILE:LINE" per article on stdout */
    bool commits;            /* print "committed N" on stdout after each commit: the
                              * N articles written since the last such line (the
                              * last N "indexed" lines with verbose) are durable */
    bool no_extract;         /* index text and metadata only: no places, persons or
                              * dates (to measure what extraction costs) */
    bool quiet;              /* no summary line */
    bool progress;           /* progress line on stderr */
};

struct ingest_counts {
    unsigned long indexed;  /* articles added or replaced and committed */
    unsigned long rejected; /* bad records and unreadable files */
    unsigned long files;    /* files read */
};

/* Indexes every path (a file, a folder read recursively, or "-" for JSON
 * Lines on stdin) into w, committing every batch_size articles and at the
 * end.  stop is polled between records: when it becomes non-zero the run
 * commits what it has and returns.  gz is borrowed.  Reports bad records as
 * "FILE:LINE: reason" on stderr.  Returns SITREP_OK unless the index itself
 * failed (the message is printed). */
sitrep_status ingest_run(sitrep_writer *w, const sitrep_gazetteer *gz,
                         const struct ingest_options *opt, char *const *paths, size_t n_paths,
                         volatile sig_atomic_t *stop, struct ingest_counts *counts);

#endif
