#include <libaudit.h>

// Exported by libaudit (auditctl's own requests go through it) but declared only in its private
// header. KernelAudit uses it instead of audit_request_status(), whose object file would carry
// getpwnam()/getgrnam() into the static release binary.
extern int audit_send(int fd, int type, const void *data, unsigned int size);
