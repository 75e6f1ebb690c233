/*
 * test_cli.c - the command line, driven in-process through ps_cli_run():
 * usage errors, `inspect` on packages assembled from real Microsoft
 * metadata, and a folder of damaged packages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "patchseq.h"
#include "testlib.h"

static const char *fixtures; /* FIXTURES env: output of mkfixtures.sh */

static char *fixture(const char *rel)
{
    size_t n = strlen(fixtures) + strlen(rel) + 2;
    char *p = malloc(n);

    assert_non_null(p);
    snprintf(p, n, "%s/%s", fixtures, rel);
    return p;
}

static json_t *find_package(json_t *root, const char *suffix)
{
    json_t *pk = json_object_get(root, "packages"), *it;
    size_t i;

    assert_true(json_is_array(pk));
    json_array_foreach(pk, i, it) {
        const char *file = json_string_value(json_object_get(it, "file"));
        size_t lf = strlen(file), ls = strlen(suffix);

        if (lf >= ls && strcmp(file + lf - ls, suffix) == 0)
            return it;
    }
    fail_msg("no package ending in %s", suffix);
    return NULL;
}

static void assert_str_key(json_t *o, const char *key, const char *want)
{
    json_t *v = json_object_get(o, key);

    if (want == NULL) {
        if (!json_is_null(v))
            fail_msg("%s: expected null", key);
        return;
    }
    if (!json_is_string(v))
        fail_msg("%s: expected \"%s\", got a non-string", key, want);
    assert_string_equal(json_string_value(v), want);
}

static void test_usage(void **state)
{
    const char *none[] = {"patchseq"};
    const char *bad[] = {"patchseq", "frobnicate"};
    const char *help[] = {"patchseq", "--help"};
    const char *ver[] = {"patchseq", "--version"};
    const char *ihelp[] = {"patchseq", "inspect", "--help"};
    const char *nopath[] = {"patchseq", "inspect"};
    const char *badfmt[] = {"patchseq", "inspect", "--format", "xml", "."};
    const char *missing[] = {"patchseq", "inspect", "/nonexistent/patchseq-test"};
    ps_test_run r;

    (void)state;
    r = ps_test_cli(1, none);
    assert_int_equal(r.rc, 2);
    assert_non_null(strstr(r.err, "usage: patchseq COMMAND"));
    ps_test_run_free(&r);

    r = ps_test_cli(2, bad);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "patchseq: unknown command 'frobnicate' (see 'patchseq --help')\n");
    ps_test_run_free(&r);

    r = ps_test_cli(2, help);
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "  inspect   [--format text|json] [--hash] PATH...\n"));
    ps_test_run_free(&r);

    r = ps_test_cli(2, ver);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "patchseq " PS_VERSION_STRING "\n");
    ps_test_run_free(&r);

    r = ps_test_cli(3, ihelp);
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "usage: patchseq inspect"));
    ps_test_run_free(&r);

    r = ps_test_cli(2, nopath);
    assert_int_equal(r.rc, 2);
    assert_non_null(strstr(r.err, "patchseq inspect: no PATH given"));
    ps_test_run_free(&r);

    r = ps_test_cli(5, badfmt);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "patchseq inspect: unknown format 'xml' (text, json)\n");
    ps_test_run_free(&r);

    r = ps_test_cli(3, missing);
    assert_int_equal(r.rc, 2);
    assert_non_null(strstr(r.err, "/nonexistent/patchseq-test"));
    assert_string_equal(r.out, "");
    ps_test_run_free(&r);
}

static void test_inspect_real_json(void **state)
{
    char *dir = fixture("real");
    const char *argv[] = {"patchseq", "inspect", "--format", "json", "--hash", dir};
    ps_test_run r;
    json_t *root, *p, *id, *d, *w;
    json_error_t je;

    (void)state;
    r = ps_test_cli(6, argv);
    assert_int_equal(r.rc, 0);
    root = json_loads(r.out, 0, &je);
    if (root == NULL)
        fail_msg("inspect output is not JSON: %s", je.text);
    assert_string_equal(json_string_value(json_object_get(root, "schema")), "patchseq.inspect/1");
    assert_int_equal(json_array_size(json_object_get(root, "packages")), 3);
    assert_int_equal(json_array_size(json_object_get(root, "findings")), 0);

    /* KB4538483 x64: the real ESU package, SHA-256-only catalog, LZX:21 WSUSSCAN.cab */
    p = find_package(root, "/Windows6.1-KB4538483-x64.msu");
    assert_str_key(p, "container", "msu");
    assert_str_key(p, "kb", "KB4538483");
    assert_str_key(p, "arch", "x64");
    assert_str_key(p, "os", "6.1");
    id = json_object_get(p, "identity");
    assert_str_key(id, "name", "Package_for_KB4538483");
    assert_str_key(id, "version", "6.1.1.2");
    assert_str_key(id, "arch", "amd64");
    assert_str_key(id, "language", "neutral");
    assert_str_key(id, "public_key_token", "31bf3856ad364e35");
    assert_str_key(p, "release_type", "Security Update");
    assert_str_key(p, "restart", "possible");
    assert_str_key(p, "build_date", "2020-05-01");
    assert_str_key(p, "installer_version", "6.1.7601.24550");
    assert_str_key(p, "provides_stack", NULL);
    assert_str_key(p, "kernel_version", NULL);
    d = json_object_get(p, "catalog_digests");
    assert_int_equal(json_array_size(d), 1);
    assert_string_equal(json_string_value(json_array_get(d, 0)), "sha256");
    assert_true(json_is_true(json_object_get(p, "sha2_only")));
    assert_true(json_integer_value(json_object_get(p, "size")) > 160000);
    assert_int_equal(strlen(json_string_value(json_object_get(p, "sha256"))), 64);
    w = json_object_get(p, "wsus");
    assert_non_null(w);
    assert_str_key(w, "update_id", "f326c2c9-8e25-4d1f-850d-80495e82da3c");
    assert_str_key(w, "classification", "0fa1201d-4330-4fa8-8ae9-b877473b6441");

    /* KB4538483 x86: no update.cat in the package */
    p = find_package(root, "/Windows6.1-KB4538483-x86.msu");
    assert_str_key(p, "kb", "KB4538483");
    assert_str_key(p, "arch", "x86");
    assert_str_key(p, "os", "6.1");
    assert_str_key(json_object_get(p, "identity"), "arch", "x86");
    assert_int_equal(json_array_size(json_object_get(p, "catalog_digests")), 0);
    assert_true(json_is_null(json_object_get(p, "sha2_only")));

    /* KB2999226 x64: 2015, SHA-1 catalog, stored inner cab */
    p = find_package(root, "/Windows6.1-KB2999226-x64.msu");
    assert_str_key(p, "kb", "KB2999226");
    assert_str_key(p, "arch", "x64");
    assert_str_key(p, "os", "6.1");
    assert_str_key(json_object_get(p, "identity"), "name", "Package_for_KB2999226");
    assert_str_key(json_object_get(p, "identity"), "version", "6.1.1.6");
    assert_str_key(p, "release_type", "Update");
    assert_str_key(p, "build_date", "2015-07-21");
    assert_str_key(p, "installer_version", "6.0.0.0");
    d = json_object_get(p, "catalog_digests");
    assert_int_equal(json_array_size(d), 1);
    assert_string_equal(json_string_value(json_array_get(d, 0)), "sha1");
    assert_true(json_is_false(json_object_get(p, "sha2_only")));

    json_decref(root);
    ps_test_run_free(&r);
    free(dir);
}

static void test_inspect_text(void **state)
{
    char *dir = fixture("real");
    const char *argv[] = {"patchseq", "inspect", dir};
    ps_test_run r;

    (void)state;
    r = ps_test_cli(3, argv);
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "  kb:            KB4538483 (from update.mum)\n"));
    assert_non_null(strstr(r.out, "  catalog:       sha256 (SHA-2-only: needs SHA-2 code-signing support)\n"));
    assert_non_null(strstr(r.out, "3 packages, no findings\n"));
    ps_test_run_free(&r);
    free(dir);
}

/* Each damaged file gives exactly one finding, with the expected code. */
static void test_inspect_damaged(void **state)
{
    static const struct {
        const char *file;
        const char *code;
        const char *member; /* NULL: none expected */
        unsigned line;
        const char *message;
    } want[] = {
        {"README.txt", "foreign-file", NULL, 0, "not an update package (no MSCF signature)"},
        {"Windows6.0-KB1000001-x64.msu", "unreadable-package", NULL, 0,
         "not a cabinet file (empty file)"},
        {"Windows6.0-KB1000002-x64.msu", "unreadable-package", NULL, 0,
         "not a cabinet file (no MSCF signature)"},
        {"Windows6.0-KB1000003-x64.msu", "unreadable-package", "WSUSSCAN.cab", 0,
         "cannot read WSUSSCAN.cab: Truncated CAB header"},
        {"Windows6.0-KB1000004-x64.msu", "unreadable-package", NULL, 0,
         "cannot read the cabinet: Unrecognized archive format"},
        {"Windows6.0-KB1000005-x64.msu", "unreadable-package", "Windows6.0-KB1000005-x64.cab", 0,
         "no update.mum in Windows6.0-KB1000005-x64.cab"},
        {"Windows6.0-KB1000006-x64.msu", "unreadable-package", "Windows6.0-KB1000006-x64.cab/update.mum",
         4, "not well-formed XML: error parsing attribute name"},
        {"Windows6.0-KB1000007-x64.msu", "unsafe-input", "Windows6.0-KB1000007-x64.cab/update.mum", 2,
         "document type declaration (DOCTYPE) refused: real manifests carry none"},
    };
    char *dir = fixture("damaged");
    const char *argv[] = {"patchseq", "inspect", "--format", "json", dir};
    ps_test_run r;
    json_t *root, *fs;
    json_error_t je;

    (void)state;
    r = ps_test_cli(5, argv);
    assert_int_equal(r.rc, 1);
    root = json_loads(r.out, 0, &je);
    if (root == NULL)
        fail_msg("inspect output is not JSON: %s", je.text);
    fs = json_object_get(root, "findings");
    if (json_array_size(fs) != (sizeof want / sizeof want[0]))
        fail_msg("expected %zu findings, got %zu:\n%s", (sizeof want / sizeof want[0]), json_array_size(fs), r.out);
    for (size_t i = 0; i < (sizeof want / sizeof want[0]); i++) {
        json_t *f = json_array_get(fs, i);
        const char *file = json_string_value(json_object_get(f, "file"));
        const char *member = json_string_value(json_object_get(f, "member"));

        assert_non_null(file);
        assert_string_equal(file + strlen(dir) + 1, want[i].file);
        assert_string_equal(json_string_value(json_object_get(f, "code")), want[i].code);
        if (want[i].member) {
            assert_non_null(member);
            assert_string_equal(member, want[i].member);
        } else {
            assert_null(member);
        }
        assert_int_equal(json_integer_value(json_object_get(f, "line")), want[i].line);
        assert_string_equal(json_string_value(json_object_get(f, "message")), want[i].message);
    }
    json_decref(root);
    ps_test_run_free(&r);
    free(dir);
}

static void test_output_file_atomic(void **state)
{
    char *dir = fixture("real");
    char out[] = "/tmp/patchseq-test-XXXXXX";
    char *path;
    const char *argv[] = {"patchseq", "inspect", "--format", "json", "-o", NULL, dir};
    const char *bad[] = {"patchseq", "inspect", "-o", "/nonexistent/dir/out.json", dir};
    ps_test_run r;
    struct stat st;

    (void)state;
    assert_non_null(mkdtemp(out));
    path = malloc(strlen(out) + 16);
    assert_non_null(path);
    snprintf(path, strlen(out) + 16, "%s/plan.json", out);
    argv[5] = path;
    r = ps_test_cli(7, argv);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "");
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 100);
    ps_test_run_free(&r);
    unlink(path);

    r = ps_test_cli(5, bad);
    assert_int_equal(r.rc, 2);
    assert_non_null(strstr(r.err, "/nonexistent/dir/out.json"));
    assert_string_equal(r.out, "");
    ps_test_run_free(&r);

    rmdir(out);
    free(path);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_inspect_real_json),
        cmocka_unit_test(test_inspect_text),
        cmocka_unit_test(test_inspect_damaged),
        cmocka_unit_test(test_output_file_atomic),
    };

    fixtures = getenv("FIXTURES");
    if (fixtures == NULL) {
        fprintf(stderr, "FIXTURES is not set\n");
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
