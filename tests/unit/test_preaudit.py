"""Invoice pre-audit rules (issue #6): each rule with a draft that passes and one that fails."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arbench.domain.preaudit import (
    RULES,
    InvoiceDraft,
    PreauditException,
    accessorial_not_requested,
    bill_to_inconsistent_with_terms,
    bol_missing,
    duplicate_bol,
    invoiced_before_onboarding,
    pod_missing_required,
    pricing_agreement_missing_or_expired,
    run_preaudit,
    weight_or_class_mismatch,
)

D = Decimal

CLEAN = InvoiceDraft(
    pro="1000101",
    account_number="ACC-1",
    invoice_date=date(2024, 3, 15),
    bol="BOL-555",
    weight=D("1200"),
    freight_class="70",
    bol_weight=D("1200"),
    bol_freight_class="70",
    terms="prepaid",
    bill_to="Acme Widgets Inc.",
    shipper="ACME WIDGETS, INC",
    consignee="Beta Stores LLC",
    accessorials=frozenset({"LFT", "400", "405"}),
    bol_accessorials=frozenset({"LFT"}),
    pod_on_file=True,
    customer_requires_pod=True,
    pricing_agreement_ref="PA-77",
    pricing_agreement_expiry=date(2024, 12, 31),
)


def only(findings: list[PreauditException]) -> PreauditException:
    assert len(findings) == 1, findings
    return findings[0]


def test_a_clean_draft_passes_every_rule() -> None:
    assert run_preaudit([CLEAN], {"BOL-999"}) == []


# ---------------------------------------------------------------------------- bol_missing


@pytest.mark.parametrize("bol", [None, "", "   "])
def test_bol_missing(bol: str | None) -> None:
    assert bol_missing(CLEAN) == []
    found = only(bol_missing(replace(CLEAN, bol=bol)))
    assert (found.pro, found.rule, found.route_to) == ("1000101", "bol_missing", "operations")
    assert "Pro 1000101 has no BOL number" in found.message


# ---------------------------------------------------------------------------- weight, class


def test_weight_within_tolerance_passes() -> None:
    # BOL 1,200 lb: tolerance is the larger of 10 lb and 1% (12 lb), so 1,212 passes.
    assert weight_or_class_mismatch(replace(CLEAN, weight=D("1212"))) == []
    assert weight_or_class_mismatch(replace(CLEAN, weight=D("1188"))) == []
    # Light shipment, BOL 500 lb: 1% is 5 lb, so the 10 lb floor applies.
    light = replace(CLEAN, weight=D("510"), bol_weight=D("500"))
    assert weight_or_class_mismatch(light) == []


def test_weight_beyond_tolerance_is_flagged_with_both_weights() -> None:
    found = only(weight_or_class_mismatch(replace(CLEAN, weight=D("1212.1"))))
    assert (found.rule, found.route_to) == ("weight_or_class_mismatch", "operations")
    assert "Pro 1000101 bills 1,212.1 lb but BOL BOL-555 shows 1,200 lb" in found.message
    assert "(difference 12.1 lb, tolerance 12 lb)" in found.message
    assert "inspection certificate" in found.message
    light = replace(CLEAN, weight=D("511"), bol_weight=D("500"))
    assert "tolerance 10 lb" in only(weight_or_class_mismatch(light)).message


def test_class_mismatch_is_flagged_and_equal_classes_pass() -> None:
    assert (
        weight_or_class_mismatch(replace(CLEAN, freight_class="77.50", bol_freight_class="77.5"))
        == []
    )
    found = only(weight_or_class_mismatch(replace(CLEAN, freight_class="85")))
    assert "bills class 85 but BOL BOL-555 shows class 70" in found.message
    assert found.route_to == "operations"


def test_weight_and_class_both_wrong_give_two_findings() -> None:
    findings = weight_or_class_mismatch(replace(CLEAN, weight=D("1500"), freight_class="85"))
    assert [("lb" in f.message, "class" in f.message) for f in findings] == [
        (True, False),
        (False, True),
    ]


def test_missing_sides_of_the_comparison() -> None:
    unbilled = only(weight_or_class_mismatch(replace(CLEAN, weight=None)))
    assert (unbilled.route_to, "no billed weight" in unbilled.message) == ("billing", True)
    no_bol_class = only(weight_or_class_mismatch(replace(CLEAN, bol_freight_class=None)))
    assert no_bol_class.route_to == "operations"
    assert "shows no freight class" in no_bol_class.message
    # Without a BOL number there is nothing to compare with: left to bol_missing.
    assert weight_or_class_mismatch(replace(CLEAN, bol=None, bol_weight=None)) == []


# ---------------------------------------------------------------------------- accessorials


def test_requested_accessorials_and_base_charges_pass() -> None:
    assert accessorial_not_requested(replace(CLEAN, accessorials=frozenset({"lft ", "FUE"}))) == []


def test_unrequested_accessorial_goes_to_billing_with_what_the_bol_asked_for() -> None:
    draft = replace(CLEAN, accessorials=frozenset({"LFT", "RES", "IDL"}))
    found = only(accessorial_not_requested(draft))
    assert (found.rule, found.route_to) == ("accessorial_not_requested", "billing")
    assert "bills IDL (inside delivery), RES (residential delivery) not requested" in found.message
    assert "(BOL requests: LFT (liftgate))" in found.message


def test_delivery_accessorial_goes_to_operations_for_evidence() -> None:
    draft = replace(CLEAN, accessorials=frozenset({"DET", "APT"}), bol_accessorials=frozenset())
    findings = accessorial_not_requested(draft)
    assert [(f.route_to, f.message.split(" bills ")[1][:18]) for f in findings] == [
        ("billing", "APT (appointment) "),
        ("operations", "DET (detention), n"),
    ]
    assert "delivery receipt" in findings[1].message


# ---------------------------------------------------------------------------- POD


def test_pod_missing_required() -> None:
    assert pod_missing_required(CLEAN) == []
    assert (
        pod_missing_required(replace(CLEAN, pod_on_file=False, customer_requires_pod=False)) == []
    )
    found = only(pod_missing_required(replace(CLEAN, pod_on_file=False)))
    assert (found.rule, found.route_to) == ("pod_missing_required", "operations")
    assert "account ACC-1 requires a proof of delivery" in found.message


# ---------------------------------------------------------------------------- duplicates


def test_duplicate_bol_within_the_batch_flags_every_copy() -> None:
    first = replace(CLEAN, pro="A1", bol="BOL-1")
    other = replace(CLEAN, pro="B2", bol="BOL-2")
    copy = replace(CLEAN, pro="C3", bol=" bol-1")
    findings = duplicate_bol([first, other, copy])
    assert [(f.pro, f.rule, f.route_to) for f in findings] == [
        ("A1", "duplicate_bol", "billing"),
        ("C3", "duplicate_bol", "billing"),
    ]
    assert "Pro A1: BOL BOL-1 is also on pro C3 in this batch" in findings[0].message
    assert "also on pro A1" in findings[1].message


def test_duplicate_bol_against_already_billed() -> None:
    assert duplicate_bol([CLEAN], {"BOL-556"}) == []
    plain = only(duplicate_bol([CLEAN], {"bol-555"}))
    assert "BOL BOL-555 was already billed. Cancel this draft" in plain.message
    named = only(duplicate_bol([CLEAN], {"BOL-555": "0999"}))
    assert "was already billed on pro 0999" in named.message
    # Re-auditing the pro that holds the BOL is not a duplicate of itself.
    assert duplicate_bol([CLEAN], {"BOL-555": CLEAN.pro}) == []


def test_drafts_without_a_bol_are_not_duplicates_of_each_other() -> None:
    assert duplicate_bol([replace(CLEAN, bol=None), replace(CLEAN, pro="2", bol="")]) == []


# ---------------------------------------------------------------------------- bill-to, terms


@pytest.mark.parametrize(
    ("terms", "bill_to"),
    [
        ("prepaid", "Acme Widgets"),
        ("PP", "acme widgets co."),
        ("collect", "BETA STORES"),
        ("third_party", "Freight Pay Services"),
        ("TP", "Freight Pay Services"),
    ],
)
def test_bill_to_consistent_with_terms(terms: str, bill_to: str) -> None:
    assert bill_to_inconsistent_with_terms(replace(CLEAN, terms=terms, bill_to=bill_to)) == []


def test_prepaid_billed_to_the_consignee_is_flagged() -> None:
    found = only(bill_to_inconsistent_with_terms(replace(CLEAN, bill_to="Beta Stores LLC")))
    assert found.route_to == "billing"
    assert (
        "Pro 1000101 is prepaid, so it bills the shipper 'ACME WIDGETS, INC'; "
        "the bill-to is 'Beta Stores LLC'"
    ) in found.message


def test_collect_billed_to_the_shipper_is_flagged() -> None:
    found = only(bill_to_inconsistent_with_terms(replace(CLEAN, terms="collect")))
    assert "is collect, so it bills the consignee 'Beta Stores LLC'" in found.message


def test_third_party_billed_to_shipper_or_consignee_is_flagged() -> None:
    to_shipper = only(bill_to_inconsistent_with_terms(replace(CLEAN, terms="third_party")))
    assert "third party but bills the shipper" in to_shipper.message
    assert "or the terms to prepaid" in to_shipper.message
    draft = replace(CLEAN, terms="third_party", bill_to="Beta Stores")
    assert "or the terms to collect" in only(bill_to_inconsistent_with_terms(draft)).message


def test_missing_terms_or_parties() -> None:
    no_terms = only(bill_to_inconsistent_with_terms(replace(CLEAN, terms=None)))
    assert "has no terms; expected prepaid, collect or third party" in no_terms.message
    odd = only(bill_to_inconsistent_with_terms(replace(CLEAN, terms="cod")))
    assert "has terms 'cod'" in odd.message
    no_shipper = only(bill_to_inconsistent_with_terms(replace(CLEAN, shipper=None)))
    assert (no_shipper.route_to, "shows no shipper" in no_shipper.message) == ("operations", True)
    no_bill_to = only(bill_to_inconsistent_with_terms(replace(CLEAN, bill_to=None)))
    assert "the bill-to is empty" in no_bill_to.message


# ---------------------------------------------------------------------------- agreement


def test_pricing_agreement_valid_through_its_expiry_date() -> None:
    assert pricing_agreement_missing_or_expired(CLEAN) == []
    on_the_day = replace(CLEAN, pricing_agreement_expiry=date(2024, 3, 15))
    assert pricing_agreement_missing_or_expired(on_the_day) == []
    assert pricing_agreement_missing_or_expired(replace(CLEAN, pricing_agreement_expiry=None)) == []


def test_expired_pricing_agreement_names_both_dates() -> None:
    draft = replace(CLEAN, pricing_agreement_expiry=date(2024, 3, 14))
    found = only(pricing_agreement_missing_or_expired(draft))
    assert found.route_to == "billing"
    assert (
        "pricing agreement PA-77 of account ACC-1 expired on 2024-03-14, "
        "before the invoice date 2024-03-15"
    ) in found.message


def test_missing_pricing_agreement() -> None:
    found = only(pricing_agreement_missing_or_expired(replace(CLEAN, pricing_agreement_ref=" ")))
    assert "account ACC-1 has no pricing agreement on file" in found.message


def test_a_new_account_invoiced_before_its_onboarding_is_done_is_flagged() -> None:
    assert invoiced_before_onboarding(CLEAN) == []  # no checklist: an established account
    assert invoiced_before_onboarding(replace(CLEAN, onboarding_open=())) == []  # all done
    found = only(invoiced_before_onboarding(
        replace(CLEAN, onboarding_open=("Pricing agreement loaded", "Credit limit set"))
    ))  # fmt: skip
    assert (
        found.route_to == "sales"
        and "2 task(s) open: Pricing agreement loaded; Credit" in found.message
    )
    assert "account ACC-1 is invoiced before its onboarding checklist is done" in found.message


# ---------------------------------------------------------------------------- the batch


def test_run_preaudit_orders_by_draft_then_rule() -> None:
    messy = replace(
        CLEAN,
        pro="2",
        weight=D("2000"),
        accessorials=frozenset({"RES"}),
        pod_on_file=False,
        terms="collect",
        pricing_agreement_ref=None,
        onboarding_open=("Credit limit set (an amount)",),
    )
    no_bol = replace(CLEAN, pro="3", bol=None)
    twin = replace(CLEAN, pro="4")
    findings = run_preaudit([messy, no_bol, twin], {"BOL-555": "0999"})
    assert [(f.pro, f.rule) for f in findings] == [
        ("2", "duplicate_bol"),  # shares BOL-555 with pro 4
        ("2", "duplicate_bol"),  # and BOL-555 was billed on pro 0999
        ("2", "weight_or_class_mismatch"),
        ("2", "accessorial_not_requested"),
        ("2", "pod_missing_required"),
        ("2", "bill_to_inconsistent_with_terms"),
        ("2", "pricing_agreement_missing_or_expired"),
        ("2", "invoiced_before_onboarding"),
        ("3", "bol_missing"),
        ("4", "duplicate_bol"),
        ("4", "duplicate_bol"),
    ]
    assert {f.rule for f in findings} == set(RULES)


@given(
    st.permutations(["a", "b", "c", "d"]), st.lists(st.sampled_from("xyz"), min_size=4, max_size=4)
)
def test_duplicates_do_not_depend_on_batch_order(pros: list[str], bols: list[str]) -> None:
    drafts = [replace(CLEAN, pro=pro, bol=bol) for pro, bol in zip(pros, bols, strict=True)]
    flagged = {f.pro for f in duplicate_bol(drafts)}
    assert flagged == {d.pro for d in drafts if bols.count(d.bol or "") > 1}
    assert {f.pro for f in duplicate_bol(drafts[::-1])} == flagged
