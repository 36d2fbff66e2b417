package dev.gargoyle.viz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/** Writes this package's encoded pictures so that a reader never sees half a file. */
final class PictureFiles {
    private PictureFiles() {
    }

    /**
     * {@code bytes} to a temporary file beside {@code file}, then renamed over it. Not
     * {@code Files.createTempFile}: its 0600 mode would survive the rename; CREATE_NEW honours the umask.
     */
    static void write(Path file, byte[] bytes) throws IOException {
        Path target = file.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling("." + target.getFileName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        try {
            Files.write(temp, bytes, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
