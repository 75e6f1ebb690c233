/*
 * test_script_paths.c - ps_script_rel_path: the path an install script
 * names a package by, below the root it was found under.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "plan.h"
#include "script.h"
#include "testlib.h"
#include <string.h>

static int rel(const char *file, const char *r1, const char *r2, char *out, size_t n)
{
    const char *roots[2] = {r1, r2};
    ps_script_opts o = {roots, (size_t)(r1 != NULL) + (r2 != NULL)};

    return ps_script_rel_path(file, &o, out, n);
}

static void test_below_root(void **state)
{
    char out[256];

    (void)state;
    assert_int_equal(rel("bundle/ssu/Windows6.0-KB1-x64.msu", "bundle", NULL, out, sizeof out), 0);
    assert_string_equal(out, "ssu\\Windows6.0-KB1-x64.msu");
    assert_int_equal(rel("bundle//ssu/x.msu", "bundle/", NULL, out, sizeof out), 0);
    assert_string_equal(out, "ssu\\x.msu");
    assert_int_equal(rel("bundle/ssu/x.msu", "bundle/", NULL, out, sizeof out), 0);
    assert_string_equal(out, "ssu\\x.msu");
    assert_int_equal(rel("./a/b/x.cab", ".", NULL, out, sizeof out), 0);
    assert_string_equal(out, "a\\b\\x.cab");
    assert_int_equal(rel("/srv/b/x.msu", "/srv", NULL, out, sizeof out), 0);
    assert_string_equal(out, "b\\x.msu");
    /* the longest root wins */
    assert_int_equal(rel("b/c/x.msu", "b", "b/c", out, sizeof out), 0);
    assert_string_equal(out, "x.msu");
    /* a root that is only a prefix of a folder name is not the root */
    assert_int_equal(rel("bundle2/x.msu", "bundle", NULL, out, sizeof out), 0);
    assert_string_equal(out, "x.msu");
    /* a file given by itself, or no roots: its base name */
    assert_int_equal(rel("some/where/x.msu", "some/where/x.msu", NULL, out, sizeof out), 0);
    assert_string_equal(out, "x.msu");
    assert_int_equal(ps_script_rel_path("d/x.msu", NULL, out, sizeof out), 0);
    assert_string_equal(out, "x.msu");
}

static void test_refused(void **state)
{
    char out[256], small[8];

    (void)state;
    /* every component by the safe-name rule */
    assert_int_equal(rel("b/s s u/x.msu", "b", NULL, out, sizeof out), -1);
    assert_int_equal(rel("b/a&b/x.msu", "b", NULL, out, sizeof out), -1);
    assert_int_equal(rel("b/%PATH%/x.msu", "b", NULL, out, sizeof out), -1);
    assert_int_equal(rel("b/../x.msu", "b", NULL, out, sizeof out), -1);
    assert_int_equal(rel("b/x y.msu", "b", NULL, out, sizeof out), -1);
    /* "." components are dropped, not kept */
    assert_int_equal(rel("b/./x.msu", "b", NULL, out, sizeof out), 0);
    assert_string_equal(out, "x.msu");
    /* too small a buffer */
    assert_int_equal(rel("b/ssu/x.msu", "b", NULL, small, sizeof small), -1);
    assert_int_equal(ps_script_rel_path(NULL, NULL, out, sizeof out), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_below_root),
        cmocka_unit_test(test_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
