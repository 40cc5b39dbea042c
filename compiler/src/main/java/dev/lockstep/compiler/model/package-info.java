// SPDX-License-Identifier: Apache-2.0
/**
 * Plans, and the lowering of the layer graph ({@code dev.lockstep.compiler.graph}) to chip programs, without data
 * (timing-only runs) and with it (functional runs).
 * <ul>
 *   <li>Configurations and weight storage are in {@code dev.lockstep.compiler.config}; the layer graph in
 *       {@code dev.lockstep.compiler.graph}.</li>
 *   <li>Plans: how a model's decode step is split over a system's chips ({@link dev.lockstep.compiler.model.DecodePlan},
 *       its byte accounting a fold over the layer graph), and the plan a run uses
 *       ({@link dev.lockstep.compiler.model.PlanSearch}).</li>
 *   <li>The timing-only lowering: {@link dev.lockstep.compiler.model.DecodeBuilder} (decode and prefill programs
 *       and what the compiler predicts for them) over {@code TimingLowering} (walks the graph: weights and caches
 *       first, {@code WeightAllocation}, then each token's steps at exact cycles, over the plan's stages,
 *       {@code PlanStage}; its exchanges {@code ExchangeSteps}), {@code ChipKernels} (what a step means on one chip,
 *       its kernels keyed by {@code KernelKey}), {@code KernelLibrary} and {@code VectorLibrary} (kernels compiled
 *       without data, shared between chips; {@code SourceRows}: where they read their rows), {@code Ledger} (where a
 *       token's time goes), {@code Shard}, {@code ExpertColumns}, {@link dev.lockstep.compiler.model.StepShape}
 *       (decode or prefill: rows, with or without the head), {@link dev.lockstep.compiler.model.ModelCopy} (where
 *       copies of the model side by side go). A decode step's row is carried into each stage over a link, landing
 *       where the stage's first kernels read it ({@code WeightAllocation.Allocated#landing}), and the rows of a
 *       layer's broadcasts and reductions among its chips in one node ({@code RowsAmongChips}). Given
 *       {@link dev.lockstep.compiler.model.PlanData}, the same lowering compiles its kernels with values
 *       ({@code KernelValues}: weights, norm gains, a chip's share of them, {@code LayerShare}; {@code InitialRows}:
 *       each token's input on the table's chip) for
 *       the functional simulator: the plan with data, so far with each layer in one node.</li>
 *   <li>Greedy generation with real weights through the plan with data: {@link dev.lockstep.compiler.model.Generation}
 *       (what {@code lockstep run --functional} compiles), the weights from
 *       {@link dev.lockstep.compiler.model.Checkpoint} ({@link dev.lockstep.compiler.model.Safetensors},
 *       {@link dev.lockstep.compiler.model.ModelWeights}, {@link dev.lockstep.compiler.model.LayerWeights}).</li>
 *   <li>The parts of a step's kernels: {@code LayerVectors} (each vector step's body, and which steps fuse into one
 *       kernel; the tests' second lowering with data, {@code FunctionalLayer}, uses them too), {@code AttentionRows}
 *       (where an attention chip's heads lie in the rows its steps leave), {@code StepKernels} (the kernel a step is on
 *       one chip), {@code RunRows} (what each step's kernel reads and leaves for the kernels after it on its
 *       chip).</li>
 *   <li>{@link dev.lockstep.compiler.model.BlockCompiler}: a layer's blocks on one chip, for
 *       {@code lockstep compile --op attention|moe-block}.</li>
 * </ul>
 * docs/model.md ("From a model to a schedule") explains the plan and the schedule.
 */
package dev.lockstep.compiler.model;
