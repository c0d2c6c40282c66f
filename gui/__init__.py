"""Report Archive desktop GUI (PySide6): windows, models and workers over `core`."""
