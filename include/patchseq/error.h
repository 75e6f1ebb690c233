/*
 * patchseq/error.h - why a call could not be done at all.
 *
 * Two kinds of problem, kept apart:
 *   - a finding (ps_finding, patchseq.h) is a fact about the packages, the
 *     knowledge base or the plan: data, reported in every output;
 *   - an error (ps_error) says that the call itself failed: memory ran
 *     out, a file could not be read, a document is not in its format, a
 *     limit was reached, or the caller asked for something that cannot be.
 * So a bad lock file or an exhausted allocator is never called an
 * unreadable package.
 */
#ifndef PATCHSEQ_ERROR_H
#define PATCHSEQ_ERROR_H

typedef enum ps_error_code {
    PS_E_NONE = 0,  /* no error */
    PS_E_OOM,       /* out of memory */
    PS_E_IO,        /* a file or folder cannot be opened, read or written */
    PS_E_FORMAT,    /* a document is not in its format (a lock, an inventory, rules) */
    PS_E_LIMIT,     /* a limit was reached (size, depth, members, time) */
    PS_E_USAGE,     /* the caller asked for what cannot be (an unknown format, ...) */
    PS_E__COUNT
} ps_error_code;

/* An error as data: the code, and a sentence naming where (file, line). */
typedef struct ps_error {
    ps_error_code code;
    char message[512];
} ps_error;

#endif /* PATCHSEQ_ERROR_H */
