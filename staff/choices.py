from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    DEPARTMENT = "department", _("Department")
    COMMUNE = "commune", _("Commune, ward or town")


class StaffCategory(models.TextChoices):
    CADRE = "cadre", _("Cadre")
    CIVIL_SERVANT = "civil_servant", _("Civil servant")
    PUBLIC_EMPLOYEE = "public_employee", _("Public employee")
    CONTRACT = "contract", _("Contract staff")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class StaffStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LEFT = "left", _("Left")
