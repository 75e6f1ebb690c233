/*
 * replay.c - runs a fuzz target over corpus files without libFuzzer, so
 * the corpora are replayed as ordinary tests (suite 'fuzz-replay').
 *
 * Usage: replay_<target> [--xml-oom] PATH...   (a PATH is a corpus folder or a file)
 * Exits 0 when every input ran, 1 when a path cannot be read or no input
 * was found.  A crash in the target is the test failure.
 *
 * --xml-oom: allocation failures injected into libxml2 (through
 * xmlMemSetup): each input is run once to count libxml2's allocations,
 * then again with the 1st, 2nd, ... allocation failing (every one up to
 * XML_OOM_DENSE, then spread over the rest, XML_OOM_RUNS runs at most), so
 * that every error path of the parsers meets an out-of-memory libxml2.
 */
#include "fuzz.h"

#include <dirent.h>
#include <libxml/xmlmemory.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Larger inputs are not useful seeds. */
#define REPLAY_MAX_BYTES (16u * 1024u * 1024u)
#define XML_OOM_DENSE 200u
#define XML_OOM_RUNS 400u

static int xml_oom;             /* --xml-oom */
static unsigned long xml_allocs; /* libxml2 allocations so far in this run */
static unsigned long xml_fail_at; /* 1-based allocation that fails; 0 = none */

static int fail_now(void)
{
    return ++xml_allocs == xml_fail_at;
}

static void *oom_malloc(size_t n)
{
    return fail_now() ? NULL : malloc(n);
}

static void *oom_realloc(void *p, size_t n)
{
    return fail_now() ? NULL : realloc(p, n);
}

static char *oom_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = fail_now() ? NULL : malloc(n);

    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

/* Runs one input with no failure, then with each chosen allocation failing. */
static void run_input(const unsigned char *data, size_t size)
{
    unsigned long total, step, runs = 0;

    xml_fail_at = 0;
    xml_allocs = 0;
    LLVMFuzzerTestOneInput(data, size);
    if (!xml_oom)
        return;
    total = xml_allocs;
    step = total > XML_OOM_DENSE ? (total - XML_OOM_DENSE) / (XML_OOM_RUNS - XML_OOM_DENSE) + 1 : 1;
    for (unsigned long k = 1; k <= total && runs < XML_OOM_RUNS; runs++) {
        xml_fail_at = k;
        xml_allocs = 0;
        LLVMFuzzerTestOneInput(data, size);
        k += k < XML_OOM_DENSE ? 1 : step;
    }
    xml_fail_at = 0;
}

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    long size;
    int rc = -1;

    if (f == NULL) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return -1;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
        (unsigned long)size > REPLAY_MAX_BYTES) {
        fprintf(stderr, "replay: cannot size %s (limit %u bytes)\n", path, REPLAY_MAX_BYTES);
        goto out;
    }
    /* an exact-size buffer, so that ASan sees reads past the end */
    data = malloc(size > 0 ? (size_t)size : 1);
    if (data == NULL || fread(data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        goto out;
    }
    run_input(data, (size_t)size);
    rc = 0;
out:
    free(data);
    fclose(f);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file of dir in byte order of names; -1 on error. */
static int run_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;

    if (d == NULL) {
        fprintf(stderr, "replay: cannot open folder %s\n", dir);
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **grown = realloc(names, (cap ? cap * 2 : 64) * sizeof *names);

            if (grown == NULL)
                goto out;
            names = grown;
            cap = cap ? cap * 2 : 64;
        }
        names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
        if (names[n] == NULL)
            goto out;
        snprintf(names[n], strlen(dir) + strlen(e->d_name) + 2, "%s/%s", dir, e->d_name);
        n++;
    }
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        struct stat st;

        if (stat(names[i], &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (run_file(names[i]) != 0)
            goto out;
        (*count)++;
    }
    rc = 0;
out:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    size_t count = 0;

    int first = 1;

    if (argc > 1 && strcmp(argv[1], "--xml-oom") == 0) {
        xml_oom = 1;
        first = 2;
        if (xmlMemSetup(free, oom_malloc, oom_realloc, oom_strdup) != 0) {
            fprintf(stderr, "replay: xmlMemSetup failed\n");
            return 2;
        }
    }
    if (argc <= first) {
        fprintf(stderr, "usage: %s [--xml-oom] CORPUS-FOLDER-OR-FILE...\n", argv[0]);
        return 2;
    }
    for (int i = first; i < argc; i++) {
        struct stat st;

        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: cannot use %s\n", argv[i]);
            return 1;
        }
        if (S_ISDIR(st.st_mode) ? run_dir(argv[i], &count) != 0 : run_file(argv[i]) != 0)
            return 1;
        if (!S_ISDIR(st.st_mode))
            count++;
    }
    if (count == 0) {
        fprintf(stderr, "replay: no input found\n");
        return 1;
    }
    printf("replayed %zu inputs\n", count);
    return 0;
}
