"""Load the disciplinary regimes, forms and finding categories (fixtures) when missing.

Rows the administrator has edited are never overwritten; see
``inspections.casework.services.catalogue_load``.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from inspections.casework.services import catalogue_load

    catalogue_load(
        regime_model=apps.get_model("inspections", "DisciplineRegime"),
        form_model=apps.get_model("inspections", "DisciplineForm"),
        category_model=apps.get_model("inspections", "FindingCategory"),
    )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0003_casework")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
