"""Writing cells safely, in normal and write-only workbooks alike."""

from openpyxl.cell import Cell

from followup.excel.layout import needs_quote, safe_text


def set_value(cell: Cell, value: object) -> Cell:
    """Put a value in a cell. Text is always written as text: openpyxl would otherwise turn
    "=…" into a formula. Text that a spreadsheet program would take for a formula when the
    cell is edited also gets Excel's quote prefix (the hidden apostrophe)."""
    if isinstance(value, str):
        cell.value = safe_text(value)
        cell.data_type = "s"
        if needs_quote(value):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell
