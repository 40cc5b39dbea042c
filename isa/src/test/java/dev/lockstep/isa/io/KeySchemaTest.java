// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.io;

import static dev.lockstep.isa.io.KeySchema.group;
import static dev.lockstep.isa.io.KeySchema.list;
import static dev.lockstep.isa.io.KeySchema.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeySchemaTest {
    private static final KeySchema SCHEMA = KeySchema.of(value("name"), list("plan"),
            group("links", value("count"), value("latency_cycles")), group("timing"));

    @Test
    void aDottedPathFindsItsKey() {
        assertThat(SCHEMA.find("name").orElseThrow().kind()).isEqualTo(KeySchema.Kind.VALUE);
        assertThat(SCHEMA.find("plan").orElseThrow().kind()).isEqualTo(KeySchema.Kind.LIST);
        assertThat(SCHEMA.find("links").orElseThrow().kind()).isEqualTo(KeySchema.Kind.GROUP);
        assertThat(SCHEMA.find("links.count").orElseThrow().name()).isEqualTo("count");
        assertThat(SCHEMA.find("links.speed")).isEmpty();
        assertThat(SCHEMA.find("name.first")).as("a value has no keys").isEmpty();
        assertThat(SCHEMA.find("links.")).isEmpty();
        assertThat(SCHEMA.find("")).isEmpty();
    }

    @Test
    void valuePathsListTheSingleValuedKeysInOrder() {
        assertThat(SCHEMA.valuePaths()).containsExactly("name", "links.count", "links.latency_cycles");
        assertThat(SCHEMA.names()).containsExactly("name", "plan", "links", "timing");
        assertThat(SCHEMA.group("links").names()).containsExactly("count", "latency_cycles");
    }

    @Test
    void aKeyIsStatedOnce() {
        assertThatThrownBy(() -> KeySchema.of(value("a"), list("a"))).hasMessageContaining("'a' stated twice");
        assertThatThrownBy(() -> value("a.b")).hasMessageContaining("without '.'");
        assertThatThrownBy(() -> SCHEMA.group("name")).hasMessageContaining("no group 'name'");
    }
}
