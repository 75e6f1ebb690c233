/*
 * cli_inspect.c - `patchseq inspect`: what each package says of itself.
 */
#include "cli.h"

#include "escape.h"
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

static const char *dash(const char *s)
{
    return s && *s ? s : "-";
}

static void digests_text(ps_buf *b, unsigned d)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {{PS_DIGEST_MD5, "md5"},
                 {PS_DIGEST_SHA1, "sha1"},
                 {PS_DIGEST_SHA256, "sha256"},
                 {PS_DIGEST_SHA384, "sha384"},
                 {PS_DIGEST_SHA512, "sha512"}};
    int first = 1;

    if (d == 0) {
        ps_buf_puts(b, "-");
        return;
    }
    for (size_t i = 0; i < PS_ARRAY_LEN(names); i++)
        if (d & names[i].bit) {
            ps_esc_printf(b, ps_esc_text, "%s%s", first ? "" : ", ", names[i].name);
            first = 0;
        }
}

static void render_text(ps_buf *b, const ps_bundle *bundle, const ps_kb *kb, int hash,
                        int verbose, const ps_findings *f)
{
    for (size_t i = 0; i < bundle->count; i++) {
        const ps_package *p = &bundle->items[i];
        char why[256] = "";
        ps_role role = kb ? ps_kb_classify(kb, p, why, sizeof why) : PS_ROLE_UNKNOWN;

        ps_esc_printf(b, ps_esc_text, "%s\n", p->file);
        if (!p->readable) {
            ps_buf_puts(b, "  (metadata could not be read; see the findings below)\n\n");
            continue;
        }
        ps_esc_printf(b, ps_esc_text, "  kb:            %s (from %s)\n", dash(p->kb), dash(ps_kb_source_name(p->kb_source)));
        ps_esc_printf(b, ps_esc_text, "  container:     %s\n", ps_container_name(p->container));
        ps_esc_printf(b, ps_esc_text, "  arch:          %s", dash(ps_arch_name(p->arch)));
        if (p->name_arch != PS_ARCH_NONE && p->name_arch != p->arch)
            ps_esc_printf(b, ps_esc_text, " (file name says %s)", ps_arch_name(p->name_arch));
        ps_buf_puts(b, "\n");
        ps_esc_printf(b, ps_esc_text, "  os:            %s\n", dash(p->os));
        ps_esc_printf(b, ps_esc_text, "  identity:      %s %s %s %s %s\n", dash(p->identity.name),
                      dash(p->identity.version), dash(p->identity.arch), dash(p->identity.language),
                      dash(p->identity.public_key_token));
        if (p->revision)
            ps_esc_printf(b, ps_esc_text, "  revision:      v%u\n", p->revision);
        ps_esc_printf(b, ps_esc_text, "  release type:  %s\n", dash(p->release_type));
        ps_esc_printf(b, ps_esc_text, "  restart:       %s\n", dash(p->restart));
        ps_esc_printf(b, ps_esc_text, "  build date:    %s\n", dash(p->build_date));
        ps_esc_printf(b, ps_esc_text, "  needs stack:   %s\n", dash(p->installer_version));
        if (p->provides_stack)
            ps_esc_printf(b, ps_esc_text, "  delivers stack: %s\n", p->provides_stack);
        if (p->kernel_version)
            ps_esc_printf(b, ps_esc_text, "  kernel:        %s\n", p->kernel_version);
        ps_buf_puts(b, "  catalog:       ");
        digests_text(b, p->catalog_digests);
        if (p->sha2_only == 1)
            ps_buf_puts(b, " (SHA-2-only: needs SHA-2 code-signing support)");
        ps_buf_puts(b, "\n");
        if (kb)
            ps_esc_printf(b, ps_esc_text, "  role:          %s (%s)\n", ps_role_name(role), why[0] ? why : "-");
        if (p->has_wsus && p->wsus.update_id)
            ps_esc_printf(b, ps_esc_text, "  wsus update:   %s\n", p->wsus.update_id);
        ps_esc_printf(b, ps_esc_text, "  size:          %llu bytes\n", (unsigned long long)p->size);
        if (hash && p->hashed)
            ps_esc_printf(b, ps_esc_text, "  sha256:        %s\n", p->sha256);
        if (verbose && p->deep_reads)
            ps_buf_printf(b, "  deep read:     %u member%s decoded past the front: the cab names no "
                          "component manifest, so only its sub-package .mum gave the component "
                          "versions\n", p->deep_reads, p->deep_reads == 1 ? "" : "s");
        else if (verbose)
            ps_buf_puts(b, "  deep read:     none: every fact came from the front members and the "
                           "cab's table of contents\n");
        ps_buf_puts(b, "\n");
    }
    if (f->count) {
        ps_buf_puts(b, "findings:\n");
        ps_findings_render_text(b, f);
    } else {
        ps_esc_printf(b, ps_esc_text, "%zu package%s, no findings\n", bundle->count,
                      bundle->count == 1 ? "" : "s");
    }
}

static json_t *render_json(const ps_bundle *bundle, const ps_kb *kb, int hash, const ps_findings *f)
{
    json_t *root = json_object(), *pk = json_array(), *fj = ps_findings_to_json(f);

    if (root == NULL || pk == NULL || fj == NULL)
        goto fail;
    for (size_t i = 0; i < bundle->count; i++) {
        const ps_package *p = &bundle->items[i];
        json_t *o = ps_package_to_json(p, hash);

        if (o == NULL)
            goto fail;
        if (kb && p->readable) {
            char why[256] = "";
            ps_role role = ps_kb_classify(kb, p, why, sizeof why);

            json_object_set_new(o, "role", json_string(ps_role_name(role)));
            json_object_set_new(o, "role_source", json_string(why));
        }
        if (o != NULL)
            json_object_set_new(o, "deep_reads", json_integer(p->deep_reads));
        if (json_array_append_new(pk, o) != 0)
            goto fail;
    }
    if (json_object_set_new(root, "schema", json_string("patchseq.inspect/1")) ||
        json_object_set(root, "packages", pk) || json_object_set(root, "findings", fj))
        goto fail;
    json_decref(pk);
    json_decref(fj);
    return root;
fail:
    json_decref(root);
    json_decref(pk);
    json_decref(fj);
    return NULL;
}

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
        json_t *root = render_json(&bundle, have_kb ? &kb : NULL, opts.hash, &f);
        /* indented for a person at a terminal, one line for a pipe or file */
        int tty = outpath == NULL && isatty(fileno(cli->out));

        doc = tty ? ps_json_dump(root, &len) : ps_json_dump_compact(root, &len);
    } else if (cli->quiet) {
        ps_findings_render_text(&b, &f);
        doc = ps_buf_steal(&b, &len);
    } else {
        render_text(&b, &bundle, have_kb ? &kb : NULL, opts.hash, verbose, &f);
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
