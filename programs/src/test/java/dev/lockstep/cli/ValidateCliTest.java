// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** {@code lockstep validate}'s bad input; its rows are checked by ValidationDocTest. */
class ValidateCliTest {
    @Test
    void anUnknownChipParamIsOneErrorLineNamingTheNearest() {
        CliRun.Result r = CliRun.run("validate", "--chip-param", "mxm.weightstreams=8");
        assertThat(r.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).isEqualTo("error: --chip-param:1:1: unknown parameter 'mxm.weightstreams' of a "
                + "chip description (did you mean 'mxm.weight_streams'?)");
    }

    @Test
    void rowsTheChipCannotComputeAreShownAsNotComputableWithTheReasonAndTheRestAreComputed() throws IOException {
        // 512 words a slice: the GEMM's tiles do not fit, nor does any model; the rest of the table still comes out
        CliRun.Result r = CliRun.run("validate", "--chip-param", "mem.words_per_slice=512", "--json");
        assertThat(r.exit()).isZero();
        JsonNode json = r.json();
        assertThat(json.get("params").get(0).get("name").asText()).isEqualTo("mem.words_per_slice");
        int notComputable = 0;
        for (JsonNode row : json.get("rows")) {
            if (row.get("result").asText().equals("not computable")) {
                notComputable++;
                assertThat(row.get("simulated").isNull()).isTrue();
                assertThat(row.get("note").asText()).startsWith("not computable: ");
            }
        }
        // the 3 GEMMs, the chip's power on the GEMM, and the 4 rows of the two end-to-end runs
        assertThat(notComputable).isEqualTo(8);
        assertThat(json.get("rows").get(0).get("result").asText()).isEqualTo("within");
        assertThat(r.err()).contains("lockstep validate: GEMM 2304x4096x1376");
    }

    @Test
    void jsonAndMarkdownTogetherAreRefused() {
        CliRun.Result r = CliRun.run("validate", "--json", "--markdown");
        assertThat(r.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.err().strip()).isEqualTo("error: --json and --markdown: give one of them");
    }
}
