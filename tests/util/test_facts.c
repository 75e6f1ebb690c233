/*
 * test_facts.c - the grammar of the facts kept from a package, the
 * unsafe-input error that names the field, the line and the value shown
 * safely, the facts of a file name, and the merge in fallback order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "parse.h"

struct c {
    ps_fact_kind kind;
    const char *s;
    int ok;
};

static void test_grammar(void **state)
{
    static const struct c cases[] = {
        {PS_FACT_VERSION, "6.0.6003.20489", 1}, {PS_FACT_VERSION, "7", 1},
        {PS_FACT_VERSION, "65535.0.0.0", 1},    {PS_FACT_VERSION, "65536.0", 0},
        {PS_FACT_VERSION, "1.2.3.4.5", 0},      {PS_FACT_VERSION, "1..2", 0},
        {PS_FACT_VERSION, "1.2.", 0},           {PS_FACT_VERSION, "", 0},
        {PS_FACT_VERSION, "000001", 0},         {PS_FACT_VERSION, " 1.2", 0},
        {PS_FACT_VERSION, "6.0.6003.99999\r\necho PWNED> %TEMP%\\pwn.txt & rem ", 0},
        {PS_FACT_VERSION, "6.0.6003.1\r", 0},   {PS_FACT_KB, "KB4474419", 1},
        {PS_FACT_KB, "kb958690", 1},            {PS_FACT_KB, "2999226", 1},
        {PS_FACT_KB, "KB12345", 0},             {PS_FACT_KB, "KB123456789", 0},
        {PS_FACT_KB, "KB4474419&calc", 0},      {PS_FACT_ARCH, "amd64", 1},
        {PS_FACT_ARCH, "WOW64", 1},             {PS_FACT_ARCH, "x86 ", 0},
        {PS_FACT_ARCH, "sparc", 0},             {PS_FACT_LANGUAGE, "neutral", 1},
        {PS_FACT_LANGUAGE, "fi-FI", 1},         {PS_FACT_LANGUAGE, "*", 1},
        {PS_FACT_LANGUAGE, "en-US\n", 0},       {PS_FACT_LANGUAGE, "e", 0},
        {PS_FACT_TOKEN, "31bf3856ad364e35", 1}, {PS_FACT_TOKEN, "31bf3856ad364e3", 0},
        {PS_FACT_TOKEN, "31bf3856ad364e3g", 0}, {PS_FACT_NAME, "Package_for_KB4474419", 1},
        {PS_FACT_NAME, "Microsoft-Windows-OS-Kernel", 1}, {PS_FACT_NAME, "a b", 0},
        {PS_FACT_NAME, "..\\x", 0},             {PS_FACT_NAME, "-x", 0},
        {PS_FACT_IDENTIFIER, "KB2999226_BF", 1}, {PS_FACT_IDENTIFIER, "KB1|x", 0},
        {PS_FACT_LABEL, "Security Update", 1},  {PS_FACT_LABEL, "possible", 1},
        {PS_FACT_LABEL, "a\tb", 0},             {PS_FACT_LABEL, "caf\xc3\xa9", 0},
        {PS_FACT_LABEL, "\xe2\x80\xa8", 0},     {PS_FACT_LABEL, "", 0},
        {PS_FACT_DATE, "2020-05-01", 1},        {PS_FACT_DATE, "2020-02-29", 1},
        {PS_FACT_DATE, "2019-02-29", 0},        {PS_FACT_DATE, "2100-02-29", 0},
        {PS_FACT_DATE, "2020-13-01", 0},        {PS_FACT_DATE, "2020-04-31", 0},
        {PS_FACT_DATE, "2020-05-01x", 0},       {PS_FACT_SLASH_DATE, "2015/07/21", 1},
        {PS_FACT_SLASH_DATE, "2015-07-21", 0},  {PS_FACT_TIMESTAMP, "2015-07-21T10:16:58Z", 1},
        {PS_FACT_TIMESTAMP, "2015-07-21T<x>", 0}, {PS_FACT_GUID, "f326c2c9-8e25-4d1f-850d-80495e82da3c", 1},
        {PS_FACT_GUID, "{f326c2c9-8e25-4d1f-850d-80495e82da3c}", 0}, {PS_FACT_DECIMAL, "123", 1},
        {PS_FACT_DECIMAL, "-1", 0},             {PS_FACT_DECIMAL, "12345678901", 0},
        {PS_FACT_SOURCE, "Windows6.1-KB1-x64.cab", 1}, {PS_FACT_SOURCE, "a%b", 0},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (ps_fact_ok(cases[i].kind, cases[i].s) != cases[i].ok)
            fail_msg("case %zu '%s': expected %d", i, cases[i].s, cases[i].ok);
    assert_int_equal(ps_fact_ok(PS_FACT_VERSION, NULL), 0);
}

static void test_check(void **state)
{
    ps_err e = {0};
    char *big = malloc(9001);

    (void)state;
    assert_int_equal(ps_fact_check(PS_FACT_VERSION, "f", NULL, 3, &e), 0);
    assert_int_equal(ps_fact_check(PS_FACT_VERSION, "f", "1.2", 3, &e), 0);
    assert_int_equal(ps_fact_check(PS_FACT_VERSION, "assemblyIdentity/@version",
                                   "6.0.6003.99999\r\necho PWNED & rem ", 7, &e),
                     -1);
    assert_int_equal(e.finding, PS_F_UNSAFE_INPUT);
    assert_int_equal(e.line, 7);
    assert_string_equal(e.msg, "unsafe value in assemblyIdentity/@version: "
                               "\"6.0.6003.99999\\r\\necho PWNED & rem \" is not a version (1 "
                               "to 4 dot-separated decimal numbers up to 65535)");
    assert_non_null(big);
    memset(big, '9', 9000);
    big[9000] = '\0';
    assert_int_equal(ps_fact_check(PS_FACT_KB, "package/@identifier", big, 2, &e), -1);
    assert_string_equal(e.msg, "unsafe value in package/@identifier: "
                               "\"9999999999999999999999999999999999999999\"... is not a KB "
                               "number (KB and 6 to 8 digits)");
    free(big);
}

static void test_kb_source_name(void **state)
{
    (void)state;
    assert_null(ps_kb_source_name(PS_KB_SOURCE_NONE));
    assert_string_equal(ps_kb_source_name(PS_KB_SOURCE_MUM), "update.mum");
    assert_string_equal(ps_kb_source_name(PS_KB_SOURCE_PROPS), "pkgProperties");
    assert_string_equal(ps_kb_source_name(PS_KB_SOURCE_FILE_NAME), "file name");
    assert_null(ps_kb_source_name(PS_KB_SOURCE__COUNT));
}

static void test_name_facts(void **state)
{
    ps_package p;

    (void)state;
    memset(&p, 0, sizeof p);
    ps_facts_of_name(&p, "windows6.1-kb4474419-v3-x64_b5614c6cea5cb4e198717789633dca16308ef79c.msu");
    assert_int_equal(p.revision, 3);
    assert_int_equal(p.name_arch, PS_ARCH_X64);
    assert_string_equal(p.name_os, "6.1");
    ps_package_free(&p);

    ps_facts_of_name(&p, "KB123-x86.cab");
    assert_int_equal(p.revision, 0);
    assert_int_equal(p.name_arch, PS_ARCH_X86);
    assert_null(p.name_os);
    ps_package_free(&p);
}

/* update.mum first, then pkgProperties, then the file name; a KB from the
 * file name alone does not make the package readable. */
static void test_fill_fallbacks(void **state)
{
    ps_mum m;
    ps_package p;
    ps_fact_sources s;

    (void)state;
    memset(&s, 0, sizeof s);
    memset(&p, 0, sizeof p);
    s.base = "windows6.1-kb4474419-v3-x64.msu";
    ps_facts_of_name(&p, s.base);
    assert_int_equal(ps_facts_fill(&p, &s), 0);
    assert_string_equal(p.kb, "KB4474419");
    assert_int_equal(p.kb_source, PS_KB_SOURCE_FILE_NAME);
    assert_int_equal(p.arch, PS_ARCH_X64);
    assert_string_equal(p.os, "6.1");
    assert_int_equal(p.readable, 0);
    ps_package_free(&p);

    memset(&m, 0, sizeof m);
    m.kb = (char *)"KB5000001";
    m.identity.name = (char *)"Package_for_KB5000001";
    m.identity.arch = (char *)"x86";
    s.mum = &m;
    ps_facts_of_name(&p, s.base);
    assert_int_equal(ps_facts_fill(&p, &s), 0);
    assert_string_equal(p.kb, "KB5000001");
    assert_int_equal(p.kb_source, PS_KB_SOURCE_MUM);
    assert_int_equal(p.arch, PS_ARCH_X86); /* the identity before the file name */
    assert_int_equal(p.readable, 1);
    ps_package_free(&p);

    s.refused = 1; /* a read error or an unsafe member name */
    ps_facts_of_name(&p, s.base);
    assert_int_equal(ps_facts_fill(&p, &s), 0);
    assert_int_equal(p.readable, 0);
    ps_package_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grammar),        cmocka_unit_test(test_check),
        cmocka_unit_test(test_kb_source_name), cmocka_unit_test(test_name_facts),
        cmocka_unit_test(test_fill_fallbacks),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
