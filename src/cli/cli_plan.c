/*
 * cli_plan.c - `patchseq plan` and `patchseq explain`: options, knowledge,
 * bundle, then the planner and a renderer.
 */
#include "cli_plan_int.h"

#include "alloc.h"
#include "ansible.h"
#include "escape.h"
#include "fleet.h"
#include "inventory.h"
#include "kb.h"
#include "plan.h"
#include "render.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void ctx_free(plan_ctx *c)
{
    ps_strv_free(&c->exclude, &c->n_exclude);
    ps_cli_shared_free(&c->sh);
    ps_fleet_free(&c->fleet);
    free(c->until);
    ps_plan_free(&c->plan);
    ps_inventory_free(&c->inv);
    ps_kb_free(&c->kb);
    ps_bundle_free(&c->bundle);
    ps_findings_free(&c->f);
}

/* Copies the findings of the knowledge base into the command's findings. */
/* --arch limits the findings too: drops those about other architectures. */
static void filter_findings(ps_findings *f, unsigned mask)
{
    size_t j = 0;

    if (mask == 0)
        return;
    for (size_t i = 0; i < f->count; i++) {
        ps_finding *it = &f->items[i];

        if (it->arch == PS_ARCH_NONE || (mask & PS_ARCH_BIT(it->arch))) {
            f->items[j++] = *it;
            continue;
        }
        free(it->os);
        free(it->kb);
        free(it->file);
        free(it->member);
        free(it->message);
    }
    f->count = j;
}

/* Reads --time-model FILE over the defaults.  0, or 2 after a message. */
static int load_time_model(ps_cli *cli, plan_ctx *c)
{
    char msg[8192];

    ps_time_model_default(&c->model);
    c->opts.time_model = &c->model;
    if (c->time_model == NULL)
        return 0;
    if (c->opts.window_minutes == 0) {
        fprintf(cli->err, "patchseq plan: --time-model needs --window\n");
        return 2;
    }
    if (ps_time_model_load(&c->model, c->time_model, msg, sizeof msg) != 0) {
        fprintf(cli->err, "patchseq plan: %s\n", msg);
        return 2;
    }
    return 0;
}

/* Knowledge, bundle, plan.  Returns 0, or the exit code (2). */
int ps_cli_plan_build(ps_cli *cli, plan_ctx *c, char **paths, int npaths)
{
    ps_read_opts ropts;
    int r;

    if ((r = ps_cli_load_kb(cli, c->cmd, c->sh.rules, &c->kb, &c->f)) != 0)
        return r;
    if ((r = ps_cli_load_installed(cli, c->cmd, &c->sh, c->is_fleet, c->arch_given, &c->fleet,
                                   &c->inv, &c->opts)) != 0)
        return r;
    if ((r = load_time_model(cli, c)) != 0)
        return r;
    ps_read_opts_default(&ropts);
    ropts.cache_dir = c->cache_dir;
    ropts.no_cache = c->no_cache;
    /* a script checks each file against its SHA-256, a ticket lists it:
     * read them whole */
    ropts.hash = ps_format_has(c->format, PS_FMT_HASHES);
    if ((r = ps_cli_read_bundle(cli, &c->bundle, paths, npaths, &ropts, &c->f)) != 0)
        return r;
    if (c->is_fleet) {
        /* every machine against the bundle read once */
        if (ps_fleet_plan(&c->fleet, &c->bundle, &c->kb, &c->opts, &c->f) != 0)
            goto oom;
        filter_findings(&c->f, c->opts.arch_mask);
        ps_findings_sort(&c->f);
        return 0;
    }
    if (ps_plan_build(&c->plan, &c->bundle, &c->kb, &c->opts, &c->f) != 0)
        goto oom;
    filter_findings(&c->f, c->opts.arch_mask);
    ps_findings_sort(&c->f);
    return 0;
oom:
    fprintf(cli->err, "patchseq %s: out of memory\n", c->cmd);
    return 2;
}

/* An output that is an input, refused before anything is read. */
static int check_paths(ps_cli *cli, plan_ctx *c, char **paths, int npaths)
{
    const ps_cli_io outs[] = {{"-o", c->sh.outpath}};
    ps_cli_io *ins = ps_calloc(c->sh.n_installed + 2, sizeof *ins);
    size_t n = 0;
    int rc;

    if (ins == NULL) {
        fprintf(cli->err, "patchseq %s: out of memory\n", c->cmd);
        return 2;
    }
    c->is_fleet = ps_cli_shared_inputs(&c->sh, ins, &n);
    ins[n++] = (ps_cli_io){"--rules", c->sh.rules};
    ins[n++] = (ps_cli_io){"--time-model", c->time_model};
    rc = ps_cli_check_run(cli, c->cmd, outs, PS_ARRAY_LEN(outs), ins, n, paths, npaths);
    free(ins);
    return rc;
}

/*
 * A fleet as a script: only when every machine has the one plan (its
 * findings join the command's, as for one machine).  Returns 0 with *plan
 * set, or 2 after a message.
 */
static int fleet_script_plan(ps_cli *cli, plan_ctx *c, const ps_plan **plan)
{
    const ps_fleet *fl = &c->fleet;
    const ps_fleet_group *g = fl->n_groups ? &fl->groups[0] : NULL;

    if (fl->n_groups != 1 || g->state == PS_NO_NODE) {
        fprintf(cli->err, "patchseq plan: --format %s: the %zu machines have %zu different "
                "plans (see --format text): a script installs one plan; give the inventories of "
                "one group (--installed FILE...), or use an orchestration format (--format "
                "ansible) for a fleet\n", c->format, fl->n_machines, fl->n_groups);
        return 2;
    }
    for (size_t i = 0; i < fl->states[g->state].findings.count; i++) {
        const ps_finding *it = &fl->states[g->state].findings.items[i];
        ps_where w = {it->file, it->member, it->line, it->arch, it->os, it->kb};

        if (ps_findings_add(&c->f, it->code, &w, "%s", it->message) != 0) {
            fprintf(cli->err, "patchseq plan: out of memory\n");
            return 2;
        }
    }
    ps_findings_sort(&c->f);
    *plan = &fl->states[g->state].plan;
    return 0;
}

int ps_cmd_plan(ps_cli *cli, int argc, char **argv)
{
    plan_ctx c;
    ps_render_opts ro;
    ps_render_group *groups = NULL;
    ps_render_machine *machines = NULL;
    const ps_plan *plan;
    char *doc = NULL, *svg = NULL, note[256] = "";
    size_t len = 0;
    int rc;

    memset(&c, 0, sizeof c);
    memset(&ro, 0, sizeof ro);
    c.cmd = "plan";
    c.format = "text";
    ps_plan_opts_default(&c.opts);
    if ((rc = ps_plan_parse_options(cli, &c, argc, argv, ps_plan_usage)) >= 0)
        goto out;
    if (c.first_arg >= argc) {
        fprintf(cli->err, "patchseq plan: no PATH given\n%s", ps_plan_usage);
        rc = 2;
        goto out;
    }
    if (c.host && !ps_format_has(c.format, PS_FMT_FOLDER)) {
        fprintf(cli->err, "patchseq plan: --host is for --format ansible\n");
        rc = 2;
        goto out;
    }
    if (ps_format_has(c.format, PS_FMT_FOLDER)) {
        rc = ps_plan_ansible(cli, &c, argv + c.first_arg, argc - c.first_arg);
        goto out;
    }
    if ((rc = check_paths(cli, &c, argv + c.first_arg, argc - c.first_arg)) != 0)
        goto out;
    if (ps_plan_format_is_script(c.format) &&
        (rc = ps_cli_refuse_archives(cli, c.format, argv + c.first_arg, argc - c.first_arg)) != 0)
        goto out;
    if ((rc = ps_cli_plan_build(cli, &c, argv + c.first_arg, argc - c.first_arg)) != 0)
        goto out;
    plan = &c.plan;
    if (c.is_fleet && ps_format_has(c.format, PS_FMT_ONE_PLAN) &&
        (rc = fleet_script_plan(cli, &c, &plan)) != 0)
        goto out;
    if (c.is_fleet && !ps_format_has(c.format, PS_FMT_ONE_PLAN)) {
        if (ps_fleet_render_groups(&c.fleet, &groups) != 0 ||
            ps_fleet_render_machines(&c.fleet, &machines) != 0) {
            fprintf(cli->err, "patchseq plan: out of memory\n");
            rc = 2;
            goto out;
        }
        ro.groups = groups;
        ro.n_groups = c.fleet.n_groups;
        ro.machines = machines;
        ro.n_machines = c.fleet.n_machines;
    }
    if (ps_plan_format_is_script(c.format)) {
        ps_script_opts so = {(const char *const *)(argv + c.first_arg),
                             (size_t)(argc - c.first_arg)};
        char msg[1024];
        size_t errors = 0;
        ps_buf sb = {0};

        for (size_t i = 0; i < c.f.count; i++)
            errors += c.f.items[i].severity == PS_SEV_ERROR;
        if (ps_plan_script_check_opts(plan, &so, msg, sizeof msg) != 0) {
            ps_buf m = {0};

            /* the reason may name a file: shown escaped, on one line */
            ps_esc_printf(&m, ps_esc_text, "%s", msg);
            fprintf(cli->err, "patchseq plan: --format %s: %s\n", c.format, m.data ? m.data : "");
            ps_buf_free(&m);
            rc = 2;
            goto out;
        }
        if (errors && !c.allow_partial) {
            ps_findings_render_text(&sb, &c.f);
            if (sb.data)
                fputs(sb.data, cli->err);
            ps_buf_free(&sb);
            fprintf(cli->err, "patchseq plan: --format %s: the plan has %zu error finding%s "
                    "(above), so a script would leave packages out: no script is written "
                    "(--allow-partial writes it, naming what is left out)\n", c.format, errors,
                    errors == 1 ? "" : "s");
            rc = 2;
            goto out;
        }
        if (ps_plan_render_script(&sb, c.format, plan, &c.f, &so) != 0 || sb.data == NULL) {
            ps_buf_free(&sb);
            fprintf(cli->err, "patchseq plan: --format %s: no script is written: a value "
                    "cannot go into it safely, or out of memory\n", c.format);
            rc = 2;
            goto out;
        }
        doc = ps_buf_steal(&sb, &len);
    } else {
        ro.verbose = cli->verbose;
        ro.time_model = c.opts.time_model;
        ro.inventory = c.is_fleet ? NULL : c.sh.installed;
        if (ps_format_has(c.format, PS_FMT_GRAPH_SVG))
            ro.graph_svg = svg = ps_plan_graph_svg(plan, &ro, note, sizeof note);
        ro.graph_note = note;
        doc = ps_plan_render_with(c.format, plan, &c.f, &ro, &len);
    }
    if (doc == NULL) {
        fprintf(cli->err, "patchseq plan: out of memory\n");
        rc = 2;
        goto out;
    }
    /* dot has no room for findings; a script only names them in a comment */
    if (!ps_format_has(c.format, PS_FMT_FINDINGS_INLINE)) {
        ps_buf b = {0};

        ps_findings_render_text(&b, &c.f);
        if (b.data)
            fputs(b.data, cli->err);
        ps_buf_free(&b);
    }
    rc = ps_cli_emit(cli, c.sh.outpath, doc, len);
    if (rc == 0)
        rc = ps_cli_exit_code(&c.f, 0);
    if (rc == 0 && c.is_fleet && ps_fleet_errors(&c.fleet))
        rc = 1; /* a machine's plan has an error */
out:
    free(groups);
    free(machines);
    free(svg);
    free(doc);
    ctx_free(&c);
    return rc;
}

int ps_cmd_explain(ps_cli *cli, int argc, char **argv)
{
    plan_ctx c;
    char *doc = NULL, *kb = NULL;
    ps_buf b = {0};
    size_t len = 0, found = 0;
    int rc;

    memset(&c, 0, sizeof c);
    c.cmd = "explain";
    ps_plan_opts_default(&c.opts);
    if ((rc = ps_plan_parse_options(cli, &c, argc, argv, ps_explain_usage)) >= 0)
        goto out;
    if (argc - c.first_arg < 2) {
        fprintf(cli->err, "patchseq explain: give a KB and at least one PATH\n%s",
                ps_explain_usage);
        rc = 2;
        goto out;
    }
    if ((rc = check_paths(cli, &c, argv + c.first_arg + 1, argc - c.first_arg - 1)) != 0)
        goto out;
    if (c.is_fleet) {
        fprintf(cli->err, "patchseq explain: --installed names one machine here (one file); "
                "for a fleet, use plan\n");
        rc = 2;
        goto out;
    }
    kb = ps_kb_normalize(argv[c.first_arg]);
    if (kb == NULL) {
        fprintf(cli->err, "patchseq explain: '%s' is not a KB number\n", argv[c.first_arg]);
        rc = 2;
        goto out;
    }
    if ((rc = ps_cli_plan_build(cli, &c, argv + c.first_arg + 1, argc - c.first_arg - 1)) != 0)
        goto out;
    doc = ps_plan_explain(&c.plan, kb, &len, &found);
    if (doc == NULL)
        goto oom;
    if (found == 0) {
        /* in the bundle, yet in no plan: say which files and what was found */
        for (size_t i = 0; i < c.bundle.count; i++) {
            const ps_package *p = &c.bundle.items[i];

            if (p->kb == NULL || !ps_streq_ci(p->kb, kb) ||
                (c.opts.arch_mask && p->arch != PS_ARCH_NONE &&
                 !(c.opts.arch_mask & PS_ARCH_BIT(p->arch))))
                continue;
            ps_buf_printf(&b, "%s%s is in no plan: %s (Windows %s, %s) was not planned\n",
                          found++ ? "\n" : "", kb, p->file, p->os ? p->os : "unknown",
                          p->arch != PS_ARCH_NONE ? ps_arch_name(p->arch) : "unknown arch");
        }
        if (found == 0) {
            fprintf(cli->err, "patchseq explain: %s is not in the bundle%s\n", kb,
                    c.opts.arch_mask ? " for the architectures asked" : "");
            rc = 1;
            goto out;
        }
    }
    if (ps_buf_puts(&b, doc) != 0)
        goto oom;
    for (size_t i = 0, n = 0; i < c.f.count; i++) {
        const ps_finding *it = &c.f.items[i];
        ps_findings one = {(ps_finding *)it, 1, 1};

        /* its own, and a machine that can use nothing of the bundle */
        if (!(it->kb && ps_streq_ci(it->kb, kb)) && !(it->kb == NULL && it->code == PS_F_WRONG_MACHINE))
            continue;
        ps_buf_puts(&b, n++ ? "  " : "\nfindings:\n  ");
        ps_findings_render_text(&b, &one);
    }
    free(doc);
    doc = ps_buf_steal(&b, &len);
    if (doc == NULL)
        goto oom;
    rc = ps_cli_emit(cli, c.sh.outpath, doc, len);
    if (rc == 0) {
        /* an error about the KB: its own finding, or a state that leaves it out */
        for (size_t i = 0; i < c.f.count; i++)
            if (c.f.items[i].severity == PS_SEV_ERROR &&
                ((c.f.items[i].kb && ps_streq_ci(c.f.items[i].kb, kb)) ||
                 (c.f.items[i].kb == NULL && c.f.items[i].code == PS_F_WRONG_MACHINE)))
                rc = 1;
        if (ps_plan_kb_has_error(&c.plan, kb))
            rc = 1;
    }
    goto out;
oom:
    fprintf(cli->err, "patchseq explain: out of memory\n");
    rc = 2;
out:
    free(doc);
    free(kb);
    ps_buf_free(&b);
    ctx_free(&c);
    return rc;
}
