// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.validate;

/**
 * Where a simulated value must lie for its row to count as "within": near the published value, or on the right
 * side of a published bound, or inside a published range.
 *
 * @param type  how the value is compared
 * @param low   the lower bound (a fraction for {@link Type#WITHIN}: the largest relative distance)
 * @param high  the upper bound ({@link Type#RANGE}, {@link Type#AT_MOST})
 * @param text  how the band is printed, e.g. "within 10 %", "&gt;= 80 %", "&lt;= 3 us"
 */
public record Band(Type type, double low, double high, String text) {
    /** How a value is compared. */
    public enum Type {
        /** |simulated / published - 1| at most {@code low}. */
        WITHIN,
        /** simulated at least {@code low}. */
        AT_LEAST,
        /** simulated at most {@code high}. */
        AT_MOST,
        /** simulated in {@code low..high}. */
        RANGE
    }

    /** Within {@code percent} % of the published value. */
    public static Band within(int percent) {
        return new Band(Type.WITHIN, percent / 100.0, Double.NaN, "within " + percent + " %");
    }

    /** At least {@code bound} (in the figure's unit). */
    public static Band atLeast(double bound, String text) {
        return new Band(Type.AT_LEAST, bound, Double.NaN, text);
    }

    /** At most {@code bound} (in the figure's unit). */
    public static Band atMost(double bound, String text) {
        return new Band(Type.AT_MOST, Double.NaN, bound, text);
    }

    /** In {@code low..high} (in the figure's unit). */
    public static Band range(double low, double high, String text) {
        return new Band(Type.RANGE, low, high, text);
    }

    /** Whether {@code simulated} lies in the band of a figure published as {@code published}. */
    public boolean holds(double simulated, double published) {
        return switch (type) {
            case WITHIN -> Math.abs(simulated / published - 1) <= low + 1e-12;
            case AT_LEAST -> simulated >= low;
            case AT_MOST -> simulated <= high;
            case RANGE -> simulated >= low && simulated <= high;
        };
    }
}
