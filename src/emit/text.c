/*
 * text.c - the plan model as text for a terminal (--format text): per
 * plan its machine, steps with their reasons, reboots and windows, the
 * skipped packages, then the findings; a fleet as one section per group
 * of machines with an identical plan.
 *
 * Wording: a step's reasons are "phase P: ROLE (provenance)", then one
 * "after KB: reason [provenance]" per edge into it, then why a superseded
 * package was kept.  A reboot's reasons name the barrier crossed ("KB must
 * be active before SHA-2-only packages") or the packages that may need a
 * restart at the end.  A skipped package shows its state and the sentence
 * that says why.  The text plan shows the reasons without their provenance
 * ("after KB: reason") unless --verbose.  Every value goes through the
 * text escaper (escape.h).
 */
#include "plan.h"

#include "escape.h"

#include "alloc.h"
#include "findings.h"
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define tx_printf(b, ...) ps_esc_printf((b), ps_esc_text, __VA_ARGS__)

/* The machine state a plan starts from, on one line, then the installed
 * KBs with what each provides (values from the inventory, escaped). */
void ps_text_machine(ps_buf *b, const ps_arch_plan *ap, const char *indent)
{
    const ps_machine *m = &ap->machine;

    ps_buf_puts(b, indent);
    tx_printf(b, "machine: %s",
              m->from_inventory ? (m->os_name ? m->os_name : "OS name not in the inventory")
                                : "no inventory, the base of the OS family");
    if (m->edition)
        tx_printf(b, " (%s)", m->edition);
    tx_printf(b, "; build %s; servicing stack %s (%s); SHA-2 support %s; ESU licensing %s\n",
              m->build ? m->build : "unknown", m->stack ? m->stack : "unknown",
              m->stack_src ? m->stack_src : "unknown", m->sha2_active ? "active" : "not active",
              m->esu_licensing ? "installed" : "not installed");
    if (!m->from_inventory)
        return;
    ps_buf_puts(b, indent);
    ps_buf_puts(b, "installed:");
    if (m->n_kbs == 0)
        ps_buf_puts(b, " none");
    for (size_t i = 0; i < m->n_kbs; i++) {
        ps_buf_puts(b, i ? ", " : " ");
        tx_printf(b, "%s", m->kbs[i].kb);
        if (m->kbs[i].provides)
            tx_printf(b, " (%s)", m->kbs[i].provides);
    }
    ps_buf_puts(b, "\n");
}

/* s, as terminal text. */
static void text(ps_buf *b, const char *s)
{
    ps_esc_text(b, s ? s : "");
}

static void text_findings(ps_buf *b, const ps_findings *f)
{
    ps_buf tmp = {0};
    const char *p;

    if (f == NULL || f->count == 0) {
        ps_buf_puts(b, "findings: none\n");
        return;
    }
    ps_buf_puts(b, "findings:\n");
    ps_findings_render_text(&tmp, f);
    if (tmp.failed)
        ps_buf_fail(b);
    for (p = tmp.data; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);

        ps_buf_puts(b, "  ");
        ps_buf_append(b, p, len);
        p += len;
    }
    ps_buf_free(&tmp);
}

/* The reasons of an install step: with their provenance when verbose (as
 * the planner wrote them), else one "after KB: reason" per edge into it
 * and why a superseded package was kept. */
static void text_install_reasons(ps_buf *b, const ps_arch_plan *ap, const ps_plan_step *st,
                                 int verbose)
{
    const ps_plan_node *n = &ap->nodes[st->node];

    if (verbose) {
        for (size_t r = 0; r < st->n_reasons; r++) {
            ps_buf_puts(b, "      - ");
            text(b, st->reasons[r]);
            ps_buf_puts(b, "\n");
        }
        return;
    }
    for (size_t i = 0; i < ap->n_edges; i++) {
        const ps_plan_edge *e = &ap->edges[i];
        int seen = 0;

        if (e->to != st->node)
            continue;
        for (size_t j = 0; j < i && !seen; j++) /* the same sentence once */
            seen = ap->edges[j].to == st->node && ap->edges[j].from == e->from &&
                   strcmp(ap->edges[j].reason, e->reason) == 0;
        if (seen)
            continue;
        ps_buf_puts(b, "      - after ");
        text(b, ap->nodes[e->from].kb);
        ps_buf_puts(b, ": ");
        text(b, e->reason);
        ps_buf_puts(b, "\n");
    }
    if (n->needed && n->needed_why) {
        ps_buf_puts(b, "      - ");
        text(b, n->needed_why);
        ps_buf_puts(b, "\n");
    }
}

/* "reason [provenance]" -> the length of "reason" */
static size_t without_provenance(const char *r)
{
    size_t n = strlen(r);

    if (n && r[n - 1] == ']') {
        const char *open = strrchr(r, '[');

        if (open && open > r && open[-1] == ' ')
            return (size_t)(open - 1 - r);
    }
    return n;
}

static void text_manual_step(ps_buf *b, const ps_plan_step *st, size_t num, int verbose)
{
    ps_buf_printf(b, "  %2zu. manual: activate the ESU key (year %u)\n", num, st->esu_year);
    for (size_t c = 0; c < st->n_commands; c++) {
        ps_buf_puts(b, "      > ");
        text(b, st->commands[c]);
        ps_buf_puts(b, "\n");
    }
    for (size_t r = 0; r < st->n_reasons; r++) {
        char *t = verbose ? NULL : ps_strndup(st->reasons[r], without_provenance(st->reasons[r]));

        ps_buf_puts(b, "      - ");
        text(b, t ? t : st->reasons[r]);
        ps_buf_puts(b, "\n");
        free(t);
    }
}

static void text_plan(ps_buf *b, const ps_arch_plan *ap, const ps_render_opts *o)
{
    ps_plan_summary sum;

    ps_plan_summarize(ap, o, &sum);
    ps_buf_puts(b, "Windows ");
    text(b, ap->os);
    if (ps_plan_os_title(ap)) {
        ps_buf_puts(b, " (");
        text(b, ps_plan_os_title(ap));
        ps_buf_puts(b, ")");
    }
    ps_buf_printf(b, ", %s\n", ps_arch_name(ap->arch));
    ps_buf_printf(b, "  %zu install%s, %u restart%s, about %lu minutes; build ", sum.installs,
                  sum.installs == 1 ? "" : "s", sum.restarts, sum.restarts == 1 ? "" : "s",
                  ps_minutes(sum.seconds));
    text(b, sum.build_before);
    ps_buf_puts(b, " -> ");
    text(b, sum.build_after);
    ps_buf_puts(b, "\n\n");
    if (ap->machine.from_inventory) {
        ps_text_machine(b, ap, "  ");
        ps_buf_puts(b, "\n");
    }
    if (ap->n_steps == 0)
        ps_buf_puts(b, "  nothing to install\n");
    for (size_t s = 0; s < ap->n_steps; s++) {
        const ps_plan_step *st = &ap->steps[s];

        if (st->action == PS_STEP_REBOOT) {
            ps_buf_printf(b, "  %2zu. reboot\n", s + 1);
            for (size_t r = 0; r < st->n_reasons; r++) {
                ps_buf_puts(b, "      - ");
                text(b, st->reasons[r]);
                ps_buf_puts(b, "\n");
            }
            continue;
        }
        if (st->action == PS_STEP_MANUAL) {
            text_manual_step(b, st, s + 1, o && o->verbose);
            continue;
        }
        const ps_plan_node *n = &ap->nodes[st->node];

        ps_buf_printf(b, "  %2zu. install ", s + 1);
        text(b, n->kb);
        ps_buf_puts(b, " [");
        text(b, n->phase_name);
        ps_buf_puts(b, "] ");
        text(b, n->pkg->file);
        ps_buf_puts(b, "\n      restart: ");
        text(b, n->pkg->restart ? n->pkg->restart : "not stated");
        if (st->build_after) {
            ps_buf_puts(b, "; build after: ");
            text(b, st->build_after);
        }
        ps_buf_puts(b, "\n");
        text_install_reasons(b, ap, st, o && o->verbose);
    }
    if (ap->n_windows) {
        ps_buf_printf(b, "\n  windows of %u minutes (estimated):\n", ap->window_minutes);
        for (size_t w = 0; w < ap->n_windows; w++) {
            ps_buf_printf(b, "    %zu. steps ", w + 1);
            ps_window_steps(b, &ap->windows[w]);
            ps_buf_printf(b, ", about %lu minutes%s\n", ps_minutes(ap->windows[w].seconds),
                          ap->windows[w].overrun ? " (longer than the window)" : "");
        }
    }
    if (ap->n_skipped) {
        ps_buf_puts(b, "\n  skipped:\n");
        for (size_t s = 0; s < ap->n_skipped; s++) {
            const ps_plan_node *n = &ap->nodes[ap->skipped[s]];

            ps_buf_puts(b, "    ");
            text(b, n->kb);
            ps_buf_puts(b, " ");
            text(b, n->pkg->file);
            ps_buf_printf(b, "\n      %s: ", ps_node_state_name(n->state));
            text(b, n->why ? n->why : "left out");
            ps_buf_puts(b, "\n");
        }
    }
    ps_buf_puts(b, "\n");
}

/* "Windows 6.0 x64: KB1 -> KB2 -> restart" lines of a plan, or "nothing to
 * install". */
static void text_sequence(ps_buf *b, const ps_arch_plan *ap)
{
    static const ps_doc_markup text_markup = {.esc = ps_esc_text, .arrow = " -> "};

    tx_printf(b, "Windows %s %s: ", ap->os, ps_arch_name(ap->arch));
    ps_doc_sequence(b, ap, &text_markup);
    ps_buf_puts(b, "\n");
}

#define SUMMARY_NAMES 10 /* machine names a summary line shows; the group lists all */

/* The fleet summary: how many machines of each status, then one line per
 * group with its machines and its sequence, or why it cannot be planned. */
static void text_fleet_summary(ps_buf *b, const ps_doc_section *sec, size_t nsec,
                               const ps_render_opts *o)
{
    ps_buf_puts(b, "fleet: ");
    ps_fleet_counts_text(b, sec, nsec, o);
    ps_buf_puts(b, "\n");
    for (size_t g = 0; g < nsec; g++) {
        const ps_render_group *rg = &o->groups[g];

        ps_buf_printf(b, "  group %zu (", g + 1);
        text(b, rg->status ? ps_fleet_status_label(rg->status) : rg->label ? rg->label : "");
        ps_buf_printf(b, "), %zu machine%s:", sec[g].n_machines, sec[g].n_machines == 1 ? "" : "s");
        for (size_t m = 0; m < sec[g].n_machines && m < SUMMARY_NAMES; m++) {
            ps_buf_puts(b, m ? ", " : " ");
            text(b, sec[g].machines[m]);
        }
        if (sec[g].n_machines > SUMMARY_NAMES)
            ps_buf_printf(b, " and %zu more", sec[g].n_machines - SUMMARY_NAMES);
        ps_buf_puts(b, "\n");
        if (rg->why) {
            ps_buf_puts(b, "    why: ");
            text(b, rg->why);
            ps_buf_puts(b, "\n");
        }
        if (rg->status && (strcmp(rg->status, "current") == 0 ||
                           strcmp(rg->status, "wrong-architecture") == 0))
            continue;
        for (size_t i = 0; i < sec[g].plan->count; i++) {
            ps_buf_puts(b, "    ");
            text_sequence(b, &sec[g].plan->plans[i]);
        }
    }
    ps_buf_puts(b, "\n");
}

int ps_render_text(ps_buf *b, const ps_plan *plan, const ps_findings *f, const ps_render_opts *o)
{
    ps_doc_section *sec;
    size_t nsec = ps_doc_sections(plan, o, &sec);

    if (nsec == 0)
        return -1;
    if (o && o->n_groups)
        text_fleet_summary(b, sec, nsec, o);
    for (size_t g = 0; g < nsec; g++) {
        if (o && o->n_groups) { /* a fleet: the machines of the group first */
            ps_buf_printf(b, "== group %zu", g + 1);
            if (sec[g].label) {
                ps_buf_puts(b, " (");
                text(b, sec[g].label);
                ps_buf_puts(b, ")");
            }
            ps_buf_printf(b, ": %zu machine%s:", sec[g].n_machines,
                          sec[g].n_machines == 1 ? "" : "s");
            for (size_t m = 0; m < sec[g].n_machines; m++) {
                ps_buf_puts(b, " ");
                text(b, sec[g].machines[m]);
            }
            ps_buf_puts(b, "\n\n");
        }
        if (sec[g].plan->count == 0)
            ps_buf_puts(b, "no package to plan\n\n");
        for (size_t i = 0; i < sec[g].plan->count; i++)
            text_plan(b, &sec[g].plan->plans[i], o);
        if (o && o->n_groups && o->groups[g].findings && o->groups[g].findings->count) {
            ps_buf_printf(b, "group %zu ", g + 1);
            text_findings(b, o->groups[g].findings);
            ps_buf_puts(b, "\n");
        }
    }
    free(sec);
    if (o && o->n_groups)
        ps_buf_puts(b, "fleet ");
    text_findings(b, f);
    return b->data ? 0 : -1;
}
