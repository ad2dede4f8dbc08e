"""Text as the planner measures it: the bundled fonts and their metrics, Danish line
breaking with hyphenation, and the placeholder templates of a layout's texts.
"""
