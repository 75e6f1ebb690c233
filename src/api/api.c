/*
 * api.c - the public planning API (include/patchseq/api.h): the handles
 * over the knowledge base, the bundle and the plan, doing in the library
 * what `patchseq plan` and `patchseq explain` do, with errors as data.
 */
#include "api_int.h"

#include "inventory.h"
#include "plan.h"
#include "render.h"
#include "script.h"

#include <stdlib.h>
#include <string.h>

struct ps_install_plan {
    ps_plan plan;
    ps_findings f;
    ps_inventory inv;
    int have_inv;
    ps_time_model model;
    char **exclude;    /* normalised KBs */
    size_t n_exclude;
    char *os, *until;
    char *inventory;   /* the inventory's path, named by the documents */
    const ps_packages *p; /* borrowed: the plan borrows its packages */
};

static ps_error_code oom(ps_error *err)
{
    return ps_error_set(err, PS_E_OOM, "out of memory");
}

ps_error_code ps_knowledge_open(const char *dir, ps_knowledge **out, ps_error *err)
{
    ps_knowledge *k;
    char msg[1024] = "";

    *out = NULL;
    ps_error_set(err, PS_E_NONE, "%s", "");
    if ((k = ps_calloc(1, sizeof *k)) == NULL)
        return oom(err);
    if (ps_kb_load(&k->kb, dir ? dir : ps_kb_default_dir(), &k->f, msg, sizeof msg) < 0) {
        ps_knowledge_free(k);
        return ps_error_set(err, PS_E_FORMAT, "%s", msg[0] ? msg : "no knowledge base");
    }
    *out = k;
    return PS_E_NONE;
}

const ps_findings *ps_knowledge_findings(const ps_knowledge *k)
{
    return &k->f;
}

void ps_knowledge_free(ps_knowledge *k)
{
    if (k == NULL)
        return;
    ps_kb_free(&k->kb);
    ps_findings_free(&k->f);
    free(k);
}

ps_error_code ps_packages_open(const char *const *paths, size_t npaths,
                               const ps_open_opts *opts, ps_packages **out, ps_error *err)
{
    ps_packages *p;
    ps_read_opts ro;
    char msg[1024] = "";

    *out = NULL;
    ps_error_set(err, PS_E_NONE, "%s", "");
    if (npaths == 0)
        return ps_error_set(err, PS_E_USAGE, "no path given");
    if ((p = ps_calloc(1, sizeof *p)) == NULL)
        return oom(err);
    for (size_t i = 0; i < npaths; i++)
        if (ps_strv_push(&p->roots, &p->n_roots, paths[i]) < 0) {
            ps_packages_free(p);
            return oom(err);
        }
    ps_read_opts_default(&ro);
    if (opts) {
        ro.hash = opts->hash;
        ro.cache_dir = opts->cache_dir;
        ro.no_cache = opts->no_cache;
    }
    if (ps_bundle_read(&p->b, paths, npaths, &ro, &p->f, msg, sizeof msg) != 0) {
        ps_packages_free(p);
        return ps_error_set(err, PS_E_IO, "%s", msg[0] ? msg : "cannot read the bundle");
    }
    *out = p;
    return PS_E_NONE;
}

size_t ps_packages_count(const ps_packages *p)
{
    return p->b.count;
}

const ps_package *ps_packages_get(const ps_packages *p, size_t i)
{
    return i < p->b.count ? &p->b.items[i] : NULL;
}

const ps_findings *ps_packages_findings(const ps_packages *p)
{
    return &p->f;
}

void ps_packages_free(ps_packages *p)
{
    if (p == NULL)
        return;
    ps_bundle_free(&p->b);
    ps_findings_free(&p->f);
    ps_strv_free(&p->roots, &p->n_roots);
    free(p);
}

void ps_plan_options_init(ps_plan_options *o)
{
    memset(o, 0, sizeof *o);
    o->track = PS_RELEASE_TRACK_ROLLUP;
}

/* The inventory of opts->inventory, and the one architecture it names. */
static ps_error_code load_inventory(ps_install_plan *pl, const ps_plan_options *o,
                                    ps_plan_opts *po, ps_error *err)
{
    char msg[1024] = "";

    if (o->inventory == NULL)
        return PS_E_NONE;
    if ((pl->inventory = ps_strdup(o->inventory)) == NULL)
        return oom(err);
    if (ps_inventory_load(o->inventory, &pl->inv, msg, sizeof msg) != 0)
        return ps_error_set(err, PS_E_FORMAT, "%s", msg);
    pl->have_inv = 1;
    po->inventory = &pl->inv;
    if (pl->inv.arch != PS_ARCH_NONE) {
        if (o->arch_mask && !(o->arch_mask & PS_ARCH_BIT(pl->inv.arch)))
            return ps_error_set(err, PS_E_USAGE,
                                "%s: the machine is %s (System Type), which contradicts the "
                                "architectures asked", o->inventory, ps_arch_name(pl->inv.arch));
        po->arch_mask = PS_ARCH_BIT(pl->inv.arch);
    }
    return PS_E_NONE;
}

/* The options of the planner, from the caller's (strings copied). */
static ps_error_code plan_opts(ps_install_plan *pl, const ps_plan_options *o, ps_plan_opts *po,
                               ps_error *err)
{
    ps_plan_opts_default(po);
    po->arch_mask = o->arch_mask;
    po->keep_superseded = o->keep_superseded;
    po->include_previews = o->include_previews;
    po->window_minutes = o->window_minutes;
    po->track = o->track == PS_RELEASE_TRACK_SECURITY_ONLY ? PS_PLAN_TRACK_SECURITY_ONLY
                                                            : PS_PLAN_TRACK_ROLLUP;
    ps_time_model_default(&pl->model);
    po->time_model = &pl->model;
    if ((o->os && (pl->os = ps_strdup(o->os)) == NULL) ||
        (o->until && (pl->until = ps_strdup(o->until)) == NULL))
        return oom(err);
    po->os = pl->os;
    po->until = pl->until;
    for (size_t i = 0; i < o->n_exclude; i++) {
        char *kb = ps_kb_normalize(o->exclude[i]);

        if (kb == NULL)
            return ps_error_set(err, PS_E_USAGE, "exclude: '%s' is not a KB number",
                                o->exclude[i]);
        if (ps_strv_push(&pl->exclude, &pl->n_exclude, kb) < 0) {
            free(kb);
            return oom(err);
        }
        free(kb);
    }
    po->exclude = pl->exclude;
    po->n_exclude = pl->n_exclude;
    return load_inventory(pl, o, po, err);
}

ps_error_code ps_install_plan_make(const ps_packages *p, const ps_knowledge *k,
                                   const ps_plan_options *opts, ps_install_plan **out,
                                   ps_error *err)
{
    ps_plan_options defaults;
    ps_install_plan *pl;
    ps_plan_opts po;
    ps_error_code rc;

    *out = NULL;
    ps_error_set(err, PS_E_NONE, "%s", "");
    if (opts == NULL) {
        ps_plan_options_init(&defaults);
        opts = &defaults;
    }
    if ((pl = ps_calloc(1, sizeof *pl)) == NULL)
        return oom(err);
    pl->p = p;
    if ((rc = plan_opts(pl, opts, &po, err)) != PS_E_NONE)
        goto fail;
    /* what `patchseq plan` reports: the knowledge base's, the bundle's, the plan's */
    if (ps_findings_append(&pl->f, &k->f) < 0 || ps_findings_append(&pl->f, &p->f) < 0 ||
        ps_plan_build(&pl->plan, &p->b, &k->kb, &po, &pl->f) != 0) {
        rc = oom(err);
        goto fail;
    }
    ps_findings_keep_arch(&pl->f, po.arch_mask);
    ps_findings_sort(&pl->f);
    *out = pl;
    return PS_E_NONE;
fail:
    ps_install_plan_free(pl);
    return rc;
}

const ps_findings *ps_install_plan_findings(const ps_install_plan *pl)
{
    return &pl->f;
}

size_t ps_install_plan_targets(const ps_install_plan *pl)
{
    return pl->plan.count;
}

int ps_install_plan_target(const ps_install_plan *pl, size_t t, const char **os, ps_arch *arch)
{
    if (t >= pl->plan.count)
        return -1;
    if (os)
        *os = pl->plan.plans[t].os;
    if (arch)
        *arch = pl->plan.plans[t].arch;
    return 0;
}

size_t ps_install_plan_steps(const ps_install_plan *pl, size_t t)
{
    return t < pl->plan.count ? pl->plan.plans[t].n_steps : 0;
}

int ps_install_plan_step(const ps_install_plan *pl, size_t t, size_t i, ps_step_info *out)
{
    const ps_arch_plan *ap;
    const ps_plan_step *st;

    memset(out, 0, sizeof *out);
    if (t >= pl->plan.count || i >= pl->plan.plans[t].n_steps)
        return -1;
    ap = &pl->plan.plans[t];
    st = &ap->steps[i];
    out->reboot = st->action == PS_STEP_REBOOT;
    if (st->n_reasons)
        out->reason = st->reasons[0];
    if (!out->reboot && st->node < ap->n_nodes) {
        const ps_plan_node *n = &ap->nodes[st->node];

        out->package = n->pkg;
        out->kb = n->kb;
        out->file = n->pkg ? n->pkg->file : NULL;
    }
    return 0;
}

ps_error_code ps_install_plan_render(const ps_install_plan *pl, const char *format, char **doc,
                                     size_t *len, ps_error *err)
{
    size_t n = 0;

    *doc = NULL;
    ps_error_set(err, PS_E_NONE, "%s", "");
    if (format && ps_plan_format_is_script(format)) {
        ps_script_opts so = {(const char *const *)pl->p->roots, pl->p->n_roots};
        ps_buf b = {0};
        char msg[512];

        if (ps_plan_script_check_opts(&pl->plan, &so, msg, sizeof msg) != 0)
            return ps_error_set(err, PS_E_USAGE, "%s", msg);
        if (ps_plan_render_script(&b, format, &pl->plan, &pl->f, &so) != 0 || b.data == NULL) {
            ps_buf_free(&b);
            return oom(err);
        }
        *doc = ps_buf_steal(&b, &n);
    } else {
        ps_render_opts ro;

        if (!ps_plan_format_known(format))
            return ps_error_set(err, PS_E_USAGE, "unknown format '%s'", format ? format : "");
        memset(&ro, 0, sizeof ro);
        ro.time_model = &pl->model;
        ro.inventory = pl->inventory;
        if ((*doc = ps_plan_render_with(format, &pl->plan, &pl->f, &ro, &n)) == NULL)
            return oom(err);
    }
    if (len)
        *len = n;
    return PS_E_NONE;
}

ps_error_code ps_install_plan_explain(const ps_install_plan *pl, const char *kb, char **doc,
                                      size_t *len, size_t *found, ps_error *err)
{
    char *k = ps_kb_normalize(kb);
    size_t n = 0, nfound = 0;

    *doc = NULL;
    ps_error_set(err, PS_E_NONE, "%s", "");
    if (k == NULL)
        return ps_error_set(err, PS_E_USAGE, "'%s' is not a KB number", kb ? kb : "");
    *doc = ps_plan_explain(&pl->plan, k, &n, &nfound);
    free(k);
    if (*doc == NULL)
        return oom(err);
    if (len)
        *len = n;
    if (found)
        *found = nfound;
    return PS_E_NONE;
}

void ps_install_plan_free(ps_install_plan *pl)
{
    if (pl == NULL)
        return;
    ps_plan_free(&pl->plan);
    ps_findings_free(&pl->f);
    if (pl->have_inv)
        ps_inventory_free(&pl->inv);
    ps_strv_free(&pl->exclude, &pl->n_exclude);
    free(pl->os);
    free(pl->until);
    free(pl->inventory);
    free(pl);
}
