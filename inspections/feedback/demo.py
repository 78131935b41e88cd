"""Demo citizen feedback (issue 5)."""


def seed(*, scale, rng, stdout):
    """Filled in by the feedback issue."""
