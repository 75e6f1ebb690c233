/*
 * testlib.h - what the test programs share: the CLI run in-process with
 * its output captured, whole files and streams, XPath checks.  Every
 * helper fails the current cmocka test on an I/O or allocation error.
 */
#ifndef PS_TESTLIB_H
#define PS_TESTLIB_H

#include <libxml/tree.h>
#include <stddef.h>
#include <stdio.h>

typedef struct ps_test_run {
    int rc;      /* exit code of ps_cli_run */
    char *out;   /* all it wrote to its output stream */
    char *err;   /* all it wrote to its message stream */
} ps_test_run;

/* Runs `patchseq argv...` in-process (ps_cli_run), output captured whole. */
ps_test_run ps_test_cli(int argc, const char *const *argv);
void ps_test_run_free(ps_test_run *r);

/* The whole content of a stream (from its start) or of a file, NUL-
 * terminated; its length in *len when len is not NULL.  The stream is
 * left open. */
char *ps_test_read_stream(FILE *f, size_t *len);
char *ps_test_read_file(const char *path, size_t *len);

/* The string value of an XPath expression (free with xmlFree), and a check
 * that it is exactly `want`. */
char *ps_test_xpath(xmlDocPtr doc, const char *expr);
void ps_test_check_xpath(xmlDocPtr doc, const char *expr, const char *want);

#endif /* PS_TESTLIB_H */
