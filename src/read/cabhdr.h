/*
 * cabhdr.h - a streaming parser of a cabinet's own table of contents
 * (CFHEADER, CFFOLDER, CFFILE: [MS-CAB] 2.1-2.3), library-private.
 *
 * The archive layer tees the first bytes of every cabinet it streams to
 * libarchive into this parser, so the names and sizes of all members are
 * known as soon as the header is read, before any data block is decoded.
 * The parser keeps no more than the fixed part of one record and the name
 * being read (at most 256 bytes); each CFFILE record is handed to a
 * callback as it completes.  Every field is bounds-checked; a cabinet
 * whose table cannot be read gives an error, and the reader then reads
 * the cabinet the slow way (member by member).
 */
#ifndef PS_CABHDR_H
#define PS_CABHDR_H

#include <stddef.h>
#include <stdint.h>

#define PS_CAB_NAME_MAX 256 /* bytes of a CFFILE szName, its NUL included */

/* One CFFILE record. */
typedef struct ps_cab_file {
    const char *name;       /* as stored, '\\' turned to '/'; valid during the callback */
    uint32_t size;          /* cbFile: uncompressed bytes */
    uint32_t folder_offset; /* uoffFolderStart: where it starts in its folder's data */
    uint16_t folder;        /* iFolder (0xFFFD..0xFFFF: continued from/to another cabinet) */
    uint16_t attribs;
    size_t index;           /* 0-based position in the table */
} ps_cab_file;

typedef void ps_cab_file_cb(void *user, const ps_cab_file *f);

typedef struct ps_cabhdr {
    int state;              /* internal; see cabhdr.c */
    int result;             /* 0 in progress, 1 complete, -1 failed (err says why) */
    uint64_t pos;           /* bytes of the cabinet seen */
    uint32_t cb_cabinet, coff_files;
    uint16_t n_folders, n_files, flags;
    uint16_t cb_header_res; /* per-cabinet reserve bytes */
    uint8_t cb_folder_res, cb_data_res;
    uint32_t need;          /* bytes still wanted by the current step */
    unsigned strings_left;  /* prev/next cabinet and disk names still to skip */
    size_t folders_seen, files_seen;
    uint16_t folder_compress[4]; /* typeCompress of the first folders (for callers) */
    unsigned char rec[36];  /* the fixed part of the record being read */
    size_t rec_len;
    char name[PS_CAB_NAME_MAX];
    size_t name_len;
    size_t max_files;       /* refuse a table of more members (0 = 65535) */
    ps_cab_file_cb *cb;
    void *user;
    char err[160];
} ps_cabhdr;

void ps_cabhdr_init(ps_cabhdr *h, size_t max_files, ps_cab_file_cb *cb, void *user);

/*
 * Feeds the next n bytes of the cabinet.  Returns 1 once the table is
 * complete (later bytes are ignored), 0 when more are wanted, -1 when the
 * table is malformed (h->err says where).  Costs O(n) until complete, O(1)
 * after.
 */
int ps_cabhdr_feed(ps_cabhdr *h, const void *data, size_t n);

#endif /* PS_CABHDR_H */
