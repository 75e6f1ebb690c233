/*
 * cli_inspect.c - `patchseq inspect`: what each package says of itself
 * (its options and exit status; the documents are emit/inspect.c's).
 */
#include "cli.h"

#include "inspect.h"
#include "kb.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char inspect_usage[] =
    "usage: patchseq inspect [--format text|json] [--hash] [--verbose] [--rules DIR] [-o FILE] PATH...\n"
    "\n"
    "Reads each package (.msu, .cab) under PATH (files, or folders read\n"
    "recursively) and shows what its own metadata says: KB, identity,\n"
    "architecture, OS, release type, restart, servicing stack it needs and\n"
    "delivers, kernel build it brings, catalog digests (SHA-2-only or not),\n"
    "and the role the knowledge base gives it, with where that came from.\n"
    "\n"
    "  --format text|json   output format (default text)\n"
    "  --hash               also compute SHA-256 (reads every byte)\n"
    "  --rules DIR          knowledge dir (default: the installed one)\n"
    "  --cache DIR          metadata cache (default $XDG_CACHE_HOME/patchseq,\n"
    "                       else ~/.cache/patchseq; or $PATCHSEQ_CACHE_DIR)\n"
    "  --no-cache           neither read nor write the metadata cache\n"
    "  -o, --output FILE    write to FILE atomically instead of stdout ('-': stdout)\n"
    "  -q, --quiet          only the findings\n"
    "  -v, --verbose        also what was read, from where, how long, and how far\n"
    "                       into each package reading went\n"
    "  --no-progress        no progress bar\n"
    "  --files-from FILE    the PATHs, one a line ('-' as a PATH: from stdin)\n"
    "  -h, --help           this text\n"
    "\n"
    "A PATH may be an archive (.zip, .tar, .tar.gz, .7z, .iso), read as a folder.\n";

enum { FMT_TEXT, FMT_JSON };

int ps_cmd_inspect(ps_cli *cli, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'}, {"hash", no_argument, NULL, 'H'},
        {"rules", required_argument, NULL, 'r'},  {"output", required_argument, NULL, 'o'},
        {"cache", required_argument, NULL, 'C'},  {"no-cache", no_argument, NULL, 'N'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    ps_read_opts opts;
    ps_bundle bundle = {0};
    ps_findings f = {0};
    ps_kb kb;
    int have_kb = 0, fmt = FMT_TEXT, rc = 2, c, verbose = cli->verbose;
    const char *rules = NULL, *outpath = NULL;
    ps_buf b = {0};
    char *doc = NULL, msg[512];
    size_t len = 0;

    memset(&kb, 0, sizeof kb);
    ps_read_opts_default(&opts);
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+f:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "text") == 0)
                fmt = FMT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                fmt = FMT_JSON;
            else {
                fprintf(cli->err, "patchseq inspect: unknown format '%s' (text, json)\n", optarg);
                goto out;
            }
            break;
        case 'H':
            opts.hash = 1;
            break;
        case 'C':
            opts.cache_dir = optarg;
            break;
        case 'N':
            opts.no_cache = 1;
            break;
        case 'r':
            rules = optarg;
            break;
        case 'o':
            outpath = optarg;
            break;
        case 'h':
            fputs(inspect_usage, cli->out);
            rc = 0;
            goto out;
        default:
            fprintf(cli->err, "patchseq inspect: bad option '%s'\n%s", argv[optind - 1], inspect_usage);
            goto out;
        }
    }
    if (optind >= argc) {
        fprintf(cli->err, "patchseq inspect: no PATH given\n%s", inspect_usage);
        goto out;
    }
    {
        const ps_cli_io outs[] = {{"-o", outpath}};
        const ps_cli_io ins[] = {{"--rules", rules}};

        if (ps_cli_check_run(cli, "inspect", outs, 1, ins, 1, argv + optind, argc - optind) != 0)
            goto out;
    }
    {
        ps_findings kbf = {0};
        int r = ps_kb_load(&kb, rules ? rules : ps_kb_default_dir(), &kbf, msg, sizeof msg);

        if (r < 0 && rules != NULL) {
            fprintf(cli->err, "patchseq inspect: %s\n", msg);
            ps_findings_free(&kbf);
            goto out;
        }
        have_kb = r >= 0;
        /* knowledge errors are reported by `rules check`; inspect only notes them */
        if (r > 0)
            fprintf(cli->err, "patchseq inspect: the knowledge base has %zu error(s); run 'patchseq rules check'\n",
                    kbf.count);
        ps_findings_free(&kbf);
    }
    if ((rc = ps_cli_read_bundle(cli, &bundle, argv + optind, argc - optind, &opts, &f)) != 0)
        goto out;
    ps_findings_sort(&f);
    if (fmt == FMT_JSON) {
        json_t *root = ps_inspect_to_json(&bundle, have_kb ? &kb : NULL, opts.hash, &f);
        /* indented for a person at a terminal, one line for a pipe or file */
        int tty = outpath == NULL && isatty(fileno(cli->out));

        doc = tty ? ps_json_dump(root, &len) : ps_json_dump_compact(root, &len);
    } else if (cli->quiet) {
        ps_findings_render_text(&b, &f);
        doc = ps_buf_steal(&b, &len);
    } else {
        ps_inspect_render_text(&b, &bundle, have_kb ? &kb : NULL, opts.hash, verbose, &f);
        doc = ps_buf_steal(&b, &len);
    }
    if (doc == NULL) {
        fprintf(cli->err, "patchseq inspect: out of memory\n");
        rc = 2;
        goto out;
    }
    rc = ps_cli_emit(cli, outpath, doc, len);
    if (rc == 0)
        rc = ps_cli_exit_code(&f, 0);
out:
    free(doc);
    ps_buf_free(&b);
    ps_kb_free(&kb);
    ps_bundle_free(&bundle);
    ps_findings_free(&f);
    return rc;
}
