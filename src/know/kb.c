/*
 * kb.c - the knowledge base model: roles, tracks and editions by name,
 * the frees, the load context's error reporting, and the queries the
 * planner asks (find, rules_for, classify, supersedes, lists).  Loading
 * is kb_load.c, linking and the cross-checks kb_check.c.
 */
#include "kb.h"
#include "kb_int.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Roles                                                               */
/* ------------------------------------------------------------------ */

static const char *const role_names[PS_ROLE__COUNT] = {
    [PS_ROLE_UNKNOWN] = "unknown",
    [PS_ROLE_SERVICING_STACK] = "servicing-stack",
    [PS_ROLE_SHA2_SUPPORT] = "sha2-support",
    [PS_ROLE_LICENSING] = "licensing",
    [PS_ROLE_ROLLUP] = "rollup",
    [PS_ROLE_PREVIEW_ROLLUP] = "preview-rollup",
    [PS_ROLE_SECURITY_ONLY] = "security-only",
    [PS_ROLE_OTHER] = "other",
};

const char *ps_role_name(ps_role r)
{
    return (unsigned)r < PS_ROLE__COUNT ? role_names[r] : "unknown";
}

ps_role ps_role_parse(const char *s)
{
    if (s == NULL)
        return PS_ROLE_UNKNOWN;
    for (unsigned i = 1; i < PS_ROLE__COUNT; i++)
        if (strcmp(s, role_names[i]) == 0)
            return (ps_role)i;
    return PS_ROLE_UNKNOWN;
}

/* ------------------------------------------------------------------ */
/* Load context and errors                                             */
/* ------------------------------------------------------------------ */

void ps_kb_rerr(ld *c, const char *file, unsigned line, const char *fmt, ...)
{
    ps_where w = {0};
    va_list ap;

    w.file = file;
    w.line = line;
    va_start(ap, fmt);
    if (ps_findings_addv(c->f, PS_F_RULE_ERROR, &w, fmt, ap) != 0)
        c->oom = 1;
    va_end(ap);
    c->errors++;
}

/* Frees each of the *n elements of size sz of *arrp with fn, then the array. */
static void free_each(void *arrp, size_t *n, size_t sz, void (*fn)(void *))
{
    char **arr = arrp;

    for (size_t i = 0; i < *n; i++)
        fn(*arr + i * sz);
    ps_free_ptr(arr);
    *n = 0;
}

static void selector_free(void *p)
{
    ps_selector *s = p;

    ps_free_ptr(&s->kb);
    ps_free_ptr(&s->release_type);
    ps_free_ptr(&s->since);
    ps_free_ptr(&s->since_month);
}

static void rule_free(void *p)
{
    ps_rule *r = p;

    selector_free(&r->subject);
    ps_free_ptr(&r->kb);
    ps_free_ptr(&r->from);
    ps_free_ptr(&r->reason);
    ps_free_ptr(&r->source);
    ps_free_ptr(&r->where.file);
    ps_free_ptr(&r->finding);
}

static void revision_free(void *p)
{
    ps_kb_revision *r = p;

    ps_free_ptr(&r->date);
    ps_free_ptr(&r->month);
    ps_free_ptr(&r->file);
    ps_free_ptr(&r->source);
    ps_free_ptr(&r->where.file);
}

void ps_kb_entry_free(ps_kb_entry *e)
{
    ps_free_ptr(&e->kb);
    ps_free_ptr(&e->os);
    ps_free_ptr(&e->date);
    ps_free_ptr(&e->title);
    ps_strv_free(&e->supersedes, &e->n_supersedes);
    ps_free_ptr(&e->kernel_build);
    ps_free_ptr(&e->provides_stack);
    ps_free_ptr(&e->source);
    ps_free_ptr(&e->where.file);
    ps_free_ptr(&e->note);
    ps_free_ptr(&e->month);
    free_each(&e->revisions, &e->n_revisions, sizeof *e->revisions, revision_free);
}

static void entry_free(void *p)
{
    ps_kb_entry_free(p);
}

static void step_free(void *p)
{
    ps_manual_step *m = p;

    ps_free_ptr(&m->name);
    free_each(&m->before, &m->n_before, sizeof *m->before, selector_free);
    ps_strv_free(&m->commands, &m->n_commands);
    ps_free_ptr(&m->reason);
    ps_free_ptr(&m->source);
    ps_free_ptr(&m->where.file);
}

static void recognizer_free(void *p)
{
    ps_recognizer *r = p;

    ps_free_ptr(&r->delivers);
    ps_free_ptr(&r->identity_name);
    ps_free_ptr(&r->release_type);
    ps_free_ptr(&r->where.file);
}

static void esu_year_free(void *p)
{
    ps_esu_year *y = p;

    ps_free_ptr(&y->from);
    ps_free_ptr(&y->to);
    ps_free_ptr(&y->where.file);
}

static void os_rules_free(void *p)
{
    ps_os_rules *o = p;

    ps_free_ptr(&o->os);
    ps_free_ptr(&o->name);
    ps_free_ptr(&o->base_build);
    ps_free_ptr(&o->sha2_enabler);
    ps_strv_free(&o->phases, &o->n_phases);
    free_each(&o->recognizers, &o->n_recognizers, sizeof *o->recognizers, recognizer_free);
    free_each(&o->rules, &o->n_rules, sizeof *o->rules, rule_free);
    free_each(&o->steps, &o->n_steps, sizeof *o->steps, step_free);
    free_each(&o->esu_years, &o->n_esu_years, sizeof *o->esu_years, esu_year_free);
    ps_free_ptr(&o->where.file);
}

static void activation_free(void *p)
{
    ps_kb_activation *a = p;

    ps_free_ptr(&a->os);
    ps_free_ptr(&a->id);
    ps_free_ptr(&a->source);
    ps_free_ptr(&a->where.file);
}

void ps_kb_free(ps_kb *kb)
{
    if (kb == NULL)
        return;
    free_each(&kb->entries, &kb->n_entries, sizeof *kb->entries, entry_free);
    free_each(&kb->os, &kb->n_os, sizeof *kb->os, os_rules_free);
    free_each(&kb->activations, &kb->n_activations, sizeof *kb->activations, activation_free);
    ps_free_ptr(&kb->dir);
}

static void pending_req_free(void *p)
{
    pending_req *q = p;

    ps_free_ptr(&q->os);
    rule_free(&q->rule);
}

static void pending_rev_free(void *p)
{
    pending_rev *q = p;

    ps_free_ptr(&q->os);
    ps_free_ptr(&q->kb);
    revision_free(&q->rev);
}

void ps_kb_ld_free(ld *c)
{
    ps_strv_free(&c->keys, &c->nkeys);
    free_each(&c->pend, &c->npend, sizeof *c->pend, pending_req_free);
    free_each(&c->prev, &c->nprev, sizeof *c->prev, pending_rev_free);
}

/* Grows *arr (of elements of size sz) by one zeroed element; NULL on OOM. */
void *ps_kb_grow(void *arrp, size_t *n, size_t sz)
{
    void **arr = arrp;
    char *p = ps_realloc(*arr, (*n + 1) * sz);

    if (p == NULL)
        return NULL;
    *arr = p;
    memset(p + *n * sz, 0, sz);
    return p + (*n)++ * sz;
}

void *ps_kb_take(ld *c, void *arrp, size_t *n, void *src, size_t sz)
{
    void *p = ps_kb_grow(arrp, n, sz);

    if (p == NULL) {
        c->oom = 1;
        return NULL;
    }
    memcpy(p, src, sz);
    memset(src, 0, sz);
    return p;
}

size_t ps_kb_rule_count(const ps_kb *kb)
{
    size_t n = 0;

    for (size_t i = 0; i < kb->n_os; i++)
        n += kb->os[i].n_rules;
    return n;
}

/* ------------------------------------------------------------------ */
/* Queries                                                              */
/* ------------------------------------------------------------------ */

const ps_kb_entry *ps_kb_find(const ps_kb *kb, const char *os, const char *kbnum)
{
    size_t lo = 0, hi;

    if (kb == NULL || os == NULL || kbnum == NULL)
        return NULL;
    hi = kb->n_entries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const ps_kb_entry *e = &kb->entries[mid];
        int r = strcmp(e->os, os);

        if (r == 0)
            r = ps_kb_cmp(e->kb, kbnum);
        if (r == 0)
            return e;
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const ps_os_rules *ps_kb_rules_for(const ps_kb *kb, const char *os)
{
    if (kb == NULL || os == NULL)
        return NULL;
    for (size_t i = 0; i < kb->n_os; i++)
        if (strcmp(kb->os[i].os, os) == 0)
            return &kb->os[i];
    return NULL;
}

/* The component version a package delivers, for a recognizer's `delivers`. */
static const char *delivered(const ps_package *p, const char *component)
{
    if (ps_streq_ci(component, "Microsoft-Windows-ServicingStack"))
        return p->provides_stack;
    if (ps_streq_ci(component, "Microsoft-Windows-OS-Kernel"))
        return p->kernel_version;
    return NULL;
}

static int recognizer_matches(const ps_recognizer *r, const ps_package *p, ps_buf *why)
{
    if (r->delivers == NULL && r->identity_name == NULL && r->release_type == NULL)
        return 0;
    if (r->delivers != NULL && delivered(p, r->delivers) == NULL)
        return 0;
    if (r->identity_name != NULL && !ps_streq_ci(r->identity_name, p->identity.name))
        return 0;
    if (r->release_type != NULL && !ps_streq_ci(r->release_type, p->release_type))
        return 0;
    if (r->delivers != NULL)
        ps_buf_printf(why, "delivers %s %s", r->delivers, delivered(p, r->delivers));
    if (r->identity_name != NULL)
        ps_buf_printf(why, "%sidentity %s", why->len ? ", " : "", p->identity.name);
    if (r->release_type != NULL)
        ps_buf_printf(why, "%srelease type %s", why->len ? ", " : "", p->release_type);
    return 1;
}

ps_role ps_kb_classify(const ps_kb *kb, const ps_package *p, char *why, size_t whylen)
{
    const ps_kb_entry *e = NULL;
    const ps_os_rules *o;
    ps_role role = PS_ROLE_OTHER;

    if (why != NULL && whylen > 0)
        why[0] = '\0';
    if (kb == NULL || p == NULL)
        goto none;
    if (p->kb != NULL && p->os != NULL) {
        e = ps_kb_find(kb, p->os, p->kb);
    } else if (p->kb != NULL) {
        for (size_t i = 0; i < kb->n_entries && e == NULL; i++)
            if (ps_kb_cmp(kb->entries[i].kb, p->kb) == 0)
                e = &kb->entries[i];
    }
    if (e != NULL) {
        if (why != NULL && whylen > 0)
            snprintf(why, whylen, "%s:%u", e->where.file, e->where.line);
        return e->role;
    }
    o = ps_kb_rules_for(kb, p->os);
    for (size_t i = 0; o != NULL && i < o->n_recognizers; i++) {
        ps_buf b = {0};

        if (recognizer_matches(&o->recognizers[i], p, &b)) {
            if (why != NULL && whylen > 0)
                snprintf(why, whylen, "%s", b.data ? b.data : "");
            role = o->recognizers[i].role;
            ps_buf_free(&b);
            return role;
        }
        ps_buf_free(&b);
    }
none:
    if (why != NULL && whylen > 0)
        snprintf(why, whylen, "no rule matched");
    return role;
}

/* ------------------------------------------------------------------ */
/* Queries                                                              */
/* ------------------------------------------------------------------ */

static const char *const track_names[] = {
    [PS_TRACK_NONE] = "none",
    [PS_TRACK_MONTHLY_ROLLUP] = "monthly-rollup",
    [PS_TRACK_SECURITY_ONLY] = "security-only",
    [PS_TRACK_PREVIEW] = "preview",
};

const char *ps_track_name(ps_track t)
{
    return (unsigned)t < PS_ARRAY_LEN(track_names) ? track_names[t] : "none";
}

ps_track ps_kb_track(const ps_kb_entry *e)
{
    if (e == NULL)
        return PS_TRACK_NONE;
    switch (e->role) {
    case PS_ROLE_ROLLUP:
        return PS_TRACK_MONTHLY_ROLLUP;
    case PS_ROLE_SECURITY_ONLY:
        return PS_TRACK_SECURITY_ONLY;
    case PS_ROLE_PREVIEW_ROLLUP:
        return PS_TRACK_PREVIEW;
    default:
        return PS_TRACK_NONE;
    }
}

const char *ps_edition_name(ps_edition e)
{
    return e == PS_EDITION_CLIENT ? "client" : e == PS_EDITION_SERVER ? "server" : "any";
}

ps_edition ps_edition_parse(const char *s)
{
    if (s != NULL && strcmp(s, "client") == 0)
        return PS_EDITION_CLIENT;
    if (s != NULL && strcmp(s, "server") == 0)
        return PS_EDITION_SERVER;
    return PS_EDITION_ANY;
}

int ps_kb_supersedes(const ps_kb *kb, const char *os, const char *newer, const char *older)
{
    const ps_kb_entry *n = ps_kb_find(kb, os, newer);

    if (n == NULL || ps_kb_find(kb, os, older) == NULL)
        return -1;
    return ps_strv_contains(n->supersedes, n->n_supersedes, older) ? 1 : 0;
}

int ps_kb_satisfies(const ps_kb *kb, const char *os, const char *candidate,
                    const char *required, int or_superseding)
{
    if (candidate == NULL || required == NULL)
        return 0;
    if (ps_streq_ci(candidate, required))
        return 1;
    return or_superseding && ps_kb_supersedes(kb, os, candidate, required) == 1;
}

/* Oldest release first: month, date, KB; entries without a month last. */
static int release_cmp(const void *pa, const void *pb)
{
    const ps_kb_entry *a = *(const ps_kb_entry *const *)pa, *b = *(const ps_kb_entry *const *)pb;
    int r;

    if ((a->month == NULL) != (b->month == NULL))
        return a->month == NULL ? 1 : -1;
    if ((r = ps_strcmp_null_first(a->month, b->month)) != 0)
        return r;
    if ((a->date == NULL) != (b->date == NULL))
        return a->date == NULL ? 1 : -1;
    if ((r = ps_strcmp_null_first(a->date, b->date)) != 0)
        return r;
    return ps_kb_cmp(a->kb, b->kb);
}

size_t ps_kb_list(const ps_kb *kb, const char *os, ps_role role, ps_arch arch,
                  const ps_kb_entry **out, size_t max)
{
    const ps_kb_entry **all;
    size_t n = 0;

    if (kb == NULL || os == NULL)
        return 0;
    all = ps_calloc(kb->n_entries ? kb->n_entries : 1, sizeof *all);
    if (all == NULL)
        return 0;
    for (size_t i = 0; i < kb->n_entries; i++) {
        const ps_kb_entry *e = &kb->entries[i];

        if (ps_strcmp_null_first(e->os, os) != 0 || (role != PS_ROLE_UNKNOWN && e->role != role) ||
            (arch != PS_ARCH_NONE && !(e->arches & PS_ARCH_BIT(arch))))
            continue;
        all[n++] = e;
    }
    if (n > 1)
        qsort(all, n, sizeof *all, release_cmp);
    for (size_t i = 0; i < n && i < max && out != NULL; i++)
        out[i] = all[i];
    free(all);
    return n;
}

const char *ps_kb_release_month(const ps_kb *kb, const char *os, const char *kbnum)
{
    const ps_kb_entry *e = ps_kb_find(kb, os, kbnum);

    return e != NULL ? e->month : NULL;
}

unsigned ps_kb_esu_year(const ps_kb *kb, const char *os, const char *month)
{
    const ps_os_rules *o = ps_kb_rules_for(kb, os);

    if (o == NULL || month == NULL || strlen(month) < 7)
        return 0;
    for (size_t i = 0; i < o->n_esu_years; i++) {
        const ps_esu_year *y = &o->esu_years[i];

        if (y->from != NULL && y->to != NULL && strncmp(month, y->from, 7) >= 0 &&
            strncmp(month, y->to, 7) <= 0)
            return y->year;
    }
    return 0;
}

const ps_kb_activation *ps_kb_activation_for(const ps_kb *kb, const char *os, ps_edition ed,
                                             unsigned year)
{
    for (size_t i = 0; kb != NULL && os != NULL && i < kb->n_activations; i++) {
        const ps_kb_activation *a = &kb->activations[i];

        if (strcmp(a->os, os) == 0 && a->year == year &&
            (a->edition == PS_EDITION_ANY || ed == PS_EDITION_ANY || a->edition == ed))
            return a;
    }
    return NULL;
}

const ps_manual_step *ps_kb_step(const ps_kb *kb, const char *os, const char *name)
{
    const ps_os_rules *o = ps_kb_rules_for(kb, os);

    for (size_t i = 0; o != NULL && name != NULL && i < o->n_steps; i++)
        if (o->steps[i].name != NULL && strcmp(o->steps[i].name, name) == 0)
            return &o->steps[i];
    return NULL;
}

int ps_selector_month_ok(const ps_selector *s, const char *month)
{
    if (s == NULL || s->since_month == NULL)
        return 1;
    if (month == NULL || strlen(month) < 7)
        return 0;
    return strncmp(month, s->since_month, 7) >= 0;
}

int ps_kb_for_edition(const ps_kb *kb, const char *os, const char *kbnum, ps_edition ed)
{
    const ps_kb_entry *e = ps_kb_find(kb, os, kbnum);

    if (e == NULL)
        return -1;
    return e->edition == PS_EDITION_ANY || ed == PS_EDITION_ANY || e->edition == ed;
}
