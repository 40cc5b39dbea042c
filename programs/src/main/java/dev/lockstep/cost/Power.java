// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cost;

import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.sim.Activity;
import dev.lockstep.sim.SimResult;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Power and energy per token of a simulated run, from the work its chips were counted doing ({@link Activity}) and
 * an {@link EnergyModel}: an estimate, resting on published per-operation energies and two fitted powers.
 *
 * @param chipsPowered    every chip of the servers the run uses
 * @param averageWPerChip the mean over those chips (those the run leaves idle draw their static power)
 * @param peakWPerChip    the busiest chip's mean (not an instant's peak: the counts are per run)
 * @param peakChip        which chip that is
 * @param staticWPerChip  of each chip's power, the part no counted work explains
 * @param chipsKw         every chip powered
 * @param hostsKw         every server's hosts
 * @param joulesPerToken  the system's power over the tokens it makes per second
 * @param dynamicShares   per activity, its share of the chips' counted (dynamic) energy
 */
public record Power(int chipsPowered, double averageWPerChip, double peakWPerChip, int peakChip,
                    double staticWPerChip, double chipsKw, double hostsKw, double joulesPerToken,
                    Map<Activity, Double> dynamicShares) {
    public Power {
        dynamicShares = Collections.unmodifiableMap(new EnumMap<>(dynamicShares));
    }

    public double systemKw() {
        return chipsKw + hostsKw;
    }

    /**
     * The power of a run whose simulated work is what the system does in {@code workSeconds} of its steady state,
     * in which it makes {@code tokensPerSecond} tokens a second.
     *
     * @param chipsPowered   the chips powered: those of every server the run uses (as bought, {@link Served})
     * @param chipsPerServer chips per server, for the hosts
     */
    public static Power of(EnergyModel model, ChipSpec chip, SimResult sim, int chipsPowered, int chipsPerServer,
                           double workSeconds, double tokensPerSecond) {
        double dynamicJ = 0;
        double peak = 0;
        int peakChip = -1;
        Activity[] kinds = Activity.values();
        double[] picojoules = new double[kinds.length];
        for (Activity a : kinds) {
            picojoules[a.ordinal()] = model.picojoulesPerEvent(a, chip);
        }
        double[] byActivity = new double[kinds.length];
        for (int c : sim.chipIds()) {
            long[] counts = sim.activities(c);
            double j = model.joules(counts, chip);
            dynamicJ += j;
            for (int a = 0; a < kinds.length; a++) {
                byActivity[a] += counts[a] * picojoules[a] * 1e-12;
            }
            double w = j / workSeconds + model.staticWPerChip();
            if (w > peak) {
                peak = w;
                peakChip = c;
            }
        }
        int chips = Math.max(1, chipsPowered);
        double chipsW = dynamicJ / workSeconds + chips * model.staticWPerChip();
        int servers = (chips + chipsPerServer - 1) / chipsPerServer;
        double hostsW = servers * model.hostWPerServer();
        Map<Activity, Double> shares = new EnumMap<>(Activity.class);
        for (Activity a : kinds) {
            shares.put(a, dynamicJ > 0 ? byActivity[a.ordinal()] / dynamicJ : 0);
        }
        return new Power(chips, chipsW / chips, peak, peakChip, model.staticWPerChip(), chipsW / 1e3, hostsW / 1e3,
                (chipsW + hostsW) / tokensPerSecond, shares);
    }
}
