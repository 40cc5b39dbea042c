// SPDX-License-Identifier: Apache-2.0
/**
 * JMH benchmarks, one class per subject, built into {@code benchmarks/target/benchmarks.jar} and never run by
 * {@code mvn verify}. List them with {@code java -jar benchmarks/target/benchmarks.jar -l}.
 */
package dev.lockstep.bench;
