"""History: the run store (SQLite or PostgreSQL), its views, and forecast against actual."""
