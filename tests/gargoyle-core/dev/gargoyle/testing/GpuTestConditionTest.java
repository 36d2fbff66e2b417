package dev.gargoyle.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

/** {@link GpuTest} disables exactly when cuda:0 cannot be used, and says why. */
class GpuTestConditionTest {
    @Test
    void disabledWithTheReasonWhenCudaIsUnusable() {
        ConditionEvaluationResult result = new GpuTest.CudaAvailable(() -> Optional.of("no CUDA driver found"))
                .evaluateExecutionCondition(null);
        assertTrue(result.isDisabled());
        assertEquals(Optional.of("CUDA is not usable: no CUDA driver found"), result.getReason());
    }

    @Test
    void enabledWhenCudaIsUsable() {
        ConditionEvaluationResult result = new GpuTest.CudaAvailable(Optional::empty).evaluateExecutionCondition(null);
        assertFalse(result.isDisabled());
        assertEquals(Optional.of("cuda:0 is usable"), result.getReason());
    }

    @Test
    void carriesTheGpuTag() {
        assertEquals("gpu", GpuTest.class.getAnnotation(Tag.class).value());
    }
}
