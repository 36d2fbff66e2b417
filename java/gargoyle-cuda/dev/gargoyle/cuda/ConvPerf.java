package dev.gargoyle.cuda;

/** One row of a cuDNN Find result, copied out of the native perf struct. */
record ConvPerf(int algo, int status, String statusName, float milliseconds, long workspaceBytes,
                boolean deterministic, int mathType) {

    boolean succeeded() {
        return status == 0;
    }
}
