/*
 * bundle_read.c - the reading threads: one per processor, up to 16
 * (PATCHSEQ_THREADS=N, 1 to 64, overrides the count), each taking the next
 * listed entry, from the metadata cache when its file is unchanged, and
 * telling the progress callback of each one finished.
 */
#include "bundle_int.h"
#include "ps_archive.h"
#include "reader.h"

#include <libxml/parser.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_MAX_THREADS 16 /* a read holds up to a member in memory: bound the total */
#define MAX_THREADS 64

struct pool {
    struct list *l;
    const ps_read_opts *opts;
    ps_cache *cache;
    ps_progress_fn progress;
    void *progress_user;
    pthread_mutex_t mu;
    size_t next;
    ps_progress state;       /* under mu */
};

/* Reads one listed entry; returns 1 when it came from the cache. */
static int read_item(struct item *it, const ps_read_opts *opts, ps_cache *cache)
{
    ps_ar_stats stats;

    if (it->kind == K_ARCHIVE) {
        it->rc = bundle_read_archive(it, opts, NULL, 0) < 0 ? -1 : 1;
        return 0;
    }
    if (it->note_msg != NULL) {
        ps_buf name = {0};
        ps_where w = {NULL, NULL, 0, PS_ARCH_NONE, NULL, NULL};

        /* the display form: a file name need not be UTF-8 */
        if (ps_ar_display_name(&name, it->display) != 0) {
            it->rc = -1;
            return 0;
        }
        w.file = name.data;
        it->rc = ps_findings_add(&it->found, it->note, &w, "%s", it->note_msg) < 0 ? -1 : 1;
        ps_buf_free(&name);
        return 0;
    }
    if (cache != NULL && it->have_st &&
        ps_cache_get(cache, it->path, it->display, &it->st, &it->pkg, &it->found, &it->rc) == 1)
        return 1;
    it->rc = ps_package_read_stats(&it->pkg, it->path, it->display, opts, &it->found, &stats);
    if (cache != NULL && it->have_st && it->rc >= 0)
        ps_cache_put(cache, it->path, it->display, &it->st, it->rc, stats.outcome, &it->pkg,
                     &it->found);
    return 0;
}

static void *worker(void *arg)
{
    struct pool *pl = arg;
    struct item *done = NULL;
    int hit = 0;

    for (;;) {
        size_t i;

        pthread_mutex_lock(&pl->mu);
        if (done != NULL) {
            pl->state.files_done++;
            pl->state.bytes_done += done->have_st ? (uint64_t)done->st.st_size : 0;
            pl->state.cache_hits += (size_t)hit;
            if (pl->progress != NULL)
                pl->progress(pl->progress_user, &pl->state);
        }
        i = pl->next++;
        pthread_mutex_unlock(&pl->mu);
        if (i >= pl->l->count)
            break;
        done = &pl->l->items[i];
        hit = read_item(done, pl->opts, pl->cache);
    }
    return NULL;
}

/* Reading threads: one per online processor (at most 16), or
 * PATCHSEQ_THREADS (1 to 64); never more than files. */
static size_t thread_count(size_t files)
{
    const char *v = getenv("PATCHSEQ_THREADS");
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    if (n > DEFAULT_MAX_THREADS)
        n = DEFAULT_MAX_THREADS;
    if (v != NULL && v[0] != '\0') {
        char *end = NULL;
        long t = strtol(v, &end, 10);

        if (end != NULL && *end == '\0' && t >= 1)
            n = t;
    }
    if (n < 1)
        n = 1;
    if (n > MAX_THREADS)
        n = MAX_THREADS;
    if ((size_t)n > files)
        n = files > 0 ? (long)files : 1;
    return (size_t)n;
}

void bundle_read_all(struct list *l, const ps_read_opts *opts, const struct ext *x,
                     ps_cache *cache)
{
    struct pool pl;
    pthread_t th[MAX_THREADS];
    size_t started = 0, nthreads = thread_count(l->count);

    memset(&pl, 0, sizeof pl);
    pl.l = l;
    pl.opts = opts;
    pl.cache = cache;
    pl.progress = x->progress;
    pl.progress_user = x->progress_user;
    pl.state.files_total = l->count;
    pl.state.hashing = opts->hash != 0;
    for (size_t i = 0; i < l->count; i++)
        pl.state.bytes_total += l->items[i].have_st ? (uint64_t)l->items[i].st.st_size : 0;
    pthread_mutex_init(&pl.mu, NULL);
    if (pl.progress != NULL)
        pl.progress(pl.progress_user, &pl.state);
    /* libxml2 sets up its globals once, before any thread parses. */
    xmlInitParser();
    for (size_t i = 0; i + 1 < nthreads; i++) {
        if (pthread_create(&th[started], NULL, worker, &pl) != 0)
            break;
        started++;
    }
    worker(&pl); /* this thread reads too */
    for (size_t i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    pthread_mutex_destroy(&pl.mu);
}

