"""Reviewing what was built: page previews as PNG, the contact sheet of a batch, and
comparing two batches page by page.
"""
