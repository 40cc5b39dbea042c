// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.isa.io.InputException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Grids: their points in order, ranges, run options, shards, identity, and bad grids refused. */
class GridTest {
    @Test
    void aGridIsTheProductOfItsKeysTheLastVaryingFastestAndGridsFollowEachOther() {
        Grid.Sweep s = Grid.parse(List.of("model=a,b batch=1..5:2", "model=c chips=576"), false);
        assertThat(s.points()).extracting(Grid.Point::label).containsExactly("model=a batch=1", "model=a batch=3",
                "model=a batch=5", "model=b batch=1", "model=b batch=3", "model=b batch=5", "model=c chips=576");
        assertThat(s.points()).extracting(Grid.Point::index).containsExactly(0, 1, 2, 3, 4, 5, 6);
    }

    @Test
    void aPointBecomesRunsOptionsParametersIncluded() {
        Grid.Point p = Grid.parse(List.of("prompt=550 chip.clock_hz=1000000000 system.racks=2 weights=int8"), false)
                .points().get(0);
        assertThat(p.runArgs()).containsExactly("--prompt-tokens", "550", "--chip-param", "clock_hz=1000000000",
                "--system-param", "racks=2", "--weights", "int8");
    }

    @Test
    void shardsTakeEveryNthPointAndTogetherAllOfThem() {
        Grid.Sweep s = Grid.parse(List.of("batch=1..7"), false);
        assertThat(s.shard(1, 3)).extracting(Grid.Point::index).containsExactly(0, 3, 6);
        assertThat(s.shard(3, 3)).extracting(Grid.Point::index).containsExactly(2, 5);
    }

    @Test
    void aSweepsIdentityIsItsPointsNotHowTheyWereWritten() {
        String a = Grid.parse(List.of("batch=1,2,3"), false).id();
        assertThat(Grid.parse(List.of("batch=1..3"), false).id()).isEqualTo(a);
        assertThat(Grid.parse(List.of("batch=1..4"), false).id()).isNotEqualTo(a);
        assertThat(a).hasSize(16);
        // the options every run takes are part of it: shards run with another --price are another sweep's
        assertThat(Grid.parse(List.of("batch=1,2,3"), List.of("--price", "0.5"), false).id()).isNotEqualTo(a);
    }

    @Test
    void badGridsAreRefusedSayingWhatIsRight() {
        expect(List.of(), "no --grid given");
        expect(List.of(" "), "the grid is empty");
        expect(List.of("bacth=1"), "unknown key 'bacth'");
        expect(List.of("batch=1,,2"), "batch has an empty value");
        expect(List.of("batch=5..1"), "a range A..B:STEP needs A <= B and STEP >= 1");
        expect(List.of("batch=1 batch=2"), "key 'batch' twice");
        expect(List.of("batch=1..101 context=1..100"), "more than 10000 points: give --yes");
        assertThat(Grid.parse(List.of("batch=1..101 context=1..100"), true).points()).hasSize(10_100);
    }

    private static void expect(List<String> grids, String part) {
        assertThatThrownBy(() -> Grid.parse(grids, false)).isInstanceOf(InputException.class)
                .hasMessageContaining(part);
    }
}
