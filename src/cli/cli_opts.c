/*
 * cli_opts.c - the one table of the command-line options of every
 * command, and what the commands share through it:
 *
 *   - the conventions every command that reads a bundle follows, handled
 *     here before the command sees its arguments: --quiet, --verbose,
 *     --no-progress, --files-from FILE, and "-" as a PATH (the paths, one
 *     a line, read from standard input);
 *   - "did you mean" for a misspelt command, option or architecture;
 *   - colour and the progress bar only on a terminal (NO_COLOR, TERM=dumb);
 *   - the bash completion script (`patchseq completion bash`), generated
 *     from the table, so that it cannot drift from the options.
 *
 * Each command still parses its own options with getopt_long; the test
 * suite checks that every option a command's --help lists is in the table
 * and every option the table gives a command is in its --help.
 */
#include "cli.h"

#include "escape.h"
#include "fleet.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define C_INSPECT (1u << 0)
#define C_PLAN (1u << 1)
#define C_EXPLAIN (1u << 2)
#define C_VALIDATE (1u << 3)
#define C_LOCK (1u << 4)
#define C_DIFF (1u << 5)
#define C_READS (C_INSPECT | C_PLAN | C_EXPLAIN | C_VALIDATE | C_LOCK | C_DIFF)

enum { COMMON_NONE = 0, COMMON_QUIET, COMMON_VERBOSE, COMMON_NO_PROGRESS, COMMON_FILES_FROM };

typedef struct optdef {
    const char *name;      /* long name, without "--" */
    char short_name;       /* 0 when none */
    int has_arg;
    unsigned cmds;         /* C_* */
    const char *values;    /* completion: space-separated words, "@file", "@dir", or NULL */
    int common;            /* COMMON_*: handled here, never seen by the command */
} optdef;

static const optdef options[] = {
    {"format", 0, 1, C_INSPECT | C_VALIDATE, "text json", 0},
    {"format", 0, 1, C_PLAN, "text json md dot html cmd ps1 ansible", 0},
    {"host", 0, 1, C_PLAN, NULL, 0},
    {"format", 0, 1, C_DIFF, "text json md", 0},
    {"arch", 0, 1, C_PLAN | C_EXPLAIN, "x86 x64 amd64 ia64", 0},
    {"hash", 0, 0, C_INSPECT, NULL, 0},
    {"installed", 0, 1, C_PLAN | C_EXPLAIN | C_VALIDATE, "@file", 0},
    {"rules", 0, 1, C_READS, "@dir", 0},
    {"keep-superseded", 0, 0, C_PLAN | C_EXPLAIN, NULL, 0},
    {"track", 0, 1, C_PLAN | C_EXPLAIN, "rollup security-only", 0},
    {"include-previews", 0, 0, C_PLAN | C_EXPLAIN, NULL, 0},
    {"exclude", 0, 1, C_PLAN | C_EXPLAIN, NULL, 0},
    {"os", 0, 1, C_PLAN | C_EXPLAIN, "6.0 6.1", 0},
    {"until", 0, 1, C_PLAN | C_EXPLAIN, NULL, 0},
    {"allow-partial", 0, 0, C_PLAN, NULL, 0},
    {"window", 0, 1, C_PLAN, NULL, 0},
    {"time-model", 0, 1, C_PLAN, "@file", 0},
    {"cache", 0, 1, C_INSPECT | C_PLAN | C_EXPLAIN, "@dir", 0},
    {"no-cache", 0, 0, C_INSPECT | C_PLAN | C_EXPLAIN, NULL, 0},
    {"junit", 0, 1, C_VALIDATE, "@file", 0},
    {"strict", 0, 0, C_VALIDATE, NULL, 0},
    {"lock", 0, 1, C_VALIDATE, "@file", 0},
    {"waive", 0, 1, C_VALIDATE, NULL, 0},
    {"waivers", 0, 1, C_VALIDATE, "@file", 0},
    {"output", 'o', 1, C_READS, "@file", 0},
    {"help", 'h', 0, C_READS, NULL, 0},
    {"quiet", 'q', 0, C_READS, NULL, COMMON_QUIET},
    {"verbose", 'v', 0, C_READS, NULL, COMMON_VERBOSE},
    {"no-progress", 0, 0, C_READS, NULL, COMMON_NO_PROGRESS},
    {"files-from", 0, 1, C_READS & ~C_DIFF, "@file", COMMON_FILES_FROM},
};

static const struct {
    const char *name;
    unsigned bit;
} commands[] = {
    {"inspect", C_INSPECT}, {"plan", C_PLAN}, {"explain", C_EXPLAIN}, {"validate", C_VALIDATE},
    {"lock", C_LOCK},       {"diff", C_DIFF}, {"rules", 0},          {"help", 0},
};

static unsigned command_bit(const char *cmd)
{
    for (size_t i = 0; i < PS_ARRAY_LEN(commands); i++)
        if (strcmp(commands[i].name, cmd) == 0)
            return commands[i].bit;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Did you mean                                                        */
/* ------------------------------------------------------------------ */

int ps_cli_parse_arch(ps_cli *cli, const char *cmd, const char *name, ps_arch *out)
{
    static const char *const names[] = {"x86", "x64", "amd64", "ia64"};
    const char *hint;

    *out = ps_arch_parse(name);
    if (*out != PS_ARCH_NONE)
        return 0;
    hint = ps_did_you_mean(name, names, PS_ARRAY_LEN(names));
    if (hint)
        fprintf(cli->err, "patchseq %s: unknown architecture '%s'; did you mean '%s'? (x86, x64 "
                "or amd64, ia64)\n", cmd, name, hint);
    else
        fprintf(cli->err, "patchseq %s: unknown architecture '%s' (x86, x64 or amd64, ia64)\n",
                cmd, name);
    return 2;
}

int ps_cli_arch_error(ps_cli *cli, const char *cmd, const char *list)
{
    char name[64];
    ps_arch a;

    /* the first bad name of the list */
    for (const char *s = list;;) {
        size_t n = strcspn(s, ",");

        snprintf(name, sizeof name, "%.*s", (int)(n < 63 ? n : 63), s);
        if (ps_arch_parse(name) == PS_ARCH_NONE || s[n] == '\0')
            break;
        s += n + 1;
    }
    if (ps_cli_parse_arch(cli, cmd, name, &a) == 0) /* a list badly formed */
        fprintf(cli->err, "patchseq %s: unknown architecture '%s' (x86, x64 or amd64, ia64)\n",
                cmd, list);
    return 2;
}

int ps_cli_refuse_archives(ps_cli *cli, const char *format, char **paths, int npaths)
{
    for (int i = 0; i < npaths; i++)
        if (ps_bundle_is_archive(paths[i])) {
            fprintf(cli->err, "patchseq plan: --format %s: %s is an archive: the script needs "
                    "the package files on disk; extract it and plan the folder\n", format,
                    paths[i]);
            return 2;
        }
    return 0;
}

int ps_cli_bad_option(ps_cli *cli, const char *cmd, const char *bad, const char *usage)
{
    fprintf(cli->err, "patchseq %s: bad option '%s'\n%s", cmd, bad, usage);
    return 2;
}

int ps_cli_shared_option(ps_cli *cli, const char *cmd, int ch, char **argv, const char *usage,
                         ps_cli_shared *s)
{
    switch (ch) {
    case 'i':
        s->installed = optarg;
        if (ps_strv_push(&s->installed_v, &s->n_installed, optarg) != 0) {
            fprintf(cli->err, "patchseq %s: out of memory\n", cmd);
            return 2;
        }
        return -1;
    case 'r':
        s->rules = optarg;
        return -1;
    case 'o':
        s->outpath = optarg;
        return -1;
    case 'h':
        fputs(usage, cli->out);
        return 0;
    case ':':
        fprintf(cli->err, "patchseq %s: option '%s' needs a value\n%s", cmd, argv[optind - 1],
                usage);
        return 2;
    default:
        return ps_cli_bad_option(cli, cmd, argv[optind - 1], usage);
    }
}

int ps_cli_shared_inputs(const ps_cli_shared *s, ps_cli_io *ins, size_t *n)
{
    int fleet = 0;

    for (size_t i = 0; i < s->n_installed; i++) {
        struct stat st;

        ins[(*n)++] = (ps_cli_io){"--installed", s->installed_v[i]};
        if (s->n_installed > 1 || (stat(s->installed_v[i], &st) == 0 && S_ISDIR(st.st_mode)))
            fleet = 1;
    }
    return fleet;
}

/* The fleet of the --installed files and folders.  0, or 2 after a message. */
static int load_fleet(ps_cli *cli, const char *cmd, const ps_cli_shared *s, ps_fleet *fleet)
{
    char **files = NULL, msg[2048];
    size_t nfiles = 0;
    int rc = 0;

    if (ps_fleet_files((const char *const *)s->installed_v, s->n_installed, &files, &nfiles, msg,
                       sizeof msg) != 0 ||
        ps_fleet_load(fleet, files, nfiles, msg, sizeof msg) != 0) {
        ps_buf m = {0};

        ps_esc_printf(&m, ps_esc_text, "%s", msg);
        fprintf(cli->err, "patchseq %s: --installed: %s\n", cmd, m.data ? m.data : "");
        ps_buf_free(&m);
        rc = 2;
    }
    ps_strv_free(&files, &nfiles);
    return rc;
}

int ps_cli_load_installed(ps_cli *cli, const char *cmd, const ps_cli_shared *s, int is_fleet,
                          int arch_given, ps_fleet *fleet, ps_inventory *inv, ps_plan_opts *opts)
{
    int r;

    if (is_fleet)
        return load_fleet(cli, cmd, s, fleet);
    if (s->installed == NULL)
        return 0;
    if ((r = ps_cli_load_inventory(cli, cmd, s->installed, inv)) != 0)
        return r;
    opts->inventory = inv;
    /* the inventory is one machine: its architecture only */
    if (arch_given && inv->arch != PS_ARCH_NONE && !(opts->arch_mask & PS_ARCH_BIT(inv->arch))) {
        fprintf(cli->err, "patchseq %s: %s: the machine is %s (System Type), which "
                "contradicts --arch\n", cmd, s->installed, ps_arch_name(inv->arch));
        return 2;
    }
    if (inv->arch != PS_ARCH_NONE)
        opts->arch_mask = PS_ARCH_BIT(inv->arch);
    return 0;
}

void ps_cli_shared_free(ps_cli_shared *s)
{
    ps_strv_free(&s->installed_v, &s->n_installed);
}

int ps_cli_unknown_command(ps_cli *cli, const char *cmd)
{
    const char *names[PS_ARRAY_LEN(commands)];
    const char *hint;

    for (size_t i = 0; i < PS_ARRAY_LEN(commands); i++)
        names[i] = commands[i].name;
    hint = ps_did_you_mean(cmd, names, PS_ARRAY_LEN(names));
    if (hint)
        fprintf(cli->err, "patchseq: unknown command '%s'; did you mean '%s'? (see 'patchseq "
                "--help')\n", cmd, hint);
    else
        fprintf(cli->err, "patchseq: unknown command '%s' (see 'patchseq --help')\n", cmd);
    return 2;
}

/* ------------------------------------------------------------------ */
/* Terminal                                                            */
/* ------------------------------------------------------------------ */

static int dumb_term(void)
{
    const char *t = getenv("TERM");

    return t != NULL && strcmp(t, "dumb") == 0;
}

int ps_cli_color(const ps_cli *cli, FILE *f)
{
    const char *nc = getenv("NO_COLOR");

    if (nc != NULL && nc[0] != '\0')
        return 0;
    return f != NULL && !dumb_term() && isatty(fileno(f));
}

int ps_cli_progress_wanted(const ps_cli *cli)
{
    return !cli->no_progress && !cli->quiet && !dumb_term();
}

/* ------------------------------------------------------------------ */
/* Arguments                                                           */
/* ------------------------------------------------------------------ */

static const optdef *find_long(unsigned bit, const char *name, size_t n)
{
    const optdef *prefix = NULL;
    size_t nprefix = 0;

    for (size_t i = 0; i < PS_ARRAY_LEN(options); i++) {
        const optdef *o = &options[i];

        if (!(o->cmds & bit) || strncmp(o->name, name, n) != 0)
            continue;
        if (o->name[n] == '\0')
            return o;
        if (prefix == NULL || strcmp(prefix->name, o->name) != 0)
            nprefix++;
        prefix = o;
    }
    return nprefix == 1 ? prefix : NULL; /* getopt_long's unambiguous abbreviation */
}

static const optdef *find_short(unsigned bit, char c)
{
    for (size_t i = 0; i < PS_ARRAY_LEN(options); i++)
        if ((options[i].cmds & bit) && options[i].short_name == c)
            return &options[i];
    return NULL;
}

static int bad_long(ps_cli *cli, const char *cmd, unsigned bit, const char *arg, size_t n)
{
    const char *names[PS_ARRAY_LEN(options)];
    char word[64];
    size_t k = 0;
    const char *hint;

    for (size_t i = 0; i < PS_ARRAY_LEN(options); i++)
        if (options[i].cmds & bit)
            names[k++] = options[i].name;
    snprintf(word, sizeof word, "%.*s", (int)(n < 63 ? n : 63), arg + 2);
    hint = ps_did_you_mean(word, names, k);
    if (hint)
        fprintf(cli->err, "patchseq %s: bad option '%.*s'; did you mean '--%s'? (see 'patchseq "
                "%s --help')\n", cmd, (int)(n + 2), arg, hint, cmd);
    else
        fprintf(cli->err, "patchseq %s: bad option '%.*s' (see 'patchseq %s --help')\n", cmd,
                (int)(n + 2), arg, cmd);
    return 2;
}

#define MAX_LISTED_PATHS 1000000
#define MAX_LIST_BYTES ((size_t)256 << 20)

/* Appends the paths of `in` (one a line; blank lines skipped) to v. */
static int read_paths(ps_cli *cli, const char *cmd, FILE *in, const char *what, char ***v,
                      size_t *n)
{
    ps_buf b = {0};
    char chunk[8192];
    size_t got;
    int rc = 2;

    b.max = MAX_LIST_BYTES;
    while ((got = fread(chunk, 1, sizeof chunk, in)) > 0) {
        int r = ps_buf_append(&b, chunk, got);

        if (r != 0) {
            fprintf(cli->err, "patchseq %s: %s: %s\n", cmd, what,
                    r == -2 ? "larger than 256 MiB" : "out of memory");
            goto out;
        }
    }
    if (ferror(in)) {
        fprintf(cli->err, "patchseq %s: %s: read error\n", cmd, what);
        goto out;
    }
    for (char *s = b.data; s && *s;) {
        char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);

        if (len > 0 && s[len - 1] == '\r')
            len--;
        if (len > 0) {
            char *one = ps_strndup(s, len);

            if (memchr(s, '\0', len) != NULL || *n >= MAX_LISTED_PATHS) {
                free(one);
                fprintf(cli->err, "patchseq %s: %s: more than %d paths\n", cmd, what,
                        MAX_LISTED_PATHS);
                goto out;
            }
            if (one == NULL || ps_strv_push(v, n, one) < 0) {
                free(one);
                fprintf(cli->err, "patchseq %s: out of memory\n", cmd);
                goto out;
            }
            free(one);
        }
        s = e ? e + 1 : s + strlen(s);
    }
    rc = 0;
out:
    ps_buf_free(&b);
    return rc;
}

int ps_cli_prepare(ps_cli *cli, int argc, char **argv, ps_argv *out)
{
    const char *cmd = argv[1];
    unsigned bit = command_bit(cmd);
    char **opts = NULL, **ops = NULL, **listed = NULL;
    size_t nopts = 0, nops = 0, nlisted = 0;
    const char *files_from = NULL;
    int dash = 0, rc = 2, i;

    memset(out, 0, sizeof *out);
    if (bit == 0 || (bit & C_READS) == 0) {
        out->argc = argc;
        out->argv = argv;
        return 0;
    }
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];
        const optdef *o = NULL;

        if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++)
                if (ps_strv_push(&ops, &nops, argv[i]) < 0)
                    goto oom;
            break;
        }
        if (a[0] == '-' && a[1] == '-') {
            size_t n = strcspn(a + 2, "=");

            o = find_long(bit, a + 2, n);
            if (o == NULL) {
                rc = bad_long(cli, cmd, bit, a, n);
                goto out;
            }
            if (o->common) {
                const char *val = a[2 + n] == '=' ? a + 3 + n : NULL;

                if (o->has_arg && val == NULL) {
                    if (i + 1 >= argc) {
                        fprintf(cli->err, "patchseq %s: option '%s' needs a value\n", cmd, a);
                        goto out;
                    }
                    val = argv[++i];
                }
                switch (o->common) {
                case COMMON_QUIET:
                    cli->quiet = 1;
                    break;
                case COMMON_VERBOSE:
                    cli->verbose = 1;
                    break;
                case COMMON_NO_PROGRESS:
                    cli->no_progress = 1;
                    break;
                case COMMON_FILES_FROM:
                    files_from = val;
                    break;
                }
                continue;
            }
            if (ps_strv_push(&opts, &nopts, a) < 0)
                goto oom;
            if (o->has_arg && a[2 + n] != '=' && i + 1 < argc &&
                ps_strv_push(&opts, &nopts, argv[++i]) < 0)
                goto oom;
            continue;
        }
        if (a[0] == '-' && a[1] != '\0') {
            /* short options: -q -v handled here; -o FILE, -h for the command */
            o = find_short(bit, a[1]);
            if (o != NULL && o->common && a[2] == '\0') {
                if (o->common == COMMON_QUIET)
                    cli->quiet = 1;
                else
                    cli->verbose = 1;
                continue;
            }
            if (ps_strv_push(&opts, &nopts, a) < 0)
                goto oom;
            if (o != NULL && o->has_arg && a[2] == '\0' && i + 1 < argc &&
                ps_strv_push(&opts, &nopts, argv[++i]) < 0)
                goto oom;
            continue;
        }
        if (strcmp(a, "-") == 0) {
            if (dash++) {
                fprintf(cli->err, "patchseq %s: '-' (the paths from standard input) given "
                        "twice\n", cmd);
                goto out;
            }
        }
        if (ps_strv_push(&ops, &nops, a) < 0)
            goto oom;
    }
    if (cli->quiet && cli->verbose) {
        fprintf(cli->err, "patchseq %s: --quiet and --verbose contradict each other\n", cmd);
        goto out;
    }
    if (dash && read_paths(cli, cmd, cli->in ? cli->in : stdin, "standard input", &listed,
                           &nlisted) != 0)
        goto out;
    if (files_from) {
        FILE *fp = strcmp(files_from, "-") == 0 ? NULL : fopen(files_from, "rb");
        int r;

        if (fp == NULL && strcmp(files_from, "-") != 0) {
            fprintf(cli->err, "patchseq %s: --files-from %s: cannot open\n", cmd, files_from);
            goto out;
        }
        r = read_paths(cli, cmd, fp ? fp : cli->in ? cli->in : stdin, files_from, &listed,
                       &nlisted);
        if (fp)
            fclose(fp);
        if (r != 0)
            goto out;
    }
    if ((dash || files_from) && nlisted == 0) {
        fprintf(cli->err, "patchseq %s: no path read from %s\n", cmd,
                files_from && strcmp(files_from, "-") != 0 ? files_from : "standard input");
        goto out;
    }
    /* argv: patchseq CMD OPTIONS... -- OPERANDS ("-" replaced by the list) */
    out->argc = 0;
    out->argv = ps_calloc(2 + nopts + 1 + nops + nlisted + 1, sizeof *out->argv);
    if (out->argv == NULL)
        goto oom;
    out->argv[out->argc++] = argv[0];
    out->argv[out->argc++] = argv[1];
    for (size_t k = 0; k < nopts; k++)
        out->argv[out->argc++] = opts[k];
    out->argv[out->argc++] = (char *)"--";
    for (size_t k = 0; k < nops; k++) {
        if (strcmp(ops[k], "-") == 0) {
            for (size_t m = 0; m < nlisted && !files_from; m++)
                out->argv[out->argc++] = listed[m];
            continue;
        }
        out->argv[out->argc++] = ops[k];
    }
    for (size_t m = 0; files_from && m < nlisted; m++)
        out->argv[out->argc++] = listed[m];
    out->argv[out->argc] = NULL;
    /* the strings are owned by the three lists until ps_argv_free */
    out->own_opts = opts;
    out->n_opts = nopts;
    out->own_ops = ops;
    out->n_ops = nops;
    out->own_listed = listed;
    out->n_listed = nlisted;
    return 0;
oom:
    fprintf(cli->err, "patchseq %s: out of memory\n", cmd);
out:
    ps_strv_free(&opts, &nopts);
    ps_strv_free(&ops, &nops);
    ps_strv_free(&listed, &nlisted);
    return rc;
}

void ps_argv_free(ps_argv *a, char **orig)
{
    if (a->argv != NULL && a->argv != orig)
        free(a->argv);
    ps_strv_free(&a->own_opts, &a->n_opts);
    ps_strv_free(&a->own_ops, &a->n_ops);
    ps_strv_free(&a->own_listed, &a->n_listed);
    memset(a, 0, sizeof *a);
}

/* ------------------------------------------------------------------ */
/* Completion                                                          */
/* ------------------------------------------------------------------ */

static void words_for(ps_buf *b, unsigned bit)
{
    for (size_t i = 0; i < PS_ARRAY_LEN(options); i++) {
        const optdef *o = &options[i];
        int dup = 0;

        if (!(o->cmds & bit))
            continue;
        for (size_t k = 0; k < i; k++)
            dup |= (options[k].cmds & bit) && strcmp(options[k].name, o->name) == 0;
        if (dup)
            continue;
        ps_buf_printf(b, " --%s", o->name);
        if (o->short_name)
            ps_buf_printf(b, " -%c", o->short_name);
    }
}

char *ps_cli_completion_bash(size_t *len)
{
    ps_buf b = {0};

    ps_buf_puts(&b,
                "# bash completion for patchseq; generated by `patchseq completion bash`\n"
                "# from the option table of the commands (src/cli_opts.c).\n"
                "_patchseq()\n"
                "{\n"
                "    local cur prev cmd\n"
                "    cur=${COMP_WORDS[COMP_CWORD]}\n"
                "    prev=${COMP_WORDS[COMP_CWORD-1]}\n"
                "    cmd=${COMP_WORDS[1]}\n"
                "    if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
                "        COMPREPLY=($(compgen -W \"");
    for (size_t i = 0; i < PS_ARRAY_LEN(commands); i++)
        ps_buf_printf(&b, "%s%s", i ? " " : "", commands[i].name);
    ps_buf_puts(&b, " --help --version\" -- \"$cur\"))\n"
                    "        return\n"
                    "    fi\n"
                    "    case \"$cmd $prev\" in\n");
    for (size_t c = 0; c < PS_ARRAY_LEN(commands); c++) {
        unsigned bit = commands[c].bit;

        for (size_t i = 0; bit && i < PS_ARRAY_LEN(options); i++) {
            const optdef *o = &options[i];

            if (!(o->cmds & bit) || !o->has_arg)
                continue;
            ps_buf_printf(&b, "    \"%s --%s\"", commands[c].name, o->name);
            if (o->short_name)
                ps_buf_printf(&b, "|\"%s -%c\"", commands[c].name, o->short_name);
            if (o->values == NULL)
                ps_buf_puts(&b, ")\n        COMPREPLY=()\n        return;;\n");
            else if (strcmp(o->values, "@file") == 0)
                ps_buf_puts(&b, ")\n        COMPREPLY=($(compgen -f -- \"$cur\"))\n        return;;\n");
            else if (strcmp(o->values, "@dir") == 0)
                ps_buf_puts(&b, ")\n        COMPREPLY=($(compgen -d -- \"$cur\"))\n        return;;\n");
            else
                ps_buf_printf(&b, ")\n        COMPREPLY=($(compgen -W \"%s\" -- \"$cur\"))\n"
                              "        return;;\n", o->values);
        }
    }
    ps_buf_puts(&b, "    esac\n"
                    "    case \"$cmd\" in\n");
    for (size_t c = 0; c < PS_ARRAY_LEN(commands); c++) {
        if (commands[c].bit == 0)
            continue;
        ps_buf_printf(&b, "    %s)\n        if [[ \"$cur\" == -* ]]; then\n"
                      "            COMPREPLY=($(compgen -W \"", commands[c].name);
        words_for(&b, commands[c].bit);
        ps_buf_puts(&b, "\" -- \"$cur\"))\n            return\n        fi;;\n");
    }
    ps_buf_puts(&b, "    rules)\n        COMPREPLY=($(compgen -W \"check\" -- \"$cur\"))\n"
                    "        return;;\n"
                    "    help)\n        COMPREPLY=($(compgen -W \"");
    for (size_t i = 0; i < PS_ARRAY_LEN(commands); i++)
        if (commands[i].bit)
            ps_buf_printf(&b, "%s ", commands[i].name);
    ps_buf_puts(&b, "rules\" -- \"$cur\"))\n        return;;\n"
                    "    esac\n"
                    "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
                    "}\n"
                    "complete -o filenames -F _patchseq patchseq\n");
    return ps_buf_steal(&b, len);
}

int ps_cli_options_of(const char *cmd, char ***names, size_t *n)
{
    unsigned bit = command_bit(cmd);

    for (size_t i = 0; bit && i < PS_ARRAY_LEN(options); i++) {
        char buf[64];

        if (!(options[i].cmds & bit))
            continue;
        snprintf(buf, sizeof buf, "--%s", options[i].name);
        if (!ps_strv_contains(*names, *n, buf) && ps_strv_push(names, n, buf) < 0)
            return -1;
    }
    return 0;
}
