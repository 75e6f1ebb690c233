/*
 * validate_bundle.c - validates a bundle for CI with the public API of
 * libpatchseq (patchseq/api.h), without the command line: one line per
 * check (each package, each (OS, architecture) plan), the verdict, then
 * the report in the format asked.
 *
 *   validate_bundle [--strict] [--format text|json|junit] PATH...
 *
 * Built against the installed headers only (include/), linked with the
 * shared library; the test suite runs it on the example bundle and checks
 * it against `patchseq validate --format json` and `--junit -`.
 */
#include <patchseq/api.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, const ps_error *e)
{
    fprintf(stderr, "validate_bundle: %s: %s (%s)\n", what, e->message,
            ps_error_code_name(e->code));
    return 2;
}

int main(int argc, char **argv)
{
    ps_knowledge *k = NULL;
    ps_packages *p = NULL;
    ps_validation *v = NULL;
    ps_validate_options opts;
    ps_open_opts oo = {1, NULL, 1}; /* every byte hashed, no cache */
    ps_error e;
    const char *format = "text";
    char *doc = NULL;
    size_t len = 0;
    int i = 1, rc = 2;

    ps_validate_options_init(&opts);
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--strict") == 0)
            opts.strict = 1;
        else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            format = argv[++i];
        else
            break;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: validate_bundle [--strict] [--format FORMAT] PATH...\n");
        return 2;
    }
    if (ps_knowledge_open(NULL, &k, &e) != PS_E_NONE) {
        rc = fail("knowledge base", &e);
        goto out;
    }
    if (ps_packages_open((const char *const *)argv + i, (size_t)(argc - i), &oo, &p, &e) !=
        PS_E_NONE) {
        rc = fail("bundle", &e);
        goto out;
    }
    if (ps_validation_run(p, k, &opts, &v, &e) != PS_E_NONE) {
        rc = fail("validate", &e);
        goto out;
    }
    for (size_t c = 0; c < ps_validation_checks(v); c++) {
        ps_validation_check_info ci;

        ps_validation_check(v, c, &ci);
        if (ci.failures == 0)
            printf("check %s %s: passed\n", ci.kind, ci.name);
        else
            printf("check %s %s: failed (%zu, first %s)\n", ci.kind, ci.name, ci.failures,
                   ci.first_code);
    }
    printf("validation %s, %zu findings\n", ps_validation_passed(v) ? "passed" : "FAILED",
           ps_validation_findings(v)->count);
    if (ps_validation_render(v, format, &doc, &len, &e) != PS_E_NONE) {
        rc = fail("render", &e);
        goto out;
    }
    printf("---\n");
    fwrite(doc, 1, len, stdout);
    rc = ps_validation_passed(v) ? 0 : 1;
out:
    free(doc);
    ps_validation_free(v);
    ps_packages_free(p);
    ps_knowledge_free(k);
    return rc;
}
