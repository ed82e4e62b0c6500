"""The root-cause report: what keeps breaking, for each department and for management.

`rootcause_report` sums the items opened in a period by root cause (Pareto order: count, money
at stake, money tied up, days outstanding, collector hours), optionally within customer, lane,
shipper, origin, charge code or month, with the monthly trend and, for causes fixed at account
level in the period, whether their pros stopped coming (services/reporting/rootcause_queries.py has the
SQL, domain/rootcause.py the arithmetic). Department staff see their departments' causes only;
everyone else may see any department's report or the whole (management's).

`monthly_pack` writes each department lead's report of one month (xlsx and PDF) and the
management report into a folder: what the daily run produces once a month.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from arbench.domain.catalogue import ROOT_CAUSES, Role
from arbench.domain.rootcause import (
    DIMENSIONS,
    Totals,
    cause_department,
    causes_of,
    months,
    pareto,
    signal_causes,
    trend,
    verdict,
    windows,
)
from arbench.domain.rootcause_report import CauseLine, GroupLine, RecurrenceLine, RootCauseReport
from arbench.services.base import Actor, InvalidInput, PermissionDenied
from arbench.services.organization.departments import departments_of, known, list_departments
from arbench.services.permissions import EVERYONE, SUPERVISORS, service
from arbench.services.reporting import rootcause_queries as q
from arbench.store.db import Database

MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class RootCauseQuery:
    start: date
    end: date
    department: str | None = None  # None: every department (department staff: their own)
    by: str | None = None  # one of domain.rootcause.DIMENSIONS


@dataclass(frozen=True)
class PackFile:
    department: str | None  # None: the management report
    lead: str | None
    path: Path


def default_query(
    end: date | None = None, start: date | None = None, department: str | None = None,
    by: str | None = None,
) -> RootCauseQuery:  # fmt: skip
    """The last three months to `end` (today) unless dates are given; checked."""
    end = end or date.today()
    start = start or end - timedelta(days=91)
    if start > end:
        raise InvalidInput(f"--from {start} is after --to {end}")
    if (end - start).days > MAX_DAYS:
        raise InvalidInput(f"the period {start} to {end} is longer than three years")
    if by is not None and by not in DIMENSIONS:
        raise InvalidInput(f"--by must be one of {', '.join(DIMENSIONS)}, not '{by}'")
    return RootCauseQuery(start, end, known(department) if department else None, by)


def _scope(session: Session, actor: Actor | None, department: str | None) -> tuple[str, ...] | None:
    """The departments whose causes the report covers (None: all)."""
    if actor is None or actor.role != Role.DEPARTMENT:
        return (department,) if department else None
    mine = departments_of(session, actor.id)
    if department and department not in mine:
        raise PermissionDenied(f"{actor.login} cannot see {department}'s root causes: "
                               f"{actor.login} is in {', '.join(mine) or 'no department'}")  # fmt: skip
    return (department,) if department else mine


@service(EVERYONE, "see the root-cause report", writes=False,
         note="department staff: their own departments' causes")  # fmt: skip
def rootcause_report(
    db: Database, query: RootCauseQuery, actor: Actor | None = None
) -> RootCauseReport:
    """Root causes of the items opened in the period, biggest first, with groups, trend and
    the recurrence after causes fixed at account level."""
    with db.session() as s:
        scope = _scope(s, actor, query.department)
        causes = None if scope is None else tuple(c for d in scope for c in causes_of(d))
        per_cause = {
            cause: totals for cause, _, totals in q.cause_sums(s, query.start, query.end, causes)
        }
        groups = (
            [GroupLine(c, str(g), t) for c, g, t in q.cause_sums(s, query.start, query.end, causes, query.by)]
            if query.by else []
        )  # fmt: skip
        points = q.trend_counts(s, query.start, query.end, causes)
        recurrence = _recurrence(s, query, scope)
    lines = tuple(
        _line(row.cause, row.totals, row.share, row.cumulative) for row in pareto(per_cause)
    )
    order = {line.code: i for i, line in enumerate(lines)}
    groups.sort(key=lambda g: (order.get(g.code, 0), -g.totals.count, g.group))
    series = trend(points, query.start, query.end)
    return RootCauseReport(
        query.start, query.end, ", ".join(scope) if scope else None, query.by, lines,
        tuple(groups), tuple(months(query.start, query.end)),
        {code: series[code] for code in order if code in series}, tuple(recurrence),
    )  # fmt: skip


def _line(code: str, totals: Totals, share: Decimal, cumulative: Decimal) -> CauseLine:
    cause = ROOT_CAUSES.get(code)
    return CauseLine(code, cause.name if cause else code, cause_department(code),
                     cause.level.value if cause else "", totals, share, cumulative)  # fmt: skip


def _recurrence(
    session: Session, query: RootCauseQuery, scope: tuple[str, ...] | None
) -> list[RecurrenceLine]:
    out = []
    for issue_id, issue_type, cause, account_id, number, name, fixed_on in q.fixed_account_causes(
        session, query.start, query.end
    ):
        owner = cause_department(cause) if cause else None
        signals = signal_causes(issue_type)
        if not signals or (scope is not None and owner not in scope):
            continue
        before, after = q.symptoms_around(
            session, account_id, signals, windows(fixed_on, query.end)
        )
        out.append(RecurrenceLine(issue_id, number, name, cause, fixed_on, signals, before, after,
                                  verdict(before, after)))  # fmt: skip
    return out


def month_bounds(month: str) -> tuple[date, date]:
    """'2026-10' -> (2026-10-01, 2026-10-31)."""
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise InvalidInput(f"--month must be a month as YYYY-MM, not '{month}'") from None
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following - timedelta(days=1)


def previous_month(on: date) -> str:
    last = on.replace(day=1) - timedelta(days=1)
    return f"{last.year:04d}-{last.month:02d}"


@service(SUPERVISORS | frozenset({Role.COLLECTOR}), "produce the monthly root-cause pack",
         writes=False, note="a named job user or a supervisor; writes files only")  # fmt: skip
def monthly_pack(db: Database, actor: Actor, month: str, folder: str | Path) -> list[PackFile]:
    """Each department's report of `month` (for its lead) and the management report, as
    xlsx and PDF in `folder`; the same month written again replaces the same files."""
    files: list[PackFile] = []
    leads: dict[str | None, str | None] = defaultdict(lambda: None)
    for info in list_departments(db):
        leads[info.name] = info.lead
    for department in [None, *[d.name for d in list_departments(db)]]:
        report = pack_report(db, month, department)
        files += [PackFile(department, leads[department], path)
                  for path in write_pack_files(report, month, Path(folder))]  # fmt: skip
    return files


def pack_report(db: Database, month: str, department: str | None) -> RootCauseReport:
    """One department's (None: management's) report of a month, by customer: the pack's."""
    start, end = month_bounds(month)
    return rootcause_report(db, RootCauseQuery(start, end, department, "customer"))


def write_pack_files(report: RootCauseReport, month: str, folder: Path) -> list[Path]:
    """The report as `rootcauses-DEPARTMENT-MONTH.xlsx` and `.pdf` in `folder`."""
    from arbench.io.rootcause_export import write_rootcause_workbook
    from arbench.io.rootcause_pdf import write_rootcause_pdf

    stem = f"rootcauses-{report.department or 'management'}-{month}"
    return [write(report, folder / f"{stem}{suffix}")
            for suffix, write in ((".xlsx", write_rootcause_workbook), (".pdf", write_rootcause_pdf))]  # fmt: skip
