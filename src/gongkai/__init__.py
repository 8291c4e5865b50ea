"""gongkai: parse and audit 政府信息公开工作年度报告 (government information-disclosure annual reports)."""

from gongkai.report import ParseIssue, Report
from gongkai.rules import audit, audit_all

__all__ = ["ParseIssue", "Report", "audit", "audit_all", "read_report"]


def read_report(path, report_id: str | None = None, previous: Report | None = None) -> Report:
    """Parse one report file (text, HTML, …) into a :class:`Report`.

    ``previous``: the same issuer's report of the year before, if at hand (evidence for run-together cells).
    """
    from gongkai.parse.report import read_report as _read

    return _read(path, report_id=report_id, previous=previous)
