"""The self-contained HTML report (``aiinfra report``)."""

from __future__ import annotations

from aiinfra.report._build import ReportResult, render_report, write_report

__all__ = ["ReportResult", "render_report", "write_report"]
