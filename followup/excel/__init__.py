"""Excel in and out of the follow-up: a board's report as a template to fill in and upload,
and a programme year's reports as one workbook for analysis.

`layout` holds what export and import share (the sheets' columns and the safe cell), so the
file a board downloads and the file the import reads cannot drift apart.
"""
