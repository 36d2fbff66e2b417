package dev.gargoyle.train;

import java.nio.file.Path;

/** For {@link TrainerTest}: a process that holds a run folder's lock until it is killed. */
public final class RunLockHolder {
    private RunLockHolder() {
    }

    public static void main(String[] args) throws InterruptedException {
        RunLock lock = RunLock.acquire(Path.of(args[0]));
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(120_000);
        lock.close();
    }
}
