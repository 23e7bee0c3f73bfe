package org.jnn.core;

import java.util.Random;

/**
 * Seeded Fisher–Yates shuffles: the one source of sample order (training epochs, validation splits),
 * so that the same seed gives the same order on every backend and every JVM.
 */
public final class Shuffle {

    private Shuffle() {
    }

    /** A permutation of {@code 0 .. n-1} drawn from {@code random}. */
    public static int[] permutation(int n, Random random) {
        int[] order = new int[n];
        permute(order, random);
        return order;
    }

    /**
     * Overwrites {@code order} with a permutation of {@code 0 .. order.length-1}. It starts from the
     * identity every time, so the result depends only on the generator's state, not on the array's
     * old contents.
     */
    public static void permute(int[] order, Random random) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
