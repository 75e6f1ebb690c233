/*
 * node.c - the nodes of a plan: one per package, with its role, phase, release
 * date, stack, kernel and SHA-2 facts; the ordering key; leaving the plan.
 */
#include "plan_int.h"
#include "alloc.h"
#include "parse.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* WSUS UpdateClassification categories. */
#define WSUS_SECURITY_UPDATES "0fa1201d-4330-4fa8-8ae9-b877473b6441"
#define WSUS_UPDATES "cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83"

/* The ordering key: phase, release date, KB number, file name. */
int ps_plan_node_key_cmp(const ps_plan_node *a, const ps_plan_node *b)
{
    int c;

    if (a->phase != b->phase)
        return a->phase < b->phase ? -1 : 1;
    c = ps_strcmp_null_last(a->date, b->date);
    if (c != 0)
        return c;
    c = ps_kb_cmp(a->kb, b->kb);
    if (c != 0)
        return c;
    c = ps_strcmp_null_last(a->pkg->file, b->pkg->file);
    if (c != 0)
        return c;
    /* the same name twice (from two folders given as the same display path) */
    return ps_version_cmp(a->pkg->identity.version, b->pkg->identity.version);
}

int ps_plan_node_qsort_cmp(const void *a, const void *b)
{
    return ps_plan_node_key_cmp(a, b);
}

bool ps_plan_node_excluded(const ps_plan_node *n)
{
    return n->state == PS_NODE_DUPLICATE || n->state == PS_NODE_MISSING ||
           n->state == PS_NODE_CYCLE || n->state == PS_NODE_UNSAFE ||
           n->state == PS_NODE_INSTALLED || n->state == PS_NODE_WRONG_MACHINE ||
           n->state == PS_NODE_INCLUDED || n->state == PS_NODE_OTHER_TRACK ||
           n->state == PS_NODE_OPTIONAL || n->state == PS_NODE_EXCLUDED ||
           n->state == PS_NODE_AFTER_TARGET ||
           n->by_installed != NULL;
}

static unsigned phase_rank(const ps_os_rules *r, ps_role role, const char **name)
{
    int idx = (unsigned)role < PS_ROLE__COUNT ? r->role_phase[role] : -1;

    if (idx < 0 || (size_t)idx >= r->n_phases) {
        for (size_t i = 0; i < r->n_phases; i++)
            if (strcmp(r->phases[i], "other") == 0) {
                *name = r->phases[i];
                return (unsigned)i;
            }
        *name = "other";
        return (unsigned)r->n_phases;
    }
    *name = r->phases[idx];
    return (unsigned)idx;
}

/* Gives node n the state st and the sentence why (owned), in place of its
 * old one: 0, or -1 when why is NULL (it could not be written). */
int ps_plan_node_set(ps_plan_node *n, ps_node_state st, char *why)
{
    free(n->why);
    n->state = st;
    n->why = why;
    return why ? 0 : -1;
}

/* Leaves node n out of the plan with the given code and sentence. */
int ps_plan_exclude(planner *pl, size_t n, ps_node_state st, char *why)
{
    ps_plan_node *nd = &pl->ap->nodes[n];

    if (why == NULL)
        return -1;
    ps_plan_node_set(nd, st, why);
    nd->by = PS_NO_NODE;
    pl->excluded = 1;
    return 0;
}

/* Day of the week of a date, 0 = Sunday (Sakamoto's method). */
static int weekday(int y, int m, int d)
{
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};

    if (m < 3)
        y -= 1;
    return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

/*
 * The release date of a package the knowledge base does not date: the
 * Patch Tuesday (second Tuesday; a preview: the third) on or after its
 * build date, as a new "YYYY-MM-DD" string in *out.  0; 1 when `date` is
 * not a date (*out NULL); -1 on OOM.
 */
static int release_date(const char *date, int nth, char **out)
{
    int y, m, d;

    if (date == NULL || strlen(date) != 10 || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
        y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31)
        return 1;
    for (int k = 0; k < 2; k++) {
        int tue = 1 + (2 - weekday(y, m, 1) + 7) % 7 + 7 * (nth - 1);

        if (d <= tue) {
            *out = ps_asprintf("%04d-%02d-%02d", y, m, tue);
            return *out ? 0 : -1;
        }
        d = 1;
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    return 1;
}

/*
 * A package the knowledge base does not know, whose WSUS title names a
 * monthly rollup, a security-only update or a preview: the title gives the
 * role (over the rules' recognizers and the kernel heuristic) and, by its
 * "YYYY-MM" prefix, the release month.  What disagrees with it (the role the
 * other metadata give, the WSUS classification, a build date neither in nor
 * just before that month) is kept in n->mismatch.
 */
static int title_role(ps_plan_node *n, const ps_package *p, ps_title_kind tk, const char *month,
                      const ps_os_rules *r)
{
    ps_role t = tk == PS_TITLE_PREVIEW         ? PS_ROLE_PREVIEW_ROLLUP
                : tk == PS_TITLE_SECURITY_ONLY ? PS_ROLE_SECURITY_ONLY
                                               : PS_ROLE_ROLLUP;
    const char *cls = p->wsus.classification;
    ps_buf odd = {0};
    int rc = 0, bad = 0;

    if (n->role != PS_ROLE_OTHER && n->role != t &&
        !(t == PS_ROLE_PREVIEW_ROLLUP && n->role == PS_ROLE_ROLLUP))
        bad |= ps_plan_why_odd_role(&odd, n->role, n->role_why) < 0;
    if (cls && t == PS_ROLE_PREVIEW_ROLLUP && ps_streq_ci(cls, WSUS_SECURITY_UPDATES))
        bad |= ps_plan_why_odd_class(&odd, true) < 0;
    if (cls && t != PS_ROLE_PREVIEW_ROLLUP && ps_streq_ci(cls, WSUS_UPDATES))
        bad |= ps_plan_why_odd_class(&odd, false) < 0;
    if (month[0] && p->build_date && strlen(p->build_date) == 10) {
        int y = atoi(month), m = atoi(month + 5), py = m == 1 ? y - 1 : y, pm = m == 1 ? 12 : m - 1;
        char prev[32];

        snprintf(prev, sizeof prev, "%04d-%02d", py, pm);
        if (strncmp(p->build_date, month, 7) != 0 && strncmp(p->build_date, prev, 7) != 0)
            bad |= ps_plan_why_odd_build_date(&odd, p->build_date, month) < 0;
    }
    free(n->role_why);
    n->role = t;
    n->role_why = ps_plan_why_role_title(p->wsus.title);
    n->phase = phase_rank(r, n->role, &n->phase_name);
    if (n->role_why == NULL || bad)
        rc = -1;
    else if (odd.len)
        n->mismatch = ps_plan_why_title_mismatch(p->kb, t, p->wsus.title, odd.data);
    if (odd.len && n->mismatch == NULL)
        rc = -1;
    ps_buf_free(&odd);
    return rc;
}

int ps_plan_node_init(ps_plan_node *n, const ps_package *p, const ps_kb *kb, const ps_os_rules *r)
{
    char month[8] = "";
    ps_title_kind tk;
    char why[512] = "";
    const ps_kb_entry *e = ps_kb_find(kb, p->os, p->kb);

    memset(n, 0, sizeof *n);
    n->pkg = p;
    n->entry = e;
    n->kb = p->kb;
    n->by = PS_NO_NODE;
    n->role = ps_kb_classify(kb, p, why, sizeof why);
    n->role_why = why[0] ? ps_strdup(why) : ps_plan_why_role_unknown();
    if (n->role_why == NULL)
        return -1;
    n->phase = phase_rank(r, n->role, &n->phase_name);
    /* a security update delivering a kernel, not of the rollup family and
     * unknown to the knowledge base, is a security-only update */
    if (e == NULL && n->role == PS_ROLE_OTHER && p->kernel_version && p->release_type &&
        ps_streq_ci(p->release_type, "Security Update") &&
        !(p->identity.name && ps_streq_ci(p->identity.name, "Package_for_RollupFix"))) {
        n->role = PS_ROLE_SECURITY_ONLY;
        free(n->role_why);
        n->role_why = ps_plan_why_role_kernel_security();
        if (n->role_why == NULL)
            return -1;
        n->phase = phase_rank(r, n->role, &n->phase_name);
    }
    tk = e == NULL && p->has_wsus ? ps_wsus_title_kind(p->wsus.title, month) : PS_TITLE_NONE;
    if (tk != PS_TITLE_NONE && title_role(n, p, tk, month, r) < 0)
        return -1;
    if (e && e->date) {
        n->date = e->date;
    } else {
        char first[32];
        int rc;

        /* the title's month, else the build date */
        snprintf(first, sizeof first, "%s-01", month);
        rc = release_date(tk != PS_TITLE_NONE && month[0] ? first : p->build_date,
                          n->role == PS_ROLE_PREVIEW_ROLLUP ? 3 : 2, &n->date_own);

        if (rc < 0)
            return -1;
        n->date = rc == 0 ? n->date_own : p->build_date;
    }
    n->stack = p->provides_stack ? p->provides_stack : e ? e->provides_stack : NULL;
    n->kernel = p->kernel_version ? p->kernel_version : e ? e->kernel_build : NULL;
    if (p->sha2_only >= 0) {
        n->sha2_only = p->sha2_only == 1;
        n->sha2_src = ps_plan_why_sha2_src(true, NULL);
    } else {
        n->sha2_only = e && e->sha2_only == 1;
        n->sha2_src = ps_plan_why_sha2_src(false, e ? e->where.file : NULL);
    }
    return 0;
}
