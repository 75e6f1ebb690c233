/*
 * json.c - the plan model as JSON (--format json): the patchseq.plan/1
 * contract for one plan (steps, skipped packages, edges, windows, the
 * machine it starts from, the findings), and patchseq.plan/2 for a fleet
 * (groups, and per machine its status, plans and findings, each plan built
 * once and shared by its machines).  The builders and the serialiser are
 * util/json.h.
 */
#include "plan.h"

#include "alloc.h"
#include "findings.h"
#include "json.h"
#include "render.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* A builder's result: v, or NULL (and v released) when a part of it
 * failed. */
static json_t *built(json_t *v, int bad)
{
    if (bad) {
        json_decref(v);
        return NULL;
    }
    return v;
}

static const char *by_kb(const ps_arch_plan *ap, const ps_plan_node *n)
{
    return n->by != PS_NO_NODE ? ap->nodes[n->by].kb : n->by_installed;
}

static json_t *step_json(const ps_arch_plan *ap, const ps_plan_step *st)
{
    json_t *o = json_object();
    int bad = 0;

    if (st->action == PS_STEP_REBOOT) {
        bad |= ps_json_set(o, "action", json_string("reboot"));
    } else if (st->action == PS_STEP_MANUAL) {
        json_t *acts = json_array();

        bad |= ps_json_set(o, "action", json_string("manual"));
        bad |= ps_json_set(o, "name", json_string(st->manual && st->manual->name ? st->manual->name
                                                                            : "esu-activation"));
        bad |= ps_json_set(o, "esu_year", json_integer((json_int_t)st->esu_year));
        bad |= ps_json_set(o, "commands", ps_json_strv(st->commands, st->n_commands));
        for (size_t i = 0; acts && i < st->n_activations; i++) {
            const ps_kb_activation *a = st->activations[i];
            json_t *j = json_object();

            bad |= j == NULL;
            bad |= ps_json_set(j, "edition", json_string(ps_edition_name(a->edition)));
            bad |= ps_json_set(j, "id", json_string(a->id));
            bad |= ps_json_set(j, "source", ps_json_str(a->source));
            bad |= ps_json_push(acts, j);
        }
        bad |= ps_json_set(o, "activations", acts);
    } else {
        const ps_plan_node *n = &ap->nodes[st->node];

        bad |= ps_json_set(o, "action", json_string("install"));
        bad |= ps_json_set(o, "kb", json_string(n->kb));
        bad |= ps_json_set(o, "file", json_string(n->pkg->file));
        bad |= ps_json_set(o, "phase", json_string(n->phase_name));
        bad |= ps_json_set(o, "restart", ps_json_str(n->pkg->restart));
        if (st->build_after)
            bad |= ps_json_set(o, "build_after", json_string(st->build_after));
    }
    bad |= ps_json_set(o, "reasons", ps_json_strv(st->reasons, st->n_reasons));
    return built(o, bad);
}

static json_t *skip_json(const ps_arch_plan *ap, const ps_plan_node *n)
{
    json_t *s = json_object();
    int bad = 0;

    bad |= ps_json_set(s, "kb", json_string(n->kb));
    bad |= ps_json_set(s, "file", json_string(n->pkg->file));
    bad |= ps_json_set(s, "why", json_string(ps_node_state_name(n->state)));
    if (by_kb(ap, n))
        bad |= ps_json_set(s, "by", json_string(by_kb(ap, n)));
    if (n->by != PS_NO_NODE)
        bad |= ps_json_set(s, "by_file", json_string(ap->nodes[n->by].pkg->file));
    else if (n->by_installed)
        bad |= ps_json_set(s, "by_installed", json_true());
    bad |= ps_json_set(s, "message", ps_json_str(n->why));
    return built(s, bad);
}

static json_t *edge_json(const ps_arch_plan *ap, const ps_plan_edge *e)
{
    json_t *j = json_object();
    int bad = 0;

    bad |= ps_json_set(j, "from", json_string(ap->nodes[e->from].kb));
    bad |= ps_json_set(j, "to", json_string(ap->nodes[e->to].kb));
    bad |= ps_json_set(j, "kind", json_string(ps_edge_kind_name(e->kind)));
    bad |= ps_json_set(j, "barrier", json_boolean(e->barrier));
    bad |= ps_json_set(j, "reason", json_string(e->reason));
    bad |= ps_json_set(j, "provenance", json_string(e->provenance));
    return built(j, bad);
}

static json_t *machine_json(const ps_arch_plan *ap)
{
    const ps_machine *m = &ap->machine;
    json_t *o = json_object(), *kbs = json_array();
    int bad = o == NULL || kbs == NULL;

    if (bad) {
        json_decref(o);
        json_decref(kbs);
        return NULL;
    }
    bad |= ps_json_set(o, "os_name", ps_json_str(m->os_name));
    bad |= ps_json_set(o, "edition", ps_json_str(m->edition));
    bad |= ps_json_set(o, "build", ps_json_str(m->build));
    bad |= ps_json_set(o, "stack", ps_json_str(m->stack));
    bad |= ps_json_set(o, "stack_source", ps_json_str(m->stack_src));
    bad |= ps_json_set(o, "sha2_active", json_boolean(m->sha2_active));
    bad |= ps_json_set(o, "esu_licensing", json_boolean(m->esu_licensing));
    for (size_t i = 0; i < m->n_kbs; i++) {
        json_t *k = json_object();
        int kbad = k == NULL;

        if (!kbad) {
            kbad |= ps_json_set(k, "kb", json_string(m->kbs[i].kb));
            kbad |= ps_json_set(k, "role", m->kbs[i].role != PS_ROLE_UNKNOWN
                                       ? json_string(ps_role_name(m->kbs[i].role))
                                       : json_null());
            kbad |= ps_json_set(k, "in_bundle", json_boolean(m->kbs[i].node != PS_NO_NODE));
            kbad |= ps_json_set(k, "provides", ps_json_str(m->kbs[i].provides));
        }
        k = built(k, kbad);
        bad |= ps_json_push(kbs, k);
    }
    bad |= ps_json_set(o, "installed", kbs);
    return built(o, bad);
}

static json_t *arch_plan_json(const ps_arch_plan *ap)
{
    json_t *o = json_object(), *steps = json_array(), *skipped = json_array(), *edges = json_array();
    int bad = 0;

    bad |= ps_json_set(o, "arch", json_string(ps_arch_name(ap->arch)));
    bad |= ps_json_set(o, "os", json_string(ap->os));
    bad |= ps_json_set(o, "start_build", ps_json_str(ap->start_build));
    bad |= ps_json_set(o, "end_build", ps_json_str(ap->end_build));
    bad |= ps_json_set(o, "reboots", json_integer(ap->reboots));
    if (ap->machine.from_inventory)
        bad |= ps_json_set(o, "machine", machine_json(ap));
    for (size_t i = 0; i < ap->n_steps; i++)
        bad |= ps_json_push(steps, step_json(ap, &ap->steps[i]));
    for (size_t i = 0; i < ap->n_skipped; i++)
        bad |= ps_json_push(skipped, skip_json(ap, &ap->nodes[ap->skipped[i]]));
    for (size_t i = 0; i < ap->n_edges; i++)
        bad |= ps_json_push(edges, edge_json(ap, &ap->edges[i]));
    bad |= ps_json_set(o, "steps", steps);
    if (ap->window_minutes) { /* --window: "windows" even when empty */
        json_t *wins = json_array();

        for (size_t i = 0; i < ap->n_windows; i++) {
            const ps_plan_window *w = &ap->windows[i];
            json_t *wo = json_object(), *ws = json_array();
            int wbad = 0;

            for (size_t s = w->first; s <= w->last; s++)
                wbad |= ps_json_push(ws, json_integer((json_int_t)s + 1));
            wbad |= ps_json_set(wo, "index", json_integer((json_int_t)i + 1));
            wbad |= ps_json_set(wo, "steps", ws);
            wbad |= ps_json_set(wo, "minutes", json_integer((json_int_t)ps_minutes(w->seconds)));
            wbad |= ps_json_set(wo, "overrun", json_boolean(w->overrun));
            wo = built(wo, wbad);
            bad |= ps_json_push(wins, wo);
        }
        bad |= ps_json_set(o, "window_minutes", json_integer(ap->window_minutes));
        bad |= ps_json_set(o, "windows", wins);
    }
    bad |= ps_json_set(o, "skipped", skipped);
    bad |= ps_json_set(o, "edges", edges);
    return built(o, bad);
}

/* A machine of a fleet: who it is, its status and group, its plans and its
 * findings (its inventory's, then its plan's). */
typedef struct plan_cache {
    const ps_plan *plan;
    const ps_findings *findings;
    json_t *plans, *plan_findings;   /* built once per plan, shared by its machines */
} plan_cache;

static json_t *fleet_machine_json(const ps_render_machine *m, plan_cache *cache, size_t *ncache)
{
    json_t *o = json_object(), *plans, *fs;
    plan_cache *pc = NULL;
    int bad = 0;

    for (size_t i = 0; i < *ncache && pc == NULL; i++)
        if (cache[i].plan == m->plan && cache[i].findings == m->plan_findings)
            pc = &cache[i];

    bad |= ps_json_set(o, "name", json_string(m->name));
    bad |= ps_json_set(o, "inventory", ps_json_str(m->inventory));
    bad |= ps_json_set(o, "os", ps_json_str(m->os));
    bad |= ps_json_set(o, "arch", m->arch != PS_ARCH_NONE ? json_string(ps_arch_name(m->arch)) : json_null());
    bad |= ps_json_set(o, "build", ps_json_str(m->build));
    bad |= ps_json_set(o, "status", json_string(m->status));
    bad |= ps_json_set(o, "why", ps_json_str(m->why));
    bad |= ps_json_set(o, "group", json_integer((json_int_t)m->group + 1));
    if (pc == NULL) {
        pc = &cache[(*ncache)++];
        pc->plan = m->plan;
        pc->findings = m->plan_findings;
        pc->plans = json_array();
        for (size_t i = 0; m->plan && i < m->plan->count; i++)
            bad |= ps_json_push(pc->plans, arch_plan_json(&m->plan->plans[i]));
        pc->plan_findings = m->plan_findings ? ps_findings_to_json(m->plan_findings) : json_array();
    }
    plans = json_incref(pc->plans);
    bad |= ps_json_set(o, "plans", plans);
    fs = m->own && m->own->count ? ps_findings_to_json(m->own) : NULL;
    if (fs == NULL) /* the plan's findings alone: shared */
        fs = json_incref(pc->plan_findings);
    else if (pc->plan_findings && json_array_extend(fs, pc->plan_findings) != 0)
        bad = 1;
    bad |= ps_json_set(o, "findings", fs);
    return built(o, bad);
}

/* The groups of a fleet: status, reason and machine names. */
static json_t *fleet_groups_json(const ps_render_opts *o)
{
    json_t *a = json_array();
    int bad = 0;

    for (size_t g = 0; g < o->n_groups; g++) {
        const ps_render_group *rg = &o->groups[g];
        json_t *go = json_object(), *names = json_array();
        int gbad = 0;

        for (size_t m = 0; m < rg->n_machines; m++)
            gbad |= ps_json_push(names, json_string(rg->machines[m]));
        gbad |= ps_json_set(go, "group", json_integer((json_int_t)g + 1));
        gbad |= ps_json_set(go, "status", ps_json_str(rg->status));
        gbad |= ps_json_set(go, "why", ps_json_str(rg->why));
        gbad |= ps_json_set(go, "machines", names);
        go = built(go, gbad);
        bad |= ps_json_push(a, go);
    }
    return built(a, bad);
}

int ps_render_json(ps_buf *b, const ps_plan *plan, const ps_findings *f,
                       const ps_render_opts *ro)
{
    static const ps_findings none = {0};
    json_t *root = json_object(), *plans = json_array();
    char *text;
    size_t len = 0;
    int bad = 0;

    if (ro->machines) { /* a fleet: patchseq.plan/2 */
        json_t *ms = json_array();
        plan_cache *pc = ps_calloc(ro->n_machines ? ro->n_machines : 1, sizeof *pc);
        size_t npc = 0;

        json_decref(plans);
        bad |= ps_json_set(root, "schema", json_string("patchseq.plan/2"));
        bad |= ps_json_set(root, "groups", fleet_groups_json(ro));
        bad |= pc == NULL;
        for (size_t i = 0; pc && i < ro->n_machines; i++)
            bad |= ps_json_push(ms, fleet_machine_json(&ro->machines[i], pc, &npc));
        for (size_t i = 0; i < npc; i++) {
            json_decref(pc[i].plans);
            json_decref(pc[i].plan_findings);
        }
        free(pc);
        bad |= ps_json_set(root, "machines", ms);
    } else {
        bad |= ps_json_set(root, "schema", json_string("patchseq.plan/1"));
        for (size_t i = 0; i < plan->count; i++)
            bad |= ps_json_push(plans, arch_plan_json(&plan->plans[i]));
        bad |= ps_json_set(root, "plans", plans);
    }
    bad |= ps_json_set(root, "findings", ps_findings_to_json(f ? f : &none));
    if (bad) {
        json_decref(root);
        return -1;
    }
    text = ps_json_dump(root, &len); /* takes root */
    if (text == NULL)
        return -1;
    bad = ps_buf_append(b, text, len) != 0;
    free(text);
    return bad ? -1 : 0;
}
