"""CLI commands for review and scripting: indicators, preview, contact sheet, compare."""

from __future__ import annotations
