/*
 * render_plan.c - the plan model as text (for a change ticket), JSON (the
 * patchseq.plan/1 contract), Markdown (a change request) and Graphviz dot,
 * behind one table of renderers; and the answer of `patchseq explain`.
 *
 * Wording: a step's reasons are "phase P: ROLE (provenance)", then one
 * "after KB: reason [provenance]" per edge into it, then why a superseded
 * package was kept.  A reboot's reasons name the barrier crossed ("KB must
 * be active before SHA-2-only packages") or the packages that may need a
 * restart at the end.  A skipped package shows its state and the sentence
 * that says why.
 */
#include "plan.h"

#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

typedef int (*render_fn)(ps_buf *b, const ps_plan *plan, const ps_findings *f);

/* ------------------------------------------------------------------ */
/* Shared                                                              */
/* ------------------------------------------------------------------ */

static const char *os_title(const ps_arch_plan *ap)
{
    return ap->rules && ap->rules->name ? ap->rules->name : NULL;
}

/* The machine state a plan starts from, on one line, then the installed
 * KBs with what each provides. */
static void machine_text(ps_buf *b, const ps_arch_plan *ap, const char *indent)
{
    const ps_machine *m = &ap->machine;

    ps_buf_printf(b, "%smachine: %s", indent,
                  m->from_inventory ? (m->os_name ? m->os_name : "OS name not in the inventory")
                                    : "no inventory, the base of the OS family");
    if (m->edition)
        ps_buf_printf(b, " (%s)", m->edition);
    ps_buf_printf(b, "; build %s; servicing stack %s (%s); SHA-2 support %s; ESU licensing %s\n",
                  m->build ? m->build : "unknown", m->stack ? m->stack : "unknown",
                  m->stack_src ? m->stack_src : "unknown", m->sha2_active ? "active" : "not active",
                  m->esu_licensing ? "installed" : "not installed");
    if (!m->from_inventory)
        return;
    ps_buf_printf(b, "%sinstalled:", indent);
    if (m->n_kbs == 0)
        ps_buf_puts(b, " none");
    for (size_t i = 0; i < m->n_kbs; i++) {
        ps_buf_printf(b, "%s %s", i ? "," : "", m->kbs[i].kb);
        if (m->kbs[i].provides)
            ps_buf_printf(b, " (%s)", m->kbs[i].provides);
    }
    ps_buf_puts(b, "\n");
}

static json_t *machine_json(const ps_arch_plan *ap);

static size_t n_installs(const ps_arch_plan *ap)
{
    size_t n = 0;

    for (size_t i = 0; i < ap->n_steps; i++)
        n += ap->steps[i].action == PS_STEP_INSTALL;
    return n;
}

/* "1-3" or "4" */
static void step_range(ps_buf *b, const ps_plan_window *w)
{
    if (w->first == w->last)
        ps_buf_printf(b, "%zu", w->first + 1);
    else
        ps_buf_printf(b, "%zu-%zu", w->first + 1, w->last + 1);
}

static unsigned long window_minutes(const ps_plan_window *w)
{
    return (w->seconds + 59) / 60;
}

static const char *by_kb(const ps_arch_plan *ap, const ps_plan_node *n)
{
    return n->by != PS_NO_NODE ? ap->nodes[n->by].kb : n->by_installed;
}

/* ------------------------------------------------------------------ */
/* Text                                                                */
/* ------------------------------------------------------------------ */

static void text_findings(ps_buf *b, const ps_findings *f)
{
    ps_buf tmp = {0};
    const char *p;

    if (f == NULL || f->count == 0) {
        ps_buf_puts(b, "findings: none\n");
        return;
    }
    ps_buf_puts(b, "findings:\n");
    ps_findings_render_text(&tmp, f);
    for (p = tmp.data; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);

        ps_buf_puts(b, "  ");
        ps_buf_append(b, p, len);
        p += len;
    }
    ps_buf_free(&tmp);
}

static int render_text(ps_buf *b, const ps_plan *plan, const ps_findings *f)
{
    if (plan->count == 0)
        ps_buf_puts(b, "no package to plan\n\n");
    for (size_t i = 0; i < plan->count; i++) {
        const ps_arch_plan *ap = &plan->plans[i];
        size_t k = n_installs(ap);

        ps_buf_printf(b, "Windows %s", ap->os);
        if (os_title(ap))
            ps_buf_printf(b, " (%s)", os_title(ap));
        ps_buf_printf(b, ", %s\n", ps_arch_name(ap->arch));
        ps_buf_printf(b, "  build %s -> %s; %zu install%s, %u reboot%s\n\n",
                      ap->start_build ? ap->start_build : "unknown",
                      ap->end_build ? ap->end_build : "unknown", k, k == 1 ? "" : "s",
                      ap->reboots, ap->reboots == 1 ? "" : "s");
        if (ap->machine.from_inventory) {
            machine_text(b, ap, "  ");
            ps_buf_puts(b, "\n");
        }
        if (ap->n_steps == 0)
            ps_buf_puts(b, "  nothing to install\n");
        for (size_t s = 0; s < ap->n_steps; s++) {
            const ps_plan_step *st = &ap->steps[s];

            if (st->action == PS_STEP_REBOOT) {
                ps_buf_printf(b, "  %2zu. reboot\n", s + 1);
            } else {
                const ps_plan_node *n = &ap->nodes[st->node];

                ps_buf_printf(b, "  %2zu. install %s [%s] %s\n", s + 1, n->kb, n->phase_name,
                              n->pkg->file);
                ps_buf_printf(b, "      restart: %s", n->pkg->restart ? n->pkg->restart : "not stated");
                if (st->build_after)
                    ps_buf_printf(b, "; build after: %s", st->build_after);
                ps_buf_puts(b, "\n");
            }
            for (size_t r = 0; r < st->n_reasons; r++)
                ps_buf_printf(b, "      - %s\n", st->reasons[r]);
        }
        if (ap->n_windows) {
            ps_buf_printf(b, "\n  windows of %u minutes (estimated):\n", ap->window_minutes);
            for (size_t w = 0; w < ap->n_windows; w++) {
                ps_buf_printf(b, "    %zu. steps ", w + 1);
                step_range(b, &ap->windows[w]);
                ps_buf_printf(b, ", about %lu minutes%s\n", window_minutes(&ap->windows[w]),
                              ap->windows[w].overrun ? " (longer than the window)" : "");
            }
        }
        if (ap->n_skipped) {
            ps_buf_puts(b, "\n  skipped:\n");
            for (size_t s = 0; s < ap->n_skipped; s++) {
                const ps_plan_node *n = &ap->nodes[ap->skipped[s]];

                ps_buf_printf(b, "    %s %s\n      %s: %s\n", n->kb, n->pkg->file,
                              ps_node_state_name(n->state), n->why ? n->why : "left out");
            }
        }
        ps_buf_puts(b, "\n");
    }
    text_findings(b, f);
    return 0;
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Sets key to val (stolen); 1 when either is missing (OOM). */
static int set(json_t *o, const char *key, json_t *val)
{
    if (o == NULL || val == NULL) {
        json_decref(val);
        return 1;
    }
    return json_object_set_new(o, key, val) != 0;
}

static int push(json_t *a, json_t *val)
{
    if (a == NULL || val == NULL) {
        json_decref(val);
        return 1;
    }
    return json_array_append_new(a, val) != 0;
}

static json_t *strv_json(char *const *v, size_t n)
{
    json_t *a = json_array();
    int bad = 0;

    for (size_t i = 0; a && i < n; i++)
        bad |= push(a, json_string(v[i]));
    if (bad) {
        json_decref(a);
        return NULL;
    }
    return a;
}

static json_t *step_json(const ps_arch_plan *ap, const ps_plan_step *st)
{
    json_t *o = json_object();
    int bad = 0;

    if (st->action == PS_STEP_REBOOT) {
        bad |= set(o, "action", json_string("reboot"));
    } else {
        const ps_plan_node *n = &ap->nodes[st->node];

        bad |= set(o, "action", json_string("install"));
        bad |= set(o, "kb", json_string(n->kb));
        bad |= set(o, "file", json_string(n->pkg->file));
        bad |= set(o, "phase", json_string(n->phase_name));
        bad |= set(o, "restart", jstr(n->pkg->restart));
        if (st->build_after)
            bad |= set(o, "build_after", json_string(st->build_after));
    }
    bad |= set(o, "reasons", strv_json(st->reasons, st->n_reasons));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *skip_json(const ps_arch_plan *ap, const ps_plan_node *n)
{
    json_t *s = json_object();
    int bad = 0;

    bad |= set(s, "kb", json_string(n->kb));
    bad |= set(s, "file", json_string(n->pkg->file));
    bad |= set(s, "why", json_string(ps_node_state_name(n->state)));
    if (by_kb(ap, n))
        bad |= set(s, "by", json_string(by_kb(ap, n)));
    if (n->by != PS_NO_NODE)
        bad |= set(s, "by_file", json_string(ap->nodes[n->by].pkg->file));
    else if (n->by_installed)
        bad |= set(s, "by_installed", json_true());
    bad |= set(s, "message", jstr(n->why));
    if (bad) {
        json_decref(s);
        return NULL;
    }
    return s;
}

static json_t *edge_json(const ps_arch_plan *ap, const ps_plan_edge *e)
{
    json_t *j = json_object();
    int bad = 0;

    bad |= set(j, "from", json_string(ap->nodes[e->from].kb));
    bad |= set(j, "to", json_string(ap->nodes[e->to].kb));
    bad |= set(j, "kind", json_string(ps_edge_kind_name(e->kind)));
    bad |= set(j, "barrier", json_boolean(e->barrier));
    bad |= set(j, "reason", json_string(e->reason));
    bad |= set(j, "provenance", json_string(e->provenance));
    if (bad) {
        json_decref(j);
        return NULL;
    }
    return j;
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
    bad |= set(o, "os_name", jstr(m->os_name));
    bad |= set(o, "edition", jstr(m->edition));
    bad |= set(o, "build", jstr(m->build));
    bad |= set(o, "stack", jstr(m->stack));
    bad |= set(o, "stack_source", jstr(m->stack_src));
    bad |= set(o, "sha2_active", json_boolean(m->sha2_active));
    bad |= set(o, "esu_licensing", json_boolean(m->esu_licensing));
    for (size_t i = 0; i < m->n_kbs; i++) {
        json_t *k = json_object();
        int kbad = k == NULL;

        if (!kbad) {
            kbad |= set(k, "kb", json_string(m->kbs[i].kb));
            kbad |= set(k, "role", m->kbs[i].role != PS_ROLE_UNKNOWN
                                       ? json_string(ps_role_name(m->kbs[i].role))
                                       : json_null());
            kbad |= set(k, "in_bundle", json_boolean(m->kbs[i].node != PS_NO_NODE));
            kbad |= set(k, "provides", jstr(m->kbs[i].provides));
        }
        if (kbad) {
            json_decref(k);
            k = NULL;
        }
        bad |= push(kbs, k);
    }
    bad |= set(o, "installed", kbs);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *arch_plan_json(const ps_arch_plan *ap)
{
    json_t *o = json_object(), *steps = json_array(), *skipped = json_array(), *edges = json_array();
    int bad = 0;

    bad |= set(o, "arch", json_string(ps_arch_name(ap->arch)));
    bad |= set(o, "os", json_string(ap->os));
    bad |= set(o, "start_build", jstr(ap->start_build));
    bad |= set(o, "end_build", jstr(ap->end_build));
    bad |= set(o, "reboots", json_integer(ap->reboots));
    if (ap->machine.from_inventory)
        bad |= set(o, "machine", machine_json(ap));
    for (size_t i = 0; i < ap->n_steps; i++)
        bad |= push(steps, step_json(ap, &ap->steps[i]));
    for (size_t i = 0; i < ap->n_skipped; i++)
        bad |= push(skipped, skip_json(ap, &ap->nodes[ap->skipped[i]]));
    for (size_t i = 0; i < ap->n_edges; i++)
        bad |= push(edges, edge_json(ap, &ap->edges[i]));
    bad |= set(o, "steps", steps);
    if (ap->window_minutes) { /* --window: "windows" even when empty */
        json_t *wins = json_array();

        for (size_t i = 0; i < ap->n_windows; i++) {
            const ps_plan_window *w = &ap->windows[i];
            json_t *wo = json_object(), *ws = json_array();
            int wbad = 0;

            for (size_t s = w->first; s <= w->last; s++)
                wbad |= push(ws, json_integer((json_int_t)s + 1));
            wbad |= set(wo, "index", json_integer((json_int_t)i + 1));
            wbad |= set(wo, "steps", ws);
            wbad |= set(wo, "minutes", json_integer((json_int_t)window_minutes(w)));
            wbad |= set(wo, "overrun", json_boolean(w->overrun));
            if (wbad) {
                json_decref(wo);
                wo = NULL;
            }
            bad |= push(wins, wo);
        }
        bad |= set(o, "window_minutes", json_integer(ap->window_minutes));
        bad |= set(o, "windows", wins);
    }
    bad |= set(o, "skipped", skipped);
    bad |= set(o, "edges", edges);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int render_json(ps_buf *b, const ps_plan *plan, const ps_findings *f)
{
    static const ps_findings none = {0};
    json_t *root = json_object(), *plans = json_array();
    char *text;
    size_t len = 0;
    int bad = 0;

    bad |= set(root, "schema", json_string("patchseq.plan/1"));
    for (size_t i = 0; i < plan->count; i++)
        bad |= push(plans, arch_plan_json(&plan->plans[i]));
    bad |= set(root, "plans", plans);
    bad |= set(root, "findings", ps_findings_to_json(f ? f : &none));
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

/* ------------------------------------------------------------------ */
/* Markdown                                                            */
/* ------------------------------------------------------------------ */

/* A table cell: '|' escaped, newlines as spaces. */
static void md_cell(ps_buf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            ps_buf_puts(b, "\\|");
        else if (*s == '\n' || *s == '\r')
            ps_buf_puts(b, " ");
        else
            ps_buf_append(b, s, 1);
    }
}

static void md_reasons(ps_buf *b, char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            ps_buf_puts(b, "<br>");
        md_cell(b, v[i]);
    }
}

static int render_md(ps_buf *b, const ps_plan *plan, const ps_findings *f)
{
    ps_buf_puts(b, "# Change request: Windows update installation\n\n");
    if (plan->count == 0)
        ps_buf_puts(b, "No package to plan.\n\n");
    for (size_t i = 0; i < plan->count; i++) {
        const ps_arch_plan *ap = &plan->plans[i];

        ps_buf_printf(b, "## Windows %s", ap->os);
        if (os_title(ap))
            ps_buf_printf(b, " (%s)", os_title(ap));
        ps_buf_printf(b, ", %s\n\n", ps_arch_name(ap->arch));
        ps_buf_printf(b, "- Build before: %s\n- Build after: %s\n- Installs: %zu\n- Reboots: %u\n\n",
                      ap->start_build ? ap->start_build : "unknown",
                      ap->end_build ? ap->end_build : "unknown", n_installs(ap), ap->reboots);
        if (ap->n_steps) {
            ps_buf_puts(b, "| # | Action | KB | File | Phase | Restart | Build after | Why |\n"
                           "|---|---|---|---|---|---|---|---|\n");
            for (size_t s = 0; s < ap->n_steps; s++) {
                const ps_plan_step *st = &ap->steps[s];

                if (st->action == PS_STEP_REBOOT) {
                    ps_buf_printf(b, "| %zu | **reboot** | | | | | | ", s + 1);
                } else {
                    const ps_plan_node *n = &ap->nodes[st->node];

                    ps_buf_printf(b, "| %zu | install | %s | `", s + 1, n->kb);
                    md_cell(b, n->pkg->file);
                    ps_buf_printf(b, "` | %s | %s | %s | ", n->phase_name,
                                  n->pkg->restart ? n->pkg->restart : "",
                                  st->build_after ? st->build_after : "");
                }
                md_reasons(b, st->reasons, st->n_reasons);
                ps_buf_puts(b, " |\n");
            }
            ps_buf_puts(b, "\n");
        } else {
            ps_buf_puts(b, "Nothing to install.\n\n");
        }
        if (ap->n_windows) {
            ps_buf_printf(b, "### Maintenance windows (%u minutes, estimated)\n\n"
                             "| Window | Steps | Minutes | Note |\n|---|---|---|---|\n",
                          ap->window_minutes);
            for (size_t w = 0; w < ap->n_windows; w++) {
                ps_buf_printf(b, "| %zu | ", w + 1);
                step_range(b, &ap->windows[w]);
                ps_buf_printf(b, " | %lu | %s |\n", window_minutes(&ap->windows[w]),
                              ap->windows[w].overrun ? "longer than the window" : "");
            }
            ps_buf_puts(b, "\n");
        }
        if (ap->n_skipped) {
            ps_buf_puts(b, "### Skipped\n\n| KB | File | Why | Details |\n|---|---|---|---|\n");
            for (size_t s = 0; s < ap->n_skipped; s++) {
                const ps_plan_node *n = &ap->nodes[ap->skipped[s]];

                ps_buf_printf(b, "| %s | `", n->kb);
                md_cell(b, n->pkg->file);
                ps_buf_printf(b, "` | %s | ", ps_node_state_name(n->state));
                md_cell(b, n->why);
                ps_buf_puts(b, " |\n");
            }
            ps_buf_puts(b, "\n");
        }
    }
    ps_buf_puts(b, "## Findings\n\n");
    if (f == NULL || f->count == 0)
        ps_buf_puts(b, "None.\n");
    for (size_t i = 0; f && i < f->count; i++) {
        const ps_finding *fd = &f->items[i];

        ps_buf_printf(b, "- **%s** `%s`", ps_severity_name(fd->severity),
                      ps_finding_code_name(fd->code));
        if (fd->arch != PS_ARCH_NONE)
            ps_buf_printf(b, " [%s]", ps_arch_name(fd->arch));
        if (fd->file)
            ps_buf_printf(b, " `%s`", fd->file);
        ps_buf_printf(b, ": %s\n", fd->message);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Graphviz                                                            */
/* ------------------------------------------------------------------ */

static void dot_str(ps_buf *b, const char *s)
{
    ps_buf_puts(b, "\"");
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\')
            ps_buf_printf(b, "\\%c", *s);
        else if (*s == '\n')
            ps_buf_puts(b, "\\n");
        else
            ps_buf_append(b, s, 1);
    }
    ps_buf_puts(b, "\"");
}

static int render_dot(ps_buf *b, const ps_plan *plan, const ps_findings *f)
{
    (void)f;
    ps_buf_puts(b, "digraph patchseq {\n  rankdir=LR;\n  node [shape=box, fontname=\"sans-serif\"];\n"
                   "  edge [fontname=\"sans-serif\", fontsize=10];\n");
    for (size_t i = 0; i < plan->count; i++) {
        const ps_arch_plan *ap = &plan->plans[i];
        char *label = ps_asprintf("Windows %s %s: %u reboot%s", ap->os, ps_arch_name(ap->arch),
                                  ap->reboots, ap->reboots == 1 ? "" : "s");

        if (label == NULL)
            return -1;
        ps_buf_printf(b, "  subgraph cluster_%zu {\n    label=", i);
        dot_str(b, label);
        free(label);
        ps_buf_puts(b, ";\n");
        for (size_t n = 0; n < ap->n_nodes; n++) {
            const ps_plan_node *nd = &ap->nodes[n];
            char *l;

            if (nd->state == PS_NODE_PLANNED)
                l = ps_asprintf("%zu. %s\n%s", nd->step, nd->kb, nd->phase_name);
            else
                l = ps_asprintf("%s\nskipped: %s", nd->kb, ps_node_state_name(nd->state));
            if (l == NULL)
                return -1;
            ps_buf_printf(b, "    p%zu_n%zu [label=", i, n);
            dot_str(b, l);
            free(l);
            ps_buf_puts(b, nd->state == PS_NODE_PLANNED ? "];\n" : ", style=dashed, color=gray];\n");
        }
        for (size_t e = 0; e < ap->n_edges; e++) {
            const ps_plan_edge *ed = &ap->edges[e];
            char *l = ps_asprintf("%s: %s", ps_edge_kind_name(ed->kind), ed->reason);

            if (l == NULL)
                return -1;
            ps_buf_printf(b, "    p%zu_n%zu -> p%zu_n%zu [label=", i, ed->from, i, ed->to);
            dot_str(b, l);
            free(l);
            ps_buf_puts(b, ed->barrier ? ", style=dashed];\n" : "];\n");
        }
        ps_buf_puts(b, "  }\n");
    }
    ps_buf_puts(b, "}\n");
    return 0;
}

/* ------------------------------------------------------------------ */
/* The table of renderers                                              */
/* ------------------------------------------------------------------ */

static const struct {
    const char *name;
    render_fn fn;
} renderers[] = {
    {"text", render_text},
    {"json", render_json},
    {"md", render_md},
    {"dot", render_dot},
    {"cmd", ps_plan_render_cmd},
    {"ps1", ps_plan_render_ps1},
};

int ps_plan_format_known(const char *format)
{
    for (size_t i = 0; format && i < PS_ARRAY_LEN(renderers); i++)
        if (strcmp(renderers[i].name, format) == 0)
            return 1;
    return 0;
}

char *ps_plan_render(const char *format, const ps_plan *plan, const ps_findings *findings,
                     size_t *len)
{
    ps_buf b = {0};

    for (size_t i = 0; format && i < PS_ARRAY_LEN(renderers); i++) {
        if (strcmp(renderers[i].name, format) != 0)
            continue;
        if (renderers[i].fn(&b, plan, findings) != 0 || b.data == NULL) {
            ps_buf_free(&b);
            return NULL;
        }
        return ps_buf_steal(&b, len);
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* explain                                                             */
/* ------------------------------------------------------------------ */

static void explain_node(ps_buf *b, const ps_arch_plan *ap, size_t idx)
{
    const ps_plan_node *n = &ap->nodes[idx];
    size_t in = 0, out = 0;

    ps_buf_printf(b, "%s in the Windows %s %s plan: ", n->kb, ap->os, ps_arch_name(ap->arch));
    if (n->state == PS_NODE_PLANNED)
        ps_buf_printf(b, "step %zu of %zu (phase %s, after %u reboot%s)\n", n->step, ap->n_steps,
                      n->phase_name, n->depth, n->depth == 1 ? "" : "s");
    else
        ps_buf_printf(b, "skipped (%s)\n", ps_node_state_name(n->state));
    ps_buf_printf(b, "  file: %s\n", n->pkg->file);
    machine_text(b, ap, "  ");
    ps_buf_printf(b, "  identity: %s %s\n", n->pkg->identity.name ? n->pkg->identity.name : "?",
                  n->pkg->identity.version ? n->pkg->identity.version : "?");
    ps_buf_printf(b, "  role: %s (%s)\n", ps_role_name(n->role), n->role_why ? n->role_why : "");
    ps_buf_printf(b, "  SHA-2-only: %s\n", n->sha2_only ? "yes" : "no");
    if (n->stack)
        ps_buf_printf(b, "  delivers servicing stack: %s\n", n->stack);
    if (n->kernel)
        ps_buf_printf(b, "  delivers kernel: %s\n", n->kernel);
    if (n->pkg->installer_version)
        ps_buf_printf(b, "  needs servicing stack: %s\n", n->pkg->installer_version);
    /* supersedence decision */
    switch (n->state) {
    case PS_NODE_SUPERSEDED:
        ps_buf_printf(b, "  supersedence: %s; %s\n", n->why,
                      n->by_installed ? "it is skipped"
                                      : "nothing in the plan needs it, so it is skipped");
        break;
    case PS_NODE_PLANNED:
        if (n->needed)
            ps_buf_printf(b, "  supersedence: %s; %s\n", n->why ? n->why : "superseded",
                          n->needed_why ? n->needed_why : "kept");
        else
            ps_buf_puts(b, "  supersedence: nothing in the bundle supersedes it here\n");
        break;
    case PS_NODE_DUPLICATE:
        ps_buf_printf(b, "  revision: %s\n", n->why);
        break;
    case PS_NODE_MISSING:
    case PS_NODE_CYCLE:
    case PS_NODE_UNSAFE:
    case PS_NODE_WRONG_MACHINE:
        ps_buf_printf(b, "  left out: %s\n", n->why);
        break;
    case PS_NODE_INSTALLED:
        ps_buf_puts(b, "  installed: the inventory lists it; it satisfies requirements and "
                       "supersedes, with no step\n");
        break;
    case PS_NODE_INCLUDED:
    case PS_NODE_OTHER_TRACK:
    case PS_NODE_OPTIONAL:
    case PS_NODE_EXCLUDED:
    case PS_NODE_AFTER_TARGET:
        ps_buf_printf(b, "  track: %s\n", n->why);
        break;
    }
    if (n->state != PS_NODE_PLANNED) {
        ps_buf_puts(b, "  edges: none, it is not in the plan\n");
        return;
    }
    ps_buf_puts(b, "  comes after:\n");
    for (size_t i = 0; i < ap->n_edges; i++) {
        const ps_plan_edge *e = &ap->edges[i];

        if (e->to != idx)
            continue;
        in++;
        ps_buf_printf(b, "    %s (%s%s): %s [%s]\n", ap->nodes[e->from].kb, ps_edge_kind_name(e->kind),
                      e->barrier ? ", reboot between" : "", e->reason, e->provenance);
    }
    if (in == 0)
        ps_buf_puts(b, "    nothing\n");
    ps_buf_puts(b, "  comes before:\n");
    for (size_t i = 0; i < ap->n_edges; i++) {
        const ps_plan_edge *e = &ap->edges[i];

        if (e->from != idx)
            continue;
        out++;
        ps_buf_printf(b, "    %s (%s%s): %s [%s]\n", ap->nodes[e->to].kb, ps_edge_kind_name(e->kind),
                      e->barrier ? ", reboot between" : "", e->reason, e->provenance);
    }
    if (out == 0)
        ps_buf_puts(b, "    nothing\n");
}

char *ps_plan_explain(const ps_plan *plan, const char *kb, size_t *len, size_t *found)
{
    ps_buf b = {0};

    *found = 0;
    for (size_t i = 0; i < plan->count; i++) {
        const ps_arch_plan *ap = &plan->plans[i];

        /* the planned package first, then the skipped ones */
        for (int pass = 0; pass < 2; pass++)
            for (size_t n = 0; n < ap->n_nodes; n++) {
                if (!ps_streq_ci(ap->nodes[n].kb, kb) ||
                    (ap->nodes[n].state == PS_NODE_PLANNED) != (pass == 0))
                    continue;
                if (*found)
                    ps_buf_puts(&b, "\n");
                (*found)++;
                explain_node(&b, ap, n);
            }
    }
    if (b.data == NULL && ps_buf_puts(&b, "") != 0)
        return NULL;
    return ps_buf_steal(&b, len);
}
