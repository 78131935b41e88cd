"""Serializers and viewsets for units and staff."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from core.exports import ExportMixin
from core.history import HistoryViewSetMixin
from core.text import nfc
from core.validation import ModelCleanMixin
from staff.access import RestrictedViewSetMixin
from staff.filtersets import StaffFilterSet, UnitFilterSet
from staff.models import Staff, Unit


class UnitCodeField(serializers.SlugRelatedField):
    """A unit referred to by its code, as everywhere in the API."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Unit.objects.all())
        super().__init__(**kwargs)


class ActiveUnitCodeField(UnitCodeField):
    """A unit in force today, by code. A unit that was merged or dissolved is
    refused with a message naming the unit that took it over."""

    default_error_messages = {
        "dissolved": _(
            "Unit {code} is no longer in force since {date}; it was succeeded by "
            "{successor} ({name})."
        ),
        "dissolved_no_successor": _("Unit {code} is no longer in force since {date}."),
    }

    def get_queryset(self):
        from django.utils import timezone

        return Unit.objects.active_on(timezone.localdate())

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError:
            old = Unit.objects.select_related("successor").filter(code=str(data).strip()).first()
            if old is None or old.valid_until is None:
                raise
            ended = old.valid_until.strftime("%d/%m/%Y")
            if old.successor is not None:
                self.fail(
                    "dissolved",
                    code=old.code,
                    date=ended,
                    successor=old.successor.code,
                    name=old.successor.name,
                )
            self.fail("dissolved_no_successor", code=old.code, date=ended)


class StaffCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Staff.objects.all())
        super().__init__(**kwargs)


class UnitSerializer(ModelCleanMixin, serializers.ModelSerializer):
    # The stubs see Field.parent here; DRF's metaclass moves declared fields out of the class.
    parent = UnitCodeField(required=False, allow_null=True)  # type: ignore[assignment]
    successor = UnitCodeField(required=False, allow_null=True)

    class Meta:
        model = Unit
        fields = [
            "code",
            "name",
            "level",
            "parent",
            "valid_from",
            "valid_until",
            "successor",
            "address",
            "phone",
            "sort_order",
            "depth",
        ]
        read_only_fields = ["depth"]

    def validate_name(self, value):
        value = nfc(value)
        if not value:
            raise serializers.ValidationError(_("This field may not be blank."))
        return value


class UnitViewSet(RestrictedViewSetMixin, ExportMixin, HistoryViewSetMixin, viewsets.ModelViewSet):
    """Units of the administrative tree. `?active_on=YYYY-MM-DD` lists those in force that day."""

    queryset = Unit.objects.select_related("parent", "successor")
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
    search_key_fields = ("name_key",)
    search_code_fields = ("code",)
    ordering_fields = ["path", "code", "name_key", "level"]
    ordering = ["path"]
    export_filename = "units"
    export_columns = [
        ("code", _("Code")),
        ("name", _("Name")),
        ("level", _("Level")),
        ("parent__code", _("Parent unit")),
        ("valid_from", _("In force from")),
        ("valid_until", _("In force until")),
        ("successor__code", _("Successor unit")),
    ]


class StaffSerializer(ModelCleanMixin, serializers.ModelSerializer):
    unit = UnitCodeField()
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    is_sanctioned = serializers.BooleanField(read_only=True)

    class Meta:
        model = Staff
        fields = [
            "code",
            "full_name",
            "unit",
            "unit_name",
            "category",
            "position",
            "is_leader",
            "rank",
            "salary_step",
            "date_of_birth",
            "gender",
            "status",
            "joined_on",
            "left_on",
            "phone",
            "email",
            "sanction_until",
            "is_sanctioned",
        ]
        read_only_fields = ["sanction_until"]

    def validate_full_name(self, value):
        value = nfc(value)
        if not value:
            raise serializers.ValidationError(_("This field may not be blank."))
        return value


class StaffViewSet(RestrictedViewSetMixin, ExportMixin, HistoryViewSetMixin, viewsets.ModelViewSet):
    """The roster. `?search=` ignores case and diacritics ("nguyen thi anh" finds "Nguyễn Thị
    Ánh")."""

    queryset = Staff.objects.select_related("unit")
    serializer_class = StaffSerializer
    filterset_class = StaffFilterSet
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
    search_key_fields = ("name_key",)
    search_code_fields = ("code",)
    ordering_fields = ["code", "name_key", "date_of_birth", "joined_on"]
    ordering = ["unit__path", "name_key"]
    export_filename = "staff"
    export_columns = [
        ("code", _("Staff code")),
        ("full_name", _("Full name")),
        ("unit__code", _("Unit code")),
        ("unit__name", _("Unit")),
        ("category", _("Category")),
        ("position", _("Position")),
        ("rank", _("Rank")),
        ("date_of_birth", _("Date of birth")),
        ("gender", _("Gender")),
        ("status", _("Status")),
        ("joined_on", _("Joined on")),
        ("left_on", _("Left on")),
    ]


ROUTES = [
    ("units", UnitViewSet, "unit"),
    ("staff", StaffViewSet, "staff"),
]
