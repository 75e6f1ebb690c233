/*
 * test_unattend.c - the unattend .xml of an .msu: real samples and errors.
 */
#include "parse.h"
#include "sample.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define MAX_XML (1024u * 1024u)
#define HEAD "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
#define UNATTEND "<unattend xmlns=\"urn:schemas-microsoft-com:unattend\">\n"
#define ID "<assemblyIdentity name=\"Package_for_KB1\" version=\"6.0.1.0\"/>\n"

static void parse_ok(const char *text, size_t len, ps_unattend *u)
{
    ps_err err = {0};

    if (ps_unattend_parse(text, len, MAX_XML, u, &err) != 0)
        fail_msg("line %u: %s", err.line, err.msg);
}

static void parse_fails(const char *text, size_t len, size_t max, ps_finding_code code,
                        unsigned line, const char *msg)
{
    ps_unattend u;
    ps_err err = {0};

    assert_int_equal(ps_unattend_parse(text, len, max, &u, &err), -1);
    assert_err(&err, code, line, msg);
    assert_null(u.identity.name);
    assert_null(u.source);
    ps_unattend_free(&u);
}

static void samples(void **state)
{
    static const struct {
        const char *rel, *name, *version, *arch, *source;
    } cases[] = {
        {"win7-kb4538483-x64/Windows6.1-KB4538483-x64.xml", "Package_for_KB4538483", "6.1.1.2",
         "amd64", "Windows6.1-KB4538483-x64.CAB"},
        {"win7-kb4538483-x86/Windows6.1-KB4538483-x86.xml", "Package_for_KB4538483", "6.1.1.2",
         "x86", "Windows6.1-KB4538483-x86.CAB"},
        {"win7-kb2999226-x64/Windows6.1-KB2999226-x64.xml", "Package_for_KB2999226", "6.1.1.6",
         "amd64", "Windows6.1-KB2999226-x64.CAB"},
        {"win7-kb3118401-x64/Windows6.1-KB3118401-x64.xml", "Package_for_KB3118401", "6.1.1.1",
         "amd64", "Windows6.1-KB3118401-x64.CAB"},
    };

    (void)state;
    for (size_t i = 0; i < PS_ARRAY_LEN(cases); i++) {
        size_t len;
        char *data = sample_read(cases[i].rel, &len);
        ps_unattend u;

        parse_ok(data, len, &u);
        assert_string_equal(u.identity.name, cases[i].name);
        assert_string_equal(u.identity.version, cases[i].version);
        assert_string_equal(u.identity.arch, cases[i].arch);
        assert_string_equal(u.identity.language, "neutral");
        assert_string_equal(u.identity.public_key_token, "31bf3856ad364e35");
        assert_string_equal(u.source, cases[i].source);
        ps_unattend_free(&u);
        assert_null(u.identity.name);
        assert_null(u.source);
        free(data);
    }
}

static void variants(void **state)
{
    const char *no_source = HEAD UNATTEND "<servicing><package action=\"install\">" ID
                                          "</package></servicing></unattend>";
    const char *plain = HEAD UNATTEND "<servicing><package action=\"remove\">"
                                      "<assemblyIdentity name=\"Old\" version=\"1\"/></package>"
                                      "</servicing><servicing><package action=\"Install\">" ID
                                      "<source location=\"sub\\Windows6.0-KB1-x86.cab\"/>"
                                      "</package></servicing></unattend>";
    const char *upper = HEAD UNATTEND "<servicing><package action=\"install\">" ID
                                      "<source location=\"%CONFIGSETROOT%\\X.CAB\"/>"
                                      "</package></servicing></unattend>";
    ps_unattend u;

    (void)state;
    parse_ok(no_source, strlen(no_source), &u);
    assert_string_equal(u.identity.name, "Package_for_KB1");
    assert_null(u.identity.arch);
    assert_null(u.source);
    ps_unattend_free(&u);

    parse_ok(plain, strlen(plain), &u);
    assert_string_equal(u.identity.name, "Package_for_KB1");
    assert_string_equal(u.source, "sub\\Windows6.0-KB1-x86.cab");
    ps_unattend_free(&u);

    parse_ok(upper, strlen(upper), &u);
    assert_string_equal(u.source, "X.CAB");
    ps_unattend_free(&u);
}

static void errors(void **state)
{
    const char *root = HEAD "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v3\"/>";
    const char *root_nons = HEAD "<unattend/>";
    const char *no_install = HEAD UNATTEND "<servicing>\n<package action=\"remove\">" ID
                                           "</package></servicing></unattend>";
    const char *no_id = HEAD UNATTEND "<servicing>\n<package action=\"install\">"
                                      "<source location=\"x\"/></package></servicing></unattend>";
    const char *bad_id = HEAD UNATTEND "<servicing><package action=\"install\">\n"
                                       "<assemblyIdentity version=\"1\"/></package></servicing>"
                                       "</unattend>";
    const char *doctype = HEAD "<!DOCTYPE unattend [<!ENTITY x \"y\">]>\n" UNATTEND "</unattend>";
    size_t len;
    char *data = sample_read("win7-kb4538483-x64/Windows6.1-KB4538483-x64.xml", &len);

    (void)state;
    parse_fails("", 0, MAX_XML, PS_F_UNREADABLE_PACKAGE, 0, "empty XML document");
    parse_fails(root, strlen(root), MAX_XML, PS_F_UNREADABLE_PACKAGE, 2,
                "root element is <assembly> in namespace \"urn:schemas-microsoft-com:asm.v3\", "
                "expected <unattend> in namespace \"urn:schemas-microsoft-com:unattend\"");
    parse_fails(root_nons, strlen(root_nons), MAX_XML, PS_F_UNREADABLE_PACKAGE, 2,
                "root element is <unattend> without namespace, "
                "expected <unattend> in namespace \"urn:schemas-microsoft-com:unattend\"");
    parse_fails(no_install, strlen(no_install), MAX_XML, PS_F_UNREADABLE_PACKAGE, 2,
                "no <servicing>/<package action=\"install\"> in the unattend file");
    parse_fails(no_id, strlen(no_id), MAX_XML, PS_F_UNREADABLE_PACKAGE, 4,
                "<package action=\"install\"> has no <assemblyIdentity>");
    parse_fails(bad_id, strlen(bad_id), MAX_XML, PS_F_UNREADABLE_PACKAGE, 4,
                "<assemblyIdentity> has no name attribute");
    parse_fails(doctype, strlen(doctype), MAX_XML, PS_F_UNSAFE_INPUT, 2,
                "document type declaration (DOCTYPE) refused: real manifests carry none");
    assert_int_equal(len, 446);
    parse_fails(data, len, 445, PS_F_UNSAFE_INPUT, 0,
                "XML document of 446 bytes exceeds the limit of 445 bytes");
    /* cut inside the name of the <source> element on line 6 */
    parse_fails(data, 330, MAX_XML, PS_F_UNREADABLE_PACKAGE, 6,
                "not well-formed XML: Couldn't find end of Start Tag sourc line 6");
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(samples),
        cmocka_unit_test(variants),
        cmocka_unit_test(errors),
    };

    return cmocka_run_group_tests_name("unattend", tests, NULL, NULL);
}
