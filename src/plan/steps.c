/*
 * steps.c - the steps of a resolved plan: the reboot level of each package,
 * the install steps level by level with a restart between two, the final
 * restart, the reasons of each step, the builds, what is skipped, and the
 * manual steps of the knowledge base (the ESU activation).
 */
#include "plan_int.h"
#include "alloc.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int step_push(ps_arch_plan *ap, ps_step_action act, size_t node)
{
    ps_plan_step *ns = ps_realloc(ap->steps, (ap->n_steps + 1) * sizeof *ns);

    if (ns == NULL)
        return -1;
    ap->steps = ns;
    ap->steps[ap->n_steps++] = (ps_plan_step){.action = act, .node = node};
    if (node != PS_NO_NODE)
        ap->nodes[node].step = ap->n_steps;
    return 0;
}

static int step_reason(ps_plan_step *s, char *text)
{
    int rc;

    if (text == NULL)
        return -1;
    rc = ps_strv_contains(s->reasons, s->n_reasons, text)
             ? 0
             : ps_strv_push(&s->reasons, &s->n_reasons, text);
    free(text);
    return rc;
}

static int install_reasons(ps_arch_plan *ap, ps_plan_step *s)
{
    const ps_plan_node *n = &ap->nodes[s->node];

    if (step_reason(s, ps_plan_why_step_phase(n)) != 0)
        return -1;
    for (size_t i = 0; i < ap->n_edges; i++) {
        const ps_plan_edge *e = &ap->edges[i];

        if (e->to == s->node &&
            step_reason(s, ps_plan_why_step_after(ap->nodes[e->from].kb, e)) != 0)
            return -1;
    }
    if (n->needed && n->needed_why && step_reason(s, ps_strdup(n->needed_why)) != 0)
        return -1;
    return 0;
}

static bool may_restart(const ps_plan_node *n)
{
    const char *r = n->pkg->restart;

    return r && (ps_streq_ci(r, "possible") || ps_streq_ci(r, "required"));
}

/* Relaxes the depth of the nodes after n (a walk's visit). */
static int relax_depth(planner *pl, size_t n, void *ctx)
{
    ps_arch_plan *ap = pl->ap;
    unsigned *maxdepth = ctx;

    for (size_t i = pl->out_head[n]; i != PS_NO_NODE; i = pl->out_next[i]) {
        const ps_plan_edge *e = &ap->edges[i];

        if (ap->nodes[e->to].depth < ap->nodes[n].depth + (unsigned)e->barrier)
            ap->nodes[e->to].depth = ap->nodes[n].depth + (unsigned)e->barrier;
    }
    if (ap->nodes[n].depth > *maxdepth)
        *maxdepth = ap->nodes[n].depth;
    return 0;
}

/* The install step of n (a walk's visit). */
static int push_install(planner *pl, size_t n, void *ctx)
{
    (void)ctx;
    return step_push(pl->ap, PS_STEP_INSTALL, n);
}

int ps_plan_make_steps(planner *pl)
{
    ps_arch_plan *ap = pl->ap;
    unsigned maxdepth = 0;
    size_t level_start = 0;
    const char *build = ap->start_build;

    /* depth = barrier edges on the longest path: relax in topological order */
    for (size_t i = 0; i < ap->n_nodes; i++)
        ap->nodes[i].depth = 0;
    ps_plan_walk_init(pl);
    ps_plan_walk(pl, relax_depth, &maxdepth);
    /* level by level, the smallest key among the ready nodes of the level */
    ps_plan_walk_init(pl);
    for (unsigned d = 0; d <= maxdepth; d++) {
        if (d > 0) {
            ps_plan_step *s;
            size_t more = 0;

            if (step_push(ap, PS_STEP_REBOOT, PS_NO_NODE) != 0)
                return -1;
            s = &ap->steps[ap->n_steps - 1];
            ap->reboots++;
            for (size_t i = 0; i < ap->n_edges; i++) {
                const ps_plan_edge *e = &ap->edges[i];

                if (!e->barrier || ap->nodes[e->to].depth != d || ap->nodes[e->from].depth != d - 1)
                    continue;
                if (step_reason(s, ps_plan_why_reboot_edge(ap->nodes[e->from].kb,
                                                           ap->nodes[e->to].kb, e)) != 0)
                    return -1;
            }
            /* more than four reasons: the first three, then a count */
            if (s->n_reasons > 4) {
                more = s->n_reasons - 3;
                while (s->n_reasons > 3)
                    free(s->reasons[--s->n_reasons]);
                if (step_reason(s, ps_plan_why_reboot_more(more)) != 0)
                    return -1;
            }
        }
        level_start = ap->n_steps;
        for (size_t i = 0; i < ap->n_nodes; i++)
            pl->left[i] = pl->inplan[i] && ap->nodes[i].depth == d;
        if (ps_plan_walk(pl, push_install, NULL) < 0)
            return -1;
    }
    /* a final reboot when something installed since the last one may need it */
    {
        ps_plan_step fin = {.action = PS_STEP_REBOOT, .node = PS_NO_NODE};
        size_t total = 0, shown = 0;

        for (size_t i = level_start; i < ap->n_steps; i++)
            total += ap->steps[i].action == PS_STEP_INSTALL &&
                     may_restart(&ap->nodes[ap->steps[i].node]);
        for (size_t i = level_start; i < ap->n_steps; i++) {
            const ps_plan_node *n = &ap->nodes[ap->steps[i].node];

            if (ap->steps[i].action != PS_STEP_INSTALL || !may_restart(n))
                continue;
            /* more than four: a count, then the first three */
            if (total > 4 && shown == 0 &&
                step_reason(&fin, ps_plan_why_final_reboot_count(total)) != 0) {
                ps_strv_free(&fin.reasons, &fin.n_reasons);
                return -1;
            }
            if (total > 4 && shown == 3)
                break;
            shown++;
            if (step_reason(&fin, ps_plan_why_may_restart(n->kb)) != 0) {
                ps_strv_free(&fin.reasons, &fin.n_reasons);
                return -1;
            }
        }
        if (fin.n_reasons) {
            if (step_push(ap, PS_STEP_REBOOT, PS_NO_NODE) != 0) {
                ps_strv_free(&fin.reasons, &fin.n_reasons);
                return -1;
            }
            ap->steps[ap->n_steps - 1] = fin;
            ap->reboots++;
        }
    }
    /* reasons and builds */
    for (size_t i = 0; i < ap->n_steps; i++) {
        ps_plan_step *s = &ap->steps[i];
        const ps_plan_node *n;

        if (s->action != PS_STEP_INSTALL)
            continue;
        n = &ap->nodes[s->node];
        if (install_reasons(ap, s) != 0)
            return -1;
        if (n->kernel && (build == NULL || ps_version_cmp(n->kernel, build) > 0)) {
            s->build_after = n->kernel;
            build = n->kernel;
        }
    }
    ap->end_build = build;
    /* skipped, in key order (nodes are sorted) */
    ap->skipped = ps_malloc((ap->n_nodes ? ap->n_nodes : 1) * sizeof *ap->skipped);
    if (ap->skipped == NULL)
        return -1;
    for (size_t i = 0; i < ap->n_nodes; i++)
        if (!pl->inplan[i])
            ap->skipped[ap->n_skipped++] = i;
    return 0;
}

/*
 * The manual steps of the knowledge base (rules/<os>.xml <step>; today the
 * ESU activation): one per ESU year of the planned packages a step's `then`
 * selectors match, just before the first of them.  The rules put those
 * packages after the licensing package and its restart, so the step sits
 * between that restart and the first ESU update.  The key is never in the
 * plan: the commands carry PS_MAK_PLACEHOLDER.
 */
static char *manual_command(const char *tmpl, const ps_plan_step *st)
{
    ps_buf b = {0};
    int rc = 0;

    for (const char *p = tmpl; *p && rc == 0;) {
        if (strncmp(p, "{mak}", 5) == 0) {
            rc = ps_buf_puts(&b, PS_MAK_PLACEHOLDER);
            p += 5;
        } else if (strncmp(p, "{activation-id}", 15) == 0) {
            rc = ps_buf_puts(&b, st->n_activations == 1 ? st->activations[0]->id
                                                        : ps_plan_why_activation_placeholder());
            p += 15;
        } else {
            rc = ps_buf_append(&b, p++, 1);
        }
    }
    if (rc != 0 || ps_buf_puts(&b, "") != 0) {
        ps_buf_free(&b);
        return NULL;
    }
    return ps_buf_steal(&b, NULL);
}

static int manual_step_fill(planner *pl, ps_plan_step *st, const ps_manual_step *ms, unsigned year)
{
    const ps_arch_plan *ap = pl->ap;
    ps_edition ed = ap->machine.edition ? ps_edition_parse(ap->machine.edition) : PS_EDITION_ANY;

    st->manual = ms;
    st->esu_year = year;
    if (ed != PS_EDITION_ANY) {
        st->activations[0] = ps_kb_activation_for(pl->kb, ap->os, ed, year);
        st->n_activations = st->activations[0] != NULL;
    } else {
        const ps_kb_activation *c = ps_kb_activation_for(pl->kb, ap->os, PS_EDITION_CLIENT, year);
        const ps_kb_activation *s = ps_kb_activation_for(pl->kb, ap->os, PS_EDITION_SERVER, year);

        if (c)
            st->activations[st->n_activations++] = c;
        if (s && s != c && (c == NULL || strcmp(c->id, s->id) != 0))
            st->activations[st->n_activations++] = s;
    }
    for (size_t i = 0; i < ms->n_commands; i++) {
        char *c = manual_command(ms->commands[i], st);

        if (c == NULL || ps_strv_push(&st->commands, &st->n_commands, c) != 0) {
            free(c);
            return -1;
        }
        free(c);
    }
    if (step_reason(st, ps_plan_why_manual_step(ms, year)) != 0)
        return -1;
    for (size_t i = 0; i < st->n_activations; i++) {
        if (step_reason(st, ps_plan_why_activation(st->activations[i], year)) != 0)
            return -1;
    }
    if (st->n_activations == 0 &&
        step_reason(st, ps_plan_why_no_activation(year)) != 0)
        return -1;
    if (step_reason(st, ps_plan_why_esu_key_unknown(ap->machine.from_inventory)) != 0)
        return -1;
    return 0;
}

int ps_plan_manual_steps(planner *pl)
{
    ps_arch_plan *ap = pl->ap;
    const ps_manual_step *ms = ps_kb_step(pl->kb, ap->os, "esu-activation");
    unsigned done = 0; /* bit per ESU year */

    if (ms == NULL)
        return 0;
    for (size_t i = 0; i < ap->n_steps; i++) {
        const ps_plan_node *n;
        unsigned year;
        bool match = false;
        ps_plan_step *ns;

        if (ap->steps[i].action != PS_STEP_INSTALL)
            continue;
        n = &ap->nodes[ap->steps[i].node];
        for (size_t k = 0; k < ms->n_before && !match; k++)
            match = ps_plan_selector_matches(&ms->before[k], n);
        year = match ? ps_kb_esu_year(pl->kb, ap->os, n->date) : 0;
        if (year == 0 || year >= 32 || (done & (1u << year)))
            continue;
        done |= 1u << year;
        ns = ps_realloc(ap->steps, (ap->n_steps + 1) * sizeof *ns);
        if (ns == NULL)
            return -1;
        ap->steps = ns;
        memmove(&ap->steps[i + 1], &ap->steps[i], (ap->n_steps - i) * sizeof *ns);
        ap->n_steps++;
        ap->steps[i] = (ps_plan_step){.action = PS_STEP_MANUAL, .node = PS_NO_NODE};
        if (manual_step_fill(pl, &ap->steps[i], ms, year) != 0)
            return -1;
        i++; /* the install it precedes */
    }
    for (size_t i = 0; i < ap->n_steps; i++)
        if (ap->steps[i].action == PS_STEP_INSTALL)
            ap->nodes[ap->steps[i].node].step = i + 1;
    return 0;
}
