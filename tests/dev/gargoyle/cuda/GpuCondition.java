package dev.gargoyle.cuda;

import static org.bytedeco.cuda.global.cudart.cudaGetDeviceCount;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Enables a test class only where our CUDA kernels load and a CUDA device is present; says why not otherwise. */
final class GpuCondition implements ExecutionCondition {
    private static volatile String reason;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String why = reason;
        if (why == null) {
            why = findReason();
            reason = why;
        }
        return why.isEmpty() ? ConditionEvaluationResult.enabled("CUDA kernels and a CUDA device are present")
                : ConditionEvaluationResult.disabled("no GPU: " + why);
    }

    private static String findReason() {
        if (!KernelLibrary.isAvailable()) {
            return KernelLibrary.unavailableReason();
        }
        int[] count = {0};
        int error = cudaGetDeviceCount(count);
        if (error != 0) {
            return "cudaGetDeviceCount failed: " + cudaGetErrorString(error).getString();
        }
        return count[0] > 0 ? "" : "cudaGetDeviceCount found no device";
    }
}
