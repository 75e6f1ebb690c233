/*
 * test_ansible.c - the playbook folder of plans built by hand
 * (ps_ansible_build, ps_render_ansible): several hosts, skipped hosts and
 * their reasons, the ESU activation step, machine names, the default group, the installer per
 * package, and the writing rules (nothing through a link).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "ansible.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

/* A plan of one (OS, arch): install pkgs[0], reboot, install pkgs[1]. */
typedef struct hand_plan {
    ps_package pkgs[2];
    ps_plan_node nodes[2];
    ps_plan_step steps[3];
    ps_plan_window windows[2];
    ps_arch_plan ap;
    ps_plan plan;
} hand_plan;

static void hand(hand_plan *h, const char *os, const char *f1, const char *f2, int windows)
{
    const char *files[2] = {f1, f2}, *kbs[2] = {"KB4493730", "KB4474419"};
    const char *shas[2] = {SHA_A, SHA_B};

    memset(h, 0, sizeof *h);
    for (int i = 0; i < 2; i++) {
        h->pkgs[i].file = (char *)files[i];
        h->pkgs[i].kb = (char *)kbs[i];
        h->pkgs[i].hashed = 1;
        memcpy(h->pkgs[i].sha256, shas[i], 65);
        h->nodes[i].pkg = &h->pkgs[i];
        h->nodes[i].kb = kbs[i];
    }
    h->steps[0] = (ps_plan_step){.action = PS_STEP_INSTALL, .node = 0};
    h->steps[1] = (ps_plan_step){.action = PS_STEP_REBOOT, .node = PS_NO_NODE};
    h->steps[2] = (ps_plan_step){.action = PS_STEP_INSTALL, .node = 1};
    h->ap.os = (char *)os;
    h->ap.arch = PS_ARCH_X64;
    h->ap.nodes = h->nodes;
    h->ap.n_nodes = 2;
    h->ap.steps = h->steps;
    h->ap.n_steps = 3;
    h->ap.reboots = 1;
    if (windows) {
        h->windows[0] = (ps_plan_window){0, 1, 600, 0};
        h->windows[1] = (ps_plan_window){2, 2, 600, 0};
        h->ap.windows = h->windows;
        h->ap.n_windows = 2;
    }
    h->plan.plans = &h->ap;
    h->plan.count = 1;
}

static const ps_ansible_file *file_of(const ps_ansible_file *f, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].path, path) == 0)
            return &f[i];
    return NULL;
}

static const char *text_of(const ps_ansible_file *f, size_t n, const char *path)
{
    const ps_ansible_file *x = file_of(f, n, path);

    if (x == NULL)
        fail_msg("no file %s", path);
    return x->data;
}

static void test_names(void **state)
{
    static const char *const good[] = {"srv1", "SRV-01.example.com", "10.0.0.7", "a_b"};
    static const char *const bad[] = {"", "-x", ".x", "a b", "a{{b}}", "a\nb", "all", "ALL",
                                      "ungrouped", "localhost", "patchseq", "windows",
                                      "a/b", "a:b", "caf\xc3\xa9", "a'b", "a\"b", "a]b"};
    char longname[300];

    (void)state;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(ps_ansible_name_ok(good[i]));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (ps_ansible_name_ok(bad[i]))
            fail_msg("'%s' accepted", bad[i]);
    assert_false(ps_ansible_name_ok(NULL));
    memset(longname, 'a', sizeof longname);
    longname[253] = '\0';
    assert_true(ps_ansible_name_ok(longname));
    longname[253] = 'a';
    longname[254] = '\0';
    assert_false(ps_ansible_name_ok(longname));
}

static void test_fleet(void **state)
{
    hand_plan p1, p2, p3;
    const char *roots[] = {"/tmp"};
    ps_script_opts so = {roots, 1};
    ps_ansible_host hosts[3];
    ps_ansible_file *files = NULL;
    size_t n = 0;
    char msg[512];
    const char *t;

    (void)state;
    hand(&p1, "6.0", "/tmp/ssu/Windows6.0-KB4493730-x64.msu", "/tmp/Windows6.0-KB4474419-x64.cab", 0);
    hand(&p2, "6.1", "/tmp/a.msu", "/tmp/b.cab", 1);
    /* a folder outside the safe set: the plan cannot be run */
    hand(&p3, "6.0", "/tmp/s s/a.msu", "/tmp/b.msu", 0);
    hosts[0] = (ps_ansible_host){"srv1", &p1.plan, NULL};
    hosts[1] = (ps_ansible_host){"srv2", &p2.plan, "bad {{ lookup('pipe', 'id') }}\n\"x\""};
    hosts[2] = (ps_ansible_host){"srv3.example.com", &p3.plan, NULL};
    assert_int_equal(ps_ansible_build(hosts, 3, NULL, &so, &files, &n, msg, sizeof msg), 0);
    assert_int_equal(n, 9);
    assert_non_null(file_of(files, n, "site.yml"));
    assert_non_null(file_of(files, n, "tasks/patchseq-step.yml"));
    assert_non_null(file_of(files, n, "collect.yml"));
    assert_null(file_of(files, n, "group_vars/windows.yml"));

    t = text_of(files, n, "host_vars/srv1.yml");
    assert_non_null(strstr(t, "patchseq_plan_id: !unsafe \"patchseq-6.0-x64-"));
    assert_non_null(strstr(t, "patchseq_skip_reason: !unsafe \"\"\n"));
    assert_non_null(strstr(t, "  - step: 1\n    kb: !unsafe \"KB4493730\"\n"
                              "    file: !unsafe \"ssu\\\\Windows6.0-KB4493730-x64.msu\"\n"
                              "    src: !unsafe \"ssu/Windows6.0-KB4493730-x64.msu\"\n"
                              "    name: !unsafe \"Windows6.0-KB4493730-x64.msu\"\n"
                              "    sha256: !unsafe \"" SHA_A "\"\n"
                              "    tool: wusa\n    restart: true\n    window: 0\n"));
    /* a .cab on 6.0: pkgmgr; the last step has no restart after it */
    assert_non_null(strstr(t, "  - step: 3\n    kb: !unsafe \"KB4474419\"\n"));
    assert_non_null(strstr(t, "    tool: pkgmgr\n    restart: false\n    window: 0\n"));
    assert_null(strstr(t, "step: 2"));
    assert_non_null(strstr(t, "patchseq_windows: 0\n"));

    /* skipped with its reason, escaped and never a template */
    t = text_of(files, n, "host_vars/srv2.yml");
    assert_non_null(strstr(t, "patchseq_skip_reason: !unsafe \"bad {{ lookup('pipe', 'id') }}\\n\\\"x\\\"\"\n"));
    assert_non_null(strstr(t, "patchseq_steps: []\n"));
    assert_null(strstr(t, "KB4474419"));

    /* refused by the script checks: skipped, the reason names the file */
    t = text_of(files, n, "host_vars/srv3.example.com.yml");
    assert_non_null(strstr(t, "patchseq_skip_reason: !unsafe \"/tmp/s s/a.msu: a folder"));
    assert_non_null(strstr(t, "patchseq_steps: []\n"));

    t = text_of(files, n, "inventory.ini");
    assert_non_null(strstr(t, "[patchseq]\nsrv1\nsrv2\nsrv3.example.com\n\n[patchseq:vars]\n"));
    t = text_of(files, n, "README.txt");
    assert_non_null(strstr(t, "  srv1: 2 installs\n  srv2: skipped"));
    assert_non_null(strstr(t, "  srv3.example.com: skipped"));
    t = text_of(files, n, "group_vars/all.yml");
    assert_non_null(strstr(t, "patchseq_bundle: !unsafe \"/tmp\"\n"));
    ps_ansible_files_free(files, n);

    /* windows: each step carries its window */
    hosts[1].skip_reason = NULL;
    assert_int_equal(ps_ansible_build(hosts + 1, 1, NULL, &so, &files, &n, msg, sizeof msg), 0);
    t = text_of(files, n, "host_vars/srv2.yml");
    assert_non_null(strstr(t, "patchseq_windows: 2\n"));
    assert_non_null(strstr(t, "    tool: wusa\n    restart: true\n    window: 1\n"));
    assert_non_null(strstr(t, "    tool: dism\n    restart: false\n    window: 2\n"));
    ps_ansible_files_free(files, n);
}

/* The ESU activation: a step with its year and the IDs of the editions;
 * an ID that is no GUID, or none, and the host is skipped with the reason. */
static void test_manual(void **state)
{
    hand_plan p;
    ps_plan_step steps[4];
    ps_kb_activation client = {.id = (char *)"11111111-2222-3333-4444-555555555555"};
    ps_kb_activation server = {.id = (char *)"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"};
    ps_kb_activation bad = {.id = (char *)"{{ lookup('pipe', 'id') }}"};
    const char *roots[] = {"/tmp"};
    ps_script_opts so = {roots, 1};
    ps_ansible_host host;
    ps_ansible_file *files = NULL;
    size_t n = 0;
    char msg[512];
    const char *t;

    (void)state;
    hand(&p, "6.0", "/tmp/a.msu", "/tmp/b.msu", 0);
    steps[0] = p.steps[0];
    steps[1] = p.steps[1];
    steps[2] = (ps_plan_step){.action = PS_STEP_MANUAL, .node = PS_NO_NODE, .esu_year = 2,
                              .activations = {&client, &server}, .n_activations = 2};
    steps[3] = p.steps[2];
    p.ap.steps = steps;
    p.ap.n_steps = 4;
    host = (ps_ansible_host){"srv1", &p.plan, NULL};
    assert_int_equal(ps_ansible_build(&host, 1, NULL, &so, &files, &n, msg, sizeof msg), 0);
    t = text_of(files, n, "host_vars/srv1.yml");
    assert_non_null(strstr(t, "# 1 ESU activation step: the run needs patchseq_esu_key"));
    assert_non_null(strstr(t, "  - step: 3\n    action: manual\n    kb: !unsafe \"esu-year-2\"\n"
                              "    year: 2\n"
                              "    activation_client: !unsafe \"11111111-2222-3333-4444-555555555555\"\n"
                              "    activation_server: !unsafe \"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\"\n"
                              "    restart: false\n    window: 0\n  - step: 4\n"));
    /* the step before the restart keeps its restart */
    assert_non_null(strstr(t, "    restart: true\n    window: 0\n  - step: 3\n"));
    ps_ansible_files_free(files, n);

    /* one ID: both are it */
    steps[2].n_activations = 1;
    steps[2].activations[0] = &server;
    assert_int_equal(ps_ansible_build(&host, 1, NULL, &so, &files, &n, msg, sizeof msg), 0);
    t = text_of(files, n, "host_vars/srv1.yml");
    assert_non_null(strstr(t, "activation_client: !unsafe \"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\"\n"
                              "    activation_server: !unsafe \"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\"\n"));
    ps_ansible_files_free(files, n);

    /* no ID, or one that is no GUID: the host is skipped with the reason */
    steps[2].n_activations = 0;
    assert_int_equal(ps_ansible_build(&host, 1, NULL, &so, &files, &n, msg, sizeof msg), 0);
    t = text_of(files, n, "host_vars/srv1.yml");
    assert_non_null(strstr(t, "patchseq_skip_reason: !unsafe \"step 3: the knowledge base knows no ESU "
                              "activation ID of year 2"));
    assert_non_null(strstr(t, "patchseq_steps: []\n"));
    ps_ansible_files_free(files, n);
    steps[2].n_activations = 1;
    steps[2].activations[0] = &bad;
    assert_int_equal(ps_ansible_build(&host, 1, NULL, &so, &files, &n, msg, sizeof msg), 0);
    t = text_of(files, n, "host_vars/srv1.yml");
    assert_non_null(strstr(t, "is not a GUID"));
    assert_null(strstr(t, "lookup"));
    ps_ansible_files_free(files, n);
}

static void test_refusals(void **state)
{
    hand_plan p;
    const char *roots[] = {"a", "b"};
    ps_script_opts two = {roots, 2};
    ps_ansible_host hosts[2];
    ps_ansible_file *files = NULL;
    size_t n = 0;
    char msg[512];

    (void)state;
    hand(&p, "6.0", "a.msu", "b.msu", 0);
    hosts[0] = (ps_ansible_host){"srv1", &p.plan, NULL};
    hosts[1] = (ps_ansible_host){"SRV1", &p.plan, NULL};
    assert_int_equal(ps_ansible_build(hosts, 2, NULL, NULL, &files, &n, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "given twice"));
    assert_null(files);
    hosts[1].name = "bad name";
    assert_int_equal(ps_ansible_build(hosts, 2, NULL, NULL, &files, &n, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "'bad name' cannot be an Ansible host"));
    hosts[1].name = NULL; /* no name: only for a single plan */
    assert_int_equal(ps_ansible_build(hosts, 2, NULL, NULL, &files, &n, msg, sizeof msg), -1);
    assert_int_equal(ps_ansible_build(hosts, 0, NULL, NULL, &files, &n, msg, sizeof msg), -1);
    assert_int_equal(ps_ansible_build(hosts, 1, NULL, &two, &files, &n, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "one bundle"));
}

static void test_default_group(void **state)
{
    hand_plan p;
    ps_ansible_host h;
    ps_ansible_file *files = NULL;
    size_t n = 0;
    char msg[512];
    const char *t;

    (void)state;
    hand(&p, "6.0", "a.msu", "b.msu", 0);
    h = (ps_ansible_host){NULL, &p.plan, NULL};
    assert_int_equal(ps_ansible_build(&h, 1, NULL, NULL, &files, &n, msg, sizeof msg), 0);
    assert_non_null(file_of(files, n, "group_vars/windows.yml"));
    t = text_of(files, n, "inventory.ini");
    assert_non_null(strstr(t, "[windows]\n"));
    assert_non_null(strstr(t, "[patchseq:children]\nwindows\n"));
    t = text_of(files, n, "group_vars/all.yml");
    assert_non_null(strstr(t, "patchseq_bundle: !unsafe \"\"\n"));
    ps_ansible_files_free(files, n);
}

static void test_write(void **state)
{
    hand_plan p;
    ps_ansible_host h;
    char tmpl[] = "/tmp/ps-ansible-XXXXXX", msg[1024], path[512], outside[512];
    struct stat st;
    FILE *fp;

    (void)state;
    assert_non_null(mkdtemp(tmpl));
    hand(&p, "6.0", "a.msu", "b.msu", 0);
    h = (ps_ansible_host){"srv1", &p.plan, NULL};
    snprintf(path, sizeof path, "%s/out", tmpl);
    assert_int_equal(ps_render_ansible(path, &h, 1, NULL, NULL, msg, sizeof msg), 0);
    snprintf(path, sizeof path, "%s/out/host_vars/srv1.yml", tmpl);
    assert_int_equal(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s/out/tasks/patchseq-step.yml", tmpl);
    assert_int_equal(stat(path, &st), 0);

    /* a link in the folder: refused before anything is written */
    snprintf(outside, sizeof outside, "%s/outside", tmpl);
    fp = fopen(outside, "w");
    assert_non_null(fp);
    fputs("keep\n", fp);
    fclose(fp);
    snprintf(path, sizeof path, "%s/out2", tmpl);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/out2/README.txt", tmpl);
    assert_int_equal(symlink(outside, path), 0);
    snprintf(path, sizeof path, "%s/out2", tmpl);
    assert_int_equal(ps_render_ansible(path, &h, 1, NULL, NULL, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "symbolic link"));
    snprintf(path, sizeof path, "%s/out2/site.yml", tmpl);
    assert_int_not_equal(stat(path, &st), 0);
    assert_int_equal(stat(outside, &st), 0);
    assert_int_equal(st.st_size, 5);
    /* a linked subfolder too */
    snprintf(path, sizeof path, "%s/out3", tmpl);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/out3/host_vars", tmpl);
    assert_int_equal(symlink(tmpl, path), 0);
    snprintf(path, sizeof path, "%s/out3", tmpl);
    assert_int_equal(ps_render_ansible(path, &h, 1, NULL, NULL, msg, sizeof msg), -1);
    snprintf(path, sizeof path, "%s/srv1.yml", tmpl);
    assert_int_not_equal(stat(path, &st), 0);
    /* a file as the folder */
    assert_int_equal(ps_render_ansible(outside, &h, 1, NULL, NULL, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "not a folder"));

    snprintf(path, sizeof path, "rm -rf '%s'", tmpl);
    assert_int_equal(system(path), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_fleet),
        cmocka_unit_test(test_manual),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_default_group),
        cmocka_unit_test(test_write),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
