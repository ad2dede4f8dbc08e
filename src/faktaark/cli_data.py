"""CLI commands about data: import (Statbank), editions (diff). Registered on `cli.app`."""

from __future__ import annotations
