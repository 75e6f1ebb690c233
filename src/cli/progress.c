/*
 * progress.c - a progress bar on stderr for long bundle reads (see
 * progress.h).
 */
#include "progress.h"

#include <string.h>
#include <unistd.h>

#define BAR_WIDTH 24
#define REDRAW_NS 100000000LL

int ps_progress_attach(ps_progress_bar *bar, FILE *err, ps_read_opts *opts)
{
    memset(bar, 0, sizeof *bar);
    if (err == NULL || !isatty(fileno(err)))
        return 0;
    bar->out = err;
    bar->delay = 0.5;
    clock_gettime(CLOCK_MONOTONIC, &bar->start);
    opts->progress = ps_progress_draw;
    opts->progress_user = bar;
    return 1;
}

static long long ns_between(const struct timespec *a, const struct timespec *b)
{
    return ((long long)b->tv_sec - (long long)a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

int ps_progress_format(char *buf, size_t n, const ps_progress *pr)
{
    char bar[BAR_WIDTH + 1], extra[64] = "";
    double frac = 0.0;
    size_t fill;

    if (pr->hashing && pr->bytes_total > 0)
        frac = (double)pr->bytes_done / (double)pr->bytes_total;
    else if (pr->files_total > 0)
        frac = (double)pr->files_done / (double)pr->files_total;
    if (frac > 1.0)
        frac = 1.0;
    fill = (size_t)(frac * BAR_WIDTH);
    for (size_t i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < fill ? '=' : i == fill ? '>' : ' ';
    bar[BAR_WIDTH] = '\0';
    if (pr->cache_hits > 0)
        snprintf(extra, sizeof extra, ", %zu cached", pr->cache_hits);
    if (pr->hashing)
        return snprintf(buf, n, "hashing %zu/%zu files, %.1f/%.1f MiB [%s] %d%%%s",
                        pr->files_done, pr->files_total, (double)pr->bytes_done / 1048576.0,
                        (double)pr->bytes_total / 1048576.0, bar, (int)(frac * 100.0), extra);
    return snprintf(buf, n, "reading %zu/%zu files [%s] %d%%%s", pr->files_done,
                    pr->files_total, bar, (int)(frac * 100.0), extra);
}

void ps_progress_draw(void *user, const ps_progress *pr)
{
    ps_progress_bar *bar = user;
    struct timespec now;
    char line[160];

    if (bar == NULL || bar->out == NULL)
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if ((double)ns_between(&bar->start, &now) < bar->delay * 1e9)
        return;
    if (bar->shown && ns_between(&bar->last, &now) < REDRAW_NS &&
        pr->files_done < pr->files_total)
        return;
    ps_progress_format(line, sizeof line, pr);
    fprintf(bar->out, "\r%s\033[K", line);
    fflush(bar->out);
    bar->last = now;
    bar->shown = 1;
}

void ps_progress_finish(ps_progress_bar *bar)
{
    if (bar == NULL || bar->out == NULL || !bar->shown)
        return;
    fputs("\r\033[K", bar->out);
    fflush(bar->out);
    bar->shown = 0;
}
