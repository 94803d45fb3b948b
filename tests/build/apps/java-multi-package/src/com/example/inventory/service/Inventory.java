package com.example.inventory.service;

import com.example.inventory.model.Item;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

public final class Inventory {
    private final List<Item> items = new ArrayList<>();

    public static Inventory load(Path csv) throws IOException {
        Inventory inv = new Inventory();
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) continue;
            String[] f = line.split(",");
            inv.items.add(new Item(f[0].trim(), f[1].trim(), Integer.parseInt(f[2].trim()), Long.parseLong(f[3].trim())));
        }
        return inv;
    }

    public List<Item> lowStock(int threshold) {
        return items.stream().filter(i -> i.quantity() < threshold).sorted(Comparator.comparing(Item::sku)).toList();
    }

    public long totalValueCents() {
        return items.stream().mapToLong(Item::valueCents).sum();
    }

    public int size() {
        return items.size();
    }
}
