"""The KPI and aging SQL gives the same numbers on PostgreSQL as on SQLite (issue #9).

The money passes group by dates, steer SQLite's join order with `+ 0` and bucket with date
comparisons; PostgreSQL must read them the same way. The same demo book (seed 11, 600 pros)
is built in both and every figure compared.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.conftest import AS_OF

from arbench.domain.kpis import Period
from arbench.services.admin.demo import create_demo
from arbench.services.reporting import kpis, reports
from arbench.store.db import Database, open_database


def test_kpis_and_aging_agree_between_postgresql_and_sqlite(
    pg_demo_db: Database, tmp_path: Path
) -> None:
    lite = open_database(str(tmp_path / "same.sqlite3"), create=True)
    create_demo(lite, accounts=60, pros=600, seed=11, as_of=AS_OF)
    year = Period(AS_OF - timedelta(days=365), AS_OF)
    try:
        for login in (None, "agarcia"):
            pg = kpis.kpi_report(pg_demo_db, year, login).to_json_dict()
            assert pg == kpis.kpi_report(lite, year, login).to_json_dict()
            assert sum(pg["aging"].values()) > 0
        quarter = Period(AS_OF - timedelta(days=90), AS_OF)
        assert kpis.kpi_trend(pg_demo_db, quarter) == kpis.kpi_trend(lite, quarter)
        assert kpis.aging_by_collector(pg_demo_db, AS_OF) == kpis.aging_by_collector(lite, AS_OF)
        for login in (None, "agarcia"):
            assert reports.aging_by_account(pg_demo_db, AS_OF, login) == reports.aging_by_account(
                lite, AS_OF, login
            )
    finally:
        lite.dispose()
