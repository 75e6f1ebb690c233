/*
 * graph.c - the planner's graph: typed edges between the nodes of one plan,
 * reachability, the one topological walk (smallest key first among the
 * ready nodes) that the cycle check and the step builder share, and the
 * record of a cycle.
 */
#include "plan_int.h"
#include "alloc.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Frees the edges of ap and empties the list. */
void ps_plan_edges_clear(ps_arch_plan *ap)
{
    for (size_t i = 0; i < ap->n_edges; i++) {
        free(ap->edges[i].reason);
        free(ap->edges[i].provenance);
    }
    ap->n_edges = 0;
}

/*
 * The edges of one plan are ap->edges, in the order they were made (the
 * order the reasons of a step are told in); the planner threads two lists
 * through their indices, so that the walks visit a node's own edges only:
 * pl->out_head[n] is the first edge out of n and pl->out_next[e] the next
 * edge out of the same node, pl->in_head and pl->in_next the same for the
 * edges into a node.  PS_NO_NODE ends a list.
 */

/* Frees the edges of the plan and empties the node lists. */
void ps_plan_edges_reset(planner *pl)
{
    ps_plan_edges_clear(pl->ap);
    for (size_t i = 0; i < pl->ap->n_nodes; i++)
        pl->out_head[i] = pl->in_head[i] = PS_NO_NODE;
}

/* Room for edge number ap->n_edges in ap->edges and the edge lists. */
static int edge_room(planner *pl)
{
    ps_arch_plan *ap = pl->ap;

    if (ap->n_edges == ap->cap_edges) {
        ps_plan_edge *ne = ps_grow(ap->edges, &ap->cap_edges, ap->n_edges + 1, sizeof *ne, 16);

        if (ne == NULL)
            return -1;
        ap->edges = ne;
    }
    if (pl->cap_next < ap->cap_edges) {
        size_t *on = ps_realloc(pl->out_next, ap->cap_edges * sizeof *on), *in;

        if (on == NULL)
            return -1;
        pl->out_next = on;
        in = ps_realloc(pl->in_next, ap->cap_edges * sizeof *in);
        if (in == NULL)
            return -1;
        pl->in_next = in;
        pl->cap_next = ap->cap_edges;
    }
    return 0;
}

/* Adds an edge unless the same one (ends, kind, provenance) is there;
 * takes ownership of reason and provenance.  -1 on OOM. */
int ps_plan_edge_add(planner *pl, size_t from, size_t to, ps_edge_kind kind, int barrier,
                     char *reason, char *prov)
{
    ps_arch_plan *ap = pl->ap;
    size_t k;

    if (reason == NULL || prov == NULL)
        goto oom;
    for (size_t i = pl->out_head[from]; i != PS_NO_NODE; i = pl->out_next[i]) {
        ps_plan_edge *e = &ap->edges[i];

        if (e->to == to && e->kind == kind &&
            strcmp(e->provenance, prov) == 0) {
            e->barrier |= barrier;
            free(reason);
            free(prov);
            return 0;
        }
    }
    if (edge_room(pl) != 0)
        goto oom;
    k = ap->n_edges++;
    ap->edges[k] = (ps_plan_edge){from, to, kind, barrier != 0, reason, prov};
    pl->out_next[k] = pl->out_head[from];
    pl->out_head[from] = k;
    pl->in_next[k] = pl->in_head[to];
    pl->in_head[to] = k;
    return 0;
oom:
    free(reason);
    free(prov);
    return -1;
}

/* Does `from` reach `to` through the edges? */
bool ps_plan_reaches(planner *pl, size_t from, size_t to)
{
    ps_arch_plan *ap = pl->ap;
    size_t sp = 0;

    memset(pl->seen, 0, ap->n_nodes);
    pl->stack[sp++] = from;
    pl->seen[from] = 1;
    while (sp > 0) {
        size_t n = pl->stack[--sp];

        if (n == to)
            return true;
        for (size_t i = pl->out_head[n]; i != PS_NO_NODE; i = pl->out_next[i]) {
            size_t m = ap->edges[i].to;

            if (!pl->seen[m]) {
                pl->seen[m] = 1;
                pl->stack[sp++] = m;
            }
        }
    }
    return false;
}

/* Picks the ready node with the smallest key among `ok` nodes. */
static size_t pick_ready(const ps_arch_plan *ap, const unsigned char *ok, const size_t *indeg)
{
    size_t best = PS_NO_NODE;

    for (size_t i = 0; i < ap->n_nodes; i++)
        if (ok[i] && indeg[i] == 0 &&
            (best == PS_NO_NODE || ps_plan_node_key_cmp(&ap->nodes[i], &ap->nodes[best]) < 0))
            best = i;
    return best;
}

/* Records the cycle through the nodes left with in-degree > 0 and takes its
 * members out of the plan. */
static int record_cycle(planner *pl)
{
    ps_arch_plan *ap = pl->ap;
    const unsigned char *left = pl->left;
    size_t *path = pl->path, *pos = pl->pos, len = 0, start = PS_NO_NODE, cur, first;
    ps_plan_cycle *nc, *cy;

    for (size_t i = 0; i < ap->n_nodes; i++) {
        pos[i] = 0;
        if (left[i] &&
            (start == PS_NO_NODE || ps_plan_node_key_cmp(&ap->nodes[i], &ap->nodes[start]) < 0))
            start = i;
    }
    /* walk backwards along predecessors still left until a node repeats */
    cur = start;
    while (pos[cur] == 0) {
        size_t pred = PS_NO_NODE;

        pos[cur] = ++len;
        path[len - 1] = cur;
        for (size_t i = pl->in_head[cur]; i != PS_NO_NODE; i = pl->in_next[i]) {
            size_t f = ap->edges[i].from;

            if (left[f] &&
                (pred == PS_NO_NODE || ps_plan_node_key_cmp(&ap->nodes[f], &ap->nodes[pred]) < 0))
                pred = f;
        }
        if (pred == PS_NO_NODE)
            return -1; /* cannot happen: every node left has a predecessor left */
        cur = pred;
    }
    /* path[pos[cur]-1 .. len-1] walked backwards is the cycle; forward order is reversed */
    first = pos[cur] - 1;
    nc = ps_realloc(ap->cycles, (ap->n_cycles + 1) * sizeof *nc);
    if (nc == NULL)
        return -1;
    ap->cycles = nc;
    cy = &ap->cycles[ap->n_cycles];
    cy->n = len - first;
    cy->members = ps_malloc(cy->n * sizeof *cy->members);
    cy->text = NULL;
    if (cy->members == NULL)
        return -1;
    ap->n_cycles++;
    for (size_t i = 0; i < cy->n; i++)
        cy->members[i] = path[len - 1 - i];
    {   /* rotate so the smallest key comes first */
        size_t r = 0;

        for (size_t i = 1; i < cy->n; i++)
            if (ps_plan_node_key_cmp(&ap->nodes[cy->members[i]], &ap->nodes[cy->members[r]]) < 0)
                r = i;
        for (size_t k = 0; k < r; k++) {
            size_t t = cy->members[0];

            memmove(cy->members, cy->members + 1, (cy->n - 1) * sizeof *cy->members);
            cy->members[cy->n - 1] = t;
        }
    }
    cy->text = ps_plan_cycle_text(ap, cy);
    if (cy->text == NULL)
        return -1;
    /* the members name the cycle; its edges and reasons are told once, in
     * the dependency-cycle finding */
    for (size_t i = 0; i < cy->n; i++) {
        char *why = ps_plan_cycle_member_why(ap, cy, ap->n_cycles);

        if (ps_plan_exclude(pl, cy->members[i], PS_NODE_CYCLE, why) != 0)
            return -1;
    }
    return 0;
}

/* Starts a walk over the nodes of the plan: all of them left, the
 * in-degrees counted afresh. */
void ps_plan_walk_init(planner *pl)
{
    ps_arch_plan *ap = pl->ap;

    for (size_t i = 0; i < ap->n_nodes; i++) {
        pl->left[i] = pl->inplan[i];
        pl->indeg[i] = 0;
    }
    for (size_t i = 0; i < ap->n_edges; i++)
        pl->indeg[ap->edges[i].to]++;
}

/*
 * The topological walk: takes, while one is ready (no edge into it left),
 * the node of pl->left with the smallest key, clears it from pl->left, calls
 * visit (when not NULL) and releases its edges.  The in-degrees carry over
 * from one call to the next, so that a walk can go on level by level.
 * Returns the number of nodes taken, or -1 when visit failed.
 */
long ps_plan_walk(planner *pl, ps_plan_visit visit, void *ctx)
{
    ps_arch_plan *ap = pl->ap;
    long done = 0;

    for (;;) {
        size_t n = pick_ready(ap, pl->left, pl->indeg);

        if (n == PS_NO_NODE)
            break;
        pl->left[n] = 0;
        done++;
        if (visit && visit(pl, n, ctx) != 0)
            return -1;
        for (size_t i = pl->out_head[n]; i != PS_NO_NODE; i = pl->out_next[i])
            pl->indeg[ap->edges[i].to]--;
    }
    return done;
}

/* Topological check; on a cycle records it and sets pl->excluded. */
int ps_plan_check_acyclic(planner *pl)
{
    ps_arch_plan *ap = pl->ap;
    long total = 0;

    for (size_t i = 0; i < ap->n_nodes; i++)
        total += pl->inplan[i];
    ps_plan_walk_init(pl);
    if (ps_plan_walk(pl, NULL, NULL) == total)
        return 0;
    return record_cycle(pl);
}
