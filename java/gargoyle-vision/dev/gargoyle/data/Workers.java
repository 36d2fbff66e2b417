package dev.gargoyle.data;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Fixed pools of named daemon threads for decoding, so a forgotten loader never keeps the JVM alive. */
public final class Workers {
    private Workers() {
    }

    /** A pool of {@code threads} daemon threads named {@code name-1, name-2, ...}. */
    public static ExecutorService pool(String name, int threads) {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread t = new Thread(task, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
