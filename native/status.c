/* Status strings and the library version: plain C, so the host-only test links it too. */
#include "gargoyle_kernels.h"

#define GG_VERSION_MAJOR 1
#define GG_VERSION_MINOR 0
#define GG_VERSION_PATCH 0

const char *gg_status_string(int status) {
    switch (status) {
    case GG_OK:
        return "ok";
    case GG_INVALID_ARGUMENT:
        return "invalid argument";
    case GG_LAUNCH_FAILED:
        return "kernel launch failed";
    case GG_NOT_BUILT:
        return "kernel library not built";
    default:
        return "unknown status";
    }
}

int gg_version(void) {
    return GG_VERSION_MAJOR * 10000 + GG_VERSION_MINOR * 100 + GG_VERSION_PATCH;
}
