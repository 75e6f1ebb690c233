/*
 * why_steps.c - the sentences of the steps: why a package is installed where
 * it is, why the plan restarts, and the reasons of the manual ESU step.
 */
#include "plan_int.h"

#include <stddef.h>

/* "phase P: role R (why)" - the first reason of an install step. */
char *ps_plan_why_step_phase(const ps_plan_node *n)
{
    return ps_asprintf("phase %s: role %s (%s)", n->phase_name, ps_role_name(n->role),
                       n->role_why ? n->role_why : "classified");
}

/* "after KB: reason [provenance]" - an edge into an install step. */
char *ps_plan_why_step_after(const char *from_kb, const ps_plan_edge *e)
{
    return ps_asprintf("after %s: %s [%s]", from_kb, e->reason, e->provenance);
}

/* Why a restart comes between the two ends of barrier edge e. */
char *ps_plan_why_reboot_edge(const char *from_kb, const char *to_kb, const ps_plan_edge *e)
{
    if (e->kind == PS_EDGE_SHA2)
        return ps_asprintf("%s must be active before SHA-2-only packages", from_kb);
    return ps_asprintf("%s before %s: %s", from_kb, to_kb, e->reason);
}

/* The count that stands for the reasons of a restart left unshown. */
char *ps_plan_why_reboot_more(size_t more)
{
    return ps_asprintf("and %zu more reasons for this restart", more);
}

/* The head of a final restart with more than four packages behind it. */
char *ps_plan_why_final_reboot_count(size_t total)
{
    return ps_asprintf("%zu packages installed since the last restart may require one; the "
                       "first three:", total);
}

/* A package of the final restart. */
char *ps_plan_why_may_restart(const char *kb)
{
    return ps_asprintf("%s may require a restart", kb);
}

/* The manual step itself: its reason, its year and where the rule is. */
char *ps_plan_why_manual_step(const ps_manual_step *ms, unsigned year)
{
    return ps_asprintf("%s (ESU year %u) [%s:%u (%s)]", ms->reason ? ms->reason : ms->name, year,
                       ms->where.file ? ms->where.file : "rules", ms->where.line,
                       ms->source ? ms->source : "");
}

/* An activation ID the step uses, with its edition and source. */
char *ps_plan_why_activation(const ps_kb_activation *a, unsigned year)
{
    return ps_asprintf("activation ID of ESU year %u%s%s: %s [%s:%u (%s)]", year,
                       a->edition != PS_EDITION_ANY ? ", edition " : "",
                       a->edition != PS_EDITION_ANY ? ps_edition_name(a->edition) : "", a->id,
                       a->where.file ? a->where.file : "manifests", a->where.line,
                       a->source ? a->source : "");
}

/* What a command shows where no one activation ID fits the machine. */
const char *ps_plan_why_activation_placeholder(void)
{
    return "<activation ID of your edition>";
}

/* When the knowledge base knows no activation ID for the year. */
char *ps_plan_why_no_activation(unsigned year)
{
    return ps_asprintf("the knowledge base knows no activation ID of ESU year %u for this "
                       "machine: find it in the ESU documentation", year);
}

/* Whether the ESU key may be active already, as far as the plan knows. */
char *ps_plan_why_esu_key_unknown(bool from_inventory)
{
    return ps_strdup(from_inventory
                         ? "the inventory does not show whether an ESU key is active: when "
                           "`slmgr /dlv` shows the ESU license of this year activated, skip "
                           "this step"
                         : "without an inventory, whether an ESU key is active is unknown: "
                           "when `slmgr /dlv` shows the ESU license of this year activated, "
                           "skip this step");
}
