/*
 * test_mum.c - update.mum and sub-package .mum parsing, component manifest
 * names, on the real samples and on crafted documents.
 */
#include "parse.h"
#include "sample.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define MAX_XML (1024u * 1024u)
#define HEAD "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
#define ASM "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v3\" manifestVersion=\"1.0\">\n"
#define ID "  <assemblyIdentity name=\"P\" version=\"1.0\" processorArchitecture=\"x86\" />\n"

static void parse_sample(const char *rel, ps_mum *m)
{
    size_t len;
    char *data = sample_read(rel, &len);
    ps_err err = {0};

    if (ps_mum_parse(data, len, MAX_XML, m, &err) != 0)
        fail_msg("%s: line %u: %s", rel, err.line, err.msg);
    free(data);
}

static void parse_text(const char *text, ps_mum *m)
{
    ps_err err = {0};

    if (ps_mum_parse(text, strlen(text), MAX_XML, m, &err) != 0)
        fail_msg("line %u: %s", err.line, err.msg);
}

static void parse_fails(const char *text, size_t len, size_t max, ps_finding_code code,
                        unsigned line, const char *msg)
{
    ps_mum m;
    ps_err err = {0};

    assert_int_equal(ps_mum_parse(text, len, max, &m, &err), -1);
    assert_err(&err, code, line, msg);
    /* nothing is left to free on failure */
    assert_null(m.identity.name);
    assert_null(m.kb);
    assert_null(m.children);
    assert_null(m.components);
    ps_mum_free(&m);
}

static void assert_identity(const ps_identity *id, const char *name, const char *version,
                            const char *arch)
{
    assert_string_equal(id->name, name);
    assert_string_equal(id->version, version);
    assert_string_equal(id->arch, arch);
    assert_string_equal(id->language, "neutral");
    assert_string_equal(id->public_key_token, "31bf3856ad364e35");
}

/* The child member name appears in the listing of the real inner cab. */
static void assert_listed(const char *listing_rel, const char *member)
{
    char *listing = sample_read(listing_rel, NULL);
    char *needle = ps_asprintf(" %s\n", member);

    assert_non_null(needle);
    if (strstr(listing, needle) == NULL)
        fail_msg("%s is not in %s", member, listing_rel);
    free(needle);
    free(listing);
}

static void kb4538483_x64(void **state)
{
    ps_mum m;

    (void)state;
    parse_sample("win7-kb4538483-x64/update.mum", &m);
    assert_identity(&m.identity, "Package_for_KB4538483", "6.1.1.2", "amd64");
    assert_string_equal(m.kb, "KB4538483");
    assert_string_equal(m.identifier, "KB4538483");
    assert_string_equal(m.release_type, "Security Update");
    assert_string_equal(m.restart, "possible");
    assert_string_equal(m.creation_date, "2020-05-01");
    assert_string_equal(m.installer_version, "6.1.7601.24550");
    assert_string_equal(m.os, "6.1");
    assert_string_equal(m.parent_version, "6.1.7601.17514");
    assert_int_equal(m.n_children, 1);
    assert_string_equal(m.children[0],
                        "package_for_kb4538483_sp1~31bf3856ad364e35~amd64~~6.1.1.2.mum");
    assert_listed("win7-kb4538483-x64/LISTING.txt", m.children[0]);
    assert_int_equal(m.n_components, 0);
    assert_null(ps_mum_component_version(&m, "Microsoft-Windows-ServicingStack"));
    ps_mum_free(&m);
    assert_null(m.identity.name);
    assert_null(m.children);
    assert_int_equal(m.n_children, 0);
    ps_mum_free(&m); /* twice is harmless */
}

static void kb4538483_x86(void **state)
{
    ps_mum m;

    (void)state;
    parse_sample("win7-kb4538483-x86/update.mum", &m);
    assert_identity(&m.identity, "Package_for_KB4538483", "6.1.1.2", "x86");
    assert_string_equal(m.kb, "KB4538483");
    assert_string_equal(m.creation_date, "2020-05-01");
    assert_string_equal(m.installer_version, "6.1.7601.24550");
    assert_string_equal(m.os, "6.1");
    assert_int_equal(m.n_children, 1);
    assert_string_equal(m.children[0],
                        "package_for_kb4538483_sp1~31bf3856ad364e35~x86~~6.1.1.2.mum");
    ps_mum_free(&m);
}

static void kb4538483_sp1(void **state)
{
    ps_mum m;
    char want[128];

    (void)state;
    parse_sample("win7-kb4538483-x64/package_for_kb4538483_sp1~31bf3856ad364e35~amd64~~6.1.1.2.mum",
                 &m);
    assert_identity(&m.identity, "Package_for_KB4538483_SP1", "6.1.1.2", "amd64");
    assert_string_equal(m.kb, "KB4538483");
    assert_string_equal(m.os, "6.1");
    assert_string_equal(m.release_type, "Security Update");
    assert_int_equal(m.n_children, 6);
    for (size_t i = 0; i < m.n_children; i++) {
        snprintf(want, sizeof want, "package_%zu_for_kb4538483~31bf3856ad364e35~amd64~~6.1.1.2.mum",
                 i + 1);
        assert_string_equal(m.children[i], want);
    }
    assert_listed("win7-kb4538483-x64/LISTING.txt", m.children[0]);
    assert_listed("win7-kb4538483-x64/LISTING.txt", m.children[1]);
    assert_int_equal(m.n_components, 0);
    ps_mum_free(&m);
}

static void kb4538483_package_1(void **state)
{
    ps_mum m;

    (void)state;
    parse_sample("win7-kb4538483-x64/package_1_for_kb4538483~31bf3856ad364e35~amd64~~6.1.1.2.mum",
                 &m);
    assert_identity(&m.identity, "Package_1_for_KB4538483", "6.1.1.2", "amd64");
    assert_string_equal(m.kb, "KB4538483");
    assert_string_equal(m.installer_version, "6.1.7601.24550");
    assert_string_equal(m.os, "6.1");
    assert_int_equal(m.n_children, 0);
    assert_int_equal(m.n_components, 4);
    assert_string_equal(m.components[0].name, "Microsoft-Windows-Security-SPP-Component-PkeyConfig");
    assert_string_equal(m.components[0].version, "6.1.7601.24553");
    assert_string_equal(m.components[1].name, "9eabfbba5578b275c15cfec957777b1d");
    assert_string_equal(m.components[1].version, "6.1.7601.24553");
    assert_string_equal(m.components[2].name, "Microsoft-Windows-Security-SPP");
    assert_string_equal(m.components[2].version, "6.1.7601.24553");
    assert_string_equal(m.components[3].name, "48206d79e33d3d8610192d07c9248794");
    assert_string_equal(m.components[3].version, "6.1.7601.24553");
    assert_string_equal(ps_mum_component_version(&m, "microsoft-windows-security-spp"),
                        "6.1.7601.24553");
    assert_null(ps_mum_component_version(&m, "Microsoft-Windows-ServicingStack"));
    ps_mum_free(&m);
}

static void kb2999226(void **state)
{
    ps_mum m;

    (void)state;
    parse_sample("win7-kb2999226-x64/update.mum", &m);
    assert_identity(&m.identity, "Package_for_KB2999226", "6.1.1.6", "amd64");
    assert_string_equal(m.kb, "KB2999226");
    assert_string_equal(m.identifier, "KB2999226");
    assert_string_equal(m.release_type, "Update");
    assert_string_equal(m.restart, "possible");
    assert_string_equal(m.creation_date, "2015-07-21");
    assert_string_equal(m.installer_version, "6.0.0.0");
    assert_string_equal(m.os, "6.1");
    assert_int_equal(m.n_children, 1);
    assert_string_equal(m.children[0],
                        "package_for_kb2999226_rtm~31bf3856ad364e35~amd64~~6.1.1.6.mum");
    assert_listed("win7-kb2999226-x64/LISTING.txt", m.children[0]);
    ps_mum_free(&m);
}

static void kb2999226_bf(void **state)
{
    ps_mum m;

    (void)state;
    parse_sample("win7-kb2999226-x64/update-bf.mum", &m);
    assert_identity(&m.identity, "Package_for_KB2999226_BF", "6.1.1.6", "amd64");
    assert_string_equal(m.identifier, "KB2999226_BF");
    assert_string_equal(m.kb, "KB2999226");
    assert_string_equal(m.creation_date, "2015-07-21");
    assert_int_equal(m.n_children, 1);
    assert_string_equal(m.children[0],
                        "package_for_kb2999226_rtm_bf~31bf3856ad364e35~amd64~~6.1.1.6.mum");
    assert_listed("win7-kb2999226-x64/LISTING.txt", m.children[0]);
    ps_mum_free(&m);
}

static void kb2999226_rtm(void **state)
{
    ps_mum m;

    (void)state;
    parse_sample("win7-kb2999226-x64/package_for_kb2999226_rtm~31bf3856ad364e35~amd64~~6.1.1.6.mum",
                 &m);
    assert_identity(&m.identity, "Package_for_KB2999226_RTM", "6.1.1.6", "amd64");
    assert_string_equal(m.kb, "KB2999226");
    assert_int_equal(m.n_children, 1);
    assert_string_equal(m.children[0],
                        "package_1_for_kb2999226~31bf3856ad364e35~amd64~~6.1.1.6.mum");
    assert_listed("win7-kb2999226-x64/LISTING.txt", m.children[0]);
    ps_mum_free(&m);
}

static void kb3118401(void **state)
{
    ps_mum m;

    (void)state;
    parse_sample("win7-kb3118401-x64/update.mum", &m);
    assert_identity(&m.identity, "Package_for_KB3118401", "6.1.1.1", "amd64");
    assert_string_equal(m.kb, "KB3118401");
    assert_string_equal(m.release_type, "Update");
    assert_string_equal(m.creation_date, "2015-12-12");
    assert_string_equal(m.installer_version, "6.0.0.0");
    assert_string_equal(m.os, "6.1");
    assert_int_equal(m.n_children, 1);
    assert_string_equal(m.children[0],
                        "package_for_kb3118401_sp1~31bf3856ad364e35~amd64~~6.1.1.1.mum");
    ps_mum_free(&m);
}

/* The BOM of update.mum is optional: the same file without it. */
static void bom_optional(void **state)
{
    size_t len;
    char *data = sample_read("win7-kb4538483-x64/update.mum", &len);
    ps_mum with, without;
    ps_err err = {0};

    (void)state;
    assert_memory_equal(data, "\xEF\xBB\xBF<?xml", 8);
    assert_int_equal(ps_mum_parse(data, len, MAX_XML, &with, &err), 0);
    assert_int_equal(ps_mum_parse(data + 3, len - 3, MAX_XML, &without, &err), 0);
    assert_string_equal(with.identity.name, without.identity.name);
    assert_string_equal(with.installer_version, without.installer_version);
    assert_string_equal(with.children[0], without.children[0]);
    ps_mum_free(&with);
    ps_mum_free(&without);
    free(data);
}

/* Elements match on namespace and local name, whatever the prefix. */
static void prefixed_namespace(void **state)
{
    ps_mum m;

    (void)state;
    parse_text(HEAD "<a:assembly xmlns:a=\"urn:schemas-microsoft-com:asm.v3\">\n"
                    "<a:assemblyIdentity name=\"Package_for_KB1234567\" version=\"6.0.1.0\"/>\n"
                    "<a:package identifier=\"kb1234567\" releaseType=\"Hotfix\">\n"
                    "<a:parent><a:assemblyIdentity name=\"Microsoft-Windows-Foundation-Package\""
                    " version=\"6.0.6002.18005\"/></a:parent>\n"
                    "<x:installerAssembly xmlns:x=\"urn:other\" name=\"Microsoft-Windows-ServicingStack\""
                    " version=\"9.9.9.9\"/>\n"
                    "<a:installerAssembly name=\"microsoft-windows-servicingstack\" version=\"6.0.6003.20484\"/>\n"
                    "</a:package></a:assembly>\n",
               &m);
    assert_string_equal(m.identity.name, "Package_for_KB1234567");
    assert_null(m.identity.arch);
    assert_null(m.identity.language);
    assert_null(m.identity.public_key_token);
    assert_string_equal(m.kb, "KB1234567");
    assert_string_equal(m.identifier, "kb1234567");
    assert_string_equal(m.release_type, "Hotfix");
    assert_null(m.restart);
    assert_null(m.creation_date);
    assert_string_equal(m.os, "6.0");
    assert_string_equal(m.parent_version, "6.0.6002.18005");
    assert_string_equal(m.installer_version, "6.0.6003.20484");
    ps_mum_free(&m);
}

static void optional_parts(void **state)
{
    ps_mum m;

    (void)state;
    /* no package element: identity only */
    parse_text(HEAD ASM ID "</assembly>", &m);
    assert_string_equal(m.identity.name, "P");
    assert_string_equal(m.identity.arch, "x86");
    assert_null(m.kb);
    assert_null(m.identifier);
    assert_null(m.os);
    assert_null(m.installer_version);
    assert_int_equal(m.n_children, 0);
    ps_mum_free(&m);

    /* no timestamp, non-KB identifier, odd parent version, other installer,
     * a language-specific child package */
    parse_text(HEAD "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v3\" >"
                    ID "<package identifier=\"RollupFix\">"
                    "<parent><assemblyIdentity name=\"X\" version=\"7\"/></parent>"
                    "<installerAssembly name=\"Other\" version=\"1.2.3.4\"/>"
                    "<update name=\"u\"><package><assemblyIdentity name=\"Package_LP\" version=\"6.1.1.0\""
                    " language=\"fi-FI\" processorArchitecture=\"AMD64\" publicKeyToken=\"31BF3856AD364E35\"/>"
                    "</package></update></package></assembly>",
               &m);
    assert_null(m.creation_date);
    assert_string_equal(m.identifier, "RollupFix");
    assert_null(m.kb);
    assert_string_equal(m.parent_version, "7");
    assert_null(m.os);
    assert_null(m.installer_version);
    assert_int_equal(m.n_children, 1);
    assert_string_equal(m.children[0], "package_lp~31bf3856ad364e35~amd64~fi-fi~6.1.1.0.mum");
    ps_mum_free(&m);

    /* a time stamp that is not one is refused, naming the field */
    {
        static const char bad[] = HEAD "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v3\" "
                                       "creationTimeStamp=\"May 2020\">\n" ID "</assembly>";
        static const char feb[] = HEAD "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v3\" "
                                       "creationTimeStamp=\"2019-02-29T10:00:00Z\">" ID "</assembly>";

        parse_fails(bad, strlen(bad), MAX_XML, PS_F_UNSAFE_INPUT, 2,
                    "unsafe value in assembly/@creationTimeStamp: \"May 2020\" is not a time "
                    "stamp (YYYY-MM-DD, then T and the time)");
        parse_fails(feb, strlen(feb), MAX_XML, PS_F_UNSAFE_INPUT, 2,
                    "unsafe value in assembly/@creationTimeStamp: \"2019-02-29T10:00:00Z\" is "
                    "not a time stamp (YYYY-MM-DD, then T and the time)");
    }

    /* a parent version that is not a version is refused, naming the field */
    {
        static const char bad[] =
            HEAD ASM ID "<package identifier=\"KB1234567\">\n"
            "<parent><assemblyIdentity name=\"X\" version=\"banana\"/></parent></package></assembly>";

        parse_fails(bad, strlen(bad), MAX_XML, PS_F_UNSAFE_INPUT, 5,
                    "unsafe value in parent/assemblyIdentity/@version: \"banana\" is not a "
                    "version (1 to 4 dot-separated decimal numbers up to 65535)");
    }

    /* a date without time, and a 6.0 parent */
    parse_text(HEAD "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v3\" creationTimeStamp=\"2019-09-23\">"
                    ID "<package identifier=\"KB4474419\"><parent><assemblyIdentity name=\"F\""
                    " version=\"6.0.6002.18005\"/></parent></package></assembly>",
               &m);
    assert_string_equal(m.creation_date, "2019-09-23");
    assert_string_equal(m.os, "6.0");
    ps_mum_free(&m);
}

static void err_empty(void **state)
{
    (void)state;
    parse_fails("", 0, MAX_XML, PS_F_UNREADABLE_PACKAGE, 0, "empty XML document");
}

static void err_truncated(void **state)
{
    size_t len;
    char *data = sample_read("win7-kb4538483-x64/update.mum", &len);

    (void)state;
    /* cut inside an attribute value on line 7 */
    parse_fails(data, 1000, MAX_XML, PS_F_UNREADABLE_PACKAGE, 7,
                "not well-formed XML: AttValue: ' expected");
    /* cut inside the end tag </package> on line 24 */
    parse_fails(data, 3440, MAX_XML, PS_F_UNREADABLE_PACKAGE, 24,
                "not well-formed XML: expected '>'");
    /* cut before </assembly>: the root element is never closed */
    parse_fails(data, 3438, MAX_XML, PS_F_UNREADABLE_PACKAGE, 24,
                "not well-formed XML: Premature end of data in tag assembly line 2");
    free(data);
}

static void err_root(void **state)
{
    const char *other = HEAD "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v1\">" ID "</assembly>";
    const char *none = HEAD "\n<assembly>" ID "</assembly>";
    const char *unattend = HEAD "<unattend xmlns=\"urn:schemas-microsoft-com:asm.v3\"/>";

    (void)state;
    parse_fails(other, strlen(other), MAX_XML, PS_F_UNREADABLE_PACKAGE, 2,
                "root element is <assembly> in namespace \"urn:schemas-microsoft-com:asm.v1\", "
                "expected <assembly> in namespace \"urn:schemas-microsoft-com:asm.v3\"");
    parse_fails(none, strlen(none), MAX_XML, PS_F_UNREADABLE_PACKAGE, 3,
                "root element is <assembly> without namespace, "
                "expected <assembly> in namespace \"urn:schemas-microsoft-com:asm.v3\"");
    parse_fails(unattend, strlen(unattend), MAX_XML, PS_F_UNREADABLE_PACKAGE, 2,
                "root element is <unattend> in namespace \"urn:schemas-microsoft-com:asm.v3\", "
                "expected <assembly> in namespace \"urn:schemas-microsoft-com:asm.v3\"");
}

static void err_identity(void **state)
{
    const char *missing = HEAD ASM "  <package identifier=\"KB1\"/>\n</assembly>";
    const char *wrong_ns = HEAD ASM "<assemblyIdentity xmlns=\"urn:x\" name=\"P\" version=\"1\"/></assembly>";
    const char *no_name = HEAD ASM "\n\n  <assemblyIdentity version=\"1.0\"/>\n</assembly>";
    const char *no_version = HEAD ASM "  <assemblyIdentity name=\"P\" version=\"\"/>\n</assembly>";
    const char *bad_child = HEAD ASM ID "<package><update><package>\n"
                            "<assemblyIdentity name=\"C\"/></package></update></package></assembly>";
    const char *bad_comp = HEAD ASM ID "<package><update><applicable><updateComponent>\n\n"
                           "<assemblyIdentity version=\"1\"/></updateComponent></applicable>"
                           "</update></package></assembly>";

    (void)state;
    parse_fails(missing, strlen(missing), MAX_XML, PS_F_UNREADABLE_PACKAGE, 2,
                "<assembly> has no <assemblyIdentity>");
    parse_fails(wrong_ns, strlen(wrong_ns), MAX_XML, PS_F_UNREADABLE_PACKAGE, 2,
                "<assembly> has no <assemblyIdentity>");
    parse_fails(no_name, strlen(no_name), MAX_XML, PS_F_UNREADABLE_PACKAGE, 5,
                "<assemblyIdentity> has no name attribute");
    parse_fails(no_version, strlen(no_version), MAX_XML, PS_F_UNREADABLE_PACKAGE, 3,
                "<assemblyIdentity name=\"P\"> has no version attribute");
    parse_fails(bad_child, strlen(bad_child), MAX_XML, PS_F_UNREADABLE_PACKAGE, 5,
                "<assemblyIdentity name=\"C\"> has no version attribute");
    parse_fails(bad_comp, strlen(bad_comp), MAX_XML, PS_F_UNREADABLE_PACKAGE, 6,
                "<assemblyIdentity> has no name attribute");
}

static void err_doctype(void **state)
{
    const char *doc = HEAD "<!DOCTYPE assembly SYSTEM \"http://example.invalid/x.dtd\">\n" ASM ID
                      "</assembly>";

    (void)state;
    parse_fails(doc, strlen(doc), MAX_XML, PS_F_UNSAFE_INPUT, 2,
                "document type declaration (DOCTYPE) refused: real manifests carry none");
}

/* "Billion laughs": refused before any entity is declared or expanded. */
static void err_entity_bomb(void **state)
{
    ps_buf b = {0};
    clock_t t0 = clock();

    (void)state;
    assert_int_equal(ps_buf_puts(&b, HEAD "<!DOCTYPE assembly [\n <!ENTITY l0 \"ha\">\n"), 0);
    for (int i = 1; i < 10; i++)
        assert_int_equal(ps_buf_printf(&b, " <!ENTITY l%d \"&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;"
                                           "&l%d;&l%d;&l%d;\">\n",
                                       i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
                                       i - 1, i - 1),
                         0);
    assert_int_equal(ps_buf_puts(&b, "]>\n" ASM "<assemblyIdentity name=\"&l9;\" version=\"1\"/>"
                                     "</assembly>"),
                     0);
    parse_fails(b.data, b.len, MAX_XML, PS_F_UNSAFE_INPUT, 2,
                "document type declaration (DOCTYPE) refused: real manifests carry none");
    /* 10^9 expansions would take far longer than a second */
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
    ps_buf_free(&b);

    /* without a DOCTYPE an entity reference is simply undefined */
    const char *undef = HEAD ASM "<assemblyIdentity name=\"&l9;\" version=\"1\"/></assembly>";

    parse_fails(undef, strlen(undef), MAX_XML, PS_F_UNREADABLE_PACKAGE, 3,
                "not well-formed XML: Entity 'l9' not defined");
}

/* libxml2 reports encoding errors on its global channel: nothing may reach
 * stderr, and the error still says what and where. */
static void err_encoding_quiet(void **state)
{
    const char doc[] = "<?xml version=\"1.0\" encoding=\"ISO-2022-JP\"?>\n<a>\x1b$B\xff\xff</a>";
    FILE *tmp = tmpfile();
    int saved;
    long written;

    (void)state;
    assert_non_null(tmp);
    fflush(stderr);
    saved = dup(fileno(stderr));
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), fileno(stderr)) >= 0);
    parse_fails(doc, sizeof doc - 1, MAX_XML, PS_F_UNREADABLE_PACKAGE, 2,
                "not well-formed XML: Premature end of data in tag a line 2");
    fflush(stderr);
    assert_true(dup2(saved, fileno(stderr)) >= 0);
    close(saved);
    assert_int_equal(fseek(tmp, 0, SEEK_END), 0);
    written = ftell(tmp);
    fclose(tmp);
    assert_int_equal(written, 0);
}

static void err_oversize(void **state)
{
    size_t len;
    char *data = sample_read("win7-kb4538483-x64/update.mum", &len);

    (void)state;
    assert_int_equal(len, 3449);
    parse_fails(data, len, 3448, PS_F_UNSAFE_INPUT, 0,
                "XML document of 3449 bytes exceeds the limit of 3448 bytes");
    free(data);
}

static void err_too_many_children(void **state)
{
    ps_buf b = {0};

    (void)state;
    assert_int_equal(ps_buf_puts(&b, HEAD ASM ID "<package><update><package>\n"), 0);
    for (int i = 0; i < 4097; i++)
        assert_int_equal(ps_buf_printf(&b, "<assemblyIdentity name=\"C%d\" version=\"1\"/>\n", i), 0);
    assert_int_equal(ps_buf_puts(&b, "</package></update></package></assembly>"), 0);
    parse_fails(b.data, b.len, 8u << 20, PS_F_UNSAFE_INPUT, 5 + 4096,
                "more than 4096 child packages");
    ps_buf_free(&b);
}

static void identity_copy(void **state)
{
    ps_mum m;
    ps_identity c = {0};

    (void)state;
    parse_sample("win7-kb2999226-x64/update.mum", &m);
    assert_int_equal(ps_identity_copy(&c, &m.identity), 0);
    ps_mum_free(&m);
    assert_identity(&c, "Package_for_KB2999226", "6.1.1.6", "amd64");
    ps_identity_free(&c);
    assert_null(c.name);
    assert_null(c.public_key_token);
    /* partial identities copy their NULLs */
    ps_identity half = {.name = "n"};
    assert_int_equal(ps_identity_copy(&c, &half), 0);
    assert_string_equal(c.name, "n");
    assert_null(c.version);
    ps_identity_free(&c);
}

static void manifest_name(const char *member, const char *name, const char *version)
{
    char *n = NULL, *v = NULL;

    if (ps_manifest_name_parse(member, &n, &v) != 0)
        fail_msg("not parsed: %s", member);
    assert_string_equal(n, name);
    assert_string_equal(v, version);
    free(n);
    free(v);
}

static void manifest_bad(const char *member)
{
    char *n = (char *)"x", *v = (char *)"x";

    if (ps_manifest_name_parse(member, &n, &v) != -1)
        fail_msg("parsed: %s", member);
    assert_null(n);
    assert_null(v);
}

static void manifest_names(void **state)
{
    (void)state;
    manifest_name("x86_microsoft-windows-servicingstack_31bf3856ad364e35_6.0.6003.20484_none_"
                  "4d73ba0d5a17660e.manifest",
                  "microsoft-windows-servicingstack", "6.0.6003.20484");
    manifest_name("x86_microsoft-windows-s..omponent-pkeyconfig_31bf3856ad364e35_6.1.7601.24553_none_"
                  "4d73ba0d5a17660e.manifest",
                  "microsoft-windows-s..omponent-pkeyconfig", "6.1.7601.24553");
    manifest_name("amd64_cd0911bc90edafddebb98508826c063b_31bf3856ad364e35_6.1.7601.23140_none_"
                  "2db5c6ef00d95dc9.manifest",
                  "cd0911bc90edafddebb98508826c063b", "6.1.7601.23140");
    manifest_name("sub/dir/wow64_my_component_31bf3856ad364e35_1.0.0.0_fi-fi_abcdef0123456789.MANIFEST",
                  "my_component", "1.0.0.0");
    manifest_bad(NULL);
    manifest_bad("update.mum");
    manifest_bad("x86_foo.manifest");
    manifest_bad(".manifest");
    manifest_bad("x86__31bf3856ad364e35_6.1.7601.1_none_4d73ba0d5a17660e.manifest");
    manifest_bad("_name_31bf3856ad364e35_6.1.7601.1_none_4d73ba0d5a17660e.manifest");
    manifest_bad("x86_name_31bf3856ad364e3_6.1.7601.1_none_4d73ba0d5a17660e.manifest");
    manifest_bad("x86_name_31bf3856ad364e35_6.x.7601.1_none_4d73ba0d5a17660e.manifest");
    manifest_bad("x86_name_31bf3856ad364e35_6..1_none_4d73ba0d5a17660e.manifest");
    manifest_bad("x86_name_31bf3856ad364e35_6.1._none_4d73ba0d5a17660e.manifest");
    manifest_bad("x86_name_31bf3856ad364e35_6.1__4d73ba0d5a17660e.manifest");
    manifest_bad("x86_name_31bf3856ad364e35_6.1_none_xyz.manifest");
    manifest_bad("x86_name_31bf3856ad364e35_6.1_none_.manifest");
}

/* Every .manifest member of the real inner cabs has the expected shape. */
static void manifest_names_in_listings(void **state)
{
    const char *listings[] = {"win7-kb4538483-x64/LISTING.txt", "win7-kb2999226-x64/LISTING.txt"};
    size_t seen = 0;

    (void)state;
    for (size_t i = 0; i < PS_ARRAY_LEN(listings); i++) {
        char *text = sample_read(listings[i], NULL);

        for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
            char *member = strrchr(line, ' ');
            char *n = NULL, *v = NULL;

            if (member == NULL || !ps_has_suffix_ci(member, ".manifest"))
                continue;
            member++;
            if (ps_manifest_name_parse(member, &n, &v) != 0)
                fail_msg("not parsed: %s", member);
            assert_non_null(strstr(member, n));
            assert_true(strlen(n) > 8);
            assert_true(strncmp(v, "6.1.7601.", 9) == 0 || strncmp(v, "7.1.7601.", 9) == 0);
            assert_non_null(strstr(member, v));
            free(n);
            free(v);
            seen++;
        }
        free(text);
    }
    assert_int_equal(seen, 10 + 54);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kb4538483_x64),
        cmocka_unit_test(kb4538483_x86),
        cmocka_unit_test(kb4538483_sp1),
        cmocka_unit_test(kb4538483_package_1),
        cmocka_unit_test(kb2999226),
        cmocka_unit_test(kb2999226_bf),
        cmocka_unit_test(kb2999226_rtm),
        cmocka_unit_test(kb3118401),
        cmocka_unit_test(bom_optional),
        cmocka_unit_test(prefixed_namespace),
        cmocka_unit_test(optional_parts),
        cmocka_unit_test(err_empty),
        cmocka_unit_test(err_truncated),
        cmocka_unit_test(err_root),
        cmocka_unit_test(err_identity),
        cmocka_unit_test(err_doctype),
        cmocka_unit_test(err_entity_bomb),
        cmocka_unit_test(err_encoding_quiet),
        cmocka_unit_test(err_oversize),
        cmocka_unit_test(err_too_many_children),
        cmocka_unit_test(identity_copy),
        cmocka_unit_test(manifest_names),
        cmocka_unit_test(manifest_names_in_listings),
    };

    return cmocka_run_group_tests_name("mum", tests, NULL, NULL);
}
