"""IdentityMemo: derived once per object, by identity, for the last few objects."""

from __future__ import annotations

from caja_core import IdentityMemo


def test_a_value_is_computed_once_per_object_by_identity() -> None:
    memo: IdentityMemo[int] = IdentityMemo(size=2)
    calls: list[str] = []

    def counted(name: str, value: int):
        def compute() -> int:
            calls.append(name)
            return value

        return compute

    a, b = {"k": 1}, {"k": 1}  # equal, but different objects
    assert memo.get(a, counted("a", 10)) == 10
    assert memo.get(a, counted("a", 99)) == 10
    assert memo.get(b, counted("b", 20)) == 20
    assert calls == ["a", "b"]
    # Past its size it forgets the oldest object and computes again.
    memo.get({"k": 2}, counted("c", 30))
    assert memo.get(a, counted("a", 11)) == 11
    assert calls == ["a", "b", "c", "a"]
