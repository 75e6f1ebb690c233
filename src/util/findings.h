/*
 * findings.h - what the library does with a findings list beyond the
 * public ps_findings_* calls (library-private).
 */
#ifndef PS_FINDINGS_H
#define PS_FINDINGS_H

#include "util.h"

/* "file: member:line: severity: code: message" lines, one per finding. */
void ps_findings_render_text(ps_buf *b, const ps_findings *f);
/* The same; with color, the severity in ANSI colours. */
void ps_findings_render_text_color(ps_buf *b, const ps_findings *f, int color);

#endif /* PS_FINDINGS_H */
