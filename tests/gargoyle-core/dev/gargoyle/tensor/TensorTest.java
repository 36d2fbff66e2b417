package dev.gargoyle.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.reference.ReferenceBackend;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Views, ownership and the thread a backend belongs to. */
class TensorTest {
    @Test
    void aViewStartsAtItsElementOffset() {
        try (Backend b = ReferenceBackend.create(); Tensor t = b.allocate(Shape.of(10))) {
            t.copyFrom(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
            Tensor view = t.slice(3, Shape.of(4));
            assertEquals(t.nativeTensor().data().address() + 3 * Float.BYTES, view.nativeTensor().data().address());
            assertArrayEquals(new float[] {3, 4, 5, 6}, view.toArray());
        }
    }

    @Test
    void aTensorOfAnotherBackendIsRefusedNamingTheOp() {
        try (Backend a = ReferenceBackend.create(); Backend b = ReferenceBackend.create();
             Tensor x = a.allocate(Shape.of(4))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.fill(x, 1f));
            assertTrue(e.getMessage().startsWith("fill: t "), e.getMessage());
        }
    }

    @Test
    void anotherThreadGetsAnImmediateErrorNotAWrongResult() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor(r -> new Thread(r, "other"));
        try (Backend b = ReferenceBackend.create(); Tensor x = b.allocate(Shape.of(4))) {
            b.fill(x, 2f);
            Future<?> use = other.submit(() -> b.scale(x, 3f));
            Exception e = assertThrows(Exception.class, use::get);
            assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
            assertTrue(e.getCause().getMessage().contains("belongs to thread '" + Thread.currentThread().getName()
                    + "'"), e.getCause().getMessage());
            assertArrayEquals(new float[] {2, 2, 2, 2}, x.toArray(), "the refused call changed nothing");
            assertEquals(16, b.memoryInUse(), "memoryInUse may be read from any thread");
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void theFirstThreadToUseABackendOwnsIt() throws Exception {
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try (Backend b = ReferenceBackend.create()) {
            float[] out = worker.submit(() -> {
                try (Tensor x = b.allocate(Shape.of(2))) {
                    b.fill(x, 5f);
                    return x.toArray();
                }
            }).get();
            assertArrayEquals(new float[] {5, 5}, out);
            assertThrows(IllegalStateException.class, () -> b.allocate(Shape.of(1)));
            worker.submit(b::close).get();
        } finally {
            worker.shutdownNow();
        }
    }

    @Test
    void aClosedBackendRefusesEveryOpAndItsMemoryReading() {
        Backend b = ReferenceBackend.create();
        b.close();
        assertThrows(IllegalStateException.class, () -> b.allocate(Shape.of(1)));
        assertThrows(IllegalStateException.class, b::memoryInUse);
    }
}
