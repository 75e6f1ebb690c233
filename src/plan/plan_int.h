/*
 * plan_int.h - what the files of src/plan/ share and nobody else sees.
 */
#ifndef PS_PLAN_INT_H
#define PS_PLAN_INT_H

#include "plan.h"

/*
 * Cuts the steps of ap into maintenance windows of at most
 * opts->window_minutes (window.c): the steps between restarts are segments
 * that stay together; a segment longer than a window gets one of its own
 * and a window-overrun warning in f.  0, or -1 on allocation failure.
 */
int ps_plan_make_windows(ps_arch_plan *ap, const ps_plan_opts *opts, ps_findings *f);

#endif /* PS_PLAN_INT_H */
