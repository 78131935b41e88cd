"""Delete the files of background jobs past their keeping time (run daily by run_worker --daily)."""

from django.core.management.base import BaseCommand

from core.jobs import purge_expired


class Command(BaseCommand):
    help = "Delete expired background-job files."

    def handle(self, *args, **options):
        self.stdout.write(f"{purge_expired()} expired job(s) deleted")
