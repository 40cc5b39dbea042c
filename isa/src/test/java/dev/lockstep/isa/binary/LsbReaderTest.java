// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.binary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.ProgramRules;
import dev.lockstep.isa.testing.RandomPrograms;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** Whatever bytes the decoder is given, it returns a valid program or throws a located InputException. */
class LsbReaderTest {
    private static final ChipSpec TSP = ChipSpecs.tspV1();

    private static byte[] valid(long seed) {
        return LsbWriter.encode(new RandomPrograms(TSP, seed).program());
    }

    private static void decodesCleanlyOrFailsCleanly(byte[] bytes) {
        try {
            Program p = LsbReader.decode("x.lsb", bytes, TSP);
            ProgramRules.check(p, TSP);
        } catch (InputException e) {
            assertThat(e.line()).isEqualTo(1);
            assertThat(e.column()).isBetween(1, bytes.length + 1);
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
        }
    }

    @Test
    void aTruncatedFileIsReportedAsTruncatedOrCorrupted() {
        byte[] bytes = valid(1);
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 9);
        assertThatThrownBy(() -> LsbReader.decode("x.lsb", cut, TSP)).isInstanceOf(InputException.class)
                .hasMessageContaining("truncated or corrupted");
        assertThatThrownBy(() -> LsbReader.decode("x.lsb", Arrays.copyOf(bytes, 7), TSP))
                .hasMessageContaining("truncated");
    }

    @Test
    void aFlippedBitFailsTheChecksum() {
        byte[] bytes = valid(2);
        bytes[bytes.length / 2] ^= 0x10;
        assertThatThrownBy(() -> LsbReader.decode("x.lsb", bytes, TSP)).hasMessageContaining("checksum");
    }

    @Test
    void textAndEmptyFilesAreNotPrograms() {
        assertThatThrownBy(() -> LsbReader.decode("x.lsb", ".queue mem.w0\nnop 1\n".getBytes(), TSP))
                .hasMessageContaining("not a Lockstep binary program");
        assertThatThrownBy(() -> LsbReader.decode("x.lsb", new byte[0], TSP)).hasMessageContaining("empty");
    }

    @Test
    void randomBytesNeverEscapeAsAnythingButInputErrors() {
        qt().withFixedSeed(411L).withExamples(3000).forAll(longs().all(), integers().between(0, 600))
                .checkAssert((seed, length) -> {
                    byte[] bytes = new byte[length];
                    new SplittableRandom(seed).nextBytes(bytes);
                    if (length > 4 && seed % 2 == 0) {
                        System.arraycopy(LsbFormat.MAGIC, 0, bytes, 0, 4);
                    }
                    decodesCleanlyOrFailsCleanly(bytes);
                });
    }

    /** Mutations behind a recomputed checksum reach the structural checks, not just the CRC. */
    @Test
    void mutatedProgramsWithAValidChecksumDecodeOrFailCleanly() {
        qt().withFixedSeed(412L).withExamples(3000).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            byte[] bytes = valid(r.nextLong());
            int mutations = 1 + r.nextInt(4);
            for (int i = 0; i < mutations; i++) {
                int at = 6 + r.nextInt(bytes.length - 10);
                bytes[at] = (byte) r.nextInt(256);
            }
            if (r.nextInt(4) == 0) {
                bytes = Arrays.copyOf(bytes, 8 + r.nextInt(bytes.length - 8));
            }
            CRC32 crc = new CRC32();
            crc.update(bytes, 0, bytes.length - 4);
            long v = crc.getValue();
            for (int i = 0; i < 4; i++) {
                bytes[bytes.length - 4 + i] = (byte) (v >>> (8 * i));
            }
            decodesCleanlyOrFailsCleanly(bytes);
        });
    }
}
