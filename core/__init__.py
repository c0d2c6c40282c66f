"""Report Archive engine: read → clean → analyse → store, with no Qt anywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Archive", "__version__"]

if TYPE_CHECKING:
    from core.archive import Archive


def __getattr__(name: str) -> Any:
    # Lazy so that `import core` stays cheap for the CLI's extract path and for tests.
    if name == "Archive":
        from core.archive import Archive

        return Archive
    raise AttributeError(name)
