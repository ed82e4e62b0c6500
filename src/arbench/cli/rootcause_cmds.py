"""Sub-commands for the root-cause report.

arbench rootcauses [--from DATE] [--to DATE] [--department NAME]
                   [--by customer|lane|shipper|origin|charge|month]
                   [--format table|json] [--xlsx FILE] [--pdf FILE]
arbench --as LOGIN rootcauses pack [--month YYYY-MM] --out DIR   (monthly, each lead's)
"""

from __future__ import annotations

import argparse
from datetime import date

from arbench.cli.common import acting_user, open_db, parse_date, viewer
from arbench.cli.output import print_json, print_rows
from arbench.domain.rootcause import DIMENSIONS
from arbench.output_files import check_output_dir, check_output_file
from arbench.services.reporting import rootcauses as service

CAUSE_COLUMNS = (
    "root_cause", "department", "count", "share", "cumulative_share", "amount", "open_amount",
    "average_days", "hours",
)  # fmt: skip
GROUP_COLUMNS = ("root_cause", "group", "count", "amount", "open_amount", "average_days", "hours")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("rootcauses", help="root causes by count, money, days and hours (Pareto)")
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="default: 3 months back")
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="default: today")
    p.add_argument("--department", metavar="NAME", help="one department's causes")
    p.add_argument("--by", choices=DIMENSIONS, help="also within customer, lane, shipper ...")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--xlsx", metavar="FILE", help="also write the report as a workbook")
    p.add_argument("--pdf", metavar="FILE", help="also write the report as a PDF")
    p.set_defaults(func=cmd_rootcauses)
    actions = p.add_subparsers(dest="rootcauses_command", metavar="ACTION")
    pack = actions.add_parser("pack", help="each department lead's monthly report (xlsx, PDF)")
    pack.add_argument("--month", metavar="YYYY-MM", help="default: last month")
    pack.add_argument("--out", required=True, metavar="DIR", help="the folder to write into")
    pack.set_defaults(func=cmd_pack)


def cmd_rootcauses(args: argparse.Namespace) -> int:
    end, start = parse_date(args.end, "--to"), parse_date(args.start, "--from")
    for option, path in (("--xlsx", args.xlsx), ("--pdf", args.pdf)):
        if path:
            check_output_file(path, option)
    query = service.default_query(end, start, args.department, args.by)
    db = open_db(args)
    report = service.rootcause_report(db, query, viewer(args, db))
    if args.xlsx:
        from arbench.io.rootcause_export import write_rootcause_workbook

        write_rootcause_workbook(report, args.xlsx)
    if args.pdf:
        from arbench.io.rootcause_pdf import write_rootcause_pdf

        write_rootcause_pdf(report, args.pdf)
    data = report.to_json()
    if args.format == "json":
        print_json(data)
        return 0
    t = data["totals"]
    print(f"Root causes of items opened {query.start} to {query.end} "
          f"({report.department or 'all departments'}): {t['count']} items, money at stake "
          f"{t['amount']}, tied up {t['open_amount']}, {t['hours']} collector hours")  # fmt: skip
    print_rows(data["causes"], CAUSE_COLUMNS, "table")
    if report.by:
        print(f"\nBy {report.by}:")
        print_rows(data["groups"], GROUP_COLUMNS, "table")
    for r in data["recurrence"]:
        print(f"fixed {r['fixed_on']} on {r['account_number']} ({r['root_cause']}): "
              f"{r['before']} pros before, {r['after']} after — {r['verdict']}")  # fmt: skip
    return 0


def cmd_pack(args: argparse.Namespace) -> int:
    folder = check_output_dir(args.out, "--out")
    db = open_db(args)
    actor = acting_user(args, db, "rootcauses pack")
    month = args.month or service.previous_month(date.today())
    service.month_bounds(month)
    folder.mkdir(exist_ok=True)
    files = service.monthly_pack(db, actor, month, folder)
    for f in files:
        print(
            f"{f.path}  ({f.department or 'management'}" + (f", for {f.lead})" if f.lead else ")")
        )
    print(f"{len(files)} file(s) written for {month}")
    return 0
