/*
 * doc.c - what the document renderers share (render.h): the sections of a
 * document (one plan, or the machine groups of a fleet), the counts of its
 * checks, the summary figures and time estimates of an arch plan, a fleet's
 * status words, and the plain-words reason of a step.  Numbers and the
 * planner's words only: each renderer escapes values for its own format.
 */
#include "plan.h"

#include "alloc.h"
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ps_plan_os_title(const ps_arch_plan *ap)
{
    return ap->rules && ap->rules->name ? ap->rules->name : NULL;
}

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

    *sec = ps_calloc(n, sizeof **sec);
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
