"""Layouts as data: the layout model, loading and validating a layout folder, and the
static checks with file and line.
"""
