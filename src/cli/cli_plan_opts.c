/*
 * cli_plan_opts.c - the options of `patchseq plan` and `patchseq explain`:
 * their help texts and their parsing into the command's state.
 */
#include "cli_plan_int.h"

#include "ansible.h"
#include "escape.h"
#include "kb.h"
#include "render.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* The help lines plan and explain share. */
#define HELP_ARCH \
    "  --arch ARCH         x86, x64 (or amd64) or ia64; repeat or list (x86,x64)\n" \
    "                      for several (default: all)\n"

#define HELP_PLANNER \
    "  --rules DIR         the knowledge dir (rules/ and manifests/)\n" \
    "  --keep-superseded   keep superseded packages in the plan\n" \
    "  --track TRACK       rollup (default: monthly rollups; the security-only\n" \
    "                      updates they contain are skipped) or security-only\n" \
    "                      (security-only updates in release order; rollups skipped)\n" \
    "  --include-previews  plan preview rollups too (default: skipped, optional)\n" \
    "  --exclude KB        leave KB out of the plan (repeatable)\n" \
    "  --os OS             plan only OS 6.0 or 6.1 (for a mixed share)\n" \
    "  --until YYYY-MM|KB  plan up to that release month (later: after-target)\n" \
    "  --cache DIR         metadata cache (default $XDG_CACHE_HOME/patchseq, else\n" \
    "                      ~/.cache/patchseq; or $PATCHSEQ_CACHE_DIR)\n" \
    "  --no-cache          neither read nor write the metadata cache\n"

const char ps_plan_usage[] =
    "usage: patchseq plan [OPTIONS] PATH...\n"
    "\n"
    "Computes a safe install order for the packages under PATH (files or\n"
    "folders), per OS and architecture, with the reboots it needs and why.\n"
    "\n"
    "options:\n"
    HELP_ARCH
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
    HELP_PLANNER
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

const char ps_explain_usage[] =
    "usage: patchseq explain [OPTIONS] KB PATH...\n"
    "\n"
    "Says why KB is where it is in the plan of each architecture, or why it\n"
    "was skipped: every edge into and out of it, with its reason and where\n"
    "the fact comes from, and its supersedence decision.\n"
    "\n"
    "options:\n"
    HELP_ARCH
    "  --installed FILE    what the machine already has (as for plan)\n"
    HELP_PLANNER
    "  -o, --output FILE   write to FILE (atomically) instead of standard output\n"
    "  -q, --quiet         no progress bar\n"
    "  -v, --verbose       also what was read, from where, how long\n"
    "  --no-progress       no progress bar\n"
    "  --files-from FILE   the PATHs, one a line ('-' as a PATH: from stdin)\n"
    "  -h, --help          show this help\n"
    "\n"
    "exit status: 0 explained; 1 KB is not in the bundle, or explained and it\n"
    "has an error finding (missing-prerequisite, dependency-cycle, ...); 2 usage error.\n";

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
int ps_plan_parse_options(ps_cli *cli, plan_ctx *c, int argc, char **argv, const char *usage)
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
    int ch, r;
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
        default:
            if ((r = ps_cli_shared_option(cli, c->cmd, ch, argv, usage, &c->sh)) >= 0)
                return r;
        }
    }
    c->first_arg = optind;
    return -1;
bad:
    return ps_cli_bad_option(cli, c->cmd, bad, usage);
}
