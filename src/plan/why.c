/*
 * why.c - the sentences the planner writes: the reason and provenance of
 * each edge, why a package is missing a prerequisite, superseded or kept,
 * the duplicate revisions and the dependency cycles.
 */
#include "plan_int.h"
#include "alloc.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *rule_provenance(const ps_rule *r)
{
    const char *file = r->where.file ? r->where.file : "rules";

    if (r->source)
        return ps_asprintf("%s:%u (%s)", file, r->where.line, r->source);
    return ps_asprintf("%s:%u", file, r->where.line);
}

/* What the before side of a rule names: "KB4474419", "a servicing-stack
 * package from KB4493730 or later". */
static char *rule_what(const ps_rule *r)
{
    if (r->kb)
        return ps_strdup(r->kb);
    if (r->from)
        return ps_asprintf("a %s package from %s or later", ps_role_name(r->role), r->from);
    return ps_asprintf("a %s package", ps_role_name(r->role));
}

/* Adds the edge that satisfies requirement rq with node a. */
int ps_plan_edge_for(planner *pl, const req *rq, size_t a)
{
    ps_arch_plan *ap = pl->ap;
    const ps_plan_node *B = &ap->nodes[rq->node], *A = &ap->nodes[a];
    char *reason = NULL, *prov = NULL;
    int barrier = 0;

    switch (rq->kind) {
    case PS_EDGE_STACK:
        reason = ps_asprintf("%s needs servicing stack %s or later; %s delivers %s", B->kb,
                             B->pkg->installer_version, A->kb, A->stack);
        prov = ps_asprintf("installerAssembly in %s update.mum; stack of %s from %s", B->kb, A->kb,
                           A->stack_why             ? A->stack_why
                           : A->pkg->provides_stack ? "its components"
                                                    : "the knowledge base");
        break;
    case PS_EDGE_SHA2:
        reason = ps_asprintf("%s is SHA-2-only: %s must be installed and the machine restarted "
                             "first", B->kb, A->kb);
        if (B->pkg->sha2_only >= 0)
            prov = ps_asprintf("%s update.cat: no SHA-1 digest", B->kb);
        else
            prov = ps_asprintf("%s:%u", B->entry && B->entry->where.file ? B->entry->where.file
                                                                        : "manifests",
                               B->entry ? B->entry->where.line : 0);
        barrier = 1;
        break;
    case PS_EDGE_RULE:
        if (rq->rule->kb && !ps_streq_ci(rq->rule->kb, A->kb))
            /* or-later: a package that supersedes the KB named meets it */
            reason = ps_asprintf("%s; %s supersedes %s, so it meets the requirement",
                                 rq->rule->reason ? rq->rule->reason : "a requirement", A->kb,
                                 rq->rule->kb);
        else if (rq->rule->reason)
            reason = ps_strdup(rq->rule->reason);
        else
            reason = ps_asprintf("%s comes before %s", A->kb, B->kb);
        prov = rule_provenance(rq->rule);
        barrier = rq->rule->barrier;
        break;
    case PS_EDGE_WSUS:
        reason = ps_asprintf("%s names %s (UpdateId %s) as a WSUS prerequisite", B->kb, A->kb,
                             A->pkg->wsus.update_id);
        prov = ps_strdup("WSUSSCAN.cab package.xml");
        break;
    }
    return ps_plan_edge_add(pl, a, rq->node, rq->kind, barrier, reason, prov);
}

/* The KBs of excluded candidates, for "…, and KB… is left out of this plan". */
static char *left_out_list(const planner *pl, const size_t *c, size_t n)
{
    ps_buf b = {0};

    for (size_t i = 0; i < n; i++)
        ps_buf_printf(&b, "%s%s", i ? ", " : "", pl->ap->nodes[c[i]].kb);
    if (b.data == NULL)
        return ps_strdup("");
    return ps_buf_steal(&b, NULL);
}

char *ps_plan_missing_message(const planner *pl, const req *rq, const size_t *gone, size_t n_gone)
{
    const ps_arch_plan *ap = pl->ap;
    const ps_plan_node *B = &ap->nodes[rq->node];
    const char *arch = ps_arch_name(ap->arch);
    char *what = NULL, *list = NULL, *msg = NULL, *tail = NULL;

    if (n_gone) {
        list = left_out_list(pl, gone, n_gone);
        if (list == NULL)
            return NULL;
    }
    switch (rq->kind) {
    case PS_EDGE_STACK:
        if (list) {
            msg = ps_asprintf("%s needs servicing stack %s or later and %s, which would deliver "
                              "it, is left out of the %s plan", B->kb, B->pkg->installer_version,
                              list, arch);
        } else {
            bool sha1 = !ap->machine.sha2_active &&
                        ((ps_plan_enabler_of(pl) && ps_streq_ci(B->kb, ps_plan_enabler_of(pl))) ||
                         !ps_plan_enabler_plannable(pl));
            const ps_kb_entry *add =
                ps_plan_suggest_ssu(pl, B->pkg->installer_version, sha1, B->date);
            ps_buf r = {0};

            /* the SSUs of the bundle that deliver it, and why none can be used */
            for (size_t i = 0; i < ap->n_nodes; i++) {
                const ps_plan_node *s = &ap->nodes[i];

                if (i == rq->node || !ps_plan_is_ssu(s) || s->stack == NULL ||
                    ps_plan_node_excluded(s) ||
                    ps_version_cmp(s->stack, B->pkg->installer_version) < 0)
                    continue;
                if (!ps_plan_sha2_ok_before(pl, s, B))
                    ps_buf_printf(&r, "; %s delivers %s but is SHA-2-only, and SHA-2 support "
                                  "cannot be active before %s", s->kb, s->stack, B->kb);
                else if (!ps_plan_ssu_installable(pl, s, pl->reach))
                    ps_buf_printf(&r,
                                  "; %s delivers %s but needs servicing stack %s itself, "
                                  "which %s",
                                  s->kb, s->stack, s->pkg->installer_version,
                                  ps_plan_is_ssu(B)
                                      ? "nothing before it delivers (SSUs cannot satisfy "
                                        "each other in a circle)"
                                      : "nothing before it delivers");
            }
            if (add)
                msg = ps_asprintf("%s needs a %sservicing stack update delivering %s or later "
                                  "for %s: add %s (%.7s)%s%s", B->kb,
                                  sha1 ? "SHA-1-signed " : "", B->pkg->installer_version, arch,
                                  add->kb, add->date ? add->date : "undated",
                                  sha1 ? "" : " or a later one",
                                  r.data ? r.data : "");
            else
                msg = ps_asprintf("%s needs a %sservicing stack update delivering %s or later "
                                  "for %s and none is in the bundle or the inventory (the "
                                  "knowledge base knows no update that delivers it)%s", B->kb,
                                  sha1 ? "SHA-1-signed " : "", B->pkg->installer_version, arch,
                                  r.data ? r.data : "");
            ps_buf_free(&r);
        }
        break;
    case PS_EDGE_SHA2:
        if (ps_plan_enabler_of(pl) == NULL)
            msg = ps_asprintf("%s is SHA-2-only and the knowledge base names no SHA-2 support "
                              "update for Windows %s", B->kb, ap->os);
        else if (list)
            msg = ps_asprintf("%s is SHA-2-only and the SHA-2 support update (%s) for %s is left "
                              "out of the plan", B->kb, ps_plan_enabler_of(pl), arch);
        else
            msg = ps_asprintf("%s is SHA-2-only and no SHA-2 support update (%s) for %s is in "
                              "the bundle or the inventory: add %s",
                              B->kb, ps_plan_enabler_of(pl), arch, ps_plan_enabler_of(pl));
        break;
    case PS_EDGE_RULE:
        what = rule_what(rq->rule);
        if (what == NULL)
            break;
        if (!list) { /* what to add, and the packages of the bundle that cannot serve */
            const ps_kb_entry *e =
                rq->rule->from ? ps_kb_find(pl->kb, ap->os, rq->rule->from) : NULL;
            ps_buf r = {0};

            if (e)
                ps_buf_printf(&r, ": add %s (%.7s) or a later one", e->kb,
                              e->date ? e->date : "undated");
            for (size_t i = 0; i < ap->n_nodes; i++) {
                const ps_plan_node *s = &ap->nodes[i];

                if (i != rq->node && !ps_plan_node_excluded(s) &&
                    ps_plan_rule_before_matches(pl, rq->rule, s) && ps_plan_is_ssu(s) &&
                    !ps_plan_sha2_ok_before(pl, s, B))
                    ps_buf_printf(&r, "; %s is SHA-2-only and cannot come before %s", s->kb, B->kb);
            }
            tail = r.data ? ps_buf_steal(&r, NULL) : NULL;
            ps_buf_free(&r);
        }
        if (list)
            msg = ps_asprintf("%s requires %s and %s is left out of the %s plan (%s:%u)", B->kb,
                              what, list, arch,
                              rq->rule->where.file ? rq->rule->where.file : "rules",
                              rq->rule->where.line);
        else
            msg = ps_asprintf("%s requires %s and none for %s is in the bundle or the inventory "
                              "(%s:%u)%s", B->kb, what, arch,
                              rq->rule->where.file ? rq->rule->where.file : "rules",
                              rq->rule->where.line, tail ? tail : "");
        free(tail);
        break;
    case PS_EDGE_WSUS:
        msg = ps_asprintf("%s names %s as a WSUS prerequisite and it is left out of the %s plan",
                          B->kb, list ? list : "a package", arch);
        break;
    }
    free(what);
    free(list);
    return msg;
}

char *ps_plan_supersede_text(const planner *pl, const ps_plan_node *B, const ps_plan_node *A,
                            ps_supersede_kind how)
{
    const ps_kb_entry *e;

    if (how == PS_SUPERSEDE_FAMILY)
        return ps_asprintf("superseded by %s: a newer version of %s (%s > %s)", B->kb,
                           B->pkg->identity.name, B->pkg->identity.version,
                           A->pkg->identity.version);
    if (how == PS_SUPERSEDE_STACK) {
        if (A->stack && B->stack && ps_version_cmp(B->stack, A->stack) > 0)
            return ps_asprintf("superseded by %s: a newer servicing stack (%s > %s)", B->kb,
                               B->stack, A->stack);
        return ps_asprintf("superseded by %s: a newer servicing stack update (%s > %s)", B->kb,
                           B->date, A->date);
    }
    e = ps_kb_find(pl->kb, pl->ap->os, B->kb);
    return ps_asprintf("superseded by %s: the knowledge base says so (%s:%u)", B->kb,
                       e && e->where.file ? e->where.file : "manifests", e ? e->where.line : 0);
}

int ps_plan_duplicate_texts(ps_arch_plan *ap)
{
    for (size_t i = 0; i < ap->n_nodes; i++) {
        ps_plan_node *a = &ap->nodes[i];
        const ps_plan_node *w;

        if (a->state != PS_NODE_DUPLICATE)
            continue;
        w = &ap->nodes[a->by];
        a->why = ps_asprintf("another revision of %s (version %s) is planned instead: %s "
                             "(version %s)", a->kb,
                             a->pkg->identity.version ? a->pkg->identity.version : "unknown",
                             w->pkg->file,
                             w->pkg->identity.version ? w->pkg->identity.version : "unknown");
        if (a->why == NULL)
            return -1;
    }
    return 0;
}

/* Why superseded node `pick` is kept: b needs it before it. */
char *ps_plan_needed_text(planner *pl, size_t pick, size_t b)
{
    const ps_arch_plan *ap = pl->ap;
    const ps_plan_node *c = &ap->nodes[pick];
    const ps_plan_node *B = &ap->nodes[b];

    if (c->by != PS_NO_NODE && c->by != b && ps_plan_reaches(pl, b, c->by))
        return ps_asprintf("kept although superseded by %s: %s needs it before it, and %s "
                           "cannot be installed before %s", ap->nodes[c->by].kb, B->kb,
                           ap->nodes[c->by].kb, B->kb);
    if (c->by != PS_NO_NODE)
        return ps_asprintf("kept although superseded by %s: %s needs it before it",
                           ap->nodes[c->by].kb, B->kb);
    return ps_asprintf("kept although superseded: %s needs it before it", B->kb);
}

static const ps_plan_edge *edge_between(const ps_arch_plan *ap, size_t from, size_t to)
{
    for (size_t i = 0; i < ap->n_edges; i++)
        if (ap->edges[i].from == from && ap->edges[i].to == to)
            return &ap->edges[i];
    return NULL;
}

/* "KB1 -> KB2 (kind: reason [provenance]) -> ... -> KB1", for the
 * dependency-cycle finding. */
char *ps_plan_cycle_text(const ps_arch_plan *ap, const ps_plan_cycle *cy)
{
    ps_buf b = {0};

    ps_buf_puts(&b, ap->nodes[cy->members[0]].kb);
    for (size_t i = 0; i < cy->n; i++) {
        size_t f = cy->members[i], t = cy->members[(i + 1) % cy->n];
        const ps_plan_edge *e = edge_between(ap, f, t);

        ps_buf_printf(&b, " -> %s (%s: %s [%s])", ap->nodes[t].kb,
                      e ? ps_edge_kind_name(e->kind) : "?", e ? e->reason : "?",
                      e ? e->provenance : "?");
    }
    if (b.data == NULL)
        return NULL;
    return ps_buf_steal(&b, NULL);
}

/* The why of a member of cycle number `number`. */
char *ps_plan_cycle_member_why(const ps_arch_plan *ap, const ps_plan_cycle *cy, size_t number)
{
    ps_buf m = {0};
    char *why;

    for (size_t k = 0; k <= cy->n; k++)
        ps_buf_printf(&m, "%s%s", k ? " -> " : "", ap->nodes[cy->members[k % cy->n]].kb);
    why = m.data ? ps_asprintf("part of dependency cycle %zu (%s); its reasons are in the "
                               "dependency-cycle finding", number, m.data)
                 : NULL;
    ps_buf_free(&m);
    return why;
}
