"""The store's tables (SQLAlchemy declarative models), one module per area."""
