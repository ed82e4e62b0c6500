"""The demo book: a deterministic, realistic freight AR book for training, demos and benchmarks.

Rows are generated account by account and written in batches (streamed), so a 1,000,000-pro
book fits in memory as easily as a 40,000-pro one. Same seed and as-of date, same book.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, insert, select, text, update

from arbench.domain.catalogue import ISSUE_TYPES, RESOLUTION_CODES, Department, Level
from arbench.services.admin import demo_names as N
from arbench.services.admin.demo_promises import PromiseStories
from arbench.services.base import SYSTEM, Actor, InvalidInput
from arbench.services.permissions import setup
from arbench.store.db import Database, sync_sequences
from arbench.store.models import (
    Account,
    Activity,
    Assignment,
    AuditEvent,
    ChargeLine,
    Contact,
    DepartmentRequest,
    Issue,
    Payment,
    Pro,
    Promise,
    User,
)  # fmt: skip
from arbench.store.models_departments import DepartmentRow, UserDepartment

BATCH = 5000
CENT = Decimal("0.01")
_PROS, _CHARGES, _PAYMENTS = Pro.__table__, ChargeLine.__table__, Payment.__table__
_ISSUES, _PROMISES, _REQUESTS = Issue.__table__, Promise.__table__, DepartmentRequest.__table__
_ACTIVITIES, _ASSIGN = Activity.__table__, Assignment.__table__


@dataclass(frozen=True)
class DemoSummary:
    users: int
    accounts: int
    pros: int
    open_issues: int
    account_issues: int
    seed: int
    as_of: date


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT)


class _Writer:
    """Buffers rows per table and inserts them in batches inside one transaction."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.buffers: dict[Any, list[dict[str, Any]]] = {}
        self.order: list[Any] = []
        self.counts: dict[str, int] = {}

    def add(self, table: Any, row: dict[str, Any]) -> None:
        if table not in self.buffers:
            self.buffers[table] = []
            self.order.append(table)
        buf = self.buffers[table]
        buf.append(row)
        self.counts[table.name] = self.counts.get(table.name, 0) + 1
        if len(buf) >= BATCH:
            self.flush()

    def flush(self) -> None:
        for table in self.order:  # parents were first seen first: foreign keys hold
            rows = self.buffers[table]
            if rows:
                self.conn.execute(insert(table), rows)
                rows.clear()


class _Ids:
    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def __call__(self, name: str) -> int:
        self.next[name] = self.next.get(name, 0) + 1
        return self.next[name]


def _weighted(rng: random.Random, pairs: tuple[tuple[Any, ...], ...], weight_index: int = 1) -> Any:
    total = sum(p[weight_index] for p in pairs)
    pick = rng.uniform(0, total)
    for pair in pairs:
        pick -= pair[weight_index]
        if pick <= 0:
            return pair
    return pairs[-1]


@setup("build the demo book")
def create_demo(
    db: Database,
    *,
    accounts: int = 2000,
    pros: int = 40000,
    seed: int = 7,
    as_of: date | None = None,
    collectors: int = 10,
    actor: Actor = SYSTEM,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Fill an empty arbench database with the demo book; refuses a database that has data."""
    if collectors < 1:
        raise InvalidInput("the demo needs at least 1 collector")
    if accounts < 1 or pros < accounts:
        raise InvalidInput(
            "the demo needs at least 1 account and at least as many pros as accounts"
        )
    as_of = as_of or date.today()
    with db.engine.begin() as conn:
        existing = conn.scalar(select(func.count()).select_from(Pro.__table__))
        existing_users = conn.scalar(select(func.count()).select_from(User.__table__))
        if existing or existing_users:
            raise InvalidInput(
                "this database already holds a book; use an empty one (--db NEW_FILE) or --replace"
            )
        gen = _Generator(conn, random.Random(seed), as_of, progress, collectors, seed)
        summary = gen.run(accounts, pros, seed)
        audit_row = {
            "at": datetime.combine(as_of, datetime.min.time()), "user_login": actor.login,
            "action": "demo.create", "entity": "book", "entity_id": None, "before": None,
            "after": {"accounts": accounts, "pros": pros, "seed": seed, "as_of": as_of.isoformat()},
        }  # fmt: skip
        conn.execute(insert(AuditEvent), [audit_row])  # the demo writes in bulk, audited once
        sync_sequences(conn)  # explicit ids: PostgreSQL's sequences must move past them
        conn.execute(text("ANALYZE"))  # planner statistics: the worklist queries pick indexes
    return summary


class _Generator:
    def __init__(
        self,
        conn: Connection,
        rng: random.Random,
        as_of: date,
        progress: Callable[[int, int], None] | None,
        collectors: int = 10,
        seed: int = 7,
    ):
        self.n_collectors = collectors
        self.w = _Writer(conn)
        self.rng = rng
        self.as_of = as_of
        self.ids = _Ids()
        self.progress = progress
        self.now = datetime.combine(as_of, datetime.min.time()).replace(hour=8)
        self.open_issues = 0
        self.account_issues = 0
        self.paid_on: date | None = None  # the last payment day of the pro being written
        self.stories = PromiseStories(seed, as_of)
        self.leads: dict[str, int] = {}  # department -> its lead's user id

    # ----- team and accounts -------------------------------------------------------------
    def run(self, n_accounts: int, n_pros: int, seed: int) -> DemoSummary:
        self._departments()
        users = self._users()
        collectors = [u for u, role in users if role == "collector"]
        trainees = [u for u, role in users if role == "trainee"]
        sizes = self._pro_counts(n_accounts, n_pros)
        made = 0
        for index, size in enumerate(sizes):
            owner = (
                trainees[(index // 40) % len(trainees)]  # every trainee gets a small book
                if index % 40 == 5
                else collectors[index % len(collectors)]
            )
            self._account(index, owner, size)
            made += size
            if self.progress and index % 50 == 0:
                self.progress(made, n_pros)
        self.w.flush()
        self._leads()
        if self.progress:
            self.progress(n_pros, n_pros)
        return DemoSummary(
            len(users), n_accounts, n_pros, self.open_issues, self.account_issues, seed, self.as_of
        )

    def _team(self) -> list[tuple[str, str, str]]:
        """The demo team: the named collectors, trimmed or extended to the number asked for."""
        named = [m for m in N.TEAM if m[2] == "collector"]
        others = [m for m in N.TEAM if m[2] != "collector"]
        extra = [
            (
                f"collector{i:03d}",
                f"{N.CONTACT_FIRST[i % 12]} {N.CONTACT_LAST[(i * 5) % 12]}",
                "collector",
            )
            for i in range(len(named) + 1, self.n_collectors + 1)
        ]
        return (named + extra)[: self.n_collectors] + others

    def _users(self) -> list[tuple[int, str]]:
        out = []
        for login, name, role in self._team():
            uid = self.ids("user")
            self.w.add(User.__table__, {
                "id": uid, "login": login, "display_name": name, "role": role, "active": True,
                "email": f"{login}@demofreight.example", "phone": f"555-01{uid:02d}",
                "created_at": self.now - timedelta(days=400), "version": 1,
            })  # fmt: skip
            out.append((uid, role))
            for department in N.DEPARTMENT_STAFF.get(login, ()):
                self.w.add(UserDepartment.__table__, {
                    "id": self.ids("membership"), "user_id": uid, "department": department,
                })  # fmt: skip
                if N.DEPARTMENT_LEADS.get(department) == login:
                    self.leads[department] = uid
        return out

    def _departments(self) -> None:
        """The departments' rows (the schema made them; a book made otherwise gets them)."""
        have = set(self.w.conn.scalars(select(DepartmentRow.name)))
        missing = [{"name": d.value, "sla_days": 5} for d in Department if d.value not in have]
        if missing:
            self.w.conn.execute(insert(DepartmentRow), missing)

    def _leads(self) -> None:
        """Each department's lead, once the users are written."""
        for department, uid in self.leads.items():
            self.w.conn.execute(
                update(DepartmentRow).where(DepartmentRow.name == department).values(lead_id=uid)
            )

    def _pro_counts(self, n_accounts: int, n_pros: int) -> list[int]:
        weights = [self.rng.paretovariate(1.3) for _ in range(n_accounts)]
        total = sum(weights)
        sizes = [1 + int((n_pros - n_accounts) * w / total) for w in weights]
        for i in range(n_pros - sum(sizes)):
            sizes[i % n_accounts] += 1
        return sizes

    def _account(self, index: int, owner: int, n_pros: int) -> None:
        rng = self.rng
        aid = self.ids("account")
        city, state, region = rng.choice(N.CITIES)
        name = f"{rng.choice(N.NAME_FIRST)} {rng.choice(N.NAME_SECOND)} {rng.choice(N.NAME_SUFFIX)}"
        risk = int(min(100, rng.expovariate(1 / 18)))
        portal = rng.choice(N.PORTALS) if rng.random() < 0.2 else None
        expiry = self.as_of + timedelta(days=rng.randint(-60, 420))
        terms = rng.choice((30, 30, 30, 45, 15, 60))
        self.w.add(Account.__table__, {
            "id": aid, "number": f"C{100000 + index * 7:06d}", "name": name,
            "address": f"{rng.randint(100, 9999)} {rng.choice(N.STREETS)}", "city": city,
            "state": state, "postal_code": f"{rng.randint(10000, 99999)}", "region": region,
            "payment_terms_days": terms, "credit_limit": Decimal(rng.choice((5000, 10000, 25000, 50000, 100000))),
            "risk_score": risk, "credit_hold": risk > 85, "portal_name": portal,
            "po_required": rng.random() < 0.25, "pod_required": rng.random() < 0.3,
            "edi_210": rng.random() < 0.15, "pricing_agreement_ref": f"PA-{20000 + index}",
            "pricing_agreement_expiry": expiry, "collector_id": owner, "version": 1,
        })  # fmt: skip
        self.w.add(_ASSIGN, {
            "id": self.ids("assignment"), "account_id": aid, "from_user_id": None, "to_user_id": owner,
            "at": self.now - timedelta(days=365), "by_user_id": None, "reason": "assign", "coverage_id": None,
        })  # fmt: skip
        for c in range(rng.randint(1, 3)):
            first, last = rng.choice(N.CONTACT_FIRST), rng.choice(N.CONTACT_LAST)
            self.w.add(Contact.__table__, {
                "id": self.ids("contact"), "account_id": aid, "name": f"{first} {last}",
                "email": f"{first.lower()}.{last.lower()}@customer{aid}.example",
                "phone": f"({rng.randint(201, 989)}) 555-{rng.randint(1000, 9999)}",
                "role": N.CONTACT_ROLES[c % len(N.CONTACT_ROLES)],
                "preferred_channel": rng.choice(("email", "email", "phone", "portal" if portal else "email")),
            })  # fmt: skip
        pattern = N.PATTERNS[index % len(N.PATTERNS)] if index % 33 == 3 else None
        parent = self._pattern_parent(aid, owner, pattern, index) if pattern else None
        for _ in range(n_pros):
            self._pro(aid, owner, name, city, state, terms, pattern, parent)
        if pattern is None and rng.random() < 0.05:
            self._standalone_account_issue(aid, owner)

    def _pattern_parent(
        self, aid: int, owner: int, pattern: tuple[Any, ...], index: int
    ) -> int | None:
        """Half the pattern accounts already have their account-level issue (promoted)."""
        if index % 66 != 3:
            return None
        issue_type, cause, _ = pattern
        return self._issue(
            aid,
            None,
            owner,
            Level.ACCOUNT,
            issue_type,
            cause,
            self.as_of - timedelta(days=12),
            promoted=True,
        )

    def _standalone_account_issue(self, aid: int, owner: int) -> None:
        issue_type = _weighted(self.rng, N.ACCOUNT_ISSUE_MIX)[0]
        amount = (
            _money(Decimal(self.rng.randint(20000, 900000)) / 100)
            if issue_type == "unapplied_cash"
            else None
        )
        opened = self.as_of - timedelta(days=self.rng.randint(0, 45))
        iid = self._issue(
            aid,
            None,
            owner,
            Level.ACCOUNT,
            issue_type,
            ISSUE_TYPES[issue_type].default_root_cause,
            opened,
            amount=amount,
        )
        if amount is not None:
            self.w.add(_PAYMENTS, {
                "id": self.ids("payment"), "account_id": aid, "pro_id": None, "kind": "unapplied",
                "amount": amount, "received_on": opened, "reference": f"ACH{self.rng.randint(100000, 999999)}",
                "reason_code": None, "method": "ACH", "batch_id": None, "created_at": self.now,
            })  # fmt: skip
        self._activities(aid, iid, opened, 1)

    # ----- pros ----------------------------------------------------------------------------
    def _pro(self, aid: int, owner: int, customer: str, city: str, state: str, terms_days: int,
             pattern: tuple[Any, ...] | None, parent: int | None) -> None:  # fmt: skip
        rng = self.rng
        pid = self.ids("pro")
        age = self._age()
        invoice_date = self.as_of - timedelta(days=age)
        ship = invoice_date - timedelta(days=rng.randint(1, 3))
        klass, _, rate = _weighted(rng, N.CLASS_RATES)
        weight = Decimal(rng.randint(150, 12000))
        issue_type, cause = self._issue_type(pattern)
        billed_class, bol_class, bol_weight = klass, klass, weight
        if issue_type == "reweigh_reclass":
            bol_weight = (weight * Decimal("0.8")).quantize(Decimal(1))
        charges, requested = self._charges(weight, rate, issue_type)
        amount = sum((c[3] for c in charges), Decimal(0))
        other_city, other_state, _ = rng.choice(N.CITIES)
        terms = rng.choices(("prepaid", "collect", "third_party"), (70, 20, 10))[0]
        party = (
            f"{rng.choice(N.NAME_FIRST)} {rng.choice(N.NAME_SECOND)} {rng.choice(N.NAME_SUFFIX)}"
        )
        shipper, consignee = (customer, party) if terms != "collect" else (party, customer)
        status = "open" if rng.random() < 0.72 else "closed"
        if rng.random() < 0.004:
            status = "draft"
        paid = self._paid(amount, status, issue_type)
        pro_number = f"{(pid * 7919 + 104729) % 10**9:09d}"
        self.w.add(_PROS, {
            "id": pid, "pro": pro_number + str(int(pro_number) % 7), "account_id": aid,
            "bol": f"{(pid * 6007 + 1234567) % 10**8:08d}", "invoice_number": f"I{pid + 500000:07d}",
            "invoice_date": invoice_date, "due_date": invoice_date + timedelta(days=terms_days),
            "shipper": shipper, "consignee": consignee, "origin": f"{city}, {state}" if terms != "collect" else f"{other_city}, {other_state}",
            "destination": f"{other_city}, {other_state}" if terms != "collect" else f"{city}, {state}",
            "ship_date": ship, "delivery_date": ship + timedelta(days=rng.randint(1, 5)),
            "pieces": rng.randint(1, 24), "weight": weight, "freight_class": billed_class,
            "bol_weight": bol_weight, "bol_freight_class": bol_class, "bol_accessorials": ",".join(requested) or None,
            "terms": terms, "bill_to": customer, "pod_on_file": issue_type != "pod_requested" and rng.random() < 0.9,
            "amount": amount, "open_balance": amount - paid if status == "open" else (amount if status == "draft" else Decimal(0)),
            "status": status, "billing_status": "draft" if status == "draft" else "billed",
            "closed_on": self.as_of - timedelta(days=rng.randint(0, max(0, age - 1))) if status == "closed" else None,
            "source": "demo", "version": 1,
        })  # fmt: skip
        for seq, (kind, code, desc, value) in enumerate(charges, 1):
            self.w.add(
                _CHARGES,
                {
                    "id": self.ids("charge"),
                    "pro_id": pid,
                    "seq": seq,
                    "kind": kind,
                    "code": code,
                    "description": desc,
                    "amount": value,
                },
            )
        story = None
        if paid and status == "closed" and not ISSUE_TYPES[issue_type].dispute:
            story = self.stories.pick()
        parts, story = (
            self._payment(aid, pid, paid, invoice_date, amount, status, story)
            if paid
            else ([], None)
        )
        self.paid_on = parts[-1][0] if parts else None
        if story:
            self.stories.write(self, story, aid, pid, owner, amount, invoice_date, parts)
        if status == "open" and amount - paid > 0:
            self._open_pro_issue(
                aid, pid, owner, issue_type, cause, invoice_date, terms_days, amount - paid, parent
            )
        elif status == "closed" and ISSUE_TYPES[issue_type].dispute and rng.random() < 0.5:
            self._resolved_issue(aid, pid, owner, issue_type, cause, invoice_date)

    def _age(self) -> int:
        band = self.rng.choices(
            ((0, 30), (31, 60), (61, 90), (91, 150), (151, 200)), (40, 25, 15, 12, 8)
        )[0]
        return self.rng.randint(*band)

    def _issue_type(self, pattern: tuple[Any, ...] | None) -> tuple[str, str | None]:
        if pattern and self.rng.random() < 0.6:
            symptom: tuple[str, str] = self.rng.choice(pattern[2])
            return symptom
        issue_type = _weighted(self.rng, N.PRO_ISSUE_MIX)[0]
        info = ISSUE_TYPES[issue_type]
        cause = info.default_root_cause if info.dispute and self.rng.random() < 0.65 else None
        return issue_type, cause

    def _charges(
        self, weight: Decimal, rate: Decimal, issue_type: str
    ) -> tuple[list[tuple[str, str | None, str, Decimal]], list[str]]:
        rng = self.rng
        discount = Decimal(rng.choice((55, 60, 65, 70, 72))) / 100
        linehaul = max(Decimal("95.00"), _money(weight / 100 * rate * (1 - discount)))
        fuel = _money(linehaul * Decimal(rng.choice(("0.245", "0.262", "0.281"))))
        lines: list[tuple[str, str | None, str, Decimal]] = [
            ("linehaul", "400", "Linehaul", linehaul),
            ("fuel", "405", "Fuel surcharge", fuel),
        ]
        picked = rng.sample(N.ACCESSORIALS, k=rng.choices((0, 1, 2), (55, 35, 10))[0])
        requested = [code for code, _, _ in picked]
        if issue_type == "accessorial_dispute" and picked:
            requested = requested[1:]
        elif issue_type == "accessorial_dispute":
            code, desc, value = rng.choice(N.ACCESSORIALS)
            picked, requested = [(code, desc, value)], []
        lines += [("accessorial", code, desc, value) for code, desc, value in picked]
        return lines, requested

    def _paid(self, amount: Decimal, status: str, issue_type: str) -> Decimal:
        if status == "closed":
            return amount
        short_pay_types = (
            "short_pay",
            "accessorial_dispute",
            "claim_deducted",
            "unearned_discount",
            "reweigh_reclass",
        )
        if status == "open" and issue_type in short_pay_types and self.rng.random() < 0.7:
            return _money(
                amount * Decimal(self.rng.choice(("0.70", "0.80", "0.85", "0.92", "0.98")))
            )
        return Decimal(0)

    def _payment(
        self, aid: int, pid: int, paid: Decimal, invoice_date: date, amount: Decimal, status: str,
        story: str | None,
    ) -> tuple[list[tuple[date, Decimal]], str | None]:  # fmt: skip
        """The pro's payment rows (two when a promise was partly kept): (day, amount) each,
        and the promise story the dates allow."""
        received = min(self.as_of, invoice_date + timedelta(days=self.rng.randint(10, 60)))
        short = paid < amount and status == "open"
        row = {
            "account_id": aid, "pro_id": pid, "kind": "payment",
            "reference": f"CHK{self.rng.randint(100000, 999999)}",
            "reason_code": self.rng.choice(("22", "23", "46", "54", "24")) if short else None,
            "method": self.rng.choice(("ACH", "CHK")), "batch_id": None, "created_at": self.now,
        }  # fmt: skip
        story = self.stories.fit(story, invoice_date, received)
        parts = self.stories.payments(story, paid, received)
        for day, value in parts:
            self.w.add(_PAYMENTS, {"id": self.ids("payment"), **row, "amount": value,
                                   "received_on": day})  # fmt: skip
        return parts, story

    # ----- issues and their history ----------------------------------------------------------
    def _issue(self, aid: int, pid: int | None, owner: int, level: str, issue_type: str, cause: str | None,
               opened: date, *, amount: Decimal | None = None, promoted: bool = False, parent: int | None = None,
               status: str = "open", follow_up: date | None = None, **extra: Any) -> int:  # fmt: skip
        iid = self.ids("issue")
        row = {
            "id": iid, "level": str(level), "type": issue_type, "root_cause": cause, "status": status,
            "account_id": aid, "pro_id": pid, "owner_id": owner, "follow_up": follow_up, "amount": amount,
            "reason_code": None, "parent_id": parent, "opened_on": opened, "resolved_on": None,
            "reopened_on": None, "reopen_count": 0, "recurrence": False, "resolution_code": None,
            "root_cause_fixed": None, "promoted": promoted, "script_version": None, "source": "demo",
            "created_at": datetime.combine(opened, datetime.min.time()), "updated_at": self.now, "version": 1,
        }  # fmt: skip
        row.update(extra)
        self.w.add(_ISSUES, row)
        if status != "resolved":
            self.open_issues += 1
            if level == Level.ACCOUNT:
                self.account_issues += 1
        return iid

    def _open_pro_issue(self, aid: int, pid: int, owner: int, issue_type: str, cause: str | None,
                        invoice_date: date, terms_days: int, balance: Decimal, parent: int | None) -> None:  # fmt: skip
        rng = self.rng
        due = invoice_date + timedelta(days=terms_days)
        dispute = ISSUE_TYPES[issue_type].dispute
        earliest = invoice_date + timedelta(days=10) if dispute else due + timedelta(days=1)
        opened = min(self.as_of, earliest + timedelta(days=rng.randint(0, 20)))
        if opened > self.as_of or due >= self.as_of and not dispute:
            opened = invoice_date
        follow_up = (
            self.as_of + timedelta(days=rng.randint(-6, 12)) if rng.random() < 0.35 else None
        )
        linked = parent if parent and cause and rng.random() < 0.9 else None
        short = balance if dispute else None
        department = ISSUE_TYPES[issue_type].department
        request = department.value if dispute and department and rng.random() < 0.08 else None
        answered = request is not None and rng.random() < 0.3
        status = "waiting" if request and not answered else "open"
        iid = self._issue(aid, pid, owner, Level.PRO, issue_type, cause, opened, amount=short,
                          parent=linked, follow_up=follow_up, status=status)  # fmt: skip
        if opened < self.as_of:
            self._activities(aid, iid, opened, rng.randint(1, 3))
        if rng.random() < 0.12:
            self._promise(aid, iid, balance, opened)
        if request:
            self._request(iid, request, opened, answered, owner)

    def _resolved_issue(
        self, aid: int, pid: int, owner: int, issue_type: str, cause: str | None, invoice_date: date
    ) -> None:
        rng = self.rng
        opened = invoice_date + timedelta(days=rng.randint(10, 40))
        resolved = opened + timedelta(days=rng.randint(2, 45))
        if resolved > self.as_of:
            return
        fixed = rng.random() < 0.55
        reopens = 1 if rng.random() < 0.06 else 0
        code = rng.choice(
            [c for c in RESOLUTION_CODES if c not in ("resolved_with_account", "written_off")]
        )
        self._issue(aid, pid, owner, Level.PRO, issue_type, cause or ISSUE_TYPES[issue_type].default_root_cause,
                    opened, status="resolved", resolved_on=resolved, resolution_code=code, root_cause_fixed=fixed,
                    reopen_count=reopens, recurrence=reopens > 0 and rng.random() < 0.5,
                    reopened_on=opened + timedelta(days=1) if reopens else None)  # fmt: skip

    def _activities(self, aid: int, iid: int, opened: date, count: int) -> None:
        rng = self.rng
        span = max(1, (self.as_of - opened).days)
        for _ in range(count):
            kind = rng.choice(("call", "call", "email", "note"))
            at = datetime.combine(
                opened + timedelta(days=rng.randint(0, span)), datetime.min.time()
            ).replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59))
            self.w.add(_ACTIVITIES, {
                "id": self.ids("activity"), "account_id": aid, "issue_id": iid, "user_id": None, "at": at,
                "kind": kind, "contact": None, "outcome": rng.choice(N.CALL_OUTCOMES) if kind == "call" else None,
                "text": {"call": "Called AP", "email": "Emailed statement and copy of invoice", "note": "Checked portal status"}[kind],
            })  # fmt: skip

    def _promise(self, aid: int, iid: int, balance: Decimal, opened: date) -> None:
        """The latest promise on an unpaid pro, made in the last ten days (an older broken one
        would have been followed by a new call): broken once its day passed, else still open;
        made after the pro's last payment, so that payment does not count toward it."""
        made = max(opened, self.as_of - timedelta(days=self.rng.randint(0, 10)))
        if self.paid_on is not None and made <= self.paid_on:
            made = self.paid_on + timedelta(days=1)
        due = made + timedelta(days=self.rng.randint(3, 21))
        if made > self.as_of:  # paid today: the promise would be made tomorrow
            return
        status = "broken" if due < self.as_of - timedelta(days=1) else "open"
        self.w.add(_PROMISES, {
            "id": self.ids("promise"), "issue_id": iid, "amount": balance, "due_on": due, "made_on": made,
            "status": status, "settled_on": due + timedelta(days=1) if status == "broken" else None, "made_by_id": None,
        })  # fmt: skip
        self.w.add(_ACTIVITIES, {
            "id": self.ids("activity"), "account_id": aid, "issue_id": iid, "user_id": None,
            "at": datetime.combine(made, datetime.min.time()).replace(hour=11), "kind": "promise",
            "contact": None, "outcome": None, "text": f"Promise to pay ${balance:,.2f} by {due.isoformat()}",
        })  # fmt: skip

    def _request(self, iid: int, department: str, opened: date, answered: bool, owner: int) -> None:
        created = min(self.as_of, opened + timedelta(days=self.rng.randint(0, 5)))
        self.w.add(_REQUESTS, {
            "id": self.ids("request"), "issue_id": iid, "department": department,
            "request": f"Please review and send back what the customer needs ({department}).",
            "owner": None, "due_on": created + timedelta(days=5), "created_on": created, "created_by_id": owner,
            "status": "answered" if answered else "open", "answered_on": self.as_of if answered else None,
            "answer": "Reviewed: documents attached to the pro." if answered else None, "version": 1,
        })  # fmt: skip


__all__ = ["DemoSummary", "create_demo"]
