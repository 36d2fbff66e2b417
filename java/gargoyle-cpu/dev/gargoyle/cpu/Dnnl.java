package dev.gargoyle.cpu;

import static org.bytedeco.dnnl.global.dnnl.*;

/** The one place that turns oneDNN status codes into exceptions. */
final class Dnnl {
    private Dnnl() {
    }

    /** Throws a {@link DnnlException} naming {@code call} unless {@code status} is success. */
    static void check(String call, int status) {
        if (status != dnnl_success) {
            throw new DnnlException(call, status);
        }
    }

    // The preset leaves out dnnl_debug.h (dnnl_status2str), so the names are spelled out here.
    static String statusName(int status) {
        return switch (status) {
            case dnnl_success -> "success";
            case dnnl_out_of_memory -> "out_of_memory";
            case dnnl_invalid_arguments -> "invalid_arguments";
            case dnnl_unimplemented -> "unimplemented";
            case dnnl_last_impl_reached -> "last_impl_reached";
            case dnnl_runtime_error -> "runtime_error";
            case dnnl_not_required -> "not_required";
            default -> "status " + status;
        };
    }
}
