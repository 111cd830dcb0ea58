#include <libaudit.h>
#include <auparse.h>
