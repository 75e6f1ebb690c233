/*
 * ps_archive.h - a small streaming layer over libarchive for cabinets
 * (library-private).
 *
 * A package is read front to back, never extracted: the outer cabinet is
 * read from a file descriptor, and a cabinet held inside it (the update cab
 * of an .msu, WSUSSCAN.cab, package.cab) is opened over the current member
 * with archive_read_open() callbacks that pull the member's bytes from the
 * outer handle.  Nothing is written to disk and nothing seeks.
 *
 * Every handle of one package shares a ps_ar_ctx, which enforces the
 * ps_limits (members per cabinet, nesting depth, bytes per member,
 * decompression ratio, wall time) and counts the bytes read and decoded.
 * Member names are data: they are matched, never used as paths.
 */
#ifndef PS_ARCHIVE_H
#define PS_ARCHIVE_H

#include "cabhdr.h"
#include "util.h"

#include <stdint.h>
#include <time.h>

/* How far the outcome of a read is a fact of the file's bytes alone, and
 * so may be kept in the cache (cache.h). */
typedef enum ps_read_outcome {
    PS_READ_OF_BYTES = 0, /* the same bytes read again give the same package and findings */
    PS_READ_OF_FILE,      /* the file could not be opened or read as a file (a file-level
                             unreadable-package finding) */
    PS_READ_OF_TIME       /* the time limit (max_seconds) stopped the read */
} ps_read_outcome;

/* Counters of one package read; the proof that reading stops early. */
typedef struct ps_ar_stats {
    uint64_t file_bytes;     /* bytes read from the package file */
    uint64_t decoded_bytes;  /* bytes decompressed, all levels (read or skipped) */
    unsigned max_depth;      /* deepest nesting opened: 1 = the file itself */
    size_t members;          /* member headers seen, all levels */
    size_t members_read;     /* members whose bytes were asked for (read into memory) */
    size_t deep_reads;       /* members decoded only because no other source had their fact */
    uint64_t skipped_bytes;  /* bytes decoded only to pass over members (part of decoded_bytes) */
    size_t tables;           /* cabinet tables of contents (CFFILE) parsed from the header bytes */
    ps_read_outcome outcome; /* whether the outcome may be cached */
} ps_ar_stats;

typedef struct ps_ar_ctx {
    ps_limits limits;
    struct timespec start;
    ps_ar_stats stats;
    int limit_hit;           /* 1 once a limit stopped the read; err says which */
    int time_hit;            /* 1 when that limit was max_seconds */
    ps_err limit_err;
    /* Armed for the next handle opened (one shot): every CFFILE record of
     * that cabinet's header is handed to on_file as the header streams by,
     * before any member is decoded (cabhdr.h). */
    ps_cab_file_cb *on_file;
    void *on_file_user;
} ps_ar_ctx;

typedef struct ps_ar ps_ar;

void ps_ar_ctx_init(ps_ar_ctx *ctx, const ps_limits *limits);

/*
 * Opens the cabinet in fd (which stays the caller's: it is not closed).
 * `label` names this level in messages ("" for the file itself).
 * Returns 0, or -1 with err filled (unreadable-package or unsafe-input).
 */
int ps_ar_open_fd(ps_ar **out, ps_ar_ctx *ctx, int fd, ps_err *err);

/* The same over `len` bytes at `data`, which must outlive the handle. */
int ps_ar_open_mem(ps_ar **out, ps_ar_ctx *ctx, const void *data, size_t len, ps_err *err);

/*
 * Opens the cabinet held in the current member of `outer`, streamed.
 * The nested handle must be closed before ps_ar_next() on `outer`.
 * Member names of the nested handle are prefixed with the outer member's
 * full name and '/', e.g. "Windows6.0-KB1-x64.cab/update.mum".
 */
int ps_ar_open_nested(ps_ar **out, ps_ar *outer, ps_err *err);

/*
 * Moves to the next member.  Returns 1 with *name set (the member name as
 * libarchive gives it, '/' separated; valid until the next call), 0 at the
 * end of the cabinet, -1 with err filled.
 */
int ps_ar_next(ps_ar *ar, const char **name, ps_err *err);

/* After ps_ar_next() failed while passing over the current member (a
 * limit met in its bytes): that member's full name; else NULL. */
const char *ps_ar_error_member(const ps_ar *ar);

/* The current member's full name, with the prefixes of the outer levels. */
const char *ps_ar_member_path(const ps_ar *ar);
/* The declared size of the current member, -1 when unknown. */
int64_t ps_ar_member_size(const ps_ar *ar);
/* Nesting depth of the handle: 1 for the file itself. */
unsigned ps_ar_depth(const ps_ar *ar);

/*
 * Reads up to n bytes of the current member.  Returns the count (0 at the
 * end of the member), or -1 with err filled.
 */
long ps_ar_read(ps_ar *ar, void *buf, size_t n, ps_err *err);

/*
 * Reads the whole current member into memory (NUL-terminated, *data freed
 * by the caller).  A member larger than `cap` bytes is refused with
 * unsafe-input, before it is decompressed when its size is declared.
 */
int ps_ar_read_member(ps_ar *ar, size_t cap, char **data, size_t *len, ps_err *err);
/* The same, naming `limit` ("max_xml_bytes") in the message. */
int ps_ar_read_member_limit(ps_ar *ar, size_t cap, const char *limit, char **data, size_t *len,
                            ps_err *err);

/*
 * State of the table of contents of the handle's cabinet (when on_file was
 * armed for it): 1 when every CFFILE record was handed over, 0 when not
 * (yet), -1 when the header could not be parsed (why: *why, may be NULL).
 * Complete by the time ps_ar_next() returned the first member.
 */
int ps_ar_table_state(const ps_ar *ar, const char **why);

/* Closes a handle (NULL is fine); an outer handle outlives its nested ones. */
void ps_ar_close(ps_ar *ar);

/* 1 when a member name is unsafe as a path: absolute, a ".." part, or a
 * control character.  Such names are reported; they are never used. */
int ps_ar_name_unsafe(const char *name);

/* Appends the display form of a name read from a file or a file system:
 * valid UTF-8 is kept, any other byte (control bytes, a legacy code page)
 * is written \xHH, so that messages and JSON stay valid text.  0, or -1
 * on allocation failure. */
int ps_ar_display_name(ps_buf *b, const char *name);

/* The monotonic clock of the time limit (a test may put a faster one). */
extern void (*ps_ar_now)(struct timespec *now);

/* Seconds spent since ps_ar_ctx_init, and whether that is over the limit. */
int ps_ar_check_time(ps_ar_ctx *ctx);

#endif /* PS_ARCHIVE_H */
