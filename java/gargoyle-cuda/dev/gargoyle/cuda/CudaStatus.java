package dev.gargoyle.cuda;

import static org.bytedeco.cuda.global.cublas.cublasGetStatusName;
import static org.bytedeco.cuda.global.cublas.cublasGetStatusString;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorName;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudnn.cudnnGetErrorString;
import static org.bytedeco.cuda.global.cudnn.cudnnGetLastErrorString;
import static org.bytedeco.cuda.global.nccl.ncclGetErrorString;
import static org.bytedeco.cuda.global.nccl.ncclGetLastError;
import static org.bytedeco.cuda.global.nccl.ncclSuccess;

import dev.gargoyle.dist.CommunicationException;
import java.nio.charset.StandardCharsets;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.BytePointer;

/**
 * Turns CUDA runtime, cuDNN, cuBLAS and NCCL status codes into exceptions that name the call, the status
 * (its name and the library's own description) and the operands involved. The operands are any
 * object whose {@code toString} describes them (a key record, a shape); it is only formatted on failure.
 */
final class CudaStatus {
    private CudaStatus() {
    }

    static void cuda(int status, String call) {
        cuda(status, call, null);
    }

    static void cuda(int status, String call, Object operands) {
        if (status != 0) {
            throw new CudaException(call + " failed: " + cudaText(status) + with(operands));
        }
    }

    /** The runtime's name and description of a {@code cudaError_t}, e.g. {@code cudaErrorNoDevice (no CUDA-capable device is detected)}. */
    static String cudaText(int status) {
        return cudaGetErrorName(status).getString() + " (" + cudaGetErrorString(status).getString() + ")";
    }

    static void cudnn(int status, String call) {
        cudnn(status, call, null);
    }

    static void cudnn(int status, String call, Object operands) {
        if (status != cudnn.CUDNN_STATUS_SUCCESS) {
            throw cudnnError(status, call, operands);
        }
    }

    static CudnnException cudnnError(int status, String call, Object operands) {
        StringBuilder m = new StringBuilder(call).append(" failed: ").append(cudnnText(status));
        String detail = cudnnLastError();
        if (!detail.isEmpty()) {
            m.append(": ").append(detail);
        }
        if (status == cudnn.CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED) {
            m.append("; cuDNN 9 opens its sub-libraries (libcudnn_graph, _ops, _cnn, _adv, _heuristic,"
                    + " _engines_precompiled, _engines_runtime_compiled .so.9) itself: ")
                    .append(CudaLibraries.searchPath());
        }
        return new CudnnException(m.append(with(operands)).toString(), status);
    }

    static String cudnnText(int status) {
        return cudnnGetErrorString(status).getString() + " (status " + status + ")";
    }

    /** cuDNN 9 keeps a longer message for the last error of the calling thread. */
    private static String cudnnLastError() {
        byte[] buffer = new byte[1024];
        cudnnGetLastErrorString(buffer, buffer.length);
        int end = 0;
        while (end < buffer.length && buffer[end] != 0) {
            end++;
        }
        return new String(buffer, 0, end, StandardCharsets.UTF_8).trim();
    }

    static void cublas(int status, String call, Object operands) {
        if (status != 0) {
            throw new CublasException(call + " failed: " + cublasGetStatusName(status).getString() + " ("
                    + cublasGetStatusString(status).getString() + ")" + with(operands), status);
        }
    }

    /** A failed NCCL call is a failed collective, as a failed MPI call is: the job cannot go on. */
    static void nccl(int status, String call, Object operands) {
        if (status != ncclSuccess) {
            StringBuilder m = new StringBuilder(call).append(" failed: ").append(ncclGetErrorString(status).getString())
                    .append(" (status ").append(status).append(')');
            // Per thread, like cuDNN's; NCCL says what went wrong (a duplicate GPU, a peer gone) only here.
            BytePointer detail = ncclGetLastError(null);
            if (detail != null && !detail.getString().isBlank()) {
                m.append(": ").append(detail.getString().trim());
            }
            throw new CommunicationException(m.append(with(operands)).toString());
        }
    }

    private static String with(Object operands) {
        return operands == null ? "" : " [" + operands + "]";
    }
}
