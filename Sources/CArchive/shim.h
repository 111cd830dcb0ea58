#include <archive.h>
#include <archive_entry.h>

/* archive_entry.h's file-type macros are casts Swift does not import. */
static inline int avc_archive_entry_is_regular(struct archive_entry *e) { return archive_entry_filetype(e) == AE_IFREG; }
static inline int avc_archive_entry_is_symlink(struct archive_entry *e) { return archive_entry_filetype(e) == AE_IFLNK; }
