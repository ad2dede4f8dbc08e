"""Planning a sheet: every layout decision (what goes in which box, fitted sizes, line
breaks, tables, charts, the map) made as plain data, a `SheetPlan`; the fit check over all 98.
"""
