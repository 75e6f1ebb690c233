/*
 * cli_plan_int.h - private to cli_plan*.c: the state of `patchseq plan`
 * and `patchseq explain`, and the parts of the command in other files
 * (the options, the Ansible output, the Graphviz graph of the html report).
 */
#ifndef PS_CLI_PLAN_INT_H
#define PS_CLI_PLAN_INT_H

#include "cli.h"

#include "fleet.h"
#include "plan.h"
#include "render.h"
#include "script.h"

typedef struct plan_ctx {
    const char *cmd;         /* "plan" or "explain" */
    const char *format;
    ps_cli_shared sh;        /* --installed, --rules, -o */
    const char *cache_dir;   /* --cache */
    int no_cache;            /* --no-cache */
    int is_fleet;            /* several --installed, or a folder: a fleet */
    ps_fleet fleet;
    const char *time_model;  /* --time-model FILE */
    int arch_given;          /* --arch was given */
    int allow_partial;       /* --allow-partial */
    const char *host;        /* --host NAME (--format ansible) */
    ps_time_model model;
    ps_inventory inv;
    ps_plan_opts opts;
    ps_bundle bundle;
    ps_findings f;
    ps_kb kb;
    ps_plan plan;
    int first_arg;           /* argv index of the first operand */
    char **exclude;          /* --exclude KB, normalised (opts.exclude points here) */
    char *until;             /* --until, normalised (opts.until points here) */
    size_t n_exclude;
} plan_ctx;

extern const char ps_plan_usage[];
extern const char ps_explain_usage[];

/* Parses the options shared by plan and explain (cli_plan_opts.c).
 * Returns -1 to go on, or the exit code. */
int ps_plan_parse_options(ps_cli *cli, plan_ctx *c, int argc, char **argv, const char *usage);

/* Knowledge, inventory or fleet, time model, bundle, plan (cli_plan.c).
 * Returns 0, or the exit code (2). */
int ps_cli_plan_build(ps_cli *cli, plan_ctx *c, char **paths, int npaths);

/* plan --format ansible -o DIR (cli_plan_ansible.c).  Returns the exit code. */
int ps_plan_ansible(ps_cli *cli, plan_ctx *c, char **paths, int npaths);

/* The graph of the html report through Graphviz (cli_graph.c): the SVG
 * (the caller frees it), or NULL with the reason in note. */
char *ps_plan_graph_svg(const ps_plan *plan, const ps_render_opts *ro, char *note,
                        size_t notelen);

#endif /* PS_CLI_PLAN_INT_H */
