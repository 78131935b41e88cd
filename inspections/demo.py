"""Demo inspections, findings, actions and cases (issue 3)."""


def seed(*, scale, rng, stdout):
    """Filled in by the inspections issue."""
