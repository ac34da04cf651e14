"""How many bytes a backup will read: a quick walk of the sources, for percent and time left."""

from __future__ import annotations

import os
import stat


def source_size(sources: list[str], exclude_if_present: tuple[str, ...] = (), one_file_system: bool = False) -> int:
    """Total size of regular files under ``sources`` (not following symlinks, each inode once).

    An estimate: borg's exclude patterns are not applied, so the result may be larger than what is
    read; it is only used for percent and time left.
    """
    total = 0
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[str, int | None]] = []
    for source in sources:
        try:
            st = os.lstat(source)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):
            stack.append((source, st.st_dev))
        elif stat.S_ISREG(st.st_mode):
            total += st.st_size
    while stack:
        folder, device = stack.pop()
        if exclude_if_present and any(os.path.exists(os.path.join(folder, m)) for m in exclude_if_present):
            continue
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            st = entry.stat(follow_symlinks=False)
                            if not one_file_system or st.st_dev == device:
                                stack.append((entry.path, st.st_dev))
                        elif entry.is_file(follow_symlinks=False):
                            st = entry.stat(follow_symlinks=False)
                            if st.st_nlink > 1:
                                key = (st.st_dev, st.st_ino)
                                if key in seen:
                                    continue
                                seen.add(key)
                            total += st.st_size
                    except OSError:
                        continue
        except OSError:
            continue
    return total
