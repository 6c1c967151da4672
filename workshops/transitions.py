"""Explicit state tables: a change that the table does not allow never happens."""

from __future__ import annotations

from collections.abc import Mapping


class TransitionNotAllowed(Exception):
    def __init__(self, action: str, state: str | None) -> None:
        super().__init__(f"cannot {action} from {state or 'nothing'}")
        self.action = action
        self.state = state


def next_state(table: Mapping[str, Mapping[str | None, str]], action: str,
               state: str | None) -> str:
    try:
        return table[action][state]
    except KeyError:
        raise TransitionNotAllowed(action, state) from None
