/*
 * cli_validate.c - `patchseq validate` (a bundle checked for CI: findings,
 * exit status, JSON, JUnit, the bundle lock) and `patchseq lock`.
 *
 * validate = everything the planner finds for every architecture (or the
 * inventory's), plus what only reading every byte can tell:
 *   - hash-mismatch: a Microsoft Update Catalog file name
 *     ("windows6.0-kb4474419-v4-x64_<sha1>.msu") whose SHA-1 is not the
 *     file's, or (with --lock) a file whose bytes changed since the lock;
 *   - duplicate: the same bytes under two names;
 *   - unknown-update: a package whose KB the knowledge base does not know,
 *     so that it is planned from its own metadata only;
 *   - lock-mismatch (with --lock): files added or missing, another plan;
 *   - name-mismatch: a file name that names another KB than update.mum.
 *
 * Waivers (--waive CODE[:KB], --waivers FILE) mark the findings they match
 * as waived: still shown, never failing.  A waiver past its expiry date is
 * an expired-waiver warning and waives nothing; a waiver that matches no
 * finding is an unused-waiver information, so that stale waivers are seen.
 */
#include "cli.h"
#include "escape.h"
#include "inventory.h"
#include "fleet.h"
#include "junit.h"
#include "kb.h"
#include "lock.h"
#include "plan.h"
#include "waivers.h"

#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

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
    const char *installed;
    char **installed_v;     /* every --installed */
    size_t n_installed;
    int is_fleet;           /* several --installed, or a folder */
    ps_fleet fleet;
    const char *rules;
    const char *lockpath;
    const char *outpath;
    int strict;
    int quiet;              /* --quiet: findings only */
    int color;              /* the report goes to a terminal that takes colour */
    int first_arg;
    ps_kb kb;
    ps_inventory inv;
    ps_plan_opts popts;
    ps_bundle bundle;
    ps_findings f;
    ps_plan plan;
    ps_plan lock_plan;      /* every architecture, nothing installed (when plan is not) */
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
    ps_strv_free(&c->installed_v, &c->n_installed);
    ps_plan_free(&c->plan);
    ps_plan_free(&c->lock_plan);
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
    const char *bad = NULL;
    int ch;

    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        if (!is_validate && ch != 'r' && ch != 'o' && ch != 'h' && ch != ':') {
            bad = argv[optind - 1];
            goto bad;
        }
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
        case 'i':
            c->installed = optarg;
            if (ps_strv_push(&c->installed_v, &c->n_installed, optarg) != 0) {
                fprintf(cli->err, "patchseq %s: out of memory\n", c->cmd);
                return 2;
            }
            break;
        case 's':
            c->strict = 1;
            break;
        case 'r':
            c->rules = optarg;
            break;
        case 'l':
            c->lockpath = optarg;
            break;
        case 'o':
            c->outpath = optarg;
            break;
        case 'W': {
            const char **n = realloc(c->waive, (c->n_waive + 1) * sizeof *n);

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
    if (c->first_arg >= argc) {
        fprintf(cli->err, "patchseq %s: no PATH given\n%s", c->cmd, usage);
        return 2;
    }
    {
        /* an output that is an input, refused before anything is read */
        const ps_cli_io outs[] = {{"-o", c->outpath}, {"--junit", c->junit}};
        ps_cli_io *ins = calloc(c->n_installed + 2, sizeof *ins);
        size_t n = 0;
        int r;

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
        ins[n++] = (ps_cli_io){"--lock", c->lockpath};
        r = ps_cli_check_run(cli, c->cmd, outs, PS_ARRAY_LEN(outs), ins, n, argv + c->first_arg,
                             argc - c->first_arg);
        free(ins);
        if (r != 0)
            return 2;
    }
    return -1;
bad:
    fprintf(cli->err, "patchseq %s: bad option '%s'\n%s", c->cmd, bad, usage);
    return 2;
}

static bool finding_present(const ps_findings *f, ps_finding_code code, const char *file)
{
    for (size_t i = 0; i < f->count; i++)
        if (f->items[i].code == code && f->items[i].file && file &&
            strcmp(f->items[i].file, file) == 0)
            return true;
    return false;
}

static bool arch_wanted(const vctx *c, ps_arch a)
{
    return c->popts.arch_mask == 0 || a == PS_ARCH_NONE || (c->popts.arch_mask & PS_ARCH_BIT(a));
}

/* ------------------------------------------------------------------ */
/* The checks of validate                                              */
/* ------------------------------------------------------------------ */

/* The SHA-1 an Update Catalog name carries ("..._<40 hex>.msu"), lower
 * case into out; false when the name is not of that form. */
static bool catalog_sha1(const char *base, char out[41])
{
    const char *us = strrchr(base, '_'), *ext;

    if (us == NULL)
        return false;
    ext = us + 41;
    if (strlen(us) != 45 || !(ps_streq_ci(ext, ".msu") || ps_streq_ci(ext, ".cab")))
        return false;
    for (size_t i = 0; i < 40; i++) {
        char ch = us[1 + i];

        if (ch >= 'A' && ch <= 'F')
            ch = (char)(ch - 'A' + 'a');
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
            return false;
        out[i] = ch;
    }
    out[40] = '\0';
    return true;
}

static int check_catalog_names(vctx *c)
{
    for (size_t i = 0; i < c->bundle.count; i++) {
        const ps_package *p = &c->bundle.items[i];
        ps_where w = {p->file, NULL, 0, PS_ARCH_NONE, NULL, p->kb};
        char want[41], got[41], msg[256];

        if (!catalog_sha1(ps_basename(p->file), want))
            continue;
        if (p->hashed)
            memcpy(got, p->sha1, sizeof got);
        else if (p->path == NULL || ps_file_digests(p->path, NULL, got, NULL, msg, sizeof msg) != 0)
            continue; /* the reader has said why it cannot be read */
        if (strcmp(want, got) == 0)
            continue;
        if (ps_findings_add(&c->f, PS_F_HASH_MISMATCH, &w,
                            "the Update Catalog file name says SHA-1 %s but the file's SHA-1 is "
                            "%s: these are not the bytes Microsoft published under that name",
                            want, got) != 0)
            return -1;
    }
    return 0;
}

static int cmp_by_hash(const void *a, const void *b)
{
    const ps_package *x = *(const ps_package *const *)a, *y = *(const ps_package *const *)b;
    int r = strcmp(x->sha256, y->sha256);

    return r ? r : strcmp(x->file, y->file);
}

/* The same bytes under two names: the first name (byte order) is kept,
 * the others are duplicates, unless the planner has already said so. */
static int check_same_bytes(vctx *c)
{
    const ps_package **v;
    size_t n = 0;
    int rc = -1;

    v = malloc((c->bundle.count ? c->bundle.count : 1) * sizeof *v);
    if (v == NULL)
        return -1;
    for (size_t i = 0; i < c->bundle.count; i++)
        if (c->bundle.items[i].hashed)
            v[n++] = &c->bundle.items[i];
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_by_hash);
    for (size_t i = 1, first = 0; i < n; i++) {
        const ps_package *p = v[i], *q = v[first];
        ps_where w = {p->file, NULL, 0, p->arch, p->os, p->kb};

        if (strcmp(p->sha256, q->sha256) != 0) {
            first = i;
            continue;
        }
        if (strcmp(p->file, q->file) == 0 || finding_present(&c->f, PS_F_DUPLICATE, p->file))
            continue;
        if (ps_findings_add(&c->f, PS_F_DUPLICATE, &w, "the same bytes as %s (SHA-256 %s)",
                            q->file, p->sha256) != 0)
            goto out;
    }
    rc = 0;
out:
    free(v);
    return rc;
}

static int check_unknown(vctx *c)
{
    for (size_t i = 0; i < c->bundle.count; i++) {
        const ps_package *p = &c->bundle.items[i];
        ps_where w = {p->file, NULL, 0, p->arch, p->os, p->kb};
        char why[512];
        ps_role role;

        if (!p->readable || p->kb == NULL || p->os == NULL || !arch_wanted(c, p->arch) ||
            ps_kb_rules_for(&c->kb, p->os) == NULL || ps_kb_find(&c->kb, p->os, p->kb) != NULL)
            continue;
        role = ps_kb_classify(&c->kb, p, why, sizeof why);
        if (ps_findings_add(&c->f, PS_F_UNKNOWN_UPDATE, &w,
                            "%s is not in the knowledge base of Windows %s: classified from its "
                            "own metadata only, as %s (%s)",
                            p->kb, p->os, ps_role_name(role), why) != 0)
            return -1;
    }
    return 0;
}

/* The KB a file name names ("...-kb4474419-..."), or "" when none. */
static void kb_of_name(const char *base, char out[24])
{
    out[0] = '\0';
    for (const char *s = base; *s; s++) {
        size_t n = 0;

        if (!((s[0] == 'k' || s[0] == 'K') && (s[1] == 'b' || s[1] == 'B')) ||
            (s > base && isalnum((unsigned char)s[-1])))
            continue;
        while (n < 12 && isdigit((unsigned char)s[2 + n]))
            n++;
        if (n == 0 || isdigit((unsigned char)s[2 + n]))
            continue;
        snprintf(out, 24, "KB%.*s", (int)n, s + 2);
        return;
    }
}

/* A file name that names another KB than the package's own metadata. */
static int check_names(vctx *c)
{
    for (size_t i = 0; i < c->bundle.count; i++) {
        const ps_package *p = &c->bundle.items[i];
        ps_where w = {p->file, NULL, 0, p->arch, p->os, p->kb};
        char named[24];

        if (!p->readable || p->kb == NULL || p->kb_source == PS_KB_SOURCE_NONE ||
            p->kb_source == PS_KB_SOURCE_FILE_NAME)
            continue;
        kb_of_name(ps_basename(p->file), named);
        if (named[0] == '\0' || ps_streq_ci(named, p->kb))
            continue;
        if (ps_findings_add(&c->f, PS_F_NAME_MISMATCH, &w,
                            "the file name says %s but %s says %s: renamed, or the wrong file "
                            "under this name; planned as %s", named, ps_kb_source_name(p->kb_source), p->kb,
                            p->kb) != 0)
            return -1;
    }
    return 0;
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
static int apply_waivers(vctx *c)
{
    char today[16];
    time_t now = time(NULL);
    struct tm tm;

    if (c->w.count == 0)
        return 0;
    if (localtime_r(&now, &tm) == NULL || strftime(today, sizeof today, "%Y-%m-%d", &tm) == 0)
        snprintf(today, sizeof today, "9999-12-31");
    return ps_waivers_apply(&c->w, &c->f, today);
}

/* ------------------------------------------------------------------ */
/* Knowledge, inventory, bundle, plan                                  */
/* ------------------------------------------------------------------ */

/* Returns 0, or the exit code (2). */
static int load_all(ps_cli *cli, vctx *c, char **paths, int npaths)
{
    ps_read_opts ropts;
    char msg[1024] = "";
    int r;

    if ((r = ps_cli_load_kb(cli, c->cmd, c->rules, &c->kb, &c->f)) != 0)
        return r;
    if (c->is_fleet) {
        char **files = NULL;
        size_t nfiles = 0;
        char fmsg[2048];

        if (ps_fleet_files((const char *const *)c->installed_v, c->n_installed, &files, &nfiles,
                           fmsg, sizeof fmsg) != 0 ||
            ps_fleet_load(&c->fleet, files, nfiles, fmsg, sizeof fmsg) != 0) {
            ps_buf m = {0};

            ps_esc_printf(&m, ps_esc_text, "%s", fmsg);
            fprintf(cli->err, "patchseq %s: --installed: %s\n", c->cmd, m.data ? m.data : "");
            ps_buf_free(&m);
            ps_strv_free(&files, &nfiles);
            return 2;
        }
        ps_strv_free(&files, &nfiles);
    } else if (c->installed) {
        if ((r = ps_cli_load_inventory(cli, c->cmd, c->installed, &c->inv)) != 0)
            return r;
        c->popts.inventory = &c->inv;
        if (c->inv.arch != PS_ARCH_NONE)
            c->popts.arch_mask = PS_ARCH_BIT(c->inv.arch);
    }
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

/* The plan a lock digests: every architecture, nothing installed. */
static const ps_plan *plan_for_lock(vctx *c)
{
    ps_findings scratch = {0};
    int r;

    if (c->popts.inventory == NULL && c->popts.arch_mask == 0)
        return &c->plan;
    r = ps_plan_build(&c->lock_plan, &c->bundle, &c->kb, NULL, &scratch);
    ps_findings_free(&scratch);
    return r == 0 ? &c->lock_plan : NULL;
}

/* ------------------------------------------------------------------ */
/* Reports                                                             */
/* ------------------------------------------------------------------ */

static bool fails(const vctx *c, const ps_finding *it)
{
    return !it->waived && (it->severity == PS_SEV_ERROR || (c->strict && it->severity == PS_SEV_WARNING));
}

static bool about_plan(const ps_finding *it, const ps_arch_plan *ap)
{
    return it->arch == ap->arch && it->os && strcmp(it->os, ap->os) == 0;
}

static bool is_package(const vctx *c, const char *file)
{
    for (size_t i = 0; file && i < c->bundle.count; i++)
        if (strcmp(c->bundle.items[i].file, file) == 0)
            return true;
    return false;
}

static void plan_name(char *buf, size_t len, const ps_arch_plan *ap)
{
    snprintf(buf, len, "%s %s", ap->os, ps_arch_name(ap->arch));
}

/* Records a finding on a testcase; with --strict a warning is a failure
 * there too, so that the report agrees with the exit status. */
static int add_finding(const vctx *c, ps_junit_case *jc, const ps_finding *it)
{
    ps_finding copy = *it;

    char *msg = NULL;
    int r;

    if (jc == NULL)
        return -1;
    if (fails(c, it))
        copy.severity = PS_SEV_ERROR;
    else if (it->waived) {
        /* a note, never a failure */
        copy.severity = it->severity == PS_SEV_ERROR ? PS_SEV_WARNING : it->severity;
        msg = ps_asprintf("(waived) %s", it->message);
        if (msg == NULL)
            return -1;
        copy.message = msg;
    }
    r = ps_junit_add_finding(jc, &copy);
    free(msg);
    return r;
}

/* A machine's findings: its inventory's, then its plan's. */
static const ps_findings *machine_findings(const vctx *c, size_t i, int which)
{
    const ps_fleet_machine *m = &c->fleet.machines[i];

    if (which == 0)
        return &m->findings;
    return m->state != PS_NO_NODE ? &c->fleet.states[m->state].findings : NULL;
}

/* 1 when machine i fails: an error finding (with --strict, a warning) in
 * its inventory or its plan. */
static bool machine_fails(const vctx *c, size_t i)
{
    for (int w = 0; w < 2; w++) {
        const ps_findings *f = machine_findings(c, i, w);

        for (size_t k = 0; f && k < f->count; k++)
            if (fails(c, &f->items[k]))
                return true;
    }
    return false;
}

/* A fleet: one testcase per machine, named by the machine, its inventory
 * as the file; its findings on it (those of its plan name their file). */
static int machine_cases(const vctx *c, ps_junit *j)
{
    for (size_t i = 0; i < c->fleet.n_machines; i++) {
        const ps_fleet_machine *m = &c->fleet.machines[i];
        ps_junit_case *jc = ps_junit_add_case(j, "patchseq.machine", m->name, m->inventory);

        if (jc == NULL)
            return -1;
        for (int w = 0; w < 2; w++) {
            const ps_findings *f = machine_findings(c, i, w);

            for (size_t k = 0; f && k < f->count; k++) {
                ps_finding copy = f->items[k];
                char *msg = w && copy.file ? ps_asprintf("%s (%s)", copy.message, copy.file)
                                           : ps_strdup(copy.message);
                int r;

                if (msg == NULL)
                    return -1;
                copy.message = msg;
                r = add_finding(c, jc, &copy);
                free(msg);
                if (r != 0)
                    return -1;
            }
        }
    }
    return 0;
}

/* One testcase per package and per plan; a finding goes to its package's
 * testcase, and also to its plan's (with the file named, since a plan
 * spans files); anything else to a testcase of its own file. */
static int build_junit(const vctx *c, ps_junit *j)
{
    char name[64];

    for (size_t i = 0; i < c->bundle.count; i++) {
        const ps_package *p = &c->bundle.items[i];

        if (ps_junit_find(j, "patchseq.package", p->file) == NULL &&
            ps_junit_add_case(j, "patchseq.package", p->file, p->file) == NULL)
            return -1;
    }
    for (size_t i = 0; !c->is_fleet && i < c->plan.count; i++) {
        plan_name(name, sizeof name, &c->plan.plans[i]);
        if (ps_junit_add_case(j, "patchseq.plan", name, NULL) == NULL)
            return -1;
    }
    if (c->is_fleet && machine_cases(c, j) != 0)
        return -1;
    for (size_t i = 0; i < c->f.count; i++) {
        const ps_finding *it = &c->f.items[i];
        ps_junit_case *jc;
        bool placed = false;

        if (it->file && is_package(c, it->file)) {
            jc = ps_junit_find(j, "patchseq.package", it->file);
            if (add_finding(c, jc, it) != 0)
                return -1;
            placed = true;
        }
        for (size_t k = 0; !c->is_fleet && k < c->plan.count; k++) {
            ps_finding copy = *it;
            char *msg;
            int r;

            if (!about_plan(it, &c->plan.plans[k]))
                continue;
            plan_name(name, sizeof name, &c->plan.plans[k]);
            jc = ps_junit_find(j, "patchseq.plan", name);
            msg = it->file ? ps_asprintf("%s (%s)", it->message, it->file) : ps_strdup(it->message);
            if (jc == NULL || msg == NULL) {
                free(msg);
                return -1;
            }
            copy.message = msg;
            r = add_finding(c, jc, &copy);
            free(msg);
            if (r != 0)
                return -1;
            placed = true;
        }
        if (!placed) {
            const char *cls = it->file == NULL ? "patchseq.bundle"
                              : c->lockpath && strcmp(it->file, c->lockpath) == 0
                                  ? "patchseq.lock"
                                  : "patchseq.file";
            const char *nm = it->file ? it->file : "bundle";

            jc = ps_junit_find(j, cls, nm);
            if (jc == NULL)
                jc = ps_junit_add_case(j, cls, nm, it->file);
            if (add_finding(c, jc, it) != 0)
                return -1;
        }
    }
    return 0;
}

static int write_junit(ps_cli *cli, const vctx *c)
{
    ps_junit j = {0};
    ps_buf b = {0};
    char msg[512] = "";
    int rc = 2;

    if (build_junit(c, &j) != 0) {
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

static char *render_text(const vctx *c, int ok, size_t *len)
{
    ps_buf b = {0};
    size_t n[3];

    count_severities(&c->f, n);
    ps_findings_render_text_color(&b, &c->f, c->color);
    for (size_t i = 0; c->is_fleet && i < c->fleet.n_machines; i++) {
        const ps_fleet_machine *m = &c->fleet.machines[i];

        for (int w = 0; w < 2; w++) {
            const ps_findings *f = machine_findings(c, i, w);

            if (f == NULL || f->count == 0)
                continue;
            ps_esc_printf(&b, ps_esc_text, "machine %s (%s):\n", m->name, m->inventory);
            ps_findings_render_text_color(&b, f, c->color);
        }
    }
    if (c->quiet)
        return ps_buf_steal(&b, len);
    ps_buf_printf(&b, "validate%s: %s: %zu package%s, %zu plan%s", c->strict ? " --strict" : "",
                  ok ? "passed" : "FAILED", c->bundle.count, plural(c->bundle.count),
                  c->plan.count, plural(c->plan.count));
    if (c->lockpath)
        ps_esc_printf(&b, ps_esc_text, ", checked against %s", c->lockpath);
    ps_buf_printf(&b, "; %zu error%s, %zu warning%s, %zu info", n[PS_SEV_ERROR],
                  plural(n[PS_SEV_ERROR]), n[PS_SEV_WARNING], plural(n[PS_SEV_WARNING]),
                  n[PS_SEV_INFO]);
    if (waived_count(&c->f))
        ps_buf_printf(&b, "; %zu waived", waived_count(&c->f));
    if (c->is_fleet) {
        size_t failing = 0;

        for (size_t i = 0; i < c->fleet.n_machines; i++)
            failing += machine_fails(c, i);
        ps_buf_printf(&b, "; %zu machine%s, %zu failing", c->fleet.n_machines,
                      plural(c->fleet.n_machines), failing);
    }
    if (ps_buf_puts(&b, "\n") != 0) {
        ps_buf_free(&b);
        return NULL;
    }
    return ps_buf_steal(&b, len);
}

static json_t *packages_json(const vctx *c)
{
    json_t *a = json_array();

    for (size_t i = 0; a && i < c->bundle.count; i++) {
        const ps_package *p = &c->bundle.items[i];
        bool ok = true;
        json_t *o;

        for (size_t k = 0; k < c->f.count; k++)
            if (c->f.items[k].file && strcmp(c->f.items[k].file, p->file) == 0 &&
                fails(c, &c->f.items[k]))
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

static json_t *plans_json(const vctx *c)
{
    json_t *a = json_array();

    for (size_t i = 0; a && i < c->plan.count; i++) {
        const ps_arch_plan *ap = &c->plan.plans[i];
        size_t installs = 0;
        bool ok = true;
        json_t *o;

        for (size_t k = 0; k < ap->n_steps; k++)
            installs += ap->steps[k].action == PS_STEP_INSTALL;
        for (size_t k = 0; k < c->f.count; k++)
            if (about_plan(&c->f.items[k], ap) && fails(c, &c->f.items[k]))
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

static char *render_json(const vctx *c, int ok, size_t *len)
{
    json_t *root = json_object(), *v;
    size_t n[3];
    int bad = 0;

    if (root == NULL)
        return NULL;
    count_severities(&c->f, n);
    bad |= json_object_set_new(root, "schema", json_string("patchseq.validate/1"));
    bad |= json_object_set_new(root, "ok", json_boolean(ok));
    bad |= json_object_set_new(root, "strict", json_boolean(c->strict));
    v = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "packages", (json_int_t)c->bundle.count,
                  "plans", (json_int_t)c->plan.count, "errors", (json_int_t)n[PS_SEV_ERROR],
                  "warnings", (json_int_t)n[PS_SEV_WARNING], "info", (json_int_t)n[PS_SEV_INFO],
                  "waived", (json_int_t)waived_count(&c->f));
    bad |= v ? json_object_set_new(root, "summary", v) : -1;
    v = packages_json(c);
    bad |= v ? json_object_set_new(root, "packages", v) : -1;
    v = plans_json(c);
    bad |= v ? json_object_set_new(root, "plans", v) : -1;
    if (c->lockpath) {
        v = json_pack("{s:s, s:s, s:s}", "file", c->lockpath, "plan_digest", c->now.plan_digest,
                      "locked_plan_digest", c->locked.plan_digest);
        bad |= v ? json_object_set_new(root, "lock", v) : -1;
    }
    if (c->is_fleet) {
        json_t *ms = json_array();

        for (size_t i = 0; ms && i < c->fleet.n_machines; i++) {
            const ps_fleet_machine *m = &c->fleet.machines[i];
            json_t *fs = ps_findings_to_json(&m->findings), *o;

            if (fs && machine_findings(c, i, 1)) {
                json_t *more = ps_findings_to_json(machine_findings(c, i, 1));

                bad |= more == NULL || json_array_extend(fs, more) != 0;
                json_decref(more);
            }
            o = json_pack("{s:s, s:s, s:s, s:o, s:b, s:o}", "name", m->name, "inventory",
                          m->inventory, "status", ps_fleet_status_name(m->status), "why",
                          m->why ? json_string(m->why) : json_null(), "ok", !machine_fails(c, i),
                          "findings", fs ? fs : json_array());
            bad |= o == NULL || json_array_append_new(ms, o) != 0;
        }
        bad |= ms ? json_object_set_new(root, "machines", ms) : -1;
    }
    v = ps_findings_to_json(&c->f);
    bad |= v ? json_object_set_new(root, "findings", v) : -1;
    if (bad) {
        json_decref(root);
        return NULL;
    }
    return ps_json_dump(root, len);
}

/* ------------------------------------------------------------------ */
/* Commands                                                            */
/* ------------------------------------------------------------------ */

int ps_cmd_validate(ps_cli *cli, int argc, char **argv)
{
    vctx c;
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
    c.quiet = cli->quiet;
    if ((rc = load_all(cli, &c, argv + c.first_arg, argc - c.first_arg)) != 0)
        goto out;
    if (check_catalog_names(&c) != 0 || check_same_bytes(&c) != 0 || check_unknown(&c) != 0 ||
        check_names(&c) != 0)
        goto oom;
    if (c.lockpath) {
        const ps_plan *lp = plan_for_lock(&c);
        ps_findings scratch = {0};
        int r;

        if (lp == NULL)
            goto oom;
        r = ps_lock_build(&c.now, &c.bundle, lp, (const char *const *)(argv + c.first_arg),
                          (size_t)(argc - c.first_arg), &scratch);
        /* the reader has reported what cannot be hashed; keep the rest */
        for (size_t i = 0; r == 0 && i < scratch.count; i++) {
            const ps_finding *it = &scratch.items[i];
            ps_where w = {it->file, it->member, it->line, it->arch, it->os, it->kb};

            if (it->code != PS_F_UNREADABLE_PACKAGE &&
                ps_findings_add(&c.f, it->code, &w, "%s", it->message) != 0)
                r = -1;
        }
        ps_findings_free(&scratch);
        if (r != 0 || ps_lock_compare(&c.locked, &c.now, c.lockpath, &c.f) < 0)
            goto oom;
    }
    if (apply_waivers(&c) != 0)
        goto oom;
    ps_findings_sort(&c.f);
    ok = ps_cli_exit_code(&c.f, c.strict) == 0;
    for (size_t i = 0; c.is_fleet && i < c.fleet.n_machines; i++)
        if (machine_fails(&c, i))
            ok = 0; /* a machine's plan has an error */
    if (c.junit && (rc = write_junit(cli, &c)) != 0)
        goto out;
    {
        /* --junit -: standard output holds the XML only; the report goes
         * to standard error unless -o names a file */
        int to_err = c.junit && strcmp(c.junit, "-") == 0 &&
                     (c.outpath == NULL || strcmp(c.outpath, "-") == 0);
        FILE *dest = to_err ? cli->err
                     : (c.outpath == NULL || strcmp(c.outpath, "-") == 0) ? cli->out : NULL;

        c.color = strcmp(c.format, "text") == 0 && ps_cli_color(cli, dest);
        doc = strcmp(c.format, "json") == 0 ? render_json(&c, ok, &len)
                                             : render_text(&c, ok, &len);
        if (doc == NULL)
            goto oom;
        if (to_err) {
            ps_cli ecli = *cli;

            ecli.out = cli->err;
            rc = ps_cli_emit(&ecli, NULL, doc, len);
        } else {
            rc = ps_cli_emit(cli, c.outpath, doc, len);
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
    rc = ps_cli_emit(cli, c.outpath, doc, len);
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
