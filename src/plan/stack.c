/*
 * stack.c - the machine and its servicing stack: what the machine has (from the
 * inventory, the installed packages and the knowledge base), what each SSU
 * delivers or is credited with, the stack reachable before a package, and
 * when SHA-2 support can be active.
 */
#include "plan_int.h"
#include "alloc.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool ps_plan_is_ssu(const ps_plan_node *n)
{
    return n->role == PS_ROLE_SERVICING_STACK;
}

/* The stack a KB is known to deliver: its package in this plan (its own
 * components or its knowledge-base entry), else the knowledge base. */
static const char *known_stack(const ps_arch_plan *ap, const ps_kb *kb, const char *k)
{
    const ps_kb_entry *e;

    for (size_t i = 0; i < ap->n_nodes; i++)
        if (ps_streq_ci(ap->nodes[i].kb, k) && ap->nodes[i].stack && !ap->nodes[i].stack_why)
            return ap->nodes[i].stack;
    e = ps_kb_find(kb, ap->os, k);
    return e ? e->provides_stack : NULL;
}

/*
 * The stack credited to SSU `k` (released on `date`, may be NULL) whose own
 * stack is not known: at least what every SSU it supersedes (as the
 * knowledge base says) or that was released before it (the chain order)
 * is known to deliver.  NULL when nothing is known; *from names that SSU.
 */
static const char *credited_stack(const ps_arch_plan *ap, const ps_kb *kb, const char *k,
                                  const char *date, const char **from)
{
    const ps_kb_entry *e = ps_kb_find(kb, ap->os, k);
    const char *best = NULL;

    *from = NULL;
    for (size_t i = 0; i < ap->n_nodes; i++) {
        const ps_plan_node *y = &ap->nodes[i];
        const char *st = known_stack(ap, kb, y->kb);

        if (!ps_plan_is_ssu(y) || ps_streq_ci(y->kb, k) || st == NULL)
            continue;
        if (!((e && ps_strv_contains(e->supersedes, e->n_supersedes, y->kb)) ||
              (date && y->date && strcmp(y->date, date) < 0)))
            continue;
        if (best == NULL || ps_version_cmp(st, best) > 0 ||
            (ps_version_cmp(st, best) == 0 && ps_kb_cmp(y->kb, *from) < 0)) {
            best = st;
            *from = y->kb;
        }
    }
    for (size_t i = 0; i < kb->n_entries; i++) {
        const ps_kb_entry *y = &kb->entries[i];

        if (strcmp(y->os, ap->os) != 0 || y->role != PS_ROLE_SERVICING_STACK ||
            y->provides_stack == NULL || ps_streq_ci(y->kb, k))
            continue;
        if (!((e && ps_strv_contains(e->supersedes, e->n_supersedes, y->kb)) ||
              (date && y->date && strcmp(y->date, date) < 0)))
            continue;
        if (best == NULL || ps_version_cmp(y->provides_stack, best) > 0) {
            best = y->provides_stack;
            *from = y->kb;
        }
    }
    return best;
}

static bool installer_met(const ps_plan_node *s, const char *stack)
{
    return s->pkg->installer_version == NULL || stack == NULL ||
           ps_version_cmp(s->pkg->installer_version, stack) <= 0;
}

/*
 * The SSU chain order, for an installed SSU whose stack is not known at all:
 * it meets the stack requirement of b when it is the newest SSU the
 * knowledge base knows released before b, or a later one (b was built for
 * the servicing stack of its month).
 */
bool ps_plan_machine_chain_meets(const planner *pl, const ps_plan_node *b)
{
    const ps_arch_plan *ap = pl->ap;
    const char *newest = NULL;

    if (b->date == NULL)
        return false;
    for (size_t i = 0; i < pl->kb->n_entries; i++) {
        const ps_kb_entry *e = &pl->kb->entries[i];

        if (strcmp(e->os, ap->os) == 0 && e->role == PS_ROLE_SERVICING_STACK && e->date &&
            strcmp(e->date, b->date) < 0 && (newest == NULL || strcmp(e->date, newest) > 0))
            newest = e->date;
    }
    for (size_t i = 0; i < ap->machine.n_kbs; i++) {
        const ps_machine_kb *k = &ap->machine.kbs[i];
        bool newer_known = false;

        if (k->role != PS_ROLE_SERVICING_STACK || k->stack != NULL || k->date == NULL ||
            !((newest && strcmp(k->date, newest) >= 0) || strcmp(k->date, b->date) >= 0))
            continue;
        /* an SSU of the bundle released after it is known to deliver what b needs:
         * that one is what b was built for */
        for (size_t j = 0; j < ap->n_nodes && !newer_known; j++) {
            const ps_plan_node *y = &ap->nodes[j];

            newer_known = y != b && ps_plan_is_ssu(y) && y->state != PS_NODE_INSTALLED &&
                          y->stack && b->pkg->installer_version && y->date &&
                          ps_version_cmp(y->stack, b->pkg->installer_version) >= 0 &&
                          strcmp(y->date, k->date) > 0 && strcmp(y->date, b->date) <= 0;
        }
        if (!newer_known)
            return true;
    }
    return false;
}

/* Is the minimum stack of s met by `stack`, or by the chain order? */
bool ps_plan_ssu_installable(const planner *pl, const ps_plan_node *s, const char *stack)
{
    return installer_met(s, stack) || ps_plan_machine_chain_meets(pl, s);
}

/* Is the enabler a package this plan can install? */
bool ps_plan_enabler_plannable(const planner *pl)
{
    const ps_arch_plan *ap = pl->ap;

    if (ps_plan_enabler_of(pl) == NULL)
        return false;
    for (size_t i = 0; i < ap->n_nodes; i++)
        if (ps_streq_ci(ap->nodes[i].kb, ps_plan_enabler_of(pl)) &&
            !ps_plan_node_excluded(&ap->nodes[i]))
            return true;
    return false;
}

/* Can SHA-2-only SSU s be installed before b?  Only once SHA-2 support is
 * active after a restart: never before the SHA-2 support update itself. */
bool ps_plan_sha2_ok_before(const planner *pl, const ps_plan_node *s, const ps_plan_node *b)
{
    if (!s->sha2_only || pl->ap->machine.sha2_active)
        return true;
    if (ps_plan_enabler_of(pl) && ps_streq_ci(b->kb, ps_plan_enabler_of(pl)))
        return false;
    return ps_plan_enabler_plannable(pl);
}

/*
 * The stack reachable before node b: from the machine's stack, every SSU
 * of the plan (b excluded, so that SSUs never satisfy each other's
 * requirements in a circle) whose own minimum stack is met and which can
 * come before b adds what it delivers, until nothing grows.
 */
const char *ps_plan_reach_before(const planner *pl, size_t b)
{
    const ps_arch_plan *ap = pl->ap;
    const char *reach = ap->machine.stack;
    bool grew = true;

    while (grew) {
        grew = false;
        for (size_t i = 0; i < ap->n_nodes; i++) {
            const ps_plan_node *s = &ap->nodes[i];

            if (i == b || !ps_plan_is_ssu(s) || s->stack == NULL || ps_plan_node_excluded(s) ||
                !ps_plan_ssu_installable(pl, s, reach) ||
                !ps_plan_sha2_ok_before(pl, s, &ap->nodes[b]) ||
                (reach && ps_version_cmp(s->stack, reach) <= 0))
                continue;
            reach = s->stack;
            grew = true;
        }
    }
    return reach;
}

/* Is the knowledge-base entry e SHA-2-only (unknown: released from July 2019)? */
static bool entry_sha2(const ps_kb_entry *e)
{
    if (e->sha2_only >= 0)
        return e->sha2_only == 1;
    return e->date && strcmp(e->date, "2019-07") >= 0;
}

/* The oldest SSU the knowledge base knows for this OS and architecture
 * that delivers `need` or later (a SHA-1-signed one when sha1); when it
 * knows no stack that does, by the chain order: the newest SSU released on
 * or before `date` (the SSU of the dependant's month).  NULL when none. */
const ps_kb_entry *ps_plan_suggest_ssu(const planner *pl, const char *need, bool sha1,
                                      const char *date)
{
    const ps_arch_plan *ap = pl->ap;
    const ps_kb_entry *best = NULL;

    for (size_t i = 0; i < pl->kb->n_entries; i++) {
        const ps_kb_entry *e = &pl->kb->entries[i];
        const char *st, *from;

        if (strcmp(e->os, ap->os) != 0 || e->role != PS_ROLE_SERVICING_STACK ||
            !(e->arches & PS_ARCH_BIT(ap->arch)) || (sha1 && entry_sha2(e)))
            continue;
        st = known_stack(ap, pl->kb, e->kb);
        if (st == NULL)
            st = credited_stack(ap, pl->kb, e->kb, e->date, &from);
        if (st == NULL || ps_version_cmp(st, need) < 0)
            continue;
        if (best == NULL || ps_strcmp_null_last(e->date, best->date) < 0)
            best = e;
    }
    if (best == NULL && date) {
        const ps_kb_entry *c = NULL;

        for (size_t j = 0; j < pl->kb->n_entries; j++) {
            const ps_kb_entry *x = &pl->kb->entries[j];

            if (strcmp(x->os, ap->os) != 0 || x->role != PS_ROLE_SERVICING_STACK ||
                !(x->arches & PS_ARCH_BIT(ap->arch)) || (sha1 && entry_sha2(x)) ||
                x->date == NULL || strcmp(x->date, date) > 0)
                continue;
            if (c == NULL || strcmp(x->date, c->date) > 0)
                c = x;
        }
        best = c;
    }
    return best;
}

const char *ps_plan_enabler_of(const planner *pl)
{
    return pl->ap->rules->sha2_enabler;
}

/*
 * The machine state of this plan: from the inventory, the installed
 * packages of the bundle and the knowledge base; with no inventory, the
 * base of the OS family.  Bundle SSUs whose stack is not known are credited
 * with what the SSUs they supersede deliver.  -1 on OOM.
 */
int ps_plan_machine_state(planner *pl)
{
    ps_arch_plan *ap = pl->ap;
    ps_machine *m = &ap->machine;
    const ps_inventory *inv = pl->opts->inventory;
    const char *from;

    /* SSUs of the bundle that do not say what they deliver */
    for (size_t i = 0; i < ap->n_nodes; i++) {
        ps_plan_node *n = &ap->nodes[i];
        const char *st;

        if (!ps_plan_is_ssu(n) || n->stack)
            continue;
        st = credited_stack(ap, pl->kb, n->kb, n->date, &from);
        if (st == NULL)
            continue;
        n->stack_why = ps_plan_why_credited_stack(from);
        if (n->stack_why == NULL)
            return -1;
        n->stack = st;
    }
    m->from_inventory = inv != NULL;
    m->build = ap->start_build;
    m->stack = ap->rules->base_build;
    m->stack_src = ps_plan_why_base_stack(ap->os);
    if (m->stack_src == NULL)
        return -1;
    if (inv == NULL)
        return 0;
    m->os_name = inv->os_name;
    if (inv->os_name) {
        if (strstr(inv->os_name, "Server"))
            m->edition = "server";
        else if (strstr(inv->os_name, "Vista") || strstr(inv->os_name, "Windows 7"))
            m->edition = "client";
    }
    m->kbs = ps_calloc(inv->n_kbs ? inv->n_kbs : 1, sizeof *m->kbs);
    if (m->kbs == NULL)
        return -1;
    for (size_t i = 0; i < inv->n_kbs; i++) {
        ps_machine_kb *k = &m->kbs[m->n_kbs++];
        const ps_kb_entry *e = ps_kb_find(pl->kb, ap->os, inv->kbs[i]);
        const ps_plan_node *n = NULL;
        const char *st = NULL, *src = NULL;
        char *srcbuf = NULL;

        k->kb = inv->kbs[i];
        k->node = PS_NO_NODE;
        /* of several installed revisions: the one delivering the newest stack,
         * else the newest */
        for (size_t j = 0; j < ap->n_nodes; j++) {
            const ps_plan_node *c = &ap->nodes[j];
            int better;

            if (c->state != PS_NODE_INSTALLED || !ps_streq_ci(c->kb, k->kb))
                continue;
            if (n == NULL)
                better = 1;
            else if ((ps_plan_is_ssu(c) && c->stack) != (ps_plan_is_ssu(n) && n->stack))
                better = ps_plan_is_ssu(c) && c->stack;
            else if (ps_plan_is_ssu(c) && c->stack && ps_version_cmp(c->stack, n->stack) != 0)
                better = ps_version_cmp(c->stack, n->stack) > 0;
            else
                better = ps_version_cmp(c->pkg->identity.version, n->pkg->identity.version) > 0;
            if (better) {
                n = c;
                k->node = j;
            }
        }
        k->role = n ? n->role : e ? e->role : PS_ROLE_UNKNOWN;
        k->date = n && n->date ? n->date : e ? e->date : NULL;
        if (ps_plan_enabler_of(pl) && ps_streq_ci(k->kb, ps_plan_enabler_of(pl)))
            m->sha2_active = 1;
        if (k->role == PS_ROLE_LICENSING)
            m->esu_licensing = 1;
        if (k->role == PS_ROLE_SERVICING_STACK) {
            if (n && n->stack && !n->stack_why) {
                st = n->stack;
                src = ps_plan_why_src_bundle();
            } else if (e && e->provides_stack) {
                st = e->provides_stack;
                src = ps_plan_why_src_file(e->where.file);
            } else if ((st = credited_stack(ap, pl->kb, k->kb, n ? n->date : e ? e->date : NULL,
                                            &from)) != NULL) {
                srcbuf = ps_plan_why_credited_stack(from);
                if (srcbuf == NULL)
                    return -1;
                src = srcbuf;
            }
            if (st) {
                k->stack = st;
                k->provides = ps_plan_why_provides_stack(st, src);
                if (k->provides == NULL) {
                    free(srcbuf);
                    return -1;
                }
                if (ps_version_cmp(st, m->stack) > 0) {
                    m->stack = st;
                    free(m->stack_src);
                    m->stack_src = ps_plan_why_stack_installed(k->kb, src);
                    if (m->stack_src == NULL) {
                        free(srcbuf);
                        return -1;
                    }
                }
            } else {
                char *t;

                if ((k->provides = ps_plan_why_provides_unknown_stack()) == NULL)
                    return -1;
                t = ps_plan_why_stack_unknown(m->stack_src, k->kb);
                if (t == NULL)
                    return -1;
                free(m->stack_src);
                m->stack_src = t;
            }
            free(srcbuf);
            continue;
        }
        if (n && n->kernel)
            k->provides = ps_plan_why_provides_kernel(n->kernel, true, NULL);
        else if (e && e->kernel_build)
            k->provides = ps_plan_why_provides_kernel(e->kernel_build, false, e->where.file);
        else if (k->role == PS_ROLE_SHA2_SUPPORT || k->role == PS_ROLE_LICENSING)
            k->provides = ps_plan_why_provides_role(k->role);
        else
            continue;
        if (k->provides == NULL)
            return -1;
    }
    return 0;
}
