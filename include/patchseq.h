/*
 * patchseq.h - public interface of libpatchseq
 *
 * libpatchseq reads Windows update packages (.msu, .cab) from their own
 * metadata, classifies them against a knowledge base and computes a safe
 * install order per (OS, architecture).  The library prints nothing: every
 * problem is a finding (ps_finding), rendered by the caller.
 *
 * Ownership: every char * inside a struct returned or filled by the library
 * is owned by that struct and released by its *_free() function.
 */
#ifndef PATCHSEQ_H
#define PATCHSEQ_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(PS_BUILDING_LIBRARY) && defined(__GNUC__)
#define PS_API __attribute__((visibility("default")))
#else
#define PS_API
#endif

#if defined(__GNUC__)
#define PS_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PS_PRINTF(fmt, args)
#endif

#include "patchseq/error.h"   /* ps_error: a call that failed, apart from findings */
#include "patchseq/version.h" /* PS_VERSION_STRING, generated */

/* ------------------------------------------------------------------ */
/* Architectures                                                       */
/* ------------------------------------------------------------------ */

typedef enum ps_arch {
    PS_ARCH_NONE = 0, /* not known, or not arch-specific */
    PS_ARCH_X86,
    PS_ARCH_X64,
    PS_ARCH_IA64,
    PS_ARCH__COUNT
} ps_arch;

#define PS_ARCH_BIT(a) (1u << (unsigned)(a))

/* "x86", "x64", "ia64"; NULL for PS_ARCH_NONE */
PS_API const char *ps_arch_name(ps_arch arch);
/* Accepts x86, x64, amd64, ia64 (case-insensitive); PS_ARCH_NONE otherwise. */
PS_API ps_arch ps_arch_parse(const char *name);

/* ------------------------------------------------------------------ */
/* Findings                                                            */
/* ------------------------------------------------------------------ */

typedef enum ps_severity {
    PS_SEV_INFO = 0,
    PS_SEV_WARNING,
    PS_SEV_ERROR
} ps_severity;

/* X(enum suffix, stable code, severity) - the one table of finding codes. */
#define PS_FINDING_CODES(X)                                          \
    X(UNREADABLE_PACKAGE, "unreadable-package", PS_SEV_ERROR)        \
    X(MISSING_PREREQUISITE, "missing-prerequisite", PS_SEV_ERROR)    \
    X(ARCH_MISMATCH, "arch-mismatch", PS_SEV_ERROR)                  \
    X(DEPENDENCY_CYCLE, "dependency-cycle", PS_SEV_ERROR)            \
    X(UNSAFE_INPUT, "unsafe-input", PS_SEV_ERROR)                    \
    X(UNSAFE_FILE_NAME, "unsafe-file-name", PS_SEV_ERROR)            \
    X(HASH_MISMATCH, "hash-mismatch", PS_SEV_ERROR)                  \
    X(RULE_ERROR, "rule-error", PS_SEV_ERROR)                        \
    X(LOCK_MISMATCH, "lock-mismatch", PS_SEV_ERROR)                  \
    X(WRONG_MACHINE, "wrong-machine", PS_SEV_ERROR)                  \
    X(SUPERSEDED, "superseded", PS_SEV_WARNING)                      \
    X(DUPLICATE, "duplicate", PS_SEV_WARNING)                        \
    X(UNKNOWN_UPDATE, "unknown-update", PS_SEV_WARNING)              \
    X(WRONG_OS, "wrong-os", PS_SEV_WARNING)                          \
    X(WINDOW_OVERRUN, "window-overrun", PS_SEV_WARNING)              \
    X(ESU_LICENSING, "esu-licensing", PS_SEV_WARNING)              \
    X(FOREIGN_FILE, "foreign-file", PS_SEV_INFO)                     \
    X(ALREADY_INSTALLED, "already-installed", PS_SEV_INFO)          \
    X(EMPTY_BUNDLE, "empty-bundle", PS_SEV_ERROR)                    \
    X(DANGLING_LINK, "dangling-link", PS_SEV_ERROR)                  \
    X(LINK_NOT_FOLLOWED, "link-not-followed", PS_SEV_WARNING)        \
    X(UNPLANNED_INSTALLER, "unplanned-installer", PS_SEV_WARNING)    \
    X(NAME_MISMATCH, "name-mismatch", PS_SEV_WARNING)                \
    X(EXPIRED_WAIVER, "expired-waiver", PS_SEV_WARNING)              \
    X(UNUSED_WAIVER, "unused-waiver", PS_SEV_INFO)                   \
    X(INCLUDED_IN_ROLLUP, "included-in-rollup", PS_SEV_INFO)        \
    X(OTHER_TRACK, "other-track", PS_SEV_INFO)                      \
    X(OPTIONAL, "optional", PS_SEV_INFO)                            \
    X(EXCLUDED, "excluded", PS_SEV_INFO)                            \
    X(AFTER_TARGET, "after-target", PS_SEV_INFO)                    \
    X(METADATA_MISMATCH, "metadata-mismatch", PS_SEV_INFO)

typedef enum ps_finding_code {
#define PS_X_ENUM(e, s, v) PS_F_##e,
    PS_FINDING_CODES(PS_X_ENUM)
#undef PS_X_ENUM
    PS_F__COUNT
} ps_finding_code;

PS_API const char *ps_finding_code_name(ps_finding_code code);
PS_API ps_severity ps_finding_code_severity(ps_finding_code code);
PS_API const char *ps_severity_name(ps_severity sev); /* info, warning, error */
/* "oom", "io", "format", "limit", "usage"; "none" for PS_E_NONE (patchseq/error.h). */
PS_API const char *ps_error_code_name(ps_error_code code);

typedef struct ps_finding {
    ps_finding_code code;
    ps_severity severity;
    ps_arch arch;    /* PS_ARCH_NONE when not about one architecture */
    char *os;        /* "6.0"...; NULL when not about one OS */
    char *kb;        /* "KB4474419"; NULL when unknown */
    char *file;      /* display path of the package, or of the knowledge file (rule-error) */
    char *member;    /* where inside the package: "X.cab/update.mum"; or NULL */
    unsigned line;   /* 1-based line in member (or rule file); 0 = unknown */
    char *message;   /* complete sentence, no trailing newline */
    int waived;      /* 1 when a waiver (validate --waive) covers it: shown, never failing */
} ps_finding;

typedef struct ps_findings {
    ps_finding *items;
    size_t count;
    size_t cap;
} ps_findings;

/* Location of a finding; all members may be NULL / 0. */
typedef struct ps_where {
    const char *file;
    const char *member;
    unsigned line;
    ps_arch arch;
    const char *os;
    const char *kb;
} ps_where;

/* Adds a finding (message from fmt).  Returns 0, or -1 on allocation failure. */
PS_API int ps_findings_add(ps_findings *f, ps_finding_code code, const ps_where *where,
                           const char *fmt, ...) PS_PRINTF(4, 5);
PS_API int ps_findings_addv(ps_findings *f, ps_finding_code code, const ps_where *where,
                            const char *fmt, va_list ap) PS_PRINTF(4, 0);
/* Highest severity present; -1 when empty. */
PS_API int ps_findings_max_severity(const ps_findings *f);
PS_API size_t ps_findings_count_code(const ps_findings *f, ps_finding_code code);
/* Stable sort: by file, then arch, then code, then message. */
PS_API void ps_findings_sort(ps_findings *f);
PS_API void ps_findings_free(ps_findings *f);

/* ------------------------------------------------------------------ */
/* Packages                                                            */
/* ------------------------------------------------------------------ */

typedef enum ps_container {
    PS_CONTAINER_MSU = 0,
    PS_CONTAINER_CAB
} ps_container;

PS_API const char *ps_container_name(ps_container c); /* "msu", "cab" */

enum {
    PS_DIGEST_MD5 = 1u << 0,
    PS_DIGEST_SHA1 = 1u << 1,
    PS_DIGEST_SHA256 = 1u << 2,
    PS_DIGEST_SHA384 = 1u << 3,
    PS_DIGEST_SHA512 = 1u << 4
};

typedef struct ps_identity {
    char *name;
    char *version;
    char *arch;      /* as written: x86, amd64, ia64, wow64, msil */
    char *language;
    char *public_key_token;
} ps_identity;

/* What WSUSSCAN.cab -> package.cab -> package.xml says of the package. */
typedef struct ps_wsus_info {
    char *update_id;        /* UpdateId of the bundle (IsBundle="true"), else the first leaf */
    char *classification;   /* UpdateClassification category GUID, lower case */
    char **superseded_by;   /* SupersededBy/Revision/@Id values */
    size_t n_superseded_by;
    char **prerequisites;   /* bare Prerequisites/UpdateId/@Id (AND); Or groups are not kept */
    size_t n_prerequisites;
    char *revision_id;      /* RevisionId of that update (decimal), or NULL */
    char *title;            /* its English title (localized/en/<RevisionId>), or NULL */
} ps_wsus_info;

/* Where the KB number of a package came from: the first source that gave one. */
typedef enum ps_kb_source {
    PS_KB_SOURCE_NONE = 0,  /* no KB */
    PS_KB_SOURCE_MUM,       /* update.mum */
    PS_KB_SOURCE_PROPS,     /* <name>-pkgProperties.txt, "KB Article Number" */
    PS_KB_SOURCE_FILE_NAME, /* the file name alone */
    PS_KB_SOURCE__COUNT
} ps_kb_source;

/* "update.mum", "pkgProperties", "file name"; NULL for PS_KB_SOURCE_NONE */
PS_API const char *ps_kb_source_name(ps_kb_source source);

typedef struct ps_package {
    char *file;              /* display path: as given, joined with the path in the folder */
    char *path;              /* path used to open the file */
    ps_container container;
    int readable;            /* 1 when update.mum (or a fallback) gave the identity */

    char *kb;                /* "KB4474419" */
    ps_kb_source kb_source;  /* where kb came from; PS_KB_SOURCE_NONE without one */
    unsigned revision;       /* N of "-vN" in the file name; 0 when absent */
    ps_arch arch;            /* from the identity (fallbacks: pkgProperties, file name) */
    ps_arch name_arch;       /* from the file name; PS_ARCH_NONE when it names none */
    char *os;                /* "6.0", "6.1", "6.2", "6.3"; NULL when unknown */
    char *name_os;           /* from the file name prefix ("Windows6.0-"), or NULL */

    ps_identity identity;
    char *release_type;      /* free text: "Security Update", "Update", ... */
    char *restart;           /* "possible", "required", or NULL */
    char *build_date;        /* "YYYY-MM-DD" (update.mum creationTimeStamp, or Build Date) */
    char *installer_version; /* minimum servicing stack (installerAssembly) */
    char *provides_stack;    /* Microsoft-Windows-ServicingStack version it delivers, or NULL */
    char *kernel_version;    /* Microsoft-Windows-OS-Kernel version it delivers, or NULL */
    unsigned catalog_digests;/* PS_DIGEST_* of update.cat; 0 when no catalog was read */
    int sha2_only;           /* 1, 0, or -1 when no catalog was read */

    int has_wsus;
    ps_wsus_info wsus;

    uint64_t size;           /* file size in bytes */
    int hashed;              /* 1 when sha256/sha1 below are set */
    char sha256[65];
    char sha1[41];
    unsigned deep_reads;     /* members decoded past the front because no other source had their fact */
} ps_package;

PS_API void ps_package_free(ps_package *p);

/*
 * Resource limits for reading untrusted packages.  Defaults
 * (ps_limits_default): 65535 members, depth 4, 64 MiB per member, 32 MiB per
 * XML document, ratio 256:1 (checked once 1 MiB is decoded), 120 s per
 * package.  Reaching one stops the read of that package: one unsafe-input
 * finding naming the limit; the package is not planned.  0 = off.
 */
typedef struct ps_limits {
    size_t max_members;        /* members per cabinet */
    unsigned max_depth;        /* nesting: msu (1) -> WSUSSCAN.cab (2) -> package.cab (3), and one spare */
    size_t max_member_bytes;   /* bytes of one member read into memory */
    size_t max_xml_bytes;      /* bytes of one XML document */
    unsigned max_ratio;        /* decompressed : compressed bytes, against bombs */
    unsigned max_seconds;      /* wall time spent on one package */
} ps_limits;

PS_API void ps_limits_default(ps_limits *l);

/* Progress of ps_bundle_read, given to ps_read_opts.progress. */
typedef struct ps_progress {
    size_t files_done;         /* files finished (read, or taken from the cache) */
    size_t files_total;        /* files listed */
    uint64_t bytes_done;       /* sizes of the finished files */
    uint64_t bytes_total;      /* sizes of the listed files */
    size_t cache_hits;         /* files taken from the metadata cache */
    int hashing;               /* 1 when every byte of every package is hashed */
} ps_progress;

/* Called once when the files are listed, then after each file; calls are
 * serialised, but come from the reading threads. */
typedef void (*ps_progress_fn)(void *user, const ps_progress *progress);

typedef struct ps_read_opts {
    int hash;                  /* compute sha256 and sha1 of every package file */
    int wsus;                  /* read WSUSSCAN.cab metadata (default 1) */
    ps_limits limits;
    /* Metadata cache of ps_bundle_read.  cache_dir NULL: $PATCHSEQ_CACHE_DIR,
     * else $XDG_CACHE_HOME/patchseq, else ~/.cache/patchseq.  no_cache (or
     * PATCHSEQ_NO_CACHE=1 when cache_dir is NULL): neither read nor written. */
    const char *cache_dir;
    int no_cache;
    ps_progress_fn progress;   /* NULL: no progress reports */
    void *progress_user;
} ps_read_opts;

PS_API void ps_read_opts_default(ps_read_opts *o);

/*
 * Reads one package file.  `path` is opened; `display` is the name used in
 * output and findings.  Every problem becomes a finding on that file.
 * Returns 0 when the file was read as a package (p->readable may still be 0
 * when it was a cabinet without usable metadata), 1 when it is not a package
 * at all (a foreign-file finding was added), -1 on allocation failure.
 */
PS_API int ps_package_read(ps_package *p, const char *path, const char *display,
                           const ps_read_opts *opts, ps_findings *f);

typedef struct ps_bundle {
    ps_package *items;
    size_t count;
    size_t cap;
} ps_bundle;

/*
 * Reads every package under the given paths (files, or folders read
 * recursively in byte order of names).  Returns 0, or -1 when a path cannot
 * be used at all; then `err` holds the message (the caller exits 2).
 */
PS_API int ps_bundle_read(ps_bundle *b, const char *const *paths, size_t npaths,
                          const ps_read_opts *opts, ps_findings *f, char *err, size_t errlen);
PS_API void ps_bundle_free(ps_bundle *b);
/* 1 when a PATH names an archive read as a bundle folder (.zip, .tar,
 * .tar.gz, .tgz, .tar.bz2, .tar.xz, .tar.zst, .7z, .iso), by its name. */
PS_API int ps_bundle_is_archive(const char *path);

/* Compares dotted numeric versions ("6.0.6003.20484"); missing parts are 0. */
PS_API int ps_version_cmp(const char *a, const char *b);

#ifdef __cplusplus
}
#endif

#endif /* PATCHSEQ_H */
