"""Pure freight AR rules: catalogue, priority, promotion and recurrence, KPIs, pre-audit. No Qt, no SQLAlchemy, no I/O."""
