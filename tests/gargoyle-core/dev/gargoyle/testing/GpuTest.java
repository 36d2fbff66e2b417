package dev.gargoyle.testing;

import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a test class or method that needs a CUDA GPU: tagged {@code gpu}, and disabled, with the
 * reason CUDA cannot be used, where {@code cuda:0} does not load.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("gpu")
@ExtendWith(GpuTest.CudaAvailable.class)
public @interface GpuTest {

    /** Disables the test when {@link Backends#unavailableReason} names a reason for {@code cuda:0}. */
    final class CudaAvailable implements ExecutionCondition {
        private final Supplier<Optional<String>> unavailableReason;

        public CudaAvailable() {
            this(() -> Backends.unavailableReason(Device.cuda(0)));
        }

        /** For the condition's own test: {@code unavailableReason} stands in for the machine. */
        CudaAvailable(Supplier<Optional<String>> unavailableReason) {
            this.unavailableReason = unavailableReason;
        }

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return unavailableReason.get().map(r -> ConditionEvaluationResult.disabled("CUDA is not usable: " + r))
                    .orElseGet(() -> ConditionEvaluationResult.enabled("cuda:0 is usable"));
        }
    }
}
