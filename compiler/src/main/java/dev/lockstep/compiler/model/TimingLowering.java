// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.graph.DecoderModel;
import dev.lockstep.compiler.graph.LayerStep;
import dev.lockstep.compiler.graph.LayerStep.Compute;
import dev.lockstep.compiler.graph.LayerStep.Exchange;
import dev.lockstep.compiler.graph.LayerStep.ExchangeKind;
import dev.lockstep.compiler.graph.LayerStep.GateByRoute;
import dev.lockstep.compiler.graph.LayerStep.PerExpert;
import dev.lockstep.compiler.graph.LayerStep.PerKvHead;
import dev.lockstep.compiler.graph.LayerStep.Where;
import dev.lockstep.compiler.graph.Tensor;
import dev.lockstep.compiler.model.KernelKey.VectorStepKind;
import dev.lockstep.compiler.system.ChipPath;
import dev.lockstep.compiler.system.Collectives;
import dev.lockstep.compiler.system.SystemBuild;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The timing-only lowering of a {@link DecoderModel} over a {@link DecodePlan}: every chip's weights and KV caches
 * compiled into its SRAM first ({@link #allocate}), then tokens placed step by step at exact cycles
 * ({@link #token}), each step of the graph becoming kernels on the chips its {@link Where} names and each exchange
 * becoming link transfers and collectives; a decode step's row sent into a stage is carried (read where it lies on
 * the sender, written on the receiver where the stage's first kernels read it), and so are the token's index into
 * the table's lookup (given, or the head's choice of the token before, carried back), the lookup's row into the
 * first layer, and the rows of a layer's broadcasts and reductions among its chips in one node. No value is computed:
 * kernels are compiled without data, for the timing-only simulator; or, given {@link PlanData}, the same kernels with
 * the weights and the table as initial contents and each given token's index placed on the table's chip, for the
 * functional simulator: the plan with data, which ends at the same cycle with the same trace hash (so far each layer
 * in one node: {@link PlanData}). This class walks the graph: {@link WeightAllocation} places weights, caches and the
 * table, {@link ChipKernels} says what each chip's compute steps mean, {@link ExchangeSteps} what its exchanges mean,
 * over the plan's stages ({@link PlanStage}), {@link CarriedRows} which rows a decode step carries into them,
 * {@link RowsAmongChips} which it carries among a layer's chips. It is longer than most files here (about 550 lines):
 * a token's walk over the stages, their runs of compute steps and the experts' blocks is one recursion over the
 * graph, read best in one place.
 */
final class TimingLowering {
    /** When a token left its layers, when its next token was chosen, and when the sequence's next token may enter. */
    record TokenTimes(long layersEndCycle, long chosenCycle, long nextEntryCycle, Ledger.TokenCosts costs) {
    }

    private final DecodePlan plan;
    private final ModelConfig m;
    private final DecoderModel graph;
    private final SystemBuild build;
    private final Collectives col;
    private final ChipPath path;
    private final ChipKernels kernels;
    private final ExchangeSteps exchanges;
    /** The broadcasts and reductions among a layer's chips in one node, which carry their rows. */
    private final RowsAmongChips among;
    /** What allocating weights and caches left ({@link #allocate}; null before). */
    private WeightAllocation.Allocated allocated;
    /** The rows a decode step carries into each stage ({@link #allocate}; null before). */
    private CarriedRows carried;
    /** The weights its kernels hold, in a plan with data. */
    private final Optional<PlanData> data;
    /** Which words the kernels of tokens take. */
    private final ScratchWords scratch;
    /** The position of the last token placed with data (-1: none yet). */
    private int lastPositionWithData = -1;
    /** The logits and the choice of the last token placed with data, where the head has weights. */
    private Optional<HeadRows> lastHead = Optional.empty();

    /** Where the head's product left a token's logits, and its choice its greedy choice. */
    private record HeadRows(Row logits, Row choice) {
    }
    /**
     * The rows named to be read after a plan with data's run (each token's at a place of its own: its last residual
     * reads its first residual's row, a kernel of the token's position, so it is a kernel of its own).
     */
    private final NamedRows named;

    /** The plan laid along the system's chip path from its first position, into {@code build}. */
    TimingLowering(DecodePlan plan, SystemBuild build) {
        this(plan, new ChipPath(build.topology()), build);
    }

    /**
     * The plan laid along {@code path} from its position 0 (a copy of the model beside others: its share of the
     * system's chips, {@link ModelCopy#path}), into {@code build} (whose wiring may leave out other copies' chips).
     */
    TimingLowering(DecodePlan plan, ChipPath path, SystemBuild build) {
        this(plan, path, build, Optional.empty(), ScratchWords.TOP_OF_EACH_SLICE, true);
    }

    /**
     * A prefill's lowering of the plan along {@code path} into {@code build}: the extra paths of a transfer between
     * other chips (beyond its shortest route) keep off the table's chips ({@link Collectives#Collectives(SystemBuild,
     * Set)}): their lookups, a chunk's rows each, would meet the repeats of the chunks' forwarding, which sets the
     * chunk interval (Mixtral on tsp-576, 550 tokens: 311,620 cycles with them relaying, 257,734 without). A decode
     * step's transfers may pass them: there it costs nothing (the default run's figures and hash are the same).
     */
    static TimingLowering forPrefill(DecodePlan plan, ChipPath path, SystemBuild build) {
        return new TimingLowering(plan, path, build, Optional.empty(), ScratchWords.TOP_OF_EACH_SLICE, false);
    }

    /** As {@link #TimingLowering(DecodePlan, SystemBuild)}, the kernels of tokens taking {@code scratch}. */
    TimingLowering(DecodePlan plan, SystemBuild build, ScratchWords scratch) {
        this(plan, new ChipPath(build.topology()), build, Optional.empty(), scratch, true);
    }

    /**
     * The plan with data ({@link PlanData}): its kernels hold {@code data}'s weights; tokens are placed with their
     * index given or chosen ({@link #token(int, long, int, OptionalInt)}).
     */
    TimingLowering(DecodePlan plan, SystemBuild build, PlanData data) {
        this(plan, build, data, ScratchWords.TOP_OF_EACH_SLICE);
    }

    /** As {@link #TimingLowering(DecodePlan, SystemBuild, PlanData)}, the kernels of tokens taking {@code scratch}. */
    TimingLowering(DecodePlan plan, SystemBuild build, PlanData data, ScratchWords scratch) {
        this(plan, new ChipPath(build.topology()), build, Optional.of(data), scratch, true);
        data.check(plan);
        if (plan.chipsPerLayer() > Collectives.MOST_CHIPS_CARRIED_AT_ONCE) {
            throw new IllegalArgumentException("a plan with data carries the rows among at most "
                    + Collectives.MOST_CHIPS_CARRIED_AT_ONCE + " chips a layer (a chip sends or receives "
                    + (Collectives.MOST_CHIPS_CARRIED_AT_ONCE - 1) + " rows at once); this one has "
                    + plan.chipsPerLayer());
        }
        for (int l = 0; l < m.layers(); l++) {
            int nodes = path.segments(layer(l).start(), layer(l).start() + layer(l).count()).size();
            if (nodes > 1) {
                throw new IllegalArgumentException("a plan with data carries the rows among a layer's chips within "
                        + "one node so far (broadcasts and reductions over several nodes do not carry rows yet); "
                        + "layer " + l + " spans " + nodes + " nodes");
            }
        }
    }

    private TimingLowering(DecodePlan plan, ChipPath path, SystemBuild build, Optional<PlanData> data,
                           ScratchWords scratch, boolean tableRelays) {
        this.scratch = scratch;
        this.data = data;
        this.plan = plan;
        this.m = plan.model();
        this.graph = DecoderModel.of(m);
        this.build = build;
        Set<Integer> noRelay = new HashSet<>();
        for (int p = 0; !tableRelays && p < plan.embeddingChips(); p++) {
            noRelay.add(path.chip(p));
        }
        this.col = new Collectives(build, noRelay);
        this.path = path;
        this.kernels = new ChipKernels(plan, build);
        this.exchanges = new ExchangeSteps(plan, col, path, kernels.library().vectorsOf(m.hidden()));
        this.named = new NamedRows(build);
        this.among = new RowsAmongChips(plan, build, col, path, kernels, data.isPresent());
    }

    SystemBuild build() {
        return build;
    }

    DecodePlan plan() {
        return plan;
    }

    Collectives collectives() {
        return col;
    }

    ChipPath path() {
        return path;
    }

    ChipKernels kernels() {
        return kernels;
    }

    int splitVProducts() {
        return allocated().splitV().size();
    }

    /** Words of weights and caches chip {@code chip} holds. */
    long weightWords(int chip) {
        return allocated().weightWords().getOrDefault(chip, 0L);
    }

    /**
     * Compiles every chip's weight and KV-cache products before any token, then the embedding table's rows
     * ({@link WeightAllocation}); what is left above is each chip's scratch.
     */
    void allocate() {
        if (allocated != null) {
            throw new IllegalStateException("the plan's weights are allocated already");
        }
        allocated = WeightAllocation.of(plan, graph, path, build, kernels, data, scratch);
        carried = new CarriedRows(plan, build, allocated);
    }

    private PlanStage layer(int l) {
        return PlanStage.layer(plan, l);
    }

    private PlanStage head() {
        return PlanStage.head(plan);
    }

    private WeightAllocation.Allocated allocated() {
        if (allocated == null) {
            throw new IllegalStateException("allocate the plan's weights before its tokens");
        }
        return allocated;
    }

    // ------------------------------------------------------------------------------------------ one token

    /**
     * Places one token of sequence {@code seq}, of {@code shape}, entering at {@code t0}, at the caches' last position
     * (the timing-only run's steady state: a full cache; a prefill chunk's last row there): a decode step's token the
     * choice of the one before it, a chunk's given ({@link #token(int, long, StepShape, int, boolean)}).
     */
    TokenTimes token(int seq, long t0, StepShape shape) {
        return token(seq, t0, shape, plan.cachedTokens() - 1);
    }

    /** As {@link #token(int, long, StepShape)}, its last row at {@code position} of the caches. */
    TokenTimes token(int seq, long t0, StepShape shape, int position) {
        return token(seq, t0, shape, position, shape.rows() > 1);
    }

    /**
     * Places one token of sequence {@code seq}, of {@code shape}, entering at {@code t0}, its last row at
     * {@code position} of the caches: RoPE's angles, the softmax's mask and where the append writes follow from it; a
     * decode step's lookup reads the token's index where it was placed if {@code given} (a prompt's, at the position),
     * else where the head's choice of the token before landed.
     */
    TokenTimes token(int seq, long t0, StepShape shape, int position, boolean given) {
        if (data.isPresent()) {
            throw new IllegalStateException("a plan with data places each token with its input");
        }
        return place(seq, t0, shape, position, given, OptionalInt.empty());
    }

    /**
     * In a plan with data: places a decode token of sequence {@code seq}, entering at {@code t0}, at {@code position},
     * after the tokens placed before it (at lower positions: the kernels that hold a position's constants are its own):
     * the token {@code given} (a prompt's), or where that is empty the head's choice of the token before it; each
     * layer's output row is named {@link #outputRow} on the layer's last chip (where its reduction sums it), and,
     * where the head has weights, the token's choice {@link #chosenAt} (position + 1) on the table's chip.
     */
    TokenTimes token(int seq, long t0, int position, OptionalInt given) {
        if (data.isEmpty()) {
            throw new IllegalStateException("a plan without data places tokens without input");
        }
        data.orElseThrow().checkToken(m, position, lastPositionWithData, given);
        lastPositionWithData = position;
        return place(seq, t0, StepShape.DECODE, position, given.isPresent(), given);
    }

    /**
     * The region prefix of the output row of layer {@code l} for the token at {@code position} (a plan with data):
     * {@code <prefix><vector>}.
     */
    static String outputRow(int l, int position) {
        return "layer" + l + "_at" + position + "_";
    }

    /**
     * The region prefix of the choice of the token at {@code position - 1} where it landed on the table's chip (a plan
     * with data whose head has weights): {@code <prefix>0}, the token's id in lane 0, as f32.
     */
    static String chosenAt(int position) {
        return "chosen_at" + position + "_";
    }

    /** The region prefix of the logits {@link #nameLastHeadRows} names: {@code logits_<vector>}. */
    static final String LOGITS = "logits_";
    /** The region prefix of the greedy choice {@link #nameLastHeadRows} names (the token's index, as f32). */
    static final String CHOICE = "choice_";

    /**
     * In a plan with data whose head has weights: names the logits ({@link #LOGITS}) and the greedy choice
     * ({@link #CHOICE}) of the last token placed, on the head's chip. They lie where every token's do (the head's
     * product and choice are placed again for each, which placing checks), so only the last token's are there when the
     * run ends; a token's are there from its choice ({@link TokenTimes#chosenCycle}) until the next token's head.
     */
    void nameLastHeadRows() {
        HeadRows rows = lastHead.orElseThrow(() -> new IllegalStateException("no token went through a head with "
                + "weights"));
        named.name(first(head()), LOGITS, rows.logits());
        named.name(first(head()), CHOICE, rows.choice());
    }

    private TokenTimes place(int seq, long t0, StepShape shape, int position, boolean given, OptionalInt id) {
        allocated();
        if (shape.rows() > 1 && scratch != ScratchWords.TOP_OF_EACH_SLICE) {
            // a chunk's transient kernels go into the top words of each slice (ChipBuild.placeTransient)
            throw new IllegalStateException("a prefill chunk's kernels take the top words of each slice");
        }
        if (position < shape.rows() - 1 || position >= plan.cachedTokens()) {
            throw new IllegalArgumentException("a step of " + shape.rows() + " rows ends at a position from "
                    + (shape.rows() - 1) + " to " + (plan.cachedTokens() - 1) + " of the caches; got " + position);
        }
        Ledger ledger = new Ledger(col);
        TokenPlacement tok = new TokenPlacement(seq, shape.rows(), position, ledger,
                kernels.library().withRows(shape.rows()));
        PlanStage table = PlanStage.table(plan);
        // a decode step's stage over several nodes sums its output where the next stage starts (its first chip), if
        // there is one; otherwise on its own last chip, and the next stage's first step sends it on
        int into = into(table, first(layer(0)), shape.rows());
        // a decode step carries its row into each stage (unless a reduction summed it there), the token's index into
        // the table's lookup, and the choice back; a prefill chunk's rows are not carried yet
        boolean carries = shape.rows() == 1;
        Map<Integer, RunRows> tableLeft = new HashMap<>();
        // the index lies on the table's first chip; over several table chips the id's broadcast to the others ends the
        // run of rows read in place, so their lookups read placeholder indexes (timing-only: a plan with data has one)
        if (carries && plan.embeddingChips() > 0) {
            Row index = given ? carried.givenRow(position, id) : carried.chosenRow(position);
            tableLeft.computeIfAbsent(first(table), c -> new RunRows()).leave(new RunRows.Input(), List.of(index));
        }
        long t = walk(graph.embedding(), table, tok, -1, into, tableLeft, t0, Optional.empty());
        int prev = into >= 0 ? into : last(table);
        Optional<Row> outgoing = carries && prev != first(layer(0))
                ? Optional.of(carried.fromTable(prev, position, tableLeft)) : Optional.empty();
        for (int l = 0; l < m.layers(); l++) {
            int next = l + 1 < m.layers() ? first(layer(l + 1)) : shape.throughHead() ? first(head()) : -1;
            into = into(layer(l), next, shape.rows());
            Map<Integer, RunRows> left = new HashMap<>();
            t = walk(graph.layer().steps(), layer(l), tok, prev, into, left, t, outgoing);
            prev = into >= 0 ? into : last(layer(l));
            if (data.isPresent()) {
                // the layer's output: its last residual's on a layer of one chip, else its reduction's sum
                int chip = prev;
                int layerIndex = l;
                Row out = left.getOrDefault(chip, new RunRows()).row(new RunRows.ResidualStream(), 0)
                        .orElseThrow(() -> new IllegalStateException("layer " + layerIndex + " left no output on "
                                + "chip " + chip));
                named.name(chip, outputRow(l, position), out);
            }
            outgoing = carries && next >= 0 && prev != next ? Optional.of(carried.sent(prev, left)) : Optional.empty();
        }
        long layersEnd = t;
        if (!shape.throughHead()) {
            return new TokenTimes(layersEnd, t, t, ledger.costs());
        }
        // the head works on one row (a chunk's last, whose logits choose the next token) or, verifying a draft's
        // tokens, on every row; the chosen tokens go back to the embedding table's first chip, an f32 vector each
        int headRows = shape.headRows();
        TokenPlacement inHead = new TokenPlacement(seq, headRows, position, ledger,
                kernels.library().withRows(headRows));
        Map<Integer, RunRows> headLeft = new HashMap<>();
        t = walk(graph.head(), head(), inHead, prev, -1, headLeft, t, outgoing);
        if (data.isPresent() && data.orElseThrow().head().isPresent()) {
            RunRows run = headLeft.getOrDefault(first(head()), new RunRows());
            HeadRows rows = new HeadRows(
                    run.row(new RunRows.Y(Tensor.LM_HEAD, 0), 0).orElseThrow(() -> new IllegalStateException(
                            "the head's product left no logits on its chip")),
                    run.row(new RunRows.Out(VectorStepKind.ARGMAX, 0), 0).orElseThrow(() ->
                            new IllegalStateException("the head's choice left no row on its chip")));
            if (lastHead.isPresent() && !lastHead.orElseThrow().equals(rows)) {
                // nameLastHeadRows names one place for every token's
                throw new IllegalStateException("a token's logits or choice lie elsewhere than the token's before: a "
                        + "compiler bug");
            }
            lastHead = Optional.of(rows);
        }
        long chosen = t;
        int tableChip = path.chip(table.start());
        if (carries && plan.embeddingChips() > 0) {
            // the choice, carried to where the next token's lookup reads it
            Row at = carried.chosenRow(position + 1);
            t = exchanges.routeRow(last(head()), tableChip, carried.choiceOf(last(head()), headLeft), at, ledger, t);
            if (data.isPresent() && data.orElseThrow().head().isPresent()) {
                named.name(tableChip, chosenAt(position + 1), at);
            }
        } else {
            t = ledger.linkStep(t, col.route(last(head()), tableChip, headRows * ExchangeSteps.linkWords(
                    LayerStep.Payload.CHOICE, 0), t));
        }
        return new TokenTimes(layersEnd, chosen, t, ledger.costs());
    }

    private int last(PlanStage st) {
        return path.chip(st.start() + st.count() - 1);
    }

    private int first(PlanStage st) {
        return path.chip(st.start());
    }

    /**
     * Where stage {@code st}'s final reduction sums a token of {@code rows} rows: {@code next} if the stage spans
     * nodes and the token is one row, else -1 (its own last chip). A prefill chunk's rows each reduce on their own
     * and then cross to the next stage together, in one transfer over many paths: summing each row into the next
     * stage's first chip would cross once per row (measured on the tiny Mixtral's prefill: 55,961 cycles against
     * 55,091).
     */
    private int into(PlanStage st, int next, int rows) {
        return next >= 0 && rows == 1 && path.segments(st.start(), st.start() + st.count()).size() > 1 ? next : -1;
    }

    /**
     * The steps of one stage, in order: runs of compute steps, and exchanges between them. {@code prev}: the chip
     * holding the stage's input (its first chip when the stage before summed its output there); {@code next}: the
     * chip where the stage's final reduction sums its output (the next stage's first chip), or -1 for its own last
     * chip; {@code left}: per chip, the rows its kernels left since the last exchange that moved rows between chips
     * without carrying them ({@link #movesRows}; those carried among a layer's chips, {@link RowsAmongChips}, add the
     * rows they land and sum), which the stage's kernels add to and read (looked up, never iterated); {@code incoming}:
     * the row on {@code prev} that the stage's send carries in, landing where its first kernels read it (a decode
     * step's), or empty (a prefill chunk's rows are not carried).
     */
    private long walk(List<LayerStep> steps, PlanStage st, TokenPlacement tok, int prev, int next,
                      Map<Integer, RunRows> left, long t0, Optional<Row> incoming) {
        long t = t0;
        int i = 0;
        while (i < steps.size()) {
            if (steps.get(i) instanceof Exchange e) {
                boolean moves = movesRows(e, st, prev);
                if (moves && among.carries(e, st, tok.rows(), i == steps.size() - 1 ? next : -1)) {
                    // rows carried among the layer's chips in one node: the chips' rows stay where they are
                    t = among.place(e, st, tok, left, t);
                    i++;
                    continue;
                }
                if (moves) {
                    left.clear();
                }
                if (e.kind() == ExchangeKind.SEND_IN && moves && incoming.isPresent()) {
                    int first = first(st);
                    Row landing = carried.landing(first);
                    t = exchanges.sendRow(prev, first, incoming.get(), landing, tok.ledger(), t);
                    left.computeIfAbsent(first, c -> new RunRows()).leave(new RunRows.Input(), List.of(landing));
                } else {
                    t = exchanges.place(e, st, tok.rows(), tok.ledger(), prev, i == steps.size() - 1 ? next : -1, t);
                }
                i++;
                continue;
            }
            int j = i;
            while (j < steps.size() && steps.get(j) instanceof Compute) {
                j++;
            }
            // a norm in the run leaves its row in fp16 where the broadcast after the run carries it to other chips
            boolean crosses = j < steps.size() && steps.get(j) instanceof Exchange e
                    && e.kind() == ExchangeKind.BROADCAST && st.chips(e.group()) > 1;
            t = computeStage(steps.subList(i, j), st, tok, crosses, left, t);
            i = j;
        }
        return t;
    }

    /**
     * Whether exchange {@code e} of stage {@code st} moves rows between chips: a send into the stage from another chip
     * ({@code prev}), a broadcast or a reduction among more than one chip. One that does not (a group of one chip)
     * does not end a run of compute steps ({@link RunRows}).
     */
    private boolean movesRows(Exchange e, PlanStage st, int prev) {
        return e.kind() == ExchangeKind.SEND_IN ? prev != path.chip(st.start()) : st.chips(e.group()) > 1;
    }

    /**
     * Compute steps {@code run}: every chip of the widest {@link Where} among them works from {@code t}, each reading
     * in place the rows its kernels left since the last exchange that moved rows ({@code left}, per chip).
     */
    private long computeStage(List<LayerStep> run, PlanStage st, TokenPlacement tok, boolean crosses,
                              Map<Integer, RunRows> left, long t) {
        Where widest = Where.FIRST_CHIP;
        for (LayerStep s : run) {
            Where w = ((Compute) s).where();
            if (st.chips(w) > st.chips(widest)) {
                widest = w;
            }
        }
        long end = t;
        for (int i = 0; i < st.chips(widest); i++) {
            Shard shard = new Shard(path.chip(st.start() + i), i, st.count(), null, 0);
            end = Math.max(end, compute(run, st, shard, tok, crosses, left.computeIfAbsent(shard.chip(),
                    c -> new RunRows()), t));
        }
        return tok.ledger().computeStage(t, end);
    }

    /**
     * Steps {@code steps} of a run on {@code shard}'s chip from {@code t}, each kernel reading in place the rows the
     * run's kernels before it left ({@code left}).
     */
    private long compute(List<LayerStep> steps, PlanStage st, Shard shard, TokenPlacement tok, boolean crosses,
                         RunRows left, long t) {
        long tc = t;
        for (int i = 0; i < steps.size(); i++) {
            Compute c = (Compute) steps.get(i);
            if (!c.where().includes(shard.index(), st.attentionChips())) {
                continue;
            }
            if (LayerVectors.fusedWithNext(steps, i)) {
                // the residual stream came over a link; the row added to it, the attention's output, is in place
                // where attention is on this chip alone; the new residual stream and the normed row are left for the
                // kernels after it in the run (the layer's last residual; the router's product)
                ChipKernels.Placed fused = kernels.place(shard.chip(), StepKernels.residualThenNorm(m,
                        (LayerStep.Norm) steps.get(i + 1), crosses, tok.position()), tok,
                        left.residualThenNormReads(), tc);
                List<Row> out = kernels.library().outputs(fused.kernel());
                left.leave(new RunRows.ResidualStream(), List.of(out.get(0)));
                left.leave(new RunRows.Normed(), List.of(out.get(1)));
                tc = fused.end();
                i++;
            } else if (c instanceof PerKvHead h) {
                for (int k = 0; k < m.kvHeads() / plan.attentionChips(); k++) {
                    tc = compute(h.body(), st, shard.withKvHead(k), tok, crosses, left, tc);
                }
            } else if (c instanceof PerExpert e) {
                tc = experts(e, st, shard, tok, crosses, left, tc);
            } else if (c instanceof GateByRoute) {
                // gathered after the chip's per-expert blocks (experts)
                continue;
            } else {
                tc = kernels.step(c, shard, tok, allocated().splitV().contains(
                        new WeightAllocation.ChipKvHead(shard.chip(), shard.kvHead())),
                        crosses, left, tc);
            }
        }
        return tc;
    }

    /**
     * A chip's per-expert blocks, one per piece of the experts' columns it holds, and their gating: with every
     * expert computed, one kernel after all of them; with the experts chosen by data, one after each slot's block.
     */
    private long experts(PerExpert e, PlanStage st, Shard shard, TokenPlacement tok, boolean crosses, RunRows left,
                         long t) {
        long tc = t;
        boolean gated = e.body().stream().anyMatch(s -> s instanceof GateByRoute);
        List<ExpertColumns> pieces = ExpertColumns.of(m, plan.chipsPerLayer(), shard.index(), plan.dispatch());
        for (int p = 0; p < pieces.size(); p++) {
            tc = compute(e.body(), st, shard.withPiece(pieces.get(p)), tok, crosses, left, tc);
            if (gated && plan.dispatch() == MoeDispatch.CHOSEN) {
                ChipKernels.Placed g = kernels.place(shard.chip(), StepKernels.gating(m, plan.dispatch(),
                        pieces.size(), 0, p), tok, left.gatingReads(pieces, p), tc);
                left.leave(new RunRows.Out(VectorStepKind.SCALED_SUM, 0), kernels.library().outputs(g.kernel()));
                tc = g.end();
            }
        }
        if (gated && plan.dispatch() == MoeDispatch.ALL && !pieces.isEmpty()) {
            ChipKernels.Placed g = kernels.place(shard.chip(), StepKernels.gating(m, plan.dispatch(), pieces.size(),
                    pieces.get(0).expert(), 0), tok, left.gatingReads(pieces, -1), tc);
            left.leave(new RunRows.FeedForward(), kernels.library().outputs(g.kernel()));
            tc = g.end();
        } else if (gated && plan.dispatch() == MoeDispatch.CHOSEN) {
            // the last slot's sum: every slot's row scaled and added
            left.row(new RunRows.Out(VectorStepKind.SCALED_SUM, 0), 0).ifPresent(r -> left.leave(
                    new RunRows.FeedForward(), List.of(r)));
        } else if (pieces.size() == 1) {
            // a dense layer's one piece: its down projection's row
            left.row(new RunRows.Y(Tensor.DOWN, pieces.get(0).expert()), 0).ifPresent(r -> left.leave(
                    new RunRows.FeedForward(), List.of(r)));
        }
        return tc;
    }

    /**
     * One token's placement: its sequence, its rows, its (last row's) position in the caches, its ledger, and the
     * kernel library for its rows.
     */
    record TokenPlacement(int seq, int rows, int position, Ledger ledger, KernelLibrary library) {
    }
}
