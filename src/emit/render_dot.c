/*
 * render_dot.c - the plan as a Graphviz graph (`plan --format dot`).
 *
 * One cluster per plan (per group of machines for a fleet), and inside it
 * one row per boot: the steps installed between two restarts are a cluster
 * of their own, ranked side by side, the rows top to bottom in install
 * order.  A node is a step ("2. KB4474419" and its phase; the title and file
 * as tooltip).  One edge per ordered pair of packages, labelled with the
 * kinds of the planner's edges between them (stack, sha2, rule, wsus), the
 * full reasons as its tooltip; dashed when a restart must separate them.
 * Skipped packages are a row of grey dashed boxes at the bottom, and a
 * legend says what the labels and styles mean.  Every value from a package
 * or the knowledge base goes through ps_esc_dot inside a quoted string;
 * node and cluster IDs are generated.
 */
#include "plan.h"
#include "render.h"

#include <stdlib.h>
#include <string.h>


/* The row (0-based boot) of each install step: the reboots before it. */
static size_t boot_of_step(const ps_arch_plan *ap, size_t step)
{
    size_t k = 0;

    for (size_t s = 0; s < step; s++)
        k += ap->steps[s].action == PS_STEP_REBOOT;
    return k;
}

/* A manual step (the ESU activation): a box with its commands, and a
 * dashed edge to the install it precedes. */
static void dot_manual(ps_buf *b, const char *pfx, const ps_arch_plan *ap, size_t s)
{
    const ps_plan_step *st = &ap->steps[s];

    ps_buf_printf(b, "      %s_m%zu [label=\"%zu. manual: activate the ESU key (year %u)", pfx, s,
                  s + 1, st->esu_year);
    for (size_t c = 0; c < st->n_commands; c++) {
        ps_buf_puts(b, "\\n");
        ps_esc_dot(b, st->commands[c]);
    }
    ps_buf_puts(b, "\", shape=note, style=filled, fillcolor=\"#e3f4e3\"];\n");
    if (s + 1 < ap->n_steps && ap->steps[s + 1].action == PS_STEP_INSTALL)
        ps_buf_printf(b, "      %s_m%zu -> %s_n%zu [style=dashed, label=\"manual\"];\n", pfx, s,
                      pfx, ap->steps[s + 1].node);
}

static void dot_node(ps_buf *b, const char *id, const ps_arch_plan *ap, const ps_plan_node *n)
{
    ps_buf_printf(b, "      %s [label=", id);
    ps_buf_puts(b, "\"");
    if (n->state == PS_NODE_PLANNED)
        ps_buf_printf(b, "%zu. ", n->step);
    ps_esc_dot(b, n->kb);
    ps_buf_puts(b, "\\n");
    if (n->state == PS_NODE_PLANNED)
        ps_esc_dot(b, n->phase_name);
    else
        ps_buf_printf(b, "skipped: %s", ps_node_state_name(n->state));
    ps_buf_puts(b, "\", tooltip=\"");
    if (ps_node_title(n)) {
        ps_esc_dot(b, ps_node_title(n));
        ps_buf_puts(b, " - ");
    }
    ps_esc_dot(b, n->pkg->file);
    if (n->state != PS_NODE_PLANNED && n->why) {
        ps_buf_puts(b, " - ");
        ps_esc_dot(b, n->why);
    }
    ps_buf_puts(b, "\"");
    if (n->state != PS_NODE_PLANNED)
        ps_buf_puts(b, ", style=dashed, color=gray50, fontcolor=gray30");
    else if (ps_node_not_removable(ap, n))
        ps_buf_puts(b, ", style=\"rounded,bold\"");
    else
        ps_buf_puts(b, ", style=rounded");
    ps_buf_puts(b, "];\n");
}

/* One edge per ordered pair (from, to): kinds as label, reasons as tooltip. */
static void dot_edges(ps_buf *b, const ps_arch_plan *ap, const char *pfx)
{
    for (size_t i = 0; i < ap->n_edges; i++) {
        const ps_plan_edge *e = &ap->edges[i];
        int first = 1, barrier = 0;

        for (size_t j = 0; j < i; j++)
            if (ap->edges[j].from == e->from && ap->edges[j].to == e->to)
                first = 0;
        if (!first)
            continue;
        ps_buf_printf(b, "    %s_n%zu -> %s_n%zu [label=\"", pfx, e->from, pfx, e->to);
        ps_edge_kinds(b, ap, e->from, e->to);
        ps_buf_puts(b, "\", tooltip=\"");
        for (size_t j = i, k = 0; j < ap->n_edges; j++) {
            const ps_plan_edge *x = &ap->edges[j];

            if (x->from != e->from || x->to != e->to)
                continue;
            barrier |= x->barrier;
            if (k++)
                ps_buf_puts(b, "; ");
            ps_buf_printf(b, "%s: ", ps_edge_kind_name(x->kind));
            ps_esc_dot(b, x->reason);
            ps_buf_puts(b, " [");
            ps_esc_dot(b, x->provenance);
            ps_buf_puts(b, "]");
        }
        ps_buf_puts(b, barrier ? "\", style=dashed];\n" : "\"];\n");
    }
}

static void dot_plan(ps_buf *b, const ps_arch_plan *ap, const ps_doc_section *sec, const char *pfx)
{
    size_t boots = ap->reboots + 1;

    ps_buf_printf(b, "  subgraph cluster_%s {\n    label=\"Windows ", pfx);
    ps_esc_dot(b, ap->os);
    ps_buf_printf(b, " %s: %u restart%s", ps_arch_name(ap->arch), ap->reboots,
                  ap->reboots == 1 ? "" : "s");
    if (sec->n_machines) {
        ps_buf_puts(b, "\\n");
        for (size_t m = 0; m < sec->n_machines && m < 8; m++) {
            if (m)
                ps_buf_puts(b, ", ");
            ps_esc_dot(b, sec->machines[m]);
        }
        if (sec->n_machines > 8)
            ps_buf_printf(b, " and %zu more", sec->n_machines - 8);
    }
    ps_buf_puts(b, "\";\n    labeljust=l;\n");
    for (size_t k = 0; k < boots; k++) {
        size_t first = 0, last = 0, n = 0;

        for (size_t s = 0; s < ap->n_steps; s++)
            if (ap->steps[s].action != PS_STEP_REBOOT && boot_of_step(ap, s) == k) {
                if (n++ == 0)
                    first = s;
                last = s;
            }
        if (n == 0)
            continue;
        ps_buf_printf(b, "    subgraph cluster_%s_b%zu {\n      label=\"boot %zu: step%s %zu",
                      pfx, k + 1, k + 1, first == last ? "" : "s", first + 1);
        if (first != last)
            ps_buf_printf(b, "-%zu", last + 1);
        if (last + 1 < ap->n_steps && ap->steps[last + 1].action == PS_STEP_REBOOT)
            ps_buf_printf(b, ", then restart (step %zu)", last + 2);
        ps_buf_puts(b, "\";\n      style=\"rounded,filled\";\n      fillcolor=\"#f2f5fa\";\n"
                       "      color=\"#9aa9c0\";\n      rank=same;\n");
        for (size_t s = first; s <= last; s++) {
            char id[96];

            if (ap->steps[s].action == PS_STEP_MANUAL) {
                dot_manual(b, pfx, ap, s);
                continue;
            }
            if (ap->steps[s].action != PS_STEP_INSTALL)
                continue;
            snprintf(id, sizeof id, "%s_n%zu", pfx, ap->steps[s].node);
            dot_node(b, id, ap, &ap->nodes[ap->steps[s].node]);
        }
        ps_buf_puts(b, "    }\n");
    }
    if (ap->n_skipped) {
        ps_buf_printf(b, "    subgraph cluster_%s_skipped {\n      label=\"skipped\";\n"
                         "      style=dashed;\n      color=gray60;\n      rank=same;\n", pfx);
        for (size_t s = 0; s < ap->n_skipped; s++) {
            char id[96];

            snprintf(id, sizeof id, "%s_n%zu", pfx, ap->skipped[s]);
            dot_node(b, id, ap, &ap->nodes[ap->skipped[s]]);
        }
        ps_buf_puts(b, "    }\n");
        /* keep the skipped row below the last boot, without drawing an edge */
        for (size_t s = ap->n_steps; s-- > 0;)
            if (ap->steps[s].action == PS_STEP_INSTALL) {
                ps_buf_printf(b, "    %s_n%zu -> %s_n%zu [style=invis];\n", pfx,
                              ap->steps[s].node, pfx, ap->skipped[0]);
                break;
            }
    }
    dot_edges(b, ap, pfx);
    ps_buf_puts(b, "  }\n");
}

int ps_render_dot(ps_buf *b, const ps_plan *plan, const ps_findings *f, const ps_render_opts *o)
{
    ps_doc_section *sec;
    size_t nsec = ps_doc_sections(plan, o, &sec);

    (void)f;
    if (nsec == 0)
        return -1;
    ps_buf_puts(b, "digraph patchseq {\n"
                   "  graph [rankdir=TB, newrank=true, nodesep=0.25, ranksep=0.45, "
                   "fontname=\"sans-serif\", fontsize=11, tooltip=\"install order\"];\n"
                   "  node [shape=box, fontname=\"sans-serif\", fontsize=10, margin=\"0.08,0.04\", "
                   "height=0.4];\n"
                   "  edge [fontname=\"sans-serif\", fontsize=9, arrowsize=0.7];\n");
    for (size_t g = 0; g < nsec; g++)
        for (size_t i = 0; i < sec[g].plan->count; i++) {
            char pfx[48];

            snprintf(pfx, sizeof pfx, "p%zu_%zu", g, i);
            dot_plan(b, &sec[g].plan->plans[i], &sec[g], pfx);
        }
    ps_buf_puts(b, "  legend [shape=note, fontsize=9, tooltip=\"legend\", label=\"legend\\l"
                   "stack: needs a newer servicing stack\\l"
                   "sha2: needs SHA-2 code signing support\\l"
                   "rule: a rule of the knowledge base\\l"
                   "wsus: a WSUS prerequisite\\l"
                   "dashed edge: a restart between\\l"
                   "bold box: cannot be uninstalled\\l"
                   "one row per boot, top to bottom\\l\"];\n}\n");
    free(sec);
    return b->data ? 0 : -1;
}
