"""factory_boy factories for the casework models."""

import datetime as dt

import factory

from inspections.casework.choices import InspectionKind, Severity
from inspections.models import CorrectiveAction, Finding, FindingCategory, Inspection
from tests.factories import StaffFactory, UnitFactory


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"KT-{n:04d}")
    kind = InspectionKind.SCHEDULED
    unit = factory.SubFactory(UnitFactory)
    start_date = dt.date(2019, 3, 1)


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    inspection = factory.SubFactory(InspectionFactory)
    unit = factory.LazyAttribute(lambda o: o.inspection.unit if o.inspection else UnitFactory())
    category = factory.LazyFunction(lambda: FindingCategory.objects.get(code="late-dossier"))
    severity = Severity.MINOR
    description = "Hồ sơ trễ hẹn"
    found_on = dt.date(2019, 3, 5)


class CorrectiveActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CorrectiveAction

    finding = factory.SubFactory(FindingFactory)
    unit = factory.LazyAttribute(lambda o: o.finding.unit)
    description = "Niêm yết lại thủ tục"
    due_date = dt.date(2019, 4, 30)


__all__ = ["CorrectiveActionFactory", "FindingFactory", "InspectionFactory", "StaffFactory"]
