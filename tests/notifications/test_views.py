"""The notification pages: inbox, opening one, preferences, a citizen's unsubscribe."""

from __future__ import annotations

import pytest

from notifications.choices import Delivery, EmailStatus, NotificationKind
from notifications.mail import unsubscribe_token
from notifications.models import EmailOptOut, NotificationPreference, NotificationProfile
from notifications.services import Builder, address_hash
from tests.notifications.queue import notification_for

pytestmark = pytest.mark.django_db


def test_inbox_lists_own_notifications_with_unread_count(client, people):
    notification_for(people["head_a"], subject="Việc của xã A")
    notification_for(people["head_b"], subject="Việc của xã B")
    client.force_login(people["head_a"])
    page = client.get("/app/notifications/")
    assert page.status_code == 200
    assert "Việc của xã A" in page.content.decode() and "Việc của xã B" not in page.content.decode()
    assert page.context["unread"] == 1


def test_opening_marks_read_and_redirects_to_the_record(client, people):
    row = notification_for(people["head_a"])
    client.force_login(people["head_a"])
    response = client.get(f"/app/notifications/{row.pk}/open/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.read_at is not None


def test_someone_elses_notification_is_404(client, people):
    row = notification_for(people["head_a"])
    client.force_login(people["head_b"])
    assert client.get(f"/app/notifications/{row.pk}/open/").status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_anonymous_is_sent_to_sign_in(client, people):
    assert client.get("/app/notifications/").status_code == 302


def test_preferences_are_saved_and_used(client, people):
    client.force_login(people["hr"])
    data = {"language": "en"}
    data.update(
        {
            f"kind_{k}": Delivery.IMMEDIATELY
            for k in NotificationKind.values
            if k != "feedback_status"
        }
    )
    data["kind_case_deadline_15"] = Delivery.DIGEST
    data["kind_case_statute_30"] = Delivery.NEVER
    assert client.post("/app/notifications/preferences/", data).status_code == 302
    assert NotificationProfile.objects.get(user=people["hr"]).language == "en"
    # The change is in the history, by the person who made it.
    recorded = NotificationPreference.history.filter(user=people["hr"], kind="case_statute_30")
    assert [(r.delivery, r.history_user) for r in recorded] == [(Delivery.NEVER, people["hr"])]
    assert NotificationProfile.history.get(user=people["hr"]).history_user == people["hr"]
    builder = Builder([people["hr"]])
    digest = builder.for_user(
        people["hr"],
        kind="case_deadline_15",
        content_type_id=1,
        object_id=1,
        context={"id": 1, "unit": "X", "due": "2024-05-30"},
    )
    never = builder.for_user(
        people["hr"],
        kind="case_statute_30",
        content_type_id=1,
        object_id=1,
        context={"id": 1, "unit": "X", "due": "2024-05-30"},
    )
    assert digest.email_status == EmailStatus.DIGEST and never.email_status == EmailStatus.SKIPPED
    assert digest.subject.startswith("Disciplinary case #1")
    assert (
        NotificationPreference.objects.filter(user=people["hr"]).count()
        == len(NotificationKind.values) - 1
    )


def test_unsubscribe_without_signing_in_for_that_address_only(client, db):
    token = unsubscribe_token("binh@example.com")
    page = client.get(f"/app/notifications/unsubscribe/{token}/")
    assert page.status_code == 200 and not EmailOptOut.objects.exists()
    assert client.post(f"/app/notifications/unsubscribe/{token}/").status_code == 200
    assert EmailOptOut.objects.filter(address_hash=address_hash("binh@example.com")).exists()
    assert not EmailOptOut.objects.filter(address_hash=address_hash("hoa@example.com")).exists()
    assert EmailOptOut.objects.count() == 1


def test_a_forged_unsubscribe_token_does_nothing(client, db):
    token = unsubscribe_token("binh@example.com")
    assert client.post(f"/app/notifications/unsubscribe/{token[:-2]}xx/").status_code == 400
    assert not EmailOptOut.objects.exists()


def test_the_digest_preference_sends_one_mail_a_day(smtp, people):
    from notifications.tasks import send_digests

    for subject in ("Một", "Hai"):
        row = notification_for(people["hr"], subject=subject)
        row.email_status = EmailStatus.DIGEST
        row.save()
    send_digests.enqueue()
    (message,) = smtp.received
    assert message.to == ["hr@example.vn"] and "Một" in message.text and "Hai" in message.text
    send_digests.enqueue()
    assert len(smtp.received) == 1


def test_the_workspace_header_shows_the_unread_count(client, people):
    for _ in range(3):
        notification_for(people["head_a"])
    client.force_login(people["head_a"])
    page = client.get("/app/notifications/").content.decode()
    assert 'class="notifications-link"' in page and 'hx-get="/app/notifications/badge/"' in page
    badge = client.get("/app/notifications/badge/").content.decode()
    assert '<span class="badge"' in badge and ">3</span>" in badge
