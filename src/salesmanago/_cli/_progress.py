"""The progress bar (rich, from the ``cli`` extra) on standard error."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Final

from ..models.bulk import SyncProgress

__all__ = ["INSTALL_HINT", "Bar", "require_rich"]

INSTALL_HINT: Final = (
    "the salesmanago command needs the 'cli' extra (rich, for its progress bar): "
    "pip install 'salesmanago-py[cli]'"
)


def require_rich() -> None:
    """Raise ImportError with `INSTALL_HINT` when rich is not installed."""
    try:
        import rich  # noqa: F401
    except ImportError:
        raise ImportError(INSTALL_HINT) from None


class Bar:
    """A progress bar of rows (or contacts, for an export); silent when ``quiet``."""

    def __init__(self, label: str, total: int | None, *, quiet: bool) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            disable=quiet,
        )
        self._task = self._progress.add_task(label, total=total, counts="")

    def __enter__(self) -> Bar:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def rows(self, progress: SyncProgress) -> None:
        """Show a bulk sync's counts."""
        counts = f"applied {progress.applied}  refused {progress.refused}"
        if progress.not_sent:
            counts += f"  not sent {progress.not_sent}"
        done = progress.applied + progress.refused + progress.not_sent
        self._update(completed=done, counts=counts)

    def contacts(self, written: int) -> None:
        """Show an export's count."""
        self._update(completed=written, counts="")

    def _update(self, **fields: Any) -> None:
        self._progress.update(self._task, **fields)
