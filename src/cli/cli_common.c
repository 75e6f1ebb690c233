/*
 * cli_common.c - what the commands share: writing the output, refusing an
 * output that is an input, the exit code, and loading the knowledge base,
 * the inventory and the bundle with the CLI's messages.
 */
#include "cli_common.h"

#include "escape.h"
#include "progress.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

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
    ps_cli_io *all = ps_calloc(n ? n : 1, sizeof *all);
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
                    p->kb ? p->kb : "no KB", p->kb_source ? ps_kb_source_name(p->kb_source) : "-",
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
