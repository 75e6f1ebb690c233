/*
 * cli_plan.c - `patchseq plan` and `patchseq explain`: options, knowledge,
 * bundle, then the planner and a renderer.
 */
#include "cli.h"
#include "inventory.h"
#include "kb.h"
#include "plan.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char plan_usage[] =
    "usage: patchseq plan [OPTIONS] PATH...\n"
    "\n"
    "Computes a safe install order for the packages under PATH (files or\n"
    "folders), per OS and architecture, with the reboots it needs and why.\n"
    "\n"
    "options:\n"
    "  --arch ARCH         x86, x64 or ia64; repeat or list (x86,x64) for several\n"
    "                      (default: all)\n"
    "  --format FORMAT     text (default), json, md, dot, cmd, ps1\n"
    "                      cmd and ps1 write the install script of one plan (one\n"
    "                      OS and architecture: use --arch and --installed to pick\n"
    "                      it; several plans are refused, exit 2); they read every\n"
    "                      package whole for its SHA-256.  The script checks the\n"
    "                      machine and each hash, installs in plan order, logs and\n"
    "                      resumes after each restart (/dryrun, -DryRun: change\n"
    "                      nothing).  A file name outside [A-Za-z0-9._()+-] is left\n"
    "                      out of every plan (unsafe-file-name)\n"
    "  --installed FILE    what the machine already has (systeminfo /fo csv, wmic\n"
    "                      qfe or Get-HotFix CSV, or a list of KBs): its KBs leave\n"
    "                      the plan and satisfy requirements, its OS build starts\n"
    "                      the plan, and only its architecture is planned (an\n"
    "                      --arch without it is an error: exit 2)\n"
    "  --rules DIR         the knowledge dir (rules/ and manifests/)\n"
    "  --keep-superseded   keep superseded packages in the plan\n"
    "  --cache DIR         metadata cache (default $XDG_CACHE_HOME/patchseq, else\n"
    "                      ~/.cache/patchseq; or $PATCHSEQ_CACHE_DIR)\n"
    "  --no-cache          neither read nor write the metadata cache\n"
    "  --window MINUTES    cut each plan into maintenance windows of at most MINUTES\n"
    "                      (estimated); a window ends only after a reboot step or at\n"
    "                      the end; the scripts stop at the end of each window\n"
    "  --time-model FILE   'name = minutes' lines overriding the estimate below\n"
    "  -o, --output FILE   write to FILE (atomically) instead of standard output\n"
    "  -h, --help          show this help\n"
    "\n"
    "time model (minutes): an install takes the time of its phase plus its size:\n"
    "  servicing-stack = 5, sha2-support = 5, licensing = 3, rollup = 20,\n"
    "  security-only = 15, other = 8, optional = 8, per-mib = 0.05 (per MiB of the\n"
    "  package file); a reboot takes reboot = 10.  A window of steps between two\n"
    "  reboots that alone exceeds MINUTES gets its own window (window-overrun).\n"
    "\n"
    "exit status: 0 planned, no error finding; 1 planned, with error findings\n"
    "(the plan leaves out what it cannot place); 2 usage error or unusable path.\n";

static const char explain_usage[] =
    "usage: patchseq explain [OPTIONS] KB PATH...\n"
    "\n"
    "Says why KB is where it is in the plan of each architecture, or why it\n"
    "was skipped: every edge into and out of it, with its reason and where\n"
    "the fact comes from, and its supersedence decision.\n"
    "\n"
    "options:\n"
    "  --arch ARCH         x86, x64 or ia64; repeat or list (x86,x64) for several\n"
    "                      (default: all)\n"
    "  --installed FILE    what the machine already has (as for plan)\n"
    "  --rules DIR         the knowledge dir (rules/ and manifests/)\n"
    "  --keep-superseded   keep superseded packages in the plan\n"
    "  --cache DIR         metadata cache (default $XDG_CACHE_HOME/patchseq, else\n"
    "                      ~/.cache/patchseq; or $PATCHSEQ_CACHE_DIR)\n"
    "  --no-cache          neither read nor write the metadata cache\n"
    "  -o, --output FILE   write to FILE (atomically) instead of standard output\n"
    "  -h, --help          show this help\n"
    "\n"
    "exit status: 0 explained; 1 KB is not in the bundle; 2 usage error.\n";

typedef struct plan_ctx {
    const char *cmd;         /* "plan" or "explain" */
    const char *format;
    const char *rules;
    const char *cache_dir;   /* --cache */
    int no_cache;            /* --no-cache */
    const char *outpath;
    const char *installed;   /* --installed FILE */
    const char *time_model;  /* --time-model FILE */
    int arch_given;          /* --arch was given */
    int allow_partial;       /* --allow-partial */
    ps_time_model model;
    ps_inventory inv;
    ps_plan_opts opts;
    ps_bundle bundle;
    ps_findings f;
    ps_kb kb;
    ps_plan plan;
    int first_arg;           /* argv index of the first operand */
} plan_ctx;

static void ctx_free(plan_ctx *c)
{
    ps_plan_free(&c->plan);
    ps_inventory_free(&c->inv);
    ps_kb_free(&c->kb);
    ps_bundle_free(&c->bundle);
    ps_findings_free(&c->f);
}

/* "x86", or a comma-separated list "x86,x64".  -1 on an unknown name. */
static int parse_arches(const char *s, unsigned *mask)
{
    char name[8];

    while (*s) {
        size_t n = strcspn(s, ",");
        ps_arch a;

        if (n == 0 || n >= sizeof name)
            return -1;
        memcpy(name, s, n);
        name[n] = '\0';
        a = ps_arch_parse(name);
        if (a == PS_ARCH_NONE || strcmp(name, "amd64") == 0)
            return -1;
        *mask |= PS_ARCH_BIT(a);
        s += n;
        if (*s == ',' && *++s == '\0')
            return -1;
    }
    return 0;
}

/* Parses the options shared by plan and explain.  Returns -1 to go on, or
 * the exit code. */
static int parse_options(ps_cli *cli, plan_ctx *c, int argc, char **argv, const char *usage)
{
    static const struct option longopts[] = {
        {"arch", required_argument, NULL, 'a'},
        {"format", required_argument, NULL, 'f'},
        {"installed", required_argument, NULL, 'i'},
        {"rules", required_argument, NULL, 'r'},
        {"keep-superseded", no_argument, NULL, 'k'},
        {"window", required_argument, NULL, 'w'},
        {"time-model", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},
        {"cache", required_argument, NULL, 'C'},
        {"no-cache", no_argument, NULL, 'N'},
        {"allow-partial", no_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    bool is_plan = strcmp(c->cmd, "plan") == 0;
    const char *bad = NULL;

    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'a':
            if (parse_arches(optarg, &c->opts.arch_mask) != 0) {
                fprintf(cli->err, "patchseq %s: unknown architecture '%s' (x86, x64, ia64)\n",
                        c->cmd, optarg);
                return 2;
            }
            c->arch_given = 1;
            break;
        case 'f':
            if (!is_plan) {
                bad = "--format";
                goto bad;
            }
            if (!ps_plan_format_known(optarg)) {
                fprintf(cli->err, "patchseq plan: unknown format '%s' (text, json, md, dot, cmd, "
                        "ps1)\n", optarg);
                return 2;
            }
            c->format = optarg;
            break;
        case 'i':
            c->installed = optarg;
            break;
        case 'P':
            if (!is_plan) {
                bad = "--allow-partial";
                goto bad;
            }
            c->allow_partial = 1;
            break;
        case 'w': {
            char *end = NULL;
            unsigned long v;

            if (!is_plan) {
                bad = "--window";
                goto bad;
            }
            v = optarg[0] >= '0' && optarg[0] <= '9' ? strtoul(optarg, &end, 10) : 0;
            if (end == NULL || *end != '\0' || v < 1 || v > 100000) {
                fprintf(cli->err, "patchseq plan: --window takes minutes, 1 to 100000, not '%s'\n",
                        optarg);
                return 2;
            }
            c->opts.window_minutes = (unsigned)v;
            break;
        }
        case 't':
            if (!is_plan) {
                bad = "--time-model";
                goto bad;
            }
            c->time_model = optarg;
            break;
        case 'r':
            c->rules = optarg;
            break;
        case 'k':
            c->opts.keep_superseded = 1;
            break;
        case 'C':
            c->cache_dir = optarg;
            break;
        case 'N':
            c->no_cache = 1;
            break;
        case 'o':
            c->outpath = optarg;
            break;
        case 'h':
            fputs(usage, cli->out);
            return 0;
        case ':':
            fprintf(cli->err, "patchseq %s: option '%s' needs a value\n%s", c->cmd,
                    argv[optind - 1], usage);
            return 2;
        default:
            bad = argv[optind - 1];
            goto bad;
        }
    }
    c->first_arg = optind;
    return -1;
bad:
    fprintf(cli->err, "patchseq %s: bad option '%s'\n%s", c->cmd, bad, usage);
    return 2;
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

#define TIME_MODEL_MAX_BYTES (64u * 1024u)

/* Reads --time-model FILE over the defaults.  0, or 2 after a message. */
static int load_time_model(ps_cli *cli, plan_ctx *c)
{
    ps_buf b = {0};
    char chunk[4096], msg[256];
    FILE *fp;
    size_t n;
    int rc = 2;

    ps_time_model_default(&c->model);
    c->opts.time_model = &c->model;
    if (c->time_model == NULL)
        return 0;
    if (c->opts.window_minutes == 0) {
        fprintf(cli->err, "patchseq plan: --time-model needs --window\n");
        return 2;
    }
    fp = fopen(c->time_model, "rb");
    if (fp == NULL) {
        fprintf(cli->err, "patchseq plan: %s: cannot open the time model\n", c->time_model);
        return 2;
    }
    b.max = TIME_MODEL_MAX_BYTES;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        int r = ps_buf_append(&b, chunk, n);

        if (r == -2) {
            fprintf(cli->err, "patchseq plan: %s: larger than %u bytes\n", c->time_model,
                    TIME_MODEL_MAX_BYTES);
            goto out;
        }
        if (r != 0) {
            fprintf(cli->err, "patchseq plan: out of memory\n");
            goto out;
        }
    }
    if (ferror(fp)) {
        fprintf(cli->err, "patchseq plan: %s: read error\n", c->time_model);
        goto out;
    }
    if (ps_time_model_parse(&c->model, b.data ? b.data : "", b.len, msg, sizeof msg) != 0) {
        fprintf(cli->err, "patchseq plan: %s: %s\n", c->time_model, msg);
        goto out;
    }
    rc = 0;
out:
    fclose(fp);
    ps_buf_free(&b);
    return rc;
}

/* Knowledge, bundle, plan.  Returns 0, or the exit code (2). */
static int build_plan(ps_cli *cli, plan_ctx *c, char **paths, int npaths)
{
    ps_read_opts ropts;
    int r;

    if ((r = ps_cli_load_kb(cli, c->cmd, c->rules, &c->kb, &c->f)) != 0)
        return r;
    if (c->installed) {
        if ((r = ps_cli_load_inventory(cli, c->cmd, c->installed, &c->inv)) != 0)
            return r;
        c->opts.inventory = &c->inv;
        /* the inventory is one machine: its architecture only */
        if (c->arch_given && c->inv.arch != PS_ARCH_NONE &&
            !(c->opts.arch_mask & PS_ARCH_BIT(c->inv.arch))) {
            fprintf(cli->err, "patchseq %s: %s: the machine is %s (System Type), which "
                    "contradicts --arch\n", c->cmd, c->installed, ps_arch_name(c->inv.arch));
            return 2;
        }
        if (c->inv.arch != PS_ARCH_NONE)
            c->opts.arch_mask = PS_ARCH_BIT(c->inv.arch);
    }
    if ((r = load_time_model(cli, c)) != 0)
        return r;
    ps_read_opts_default(&ropts);
    ropts.cache_dir = c->cache_dir;
    ropts.no_cache = c->no_cache;
    /* a script checks each file against its SHA-256: read them whole */
    ropts.hash = c->format && ps_plan_format_is_script(c->format);
    if ((r = ps_cli_read_bundle(cli, &c->bundle, paths, npaths, &ropts, &c->f)) != 0)
        return r;
    if (ps_plan_build(&c->plan, &c->bundle, &c->kb, &c->opts, &c->f) != 0)
        goto oom;
    filter_findings(&c->f, c->opts.arch_mask);
    ps_findings_sort(&c->f);
    return 0;
oom:
    fprintf(cli->err, "patchseq %s: out of memory\n", c->cmd);
    return 2;
}

int ps_cmd_plan(ps_cli *cli, int argc, char **argv)
{
    plan_ctx c;
    char *doc = NULL;
    size_t len = 0;
    int rc;

    memset(&c, 0, sizeof c);
    c.cmd = "plan";
    c.format = "text";
    ps_plan_opts_default(&c.opts);
    if ((rc = parse_options(cli, &c, argc, argv, plan_usage)) >= 0)
        goto out;
    if (c.first_arg >= argc) {
        fprintf(cli->err, "patchseq plan: no PATH given\n%s", plan_usage);
        rc = 2;
        goto out;
    }
    if ((rc = build_plan(cli, &c, argv + c.first_arg, argc - c.first_arg)) != 0)
        goto out;
    if (ps_plan_format_is_script(c.format)) {
        ps_script_opts so = {(const char *const *)(argv + c.first_arg),
                             (size_t)(argc - c.first_arg)};
        char msg[1024];
        size_t errors = 0;
        ps_buf sb = {0};

        for (size_t i = 0; i < c.f.count; i++)
            errors += c.f.items[i].severity == PS_SEV_ERROR;
        if (ps_plan_script_check_opts(&c.plan, &so, msg, sizeof msg) != 0) {
            fprintf(cli->err, "patchseq plan: --format %s: %s\n", c.format, msg);
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
        if (ps_plan_render_script(&sb, c.format, &c.plan, &c.f, &so) != 0 || sb.data == NULL) {
            ps_buf_free(&sb);
            fprintf(cli->err, "patchseq plan: out of memory\n");
            rc = 2;
            goto out;
        }
        doc = ps_buf_steal(&sb, &len);
    } else
        doc = ps_plan_render(c.format, &c.plan, &c.f, &len);
    if (doc == NULL) {
        fprintf(cli->err, "patchseq plan: out of memory\n");
        rc = 2;
        goto out;
    }
    /* dot has no room for findings; a script only names them in a comment */
    if (strcmp(c.format, "dot") == 0 || ps_plan_format_is_script(c.format)) {
        ps_buf b = {0};

        ps_findings_render_text(&b, &c.f);
        if (b.data)
            fputs(b.data, cli->err);
        ps_buf_free(&b);
    }
    rc = ps_cli_emit(cli, c.outpath, doc, len);
    if (rc == 0)
        rc = ps_cli_exit_code(&c.f, 0);
out:
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
    if ((rc = parse_options(cli, &c, argc, argv, explain_usage)) >= 0)
        goto out;
    if (argc - c.first_arg < 2) {
        fprintf(cli->err, "patchseq explain: give a KB and at least one PATH\n%s", explain_usage);
        rc = 2;
        goto out;
    }
    kb = ps_kb_normalize(argv[c.first_arg]);
    if (kb == NULL) {
        fprintf(cli->err, "patchseq explain: '%s' is not a KB number\n", argv[c.first_arg]);
        rc = 2;
        goto out;
    }
    if ((rc = build_plan(cli, &c, argv + c.first_arg + 1, argc - c.first_arg - 1)) != 0)
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

        if (it->kb == NULL || !ps_streq_ci(it->kb, kb))
            continue;
        ps_buf_puts(&b, n++ ? "  " : "\nfindings:\n  ");
        ps_findings_render_text(&b, &one);
    }
    free(doc);
    doc = ps_buf_steal(&b, &len);
    if (doc == NULL)
        goto oom;
    rc = ps_cli_emit(cli, c.outpath, doc, len);
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
