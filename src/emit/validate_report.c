/*
 * validate_report.c - the reports of `patchseq validate` from a view of a
 * finished validation: which findings and machines fail, the text report
 * (the findings, then one summary line) and the JSON report (schema
 * patchseq.validate/1).  Every name from a package is escaped for the
 * terminal here, as in the other text documents.
 */
#include "validate_report.h"

#include "escape.h"
#include "findings.h"
#include "json.h"

#include <jansson.h>
#include <string.h>

bool ps_validate_fails(const ps_validate_view *v, const ps_finding *it)
{
    return !it->waived &&
           (it->severity == PS_SEV_ERROR || (v->strict && it->severity == PS_SEV_WARNING));
}

bool ps_validate_about_plan(const ps_finding *it, const ps_arch_plan *ap)
{
    return it->arch == ap->arch && it->os && strcmp(it->os, ap->os) == 0;
}

const ps_findings *ps_validate_machine_findings(const ps_validate_view *v, size_t i,
                                                int which)
{
    const ps_fleet_machine *m = &v->fleet->machines[i];

    if (which == 0)
        return &m->findings;
    return m->state != PS_NO_NODE ? &v->fleet->states[m->state].findings : NULL;
}

bool ps_validate_machine_fails(const ps_validate_view *v, size_t i)
{
    for (int w = 0; w < 2; w++) {
        const ps_findings *f = ps_validate_machine_findings(v, i, w);

        for (size_t k = 0; f && k < f->count; k++)
            if (ps_validate_fails(v, &f->items[k]))
                return true;
    }
    return false;
}

bool ps_validate_passed(const ps_validate_view *v)
{
    for (size_t i = 0; i < v->f->count; i++)
        if (ps_validate_fails(v, &v->f->items[i]))
            return false;
    for (size_t i = 0; v->fleet && i < v->fleet->n_machines; i++)
        if (ps_validate_machine_fails(v, i))
            return false;
    return true;
}

static void count_severities(const ps_findings *f, size_t n[3])
{
    n[0] = n[1] = n[2] = 0;
    for (size_t i = 0; i < f->count; i++)
        n[f->items[i].severity <= PS_SEV_ERROR ? f->items[i].severity : PS_SEV_ERROR]++;
}

static size_t waived_count(const ps_findings *f)
{
    size_t n = 0;

    for (size_t i = 0; i < f->count; i++)
        n += f->items[i].waived != 0;
    return n;
}

static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

char *ps_validate_render_text(const ps_validate_view *v, int ok, size_t *len)
{
    ps_buf b = {0};
    size_t n[3];

    count_severities(v->f, n);
    ps_findings_render_text_color(&b, v->f, v->color);
    for (size_t i = 0; v->fleet && i < v->fleet->n_machines; i++) {
        const ps_fleet_machine *m = &v->fleet->machines[i];

        for (int w = 0; w < 2; w++) {
            const ps_findings *f = ps_validate_machine_findings(v, i, w);

            if (f == NULL || f->count == 0)
                continue;
            ps_esc_printf(&b, ps_esc_text, "machine %s (%s):\n", m->name, m->inventory);
            ps_findings_render_text_color(&b, f, v->color);
        }
    }
    if (v->quiet)
        return ps_buf_steal(&b, len);
    ps_buf_printf(&b, "validate%s: %s: %zu package%s, %zu plan%s", v->strict ? " --strict" : "",
                  ok ? "passed" : "FAILED", v->bundle->count, plural(v->bundle->count),
                  v->plan->count, plural(v->plan->count));
    if (v->lockpath)
        ps_esc_printf(&b, ps_esc_text, ", checked against %s", v->lockpath);
    ps_buf_printf(&b, "; %zu error%s, %zu warning%s, %zu info", n[PS_SEV_ERROR],
                  plural(n[PS_SEV_ERROR]), n[PS_SEV_WARNING], plural(n[PS_SEV_WARNING]),
                  n[PS_SEV_INFO]);
    if (waived_count(v->f))
        ps_buf_printf(&b, "; %zu waived", waived_count(v->f));
    if (v->fleet) {
        size_t failing = 0;

        for (size_t i = 0; i < v->fleet->n_machines; i++)
            failing += ps_validate_machine_fails(v, i);
        ps_buf_printf(&b, "; %zu machine%s, %zu failing", v->fleet->n_machines,
                      plural(v->fleet->n_machines), failing);
    }
    if (ps_buf_puts(&b, "\n") != 0) {
        ps_buf_free(&b);
        return NULL;
    }
    return ps_buf_steal(&b, len);
}

static json_t *packages_json(const ps_validate_view *v)
{
    json_t *a = json_array();

    for (size_t i = 0; a && i < v->bundle->count; i++) {
        const ps_package *p = &v->bundle->items[i];
        bool ok = true;
        json_t *o;

        for (size_t k = 0; k < v->f->count; k++)
            if (v->f->items[k].file && strcmp(v->f->items[k].file, p->file) == 0 &&
                ps_validate_fails(v, &v->f->items[k]))
                ok = false;
        o = json_pack("{s:s, s:o, s:o, s:o, s:I, s:o, s:o, s:b}", "file", p->file, "kb",
                      p->kb ? json_string(p->kb) : json_null(), "arch",
                      p->arch != PS_ARCH_NONE ? json_string(ps_arch_name(p->arch)) : json_null(),
                      "os", p->os ? json_string(p->os) : json_null(), "size", (json_int_t)p->size,
                      "sha256", p->hashed ? json_string(p->sha256) : json_null(), "sha1",
                      p->hashed ? json_string(p->sha1) : json_null(), "ok", ok);
        if (o == NULL || json_array_append_new(a, o) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *plans_json(const ps_validate_view *v)
{
    json_t *a = json_array();

    for (size_t i = 0; a && i < v->plan->count; i++) {
        const ps_arch_plan *ap = &v->plan->plans[i];
        size_t installs = 0;
        bool ok = true;
        json_t *o;

        for (size_t k = 0; k < ap->n_steps; k++)
            installs += ap->steps[k].action == PS_STEP_INSTALL;
        for (size_t k = 0; k < v->f->count; k++)
            if (ps_validate_about_plan(&v->f->items[k], ap) &&
                ps_validate_fails(v, &v->f->items[k]))
                ok = false;
        o = json_pack("{s:s, s:s, s:o, s:o, s:I, s:I, s:I, s:b}", "os", ap->os, "arch",
                      ps_arch_name(ap->arch), "start_build",
                      ap->start_build ? json_string(ap->start_build) : json_null(), "end_build",
                      ap->end_build ? json_string(ap->end_build) : json_null(), "installs",
                      (json_int_t)installs, "reboots", (json_int_t)ap->reboots, "skipped",
                      (json_int_t)ap->n_skipped, "ok", ok);
        if (o == NULL || json_array_append_new(a, o) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

char *ps_validate_render_json(const ps_validate_view *v, int ok, size_t *len)
{
    json_t *root = json_object(), *x;
    size_t n[3];
    int bad = 0;

    if (root == NULL)
        return NULL;
    count_severities(v->f, n);
    bad |= json_object_set_new(root, "schema", json_string("patchseq.validate/1"));
    bad |= json_object_set_new(root, "ok", json_boolean(ok));
    bad |= json_object_set_new(root, "strict", json_boolean(v->strict));
    x = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "packages", (json_int_t)v->bundle->count,
                  "plans", (json_int_t)v->plan->count, "errors", (json_int_t)n[PS_SEV_ERROR],
                  "warnings", (json_int_t)n[PS_SEV_WARNING], "info", (json_int_t)n[PS_SEV_INFO],
                  "waived", (json_int_t)waived_count(v->f));
    bad |= x ? json_object_set_new(root, "summary", x) : -1;
    x = packages_json(v);
    bad |= x ? json_object_set_new(root, "packages", x) : -1;
    x = plans_json(v);
    bad |= x ? json_object_set_new(root, "plans", x) : -1;
    if (v->lockpath) {
        x = json_pack("{s:s, s:s, s:s}", "file", v->lockpath, "plan_digest", v->plan_digest,
                      "locked_plan_digest", v->locked_plan_digest);
        bad |= x ? json_object_set_new(root, "lock", x) : -1;
    }
    if (v->fleet) {
        json_t *ms = json_array();

        for (size_t i = 0; ms && i < v->fleet->n_machines; i++) {
            const ps_fleet_machine *m = &v->fleet->machines[i];
            json_t *fs = ps_findings_to_json(&m->findings), *o;

            if (fs && ps_validate_machine_findings(v, i, 1)) {
                json_t *more = ps_findings_to_json(ps_validate_machine_findings(v, i, 1));

                bad |= more == NULL || json_array_extend(fs, more) != 0;
                json_decref(more);
            }
            o = json_pack("{s:s, s:s, s:s, s:o, s:b, s:o}", "name", m->name, "inventory",
                          m->inventory, "status", ps_fleet_status_name(m->status), "why",
                          m->why ? json_string(m->why) : json_null(), "ok",
                          !ps_validate_machine_fails(v, i), "findings", fs ? fs : json_array());
            bad |= o == NULL || json_array_append_new(ms, o) != 0;
        }
        bad |= ms ? json_object_set_new(root, "machines", ms) : -1;
    }
    x = ps_findings_to_json(v->f);
    bad |= x ? json_object_set_new(root, "findings", x) : -1;
    if (bad) {
        json_decref(root);
        return NULL;
    }
    return ps_json_dump(root, len);
}
