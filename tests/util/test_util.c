/*
 * test_util.c - strings, versions, buffers, the XML guard, atomic writes,
 * and the finding table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

static void test_version_cmp(void **state)
{
    (void)state;
    assert_int_equal(ps_version_cmp("6.0.6003.20484", "6.0.6003.20484"), 0);
    assert_true(ps_version_cmp("6.0.6002.18005", "6.0.6003.20489") < 0);
    assert_true(ps_version_cmp("6.0.6003.20654", "6.0.6003.20489") > 0);
    assert_true(ps_version_cmp("6.0.10.0", "6.0.9.0") > 0); /* numeric, not lexical */
    assert_int_equal(ps_version_cmp("6.0", "6.0.0.0"), 0);  /* missing parts are 0 */
    assert_true(ps_version_cmp("6.1", "6.0.9999.9999") > 0);
    assert_true(ps_version_cmp(NULL, "1") < 0);
    assert_true(ps_version_cmp("1", NULL) > 0);
    assert_int_equal(ps_version_cmp(NULL, NULL), 0);
}

static void test_kb_normalize(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"KB4474419", "KB4474419"}, {"kb4474419", "KB4474419"}, {"4474419", "KB4474419"},
        {" KB4474419 ", "KB4474419"}, {"KB4474419_BF", NULL},   {"KB12", NULL},
        {"KB123456789", NULL},      {"KB", NULL},               {"", NULL},
        {"Package_for_KB4474419", NULL},
    };

    (void)state;
    for (size_t i = 0; i < PS_ARRAY_LEN(cases); i++) {
        char *r = ps_kb_normalize(cases[i].in);

        if (cases[i].out == NULL) {
            if (r != NULL)
                fail_msg("'%s' gave '%s', expected NULL", cases[i].in, r);
        } else {
            assert_non_null(r);
            assert_string_equal(r, cases[i].out);
        }
        free(r);
    }
    assert_null(ps_kb_normalize(NULL));
}

/* ps_msg_line: one line, trailing newline gone, fallback for NULL. */
static void test_msg_line(void **state)
{
    char m[16];

    (void)state;
    ps_msg_line(m, sizeof m, "bad !\nBytes: 1\n", "unknown error", true);
    assert_string_equal(m, "bad ! Bytes: 1");
    ps_msg_line(m, sizeof m, "a\tb\r\n \n", "x", true);
    assert_string_equal(m, "a b");
    ps_msg_line(m, sizeof m, "a\nb\n", "x", false);
    assert_string_equal(m, "a\nb");
    ps_msg_line(m, sizeof m, NULL, "invalid", false);
    assert_string_equal(m, "invalid");
    ps_msg_line(m, sizeof m, "0123456789abcdefghij", "x", true); /* cut to fit */
    assert_string_equal(m, "0123456789abcde");
}

static void test_strings(void **state)
{
    char *s = NULL;

    (void)state;
    assert_true(ps_streq_ci("WSUSSCAN.cab", "wsusscan.CAB"));
    assert_false(ps_streq_ci("WSUSSCAN.cab", "WSUSSCAN.ca"));
    assert_true(ps_has_suffix_ci("x-pkgProperties.txt", "-PKGPROPERTIES.TXT"));
    assert_false(ps_has_suffix_ci("txt", "-pkgproperties.txt"));
    assert_true(ps_has_prefix_ci("Windows6.0-KB1", "windows6.0-"));
    assert_false(ps_has_prefix_ci("Win", "windows"));
    assert_string_equal(ps_basename("a/b/c.msu"), "c.msu");
    assert_string_equal(ps_basename("c.msu"), "c.msu");
    assert_int_equal(ps_set_str(&s, "one"), 0);
    assert_int_equal(ps_set_str(&s, "two"), 0);
    assert_string_equal(s, "two");
    assert_int_equal(ps_set_str(&s, NULL), 0);
    assert_null(s);
    s = ps_asprintf("%s-%d", "KB", 7);
    assert_string_equal(s, "KB-7");
    ps_free_ptr(&s);
    assert_null(s);
}

static void test_buf(void **state)
{
    ps_buf b = {0};
    size_t len;
    char *d;

    (void)state;
    assert_int_equal(ps_buf_puts(&b, "abc"), 0);
    assert_int_equal(ps_buf_printf(&b, "-%03d", 7), 0);
    assert_string_equal(b.data, "abc-007");
    b.max = 8;
    assert_int_equal(ps_buf_puts(&b, "x"), 0);
    assert_int_equal(ps_buf_puts(&b, "y"), -2); /* over the maximum */
    assert_string_equal(b.data, "abc-007x");
    d = ps_buf_steal(&b, &len);
    assert_int_equal(len, 8);
    assert_string_equal(d, "abc-007x");
    assert_null(b.data);
    free(d);
    ps_buf_free(&b);
}

static void test_strv(void **state)
{
    char **v = NULL;
    size_t n = 0;

    (void)state;
    assert_int_equal(ps_strv_push(&v, &n, "KB1"), 0);
    assert_int_equal(ps_strv_push(&v, &n, "KB2"), 0);
    assert_int_equal(n, 2);
    assert_true(ps_strv_contains(v, n, "KB2"));
    assert_false(ps_strv_contains(v, n, "KB3"));
    ps_strv_free(&v, &n);
    assert_null(v);
    assert_int_equal(n, 0);
}

static void test_xml_guard(void **state)
{
    static const char good[] = "\xef\xbb\xbf<?xml version=\"1.0\"?>\n<a><b/></a>\n";
    static const char broken[] = "<?xml version=\"1.0\"?>\n<a>\n<b>\n</a>\n";
    static const char doctype[] = "<?xml version=\"1.0\"?>\n<!DOCTYPE a [\n<!ENTITY x \"y\">\n]>\n<a>&x;</a>\n";
    static const char bomb[] =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
        "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
        "<lolz>&lol3;</lolz>";
    static const char external[] =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE a SYSTEM \"http://example.invalid/a.dtd\">\n<a/>\n";
    ps_err e;
    void *doc;

    (void)state;
    doc = ps_xml_parse(good, sizeof good - 1, 1024, &e);
    assert_non_null(doc);
    ps_xml_free(doc);

    memset(&e, 0, sizeof e);
    assert_null(ps_xml_parse(broken, sizeof broken - 1, 1024, &e));
    assert_int_equal(e.finding, PS_F_UNREADABLE_PACKAGE);
    assert_int_equal(e.line, 4);
    assert_string_equal(e.msg, "not well-formed XML: Opening and ending tag mismatch: b line 3 and a");

    memset(&e, 0, sizeof e);
    assert_null(ps_xml_parse(doctype, sizeof doctype - 1, 1024, &e));
    assert_int_equal(e.finding, PS_F_UNSAFE_INPUT);
    assert_int_equal(e.line, 2);
    assert_string_equal(e.msg, "document type declaration (DOCTYPE) refused: real manifests carry none");

    memset(&e, 0, sizeof e);
    assert_null(ps_xml_parse(bomb, sizeof bomb - 1, 4096, &e));
    assert_int_equal(e.finding, PS_F_UNSAFE_INPUT);

    memset(&e, 0, sizeof e);
    assert_null(ps_xml_parse(external, sizeof external - 1, 4096, &e));
    assert_int_equal(e.finding, PS_F_UNSAFE_INPUT);

    memset(&e, 0, sizeof e);
    assert_null(ps_xml_parse(good, sizeof good - 1, 10, &e));
    assert_int_equal(e.finding, PS_F_UNSAFE_INPUT);
    assert_string_equal(e.msg, "XML document of 37 bytes exceeds the limit of 10 bytes");

    memset(&e, 0, sizeof e);
    assert_null(ps_xml_parse("", 0, 10, &e));
    assert_int_equal(e.finding, PS_F_UNREADABLE_PACKAGE);
    assert_string_equal(e.msg, "empty XML document");
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;

    assert_non_null(d);
    while ((de = readdir(d)) != NULL)
        n += de->d_name[0] != '.';
    closedir(d);
    return n;
}

static void test_write_atomic(void **state)
{
    char dir[] = "/tmp/ps-util-XXXXXX";
    char path[64], err[256] = "";
    struct stat st;
    FILE *f;
    char got[16] = "";

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/out.json", dir);
    assert_int_equal(ps_write_atomic(path, "{\"a\":1}\n", 8, err, sizeof err), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 8);
    f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(got, sizeof got, f));
    fclose(f);
    assert_string_equal(got, "{\"a\":1}\n");
    assert_int_equal(count_entries(dir), 1); /* no temporary file left */

    /* a folder in the way: an error, nothing is left behind */
    snprintf(path, sizeof path, "%s/sub", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(ps_write_atomic(path, "x", 1, err, sizeof err), -1);
    assert_non_null(strstr(err, ": is a directory"));
    assert_int_equal(count_entries(dir), 2);
    rmdir(path);
    snprintf(path, sizeof path, "%s/out.json", dir);
    unlink(path);
    assert_int_equal(ps_write_atomic("/nonexistent-dir/x.json", "x", 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent-dir/x.json: cannot create a temporary file"));
    rmdir(dir);
}

static char *slurp_path(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "r");
    size_t n;

    assert_non_null(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Output targets: a symlink is followed and kept, a mode is kept, a
 * device and a FIFO are written to directly, stale temporary files of a
 * killed run are removed, a FIFO is refused as an input without blocking. */
static void test_write_targets(void **state)
{
    char dir[] = "/tmp/ps-target-XXXXXX", path[512], link[512], dev[512], fifo[512], stale[600];
    char err[512];
    struct stat st;
    pid_t child;
    int status;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/plan.txt", dir);
    snprintf(link, sizeof link, "%s/link.txt", dir);

    /* mode kept */
    assert_int_equal(ps_write_atomic(path, "one\n", 4, err, sizeof err), 0);
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(ps_write_atomic(path, "two\n", 4, err, sizeof err), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_string_equal(slurp_path(path), "two\n");

    /* a relative symlink: the target is replaced, the link stays */
    assert_int_equal(symlink("plan.txt", link), 0);
    assert_int_equal(ps_write_atomic(link, "three\n", 6, err, sizeof err), 0);
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_string_equal(slurp_path(path), "three\n");
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    unlink(link);
    /* a dangling link: the file is created where it points */
    assert_int_equal(symlink("new.txt", link), 0);
    assert_int_equal(ps_write_atomic(link, "n\n", 2, err, sizeof err), 0);
    snprintf(stale, sizeof stale, "%s/new.txt", dir);
    assert_string_equal(slurp_path(stale), "n\n");
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    unlink(link);
    unlink(stale);

    /* a null device made here stays a device */
    snprintf(dev, sizeof dev, "%s/null", dir);
    if (mknod(dev, S_IFCHR | 0666, makedev(1, 3)) == 0) {
        assert_int_equal(ps_write_atomic(dev, "x\n", 2, err, sizeof err), 0);
        assert_int_equal(lstat(dev, &st), 0);
        assert_true(S_ISCHR(st.st_mode));
        unlink(dev);
    } else {
        print_message("mknod not permitted here: the device case runs on /dev/null only\n");
    }
    assert_int_equal(ps_write_atomic("/dev/null", "x\n", 2, err, sizeof err), 0);
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    /* a full device: the error is reported */
    if (stat("/dev/full", &st) == 0) {
        assert_int_equal(ps_write_atomic("/dev/full", "x\n", 2, err, sizeof err), -1);
        assert_string_equal(err, "/dev/full: write failed: No space left on device");
    }

    /* a FIFO output is written directly (a reader takes the bytes) */
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        FILE *f = fopen(fifo, "r");
        char got[16] = "";

        _exit(f != NULL && fgets(got, sizeof got, f) != NULL && strcmp(got, "fifo\n") == 0 ? 0 : 1);
    }
    assert_int_equal(ps_write_atomic(fifo, "fifo\n", 5, err, sizeof err), 0);
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(lstat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    /* ... and refused as an input at once, without blocking */
    assert_int_equal(ps_open_regular(fifo, err, sizeof err), -1);
    assert_string_equal(err, "not a regular file (a FIFO is refused)");
    assert_int_equal(ps_open_regular(dir, err, sizeof err), -1);
    assert_string_equal(err, "not a regular file (a directory is refused)");
    unlink(fifo);

    /* a temporary file of a killed run (its process is gone) is removed by
     * the next write there; one of a live process is not */
    child = fork();
    assert_true(child >= 0);
    if (child == 0)
        _exit(0);
    assert_int_equal(waitpid(child, &status, 0), child);
    snprintf(stale, sizeof stale, "%s/plan.txt.tmp.%ld.AbC123", dir, (long)child);
    assert_int_equal(close(open(stale, O_WRONLY | O_CREAT, 0600)), 0);
    snprintf(link, sizeof link, "%s/plan.txt.tmp.%ld.XyZ789", dir, (long)getppid());
    assert_int_equal(close(open(link, O_WRONLY | O_CREAT, 0600)), 0);
    assert_int_equal(ps_write_atomic(path, "four\n", 5, err, sizeof err), 0);
    assert_int_equal(access(stale, F_OK), -1);
    assert_int_equal(access(link, F_OK), 0);
    unlink(link);
    assert_int_equal(count_entries(dir), 1);
    unlink(path);
    rmdir(dir);
}

static void test_findings(void **state)
{
    ps_findings f = {0};
    ps_where w = {.file = "b.msu", .member = "x.cab/update.mum", .line = 3, .arch = PS_ARCH_X64,
                  .kb = "KB1"};

    (void)state;
    assert_string_equal(ps_finding_code_name(PS_F_MISSING_PREREQUISITE), "missing-prerequisite");
    assert_int_equal(ps_finding_code_severity(PS_F_SUPERSEDED), PS_SEV_WARNING);
    assert_int_equal(ps_finding_code_severity(PS_F_FOREIGN_FILE), PS_SEV_INFO);
    assert_int_equal(ps_finding_code_severity(PS_F_UNSAFE_INPUT), PS_SEV_ERROR);
    assert_int_equal(ps_findings_max_severity(&f), -1);
    assert_int_equal(ps_findings_add(&f, PS_F_FOREIGN_FILE, &(ps_where){.file = "c.txt"}, "not a package"), 0);
    assert_int_equal(ps_findings_add(&f, PS_F_UNREADABLE_PACKAGE, &w, "bad %s", "xml"), 0);
    assert_int_equal(ps_findings_add(&f, PS_F_DUPLICATE, NULL, "dup"), 0);
    assert_int_equal(ps_findings_max_severity(&f), PS_SEV_ERROR);
    assert_int_equal(ps_findings_count_code(&f, PS_F_DUPLICATE), 1);
    ps_findings_sort(&f);
    assert_null(f.items[0].file); /* no file sorts first */
    assert_string_equal(f.items[1].file, "b.msu");
    assert_string_equal(f.items[1].message, "bad xml");
    assert_string_equal(f.items[1].member, "x.cab/update.mum");
    assert_int_equal(f.items[1].line, 3);
    assert_int_equal(f.items[1].arch, PS_ARCH_X64);
    assert_string_equal(f.items[2].file, "c.txt");
    ps_findings_free(&f);
    assert_int_equal(f.count, 0);
    assert_string_equal(ps_arch_name(ps_arch_parse("AMD64")), "x64");
    assert_int_equal(ps_arch_parse("wow64"), PS_ARCH_NONE);
    assert_null(ps_arch_name(PS_ARCH_NONE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_cmp), cmocka_unit_test(test_kb_normalize),
        cmocka_unit_test(test_msg_line), cmocka_unit_test(test_strings),     cmocka_unit_test(test_buf),
        cmocka_unit_test(test_strv),        cmocka_unit_test(test_xml_guard),
        cmocka_unit_test(test_write_atomic),
        cmocka_unit_test(test_write_targets), cmocka_unit_test(test_findings),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
