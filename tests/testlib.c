/*
 * testlib.c - helpers shared by the test programs (see testlib.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testlib.h"

#include "cli.h"

#include <libxml/xpath.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "patchseq.h"

char *ps_test_read_stream(FILE *f, size_t *len)
{
    size_t cap = 4096, n = 0, got;
    char *s = malloc(cap);

    assert_non_null(s);
    assert_int_equal(fflush(f), 0);
    rewind(f);
    while ((got = fread(s + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            s = realloc(s, cap);
            assert_non_null(s);
        }
    }
    assert_int_equal(ferror(f), 0);
    s[n] = '\0';
    if (len)
        *len = n;
    return s;
}

char *ps_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *s;

    if (f == NULL)
        fail_msg("cannot open %s", path);
    s = ps_test_read_stream(f, len);
    fclose(f);
    return s;
}

/* A JSON document patchseq wrote ("schema" in its first lines) is kept in
 * $PS_TEST_JSON_DIR, for the schema test to validate (tests/schema). */
static void keep_json(const char *out)
{
    static unsigned n;
    const char *dir = getenv("PS_TEST_JSON_DIR");
    char path[4096];
    FILE *f;

    if (dir == NULL || out == NULL || out[0] != '{' || strncmp(out, "{\n  \"schema\": ", 14) != 0)
        return;
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/%ld-%u.json", dir, (long)getpid(), n++);
    f = fopen(path, "wb");
    if (f == NULL)
        fail_msg("cannot write %s", path);
    fputs(out, f);
    if (fclose(f) != 0)
        fail_msg("cannot write %s", path);
}

ps_test_run ps_test_cli(int argc, const char *const *argv)
{
    ps_test_run r;
    FILE *out = tmpfile(), *err = tmpfile();

    assert_non_null(out);
    assert_non_null(err);
    r.rc = ps_cli_run(argc, (char **)argv, out, err);
    r.out = ps_test_read_stream(out, NULL);
    r.err = ps_test_read_stream(err, NULL);
    fclose(out);
    fclose(err);
    keep_json(r.out);
    return r;
}

void ps_test_run_free(ps_test_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

char *ps_test_xpath(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o;
    char *r;

    assert_non_null(ctx);
    o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    assert_non_null(o);
    r = (char *)xmlXPathCastToString(o);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    assert_non_null(r);
    return r;
}

void ps_test_check_xpath(xmlDocPtr doc, const char *expr, const char *want)
{
    char *got = ps_test_xpath(doc, expr);

    if (strcmp(got, want) != 0)
        fail_msg("%s: got '%s', want '%s'", expr, got, want);
    xmlFree(got);
}
