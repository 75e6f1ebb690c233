/*
 * test_err.c - the errors of the modules (util/util.h ps_err): a package
 * parser's error carries the finding it becomes, a bad lock file, a bad
 * inventory and an exhausted allocator carry an error code and no finding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "inventory.h"
#include "lock.h"
#include "util.h"

static void test_setters(void **state)
{
    ps_err e = {0};
    char msg[64];

    (void)state;
    ps_err_set(&e, PS_F_UNREADABLE_PACKAGE, 3, "bad %s", "xml");
    assert_int_equal(e.error, PS_E_FORMAT);
    assert_int_equal(e.finding, PS_F_UNREADABLE_PACKAGE);
    assert_int_equal(e.line, 3);
    assert_string_equal(e.msg, "bad xml");
    ps_err_where(&e, "a.msu", msg, sizeof msg);
    assert_string_equal(msg, "a.msu:3: bad xml");
    ps_err_set(&e, PS_F_UNSAFE_INPUT, 0, "too large");
    assert_int_equal(e.error, PS_E_LIMIT);
    assert_int_equal(e.finding, PS_F_UNSAFE_INPUT);
    ps_err_where(&e, "a.msu", msg, sizeof msg);
    assert_string_equal(msg, "a.msu: too large");
    ps_err_fail(&e, PS_E_OOM, 0, "out of memory");
    assert_int_equal(e.error, PS_E_OOM);
    assert_int_equal(e.finding, PS_ERR_NO_FINDING);
    ps_err_set(NULL, PS_F_UNREADABLE_PACKAGE, 0, "ignored");
    ps_err_fail(NULL, PS_E_IO, 0, "ignored");
}

static void test_bad_lock(void **state)
{
    const char not_json[] = "{\"schema\": ";
    const char not_lock[] = "{\"schema\": \"other/1\", \"files\": []}";
    ps_lock l;
    ps_err e = {0};

    (void)state;
    assert_int_equal(ps_lock_parse(&l, not_json, strlen(not_json), &e), -1);
    assert_int_equal(e.error, PS_E_FORMAT);
    assert_int_equal(e.finding, PS_ERR_NO_FINDING); /* not an unreadable package */
    memset(&e, 0, sizeof e);
    assert_int_equal(ps_lock_parse(&l, not_lock, strlen(not_lock), &e), -1);
    assert_int_equal(e.error, PS_E_FORMAT);
    assert_int_equal(e.finding, PS_ERR_NO_FINDING);
}

static void test_inventory_oom(void **state)
{
    const char text[] = "KB4474419\nKB4493730\n";
    ps_inventory inv;
    ps_err e = {0};
    int rc;

    (void)state;
    ps_alloc_fail_at(1);
    rc = ps_inventory_parse(text, sizeof text - 1, &inv, &e);
    ps_alloc_fail_at(0);
    assert_int_equal(rc, -1);
    assert_true(ps_alloc_failed());
    assert_int_equal(e.error, PS_E_OOM);
    assert_int_equal(e.finding, PS_ERR_NO_FINDING);
    assert_string_equal(e.msg, "out of memory");
    ps_inventory_free(&inv);
}

static void test_bad_inventory(void **state)
{
    const char text[] = "KB4474419\nnot a kb\n";
    ps_inventory inv;
    ps_err e = {0};

    (void)state;
    assert_int_equal(ps_inventory_parse(text, sizeof text - 1, &inv, &e), -1);
    assert_int_equal(e.error, PS_E_FORMAT);
    assert_int_equal(e.finding, PS_ERR_NO_FINDING);
    assert_int_equal(e.line, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_setters),
        cmocka_unit_test(test_bad_lock),
        cmocka_unit_test(test_inventory_oom),
        cmocka_unit_test(test_bad_inventory),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
