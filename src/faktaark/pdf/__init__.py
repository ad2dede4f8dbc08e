"""Painting a plan into PDF bytes (ReportLab), print geometry, PDF/A and PDF/UA finishing,
document metadata, the byte-level structural scan, validators, inspection and combining PDFs.
"""
