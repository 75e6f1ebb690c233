/*
 * supersede.c - what leaves the plan before resolution: the choice among
 * revisions of one KB, the file names no script may carry, supersedence
 * inside the bundle and by what the machine has installed.
 */
#include "plan_int.h"
#include "alloc.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Does B supersede A?  On yes, *how receives the kind. */
static bool supersedes(const planner *pl, const ps_plan_node *B, const ps_plan_node *A,
                       ps_supersede_kind *how)
{
    const ps_kb_entry *e;

    if (ps_streq_ci(A->kb, B->kb))
        return false;
    if (A->pkg->identity.name && B->pkg->identity.name &&
        ps_streq_ci(A->pkg->identity.name, B->pkg->identity.name) &&
        ps_version_cmp(B->pkg->identity.version, A->pkg->identity.version) > 0) {
        *how = PS_SUPERSEDE_FAMILY;
        return true;
    }
    if (A->role == PS_ROLE_SERVICING_STACK && B->role == PS_ROLE_SERVICING_STACK) {
        /* when the manifests know both SSUs, their supersedence (the closure
         * of the <supersedes> lists) wins over the generic "a newer stack
         * supersedes" rule: Windows 7's KB3138612 is superseded by no later
         * SSU (it also carries the Windows Update client fix) */
        int known = ps_kb_supersedes(pl->kb, pl->ap->os, B->kb, A->kb);

        if (known == 0)
            return false;
        if (known == 1 && !(A->stack && B->stack && ps_version_cmp(B->stack, A->stack) > 0) &&
            !(A->date && B->date && strcmp(B->date, A->date) > 0)) {
            *how = PS_SUPERSEDE_KB;
            return true;
        }
        if (A->stack && B->stack && ps_version_cmp(B->stack, A->stack) != 0
                ? ps_version_cmp(B->stack, A->stack) > 0
                : (A->date && B->date && strcmp(B->date, A->date) > 0)) {
            *how = PS_SUPERSEDE_STACK;
            return true;
        }
    }
    e = ps_kb_find(pl->kb, pl->ap->os, B->kb);
    if (e && ps_strv_contains(e->supersedes, e->n_supersedes, A->kb)) {
        *how = PS_SUPERSEDE_KB;
        return true;
    }
    return false;
}

/* Is a newer than b: release date, then KB number, then file name. */
bool ps_plan_newer(const ps_plan_node *a, const ps_plan_node *b)
{
    int c = 0;

    if (a->date && b->date)
        c = strcmp(a->date, b->date);
    if (c == 0)
        c = ps_kb_cmp(a->kb, b->kb);
    if (c == 0)
        c = -ps_strcmp_null_last(a->pkg->file, b->pkg->file);
    return c > 0;
}

int ps_plan_compute_supersedence(planner *pl)
{
    ps_arch_plan *ap = pl->ap;
    unsigned char *sup = pl->sup;
    ps_supersede_kind how;

    memset(sup, 0, ap->n_nodes);
    for (size_t a = 0; a < ap->n_nodes; a++) {
        if (ps_plan_node_excluded(&ap->nodes[a]))
            continue;
        for (size_t b = 0; b < ap->n_nodes && !sup[a]; b++)
            if (b != a && !ps_plan_node_excluded(&ap->nodes[b]) &&
                supersedes(pl, &ap->nodes[b], &ap->nodes[a], &how))
                sup[a] = 1;
    }
    for (size_t a = 0; a < ap->n_nodes; a++) {
        ps_plan_node *A = &ap->nodes[a];
        size_t best = PS_NO_NODE;
        ps_supersede_kind best_how = PS_SUPERSEDE_KB;

        if (!sup[a])
            continue;
        for (size_t b = 0; b < ap->n_nodes; b++) {
            const ps_plan_node *B = &ap->nodes[b];

            if (b == a || ps_plan_node_excluded(B) || !supersedes(pl, B, A, &how))
                continue;
            /* prefer a superseder that is not itself superseded, then the newest */
            if (best == PS_NO_NODE || (sup[best] && !sup[b]) ||
                (sup[best] == sup[b] && ps_plan_newer(B, &ap->nodes[best]))) {
                best = b;
                best_how = how;
            }
        }
        if (best == PS_NO_NODE)
            continue;
        A->by = best;
        if (ps_plan_node_set(A, PS_NODE_SUPERSEDED,
                             ps_plan_supersede_text(pl, &ap->nodes[best], A, best_how)) != 0)
            return -1;
    }
    return 0;
}

void ps_plan_choose_revisions(ps_arch_plan *ap)
{
    for (size_t i = 0; i < ap->n_nodes; i++) {
        ps_plan_node *a = &ap->nodes[i];

        if (a->state == PS_NODE_DUPLICATE || a->state == PS_NODE_UNSAFE ||
            a->state == PS_NODE_INSTALLED)
            continue;
        for (size_t j = 0; j < ap->n_nodes; j++) {
            ps_plan_node *b = &ap->nodes[j];
            int c;

            /* a revision no script may name does not compete, nor an installed one */
            if (j == i || b->state == PS_NODE_DUPLICATE || b->state == PS_NODE_UNSAFE ||
                b->state == PS_NODE_INSTALLED ||
                !ps_streq_ci(a->kb, b->kb))
                continue;
            c = ps_version_cmp(b->pkg->identity.version, a->pkg->identity.version);
            /* on equal identity, an .msu (installed by wusa, with its applicability
             * check) wins over a bare .cab */
            if (c == 0 && a->pkg->container != b->pkg->container)
                c = b->pkg->container == PS_CONTAINER_MSU ? 1 : -1;
            if (c == 0)
                c = (b->pkg->revision > a->pkg->revision) - (b->pkg->revision < a->pkg->revision);
            if (c == 0)
                c = ps_strcmp_null_last(a->pkg->file, b->pkg->file);
            if (c == 0) /* the same package twice: the first one */
                c = j < i ? 1 : -1;
            if (c > 0) { /* b wins over a */
                a->state = PS_NODE_DUPLICATE;
                a->by = j;
                break;
            }
        }
    }
    /* point every loser at the final winner and say why */
    for (size_t i = 0; i < ap->n_nodes; i++) {
        ps_plan_node *a = &ap->nodes[i];
        size_t w = a->by;

        if (a->state != PS_NODE_DUPLICATE)
            continue;
        while (ap->nodes[w].state == PS_NODE_DUPLICATE)
            w = ap->nodes[w].by;
        a->by = w;
    }
}

/* The build number of a version: 6003 of "6.0.6003.20489"; 0 when none. */
static unsigned long build_number(const char *v)
{
    unsigned long n = 0;
    int dots = 0;

    for (; v && *v && dots < 2; v++)
        dots += *v == '.';
    while (v && *v >= '0' && *v <= '9' && n < 1000000ul)
        n = n * 10 + (unsigned long)(*v++ - '0');
    return dots == 2 ? n : 0;
}

static int mark_by_machine(ps_plan_node *a, const char *by, char *why)
{
    if (why == NULL)
        return -1;
    a->by_installed = by;
    return ps_plan_node_set(a, PS_NODE_SUPERSEDED, why);
}

/*
 * What the machine has supersedes what the bundle offers, for good: an
 * installed package of the bundle supersedes as a package of the bundle
 * would; an installed KB the knowledge base knows supersedes what it names,
 * and an installed rollup or SSU every older one of its role (by release
 * date); a rollup whose kernel build is below the machine's build is
 * already contained.  A Vista machine gets no Server-only package.
 */
int ps_plan_superseded_by_machine(planner *pl)
{
    ps_arch_plan *ap = pl->ap;
    const ps_machine *m = &ap->machine;
    unsigned long mbuild = pl->opts->inventory && pl->opts->inventory->os_build
                               ? build_number(pl->opts->inventory->os_build)
                               : 0;
    ps_supersede_kind how;

    for (size_t a = 0; a < ap->n_nodes; a++) {
        ps_plan_node *A = &ap->nodes[a];

        if (ps_plan_node_excluded(A))
            continue;
        /* Server-only packages on a Vista machine */
        if (m->edition && strcmp(m->edition, "client") == 0 && strcmp(ap->os, "6.0") == 0 &&
            ((ps_plan_enabler_of(pl) && ps_streq_ci(A->kb, ps_plan_enabler_of(pl))) ||
             A->sha2_only || A->role == PS_ROLE_LICENSING)) {
            if (ps_plan_node_set(A, PS_NODE_WRONG_MACHINE,
                                 ps_plan_why_server_only(m->os_name, A->kb)) != 0)
                return -1;
            continue;
        }
        for (size_t i = 0; i < ap->n_nodes && !A->by_installed; i++) {
            const ps_plan_node *I = &ap->nodes[i];

            if (I->state != PS_NODE_INSTALLED || !supersedes(pl, I, A, &how))
                continue;
            if (mark_by_machine(A, I->kb,
                                ps_plan_why_installed_supersedes(
                                    ps_plan_supersede_text(pl, I, A, how), I->kb)) != 0)
                return -1;
        }
        for (size_t i = 0; i < m->n_kbs && !A->by_installed; i++) {
            const ps_machine_kb *k = &m->kbs[i];
            const ps_kb_entry *e = ps_kb_find(pl->kb, ap->os, k->kb);

            if (e == NULL || k->node != PS_NO_NODE)
                continue;
            if (ps_strv_contains(e->supersedes, e->n_supersedes, A->kb)) {
                if (mark_by_machine(A, k->kb, ps_plan_why_installed_kb_says(k->kb, e)) != 0)
                    return -1;
            } else if (e->date && A->date && strcmp(A->date, e->date) < 0 && e->role == A->role &&
                       (A->role == PS_ROLE_ROLLUP || A->role == PS_ROLE_SERVICING_STACK)) {
                if (mark_by_machine(A, k->kb,
                                    ps_plan_why_installed_newer(k->kb, A->role, e->date,
                                                                A->date)) != 0)
                    return -1;
            }
        }
        if (!A->by_installed && mbuild && A->role == PS_ROLE_ROLLUP && A->kernel &&
            build_number(A->kernel) && build_number(A->kernel) < mbuild) {
            if (mark_by_machine(A, m->build,
                                ps_plan_why_below_build(build_number(A->kernel), m->build)) != 0)
                return -1;
        }
    }
    return 0;
}

/* A package whose file name a script could not carry safely leaves the
 * plan before anything else; what needs it becomes missing-prerequisite. */
int ps_plan_mark_unsafe_names(ps_arch_plan *ap)
{
    for (size_t i = 0; i < ap->n_nodes; i++) {
        ps_plan_node *a = &ap->nodes[i];

        if (ps_file_name_safe(a->pkg->file) || a->state == PS_NODE_INSTALLED)
            continue;
        if (ps_plan_node_set(a, PS_NODE_UNSAFE, ps_plan_why_unsafe_name(ap->arch)) != 0)
            return -1;
    }
    return 0;
}

int ps_file_name_safe(const char *path)
{
    const char *base = path, *p;

    if (path == NULL)
        return 0;
    for (p = path; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    if (*base == '\0')
        return 0;
    for (p = base; *p; p++) {
        unsigned char c = (unsigned char)*p;

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '(' || c == ')' || c == '+' || c == '-'))
            return 0;
    }
    return 1;
}

/* Do two release dates fall in months a <= b ("YYYY-MM" compared)? */
static bool month_le(const char *a, const char *b)
{
    return a && b && strncmp(a, b, 7) <= 0;
}

/*
 * The release track.  Rollup track: a monthly rollup of month M (in the
 * bundle or installed) contains the security-only updates of months <= M:
 * they are included-in-rollup, naming the newest such rollup.  Security-only
 * track: the monthly rollups of the bundle are other-track, and a
 * security-only update older than an installed rollup is still
 * included-in-rollup.
 */
int ps_plan_apply_track(planner *pl)
{
    ps_arch_plan *ap = pl->ap;
    const ps_machine *m = &ap->machine;
    bool so_track = pl->opts->track == PS_PLAN_TRACK_SECURITY_ONLY;
    const char *until = pl->opts->until;

    /* --until KB: the release month of that KB (knowledge base, else its package) */
    if (until && (until[0] == 'K' || until[0] == 'k')) {
        const ps_kb_entry *e = ps_kb_find(pl->kb, ap->os, until);

        until = e ? e->date : NULL;
        for (size_t i = 0; until == NULL && i < ap->n_nodes; i++)
            if (ps_streq_ci(ap->nodes[i].kb, pl->opts->until))
                until = ap->nodes[i].date;
    }
    for (size_t a = 0; a < ap->n_nodes; a++) {
        ps_plan_node *A = &ap->nodes[a];

        if (ps_plan_node_excluded(A))
            continue;
        if (until && A->date && strncmp(A->date, until, 7) > 0) {
            if (ps_plan_node_set(A, PS_NODE_AFTER_TARGET,
                                 ps_plan_why_after_target(A->date, until, pl->opts->until)) != 0)
                return -1;
            continue;
        }
        if (ps_strv_contains(pl->opts->exclude, pl->opts->n_exclude, A->kb)) {
            if (ps_plan_node_set(A, PS_NODE_EXCLUDED, ps_plan_why_excluded(A->kb)) != 0)
                return -1;
            continue;
        }
        /* a preview never replaces the month's security rollup unless asked for */
        if (A->role == PS_ROLE_PREVIEW_ROLLUP && !pl->opts->include_previews) {
            if (ps_plan_node_set(A, PS_NODE_OPTIONAL, ps_plan_why_preview()) != 0)
                return -1;
            continue;
        }

        if (so_track && A->role == PS_ROLE_ROLLUP && !ps_plan_node_excluded(A)) {
            if (ps_plan_node_set(A, PS_NODE_OTHER_TRACK, ps_plan_why_other_track()) != 0)
                return -1;
        }
    }
    for (size_t a = 0; a < ap->n_nodes; a++) {
        ps_plan_node *A = &ap->nodes[a];
        size_t best = PS_NO_NODE;
        const char *inst = NULL, *inst_date = NULL;

        if (A->role != PS_ROLE_SECURITY_ONLY || ps_plan_node_excluded(A) || A->date == NULL)
            continue;
        /* an installed rollup of its month or later, on either track */
        for (size_t i = 0; i < m->n_kbs; i++)
            if (m->kbs[i].role == PS_ROLE_ROLLUP && month_le(A->date, m->kbs[i].date) &&
                (inst_date == NULL || strcmp(m->kbs[i].date, inst_date) > 0)) {
                inst = m->kbs[i].kb;
                inst_date = m->kbs[i].date;
            }
        if (inst) {
            A->by_installed = inst;
            if (ps_plan_node_set(A, PS_NODE_INCLUDED,
                                 ps_plan_why_included(inst, inst_date, true)) != 0)
                return -1;
            continue;
        }
        if (so_track)
            continue;
        for (size_t r = 0; r < ap->n_nodes; r++) {
            const ps_plan_node *R = &ap->nodes[r];

            if (R->role != PS_ROLE_ROLLUP || ps_plan_node_excluded(R) ||
                !month_le(A->date, R->date))
                continue;
            if (best == PS_NO_NODE || ps_plan_newer(R, &ap->nodes[best]))
                best = r;
        }
        if (best == PS_NO_NODE)
            continue;
        A->by = best;
        if (ps_plan_node_set(A, PS_NODE_INCLUDED, ps_plan_why_included(ap->nodes[best].kb,
                                                                       ap->nodes[best].date,
                                                                       false)) != 0)
            return -1;
    }
    return 0;
}
