/*
 * util.h - library-private helpers: strings, growable buffers, string
 * vectors, safe XML parsing, atomic file output.
 */
#ifndef PS_UTIL_H
#define PS_UTIL_H

#include "patchseq.h"

#include "alloc.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define PS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The finding of an error that is no fact about a package (memory, a lock
 * file, an inventory): the caller words it, or decides what it means. */
#define PS_ERR_NO_FINDING PS_F__COUNT

/* An error of a module: what failed (error), and, when a package parser
 * found it, the finding it becomes (the caller knows the file and member
 * and adds it); PS_ERR_NO_FINDING otherwise. */
typedef struct ps_err {
    ps_error_code error;     /* PS_E_FORMAT, PS_E_LIMIT, PS_E_OOM, ... */
    ps_finding_code finding; /* PS_F_UNREADABLE_PACKAGE, PS_F_UNSAFE_INPUT, or PS_ERR_NO_FINDING */
    unsigned line;           /* 1-based line in the parsed document, 0 = none */
    char msg[512];           /* sentence without file/member, e.g. "not well-formed XML: ..." */
} ps_err;

/* A package parser's error, which becomes the finding finding: the error
 * is PS_E_LIMIT for PS_F_UNSAFE_INPUT (a limit or a refused construct),
 * else PS_E_FORMAT.  (PS_ERR_NO_FINDING: a format error of no package.) */
void ps_err_set(ps_err *e, ps_finding_code finding, unsigned line, const char *fmt, ...)
    PS_PRINTF(4, 5);
/* An error that is no finding (PS_E_OOM, or a lock file's or an
 * inventory's PS_E_FORMAT or PS_E_LIMIT): finding is PS_ERR_NO_FINDING. */
void ps_err_fail(ps_err *e, ps_error_code error, unsigned line, const char *fmt, ...)
    PS_PRINTF(4, 5);
/* "PATH:LINE: message" (or "PATH: message" when e has no line) into out. */
void ps_err_where(const ps_err *e, const char *path, char *out, size_t outlen);
/* snprintf into out, which may be NULL (or of size 0: nothing written). */
void ps_msg_set(char *out, size_t outlen, const char *fmt, ...) PS_PRINTF(3, 4);
/* A library's message (libxml2's end with a newline) as one line into dst
 * of size n: src, or fallback when src is NULL, cut to fit, its trailing
 * '\n', '\r' and ' ' dropped; with flatten, each '\n', '\r' or '\t' left
 * inside becomes a space ("...encoding !\nBytes: 0xD1" stays one line). */
void ps_msg_line(char *dst, size_t n, const char *src, const char *fallback, bool flatten);

/* Fills *e (NULL is fine) with code and the message; returns code. */
ps_error_code ps_error_set(ps_error *e, ps_error_code code, const char *fmt, ...) PS_PRINTF(3, 4);

/* Strings.  All allocation failures return NULL / -1. */
char *ps_strdup(const char *s);           /* NULL in, NULL out */
char *ps_strndup(const char *s, size_t n);
char *ps_asprintf(const char *fmt, ...) PS_PRINTF(1, 2);
char *ps_vasprintf(const char *fmt, va_list ap) PS_PRINTF(1, 0);
bool ps_streq_ci(const char *a, const char *b);
bool ps_has_suffix_ci(const char *s, const char *suffix);
bool ps_has_prefix_ci(const char *s, const char *prefix);
/* Replaces *dst by a copy of src (freeing the old value).  -1 on OOM. */
int ps_set_str(char **dst, const char *src);
/* Frees *p and sets it to NULL. */
void ps_free_ptr(void *pp);
/* Normalises "4474419", "kb4474419", "KB4474419" to "KB4474419"; NULL when
 * the text is not a KB number. */
char *ps_kb_normalize(const char *s);
/* The same into out, without allocating: 0, or -1 when not a KB number. */
#define PS_KB_SIZE 11 /* "KB" + at most 8 digits + NUL */
int ps_kb_normalize_to(const char *s, char out[PS_KB_SIZE]);
/* KB numbers ("KB4474419", normalised) in their one order: by number,
 * then (for the same number written differently) by length and bytes;
 * NULL first. */
int ps_kb_cmp(const char *a, const char *b);
/* strcmp with NULL: the two orders the outputs use, each by its name. */
int ps_strcmp_null_first(const char *a, const char *b);
int ps_strcmp_null_last(const char *a, const char *b);
/* The basename of a '/'-separated path (pointer into s). */
const char *ps_basename(const char *s);

/* Growable byte buffer with a hard maximum (0 = no maximum).  It remembers
 * an allocation failure: every later append fails too, and ps_buf_steal
 * then hands back NULL, so a builder that checks only at the end never
 * hands over a document with a piece missing.  (Going over max is not
 * remembered: the append is refused, the buffer stays usable.) */
typedef struct ps_buf {
    char *data;   /* always NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
    size_t max;
    int failed;   /* an append ran out of memory */
} ps_buf;

int ps_buf_append(ps_buf *b, const void *data, size_t len); /* -1 OOM, -2 over max */
int ps_buf_puts(ps_buf *b, const char *s);
int ps_buf_printf(ps_buf *b, const char *fmt, ...) PS_PRINTF(2, 3);
void ps_buf_free(ps_buf *b);
/* Marks b as having run out of memory (a piece made elsewhere is lost). */
void ps_buf_fail(ps_buf *b);
/* Hands the data to the caller (who frees it) and resets the buffer; NULL
 * (and the buffer freed) after an allocation failure. */
char *ps_buf_steal(ps_buf *b, size_t *len);

/* String vectors: (char **v, size_t n) pairs. */
int ps_strv_push(char ***v, size_t *n, const char *s);
bool ps_strv_contains(char *const *v, size_t n, const char *s);
void ps_strv_free(char ***v, size_t *n);

/*
 * Parses an XML document from memory with libxml2: no network, no DTD
 * loading, no entity substitution, a size cap.  A document with a DOCTYPE
 * is refused (PS_F_UNSAFE_INPUT).  On error returns NULL and fills err with
 * the line.  The returned pointer is an xmlDocPtr (void * here so that
 * this header does not pull in libxml2).
 */
void *ps_xml_parse(const void *data, size_t len, size_t max_bytes, ps_err *err);
void ps_xml_free(void *doc);

/* ps_xml_parse's parser (the same limits, refusals and errors) without the
 * tree: each element start and end goes to a callback, so that memory does
 * not grow with the document.  attrs holds n attributes of 5 pointers each
 * (local name, prefix, namespace URI, value start, value end), as libxml2's
 * SAX2 gives them.  0, or -1 with err set when the document is not
 * well-formed (what the callbacks found is then to be dropped). */
typedef struct ps_xml_sax {
    void (*start)(void *user, const char *local, const char *ns, unsigned line,
                  const char *const *attrs, size_t n);
    void (*end)(void *user);
} ps_xml_sax;
int ps_xml_stream(const void *data, size_t len, size_t max_bytes, const ps_xml_sax *sax,
                  void *user, ps_err *err);

/* ps_xml_stream with the stack of open elements kept for the callback:
 * start is told the kind it gave the parent element (-1 for the root) and
 * returns the kind of this one (a parser's enum; 0 for "ignored").  Kinds
 * are kept `keep` levels deep (at most PS_XML_PATH_MAX): an element below
 * that is not told, and is of kind 0.  There is no end callback: closing an
 * element only pops the stack. */
#define PS_XML_PATH_MAX 16
typedef struct ps_xml_path_sax {
    int (*start)(void *user, int parent, const char *local, const char *ns, unsigned line,
                 const char *const *attrs, size_t n);
    unsigned keep;
} ps_xml_path_sax;
int ps_xml_stream_path(const void *data, size_t len, size_t max_bytes,
                       const ps_xml_path_sax *sax, void *user, ps_err *err);

/*
 * Walking a document from ps_xml_parse (libxml2 nodes, declared opaquely so
 * that this header does not pull in libxml2).  Elements match on their
 * local name and namespace URI (NULL ns = no namespace), never on a prefix.
 */
struct _xmlNode;
/* First element child of parent named local in ns, or NULL. */
struct _xmlNode *ps_node_child(const struct _xmlNode *parent, const char *ns, const char *local);
/* Next element sibling after node named local in ns, or NULL. */
struct _xmlNode *ps_node_next(const struct _xmlNode *node, const char *ns, const char *local);
/* 1 when node is an element named local in ns. */
int ps_node_is(const struct _xmlNode *node, const char *ns, const char *local);
/* The value of an attribute without namespace (malloc'd), or NULL. */
char *ps_node_attr(const struct _xmlNode *node, const char *name);
/*
 * The root element of doc (an xmlDocPtr) when it is named local in ns;
 * otherwise NULL with err set: "root element is <x> ..., expected <local>
 * in namespace \"ns\"" at the root's line.
 */
struct _xmlNode *ps_node_root(void *doc, const char *ns, const char *local, ps_err *err);
/* 1-based line of node in its document, 0 when unknown. */
unsigned ps_node_line(const struct _xmlNode *node);
/*
 * An element of ps_xml_stream as a node of its own (free with xmlFreeNode):
 * its name, namespace, line (capped as the tree caps it) and the attributes
 * without namespace, their values decoded as the tree decodes them; no
 * parent, no children.  NULL when out of memory.
 */
struct _xmlNode *ps_node_shallow(const char *local, const char *ns, unsigned line,
                                 const char *const *attrs, size_t n);

/*
 * Writes data to path.  A regular file (or an absent one) is replaced
 * atomically: a temporary file "<name>.tmp.<pid>.XXXXXX" beside it, fsync,
 * rename; an existing file keeps its mode (a new one is 0644).  A symbolic
 * link is followed: the file it points to is replaced, the link stays.  A
 * device, FIFO or socket is written to directly (never replaced), and so is
 * a file reached through an open descriptor (/dev/stdout, /proc/self/fd/N:
 * appended to).  A
 * directory is an error.  Temporary files of runs that were killed are
 * removed first.  On failure nothing is left behind; returns -1 and fills
 * err with "PATH: reason".
 */
int ps_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen);
/* The same for a file that is not precious (a cache entry): path as it is
 * (no link followed, no stale temporary swept), written through
 * "PATH.tmp.XXXXXX" without fsync(), and left 0600. */
int ps_write_atomic_nosync(const char *path, const void *data, size_t len, char *err,
                           size_t errlen);

/* Opens a file that must be regular for reading without blocking on a
 * FIFO or device (O_NONBLOCK, fstat, then blocking reads).  -1 with err
 * ("cannot open: ...", "not a regular file (a FIFO is refused)"). */
int ps_open_regular(const char *path, char *err, size_t errlen);
/* The same as a stdio stream ("rb"), or NULL with err. */
FILE *ps_fopen_regular(const char *path, char *err, size_t errlen);
/* ps_open_regular with more open(2) flags (O_NOFOLLOW); *errnum (may be
 * NULL) is errno when open itself failed, else left alone. */
int ps_open_regular_flags(const char *path, int oflags, char *err, size_t errlen, int *errnum);

/* How reading a whole file failed. */
typedef enum ps_read_fail {
    PS_READ_OK = 0,
    PS_READ_OPEN,         /* open failed: *errnum; why "cannot open: ..." */
    PS_READ_NOT_REGULAR,  /* a folder, FIFO, socket or device: why "not a regular file (...)" */
    PS_READ_IO,           /* a read failed: *errnum; why "cannot read: ..." */
    PS_READ_TOO_LARGE,    /* more than max bytes: why "larger than MAX bytes" */
    PS_READ_OOM           /* why "out of memory" */
} ps_read_fail;

#define PS_READ_NOFOLLOW 1u /* a symbolic link is not followed (an open failure) */

/*
 * The one reader of a whole file: a regular file (ps_open_regular: never
 * blocks on a FIFO) of at most max bytes, into *data (NUL-terminated, the
 * caller frees; "" when empty) and *len.  On failure nothing is kept and
 * the kind is returned, with a reason in why and, for OPEN and IO, errno
 * in *errnum (may be NULL): each caller words its own message from them.
 */
ps_read_fail ps_read_file(const char *path, size_t max, unsigned flags, char **data, size_t *len,
                          char *why, size_t whylen, int *errnum);

/* UTF-16 text (after its byte order mark) appended to out as UTF-8.
 * Returns 0; -1 on allocation failure (or over out->max); -2 when len is
 * odd; -3 on an unpaired surrogate, with *line (1-based) where it is. */
int ps_utf16_to_utf8(const unsigned char *p, size_t len, int big_endian, ps_buf *out,
                     unsigned *line);

/* The text of a file as UTF-8 in *text and *tlen: after a UTF-16LE/BE byte
 * order mark decoded into conv (the caller frees it), after a UTF-8 one
 * skipped, otherwise the bytes as they are.  0, or -1 with err set: odd
 * (an odd number of UTF-16 bytes), surrogate (an unpaired one, at its
 * line), both as finding (PS_ERR_NO_FINDING for a file that is no
 * package), or out of memory. */
int ps_text_utf8(const void *data, size_t len, ps_buf *conv, const char **text, size_t *tlen,
                 const char *odd, const char *surrogate, ps_finding_code finding, ps_err *err);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void ps_hex(const unsigned char *bytes, size_t n, char *out);

/* The candidate nearest to word (case-blind edit distance), or NULL when
 * none is near enough ("did you mean"). */
const char *ps_did_you_mean(const char *word, const char *const *cands, size_t n);

#endif /* PS_UTIL_H */
