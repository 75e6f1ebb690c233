/*
 * plan.c - the planner: nodes per (OS, architecture, KB), supersedence,
 * requirements resolved into typed edges, the fixpoint that leaves out what
 * cannot be planned, then the order, the reboots and the findings.
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
#include "plan.h"
#include "plan_int.h"
#include "alloc.h"
#include "parse.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

const char *ps_edge_kind_name(ps_edge_kind k)
{
    switch (k) {
    case PS_EDGE_STACK:
        return "stack";
    case PS_EDGE_SHA2:
        return "sha2";
    case PS_EDGE_RULE:
        return "rule";
    case PS_EDGE_WSUS:
        return "wsus";
    }
    return "rule";
}

const char *ps_node_state_name(ps_node_state s)
{
    switch (s) {
    case PS_NODE_PLANNED:
        return "planned";
    case PS_NODE_DUPLICATE:
        return "duplicate";
    case PS_NODE_SUPERSEDED:
        return "superseded";
    case PS_NODE_MISSING:
        return "missing-prerequisite";
    case PS_NODE_CYCLE:
        return "dependency-cycle";
    case PS_NODE_UNSAFE:
        return "unsafe-file-name";
    case PS_NODE_INSTALLED:
        return "installed";
    case PS_NODE_WRONG_MACHINE:
        return "wrong-machine";
    case PS_NODE_INCLUDED:
        return "included-in-rollup";
    case PS_NODE_OTHER_TRACK:
        return "other-track";
    case PS_NODE_OPTIONAL:
        return "optional";
    case PS_NODE_EXCLUDED:
        return "excluded";
    case PS_NODE_AFTER_TARGET:
        return "after-target";
    }
    return "planned";
}

void ps_plan_opts_default(ps_plan_opts *o)
{
    memset(o, 0, sizeof *o);
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* The working state of one (OS, architecture) plan                    */
/* ------------------------------------------------------------------ */

static void queue_clear(planner *pl)
{
    for (size_t i = 0; i < pl->n_q; i++)
        free(pl->q[i].cand);
    pl->n_q = 0;
}

/* ------------------------------------------------------------------ */
/* Rules: selectors                                                    */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* The servicing stack: what SSUs deliver, and the closure             */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* Edge texts                                                          */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* Exclusion                                                           */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* Requirements of one node                                            */
/* ------------------------------------------------------------------ */

static int add_to_plan(planner *pl, size_t n);
static void sort_cands(const planner *pl, size_t *c, size_t n);
static int keep_needed(planner *pl, size_t pick, size_t b);

/* Candidates are collected into pl->cand (usable ones) and pl->gone (the
 * ones that left the plan). */
typedef bool (*cand_fn)(const planner *pl, const req *rq, const ps_plan_node *n);

/* An SSU that delivers the stack asked for, whose own minimum stack is
 * reachable without the dependant, and that can come before it. */
static bool cand_stack(const planner *pl, const req *rq, const ps_plan_node *n)
{
    const ps_plan_node *B = &pl->ap->nodes[rq->node];

    return ps_plan_is_ssu(n) && n->stack != NULL &&
           ps_version_cmp(n->stack, B->pkg->installer_version) >= 0 &&
           ps_plan_ssu_installable(pl, n, pl->reach) && ps_plan_sha2_ok_before(pl, n, B);
}

static bool cand_sha2(const planner *pl, const req *rq, const ps_plan_node *n)
{
    return ps_streq_ci(n->kb, ps_plan_enabler_of(pl));
}

/* What the rule names; an SSU only when it can come before the dependant
 * (a SHA-2-only SSU never comes before the SHA-2 support update). */
static bool cand_rule(const planner *pl, const req *rq, const ps_plan_node *n)
{
    return ps_plan_rule_before_matches(pl, rq->rule, n) &&
           !(ps_plan_is_ssu(n) && !ps_plan_sha2_ok_before(pl, n, &pl->ap->nodes[rq->node]));
}

static bool cand_wsus(const planner *pl, const req *rq, const ps_plan_node *n)
{
    return n->pkg->has_wsus && n->pkg->wsus.update_id && pl->wsus_want &&
           ps_streq_ci(n->pkg->wsus.update_id, pl->wsus_want);
}

/* Preference: in the plan and not superseded, newest first; then the rest. */
static int cand_pref(const planner *pl, size_t a, size_t b)
{
    const ps_plan_node *A = &pl->ap->nodes[a], *B = &pl->ap->nodes[b];
    int pa = A->state == PS_NODE_PLANNED, pb = B->state == PS_NODE_PLANNED;
    int c;

    if (pa != pb)
        return pa ? -1 : 1;
    c = ps_strcmp_null_last(B->date, A->date);
    if (c != 0 && A->date && B->date)
        return c;
    return -ps_plan_node_key_cmp(A, B);
}

static void sort_cands(const planner *pl, size_t *c, size_t n)
{
    for (size_t i = 1; i < n; i++) /* insertion sort: few candidates */
        for (size_t j = i; j > 0 && cand_pref(pl, c[j - 1], c[j]) > 0; j--) {
            size_t t = c[j];

            c[j] = c[j - 1];
            c[j - 1] = t;
        }
}

/*
 * Resolves one requirement: collects the candidates; none usable -> the
 * node leaves the plan; one -> fixed edge; several -> queued for choice.
 * Returns 0, 1 when the node left the plan, or -1 on OOM.
 */
static int requirement(planner *pl, req rq, cand_fn fn)
{
    ps_arch_plan *ap = pl->ap;
    size_t n_ok = 0, n_gone = 0;
    size_t *gone = pl->gone;

    for (size_t i = 0; i < ap->n_nodes; i++) {
        const ps_plan_node *n = &ap->nodes[i];

        if (i == rq.node || n->state == PS_NODE_DUPLICATE || !fn(pl, &rq, n))
            continue;
        if (n->state == PS_NODE_INSTALLED)
            return 0; /* the machine has it */
        if (ps_plan_node_excluded(n))
            gone[n_gone++] = i;
        else
            pl->cand[n_ok++] = i;
    }
    if (n_ok == 0) {
        ps_plan_node *B = &ap->nodes[rq.node];
        char *msg = ps_plan_missing_message(pl, &rq, gone, n_gone);
        int rc;

        /* every gap of the node, then it leaves the plan (resolve_node) */
        if (msg == NULL)
            return -1;
        rc = ps_strv_contains(B->gaps, B->n_gaps, msg) ? 0 : ps_strv_push(&B->gaps, &B->n_gaps, msg);
        free(msg);
        return rc != 0 ? -1 : 1;
    }
    if (n_ok == 1) {
        if (ps_plan_edge_for(pl, &rq, pl->cand[0]) != 0)
            return -1;
        return pl->inplan[pl->cand[0]] ? 0 : keep_needed(pl, pl->cand[0], rq.node);
    }
    if (pl->n_q == pl->cap_q) {
        size_t cap = pl->cap_q ? pl->cap_q * 2 : 16;
        req *nq = ps_realloc(pl->q, cap * sizeof *nq);

        if (nq == NULL)
            return -1;
        pl->q = nq;
        pl->cap_q = cap;
    }
    rq.cand = ps_malloc(n_ok * sizeof *rq.cand);
    if (rq.cand == NULL)
        return -1;
    memcpy(rq.cand, pl->cand, n_ok * sizeof *rq.cand);
    rq.n_cand = n_ok;
    sort_cands(pl, rq.cand, rq.n_cand);
    pl->q[pl->n_q++] = rq;
    return 0;
}

/* Every requirement of node n, each gap recorded; a node with a gap
 * leaves the plan (missing-prerequisite) once all are known. */
static int resolve_node(planner *pl, size_t n)
{
    ps_arch_plan *ap = pl->ap;
    const ps_plan_node *B = &ap->nodes[n];
    const char *have = ap->machine.stack;
    req rq = {n, PS_EDGE_STACK, NULL, NULL, 0};
    int rc, gaps = 0;

    /* 1. servicing stack: the machine's, else the fewest usable SSUs */
    if (B->pkg->installer_version && have && ps_version_cmp(B->pkg->installer_version, have) > 0 &&
        !ps_plan_machine_chain_meets(pl, B)) {
        pl->reach = ps_plan_reach_before(pl, n);
        if ((rc = requirement(pl, rq, cand_stack)) < 0)
            return -1;
        gaps += rc;
    }
    /* 2. SHA-2 */
    if (B->sha2_only && !(ps_plan_enabler_of(pl) && ps_streq_ci(B->kb, ps_plan_enabler_of(pl))) &&
        !(ps_plan_enabler_of(pl) && ap->machine.sha2_active)) {
        rq.kind = PS_EDGE_SHA2;
        if ((rc = requirement(pl, rq, cand_sha2)) < 0)
            return -1;
        gaps += rc;
    }
    /* 3. rules that require something */
    for (size_t i = 0; i < ap->rules->n_rules; i++) {
        const ps_rule *r = &ap->rules->rules[i];

        if (r->kind != PS_RULE_REQUIRE || !ps_plan_selector_matches(&r->subject, B))
            continue;
        if (ps_plan_rule_before_matches(pl, r, B) || ps_plan_rule_satisfied_by_inventory(pl, r))
            continue;
        rq.kind = PS_EDGE_RULE;
        rq.rule = r;
        if ((rc = requirement(pl, rq, cand_rule)) < 0)
            return -1;
        gaps += rc;
    }
    /* 4. WSUS prerequisites naming a package of this plan */
    if (B->pkg->has_wsus) {
        for (size_t i = 0; i < B->pkg->wsus.n_prerequisites; i++) {
            const char *id = B->pkg->wsus.prerequisites[i];
            bool named = false;

            for (size_t j = 0; j < ap->n_nodes && !named; j++)
                named = j != n && ap->nodes[j].pkg->has_wsus && ap->nodes[j].pkg->wsus.update_id &&
                        ps_streq_ci(ap->nodes[j].pkg->wsus.update_id, id) &&
                        ap->nodes[j].state != PS_NODE_DUPLICATE;
            if (!named)
                continue; /* a detectoid or an update outside the bundle */
            rq.kind = PS_EDGE_WSUS;
            rq.rule = NULL;
            pl->wsus_want = id;
            if ((rc = requirement(pl, rq, cand_wsus)) < 0)
                return -1;
            gaps += rc;
        }
    }
    if (gaps) {
        const ps_plan_node *nb = &ap->nodes[n];

        return ps_plan_exclude(pl, n, PS_NODE_MISSING, ps_strdup(nb->gaps[0]));
    }
    return 0;
}

/* Plans node `pick`, superseded, because `b` needs it before it. */
static int keep_needed(planner *pl, size_t pick, size_t b)
{
    ps_plan_node *c = &pl->ap->nodes[pick];

    c->needed = 1;
    free(c->needed_why);
    c->needed_why = ps_plan_needed_text(pl, pick, b);
    if (c->needed_why == NULL)
        return -1;
    return add_to_plan(pl, pick);
}

static int add_to_plan(planner *pl, size_t n)
{
    ps_plan_node *nd = &pl->ap->nodes[n];

    if (pl->inplan[n])
        return 0;
    pl->inplan[n] = 1;
    nd->state = PS_NODE_PLANNED;
    pl->work[pl->n_work++] = n;
    return 0;
}

/*
 * Would placing candidate c before b make a cycle?  For a planned c, when b
 * already reaches c.  For one not yet planned (superseded), its edges are
 * not made yet: it would, when a prerequisite that c is sure to get is b or
 * is reached from b (the SHA-2 support update for a SHA-2-only c, a KB that
 * a rule requires for c).
 */
static bool would_cycle(planner *pl, size_t b, size_t c)
{
    ps_arch_plan *ap = pl->ap;
    const ps_plan_node *C = &ap->nodes[c];

    if (pl->inplan[c])
        return ps_plan_reaches(pl, b, c);
    for (size_t x = 0; x < ap->n_nodes; x++) {
        const ps_plan_node *X = &ap->nodes[x];
        bool prereq = false;

        if (x == c || ps_plan_node_excluded(X))
            continue;
        if (C->sha2_only && ps_plan_enabler_of(pl) && !ps_streq_ci(C->kb, ps_plan_enabler_of(pl)) &&
            ps_streq_ci(X->kb, ps_plan_enabler_of(pl)))
            prereq = true;
        for (size_t i = 0; !prereq && i < ap->rules->n_rules; i++) {
            const ps_rule *r = &ap->rules->rules[i];

            prereq = r->kind == PS_RULE_REQUIRE && r->kb && ps_streq_ci(r->kb, X->kb) &&
                     ps_plan_selector_matches(&r->subject, C);
        }
        if (prereq && (x == b || ps_plan_reaches(pl, b, x)))
            return true;
    }
    return false;
}

/* Chooses among the candidates of a queued requirement: the first (by
 * preference) whose edge creates no cycle; if every one would, the first,
 * and the ordering reports the cycle. */
static int choose(planner *pl, const req *rq)
{
    size_t pick = PS_NO_NODE;

    /* what left the plan in this round is settled in the next one */
    if (ps_plan_node_excluded(&pl->ap->nodes[rq->node]))
        return 0;
    /* a candidate the plan already installs first: a superseded SSU is never
     * chained in when one the plan has anyway meets the need */
    for (size_t i = 0; i < rq->n_cand && pick == PS_NO_NODE; i++)
        if (pl->inplan[rq->cand[i]] && !ps_plan_node_excluded(&pl->ap->nodes[rq->cand[i]]) &&
            !would_cycle(pl, rq->node, rq->cand[i]))
            pick = rq->cand[i];
    /* then, for a servicing stack, the newest SSU the machine can take as it
     * is (no chain of SSUs before it) */
    for (size_t i = 0; rq->kind == PS_EDGE_STACK && i < rq->n_cand && pick == PS_NO_NODE; i++)
        if (!ps_plan_node_excluded(&pl->ap->nodes[rq->cand[i]]) &&
            ps_plan_ssu_installable(pl, &pl->ap->nodes[rq->cand[i]], pl->ap->machine.stack) &&
            !would_cycle(pl, rq->node, rq->cand[i]))
            pick = rq->cand[i];
    for (size_t i = 0; i < rq->n_cand && pick == PS_NO_NODE; i++) {
        if (ps_plan_node_excluded(&pl->ap->nodes[rq->cand[i]]))
            continue;
        if (!would_cycle(pl, rq->node, rq->cand[i]))
            pick = rq->cand[i];
    }
    for (size_t i = 0; i < rq->n_cand && pick == PS_NO_NODE; i++)
        if (!ps_plan_node_excluded(&pl->ap->nodes[rq->cand[i]]))
            pick = rq->cand[i];
    if (pick == PS_NO_NODE)
        return 0;
    if (ps_plan_edge_for(pl, rq, pick) != 0)
        return -1;
    return pl->inplan[pick] ? 0 : keep_needed(pl, pick, rq->node);
}

/*
 * Order rules for planned node b ("when both are present, A goes first").
 * Every planned A goes before b unless b must already come before A (the
 * rule then yields to the requirements).  When no planned A can go first
 * but a superseded one of the bundle can, that one is kept for it.
 */
static int order_rules_for(planner *pl, size_t b)
{
    ps_arch_plan *ap = pl->ap;

    for (size_t i = 0; i < ap->rules->n_rules; i++) {
        const ps_rule *r = &ap->rules->rules[i];
        req rq = {b, PS_EDGE_RULE, r, NULL, 0};
        size_t n_sup = 0;
        bool placed = false;

        if (r->kind != PS_RULE_ORDER || !ps_plan_selector_matches(&r->subject, &ap->nodes[b]))
            continue;
        for (size_t m = 0; m < ap->n_nodes; m++) {
            if (m == b || ps_plan_node_excluded(&ap->nodes[m]) || !ps_plan_rule_before_matches(pl, r, &ap->nodes[m]))
                continue;
            if (!pl->inplan[m]) {
                pl->cand[n_sup++] = m;
                continue;
            }
            if (ps_plan_reaches(pl, b, m))
                continue; /* the requirements put b first */
            if (ps_plan_edge_for(pl, &rq, m) != 0)
                return -1;
            placed = true;
        }
        if (placed || n_sup == 0)
            continue;
        sort_cands(pl, pl->cand, n_sup);
        for (size_t k = 0; k < n_sup; k++) {
            size_t c = pl->cand[k];

            if (would_cycle(pl, b, c))
                continue;
            if (ps_plan_edge_for(pl, &rq, c) != 0 || keep_needed(pl, c, b) != 0)
                return -1;
            break;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Supersedence                                                        */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* One round of resolution                                             */
/* ------------------------------------------------------------------ */

static void round_reset(planner *pl)
{
    ps_arch_plan *ap = pl->ap;

    ps_plan_edges_clear(ap);
    queue_clear(pl);
    memset(pl->inplan, 0, ap->n_nodes);
    pl->n_work = 0;
    pl->excluded = 0;
    for (size_t i = 0; i < ap->n_nodes; i++) {
        ps_plan_node *n = &ap->nodes[i];

        if (ps_plan_node_excluded(n))
            continue;
        n->state = PS_NODE_PLANNED;
        n->by = PS_NO_NODE;
        n->needed = 0;
        ps_free_ptr(&n->why);
        ps_free_ptr(&n->needed_why);
    }
}

/* Returns 0 (check pl->excluded), or -1 on OOM. */
static int resolve_round(planner *pl)
{
    ps_arch_plan *ap = pl->ap;
    size_t w = 0, qi = 0, ordered = 0;

    round_reset(pl);
    if (!pl->opts->keep_superseded && ps_plan_compute_supersedence(pl) != 0)
        return -1;
    for (size_t i = 0; i < ap->n_nodes; i++)
        if (ap->nodes[i].state == PS_NODE_PLANNED && add_to_plan(pl, i) != 0)
            return -1;
    for (;;) {
        if (w < pl->n_work) {
            /* a node that left the plan in this round has its say next round */
            if (!ps_plan_node_excluded(&ap->nodes[pl->work[w]]) && resolve_node(pl, pl->work[w]) != 0)
                return -1;
            w++;
            continue;
        }
        if (qi < pl->n_q) {
            if (choose(pl, &pl->q[qi++]) != 0)
                return -1;
            continue;
        }
        /* the requirements are settled: order rules, in plan-key order */
        if (pl->excluded || ordered == pl->n_work)
            break;
        ordered = pl->n_work;
        for (size_t i = 0; i < ap->n_nodes; i++)
            if (pl->inplan[i] && order_rules_for(pl, i) != 0)
                return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Ordering, cycles, steps                                             */
/* ------------------------------------------------------------------ */

const char *ps_step_action_name(ps_step_action a)
{
    switch (a) {
    case PS_STEP_INSTALL:
        return "install";
    case PS_STEP_REBOOT:
        return "reboot";
    case PS_STEP_MANUAL:
        return "manual";
    }
    return "?";
}

/* ------------------------------------------------------------------ */
/* Findings of one plan                                                */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* Nodes                                                               */
/* ------------------------------------------------------------------ */

static void arch_plan_free(ps_arch_plan *ap)
{
    for (size_t i = 0; i < ap->n_nodes; i++) {
        free(ap->nodes[i].role_why);
        free(ap->nodes[i].why);
        free(ap->nodes[i].needed_why);
        free(ap->nodes[i].stack_why);
        free(ap->nodes[i].date_own);
        free(ap->nodes[i].mismatch);
        ps_strv_free(&ap->nodes[i].gaps, &ap->nodes[i].n_gaps);
    }
    free(ap->nodes);
    free(ap->machine.stack_src);
    for (size_t i = 0; i < ap->machine.n_kbs; i++)
        free(ap->machine.kbs[i].provides);
    free(ap->machine.kbs);
    ps_plan_edges_clear(ap);
    free(ap->edges);
    for (size_t i = 0; i < ap->n_steps; i++) {
        ps_strv_free(&ap->steps[i].reasons, &ap->steps[i].n_reasons);
        ps_strv_free(&ap->steps[i].commands, &ap->steps[i].n_commands);
    }
    free(ap->steps);
    free(ap->skipped);
    for (size_t i = 0; i < ap->n_cycles; i++) {
        free(ap->cycles[i].members);
        free(ap->cycles[i].text);
    }
    free(ap->cycles);
    free(ap->windows);
    free(ap->os);
    memset(ap, 0, sizeof *ap);
}

void ps_plan_free(ps_plan *plan)
{
    if (plan == NULL)
        return;
    for (size_t i = 0; i < plan->count; i++)
        arch_plan_free(&plan->plans[i]);
    free(plan->plans);
    plan->plans = NULL;
    plan->count = 0;
}

/* ------------------------------------------------------------------ */
/* File names (the time model and windows: window.c)                 */
/* ------------------------------------------------------------------ */

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
    if (!pl.inplan || !pl.work || !pl.cand || !pl.gone || !pl.stack || !pl.seen || !pl.indeg ||
        !pl.left || !pl.path || !pl.pos || !pl.sup)
        goto out;
    if (ap->n_nodes > 1)
        qsort(ap->nodes, ap->n_nodes, sizeof *ap->nodes, ps_plan_node_qsort_cmp);
    if (ps_plan_mark_unsafe_names(ap) != 0)
        goto out;
    ps_plan_choose_revisions(ap);
    if (ps_plan_duplicate_texts(ap) != 0 || ps_plan_machine_state(&pl) != 0 || ps_plan_superseded_by_machine(&pl) != 0 ||
        ps_plan_apply_track(&pl) != 0)
        goto out;
    /* each round either leaves a node out or ends: at most n_nodes + 1 rounds */
    for (size_t round = 0; round <= ap->n_nodes; round++) {
        if (resolve_round(&pl) != 0)
            goto out;
        if (pl.excluded)
            continue;
        if (ps_plan_check_acyclic(&pl) != 0)
            goto out;
        if (!pl.excluded)
            break;
    }
    if (ps_plan_make_steps(&pl) != 0 || ps_plan_manual_steps(&pl) != 0 || ps_plan_findings(ap, f) != 0 || ps_plan_esu_finding(ap, kb, f) != 0)
        goto out;
    if (opts->window_minutes && ps_plan_make_windows(ap, opts, f) != 0)
        goto out;
    rc = 0;
out:
    queue_clear(&pl);
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
        if (p->os)
            *err = ps_findings_add(f, PS_F_WRONG_OS, &w, "the knowledge base has no rules for "
                                   "Windows %s; not planned", p->os);
        else
            *err = ps_findings_add(f, PS_F_WRONG_OS, &w, "the OS of the package is not known; "
                                   "not planned");
        return 0;
    }
    if (p->name_os && strcmp(p->name_os, p->os) != 0 && !finding_present(f, PS_F_WRONG_OS, p->file) &&
        ps_findings_add(f, PS_F_WRONG_OS, &w,
                        "the file name says Windows %s but update.mum says Windows %s; planned "
                        "for Windows %s", p->name_os, p->os, p->os) != 0) {
        *err = -1;
        return 0;
    }
    if (p->name_arch != PS_ARCH_NONE && p->name_arch != p->arch &&
        !finding_present(f, PS_F_ARCH_MISMATCH, p->file) &&
        ps_findings_add(f, PS_F_ARCH_MISMATCH, &w,
                        "the file name says %s but update.mum says %s; planned for %s only",
                        ps_arch_name(p->name_arch), p->identity.arch ? p->identity.arch : "?",
                        ps_arch_name(p->arch)) != 0) {
        *err = -1;
        return 0;
    }
    if (opts->inventory && opts->inventory->os_build && !os_matches(opts->inventory->os_build, p->os)) {
        *machine = 1;
        if (!finding_present(f, PS_F_WRONG_OS, p->file))
            *err = ps_findings_add(f, PS_F_WRONG_OS, &w, "the machine of the inventory runs Windows "
                                   "%s; not planned", opts->inventory->os_build);
        return 0;
    }
    if (ps_plan_inventory_has(opts->inventory, p->kb)) {
        if (ps_findings_add(f, PS_F_ALREADY_INSTALLED, &w, "%s is already installed", p->kb) != 0)
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
    if (n_machine && n_planned == 0) {
        const ps_inventory *inv = opts->inventory;
        ps_where w = {NULL, NULL, 0, PS_ARCH_NONE, NULL, NULL};

        if (ps_findings_add(f, PS_F_WRONG_MACHINE, &w, "the machine of the inventory (%s%s%s%s%s) "
                            "can use none of the %zu package%s of the bundle: they are for "
                            "another %s", inv->os_name ? inv->os_name : "Windows",
                            inv->os_build ? " " : "", inv->os_build ? inv->os_build : "",
                            inv->arch != PS_ARCH_NONE ? ", " : "",
                            inv->arch != PS_ARCH_NONE ? ps_arch_name(inv->arch) : "",
                            n_machine, n_machine == 1 ? "" : "s",
                            inv->os_build ? "OS or architecture" : "architecture") != 0)
            goto out;
    }
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
            in->why = ps_asprintf("the inventory lists %s: it satisfies requirements and "
                                  "supersedes, with no step", in->kb);
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

int ps_plan_kb_has_error(const ps_plan *plan, const char *kb)
{
    for (size_t i = 0; i < plan->count; i++)
        for (size_t n = 0; n < plan->plans[i].n_nodes; n++) {
            const ps_plan_node *nd = &plan->plans[i].nodes[n];

            if (ps_streq_ci(nd->kb, kb) &&
                (nd->state == PS_NODE_MISSING || nd->state == PS_NODE_CYCLE ||
                 nd->state == PS_NODE_UNSAFE || nd->state == PS_NODE_WRONG_MACHINE))
                return 1;
        }
    return 0;
}
