/*
 * cli.c - command dispatch and what the commands share.
 */
#include "cli.h"

#include "config.h"
#include "escape.h"
#include "progress.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char usage_text[] =
    "usage: patchseq COMMAND [OPTIONS] ...\n"
    "\n"
    "Turns a folder of Windows update packages (.msu, .cab) into a safe,\n"
    "explained install order per architecture, from the packages' own metadata.\n"
    "\n"
    "commands:\n"
    "  inspect   [--format text|json] [--hash] PATH...\n"
    "            show what each package says of itself\n"
    "  plan      [--arch x86|x64|ia64]... [--format text|json|md|dot|cmd|ps1]\n"
    "            [--installed FILE] [--rules DIR] [--keep-superseded]\n"
    "            [--window MINUTES] [-o FILE] PATH...\n"
    "            the install order, per OS and architecture, with reboots\n"
    "  validate  [--format text|json] [--junit FILE] [--installed FILE] [--strict]\n"
    "            [--rules DIR] [--lock FILE] [--waive CODE[:KB]] [--waivers FILE]\n"
    "            [-o FILE] PATH...\n"
    "            check a bundle for CI\n"
    "  lock      [--rules DIR] [-o FILE] PATH...\n"
    "            record the files and plan of an approved bundle\n"
    "  explain   KB PATH...\n"
    "            why a KB is where it is in the plan, or why it was skipped\n"
    "  diff      [--format text|json|md] [--rules DIR] [-o FILE] OLD NEW\n"
    "            what a bundle change does to the plans (bundles, locks or\n"
    "            plan --format json outputs)\n"
    "  rules check [DIR]\n"
    "            validate and cross-check the knowledge base\n"
    "\n"
    "  patchseq --help | --version;  patchseq COMMAND --help (or help COMMAND)\n"
    "\n"
    "every command that reads a bundle also takes:\n"
    "  -q, --quiet         only the findings (no summary, no progress bar)\n"
    "  -v, --verbose       also what was read, from where, and how long it took\n"
    "  --no-progress       no progress bar (there is one only on a terminal whose\n"
    "                      TERM is not dumb)\n"
    "  --files-from FILE   read the PATHs from FILE, one a line ('-': stdin);\n"
    "                      a PATH '-' reads them from standard input\n"
    "  -o -                standard output (the default)\n"
    "colour only on a terminal, never with NO_COLOR set.\n"
    "\n"
    "exit status: 0 done, no error finding; 1 done, with error findings;\n"
    "2 usage error or a path that cannot be used.\n";

static int dispatch(ps_cli *cli, int argc, char **argv)
{
    const char *cmd = argv[1];

    if (strcmp(cmd, "inspect") == 0)
        return ps_cmd_inspect(cli, argc - 1, argv + 1);
    if (strcmp(cmd, "plan") == 0)
        return ps_cmd_plan(cli, argc - 1, argv + 1);
    if (strcmp(cmd, "explain") == 0)
        return ps_cmd_explain(cli, argc - 1, argv + 1);
    if (strcmp(cmd, "validate") == 0)
        return ps_cmd_validate(cli, argc - 1, argv + 1);
    if (strcmp(cmd, "lock") == 0)
        return ps_cmd_lock(cli, argc - 1, argv + 1);
    if (strcmp(cmd, "diff") == 0)
        return ps_cmd_diff(cli, argc - 1, argv + 1);
    if (strcmp(cmd, "rules") == 0)
        return ps_cmd_rules(cli, argc - 1, argv + 1);
    return ps_cli_unknown_command(cli, cmd);
}

int ps_cli_run_io(int argc, char **argv, FILE *in, FILE *out, FILE *err)
{
    ps_cli cli = {out, err, in, 0, 0, 0};
    ps_argv a;
    const char *cmd;
    int rc;

    if (argc < 2) {
        fputs(usage_text, err);
        return 2;
    }
    cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        (strcmp(cmd, "help") == 0 && argc == 2)) {
        fputs(usage_text, out);
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        /* help CMD is CMD --help */
        char *hv[4] = {argv[0], argv[2], (char *)"--help", NULL};

        if (argc > 3) {
            fprintf(err, "patchseq help: give one command\n");
            return 2;
        }
        return dispatch(&cli, 3, hv);
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        fprintf(out, "patchseq %s\n", PS_VERSION);
        return 0;
    }
    if (strcmp(cmd, "completion") == 0) {
        size_t len = 0;
        char *doc;

        if (argc != 3 || strcmp(argv[2], "bash") != 0) {
            fprintf(err, "usage: patchseq completion bash\n");
            return 2;
        }
        doc = ps_cli_completion_bash(&len);
        if (doc == NULL) {
            fprintf(err, "patchseq: out of memory\n");
            return 2;
        }
        rc = ps_cli_emit(&cli, NULL, doc, len);
        free(doc);
        return rc;
    }
    if ((rc = ps_cli_prepare(&cli, argc, argv, &a)) != 0)
        return rc;
    rc = dispatch(&cli, a.argc, a.argv);
    ps_argv_free(&a, argv);
    return rc;
}

int ps_cli_run(int argc, char **argv, FILE *out, FILE *err)
{
    return ps_cli_run_io(argc, argv, stdin, out, err);
}

int ps_cli_emit(ps_cli *cli, const char *path, const char *data, size_t len)
{
    char msg[1024];

    if (path == NULL || strcmp(path, "-") == 0) {
        /* A reader that closed the pipe (| head -1) took what it wanted:
         * the run ends quietly with its own exit status (SIGPIPE is
         * ignored by main).  Any other write error is a message and 2. */
        if ((len && fwrite(data, 1, len, cli->out) != len) || fflush(cli->out) != 0) {
            if (errno == EPIPE)
                return 0;
            fprintf(cli->err, "patchseq: cannot write output: %s\n", strerror(errno));
            return 2;
        }
        return 0;
    }
    if (ps_write_atomic(path, data, len, msg, sizeof msg) != 0) {
        fprintf(cli->err, "patchseq: %s\n", msg);
        return 2;
    }
    return 0;
}

/* What a path names: a regular file (dev, ino), a non-regular one, or
 * nothing yet (then its canonical path). */
struct ident {
    int exists, regular, dir;
    dev_t dev;
    ino_t ino;
    char *canon; /* realpath, or realpath(folder)/name for an absent file */
};

static void ident_of(const char *path, struct ident *id)
{
    struct stat st;

    memset(id, 0, sizeof *id);
    if (stat(path, &st) == 0) {
        id->exists = 1;
        id->regular = S_ISREG(st.st_mode);
        id->dir = S_ISDIR(st.st_mode);
        id->dev = st.st_dev;
        id->ino = st.st_ino;
        id->canon = realpath(path, NULL);
        return;
    }
    {
        const char *slash = strrchr(path, '/');
        char *dir = slash ? ps_strndup(path, slash == path ? 1 : (size_t)(slash - path))
                          : ps_strdup(".");
        char *rdir = dir ? realpath(dir, NULL) : NULL;

        if (rdir != NULL)
            id->canon = ps_asprintf("%s/%s", strcmp(rdir, "/") == 0 ? "" : rdir,
                                    slash ? slash + 1 : path);
        free(rdir);
        free(dir);
    }
}

static int same_file(const struct ident *a, const struct ident *b)
{
    if (a->exists && b->exists)
        return a->dev == b->dev && a->ino == b->ino;
    return !a->exists && !b->exists && a->canon && b->canon && strcmp(a->canon, b->canon) == 0;
}

int ps_cli_check_paths(ps_cli *cli, const char *cmd, const ps_cli_io *outs, size_t nout,
                       const ps_cli_io *ins, size_t nin)
{
    int rc = 0;

    for (size_t i = 0; i < nout && rc == 0; i++) {
        struct ident o;

        if (outs[i].path == NULL || strcmp(outs[i].path, "-") == 0)
            continue;
        ident_of(outs[i].path, &o);
        if (o.dir) {
            ps_buf m = {0};

            ps_esc_printf(&m, ps_esc_text, "patchseq %s: %s %s: is a directory\n", cmd,
                          outs[i].what, outs[i].path);
            fputs(m.data ? m.data : "", cli->err);
            ps_buf_free(&m);
            free(o.canon);
            rc = 2;
            break;
        }
        if (o.exists && !o.regular) {
            free(o.canon);
            continue; /* a device, FIFO or socket (a directory fails at writing) */
        }
        for (size_t j = 0; j < nin && rc == 0; j++) {
            struct ident in;
            size_t n;

            if (ins[j].path == NULL)
                continue;
            ident_of(ins[j].path, &in);
            if (same_file(&o, &in) ||
                (in.dir && o.exists && in.canon && o.canon && (n = strlen(in.canon)) > 0 &&
                 strncmp(o.canon, in.canon, n) == 0 && (o.canon[n] == '/' || in.canon[n - 1] == '/')))
                rc = 2;
            if (rc == 2) {
                ps_buf m = {0};

                ps_esc_printf(&m, ps_esc_text,
                              "patchseq %s: %s %s is also an input (%s %s): refused, nothing "
                              "was read or written\n",
                              cmd, outs[i].what, outs[i].path, ins[j].what, ins[j].path);
                fputs(m.data ? m.data : "", cli->err);
                ps_buf_free(&m);
            }
            free(in.canon);
        }
        for (size_t j = i + 1; j < nout && rc == 0; j++) {
            struct ident other;

            if (outs[j].path == NULL || strcmp(outs[j].path, "-") == 0)
                continue;
            ident_of(outs[j].path, &other);
            if (same_file(&o, &other)) {
                ps_buf m = {0};

                ps_esc_printf(&m, ps_esc_text,
                              "patchseq %s: %s %s and %s %s are the same file: refused, nothing "
                              "was read or written\n",
                              cmd, outs[i].what, outs[i].path, outs[j].what, outs[j].path);
                fputs(m.data ? m.data : "", cli->err);
                ps_buf_free(&m);
                rc = 2;
            }
            free(other.canon);
        }
        free(o.canon);
    }
    return rc;
}

int ps_cli_check_run(ps_cli *cli, const char *cmd, const ps_cli_io *outs, size_t nout,
                     const ps_cli_io *ins, size_t nin, char **paths, int npaths)
{
    size_t n = nin + (npaths > 0 ? (size_t)npaths : 0);
    ps_cli_io *all = calloc(n ? n : 1, sizeof *all);
    int rc;

    if (all == NULL) {
        fprintf(cli->err, "patchseq %s: out of memory\n", cmd);
        return 2;
    }
    for (size_t i = 0; i < nin; i++)
        all[i] = ins[i];
    for (int i = 0; i < npaths; i++) {
        all[nin + (size_t)i].what = "PATH";
        all[nin + (size_t)i].path = paths[i];
    }
    rc = ps_cli_check_paths(cli, cmd, outs, nout, all, n);
    free(all);
    return rc;
}

int ps_cli_exit_code(const ps_findings *f, int strict)
{
    int max = -1;

    /* a waived finding is shown, never failing */
    for (size_t i = 0; i < f->count; i++)
        if (!f->items[i].waived && (int)f->items[i].severity > max)
            max = (int)f->items[i].severity;
    if (max >= (int)PS_SEV_ERROR || (strict && max >= (int)PS_SEV_WARNING))
        return 1;
    return 0;
}

void ps_findings_render_text(ps_buf *b, const ps_findings *f)
{
    ps_findings_render_text_color(b, f, 0);
}

void ps_findings_render_text_color(ps_buf *b, const ps_findings *f, int color)
{
    static const char *const sev_color[] = {"\033[36m", "\033[33m", "\033[1;31m"};

    for (size_t i = 0; i < f->count; i++) {
        const ps_finding *it = &f->items[i];

        if (it->file)
            ps_esc_printf(b, ps_esc_text, "%s: ", it->file);
        if (it->member && it->line)
            ps_esc_printf(b, ps_esc_text, "%s:%u: ", it->member, it->line);
        else if (it->member)
            ps_esc_printf(b, ps_esc_text, "%s: ", it->member);
        else if (it->line)
            ps_esc_printf(b, ps_esc_text, "line %u: ", it->line);
        if (color && (unsigned)it->severity <= PS_SEV_ERROR)
        {
            /* the colour is the template's; the names go through the escaper */
            ps_buf_puts(b, sev_color[it->severity]);
            ps_esc_printf(b, ps_esc_text, "%s", ps_severity_name(it->severity));
            ps_buf_puts(b, "\033[0m");
            ps_esc_printf(b, ps_esc_text, ": %s", ps_finding_code_name(it->code));
        } else
            ps_esc_printf(b, ps_esc_text, "%s: %s", ps_severity_name(it->severity),
                          ps_finding_code_name(it->code));
        if (it->arch != PS_ARCH_NONE)
            ps_esc_printf(b, ps_esc_text, " [%s]", ps_arch_name(it->arch));
        if (it->waived)
            ps_buf_puts(b, " (waived)");
        ps_esc_printf(b, ps_esc_text, ": %s\n", it->message);
    }
}

int ps_cli_read_bundle(ps_cli *cli, ps_bundle *b, char **paths, int npaths,
                       const ps_read_opts *opts, ps_findings *f)
{
    char msg[1024] = "";
    ps_read_opts o = *opts;
    ps_progress_bar bar;
    int r;

    struct timespec t0, t1;
    size_t first = b->count;

    if (npaths <= 0) {
        fprintf(cli->err, "patchseq: no PATH given\n");
        return 2;
    }
    memset(&bar, 0, sizeof bar);
    if (ps_cli_progress_wanted(cli))
        ps_progress_attach(&bar, cli->err, &o); /* a bar only when stderr is a terminal */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = ps_bundle_read(b, (const char *const *)paths, (size_t)npaths, &o, f, msg, sizeof msg);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ps_progress_finish(&bar);
    if (r != 0) {
        fprintf(cli->err, "patchseq: %s\n", msg[0] ? msg : "cannot read the bundle");
        return 2;
    }
    if (cli->verbose) {
        /* file names are in their display form (\\xHH), KBs and OS normalised */
        for (size_t i = first; i < b->count; i++) {
            const ps_package *p = &b->items[i];

            fprintf(cli->err, "patchseq: read %s: %s (from %s), %s, Windows %s%s\n", p->file,
                    p->kb ? p->kb : "no KB", p->kb_source ? p->kb_source : "-",
                    p->arch != PS_ARCH_NONE ? ps_arch_name(p->arch) : "no arch",
                    p->os ? p->os : "unknown", p->path ? "" : " (inside an archive)");
        }
        fprintf(cli->err, "patchseq: read %zu package%s from %d path%s in %.2f s%s\n",
                b->count - first, b->count - first == 1 ? "" : "s", npaths,
                npaths == 1 ? "" : "s",
                (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
                o.hash ? ", every byte hashed" : "");
    }
    return 0;
}

int ps_cli_load_kb(ps_cli *cli, const char *cmd, const char *rules, ps_kb *kb, ps_findings *f)
{
    char msg[1024] = "";

    if (ps_kb_load(kb, rules ? rules : ps_kb_default_dir(), f, msg, sizeof msg) < 0) {
        fprintf(cli->err, "patchseq %s: %s\n", cmd, msg[0] ? msg : "no knowledge base");
        return 2;
    }
    return 0;
}

int ps_cli_load_inventory(ps_cli *cli, const char *cmd, const char *path, ps_inventory *inv)
{
    char msg[1024] = "";

    if (ps_inventory_load(path, inv, msg, sizeof msg) != 0) {
        fprintf(cli->err, "patchseq %s: %s\n", cmd, msg);
        return 2;
    }
    return 0;
}
