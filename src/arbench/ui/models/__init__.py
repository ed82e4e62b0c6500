"""QAbstractTableModels fed plain rows by their views (no database reads inside a model)."""
