"""The built-in methodologies (``reports.scoring.DEFAULT_METHODOLOGIES``) as rows, editable afterwards."""

from django.db import migrations


def create(apps, schema_editor):
    from reports.scoring import DEFAULT_METHODOLOGIES

    Methodology = apps.get_model("reports", "ScoringMethodology")
    Component = apps.get_model("reports", "ScoringComponent")
    for method in DEFAULT_METHODOLOGIES:
        row, created = Methodology.objects.get_or_create(
            code=method.code,
            defaults={
                "name": method.name, "valid_from": method.valid_from, "source_document": method.source_document,
                "description": method.description, "min_staff": method.min_staff,
            },
        )
        if not created:
            continue
        for order, c in enumerate(method.components, start=1):
            Component.objects.create(
                methodology=row, key=c.key, name=c.name, name_en=c.name_en, formula=c.formula, sample=c.sample,
                weight=c.weight, min_sample=c.min_sample, sort_order=order,
            )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_scoring_methodology")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
