package dev.gargoyle.cuda;

import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaMemcpy;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;

/** A block of device memory for the kernel tests, copied from and to Java arrays; freed by close(). */
final class GpuBuffer implements AutoCloseable {
    private final Pointer address = new Pointer();
    private final long bytes;

    private GpuBuffer(long bytes) {
        this.bytes = bytes;
        check(cudaMalloc(address, Math.max(bytes, 1)), "cudaMalloc(" + bytes + ")");
    }

    static void check(int error, String call) {
        if (error != 0) {
            throw new CudaException(call + " failed: " + cudaGetErrorString(error).getString() + " (" + error + ")");
        }
    }

    static GpuBuffer floats(long n) {
        return new GpuBuffer(n * Float.BYTES);
    }

    static GpuBuffer of(float[] values) {
        GpuBuffer b = floats(values.length);
        try (FloatPointer host = new FloatPointer(values)) {
            b.upload(host);
        }
        return b;
    }

    static GpuBuffer of(int[] values) {
        GpuBuffer b = new GpuBuffer((long) values.length * Integer.BYTES);
        try (IntPointer host = new IntPointer(values)) {
            b.upload(host);
        }
        return b;
    }

    static GpuBuffer of(byte[] values) {
        GpuBuffer b = new GpuBuffer(values.length);
        try (BytePointer host = new BytePointer(values)) {
            b.upload(host);
        }
        return b;
    }

    static GpuBuffer ofDouble(double value) {
        GpuBuffer b = new GpuBuffer(Double.BYTES);
        try (DoublePointer host = new DoublePointer(value)) {
            b.upload(host);
        }
        return b;
    }

    private void upload(Pointer host) {
        check(cudaMemcpy(address, host, bytes, cudaMemcpyHostToDevice), "cudaMemcpy to device");
    }

    FloatPointer asFloats() {
        return new FloatPointer(address);
    }

    IntPointer asInts() {
        return new IntPointer(address);
    }

    BytePointer asBytes() {
        return new BytePointer(address);
    }

    DoublePointer asDouble() {
        return new DoublePointer(address);
    }

    float[] toFloats() {
        float[] out = new float[(int) (bytes / Float.BYTES)];
        try (FloatPointer host = new FloatPointer(out.length)) {
            check(cudaMemcpy(host, address, bytes, cudaMemcpyDeviceToHost), "cudaMemcpy to host");
            host.get(out);
        }
        return out;
    }

    double toDouble() {
        try (DoublePointer host = new DoublePointer(1)) {
            check(cudaMemcpy(host, address, Double.BYTES, cudaMemcpyDeviceToHost), "cudaMemcpy to host");
            return host.get();
        }
    }

    @Override
    public void close() {
        if (!address.isNull()) {
            check(cudaFree(address), "cudaFree");
            address.setNull();
        }
    }
}
