/*
 * test_wsus.c - WSUSSCAN package.xml: the real 235 KB sample, crafted
 * documents and errors.
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

#define MAX_XML (4u * 1024u * 1024u)
#define PKG "<OfflineSyncPackage xmlns=\"http://schemas.microsoft.com/msus/2004/02/OfflineSync\">"
#define END "</Updates></OfflineSyncPackage>"
#define G1 "f326c2c9-8e25-4d1f-850d-80495e82da3c"
#define G2 "0fa1201d-4330-4fa8-8ae9-b877473b6441"
#define G3 "6964aab4-c5b5-43bd-a17d-ffb4346a8e1d"

static void parse_ok(const char *text, size_t len, ps_wsus_info *w)
{
    ps_err err = {0};

    if (ps_wsus_parse(text, len, MAX_XML, w, &err) != 0)
        fail_msg("line %u: %s", err.line, err.msg);
}

static void parse_fails(const char *text, size_t len, size_t max, ps_finding_code code,
                        unsigned line, const char *msg)
{
    ps_wsus_info w;
    ps_err err = {0};

    assert_int_equal(ps_wsus_parse(text, len, max, &w, &err), -1);
    assert_err(&err, code, line, msg);
    assert_null(w.update_id);
    assert_null(w.classification);
    assert_null(w.prerequisites);
    assert_null(w.superseded_by);
    ps_wsus_info_free(&w);
}

static void kb4538483(void **state)
{
    size_t len;
    char *data = sample_read("win7-kb4538483-x64/WSUSSCAN-package.xml", &len);
    ps_wsus_info w;

    (void)state;
    assert_int_equal(len, 235658);
    parse_ok(data, len, &w);
    assert_string_equal(w.update_id, G1);
    assert_string_equal(w.classification, G2);
    assert_int_equal(w.n_superseded_by, 0);
    assert_null(w.superseded_by);
    assert_int_equal(w.n_prerequisites, 2);
    assert_string_equal(w.prerequisites[0], G2);
    assert_string_equal(w.prerequisites[1], G3);
    assert_string_equal(w.revision_id, "2859"); /* the bundle's: localized/en/2859 */
    ps_wsus_info_free(&w);
    assert_null(w.update_id);
    assert_null(w.revision_id);
    assert_int_equal(w.n_prerequisites, 0);
    ps_wsus_info_free(&w);
    free(data);
}

/* No bundle: the first software leaf, skipping detectoids; upper-case
 * GUIDs come out in lower case; Or groups are not kept; duplicates once. */
static void leaf_package(void **state)
{
    const char *doc =
        PKG "<Updates>"
        "<Update UpdateId=\"11111111-1111-1111-1111-111111111111\" IsLeaf=\"true\" IsSoftware=\"false\"/>"
        "<Update UpdateId=\"22222222-2222-2222-2222-222222222222\"/>"
        "<Update UpdateId=\"AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE\" IsLeaf=\"TRUE\">"
        "<Categories><Category Type=\"Product\" Id=\"" G3 "\"/>"
        "<Category Type=\"UpdateClassification\" Id=\"E6CF1350-C01B-414D-A61F-263D14D133B4\"/>"
        "</Categories>"
        "<Prerequisites><UpdateId Id=\"" G3 "\"/><Or><UpdateId Id=\"" G2 "\"/></Or>"
        "<UpdateId Id=\"" G1 "\"/><UpdateId Id=\"6964AAB4-C5B5-43BD-A17D-FFB4346A8E1D\"/>"
        "</Prerequisites>"
        "<SupersededBy><Revision Id=\"2860\"/><Revision Id=\"3001\"/><Revision Id=\"2860\"/>"
        "</SupersededBy></Update>"
        "<Update UpdateId=\"33333333-3333-3333-3333-333333333333\" IsLeaf=\"true\"/>" END;
    ps_wsus_info w;

    (void)state;
    parse_ok(doc, strlen(doc), &w);
    assert_string_equal(w.update_id, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
    assert_string_equal(w.classification, "e6cf1350-c01b-414d-a61f-263d14d133b4");
    assert_int_equal(w.n_prerequisites, 2);
    assert_string_equal(w.prerequisites[0], G3);
    assert_string_equal(w.prerequisites[1], G1);
    assert_int_equal(w.n_superseded_by, 2);
    assert_string_equal(w.superseded_by[0], "2860");
    assert_string_equal(w.superseded_by[1], "3001");
    ps_wsus_info_free(&w);
}

/* A bundle later in the list wins over an earlier leaf. */
static void bundle_wins(void **state)
{
    const char *doc = PKG "<Updates>"
                          "<Update UpdateId=\"" G2 "\" IsLeaf=\"true\"/>"
                          "<Update UpdateId=\"" G1 "\" IsBundle=\"true\"/>" END;
    ps_wsus_info w;

    (void)state;
    parse_ok(doc, strlen(doc), &w);
    assert_string_equal(w.update_id, G1);
    assert_null(w.classification);
    assert_int_equal(w.n_prerequisites, 0);
    ps_wsus_info_free(&w);
}

/* package.xml is streamed: the facts and errors of a leaf taken until a
 * bundle comes are dropped with it; elements in another namespace, a
 * second <Updates> or <Categories>, and Updates after the bundle are not
 * looked at. */
static void leaf_dropped(void **state)
{
    const char *doc =
        PKG "<Updates>"
        "<Update UpdateId=\"" G2 "\" IsLeaf=\"true\"><Categories>"
        "<Category Type=\"UpdateClassification\" Id=\"x\"/></Categories>"
        "<Prerequisites><UpdateId Id=\"" G3 "\"/></Prerequisites>"
        "<SupersededBy><Revision Id=\"-1\"/></SupersededBy></Update>"
        "<x:Update xmlns:x=\"urn:x\" UpdateId=\"" G3 "\" IsBundle=\"true\"/>"
        "<Update UpdateId=\"" G1 "\" IsBundle=\"true\"><Categories/><Categories>"
        "<Category Type=\"UpdateClassification\" Id=\"x\"/></Categories>"
        "<Prerequisites><Or><UpdateId Id=\"x\"/></Or><UpdateId Id=\"" G2 "\"/></Prerequisites>"
        "</Update>"
        "<Update UpdateId=\"x\" IsBundle=\"true\"/></Updates>"
        "<Updates><Update UpdateId=\"x\" IsBundle=\"true\"/>" END;
    const char *leaf_bad = PKG "<Updates><Update UpdateId=\"" G2 "\" IsLeaf=\"true\">"
                               "<SupersededBy>\n<Revision Id=\"x\"/></SupersededBy></Update>"
                               "<Update UpdateId=\"" G3 "\" IsLeaf=\"true\"/>" END;
    ps_wsus_info w;

    (void)state;
    parse_ok(doc, strlen(doc), &w);
    assert_string_equal(w.update_id, G1);
    assert_null(w.classification);
    assert_int_equal(w.n_superseded_by, 0);
    assert_int_equal(w.n_prerequisites, 1);
    assert_string_equal(w.prerequisites[0], G2);
    ps_wsus_info_free(&w);
    /* no bundle: the first leaf's error stands, a later leaf does not help */
    parse_fails(leaf_bad, strlen(leaf_bad), MAX_XML, PS_F_UNSAFE_INPUT, 2,
                "unsafe value in Revision/@Id: \"x\" is not a decimal number (1 to 10 digits)");
}

static void errors(void **state)
{
    const char *root = "<?xml version=\"1.0\"?>\n<OfflineSyncPackage/>";
    const char *no_updates = PKG "\n</OfflineSyncPackage>";
    const char *only_detectoids = PKG "<Updates>\n<Update UpdateId=\"" G1 "\" IsLeaf=\"true\""
                                      " IsSoftware=\"false\"/>" END;
    const char *bad_id = PKG "<Updates>\n\n<Update UpdateId=\"{" G1 "}\" IsBundle=\"true\"/>" END;
    const char *no_id = PKG "<Updates><Update IsBundle=\"true\"/>" END;
    const char *ns_id = PKG "<Updates><Update xmlns:a=\"urn:x\" a:UpdateId=\"" G1 "\" IsBundle=\"true\"/>" END;
    const char *bad_class = PKG "<Updates><Update UpdateId=\"" G1 "\" IsBundle=\"true\"><Categories>\n"
                                "<Category Type=\"UpdateClassification\" Id=\"x\"/></Categories>"
                                "</Update>" END;
    const char *bad_prereq = PKG "<Updates><Update UpdateId=\"" G1 "\" IsBundle=\"true\">"
                                 "<Prerequisites>\n<UpdateId Id=\"" G1 "-0\"/></Prerequisites>"
                                 "</Update>" END;
    const char *bad_rev = PKG "<Updates><Update UpdateId=\"" G1 "\" IsBundle=\"true\">"
                              "<SupersededBy>\n<Revision Id=\"-1\"/></SupersededBy></Update>" END;
    const char *doctype = "<!DOCTYPE OfflineSyncPackage [<!ENTITY a \"b\">]>" PKG END;
    size_t len;
    char *data = sample_read("win7-kb4538483-x64/WSUSSCAN-package.xml", &len);

    (void)state;
    parse_fails("", 0, MAX_XML, PS_F_UNREADABLE_PACKAGE, 0, "empty XML document");
    parse_fails(root, strlen(root), MAX_XML, PS_F_UNREADABLE_PACKAGE, 2,
                "root element is <OfflineSyncPackage> without namespace, expected "
                "<OfflineSyncPackage> in namespace "
                "\"http://schemas.microsoft.com/msus/2004/02/OfflineSync\"");
    parse_fails(no_updates, strlen(no_updates), MAX_XML, PS_F_UNREADABLE_PACKAGE, 1,
                "no bundle (IsBundle=\"true\") or software leaf update in <Updates>");
    parse_fails(only_detectoids, strlen(only_detectoids), MAX_XML, PS_F_UNREADABLE_PACKAGE, 1,
                "no bundle (IsBundle=\"true\") or software leaf update in <Updates>");
    parse_fails(bad_id, strlen(bad_id), MAX_XML, PS_F_UNSAFE_INPUT, 3,
                "unsafe value in Update/@UpdateId: \"{" G1 "}\" is not a GUID (8-4-4-4-12 hex "
                "digits)");
    parse_fails(no_id, strlen(no_id), MAX_XML, PS_F_UNREADABLE_PACKAGE, 1,
                "<Update> UpdateId \"(missing)\" is not a GUID");
    /* an attribute in another namespace is not the UpdateId */
    parse_fails(ns_id, strlen(ns_id), MAX_XML, PS_F_UNREADABLE_PACKAGE, 1,
                "<Update> UpdateId \"(missing)\" is not a GUID");
    parse_fails(bad_class, strlen(bad_class), MAX_XML, PS_F_UNSAFE_INPUT, 2,
                "unsafe value in Category/@Id: \"x\" is not a GUID (8-4-4-4-12 hex digits)");
    parse_fails(bad_prereq, strlen(bad_prereq), MAX_XML, PS_F_UNSAFE_INPUT, 2,
                "unsafe value in UpdateId/@Id: \"" G1 "-0\" is not a GUID (8-4-4-4-12 hex "
                "digits)");
    parse_fails(bad_rev, strlen(bad_rev), MAX_XML, PS_F_UNSAFE_INPUT, 2,
                "unsafe value in Revision/@Id: \"-1\" is not a decimal number (1 to 10 digits)");
    parse_fails(doctype, strlen(doctype), MAX_XML, PS_F_UNSAFE_INPUT, 1,
                "document type declaration (DOCTYPE) refused: real manifests carry none");
    parse_fails(data, len, 200000, PS_F_UNSAFE_INPUT, 0,
                "XML document of 235658 bytes exceeds the limit of 200000 bytes");
    /* the real file cut in half, right after an attribute name; one line */
    assert_memory_equal(data + len / 2 - 9, " UpdateId", 9);
    parse_fails(data, len / 2, MAX_XML, PS_F_UNREADABLE_PACKAGE, 1,
                "not well-formed XML: Specification mandates value for attribute UpdateId");
    free(data);
}

static void too_many(void **state)
{
    ps_buf b = {0};

    (void)state;
    assert_int_equal(ps_buf_puts(&b, PKG "<Updates><Update UpdateId=\"" G1 "\" IsBundle=\"true\">"
                                         "<Prerequisites>"),
                     0);
    for (unsigned i = 0; i < 1025; i++)
        assert_int_equal(ps_buf_printf(&b, "\n<UpdateId Id=\"%08x-0000-0000-0000-000000000000\"/>", i),
                         0);
    assert_int_equal(ps_buf_puts(&b, "</Prerequisites></Update>" END), 0);
    parse_fails(b.data, b.len, MAX_XML, PS_F_UNSAFE_INPUT, 1026,
                "more than 1024 entries in <Prerequisites>");
    ps_buf_free(&b);
}

/* ---- localized/<lang>/<RevisionId> ------------------------------ */

static char *title_ok(const char *text)
{
    char *t = NULL;
    ps_err err = {0};

    if (ps_wsus_title_parse(text, strlen(text), MAX_XML, &t, &err) != 0)
        fail_msg("line %u: %s", err.line, err.msg);
    return t;
}

static void title_fails(const char *text, size_t len, ps_finding_code code)
{
    char *t = (char *)1;
    ps_err err = {0};

    assert_int_equal(ps_wsus_title_parse(text, len, MAX_XML, &t, &err), -1);
    assert_null(t);
    assert_int_equal(err.finding, code);
    assert_true(err.msg[0] != '\0');
}

/* The real fragments of the KB4538483 sample: the bundle, its leaf, a
 * detectoid. */
static void title_samples(void **state)
{
    static const struct {
        const char *rel, *title;
    } s[] = {
        {"win7-kb4538483-x64/WSUSSCAN-package-cab-excerpt/localized/en/2859",
         "Security Update for Windows (KB4538483)"},
        {"win7-kb4538483-x64/WSUSSCAN-package-cab-excerpt/localized/en/2858", "Binary  0"},
        {"win7-kb4538483-x64/WSUSSCAN-package-cab-excerpt/localized/en/2857",
         "Windows Server 2008 RTM"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        size_t len;
        char *data = sample_read(s[i].rel, &len);
        char *t = title_ok(data);
        char month[8];

        assert_string_equal(t, s[i].title);
        assert_int_equal(ps_wsus_title_kind(t, month), PS_TITLE_NONE);
        assert_string_equal(month, "");
        free(t);
        free(data);
    }
}

/* Entities are text; no <Title> is no title; the first of two. */
static void title_crafted(void **state)
{
    char *t;

    (void)state;
    t = title_ok("<LocalizedProperties><Language>en</Language><Title>A &amp; B &lt;i&gt; "
                 "(KB1)</Title></LocalizedProperties>");
    assert_string_equal(t, "A & B <i> (KB1)");
    free(t);
    assert_null(title_ok("<LocalizedProperties><Language>en</Language></LocalizedProperties>"));
    t = title_ok("<LocalizedProperties><Title>one</Title><Title>two</Title></LocalizedProperties>");
    assert_string_equal(t, "one");
    free(t);
    /* elements inside the title: their text */
    t = title_ok("<LocalizedProperties><Title>a<b>bold</b></Title></LocalizedProperties>");
    assert_string_equal(t, "abold");
    free(t);
}

/* Control characters, a title over 255 characters, an empty one, non-ASCII:
 * refused as unsafe; a reference to ESC, a document that is not XML,
 * another root, a NUL byte, too many bytes: refused as unreadable. */
static void title_hostile(void **state)
{
    static const char *const bad[] = {
        "<LocalizedProperties><Title>line\nbreak</Title></LocalizedProperties>",
        "<LocalizedProperties><Title>tab\there</Title></LocalizedProperties>",
        "<LocalizedProperties><Title></Title></LocalizedProperties>",
        "<LocalizedProperties><Title>caf\xc3\xa9</Title></LocalizedProperties>",
    };
    static const char esc[] =
        "<LocalizedProperties><Title>2020-02 Security Only&#x1b;[31m</Title></LocalizedProperties>";
    static const char nul[] = "<LocalizedProperties><Title>a\0b</Title></LocalizedProperties>";
    ps_buf huge = {0};
    char *t = NULL;
    ps_err err = {0};

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        title_fails(bad[i], strlen(bad[i]), PS_F_UNSAFE_INPUT);
    assert_int_equal(ps_buf_puts(&huge, "<LocalizedProperties><Title>"), 0);
    for (int i = 0; i < 256; i++)
        assert_int_equal(ps_buf_puts(&huge, "x"), 0);
    assert_int_equal(ps_buf_puts(&huge, "</Title></LocalizedProperties>"), 0);
    title_fails(huge.data, huge.len, PS_F_UNSAFE_INPUT);
    ps_buf_free(&huge);
    /* not XML (a reference to ESC), another root, a NUL byte: errors of the document */
    title_fails(esc, sizeof esc - 1, PS_F_UNREADABLE_PACKAGE);
    assert_int_equal(ps_wsus_title_parse("<Title>x</Titl", 14, MAX_XML, &t, &err), -1);
    assert_null(t);
    assert_int_equal(ps_wsus_title_parse("<Other><Title>x</Title></Other>", 31, MAX_XML, &t, &err),
                     -1);
    assert_null(t);
    assert_int_equal(ps_wsus_title_parse(nul, sizeof nul - 1, MAX_XML, &t, &err), -1);
    assert_null(t);
    /* more bytes than allowed */
    assert_int_equal(ps_wsus_title_parse(bad[0], strlen(bad[0]), 16, &t, &err), -1);
    assert_true(err.msg[0] != '\0');
    assert_null(t);
}

/* Microsoft's title forms, and what is not one of them. */
static void title_kinds(void **state)
{
    static const struct {
        const char *title;
        ps_title_kind kind;
        const char *month;
    } k[] = {
        {"2020-02 Security Monthly Quality Rollup for Windows 7 for x64-based Systems (KB4537820)",
         PS_TITLE_ROLLUP, "2020-02"},
        {"2020-02 Security Only Quality Update for Windows 7 for x64-based Systems (KB4537813)",
         PS_TITLE_SECURITY_ONLY, "2020-02"},
        {"2019-09 Preview of Monthly Quality Rollup for Windows 7 for x86-based Systems (KB4516048)",
         PS_TITLE_PREVIEW, "2019-09"},
        {"2018-10 Preview of Monthly Quality Rollup for Windows Server 2008 SP2", PS_TITLE_PREVIEW,
         "2018-10"},
        {"October, 2016 Security Monthly Quality Rollup for Windows 7 (KB3185330)", PS_TITLE_ROLLUP,
         ""},
        {"2019-10 security only quality update for windows server 2008", PS_TITLE_SECURITY_ONLY,
         "2019-10"},
        {"2020-02 Servicing Stack Update for Windows 7 for x64-based Systems (KB4537829)",
         PS_TITLE_NONE, "2020-02"},
        {"Security Update for Windows (KB4538483)", PS_TITLE_NONE, ""},
        {"2020-13 Security Monthly Quality Rollup", PS_TITLE_ROLLUP, ""},
        {"2020-00 Security Only Quality Update", PS_TITLE_SECURITY_ONLY, ""},
        {"1999-02 Security Only Quality Update", PS_TITLE_SECURITY_ONLY, ""},
        {"2020-02Security Only", PS_TITLE_SECURITY_ONLY, ""},
        {"2020-02", PS_TITLE_NONE, ""},
        {"Preview of something", PS_TITLE_NONE, ""},
        {"", PS_TITLE_NONE, ""},
    };

    (void)state;
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        char month[8] = "junk";

        assert_int_equal(ps_wsus_title_kind(k[i].title, month), k[i].kind);
        assert_string_equal(month, k[i].month);
    }
    {
        char month[8] = "junk";

        assert_int_equal(ps_wsus_title_kind(NULL, month), PS_TITLE_NONE);
        assert_string_equal(month, "");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kb4538483),
        cmocka_unit_test(leaf_package),
        cmocka_unit_test(bundle_wins),
        cmocka_unit_test(leaf_dropped),
        cmocka_unit_test(errors),
        cmocka_unit_test(too_many),
        cmocka_unit_test(title_samples),
        cmocka_unit_test(title_crafted),
        cmocka_unit_test(title_hostile),
        cmocka_unit_test(title_kinds),
    };

    return cmocka_run_group_tests_name("wsus", tests, NULL, NULL);
}
