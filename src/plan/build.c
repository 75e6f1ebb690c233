/*
 * build.c - ps_plan_build, the planner's driver: the package checks
 * (wrong-os, arch-mismatch, already-installed), one plan per (OS,
 * architecture), and for each the pipeline of src/plan/: nodes per KB
 * (node.c), what leaves the plan first (supersede.c), requirements resolved
 * into typed edges (resolve.c), the fixpoint that leaves out what cannot be
 * planned, then the order, the reboots (steps.c) and the findings (why.c).
 *
 * Requirements (hard): a servicing stack (installerAssembly newer than the
 * machine's), SHA-2 support before a SHA-2-only package (a barrier), the
 * knowledge base's <require> rules, WSUS prerequisites naming a package of
 * the bundle.  Each lists the packages that could satisfy it.  With one
 * candidate the edge is fixed; with several the planner prefers a package
 * already in the plan, the newest first, whose edge creates no cycle.  A
 * superseded package that is the only acyclic choice is kept ("needed").
 * When nothing satisfies a requirement, the package leaves the plan
 * (missing-prerequisite) and resolution starts again without it, until
 * nothing changes (at most one round per package).
 *
 * Order rules (<order>, "when both are present, A goes first") come once
 * the requirements are settled: every planned A goes before B unless B
 * must already come before A (the rule yields to the requirements); when
 * no planned A can go first but a superseded one of the bundle can, that
 * one is kept for it.  This is how the SHA-1-signed SSU KB4493730 stays
 * before KB4474419 when the only newer SSU is SHA-2-only.
 *
 * Order: the reboot level of a package is the number of barrier edges on
 * the longest path to it; levels go in turn, a reboot between two, and
 * inside a level the ready package with the smallest (phase, release date,
 * KB number, file name) goes first, so that the plan does not depend on
 * the order in which files were found.  A final reboot follows when a
 * package installed after the last one may need it.
 */
#include "plan_int.h"
#include "alloc.h"
#include "parse.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Plans one (OS, arch) whose nodes are set.  -1 on OOM. */
static int plan_one(ps_arch_plan *ap, const ps_kb *kb, const ps_plan_opts *opts, ps_findings *f)
{
    planner pl = {0};
    size_t n = ap->n_nodes ? ap->n_nodes : 1;
    int rc = -1;

    pl.ap = ap;
    pl.kb = kb;
    pl.opts = opts;
    pl.inplan = ps_calloc(n, 1);
    pl.work = ps_calloc(n, sizeof *pl.work);
    pl.cand = ps_calloc(n, sizeof *pl.cand);
    pl.gone = ps_calloc(n, sizeof *pl.gone);
    pl.stack = ps_calloc(n + 1, sizeof *pl.stack);
    pl.seen = ps_calloc(n, 1);
    pl.indeg = ps_calloc(n, sizeof *pl.indeg);
    pl.left = ps_calloc(n, 1);
    pl.path = ps_calloc(n + 1, sizeof *pl.path);
    pl.pos = ps_calloc(n, sizeof *pl.pos);
    pl.sup = ps_calloc(n, 1);
    pl.out_head = ps_calloc(n, sizeof *pl.out_head);
    pl.in_head = ps_calloc(n, sizeof *pl.in_head);
    if (!pl.inplan || !pl.work || !pl.cand || !pl.gone || !pl.stack || !pl.seen || !pl.indeg ||
        !pl.left || !pl.path || !pl.pos || !pl.sup || !pl.out_head || !pl.in_head)
        goto out;
    ps_plan_edges_reset(&pl);
    if (ap->n_nodes > 1)
        qsort(ap->nodes, ap->n_nodes, sizeof *ap->nodes, ps_plan_node_qsort_cmp);
    if (ps_plan_mark_unsafe_names(ap) != 0)
        goto out;
    ps_plan_choose_revisions(ap);
    if (ps_plan_duplicate_texts(ap) != 0 || ps_plan_machine_state(&pl) != 0 ||
        ps_plan_superseded_by_machine(&pl) != 0 || ps_plan_apply_track(&pl) != 0)
        goto out;
    /* each round either leaves a node out or ends: at most n_nodes + 1 rounds */
    for (size_t round = 0; round <= ap->n_nodes; round++) {
        if (ps_plan_resolve_round(&pl) != 0)
            goto out;
        if (pl.excluded)
            continue;
        if (ps_plan_check_acyclic(&pl) != 0)
            goto out;
        if (!pl.excluded)
            break;
    }
    if (ps_plan_make_steps(&pl) != 0 || ps_plan_manual_steps(&pl) != 0 ||
        ps_plan_findings(ap, f) != 0 || ps_plan_esu_finding(ap, kb, f) != 0)
        goto out;
    if (opts->window_minutes && ps_plan_make_windows(ap, opts, f) != 0)
        goto out;
    rc = 0;
out:
    ps_plan_queue_clear(&pl);
    free(pl.q);
    free(pl.inplan);
    free(pl.work);
    free(pl.cand);
    free(pl.gone);
    free(pl.stack);
    free(pl.seen);
    free(pl.indeg);
    free(pl.left);
    free(pl.path);
    free(pl.pos);
    free(pl.sup);
    free(pl.out_head);
    free(pl.in_head);
    free(pl.out_next);
    free(pl.in_next);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The bundle                                                          */
/* ------------------------------------------------------------------ */

static bool finding_present(const ps_findings *f, ps_finding_code code, const char *file)
{
    for (size_t i = 0; i < f->count; i++)
        if (f->items[i].code == code && ps_strcmp_null_last(f->items[i].file, file) == 0)
            return true;
    return false;
}

/* Is build ("6.0.6003") of OS os ("6.0")? */
static bool os_matches(const char *build, const char *os)
{
    size_t n = strlen(os);

    return strncmp(build, os, n) == 0 && (build[n] == '.' || build[n] == '\0');
}

/* Checks one package; returns 1 when it can be planned, 2 when it is
 * installed (a node that satisfies requirements, with no step), 0 when it
 * is not planned.  *machine is set when it is not planned only because the
 * machine of the inventory is another architecture or OS. */
static int package_check(const ps_package *p, const ps_kb *kb, const ps_plan_opts *opts,
                         ps_findings *f, int *err, int *machine)
{
    ps_where w = {p->file, NULL, 0, p->arch, p->os, p->kb};

    *err = 0;
    *machine = 0;
    if (!p->readable || p->kb == NULL || p->arch == PS_ARCH_NONE)
        return 0;
    if (opts->inventory && opts->inventory->arch != PS_ARCH_NONE &&
        opts->inventory->arch != p->arch && p->os && ps_kb_rules_for(kb, p->os)) {
        *machine = 1;
        return 0;
    }
    if (opts->arch_mask && !(opts->arch_mask & PS_ARCH_BIT(p->arch)))
        return 0;
    if (opts->os && (p->os == NULL || strcmp(p->os, opts->os) != 0))
        return 0; /* --os: another OS family of a mixed share */
    if (p->os == NULL || ps_kb_rules_for(kb, p->os) == NULL) {
        if (finding_present(f, PS_F_WRONG_OS, p->file))
            return 0;
        *err = ps_plan_why_no_rules(f, &w, p->os);
        return 0;
    }
    if (p->name_os && strcmp(p->name_os, p->os) != 0 &&
        !finding_present(f, PS_F_WRONG_OS, p->file) &&
        ps_plan_why_name_os(f, &w, p->name_os, p->os) != 0) {
        *err = -1;
        return 0;
    }
    if (p->name_arch != PS_ARCH_NONE && p->name_arch != p->arch &&
        !finding_present(f, PS_F_ARCH_MISMATCH, p->file) &&
        ps_plan_why_name_arch(f, &w, p) != 0) {
        *err = -1;
        return 0;
    }
    if (opts->inventory && opts->inventory->os_build &&
        !os_matches(opts->inventory->os_build, p->os)) {
        *machine = 1;
        if (!finding_present(f, PS_F_WRONG_OS, p->file))
            *err = ps_plan_why_inventory_os(f, &w, opts->inventory->os_build);
        return 0;
    }
    if (ps_inventory_has(opts->inventory, p->kb)) {
        if (ps_plan_why_already_installed(f, &w, p->kb) != 0)
            *err = -1;
        return 2;
    }
    return 1;
}

static int plan_cmp(const void *a, const void *b)
{
    const ps_arch_plan *x = a, *y = b;
    int c = ps_version_cmp(x->os, y->os);

    return c ? c : (int)x->arch - (int)y->arch;
}

int ps_plan_build(ps_plan *plan, const ps_bundle *b, const ps_kb *kb, const ps_plan_opts *opts,
                  ps_findings *f)
{
    ps_plan_opts none;
    unsigned char *ok = NULL;
    int rc = -1, err, machine;
    size_t n_machine = 0, n_planned = 0;

    memset(plan, 0, sizeof *plan);
    if (opts == NULL) {
        ps_plan_opts_default(&none);
        opts = &none;
    }
    ok = ps_calloc(b->count ? b->count : 1, 1);
    if (ok == NULL)
        goto out;
    for (size_t i = 0; i < b->count; i++) {
        ok[i] = (unsigned char)package_check(&b->items[i], kb, opts, f, &err, &machine);
        if (err)
            goto out;
        n_machine += machine != 0;
        n_planned += ok[i] != 0;
    }
    /* a non-empty bundle with nothing for the machine of the inventory */
    if (n_machine && n_planned == 0 &&
        ps_plan_why_nothing_for_machine(f, opts->inventory, n_machine) != 0)
        goto out;
    /* one plan per (os, arch) present */
    for (size_t i = 0; i < b->count; i++) {
        const ps_package *p = &b->items[i];
        ps_arch_plan *ap = NULL;
        ps_plan_node *nn;

        if (!ok[i])
            continue;
        for (size_t j = 0; j < plan->count && ap == NULL; j++)
            if (plan->plans[j].arch == p->arch && strcmp(plan->plans[j].os, p->os) == 0)
                ap = &plan->plans[j];
        if (ap == NULL) {
            ps_arch_plan *np = ps_realloc(plan->plans, (plan->count + 1) * sizeof *np);

            if (np == NULL)
                goto out;
            plan->plans = np;
            ap = &plan->plans[plan->count];
            memset(ap, 0, sizeof *ap);
            ap->arch = p->arch;
            ap->os = ps_strdup(p->os);
            plan->count++;
            if (ap->os == NULL)
                goto out;
            ap->rules = ps_kb_rules_for(kb, p->os);
            ap->start_build = ap->rules->base_build;
            if (opts->inventory && opts->inventory->os_build)
                ap->start_build = opts->inventory->os_build; /* of this OS: checked above */
        }
        nn = ps_realloc(ap->nodes, (ap->n_nodes + 1) * sizeof *nn);
        if (nn == NULL)
            goto out;
        ap->nodes = nn;
        if (ps_plan_node_init(&ap->nodes[ap->n_nodes++], p, kb, ap->rules) != 0)
            goto out;
        if (ok[i] == 2) {
            ps_plan_node *in = &ap->nodes[ap->n_nodes - 1];

            in->state = PS_NODE_INSTALLED;
            in->why = ps_plan_why_inventory_lists(in->kb);
            if (in->why == NULL)
                goto out;
        }
    }
    if (plan->count > 1)
        qsort(plan->plans, plan->count, sizeof *plan->plans, plan_cmp);
    for (size_t j = 0; j < plan->count; j++)
        if (plan_one(&plan->plans[j], kb, opts, f) != 0)
            goto out;
    rc = 0;
out:
    free(ok);
    if (rc != 0)
        ps_plan_free(plan);
    return rc;
}

