"""Pure value types shared by every layer: no database, no UI."""
