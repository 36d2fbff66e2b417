package dev.gargoyle.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AccumulationPlanTest {

    @Test
    void groupsOfKWithAShorterLastGroupScaledByItsOwnSamples() {
        // 7 micro-batches of 4 and a last one of 2, k = 3: updates over 12, 12 and 4 + 2 = 6 samples.
        AccumulationPlan plan = new AccumulationPlan(new double[] {4, 4, 4, 4, 4, 4, 4, 2}, 3);
        assertEquals(3, plan.updates());
        assertEquals(4f / 12, plan.lossScale(0));
        assertEquals(4f / 12, plan.lossScale(5));
        assertEquals(4f / 6, plan.lossScale(6));
        assertEquals(2f / 6, plan.lossScale(7));
        assertFalse(plan.endsUpdate(0));
        assertTrue(plan.endsUpdate(2));
        assertTrue(plan.endsUpdate(5));
        assertFalse(plan.endsUpdate(6));
        assertTrue(plan.endsUpdate(7));
    }

    @Test
    void withClassWeightsAMicroBatchCountsByItsShareOfTheWeight() {
        // Samples 0..5 in micro-batches of 2, k = 3; sample i weighs i + 1: micro-batches weigh 3, 7, 11.
        AccumulationPlan plan = AccumulationPlan.of(new int[] {0, 1, 2, 3, 4, 5}, 2, 3, i -> i + 1);
        assertEquals(1, plan.updates());
        assertEquals(3f / 21, plan.lossScale(0));
        assertEquals(7f / 21, plan.lossScale(1));
        assertEquals(11f / 21, plan.lossScale(2));
    }

    @Test
    void scalesOfEachGroupSumToOne() {
        AccumulationPlan plan = new AccumulationPlan(new double[] {5, 5, 5, 5, 3}, 2);
        double sum = 0;
        for (int i = 0; i < plan.microBatches(); i++) {
            sum += plan.lossScale(i);
            if (plan.endsUpdate(i)) {
                assertEquals(1.0, sum, 1e-6);
                sum = 0;
            }
        }
    }

    @Test
    void kOfOneIsPlainTraining() {
        AccumulationPlan plan = new AccumulationPlan(new double[] {8, 8, 3}, 1);
        assertEquals(3, plan.updates());
        for (int i = 0; i < 3; i++) {
            assertEquals(1f, plan.lossScale(i));
            assertTrue(plan.endsUpdate(i));
        }
    }

    @Test
    void refusesZeroK() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AccumulationPlan(new double[] {1}, 0));
        assertTrue(e.getMessage().contains("accumulation steps"));
    }
}
