/*
 * test_alloc.c - every allocation of patchseq's own code made to fail in
 * turn (util/alloc.h), over an inventory parse, a lock parse and a plan
 * with its renderings (text, json, md, cmd), and an html rendering of one
 * plan: each failure gives a clean error, nothing leaks (the ASan build
 * checks), and a document is either refused or exactly the one made
 * without failures, never shorter.
 *
 * usage: test_alloc BUNDLE_DIR   (the example bundle; the knowledge base
 * from $PATCHSEQ_DATA_DIR)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "findings.h"
#include "inventory.h"
#include "kb.h"
#include "lock.h"
#include "plan.h"
#include "render.h"
#include "script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *bundle_dir;

/* A bound on the loops, which stop at the first n no run reaches. */
#define MAX_RUNS 200000ul

/* ps_grow: doubling from first, cap kept on failure, overflow refused. */
static void test_grow(void **state)
{
    size_t cap = 0;
    int *v = NULL, *n;

    (void)state;
    v = ps_grow(v, &cap, 1, sizeof *v, 16);
    assert_non_null(v);
    assert_int_equal(cap, 16);
    assert_ptr_equal(ps_grow(v, &cap, 16, sizeof *v, 16), v); /* room already */
    assert_int_equal(cap, 16);
    n = ps_grow(v, &cap, 17, sizeof *v, 16);
    assert_non_null(n);
    v = n;
    assert_int_equal(cap, 32);
    v[31] = 7;
    n = ps_grow(v, &cap, 100, sizeof *v, 16);
    assert_non_null(n);
    v = n;
    assert_int_equal(cap, 128);
    assert_int_equal(v[31], 7);

    ps_alloc_fail_at(1); /* the allocation fails: array and cap unchanged */
    assert_null(ps_grow(v, &cap, 129, sizeof *v, 16));
    assert_true(ps_alloc_failed());
    ps_alloc_fail_at(0);
    assert_int_equal(cap, 128);
    assert_int_equal(v[31], 7);

    assert_null(ps_grow(v, &cap, SIZE_MAX / 2, sizeof *v, 16)); /* overflow */
    assert_int_equal(cap, 128);
    free(v);

    cap = 0; /* a first of 0 still makes room */
    v = ps_grow(NULL, &cap, 3, sizeof *v, 0);
    assert_non_null(v);
    assert_int_equal(cap, 4);
    free(v);
}

static void test_inventory(void **state)
{
    static const char text[] =
        "\"Source\",\"Description\",\"HotFixID\",\"InstalledBy\",\"InstalledOn\"\r\n"
        "\"WS08\",\"Security Update\",\"KB4493730\",\"NT AUTHORITY\\SYSTEM\",\"4/16/2019\"\r\n"
        "\"WS08\",\"Update\",\"KB4474419\",\"NT AUTHORITY\\SYSTEM\",\"4/16/2019\"\r\n";
    ps_inventory ref, inv;
    ps_err err;
    unsigned long n;

    (void)state;
    assert_int_equal(ps_inventory_parse(text, sizeof text - 1, &ref, &err), 0);
    assert_int_equal(ref.n_kbs, 2);
    for (n = 1; n < MAX_RUNS; n++) {
        int rc;

        ps_alloc_fail_at(n);
        rc = ps_inventory_parse(text, sizeof text - 1, &inv, &err);
        ps_alloc_fail_at(0);
        if (rc == 0) {
            assert_int_equal(inv.n_kbs, ref.n_kbs);
            for (size_t i = 0; i < inv.n_kbs; i++)
                assert_string_equal(inv.kbs[i], ref.kbs[i]);
            ps_inventory_free(&inv);
        } else {
            assert_true(ps_alloc_failed());
            assert_non_null(strstr(err.msg, "memory"));
        }
        if (!ps_alloc_failed())
            break;
    }
    assert_true(n > 1 && n < MAX_RUNS);
    ps_inventory_free(&ref);
}

/* One plan of the bundle, and its documents; 0, or -1 on any failure. */
typedef struct docs {
    char *text, *json, *md, *cmd;
    size_t nfind;
} docs;

static void docs_free(docs *d)
{
    free(d->text);
    free(d->json);
    free(d->md);
    free(d->cmd);
    memset(d, 0, sizeof *d);
}

static int make_docs(const ps_bundle *b, const ps_kb *kb, docs *d)
{
    ps_plan_opts o;
    ps_plan plan;
    ps_findings f = {0};
    ps_buf s = {0};
    size_t len;
    int rc = -1;

    memset(d, 0, sizeof *d);
    memset(&plan, 0, sizeof plan);
    ps_plan_opts_default(&o);
    o.arch_mask = PS_ARCH_BIT(PS_ARCH_X64);
    if (ps_plan_build(&plan, b, kb, &o, &f) != 0)
        goto out;
    ps_findings_sort(&f);
    d->nfind = f.count;
    if ((d->text = ps_plan_render_with("text", &plan, &f, NULL, &len)) == NULL ||
        (d->json = ps_plan_render_with("json", &plan, &f, NULL, &len)) == NULL ||
        (d->md = ps_plan_render_with("md", &plan, &f, NULL, &len)) == NULL)
        goto out;
    if (ps_plan_render_script(&s, "cmd", &plan, &f, NULL) != 0 ||
        (d->cmd = ps_buf_steal(&s, &len)) == NULL)
        goto out;
    rc = 0;
out:
    ps_buf_free(&s);
    ps_plan_free(&plan);
    ps_findings_free(&f);
    if (rc != 0)
        docs_free(d);
    return rc;
}

/* The shipped knowledge base and the test bundle, read whole (no cache),
 * with hashes when a script is rendered from it. */
static void load_bundle(ps_kb *kb, ps_bundle *b, ps_findings *f, int hash)
{
    const char *paths[] = {bundle_dir};
    ps_read_opts ro;
    char msg[512];

    memset(kb, 0, sizeof *kb);
    assert_true(ps_kb_load(kb, ps_kb_default_dir(), f, msg, sizeof msg) >= 0);
    ps_read_opts_default(&ro);
    ro.hash = hash;
    ro.no_cache = 1;
    assert_int_equal(ps_bundle_read(b, paths, 1, &ro, f, msg, sizeof msg), 0);
    assert_true(b->count > 0);
}

static void test_plan(void **state)
{
    ps_bundle b = {0};
    ps_kb kb;
    ps_findings f = {0};
    docs ref, d;
    unsigned long n, failed = 0;

    (void)state;
    load_bundle(&kb, &b, &f, 1); /* a script names each file's SHA-256 */
    assert_int_equal(make_docs(&b, &kb, &ref), 0);
    assert_non_null(strstr(ref.cmd, "KB4474419"));
    for (n = 1; n < MAX_RUNS; n++) {
        int rc;

        ps_alloc_fail_at(n);
        rc = make_docs(&b, &kb, &d);
        ps_alloc_fail_at(0);
        if (rc == 0) {
            /* a failure absorbed leaves every document whole */
            assert_int_equal(d.nfind, ref.nfind);
            assert_string_equal(d.text, ref.text);
            assert_string_equal(d.json, ref.json);
            assert_string_equal(d.md, ref.md);
            assert_string_equal(d.cmd, ref.cmd);
            docs_free(&d);
        } else {
            assert_true(ps_alloc_failed());
            failed++;
        }
        if (!ps_alloc_failed())
            break;
    }
    assert_true(n < MAX_RUNS);
    assert_true(failed > 0);
    print_message("plan and renderings: %lu allocations, each failed once\n", n - 1);
    docs_free(&ref);
    ps_bundle_free(&b);
    ps_kb_free(&kb);
    ps_findings_free(&f);
}

/* The html document of one plan, each allocation of its rendering failed
 * in turn: refused, or the whole document (the plain-words reason of a
 * step is made in a buffer of its own, and its failure fails the
 * document). */
static void test_html(void **state)
{
    ps_bundle b = {0};
    ps_kb kb;
    ps_findings f = {0};
    ps_plan_opts o;
    ps_plan plan;
    char *ref, *doc;
    size_t len;
    unsigned long n, failed = 0;

    (void)state;
    memset(&plan, 0, sizeof plan);
    load_bundle(&kb, &b, &f, 0);
    ps_plan_opts_default(&o);
    o.arch_mask = PS_ARCH_BIT(PS_ARCH_X64);
    assert_int_equal(ps_plan_build(&plan, &b, &kb, &o, &f), 0);
    ps_findings_sort(&f);
    assert_true(plan.count > 0 && plan.plans[0].n_steps > 0);
    ref = ps_plan_render_with("html", &plan, &f, NULL, &len);
    assert_non_null(ref);
    assert_non_null(strstr(ref, "</html>"));
    for (n = 1; n < MAX_RUNS; n++) {
        ps_alloc_fail_at(n);
        doc = ps_plan_render_with("html", &plan, &f, NULL, &len);
        ps_alloc_fail_at(0);
        if (doc != NULL) {
            assert_string_equal(doc, ref);
            free(doc);
        } else {
            assert_true(ps_alloc_failed());
            failed++;
        }
        if (!ps_alloc_failed())
            break;
    }
    assert_true(n < MAX_RUNS);
    assert_true(failed > 0);
    print_message("html rendering: %lu allocations, each failed once\n", n - 1);
    free(ref);
    ps_plan_free(&plan);
    ps_bundle_free(&b);
    ps_kb_free(&kb);
    ps_findings_free(&f);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grow),
        cmocka_unit_test(test_inventory),
        cmocka_unit_test(test_plan),
        cmocka_unit_test(test_html),
    };

    if (argc < 2) {
        fprintf(stderr, "usage: test_alloc BUNDLE_DIR\n");
        return 2;
    }
    bundle_dir = argv[1];
    return cmocka_run_group_tests(tests, NULL, NULL);
}
