"""The XLSX export: a summary, a sheet per activity drawn from its display blocks, the
participants, and every answer (the CSV export's rows). Built with XlsxWriter in memory.

Every text cell is written as a string, never interpreted: a participant's ``=HYPERLINK(...)``
stays text (no formula injection). Sheet names are made unique and Excel-safe.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_MAX_SHEET_NAME = 31


def sheet_name(position: int, title: str, taken: set[str]) -> str:
    """``"3 Mood check"``: Excel's rules (31 characters, no ``[]:*?/\\``), unique."""
    base = _SHEET_NAME_BAD.sub(" ", f"{position} {title}").strip().strip("'")
    base = " ".join(base.split())[:_MAX_SHEET_NAME] or str(position)
    name, n = base, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name = base[: _MAX_SHEET_NAME - len(suffix)] + suffix
        n += 1
    taken.add(name.casefold())
    return name


class _Sheet:
    """Writes rows one after another; strings stay strings, numbers stay numbers."""

    def __init__(self, book: Workbook, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.row = 0
        self.bold = book.add_format({"bold": True})
        self.heading = book.add_format({"bold": True, "font_size": 14})
        self.widths: dict[int, int] = {}

    def write(self, values: Sequence[Any], style: Any = None) -> None:
        for col, value in enumerate(values):
            self._cell(col, value, style)
        self.row += 1

    def _cell(self, col: int, value: Any, style: Any) -> None:
        if value is None:
            self.sheet.write_blank(self.row, col, None, style)
            return
        if isinstance(value, bool):
            self.sheet.write_boolean(self.row, col, value, style)
            text = str(value).upper()
        elif isinstance(value, int | float):
            self.sheet.write_number(self.row, col, value, style)
            text = str(value)
        else:
            text = _text(value)
            self.sheet.write_string(self.row, col, text, style)
        self.widths[col] = max(self.widths.get(col, 8), min(len(text) + 2, 60))

    def gap(self) -> None:
        self.row += 1

    def finish(self) -> None:
        for col, width in self.widths.items():
            self.sheet.set_column(col, col, width)


def _text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


def block_rows(block: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """A display block as a table: its column headings and rows."""
    kind = block.get("kind")
    if kind == "bars":
        return ["label", "count", "percent"], [
            [b["label"], b["count"], b["percent"]] for b in block["bars"]
        ]
    if kind in ("leaderboard", "podium"):
        rows = block["rows"] if kind == "leaderboard" else block["places"]
        return ["rank", "name", "score", "detail"], [
            [r["rank"], r["name"], r["score"], r.get("detail")] for r in rows
        ]
    if kind == "cards":
        return ["label", "value", "note"], [
            [c["label"], c["value"] if c.get("face_up") else "(face down)", c.get("note")]
            for c in block["cards"]
        ]
    if kind == "stats":
        return ["label", "value"], [[s["label"], s["value"]] for s in block["stats"]]
    if kind == "table":
        return list(block["columns"]), [list(r) for r in block["rows"]]
    if kind == "cloud":
        return ["text", "weight"], [[w["text"], w["weight"]] for w in block["words"]]
    if kind == "entries":
        return ["text", "author", "votes", "tags", "created"], [
            [
                e["text"],
                e.get("author") or "",
                e.get("votes"),
                ", ".join(e.get("tags") or []),
                e.get("created_at"),
            ]
            for e in block["entries"]
        ]
    if kind == "spotlight":
        return ["text", "caption"], [[block["text"], block.get("caption")]]
    return ["block"], [[str(kind)]]


def report_workbook(
    report: dict[str, Any], columns: Sequence[str], rows: Iterable[dict[str, str]]
) -> bytes:
    """The whole XLSX file."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    taken = {"summary", "participants", "answers"}
    _summary(book, report)
    for activity in report["activities"]:
        name = sheet_name(activity["position"] + 1, activity["title"], taken)
        _activity(book, book.add_worksheet(name), activity)
    _participants(book, report)
    answers = _Sheet(book, book.add_worksheet("Answers"))
    answers.write(list(columns), answers.bold)
    for row in rows:
        answers.write([row.get(c, "") for c in columns])
    answers.sheet.freeze_panes(1, 0)
    answers.finish()
    book.close()
    return out.getvalue()


def _summary(book: Workbook, report: dict[str, Any]) -> None:
    sheet = _Sheet(book, book.add_worksheet("Summary"))
    session = report["session"]
    sheet.write([session["name"]], sheet.heading)
    for label, value in (
        ("status", session["status"]),
        ("join code", session["join_code"]),
        ("created", session["created_at"]),
        ("started", session["started_at"]),
        ("completed", session["completed_at"]),
        ("participants", report["participant_count"]),
        ("report made", report["generated_at"]),
    ):
        sheet.write([label, value])
    sheet.gap()
    headings = ["#", "activity", "type", "status", "answers", "respondents", "opened", "closed"]
    sheet.write(headings, sheet.bold)
    for a in report["activities"]:
        sheet.write(
            [
                a["position"] + 1,
                a["title"],
                a["type"],
                a["status"],
                a["answer_count"],
                a["respondent_count"],
                a["activated_at"],
                a["closed_at"],
            ]
        )
    sheet.finish()


def _activity(book: Workbook, worksheet: Worksheet, activity: dict[str, Any]) -> None:
    sheet = _Sheet(book, worksheet)
    sheet.write([activity["title"]], sheet.heading)
    if activity.get("description"):
        sheet.write([activity["description"]])
    for label, value in (
        ("type", activity["type_title"] or activity["type"]),
        ("status", activity["status"]),
        ("answers", activity["answer_count"]),
        ("respondents", activity["respondent_count"]),
        ("opened", activity["activated_at"]),
        ("closed", activity["closed_at"]),
    ):
        sheet.write([label, value])
    if activity.get("error"):
        sheet.gap()
        sheet.write([activity["error"]])
    if not activity["display"] and not activity.get("error"):
        sheet.gap()
        sheet.write(["No results to show (hidden, or nothing answered yet)."])
    for block in activity["display"]:
        sheet.gap()
        if block.get("title"):
            sheet.write([block["title"]], sheet.bold)
        headings, rows = block_rows(block)
        sheet.write(headings, sheet.bold)
        for row in rows:
            sheet.write(row)
    sheet.finish()


def _participants(book: Workbook, report: dict[str, Any]) -> None:
    sheet = _Sheet(book, book.add_worksheet("Participants"))
    sheet.write(["nickname", "joined", "last seen", "answers", "activities answered"], sheet.bold)
    for p in report["participants"]:
        sheet.write(
            [
                p["nickname"],
                p["joined_at"],
                p["last_seen_at"],
                p["answers"],
                p["activities_answered"],
            ]
        )
    sheet.sheet.freeze_panes(1, 0)
    sheet.finish()
