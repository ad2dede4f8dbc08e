"""Values from validated figures: the derived indicators of all 98 municipalities at once
(Polars), the prepared edition, and the values one sheet prints.
"""
