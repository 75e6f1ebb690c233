/*
 * rules.c - the knowledge base's rules as the planner reads them: does a
 * selector match a node, does a node or the inventory satisfy the "before"
 * side of a rule.
 */
#include "plan_int.h"

#include <stddef.h>
#include <string.h>

bool ps_plan_selector_matches(const ps_selector *s, const ps_plan_node *n)
{
    bool any = false;

    if (s->kb) {
        if (!ps_streq_ci(s->kb, n->kb))
            return false;
        any = true;
    }
    if (s->role != PS_ROLE_UNKNOWN) {
        if (s->role != n->role)
            return false;
        any = true;
    }
    if (s->release_type) {
        if (n->pkg->release_type == NULL || !ps_streq_ci(s->release_type, n->pkg->release_type))
            return false;
        any = true;
    }
    if (s->sha2_only) {
        if (!n->sha2_only)
            return false;
        any = true;
    }
    /* release months: a package of February 2020 is "since 2020-02-11" */
    if (s->since && (n->date == NULL || strncmp(n->date, s->since, 7) < 0))
        return false;
    return any;
}

/* The date from which a rule's `from` KB counts. */
static const char *rule_from_date(const planner *pl, const ps_rule *r)
{
    const ps_kb_entry *e;

    if (r->from == NULL)
        return NULL;
    e = ps_kb_find(pl->kb, pl->ap->os, r->from);
    if (e && e->date)
        return e->date;
    for (size_t i = 0; i < pl->ap->n_nodes; i++)
        if (ps_streq_ci(pl->ap->nodes[i].kb, r->from))
            return pl->ap->nodes[i].date;
    return NULL;
}

/* Does node n satisfy the "before" side of rule r? */
bool ps_plan_rule_before_matches(const planner *pl, const ps_rule *r, const ps_plan_node *n)
{
    const char *from;

    if (r->kb) /* or, with or-later, any package the manifests say supersedes it */
        return ps_kb_satisfies(pl->kb, pl->ap->os, n->kb, r->kb, r->or_superseding) == 1;
    if (r->role == PS_ROLE_UNKNOWN || r->role != n->role)
        return false;
    if (r->from == NULL || ps_streq_ci(r->from, n->kb))
        return true;
    from = rule_from_date(pl, r);
    if (from == NULL)
        return true;
    return n->date != NULL && strcmp(n->date, from) >= 0;
}

bool ps_plan_rule_satisfied_by_inventory(const planner *pl, const ps_rule *r)
{
    const ps_inventory *inv = pl->opts->inventory;
    const char *from;

    if (inv == NULL)
        return false;
    if (r->kb) {
        if (ps_inventory_has(inv, r->kb))
            return true;
        for (size_t i = 0; r->or_superseding && i < inv->n_kbs; i++)
            if (ps_kb_satisfies(pl->kb, pl->ap->os, inv->kbs[i], r->kb, 1) == 1)
                return true;
        return false;
    }
    from = rule_from_date(pl, r);
    for (size_t i = 0; i < inv->n_kbs; i++) {
        const ps_kb_entry *e = ps_kb_find(pl->kb, pl->ap->os, inv->kbs[i]);

        if (e == NULL || e->role != r->role)
            continue;
        if (r->from == NULL || ps_streq_ci(r->from, e->kb) || from == NULL ||
            (e->date && strcmp(e->date, from) >= 0))
            return true;
    }
    return false;
}
