/*
 * inspect.h - the documents of `patchseq inspect`: what each package says
 * of itself, as text or as JSON (schema patchseq.inspect/1).
 */
#ifndef PS_INSPECT_H
#define PS_INSPECT_H

#include "kb.h"
#include "util.h"

#include <jansson.h>

/* The text document: one block per package (with kb, the role the
 * knowledge base gives it; with hash, its SHA-256; with verbose, how far
 * into it reading went), then the findings. */
void ps_inspect_render_text(ps_buf *b, const ps_bundle *bundle, const ps_kb *kb, int hash,
                            int verbose, const ps_findings *f);
/* The JSON document; NULL when memory ran out. */
json_t *ps_inspect_to_json(const ps_bundle *bundle, const ps_kb *kb, int hash,
                           const ps_findings *f);

#endif /* PS_INSPECT_H */
