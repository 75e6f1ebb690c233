/*
 * sample.h - helpers shared by the parser tests: reading the real sample
 * files and checking a ps_err.
 */
#ifndef PS_TEST_SAMPLE_H
#define PS_TEST_SAMPLE_H

#include "util.h"

#include <stddef.h>

/* The samples folder: $PS_SAMPLES, else the PS_TEST_SAMPLES define. */
const char *sample_dir(void);
/* 1 when the samples folder is there (it holds SOURCES.md). */
int sample_have(void);
/* Reads <samples>/<rel> into a NUL-terminated malloc'd buffer; skips the
 * test when there is no samples folder, fails it when the file cannot be
 * read. */
char *sample_read(const char *rel, size_t *len);
/* Fails unless err holds exactly this code, line and message. */
void assert_err(const ps_err *err, ps_finding_code code, unsigned line, const char *msg);

#endif
