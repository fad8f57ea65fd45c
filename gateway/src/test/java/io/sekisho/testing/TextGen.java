package io.sekisho.testing;

import java.util.Random;

/** Generates unrelated prose for tests: technical-sounding words, or Japanese sentences. */
public final class TextGen {
    private static final String[] WORDS = ("alloy anneal batch binder calibrate catalyst chamber coating column "
            + "compound condenser cooling density deposit diffusion dilute dosage electrode emission etching "
            + "exhaust feed filter flow furnace gradient grain humidity inlet isotope kiln laminate lattice layer "
            + "membrane mesh microwave mixer module nozzle oxide particle pellet phase plasma polymer powder "
            + "pressure probe pulse purge quench reactor reagent residue resin rinse rotor sample seal sensor "
            + "shaft sieve slurry solvent spectrum spindle substrate surface tank thermal torque valve vapour "
            + "vessel viscosity wafer weld yield zone the a of to and in for with at by from on under over "
            + "after before while during each every most least").split(" ");

    private TextGen() {
    }

    public static String latin(Random random, int chars) {
        StringBuilder sb = new StringBuilder(chars + 16);
        int sentence = 0;
        while (sb.length() < chars) {
            String word = WORDS[random.nextInt(WORDS.length)];
            sb.append(sentence == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
            if (random.nextInt(9) == 0) {
                sb.append(' ').append(random.nextInt(1000));
            }
            sentence++;
            if (sentence > 6 && random.nextInt(5) == 0) {
                sb.append(". ");
                sentence = 0;
            } else {
                sb.append(' ');
            }
        }
        return sb.toString().trim() + ".";
    }

    public static String japanese(Random random, int chars) {
        StringBuilder sb = new StringBuilder(chars + 4);
        while (sb.length() < chars) {
            int run = 2 + random.nextInt(4);
            for (int i = 0; i < run; i++) {
                sb.append((char) (0x4E00 + random.nextInt(0x9FA0 - 0x4E00)));
            }
            int kana = 1 + random.nextInt(3);
            for (int i = 0; i < kana; i++) {
                sb.append((char) (0x3041 + random.nextInt(0x3093 - 0x3041)));
            }
            if (random.nextInt(6) == 0) {
                sb.append('。');
            } else if (random.nextInt(4) == 0) {
                sb.append('、');
            }
        }
        return sb.toString();
    }
}
