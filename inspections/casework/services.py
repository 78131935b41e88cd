"""Casework workflows that write several records: opening and moving disciplinary
cases, decisions and their effects, extensions and suspensions, progress and
verification of corrective actions, evidence uploads, and loading the rule
catalogue. Called alike from the API, the admin, commands and the demo seeder.

Every function takes keyword-only arguments, runs in one transaction and
validates with ``full_clean``; a broken rule raises ``ValidationError`` keyed
by the field at fault, which the API answers as 400.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.uploads import UploadRule, check_upload
from core.workdays import Calendar, load_calendar
from inspections.casework import rules
from inspections.casework.choices import (
    ActionStatus,
    CaseStatus,
    EvidenceKind,
    NoLimitationReason,
    SuspensionKind,
)
from inspections.models import (
    CaseSuspension,
    CorrectiveAction,
    DisciplinaryCase,
    DisciplineForm,
    DisciplineRegime,
    DisciplineStep,
    Evidence,
)
from staff import access

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# Sniffed MIME type -> kind; the file's own name or declared type is not trusted.
_EVIDENCE_TYPES = {
    "image/jpeg": EvidenceKind.IMAGE,
    "image/png": EvidenceKind.IMAGE,
    "image/gif": EvidenceKind.IMAGE,
    "image/webp": EvidenceKind.IMAGE,
    "image/tiff": EvidenceKind.IMAGE,
    "image/heic": EvidenceKind.IMAGE,
    "application/pdf": EvidenceKind.PDF,
    "application/msword": EvidenceKind.OFFICE,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": EvidenceKind.OFFICE,
    "application/vnd.ms-excel": EvidenceKind.OFFICE,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": EvidenceKind.OFFICE,
    "application/vnd.ms-powerpoint": EvidenceKind.OFFICE,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        EvidenceKind.OFFICE
    ),
    "application/vnd.oasis.opendocument.text": EvidenceKind.OFFICE,
    "application/vnd.oasis.opendocument.spreadsheet": EvidenceKind.OFFICE,
    "application/vnd.oasis.opendocument.presentation": EvidenceKind.OFFICE,
    "application/rtf": EvidenceKind.OFFICE,
}
EVIDENCE_RULE = UploadRule(
    types=_EVIDENCE_TYPES,
    max_bytes_setting="EVIDENCE_MAX_BYTES",
    type_message=gettext_lazy("Only images, PDF and office documents are accepted."),
)


def _error(exc: rules.RuleError) -> ValidationError:
    return ValidationError({exc.field: [exc.message]})


def _today() -> dt.date:
    return timezone.localdate()


# --- The rule catalogue --------------------------------------------------------


def catalogue_load(
    *, regime_model=DisciplineRegime, form_model=DisciplineForm, category_model=None
) -> dict[str, int]:
    """Create the regimes, forms and finding categories of the fixtures that are missing.

    Rows already present (matched on their natural keys) are left as the
    administrator edited them. Takes the model classes so a data migration can
    pass its historical models.
    """
    from inspections.models import FindingCategory

    category_model = category_model or FindingCategory
    created = {"regimes": 0, "forms": 0, "categories": 0}
    data = json.loads((FIXTURES / "discipline_rules.json").read_text(encoding="utf-8"))
    # A migration's historical model may predate some columns (or hold shorter codes):
    # load what fits; the later migration that adds them loads the rest.
    columns = {f.name: f for f in regime_model._meta.concrete_fields}
    for item in data["regimes"]:
        if len(item["code"]) > (columns["code"].max_length or 0):
            continue
        fields = {k: v for k, v in item.items() if k not in ("key", "forms") and k in columns}
        for key in ("valid_from", "valid_until"):
            fields[key] = dt.date.fromisoformat(fields[key]) if fields[key] else None
        regime, new = regime_model.objects.get_or_create(key=item["key"], defaults=fields)
        created["regimes"] += int(new)
        for form, category, leaders, non_leaders, level, effect, delay, verified in item["forms"]:
            _, new = form_model.objects.get_or_create(
                regime=regime,
                form=form,
                category=category,
                defaults={
                    "leaders_only": leaders,
                    "non_leaders_only": non_leaders,
                    "level": level,
                    "effect_months": effect,
                    "salary_delay_months": delay,
                    "verified": verified,
                },
            )
            created["forms"] += int(new)
    cats = json.loads((FIXTURES / "finding_categories.json").read_text(encoding="utf-8"))
    for item in cats["categories"]:
        obj, new = category_model.objects.get_or_create(
            code=item["code"], defaults={"name": item["name"], "sort_order": item["sort_order"]}
        )
        if new and hasattr(obj, "name_key") and not obj.name_key:
            # Historical models in migrations do not run ``save()`` overrides.
            from core.text import search_key

            category_model.objects.filter(pk=obj.pk).update(name_key=search_key(item["name"]))
        created["categories"] += int(new)
    return created


def regime_rule(row: DisciplineRegime) -> rules.RegimeRule:
    return rules.RegimeRule(
        key=row.key,
        code=row.code,
        categories=frozenset(row.categories or ()),
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        statute_months_minor=row.statute_months_minor,
        statute_months_other=row.statute_months_other,
        handling_period=row.handling_period,
        handling_period_complex=row.handling_period_complex,
        handling_unit=row.handling_unit,
        handling_working_days=row.handling_working_days,
        deferral_reasons=frozenset(row.deferral_reasons or ()),
        prior_violations=row.prior_violations,
        shift_to_working_day=row.shift_to_working_day,
    )


def form_rule(row: DisciplineForm) -> rules.FormRule:
    return rules.FormRule(
        form=row.form,
        category=row.category,
        level=row.level,
        effect_months=row.effect_months,
        salary_delay_months=row.salary_delay_months,
        leaders_only=row.leaders_only,
        non_leaders_only=row.non_leaders_only,
    )


def regime_for(
    category: str, day: dt.date, regimes: list[DisciplineRegime] | None = None
) -> DisciplineRegime:
    """The regime row in force for ``category`` on ``day``; ValidationError if none."""
    rows = regimes if regimes is not None else list(DisciplineRegime.objects.all())
    picked = rules.pick_regime([regime_rule(r) for r in rows], category, day)
    if picked is None:
        raise ValidationError(
            {
                "discovered_on": [
                    _("No disciplinary regime applies to this staff category on %(d)s.")
                    % {"d": rules.fmt(day)}
                ]
            }
        )
    return next(r for r in rows if r.key == picked.key)


# --- Computing and storing a case's deadlines ----------------------------------------


def _suspension_intervals(case: DisciplinaryCase) -> list[rules.Interval]:
    if not case.pk:
        return []
    return [rules.Interval(s.start, s.end) for s in case.suspensions.all()]


def _previous_regime(
    rows: list[DisciplineRegime], category: str, regime: DisciplineRegime
) -> rules.RegimeRule | None:
    """The regime in force for ``category`` the day before ``regime`` took effect."""
    if regime.valid_from is None:
        return None
    return rules.pick_regime(
        [regime_rule(r) for r in rows], category, regime.valid_from - dt.timedelta(days=1)
    )


def _later_violations(case: DisciplinaryCase) -> list[dt.date]:
    """Dates of the same person's other violations after this one (each may restart its statute)."""
    if not case.staff_id:
        return []
    others = DisciplinaryCase.objects.filter(
        staff_id=case.staff_id, violation_date__gt=case.violation_date
    )
    if case.pk:
        others = others.exclude(pk=case.pk)
    return list(others.values_list("violation_date", flat=True))


def case_compute(
    case: DisciplinaryCase,
    *,
    regimes: list[DisciplineRegime] | None = None,
    calendar: Calendar | None = None,
    suspensions: list[rules.Interval] | None = None,
    later_violations: list[dt.date] | None = None,
) -> DisciplinaryCase:
    """Fill the regime, statute and handling deadlines and their explanations (not saved)."""
    rows = regimes if regimes is not None else list(DisciplineRegime.objects.all())
    regime = regime_for(case.staff.category, case.discovered_on, rows)
    rule = regime_rule(regime)
    previous = _previous_regime(rows, case.staff.category, regime)
    if calendar is None and (rule.handling_working_days or rule.shift_to_working_day):
        # Statute deadlines reach ten years ahead, restarted ones further: read every stored day.
        calendar = load_calendar()
    # Explanations are stored text: write them in the site's language, whoever asks.
    with translation.override(settings.LANGUAGE_CODE):
        statute = rules.statute_deadline(
            rule,
            severity=case.severity,
            violation_date=case.violation_date,
            ended_on=case.violation_ended_on,
            ongoing=case.violation_ongoing,
            discovered_on=case.discovered_on,
            concluded_on=case.violation_concluded_on,
            repeat=case.repeat_violation,
            later_violations=later_violations
            if later_violations is not None
            else _later_violations(case),
            previous=previous,
            calendar=calendar,
            no_limitation_reason=case.no_limitation_reason,
            no_limitation_label=str(NoLimitationReason(case.no_limitation_reason).label)
            if case.no_limitation_reason
            else "",
        )
        try:
            handling = rules.handling_deadline(
                rule,
                discovered_on=case.discovered_on,
                suspensions=suspensions if suspensions is not None else _suspension_intervals(case),
                extension_days=case.extension_days,
                calendar=calendar,
            )
        except rules.RuleError as exc:
            raise _error(exc) from exc
    case.regime, case.regime_rule = regime.code, regime
    case.statute_deadline, case.statute_explanation = statute.value, statute.explanation
    case.handling_base_deadline = handling.base
    case.handling_deadline = handling.deadline
    case.suspended_days = handling.suspended_days
    case.handling_explanation = handling.explanation
    if case.extension_reason:
        case.handling_explanation += " " + _("Extension reason: %(r)s") % {
            "r": case.extension_reason
        }
    return case


def _record_step(
    case: DisciplinaryCase, *, from_status: str, to: str, on: dt.date, by, note: str
) -> DisciplineStep:
    step = DisciplineStep(
        case=case, from_status=from_status, to_status=to, on=on, by=by, note=note or ""
    )
    step.full_clean()
    step.save()
    return step


def _check_step_date(case: DisciplinaryCase, on: dt.date, field: str = "on") -> None:
    if on > _today():
        raise ValidationError({field: [_("The date is in the future.")]})
    if on < case.opened_on:
        raise ValidationError({field: [_("The date is before the case was opened.")]})
    last = case.steps.aggregate(last=Max("on"))["last"]
    if last and on < last:
        raise ValidationError(
            {field: [_("The date is before the previous step (%(d)s).") % {"d": rules.fmt(last)}]}
        )


@transaction.atomic
def case_open(*, staff, findings=(), by=None, note: str = "", **facts: Any) -> DisciplinaryCase:
    """Open a case: the staff member's current unit is kept, deadlines computed, first step
    stored."""
    facts.setdefault("opened_on", facts.get("discovered_on"))
    case = DisciplinaryCase(staff=staff, unit_id=staff.unit_id, status=CaseStatus.OPENED, **facts)
    if case.discovered_on and case.discovered_on > _today():
        raise ValidationError({"discovered_on": [_("The date is in the future.")]})
    case.full_clean(exclude=["regime", "regime_rule", "unit"])
    case_compute(case)
    case.save()
    if findings:
        case.findings.set(findings)
    _record_step(case, from_status="", to=CaseStatus.OPENED, on=case.opened_on, by=by, note=note)
    _recompute_earlier(case)
    return case


def _recompute_earlier(case: DisciplinaryCase) -> None:
    """A new violation restarts the statute of the same person's earlier open cases: store it."""
    earlier = (
        DisciplinaryCase.objects.still_open()
        .filter(staff_id=case.staff_id, violation_date__lt=case.violation_date)
        .exclude(pk=case.pk)
        .select_related("staff")
    )
    for other in earlier:
        before = other.statute_deadline
        case_compute(other)
        if other.statute_deadline != before:
            other.save()


@transaction.atomic
def case_update(*, case: DisciplinaryCase, findings=None, **facts: Any) -> DisciplinaryCase:
    """Correct a case's facts; deadlines are recomputed. A closed case's facts are frozen."""
    if not case.is_open and facts:
        raise ValidationError({"status": [_("A closed case cannot be changed.")]})
    for key, value in facts.items():
        setattr(case, key, value)
    if "staff" in facts and case.status == CaseStatus.OPENED:
        case.unit_id = case.staff.unit_id
    case.full_clean(exclude=["regime", "regime_rule"])
    case_compute(case)
    case.save()
    if findings is not None:
        case.findings.set(findings)
    if "violation_date" in facts or "staff" in facts:
        _recompute_earlier(case)
    return case


def _running_level(case: DisciplinaryCase) -> int | None:
    """Level of a sanction of the same person in effect on the new violation's date.

    In effect from the decision's effective date (the decision date when none
    was recorded) to the end of its effect period.
    """
    running = (
        DisciplinaryCase.objects.filter(
            staff_id=case.staff_id,
            status=CaseStatus.DECIDED,
            effect_ends_on__gte=case.violation_date,
        )
        .annotate(effect_from=Coalesce("decision_effective_on", "decision_date"))
        .filter(effect_from__lte=case.violation_date)
        .exclude(pk=case.pk)
        .values_list("decision_form", flat=True)
    )
    forms = set(running)
    if not forms:
        return None
    return DisciplineForm.objects.filter(form__in=forms).aggregate(level=Max("level"))["level"]


def _close_open_deferral(case: DisciplinaryCase, on: dt.date) -> None:
    for suspension in case.suspensions.filter(kind=SuspensionKind.DEFERRAL, end__isnull=True):
        end = on - dt.timedelta(days=1)
        if end < suspension.start:
            suspension.delete()  # resumed the day it was deferred: nothing to exclude
        else:
            suspension.end = end
            suspension.save(update_fields=["end"])


@transaction.atomic
def case_transition(
    *,
    case: DisciplinaryCase,
    to: str,
    by=None,
    note: str = "",
    on: dt.date | None = None,
    decision_form: str = "",
    decision_number: str = "",
    decision_date: dt.date | None = None,
    decision_signer: str = "",
    deferral_reason: str = "",
    exemption_reason: str = "",
    shortcut_reason: str = "",
    decision_effective_on: dt.date | None = None,
    party_decision_on: dt.date | None = None,
    warranted_form: str = "",
) -> DisciplinaryCase:
    """Take one legal workflow step; ``decided`` goes through ``case_decide``.

    ``shortcut_reason`` records why the texts let this case leave out the
    self-review meeting or the council (``ProcedureShortcut``); the regime row
    says which reasons it allows and what each leaves out.
    """
    case = (
        DisciplinaryCase.objects.select_for_update(of=("self",))
        .select_related("staff", "regime_rule")
        .get(pk=case.pk)
    )
    regime = case.regime_rule or regime_for(case.staff.category, case.discovered_on)
    if shortcut_reason:
        if shortcut_reason not in (regime.procedure_shortcuts or {}):
            raise ValidationError(
                {
                    "shortcut_reason": [
                        _(
                            "The texts of the case's regime do not allow leaving out a step "
                            "for this reason."
                        )
                    ]
                }
            )
        case.shortcut_reason = shortcut_reason
    try:
        rules.check_transition(
            case.status,
            to,
            postponed_from=case.postponed_from,
            deferral_reason=deferral_reason,
            exemption_reason=exemption_reason,
            regime_deferrals=regime.deferral_reasons or (),
            regime_exemptions=regime.exemption_reasons or None,
            note=note,
            **_path(case, regime),
        )
    except rules.RuleError as exc:
        raise _error(exc) from exc
    if to == CaseStatus.DECIDED:
        return case_decide(
            case=case,
            by=by,
            note=note,
            decision_form=decision_form,
            decision_number=decision_number,
            decision_date=decision_date,
            decision_signer=decision_signer,
            decision_effective_on=decision_effective_on,
            party_decision_on=party_decision_on,
            warranted_form=warranted_form,
        )
    on = on or _today()
    _check_step_date(case, on)
    previous = case.status
    if previous == CaseStatus.POSTPONED:
        _close_open_deferral(case, on)
        case.postponed_from = ""
        case.deferral_reason = ""
    if to == CaseStatus.POSTPONED:
        case.postponed_from = previous
        case.deferral_reason = deferral_reason
        CaseSuspension.objects.create(
            case=case, kind=SuspensionKind.DEFERRAL, start=on, note=note, created_by=by
        )
    if to == CaseStatus.EXEMPT:
        case.exemption_reason = exemption_reason
    case.status = to
    case_compute(case)
    case.save()
    _record_step(case, from_status=previous, to=to, on=on, by=by, note=note)
    return case


def _path(case: DisciplinaryCase, regime: DisciplineRegime) -> dict[str, Any]:
    """Whether the person's category goes through a council, and what the case's shortcut reason
    allows."""
    return {
        "needs_council": case.staff.category in (regime.council_categories or []),
        "shortcut": (regime.procedure_shortcuts or {}).get(case.shortcut_reason, "")
        if case.shortcut_reason
        else "",
    }


@transaction.atomic
def case_decide(
    *,
    case: DisciplinaryCase,
    decision_form: str,
    decision_number: str,
    decision_date: dt.date | None,
    decision_signer: str = "",
    decision_effective_on: dt.date | None = None,
    party_decision_on: dt.date | None = None,
    warranted_form: str = "",
    by=None,
    note: str = "",
) -> DisciplinaryCase:
    """Record the decision, its effects, and flag the staff member until the effects end.

    The effect period counts from the decision's effective date (or, where
    the regime says so, the Party decision on the same violation).
    """
    case_regime = case.regime_rule or regime_for(case.staff.category, case.discovered_on)
    try:
        rules.check_transition(
            case.status,
            CaseStatus.DECIDED,
            postponed_from=case.postponed_from,
            **_path(case, case_regime),
        )
    except rules.RuleError as exc:
        raise _error(exc) from exc
    errors: dict[str, list[str]] = {}
    if not decision_form:
        errors["decision_form"] = [_("This field is required.")]
    if not (decision_number or "").strip():
        errors["decision_number"] = [_("This field is required.")]
    if not decision_date:
        errors["decision_date"] = [_("This field is required.")]
    if decision_effective_on and decision_date and decision_effective_on < decision_date:
        errors["decision_effective_on"] = [_("A decision cannot take effect before it is signed.")]
    if errors:
        raise ValidationError(errors)
    _check_step_date(case, decision_date, "decision_date")
    if case.statute_deadline and decision_date > case.statute_deadline:
        raise ValidationError(
            {
                "decision_date": [
                    _(
                        "The statute of limitations ended on %(d)s: no discipline can be "
                        "imposed; close the case instead."
                    )
                    % {"d": rules.fmt(case.statute_deadline)}
                ]
            }
        )
    staff = case.staff
    regime = regime_for(staff.category, decision_date)
    forms = [form_rule(f) for f in regime.forms.all()]
    own = next(
        (f.level for f in forms if f.form == warranted_form and f.category == staff.category), None
    )
    try:
        chosen = rules.check_form(
            forms,
            form=decision_form,
            category=staff.category,
            is_leader=staff.is_leader,
            regime_code=regime.code,
            running_level=_running_level(case),
            own_level=own,
        )
    except rules.RuleError as exc:
        raise _error(exc) from exc
    with translation.override(settings.LANGUAGE_CODE):
        start, why = rules.effect_start(
            decision_date=decision_date,
            effective_on=decision_effective_on,
            party_decision_on=party_decision_on,
            form=decision_form,
            from_party_decision=regime.effect_from_party_decision,
        )
        effect = rules.effect_end(decision_date, chosen, start=start, why=why)
        explanation = effect.explanation
        if regime.code != case.regime:
            explanation += " " + _(
                "Form checked against regime %(r)s, in force on the decision date."
            ) % {"r": regime.code}
    previous = case.status
    case.status = CaseStatus.DECIDED
    case.decision_form, case.decision_number = decision_form, decision_number.strip()
    case.decision_date, case.decision_signer = decision_date, decision_signer.strip()
    case.decision_effective_on = decision_effective_on or decision_date
    case.party_decision_on, case.warranted_form = party_decision_on, warranted_form or ""
    case.effect_ends_on, case.salary_delay_months = effect.value, chosen.salary_delay_months
    case.effect_explanation = explanation
    case.save()
    if effect.value and (staff.sanction_until is None or staff.sanction_until < effect.value):
        # The flag ends by itself: eligibility checks compare this date with today.
        type(staff).objects.filter(pk=staff.pk).update(sanction_until=effect.value)
        staff.sanction_until = effect.value
    _record_step(
        case, from_status=previous, to=CaseStatus.DECIDED, on=decision_date, by=by, note=note
    )
    return case


@transaction.atomic
def case_extend(
    *, case: DisciplinaryCase, days: int, reason: str, on: dt.date | None = None, by=None
) -> DisciplinaryCase:
    """Extend the handling limit of a complex case (up to the regime's complex limit), recorded."""
    case = (
        DisciplinaryCase.objects.select_for_update(of=("self",))
        .select_related("staff")
        .get(pk=case.pk)
    )
    if not case.is_open:
        raise ValidationError({"days": [_("A closed case cannot be extended.")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for the extension.")]})
    if days is None or days <= 0:
        raise ValidationError({"days": [_("The extension must be a positive number of days.")]})
    case.extension_days = days
    case.extension_reason = reason.strip()
    case.extended_on = on or _today()
    case_compute(case)
    case.save()
    _record_step(
        case,
        from_status=case.status,
        to=case.status,
        on=case.extended_on,
        by=by,
        note=_("Handling limit extended by %(n)s days: %(r)s")
        % {"n": days, "r": case.extension_reason},
    )
    return case


@transaction.atomic
def case_add_suspension(
    *,
    case: DisciplinaryCase,
    kind: str,
    start: dt.date,
    end: dt.date | None = None,
    note: str = "",
    by=None,
) -> CaseSuspension:
    """Record a period that does not count towards the handling limit and recompute."""
    case = (
        DisciplinaryCase.objects.select_for_update(of=("self",))
        .select_related("staff")
        .get(pk=case.pk)
    )
    if start < case.discovered_on:
        raise ValidationError(
            {"start": [_("The period starts before the violation was discovered.")]}
        )
    suspension = CaseSuspension(
        case=case, kind=kind, start=start, end=end, note=note, created_by=by
    )
    suspension.full_clean()
    suspension.save()
    case_compute(case)
    case.save()
    return suspension


@transaction.atomic
def case_end_suspension(*, suspension: CaseSuspension, end: dt.date) -> CaseSuspension:
    if end < suspension.start:
        raise ValidationError({"end": [_("The end date is before the start date.")]})
    suspension.end = end
    suspension.save(update_fields=["end"])
    case = suspension.case
    case_compute(case)
    case.save()
    return suspension


# --- Corrective actions -------------------------------------------------------------


@transaction.atomic
def action_report_progress(
    *, action: CorrectiveAction, note: str, done_on: dt.date | None = None, by=None
) -> CorrectiveAction:
    """The responsible unit reports progress; a ``done_on`` date marks the action done.

    With ``by``, the user must be allowed the ``progress`` step on this row (staff.access).
    """
    if by is not None:
        access.require(by, "progress", action)
    if action.status == ActionStatus.VERIFIED:
        raise ValidationError({"status": [_("A verified action cannot be changed.")]})
    if done_on and done_on > _today():
        raise ValidationError({"done_on": [_("The date is in the future.")]})
    action.progress_note = (note or "").strip()
    action.progress_reported_at = timezone.now()
    if done_on:
        action.done_on, action.status = done_on, ActionStatus.DONE
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_verify(
    *, action: CorrectiveAction, on: dt.date | None = None, by=None
) -> CorrectiveAction:
    """An inspector confirms the action was done (with ``by``: checked by staff.access)."""
    if by is not None:
        access.require(by, "verify", action)
    if action.status != ActionStatus.DONE:
        raise ValidationError({"status": [_("Only an action reported done can be verified.")]})
    on = on or _today()
    if on > _today():
        raise ValidationError({"verified_on": [_("The date is in the future.")]})
    action.status, action.verified_on, action.verified_by = ActionStatus.VERIFIED, on, by
    action.full_clean()
    action.save()
    return action


# --- Evidence ------------------------------------------------------------------------


@transaction.atomic
def evidence_attach(*, parent, upload, description: str = "", by=None) -> Evidence:
    """Store an uploaded file for ``parent`` after sniffing its type and checking its size."""
    try:
        checked = check_upload(upload, EVIDENCE_RULE)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    evidence = Evidence(
        description=(description or "").strip(),
        uploaded_by=by,
        original_name=checked.name,
        kind=checked.kind,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.checksum,
    )
    field = {
        "Inspection": "inspection",
        "Finding": "finding",
        "CorrectiveAction": "corrective_action",
        "DisciplinaryCase": "case",
    }[type(parent).__name__]
    setattr(evidence, field, parent)
    evidence.unit_id = parent.unit_id
    evidence.file.save(evidence.original_name, upload, save=False)
    evidence.save()
    return evidence


# --- Logging an inspection on one page -------------------------------------------------


def _outside(unit, person) -> bool:
    return not person.unit.path.startswith(unit.path)


@transaction.atomic
def inspection_log(
    *,
    by,
    unit,
    code: str,
    kind: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    status: str,
    scope: str = "",
    lead_inspector=None,
    team=(),
    findings: list[dict] = (),
    uploads=(),
):
    """Create an inspection with its findings, their corrective actions and evidence, all or
    nothing.

    ``findings`` holds dicts of ``category``, ``severity``, ``description``,
    ``found_on`` (default: the start date), ``staff`` (optional), ``actions``
    (dicts of ``description`` and ``due_date``) and ``uploads``. The staff
    member of a finding must work in the inspected unit's subtree; the
    finding takes that person's unit. Nobody of the inspected unit may sit on
    its own inspection team.
    """
    from inspections.models import Finding, Inspection

    errors: dict[str, list[str]] = {}
    members = [p for p in (lead_inspector, *team) if p is not None]
    if any(not _outside(unit, person) for person in members):
        errors["team"] = [_("Members of the inspected unit cannot inspect it.")]
    if errors:
        raise ValidationError(errors)
    inspection = Inspection(
        code=(code or "").strip(),
        kind=kind,
        unit=unit,
        start_date=start_date,
        end_date=end_date,
        status=status,
        scope=(scope or "").strip(),
        lead_inspector=lead_inspector,
    )
    inspection.full_clean()
    inspection.save()
    inspection.team.set(team)
    for upload in uploads:
        evidence_attach(parent=inspection, upload=upload, by=by)
    for index, data in enumerate(findings):
        staff = data.get("staff")
        if staff is not None and _outside(unit, staff):
            raise ValidationError(
                {f"findings-{index}-staff": [_("This person does not work in the inspected unit.")]}
            )
        finding = Finding(
            inspection=inspection,
            unit=staff.unit if staff is not None else unit,
            staff=staff,
            category=data["category"],
            severity=data["severity"],
            description=(data.get("description") or "").strip(),
            found_on=data.get("found_on") or start_date,
        )
        try:
            finding.full_clean()
        except ValidationError as exc:
            raise ValidationError(
                {f"findings-{index}-{k}": v for k, v in exc.message_dict.items()}
            ) from exc
        finding.save()
        for upload in data.get("uploads", ()):
            evidence_attach(parent=finding, upload=upload, by=by)
        for number, item in enumerate(data.get("actions", ())):
            action = CorrectiveAction(
                finding=finding,
                unit=finding.unit,
                description=(item.get("description") or "").strip(),
                due_date=item["due_date"],
            )
            try:
                action.full_clean()
            except ValidationError as exc:
                raise ValidationError(
                    {
                        f"findings-{index}-actions-{number}-{k}": v
                        for k, v in exc.message_dict.items()
                    }
                ) from exc
            action.save()
    return inspection


@transaction.atomic
def finding_propose_case(*, finding, by, note: str = ""):
    """An inspector proposes a disciplinary case on a finding; HR sees it and decides whether to
    open one."""
    if finding.staff_id is None:
        raise ValidationError(
            {
                "note": [
                    _(
                        "A case needs the staff member involved: name the person on the "
                        "finding first."
                    )
                ]
            }
        )
    if finding.discipline_cases.exists():
        raise ValidationError({"note": [_("A disciplinary case is already open on this finding.")]})
    finding.case_proposed_at = timezone.now()
    finding.case_proposed_by = by
    finding.case_proposal_note = (note or "").strip()
    finding.save(
        update_fields=["case_proposed_at", "case_proposed_by", "case_proposal_note", "updated_at"]
    )
    return finding
