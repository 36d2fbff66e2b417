package dev.gargoyle.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LrScheduleTest {

    @Test
    void stepDecaysEveryPeriodOfEpochs() {
        LrSchedule s = Schedule.step(2, 0.5).rates(1.0, 10, 100);
        assertEquals(1.0, s.lr(0));
        assertEquals(1.0, s.lr(19));
        assertEquals(0.5, s.lr(20));
        assertEquals(0.25, s.lr(45));
    }

    @Test
    void cosineGoesFromLrToZeroOverAllUpdates() {
        LrSchedule s = Schedule.cosine().rates(0.1, 10, 100);
        assertEquals(0.1, s.lr(0), 1e-12);
        assertEquals(0.05, s.lr(50), 1e-12);
        assertEquals(0.0, s.lr(100), 1e-12);
    }

    @Test
    void warmupRampsLinearlyThenHandsOver() {
        LrSchedule s = LrSchedule.constant(1.0).withWarmup(4);
        assertEquals(0.25, s.lr(0));
        assertEquals(1.0, s.lr(3));
        assertEquals(1.0, s.lr(10));
    }
}
