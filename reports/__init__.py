"""The compliance report rendered for people: an HTML page, an XLSX workbook, CSV files, and the inspection evidence pack."""
