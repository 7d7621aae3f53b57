"""The ticket, its file format and the reference data: pure values and arithmetic (no git, no store)."""
