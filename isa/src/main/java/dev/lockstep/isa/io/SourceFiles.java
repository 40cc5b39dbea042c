// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading user files with errors the command line can print as one line. */
public final class SourceFiles {
    /** Larger inputs are refused rather than read: no input of Lockstep is near this size. */
    public static final long MAX_BYTES = 256L << 20;

    private SourceFiles() {
    }

    public static byte[] readBytes(Path file) {
        String name = file.toString();
        if (Files.isDirectory(file)) {
            throw new InputException(name, 1, 1, "is a directory; expected a file");
        }
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new InputException(name, 1, 1, "is larger than " + MAX_BYTES + " bytes; inputs that large are "
                        + "refused");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new InputException(name, 1, 1, "no such file");
        } catch (AccessDeniedException e) {
            throw new InputException(name, 1, 1, "permission denied");
        } catch (IOException e) {
            throw new InputException(name, 1, 1, "cannot read: " + e.getMessage());
        }
    }
}
