package dev.gargoyle.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

/** {@link GpuTest} disables exactly when cuda:0 cannot be used, and says why. */
class GpuTestConditionTest {
    @Test
    void disabledExactlyWhenCudaIsUnavailableWithTheReason() {
        Optional<String> reason = Backends.unavailableReason(Device.cuda(0));
        ConditionEvaluationResult result = new GpuTest.CudaAvailable().evaluateExecutionCondition(null);
        assertEquals(reason.isPresent(), result.isDisabled());
        reason.ifPresent(r -> assertTrue(result.getReason().orElse("").contains(r), result.getReason().toString()));
    }

    @Test
    void carriesTheGpuTag() {
        assertEquals("gpu", GpuTest.class.getAnnotation(Tag.class).value());
    }
}
