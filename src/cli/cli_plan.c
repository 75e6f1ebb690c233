/*
 * cli_plan.c - `patchseq plan` and `patchseq explain`: options, knowledge,
 * bundle, then the planner and a renderer.
 */
#include "cli.h"

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

extern char **environ;

static const char plan_usage[] =
    "usage: patchseq plan [OPTIONS] PATH...\n"
    "\n"
    "Computes a safe install order for the packages under PATH (files or\n"
    "folders), per OS and architecture, with the reboots it needs and why.\n"
    "\n"
    "options:\n"
    "  --arch ARCH         x86, x64 (or amd64) or ia64; repeat or list (x86,x64)\n"
    "                      for several (default: all)\n"
    "  --format FORMAT     text (default), json, md, dot, html, cmd, ps1, ansible\n"
    "                      md is a change ticket, dot a Graphviz graph, html a\n"
    "                      self-contained report (its graph drawn by Graphviz's\n"
    "                      'dot' when it is installed; $PATCHSEQ_DOT names\n"
    "                      another); md and html read every package whole for\n"
    "                      its SHA-256\n"
    "                      cmd and ps1 write the install script of one plan (one\n"
    "                      OS and architecture: use --arch and --installed to pick\n"
    "                      it; several plans are refused, exit 2); they read every\n"
    "                      package whole for its SHA-256.  The script checks the\n"
    "                      machine and each hash, installs in plan order, logs and\n"
    "                      resumes after each restart (/dryrun, -DryRun: change\n"
    "                      nothing).  A file name outside [A-Za-z0-9._()+-] is left\n"
    "                      out of every plan (unsafe-file-name)\n"
    "                      ansible writes a playbook folder (-o DIR, needed) for\n"
    "                      ansible.windows: site.yml installs the plan with hash\n"
    "                      checks and restarts, collect.yml fetches inventories\n"
    "                      (one bundle folder; one plan, or a fleet of --installed\n"
    "                      DIR: one host_vars file per machine, each its own plan)\n"
    "  --host NAME         ansible: the machine the plan is for (default: the name\n"
    "                      of the --installed file without its extension; without\n"
    "                      either, the machines of the group 'windows')\n"
    "  --installed FILE    what the machine already has (systeminfo /fo csv, wmic\n"
    "                      qfe or Get-HotFix CSV, or a list of KBs): its KBs leave\n"
    "                      the plan and satisfy requirements, its OS build starts\n"
    "                      the plan, and only its architecture is planned (an\n"
    "                      --arch without it is an error: exit 2).  Repeat it, or\n"
    "                      give a folder (one machine per file in it), to plan a\n"
    "                      fleet: each machine is named by its Host Name, else by\n"
    "                      its file name without the extension; machines with an\n"
    "                      identical plan are one group, shown once after a fleet\n"
    "                      summary; json lists each machine.  cmd and ps1 need one\n"
    "                      plan for every machine (else give one --installed per\n"
    "                      group)\n"
    "  --rules DIR         the knowledge dir (rules/ and manifests/)\n"
    "  --keep-superseded   keep superseded packages in the plan\n"
    "  --track TRACK       rollup (default: monthly rollups; the security-only\n"
    "                      updates they contain are skipped) or security-only\n"
    "                      (security-only updates in release order; rollups skipped)\n"
    "  --include-previews  plan preview rollups too (default: skipped, optional)\n"
    "  --exclude KB        leave KB out of the plan (repeatable)\n"
    "  --os OS             plan only OS 6.0 or 6.1 (for a mixed share)\n"
    "  --until YYYY-MM|KB  plan up to that release month (later: after-target)\n"
    "  --cache DIR         metadata cache (default $XDG_CACHE_HOME/patchseq, else\n"
    "                      ~/.cache/patchseq; or $PATCHSEQ_CACHE_DIR)\n"
    "  --no-cache          neither read nor write the metadata cache\n"
    "  --allow-partial     cmd, ps1: write the script although the plan has error\n"
    "                      findings (it names what is left out at its top and in its\n"
    "                      log); without it such a plan gets no script (exit 2)\n"
    "  --window MINUTES    cut each plan into maintenance windows of at most MINUTES\n"
    "                      (estimated); a window ends only after a reboot step or at\n"
    "                      the end; the scripts stop at the end of each window\n"
    "  --time-model FILE   'name = minutes' lines overriding the estimate below\n"
    "  -o, --output FILE   write to FILE (atomically) instead of standard output\n"
    "                      ('-': standard output)\n"
    "  -q, --quiet         no progress bar\n"
    "  -v, --verbose       also what was read, from where, how long; the text plan\n"
    "                      gives each step's reasons with where each fact comes from\n"
    "  --no-progress       no progress bar\n"
    "  --files-from FILE   the PATHs, one a line ('-' as a PATH: from stdin)\n"
    "  -h, --help          show this help\n"
    "\n"
    "A PATH may be an archive (.zip, .tar, .tar.gz, .7z, .iso), read as a\n"
    "folder; cmd and ps1 refuse it (the script needs the files on disk).\n"
    "\n"
    "time model (minutes): an install takes the time of its phase plus its size:\n"
    "  servicing-stack = 5, sha2-support = 5, licensing = 3, rollup = 20,\n"
    "  security-only = 15, other = 8, optional = 8, per-mib = 0.05 (per MiB of the\n"
    "  package file); a reboot takes reboot = 4 (the restart itself: a phase's\n"
    "  time includes what its restart completes).  A window of steps between two\n"
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
    "  --arch ARCH         x86, x64 (or amd64) or ia64; repeat or list (x86,x64)\n"
    "                      for several (default: all)\n"
    "  --installed FILE    what the machine already has (as for plan)\n"
    "  --rules DIR         the knowledge dir (rules/ and manifests/)\n"
    "  --keep-superseded   keep superseded packages in the plan\n"
    "  --track TRACK       rollup (default: monthly rollups; the security-only\n"
    "                      updates they contain are skipped) or security-only\n"
    "                      (security-only updates in release order; rollups skipped)\n"
    "  --include-previews  plan preview rollups too (default: skipped, optional)\n"
    "  --exclude KB        leave KB out of the plan (repeatable)\n"
    "  --os OS             plan only OS 6.0 or 6.1 (for a mixed share)\n"
    "  --until YYYY-MM|KB  plan up to that release month (later: after-target)\n"
    "  --cache DIR         metadata cache (default $XDG_CACHE_HOME/patchseq, else\n"
    "                      ~/.cache/patchseq; or $PATCHSEQ_CACHE_DIR)\n"
    "  --no-cache          neither read nor write the metadata cache\n"
    "  -o, --output FILE   write to FILE (atomically) instead of standard output\n"
    "  -q, --quiet         no progress bar\n"
    "  -v, --verbose       also what was read, from where, how long\n"
    "  --no-progress       no progress bar\n"
    "  --files-from FILE   the PATHs, one a line ('-' as a PATH: from stdin)\n"
    "  -h, --help          show this help\n"
    "\n"
    "exit status: 0 explained; 1 KB is not in the bundle, or explained and it\n"
    "has an error finding (missing-prerequisite, dependency-cycle, ...); 2 usage error.\n";

typedef struct plan_ctx {
    const char *cmd;         /* "plan" or "explain" */
    const char *format;
    const char *rules;
    const char *cache_dir;   /* --cache */
    int no_cache;            /* --no-cache */
    const char *outpath;
    const char *installed;   /* --installed FILE (the last one given) */
    char **installed_v;      /* every --installed, in order */
    size_t n_installed;
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

static void ctx_free(plan_ctx *c)
{
    ps_strv_free(&c->exclude, &c->n_exclude);
    ps_strv_free(&c->installed_v, &c->n_installed);
    ps_fleet_free(&c->fleet);
    free(c->until);
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
        if (a == PS_ARCH_NONE)
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
        {"track", required_argument, NULL, 'T'},
        {"include-previews", no_argument, NULL, 'P'},
        {"exclude", required_argument, NULL, 'X'},
        {"os", required_argument, NULL, 'O'},
        {"until", required_argument, NULL, 'U'},
        {"window", required_argument, NULL, 'w'},
        {"time-model", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},
        {"cache", required_argument, NULL, 'C'},
        {"no-cache", no_argument, NULL, 'N'},
        {"allow-partial", no_argument, NULL, 'A'},
        {"host", required_argument, NULL, 'H'},
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
            if (parse_arches(optarg, &c->opts.arch_mask) != 0)
                return ps_cli_arch_error(cli, c->cmd, optarg);
            c->arch_given = 1;
            break;
        case 'f':
            if (!is_plan) {
                bad = "--format";
                goto bad;
            }
            if (ps_format_find(optarg) == NULL) {
                fprintf(cli->err, "patchseq plan: unknown format '%s' (text, json, md, dot, html, "
                        "cmd, ps1, ansible)\n", optarg);
                return 2;
            }
            c->format = optarg;
            break;
        case 'i':
            c->installed = optarg;
            if (ps_strv_push(&c->installed_v, &c->n_installed, optarg) != 0) {
                fprintf(cli->err, "patchseq %s: out of memory\n", c->cmd);
                return 2;
            }
            break;
        case 'H':
            if (!is_plan) {
                bad = "--host";
                goto bad;
            }
            if (!ps_ansible_name_ok(optarg)) {
                ps_buf m = {0};

                ps_esc_printf(&m, ps_esc_text, "%s", optarg);
                fprintf(cli->err, "patchseq plan: --host '%s' cannot be an Ansible host name "
                        "([A-Za-z0-9._-], first a letter or a digit)\n", m.data ? m.data : "");
                ps_buf_free(&m);
                return 2;
            }
            c->host = optarg;
            break;
        case 'A':
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
        case 'U': {
            char *k = ps_kb_normalize(optarg);
            bool month = strlen(optarg) == 7 && optarg[4] == '-' &&
                         strspn(optarg, "0123456789") == 4 && strspn(optarg + 5, "0123456789") == 2 &&
                         optarg[5] <= '1' && !(optarg[5] == '1' && optarg[6] > '2') &&
                         !(optarg[5] == '0' && optarg[6] == '0');

            if (!month && k == NULL) {
                fprintf(cli->err, "patchseq %s: --until takes YYYY-MM or a KB number, not '%s'\n",
                        c->cmd, optarg);
                return 2;
            }
            free(c->until);
            c->until = month ? ps_strdup(optarg) : k;
            if (month)
                free(k);
            if (c->until == NULL) {
                fprintf(cli->err, "patchseq %s: out of memory\n", c->cmd);
                return 2;
            }
            c->opts.until = c->until;
            break;
        }
        case 'O':
            if (strcmp(optarg, "6.0") != 0 && strcmp(optarg, "6.1") != 0) {
                fprintf(cli->err, "patchseq %s: unknown OS '%s' (6.0, 6.1)\n", c->cmd, optarg);
                return 2;
            }
            c->opts.os = optarg;
            break;
        case 'P':
            c->opts.include_previews = 1;
            break;
        case 'X': {
            char *k = ps_kb_normalize(optarg);

            if (k == NULL) {
                fprintf(cli->err, "patchseq %s: --exclude takes a KB number, not '%s'\n", c->cmd,
                        optarg);
                return 2;
            }
            if (!ps_strv_contains(c->exclude, c->n_exclude, k) &&
                ps_strv_push(&c->exclude, &c->n_exclude, k) != 0) {
                free(k);
                fprintf(cli->err, "patchseq %s: out of memory\n", c->cmd);
                return 2;
            }
            free(k);
            c->opts.exclude = c->exclude;
            c->opts.n_exclude = c->n_exclude;
            break;
        }
        case 'T':
            if (strcmp(optarg, "rollup") == 0) {
                c->opts.track = PS_PLAN_TRACK_ROLLUP;
            } else if (strcmp(optarg, "security-only") == 0) {
                c->opts.track = PS_PLAN_TRACK_SECURITY_ONLY;
            } else {
                fprintf(cli->err, "patchseq %s: unknown track '%s' (rollup, security-only)\n",
                        c->cmd, optarg);
                return 2;
            }
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
    {
        char why[256];

        fp = ps_fopen_regular(c->time_model, why, sizeof why);
        if (fp == NULL) {
            fprintf(cli->err, "patchseq plan: %s: cannot open the time model: %s\n",
                    c->time_model, why);
            return 2;
        }
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
    if (c->is_fleet) {
        char **files = NULL, msg[2048];
        size_t nfiles = 0;

        if (ps_fleet_files((const char *const *)c->installed_v, c->n_installed, &files, &nfiles,
                           msg, sizeof msg) != 0 ||
            ps_fleet_load(&c->fleet, files, nfiles, msg, sizeof msg) != 0) {
            ps_buf m = {0};

            ps_esc_printf(&m, ps_esc_text, "%s", msg);
            fprintf(cli->err, "patchseq %s: --installed: %s\n", c->cmd, m.data ? m.data : "");
            ps_buf_free(&m);
            ps_strv_free(&files, &nfiles);
            return 2;
        }
        ps_strv_free(&files, &nfiles);
    } else if (c->installed) {
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
    const ps_cli_io outs[] = {{"-o", c->outpath}};
    ps_cli_io *ins = calloc(c->n_installed + 2, sizeof *ins);
    size_t n = 0;
    int rc;

    if (ins == NULL) {
        fprintf(cli->err, "patchseq %s: out of memory\n", c->cmd);
        return 2;
    }
    for (size_t i = 0; i < c->n_installed; i++) {
        struct stat st;

        ins[n++] = (ps_cli_io){"--installed", c->installed_v[i]};
        if (c->n_installed > 1 || (stat(c->installed_v[i], &st) == 0 && S_ISDIR(st.st_mode)))
            c->is_fleet = 1;
    }
    ins[n++] = (ps_cli_io){"--rules", c->rules};
    ins[n++] = (ps_cli_io){"--time-model", c->time_model};
    rc = ps_cli_check_run(cli, c->cmd, outs, PS_ARRAY_LEN(outs), ins, n, paths, npaths);
    free(ins);
    return rc;
}

#define GRAPH_SVG_MAX_BYTES (32u * 1024u * 1024u)
#define GRAPH_SECONDS 60 /* Graphviz gets this long, then it is stopped */

/*
 * The graph of the html report: the dot document through Graphviz
 * (`dot -Tsvg`, or $PATCHSEQ_DOT; an empty $PATCHSEQ_DOT turns it off),
 * read from a temporary file, its SVG from a pipe, for at most
 * GRAPH_SECONDS.  Returns the SVG (the caller frees it), or NULL with the
 * reason in note.
 */
static char *graph_svg(const ps_plan *plan, const ps_render_opts *ro, char *note, size_t notelen)
{
    const char *prog = getenv("PATCHSEQ_DOT");
    const char *tmpdir = getenv("TMPDIR");
    char *doc = NULL, *path = NULL, *argv[3];
    size_t len = 0;
    ps_buf out = {0};
    posix_spawn_file_actions_t fa;
    int fd = -1, pipefd[2] = {-1, -1}, status = 0, fa_init = 0, stopped = 0;
    time_t deadline;
    pid_t pid = -1;

    if (prog && prog[0] == '\0') {
        snprintf(note, notelen, "drawing it was turned off (PATCHSEQ_DOT is empty)");
        return NULL;
    }
    if (prog == NULL)
        prog = "dot";
    snprintf(note, notelen, "out of memory");
    doc = ps_plan_render_with("dot", plan, NULL, ro, &len);
    path = ps_asprintf("%s/patchseq-graph-XXXXXX", tmpdir && tmpdir[0] ? tmpdir : "/tmp");
    if (doc == NULL || path == NULL)
        goto out;
    fd = mkstemp(path);
    if (fd < 0) {
        snprintf(note, notelen, "no temporary file for Graphviz: %s", strerror(errno));
        goto out;
    }
    if (write(fd, doc, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0) {
        snprintf(note, notelen, "cannot write the temporary file for Graphviz");
        goto out;
    }
    if (pipe(pipefd) != 0 || posix_spawn_file_actions_init(&fa) != 0) {
        snprintf(note, notelen, "cannot run Graphviz: %s", strerror(errno));
        goto out;
    }
    fa_init = 1;
    argv[0] = (char *)prog;
    argv[1] = (char *)"-Tsvg";
    argv[2] = NULL;
    if (posix_spawn_file_actions_adddup2(&fa, fd, 0) != 0 ||
        posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1) != 0 ||
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0) != 0 ||
        posix_spawn_file_actions_addclose(&fa, pipefd[0]) != 0)
        goto out;
    errno = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
    if (errno != 0) {
        pid = -1;
        snprintf(note, notelen, errno == ENOENT ? "Graphviz (%s) is not installed here"
                                                : "cannot run Graphviz (%s)", prog);
        goto out;
    }
    close(pipefd[1]);
    pipefd[1] = -1;
    out.max = GRAPH_SVG_MAX_BYTES;
    deadline = time(NULL) + GRAPH_SECONDS;
    for (;;) {
        char chunk[8192];
        struct pollfd pfd = {pipefd[0], POLLIN, 0};
        time_t left = deadline - time(NULL);
        ssize_t n;

        if (left <= 0 || poll(&pfd, 1, (int)left * 1000) == 0) {
            kill(pid, SIGKILL);
            snprintf(note, notelen, "Graphviz (%s) took longer than %d seconds", prog,
                     GRAPH_SECONDS);
            ps_buf_free(&out);
            stopped = 1;
            break;
        }
        n = read(pipefd[0], chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (ps_buf_append(&out, chunk, (size_t)n) != 0) {
            kill(pid, SIGKILL);
            snprintf(note, notelen, "the SVG of Graphviz is larger than %u bytes",
                     GRAPH_SVG_MAX_BYTES);
            ps_buf_free(&out);
            stopped = 1;
            break;
        }
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    pid = -1;
    if (out.data && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
        snprintf(note, notelen, "Graphviz (%s) failed", prog);
        ps_buf_free(&out);
    } else if (out.data == NULL && !stopped) {
        snprintf(note, notelen, "Graphviz (%s) gave no SVG", prog);
    }
out:
    if (fa_init)
        posix_spawn_file_actions_destroy(&fa);
    if (pipefd[0] >= 0)
        close(pipefd[0]);
    if (pipefd[1] >= 0)
        close(pipefd[1]);
    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
    free(path);
    free(doc);
    return out.data ? ps_buf_steal(&out, NULL) : NULL;
}

/*
 * plan --format ansible -o DIR for a fleet: one host per machine, in name
 * order, each with its own plan; a machine that cannot be brought up to
 * date or whose architecture the bundle has nothing for is skipped with
 * the reason (ps_fleet_hosts), as is a plan the script checks refuse.
 * Messages go to m.  Returns the exit code (1 when a machine is skipped
 * for an error, as for the other formats of a fleet).
 */
static int fleet_ansible(ps_cli *cli, plan_ctx *c, const ps_script_opts *so, ps_buf *m)
{
    ps_fleet_host *fh = NULL;
    ps_ansible_host *hosts = NULL;
    size_t n = c->fleet.n_machines, skipped = 0;
    char msg[1024];
    int rc = 2;

    (void)cli;
    if (ps_fleet_hosts(&c->fleet, &fh) != 0 ||
        (hosts = calloc(n ? n : 1, sizeof *hosts)) == NULL) {
        ps_buf_printf(m, "patchseq plan: out of memory\n");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        hosts[i] = (ps_ansible_host){fh[i].name, fh[i].plan, fh[i].skip_reason};
        skipped += fh[i].skip_reason != NULL;
    }
    if (ps_render_ansible(c->outpath, hosts, n, &c->f, so, msg, sizeof msg) != 0) {
        ps_esc_printf(m, ps_esc_text, "patchseq plan: --format ansible: %s\n", msg);
        goto out;
    }
    ps_findings_render_text(m, &c->f);
    if (skipped)
        ps_buf_printf(m, "patchseq plan: --format ansible: %zu of the %zu machines cannot be "
                      "brought up to date by the bundle: the playbook skips them with the reason "
                      "(patchseq plan --installed ... --format text says why)\n", skipped, n);
    rc = ps_cli_exit_code(&c->f, 0);
    if (rc == 0 && ps_fleet_errors(&c->fleet))
        rc = 1;
out:
    free(fh);
    free(hosts);
    return rc;
}

/*
 * plan --format ansible -o DIR: one host (--host NAME; else the name of the
 * --installed file without its extension; else the group `windows`), its
 * plan checked as for a script.  A plan with error findings is written with
 * the host skipped and the reason, unless --allow-partial.  Returns the
 * exit code.
 */
static int plan_ansible(ps_cli *cli, plan_ctx *c, char **paths, int npaths)
{
    static const char *const names[] = {"site.yml", "collect.yml", "inventory.ini", "README.txt",
                                        "tasks/patchseq-step.yml", "group_vars/all.yml",
                                        "group_vars/windows.yml"};
    ps_script_opts so = {(const char *const *)paths, (size_t)npaths};
    ps_cli_io outs[PS_ARRAY_LEN(names) + 1];
    ps_cli_io *ins = calloc(c->n_installed + 2, sizeof *ins);
    size_t nin = 0;
    char *paths_out[PS_ARRAY_LEN(names) + 1] = {NULL}, *name = NULL, msg[1024];
    ps_buf reason = {0}, m = {0};
    ps_ansible_host host = {NULL, NULL, NULL};
    size_t errors = 0, nout = 0;
    struct stat st;
    int rc = 2;

    if (ins == NULL) {
        fprintf(cli->err, "patchseq plan: out of memory\n");
        return 2;
    }
    for (size_t i = 0; i < c->n_installed; i++)
        ins[nin++] = (ps_cli_io){"--installed", c->installed_v[i]};
    ins[nin++] = (ps_cli_io){"--rules", c->rules};
    ins[nin++] = (ps_cli_io){"--time-model", c->time_model};
    if (c->n_installed > 1 ||
        (c->installed && stat(c->installed, &st) == 0 && S_ISDIR(st.st_mode)))
        c->is_fleet = 1;
    if (c->is_fleet && c->host) {
        fprintf(cli->err, "patchseq plan: --format ansible: --host names the machine of one "
                "plan; a fleet's machines are named by their inventories\n");
        goto out;
    }
    if (c->outpath == NULL || strcmp(c->outpath, "-") == 0) {
        fprintf(cli->err, "patchseq plan: --format ansible writes a folder: give it with -o DIR\n");
        goto out;
    }
    if (stat(c->outpath, &st) == 0 && !S_ISDIR(st.st_mode)) {
        ps_esc_printf(&m, ps_esc_text, "patchseq plan: --format ansible: -o %s exists and is not "
                      "a folder\n", c->outpath);
        goto out;
    }
    if (c->host)
        name = ps_strdup(c->host);
    else if (c->installed && !c->is_fleet) {
        const char *base = strrchr(c->installed, '/'), *dot;

        base = base ? base + 1 : c->installed;
        dot = strrchr(base, '.');
        name = ps_strndup(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
        if (name && !ps_ansible_name_ok(name)) {
            ps_esc_printf(&m, ps_esc_text, "patchseq plan: --format ansible: the machine of %s "
                          "would be '%s', which cannot be an Ansible host name: name it with "
                          "--host\n", c->installed, name);
            goto out;
        }
    }
    if ((c->host || (c->installed && !c->is_fleet)) && name == NULL)
        goto oom;
    /* the files of the folder, against the inputs (as for any -o) */
    for (size_t i = 0; i <= PS_ARRAY_LEN(names); i++) {
        const char *leaf = i < PS_ARRAY_LEN(names) ? names[i] : NULL;

        if (leaf == NULL && name == NULL)
            break;
        paths_out[i] = leaf ? ps_asprintf("%s/%s", c->outpath, leaf)
                            : ps_asprintf("%s/host_vars/%s.yml", c->outpath, name);
        if (paths_out[i] == NULL)
            goto oom;
        outs[nout].what = "-o";
        outs[nout++].path = paths_out[i];
    }
    if ((rc = ps_cli_check_run(cli, c->cmd, outs, nout, ins, nin, paths, npaths)) ||
        (rc = ps_cli_refuse_archives(cli, c->format, paths, npaths)) ||
        (rc = build_plan(cli, c, paths, npaths)))
        goto out;
    rc = 2;
    if (c->is_fleet) {
        rc = fleet_ansible(cli, c, &so, &m);
        goto out;
    }
    if (ps_plan_script_check_opts(&c->plan, &so, msg, sizeof msg) != 0) {
        ps_esc_printf(&m, ps_esc_text, "patchseq plan: --format ansible: %s\n", msg);
        goto out;
    }
    for (size_t i = 0; i < c->f.count; i++)
        errors += c->f.items[i].severity == PS_SEV_ERROR;
    if (errors && !c->allow_partial) {
        ps_buf_printf(&reason, "the plan has %zu error finding%s (patchseq plan --format text "
                      "lists them):", errors, errors == 1 ? "" : "s");
        for (size_t i = 0; i < c->f.count; i++)
            if (c->f.items[i].severity == PS_SEV_ERROR)
                ps_buf_printf(&reason, " %s%s%s", c->f.items[i].kb ? c->f.items[i].kb : "",
                              c->f.items[i].kb ? " " : "",
                              ps_finding_code_name(c->f.items[i].code));
        if (reason.data == NULL)
            goto oom;
        host.skip_reason = reason.data;
    }
    host.name = name;
    host.plan = &c->plan;
    if (ps_render_ansible(c->outpath, &host, 1, &c->f, &so, msg, sizeof msg) != 0) {
        ps_esc_printf(&m, ps_esc_text, "patchseq plan: --format ansible: %s\n", msg);
        goto out;
    }
    ps_findings_render_text(&m, &c->f);
    if (host.skip_reason)
        ps_buf_printf(&m, "patchseq plan: --format ansible: the plan has %zu error finding%s "
                      "(above): the playbook skips the machine (--allow-partial installs the "
                      "rest, naming what is left out)\n", errors, errors == 1 ? "" : "s");
    rc = ps_cli_exit_code(&c->f, 0);
    goto out;
oom:
    ps_buf_printf(&m, "patchseq plan: out of memory\n");
    rc = 2;
out:
    if (m.data)
        fputs(m.data, cli->err);
    ps_buf_free(&m);
    ps_buf_free(&reason);
    for (size_t i = 0; i < PS_ARRAY_LEN(paths_out); i++)
        free(paths_out[i]);
    free(name);
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
    if ((rc = parse_options(cli, &c, argc, argv, plan_usage)) >= 0)
        goto out;
    if (c.first_arg >= argc) {
        fprintf(cli->err, "patchseq plan: no PATH given\n%s", plan_usage);
        rc = 2;
        goto out;
    }
    if (c.host && !ps_format_has(c.format, PS_FMT_FOLDER)) {
        fprintf(cli->err, "patchseq plan: --host is for --format ansible\n");
        rc = 2;
        goto out;
    }
    if (ps_format_has(c.format, PS_FMT_FOLDER)) {
        rc = plan_ansible(cli, &c, argv + c.first_arg, argc - c.first_arg);
        goto out;
    }
    if ((rc = check_paths(cli, &c, argv + c.first_arg, argc - c.first_arg)) != 0)
        goto out;
    if (ps_plan_format_is_script(c.format) &&
        (rc = ps_cli_refuse_archives(cli, c.format, argv + c.first_arg, argc - c.first_arg)) != 0)
        goto out;
    if ((rc = build_plan(cli, &c, argv + c.first_arg, argc - c.first_arg)) != 0)
        goto out;
    plan = &c.plan;
    if (c.is_fleet && ps_plan_format_is_script(c.format) &&
        (rc = fleet_script_plan(cli, &c, &plan)) != 0)
        goto out;
    if (c.is_fleet && !ps_plan_format_is_script(c.format)) {
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
        ro.inventory = c.is_fleet ? NULL : c.installed;
        if (ps_format_has(c.format, PS_FMT_GRAPH_SVG))
            ro.graph_svg = svg = graph_svg(plan, &ro, note, sizeof note);
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
    rc = ps_cli_emit(cli, c.outpath, doc, len);
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
    if ((rc = parse_options(cli, &c, argc, argv, explain_usage)) >= 0)
        goto out;
    if (argc - c.first_arg < 2) {
        fprintf(cli->err, "patchseq explain: give a KB and at least one PATH\n%s", explain_usage);
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
    rc = ps_cli_emit(cli, c.outpath, doc, len);
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
