"""What the book says: KPIs, aging and exports, book statistics, root-cause reports."""
