/*
 * kb_check.c - the knowledge base once loaded: duplicate entries dropped,
 * the supersedence lists checked and closed, requirements attached, and
 * the cross-checks of rules (references, contradictions, cycles), each
 * problem a rule-error finding with file and line.
 */
#include "kb.h"
#include "kb_int.h"

#include <stdlib.h>
#include <string.h>

#define KB_MAX_RULES_GRAPH 2000 /* rules of one OS checked for cycles */

/* ------------------------------------------------------------------ */
/* Linking and cross-checks                                             */
/* ------------------------------------------------------------------ */

static int entry_cmp(const void *pa, const void *pb)
{
    const ps_kb_entry *a = pa, *b = pb;
    int r;

    if ((r = ps_strcmp_null_first(a->os, b->os)) != 0)
        return r;
    if ((r = ps_kb_cmp(a->kb, b->kb)) != 0)
        return r;
    if ((r = ps_strcmp_null_first(a->where.file, b->where.file)) != 0)
        return r;
    return (a->where.line > b->where.line) - (a->where.line < b->where.line);
}

static void drop_duplicates(ld *c)
{
    ps_kb *kb = c->kb;
    size_t w = 0;

    if (kb->n_entries > 1)
        qsort(kb->entries, kb->n_entries, sizeof *kb->entries, entry_cmp);
    for (size_t i = 0; i < kb->n_entries; i++) {
        ps_kb_entry *e = &kb->entries[i];

        if (w > 0 && ps_strcmp_null_first(kb->entries[w - 1].os, e->os) == 0 &&
            ps_kb_cmp(kb->entries[w - 1].kb, e->kb) == 0) {
            ps_kb_rerr(c, e->where.file, e->where.line, "duplicate entry %s for OS %s (first at %s:%u)",
                 e->kb, e->os, kb->entries[w - 1].where.file, kb->entries[w - 1].where.line);
            ps_kb_entry_free(e);
            continue;
        }
        if (w != i)
            kb->entries[w] = *e;
        w++;
    }
    kb->n_entries = w;
}

/* The transitive closure of the (checked, direct) supersedes lists, same
 * OS: from each entry a breadth-first walk over the direct lists, held as
 * entry indices; `seen` stamps an entry with the walk that reached it, so
 * one walk costs the size of its closure, never a scan of a list.  A walk
 * that comes back to its start is a loop. */
static void closure_walk(ld *c)
{
    ps_kb *kb = c->kb;
    size_t n = kb->n_entries, total = 0;
    size_t *first = ps_calloc(n + 1, sizeof *first), *edge = NULL, *queue = NULL, *seen = NULL;
    unsigned char *loop = ps_calloc(n ? n : 1, 1);

    if (first == NULL || loop == NULL)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        first[i] = total;
        total += kb->entries[i].n_supersedes;
    }
    first[n] = total;
    edge = ps_malloc((total ? total : 1) * sizeof *edge);
    queue = ps_malloc((n ? n : 1) * sizeof *queue);
    seen = ps_malloc((n ? n : 1) * sizeof *seen);
    if (edge == NULL || queue == NULL || seen == NULL)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        const ps_kb_entry *e = &kb->entries[i];

        seen[i] = SIZE_MAX;
        for (size_t k = 0; k < e->n_supersedes; k++) /* found: checked above */
            edge[first[i] + k] = (size_t)(ps_kb_find(kb, e->os, e->supersedes[k]) - kb->entries);
    }
    for (size_t i = 0; i < n && !c->oom; i++) {
        ps_kb_entry *e = &kb->entries[i];
        size_t head = 0, tail = 0, direct;
        int loops = 0;

        seen[i] = i;
        for (size_t k = first[i]; k < first[i + 1]; k++)
            if (seen[edge[k]] != i) {
                seen[edge[k]] = i;
                queue[tail++] = edge[k];
            }
        direct = tail; /* e->supersedes already holds these */
        while (head < tail) {
            size_t q = queue[head++];

            for (size_t k = first[q]; k < first[q + 1]; k++) {
                size_t t = edge[k];

                if (t == i)
                    loops = 1;
                if (seen[t] == i)
                    continue;
                seen[t] = i;
                queue[tail++] = t;
            }
        }
        for (size_t k = direct; k < tail && !c->oom; k++)
            if (ps_strv_push(&e->supersedes, &e->n_supersedes, kb->entries[queue[k]].kb) != 0)
                c->oom = 1;
        if (loops)
            loop[i] = 1;
    }
    /* A loop, named by the first of the closure that supersedes the start
     * (only where a walk came back: the error path). */
    for (size_t i = 0; i < n && !c->oom; i++) {
        const ps_kb_entry *e = &kb->entries[i];

        for (size_t k = 0; loop[i] && k < e->n_supersedes; k++) {
            const ps_kb_entry *t = ps_kb_find(kb, e->os, e->supersedes[k]);

            if (t != NULL && ps_strv_contains(t->supersedes, t->n_supersedes, e->kb)) {
                ps_kb_rerr(c, e->where.file, e->where.line,
                     "supersedence loops: %s and %s supersede each other", e->kb, t->kb);
                break;
            }
        }
    }
    goto out;
oom:
    c->oom = 1;
out:
    free(first);
    free(loop);
    free(edge);
    free(queue);
    free(seen);
}

/* Checks the supersedes lists, then replaces them by their closure. */
static void close_supersedence(ld *c)
{
    ps_kb *kb = c->kb;

    for (size_t i = 0; i < kb->n_entries; i++) {
        ps_kb_entry *e = &kb->entries[i];
        size_t w = 0;

        for (size_t k = 0; k < e->n_supersedes; k++) {
            char *s = e->supersedes[k];

            if (ps_kb_cmp(s, e->kb) == 0) {
                ps_kb_rerr(c, e->where.file, e->where.line, "%s supersedes itself", e->kb);
                free(s);
            } else if (ps_kb_find(kb, e->os, s) == NULL) {
                if (!c->manifests_failed)
                    ps_kb_rerr(c, e->where.file, e->where.line,
                     "%s supersedes %s, which is not in the manifests for %s", e->kb, s, e->os);
                free(s);
            } else {
                e->supersedes[w++] = s;
            }
        }
        e->n_supersedes = w;
    }
    /* The closure: a breadth-first walk from each entry over the direct
     * lists (kept as entry indices), linear in the size of the closure. */
    closure_walk(c);
}

static ps_os_rules *rules_for_mut(ps_kb *kb, const char *os)
{
    for (size_t i = 0; i < kb->n_os; i++)
        if (ps_strcmp_null_first(kb->os[i].os, os) == 0)
            return &kb->os[i];
    return NULL;
}

static void attach_requirements(ld *c)
{
    for (size_t i = 0; i < c->npend; i++) {
        pending_req *p = &c->pend[i];
        ps_os_rules *o = rules_for_mut(c->kb, p->os);

        if (o == NULL && c->rules_failed)
            continue;
        if (o == NULL) {
            ps_kb_rerr(c, p->rule.where.file, p->rule.where.line,
                 "requirement of %s for OS %s, which has no rules file", p->rule.subject.kb,
                 p->os);
            continue;
        }
        if (ps_kb_take(c, &o->rules, &o->n_rules, &p->rule, sizeof p->rule) == NULL)
            return;
    }
}

static const ps_kb_entry *check_ref(ld *c, const ps_os_rules *o, const ps_rule *r,
                                    const char *kbnum)
{
    const ps_kb_entry *e;

    if (kbnum == NULL)
        return NULL;
    e = ps_kb_find(c->kb, o->os, kbnum);
    if (e == NULL && !c->manifests_failed)
        ps_kb_rerr(c, r->where.file, r->where.line, "rule names %s, which is not in the manifests for %s",
             kbnum, o->os);
    return e;
}

/* Unknown KBs, `from` of the wrong role, hard requirements on unconfirmed
 * knowledge (demoted to ORDER once reported). */
static void check_rule_refs(ld *c, ps_os_rules *o)
{
    if (o->sha2_enabler != NULL) {
        const ps_kb_entry *e = ps_kb_find(c->kb, o->os, o->sha2_enabler);

        if (e == NULL) {
            if (!c->manifests_failed)
                ps_kb_rerr(c, o->where.file, o->where.line,
                     "SHA-2 enabler %s is not in the manifests for %s", o->sha2_enabler, o->os);
        } else if (e->role != PS_ROLE_SHA2_SUPPORT)
            ps_kb_rerr(c, o->where.file, o->where.line,
                 "SHA-2 enabler %s is a %s update in %s:%u, not sha2-support", e->kb,
                 ps_role_name(e->role), e->where.file, e->where.line);
    }
    for (size_t i = 0; i < o->n_rules; i++) {
        ps_rule *r = &o->rules[i];
        const ps_kb_entry *refs[3];

        refs[0] = check_ref(c, o, r, r->subject.kb);
        refs[1] = check_ref(c, o, r, r->kb);
        refs[2] = check_ref(c, o, r, r->from);
        if (refs[2] != NULL && r->role != PS_ROLE_UNKNOWN && refs[2]->role != r->role)
            ps_kb_rerr(c, r->where.file, r->where.line, "from %s is a %s update, not %s", r->from,
                 ps_role_name(refs[2]->role), ps_role_name(r->role));
        if (r->kind != PS_RULE_REQUIRE)
            continue;
        if (r->unconfirmed) {
            ps_kb_rerr(c, r->where.file, r->where.line,
                 "a require rule cannot rest on unconfirmed knowledge: confirm it or make it an "
                 "order rule");
            r->kind = PS_RULE_ORDER;
            continue;
        }
        for (size_t k = 0; k < 3; k++) {
            if (refs[k] != NULL && refs[k]->unconfirmed) {
                ps_kb_rerr(c, r->where.file, r->where.line,
                     "require rule rests on %s, whose entry (%s:%u) is unconfirmed", refs[k]->kb,
                     refs[k]->where.file, refs[k]->where.line);
                r->kind = PS_RULE_ORDER;
                break;
            }
        }
    }
}

/* The graph of "first before then" over names (a KB, else a role). */
static const char *first_name(const ps_rule *r)
{
    return r->kb != NULL ? r->kb : r->role != PS_ROLE_UNKNOWN ? ps_role_name(r->role) : NULL;
}

static const char *then_name(const ps_rule *r)
{
    if (r->subject.kb != NULL)
        return r->subject.kb;
    if (r->subject.role != PS_ROLE_UNKNOWN && r->subject.release_type == NULL &&
        r->subject.since == NULL && !r->subject.sha2_only)
        return ps_role_name(r->subject.role);
    return NULL; /* a narrower subject: not a node of its own */
}

static void check_contradictions(ld *c, const ps_os_rules *o)
{
    for (size_t i = 0; i < o->n_rules; i++) {
        const ps_rule *r = &o->rules[i];
        const char *a = first_name(r), *b = then_name(r);

        if (a == NULL || b == NULL)
            continue;
        if (strcmp(a, b) == 0) {
            ps_kb_rerr(c, r->where.file, r->where.line, "rule puts %s before itself", a);
            continue;
        }
        for (size_t k = 0; k < i; k++) {
            const ps_rule *q = &o->rules[k];
            const char *qa = first_name(q), *qb = then_name(q);

            if (qa != NULL && qb != NULL && strcmp(qa, b) == 0 && strcmp(qb, a) == 0) {
                ps_kb_rerr(c, r->where.file, r->where.line,
                     "rule puts %s before %s, but %s:%u puts %s before %s", a, b, q->where.file,
                     q->where.line, b, a);
                break;
            }
        }
    }
}

/* Cycles of three or more rules (two are contradictions, reported above):
 * an iterative depth-first search over the rules as edges. */
static void check_cycles(ld *c, const ps_os_rules *o)
{
    size_t n = o->n_rules;
    unsigned char *state = NULL; /* per rule-edge: 0 new, 1 on the path, 2 done */
    size_t *stack = NULL, *next = NULL;

    if (n == 0)
        return;
    if (n > KB_MAX_RULES_GRAPH) {
        ps_kb_rerr(c, o->where.file, o->where.line, "more than %d rules for OS %s: not checked for cycles",
             KB_MAX_RULES_GRAPH, o->os);
        return;
    }
    state = ps_calloc(n, 1);
    stack = ps_calloc(n, sizeof *stack);
    next = ps_calloc(n, sizeof *next);
    if (state == NULL || stack == NULL || next == NULL) {
        c->oom = 1;
        goto out;
    }
    /* Edge i follows edge j when then(j) == first(i).  A path of edges that
     * comes back to an edge on the path is a cycle. */
    for (size_t s = 0; s < n; s++) {
        size_t depth = 0;

        if (state[s] != 0 || first_name(&o->rules[s]) == NULL || then_name(&o->rules[s]) == NULL)
            continue;
        stack[depth++] = s;
        state[s] = 1;
        next[s] = 0;
        while (depth > 0) {
            size_t cur = stack[depth - 1];
            const char *to = then_name(&o->rules[cur]);
            int pushed = 0;

            while (next[cur] < n) {
                size_t e = next[cur]++;
                const char *fa = first_name(&o->rules[e]);

                if (fa == NULL || then_name(&o->rules[e]) == NULL || strcmp(fa, to) != 0)
                    continue;
                if (state[e] == 1) {
                    size_t from = 0, len;

                    while (stack[from] != e)
                        from++;
                    len = depth - from;
                    if (len >= 3) {
                        ps_buf b = {0};

                        for (size_t k = from; k < depth; k++)
                            ps_buf_printf(&b, "%s -> ", first_name(&o->rules[stack[k]]));
                        ps_buf_printf(&b, "%s", first_name(&o->rules[e]));
                        ps_kb_rerr(c, o->rules[cur].where.file, o->rules[cur].where.line,
                             "rules form a cycle: %s", b.data ? b.data : "");
                        ps_buf_free(&b);
                    }
                    continue;
                }
                if (state[e] == 0) {
                    state[e] = 1;
                    next[e] = 0;
                    stack[depth++] = e;
                    pushed = 1;
                    break;
                }
            }
            if (!pushed) {
                state[cur] = 2;
                depth--;
            }
        }
    }
out:
    free(state);
    free(stack);
    free(next);
}

/* or-later requirements need a chain to follow; steps need what their
 * commands name. */
static void check_new_refs(ld *c, ps_os_rules *o)
{
    for (size_t i = 0; i < o->n_rules; i++) {
        const ps_rule *r = &o->rules[i];
        int superseded = 0;

        if (!r->or_superseding || r->kb == NULL || ps_kb_find(c->kb, o->os, r->kb) == NULL)
            continue;
        for (size_t k = 0; k < c->kb->n_entries && !superseded; k++) {
            const ps_kb_entry *e = &c->kb->entries[k];

            superseded = ps_strcmp_null_first(e->os, o->os) == 0 &&
                         ps_strv_contains(e->supersedes, e->n_supersedes, r->kb);
        }
        if (!superseded)
            ps_kb_rerr(c, r->where.file, r->where.line,
                 "or-later on %s, but no entry of the manifests for %s supersedes it", r->kb,
                 o->os);
    }
    for (size_t i = 0; i < o->n_steps; i++) {
        const ps_manual_step *m = &o->steps[i];
        int uses_id = 0, has_id = 0;

        for (size_t k = 0; k < m->n_before; k++)
            if (m->before[k].kb != NULL && ps_kb_find(c->kb, o->os, m->before[k].kb) == NULL &&
                !c->manifests_failed)
                ps_kb_rerr(c, m->where.file, m->where.line,
                     "step %s names %s, which is not in the manifests for %s", m->name,
                     m->before[k].kb, o->os);
        for (size_t k = 0; k < m->n_commands; k++)
            uses_id |= strstr(m->commands[k], "{activation-id}") != NULL;
        if (!uses_id)
            continue;
        if (o->n_esu_years == 0)
            ps_kb_rerr(c, m->where.file, m->where.line,
                 "step %s uses {activation-id}, but the rules for %s give no <esu-years>", m->name,
                 o->os);
        for (size_t y = 0; y < o->n_esu_years; y++) {
            has_id = 0;
            for (size_t k = 0; k < c->kb->n_activations; k++)
                has_id |= strcmp(c->kb->activations[k].os, o->os) == 0 &&
                          c->kb->activations[k].year == o->esu_years[y].year;
            if (!has_id && !c->manifests_failed)
                ps_kb_rerr(c, o->esu_years[y].where.file, o->esu_years[y].where.line,
                     "ESU year %u of %s has no activation ID in the manifests", o->esu_years[y].year,
                     o->os);
        }
    }
}

void ps_kb_link_and_check(ld *c)
{
    drop_duplicates(c);
    if (c->oom)
        return;
    close_supersedence(c);
    attach_requirements(c);
    ps_kb_attach_revisions(c);
    for (size_t i = 0; i < c->kb->n_os && !c->oom; i++) {
        check_rule_refs(c, &c->kb->os[i]);
        check_new_refs(c, &c->kb->os[i]);
        check_contradictions(c, &c->kb->os[i]);
        check_cycles(c, &c->kb->os[i]);
    }
}
