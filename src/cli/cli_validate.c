/*
 * cli_validate.c - `patchseq validate` (a bundle checked for CI: findings,
 * exit status, JSON, JUnit, the bundle lock) and `patchseq lock`.
 *
 * The options, the order of the work and the exit status: the checks are
 * check/validate.c's, the reports emit/validate_report.c's and the JUnit
 * testcases emit/junit.c's.
 *
 * Waivers (--waive CODE[:KB], --waivers FILE) mark the findings they match
 * as waived: still shown, never failing.  A waiver past its expiry date is
 * an expired-waiver warning and waives nothing; a waiver that matches no
 * finding is an unused-waiver information, so that stale waivers are seen.
 */
#include "cli.h"
#include "alloc.h"
#include "escape.h"
#include "inventory.h"
#include "fleet.h"
#include "junit.h"
#include "kb.h"
#include "lock.h"
#include "plan.h"
#include "validate.h"
#include "validate_report.h"
#include "waivers.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char validate_usage[] =
    "usage: patchseq validate [OPTIONS] PATH...\n"
    "\n"
    "Checks a bundle of update packages for CI: everything `plan` finds for\n"
    "every architecture, plus Update Catalog file names whose SHA-1 is not the\n"
    "file's (hash-mismatch), the same bytes under two names (duplicate),\n"
    "updates the knowledge base does not know (unknown-update) and, with\n"
    "--lock, files added, missing or changed since the bundle was locked.\n"
    "Every package is read in full (hashed).\n"
    "\n"
    "options:\n"
    "  --format FORMAT     text (default: one line per finding, then a summary)\n"
    "                      or json (schema patchseq.validate/1)\n"
    "  --junit FILE        also write a JUnit XML report to FILE (atomically):\n"
    "                      one testcase per package and per OS and architecture\n"
    "                      plan, each error finding (with --strict, each\n"
    "                      warning too) a failure; '-' writes only the XML to\n"
    "                      standard output (the report goes to standard error)\n"
    "  --installed FILE    validate against what a machine already has\n"
    "                      (systeminfo /fo csv, wmic qfe or Get-HotFix CSV, or a\n"
    "                      list of KBs); only its architecture is checked when the\n"
    "                      file names one.  Repeat it or give a folder for a fleet\n"
    "                      (one machine per file): it fails when any machine's\n"
    "                      plan has an error, and --junit has one testcase per\n"
    "                      machine\n"
    "  --strict            warnings fail too (exit 1)\n"
    "  --rules DIR         the knowledge dir (rules/ and manifests/)\n"
    "  --lock FILE         check the bundle against a lock made by `patchseq lock`\n"
    "                      with the same PATH arguments\n"
    "  --waive CODE[:KB]   waive the findings of CODE (of KB only, with :KB): they\n"
    "                      are shown, marked waived, and do not fail; repeatable\n"
    "  --waivers FILE      waivers, one a line: CODE[:KB] [expires=YYYY-MM-DD]\n"
    "                      REASON ('#' starts a comment); an expired waiver\n"
    "                      waives nothing and is a warning (expired-waiver), a\n"
    "                      waiver that matches nothing is information\n"
    "                      (unused-waiver)\n"
    "  -o, --output FILE   write the report to FILE (atomically) instead of\n"
    "                      standard output ('-': standard output)\n"
    "  -q, --quiet         only the findings, no summary line\n"
    "  -v, --verbose       also what was read, from where, how long\n"
    "  --no-progress       no progress bar\n"
    "  --files-from FILE   the PATHs, one a line ('-' as a PATH: from stdin)\n"
    "  -h, --help          show this help\n"
    "\n"
    "A PATH may be an archive (.zip, .tar, .tar.gz, .7z, .iso): it is read as\n"
    "a folder, streamed.  No package read at all is an error (empty-bundle).\n"
    "\n"
    "exit status: 0 no error finding (with --strict: no warning either);\n"
    "1 error findings (with --strict: or warnings); 2 usage error, or a path,\n"
    "inventory or lock file that cannot be used.\n";

static const char lock_usage[] =
    "usage: patchseq lock [OPTIONS] PATH...\n"
    "\n"
    "Records the bundle under PATH as CI approved it: each package file's path,\n"
    "size and SHA-256, and the digest of its plan (every architecture, nothing\n"
    "installed), as JSON (schema patchseq.lock/1).  `patchseq validate --lock\n"
    "FILE PATH...` later reports files added, missing or changed, and a plan\n"
    "that is no longer the locked one.  Findings go to standard error.\n"
    "\n"
    "options:\n"
    "  --rules DIR         the knowledge dir (rules/ and manifests/)\n"
    "  -o, --output FILE   write the lock to FILE (atomically) instead of\n"
    "                      standard output ('-': standard output)\n"
    "  -q, --quiet         no progress bar\n"
    "  -v, --verbose       also what was read, from where, how long\n"
    "  --no-progress       no progress bar\n"
    "  --files-from FILE   the PATHs, one a line ('-' as a PATH: from stdin)\n"
    "  -h, --help          show this help\n"
    "\n"
    "exit status: 0 locked, no error finding; 1 locked, with error findings;\n"
    "2 usage error or a path that cannot be used.\n";

typedef struct vctx {
    const char *cmd;        /* "validate" or "lock" */
    const char *format;
    const char *junit;
    ps_cli_shared sh;       /* --installed, --rules, -o */
    int is_fleet;           /* several --installed, or a folder */
    ps_fleet fleet;
    const char *lockpath;
    int strict;
    int first_arg;
    ps_kb kb;
    ps_inventory inv;
    ps_plan_opts popts;
    ps_bundle bundle;
    ps_findings f;
    ps_plan plan;
    ps_lock locked;
    ps_lock now;
    const char **waive;     /* --waive values */
    size_t n_waive;
    const char *waivers;    /* --waivers FILE */
    ps_waivers w;
} vctx;

static void ctx_free(vctx *c)
{
    ps_waivers_free(&c->w);
    free(c->waive);
    ps_fleet_free(&c->fleet);
    ps_cli_shared_free(&c->sh);
    ps_plan_free(&c->plan);
    ps_lock_free(&c->locked);
    ps_lock_free(&c->now);
    ps_inventory_free(&c->inv);
    ps_kb_free(&c->kb);
    ps_bundle_free(&c->bundle);
    ps_findings_free(&c->f);
}

/* Returns -1 to go on, or the exit code. */
static int parse_options(ps_cli *cli, vctx *c, int argc, char **argv, const char *usage)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"junit", required_argument, NULL, 'j'},
        {"installed", required_argument, NULL, 'i'},
        {"strict", no_argument, NULL, 's'},
        {"rules", required_argument, NULL, 'r'},
        {"lock", required_argument, NULL, 'l'},
        {"output", required_argument, NULL, 'o'},
        {"waive", required_argument, NULL, 'W'},
        {"waivers", required_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool is_validate = strcmp(c->cmd, "validate") == 0;
    int ch, r;

    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        if (!is_validate && ch != 'r' && ch != 'o' && ch != 'h' && ch != ':')
            return ps_cli_bad_option(cli, c->cmd, argv[optind - 1], usage);
        switch (ch) {
        case 'f':
            if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0) {
                fprintf(cli->err, "patchseq validate: unknown format '%s' (text, json)\n", optarg);
                return 2;
            }
            c->format = optarg;
            break;
        case 'j':
            c->junit = optarg;
            break;
        case 's':
            c->strict = 1;
            break;
        case 'l':
            c->lockpath = optarg;
            break;
        case 'W': {
            const char **n = ps_realloc(c->waive, (c->n_waive + 1) * sizeof *n);

            if (n == NULL) {
                fprintf(cli->err, "patchseq %s: out of memory\n", c->cmd);
                return 2;
            }
            c->waive = n;
            c->waive[c->n_waive++] = optarg;
            break;
        }
        case 'F':
            c->waivers = optarg;
            break;
        default:
            if ((r = ps_cli_shared_option(cli, c->cmd, ch, argv, usage, &c->sh)) >= 0)
                return r;
        }
    }
    c->first_arg = optind;
    if (c->first_arg >= argc) {
        fprintf(cli->err, "patchseq %s: no PATH given\n%s", c->cmd, usage);
        return 2;
    }
    {
        /* an output that is an input, refused before anything is read */
        const ps_cli_io outs[] = {{"-o", c->sh.outpath}, {"--junit", c->junit}};
        ps_cli_io *ins = ps_calloc(c->sh.n_installed + 2, sizeof *ins);
        size_t n = 0;

        if (ins == NULL) {
            fprintf(cli->err, "patchseq %s: out of memory\n", c->cmd);
            return 2;
        }
        c->is_fleet = ps_cli_shared_inputs(&c->sh, ins, &n);
        ins[n++] = (ps_cli_io){"--rules", c->sh.rules};
        ins[n++] = (ps_cli_io){"--lock", c->lockpath};
        r = ps_cli_check_run(cli, c->cmd, outs, PS_ARRAY_LEN(outs), ins, n, argv + c->first_arg,
                             argc - c->first_arg);
        free(ins);
        if (r != 0)
            return 2;
    }
    return -1;
}

/* ---- waivers ------------------------------------------------------ */

#define WAIVERS_MAX_BYTES (1u << 20)

/* --waive values and the lines of --waivers.  0, or 2 after a message. */
static int load_waivers(ps_cli *cli, vctx *c)
{
    ps_buf b = {0};
    char chunk[4096], msg[512];
    FILE *fp;
    size_t got;
    int rc = 2;

    for (size_t i = 0; i < c->n_waive; i++)
        if (ps_waivers_add_spec(&c->w, c->waive[i], msg, sizeof msg) != 0) {
            fprintf(cli->err, "patchseq validate: --waive %s: %s\n", c->waive[i], msg);
            return 2;
        }
    if (c->waivers == NULL)
        return 0;
    fp = fopen(c->waivers, "rb");
    if (fp == NULL) {
        fprintf(cli->err, "patchseq validate: %s: cannot open the waivers\n", c->waivers);
        return 2;
    }
    b.max = WAIVERS_MAX_BYTES;
    while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0)
        if (ps_buf_append(&b, chunk, got) != 0) {
            fprintf(cli->err, "patchseq validate: %s: larger than 1 MiB\n", c->waivers);
            goto out;
        }
    if (ferror(fp)) {
        fprintf(cli->err, "patchseq validate: %s: read error\n", c->waivers);
        goto out;
    }
    if (ps_waivers_parse(&c->w, b.data ? b.data : "", b.len, c->waivers, msg, sizeof msg) != 0) {
        fprintf(cli->err, "patchseq validate: %s:%s\n", c->waivers, msg);
        goto out;
    }
    rc = 0;
out:
    fclose(fp);
    ps_buf_free(&b);
    return rc;
}

/* Marks the findings the waivers match; then the waiver findings. */
/* ------------------------------------------------------------------ */
/* Knowledge, inventory, bundle, plan                                  */
/* ------------------------------------------------------------------ */

/* Returns 0, or the exit code (2). */
static int load_all(ps_cli *cli, vctx *c, char **paths, int npaths)
{
    ps_read_opts ropts;
    char msg[1024] = "";
    int r;

    if ((r = ps_cli_load_kb(cli, c->cmd, c->sh.rules, &c->kb, &c->f)) != 0)
        return r;
    if ((r = ps_cli_load_installed(cli, c->cmd, &c->sh, c->is_fleet, 0, &c->fleet, &c->inv,
                                   &c->popts)) != 0)
        return r;
    if (c->lockpath && ps_lock_load(&c->locked, c->lockpath, msg, sizeof msg) != 0) {
        fprintf(cli->err, "patchseq %s: %s\n", c->cmd, msg);
        return 2;
    }
    ps_read_opts_default(&ropts);
    /* Every byte of every package is hashed now: integrity checks do not
     * rest on an earlier run's metadata cache. */
    ropts.hash = 1;
    ropts.no_cache = 1;
    if ((r = ps_cli_read_bundle(cli, &c->bundle, paths, npaths, &ropts, &c->f)) != 0)
        return r;
    if (c->is_fleet) {
        /* each machine's plan is judged; the plan of no machine is not */
        ps_findings scratch = {0};

        r = ps_fleet_plan(&c->fleet, &c->bundle, &c->kb, &c->popts, &c->f);
        if (r == 0)
            r = ps_plan_build(&c->plan, &c->bundle, &c->kb, &c->popts, &scratch);
        ps_findings_free(&scratch);
        if (r != 0)
            goto oom;
        return 0;
    }
    if (ps_plan_build(&c->plan, &c->bundle, &c->kb, &c->popts, &c->f) != 0)
        goto oom;
    return 0;
oom:
    fprintf(cli->err, "patchseq %s: out of memory\n", c->cmd);
    return 2;
}

/* ------------------------------------------------------------------ */
/* The JUnit report                                                    */
/* ------------------------------------------------------------------ */

static int write_junit(ps_cli *cli, const vctx *c, const ps_validate_view *v)
{
    ps_junit j = {0};
    ps_buf b = {0};
    char msg[512] = "";
    int rc = 2;

    if (ps_junit_from_validate(&j, v) != 0) {
        fprintf(cli->err, "patchseq validate: out of memory\n");
        goto out;
    }
    if (ps_junit_render(&j, "patchseq validate", &b, msg, sizeof msg) != 0) {
        fprintf(cli->err, "patchseq validate: %s\n", msg);
        goto out;
    }
    rc = ps_cli_emit(cli, c->junit, b.data ? b.data : "", b.len);
out:
    ps_junit_free(&j);
    ps_buf_free(&b);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Commands                                                            */
/* ------------------------------------------------------------------ */

int ps_cmd_validate(ps_cli *cli, int argc, char **argv)
{
    vctx c;
    ps_validate_view view;
    char *doc = NULL;
    size_t len = 0;
    int rc, ok;

    memset(&c, 0, sizeof c);
    c.cmd = "validate";
    c.format = "text";
    ps_plan_opts_default(&c.popts);
    if ((rc = parse_options(cli, &c, argc, argv, validate_usage)) >= 0)
        goto out;
    if ((rc = load_waivers(cli, &c)) != 0)
        goto out;
    if ((rc = load_all(cli, &c, argv + c.first_arg, argc - c.first_arg)) != 0)
        goto out;
    if (ps_validate_checks(&c.bundle, &c.kb, c.popts.arch_mask, &c.f) != 0)
        goto oom;
    if (c.lockpath &&
        ps_validate_lock(&c.now, &c.locked, c.lockpath, &c.bundle, &c.kb, &c.plan,
                         c.popts.inventory == NULL && c.popts.arch_mask == 0,
                         (const char *const *)(argv + c.first_arg), (size_t)(argc - c.first_arg),
                         &c.f) != 0)
        goto oom;
    if (ps_validate_waive(&c.w, &c.f) != 0)
        goto oom;
    ps_findings_sort(&c.f);
    view = (ps_validate_view){&c.bundle, &c.plan, &c.f, c.is_fleet ? &c.fleet : NULL,
                              c.lockpath, c.now.plan_digest, c.locked.plan_digest, c.strict,
                              cli->quiet, 0};
    ok = ps_validate_passed(&view);
    if (c.junit && (rc = write_junit(cli, &c, &view)) != 0)
        goto out;
    {
        /* --junit -: standard output holds the XML only; the report goes
         * to standard error unless -o names a file */
        int to_err = c.junit && strcmp(c.junit, "-") == 0 &&
                     (c.sh.outpath == NULL || strcmp(c.sh.outpath, "-") == 0);
        FILE *dest = to_err ? cli->err
                     : (c.sh.outpath == NULL || strcmp(c.sh.outpath, "-") == 0) ? cli->out : NULL;

        view.color = strcmp(c.format, "text") == 0 && ps_cli_color(cli, dest);
        doc = strcmp(c.format, "json") == 0 ? ps_validate_render_json(&view, ok, &len)
                                             : ps_validate_render_text(&view, ok, &len);
        if (doc == NULL)
            goto oom;
        if (to_err) {
            ps_cli ecli = *cli;

            ecli.out = cli->err;
            rc = ps_cli_emit(&ecli, NULL, doc, len);
        } else {
            rc = ps_cli_emit(cli, c.sh.outpath, doc, len);
        }
    }
    if (rc == 0)
        rc = ok ? 0 : 1;
    goto out;
oom:
    fprintf(cli->err, "patchseq validate: out of memory\n");
    rc = 2;
out:
    free(doc);
    ctx_free(&c);
    return rc;
}

int ps_cmd_lock(ps_cli *cli, int argc, char **argv)
{
    vctx c;
    ps_buf b = {0};
    char *doc = NULL;
    size_t len = 0;
    int rc;

    memset(&c, 0, sizeof c);
    c.cmd = "lock";
    ps_plan_opts_default(&c.popts);
    if ((rc = parse_options(cli, &c, argc, argv, lock_usage)) >= 0)
        goto out;
    if ((rc = load_all(cli, &c, argv + c.first_arg, argc - c.first_arg)) != 0)
        goto out;
    if (ps_lock_build(&c.now, &c.bundle, &c.plan, (const char *const *)(argv + c.first_arg),
                      (size_t)(argc - c.first_arg), &c.f) != 0)
        goto oom;
    doc = ps_lock_render(&c.now, &len);
    if (doc == NULL)
        goto oom;
    ps_findings_sort(&c.f);
    ps_findings_render_text(&b, &c.f);
    if (b.data)
        fputs(b.data, cli->err);
    rc = ps_cli_emit(cli, c.sh.outpath, doc, len);
    if (rc == 0)
        rc = ps_cli_exit_code(&c.f, 0);
    goto out;
oom:
    fprintf(cli->err, "patchseq lock: out of memory\n");
    rc = 2;
out:
    free(doc);
    ps_buf_free(&b);
    ctx_free(&c);
    return rc;
}