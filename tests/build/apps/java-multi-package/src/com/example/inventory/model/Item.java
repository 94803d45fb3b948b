package com.example.inventory.model;

public record Item(String sku, String name, int quantity, long priceCents) {
    public long valueCents() {
        return quantity * priceCents;
    }
}
