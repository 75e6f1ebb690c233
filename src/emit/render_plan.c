/*
 * render_plan.c - the plan model as text (for a terminal) and JSON (the
 * patchseq.plan/1 contract), what the document renderers share (render.h),
 * the one table of renderers, and the answer of `patchseq explain`.  The
 * change ticket is render_md.c, the graph render_dot.c, the report
 * render_html.c, the scripts render_script.c.
 *
 * Wording: a step's reasons are "phase P: ROLE (provenance)", then one
 * "after KB: reason [provenance]" per edge into it, then why a superseded
 * package was kept.  A reboot's reasons name the barrier crossed ("KB must
 * be active before SHA-2-only packages") or the packages that may need a
 * restart at the end.  A skipped package shows its state and the sentence
 * that says why.  The text plan shows the reasons without their provenance
 * ("after KB: reason") unless --verbose.
 */
#include "plan.h"

#include "escape.h"

#include "findings.h"
#include "json.h"
#include "render.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A renderer of the table: the older ones take no options. */
typedef int (*render_fn)(ps_buf *b, const ps_plan *plan, const ps_findings *f);
typedef int (*render_opts_fn)(ps_buf *b, const ps_plan *plan, const ps_findings *f,
                              const ps_render_opts *o);

/* ------------------------------------------------------------------ */
/* Shared (render.h)                                                   */
/* ------------------------------------------------------------------ */

/* Each back-end prints its own template as is and every value through
 * the one escaper of its format (escape.h). */
#define tx_printf(b, ...) ps_esc_printf((b), ps_esc_text, __VA_ARGS__)

const char *ps_plan_os_title(const ps_arch_plan *ap)
{
    return ap->rules && ap->rules->name ? ap->rules->name : NULL;
}

/* The machine state a plan starts from, on one line, then the installed
 * KBs with what each provides (values from the inventory, escaped). */
static void machine_text(ps_buf *b, const ps_arch_plan *ap, const char *indent)
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

static json_t *machine_json(const ps_arch_plan *ap);

void ps_doc_checks_count(const ps_doc_section *sec, size_t nsec, const ps_findings *f,
                         ps_doc_checks *c)
{
    memset(c, 0, sizeof *c);
    for (size_t g = 0; g < nsec; g++)
        for (size_t i = 0; i < sec[g].plan->count; i++) {
            const ps_arch_plan *ap = &sec[g].plan->plans[i];

            for (size_t s = 0; s < ap->n_steps; s++)
                if (ap->steps[s].action == PS_STEP_INSTALL) {
                    c->files++;
                    c->hashed += ap->nodes[ap->steps[s].node].pkg->hashed != 0;
                }
        }
    for (size_t i = 0; f && i < f->count; i++)
        if ((unsigned)f->items[i].severity < PS_ARRAY_LEN(c->sev))
            c->sev[f->items[i].severity]++;
}

const char *ps_node_title(const ps_plan_node *n)
{
    return n->entry && n->entry->title && n->entry->title[0] ? n->entry->title : NULL;
}

size_t ps_doc_sections(const ps_plan *plan, const ps_render_opts *o, ps_doc_section **sec)
{
    size_t n = o && o->n_groups ? o->n_groups : 1;

    *sec = calloc(n, sizeof **sec);
    if (*sec == NULL)
        return 0;
    if (o == NULL || o->n_groups == 0) {
        (*sec)[0].plan = plan;
        if (o && o->machine) {
            (*sec)[0].machines = &o->machine;
            (*sec)[0].n_machines = 1;
        }
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        (*sec)[i].plan = o->groups[i].plan;
        (*sec)[i].machines = o->groups[i].machines;
        (*sec)[i].n_machines = o->groups[i].n_machines;
        (*sec)[i].label = o->groups[i].label;
    }
    return n;
}

int ps_doc_seen_before(const ps_doc_section *sec, size_t g, size_t i)
{
    const ps_arch_plan *ap = &sec[g].plan->plans[i];

    for (size_t h = 0; h <= g; h++)
        for (size_t j = 0; j < (h == g ? i : sec[h].plan->count); j++) {
            const ps_arch_plan *bp = &sec[h].plan->plans[j];

            if (bp->arch == ap->arch && bp->os && ap->os && strcmp(bp->os, ap->os) == 0)
                return 1;
        }
    return 0;
}

unsigned long ps_minutes(unsigned long seconds)
{
    return (seconds + 59) / 60;
}

unsigned long ps_step_seconds(const ps_arch_plan *ap, size_t i, const ps_render_opts *o)
{
    ps_time_model def;
    const ps_time_model *m = o ? o->time_model : NULL;
    const ps_plan_step *st = &ap->steps[i];

    if (m == NULL) {
        ps_time_model_default(&def);
        m = &def;
    }
    if (st->action == PS_STEP_REBOOT)
        return m->reboot;
    if (st->action == PS_STEP_MANUAL)
        return 0; /* the administrator's step: not estimated */
    return ps_time_model_install(m, ap->nodes[st->node].phase_name, ap->nodes[st->node].pkg->size);
}

void ps_plan_summarize(const ps_arch_plan *ap, const ps_render_opts *o, ps_plan_summary *s)
{
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < ap->n_steps; i++) {
        s->installs += ap->steps[i].action == PS_STEP_INSTALL;
        s->seconds += ps_step_seconds(ap, i, o);
    }
    s->restarts = ap->reboots;
    s->build_before = ap->start_build ? ap->start_build : "unknown";
    s->build_after = ap->end_build ? ap->end_build : "unknown";
}

void ps_window_steps(ps_buf *b, const ps_plan_window *w)
{
    if (w->first == w->last)
        ps_buf_printf(b, "%zu", w->first + 1);
    else
        ps_buf_printf(b, "%zu-%zu", w->first + 1, w->last + 1);
}

void ps_size_text(char *out, size_t outlen, uint64_t bytes)
{
    if (bytes >= 1024u * 1024u)
        snprintf(out, outlen, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
    else if (bytes >= 1024u)
        snprintf(out, outlen, "%.0f KiB", (double)bytes / 1024.0);
    else
        snprintf(out, outlen, "%llu bytes", (unsigned long long)bytes);
}

size_t ps_edge_kinds(ps_buf *b, const ps_arch_plan *ap, size_t from, size_t to)
{
    static const ps_edge_kind kinds[] = {PS_EDGE_STACK, PS_EDGE_SHA2, PS_EDGE_RULE, PS_EDGE_WSUS};
    size_t n = 0;

    for (size_t k = 0; k < PS_ARRAY_LEN(kinds); k++)
        for (size_t i = 0; i < ap->n_edges; i++) {
            const ps_plan_edge *e = &ap->edges[i];

            if (e->from == from && e->to == to && e->kind == kinds[k]) {
                ps_buf_printf(b, "%s%s", n++ ? ", " : "", ps_edge_kind_name(kinds[k]));
                break;
            }
        }
    return n;
}

/* What a package of that role is, in plain words. */
static const char *role_words(ps_role r)
{
    switch (r) {
    case PS_ROLE_SERVICING_STACK:
        return "servicing stack update";
    case PS_ROLE_SHA2_SUPPORT:
        return "SHA-2 code signing support";
    case PS_ROLE_LICENSING:
        return "licensing preparation";
    case PS_ROLE_ROLLUP:
        return "monthly rollup";
    case PS_ROLE_PREVIEW_ROLLUP:
        return "preview of a monthly rollup";
    case PS_ROLE_SECURITY_ONLY:
        return "security-only update";
    case PS_ROLE_OTHER:
    case PS_ROLE_UNKNOWN:
    case PS_ROLE__COUNT:
        break;
    }
    return "update";
}

int ps_step_plain_reason(ps_buf *b, const ps_arch_plan *ap, const ps_plan_step *st)
{
    const ps_plan_node *n;
    size_t named[2] = {PS_NO_NODE, PS_NO_NODE}, distinct = 0, listed = 0;

    if (st->action == PS_STEP_MANUAL)
        return ps_buf_printf(b, "activate the ESU key of year %u before the next update",
                             st->esu_year);
    if (st->action == PS_STEP_REBOOT)
        return ps_buf_puts(b, ap->n_steps && st == &ap->steps[ap->n_steps - 1]
                                  ? "restart at the end: the updates installed ask for it"
                                  : "restart before the next steps can be installed");
    n = &ap->nodes[st->node];
    ps_buf_puts(b, role_words(n->role));
    if (n->needed)
        ps_buf_puts(b, ", kept although superseded");
    /* the packages it must follow, each once: the two first in node order
     * are named, the others counted */
    for (size_t i = 0; i < ap->n_edges; i++) {
        const ps_plan_edge *e = &ap->edges[i];
        int seen = 0;

        if (e->to != st->node)
            continue;
        for (size_t j = 0; j < i && !seen; j++)
            seen = ap->edges[j].to == st->node && ap->edges[j].from == e->from;
        if (seen)
            continue;
        distinct++;
        if (e->from < named[0]) {
            named[1] = named[0];
            named[0] = e->from;
        } else if (e->from < named[1]) {
            named[1] = e->from;
        }
    }
    for (size_t i = 0; i < 2 && named[i] != PS_NO_NODE; i++, listed++) {
        ps_buf_printf(b, "%s%s (", i ? ", " : "; after ", ap->nodes[named[i]].kb);
        ps_edge_kinds(b, ap, named[i], st->node);
        ps_buf_puts(b, ")");
    }
    if (distinct > listed)
        ps_buf_printf(b, " and %zu more", distinct - listed);
    return b->data ? 0 : -1;
}

int ps_node_not_removable(const ps_arch_plan *ap, const ps_plan_node *n)
{
    return n->role == PS_ROLE_SERVICING_STACK || n->role == PS_ROLE_SHA2_SUPPORT ||
           (ap->rules && ap->rules->sha2_enabler && ps_streq_ci(n->kb, ap->rules->sha2_enabler));
}

/* ------------------------------------------------------------------ */
/* Text                                                                */
/* ------------------------------------------------------------------ */

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
        machine_text(b, ap, "  ");
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

const char *ps_fleet_status_label(const char *status)
{
    static const struct {
        const char *name, *words;
    } labels[] = {{"needs-updates", "needs updates"},
                  {"cannot-update", "cannot be brought up to date"},
                  {"current", "already current"},
                  {"wrong-architecture", "wrong architecture"}};

    for (size_t i = 0; status && i < PS_ARRAY_LEN(labels); i++)
        if (strcmp(status, labels[i].name) == 0)
            return labels[i].words;
    return status;
}

void ps_fleet_counts(const ps_doc_section *sec, size_t nsec, const ps_render_opts *o,
                     size_t *machines, size_t counts[4])
{
    static const char *const order[4] = {"needs-updates", "cannot-update", "current",
                                         "wrong-architecture"};

    *machines = 0;
    memset(counts, 0, 4 * sizeof *counts);
    for (size_t g = 0; g < nsec; g++) {
        *machines += sec[g].n_machines;
        for (size_t k = 0; k < 4; k++)
            if (o->groups[g].status && strcmp(o->groups[g].status, order[k]) == 0)
                counts[k] += sec[g].n_machines;
    }
}

void ps_fleet_counts_text(ps_buf *b, const ps_doc_section *sec, size_t nsec,
                          const ps_render_opts *o)
{
    static const char *const words[4] = {"need updates", "cannot be brought up to date",
                                         "already current", "wrong architecture"};
    size_t machines, counts[4], shown = 0;

    ps_fleet_counts(sec, nsec, o, &machines, counts);
    ps_buf_printf(b, "%zu machine%s in %zu group%s", machines, machines == 1 ? "" : "s", nsec,
                  nsec == 1 ? "" : "s");
    for (size_t k = 0; k < 4; k++)
        if (counts[k])
            ps_buf_printf(b, "%s %zu %s", shown++ ? "," : ":", counts[k], words[k]);
}

/* "Windows 6.0 x64: KB1 -> KB2 -> restart" lines of a plan, or "nothing to
 * install". */
static void text_sequence(ps_buf *b, const ps_arch_plan *ap)
{
    tx_printf(b, "Windows %s %s:", ap->os, ps_arch_name(ap->arch));
    if (ap->n_steps == 0)
        ps_buf_puts(b, " nothing to install");
    for (size_t s = 0; s < ap->n_steps; s++) {
        ps_buf_puts(b, s ? " -> " : " ");
        if (ap->steps[s].action == PS_STEP_REBOOT)
            ps_buf_puts(b, "restart");
        else if (ap->steps[s].action == PS_STEP_MANUAL)
            ps_buf_puts(b, "activate ESU");
        else
            text(b, ap->nodes[ap->steps[s].node].kb);
    }
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

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

static const char *by_kb(const ps_arch_plan *ap, const ps_plan_node *n)
{
    return n->by != PS_NO_NODE ? ap->nodes[n->by].kb : n->by_installed;
}

static json_t *step_json(const ps_arch_plan *ap, const ps_plan_step *st)
{
    json_t *o = json_object();
    int bad = 0;

    if (st->action == PS_STEP_REBOOT) {
        bad |= ps_json_set(o, "action", json_string("reboot"));
    } else if (st->action == PS_STEP_MANUAL) {
        json_t *acts = json_array();

        bad |= ps_json_set(o, "action", json_string("manual"));
        bad |= ps_json_set(o, "name", json_string(st->manual && st->manual->name ? st->manual->name
                                                                            : "esu-activation"));
        bad |= ps_json_set(o, "esu_year", json_integer((json_int_t)st->esu_year));
        bad |= ps_json_set(o, "commands", ps_json_strv(st->commands, st->n_commands));
        for (size_t i = 0; acts && i < st->n_activations; i++) {
            const ps_kb_activation *a = st->activations[i];
            json_t *j = json_object();

            bad |= j == NULL;
            bad |= ps_json_set(j, "edition", json_string(ps_edition_name(a->edition)));
            bad |= ps_json_set(j, "id", json_string(a->id));
            bad |= ps_json_set(j, "source", ps_json_str(a->source));
            bad |= ps_json_push(acts, j);
        }
        bad |= ps_json_set(o, "activations", acts);
    } else {
        const ps_plan_node *n = &ap->nodes[st->node];

        bad |= ps_json_set(o, "action", json_string("install"));
        bad |= ps_json_set(o, "kb", json_string(n->kb));
        bad |= ps_json_set(o, "file", json_string(n->pkg->file));
        bad |= ps_json_set(o, "phase", json_string(n->phase_name));
        bad |= ps_json_set(o, "restart", ps_json_str(n->pkg->restart));
        if (st->build_after)
            bad |= ps_json_set(o, "build_after", json_string(st->build_after));
    }
    bad |= ps_json_set(o, "reasons", ps_json_strv(st->reasons, st->n_reasons));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *skip_json(const ps_arch_plan *ap, const ps_plan_node *n)
{
    json_t *s = json_object();
    int bad = 0;

    bad |= ps_json_set(s, "kb", json_string(n->kb));
    bad |= ps_json_set(s, "file", json_string(n->pkg->file));
    bad |= ps_json_set(s, "why", json_string(ps_node_state_name(n->state)));
    if (by_kb(ap, n))
        bad |= ps_json_set(s, "by", json_string(by_kb(ap, n)));
    if (n->by != PS_NO_NODE)
        bad |= ps_json_set(s, "by_file", json_string(ap->nodes[n->by].pkg->file));
    else if (n->by_installed)
        bad |= ps_json_set(s, "by_installed", json_true());
    bad |= ps_json_set(s, "message", ps_json_str(n->why));
    if (bad) {
        json_decref(s);
        return NULL;
    }
    return s;
}

static json_t *edge_json(const ps_arch_plan *ap, const ps_plan_edge *e)
{
    json_t *j = json_object();
    int bad = 0;

    bad |= ps_json_set(j, "from", json_string(ap->nodes[e->from].kb));
    bad |= ps_json_set(j, "to", json_string(ap->nodes[e->to].kb));
    bad |= ps_json_set(j, "kind", json_string(ps_edge_kind_name(e->kind)));
    bad |= ps_json_set(j, "barrier", json_boolean(e->barrier));
    bad |= ps_json_set(j, "reason", json_string(e->reason));
    bad |= ps_json_set(j, "provenance", json_string(e->provenance));
    if (bad) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static json_t *machine_json(const ps_arch_plan *ap)
{
    const ps_machine *m = &ap->machine;
    json_t *o = json_object(), *kbs = json_array();
    int bad = o == NULL || kbs == NULL;

    if (bad) {
        json_decref(o);
        json_decref(kbs);
        return NULL;
    }
    bad |= ps_json_set(o, "os_name", ps_json_str(m->os_name));
    bad |= ps_json_set(o, "edition", ps_json_str(m->edition));
    bad |= ps_json_set(o, "build", ps_json_str(m->build));
    bad |= ps_json_set(o, "stack", ps_json_str(m->stack));
    bad |= ps_json_set(o, "stack_source", ps_json_str(m->stack_src));
    bad |= ps_json_set(o, "sha2_active", json_boolean(m->sha2_active));
    bad |= ps_json_set(o, "esu_licensing", json_boolean(m->esu_licensing));
    for (size_t i = 0; i < m->n_kbs; i++) {
        json_t *k = json_object();
        int kbad = k == NULL;

        if (!kbad) {
            kbad |= ps_json_set(k, "kb", json_string(m->kbs[i].kb));
            kbad |= ps_json_set(k, "role", m->kbs[i].role != PS_ROLE_UNKNOWN
                                       ? json_string(ps_role_name(m->kbs[i].role))
                                       : json_null());
            kbad |= ps_json_set(k, "in_bundle", json_boolean(m->kbs[i].node != PS_NO_NODE));
            kbad |= ps_json_set(k, "provides", ps_json_str(m->kbs[i].provides));
        }
        if (kbad) {
            json_decref(k);
            k = NULL;
        }
        bad |= ps_json_push(kbs, k);
    }
    bad |= ps_json_set(o, "installed", kbs);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *arch_plan_json(const ps_arch_plan *ap)
{
    json_t *o = json_object(), *steps = json_array(), *skipped = json_array(), *edges = json_array();
    int bad = 0;

    bad |= ps_json_set(o, "arch", json_string(ps_arch_name(ap->arch)));
    bad |= ps_json_set(o, "os", json_string(ap->os));
    bad |= ps_json_set(o, "start_build", ps_json_str(ap->start_build));
    bad |= ps_json_set(o, "end_build", ps_json_str(ap->end_build));
    bad |= ps_json_set(o, "reboots", json_integer(ap->reboots));
    if (ap->machine.from_inventory)
        bad |= ps_json_set(o, "machine", machine_json(ap));
    for (size_t i = 0; i < ap->n_steps; i++)
        bad |= ps_json_push(steps, step_json(ap, &ap->steps[i]));
    for (size_t i = 0; i < ap->n_skipped; i++)
        bad |= ps_json_push(skipped, skip_json(ap, &ap->nodes[ap->skipped[i]]));
    for (size_t i = 0; i < ap->n_edges; i++)
        bad |= ps_json_push(edges, edge_json(ap, &ap->edges[i]));
    bad |= ps_json_set(o, "steps", steps);
    if (ap->window_minutes) { /* --window: "windows" even when empty */
        json_t *wins = json_array();

        for (size_t i = 0; i < ap->n_windows; i++) {
            const ps_plan_window *w = &ap->windows[i];
            json_t *wo = json_object(), *ws = json_array();
            int wbad = 0;

            for (size_t s = w->first; s <= w->last; s++)
                wbad |= ps_json_push(ws, json_integer((json_int_t)s + 1));
            wbad |= ps_json_set(wo, "index", json_integer((json_int_t)i + 1));
            wbad |= ps_json_set(wo, "steps", ws);
            wbad |= ps_json_set(wo, "minutes", json_integer((json_int_t)ps_minutes(w->seconds)));
            wbad |= ps_json_set(wo, "overrun", json_boolean(w->overrun));
            if (wbad) {
                json_decref(wo);
                wo = NULL;
            }
            bad |= ps_json_push(wins, wo);
        }
        bad |= ps_json_set(o, "window_minutes", json_integer(ap->window_minutes));
        bad |= ps_json_set(o, "windows", wins);
    }
    bad |= ps_json_set(o, "skipped", skipped);
    bad |= ps_json_set(o, "edges", edges);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* A machine of a fleet: who it is, its status and group, its plans and its
 * findings (its inventory's, then its plan's). */
typedef struct plan_cache {
    const ps_plan *plan;
    const ps_findings *findings;
    json_t *plans, *plan_findings;   /* built once per plan, shared by its machines */
} plan_cache;

static json_t *fleet_machine_json(const ps_render_machine *m, plan_cache *cache, size_t *ncache)
{
    json_t *o = json_object(), *plans, *fs;
    plan_cache *pc = NULL;
    int bad = 0;

    for (size_t i = 0; i < *ncache && pc == NULL; i++)
        if (cache[i].plan == m->plan && cache[i].findings == m->plan_findings)
            pc = &cache[i];

    bad |= ps_json_set(o, "name", json_string(m->name));
    bad |= ps_json_set(o, "inventory", ps_json_str(m->inventory));
    bad |= ps_json_set(o, "os", ps_json_str(m->os));
    bad |= ps_json_set(o, "arch", m->arch != PS_ARCH_NONE ? json_string(ps_arch_name(m->arch)) : json_null());
    bad |= ps_json_set(o, "build", ps_json_str(m->build));
    bad |= ps_json_set(o, "status", json_string(m->status));
    bad |= ps_json_set(o, "why", ps_json_str(m->why));
    bad |= ps_json_set(o, "group", json_integer((json_int_t)m->group + 1));
    if (pc == NULL) {
        pc = &cache[(*ncache)++];
        pc->plan = m->plan;
        pc->findings = m->plan_findings;
        pc->plans = json_array();
        for (size_t i = 0; m->plan && i < m->plan->count; i++)
            bad |= ps_json_push(pc->plans, arch_plan_json(&m->plan->plans[i]));
        pc->plan_findings = m->plan_findings ? ps_findings_to_json(m->plan_findings) : json_array();
    }
    plans = json_incref(pc->plans);
    bad |= ps_json_set(o, "plans", plans);
    fs = m->own && m->own->count ? ps_findings_to_json(m->own) : NULL;
    if (fs == NULL) /* the plan's findings alone: shared */
        fs = json_incref(pc->plan_findings);
    else if (pc->plan_findings && json_array_extend(fs, pc->plan_findings) != 0)
        bad = 1;
    bad |= ps_json_set(o, "findings", fs);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The groups of a fleet: status, reason and machine names. */
static json_t *fleet_groups_json(const ps_render_opts *o)
{
    json_t *a = json_array();
    int bad = 0;

    for (size_t g = 0; g < o->n_groups; g++) {
        const ps_render_group *rg = &o->groups[g];
        json_t *go = json_object(), *names = json_array();
        int gbad = 0;

        for (size_t m = 0; m < rg->n_machines; m++)
            gbad |= ps_json_push(names, json_string(rg->machines[m]));
        gbad |= ps_json_set(go, "group", json_integer((json_int_t)g + 1));
        gbad |= ps_json_set(go, "status", ps_json_str(rg->status));
        gbad |= ps_json_set(go, "why", ps_json_str(rg->why));
        gbad |= ps_json_set(go, "machines", names);
        if (gbad) {
            json_decref(go);
            go = NULL;
        }
        bad |= ps_json_push(a, go);
    }
    if (bad) {
        json_decref(a);
        return NULL;
    }
    return a;
}

static int render_json(ps_buf *b, const ps_plan *plan, const ps_findings *f,
                       const ps_render_opts *ro)
{
    static const ps_findings none = {0};
    json_t *root = json_object(), *plans = json_array();
    char *text;
    size_t len = 0;
    int bad = 0;

    if (ro->machines) { /* a fleet: patchseq.plan/2 */
        json_t *ms = json_array();
        plan_cache *pc = calloc(ro->n_machines ? ro->n_machines : 1, sizeof *pc);
        size_t npc = 0;

        json_decref(plans);
        bad |= ps_json_set(root, "schema", json_string("patchseq.plan/2"));
        bad |= ps_json_set(root, "groups", fleet_groups_json(ro));
        bad |= pc == NULL;
        for (size_t i = 0; pc && i < ro->n_machines; i++)
            bad |= ps_json_push(ms, fleet_machine_json(&ro->machines[i], pc, &npc));
        for (size_t i = 0; i < npc; i++) {
            json_decref(pc[i].plans);
            json_decref(pc[i].plan_findings);
        }
        free(pc);
        bad |= ps_json_set(root, "machines", ms);
    } else {
        bad |= ps_json_set(root, "schema", json_string("patchseq.plan/1"));
        for (size_t i = 0; i < plan->count; i++)
            bad |= ps_json_push(plans, arch_plan_json(&plan->plans[i]));
        bad |= ps_json_set(root, "plans", plans);
    }
    bad |= ps_json_set(root, "findings", ps_findings_to_json(f ? f : &none));
    if (bad) {
        json_decref(root);
        return -1;
    }
    text = ps_json_dump(root, &len); /* takes root */
    if (text == NULL)
        return -1;
    bad = ps_buf_append(b, text, len) != 0;
    free(text);
    return bad ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* The table of renderers                                              */
/* ------------------------------------------------------------------ */

static const struct {
    const char *name;
    render_fn fn;           /* one of the two */
    render_opts_fn ofn;
} renderers[] = {
    {"text", NULL, ps_render_text},
    {"json", NULL, render_json},
    {"md", NULL, ps_render_md},
    {"dot", NULL, ps_render_dot},
    {"html", NULL, ps_render_html},
    {"cmd", ps_plan_render_cmd, NULL},
    {"ps1", ps_plan_render_ps1, NULL},
};

int ps_plan_format_known(const char *format)
{
    for (size_t i = 0; format && i < PS_ARRAY_LEN(renderers); i++)
        if (strcmp(renderers[i].name, format) == 0)
            return 1;
    return 0;
}

char *ps_plan_render_with(const char *format, const ps_plan *plan, const ps_findings *findings,
                          const ps_render_opts *opts, size_t *len)
{
    static const ps_render_opts defaults = {0};
    ps_buf b = {0};

    for (size_t i = 0; format && i < PS_ARRAY_LEN(renderers); i++) {
        int rc;

        if (strcmp(renderers[i].name, format) != 0)
            continue;
        rc = renderers[i].fn ? renderers[i].fn(&b, plan, findings)
                             : renderers[i].ofn(&b, plan, findings, opts ? opts : &defaults);
        if (rc != 0 || b.data == NULL) {
            ps_buf_free(&b);
            return NULL;
        }
        return ps_buf_steal(&b, len);
    }
    return NULL;
}

char *ps_plan_render(const char *format, const ps_plan *plan, const ps_findings *findings,
                     size_t *len)
{
    return ps_plan_render_with(format, plan, findings, NULL, len);
}

/* ------------------------------------------------------------------ */
/* explain                                                             */
/* ------------------------------------------------------------------ */

static void explain_node(ps_buf *b, const ps_arch_plan *ap, size_t idx)
{
    const ps_plan_node *n = &ap->nodes[idx];
    size_t in = 0, out = 0;

    tx_printf(b, "%s in the Windows %s %s plan: ", n->kb, ap->os, ps_arch_name(ap->arch));
    if (n->state == PS_NODE_PLANNED)
        tx_printf(b, "step %zu of %zu (phase %s, after %u reboot%s)\n", n->step, ap->n_steps,
                      n->phase_name, n->depth, n->depth == 1 ? "" : "s");
    else
        tx_printf(b, "skipped (%s)\n", ps_node_state_name(n->state));
    tx_printf(b, "  file: %s\n", n->pkg->file);
    machine_text(b, ap, "  ");
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
        ps_buf_printf(b, "  track: %s\n", n->why);
        break;
    }
    if (n->state != PS_NODE_PLANNED) {
        ps_buf_puts(b, "  edges: none, it is not in the plan\n");
        return;
    }
    ps_buf_puts(b, "  comes after:\n");
    for (size_t i = 0; i < ap->n_edges; i++) {
        const ps_plan_edge *e = &ap->edges[i];

        if (e->to != idx)
            continue;
        in++;
        tx_printf(b, "    %s (%s%s): %s [%s]\n", ap->nodes[e->from].kb, ps_edge_kind_name(e->kind),
                      e->barrier ? ", reboot between" : "", e->reason, e->provenance);
    }
    if (in == 0)
        ps_buf_puts(b, "    nothing\n");
    ps_buf_puts(b, "  comes before:\n");
    for (size_t i = 0; i < ap->n_edges; i++) {
        const ps_plan_edge *e = &ap->edges[i];

        if (e->from != idx)
            continue;
        out++;
        tx_printf(b, "    %s (%s%s): %s [%s]\n", ap->nodes[e->to].kb, ps_edge_kind_name(e->kind),
                      e->barrier ? ", reboot between" : "", e->reason, e->provenance);
    }
    if (out == 0)
        ps_buf_puts(b, "    nothing\n");
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
