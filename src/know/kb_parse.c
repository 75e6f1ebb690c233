/*
 * kb_parse.c - the knowledge documents, once valid against their schema,
 * turned into structs: the manifests (updates, revisions, activations) and
 * the rules (phases, recognizers, steps, ESU years, rules), each value
 * checked where it is read and each problem a rule-error finding at its
 * line.
 */
#include "kb.h"
#include "kb_int.h"


#include <libxml/tree.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */
/* ------------------------------------------------------------------ */

int ps_kb_is_el(xmlNodePtr n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* A malloc'd copy of an attribute, or NULL when absent. Sets c->oom. */
static char *attr(ld *c, xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *r;

    if (v == NULL)
        return NULL;
    r = ps_strdup((const char *)v);
    xmlFree(v);
    if (r == NULL)
        c->oom = 1;
    return r;
}

static int attr_bool(xmlNodePtr n, const char *name, int dflt)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    int r = dflt;

    if (v != NULL) {
        r = strcmp((const char *)v, "true") == 0;
        xmlFree(v);
    }
    return r;
}

static ps_role attr_role(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    ps_role r;

    if (v == NULL)
        return PS_ROLE_UNKNOWN;
    r = ps_role_parse((const char *)v);
    xmlFree(v);
    return r;
}

static int attr_unconfirmed(xmlNodePtr n)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)"confidence");
    int r = 0;

    if (v != NULL) {
        r = strcmp((const char *)v, "unconfirmed") == 0;
        xmlFree(v);
    }
    return r;
}

static int set_where(ld *c, ps_kb_src *w, xmlNodePtr n)
{
    w->file = ps_strdup(c->file);
    w->line = ps_node_line(n);
    if (w->file == NULL) {
        c->oom = 1;
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Sources                                                              */
/* ------------------------------------------------------------------ */

static void read_sources(ld *c, xmlNodePtr root)
{
    ps_strv_free(&c->keys, &c->nkeys);
    for (xmlNodePtr s = root->children; s != NULL; s = s->next) {
        if (!ps_kb_is_el(s, "sources"))
            continue;
        for (xmlNodePtr k = s->children; k != NULL; k = k->next) {
            char *key;

            if (!ps_kb_is_el(k, "source"))
                continue;
            key = attr(c, k, "key");
            if (key == NULL)
                continue;
            if (ps_strv_contains(c->keys, c->nkeys, key))
                ps_kb_rerr(c, c->file, ps_node_line(k), "source key %s is declared twice", key);
            else if (ps_strv_push(&c->keys, &c->nkeys, key) != 0)
                c->oom = 1;
            free(key);
        }
    }
}

/* Every token of a source list must be a declared key or an https:// address. */
static void check_sources(ld *c, xmlNodePtr n, const char *src)
{
    const char *p = src;

    while (p != NULL && *p) {
        size_t len;
        char *tok;

        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        len = strcspn(p, " \t\r\n");
        if (len == 0)
            break;
        if (!(len > 8 && strncmp(p, "https://", 8) == 0)) {
            tok = ps_strndup(p, len);
            if (tok == NULL) {
                c->oom = 1;
                return;
            }
            if (!ps_strv_contains(c->keys, c->nkeys, tok))
                ps_kb_rerr(c, c->file, ps_node_line(n), "source key %s is not declared in <sources>", tok);
            free(tok);
        }
        p += len;
    }
}

static char *attr_source(ld *c, xmlNodePtr n)
{
    char *s = attr(c, n, "source");

    if (s != NULL)
        check_sources(c, n, s);
    return s;
}

/* ------------------------------------------------------------------ */
/* manifests/NAME.xml                                                    */
/* ------------------------------------------------------------------ */

static unsigned parse_arches(const char *s)
{
    unsigned bits = 0;
    const char *p = s;

    while (p != NULL && *p) {
        size_t len;
        char tok[8];

        p += strspn(p, " \t\r\n");
        len = strcspn(p, " \t\r\n");
        if (len == 0)
            break;
        if (len < sizeof tok) {
            memcpy(tok, p, len);
            tok[len] = '\0';
            if (ps_arch_parse(tok) != PS_ARCH_NONE)
                bits |= PS_ARCH_BIT(ps_arch_parse(tok));
        }
        p += len;
    }
    return bits;
}

/* <first kb|role [from]/> or a manifests <requires>: the "A" side of a rule. */
static void read_first(ld *c, xmlNodePtr n, ps_rule *r)
{
    r->kb = attr(c, n, "kb");
    r->role = attr_role(n, "role");
    r->from = attr(c, n, "from");
    r->or_superseding = attr_bool(n, "or-later", 0);
}

/* "YYYY-MM" of a "YYYY-MM[-DD]" text, or NULL (c->oom on failure). */
static char *month_of(ld *c, const char *date)
{
    char *m;

    if (date == NULL || strlen(date) < 7)
        return NULL;
    m = ps_strndup(date, 7);
    if (m == NULL)
        c->oom = 1;
    return m;
}

/* The month of an element: its month="" attribute, checked against its
 * date="" when both are given. */
static char *read_month(ld *c, xmlNodePtr n, const char *what, const char *date)
{
    char *m = attr(c, n, "month");

    if (m == NULL)
        return month_of(c, date);
    if (date != NULL && strncmp(m, date, 7) != 0)
        ps_kb_rerr(c, c->file, ps_node_line(n), "%s: month %s disagrees with date %s", what, m, date);
    return m;
}

/* <revision kb="" n="" [date] [month] [file] source=""/> at the top level. */
static void load_revision(ld *c, xmlNodePtr k, const char *os)
{
    pending_rev *p = ps_kb_grow(&c->prev, &c->nprev, sizeof *p);
    xmlChar *nv;
    char what[64];

    if (p == NULL) {
        c->oom = 1;
        return;
    }
    nv = xmlGetProp(k, (const xmlChar *)"n");
    p->rev.n = nv != NULL ? (unsigned)strtoul((const char *)nv, NULL, 10) : 0;
    xmlFree(nv);
    p->os = ps_strdup(os);
    p->kb = attr(c, k, "kb");
    p->rev.date = attr(c, k, "date");
    p->rev.file = attr(c, k, "file");
    p->rev.source = attr_source(c, k);
    if (p->os == NULL || set_where(c, &p->rev.where, k) != 0)
        c->oom = 1;
    snprintf(what, sizeof what, "%s revision %u", p->kb ? p->kb : "?", p->rev.n);
    p->rev.month = read_month(c, k, what, p->rev.date);
}

/* Attaches the revisions to their entries, in file order. */
void ps_kb_attach_revisions(ld *c)
{
    for (size_t i = 0; i < c->nprev && !c->oom; i++) {
        pending_rev *p = &c->prev[i];
        ps_kb_entry *e = (ps_kb_entry *)ps_kb_find(c->kb, p->os, p->kb);
        int bad = 0;

        if (e == NULL) {
            if (!c->manifests_failed)
                ps_kb_rerr(c, p->rev.where.file, p->rev.where.line,
                     "revision of %s, which is not in the manifests for %s", p->kb, p->os);
            continue;
        }
        for (size_t k = 0; k < e->n_revisions && !bad; k++) {
            if (e->revisions[k].n == p->rev.n) {
                ps_kb_rerr(c, p->rev.where.file, p->rev.where.line,
                     "%s: revision %u is listed twice (first at line %u)", e->kb, p->rev.n,
                     e->revisions[k].where.line);
                bad = 1;
            } else if (e->revisions[k].n > p->rev.n) {
                ps_kb_rerr(c, p->rev.where.file, p->rev.where.line,
                     "%s: revision %u is listed after revision %u", e->kb, p->rev.n,
                     e->revisions[k].n);
                bad = 1;
            }
        }
        if (bad)
            continue;
        if (ps_kb_take(c, &e->revisions, &e->n_revisions, &p->rev, sizeof p->rev) == NULL)
            return;
    }
}

static void load_activation(ld *c, xmlNodePtr n, const char *os)
{
    ps_kb_activation *a;
    char *ed = attr(c, n, "edition");
    xmlChar *yv = xmlGetProp(n, (const xmlChar *)"year");
    unsigned year = yv != NULL ? (unsigned)strtoul((const char *)yv, NULL, 10) : 0;
    ps_edition edition = ps_edition_parse(ed);

    xmlFree(yv);
    free(ed);
    for (size_t i = 0; i < c->kb->n_activations; i++) {
        const ps_kb_activation *q = &c->kb->activations[i];

        if (strcmp(q->os, os) == 0 && q->year == year &&
            (q->edition == edition || q->edition == PS_EDITION_ANY || edition == PS_EDITION_ANY)) {
            ps_kb_rerr(c, c->file, ps_node_line(n),
                 "ESU activation ID of year %u (%s) for OS %s is already given at %s:%u", year,
                 ps_edition_name(edition), os, q->where.file, q->where.line);
            return;
        }
    }
    a = ps_kb_grow(&c->kb->activations, &c->kb->n_activations, sizeof *a);
    if (a == NULL) {
        c->oom = 1;
        return;
    }
    a->os = ps_strdup(os);
    a->edition = edition;
    a->year = year;
    a->id = attr(c, n, "id");
    a->source = attr_source(c, n);
    if (a->os == NULL)
        c->oom = 1;
    set_where(c, &a->where, n);
}

static void load_update(ld *c, xmlNodePtr u, const char *os)
{
    ps_kb_entry *e = ps_kb_grow(&c->kb->entries, &c->kb->n_entries, sizeof *e);
    char *arch;
    xmlChar *sha2;

    if (e == NULL) {
        c->oom = 1;
        return;
    }
    e->kb = attr(c, u, "kb");
    e->os = ps_strdup(os);
    arch = attr(c, u, "arch");
    e->arches = parse_arches(arch);
    free(arch);
    e->role = attr_role(u, "role");
    e->date = attr(c, u, "date");
    e->title = attr(c, u, "title");
    e->kernel_build = attr(c, u, "kernel");
    e->provides_stack = attr(c, u, "stack");
    sha2 = xmlGetProp(u, (const xmlChar *)"sha2-only");
    e->sha2_only = sha2 == NULL ? -1 : strcmp((const char *)sha2, "true") == 0;
    xmlFree(sha2);
    e->unconfirmed = attr_unconfirmed(u);
    e->note = attr(c, u, "note");
    e->source = attr_source(c, u);
    if (e->os == NULL || set_where(c, &e->where, u) != 0) {
        c->oom = 1;
        return;
    }
    e->month = read_month(c, u, e->kb ? e->kb : "?", e->date);
    {
        char *ed = attr(c, u, "edition");

        e->edition = ps_edition_parse(ed);
        free(ed);
    }
    for (xmlNodePtr k = u->children; k != NULL; k = k->next) {
        if (ps_kb_is_el(k, "supersedes")) {
            char *s = attr(c, k, "kb");

            if (s != NULL && ps_strv_contains(e->supersedes, e->n_supersedes, s))
                ps_kb_rerr(c, c->file, ps_node_line(k), "%s names %s as superseded twice", e->kb, s);
            else if (s != NULL && ps_strv_push(&e->supersedes, &e->n_supersedes, s) != 0)
                c->oom = 1;
            free(s);
        } else if (ps_kb_is_el(k, "requires")) {
            pending_req *p = ps_kb_grow(&c->pend, &c->npend, sizeof *p);

            if (p == NULL) {
                c->oom = 1;
                return;
            }
            p->os = ps_strdup(os);
            p->rule.kind = PS_RULE_REQUIRE;
            p->rule.subject.kb = ps_strdup(e->kb);
            read_first(c, k, &p->rule);
            p->rule.barrier = attr_bool(k, "barrier", 0);
            p->rule.reason = attr(c, k, "reason");
            p->rule.source = attr_source(c, k);
            p->rule.unconfirmed = attr_unconfirmed(k);
            if (p->os == NULL || p->rule.subject.kb == NULL || set_where(c, &p->rule.where, k) != 0)
                c->oom = 1;
        }
    }
}

void ps_kb_load_manifests(ld *c, xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    char *os = attr(c, root, "os");

    if (os == NULL)
        return;
    read_sources(c, root);
    for (xmlNodePtr u = root->children; u != NULL && !c->oom; u = u->next) {
        if (ps_kb_is_el(u, "update"))
            load_update(c, u, os);
        else if (ps_kb_is_el(u, "activation"))
            load_activation(c, u, os);
        else if (ps_kb_is_el(u, "revision"))
            load_revision(c, u, os);
    }
    free(os);
}

/* ------------------------------------------------------------------ */
/* rules/NAME.xml                                                        */
/* ------------------------------------------------------------------ */

static void load_phases(ld *c, ps_os_rules *o, xmlNodePtr ph)
{
    for (unsigned i = 0; i < PS_ROLE__COUNT; i++)
        o->role_phase[i] = -1;
    for (xmlNodePtr p = ph->children; p != NULL; p = p->next) {
        char *name, *roles;
        const char *q;

        if (!ps_kb_is_el(p, "phase"))
            continue;
        name = attr(c, p, "name");
        if (name == NULL)
            continue;
        if (ps_strv_contains(o->phases, o->n_phases, name)) {
            ps_kb_rerr(c, c->file, ps_node_line(p), "phase %s is listed twice", name);
            free(name);
            continue;
        }
        if (ps_strv_push(&o->phases, &o->n_phases, name) != 0)
            c->oom = 1;
        free(name);
        roles = attr(c, p, "roles");
        for (q = roles; q != NULL && *q;) {
            size_t len;
            char *tok;
            ps_role r;

            q += strspn(q, " \t\r\n");
            len = strcspn(q, " \t\r\n");
            if (len == 0)
                break;
            tok = ps_strndup(q, len);
            r = ps_role_parse(tok);
            if (r != PS_ROLE_UNKNOWN && o->role_phase[r] >= 0)
                ps_kb_rerr(c, c->file, ps_node_line(p), "role %s is already in phase %s", tok,
                     o->phases[o->role_phase[r]]);
            else if (r != PS_ROLE_UNKNOWN)
                o->role_phase[r] = (int)o->n_phases - 1;
            free(tok);
            q += len;
        }
        free(roles);
    }
    for (unsigned i = 1; i < PS_ROLE__COUNT; i++) {
        if (o->role_phase[i] >= 0)
            continue;
        for (size_t k = 0; k < o->n_phases; k++)
            if (strcmp(o->phases[k], "other") == 0)
                o->role_phase[i] = (int)k;
    }
}

static void load_recognizer(ld *c, ps_os_rules *o, xmlNodePtr n)
{
    ps_recognizer *r = ps_kb_grow(&o->recognizers, &o->n_recognizers, sizeof *r);
    char *src;

    if (r == NULL) {
        c->oom = 1;
        return;
    }
    r->role = attr_role(n, "role");
    r->delivers = attr(c, n, "delivers");
    r->identity_name = attr(c, n, "identity");
    r->release_type = attr(c, n, "release-type");
    src = attr_source(c, n);
    free(src);
    set_where(c, &r->where, n);
    if (r->delivers == NULL && r->identity_name == NULL && r->release_type == NULL)
        ps_kb_rerr(c, c->file, ps_node_line(n),
             "recognizer for %s names nothing to match (delivers, identity or release-type)",
             ps_role_name(r->role));
}

/* A <then>: the packages a rule or step is about. */
static void read_then(ld *c, xmlNodePtr k, ps_selector *s)
{
    s->kb = attr(c, k, "kb");
    s->role = attr_role(k, "role");
    s->release_type = attr(c, k, "release-type");
    s->since = attr(c, k, "since");
    s->since_month = month_of(c, s->since);
    s->sha2_only = attr_bool(k, "sha2-only", 0);
    if (s->kb == NULL && s->role == PS_ROLE_UNKNOWN && s->release_type == NULL)
        ps_kb_rerr(c, c->file, ps_node_line(k),
             "<then> names no kb, role or release-type: the rule would apply to nothing");
}

/* Placeholders a step command may use. */
static int command_ok(const char *cmd, char *bad, size_t badlen)
{
    static const char *const known[] = {"{mak}", "{activation-id}"};

    for (const char *p = strchr(cmd, '{'); p != NULL; p = strchr(p + 1, '{')) {
        const char *end = strchr(p, '}');
        int ok = 0;

        for (size_t i = 0; end != NULL && i < PS_ARRAY_LEN(known); i++)
            if ((size_t)(end - p + 1) == strlen(known[i]) && strncmp(p, known[i], strlen(known[i])) == 0)
                ok = 1;
        if (!ok) {
            size_t len = end != NULL ? (size_t)(end - p + 1) : strlen(p);

            snprintf(bad, badlen, "%.*s", (int)(len < 40 ? len : 40), p);
            return 0;
        }
    }
    return 1;
}

static void load_step(ld *c, ps_os_rules *o, xmlNodePtr n)
{
    ps_manual_step *m;
    char *name = attr(c, n, "name");

    for (size_t i = 0; name != NULL && i < o->n_steps; i++) {
        if (strcmp(o->steps[i].name, name) == 0) {
            ps_kb_rerr(c, c->file, ps_node_line(n), "step %s is already given at line %u", name,
                 o->steps[i].where.line);
            free(name);
            return;
        }
    }
    m = ps_kb_grow(&o->steps, &o->n_steps, sizeof *m);
    if (m == NULL) {
        free(name);
        c->oom = 1;
        return;
    }
    m->name = name;
    m->reason = attr(c, n, "reason");
    m->source = attr_source(c, n);
    set_where(c, &m->where, n);
    for (xmlNodePtr k = n->children; k != NULL && !c->oom; k = k->next) {
        if (ps_kb_is_el(k, "first")) {
            m->after = attr_role(k, "role");
        } else if (ps_kb_is_el(k, "then")) {
            ps_selector *s = ps_kb_grow(&m->before, &m->n_before, sizeof *s);

            if (s == NULL) {
                c->oom = 1;
                return;
            }
            read_then(c, k, s);
        } else if (ps_kb_is_el(k, "command")) {
            char *t = attr(c, k, "text");
            char bad[48];

            if (t != NULL && !command_ok(t, bad, sizeof bad))
                ps_kb_rerr(c, c->file, ps_node_line(k),
                     "step %s: command uses %s; known placeholders are {mak} and {activation-id}",
                     m->name ? m->name : "?", bad);
            if (t != NULL && ps_strv_push(&m->commands, &m->n_commands, t) != 0)
                c->oom = 1;
            free(t);
        }
    }
}

static void load_esu_year(ld *c, ps_os_rules *o, xmlNodePtr n)
{
    ps_esu_year *y;
    xmlChar *yv = xmlGetProp(n, (const xmlChar *)"n");
    unsigned year = yv != NULL ? (unsigned)strtoul((const char *)yv, NULL, 10) : 0;
    char *from = attr(c, n, "from"), *to = attr(c, n, "to");

    xmlFree(yv);
    if (from != NULL && to != NULL && strcmp(from, to) > 0) {
        ps_kb_rerr(c, c->file, ps_node_line(n), "ESU year %u ends (%s) before it begins (%s)", year, to, from);
        goto out;
    }
    if (o->n_esu_years > 0) {
        const ps_esu_year *p = &o->esu_years[o->n_esu_years - 1];

        if (year != p->year + 1) {
            ps_kb_rerr(c, c->file, ps_node_line(n), "ESU year %u follows year %u", year, p->year);
            goto out;
        }
        if (from != NULL && p->to != NULL && strcmp(from, p->to) <= 0) {
            ps_kb_rerr(c, c->file, ps_node_line(n), "ESU year %u begins (%s) before year %u ends (%s)", year,
                 from, p->year, p->to);
            goto out;
        }
    } else if (year != 1) {
        ps_kb_rerr(c, c->file, ps_node_line(n), "the first ESU year is %u, not 1", year);
        goto out;
    }
    y = ps_kb_grow(&o->esu_years, &o->n_esu_years, sizeof *y);
    if (y == NULL) {
        c->oom = 1;
        goto out;
    }
    y->year = year;
    y->from = from;
    y->to = to;
    set_where(c, &y->where, n);
    return;
out:
    free(from);
    free(to);
}

static void load_rule(ld *c, ps_os_rules *o, xmlNodePtr n)
{
    ps_rule *r = ps_kb_grow(&o->rules, &o->n_rules, sizeof *r);

    if (r == NULL) {
        c->oom = 1;
        return;
    }
    r->kind = ps_kb_is_el(n, "require") ? PS_RULE_REQUIRE : ps_kb_is_el(n, "expect") ? PS_RULE_EXPECT
                                                                        : PS_RULE_ORDER;
    if (r->kind == PS_RULE_EXPECT)
        r->finding = attr(c, n, "finding");
    r->barrier = attr_bool(n, "barrier", 0);
    r->reason = attr(c, n, "reason");
    r->source = attr_source(c, n);
    r->unconfirmed = attr_unconfirmed(n);
    set_where(c, &r->where, n);
    for (xmlNodePtr k = n->children; k != NULL; k = k->next) {
        if (ps_kb_is_el(k, "first")) {
            read_first(c, k, r);
        } else if (ps_kb_is_el(k, "then")) {
            read_then(c, k, &r->subject);
        }
    }
}

void ps_kb_load_rules(ld *c, xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    char *os = attr(c, root, "os");
    ps_os_rules *o;

    if (os == NULL)
        return;
    for (size_t i = 0; i < c->kb->n_os; i++) {
        if (strcmp(c->kb->os[i].os, os) == 0) {
            ps_kb_rerr(c, c->file, ps_node_line(root), "rules for OS %s are already given in %s:%u", os,
                 c->kb->os[i].where.file, c->kb->os[i].where.line);
            free(os);
            return;
        }
    }
    o = ps_kb_grow(&c->kb->os, &c->kb->n_os, sizeof *o);
    if (o == NULL) {
        c->oom = 1;
        free(os);
        return;
    }
    o->os = os;
    o->name = attr(c, root, "name");
    set_where(c, &o->where, root);
    for (unsigned i = 0; i < PS_ROLE__COUNT; i++)
        o->role_phase[i] = -1;
    read_sources(c, root);
    for (xmlNodePtr n = root->children; n != NULL && !c->oom; n = n->next) {
        char *src = NULL;

        if (ps_kb_is_el(n, "base-build")) {
            o->base_build = attr(c, n, "version");
            src = attr_source(c, n);
        } else if (ps_kb_is_el(n, "sha2-enabler")) {
            o->sha2_enabler = attr(c, n, "kb");
            src = attr_source(c, n);
        } else if (ps_kb_is_el(n, "phases")) {
            src = attr_source(c, n);
            load_phases(c, o, n);
        } else if (ps_kb_is_el(n, "recognizers")) {
            for (xmlNodePtr k = n->children; k != NULL; k = k->next)
                if (ps_kb_is_el(k, "recognize"))
                    load_recognizer(c, o, k);
        } else if (ps_kb_is_el(n, "require") || ps_kb_is_el(n, "order") || ps_kb_is_el(n, "expect")) {
            load_rule(c, o, n);
        } else if (ps_kb_is_el(n, "step")) {
            load_step(c, o, n);
        } else if (ps_kb_is_el(n, "esu-years")) {
            src = attr_source(c, n);
            for (xmlNodePtr k = n->children; k != NULL && !c->oom; k = k->next)
                if (ps_kb_is_el(k, "esu-year"))
                    load_esu_year(c, o, k);
        }
        free(src);
    }
}
