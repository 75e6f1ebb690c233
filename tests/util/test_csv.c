/*
 * test_csv.c - the RFC 4180 record reader (util/csv.h): quoting, line
 * numbers, blank lines, the field cap, and its errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "csv.h"

static void test_records(void **state)
{
    const char text[] = "a,\"b,1\"\r\n\n\"multi\nline\",\"say \"\"hi\"\"\"\nlast,\r\n";
    size_t off[4];
    ps_csv c;
    ps_err e = {0};

    (void)state;
    ps_csv_init(&c, text, text + strlen(text), 1, off, 4);
    assert_int_equal(ps_csv_next(&c, &e), 1);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.rec_line, 1);
    assert_string_equal(ps_csv_field(&c, 0), "a");
    assert_string_equal(ps_csv_field(&c, 1), "b,1");
    assert_int_equal(ps_csv_next(&c, &e), 1); /* the blank line 2 is skipped */
    assert_int_equal(c.rec_line, 3);
    assert_string_equal(ps_csv_field(&c, 0), "multi\nline");
    assert_string_equal(ps_csv_field(&c, 1), "say \"hi\"");
    assert_int_equal(ps_csv_next(&c, &e), 1);
    assert_int_equal(c.rec_line, 5);
    assert_int_equal(c.n, 2);
    assert_string_equal(ps_csv_field(&c, 0), "last");
    assert_string_equal(ps_csv_field(&c, 1), "");
    assert_int_equal(ps_csv_next(&c, &e), 0);
    ps_csv_free(&c);
}

static void test_columns(void **state)
{
    const char text[] = "Node, HotFixID ,csname\n";
    size_t off[8];
    ps_csv c;
    ps_err e = {0};

    (void)state;
    ps_csv_init(&c, text, text + strlen(text), 1, off, 8);
    assert_int_equal(ps_csv_next(&c, &e), 1);
    assert_int_equal(ps_csv_column(&c, "hotfixid"), 1);
    assert_int_equal(ps_csv_column(&c, "CSName"), 2);
    assert_int_equal(ps_csv_column(&c, "Hotfix(s)"), -1);
    assert_true(ps_csv_field_is(" \tN/A\r", "n/a"));
    assert_false(ps_csv_field_is("N/A x", "N/A"));
    ps_csv_free(&c);
}

static void test_errors(void **state)
{
    const char open_quote[] = "a\n\"b\nc\n";
    const char after_quote[] = "\"b\"x,c\n";
    const char wide[] = "1,2,3,4\n";
    size_t off[3];
    ps_csv c;
    ps_err e = {0};

    (void)state;
    ps_csv_init(&c, open_quote, open_quote + strlen(open_quote), 1, off, 3);
    assert_int_equal(ps_csv_next(&c, &e), 1);
    assert_int_equal(ps_csv_next(&c, &e), -1);
    assert_int_equal(e.line, 2);
    assert_string_equal(e.msg, "quoted field not closed before the end of the file");
    ps_csv_free(&c);

    ps_csv_init(&c, after_quote, after_quote + strlen(after_quote), 7, off, 3);
    assert_int_equal(ps_csv_next(&c, &e), -1);
    assert_int_equal(e.line, 7);
    assert_string_equal(e.msg, "text after the closing quote of a field");
    ps_csv_free(&c);

    ps_csv_init(&c, wide, wide + strlen(wide), 1, off, 3);
    assert_int_equal(ps_csv_next(&c, &e), -1);
    assert_int_equal(e.line, 1);
    assert_string_equal(e.msg, "more than 3 fields in a record");
    ps_csv_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
