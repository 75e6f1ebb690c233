/*
 * test_junit.c - the JUnit report: structure, counts, escaping, one
 * failure per testcase holding every error finding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "junit.h"
#include "testlib.h"

static void test_report(void **state)
{
    ps_junit j = {0};
    ps_junit_case *a, *b, *p;
    ps_buf out = {0};
    char err[128];
    xmlDocPtr doc;
    ps_finding e1 = {.code = PS_F_MISSING_PREREQUISITE, .severity = PS_SEV_ERROR,
                     .message = "KB4512476 is SHA-2-only & needs <KB4474419>"};
    ps_finding e2 = {.code = PS_F_UNREADABLE_PACKAGE, .severity = PS_SEV_ERROR,
                     .member = "x.cab/update.mum", .line = 4, .message = "not well-formed XML"};
    ps_finding w1 = {.code = PS_F_SUPERSEDED, .severity = PS_SEV_WARNING,
                     .message = "superseded by KB4520002"};

    (void)state;
    a = ps_junit_add_case(&j, "patchseq.package", "b/Windows6.0-KB1-x64.msu", "b/Windows6.0-KB1-x64.msu");
    assert_non_null(a);
    b = ps_junit_add_case(&j, "patchseq.package", "b/Windows6.0-KB2-x64.msu", "b/Windows6.0-KB2-x64.msu");
    assert_non_null(b);
    p = ps_junit_add_case(&j, "patchseq.plan", "6.0 ia64", NULL);
    assert_non_null(p);
    /* a realloc may have moved the earlier cases: look them up again */
    a = ps_junit_find(&j, "patchseq.package", "b/Windows6.0-KB1-x64.msu");
    b = ps_junit_find(&j, "patchseq.package", "b/Windows6.0-KB2-x64.msu");
    assert_null(ps_junit_find(&j, "patchseq.plan", "6.0 x64"));
    assert_int_equal(ps_junit_add_finding(a, &e2), 0);
    assert_int_equal(ps_junit_add_finding(a, &w1), 0);
    assert_int_equal(ps_junit_add_finding(p, &e1), 0);
    assert_int_equal(ps_junit_add_finding(p, &e2), 0);
    assert_int_equal(ps_junit_render(&j, "patchseq validate", &out, err, sizeof err), 0);

    doc = xmlReadMemory(out.data, (int)out.len, NULL, NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    ps_test_check_xpath(doc, "string(/testsuites/@tests)", "3");
    ps_test_check_xpath(doc, "string(/testsuites/@failures)", "2");
    ps_test_check_xpath(doc, "string(/testsuites/testsuite/@name)", "patchseq validate");
    ps_test_check_xpath(doc, "count(//testcase)", "3");
    ps_test_check_xpath(doc, "count(//testcase/failure)", "2");
    ps_test_check_xpath(doc, "string(//testcase[@name='6.0 ia64']/failure/@type)", "missing-prerequisite");
    ps_test_check_xpath(doc, "string(//testcase[@name='6.0 ia64']/failure/@message)",
          "KB4512476 is SHA-2-only & needs <KB4474419>");
    ps_test_check_xpath(doc, "string(//testcase[@name='6.0 ia64']/failure)",
          "missing-prerequisite: KB4512476 is SHA-2-only & needs <KB4474419>\n"
          "unreadable-package: not well-formed XML (x.cab/update.mum:4)\n");
    ps_test_check_xpath(doc, "string(//testcase[@name='b/Windows6.0-KB1-x64.msu']/system-out)",
          "warning: superseded: superseded by KB4520002\n");
    ps_test_check_xpath(doc, "count(//testcase[@name='b/Windows6.0-KB2-x64.msu']/*)", "0");
    ps_test_check_xpath(doc, "string(//testcase[@name='b/Windows6.0-KB2-x64.msu']/@classname)", "patchseq.package");
    xmlFreeDoc(doc);
    ps_buf_free(&out);
    ps_junit_free(&j);
    (void)b;
}

/* Characters XML 1.0 does not allow, invalid UTF-8 and markup in every
 * value: the report stays well-formed, the text is kept with U+FFFD. */
static void test_hostile(void **state)
{
    static const char bad[] = "a\x01" "b\x1f\xef\xbf\xbe\xef\xbf\xbf]]>--><script>\xff&'\"";
    static const char shown[] = "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd]]>--><script>\xef\xbf\xbd&'\"";
    ps_junit j = {0};
    ps_junit_case *c;
    ps_buf out = {0};
    char err[128], xp[256];
    xmlDocPtr doc;
    ps_finding e = {.code = PS_F_UNSAFE_INPUT, .severity = PS_SEV_ERROR, .member = (char *)bad,
                    .line = 2, .message = (char *)bad};

    (void)state;
    c = ps_junit_add_case(&j, "patchseq.package", bad, bad);
    assert_non_null(c);
    assert_int_equal(ps_junit_add_finding(c, &e), 0);
    assert_int_equal(ps_junit_render(&j, bad, &out, err, sizeof err), 0);
    doc = xmlReadMemory(out.data, (int)out.len, NULL, NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    ps_test_check_xpath(doc, "string(/testsuites/@name)", shown);
    ps_test_check_xpath(doc, "string(//testcase/@file)", shown);
    ps_test_check_xpath(doc, "string(//testcase/failure/@message)", shown);
    snprintf(xp, sizeof xp, "%s", "count(//testcase/failure)");
    ps_test_check_xpath(doc, xp, "1");
    xmlFreeDoc(doc);
    ps_buf_free(&out);
    ps_junit_free(&j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_report), cmocka_unit_test(test_hostile)};

    return cmocka_run_group_tests(tests, NULL, NULL);
}
