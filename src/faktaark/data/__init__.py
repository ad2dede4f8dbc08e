"""The input stage: reading figure files (CSV, TSV, XLSX, Parquet, JSON) and DataFrames into
tables, validating them (Pydantic), assembling a `Dataset`, editions and their differences, the
Statbank importer and the example-data generator.
"""
