/*
 * test_fleet.c - the fleet model (src/fleet.h) below the command line:
 * the files of a folder, machine names (Host Name, else the file name),
 * duplicates, an unreadable inventory as a machine with a finding, and the
 * hosts an orchestration back-end gets.  Planning against a bundle is
 * tested end to end by run_fleet.py.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fleet.h"
#include "kb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/test_fleet.XXXXXX";

static void put(const char *name, const char *text)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void clean(void)
{
    char cmd[300];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

#define SYSINFO(host) "\"Host Name\",\"OS Version\",\"System Type\",\"Hotfix(s)\"\r\n\"" host \
    "\",\"6.0.6003\",\"x64-based PC\",\"1 Hotfix(s) Installed.,[01]: KB4493730\"\r\n"

static void test_files_and_names(void **state)
{
    const char *args[1] = {dir};
    char **files = NULL, err[512];
    size_t n = 0;
    ps_fleet fl;

    (void)state;
    assert_non_null(mkdtemp(dir));
    put("b-list.txt", "KB4474419\n");
    put("a.csv", SYSINFO("SRV-A"));
    put(".hidden", "not read\n");
    put("broken.csv", "KB4474419\nnot a kb\n");
    {
        char sub[300];

        snprintf(sub, sizeof sub, "%s/sub", dir);
        assert_int_equal(mkdir(sub, 0700), 0);
    }
    assert_int_equal(ps_fleet_files(args, 1, &files, &n, err, sizeof err), 0);
    assert_int_equal(n, 3); /* regular files, no hidden one, no folder; in name order */
    assert_non_null(strstr(files[0], "/a.csv"));
    assert_non_null(strstr(files[1], "/b-list.txt"));
    assert_non_null(strstr(files[2], "/broken.csv"));
    assert_int_equal(ps_fleet_load(&fl, files, n, err, sizeof err), 0);
    assert_int_equal(fl.n_machines, 3);
    /* by name, case-insensitively: b-list, broken, SRV-A */
    assert_string_equal(fl.machines[0].name, "b-list");
    assert_int_equal(fl.machines[0].readable, 1);
    assert_string_equal(fl.machines[1].name, "broken");
    assert_int_equal(fl.machines[1].readable, 0);
    assert_int_equal(fl.machines[1].findings.count, 1);
    assert_int_equal(fl.machines[1].findings.items[0].line, 2);
    assert_int_equal(fl.machines[1].findings.items[0].code, PS_F_UNREADABLE_PACKAGE);
    assert_string_equal(fl.machines[1].findings.items[0].file, files[2]);
    assert_string_equal(fl.machines[1].findings.items[0].message, "not a KB number: 'not a kb'");
    assert_string_equal(fl.machines[2].name, "SRV-A");
    assert_int_equal(fl.machines[2].inv.arch, PS_ARCH_X64);
    {
        ps_kb kb;
        ps_findings f = {0};
        ps_bundle b = {0};
        ps_plan_opts o;
        ps_fleet_host *hosts = NULL;

        assert_int_equal(ps_kb_load(&kb, getenv("PATCHSEQ_DATA_DIR"), &f, err, sizeof err), 0);
        ps_plan_opts_default(&o);
        assert_int_equal(ps_fleet_plan(&fl, &b, &kb, &o, &f), 0);
        /* nothing in the bundle: the readable machines are current (one
         * group: empty plans are identical), the broken one cannot be updated */
        assert_int_equal(fl.machines[0].status, PS_FLEET_CURRENT);
        assert_int_equal(fl.machines[1].status, PS_FLEET_CANNOT_UPDATE);
        assert_non_null(strstr(fl.machines[1].why, "its inventory cannot be read: "));
        assert_int_equal(fl.machines[2].status, PS_FLEET_CURRENT);
        assert_int_equal(fl.n_groups, 2);
        assert_int_equal(fl.groups[0].status, PS_FLEET_CANNOT_UPDATE);
        assert_int_equal(fl.groups[1].n_machines, 2);
        assert_string_equal(fl.groups[1].names[0], "b-list");
        assert_string_equal(fl.groups[1].names[1], "SRV-A");
        /* two machines, two states: their KBs differ and matter (the
         * knowledge base names both) */
        assert_int_equal(fl.n_states, 2);
        assert_int_equal(ps_fleet_one_plan(&fl), 0);
        assert_int_equal(ps_fleet_errors(&fl), 1);
        assert_int_equal(ps_fleet_hosts(&fl, &hosts), 0);
        assert_string_equal(hosts[1].name, "broken");
        assert_non_null(hosts[1].skip_reason);
        assert_null(hosts[0].skip_reason);
        assert_int_equal(hosts[0].plan->count, 0);
        free(hosts);
        ps_kb_free(&kb);
        ps_findings_free(&f);
    }
    ps_fleet_free(&fl);
    ps_strv_free(&files, &n);
    clean();
}

static void test_duplicates_and_bad_names(void **state)
{
    const char *args[1] = {dir};
    char **files = NULL, err[512];
    size_t n = 0;
    ps_fleet fl;

    (void)state;
    strcpy(dir, "/tmp/test_fleet.XXXXXX");
    assert_non_null(mkdtemp(dir));
    put("one.csv", SYSINFO("SRV-A"));
    put("srv-a.txt", "KB4474419\n"); /* named by its file: srv-a, the same machine */
    assert_int_equal(ps_fleet_files(args, 1, &files, &n, err, sizeof err), 0);
    assert_int_equal(ps_fleet_load(&fl, files, n, err, sizeof err), -1);
    assert_non_null(strstr(err, "one.csv and "));
    assert_non_null(strstr(err, "srv-a.txt both name the machine srv-a"));
    assert_null(fl.machines);
    ps_strv_free(&files, &n);
    clean();

    strcpy(dir, "/tmp/test_fleet.XXXXXX");
    assert_non_null(mkdtemp(dir));
    put("bad name.txt", "KB4474419\n");
    assert_int_equal(ps_fleet_files(args, 1, &files, &n, err, sizeof err), 0);
    assert_int_equal(ps_fleet_load(&fl, files, n, err, sizeof err), -1);
    assert_non_null(strstr(err, "no Host Name in it, and its file name 'bad name' is not a host name"));
    ps_strv_free(&files, &n);
    clean();

    strcpy(dir, "/tmp/test_fleet.XXXXXX");
    assert_non_null(mkdtemp(dir));
    assert_int_equal(ps_fleet_files(args, 1, &files, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "a folder with no inventory file in it"));
    clean();
    args[0] = "/nonexistent/inventories";
    assert_int_equal(ps_fleet_files(args, 1, &files, &n, err, sizeof err), -1);
    assert_string_equal(err, "/nonexistent/inventories: No such file or directory");
    assert_null(files);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_files_and_names),
        cmocka_unit_test(test_duplicates_and_bad_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
