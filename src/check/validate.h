/*
 * validate.h - the checks of `patchseq validate` that only reading every
 * byte can make (catalog-name SHA-1, same bytes, unknown updates, file
 * names naming another KB), the lock comparison and the waivers, on a
 * bundle already read and planned.
 */
#ifndef PS_VALIDATE_H
#define PS_VALIDATE_H

#include "kb.h"
#include "lock.h"
#include "plan.h"
#include "waivers.h"

/* Adds hash-mismatch, duplicate, unknown-update and name-mismatch findings
 * to f for the packages of b (unknown-update only for the architectures of
 * arch_mask; 0: every one).  0, or -1 when memory ran out. */
int ps_validate_checks(const ps_bundle *b, const ps_kb *kb, unsigned arch_mask, ps_findings *f);

/* Builds `now`, the lock of the bundle b as planned (plan), and compares
 * it with `locked` (read from lockpath): lock-mismatch and hash-mismatch
 * findings go to f.  When the plan was made for one machine or some
 * architectures only (whole_plan 0), the plan a lock digests (every
 * architecture, nothing installed) is made again from b and kb.  0, or -1
 * when memory ran out. */
int ps_validate_lock(ps_lock *now, const ps_lock *locked, const char *lockpath,
                     const ps_bundle *b, const ps_kb *kb, const ps_plan *plan, int whole_plan,
                     const char *const *roots, size_t nroots, ps_findings *f);

/* Marks the findings of f that the waivers match as waived, as of today
 * (local time), then adds the expired-waiver and unused-waiver findings.
 * 0, or -1 when memory ran out. */
int ps_validate_waive(ps_waivers *w, ps_findings *f);

#endif /* PS_VALIDATE_H */
