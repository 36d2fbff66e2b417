package dev.gargoyle.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.spi.HostMemory;
import dev.gargoyle.tensor.spi.NativeTensor;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/**
 * Tensor views reach native calls as exact addresses. The reason, shown on host memory: JavaCPP
 * adds a {@code void*} argument's position in bytes, so a float view's position passed as is
 * would land a quarter of the way in.
 */
class AddressesTest {
    @Test
    void aViewsAddressIncludesItsElementOffset() {
        try (HostMemory m = new HostMemory(10 * Float.BYTES)) {
            NativeTensor t = new NativeTensor(Shape.of(10), m.address().address(), true);
            t.hostBuffer().put(0, new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
            NativeTensor view = new NativeTensor(Shape.of(4), m.address().address() + 3 * Float.BYTES, true);
            FloatPointer at = Addresses.floats(view.data().address());
            assertEquals(0, at.position());
            assertEquals(3f, at.get(0));
            float[] out = new float[4];
            at.get(out, 0, 4);
            assertEquals(6f, out[3]);
            Addresses.floats(view.data().address() + Float.BYTES).put(new float[] {-1f}, 0, 1);
            assertEquals(-1f, t.hostBuffer().get(4));
        }
    }

    @Test
    void javacppAddsAVoidPointersPositionInBytes() {
        try (FloatPointer src = new FloatPointer(1f, 2f, 3f, 4f); FloatPointer dst = new FloatPointer(2)) {
            Pointer.memcpy(dst, Addresses.floats(src.address() + 2 * Float.BYTES), 2 * Float.BYTES);
            assertEquals(3f, dst.get(0), "a position-0 pointer at the exact address copies elements 2 and 3");
            Pointer.memcpy(dst, src.position(2), 2 * Float.BYTES);
            src.position(0);
            // Position 2 moved the void* argument by 2 bytes: the first float read is made of the
            // upper half of 1f and the lower half of 2f (little-endian).
            int bytesFrom2 = (Float.floatToRawIntBits(1f) >>> 16) | (Float.floatToRawIntBits(2f) << 16);
            assertEquals(Float.intBitsToFloat(bytesFrom2), dst.get(0));
        }
    }
}
