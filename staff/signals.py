"""Keep role groups in step with the code after every migrate."""

from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def _ensure_roles(sender, **kwargs):
    # post_migrate fires once per app after that app's permissions were
    # created; rebuilding on each keeps the groups complete at the end.
    from staff.roles import ensure_roles

    ensure_roles()
