"""Qt widgets. Imports services and domain, never store sessions."""
