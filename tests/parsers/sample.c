/*
 * sample.c - see sample.h.
 */
#include "sample.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#ifndef PS_TEST_SAMPLES
#define PS_TEST_SAMPLES ""
#endif

const char *sample_dir(void)
{
    const char *d = getenv("PS_SAMPLES");

    return d != NULL && d[0] != '\0' ? d : PS_TEST_SAMPLES;
}

int sample_have(void)
{
    char *path = ps_asprintf("%s/SOURCES.md", sample_dir());
    FILE *f;

    assert_non_null(path);
    f = fopen(path, "rb");
    free(path);
    if (f == NULL)
        return 0;
    fclose(f);
    return 1;
}

char *sample_read(const char *rel, size_t *len)
{
    ps_buf b = {0};
    char *path = ps_asprintf("%s/%s", sample_dir(), rel);
    char chunk[8192];
    FILE *f;
    size_t n;

    assert_non_null(path);
    f = fopen(path, "rb");
    if (f == NULL && !sample_have()) {
        print_message("no samples folder at %s: skipped\n", sample_dir());
        free(path);
        skip();
    }
    if (f == NULL)
        fail_msg("cannot open sample %s", path);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        assert_int_equal(ps_buf_append(&b, chunk, n), 0);
    assert_int_equal(ferror(f), 0);
    fclose(f);
    free(path);
    if (b.data == NULL)
        assert_int_equal(ps_buf_append(&b, "", 0), 0);
    return ps_buf_steal(&b, len);
}

void assert_err(const ps_err *err, ps_finding_code code, unsigned line, const char *msg)
{
    assert_string_equal(err->msg, msg);
    assert_string_equal(ps_finding_code_name(err->finding), ps_finding_code_name(code));
    assert_int_equal(err->line, line);
}
