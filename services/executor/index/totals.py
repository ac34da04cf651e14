"""Recursive size and file count of every folder, computed while the listing streams by (pure)."""

from __future__ import annotations


class FolderTotals:
    """Adds each file to its own folder only; ``finish`` rolls the sums up the tree once, so the cost
    is one dictionary update per entry plus one per folder, whatever the depth."""

    def __init__(self) -> None:
        self._own: dict[str, list[int]] = {}

    def add_file(self, parent: str, size: int) -> None:
        slot = self._own.get(parent)
        if slot is None:
            self._own[parent] = [size, 1]
        else:
            slot[0] += size
            slot[1] += 1

    def add_folder(self, path: str) -> None:
        self._own.setdefault(path, [0, 0])

    def finish(self) -> dict[str, tuple[int, int]]:
        """Every folder (including implied parents and the root ``""``) → (total bytes, total files)."""
        totals: dict[str, list[int]] = {}
        for path, (size, files) in self._own.items():
            slot = totals.setdefault(path, [0, 0])
            slot[0] += size
            slot[1] += files
            while path:
                path = path.rpartition("/")[0]
                slot = totals.setdefault(path, [0, 0])
                slot[0] += size
                slot[1] += files
        return {path: (size, files) for path, (size, files) in totals.items()}
