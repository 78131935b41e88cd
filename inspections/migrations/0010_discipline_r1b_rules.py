"""Split regime R1 at 20/09/2023 (Decree 71/2023) into R1a and R1b, and load the corrected rows.

Existing R1 rows become R1a (key ``R1a-...``, ending 19/09/2023), keeping what
the administrator edited; the R1b rows and the new fields come from the
fixture (``catalogue_load`` adds only what is missing). Cases stored with
regime R1 are relabelled by their discovery date. The stored deadlines are
not recomputed here (a migration must not depend on today's holiday table):
run ``manage.py recompute_case_deadlines`` afterwards; it prints how many
open cases changed.
"""

import datetime as dt

from django.db import migrations

SPLIT = dt.date(2023, 9, 20)
RENAMES = {"R1-cadre-cs": "R1a-cadre-cs", "R1-public-employee": "R1a-public-employee"}


def forwards(apps, schema_editor):
    from inspections.casework.services import catalogue_load

    Regime = apps.get_model("inspections", "DisciplineRegime")
    Case = apps.get_model("inspections", "DisciplinaryCase")
    split_eve = SPLIT - dt.timedelta(days=1)
    for old, new in RENAMES.items():
        row = Regime.objects.filter(key=old).first()
        if row is None or Regime.objects.filter(key=new).exists():
            continue
        row.key, row.code = new, "R1a"
        if row.valid_until is None or row.valid_until > split_eve:
            row.valid_until = split_eve
        row.save()
    catalogue_load(
        regime_model=Regime,
        form_model=apps.get_model("inspections", "DisciplineForm"),
        category_model=apps.get_model("inspections", "FindingCategory"),
    )
    # Rows renamed above keep their edits; take the fixture's source text and new fields for them.
    import json

    from inspections.casework.services import FIXTURES

    data = {
        r["key"]: r
        for r in json.loads((FIXTURES / "discipline_rules.json").read_text(encoding="utf-8"))[
            "regimes"
        ]
    }
    for key in ("R0", "R1a-cadre-cs", "R1a-public-employee", "R2-cadre-cs", "R2-public-employee"):
        item = data.get(key)
        if item is None:
            continue
        fields = {
            "legal_basis": item["legal_basis"],
            "note": item["note"],
            "verified": item["verified"],
            "prior_violations": item["prior_violations"],
            "shift_to_working_day": item["shift_to_working_day"],
            "name": item["name"],
        }
        Regime.objects.filter(key=key).update(**fields)
    r1b = list(Regime.objects.filter(code="R1b"))
    for case in Case.objects.filter(regime="R1").select_related("staff", "regime_rule"):
        if case.discovered_on >= SPLIT:
            row = next((r for r in r1b if case.staff.category in (r.categories or [])), None)
            case.regime, case.regime_rule = "R1b", row or case.regime_rule
        else:
            case.regime = "R1a"
        case.save(update_fields=["regime", "regime_rule"])


def backwards(apps, schema_editor):
    Regime = apps.get_model("inspections", "DisciplineRegime")
    Case = apps.get_model("inspections", "DisciplinaryCase")
    for old, new in RENAMES.items():
        row = Regime.objects.filter(key=new).first()
        if row is None:
            continue
        Case.objects.filter(
            regime_rule__code="R1b", staff__category__in=row.categories or []
        ).update(regime_rule=row)
        Regime.objects.filter(code="R1b", key=new.replace("R1a", "R1b")).delete()
        row.key, row.code = old, "R1"
        row.valid_until = dt.date(2025, 6, 30) if old == "R1-cadre-cs" else dt.date(2026, 6, 30)
        row.save()
    Case.objects.filter(regime__in=["R1a", "R1b"]).update(regime="R1")


class Migration(migrations.Migration):
    dependencies = [("inspections", "0009_discipline_r1_split")]

    operations = [migrations.RunPython(forwards, backwards)]
