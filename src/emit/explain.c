/*
 * explain.c - the answer of `patchseq explain KB`: for every plan that has
 * the package, its step or why it is skipped, its file, the machine the plan
 * starts from, identity, role, what it delivers and needs, the supersedence
 * decision, and the edges into and out of it.  Every value goes through the
 * text escaper (escape.h).
 */
#include "plan.h"

#include "escape.h"

#include "render.h"

#include <string.h>

#define tx_printf(b, ...) ps_esc_printf((b), ps_esc_text, __VA_ARGS__)

/* The edges into node idx ("comes after", into = 1) or out of it ("comes
 * before"), each with the package at its other end, or "nothing". */
static void explain_edges(ps_buf *b, const ps_arch_plan *ap, size_t idx, int into)
{
    size_t n = 0;

    ps_buf_puts(b, into ? "  comes after:\n" : "  comes before:\n");
    for (size_t i = 0; i < ap->n_edges; i++) {
        const ps_plan_edge *e = &ap->edges[i];

        if ((into ? e->to : e->from) != idx)
            continue;
        n++;
        tx_printf(b, "    %s (%s%s): %s [%s]\n", ap->nodes[into ? e->from : e->to].kb,
                  ps_edge_kind_name(e->kind), e->barrier ? ", reboot between" : "", e->reason,
                  e->provenance);
    }
    if (n == 0)
        ps_buf_puts(b, "    nothing\n");
}

static void explain_node(ps_buf *b, const ps_arch_plan *ap, size_t idx)
{
    const ps_plan_node *n = &ap->nodes[idx];

    tx_printf(b, "%s in the Windows %s %s plan: ", n->kb, ap->os, ps_arch_name(ap->arch));
    if (n->state == PS_NODE_PLANNED)
        tx_printf(b, "step %zu of %zu (phase %s, after %u reboot%s)\n", n->step, ap->n_steps,
                      n->phase_name, n->depth, n->depth == 1 ? "" : "s");
    else
        tx_printf(b, "skipped (%s)\n", ps_node_state_name(n->state));
    tx_printf(b, "  file: %s\n", n->pkg->file);
    ps_text_machine(b, ap, "  ");
    tx_printf(b, "  identity: %s %s\n", n->pkg->identity.name ? n->pkg->identity.name : "?",
                  n->pkg->identity.version ? n->pkg->identity.version : "?");
    tx_printf(b, "  role: %s (%s)\n", ps_role_name(n->role), n->role_why ? n->role_why : "");
    tx_printf(b, "  SHA-2-only: %s\n", n->sha2_only ? "yes" : "no");
    if (n->stack)
        tx_printf(b, "  delivers servicing stack: %s\n", n->stack);
    if (n->kernel)
        tx_printf(b, "  delivers kernel: %s\n", n->kernel);
    if (n->pkg->installer_version)
        tx_printf(b, "  needs servicing stack: %s\n", n->pkg->installer_version);
    /* supersedence decision */
    switch (n->state) {
    case PS_NODE_SUPERSEDED:
        tx_printf(b, "  supersedence: %s; %s\n", n->why,
                      n->by_installed ? "it is skipped"
                                      : "nothing in the plan needs it, so it is skipped");
        break;
    case PS_NODE_PLANNED:
        if (n->needed)
            tx_printf(b, "  supersedence: %s; %s\n", n->why ? n->why : "superseded",
                          n->needed_why ? n->needed_why : "kept");
        else
            ps_buf_puts(b, "  supersedence: nothing in the bundle supersedes it here\n");
        break;
    case PS_NODE_DUPLICATE:
        tx_printf(b, "  revision: %s\n", n->why);
        break;
    case PS_NODE_MISSING:
    case PS_NODE_CYCLE:
    case PS_NODE_UNSAFE:
    case PS_NODE_WRONG_MACHINE:
        tx_printf(b, "  left out: %s\n", n->why);
        break;
    case PS_NODE_INSTALLED:
        ps_buf_puts(b, "  installed: the inventory lists it; it satisfies requirements and "
                       "supersedes, with no step\n");
        break;
    case PS_NODE_INCLUDED:
    case PS_NODE_OTHER_TRACK:
    case PS_NODE_OPTIONAL:
    case PS_NODE_EXCLUDED:
    case PS_NODE_AFTER_TARGET:
        /* not a fixed string: the planner's sentence names the package's KB and
         * release date, an installed KB of the inventory and the --until value */
        tx_printf(b, "  track: %s\n", n->why);
        break;
    }
    if (n->state != PS_NODE_PLANNED) {
        ps_buf_puts(b, "  edges: none, it is not in the plan\n");
        return;
    }
    explain_edges(b, ap, idx, 1);
    explain_edges(b, ap, idx, 0);
}

char *ps_plan_explain(const ps_plan *plan, const char *kb, size_t *len, size_t *found)
{
    ps_buf b = {0};

    *found = 0;
    for (size_t i = 0; i < plan->count; i++) {
        const ps_arch_plan *ap = &plan->plans[i];

        /* the planned package first, then the skipped ones */
        for (int pass = 0; pass < 2; pass++)
            for (size_t n = 0; n < ap->n_nodes; n++) {
                if (!ps_streq_ci(ap->nodes[n].kb, kb) ||
                    (ap->nodes[n].state == PS_NODE_PLANNED) != (pass == 0))
                    continue;
                if (*found)
                    ps_buf_puts(&b, "\n");
                (*found)++;
                explain_node(&b, ap, n);
            }
    }
    if (b.data == NULL && ps_buf_puts(&b, "") != 0)
        return NULL;
    return ps_buf_steal(&b, len);
}
