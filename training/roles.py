"""What each role may write in the training app (see staff/roles.py)."""

WRITE = {
    "hr": ["course", "enrolment", "trainingtopic", "trainingrequirement"],
}
