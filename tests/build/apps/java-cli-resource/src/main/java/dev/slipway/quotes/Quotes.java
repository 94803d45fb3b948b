package dev.slipway.quotes;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Prints a quote from the quotes.txt bundled in the jar, chosen by the day number given (or 0). */
public final class Quotes {
    public static void main(String[] args) throws IOException {
        List<String> quotes = new ArrayList<>();
        try (InputStream in = Quotes.class.getResourceAsStream("/quotes.txt")) {
            if (in == null) {
                System.err.println("quotes: resource /quotes.txt is missing from the jar");
                System.exit(1);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank()) {
                    quotes.add(line.trim());
                }
            }
        }
        int day = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        System.out.println(quotes.size() + " quotes; quote " + day + ": " + quotes.get(Math.floorMod(day, quotes.size())));
    }
}
