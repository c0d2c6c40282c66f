"""Safe cell values, Chinese-aware column widths and shared styles for the Excel writers (openpyxl)."""

from __future__ import annotations

import datetime as dt
import errno
import math
import os
import re
import secrets
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import openpyxl
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.properties import PageSetupProperties

from core.errors import DiskFullError, ExportError

MAX_CELL_CHARS = 32_767  # Excel's limit for one cell's text
MAX_WIDTH = 60  # widest column, in Excel character units
MIN_WIDTH = 6

# XML 1.0 forbids C0 controls other than TAB/LF/CR, lone surrogates and U+FFFE/U+FFFF; openpyxl raises on them.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# A spreadsheet program may treat text that starts with one of these as a formula (CSV/DDE injection).
_FORMULA_START = frozenset("=+-@\t\r＝＋－＠")

MONEY_FORMAT = "#,##0.00"
NUMBER_FORMAT = "General"
DATE_FORMAT = "yyyy-mm-dd"

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WARN_FILL = PatternFill("solid", fgColor="FFF2CC")  # a value whose statements disagree
VERIFIED_FILL = PatternFill("solid", fgColor="E2EFDA")  # a value a person confirmed (人工确认)
WRAP = Alignment(wrap_text=True, vertical="top")


def safe_text(value: str) -> str:
    """Text fit for a cell: no characters XML forbids, at most 32,767 characters."""
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    if len(value) > MAX_CELL_CHARS:
        value = value[: MAX_CELL_CHARS - 1] + "…"
    return value


def looks_like_formula(value: str) -> bool:
    return bool(value) and value[0] in _FORMULA_START


def text_width(value: str) -> int:
    """Display width in Excel character units: East-Asian wide characters count 2 (UTF-8 length trick)."""
    # ASCII is 1 byte, CJK and full-width forms 3 bytes: len + (utf8 - len) / 2 gives 1 and 2.
    n = len(value)
    if n > 200:  # a long sentence is capped anyway; do not encode it all
        return MAX_WIDTH * 2
    return n + (len(value.encode("utf-8", "surrogatepass")) - n) // 2


class WidthTracker:
    """Widest text seen per column, turned into column widths (capped) for a worksheet."""

    def __init__(self, headers: Sequence[str], minimum: Sequence[int] | None = None) -> None:
        self.widths = [text_width(h) + 2 for h in headers]  # + filter button
        for i, m in enumerate((minimum or ())[: len(self.widths)]):
            self.widths[i] = max(self.widths[i], m)

    def add(self, values: Sequence[Any]) -> None:
        widths = self.widths
        for i, item in enumerate(values):
            if item is None or i >= len(widths):
                continue
            value = item.value if isinstance(item, Cell) else item
            if isinstance(value, str):
                w = text_width(value)
            elif isinstance(value, float):
                w = len(f"{value:,.2f}")
            elif isinstance(value, dt.date):
                w = 10
            else:
                w = len(str(value))
            widths[i] = max(widths[i], w)

    def apply(self, ws: Any) -> None:
        for i, w in enumerate(self.widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = max(MIN_WIDTH, min(MAX_WIDTH, w + 1))


def cell_value(ws: Any, value: Any, *, number_format: str | None = None) -> Any:
    """A value ready for ws.append(): strings cleaned and forced to text when they look like a formula.

    Plain values go through openpyxl's fast path; a WriteOnlyCell only where a type or format is needed.
    """
    if isinstance(value, str):
        if not value:
            return None  # openpyxl would write an empty inline-string cell
        value = safe_text(value)
        if looks_like_formula(value):
            cell = WriteOnlyCell(ws, value)
            cell.data_type = "s"  # never a formula, whatever it starts with
            cell.quotePrefix = True  # Excel keeps it text when the user edits the cell
            return cell
        return value
    if number_format is not None and value is not None:
        cell = WriteOnlyCell(ws, value)
        cell.number_format = number_format
        return cell
    return value


def header_cells(ws: Any, headers: Iterable[str]) -> list[Any]:
    cells = []
    for text in headers:
        cell = WriteOnlyCell(ws, safe_text(text))
        cell.data_type = "s"
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cells.append(cell)
    return cells


def finish_sheet(ws: Any, ncols: int, nrows: int) -> None:
    """An autofilter over the whole table (call before saving; freeze the header before the first row)."""
    if ncols:
        ws.auto_filter.ref = f"A1:{get_column_letter(ncols)}{max(nrows, 1) + 1}"


# Print settings a clerk expects of every sheet: A4 landscape, all columns on the page width (as many pages
# down as needed), the header row repeated on every page, page numbers in the footer.
PAPER_A4 = 9
PAGE_FOOTER = "第 &P 页，共 &N 页"


def apply_print_setup(ws: Any, *, title_rows: str = "1:1") -> None:
    """Landscape, fit to page width, header row repeated, page numbers (an openpyxl sheet, any mode).

    For a write-only sheet call it before the first row is appended (the fit-to-page flag is in the
    sheet's properties, written with the first row)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    else:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    ws.oddFooter.center.text = PAGE_FOOTER
    ws.print_options.gridLines = False


# A4 landscape with 0.5" margins holds ~147 Excel character units of column width at 100 %; below ~50 %
# Chinese text is hard to read on paper.
PAGE_WIDTH_UNITS = 147
MIN_PRINT_SCALE = 0.5


def print_pages_across(widths: Sequence[float], title_columns: int = 0) -> int:
    """How many pages wide a sheet prints at a readable scale: 1 (fit to the page width) when it fits,
    else enough pages for the columns after the first `title_columns`, which repeat on every page."""
    readable = PAGE_WIDTH_UNITS / MIN_PRINT_SCALE
    total = sum(max(MIN_WIDTH, min(MAX_WIDTH, w + 1)) for w in widths)
    if total <= readable or title_columns <= 0:
        return 1
    titles = sum(max(MIN_WIDTH, min(MAX_WIDTH, w + 1)) for w in widths[:title_columns])
    per_page = max(readable - titles, readable / 3)
    return max(1, math.ceil((total - titles) / per_page))


def parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def temp_path_for(out: Path) -> Path:
    """A fresh name beside `out` (two exports to one file never share a temp file)."""
    return out.with_name(f".~{out.stem}.{os.getpid()}.{secrets.token_hex(4)}.tmp.xlsx")


@contextmanager
def atomic_output(out: Path | str) -> Iterator[Path]:
    """Yield a temp path in the target folder; on success replace `out` with it, else remove it.

    OS trouble becomes ExportError / DiskFullError with a Chinese message.
    """
    out = Path(out)
    if not out.parent.is_dir():
        raise ExportError(f"目标文件夹不存在：{out.parent}")
    tmp = temp_path_for(out)
    try:
        yield tmp
        os.replace(tmp, out)
    except OSError as exc:
        _unlink_quietly(tmp)
        if exc.errno == errno.ENOSPC:
            raise DiskFullError("磁盘空间不足，未能保存导出的 Excel 文件。") from exc
        if isinstance(exc, PermissionError):
            raise ExportError(f"无法写入 {out.name}：文件可能已在 Excel/WPS 中打开，或没有写入权限。") from exc
        raise ExportError(f"无法写入 {out.name}：{exc.strerror or exc}") from exc
    except BaseException:
        _unlink_quietly(tmp)
        raise


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass



_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 in the 1900 date system (after its 1900 leap-year bug)
_SHEET_NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)


def _xml_text(value: str) -> str:
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")  # a bare CR would be read back as LF
    return value


class FastSheet:
    """A big plain table written straight to worksheet XML, ~5-8x faster than openpyxl's per-cell objects.

    It stands in for a sheet of an openpyxl write-only workbook: at `finish()` openpyxl's own (empty) sheet
    file is swapped for ours, so the workbook, its styles and the zip are still openpyxl's. Strings are
    always inline text (never formulas); a cell is None, str, bool, int, float, date, or (value, style_id).
    """

    def __init__(self, ws: Any, headers: Sequence[str], widths: Sequence[float], *,
                 header_height: float | None = None, hidden: Iterable[int] = (), print_setup: bool = True,
                 print_title_columns: int = 0) -> None:
        self.ws = ws
        # a sheet too wide for one readable page prints its first columns on every page, the rest across
        # as many pages as it takes at a readable scale (print_pages_across)
        shown = [w for i, w in enumerate(widths, 1) if i not in set(hidden)]
        self.pages_across = print_pages_across(shown, print_title_columns)
        self._title_columns = print_title_columns if self.pages_across > 1 else 0
        self._comments: list[CommentRecord] = []
        # a tall header row wraps its (long) header texts
        self._header_row = f' ht="{header_height}" customHeight="1"' if header_height else ""
        self.ncols = len(headers)
        self.rows = 0
        self._letters = [get_column_letter(i) for i in range(1, self.ncols + 1)]
        self._refs = [f'<c r="{letter}' for letter in self._letters]
        fd, name = tempfile.mkstemp(prefix="report-archive-sheet-", suffix=".xml")
        self.path = Path(name)
        self._fh: IO[str] = os.fdopen(fd, "w", encoding="utf-8", newline="", buffering=1 << 20)
        self._links: IO[str] | None = None  # <hyperlink> elements, spooled until finish()
        self._link_prefix: dict[str, str] = {}
        self._cache: dict[tuple[str, str], str] = {}
        self._plain: dict[str, str] = {}  # the same for unstyled strings, keyed by the string alone
        self._print = print_setup
        self.text_style = self.style(quote_prefix=True)
        self.date_style = self.style(number_format=DATE_FORMAT)
        header_style = self.style(header=True, wrap=bool(header_height))
        hidden_cols = set(hidden)
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{max(MIN_WIDTH, min(MAX_WIDTH, w + 1))}" customWidth="1"'
            + (' hidden="1"' if i in hidden_cols else "") + "/>"
            for i, w in enumerate(widths, 1)
        )
        page_pr = '<pageSetUpPr fitToPage="1"/>' if print_setup else "<pageSetUpPr/>"
        self._fh.write(
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_SHEET_NS}>'
            f'<sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>{page_pr}</sheetPr>'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            f'<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
        )
        self.append([(safe_text(h), header_style) for h in headers])

    def style(self, *, number_format: str | None = None, quote_prefix: bool = False, header: bool = False,
              warn: bool = False, wrap: bool = False, verified: bool = False, valign: str = "center") -> int:
        """Register a cell style with the workbook and return its index (the `s` attribute)."""
        cell = WriteOnlyCell(self.ws, None)
        if number_format:
            cell.number_format = number_format
        if quote_prefix:
            cell.quotePrefix = True
        if header:
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
        if verified:
            cell.fill = VERIFIED_FILL
        if warn:
            cell.fill = WARN_FILL
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical=valign)
        return int(cell.style_id)

    def comment(self, column: int, text: str) -> None:
        """A comment on `column` (1-based) of the row appended last."""
        record = CommentRecord(ref=f"{self._letters[column - 1]}{self.rows}", author="报告档案", height=120,
                               width=300)
        record.text.t = safe_text(text)[:2000]
        self._comments.append(record)

    def link(self, column: int, sheet: str, row: int, column_letter: str = "A") -> None:
        """A link from `column` (1-based) of the row appended last to a cell of another sheet of the workbook."""
        if self._links is None:
            self._links = tempfile.TemporaryFile("w+", encoding="utf-8", prefix="report-archive-links-")
        prefix = self._link_prefix.get(sheet)
        if prefix is None:  # the escaped 'sheet'! part (the cell reference after it needs no escaping)
            prefix = self._link_prefix[sheet] = _xml_text(f"{quote_sheetname(sheet)}!").replace('"', "&quot;")
        self._links.write(
            f'<hyperlink ref="{self._letters[column - 1]}{self.rows}" location="{prefix}{column_letter}{row}"/>'
        )

    def _text(self, value: str, s: str) -> str:
        """`s="…" t="inlineStr"><is><t>…</t></is>` for a string; escaped forms of repeated strings are cached."""
        if not s:
            hit = self._plain.get(value)
            return hit if hit is not None else self._new_text(value, "")
        hit = self._cache.get((value, s))
        return hit if hit is not None else self._new_text(value, s)

    def _new_text(self, value: str, s: str) -> str:
        """_text for a string not in the cache (kept there when it is short)."""
        text = safe_text(value)
        if not text:  # nothing left once XML-illegal characters are gone: no cell
            out = ""
        else:
            style = f' s="{self.text_style}"' if not s and text[:1] in _FORMULA_START else s
            space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
            out = f'{style} t="inlineStr"><is><t{space}>{_xml_text(text)}</t></is></c>'
        if len(value) < 64:  # titles, agencies, keys, units, labels repeat; sentences rarely do
            if len(self._cache) + len(self._plain) > 5_000:
                self._cache.clear()
                self._plain.clear()
            if s:
                self._cache[(value, s)] = out
            else:
                self._plain[value] = out
        return out

    def append(self, row: Sequence[Any], *, lines: int = 1) -> None:
        """Append a row; `lines` > 1 makes it that many text lines tall (for wrapped cells)."""
        self.rows += 1
        r = self.rows
        height = self._header_row if r == 1 else (f' ht="{15 * lines}" customHeight="1"' if lines > 1 else "")
        rq = f'{r}"'  # the row number and the closing quote of every cell reference of this row
        parts = [f'<row r="{r}"{height}>']
        add = parts.append
        plain = self._plain
        for ref, item in zip(self._refs, row, strict=False):  # ref: '<c r="A' (the column's letters)
            kind = type(item)
            if kind is str:
                if item:
                    frag = plain.get(item) or self._new_text(item, "")
                    if frag:
                        add(f"{ref}{rq}{frag}")
            elif item is None:
                pass
            elif kind is int:
                add(f"{ref}{rq}><v>{item}</v></c>")
            else:
                frag = self._value(item)
                if frag:
                    add(f"{ref}{rq}{frag}")
        add("</row>")
        self._fh.write("".join(parts))

    def _value(self, item: Any) -> str:
        """A cell's XML after its reference, for anything but a plain string, None or int ("" for no cell)."""
        if type(item) is tuple:
            value, style = item
            s = f' s="{style}"'
        else:
            value, s = item, ""
        kind = type(value)
        if kind is int or (kind is float and math.isfinite(value)):
            return f"{s}><v>{value}</v></c>"
        if kind is str:
            return self._text(value, s) if value else ""
        if value is None or kind is float:
            return ""
        if isinstance(value, bool):
            return f'{s} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float):
            return f"{s}><v>{value}</v></c>" if math.isfinite(value) else ""
        if isinstance(value, dt.date):
            day = value.date() if isinstance(value, dt.datetime) else value
            style_attr = s or f' s="{self.date_style}"'
            return f"{style_attr}><v>{(day - _EPOCH).days}</v></c>"
        return self._text(str(value), s)

    def finish(self) -> None:
        """Close the XML and put it in place of the openpyxl sheet (call once, before wb.save())."""
        ref = f"A1:{self._letters[-1]}{max(self.rows, 2)}" if self.ncols else ""
        tail = f'<autoFilter ref="{ref}"/>' if ref else ""
        self._fh.write(f"</sheetData>{tail}")
        if self._links is not None:
            self._links.seek(0)
            self._fh.write("<hyperlinks>")
            while chunk := self._links.read(1 << 20):
                self._fh.write(chunk)
            self._fh.write("</hyperlinks>")
            self._links.close()
            self._links = None
        self._fh.write('<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>')
        if self._print:
            self._fh.write(
                f'<pageSetup paperSize="{PAPER_A4}" orientation="landscape" fitToWidth="{self.pages_across}" '
                'fitToHeight="0"/>'
                f"<headerFooter><oddFooter>&amp;C{_xml_text(PAGE_FOOTER)}</oddFooter></headerFooter>"
            )
        # openpyxl writes the comments and their VML drawing and relates them as "anysvml"
        legacy = '<legacyDrawing r:id="anysvml"/>' if self._comments else ""
        self._fh.write(f"{legacy}</worksheet>")
        self._fh.close()
        if ref:
            self.ws.auto_filter.ref = ref
        if self._print:
            self.ws.print_title_rows = "1:1"  # a defined name in workbook.xml, written by openpyxl
            if self._title_columns:
                self.ws.print_title_cols = f"A:{get_column_letter(self._title_columns)}"
        swap_sheet_xml(self.ws, self.path, self._comments)

    def discard(self) -> None:
        if not self._fh.closed:
            self._fh.close()
        if self._links is not None:
            self._links.close()
            self._links = None
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass


# ---------------------------------------------------------------------------------------------- openpyxl internals

SUPPORTED_OPENPYXL = (3, 1)  # pyproject pins openpyxl below its next minor version


def check_openpyxl_internals(ws: Any | None = None) -> None:
    """The private parts of openpyxl that FastSheet relies on are where they were (3.1.x).

    FastSheet writes a sheet's XML itself and hands the file to the write-only sheet's writer
    (`ws._writer.out`, tracked in `openpyxl.worksheet._writer.ALL_TEMP_FILES`); openpyxl then zips it and
    writes the comments it finds in `ws._comments`. A changed openpyxl raises ExportError here, loudly,
    instead of writing a workbook without its sheet.
    """
    version = tuple(int(p) for p in openpyxl.__version__.split(".")[:2] if p.isdigit())
    problems: list[str] = []
    if version[:2] != SUPPORTED_OPENPYXL:
        problems.append(f"openpyxl {openpyxl.__version__}")
    try:
        from openpyxl.worksheet import _writer as writer_module
    except ImportError:
        problems.append("openpyxl.worksheet._writer")
    else:
        if not isinstance(getattr(writer_module, "ALL_TEMP_FILES", None), list):
            problems.append("ALL_TEMP_FILES")
    if ws is not None:
        writer = getattr(ws, "_writer", None)
        if writer is None or not isinstance(getattr(writer, "out", None), str):
            problems.append("WriteOnlyWorksheet._writer.out")
        if not hasattr(ws, "_comments"):
            problems.append("WriteOnlyWorksheet._comments")
    if problems:
        raise ExportError(
            "导出组件（openpyxl）的版本与本程序不匹配，无法写入工作表（" + "、".join(problems) + "）。"
            f"请安装 openpyxl {SUPPORTED_OPENPYXL[0]}.{SUPPORTED_OPENPYXL[1]}.x。"
        )


# zlib level for the workbook's zip: 3 deflates the sheet XML about twice as fast as zipfile's default 6,
# for a file ~15 % larger (any deflate level is plain deflate to Excel, WPS, LibreOffice and openpyxl)
ZIP_LEVEL = 3


def save_workbook(wb: Any, path: Path | str, level: int = ZIP_LEVEL) -> None:
    """wb.save(path) with the zip deflated at `level` (openpyxl's save_workbook with a compression level)."""
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter

    if wb.write_only and not wb.worksheets:
        wb.create_sheet()
    with ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=level) as archive:
        wb.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)
        ExcelWriter(wb, archive).save()


def discard_workbook(wb: Any) -> None:
    """Remove the temporary files of a write-only workbook that will not be saved."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is not None:
            try:
                writer.close()
                writer.cleanup()
            except Exception:
                pass


def swap_sheet_xml(ws: Any, path: Path, comments: list[CommentRecord]) -> None:
    """The one place that touches openpyxl's private members: close the write-only sheet `ws` (openpyxl
    writes its empty sheet file), then replace that file with our own sheet XML at `path` and give
    openpyxl the comments to write beside it at save time."""
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    ws.close()
    check_openpyxl_internals(ws)
    writer = ws._writer
    old = writer.out
    os.remove(old)
    if old in ALL_TEMP_FILES:
        ALL_TEMP_FILES.remove(old)
    writer.out = str(path)
    ALL_TEMP_FILES.append(writer.out)
    ws._comments = comments  # read by openpyxl's ExcelWriter at save
