"""Writing cells safely, in normal and write-only workbooks alike."""

from typing import TYPE_CHECKING, cast

from openpyxl.cell import Cell, MergedCell

from followup.excel.layout import needs_quote, safe_text

if TYPE_CHECKING:
    from openpyxl.cell import _CellSetValue


def set_value(cell: Cell | MergedCell, value: object) -> Cell:
    """Put a value in a cell. Text is always written as text: openpyxl would otherwise turn
    "=…" into a formula. Text that a spreadsheet program would take for a formula when the
    cell is edited also gets Excel's quote prefix (the hidden apostrophe)."""
    if isinstance(cell, MergedCell):
        raise TypeError(f"{cell.coordinate} is part of a merged range and holds no value")
    if isinstance(value, str):
        cell.value = safe_text(value)
        cell.data_type = "s"
        if needs_quote(value):
            cell.quotePrefix = True
    else:
        # openpyxl takes what it can write and refuses the rest at run time.
        cell.value = cast("_CellSetValue", value)
    return cell
