from services.executor.index.entry import BorgEntry, split_path, to_row
from services.executor.index.totals import FolderTotals


def test_totals_roll_up_to_every_ancestor() -> None:
    totals = FolderTotals()
    totals.add_folder("a")
    totals.add_folder("a/empty")
    totals.add_file("a/b/c", 10)
    totals.add_file("a/b", 5)
    totals.add_file("", 1)
    assert totals.finish() == {
        "": (16, 3),
        "a": (15, 2),
        "a/empty": (0, 0),
        "a/b": (15, 2),
        "a/b/c": (10, 1),
    }


def test_split_path() -> None:
    assert split_path("a/b/c") == ("a/b", "c")
    assert split_path("top") == ("", "top")
    assert split_path("/abs/x/") == ("abs", "x")


def test_hard_link_row() -> None:
    entry = BorgEntry(type="-", mode="hrw-r--r--", path="src/a.txt", size=0, source="src/hard", linktarget="src/hard")
    row = to_row(entry)
    assert (row.parent, row.name, row.type, row.hardlink, row.target) == ("src", "a.txt", "-", 1, "src/hard")
