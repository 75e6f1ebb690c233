/*
 * model.c - the plan model of plan.h: the names of its enums, the default
 * options, and freeing a plan.
 */
#include "plan_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

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
