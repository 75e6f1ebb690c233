/*
 * parse.h - parsers for the metadata members of an update package.
 *
 * Each parser takes a buffer already read into memory (the caller caps its
 * size), fills a struct it owns, and on failure returns -1 with a ps_err
 * (code + line + message).  The caller, which knows the file and member,
 * turns the ps_err into a finding.  Parsers never touch the file system.
 */
#ifndef PS_PARSE_H
#define PS_PARSE_H

#include "util.h"

/* ---- update.mum and sub-package .mum files (asm.v3) ---------------- */

typedef struct ps_mum_component {
    char *name;      /* e.g. "Microsoft-Windows-ServicingStack" */
    char *version;
} ps_mum_component;

typedef struct ps_mum {
    ps_identity identity;      /* assembly/assemblyIdentity */
    char *kb;                  /* package/@identifier normalised ("KB4474419"); NULL if not a KB */
    char *identifier;          /* package/@identifier as written ("KB2999226_BF") */
    char *release_type;        /* package/@releaseType */
    char *restart;             /* package/@restart */
    char *creation_date;       /* assembly/@creationTimeStamp as "YYYY-MM-DD", or NULL */
    char *installer_version;   /* installerAssembly[@name=Microsoft-Windows-ServicingStack]/@version */
    char *os;                  /* "6.0" from the first parent identity version "6.0.6002.18005" */
    char *parent_version;      /* that parent version in full, or NULL */
    /* update/package/assemblyIdentity: the member names of child .mum files,
     * lower case: "name~token~arch~language~version.mum" (language "neutral"
     * is written as empty, as in the real cabs). */
    char **children;
    size_t n_children;
    /* update/component and applicable/updateComponent identities */
    ps_mum_component *components;
    size_t n_components;
} ps_mum;

/*
 * Parses a .mum document of at most max_bytes (UTF-8, BOM optional).  The
 * root must be <assembly> in urn:schemas-microsoft-com:asm.v3 with an
 * assemblyIdentity (name and version required); elements are matched by
 * namespace and local name.  kb drops a "_suffix" of the identifier
 * ("KB2999226_BF" -> "KB2999226").  At most 4096 children and 4096
 * components (more is PS_F_UNSAFE_INPUT).  On failure *out is left empty.
 */
int ps_mum_parse(const void *data, size_t len, size_t max_bytes, ps_mum *out, ps_err *err);
void ps_mum_free(ps_mum *m);
/* Version of a component with this name (case-insensitive) in m, or NULL. */
const char *ps_mum_component_version(const ps_mum *m, const char *name);

/*
 * A component manifest member name such as
 * "x86_microsoft-windows-servicingstack_31bf3856ad364e35_6.0.6003.20484_none_4d73ba0d5a17660e.manifest"
 * Gives the component name ("microsoft-windows-servicingstack", lower case as
 * written, possibly abbreviated with "..") and its version.  Returns 0, or -1
 * when the name does not have that shape.  Outputs are malloc'd.
 */
int ps_manifest_name_parse(const char *member, char **name, char **version);

/* ---- <name>-pkgProperties.txt ------------------------------------- */

typedef struct ps_props {
    char **keys;     /* as written */
    char **values;
    size_t count;
} ps_props;

/*
 * ASCII/UTF-8 (BOM optional) or UTF-16 with a BOM (FF FE, or FE FF),
 * converted to UTF-8; CRLF or LF; blank lines skipped; blanks around keys
 * and values trimmed.  Text must be valid UTF-8 without control characters
 * (tab allowed).  A line that is not Key="Value" is an error at its line.
 * At most 64 KiB and 1024 properties (more is PS_F_UNSAFE_INPUT); an empty
 * file, or one without any property, is an error.
 */
int ps_props_parse(const void *data, size_t len, ps_props *out, ps_err *err);
/* Case-insensitive key look-up; NULL when absent. */
const char *ps_props_get(const ps_props *p, const char *key);
void ps_props_free(ps_props *p);

/* ---- the unattend <name>.xml in an .msu ---------------------------- */

typedef struct ps_unattend {
    ps_identity identity;   /* servicing/package[@action=install]/assemblyIdentity */
    char *source;           /* source/@location without "%configsetroot%\" */
} ps_unattend;

/* Root <unattend> in urn:schemas-microsoft-com:unattend; the first
 * servicing/package whose action is "install" (any case) must have an
 * assemblyIdentity; source is NULL when there is no source/@location. */
int ps_unattend_parse(const void *data, size_t len, size_t max_bytes, ps_unattend *out,
                      ps_err *err);
void ps_unattend_free(ps_unattend *u);

/* ---- update.cat (PKCS#7 SignedData, DER) --------------------------- */

/* Fills *digests with PS_DIGEST_* bits from SignedData.digestAlgorithms and
 * every SignerInfo.digestAlgorithm.  Errors: empty input, more than 64 MiB
 * (PS_F_UNSAFE_INPUT), not DER PKCS#7, not signedData, or no known digest
 * algorithm at all (then *digests is 0). */
int ps_catalog_parse(const void *data, size_t len, unsigned *digests, ps_err *err);
/* 1 when the digests name no SHA-1 (and some SHA-2); 0 otherwise. */
int ps_catalog_sha2_only(unsigned digests);

/* ---- WSUSSCAN.cab -> package.cab -> package.xml -------------------- */

/*
 * Root <OfflineSyncPackage> in http://schemas.microsoft.com/msus/2004/02/OfflineSync.
 * The update read is the bundle (IsBundle="true"), else the first leaf
 * that is software (detectoids and categories carry IsSoftware="false").
 * GUIDs must have the 8-4-4-4-12 form and come out in lower case;
 * revision ids are decimal.  Lists keep the first of duplicates and hold
 * at most 1024 entries (more is PS_F_UNSAFE_INPUT).
 */
int ps_wsus_parse(const void *data, size_t len, size_t max_bytes, ps_wsus_info *out,
                  ps_err *err);
void ps_wsus_info_free(ps_wsus_info *w);

/*
 * A localized/<lang>/<RevisionId> fragment of package.cab:
 * <LocalizedProperties><Language>en</Language><Title>...</Title>...
 * (no namespace).  *title: the text of the first <Title> (malloc'd), or
 * NULL when there is none.  The title must be 1 to 255 printable ASCII
 * characters (PS_FACT_TITLE); anything else (control characters, a huge
 * title) is -1 with err set (PS_F_UNSAFE_INPUT).
 */
int ps_wsus_title_parse(const void *data, size_t len, size_t max_bytes, char **title,
                        ps_err *err);

/* What a WSUS title says of the release: Microsoft's titles are
 * "2020-02 Security Monthly Quality Rollup for Windows 7 for x64-based
 * Systems (KB4537820)", "2020-02 Security Only Quality Update for ...",
 * "2019-09 Preview of Monthly Quality Rollup for ...". */
typedef enum ps_title_kind {
    PS_TITLE_NONE = 0,      /* none of the three */
    PS_TITLE_ROLLUP,        /* "Security Monthly Quality Rollup", "Monthly Rollup" */
    PS_TITLE_SECURITY_ONLY, /* "Security Only" */
    PS_TITLE_PREVIEW        /* "Preview" (of a rollup) */
} ps_title_kind;

/* The kind of title (case-insensitive words; Preview before Security Only
 * before Monthly Rollup), and in month[8] its "YYYY-MM" prefix (years
 * 2000-2099), or "" when it has none. */
ps_title_kind ps_wsus_title_kind(const char *title, char month[8]);

/* ---- shared ------------------------------------------------------- */

void ps_identity_free(ps_identity *id);
int ps_identity_copy(ps_identity *dst, const ps_identity *src);

/*
 * Fills id from an assemblyIdentity element (attributes name, version,
 * processorArchitecture, language, publicKeyToken).  name and version are
 * required: without them returns -1 with err set at the element's line.
 */
int ps_identity_from_node(ps_identity *id, const struct _xmlNode *node, ps_err *err);

#endif /* PS_PARSE_H */
