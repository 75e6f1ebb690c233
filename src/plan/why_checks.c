/*
 * why_checks.c - the findings the planner writes: the package checks before
 * planning (wrong OS, names that disagree with update.mum, already
 * installed, nothing for the machine) and the findings of a finished plan
 * (gaps, the esu-licensing warning, what left the plan, cycles).
 */
#include "plan_int.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* ---- the package checks (build.c) ---------------------------------- */

/* Wrong OS: no rules for the OS of the package, or its OS is unknown. */
int ps_plan_why_no_rules(ps_findings *f, const ps_where *w, const char *os)
{
    if (os)
        return ps_findings_add(f, PS_F_WRONG_OS, w, "the knowledge base has no rules for "
                               "Windows %s; not planned", os);
    return ps_findings_add(f, PS_F_WRONG_OS, w, "the OS of the package is not known; not planned");
}

/* The file name says another OS than update.mum. */
int ps_plan_why_name_os(ps_findings *f, const ps_where *w, const char *name_os, const char *os)
{
    return ps_findings_add(f, PS_F_WRONG_OS, w, "the file name says Windows %s but update.mum "
                           "says Windows %s; planned for Windows %s", name_os, os, os);
}

/* The file name says another architecture than update.mum. */
int ps_plan_why_name_arch(ps_findings *f, const ps_where *w, const ps_package *p)
{
    return ps_findings_add(f, PS_F_ARCH_MISMATCH, w,
                           "the file name says %s but update.mum says %s; planned for %s only",
                           ps_arch_name(p->name_arch), p->identity.arch ? p->identity.arch : "?",
                           ps_arch_name(p->arch));
}

/* The machine of the inventory runs another OS. */
int ps_plan_why_inventory_os(ps_findings *f, const ps_where *w, const char *os_build)
{
    return ps_findings_add(f, PS_F_WRONG_OS, w,
                           "the machine of the inventory runs Windows %s; not planned", os_build);
}

int ps_plan_why_already_installed(ps_findings *f, const ps_where *w, const char *kb)
{
    return ps_findings_add(f, PS_F_ALREADY_INSTALLED, w, "%s is already installed", kb);
}

/* A non-empty bundle with nothing for the machine of the inventory. */
int ps_plan_why_nothing_for_machine(ps_findings *f, const ps_inventory *inv, size_t n_machine)
{
    ps_where w = {NULL, NULL, 0, PS_ARCH_NONE, NULL, NULL};

    return ps_findings_add(f, PS_F_WRONG_MACHINE, &w, "the machine of the inventory (%s%s%s%s%s) "
                           "can use none of the %zu package%s of the bundle: they are for "
                           "another %s", inv->os_name ? inv->os_name : "Windows",
                           inv->os_build ? " " : "", inv->os_build ? inv->os_build : "",
                           inv->arch != PS_ARCH_NONE ? ", " : "",
                           inv->arch != PS_ARCH_NONE ? ps_arch_name(inv->arch) : "",
                           n_machine, n_machine == 1 ? "" : "s",
                           inv->os_build ? "OS or architecture" : "architecture");
}

/* The why of a package the inventory lists. */
char *ps_plan_why_inventory_lists(const char *kb)
{
    return ps_asprintf("the inventory lists %s: it satisfies requirements and supersedes, with "
                       "no step", kb);
}

/* One segment between two reboots longer than a maintenance window (window.c). */
int ps_plan_why_window_overrun(ps_findings *f, const ps_where *w, size_t window, size_t first,
                               size_t last, unsigned long minutes, unsigned window_minutes)
{
    return ps_findings_add(f, PS_F_WINDOW_OVERRUN, w,
                           "window %zu (steps %zu-%zu) needs about %lu minutes, more than the "
                           "%u-minute window: the steps between two reboots cannot be split",
                           window, first, last, minutes, window_minutes);
}

/* ---- the machines of a fleet (fleet.c) ------------------------------ */

/* The why of a machine whose inventory cannot be read. */
char *ps_plan_why_fleet_unreadable(const char *msg)
{
    return ps_asprintf("its inventory cannot be read: %s", msg);
}

/* The why of a machine of an architecture --arch leaves out. */
char *ps_plan_why_fleet_wrong_arch(ps_arch arch)
{
    return ps_asprintf("the machine is %s (System Type), an architecture --arch leaves out",
                       ps_arch_name(arch));
}

/* The why of a machine its errors leave out: the first, and how many more. */
char *ps_plan_why_fleet_errors(const char *kb, const char *message, size_t errors)
{
    if (errors == 1)
        return ps_asprintf("%s%s%s", kb ? kb : "", kb ? ": " : "", message);
    return ps_asprintf("%s%s%s (and %zu more errors)", kb ? kb : "", kb ? ": " : "", message,
                       errors - 1);
}

/* The wrong-machine finding of a machine left out, with its why. */
int ps_plan_why_fleet_not_planned(ps_findings *f, const ps_where *w, const char *why)
{
    return ps_findings_add(f, PS_F_WRONG_MACHINE, w, "%s: not planned", why);
}

/* ---- the findings of a finished plan --------------------------------- */

/* Does node o have gap g (a sentence that starts with the dependant's KB)
 * as its own, whatever the dependant? */
static bool has_gap(const ps_plan_node *o, const char *g)
{
    const char *tail = strchr(g, ' ');

    if (o->state != PS_NODE_MISSING || tail == NULL)
        return false;
    for (size_t i = 0; i < o->n_gaps; i++) {
        const char *t = strchr(o->gaps[i], ' ');

        if (t && strcmp(t, tail) == 0)
            return true;
    }
    return false;
}

/* One missing-prerequisite per gap: the packages with the same gap are
 * named in one finding, on the first of them. */
static int gap_findings(const ps_arch_plan *ap, ps_findings *f)
{
    for (size_t i = 0; i < ap->n_skipped; i++) {
        const ps_plan_node *n = &ap->nodes[ap->skipped[i]];

        if (n->state != PS_NODE_MISSING)
            continue;
        for (size_t g = 0; g < n->n_gaps; g++) {
            ps_where w = {n->pkg->file, NULL, 0, ap->arch, ap->os, n->kb};
            ps_buf others = {0};
            size_t k = 0;
            bool seen = false;
            int rc;

            /* told already by an earlier package with this gap? */
            for (size_t j = 0; j < i && !seen; j++) {
                const ps_plan_node *o = &ap->nodes[ap->skipped[j]];

                seen = has_gap(o, n->gaps[g]);
            }
            if (seen)
                continue;
            for (size_t j = i + 1; j < ap->n_skipped; j++) {
                const ps_plan_node *o = &ap->nodes[ap->skipped[j]];

                if (has_gap(o, n->gaps[g]) && !ps_streq_ci(o->kb, n->kb))
                    ps_buf_printf(&others, "%s%s", k++ ? ", " : "", o->kb);
            }
            if (k)
                rc = ps_findings_add(f, PS_F_MISSING_PREREQUISITE, &w, "%s (the same gap leaves "
                                     "out %s)", n->gaps[g], others.data);
            else
                rc = ps_findings_add(f, PS_F_MISSING_PREREQUISITE, &w, "%s", n->gaps[g]);
            ps_buf_free(&others);
            if (rc != 0)
                return -1;
        }
    }
    return 0;
}

/*
 * An ESU-era update (a rollup, preview or security-only update of February
 * 2020 on, on 6.0 or 6.1) planned with no ESU licensing package in the
 * bundle or on the machine: one esu-licensing warning per plan, on the
 * first of them, naming the licensing packages the knowledge base knows.
 */
int ps_plan_esu_finding(const ps_arch_plan *ap, const ps_kb *kb, ps_findings *f)
{
    const ps_plan_node *first = NULL;
    ps_buf lpp = {0};
    size_t k = 0;
    int rc;

    if ((strcmp(ap->os, "6.0") != 0 && strcmp(ap->os, "6.1") != 0) || ap->machine.esu_licensing)
        return 0;
    for (size_t i = 0; i < ap->n_nodes; i++) {
        const ps_plan_node *n = &ap->nodes[i];

        if (n->role == PS_ROLE_LICENSING && n->state != PS_NODE_EXCLUDED &&
            n->state != PS_NODE_DUPLICATE)
            return 0;
    }
    for (size_t i = 0; i < ap->n_steps && first == NULL; i++) {
        const ps_plan_node *n;

        if (ap->steps[i].action != PS_STEP_INSTALL)
            continue;
        n = &ap->nodes[ap->steps[i].node];
        if ((n->role == PS_ROLE_ROLLUP || n->role == PS_ROLE_SECURITY_ONLY ||
             n->role == PS_ROLE_PREVIEW_ROLLUP) && n->date && strncmp(n->date, "2020-02", 7) >= 0)
            first = n;
    }
    if (first == NULL)
        return 0;
    for (size_t i = 0; i < kb->n_entries; i++)
        if (strcmp(kb->entries[i].os, ap->os) == 0 && kb->entries[i].role == PS_ROLE_LICENSING &&
            (kb->entries[i].arches & PS_ARCH_BIT(ap->arch)))
            ps_buf_printf(&lpp, "%s%s", k++ ? ", " : "", kb->entries[i].kb);
    {
        ps_where w = {first->pkg->file, NULL, 0, ap->arch, ap->os, first->kb};

        rc = ps_findings_add(f, PS_F_ESU_LICENSING, &w,
                             "%s is an Extended Security Update (released %.7s) and no ESU "
                             "licensing package is in the bundle or the inventory: add %s, then "
                             "restart and activate the ESU key before the ESU updates (machines "
                             "licensed through Azure do not need it)", first->kb, first->date,
                             lpp.data ? lpp.data : "the ESU Licensing Preparation Package");
    }
    ps_buf_free(&lpp);
    return rc;
}

int ps_plan_findings(const ps_arch_plan *ap, ps_findings *f)
{
    if (gap_findings(ap, f) != 0)
        return -1;
    for (size_t i = 0; i < ap->n_skipped; i++) {
        const ps_plan_node *n = &ap->nodes[ap->skipped[i]];
        ps_where w = {n->pkg->file, NULL, 0, ap->arch, ap->os, n->kb};
        ps_finding_code code;

        switch (n->state) {
        case PS_NODE_DUPLICATE:
            code = PS_F_DUPLICATE;
            break;
        case PS_NODE_SUPERSEDED:
            code = PS_F_SUPERSEDED;
            break;
        case PS_NODE_MISSING:
            if (n->n_gaps)
                continue; /* one finding per gap, above */
            code = PS_F_MISSING_PREREQUISITE;
            break;
        case PS_NODE_UNSAFE:
            code = PS_F_UNSAFE_FILE_NAME;
            break;
        case PS_NODE_WRONG_MACHINE:
            code = PS_F_WRONG_MACHINE;
            break;
        case PS_NODE_INCLUDED:
            code = PS_F_INCLUDED_IN_ROLLUP;
            break;
        case PS_NODE_OTHER_TRACK:
            code = PS_F_OTHER_TRACK;
            break;
        case PS_NODE_OPTIONAL:
            code = PS_F_OPTIONAL;
            break;
        case PS_NODE_EXCLUDED:
            code = PS_F_EXCLUDED;
            break;
        case PS_NODE_AFTER_TARGET:
            code = PS_F_AFTER_TARGET;
            break;
        case PS_NODE_INSTALLED:
            continue; /* already-installed, when the bundle was read */
        case PS_NODE_CYCLE:
            continue; /* one finding per cycle, below */
        case PS_NODE_PLANNED:
        default:
            continue;
        }
        if (ps_findings_add(f, code, &w, "%s", n->why ? n->why : "left out of the plan") != 0)
            return -1;
    }
    for (size_t i = 0; i < ap->n_nodes; i++) {
        const ps_plan_node *n = &ap->nodes[i];
        ps_where w = {n->pkg->file, NULL, 0, ap->arch, ap->os, n->kb};

        if (n->mismatch && ps_findings_add(f, PS_F_METADATA_MISMATCH, &w, "%s", n->mismatch) != 0)
            return -1;
    }
    for (size_t i = 0; i < ap->n_cycles; i++) {
        const ps_plan_cycle *c = &ap->cycles[i];
        const ps_plan_node *n = &ap->nodes[c->members[0]];
        ps_where w = {n->pkg->file, NULL, 0, ap->arch, ap->os, n->kb};

        if (ps_findings_add(f, PS_F_DEPENDENCY_CYCLE, &w,
                            "dependency cycle, left out of the %s plan: %s",
                            ps_arch_name(ap->arch), c->text) != 0)
            return -1;
    }
    return 0;
}
