/*
 * validation.c - the public validation API (include/patchseq/api.h):
 * `patchseq validate` in the library, over check/ (the checks, the
 * waivers) and emit/ (the reports, the JUnit testcases), errors as data.
 */
#include "api_int.h"

#include "alloc.h"
#include "inventory.h"
#include "junit.h"
#include "plan.h"
#include "validate.h"
#include "validate_report.h"
#include "waivers.h"

#include <stdlib.h>
#include <string.h>

struct ps_validation {
    ps_plan plan;
    ps_findings f;
    ps_inventory inv;
    int have_inv;
    ps_waivers w;
    ps_junit j;              /* the checks, as the JUnit report has them */
    int strict;
    int passed;
    const ps_packages *p;    /* borrowed */
};

void ps_validate_options_init(ps_validate_options *o)
{
    memset(o, 0, sizeof *o);
}

static ps_validate_view view_of(const ps_validation *v)
{
    return (ps_validate_view){&v->p->b, &v->plan, &v->f, NULL, NULL, NULL, NULL, v->strict, 0, 0};
}

/* The planner's options: the architectures asked, or the inventory's. */
static ps_error_code setup(ps_validation *v, const ps_validate_options *o, ps_plan_opts *po,
                           ps_error *err)
{
    char msg[1024] = "";

    ps_plan_opts_default(po);
    po->arch_mask = o->arch_mask;
    for (size_t i = 0; i < o->n_waive; i++)
        if (ps_waivers_add_spec(&v->w, o->waive[i], msg, sizeof msg) != 0)
            return ps_error_set(err, PS_E_USAGE, "waive %s: %s", o->waive[i], msg);
    if (o->inventory == NULL)
        return PS_E_NONE;
    if (ps_inventory_load(o->inventory, &v->inv, msg, sizeof msg) != 0)
        return ps_error_set(err, PS_E_FORMAT, "%s", msg);
    v->have_inv = 1;
    po->inventory = &v->inv;
    if (v->inv.arch != PS_ARCH_NONE)
        po->arch_mask = PS_ARCH_BIT(v->inv.arch);
    return PS_E_NONE;
}

ps_error_code ps_validation_run(const ps_packages *p, const ps_knowledge *k,
                                const ps_validate_options *opts, ps_validation **out,
                                ps_error *err)
{
    ps_validate_options defaults;
    ps_validate_view view;
    ps_validation *v;
    ps_plan_opts po;
    ps_error_code rc;

    *out = NULL;
    ps_error_set(err, PS_E_NONE, "%s", "");
    if (opts == NULL) {
        ps_validate_options_init(&defaults);
        opts = &defaults;
    }
    if ((v = ps_calloc(1, sizeof *v)) == NULL)
        return ps_error_set(err, PS_E_OOM, "out of memory");
    v->p = p;
    v->strict = opts->strict != 0;
    if ((rc = setup(v, opts, &po, err)) != PS_E_NONE)
        goto fail;
    /* what `patchseq validate` reports: the knowledge base's, the
     * bundle's, the plan's, then the checks of every byte */
    view = view_of(v);
    if (ps_findings_append(&v->f, &k->f) < 0 || ps_findings_append(&v->f, &p->f) < 0 ||
        ps_plan_build(&v->plan, &p->b, &k->kb, &po, &v->f) != 0 ||
        ps_validate_checks(&p->b, &k->kb, po.arch_mask, &v->f) != 0 ||
        ps_validate_waive(&v->w, &v->f) != 0)
        goto oom;
    ps_findings_sort(&v->f);
    v->passed = ps_validate_passed(&view);
    if (ps_junit_from_validate(&v->j, &view) != 0)
        goto oom;
    *out = v;
    return PS_E_NONE;
oom:
    rc = ps_error_set(err, PS_E_OOM, "out of memory");
fail:
    ps_validation_free(v);
    return rc;
}

int ps_validation_passed(const ps_validation *v)
{
    return v->passed;
}

const ps_findings *ps_validation_findings(const ps_validation *v)
{
    return &v->f;
}

size_t ps_validation_checks(const ps_validation *v)
{
    return v->j.count;
}

int ps_validation_check(const ps_validation *v, size_t i, ps_validation_check_info *out)
{
    const ps_junit_case *c;
    const char *dot;

    memset(out, 0, sizeof *out);
    if (i >= v->j.count)
        return -1;
    c = &v->j.cases[i];
    dot = strchr(c->classname, '.');
    out->kind = dot ? dot + 1 : c->classname;
    out->name = c->name;
    out->file = c->file;
    out->failures = c->n_failures;
    out->notes = c->n_notes;
    out->first_code = c->first_type;
    out->first_message = c->first_message;
    return 0;
}

ps_error_code ps_validation_render(const ps_validation *v, const char *format, char **doc,
                                   size_t *len, ps_error *err)
{
    ps_validate_view view = view_of(v);
    size_t n = 0;

    *doc = NULL;
    ps_error_set(err, PS_E_NONE, "%s", "");
    if (format && strcmp(format, "junit") == 0) {
        ps_buf b = {0};
        char msg[512] = "";

        if (ps_junit_render(&v->j, "patchseq validate", &b, msg, sizeof msg) != 0) {
            ps_buf_free(&b);
            return ps_error_set(err, PS_E_OOM, "%s", msg[0] ? msg : "out of memory");
        }
        *doc = ps_buf_steal(&b, &n);
    } else if (format && strcmp(format, "json") == 0) {
        *doc = ps_validate_render_json(&view, v->passed, &n);
    } else if (format && strcmp(format, "text") == 0) {
        *doc = ps_validate_render_text(&view, v->passed, &n);
    } else {
        return ps_error_set(err, PS_E_USAGE, "unknown format '%s' (text, json, junit)",
                            format ? format : "");
    }
    if (*doc == NULL)
        return ps_error_set(err, PS_E_OOM, "out of memory");
    if (len)
        *len = n;
    return PS_E_NONE;
}

void ps_validation_free(ps_validation *v)
{
    if (v == NULL)
        return;
    ps_junit_free(&v->j);
    ps_waivers_free(&v->w);
    ps_plan_free(&v->plan);
    ps_findings_free(&v->f);
    if (v->have_inv)
        ps_inventory_free(&v->inv);
    free(v);
}
