/*
 * test_validate.c - `patchseq validate` and `patchseq lock`, driven
 * in-process through ps_cli_run() on bundles built at test time by
 * mkfixtures.sh.  Each test runs from inside its bundle folder with PATH
 * ".", so that the output holds no temporary path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lock.h"
#include "patchseq.h"
#include "testlib.h"

static const char *fixtures; /* FIXTURES env: output of mkfixtures.sh */
static char tmpdir[] = "/tmp/ps-validate-XXXXXX";
static char origin[4096];

/* Runs `patchseq ARGS...` (NULL-terminated) from the folder `dir` of the
 * fixtures (NULL: the current folder). */
static ps_test_run run_in(const char *dir, ...)
{
    const char *argv[32];
    int argc = 0;
    ps_test_run r;
    va_list ap;
    char path[4096];

    argv[argc++] = "patchseq";
    va_start(ap, dir);
    for (const char *a = va_arg(ap, const char *); a != NULL; a = va_arg(ap, const char *)) {
        assert_true(argc < 31);
        argv[argc++] = a;
    }
    va_end(ap);
    argv[argc] = NULL;
    if (dir) {
        snprintf(path, sizeof path, "%s/%s", fixtures, dir);
        assert_int_equal(chdir(path), 0);
    }
    r = ps_test_cli(argc, argv);
    assert_int_equal(chdir(origin), 0);
    return r;
}

static char *tmp_path(const char *name)
{
    size_t n = strlen(tmpdir) + strlen(name) + 2;
    char *p = malloc(n);

    assert_non_null(p);
    snprintf(p, n, "%s/%s", tmpdir, name);
    return p;
}

/* Hex digest of a fixture file, computed here independently of patchseq. */
static void file_digest(const char *rel, const EVP_MD *md, char *hex)
{
    char path[4096];
    unsigned char buf[8192], out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    FILE *f;
    size_t got;

    snprintf(path, sizeof path, "%s/%s", fixtures, rel);
    f = fopen(path, "rb");
    assert_non_null(f);
    assert_non_null(c);
    assert_true(EVP_DigestInit_ex(c, md, NULL));
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        assert_true(EVP_DigestUpdate(c, buf, got));
    fclose(f);
    assert_true(EVP_DigestFinal_ex(c, out, &n));
    EVP_MD_CTX_free(c);
    for (unsigned int i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", out[i]);
}

/* The name of the only file of fixture folder `dir` starting with prefix. */
static char *find_name(const char *dir, const char *prefix)
{
    char path[4096];
    DIR *d;
    struct dirent *de;
    char *found = NULL;

    snprintf(path, sizeof path, "%s/%s", fixtures, dir);
    d = opendir(path);
    assert_non_null(d);
    while ((de = readdir(d)) != NULL)
        if (strncmp(de->d_name, prefix, strlen(prefix)) == 0) {
            assert_null(found);
            found = strdup(de->d_name);
        }
    closedir(d);
    assert_non_null(found);
    return found;
}

static json_t *parse_json(const char *text)
{
    json_error_t je;
    json_t *root = json_loads(text, 0, &je);

    if (root == NULL)
        fail_msg("not JSON: %s (line %d)", je.text, je.line);
    return root;
}

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    if (!json_is_string(v))
        fail_msg("\"%s\" is not a string", key);
    return json_string_value(v);
}

/* "code file message" of every finding, one a line. */
static char *findings_summary(json_t *root)
{
    json_t *a = json_object_get(root, "findings"), *it;
    size_t i, cap = 1, len = 0;
    char *s;

    assert_true(json_is_array(a));
    json_array_foreach(a, i, it)
        cap += strlen(jstr(it, "code")) + strlen(jstr(it, "file")) + strlen(jstr(it, "message")) + 3;
    s = calloc(1, cap);
    assert_non_null(s);
    json_array_foreach(a, i, it) {
        int n = snprintf(s + len, cap - len, "%s %s %s\n", jstr(it, "code"), jstr(it, "file"),
                         jstr(it, "message"));

        assert_true(n > 0 && (size_t)n < cap - len);
        len += (size_t)n;
    }
    return s;
}

static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* 0 when doc is valid against tests/validate/junit.xsd (the elements and
 * attributes GitLab and Jenkins read), else libxml2's error code. */
static int junit_schema_check(xmlDocPtr doc)
{
    const char *src = getenv("PS_SOURCE_DIR");
    char path[4096];
    xmlSchemaParserCtxtPtr pc;
    xmlSchemaPtr schema;
    xmlSchemaValidCtxtPtr vc;
    int r;

    assert_non_null(src);
    snprintf(path, sizeof path, "%s/tests/validate/junit.xsd", src);
    pc = xmlSchemaNewParserCtxt(path);
    assert_non_null(pc);
    schema = xmlSchemaParse(pc);
    assert_non_null(schema);
    vc = xmlSchemaNewValidCtxt(schema);
    assert_non_null(vc);
    xmlSchemaSetValidErrors(vc, quiet, quiet, NULL);
    r = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    return r;
}

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t n = 0;

    assert_non_null(d);
    while ((de = readdir(d)) != NULL)
        n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* ------------------------------------------------------------------ */

static void test_usage(void **state)
{
    ps_test_run r;

    (void)state;
    r = run_in(NULL, "validate", "--help", NULL);
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "usage: patchseq validate [OPTIONS] PATH...\n"));
    ps_test_run_free(&r);

    r = run_in(NULL, "lock", "--help", NULL);
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "usage: patchseq lock [OPTIONS] PATH...\n"));
    ps_test_run_free(&r);

    r = run_in(NULL, "--help", NULL);
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "  lock      [--rules DIR] [-o FILE] PATH...\n"));
    ps_test_run_free(&r);

    r = run_in(NULL, "validate", NULL);
    assert_int_equal(r.rc, 2);
    assert_non_null(strstr(r.err, "patchseq validate: no PATH given\n"));
    ps_test_run_free(&r);

    r = run_in(NULL, "validate", "--format", "xml", ".", NULL);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "patchseq validate: unknown format 'xml' (text, json)\n");
    ps_test_run_free(&r);

    r = run_in(NULL, "lock", "--strict", ".", NULL);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "patchseq lock: bad option '--strict' (see 'patchseq lock --help')\n");
    ps_test_run_free(&r);
}

/* Done when: a path that does not exist exits 2. */
static void test_missing_path(void **state)
{
    ps_test_run r;

    (void)state;
    r = run_in(NULL, "validate", "/nonexistent/patchseq-test", NULL);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "patchseq: /nonexistent/patchseq-test: No such file or directory\n");
    ps_test_run_free(&r);

    r = run_in(NULL, "lock", "/nonexistent/patchseq-test", NULL);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "patchseq: /nonexistent/patchseq-test: No such file or directory\n");
    ps_test_run_free(&r);
}

/* Done when: a bundle whose ia64 packages lack SHA-2 support fails with a
 * JUnit failure naming ia64 and KB4474419. */
static void test_ia64_junit(void **state)
{
    char *xml = tmp_path("ia64.xml");
    ps_test_run r;
    xmlDocPtr doc;

    (void)state;
    r = run_in("ia64", "validate", "--junit", xml, ".", NULL);
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.out,
        "./Windows6.0-KB4489887-ia64.msu: info: optional [ia64]: a preview rollup (non-security "
        "fixes ahead of the next month): optional, planned only with --include-previews\n"
        "./Windows6.0-KB4512476-ia64.msu: error: missing-prerequisite [ia64]: KB4512476 is "
        "SHA-2-only and no SHA-2 support update (KB4474419) for ia64 is in the bundle or the "
        "inventory: add KB4474419 (the same gap leaves out KB4520002)\n"
        "validate: FAILED: 7 packages, 2 plans; 1 error, 0 warnings, 1 info\n");
    assert_string_equal(r.err, "");
    ps_test_run_free(&r);
    /* written atomically: the report and nothing else in the folder */
    assert_int_equal(count_entries(tmpdir), 1);
    doc = xmlReadFile(xml, NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    ps_test_check_xpath(doc, "count(/testsuites/testsuite/testcase)", "9");
    ps_test_check_xpath(doc, "count(//testcase[@classname='patchseq.package'])", "7");
    ps_test_check_xpath(doc, "count(//testcase[@classname='patchseq.plan'])", "2");
    /* one finding per gap: on the first package, naming the others */
    ps_test_check_xpath(doc, "string(/testsuites/@failures)", "2");
    ps_test_check_xpath(doc, "string(/testsuites/testsuite/@tests)", "9");
    ps_test_check_xpath(doc, "count(//testcase[@name='6.0 x64']/failure)", "0");
    ps_test_check_xpath(doc, "string(//testcase[@name='6.0 ia64']/failure/@type)", "missing-prerequisite");
    ps_test_check_xpath(doc, "string(//testcase[@name='6.0 ia64']/failure/@message)",
                "KB4512476 is SHA-2-only and no SHA-2 support update (KB4474419) for ia64 is in "
                "the bundle or the inventory: add KB4474419 (the same gap leaves out KB4520002) "
                "(./Windows6.0-KB4512476-ia64.msu)");
    ps_test_check_xpath(doc, "string(//testcase[@name='6.0 ia64']/failure)",
                "missing-prerequisite: KB4512476 is SHA-2-only and no SHA-2 support update "
                "(KB4474419) for ia64 is in the bundle or the inventory: add KB4474419 (the same "
                "gap leaves out KB4520002) (./Windows6.0-KB4512476-ia64.msu)\n");
    ps_test_check_xpath(doc, "string(//testcase[@name='./Windows6.0-KB4512476-ia64.msu']/@file)",
                "./Windows6.0-KB4512476-ia64.msu");
    ps_test_check_xpath(doc, "string(//testcase[@name='./Windows6.0-KB4512476-ia64.msu']/failure/@message)",
                "KB4512476 is SHA-2-only and no SHA-2 support update (KB4474419) for ia64 is in "
                "the bundle or the inventory: add KB4474419 (the same gap leaves out KB4520002)");
    ps_test_check_xpath(doc, "count(//testcase[@name='./Windows6.0-KB4493730-ia64.msu']/failure)", "0");
    /* the names GitLab and Jenkins read, and only those */
    assert_int_equal(junit_schema_check(doc), 0);
    xmlFreeDoc(doc);
    /* the schema does reject what they would not read */
    for (size_t i = 0; i < 2; i++) {
        static const char *const bad[] = {
            "<testsuites><testsuite name='s' tests='1' failures='x' errors='0'>"
            "<testcase name='a' classname='c'/></testsuite></testsuites>",
            "<testsuites><testsuite name='s' tests='1' failures='0' errors='0'>"
            "<testcase name='a' classname='c' status='x'/></testsuite></testsuites>",
        };

        doc = xmlReadMemory(bad[i], (int)strlen(bad[i]), NULL, NULL, XML_PARSE_NONET);
        assert_non_null(doc);
        assert_int_not_equal(junit_schema_check(doc), 0);
        xmlFreeDoc(doc);
    }
    assert_int_equal(unlink(xml), 0);
    free(xml);
}

/* --installed: KB4474419 on the machine gives ia64 its SHA-2 support. */
static void test_installed(void **state)
{
    ps_test_run r;

    (void)state;
    r = run_in("ia64", "validate", "--installed", "../installed.txt", ".", NULL);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out,
        "./Windows6.0-KB4474419-v4-x64.msu: info: already-installed [x64]: KB4474419 is "
        "already installed\n"
        "./Windows6.0-KB4489887-ia64.msu: info: optional [ia64]: a preview rollup (non-security "
        "fixes ahead of the next month): optional, planned only with --include-previews\n"
        "./Windows6.0-KB4512476-ia64.msu: warning: superseded [ia64]: superseded by KB4520002: "
        "a newer version of Package_for_RollupFix (6.0.1.22 > 6.0.1.20)\n"
        "validate: passed: 7 packages, 2 plans; 0 errors, 1 warning, 2 info\n");
    ps_test_run_free(&r);

    r = run_in("ia64", "validate", "--installed", "../no-such-inventory.txt", ".", NULL);
    assert_int_equal(r.rc, 2);
    assert_non_null(strstr(r.err, "patchseq validate: ../no-such-inventory.txt"));
    ps_test_run_free(&r);
}

/* Done when: a clean bundle passes with --strict (a foreign file is only
 * information). */
static void test_clean_strict(void **state)
{
    ps_test_run r;

    (void)state;
    r = run_in("clean", "validate", "--strict", ".", NULL);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out,
        "./README.txt: info: foreign-file: not an update package (no MSCF signature)\n"
        "validate --strict: passed: 4 packages, 1 plan; 0 errors, 0 warnings, 1 info\n");
    assert_string_equal(r.err, "");
    ps_test_run_free(&r);
}

/* Done when: a superseded package fails only with --strict. */
static void test_superseded_strict(void **state)
{
    static const char line[] =
        "./Windows6.0-KB4512476-x64.msu: warning: superseded [x64]: superseded by KB4520002: "
        "a newer version of Package_for_RollupFix (6.0.1.22 > 6.0.1.20)\n";
    ps_test_run r;
    json_t *root;

    (void)state;
    r = run_in("superseded", "validate", ".", NULL);
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, line));
    assert_non_null(strstr(r.out, "validate: passed: 5 packages, 1 plan; 0 errors, 1 warning, 0 info\n"));
    ps_test_run_free(&r);

    r = run_in("superseded", "validate", "--strict", "--format", "json", ".", NULL);
    assert_int_equal(r.rc, 1);
    root = parse_json(r.out);
    assert_true(json_is_false(json_object_get(root, "ok")));
    assert_true(json_is_true(json_object_get(root, "strict")));
    json_decref(root);
    ps_test_run_free(&r);

    r = run_in("superseded", "validate", "--strict", ".", NULL);
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.out, "validate --strict: FAILED: 5 packages, 1 plan; 0 errors, 1 warning, 0 info\n"));
    ps_test_run_free(&r);

    /* the JUnit report agrees with the exit status: a note, or with
     * --strict a failure */
    {
        static const char pkg[] = "//testcase[@name='./Windows6.0-KB4512476-x64.msu']";
        char *xml = tmp_path("superseded.xml");
        char expr[256];
        xmlDocPtr doc;

        r = run_in("superseded", "validate", "--junit", xml, ".", NULL);
        assert_int_equal(r.rc, 0);
        ps_test_run_free(&r);
        doc = xmlReadFile(xml, NULL, XML_PARSE_NONET);
        assert_non_null(doc);
        ps_test_check_xpath(doc, "string(/testsuites/@failures)", "0");
        snprintf(expr, sizeof expr, "string(%s/system-out)", pkg);
        ps_test_check_xpath(doc, expr, "warning: superseded: superseded by KB4520002: a newer version of "
                               "Package_for_RollupFix (6.0.1.22 > 6.0.1.20)\n");
        xmlFreeDoc(doc);

        r = run_in("superseded", "validate", "--strict", "--junit", xml, ".", NULL);
        assert_int_equal(r.rc, 1);
        ps_test_run_free(&r);
        doc = xmlReadFile(xml, NULL, XML_PARSE_NONET);
        assert_non_null(doc);
        ps_test_check_xpath(doc, "string(/testsuites/@failures)", "2"); /* the package and its plan */
        snprintf(expr, sizeof expr, "string(%s/failure/@type)", pkg);
        ps_test_check_xpath(doc, expr, "superseded");
        ps_test_check_xpath(doc, "string(//testcase[@name='6.0 x64']/failure/@message)",
                    "superseded by KB4520002: a newer version of Package_for_RollupFix "
                    "(6.0.1.22 > 6.0.1.20) (./Windows6.0-KB4512476-x64.msu)");
        assert_int_equal(junit_schema_check(doc), 0);
        xmlFreeDoc(doc);
        assert_int_equal(unlink(xml), 0);
        free(xml);
    }
}

/* Done when: a catalog-named file whose bytes changed fails with
 * hash-mismatch; the file that has its own SHA-1 in its name passes. */
static void test_catalog_hash(void **state)
{
    char *bad = find_name("catalog", "windows6.0-kb4474419-v4-x64_");
    char rel[512], got[41], want[41], expect[1024];
    ps_test_run r;
    json_t *root;
    char *sum;

    (void)state;
    snprintf(rel, sizeof rel, "catalog/%s", bad);
    file_digest(rel, EVP_sha1(), got);
    memcpy(want, bad + strlen("windows6.0-kb4474419-v4-x64_"), 40);
    want[40] = '\0';
    assert_string_not_equal(got, want);

    r = run_in("catalog", "validate", "--format", "json", ".", NULL);
    assert_int_equal(r.rc, 1);
    root = parse_json(r.out);
    sum = findings_summary(root);
    snprintf(expect, sizeof expect,
             "hash-mismatch ./%s the Update Catalog file name says SHA-1 %s but the file's SHA-1 "
             "is %s: these are not the bytes Microsoft published under that name\n", bad, want, got);
    assert_string_equal(sum, expect);
    free(sum);
    json_decref(root);
    ps_test_run_free(&r);
    free(bad);
}

static void test_unknown_update(void **state)
{
    ps_test_run r;

    (void)state;
    r = run_in("unknown", "validate", ".", NULL);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out,
        "./Windows6.0-KB1234567-x64.msu: warning: unknown-update [x64]: KB1234567 is not in the "
        "knowledge base of Windows 6.0: classified from its own metadata only, as other (no rule "
        "matched)\n"
        "validate: passed: 5 packages, 1 plan; 0 errors, 1 warning, 0 info\n");
    ps_test_run_free(&r);

    r = run_in("unknown", "validate", "--strict", ".", NULL);
    assert_int_equal(r.rc, 1);
    ps_test_run_free(&r);
}

/* The same bytes under two names: the planner calls the copy another
 * revision; when the KB is installed (so not planned), validate itself
 * says they are the same bytes. */
static void test_same_bytes(void **state)
{
    char *inv = tmp_path("inventory.txt");
    char sha[65], expect[1024];
    FILE *f = fopen(inv, "w");
    ps_test_run r;

    (void)state;
    assert_non_null(f);
    fputs("KB4493730\n", f);
    fclose(f);
    file_digest("same-bytes/copy-of-ssu.msu", EVP_sha256(), sha);

    r = run_in("same-bytes", "validate", ".", NULL);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out,
        "./copy-of-ssu.msu: warning: duplicate [x64]: another revision of KB4493730 (version "
        "6.0.1.0) is planned instead: ./Windows6.0-KB4493730-x64.msu (version 6.0.1.0)\n"
        "validate: passed: 5 packages, 1 plan; 0 errors, 1 warning, 0 info\n");
    ps_test_run_free(&r);

    r = run_in("same-bytes", "validate", "--installed", inv, ".", NULL);
    assert_int_equal(r.rc, 0);
    snprintf(expect, sizeof expect,
             "./Windows6.0-KB4493730-x64.msu: info: already-installed [x64]: KB4493730 is already "
             "installed\n"
             "./copy-of-ssu.msu: warning: duplicate [x64]: the same bytes as "
             "./Windows6.0-KB4493730-x64.msu (SHA-256 %s)\n"
             "./copy-of-ssu.msu: info: already-installed [x64]: KB4493730 is already installed\n"
             "validate: passed: 5 packages, 1 plan; 0 errors, 1 warning, 2 info\n", sha);
    assert_string_equal(r.out, expect);
    ps_test_run_free(&r);
    assert_int_equal(unlink(inv), 0);
    free(inv);
}

static void test_json_schema(void **state)
{
    ps_test_run r;
    json_t *root, *v, *pk;

    (void)state;
    r = run_in("clean", "validate", "--format", "json", ".", NULL);
    assert_int_equal(r.rc, 0);
    root = parse_json(r.out);
    assert_string_equal(jstr(root, "schema"), "patchseq.validate/1");
    assert_true(json_is_true(json_object_get(root, "ok")));
    assert_true(json_is_false(json_object_get(root, "strict")));
    v = json_object_get(root, "summary");
    assert_int_equal(json_integer_value(json_object_get(v, "packages")), 4);
    assert_int_equal(json_integer_value(json_object_get(v, "plans")), 1);
    assert_int_equal(json_integer_value(json_object_get(v, "errors")), 0);
    assert_int_equal(json_integer_value(json_object_get(v, "warnings")), 0);
    assert_int_equal(json_integer_value(json_object_get(v, "info")), 1);
    v = json_object_get(root, "plans");
    assert_int_equal(json_array_size(v), 1);
    v = json_array_get(v, 0);
    assert_string_equal(jstr(v, "os"), "6.0");
    assert_string_equal(jstr(v, "arch"), "x64");
    assert_string_equal(jstr(v, "start_build"), "6.0.6002.18005");
    assert_string_equal(jstr(v, "end_build"), "6.0.6003.20654");
    assert_int_equal(json_integer_value(json_object_get(v, "installs")), 4);
    assert_int_equal(json_integer_value(json_object_get(v, "reboots")), 2);
    assert_true(json_is_true(json_object_get(v, "ok")));
    pk = json_object_get(root, "packages");
    assert_int_equal(json_array_size(pk), 4);
    v = json_array_get(pk, 1);
    assert_string_equal(jstr(v, "file"), "./Windows6.0-KB4493730-x64.msu");
    assert_string_equal(jstr(v, "kb"), "KB4493730");
    {
        char sha[65];

        file_digest("clean/Windows6.0-KB4493730-x64.msu", EVP_sha256(), sha);
        assert_string_equal(jstr(v, "sha256"), sha);
    }
    v = json_object_get(root, "findings");
    assert_int_equal(json_array_size(v), 1);
    v = json_array_get(v, 0);
    assert_string_equal(jstr(v, "code"), "foreign-file");
    assert_string_equal(jstr(v, "severity"), "info");
    assert_string_equal(jstr(v, "file"), "./README.txt");
    assert_null(json_object_get(root, "lock"));
    json_decref(root);
    ps_test_run_free(&r);

    /* -o writes the same document to a file, nothing to stdout */
    {
        char *out = tmp_path("report.json");
        ps_test_run r2 = run_in("clean", "validate", "--format", "json", "-o", out, ".", NULL);
        char *text;

        assert_int_equal(r2.rc, 0);
        assert_string_equal(r2.out, "");
        text = ps_test_read_file(out, NULL);
        root = parse_json(text);
        assert_string_equal(jstr(root, "schema"), "patchseq.validate/1");
        json_decref(root);
        free(text);
        ps_test_run_free(&r2);
        assert_int_equal(unlink(out), 0);
        free(out);
    }
}

/* lock: what it records, a bundle that matches it, and one with a file
 * added, one missing and one changed. */
static void test_lock(void **state)
{
    char *lock = tmp_path("bundle.lock");
    char sha_a[65], sha_b[65], expect[4096];
    ps_test_run r;
    json_t *root, *files, *e;
    char *text, *sum;
    char digest[65];
    struct stat st;
    char path[4096];

    (void)state;
    r = run_in("lock-a", "lock", "-o", lock, ".", NULL);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "");
    ps_test_run_free(&r);
    text = ps_test_read_file(lock, NULL);
    root = parse_json(text);
    free(text);
    assert_string_equal(jstr(root, "schema"), "patchseq.lock/1");
    assert_int_equal(strlen(jstr(root, "plan_digest")), 64);
    memcpy(digest, jstr(root, "plan_digest"), sizeof digest);
    assert_int_equal(strspn(digest, "0123456789abcdef"), 64);
    files = json_object_get(root, "files");
    assert_int_equal(json_array_size(files), 4);
    e = json_array_get(files, 0);
    assert_string_equal(jstr(e, "path"), "./Windows6.0-KB4474419-v4-x64.msu");
    file_digest("lock-a/Windows6.0-KB4474419-v4-x64.msu", EVP_sha256(), sha_a);
    assert_string_equal(jstr(e, "sha256"), sha_a);
    snprintf(path, sizeof path, "%s/lock-a/Windows6.0-KB4474419-v4-x64.msu", fixtures);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(json_integer_value(json_object_get(e, "size")), st.st_size);
    assert_string_equal(jstr(json_array_get(files, 3), "path"), "./Windows6.0-KB4520002-x64.msu");

    /* the same bundle passes */
    r = run_in("lock-a", "validate", "--lock", lock, ".", NULL);
    assert_int_equal(r.rc, 0);
    snprintf(expect, sizeof expect,
             "validate: passed: 4 packages, 1 plan, checked against %s; 0 errors, 0 warnings, "
             "0 info\n", lock);
    assert_string_equal(r.out, expect);
    ps_test_run_free(&r);

    /* KB1234567 added, KB4520002 missing, KB4474419 rebuilt */
    file_digest("lock-b/Windows6.0-KB4474419-v4-x64.msu", EVP_sha256(), sha_b);
    r = run_in("lock-b", "validate", "--format", "json", "--lock", lock, ".", NULL);
    assert_int_equal(r.rc, 1);
    json_decref(root);
    root = parse_json(r.out);
    sum = findings_summary(root);
    {
        char size_a[32], size_b[32];
        struct stat sb;

        snprintf(path, sizeof path, "%s/lock-b/Windows6.0-KB4474419-v4-x64.msu", fixtures);
        assert_int_equal(stat(path, &sb), 0);
        snprintf(size_a, sizeof size_a, "%lld", (long long)st.st_size);
        snprintf(size_b, sizeof size_b, "%lld", (long long)sb.st_size);
        if (sb.st_size == st.st_size)
            snprintf(expect, sizeof expect,
                     "changed after the bundle was locked: SHA-256 %s, the lock file %s records %s",
                     sha_b, lock, sha_a);
        else
            snprintf(expect, sizeof expect,
                     "changed after the bundle was locked: SHA-256 %s and %s bytes, the lock file "
                     "%s records %s and %s bytes", sha_b, size_b, lock, sha_a, size_a);
    }
    {
        char all[8192];
        json_t *lk = json_object_get(root, "lock");

        snprintf(all, sizeof all,
                 "lock-mismatch ./Windows6.0-KB1234567-x64.msu not in the lock file %s: added "
                 "after the bundle was locked\n"
                 "unknown-update ./Windows6.0-KB1234567-x64.msu KB1234567 is not in the knowledge "
                 "base of Windows 6.0: classified from its own metadata only, as other (no rule "
                 "matched)\n"
                 "hash-mismatch ./Windows6.0-KB4474419-v4-x64.msu %s\n"
                 "lock-mismatch ./Windows6.0-KB4520002-x64.msu in the lock file %s but not in the "
                 "bundle: missing\n"
                 "lock-mismatch %s the plan is not the one locked: plan digest %s, the lock file "
                 "records %s\n",
                 lock, expect, lock, lock, jstr(lk, "plan_digest"), digest);
        assert_string_equal(sum, all);
        assert_string_equal(jstr(lk, "locked_plan_digest"), digest);
        assert_string_not_equal(jstr(lk, "plan_digest"), digest);
    }
    free(sum);
    json_decref(root);
    ps_test_run_free(&r);
    assert_int_equal(unlink(lock), 0);
    free(lock);
}

/* A lock made with one PATH is checked with another naming the same
 * folder: "../lock-a" from clean/, then "lock-a/" and an absolute path. */
static void test_lock_moved(void **state)
{
    char *lock = tmp_path("moved.lock");
    char abs[4096], expect[4096];
    ps_test_run r;

    (void)state;
    r = run_in("clean", "lock", "-o", lock, "../lock-a", NULL);
    assert_int_equal(r.rc, 0);
    ps_test_run_free(&r);
    snprintf(abs, sizeof abs, "%s/lock-a", fixtures);
    r = run_in("", "validate", "--lock", lock, "lock-a/", NULL);
    assert_int_equal(r.rc, 0);
    snprintf(expect, sizeof expect,
             "validate: passed: 4 packages, 1 plan, checked against %s; 0 errors, 0 warnings, "
             "0 info\n", lock);
    assert_string_equal(r.out, expect);
    ps_test_run_free(&r);
    r = run_in(NULL, "validate", "--lock", lock, abs, NULL);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, expect);
    ps_test_run_free(&r);
    /* another folder name is another bundle */
    r = run_in("", "validate", "--lock", lock, "lock-b", NULL);
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.out, "lock-b/Windows6.0-KB4493730-x64.msu: error: lock-mismatch: not "
                                  "in the lock file"));
    ps_test_run_free(&r);
    assert_int_equal(unlink(lock), 0);
    free(lock);
}

/* A lock file that is not one is a usage error (exit 2), not a finding. */
static void test_bad_lock(void **state)
{
    static const struct {
        const char *text;
        const char *msg;
    } cases[] = {
        {"{\"schema\": \"patchseq.plan/1\"}\n", "not a lock file: \"schema\" is not \"patchseq.lock/1\""},
        {"{\"schema\": \"patchseq.lock/1\",\n \"plan_digest\": \"00\"}\n",
         "\"plan_digest\" is not 64 lower-case hex digits"},
        {"{\"schema\": \"patchseq.lock/1\", \"plan_digest\": "
         "\"0000000000000000000000000000000000000000000000000000000000000000\", \"files\": "
         "[{\"path\": \"a.msu\", \"size\": -1, \"sha256\": "
         "\"0000000000000000000000000000000000000000000000000000000000000000\"}]}",
         "files[0]: \"size\" is not a byte count"},
        {"{\"schema\": \"patchseq.lock/1\",\n \"files\": [\n", NULL},
    };
    char *lock = tmp_path("bad.lock");

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FILE *f = fopen(lock, "w");
        char want[1024];
        ps_test_run r;

        assert_non_null(f);
        fputs(cases[i].text, f);
        fclose(f);
        r = run_in("clean", "validate", "--lock", lock, ".", NULL);
        assert_int_equal(r.rc, 2);
        assert_string_equal(r.out, "");
        if (cases[i].msg) {
            snprintf(want, sizeof want, "patchseq validate: %s: %s\n", lock, cases[i].msg);
            assert_string_equal(r.err, want);
        } else {
            snprintf(want, sizeof want, "patchseq validate: %s:", lock);
            assert_non_null(strstr(r.err, want));
            assert_non_null(strstr(r.err, "not a lock file: "));
        }
        ps_test_run_free(&r);
    }
    assert_int_equal(unlink(lock), 0);
    free(lock);
}

/* The plan digest is the SHA-256 of the canonical plan JSON (lock.h). */
static void test_lock_digest(void **state)
{
    static const char canon[] =
        "{\"plans\":[{\"arch\":\"x64\",\"end_build\":\"6.0.6003.20654\",\"os\":\"6.0\","
        "\"reboots\":2,\"skipped\":[{\"file\":\"./Windows6.0-KB4512476-x64.msu\","
        "\"kb\":\"KB4512476\",\"why\":\"superseded\"}],\"start_build\":\"6.0.6002.18005\","
        "\"steps\":[{\"action\":\"install\",\"file\":\"./Windows6.0-KB4493730-x64.msu\","
        "\"kb\":\"KB4493730\"},{\"action\":\"install\","
        "\"file\":\"./Windows6.0-KB4474419-v4-x64.msu\",\"kb\":\"KB4474419\"},"
        "{\"action\":\"reboot\"},{\"action\":\"install\","
        "\"file\":\"./Windows6.0-KB4517134-x64.msu\",\"kb\":\"KB4517134\"},"
        "{\"action\":\"install\",\"file\":\"./Windows6.0-KB4520002-x64.msu\","
        "\"kb\":\"KB4520002\"},{\"action\":\"reboot\"}]}]}";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    char hex[65];
    ps_test_run r;
    json_t *root;

    (void)state;
    assert_true(EVP_Digest(canon, strlen(canon), md, &n, EVP_sha256(), NULL));
    assert_int_equal(n, 32);
    for (unsigned int i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    r = run_in("superseded", "lock", ".", NULL);
    assert_int_equal(r.rc, 0);
    /* findings go to stderr: the superseded rollup */
    assert_string_equal(r.err,
        "./Windows6.0-KB4512476-x64.msu: warning: superseded [x64]: superseded by KB4520002: "
        "a newer version of Package_for_RollupFix (6.0.1.22 > 6.0.1.20)\n");
    root = parse_json(r.out);
    assert_string_equal(jstr(root, "plan_digest"), hex);
    assert_int_equal(json_array_size(json_object_get(root, "files")), 5);
    json_decref(root);
    ps_test_run_free(&r);
}

/* The lock module on its own: parsing, sorting, comparing, the digest. */
static void test_lock_unit(void **state)
{
    static const char z[] = "0000000000000000000000000000000000000000000000000000000000000000";
    static const char o[] = "1111111111111111111111111111111111111111111111111111111111111111";
    char text[2048], digest[65];
    ps_lock a, b;
    ps_err e;
    ps_findings f = {0};
    ps_plan empty = {0};
    size_t len = 0;
    char *canon;

    (void)state;
    snprintf(text, sizeof text,
             "{\"schema\": \"patchseq.lock/1\", \"plan_digest\": \"%s\", \"files\": ["
             "{\"path\": \"b/2.msu\", \"size\": 7, \"sha256\": \"%s\"},"
             "{\"path\": \"b/1.msu\", \"size\": 5, \"sha256\": \"%s\"}]}", z, z, o);
    memset(&e, 0, sizeof e);
    assert_int_equal(ps_lock_parse(&a, text, strlen(text), &e), 0);
    assert_int_equal(a.count, 2);
    assert_string_equal(a.files[0].path, "b/1.msu"); /* sorted by path */
    assert_int_equal(a.files[0].size, 5);
    assert_string_equal(a.files[0].sha256, o);

    /* b: b/1.msu with other bytes of the same size, b/2.msu the same */
    snprintf(text, sizeof text,
             "{\"schema\": \"patchseq.lock/1\", \"plan_digest\": \"%s\", \"files\": ["
             "{\"path\": \"b/1.msu\", \"size\": 5, \"sha256\": \"%s\"},"
             "{\"path\": \"b/2.msu\", \"size\": 7, \"sha256\": \"%s\"}]}", z, z, z);
    assert_int_equal(ps_lock_parse(&b, text, strlen(text), &e), 0);
    assert_int_equal(ps_lock_compare(&a, &b, "x.lock", &f), 1);
    assert_int_equal(f.count, 1);
    assert_int_equal(f.items[0].code, PS_F_HASH_MISMATCH);
    assert_string_equal(f.items[0].file, "b/1.msu");
    snprintf(text, sizeof text, "changed after the bundle was locked: SHA-256 %s, the lock file "
             "x.lock records %s", z, o);
    assert_string_equal(f.items[0].message, text);
    ps_findings_free(&f);
    assert_int_equal(ps_lock_compare(&b, &b, "x.lock", &f), 0);
    assert_int_equal(f.count, 0);
    ps_lock_free(&a);
    ps_lock_free(&b);

    /* one path twice: the same entry is one, different contents are refused */
    snprintf(text, sizeof text,
             "{\"schema\": \"patchseq.lock/1\", \"plan_digest\": \"%s\", \"files\": ["
             "{\"path\": \"a.msu\", \"size\": 1, \"sha256\": \"%s\"},"
             "{\"path\": \"a.msu\", \"size\": 1, \"sha256\": \"%s\"}]}", z, z, z);
    assert_int_equal(ps_lock_parse(&a, text, strlen(text), &e), 0);
    assert_int_equal(a.count, 1);
    ps_lock_free(&a);
    snprintf(text, sizeof text,
             "{\"schema\": \"patchseq.lock/1\", \"plan_digest\": \"%s\", \"files\": ["
             "{\"path\": \"a.msu\", \"size\": 1, \"sha256\": \"%s\"},"
             "{\"path\": \"a.msu\", \"size\": 1, \"sha256\": \"%s\"}]}", z, z, o);
    assert_int_equal(ps_lock_parse(&a, text, strlen(text), &e), -1);
    assert_string_equal(e.msg, "a path is listed twice with different contents");
    assert_int_equal(a.count, 0);

    /* lock paths: relative to the folder holding the PATH argument */
    {
        static const struct {
            const char *root, *display, *want;
        } lp[] = {
            {"bundle", "bundle/a/X.msu", "bundle/a/X.msu"},
            {"bundle/", "bundle/X.msu", "bundle/X.msu"},
            {"./bundle//", "./bundle//X.msu", "bundle//X.msu"},
            {"/srv/share/bundle", "/srv/share/bundle/X.msu", "bundle/X.msu"},
            {".", "./X.msu", "./X.msu"},
            {"/", "/X.msu", "X.msu"},
            {"../lock-a", "../lock-a/X.msu", "lock-a/X.msu"},
            {"dl/Windows6.0-KB1-x64.msu", "dl/Windows6.0-KB1-x64.msu", "Windows6.0-KB1-x64.msu"},
            {"bundle", "bundle2/X.msu", "bundle2/X.msu"}, /* not under it: as it is */
        };
        const char *two[] = {"/a/b", "/a/b/c"};
        char *k;

        for (size_t i = 0; i < sizeof lp / sizeof lp[0]; i++) {
            k = ps_lock_path(lp[i].display, &lp[i].root, 1);
            assert_non_null(k);
            if (strcmp(k, lp[i].want) != 0)
                fail_msg("%s under %s: got %s, want %s", lp[i].display, lp[i].root, k, lp[i].want);
            free(k);
        }
        k = ps_lock_path("/a/b/c/X.msu", two, 2); /* the longest root that holds it */
        assert_string_equal(k, "c/X.msu");
        free(k);
    }

    /* the canonical JSON of a plan with no (OS, arch) plan, and its digest */
    canon = ps_plan_canonical_json(&empty, NULL, 0, &len);
    assert_non_null(canon);
    assert_string_equal(canon, "{\"plans\":[]}");
    assert_int_equal(len, 12);
    free(canon);
    assert_int_equal(ps_plan_digest(&empty, NULL, 0, digest), 0);
    assert_string_equal(digest, "c40f0ef815ddea83c6d4375f23c02a2d8a5cab1dddd42ba90a5a589319be5ac3");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_missing_path),
        cmocka_unit_test(test_ia64_junit),
        cmocka_unit_test(test_installed),
        cmocka_unit_test(test_clean_strict),
        cmocka_unit_test(test_superseded_strict),
        cmocka_unit_test(test_catalog_hash),
        cmocka_unit_test(test_unknown_update),
        cmocka_unit_test(test_same_bytes),
        cmocka_unit_test(test_json_schema),
        cmocka_unit_test(test_lock),
        cmocka_unit_test(test_lock_moved),
        cmocka_unit_test(test_bad_lock),
        cmocka_unit_test(test_lock_digest),
        cmocka_unit_test(test_lock_unit),
    };
    int rc;

    fixtures = getenv("FIXTURES");
    if (fixtures == NULL) {
        fprintf(stderr, "FIXTURES is not set\n");
        return 1;
    }
    if (getcwd(origin, sizeof origin) == NULL || mkdtemp(tmpdir) == NULL) {
        perror("test setup");
        return 1;
    }
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(tmpdir);
    return rc;
}
