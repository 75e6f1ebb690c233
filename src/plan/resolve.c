/*
 * resolve.c - requirements resolved into typed edges: the candidates of
 * each requirement (servicing stack, SHA-2 support, <require> rules, WSUS
 * prerequisites), the choice among several without a cycle, the superseded
 * packages kept because something needs them, the order rules, and the
 * rounds that start again without what could not be planned.
 */
#include "plan_int.h"
#include "alloc.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static int add_to_plan(planner *pl, size_t n);
static void sort_cands(const planner *pl, size_t *c, size_t n);
static int keep_needed(planner *pl, size_t pick, size_t b);

/* Candidates are collected into pl->cand (usable ones) and pl->gone (the
 * ones that left the plan). */
typedef bool (*cand_fn)(const planner *pl, const req *rq, const ps_plan_node *n);

void ps_plan_queue_clear(planner *pl)
{
    for (size_t i = 0; i < pl->n_q; i++)
        free(pl->q[i].cand);
    pl->n_q = 0;
}

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
        rc = ps_strv_contains(B->gaps, B->n_gaps, msg) ? 0
                                                        : ps_strv_push(&B->gaps, &B->n_gaps, msg);
        free(msg);
        return rc != 0 ? -1 : 1;
    }
    if (n_ok == 1) {
        if (ps_plan_edge_for(pl, &rq, pl->cand[0]) != 0)
            return -1;
        return pl->inplan[pl->cand[0]] ? 0 : keep_needed(pl, pl->cand[0], rq.node);
    }
    if (pl->n_q == pl->cap_q) {
        req *nq = ps_grow(pl->q, &pl->cap_q, pl->n_q + 1, sizeof *nq, 16);

        if (nq == NULL)
            return -1;
        pl->q = nq;
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
            if (m == b || ps_plan_node_excluded(&ap->nodes[m]) ||
                !ps_plan_rule_before_matches(pl, r, &ap->nodes[m]))
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

static void round_reset(planner *pl)
{
    ps_arch_plan *ap = pl->ap;

    ps_plan_edges_reset(pl);
    ps_plan_queue_clear(pl);
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
int ps_plan_resolve_round(planner *pl)
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
            if (!ps_plan_node_excluded(&ap->nodes[pl->work[w]]) &&
                resolve_node(pl, pl->work[w]) != 0)
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
