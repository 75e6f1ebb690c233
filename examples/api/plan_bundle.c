/*
 * plan_bundle.c - plans a bundle with the public API of libpatchseq
 * (patchseq/api.h), without the command line: the install steps of each
 * (OS, architecture), then the findings, then why one KB is where it is.
 *
 *   plan_bundle [--arch x86|x64|ia64] [--explain KB] PATH...
 *
 * Built against the installed headers only (include/), linked with the
 * shared library; the test suite runs it on the example bundle and checks
 * its steps against `patchseq plan --format json`.
 */
#include <patchseq/api.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, const ps_error *e)
{
    fprintf(stderr, "plan_bundle: %s: %s (%s)\n", what, e->message, ps_error_code_name(e->code));
    return 2;
}

int main(int argc, char **argv)
{
    ps_knowledge *k = NULL;
    ps_packages *p = NULL;
    ps_install_plan *pl = NULL;
    ps_plan_options opts;
    ps_error e;
    const char *explain = NULL;
    char *doc = NULL;
    size_t len = 0, found = 0;
    int i = 1, rc = 2;

    ps_plan_options_init(&opts);
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (strcmp(argv[i], "--arch") == 0) {
            ps_arch a = ps_arch_parse(argv[i + 1]);

            if (a == PS_ARCH_NONE) {
                fprintf(stderr, "plan_bundle: unknown architecture %s\n", argv[i + 1]);
                return 2;
            }
            opts.arch_mask |= PS_ARCH_BIT(a);
        } else if (strcmp(argv[i], "--explain") == 0) {
            explain = argv[i + 1];
        } else {
            break;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "usage: plan_bundle [--arch ARCH] [--explain KB] PATH...\n");
        return 2;
    }
    if (ps_knowledge_open(NULL, &k, &e) != PS_E_NONE) {
        rc = fail("knowledge base", &e);
        goto out;
    }
    if (ps_packages_open((const char *const *)argv + i, (size_t)(argc - i), NULL, &p, &e) !=
        PS_E_NONE) {
        rc = fail("bundle", &e);
        goto out;
    }
    if (ps_install_plan_make(p, k, &opts, &pl, &e) != PS_E_NONE) {
        rc = fail("plan", &e);
        goto out;
    }
    printf("%zu packages read\n", ps_packages_count(p));
    for (size_t t = 0; t < ps_install_plan_targets(pl); t++) {
        const char *os;
        ps_arch arch;

        ps_install_plan_target(pl, t, &os, &arch);
        printf("plan %s %s\n", os, ps_arch_name(arch));
        for (size_t s = 0; s < ps_install_plan_steps(pl, t); s++) {
            ps_step_info st;

            ps_install_plan_step(pl, t, s, &st);
            if (st.reboot)
                printf("  %zu. restart\n", s + 1);
            else
                printf("  %zu. install %s (%s)\n", s + 1, st.kb, st.file);
        }
    }
    {
        const ps_findings *f = ps_install_plan_findings(pl);

        for (size_t n = 0; n < f->count; n++)
            printf("finding %s %s: %s\n", ps_severity_name(f->items[n].severity),
                   ps_finding_code_name(f->items[n].code), f->items[n].message);
        rc = ps_findings_max_severity(f) >= (int)PS_SEV_ERROR ? 1 : 0;
    }
    if (explain) {
        if (ps_install_plan_explain(pl, explain, &doc, &len, &found, &e) != PS_E_NONE) {
            rc = fail("explain", &e);
            goto out;
        }
        printf("explain %s (%zu found)\n", explain, found);
        fwrite(doc, 1, len, stdout);
    }
out:
    free(doc);
    ps_install_plan_free(pl);
    ps_packages_free(p);
    ps_knowledge_free(k);
    return rc;
}
