/*
 * inspect.c - the documents of `patchseq inspect`: each package's own
 * metadata as text (every value from the package escaped for a terminal)
 * or as JSON (schema patchseq.inspect/1), with the role the knowledge base
 * gives it and the findings.
 */
#include "inspect.h"

#include "escape.h"
#include "findings.h"
#include "json.h"

#include <string.h>

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

void ps_inspect_render_text(ps_buf *b, const ps_bundle *bundle, const ps_kb *kb, int hash,
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
        ps_esc_printf(b, ps_esc_text, "  kb:            %s (from %s)\n", dash(p->kb),
                      dash(ps_kb_source_name(p->kb_source)));
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

json_t *ps_inspect_to_json(const ps_bundle *bundle, const ps_kb *kb, int hash,
                           const ps_findings *f)
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
