"""What each role may write in the training app (see staff/roles.py), and how its rows are
scoped."""

from django.db.models import Exists, OuterRef

from staff.access import GLOBAL, Rows
from staff.models import in_subtree

WRITE = {
    "hr": ["course", "enrolment", "trainingtopic", "trainingrequirement"],
}


def course_rows(queryset, root):
    """Courses organised by a unit of ``root``'s subtree or attended from it."""
    from training.models import Enrolment

    attended = Enrolment.objects.filter(in_subtree(root, "unit"), course=OuterRef("pk"))
    return queryset.filter(in_subtree(root, "organizer_unit") | Exists(attended))


# Which unit each model's rows belong to (staff.access). An enrolment is read by
# the unit the person belonged to when enrolled, and written against the person's unit.
SCOPE = {
    "course": Rows(unit="organizer_unit", view=course_rows),
    "enrolment": Rows(unit="staff__unit", view="unit"),
    "trainingtopic": GLOBAL,
    "trainingrequirement": GLOBAL,
}

ACTIONS = {
    "course": {"enrol": ["add_enrolment"], "attendance": ["change_enrolment"]},
}
