"""factory_boy factories for the administrative-reform models."""

import datetime as dt
from decimal import Decimal

import factory

from reform.choices import Channel, ProcedureLevel, ReportScope
from reform.models import Dossier, ParResult, Procedure, ServiceReport
from tests.factories import UnitFactory


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TTHC{n:04d}")
    name = factory.Sequence(lambda n: f"Cấp giấy chứng nhận {n}")
    field = "Đất đai"
    level = ProcedureLevel.DISTRICT
    resolution_days = 5


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"HS{n:06d}")
    procedure = factory.SubFactory(ProcedureFactory)
    unit = factory.SubFactory(UnitFactory)
    channel = Channel.COUNTER
    received_on = dt.date(2019, 3, 4)


class ServiceReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceReport

    unit = factory.SubFactory(UnitFactory)
    scope = ReportScope.DISTRICT
    period_start = dt.date(2019, 1, 1)
    period_end = dt.date(2019, 12, 31)
    received = 10
    resolved = 8
    pending_in_time = 2
    pending_overdue = 0


class ParResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParResult

    unit = factory.SubFactory(UnitFactory)
    year = 2019
    score = Decimal("85.50")
    rank = 2
    ranked_units = 12
