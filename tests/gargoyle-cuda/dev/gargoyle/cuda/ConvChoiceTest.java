package dev.gargoyle.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.cuda.ConvAlgorithm.Direction;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.cuda.global.cudnn;
import org.junit.jupiter.api.Test;

/** Which Find result runs, how the fallback moves on, and that each shape is searched once. */
class ConvChoiceTest {
    private static final int NOT_SUPPORTED = cudnn.CUDNN_STATUS_NOT_SUPPORTED;

    /** cuDNN's order (fastest first): a failure, then a non-deterministic and two deterministic successes. */
    private static List<ConvPerf> results() {
        return List.of(
                new ConvPerf(cudnn.CUDNN_CONVOLUTION_FWD_ALGO_FFT, NOT_SUPPORTED, "CUDNN_STATUS_NOT_SUPPORTED", -1f, 0,
                        true, cudnn.CUDNN_FMA_MATH),
                new ConvPerf(cudnn.CUDNN_CONVOLUTION_FWD_ALGO_GEMM, 0, "CUDNN_STATUS_SUCCESS", 0.1f, 4096, false,
                        cudnn.CUDNN_FMA_MATH),
                new ConvPerf(cudnn.CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM, 0, "CUDNN_STATUS_SUCCESS", 0.2f, 512,
                        true, cudnn.CUDNN_FMA_MATH),
                new ConvPerf(cudnn.CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, 0, "CUDNN_STATUS_SUCCESS", 0.3f, 0, true,
                        cudnn.CUDNN_FMA_MATH));
    }

    private static List<String> chosen(ConvChoice c) {
        return c.algorithms().stream().filter(ConvAlgorithm::chosen).map(ConvAlgorithm::name).toList();
    }

    @Test
    void theFastestSuccessRunsAndFailuresAreSkipped() {
        ConvChoice c = new ConvChoice(Direction.FORWARD, results(), false);
        assertTrue(c.hasCandidate());
        assertEquals(cudnn.CUDNN_CONVOLUTION_FWD_ALGO_GEMM, c.current().algo());
        assertEquals(List.of("GEMM"), chosen(c));
        List<ConvAlgorithm> all = c.algorithms();
        assertEquals(4, all.size(), "every algorithm Find reported is listed, failures included");
        assertEquals("FFT", all.get(0).name());
        assertEquals("CUDNN_STATUS_NOT_SUPPORTED", all.get(0).status());
        assertEquals(4096, all.get(1).workspaceBytes());
        assertFalse(all.get(1).deterministic());
        assertEquals("FMA", all.get(1).mathType());
        assertEquals(Direction.FORWARD, all.get(3).direction());
    }

    @Test
    void determinismKeepsOnlyDeterministicSuccesses() {
        ConvChoice c = new ConvChoice(Direction.FORWARD, results(), true);
        assertEquals(cudnn.CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM, c.current().algo());
        assertEquals(List.of("IMPLICIT_PRECOMP_GEMM"), chosen(c));
    }

    /** Runs {@code c} with cuDNN answering {@code statuses} by algorithm; returns the algorithms tried, in order. */
    private static List<String> tried(ConvChoice c, Map<Integer, Integer> statuses, List<String> skipped, int[] last) {
        List<String> tried = new ArrayList<>();
        last[0] = c.run(p -> {
            tried.add(ConvAlgorithm.name(Direction.FORWARD, p.algo()));
            return statuses.getOrDefault(p.algo(), cudnn.CUDNN_STATUS_SUCCESS);
        }, (p, status) -> skipped.add(ConvAlgorithm.name(Direction.FORWARD, p.algo()) + " " + status));
        return tried;
    }

    @Test
    void anAlgorithmThatCannotRunHereIsGivenUpForTheNextAndTheOneThatRanIsKept() {
        ConvChoice c = new ConvChoice(Direction.FORWARD, results(), false);
        Map<Integer, Integer> statuses = Map.of(
                cudnn.CUDNN_CONVOLUTION_FWD_ALGO_GEMM, cudnn.CUDNN_STATUS_BAD_PARAM_MISALIGNED_POINTER,
                cudnn.CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM, cudnn.CUDNN_STATUS_NOT_SUPPORTED_SHAPE);
        List<String> skipped = new ArrayList<>();
        int[] last = new int[1];
        assertEquals(List.of("GEMM", "IMPLICIT_PRECOMP_GEMM", "IMPLICIT_GEMM"), tried(c, statuses, skipped, last));
        assertEquals(0, last[0]);
        assertEquals(List.of("GEMM 2003", "IMPLICIT_PRECOMP_GEMM 3002"), skipped);
        assertEquals(List.of("IMPLICIT_GEMM"), chosen(c));
        skipped.clear();
        assertEquals(List.of("IMPLICIT_GEMM"), tried(c, statuses, skipped, last),
                "the next run starts at the one that ran");
        assertEquals(List.of(), skipped);
    }

    @Test
    void runningOutOfMemoryMovesOnAndAnyOtherErrorIsReturnedKeepingTheAlgorithm() {
        ConvChoice c = new ConvChoice(Direction.FORWARD, results(), false);
        List<String> skipped = new ArrayList<>();
        int[] last = new int[1];
        assertEquals(List.of("GEMM", "IMPLICIT_PRECOMP_GEMM"), tried(c, Map.of(
                cudnn.CUDNN_CONVOLUTION_FWD_ALGO_GEMM, cudnn.CUDNN_STATUS_ALLOC_FAILED,
                cudnn.CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM, cudnn.CUDNN_STATUS_EXECUTION_FAILED),
                skipped, last));
        assertEquals(cudnn.CUDNN_STATUS_EXECUTION_FAILED, last[0]);
        assertEquals(List.of("GEMM 4003"), skipped);
        assertEquals(List.of("IMPLICIT_PRECOMP_GEMM"), chosen(c), "an execution failure is thrown, not skipped");
    }

    @Test
    void whenEveryCandidateIsRefusedNoneIsLeftAndTheLastRefusalIsReturned() {
        ConvChoice c = new ConvChoice(Direction.FORWARD, results(), false);
        List<String> skipped = new ArrayList<>();
        int[] last = new int[1];
        assertEquals(List.of("GEMM", "IMPLICIT_PRECOMP_GEMM", "IMPLICIT_GEMM"), tried(c, Map.of(
                cudnn.CUDNN_CONVOLUTION_FWD_ALGO_GEMM, cudnn.CUDNN_STATUS_NOT_SUPPORTED,
                cudnn.CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM,
                cudnn.CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED,
                cudnn.CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, cudnn.CUDNN_STATUS_BAD_PARAM), skipped, last));
        assertEquals(cudnn.CUDNN_STATUS_BAD_PARAM, last[0]);
        assertEquals(List.of("GEMM 3000", "IMPLICIT_PRECOMP_GEMM 4004", "IMPLICIT_GEMM 2000"), skipped);
        assertFalse(c.hasCandidate());
        assertEquals(List.of(), chosen(c));
        assertEquals(List.of(), tried(c, Map.of(), skipped, last), "nothing left to try");
        assertEquals(cudnn.CUDNN_STATUS_NOT_SUPPORTED, last[0]);
    }

    @Test
    void whichStatusesMeanTheAlgorithmCannotRunHere() {
        for (int status : new int[] {2000, 2003, 2006, 3000, 3002, 3007, 3010, 4003, 4004}) {
            assertTrue(ConvChoice.cannotRunHere(status), "status " + status);
        }
        for (int status : new int[] {0, 1001, 1008, 4000, 4001, 4005, 5000, 5003}) {
            assertFalse(ConvChoice.cannotRunHere(status), "status " + status);
        }
    }

    @Test
    void whenNothingSucceededTheSummaryNamesEveryStatus() {
        ConvChoice c = new ConvChoice(Direction.BACKWARD_DATA, List.of(
                new ConvPerf(cudnn.CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT, NOT_SUPPORTED, "CUDNN_STATUS_NOT_SUPPORTED", -1f,
                        0, true, cudnn.CUDNN_FMA_MATH),
                new ConvPerf(cudnn.CUDNN_CONVOLUTION_BWD_DATA_ALGO_1, cudnn.CUDNN_STATUS_ALLOC_FAILED,
                        "CUDNN_STATUS_ALLOC_FAILED", -1f, 1L << 40, true, cudnn.CUDNN_FMA_MATH)), false);
        assertFalse(c.hasCandidate());
        assertEquals("FFT CUDNN_STATUS_NOT_SUPPORTED, 0 B; ALGO_1 CUDNN_STATUS_ALLOC_FAILED, 1099511627776 B",
                c.summary());
    }

    @Test
    void eachKeyAndDirectionIsSearchedOnce() {
        ConvAlgorithmCache cache = new ConvAlgorithmCache();
        AtomicInteger runs = new AtomicInteger();
        ConvKey a = new ConvKey(Shape.of(2, 3, 8, 8), Shape.of(4, 3, 3, 3), Conv2dSpec.of(1, 1), cudnn.CUDNN_FMA_MATH, 16);
        ConvKey sameAsA = new ConvKey(Shape.of(2, 3, 8, 8), Shape.of(4, 3, 3, 3), Conv2dSpec.of(1, 1),
                cudnn.CUDNN_FMA_MATH, 16);
        ConvKey tf32 = new ConvKey(a.x(), a.w(), a.spec(), cudnn.CUDNN_DEFAULT_MATH, 16);
        ConvKey strided = new ConvKey(a.x(), a.w(), Conv2dSpec.of(2, 1), cudnn.CUDNN_FMA_MATH, 16);
        ConvKey misaligned = new ConvKey(a.x(), a.w(), a.spec(), cudnn.CUDNN_FMA_MATH, 4);
        for (ConvKey k : List.of(a, sameAsA, a, tf32, strided, tf32, misaligned)) {
            cache.get(Direction.FORWARD, k, key -> {
                runs.incrementAndGet();
                return new ConvChoice(Direction.FORWARD, results(), false);
            });
        }
        cache.get(Direction.BACKWARD_FILTER, a, key -> {
            runs.incrementAndGet();
            return new ConvChoice(Direction.BACKWARD_FILTER, List.of(new ConvPerf(
                    cudnn.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3, 0, "CUDNN_STATUS_SUCCESS", 1f, 0, true,
                    cudnn.CUDNN_FMA_MATH)), false);
        });
        assertEquals(5, runs.get());
        assertEquals(5, cache.searches());
        List<ConvAlgorithm> forA = cache.algorithms(sameAsA);
        assertEquals(9, forA.size(), "four forward results aligned, four misaligned, then one backward-filter result");
        assertEquals(Direction.FORWARD, forA.get(0).direction());
        assertEquals("ALGO_3", forA.get(8).name());
        assertTrue(forA.get(8).chosen());
        assertEquals(List.of(), cache.algorithms(new ConvKey(Shape.of(1, 1, 4, 4), Shape.of(1, 1, 1, 1),
                Conv2dSpec.of(1, 0), cudnn.CUDNN_FMA_MATH, 16)));
    }

    @Test
    void alignmentIsTheLargestPowerOfTwoUpTo16DividingEveryAddress() {
        assertEquals(16, ConvKey.alignment(0x7f0000000000L, 0x7f0000001000L));
        assertEquals(4, ConvKey.alignment(0x7f0000000000L, 0x7f0000000004L, 0x7f0000000010L));
        assertEquals(8, ConvKey.alignment(0x7f0000000008L, 0));
    }

    /** Find's stand-in for dw starts as far into a fresh (256-byte aligned) block as dw is aligned. */
    @Test
    void aStandInInAFreshBlockIsAlignedAsTheOperand() {
        long fresh = 0x7f0000200000L;
        for (long dw : new long[] {0x7f0000001000L, 0x7f0000001004L, 0x7f0000001108L, 0x7f00000011f0L,
            0x7f0000001234L}) {
            long standIn = fresh + ConvKey.offsetAlignedLike(dw);
            assertEquals(Math.min(8, Long.numberOfTrailingZeros(dw)), Math.min(8, Long.numberOfTrailingZeros(standIn)),
                    "trailing zero bits, up to 256's, of dw " + Long.toHexString(dw) + " and its stand-in");
            assertEquals(ConvKey.alignment(dw), ConvKey.alignment(standIn));
        }
        assertEquals(0x34, ConvKey.offsetAlignedLike(0x7f0000001234L));
        assertEquals(0x08, ConvKey.offsetAlignedLike(0x7f0000001108L));
        assertEquals(0, ConvKey.offsetAlignedLike(0x7f0000001000L));
    }

    @Test
    void namesFollowCudnnsEnumerations() {
        assertEquals("IMPLICIT_GEMM", ConvAlgorithm.name(Direction.FORWARD, cudnn.CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM));
        assertEquals("WINOGRAD_NONFUSED",
                ConvAlgorithm.name(Direction.FORWARD, cudnn.CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED));
        assertEquals("DIRECT", ConvAlgorithm.name(Direction.FORWARD, cudnn.CUDNN_CONVOLUTION_FWD_ALGO_DIRECT));
        assertEquals("FFT_TILING",
                ConvAlgorithm.name(Direction.BACKWARD_DATA, cudnn.CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT_TILING));
        assertEquals("WINOGRAD", ConvAlgorithm.name(Direction.BACKWARD_DATA, cudnn.CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD));
        assertEquals("ALGO_3", ConvAlgorithm.name(Direction.BACKWARD_FILTER, cudnn.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3));
        assertEquals("FFT_TILING",
                ConvAlgorithm.name(Direction.BACKWARD_FILTER, cudnn.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT_TILING));
        assertEquals("WINOGRAD_NONFUSED",
                ConvAlgorithm.name(Direction.BACKWARD_FILTER, cudnn.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD_NONFUSED));
        assertEquals("ALGO_9", ConvAlgorithm.name(Direction.FORWARD, 9));
        assertEquals("FMA", ConvAlgorithm.mathTypeName(cudnn.CUDNN_FMA_MATH));
        assertEquals("DEFAULT", ConvAlgorithm.mathTypeName(cudnn.CUDNN_DEFAULT_MATH));
        assertEquals("TENSOR_OP_ALLOW_CONVERSION", ConvAlgorithm.mathTypeName(cudnn.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION));
    }

    @Test
    void poolingModesFollowPyTorch() {
        assertEquals(cudnn.CUDNN_POOLING_MAX_DETERMINISTIC, CudnnPooling.mode(dev.gargoyle.tensor.Pool2dSpec.max(3, 2, 1)));
        assertEquals(cudnn.CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING,
                CudnnPooling.mode(dev.gargoyle.tensor.Pool2dSpec.avg(3, 2, 1)));
        assertEquals(cudnn.CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING,
                CudnnPooling.mode(dev.gargoyle.tensor.Pool2dSpec.avg(3, 2, 1).excludingPadding()));
    }
}
