"""Enumerations of the casework models (inspections, findings, actions, discipline)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionKind(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    UNANNOUNCED = "unannounced", _("Unannounced")
    THEMATIC = "thematic", _("Thematic")
    FOLLOW_UP = "follow_up", _("Follow-up")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    CONCLUDED = "concluded", _("Concluded")


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor (ít nghiêm trọng)")
    SERIOUS = "serious", _("Serious (nghiêm trọng)")
    VERY_SERIOUS = "very_serious", _("Very serious (rất nghiêm trọng)")
    EXTREMELY_SERIOUS = "extremely_serious", _("Extremely serious (đặc biệt nghiêm trọng)")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done (reported by the unit)")
    VERIFIED = "verified", _("Verified by an inspector")


class CaseStatus(models.TextChoices):
    OPENED = "opened", _("Opened")
    SELF_REVIEW = "self_review", _("Self-review meeting (kiểm điểm)")
    COUNCIL = "council", _("Disciplinary council")
    DECIDED = "decided", _("Decided")
    CLOSED_NO_ACTION = "closed_no_action", _("Closed without discipline")
    POSTPONED = "postponed", _("Deferred (chưa xem xét)")
    EXEMPT = "exempt", _("Exempt from discipline")


class RegimeCode(models.TextChoices):
    R0 = "R0", _("R0: Law on Cadres and Civil Servants 2008 (before 2020-07-01)")
    R1A = "R1a", _("R1a: Law 52/2019, Decree 112/2020 (to 2023-09-19)")
    R1B = (
        "R1b",
        _("R1b: Law 52/2019, Decree 112/2020 as amended by Decree 71/2023 (from 2023-09-20)"),
    )
    R2 = "R2", _("R2: Law on Cadres and Civil Servants 2025, Decree 172/2025")


class DisciplineFormCode(models.TextChoices):
    KHIEN_TRACH = "khien_trach", _("Reprimand (khiển trách)")
    CANH_CAO = "canh_cao", _("Warning (cảnh cáo)")
    HA_BAC_LUONG = "ha_bac_luong", _("Salary step reduction (hạ bậc lương)")
    GIANG_CHUC = "giang_chuc", _("Demotion (giáng chức)")
    CACH_CHUC = "cach_chuc", _("Dismissal from post (cách chức)")
    BUOC_THOI_VIEC = "buoc_thoi_viec", _("Forced resignation (buộc thôi việc)")
    BAI_NHIEM = "bai_nhiem", _("Removal from elected office (bãi nhiệm)")


class PeriodUnit(models.TextChoices):
    DAYS = "days", _("days")
    MONTHS = "months", _("months")


class NoLimitationReason(models.TextChoices):
    PARTY_EXPULSION = (
        "party_expulsion",
        _("A Party member whose violation warrants expulsion from the Party"),
    )
    INTERNAL_POLITICAL = (
        "internal_political",
        _("Violation of the rules on internal political protection"),
    )
    NATIONAL_SECURITY = (
        "national_security",
        _("Harm to national interests in defence, security or foreign affairs"),
    )
    FAKE_DIPLOMA = (
        "fake_diploma",
        _(
            "Use of a fake or unlawful diploma, certificate, attestation or confirmation "
            "(to be recruited, promoted or appointed)"
        ),
    )


class PriorViolationRule(models.TextChoices):
    """How a regime treats violations committed before it took effect."""

    APPLY = "apply", _("This regime's statute applies to them as well")
    UNLESS_BARRED = (
        "unless_barred",
        _(
            "This regime's statute applies unless they were already time-barred under the "
            "previous regime"
        ),
    )
    FAVOURABLE = (
        "favourable",
        _("The statute more favourable to the person (the shorter one) applies"),
    )


class DeferralReason(models.TextChoices):
    ILLNESS = "illness", _("Serious illness or inpatient treatment (certified)")
    MATERNITY = "maternity", _("Pregnancy, maternity leave or raising a child under 12 months")
    PROSECUTED = "prosecuted", _("Prosecuted or detained pending a conclusion")
    LEAVE = "leave", _("On annual or personal leave (R1 only)")


class ExemptionReason(models.TextChoices):
    LOST_CAPACITY = "lost_capacity", _("Lost capacity at the time of the violation")
    SUPERIOR_ORDER = (
        "superior_order",
        _("Carried out a superior's unlawful order after reporting it"),
    )
    FORCE_MAJEURE = "force_majeure", _("Emergency, force majeure or an objective obstacle")
    INNOVATION = (
        "innovation",
        _(
            "An authorised research, technology or innovation proposal carried out "
            "properly, with damage"
        ),
    )
    OBJECTIVE_CAUSES = (
        "objective_causes",
        _("Powers and procedures respected, no self-interest, damage from objective causes"),
    )
    DECEASED = "deceased", _("The person has died")


class ProcedureShortcut(models.TextChoices):
    """Why a step of the usual path (self-review, council, decision) is left out, as the texts
    allow."""

    MOVED_UNIT = (
        "moved_unit",
        _("Violation at a former unit, discovered after the move (no self-review)"),
    )
    ADMITTED = (
        "admitted",
        _("Self-review already held under the law and responsibility admitted (no self-review)"),
    )
    CONCLUSION_WITH_FORM = (
        "conclusion_with_form",
        _("A competent body's conclusion proposes a specific form (no self-review, no council)"),
    )
    CRIMINAL_SENTENCE = (
        "criminal_sentence",
        _(
            "Sentenced to prison without suspension, or convicted of corruption (no "
            "self-review, no council)"
        ),
    )
    PARTY_DISCIPLINE = (
        "party_discipline",
        _("Party discipline already decided for the same violation (no self-review, no council)"),
    )


class SuspensionKind(models.TextChoices):
    CRIMINAL = "criminal", _("Criminal investigation, prosecution or trial")
    COMPLAINT = "complaint", _("Complaint or lawsuit against the decision")
    DEFERRAL = "deferral", _("Deferral (chưa xem xét)")


class EvidenceKind(models.TextChoices):
    IMAGE = "image", _("Image")
    PDF = "pdf", _("PDF document")
    OFFICE = "office", _("Office document")
