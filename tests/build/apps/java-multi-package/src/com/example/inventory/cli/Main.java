package com.example.inventory.cli;

import com.example.inventory.model.Item;
import com.example.inventory.service.Inventory;

import java.nio.file.Path;

public final class Main {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : System.getenv().getOrDefault("INVENTORY_FILE", "config/inventory.csv"));
        Inventory inv = Inventory.load(file);
        System.out.printf("%d items, total value %.2f%n", inv.size(), inv.totalValueCents() / 100.0);
        for (Item i : inv.lowStock(5)) {
            System.out.printf("low stock: %s %s (%d)%n", i.sku(), i.name(), i.quantity());
        }
    }
}
