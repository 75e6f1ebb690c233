/*
 * progress.h - a progress bar on stderr for long bundle reads (library-
 * private; used by the commands that read packages).
 *
 * The bar is drawn only when the stream is a terminal, only once a read
 * has lasted `delay` seconds (so that quick runs print nothing), at most
 * ten times a second, on one line that ps_progress_finish() erases.
 */
#ifndef PS_PROGRESS_H
#define PS_PROGRESS_H

#include "patchseq.h"

#include <time.h>

typedef struct ps_progress_bar {
    FILE *out;
    double delay;             /* seconds before the first draw (0.5) */
    struct timespec start;
    struct timespec last;     /* of the last draw */
    int shown;                /* a line is on the terminal */
} ps_progress_bar;

/*
 * When `err` is a terminal, sets up `bar` on it and sets opts->progress
 * and opts->progress_user; returns 1.  Otherwise (a pipe, a file) leaves
 * opts alone and returns 0.
 */
int ps_progress_attach(ps_progress_bar *bar, FILE *err, ps_read_opts *opts);

/* The ps_progress_fn: `user` is the ps_progress_bar. */
void ps_progress_draw(void *user, const ps_progress *progress);

/* Erases the bar line, if one was drawn. */
void ps_progress_finish(ps_progress_bar *bar);

/*
 * The text of the bar (without the leading carriage return), e.g.
 * "reading 37/400 files [=====>              ] 9%, 12 cached" or
 * "hashing 3/8 files, 120.0/384.0 MiB [=========>          ] 31%".
 * Returns what snprintf returns.
 */
int ps_progress_format(char *buf, size_t n, const ps_progress *progress);

#endif /* PS_PROGRESS_H */
